#include "engine/geometry_columns.h"

#include <fmt/format.h>

#include "common/sql_text.h"
#include "common/status.h"
#include "engine/command_calls.h"
#include "exec/expression_eval.h"
#include "sql/planner.h"
#include "sql/relation_names.h"

namespace yunhe {

bool IsGeometryColumnCommand(const PgQuery__Node* node) {
  const std::string name = CommandCallName(node);
  return name == "addgeometrycolumn" || name == "dropgeometrycolumn";
}

void ExecuteGeometryColumnCommand(Database& db, PgQuery__Node* node, const std::string& sql, QueryResult& result) {
  const bool add = CommandCallName(node) == "addgeometrycolumn";
  const std::vector<Value> args = CommandCallArgs(db, node, sql);
  auto text = [&](size_t k) { return args[k].is_null ? std::string() : args[k].ToString(); };
  std::string schema, table, column, out;
  // The table as PostGIS finds it: in the schema given, else through search_path.
  auto target = [&]() REQUIRES(db.mutex()) {
    const std::string key = ExistingRelationKey(db.catalog(), schema, table);
    if (!db.catalog().FindTable(key))
      throw Error(SqlState::kRaiseException, fmt::format("Table '{}' does not occur in the search_path", table));
    schema = db.catalog().Split(key).schema;
    return QuoteIdent(schema) + "." + QuoteIdent(table);
  };
  if (add) {
    // The SRID is the first integer argument: table and column come just before it.
    size_t srid_at = 0;
    while (srid_at < args.size() && !args[srid_at].type.IsInteger()) ++srid_at;
    if (srid_at < 2 || srid_at + 2 >= args.size() || args.size() > srid_at + 4)
      throw Error(SqlState::kUndefinedFunction, "AddGeometryColumn([[catalog,] schema,] table, column, srid, type, dims [, use_typmod])");
    if (srid_at >= 3 && !text(srid_at - 3).empty()) schema = text(srid_at - 3);
    table = text(srid_at - 2);
    column = text(srid_at - 1);
    const int64_t srid = args[srid_at].i, dims = args[srid_at + 2].is_null ? 2 : args[srid_at + 2].i;
    std::string type = text(srid_at + 1);
    for (auto& c : type) c = char(toupper((unsigned char)c));
    int16_t code = 0;
    const bool m_type = type.size() > 1 && type.back() == 'M' && GeometryTypmodFromName(type, &code) && (code & 32);
    std::string base = m_type ? type.substr(0, type.size() - 1) : type;
    if (!GeometryTypmodFromName(base, &code) || (code & 48))
      throw Error(SqlState::kRaiseException, fmt::format("Invalid type name \"{}({})\" - valid ones are: POINT, MULTIPOINT, LINESTRING, "
                                                         "MULTILINESTRING, POLYGON, MULTIPOLYGON, GEOMETRY, GEOMETRYCOLLECTION and their M forms",
                                                         type, dims));
    if (dims < 2 || dims > 4) throw Error(SqlState::kRaiseException, "invalid dimension");
    if (m_type && dims != 3) throw Error(SqlState::kRaiseException, "TypeM needs 3 dimensions");
    if (srid < 0) throw Error(SqlState::kRaiseException, fmt::format("AddGeometryColumn() - invalid SRID"));
    const std::string suffix = m_type ? "M" : dims == 3 ? "Z" : dims == 4 ? "ZM" : "";
    db.ExecuteNested(fmt::format("ALTER TABLE {} ADD COLUMN {} geometry({}{}, {})", target(), QuoteIdent(column), base, suffix, srid));
    out = fmt::format("{}.{}.{} SRID:{} TYPE:{} DIMS:{} ", schema, table, column, srid, type, dims);
  } else {
    if (args.size() < 2 || args.size() > 4) throw Error(SqlState::kUndefinedFunction, "DropGeometryColumn([[catalog,] schema,] table, column)");
    if (args.size() >= 3 && !text(args.size() - 3).empty()) schema = text(args.size() - 3);
    table = text(args.size() - 2);
    column = text(args.size() - 1);
    db.ExecuteNested(fmt::format("ALTER TABLE {} DROP COLUMN {}", target(), QuoteIdent(column)));
    out = fmt::format("{}.{}.{} effectively removed.", schema, table, column);
  }
  result.SetOneText(CommandCallColumn(node), out);
  result.tag = "SELECT 1";
}

}  // namespace yunhe
