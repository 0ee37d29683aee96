#include "sql/optimizer/join_order.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <set>
#include <unordered_map>

#include "exec/basic_operators.h"
#include "exec/hash_join.h"
#include "exec/table_scan.h"
#include "sql/optimizer/cardinality.h"
#include "sql/planner.h"

namespace yunhe {
namespace {

using Mask = uint64_t;
constexpr int kMaxInputs = 64;  // one bit per input

struct Condition {
  ExprPtr expr;        // over the region's columns
  Mask inputs = 0;     // the inputs it reads
  int eq_class = -1;   // >= 0: `column = column` of one equivalence class
  bool derived = false;  // implied by the class (transitivity), not written by the query
};

// A region: inputs side by side (input i's columns start at offset[i]) and the conditions over
// them, as the original tree of inner joins had them.
struct Region {
  std::vector<OperatorPtr> inputs;
  std::vector<int> offset;
  std::vector<Condition> conditions;
  int width = 0;
  bool reorderable = true;
};

bool IsInnerHashJoin(const PhysicalOperator& op) {
  auto* j = dynamic_cast<const HashJoinOperator*>(&op);
  return j && j->kind() == JoinKind::kInner;
}

// A filter between inner joins whose conditions may move to another join of the region.
bool IsRegionFilter(const PhysicalOperator& op) {
  auto* f = dynamic_cast<const FilterOperator*>(&op);
  return f && MovableExpr(*f->predicate()) && IsInnerHashJoin(*op.children[0]);
}

void AddConditions(const ExprPtr& e, Region& r) {
  for (const ExprPtr& c : FlattenConjuncts({e})) {
    if (!MovableExpr(*c)) r.reorderable = false;
    r.conditions.push_back(Condition{c});
  }
}

// Takes the region rooted at `op` apart; region columns of `op` start at `base`.
void Collect(const OperatorPtr& op, int base, Region& r, Planner& planner) {
  if (auto* j = dynamic_cast<HashJoinOperator*>(op.get()); j && j->kind() == JoinKind::kInner) {
    const int left_width = int(j->left_width());
    Collect(op->children[0], base, r, planner);
    Collect(op->children[1], base + left_width, r, planner);
    for (size_t k = 0; k < j->left_keys().size(); ++k) {
      ExprPtr l = ShiftColumns(j->left_keys()[k], base), rk = ShiftColumns(j->right_keys()[k], base + left_width);
      if (!MovableExpr(*l) || !MovableExpr(*rk)) r.reorderable = false;
      try {
        r.conditions.push_back(Condition{planner.MakeComparison("=", l, rk, -1)});
      } catch (const Error&) {
        r.reorderable = false;  // keys the hash table compares that no `=` operator takes
      }
    }
    if (j->residual()) AddConditions(ShiftColumns(j->residual(), base), r);
    return;
  }
  if (IsRegionFilter(*op)) {
    Collect(op->children[0], base, r, planner);
    AddConditions(ShiftColumns(static_cast<FilterOperator&>(*op).predicate(), base), r);
    return;
  }
  r.offset.push_back(base);
  r.inputs.push_back(op);
  r.width = std::max(r.width, base + int(op->types.size()));
}

int InputOfColumn(const Region& r, int column) {
  return int(std::upper_bound(r.offset.begin(), r.offset.end(), column) - r.offset.begin()) - 1;
}

Mask InputsRead(const Expr& e, const Region& r) {
  Mask m = 0;
  if (e.kind == ExprKind::kColumn) m |= Mask(1) << InputOfColumn(r, e.column);
  for (auto& a : e.args) m |= InputsRead(*a, r);
  return m;
}

ExprPtr RemapColumns(const ExprPtr& e, const std::vector<int>& position) {
  auto c = std::make_shared<Expr>(*e);
  if (c->kind == ExprKind::kColumn) c->column = position[size_t(c->column)];
  for (auto& a : c->args) a = RemapColumns(a, position);
  return c;
}

bool IsColumnEquality(const Expr& e) {
  return e.kind == ExprKind::kFunction && e.name == "=" && e.args.size() == 2 && e.args[0]->kind == ExprKind::kColumn &&
         e.args[1]->kind == ExprKind::kColumn && e.args[0]->type == e.args[1]->type;
}

struct Node {
  int left = -1, right = -1;  // right: the build side
  int input = -1;             // a leaf: the input
  Mask mask = 0;
};

class JoinOrderer {
 public:
  JoinOrderer(Region& r, Planner& planner) : r_(r), planner_(planner), n_(int(r.inputs.size())) {}

