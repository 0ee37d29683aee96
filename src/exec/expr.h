// Bound expressions: the output of binding a pg_query expression node against a scope. They
// live with the executor, which evaluates them; the planner (sql/), above it, builds them.
// An Expr reads columns of the chunk its operator receives (kColumn) or of an enclosing query's
// current row (kOuterColumn, for correlated subqueries).
#pragma once
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "common/value.h"
#include "common/vector.h"
#include "exec/flat_key_map.h"

namespace yunhe {

struct ScalarFunction;
struct AggregateFunction;
class PhysicalOperator;
class JoinKeyFilter;

enum class ExprKind {
  kConstant,
  kColumn,
  kOuterColumn,
  kFunction,
  kCast,
  kAnd,
  kOr,
  kNot,
  kIsNull,
  kIsNotNull,
  kCase,        // args: [when0, then0, when1, then1, ..., else]
  kCoalesce,
  kGreatest,
  kLeast,
  kNullIf,
  kInList,      // args[0] IN (args[1..])
  kSubquery,    // scalar subquery
  kExists,
  kInSubquery,  // args[0] IN (subquery); `negated` for NOT IN
  kAnySubquery, // args[0] op ANY/ALL (subquery)
  kArraySubquery, // ARRAY(subquery)
  kAggregate,   // only between binding and the aggregate rewrite
  kWindow,      // only between binding and the window rewrite
  kParam,
  kJoinKeyFilter,  // args (1 or 2 integer-like keys) among the keys a hash join built (exec/join_key_filter.h)
};

struct Expr;
using ExprPtr = std::shared_ptr<Expr>;

// A subquery inside an expression: its plan and whether it reads outer columns.
struct SubqueryRef {
  std::shared_ptr<PhysicalOperator> plan;
  bool correlated = false;
  // Cache for uncorrelated subqueries, filled on first evaluation per statement execution.
  bool cached = false;
  Value scalar;
  std::vector<Value> values;
  std::unordered_set<std::string> value_keys;  // IN (subquery): row keys of `values` for O(1) probes
  // ... or, for an integer-like column, the values themselves in a flat map (no key per row).
  bool int_keyed = false;
  FlatKeyMap<int64_t> int_keys;
  bool has_null = false;
};

struct WindowSpec;
struct BoundWindow;

struct Expr {
  ExprKind kind = ExprKind::kConstant;
  LogicalType type;
  int location = -1;  // 0-based byte offset into the SQL text, -1 when none
  Value value;        // kConstant
  bool unknown_literal = false;  // a quoted literal whose type is still open (PostgreSQL "unknown")
  int column = -1;    // kColumn / kOuterColumn
  int depth = 0;      // kOuterColumn: 1 = the immediately enclosing query
  std::string name;   // function / column name, for display and error messages
  std::string table;  // kColumn / kOuterColumn: the table (alias) it was named through, shown by
                      // EXPLAIN when the query reads several ("a.k = d.k"); "" = unqualified
  const ScalarFunction* function = nullptr;
  const AggregateFunction* aggregate = nullptr;
  bool distinct = false;    // aggregate DISTINCT
  bool negated = false;     // NOT IN, ALL
  ExprPtr filter;           // aggregate FILTER (WHERE ...)
  std::vector<ExprPtr> order_by;  // ordered-set / ordered aggregate arguments
  std::vector<bool> order_desc;
  std::shared_ptr<BoundWindow> bound_window;  // kWindow
  std::vector<ExprPtr> args;
  std::shared_ptr<SubqueryRef> subquery;
  std::string any_op;       // kAnySubquery operator
  std::shared_ptr<const JoinKeyFilter> key_filter;  // kJoinKeyFilter

  bool IsConstant() const { return kind == ExprKind::kConstant; }
  std::string ToString() const;  // for EXPLAIN and column names
  bool Equals(const Expr& o) const;
};

ExprPtr MakeConstant(const Value& v, int location = -1);
// True when evaluating `e` needs nothing but the chunk, so worker threads may evaluate it: no
// subqueries (their caches are not thread-safe), no outer rows (workers have none), no
// aggregates or windows. nullptr counts as self-contained.
bool SelfContained(const ExprPtr& e);
// Marks in `cols` the input columns `e` reads (nullptr reads none). False when that cannot be
// told from the expression alone: it holds a subquery (which may read the row as its outer
// row) or a column outside `cols`.
bool MarkColumnsRead(const ExprPtr& e, std::vector<bool>* cols);
bool MarkColumnsRead(const Expr& e, std::vector<bool>* cols);
// The conjuncts of bound predicates, with nested ANDs flattened.
std::vector<ExprPtr> FlattenConjuncts(const std::vector<ExprPtr>& preds);
ExprPtr MakeColumn(int index, LogicalType type, std::string name);

}  // namespace yunhe
