// Binds a parsed statement against the catalog and builds its physical plan in one pass:
// names -> columns, calls -> functions with PostgreSQL's type resolution, SELECT -> operator tree.
// Errors carry the 1-based character position of the offending token.
//
// Split by job: planner_expr.cpp (expressions), planner_functions.cpp (calls and operators),
// planner_from.cpp (FROM and joins), planner_select.cpp (SELECT, GROUP BY, ORDER BY, set ops),
// planner_pushdown.cpp (WHERE below joins), planner_zone_maps.cpp (WHERE -> zone-map checks),
// planner_trajectory.cpp (stops, resample, proximity), planner_asof.cpp, planner_decorrelate.cpp.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "exec/aggregate_state.h"
#include "exec/basic_operators.h"
#include "exec/hash_join.h"
#include "exec/operator.h"
#include "exec/expr.h"
#include "sql/or_factoring.h"
#include "sql/parser.h"
#include "storage/catalog.h"

namespace yunhe {

class TableScanOperator;

struct ScopeColumn {
  std::string table;  // alias or table name, "" for unnamed
  std::string name;
  LogicalType type;
  bool hidden = false;  // not expanded by *, still resolvable (USING duplicates)
  // A base table's column the reader may SELECT only column by column (GRANT SELECT (a) ON t):
  // the table's key and column number, checked whenever the column is referenced
  // (Planner::CheckColumnRead).
  std::string acl_table = {};
  int acl_column = -1;
};

struct Scope {
  std::vector<ScopeColumn> columns;
  const Scope* parent = nullptr;  // enclosing query (for correlated references)
  // When set, binding marks every column it resolves here (column pruning of a base-table scan).
  std::vector<bool>* used = nullptr;
};

// Where a column name resolves in one scope level: its index (-1: not there), whether the name
// is ambiguous there, and whether a qualifying table name was seen at all.
struct ScopeMatch {
  int index = -1;
  bool ambiguous = false;
  bool table_seen = false;
};
ScopeMatch FindInScope(const Scope& s, const std::string& table, const std::string& column);
// True when every column an expression's parse tree names resolves, unambiguously, in `scope`
// alone (no enclosing query) and it holds no subquery: binding it there then cannot fail for a
// missing column. Lets the planner ask "does this WHERE conjunct read only these FROM items?"
// without binding it and catching the error.
bool ColumnsResolveIn(PgQuery__Node* node, const Scope& scope);

struct PlannedQuery {
  OperatorPtr plan;
  std::vector<std::string> names;
  std::vector<LogicalType> types;
};

struct CteEntry {
  std::shared_ptr<MaterializedResult> result;
  std::vector<std::string> names;
  std::vector<LogicalType> types;
  // For WITH RECURSIVE: the working table the recursive term reads.
  std::shared_ptr<MaterializedResult> working;
};

// Shifts column references of an expression by `offset` (bound on the right input of a join ->
// reading the combined row, or back with a negative offset).
ExprPtr ShiftColumns(const ExprPtr& e, int offset);
// True when `e` has one value for the whole statement: no columns, subqueries, outer references
// or volatile functions (now() is fine: it is the statement's start time).
bool StatementConstant(const Expr& e);
// planner_zone_maps.cpp: `column op value` and spatial conjuncts become the scan's zone-map checks.
void AddZoneMapPredicates(TableScanOperator& scan, const std::vector<ExprPtr>& preds);
// A WHERE conjunct `expr op value` (=, <, <=, >, >=; either way round, op flipped when the value
// comes first) whose value is fixed for the statement, not NULL and of expr's type; false
// otherwise, also when the value fails to evaluate (the filter itself reports that). Shared by
// the zone-map checks and the index lookups.
struct FixedComparison {
  const Expr* expr = nullptr;
  std::string op;
  Value value;
  std::string shown;  // the value as EXPLAIN shows it
};
bool MatchFixedComparison(const Expr& e, ExecContext& ctx, FixedComparison* out);
// The value of `e` when it is fixed for the statement, not NULL and of `type`.
bool FixedValueOf(const Expr& e, const LogicalType& type, ExecContext& ctx, Value* out);
// B-tree index lookups for the same conjuncts (planner_index_lookup.cpp).
void AddIndexLookup(TableScanOperator& scan, const std::vector<ExprPtr>& preds);
// The conjunction of the predicates (nullptr for none, the predicate itself for one).
ExprPtr AndAllConditions(const std::vector<ExprPtr>& preds);
class HashAggregateOperator;
// Aggregate <- [Filter] <- Seq Scan (`input` a sequential scan or a filter over one) over a big
// table runs its scan and filter on all cores (planner_select.cpp); other inputs stay serial.
void MaybeParallelAggregate(HashAggregateOperator& agg, const OperatorPtr& input, const std::vector<ExprPtr>& groups,
                            const std::vector<BoundAggregate>& aggregates);
// WHERE conjuncts placed over `plan`: each one that reads a single input of a join goes below
// the join (as far down as join semantics allow: the preserved side of outer joins, the left of
// ASOF and LATERAL joins), over table scans also as zone-map checks; the rest filter `plan`.
OperatorPtr PushDownFilters(OperatorPtr plan, const std::vector<ExprPtr>& preds);
// Safe to evaluate at another place in the plan: no correlated subqueries (uncorrelated ones
// run once and are cached), no volatile functions (random() must run once per output row;
// now() is the statement's start), no aggregates or windows.
bool MovableExpr(const Expr& e);
// A condition that is NULL or false for every row whose columns [lo, hi) are all NULL (a
// comparison, LIKE, IN or IS NOT NULL over those columns, through casts and arithmetic; AND of
// any, OR of all such): the rows an outer join pads with NULLs on that side never pass it.
bool RejectsNulls(const Expr& e, int lo, int hi);
// The kind an outer join over columns [lo, mid) ++ [mid, hi) is left with when `conditions` above
// it reject the padded rows of a side (PostgreSQL's reduce_outer_joins): LEFT/RIGHT become INNER,
// FULL one-sided or INNER.
JoinKind ReduceOuterJoin(JoinKind kind, const std::vector<ExprPtr>& conditions, int lo, int mid, int hi);
// Which inputs of a join an expression reads: 1 = left only, 2 = right only, 3 = both (or a
// subquery), 0 = neither.
int JoinSides(const Expr& e, int left_width);
// Projection pushdown below a SELECT's FROM (sql/planner_prune.cpp): `needed` flags the output
// columns of `plan` the query reads; joins stop carrying the others and base-table scans under
// them stop reading them. Descends through joins, filters and projections only.
void PruneColumns(const OperatorPtr& plan, const std::vector<bool>& needed);
// Byte location of a raw parse node (column refs, constants, operators, calls, casts), -1 if none.
int NodeLocation(PgQuery__Node* n);
// The comparison operator with its sides swapped: < becomes >, <= becomes >=, = stays.
std::string FlipComparison(const std::string& op);

class Planner {
 public:
  Planner(const Catalog& catalog, const std::string& sql) : catalog_(catalog), sql_(sql) {}
  const Catalog& catalog() const { return catalog_; }