  OperatorPtr Run(std::vector<int>* columns) {
    for (auto& in : r_.inputs) rows_.push_back(EstimateRows(*in));
    for (auto& c : r_.conditions) c.inputs = InputsRead(*c.expr, r_);
    BuildClasses();
    PropagateConstants();
    adjacency_.assign(size_t(n_), 0);
    for (auto& c : r_.conditions)
      if (std::popcount(c.inputs) == 2) {
        const int a = std::countr_zero(c.inputs), b = 63 - std::countl_zero(c.inputs);
        adjacency_[size_t(a)] |= Mask(1) << b;
        adjacency_[size_t(b)] |= Mask(1) << a;
      }
    int root = n_ <= kMaxDpInputs ? SolveExactly() : -1;
    if (root < 0) root = SolveGreedily();
    assigned_.assign(r_.conditions.size(), false);
    return Build(root, true, columns);
  }

 private:
  // Union-find over the columns that `a = b` conditions between two inputs tie together; each
  // class then connects all its inputs (transitive equalities added as derived conditions).
  void BuildClasses() {
    std::vector<int> parent(size_t(r_.width));
    std::iota(parent.begin(), parent.end(), 0);
    std::function<int(int)> find = [&](int x) { return parent[size_t(x)] == x ? x : parent[size_t(x)] = find(parent[size_t(x)]); };
    for (auto& c : r_.conditions)
      if (IsColumnEquality(*c.expr) && std::popcount(c.inputs) == 2)
        parent[size_t(find(c.expr->args[0]->column))] = find(c.expr->args[1]->column);
    std::map<int, int> class_of_root;
    std::vector<std::vector<int>>& members = members_;
    std::map<int, ExprPtr>& written = written_;
    for (auto& c : r_.conditions) {
      if (!IsColumnEquality(*c.expr) || std::popcount(c.inputs) != 2) continue;
      const int root = find(c.expr->args[0]->column);
      auto [it, fresh] = class_of_root.emplace(root, int(members.size()));
      if (fresh) members.emplace_back();
      c.eq_class = it->second;
      for (auto& a : c.expr->args) written.emplace(a->column, a);
      for (auto& a : c.expr->args)
        if (std::find(members[size_t(it->second)].begin(), members[size_t(it->second)].end(), a->column) == members[size_t(it->second)].end())
          members[size_t(it->second)].push_back(a->column);
    }
    class_distinct_.assign(members.size(), std::vector<double>(size_t(n_), 0));
    class_one_per_input_.clear();
    for (size_t k = 0; k < members.size(); ++k) {
      // One representative column per input, and what the class knows of each input's keys.
      std::vector<int> representative(size_t(n_), -1);
      class_one_per_input_.push_back(true);
      for (int col : members[k]) {
        const int in = InputOfColumn(r_, col);
        if (representative[size_t(in)] >= 0) class_one_per_input_.back() = false;
        const double d = EstimateDistinct(*r_.inputs[size_t(in)], col - r_.offset[size_t(in)]);
        class_distinct_[k][size_t(in)] = std::max(class_distinct_[k][size_t(in)], d);
        if (representative[size_t(in)] < 0) representative[size_t(in)] = col;
      }
      std::vector<Mask> linked;
      for (auto& c : r_.conditions)
        if (c.eq_class == int(k)) linked.push_back(c.inputs);
      for (int a = 0; a < n_; ++a)
        for (int b = a + 1; b < n_; ++b) {
          if (representative[size_t(a)] < 0 || representative[size_t(b)] < 0) continue;
          const Mask pair = (Mask(1) << a) | (Mask(1) << b);
          if (std::find(linked.begin(), linked.end(), pair) != linked.end()) continue;
          const int ca = representative[size_t(a)], cb = representative[size_t(b)];
          Condition d;
          d.expr = planner_.MakeComparison("=", written[ca], written[cb], -1);
          d.inputs = pair;
          d.eq_class = int(k);
          d.derived = true;
          r_.conditions.push_back(d);
        }
    }
  }

