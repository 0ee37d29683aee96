#include "engine/view_dependencies.h"

#include <fmt/format.h>

#include "engine/comments.h"
#include "engine/grants.h"
#include "common/sql_text.h"
#include "sql/parse_tree_walk.h"
#include "sql/parser.h"
#include "sql/planner.h"
#include "sql/sql_tokens.h"

namespace yunhe {

namespace {

bool Plans(const Catalog& cat, const ViewInfo& view) {
  std::vector<std::string> names;
  std::vector<LogicalType> types;
  return Planner(cat, view.sql).ViewColumns(view, &names, &types);
}

struct TextEdit {
  int start = 0, end = 0;  // byte range replaced
  std::string text;
};

// The view's query with the rename applied, or "" when nothing in it names what was renamed.
std::string RenamedViewText(const std::string& sql, const QualifiedName& table, const std::string& old_column,
                            const std::string& new_name) {
  std::shared_ptr<ParsedSql> parsed;
  try {
    parsed = ParsedSql::Parse(sql);
  } catch (const Error&) {
    return "";
  }
  const std::vector<SqlToken> tokens = ScanSqlTokens(sql);
  // The token `skip` tokens after the one starting at `location` (a name after "schema." parts).
  auto token_at = [&](int location, size_t skip) -> const SqlToken* {
    for (size_t k = 0; k < tokens.size(); ++k)
      if (tokens[k].start == location) return k + skip < tokens.size() ? &tokens[k + skip] : nullptr;
    return nullptr;
  };
  auto names_table = [&](const PgQuery__RangeVar* rv) {
    return rv->relname == table.name && (!rv->schemaname || !rv->schemaname[0] || rv->schemaname == table.schema);
  };
  // The names the renamed table goes by in this query: its own and its aliases.
  std::set<std::string> table_names;
  std::set<const void*> unnamed_targets;  // ColumnRefs that are a select-list item without AS
  std::set<const void*> sort_refs;        // ColumnRefs that are an ORDER BY item
  bool output_named_old = false;          // an output column is (and stays) named old_column
  bool reads_table = false;
  for (const ParsedStatement& st : parsed->statements())
    WalkParseTree(&st.node->base, [&](const ProtobufCMessage* m) {
      if (m->descriptor == &pg_query__range_var__descriptor) {
        auto* rv = reinterpret_cast<const PgQuery__RangeVar*>(m);
        if (names_table(rv)) {
          reads_table = true;
          table_names.insert(rv->alias && rv->alias->aliasname ? rv->alias->aliasname : rv->relname);
        }
      } else if (m->descriptor == &pg_query__res_target__descriptor) {
        auto* rt = reinterpret_cast<const PgQuery__ResTarget*>(m);
        const bool column = rt->val && rt->val->node_case == PG_QUERY__NODE__NODE_COLUMN_REF;
        if ((!rt->name || !rt->name[0]) && column) {
          unnamed_targets.insert(rt->val->column_ref);
          const PgQuery__ColumnRef* cr = rt->val->column_ref;
          const PgQuery__Node* last = cr->n_fields ? cr->fields[cr->n_fields - 1] : nullptr;
          output_named_old = output_named_old || (last && last->node_case == PG_QUERY__NODE__NODE_STRING && old_column == last->string->sval);
        }
        output_named_old = output_named_old || (rt->name && old_column == rt->name);
      } else if (m->descriptor == &pg_query__sort_by__descriptor) {
        auto* sb = reinterpret_cast<const PgQuery__SortBy*>(m);
        if (sb->node && sb->node->node_case == PG_QUERY__NODE__NODE_COLUMN_REF) sort_refs.insert(sb->node->column_ref);
      }
    });
  if (!reads_table) return "";
  std::vector<TextEdit> edits;
  for (const ParsedStatement& st : parsed->statements())
    WalkParseTree(&st.node->base, [&](const ProtobufCMessage* m) {
      if (old_column.empty() && m->descriptor == &pg_query__range_var__descriptor) {
        auto* rv = reinterpret_cast<const PgQuery__RangeVar*>(m);
        if (!names_table(rv)) return;
        if (const SqlToken* t = token_at(rv->location, rv->schemaname && rv->schemaname[0] ? 2 : 0))
          edits.push_back({t->start, t->end, QuoteIdent(new_name)});
      } else if (old_column.empty() && m->descriptor == &pg_query__column_ref__descriptor) {
        // t.col where t is the renamed table's own name (no alias): the qualifier follows.
        auto* cr = reinterpret_cast<const PgQuery__ColumnRef*>(m);
        const size_t n = cr->n_fields;
        if (n < 2 || cr->fields[n - 2]->node_case != PG_QUERY__NODE__NODE_STRING || table.name != cr->fields[n - 2]->string->sval ||
            !table_names.count(table.name))
          return;
        if (const SqlToken* t = token_at(cr->location, 2 * (n - 2))) edits.push_back({t->start, t->end, QuoteIdent(new_name)});
      } else if (!old_column.empty() && m->descriptor == &pg_query__column_ref__descriptor) {
        auto* cr = reinterpret_cast<const PgQuery__ColumnRef*>(m);
        const size_t n = cr->n_fields;
        if (n == 0 || cr->fields[n - 1]->node_case != PG_QUERY__NODE__NODE_STRING || old_column != cr->fields[n - 1]->string->sval) return;
        if (n >= 2 && (cr->fields[n - 2]->node_case != PG_QUERY__NODE__NODE_STRING || !table_names.count(cr->fields[n - 2]->string->sval))) return;
        // ORDER BY name means the output column of that name first (which keeps its name).
        if (n == 1 && output_named_old && sort_refs.count(cr)) return;
        const SqlToken* t = token_at(cr->location, 2 * (n - 1));
        if (!t) return;
        edits.push_back({t->start, t->end, QuoteIdent(new_name) + (unnamed_targets.count(cr) ? " AS " + QuoteIdent(old_column) : "")});
      }
    });
  if (edits.empty()) return "";
  std::sort(edits.begin(), edits.end(), [](const TextEdit& a, const TextEdit& b) { return a.start > b.start; });
  std::string out = sql;
  for (const TextEdit& e : edits) out.replace(size_t(e.start), size_t(e.end - e.start), e.text);
  return out;
}

}  // namespace

void RenameInViews(Catalog& cat, const std::set<std::string>& before, const std::string& old_key, const std::string& old_column,
                   const std::string& new_name) {
  const QualifiedName table = cat.Split(old_key);
  for (const std::string& key : BrokenViews(cat, before)) {
    ViewInfo& v = cat.views.at(key);
    ViewInfo renamed = v;
    renamed.sql = RenamedViewText(v.sql, table, old_column, new_name);
    if (!renamed.sql.empty() && Plans(cat, renamed)) v.sql = renamed.sql;
  }
}

std::set<std::string> PlannableViews(const Catalog& cat) {
  std::set<std::string> out;
  for (auto& [key, v] : cat.views)
    if (Plans(cat, v)) out.insert(key);
  return out;
}

std::vector<std::string> BrokenViews(const Catalog& cat, const std::set<std::string>& before) {
  std::vector<std::string> out;
  for (const std::string& key : before)
    if (const ViewInfo* v = cat.FindView(key); v && !Plans(cat, *v)) out.push_back(key);
  return out;
}

void DropDependentViews(Database& db, const std::set<std::string>& before, const std::string& verb, const std::string& object,
                        bool cascade, QueryResult& result) {
  if (db.in_replay() || before.empty()) return;
  // Views reading a broken view break too: drop until every remaining view of `before` plans.
  std::vector<std::string> broken = BrokenViews(db.catalog(), before);
  if (broken.empty()) return;
  const Catalog& cat = db.catalog();
  if (!cascade) {
    std::string detail;
    for (const std::string& key : broken) detail += (detail.empty() ? "" : "\n") + fmt::format("view {} depends on {}", cat.Split(key).name, object);
    throw Error(Status::Error(SqlState::kDependentObjects, fmt::format("cannot {} {} because other objects depend on it", verb, object))
                    .WithDetail(detail)
                    .WithHint("Use DROP ... CASCADE to drop the dependent objects too."));
  }
  // Every view of `before` that fails to plan is one that read the dropped object, directly or
  // through another such view: all of them go.
  for (const std::string& key : broken) db.mutable_catalog().views.erase(key);
  std::string logged;
  for (const std::string& key : broken)
    if (!IsTempRelationKey(key)) logged += (logged.empty() ? "" : ", ") + cat.Quote(key);
  if (broken.size() == 1) result.notices.push_back(fmt::format("NOTICE:  drop cascades to view {}", cat.Split(broken[0]).name));
  else result.notices.push_back(fmt::format("NOTICE:  drop cascades to {} other objects", broken.size()));
  ForgetDroppedComments(db.mutable_catalog());
  ForgetDroppedPrivileges(db.mutable_catalog());
  if (!logged.empty()) db.RecordCatalogChange("DROP VIEW " + logged, "");
}

}  // namespace yunhe