  PlannedQuery PlanSelect(PgQuery__Node* node, const Scope* outer);
  // A statement's own SELECT: as PlanSelect, with the output as clients receive it (OID alias
  // columns become their names).
  PlannedQuery PlanOutput(PgQuery__Node* node);
  // Binds an expression where only `scope` is visible (defaults, CHECK, UPDATE SET, RETURNING).
  ExprPtr BindExpression(PgQuery__Node* node, const Scope& scope);
  // Same, then coerces the result to `type` (assignment cast).
  ExprPtr BindAndCoerce(PgQuery__Node* node, const Scope& scope, const LogicalType& type);
  ExprPtr CoerceTo(ExprPtr e, const LogicalType& type, bool explicit_cast = false);
  PlannedQuery PlanTableScan(const std::string& table, int location, bool emit_row_id, Scope* scope_out);
  PlannedQuery PlanView(const ViewInfo& view);
  PlannedQuery PlanRowsFrom(PgQuery__RangeFunction* f, const Scope* outer, Scope* scope_out);
  PlannedQuery PlanJsonRows(PgQuery__RangeFunction* f, PgQuery__FuncCall* call, const std::string& name, const Scope* outer,
                            Scope* scope_out);
  PlannedQuery PlanTableSample(PgQuery__RangeTableSample* ts, const Scope* outer, Scope* scope_out, const Scope* left_scope,
                               bool* is_lateral);
  PlannedQuery PlanUnnest(PgQuery__RangeFunction* f, PgQuery__FuncCall* call, const Scope* outer, Scope* scope_out);
  // A view's output columns for the system catalogs; false when its query no longer plans.
  bool ViewColumns(const ViewInfo& view, std::vector<std::string>* names, std::vector<LogicalType>* types);
  // Row-level security (sql/row_security.h): the USING filter of `command` ('r', 'w', 'd') on
  // table `key` for the reading role, bound over `scope` (the table's columns first); nullptr
  // when row security does not apply.
  ExprPtr RowSecurityFilter(const std::string& key, char command, const Scope& scope);
  void SetDmlCommand(char command) { dml_command_ = command; }  // before PlanDmlSource
  // Source rows of UPDATE ... FROM / DELETE ... USING: the target table's columns, then its row
  // id (hidden column "ctid"), then the other FROM items' columns, filtered by WHERE (and the
  // target's row-security policies).
  PlannedQuery PlanDmlSource(const std::string& table, const std::string& label, int location, PgQuery__Node** from,
                             size_t n_from, PgQuery__Node* where, Scope* scope_out);
  int CharPos(int byte_location) const;
  static std::string ColumnNameOf(PgQuery__Node* node);
  static LogicalType ResolveTypeName(PgQuery__TypeName* tn, int char_pos);