  // `column = constant` on one member of a class holds for every member: each other input gets
  // the same filter (below the joins, where it narrows the scan and its zone maps), as
  // PostgreSQL's equivalence classes do. The constants come from the inputs' own filters (WHERE
  // conjuncts pushed down) and from one-input conditions of the region (ON k = 5).
  void PropagateConstants() {
    class_constant_.assign(members_.size(), false);
    std::vector<std::pair<int, ExprPtr>> fixed;  // (region column, value)
    auto take = [&](const Expr& e, int offset) {
      if (e.kind != ExprKind::kFunction || e.name != "=" || e.args.size() != 2) return;
      for (int side = 0; side < 2; ++side) {
        const Expr& col = *e.args[size_t(side)];
        const ExprPtr& value = e.args[size_t(1 - side)];
        if (col.kind == ExprKind::kColumn && StatementConstant(*value) && value->type == col.type) {
          fixed.emplace_back(offset + col.column, value);
          return;
        }
      }
    };
    for (int i = 0; i < n_; ++i)
      if (auto* f = dynamic_cast<FilterOperator*>(r_.inputs[size_t(i)].get()))
        for (const ExprPtr& c : FlattenConjuncts({f->predicate()})) take(*c, r_.offset[size_t(i)]);
    for (size_t c = 0; c < r_.conditions.size(); ++c)
      if (std::popcount(r_.conditions[c].inputs) == 1) take(*r_.conditions[c].expr, 0);
    std::set<std::pair<int, std::string>> done;
    for (auto& [column, value] : fixed) done.emplace(column, value->ToString());
    for (auto& [column, value] : fixed) {
      for (size_t k = 0; k < members_.size(); ++k) {
        if (std::find(members_[k].begin(), members_[k].end(), column) == members_[k].end()) continue;
        class_constant_[k] = true;
        for (int m : members_[k]) {
          const int in = InputOfColumn(r_, m);
          if (in == InputOfColumn(r_, column) || !done.emplace(m, value->ToString()).second) continue;
          Condition d;
          d.expr = planner_.MakeComparison("=", written_[m], value, -1);
          d.inputs = Mask(1) << in;
          d.derived = true;
          r_.conditions.push_back(d);
        }
      }
    }
  }

  // Distinct values of what a condition's side reads: a column's estimate, else its input's rows.
  double SideDistinct(const Expr& e) const {
    if (e.kind == ExprKind::kColumn) {
      const int in = InputOfColumn(r_, e.column);
      return EstimateDistinct(*r_.inputs[size_t(in)], e.column - r_.offset[size_t(in)]);
    }
    double rows = 1;
    const Mask m = InputsRead(e, r_);
    for (int i = 0; i < n_; ++i)
      if (m >> i & 1) rows = std::max(rows, rows_[size_t(i)]);
    return rows;
  }

  double Selectivity(const Condition& c) const {
    const Expr& e = *c.expr;
    if (e.kind == ExprKind::kFunction && e.name == "=" && e.args.size() == 2)
      return 1 / std::max({1.0, SideDistinct(*e.args[0]), SideDistinct(*e.args[1])});
    return kDefaultRangeSelectivity;
  }

  // Rows of the join of the inputs in `mask`, whatever the order: the inputs' rows times the
  // selectivity of every condition inside. An equivalence class over k of the inputs divides by
  // the distinct counts of all but the smallest of them (so a.k = b.k = c.k is not counted as
  // three independent equalities).
  double Cardinality(Mask mask) {
    if (auto it = card_cache_.find(mask); it != card_cache_.end()) return it->second;
    double rows = 1;
    for (int i = 0; i < n_; ++i)
      if (mask >> i & 1) rows *= rows_[size_t(i)];
    const double cross = rows;
    for (size_t k = 0; k < class_distinct_.size(); ++k) {
      // A class fixed to a constant joins nothing more than the filters on its members keep.
      if (class_constant_[k]) continue;
      const std::vector<double>& per_input = class_distinct_[k];
      std::vector<double> d;
      for (int i = 0; i < n_; ++i)
        if ((mask >> i & 1) && per_input[size_t(i)] > 0) d.push_back(per_input[size_t(i)]);
      std::sort(d.begin(), d.end(), std::greater<double>());
      for (size_t k = 0; k + 1 < d.size(); ++k) rows /= std::max(1.0, d[k]);
    }
    rows = std::min(cross, rows * CompositeKeyCorrection(mask));
    for (auto& c : r_.conditions)
      if (c.eq_class < 0 && c.inputs != 0 && (c.inputs & ~mask) == 0) rows *= Selectivity(c);
    rows = std::max(1.0, rows);
    card_cache_[mask] = rows;
    return rows;
  }

