/* yunhe's embedding API for C (and for any language with a C FFI), over include/yunhe/yunhe.hpp.
 *
 *   yunhe_database *db; yunhe_connection *con; yunhe_result *res; char *err;
 *   if (yunhe_open("var/demo", &db, &err) != YUNHE_OK) { fprintf(stderr, "%s\n", err); yunhe_free(err); }
 *   yunhe_connect(db, &con);
 *   if (yunhe_query(con, "SELECT 1 AS one", &res) != YUNHE_OK) fprintf(stderr, "%s\n", yunhe_result_error(res));
 *   printf("%s\n", yunhe_value_text(res, 0, 0));
 *   yunhe_result_free(res); yunhe_disconnect(con); yunhe_close(db);
 *
 * Results are materialized (as libpq's PGresult); the C++ API streams. Every object is freed
 * by its own function; a connection is used by one thread at a time. docs/embedding.md. */
#ifndef YUNHE_YUNHE_H
#define YUNHE_YUNHE_H

#include <stddef.h>
#include <stdint.h>

#define YUNHE_C_API __attribute__((visibility("default")))

#ifdef __cplusplus
extern "C" {
#endif

typedef struct yunhe_database yunhe_database;
typedef struct yunhe_connection yunhe_connection;
typedef struct yunhe_result yunhe_result;
typedef struct yunhe_appender yunhe_appender;

typedef enum { YUNHE_OK = 0, YUNHE_ERROR = 1 } yunhe_state;

/* The column types (yunhe::api::Type, same numbers). */
typedef enum {
  YUNHE_TYPE_NULL = 0, YUNHE_TYPE_BOOL, YUNHE_TYPE_SMALLINT, YUNHE_TYPE_INTEGER, YUNHE_TYPE_BIGINT,
  YUNHE_TYPE_REAL, YUNHE_TYPE_DOUBLE, YUNHE_TYPE_NUMERIC, YUNHE_TYPE_TEXT, YUNHE_TYPE_DATE,
  YUNHE_TYPE_TIMESTAMP, YUNHE_TYPE_TIMESTAMPTZ, YUNHE_TYPE_INTERVAL, YUNHE_TYPE_GEOMETRY,
  YUNHE_TYPE_BYTEA, YUNHE_TYPE_ARRAY, YUNHE_TYPE_TIME
} yunhe_type;

/* PostgreSQL's name of a type. */
YUNHE_C_API const char *yunhe_type_name(yunhe_type type);
/* Frees what the API handed out with malloc (error messages). */
YUNHE_C_API void yunhe_free(void *p);

/* path: a data directory (made when missing); NULL, "" or ":memory:" = in memory. On failure
 * *out is NULL and *error (when error is not NULL) a message to free with yunhe_free. */
YUNHE_C_API yunhe_state yunhe_open(const char *path, yunhe_database **out, char **error);
/* Closes once every connection of it is gone too. */
YUNHE_C_API void yunhe_close(yunhe_database *db);
YUNHE_C_API yunhe_state yunhe_connect(yunhe_database *db, yunhe_connection **out);
YUNHE_C_API void yunhe_disconnect(yunhe_connection *con);

/* Runs every statement of sql (several as one transaction); *out is always set (free it with
 * yunhe_result_free) and holds the last statement's rows or the error. */
YUNHE_C_API yunhe_state yunhe_query(yunhe_connection *con, const char *sql, yunhe_result **out);
/* One statement with parameters $1..$n given as text (NULL = SQL NULL), typed by their place as
 * libpq's untyped parameters are. */
YUNHE_C_API yunhe_state yunhe_query_params(yunhe_connection *con, const char *sql, int nparams,
                                           const char *const *values, yunhe_result **out);

/* NULL when the statement succeeded; else the message, SQLSTATE and 1-based position (0 = none). */
YUNHE_C_API const char *yunhe_result_error(const yunhe_result *res);
YUNHE_C_API const char *yunhe_result_sqlstate(const yunhe_result *res);
YUNHE_C_API int yunhe_result_error_position(const yunhe_result *res);
/* "SELECT 3", "INSERT 0 5", ...; and its row count (-1 when the tag has none). */
YUNHE_C_API const char *yunhe_result_tag(const yunhe_result *res);
YUNHE_C_API int64_t yunhe_rows_affected(const yunhe_result *res);
YUNHE_C_API size_t yunhe_column_count(const yunhe_result *res);
YUNHE_C_API const char *yunhe_column_name(const yunhe_result *res, size_t col);
YUNHE_C_API yunhe_type yunhe_column_type(const yunhe_result *res, size_t col);
YUNHE_C_API size_t yunhe_row_count(const yunhe_result *res);
YUNHE_C_API int yunhe_value_is_null(const yunhe_result *res, size_t row, size_t col);
/* Integers, booleans, dates (days), timestamps and times (ns); 0 for NULL or other types. */
YUNHE_C_API int64_t yunhe_value_int64(const yunhe_result *res, size_t row, size_t col);
/* Any numeric type as a double; 0 for NULL or other types. */
YUNHE_C_API double yunhe_value_double(const yunhe_result *res, size_t row, size_t col);
/* PostgreSQL's text output ("" for NULL), valid until the result is freed. */
YUNHE_C_API const char *yunhe_value_text(yunhe_result *res, size_t row, size_t col);
YUNHE_C_API void yunhe_result_free(yunhe_result *res);

/* Bulk rows into a table, one value per column in table order, then end_row; written (one
 * statement, durable) by flush and by destroy. Errors: YUNHE_ERROR and yunhe_appender_error. */
YUNHE_C_API yunhe_state yunhe_appender_create(yunhe_connection *con, const char *table, yunhe_appender **out,
                                              char **error);
YUNHE_C_API yunhe_state yunhe_append_null(yunhe_appender *app);
YUNHE_C_API yunhe_state yunhe_append_int64(yunhe_appender *app, int64_t value);
YUNHE_C_API yunhe_state yunhe_append_double(yunhe_appender *app, double value);
/* Text, or the text form of any type ('2024-01-01 00:00:00+00' into a timestamptz column). */
YUNHE_C_API yunhe_state yunhe_append_text(yunhe_appender *app, const char *value);
YUNHE_C_API yunhe_state yunhe_appender_end_row(yunhe_appender *app);
YUNHE_C_API yunhe_state yunhe_appender_flush(yunhe_appender *app);
YUNHE_C_API const char *yunhe_appender_error(const yunhe_appender *app);
/* Flushes (YUNHE_ERROR when that failed: the rows since the last flush are not written) and frees. */
YUNHE_C_API yunhe_state yunhe_appender_destroy(yunhe_appender *app);

#ifdef __cplusplus
}
#endif
#endif