 private:
  friend struct SelectBuilder;
  struct BindContext {
    const Scope* scope = nullptr;
    bool allow_aggregates = false;
    bool allow_windows = false;
    std::vector<BoundAggregate>* aggregates = nullptr;
    std::vector<ExprPtr>* windows = nullptr;
    const char* clause = "";  // for "aggregate functions are not allowed in WHERE"
  };

  // planner_expr.cpp
  ExprPtr Bind(PgQuery__Node* node, BindContext& bc);
  ExprPtr BindColumnRef(PgQuery__ColumnRef* ref, BindContext& bc);
  ExprPtr BindConst(PgQuery__AConst* c);
  ExprPtr BindAExpr(PgQuery__AExpr* e, BindContext& bc);
  ExprPtr BindBoolExpr(PgQuery__BoolExpr* e, BindContext& bc);
  ExprPtr BindSubLink(PgQuery__SubLink* s, BindContext& bc);
  ExprPtr BindCase(PgQuery__CaseExpr* c, BindContext& bc);
  // __catalog_lookup(oid, map) for what CatalogMap (system_catalog.h) knows: regclass, indexdef, ...
  ExprPtr BindRegCast(OidAlias alias, ExprPtr arg, int location);
  ExprPtr OidAliasText(ExprPtr oid, int location);
  ExprPtr BindPseudoTypeCast(const std::string& type_name, ExprPtr arg, int location);
  ExprPtr BindSettingCall(const std::string& name, std::vector<ExprPtr>& args, int location);
  ExprPtr CatalogLookup(const std::string& what, ExprPtr oid, int location);
  ExprPtr BindPrivilegeFunction(const std::string& name, std::vector<ExprPtr>& args, int location);
  // The first argument of nextval/currval/setval: a constant name or regclass OID checked
  // against the catalog and handed on as the plain name.
  ExprPtr BindSequenceName(ExprPtr arg, int location);
  ExprPtr BindSerialSequence(const std::vector<ExprPtr>& args, int location);
  ExprPtr BindArrayConstructor(PgQuery__AArrayExpr* a, const LogicalType* target, BindContext& bc);
  ExprPtr BindTypeCast(PgQuery__TypeCast* c, BindContext& bc);
  ExprPtr BindSqlValueFunction(PgQuery__SQLValueFunction* f);
  ExprPtr BindVariadicCommon(ExprKind kind, PgQuery__Node** args, size_t n, int location, BindContext& bc,
                             const char* what);
  PlannedQuery PlanSubquery(PgQuery__Node* node, BindContext& bc, bool* correlated);