  // Two inputs joined on several columns (lineitem and partsupp on partkey and suppkey) are
  // not joined on independent keys: a side has at most as many distinct key combinations as
  // rows. Per such pair, the divisor the classes applied (the product of each key's larger
  // distinct count) is replaced by the larger of the two sides' capped combination counts,
  // min(rows, product of its distinct counts), as for a join on one composite key.
  double CompositeKeyCorrection(Mask mask) const {
    double factor = 1;
    for (int a = 0; a < n_; ++a) {
      if (!(mask >> a & 1)) continue;
      for (int b = a + 1; b < n_; ++b) {
        if (!(mask >> b & 1)) continue;
        double applied = 1, da = 1, db = 1;
        int shared = 0;
        for (size_t k = 0; k < class_distinct_.size(); ++k) {
          const double ka = class_distinct_[k][size_t(a)], kb = class_distinct_[k][size_t(b)];
          if (class_constant_[k] || ka <= 0 || kb <= 0) continue;
          ++shared;
          applied *= std::max({1.0, ka, kb});
          da *= std::max(1.0, ka);
          db *= std::max(1.0, kb);
        }
        if (shared < 2) continue;
        const double composite = std::max({1.0, std::min(rows_[size_t(a)], da), std::min(rows_[size_t(b)], db)});
        if (composite < applied) factor *= applied / composite;
      }
    }
    return factor;
  }

  Mask Neighbours(Mask mask) const {
    Mask n = 0;
    for (int i = 0; i < n_; ++i)
      if (mask >> i & 1) n |= adjacency_[size_t(i)];
    return n & ~mask;
  }

  int Leaf(int input) {
    nodes_.push_back(Node{-1, -1, input, Mask(1) << input});
    return int(nodes_.size()) - 1;
  }
  int Join(int a, int b) {
    // The smaller input is built into the hash table.
    if (Cardinality(nodes_[size_t(a)].mask) < Cardinality(nodes_[size_t(b)].mask)) std::swap(a, b);
    nodes_.push_back(Node{a, b, -1, nodes_[size_t(a)].mask | nodes_[size_t(b)].mask});
    return int(nodes_.size()) - 1;
  }

  // Dynamic programming over all subsets (DPsub): the cheapest plan of each connected subset from
  // the cheapest plans of its two halves, for every split joined by a condition. -1 when the
  // inputs are not connected (a cross product is unavoidable: the greedy method places it).
  int SolveExactly() {
    const Mask full = (Mask(1) << n_) - 1;
    struct Best {
      double cost = std::numeric_limits<double>::infinity();
      Mask left = 0;
      bool ok = false;
    };
    std::vector<Best> best(size_t(full) + 1);
    std::vector<Mask> neighbours(size_t(full) + 1, 0);
    for (Mask m = 1; m <= full; ++m) neighbours[m] = neighbours[m & (m - 1)] | adjacency_[size_t(std::countr_zero(m))];
    for (int i = 0; i < n_; ++i) best[Mask(1) << i] = Best{0, 0, true};
    for (Mask m = 1; m <= full; ++m) {
      if (std::popcount(m) < 2) continue;
      double card = -1;
      for (Mask sub = (m - 1) & m; sub; sub = (sub - 1) & m) {
        const Mask other = m ^ sub;
        if (sub > other || !best[sub].ok || !best[other].ok || !(neighbours[sub] & other)) continue;
        if (card < 0) card = Cardinality(m);
        const double cost = best[sub].cost + best[other].cost + card;
        if (cost < best[m].cost) best[m] = Best{cost, sub, true};
      }
    }
    if (!best[full].ok) return -1;
    std::function<int(Mask)> make = [&](Mask m) {
      if (std::popcount(m) == 1) return Leaf(std::countr_zero(m));
      return Join(make(best[m].left), make(m ^ best[m].left));
    };
    return make(full);
  }

