/* yunhe embedded in a C program: cc quickstart.c $(pkg-config --cflags --libs yunhe) -o quickstart_c */
#include <stdio.h>
#include <yunhe/yunhe.h>

int main(void) {
  yunhe_database *db;
  yunhe_connection *con;
  yunhe_result *res;
  yunhe_appender *app;
  char *err = NULL;
  if (yunhe_open(":memory:", &db, &err) != YUNHE_OK) {
    fprintf(stderr, "open: %s\n", err);
    yunhe_free(err);
    return 1;
  }
  yunhe_connect(db, &con);
  yunhe_query(con, "CREATE TABLE fix (ts timestamptz, device text, lon double precision, lat double precision)", &res);
  yunhe_result_free(res);
  if (yunhe_appender_create(con, "fix", &app, &err) != YUNHE_OK) return 1;
  for (int i = 0; i < 3; ++i) {
    /* timestamps as ns since 1970 (or text: yunhe_append_text(app, "2024-03-01 09:30:00+00")) */
    if (yunhe_append_int64(app, 1709285400000000000LL + i * 1000000000LL) != YUNHE_OK ||
        yunhe_append_text(app, i == 2 ? "bd-2" : "bd-1") != YUNHE_OK ||
        yunhe_append_double(app, 116.39 + i * 0.001) != YUNHE_OK || yunhe_append_double(app, 39.91) != YUNHE_OK ||
        yunhe_appender_end_row(app) != YUNHE_OK) {
      fprintf(stderr, "append: %s\n", yunhe_appender_error(app));
      return 1;
    }
  }
  if (yunhe_appender_destroy(app) != YUNHE_OK) return 1;
  const char *params[] = {"bd-1"};
  if (yunhe_query_params(con, "SELECT ts, lon FROM fix WHERE device = $1 ORDER BY ts", 1, params, &res) != YUNHE_OK) {
    fprintf(stderr, "%s\n", yunhe_result_error(res));
    return 1;
  }
  for (size_t c = 0; c < yunhe_column_count(res); ++c)
    printf("%s%s (%s)", c ? ", " : "", yunhe_column_name(res, c), yunhe_type_name(yunhe_column_type(res, c)));
  printf("\n");
  for (size_t r = 0; r < yunhe_row_count(res); ++r)
    printf("%s | %.3f\n", yunhe_value_text(res, r, 0), yunhe_value_double(res, r, 1));
  printf("%s\n", yunhe_result_tag(res));
  yunhe_result_free(res);
  if (yunhe_query(con, "INSERT INTO nosuch VALUES (1)", &res) != YUNHE_OK)
    printf("error %s: %s\n", yunhe_result_sqlstate(res), yunhe_result_error(res));
  yunhe_result_free(res);
  yunhe_disconnect(con);
  yunhe_close(db);
  return 0;
}