  // planner_functions.cpp
  ExprPtr BindFuncCall(PgQuery__FuncCall* f, BindContext& bc);
  // args_bc: the context for the arguments (a window aggregate's arguments may hold aggregates).
  ExprPtr BindAggregateCall(PgQuery__FuncCall* f, const std::string& name, BindContext& bc,
                            BindContext* args_bc = nullptr);
  ExprPtr BindWindowCall(PgQuery__FuncCall* f, const std::string& name, BindContext& bc);
 public:
  // A join of two planned inputs; `conditions` over left ++ right columns (equalities across the
  // sides become hash keys, a spatial predicate a spatial join, the rest the residual).
  PlannedQuery JoinPlans(PlannedQuery left, PlannedQuery right, JoinKind kind, std::vector<ExprPtr> conditions);
  ExprPtr ResolveCall(const std::string& name, std::vector<ExprPtr> args, int location, bool is_operator);
  std::vector<ExprPtr> BindCallArguments(PgQuery__FuncCall* f, const std::string& name, BindContext& bc);
  ExprPtr MakeComparison(const std::string& op, ExprPtr l, ExprPtr r, int location);
  // Casts both sides to a common type for IN lists, CASE, COALESCE, UNION.
  LogicalType UnifyTypes(std::vector<ExprPtr>& exprs, const char* context, int location);
 private:

  // planner_from.cpp
  // left_scope: the FROM items to the left, visible to a LATERAL item (nullptr: none).
  PlannedQuery PlanFromItem(PgQuery__Node* node, const Scope* outer, Scope* scope_out,
                            const Scope* left_scope = nullptr, bool* is_lateral = nullptr);
  PlannedQuery PlanFrom(PgQuery__Node** items, size_t n, const Scope* outer, Scope* scope_out,
                        std::vector<PgQuery__Node*>* where_conjuncts);
  // Joins items[0..n) onto `acc` (comma-join semantics, WHERE equalities become hash keys).
  void JoinFromItems(PlannedQuery* acc, Scope* acc_scope, PgQuery__Node** items, size_t n, const Scope* outer,
                     std::vector<PgQuery__Node*>* where_conjuncts);
  PlannedQuery PlanJoin(PgQuery__JoinExpr* j, const Scope* outer, Scope* scope_out);
  PlannedQuery PlanRangeFunction(PgQuery__RangeFunction* f, const Scope* outer, Scope* scope_out);
  // planner_trajectory.cpp: stops(...), resample(...), proximity(...).
  PlannedQuery PlanTrajectoryFunction(PgQuery__RangeFunction* f, PgQuery__FuncCall* call, const std::string& name,
                                      const Scope* outer, Scope* scope_out);
  PlannedQuery PlanReadNmea(PgQuery__RangeFunction* f, PgQuery__FuncCall* call, const std::string& name, const Scope* outer,
                            Scope* scope_out);
  // planner_asof.cpp: conditions are the bound ON/USING conjuncts over left ++ right columns.
  PlannedQuery PlanAsofJoin(PlannedQuery left, PlannedQuery right, bool left_outer, std::vector<ExprPtr> conditions,
                            const struct AsofJoinMark& mark);

  // planner_gapfill.cpp: adds the gap-fill step when GROUP BY has time_bucket_gapfill (after the
  // aggregate; select_exprs already read the aggregate's output) and checks locf/interpolate.
  OperatorPtr PlanGapFill(OperatorPtr plan, const std::vector<ExprPtr>& groups, std::vector<ExprPtr>& select_exprs,
                          const std::vector<ExprPtr>& where_preds);