  // Greedy operator ordering: join the pair whose result is smallest, preferring pairs a
  // condition connects; a cross product only when no connected pair is left.
  int SolveGreedily() {
    std::vector<int> units;
    for (int i = 0; i < n_; ++i) units.push_back(Leaf(i));
    while (units.size() > 1) {
      size_t best_a = 0, best_b = 1;
      double best_rows = std::numeric_limits<double>::infinity();
      bool best_connected = false;
      for (size_t a = 0; a < units.size(); ++a)
        for (size_t b = a + 1; b < units.size(); ++b) {
          const Mask ma = nodes_[size_t(units[a])].mask, mb = nodes_[size_t(units[b])].mask;
          const bool connected = (Neighbours(ma) & mb) != 0;
          if (best_connected && !connected) continue;
          const double rows = Cardinality(ma | mb);
          if ((connected && !best_connected) || rows < best_rows) {
            best_a = a, best_b = b, best_rows = rows, best_connected = connected;
          }
        }
      const int joined = Join(units[best_a], units[best_b]);
      units.erase(units.begin() + long(best_b));
      units[best_a] = joined;
    }
    return units[0];
  }

  // The operators of node `k`; *columns gets the region column of each output column.
  OperatorPtr Build(int k, bool root, std::vector<int>* columns) {
    const Node node = nodes_[size_t(k)];
    if (node.input >= 0) {
      OperatorPtr plan = r_.inputs[size_t(node.input)];
      const int offset = r_.offset[size_t(node.input)];
      columns->clear();
      for (size_t c = 0; c < plan->types.size(); ++c) columns->push_back(offset + int(c));
      // Conditions on this input alone (an ON clause's `a.x = a.y`) filter it before the joins.
      std::vector<ExprPtr> own;
      for (size_t c = 0; c < r_.conditions.size(); ++c)
        if (!assigned_[c] && r_.conditions[c].inputs == node.mask) {
          assigned_[c] = true;
          own.push_back(ShiftColumns(r_.conditions[c].expr, -offset));
        }
      auto* filter = dynamic_cast<FilterOperator*>(plan.get());
      auto scan = filter ? std::dynamic_pointer_cast<TableScanOperator>(plan->children[0]) : nullptr;
      if (scan && !own.empty()) {
        // One filter over the scan (its zone maps also get the new conditions).
        AddZoneMapPredicates(*scan, own);
        std::vector<ExprPtr> all = FlattenConjuncts({filter->predicate()});
        all.insert(all.end(), own.begin(), own.end());
        plan = std::make_shared<FilterOperator>(scan, AndAllConditions(all));
      } else {
        plan = PushDownFilters(plan, own);
      }
      plan->estimated_rows = -1;
      EstimateRows(*plan);
      return plan;
    }
    std::vector<int> left_columns, right_columns;
    OperatorPtr left = Build(node.left, false, &left_columns);
    OperatorPtr right = Build(node.right, false, &right_columns);
    std::vector<int> position(size_t(r_.width), -1);
    for (size_t c = 0; c < left_columns.size(); ++c) position[size_t(left_columns[c])] = int(c);
    for (size_t c = 0; c < right_columns.size(); ++c) position[size_t(right_columns[c])] = int(left_columns.size() + c);
    std::vector<ExprPtr> conditions;
    std::vector<int> classes_used;
    // Written conditions first: a derived one is then left out where its class already joins
    // the two sides here (it would only be a redundant hash key). So is a written one when each
    // input has one column of the class: the members on each side are already equal (where
    // two inputs of a side met, the class joined them), so one equality across suffices
    // (TPC-H Q9's l_partkey = p_partkey AND l_partkey = ps_partkey over part x partsupp).
    for (const bool derived : {false, true})
      for (size_t c = 0; c < r_.conditions.size(); ++c) {
        const Condition& cond = r_.conditions[c];
        if (cond.derived != derived || assigned_[c] || (cond.inputs & ~node.mask) != 0 || (cond.inputs == 0 && !root)) continue;
        assigned_[c] = true;
        const bool seen = std::find(classes_used.begin(), classes_used.end(), cond.eq_class) != classes_used.end();
        if (cond.eq_class >= 0) classes_used.push_back(cond.eq_class);
        if (seen && (derived || class_one_per_input_[size_t(cond.eq_class)])) continue;
        conditions.push_back(RemapColumns(cond.expr, position));
      }
    PlannedQuery lq{left, left->names, left->types}, rq{right, right->names, right->types};
    PlannedQuery joined = planner_.JoinPlans(std::move(lq), std::move(rq), JoinKind::kInner, std::move(conditions));
    joined.plan->names = joined.names;
    *columns = left_columns;
    columns->insert(columns->end(), right_columns.begin(), right_columns.end());
    joined.plan->estimated_rows = Cardinality(node.mask);
    return joined.plan;
  }

