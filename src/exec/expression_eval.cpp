#include "exec/expression_eval.h"

#include <utility>

#include <fmt/format.h>

#include "common/row_key.h"
#include "common/status.h"
#include "functions/array_value.h"
#include "functions/cast.h"
#include "functions/function.h"
#include "functions/kernel_util.h"

namespace yunhe {
namespace {

// Input chunk restricted to the rows in sel, for lazily evaluated branches (CASE, COALESCE).
DataChunk GatherChunk(const DataChunk& input, const std::vector<uint32_t>& sel) {
  DataChunk out;
  out.columns.reserve(input.columns.size());
  for (const auto& c : input.columns) out.columns.push_back(c.Gather(sel));
  out.count = sel.size();
  return out;
}

void Scatter(const Vector& src, const std::vector<uint32_t>& sel, Vector& dst) {
  for (size_t k = 0; k < sel.size(); ++k) dst.SetValue(sel[k], src.GetValue(k));
}

// Calls e's function on args (n rows) into out, as EvalFunction does: NULL flags first (a strict
// function is NULL where any argument is), then the kernel.
void CallFunction(const Expr& e, const std::vector<const Vector*>& args, size_t n, Vector& out) {
  out = Vector(e.type);
  out.Resize(n);
  uint8_t* nulls = out.nulls();
  std::fill(nulls, nulls + n, 0);
  if (e.function->strict) {
    for (const Vector* a : args) {
      const uint8_t* an = a->nulls();
      for (size_t r = 0; r < n; ++r) nulls[r] |= an[r];
    }
  }
  if (e.function->body) e.function->body(args, n, out);
  else e.function->kernel(args, n, out);
}

// A function of one text argument that carries a dictionary (common/text_dictionary.h), the
// others constants (name LIKE 'truck_1%', lower(host), split_part(tag, '-', 1)): called once per
// distinct value the rows use, plus once for NULL, and spread to the rows by code. Only values
// some row has are evaluated, so an error is raised only where the row-by-row call raises one.
// A text result keeps the codes, with the results as its dictionary (values may repeat). False
// when this does not apply or would not save work.
bool EvalOverDictionary(const Expr& e, const std::vector<const Vector*>& args, size_t n, Vector* out) {
  if (e.function->volatile_ || e.function->body || n < 64) return false;
  int text_arg = -1;
  for (size_t k = 0; k < args.size(); ++k) {
    if (e.args[k]->kind == ExprKind::kConstant) continue;
    if (text_arg >= 0 || !args[k]->dictionary()) return false;
    text_arg = int(k);
  }
  if (text_arg < 0) return false;
  const Vector& text = *args[size_t(text_arg)];
  const TextDictionary& dict = *text.dictionary();
  if (dict.size() > n) return false;
  // The values the rows use, numbered in order of first use; row r reads result row source[r].
  std::vector<uint32_t> slot(dict.size(), UINT32_MAX), used;
  std::vector<uint32_t> source(n);
  const uint32_t* codes = text.codes();
  const uint8_t* nulls = text.nulls();
  for (size_t r = 0; r < n; ++r) {
    if (nulls[r]) continue;
    uint32_t& s = slot[codes[r]];
    if (s == UINT32_MAX) {
      s = uint32_t(used.size());
      used.push_back(codes[r]);
    }
    source[r] = s;
  }
  if (used.size() * 2 > n) return false;
  const size_t m = used.size() + 1;  // and a NULL row, last
  for (size_t r = 0; r < n; ++r)
    if (nulls[r]) source[r] = uint32_t(m - 1);
  Vector values(text.type());
  values.Resize(m);
  {
    std::string* v = values.str();
    uint8_t* vn = values.nulls();
    for (size_t k = 0; k + 1 < m; ++k) {
      v[k] = dict.values[used[k]];
      vn[k] = 0;
    }
  }
  std::vector<Vector> constants(args.size());
  std::vector<const Vector*> small(args.size());
  for (size_t k = 0; k < args.size(); ++k) {
    if (int(k) == text_arg) {
      small[k] = &values;
    } else {
      constants[k] = Vector::Constant(e.args[k]->value, e.args[k]->type, m);
      small[k] = &constants[k];
    }
  }
  Vector results;
  CallFunction(e, small, m, results);
  *out = results.Gather(source);
  if (e.type.physical() == PhysicalType::kStr) {
    std::vector<std::string> result_values(results.str(), results.str() + m);
    out->SetDictionary(DictionaryCodes{std::make_shared<const TextDictionary>(std::move(result_values)), std::move(source)});
  }
  return true;
}

Vector EvalFunction(const Expr& e, const DataChunk& input, ExecContext& ctx) {
  const size_t n = input.count;
  std::vector<Vector> owned(e.args.size());
  std::vector<const Vector*> args(e.args.size());
  for (size_t k = 0; k < e.args.size(); ++k) {
    if (e.args[k]->kind == ExprKind::kColumn) {
      args[k] = &input.columns[e.args[k]->column];
    } else {
      owned[k] = Evaluate(*e.args[k], input, ctx);
      args[k] = &owned[k];
    }
  }
  Vector out;
  if (EvalOverDictionary(e, args, n, &out)) return out;
  CallFunction(e, args, n, out);
  return out;
}

// Three-valued AND / OR (SQL: FALSE AND NULL = FALSE, TRUE OR NULL = TRUE).
Vector EvalAndOr(const Expr& e, const DataChunk& input, ExecContext& ctx, bool is_and) {
  const size_t n = input.count;
  Vector out(TypeId::kBool);
  out.Resize(n);
  // Start from the identity (TRUE for AND, FALSE for OR), not NULL.
  // (Direct stores: a Value per row costs more than the whole AND.)
  {
    // Pointers fetched once: the accessors of a copy-on-write Vector are not free per row.
    int64_t* o = out.i64();
    uint8_t* on = out.nulls();
    for (size_t r = 0; r < n; ++r) {
      o[r] = is_and;
      on[r] = 0;
    }
  }
  bool out_has_nulls = false;
  for (const auto& arg : e.args) {
    Vector v = Evaluate(*arg, input, ctx);
    if (!out_has_nulls && !v.HasNulls()) {
      // Two-valued on both sides: a branch-free AND / OR of the 0/1 values.
      int64_t* o = out.i64();
      const int64_t* x = std::as_const(v).i64();  // v may share a table's column: read only
      if (is_and)
        for (size_t r = 0; r < n; ++r) o[r] = o[r] & (x[r] != 0);
      else
        for (size_t r = 0; r < n; ++r) o[r] = o[r] | (x[r] != 0);
      continue;
    }
    out_has_nulls = true;
    int64_t* o = out.i64();
    uint8_t* on = out.nulls();
    const int64_t* x = std::as_const(v).i64();
    const uint8_t* xn = std::as_const(v).nulls();
    for (size_t r = 0; r < n; ++r) {
      if (!on[r] && (o[r] != 0) != is_and) continue;  // already decided
      if (xn[r]) {
        on[r] = 1;
      } else if ((x[r] != 0) != is_and) {
        on[r] = 0;
        o[r] = !is_and;
      }
    }
  }
  return out;
}

Vector EvalCase(const Expr& e, const DataChunk& input, ExecContext& ctx) {
  const size_t n = input.count;
  Vector out(e.type);
  out.Resize(n);
  std::vector<uint32_t> remaining(n);
  for (size_t r = 0; r < n; ++r) remaining[r] = uint32_t(r);
  size_t pairs = (e.args.size() - 1) / 2;
  for (size_t p = 0; p < pairs && !remaining.empty(); ++p) {
    DataChunk sub = GatherChunk(input, remaining);
    Vector cond = Evaluate(*e.args[2 * p], sub, ctx);
    std::vector<uint32_t> taken_local, taken_global, rest;
    for (size_t k = 0; k < remaining.size(); ++k) {
      if (!cond.IsNull(k) && std::as_const(cond).i64()[k]) {
        taken_local.push_back(uint32_t(k));
        taken_global.push_back(remaining[k]);
      } else {
        rest.push_back(remaining[k]);
      }
    }
    if (!taken_local.empty()) {
      DataChunk then_in = GatherChunk(sub, taken_local);
      Scatter(Evaluate(*e.args[2 * p + 1], then_in, ctx), taken_global, out);
    }
    remaining.swap(rest);
  }
  if (!remaining.empty()) {
    DataChunk sub = GatherChunk(input, remaining);
    Scatter(Evaluate(*e.args.back(), sub, ctx), remaining, out);
  }
  return out;
}

Vector EvalCoalesce(const Expr& e, const DataChunk& input, ExecContext& ctx) {
  const size_t n = input.count;
  Vector out(e.type);
  out.Resize(n);
  std::vector<uint32_t> remaining(n);
  for (size_t r = 0; r < n; ++r) remaining[r] = uint32_t(r);
  for (const auto& arg : e.args) {
    if (remaining.empty()) break;
    DataChunk sub = GatherChunk(input, remaining);
    Vector v = Evaluate(*arg, sub, ctx);
    std::vector<uint32_t> rest;
    for (size_t k = 0; k < remaining.size(); ++k) {
      if (v.IsNull(k)) rest.push_back(remaining[k]);
      else out.SetValue(remaining[k], v.GetValue(k));
    }
    remaining.swap(rest);
  }
  return out;
}

Vector EvalGreatestLeast(const Expr& e, const DataChunk& input, ExecContext& ctx, bool greatest) {
  const size_t n = input.count;
  Vector out(e.type);
  out.Resize(n);
  for (const auto& arg : e.args) {
    Vector v = Evaluate(*arg, input, ctx);
    for (size_t r = 0; r < n; ++r) {
      if (v.IsNull(r)) continue;
      if (out.IsNull(r)) { out.SetValue(r, v.GetValue(r)); continue; }
      int c = CompareCells(v, r, out, r);
      if (greatest ? c > 0 : c < 0) out.SetValue(r, v.GetValue(r));
    }
  }
  return out;
}

// Runs a subquery plan for the current outer row (or once, when uncorrelated).
std::vector<DataChunk> RunSubquery(SubqueryRef& sq, ExecContext& ctx, const DataChunk* outer, size_t row) {
  if (outer) ctx.outer.push_back(OuterRow{outer, row});
  sq.plan->Open(ctx);
  std::vector<DataChunk> chunks;
  try {
    chunks = CollectAll(*sq.plan, ctx);
  } catch (...) {
    if (outer) ctx.outer.pop_back();
    throw;
  }
  if (outer) ctx.outer.pop_back();
  return chunks;
}

Value ScalarResult(const std::vector<DataChunk>& chunks, const LogicalType& type) {
  size_t rows = 0;
  Value v = Value::Null(type);
  for (const auto& c : chunks) {
    rows += c.count;
    if (rows > 1)
      throw Error(SqlState::kCardinalityViolation, "more than one row returned by a subquery used as an expression");
    if (c.count == 1) v = c.columns[0].GetValue(0);
  }
  return v;
}

// ARRAY(subquery): all rows' values in order; no rows give an empty array.
Value ArrayResult(const std::vector<DataChunk>& chunks, const LogicalType& type) {
  std::vector<Value> elements;
  for (const auto& c : chunks)
    for (size_t r = 0; r < c.count; ++r) elements.push_back(c.columns[0].GetValue(r));
  return MakeArray(elements, type);
}

void CollectValues(const std::vector<DataChunk>& chunks, SubqueryRef& sq, bool build_keys) {
  sq.values.clear();
  sq.value_keys.clear();
  sq.int_keys.Clear();
  sq.has_null = false;
  sq.int_keyed = build_keys && !chunks.empty() && chunks[0].columns[0].type().physical() == PhysicalType::kI64;
  std::string key;
  for (const auto& c : chunks) {
    for (size_t r = 0; r < c.count; ++r) {
      if (c.columns[0].IsNull(r)) {
        sq.has_null = true;
        continue;
      }
      sq.values.push_back(c.columns[0].GetValue(r));
      if (sq.int_keyed) {
        sq.int_keys.Insert(c.columns[0].i64()[r]);
      } else if (build_keys) {
        key.clear();
        AppendKeyCell(c.columns[0], r, key);
        sq.value_keys.insert(key);
      }
    }
  }
}

// x IN (set): TRUE if found, NULL if not found but the set (or x) has NULLs, else FALSE.
// ANY/ALL generalise it to any comparison operator.
Value QuantifiedCompare(const Value& x, const SubqueryRef& sq, const std::string& op, bool all) {
  if (sq.values.empty() && !sq.has_null) return Value::Bool(all);
  if (x.is_null) return Value::Null(TypeId::kBool);
  bool saw_null = sq.has_null;
  for (const auto& v : sq.values) {
    bool match = SatisfiesComparison(op, CompareValues(x, v));
    if (!all && match) return Value::Bool(true);
    if (all && !match) return Value::Bool(false);
  }
  if (saw_null) return Value::Null(TypeId::kBool);
  return Value::Bool(all);
}

Vector EvalSubquery(const Expr& e, const DataChunk& input, ExecContext& ctx) {
  const size_t n = input.count;
  SubqueryRef& sq = *e.subquery;
  Vector out(e.type);
  out.Resize(n);
  Vector lhs;
  if (e.kind == ExprKind::kInSubquery || e.kind == ExprKind::kAnySubquery) lhs = Evaluate(*e.args[0], input, ctx);
  for (size_t r = 0; r < n; ++r) {
    if (sq.correlated || !sq.cached) {
      auto chunks = RunSubquery(sq, ctx, sq.correlated ? &input : nullptr, r);
      if (e.kind == ExprKind::kSubquery) sq.scalar = ScalarResult(chunks, e.type);
      else if (e.kind == ExprKind::kArraySubquery) sq.scalar = ArrayResult(chunks, e.type);
      else if (e.kind == ExprKind::kExists) {
        bool any = false;
        for (auto& c : chunks) any |= c.count > 0;
        sq.scalar = Value::Bool(any);
      } else {
        CollectValues(chunks, sq, e.kind == ExprKind::kInSubquery);
      }
      sq.cached = !sq.correlated;
    }
    switch (e.kind) {
      case ExprKind::kSubquery:
      case ExprKind::kArraySubquery:
      case ExprKind::kExists: out.SetValue(r, sq.scalar); break;
      case ExprKind::kInSubquery: {
        // x IN (set): TRUE if found; else NULL if x or the set has NULLs; else FALSE. An empty
        // set gives FALSE even for a NULL x.
        Value v;
        if (sq.values.empty() && !sq.has_null) {
          v = Value::Bool(false);
        } else if (lhs.IsNull(r)) {
          v = Value::Null(TypeId::kBool);
        } else {
          bool found;
          if (sq.int_keyed && lhs.type().physical() == PhysicalType::kI64) {
            found = sq.int_keys.Find(lhs.i64()[r]) >= 0;
          } else {
            std::string key;
            AppendKeyCell(lhs, r, key);
            found = sq.value_keys.count(key) > 0;
          }
          if (found) v = Value::Bool(true);
          else v = sq.has_null ? Value::Null(TypeId::kBool) : Value::Bool(false);
        }
        if (e.negated && !v.is_null) v.i = !v.i;
        out.SetValue(r, v);
        break;
      }
      case ExprKind::kAnySubquery: out.SetValue(r, QuantifiedCompare(lhs.GetValue(r), sq, e.any_op, e.negated)); break;
      default: YH_ASSERT(false);
    }
  }
  return out;
}

Vector EvalInList(const Expr& e, const DataChunk& input, ExecContext& ctx) {
  const size_t n = input.count;
  Vector lhs = Evaluate(*e.args[0], input, ctx);
  Vector out(TypeId::kBool);
  out.Resize(n);
  std::vector<uint8_t> found(n, 0), saw_null(n, 0);
  for (size_t k = 1; k < e.args.size(); ++k) {
    Vector item = Evaluate(*e.args[k], input, ctx);
    for (size_t r = 0; r < n; ++r) {
      if (found[r] || lhs.IsNull(r)) continue;
      if (item.IsNull(r)) saw_null[r] = 1;
      else if (CompareCells(lhs, r, item, r) == 0) found[r] = 1;
    }
  }
  for (size_t r = 0; r < n; ++r) {
    if (lhs.IsNull(r) || (!found[r] && saw_null[r])) continue;
    bool v = found[r] != 0;
    out.SetValue(r, Value::Bool(e.negated ? !v : v));
  }
  return out;
}

// A text constant spread over n rows, kept per thread for the next chunks: filling a chunk with
// copies of date_trunc's 'hour' cost more than the truncation. Copies share the arrays (a
// kernel that wrote to its argument would clone them first).
Vector TextConstant(const Value& v, const LogicalType& t, size_t n) {
  struct Entry {
    Value value;
    size_t rows = 0;
    Vector vector;
  };
  thread_local Entry cache[4];
  thread_local size_t next = 0;
  for (const Entry& c : cache)
    if (c.rows == n && c.value.type == t && c.value.s == v.s) return c.vector;
  Entry& e = cache[next++ % 4];
  e.value = v;
  e.value.type = t;
  e.rows = n;
  e.vector = Vector::Constant(v, t, n);
  return e.vector;
}

}  // namespace

Vector Evaluate(const Expr& e, const DataChunk& input, ExecContext& ctx) {
  const size_t n = input.count;
  switch (e.kind) {
    case ExprKind::kConstant:
      if (!e.value.is_null && e.type.physical() == PhysicalType::kStr && e.value.s.size() <= 64)
        return TextConstant(e.value, e.type, n);
      return Vector::Constant(e.value, e.type, n);
    case ExprKind::kColumn: return input.columns[e.column];
    case ExprKind::kOuterColumn: {
      YH_ASSERT(e.depth >= 1 && size_t(e.depth) <= ctx.outer.size());
      const OuterRow& o = ctx.outer[ctx.outer.size() - e.depth];
      return Vector::Constant(o.chunk->columns[e.column].GetValue(o.row), e.type, n);
    }
    case ExprKind::kParam: {
      if (e.column < 0 || size_t(e.column) >= ctx.params.size())
        throw Error(SqlState::kProtocolViolation, fmt::format("there is no parameter ${}", e.column + 1));
      return Vector::Constant(CastValue(ctx.params[e.column], e.type), e.type, n);
    }
    case ExprKind::kFunction: return EvalFunction(e, input, ctx);
    case ExprKind::kCast: return CastVector(Evaluate(*e.args[0], input, ctx), e.type);
    case ExprKind::kAnd: return EvalAndOr(e, input, ctx, true);
    case ExprKind::kOr: return EvalAndOr(e, input, ctx, false);
    case ExprKind::kNot: {
      Vector v = Evaluate(*e.args[0], input, ctx);
      int64_t* x = v.i64();
      for (size_t r = 0; r < n; ++r) x[r] = !x[r];
      return v;
    }
    case ExprKind::kIsNull:
    case ExprKind::kIsNotNull: {
      Vector v = Evaluate(*e.args[0], input, ctx);
      Vector out(TypeId::kBool);
      out.Resize(n);
      bool want_null = e.kind == ExprKind::kIsNull;
      int64_t* o = out.i64();
      uint8_t* on = out.nulls();
      for (size_t r = 0; r < n; ++r) {
        o[r] = v.IsNull(r) == want_null;
        on[r] = 0;
      }
      return out;
    }
    case ExprKind::kCase: return EvalCase(e, input, ctx);
    case ExprKind::kCoalesce: return EvalCoalesce(e, input, ctx);
    case ExprKind::kGreatest: return EvalGreatestLeast(e, input, ctx, true);
    case ExprKind::kLeast: return EvalGreatestLeast(e, input, ctx, false);
    case ExprKind::kNullIf: {
      Vector a = Evaluate(*e.args[0], input, ctx);
      Vector b = Evaluate(*e.args[1], input, ctx);
      for (size_t r = 0; r < n; ++r)
        if (!a.IsNull(r) && !b.IsNull(r) && CompareCells(a, r, b, r) == 0) a.SetNull(r, true);
      return a;
    }
    case ExprKind::kInList: return EvalInList(e, input, ctx);
    case ExprKind::kSubquery:
    case ExprKind::kExists:
    case ExprKind::kInSubquery:
    case ExprKind::kAnySubquery:
    case ExprKind::kArraySubquery: return EvalSubquery(e, input, ctx);
    case ExprKind::kJoinKeyFilter: {
      // As a boolean column (it is a WHERE conjunct, which EvaluateFilter takes as a selection).
      const std::vector<uint32_t> sel = EvaluateFilter(e, input, ctx);
      Vector out(TypeId::kBool);
      out.Resize(n);
      int64_t* o = out.i64();
      uint8_t* on = out.nulls();
      for (size_t r = 0; r < n; ++r) o[r] = on[r] = 0;
      for (uint32_t r : sel) o[r] = 1;
      return out;
    }
    case ExprKind::kAggregate:
    case ExprKind::kWindow:
      throw Error(SqlState::kGroupingError, "aggregate or window function calls are not allowed here", e.location + 1);
  }
  YH_ASSERT(false);
}

const Vector& EvaluateRef(const Expr& e, const DataChunk& input, ExecContext& ctx, Vector& scratch) {
  if (e.kind == ExprKind::kColumn) return input.columns[e.column];
  scratch = Evaluate(e, input, ctx);
  return scratch;
}

Value EvaluateConstant(const Expr& e, ExecContext& ctx) {
  DataChunk one;
  one.count = 1;
  return Evaluate(e, one, ctx).GetValue(0);
}

std::vector<DataChunk> CollectAll(PhysicalOperator& op, ExecContext& ctx) {
  std::vector<DataChunk> out;
  while (true) {
    DataChunk chunk;
    chunk.Init(op.types);
    if (!op.Pull(ctx, chunk)) break;
    out.push_back(std::move(chunk));
  }
  return out;
}

}  // namespace yunhe