  // planner_decorrelate.cpp: WHERE [NOT] EXISTS with equality correlation -> hash semi/anti join
  // on top of `plan`; the conjuncts it takes are removed from *preds.
  OperatorPtr DecorrelateExists(OperatorPtr plan, std::vector<ExprPtr>* preds);
  // Correlated scalar subqueries of the form (SELECT f(agg(...)) FROM t WHERE t.k = outer.k
  // [AND ...]) in `exprs` (over plan's rows) become one grouped aggregate LEFT JOINed to plan;
  // the expressions then read the joined columns.
  OperatorPtr DecorrelateScalarSubqueries(OperatorPtr plan, std::vector<ExprPtr>* exprs);

  // planner_select.cpp
  PlannedQuery PlanSimpleSelect(PgQuery__SelectStmt* s, const Scope* outer);
  PlannedQuery PlanSetOperation(PgQuery__SelectStmt* s, const Scope* outer);
  PlannedQuery PlanValues(PgQuery__SelectStmt* s, const Scope* outer);
  void RegisterCtes(PgQuery__WithClause* with, const Scope* outer);
  PlannedQuery ApplyOrderLimit(PlannedQuery q, PgQuery__SelectStmt* s, const Scope* outer);

  const Catalog& catalog_;
  const std::string& sql_;
  std::vector<std::map<std::string, CteEntry>> cte_stack_;
  // Whose privileges reads are checked with: "" = the statement's current_user; a view's body
  // is planned with its owner's (sql/privileges.h).
  std::string privilege_role_;
  // The command PlanDmlSource plans for ('w' UPDATE, 'd' DELETE): whose row-security policies apply.
  char dml_command_ = 'w';
  const std::string& PrivilegeRole() const;
  // 42501 when `col` is a column the reader holds no SELECT on (ScopeColumn::acl_table).
  void CheckColumnRead(const ScopeColumn& col) const;
  std::vector<std::shared_ptr<ParsedSql>> view_parses_;  // keep view ASTs alive while planning
  ParseNodeArena or_arena_;  // parse nodes FactorCommonOrTerms made (sql/or_factoring.h)
  // Set while a UNION/INTERSECT/EXCEPT plans a branch, taken by the branch's select list: a
  // bare NULL there keeps its open type, for the other branch to decide (PostgreSQL's
  // `SELECT k FROM t UNION ALL SELECT NULL` is of k's type, not text).
  bool set_operation_branch_ = false;
  // One flag per enclosing subquery being planned: set when a reference crosses it.
  std::vector<bool*> correlation_flags_;
  // WINDOW name AS (...) definitions of the SELECT being bound (innermost last).
  std::vector<std::map<std::string, PgQuery__WindowDef*>> named_windows_;
};

// Replaces grouped expressions and aggregate calls by columns of the HashAggregate output;
// a bare column that is neither grouped nor aggregated is a 42803 error.
ExprPtr RewriteAfterAggregate(const ExprPtr& e, const std::vector<ExprPtr>& groups, size_t group_count,
                              const Planner& planner);
// Adds a WindowOperator computing `windows` and points their uses at its output columns.
OperatorPtr PlanWindows(OperatorPtr plan, const std::vector<ExprPtr>& windows, std::vector<ExprPtr*> uses,
                        const std::vector<ExprPtr>* groups, const Planner& planner);

// Binds a column's DEFAULT expression (stored as SQL text), coerced to the column type;
// a NULL constant when there is none.
ExprPtr BindColumnDefault(const std::string& default_sql, const LogicalType& type, const Catalog& catalog);

// Splits an AND tree into its conjuncts.
void SplitConjuncts(PgQuery__Node* node, std::vector<PgQuery__Node*>* out);
std::string StrVal(PgQuery__Node* node);  // String node -> text, "" otherwise
// jsonb_each, jsonb_array_elements, jsonb_object_keys and their _text / json_ forms.
bool IsJsonRowsFunction(const std::string& name);

}  // namespace yunhe