  Region& r_;
  Planner& planner_;
  int n_;
  std::vector<double> rows_;                       // per input
  std::vector<std::vector<double>> class_distinct_;  // per class, per input (0: not in the class)
  std::vector<std::vector<int>> members_;          // per class: its region columns
  std::map<int, ExprPtr> written_;                 // each member column as a condition names it
  std::vector<bool> class_constant_;               // per class: some member = a constant
  std::vector<bool> class_one_per_input_;          // per class: no input has two of its columns
  std::vector<Mask> adjacency_;                    // per input: inputs a two-input condition links
  std::unordered_map<Mask, double> card_cache_;
  std::vector<Node> nodes_;
  std::vector<bool> assigned_;                     // per condition: placed at a join or filter
};

OperatorPtr Reorder(const OperatorPtr& plan, Planner& planner, std::map<const PhysicalOperator*, OperatorPtr>* replaced);

// Outer joins among the region's inputs whose padded rows a region condition rejects (a comma
// join's `ro.y = mo.y` over `lo LEFT JOIN ro`) become inner or one-sided; true when one did.
bool ReduceOuterInputs(const Region& r) {
  bool changed = false;
  for (size_t i = 0; i < r.inputs.size(); ++i) {
    auto* j = dynamic_cast<HashJoinOperator*>(r.inputs[i].get());
    if (!j || j->kind() == JoinKind::kInner || j->kind() == JoinKind::kSemi || j->kind() == JoinKind::kAnti) continue;
    std::vector<ExprPtr> conditions;
    for (const Condition& c : r.conditions) conditions.push_back(c.expr);
    const int lo = r.offset[i];
    const JoinKind kind = ReduceOuterJoin(j->kind(), conditions, lo, lo + int(j->left_width()), lo + int(j->types.size()));
    changed = changed || kind != j->kind();
    j->SetKind(kind);
  }
  return changed;
}

OperatorPtr ReorderRegion(const OperatorPtr& root, Planner& planner, std::map<const PhysicalOperator*, OperatorPtr>* replaced) {
  Region r;
  Collect(root, 0, r, planner);
  // An input that became an inner join joins the region: take it apart again.
  while (r.reorderable && ReduceOuterInputs(r)) {
    r = Region();
    Collect(root, 0, r, planner);
  }
  for (auto& in : r.inputs) in = Reorder(in, planner, replaced);
  if (!r.reorderable || r.inputs.size() < 2 || int(r.inputs.size()) > kMaxInputs ||
      r.width != int(root->types.size())) {
    // Keep the written order (a condition with a subquery or a volatile call must stay where it
    // is); the inputs were optimized in place.
    return root;
  }
  std::vector<int> columns;
  OperatorPtr plan;
  try {
    plan = JoinOrderer(r, planner).Run(&columns);
  } catch (const Error&) {
    return root;  // a condition the rebuilt joins could not take: the written order stands
  }
  bool same_order = true;
  for (size_t c = 0; c < columns.size(); ++c) same_order = same_order && columns[c] == int(c);
  if (!same_order) {
    std::vector<int> position(columns.size());
    for (size_t c = 0; c < columns.size(); ++c) position[size_t(columns[c])] = int(c);
    std::vector<ExprPtr> exprs;
    for (size_t c = 0; c < columns.size(); ++c)
      exprs.push_back(MakeColumn(position[c], root->types[c], c < root->names.size() ? root->names[c] : ""));
    const double rows = plan->estimated_rows;
    plan = std::make_shared<ProjectionOperator>(plan, exprs, root->names);
    plan->estimated_rows = rows;
  }
  (*replaced)[root.get()] = plan;
  return plan;
}

OperatorPtr Reorder(const OperatorPtr& plan, Planner& planner, std::map<const PhysicalOperator*, OperatorPtr>* replaced) {
  // A part with an estimate has been through this pass already (a subquery in FROM is planned,
  // and its joins ordered, before the query around it).
  if (plan->estimated_rows >= 0) return plan;
  if (IsInnerHashJoin(*plan) || IsRegionFilter(*plan)) return ReorderRegion(plan, planner, replaced);
  for (auto& c : plan->children) c = Reorder(c, planner, replaced);
  return plan;
}

}  // namespace

OperatorPtr ReorderJoins(OperatorPtr plan, Planner& planner, std::map<const PhysicalOperator*, OperatorPtr>* replaced) {
  return Reorder(plan, planner, replaced);
}

}  // namespace yunhe
