#include "engine/comments.h"

#include "sql/privileges.h"

#include <fmt/format.h>

#include "common/sql_text.h"
#include "common/status.h"
#include "sql/planner.h"
#include "sql/relation_names.h"

namespace yunhe {
namespace {

const char* KindOf(const Catalog& cat, const std::string& name) {
  if (cat.FindTable(name)) return "TABLE";
  if (cat.FindView(name)) return "VIEW";
  if (cat.FindSequence(name)) return "SEQUENCE";
  if (cat.indexes.count(name)) return "INDEX";
  return nullptr;
}

}  // namespace

void ExecuteComment(Database& db, PgQuery__CommentStmt* stmt, const std::string& sql, QueryResult& result) {
  result.tag = "COMMENT";
  const Catalog& cat = db.catalog();
  std::vector<std::string> names;
  PgQuery__Node** items = nullptr;
  if (stmt->object && stmt->object->node_case == PG_QUERY__NODE__NODE_LIST) {
    items = stmt->object->list->items;
    for (size_t k = 0; k < stmt->object->list->n_items; ++k) names.push_back(StrVal(items[k]));
  }
  std::string relation, column;
  switch (stmt->objtype) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN: {
      if (names.size() < 2) throw Error(SqlState::kSyntaxError, "column name must be qualified");
      relation = NameListKey(cat, items, names.size() - 1);
      column = names.back();
      auto t = cat.FindTable(relation);
      const ViewInfo* v = cat.FindView(relation);
      if (!t && !v) throw Error(SqlState::kUndefinedTable, fmt::format("relation \"{}\" does not exist", relation));
      if (t && t->schema.ColumnIndex(column) < 0)
        throw Error(SqlState::kUndefinedColumn, fmt::format("column \"{}\" of relation \"{}\" does not exist", column, relation));
      break;
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
    case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX: {
      relation = NameListKey(cat, items, names.size());
      const char* kind = KindOf(cat, relation);
      const char* want = stmt->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE ? "TABLE"
                       : stmt->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_VIEW ? "VIEW"
                       : stmt->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE ? "SEQUENCE" : "INDEX";
      if (!kind) throw Error(SqlState::kUndefinedTable, fmt::format("relation \"{}\" does not exist", relation));
      if (std::string(kind) != want) {
        std::string lower = want;
        for (auto& c : lower) c = char(tolower((unsigned char)c));
        throw Error(SqlState::kWrongObjectType, fmt::format("\"{}\" is not a {}", relation, lower));
      }
      break;
    }
    default:
      throw Error(SqlState::kFeatureNotSupported, "COMMENT ON is supported for tables, views, sequences, indexes and columns");
  }
  // An index's comment is its table owner's to write.
  CheckRelationOwner(cat, cat.indexes.count(relation) ? cat.indexes.at(relation).table : relation);
  db.BeginCatalogChange();
  auto& comments = db.mutable_catalog().comments;
  // PostgreSQL: an empty comment removes it, as NULL does.
  if (stmt->comment && stmt->comment[0]) comments[{relation, column}] = stmt->comment;
  else comments.erase({relation, column});
  db.RecordCatalogChange(sql, relation);
}

std::string CommentsDdl(const Catalog& catalog) {
  std::string out;
  for (auto& [key, text] : catalog.comments) {
    const auto& [relation, column] = key;
    if (IsTempRelationKey(relation)) continue;
    if (!column.empty()) {
      out += fmt::format("COMMENT ON COLUMN {}.{} IS {};\n", catalog.Quote(relation), QuoteIdent(column), QuoteLiteral(text));
    } else if (const char* kind = KindOf(catalog, relation)) {
      out += fmt::format("COMMENT ON {} {} IS {};\n", kind, catalog.Quote(relation), QuoteLiteral(text));
    }
  }
  return out;
}

void ForgetDroppedComments(Catalog& catalog) {
  for (auto it = catalog.comments.begin(); it != catalog.comments.end();) {
    const auto& [relation, column] = it->first;
    auto t = column.empty() ? nullptr : catalog.FindTable(relation);
    const bool gone = !KindOf(catalog, relation) || (t && t->schema.ColumnIndex(column) < 0);
    it = gone ? catalog.comments.erase(it) : std::next(it);
  }
}

void MoveComments(Catalog& catalog, const std::string& relation, const std::string& column, const std::string& to) {
  auto& comments = catalog.comments;
  for (auto it = comments.begin(); it != comments.end();) {
    const bool match = it->first.first == relation && (column.empty() || it->first.second == column);
    if (!match) {
      ++it;
      continue;
    }
    std::string text = it->second;
    auto key = it->first;
    it = comments.erase(it);
    if (column.empty()) key.first = to;
    else key.second = to;
    comments[key] = text;
  }
}

}  // namespace yunhe
