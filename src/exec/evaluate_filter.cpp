// WHERE / HAVING / join residuals: which rows of a chunk pass.
//
// A conjunction is taken apart: conjuncts of the form `column op constant` (integers, dates and
// timestamps, doubles, text; = <> < <= > >=) narrow a selection vector in typed loops that only
// visit the rows still selected, without a boolean vector per conjunct or the constant spread
// over a chunk. Other conjuncts are evaluated over the chunk and intersected.
#include <algorithm>
#include <cmath>
#include <span>
#include <string_view>
#include <utility>

#include "common/decimal.h"
#include "common/status.h"
#include "exec/expression_eval.h"
#include "exec/join_key_filter.h"

namespace yunhe {

namespace {

enum class CmpOp { kEq, kNe, kLt, kLe, kGt, kGe };

struct ColumnComparison {
  int column = -1;
  CmpOp op = CmpOp::kEq;
  Value constant;
};

bool OpFromName(const std::string& name, CmpOp* op) {
  if (name == "=") *op = CmpOp::kEq;
  else if (name == "<>") *op = CmpOp::kNe;
  else if (name == "<") *op = CmpOp::kLt;
  else if (name == "<=") *op = CmpOp::kLe;
  else if (name == ">") *op = CmpOp::kGt;
  else if (name == ">=") *op = CmpOp::kGe;
  else return false;
  return true;
}

CmpOp Flip(CmpOp op) {
  switch (op) {
    case CmpOp::kLt: return CmpOp::kGt;
    case CmpOp::kLe: return CmpOp::kGe;
    case CmpOp::kGt: return CmpOp::kLt;
    case CmpOp::kGe: return CmpOp::kLe;
    default: return op;
  }
}

bool IntegerType(TypeId t) { return t == TypeId::kInt16 || t == TypeId::kInt32 || t == TypeId::kInt64; }

// Types whose values compare as their raw representation: the same type, or integers of any width.
bool RawComparable(const LogicalType& column, const LogicalType& constant) {
  const TypeId a = column.id, b = constant.id;
  if (IntegerType(a) && IntegerType(b)) return true;
  if (a != b) return false;
  return a == TypeId::kBool || a == TypeId::kDate || a == TypeId::kTimestamp || a == TypeId::kTimestampTz ||
         a == TypeId::kFloat64 || a == TypeId::kText || a == TypeId::kNumeric;
}

bool MatchColumnComparison(const Expr& e, size_t columns, ColumnComparison* out) {
  if (e.kind != ExprKind::kFunction || e.args.size() != 2 || !OpFromName(e.name, &out->op)) return false;
  const Expr *col = e.args[0].get(), *cst = e.args[1].get();
  if (col->kind != ExprKind::kColumn) {
    std::swap(col, cst);
    out->op = Flip(out->op);
  }
  if (col->kind != ExprKind::kColumn || cst->kind != ExprKind::kConstant || cst->value.is_null) return false;
  if (col->column < 0 || size_t(col->column) >= columns || !RawComparable(col->type, cst->value.type)) return false;
  if (cst->value.type.id == TypeId::kFloat64 && std::isnan(cst->value.f)) return false;
  out->column = col->column;
  out->constant = cst->value;
  if (col->type.id == TypeId::kNumeric && col->type.precision != 0) {
    // Values of numeric(p,s) all have scale s: a constant at that scale compares as integers.
    // Constants too large to rescale (overflow) stay as they are and compare by DecimalCompare.
    Decimal& k = out->constant.d;
    try {
      const Decimal at = DecimalRescale(k, col->type.scale);
      if (DecimalCompare(at, k) == 0) k = at;
    } catch (const Error&) {
    }
  }
  return true;
}

template <typename T>
bool Compare(CmpOp op, const T& x, const T& c) {
  switch (op) {
    case CmpOp::kEq: return x == c;
    case CmpOp::kNe: return x != c;
    case CmpOp::kLt: return x < c;
    case CmpOp::kLe: return x <= c;
    case CmpOp::kGt: return x > c;
    case CmpOp::kGe: return x >= c;
  }
  return false;
}

// PostgreSQL orders NaN above every number and equal to itself; c is not NaN here.
bool CompareDouble(CmpOp op, double x, double c) {
  if (std::isnan(x)) return op == CmpOp::kNe || op == CmpOp::kGt || op == CmpOp::kGe;
  return Compare(op, x, c);
}

// Keeps the rows of `sel` (all n rows when `all`) where the comparison is true; NULL never is.
template <typename Get, typename Test>
void Narrow(const uint8_t* nulls, size_t n, bool all, std::vector<uint32_t>* sel, const Get& get, const Test& test) {
  // Branch-free: the test runs on NULL rows too (their cells hold a harmless default) and the
  // NULL flag masks it.
  size_t out = 0;
  if (all) {
    sel->resize(n);
    uint32_t* s = sel->data();
    for (uint32_t r = 0; r < n; ++r) {
      s[out] = r;
      out += uint8_t(nulls[r] ^ 1) & uint8_t(test(get(r)));
    }
  } else {
    uint32_t* s = sel->data();
    for (size_t k = 0, m = sel->size(); k < m; ++k) {
      const uint32_t r = s[k];
      s[out] = r;
      out += uint8_t(nulls[r] ^ 1) & uint8_t(test(get(r)));
    }
  }
  sel->resize(out);
}

// A text vector with a dictionary (common/text_dictionary.h) whose values are fewer than the rows
// to test: `test` runs once per value, then each row is a lookup of its code. False (nothing
// done) otherwise.
// `equal_to`: the test is equality with one of these values (= and IN), so a value whose hash
// matches none of theirs fails without reading its string: each group's dictionary values are
// scattered strings, its hashes one small array.
template <typename Test>
bool NarrowByDictionary(const Vector& v, size_t n, bool all, std::vector<uint32_t>* sel, const Test& test,
                        std::span<const std::string_view> equal_to = {}) {
  const TextDictionary* dict = v.dictionary();
  if (!dict || dict->size() > (all ? n : sel->size())) return false;
  // At least one entry: every code, a NULL row's too, is below max(1, size) (common/vector.h).
  std::vector<uint8_t> passes(std::max<size_t>(1, dict->size()), 0);
  if (!equal_to.empty() && equal_to.size() <= 4) {
    uint64_t hashes[4];
    for (size_t i = 0; i < equal_to.size(); ++i) hashes[i] = TextDictionary::Hash(equal_to[i]);
    for (size_t k = 0; k < dict->size(); ++k) {
      bool maybe = false;
      for (size_t i = 0; i < equal_to.size(); ++i) maybe |= dict->hashes[k] == hashes[i];
      passes[k] = maybe && test(std::string_view(dict->values[k]));
    }
  } else {
    for (size_t k = 0; k < dict->size(); ++k) passes[k] = test(std::string_view(dict->values[k]));
  }
  const uint32_t* codes = v.codes();
  const uint8_t* pass = passes.data();
  Narrow(v.nulls(), n, all, sel, [&](uint32_t r) { return codes[r]; }, [&](uint32_t code) { return pass[code]; });
  return true;
}

void NarrowBy(const ColumnComparison& c, const Vector& v, size_t n, bool all, std::vector<uint32_t>* sel) {
  const uint8_t* nulls = v.nulls();
  const CmpOp op = c.op;
  switch (v.type().physical()) {
    case PhysicalType::kI64: {
      const int64_t* x = v.i64();
      const int64_t k = c.constant.i;
      // One loop per operator: the comparison is then a single instruction the compiler can see.
      switch (op) {
        case CmpOp::kEq: Narrow(nulls, n, all, sel, [&](uint32_t r) { return x[r]; }, [&](int64_t a) { return a == k; }); break;
        case CmpOp::kNe: Narrow(nulls, n, all, sel, [&](uint32_t r) { return x[r]; }, [&](int64_t a) { return a != k; }); break;
        case CmpOp::kLt: Narrow(nulls, n, all, sel, [&](uint32_t r) { return x[r]; }, [&](int64_t a) { return a < k; }); break;
        case CmpOp::kLe: Narrow(nulls, n, all, sel, [&](uint32_t r) { return x[r]; }, [&](int64_t a) { return a <= k; }); break;
        case CmpOp::kGt: Narrow(nulls, n, all, sel, [&](uint32_t r) { return x[r]; }, [&](int64_t a) { return a > k; }); break;
        case CmpOp::kGe: Narrow(nulls, n, all, sel, [&](uint32_t r) { return x[r]; }, [&](int64_t a) { return a >= k; }); break;
      }
      return;
    }
    case PhysicalType::kF64: {
      const double* x = v.f64();
      const double k = c.constant.f;
      Narrow(nulls, n, all, sel, [&](uint32_t r) { return x[r]; }, [&](double a) { return CompareDouble(op, a, k); });
      return;
    }
    case PhysicalType::kDec: {  // one scale (a numeric(p,s) column) compares as integers
      const Decimal* x = v.dec();
      const Decimal k = c.constant.d;
      Narrow(nulls, n, all, sel, [&](uint32_t r) -> const Decimal& { return x[r]; }, [&](const Decimal& a) {
        return a.scale == k.scale ? Compare(op, a.v, k.v) : Compare(op, DecimalCompare(a, k), 0);
      });
      return;
    }
    default: {  // text, byte-wise (C collation)
      const std::string_view k = c.constant.s;
      if (NarrowByDictionary(v, n, all, sel, [&](std::string_view a) { return Compare(op, a, k); },
                             op == CmpOp::kEq ? std::span<const std::string_view>(&k, 1) : std::span<const std::string_view>()))
        return;
      const std::string* x = v.str();
      Narrow(nulls, n, all, sel, [&](uint32_t r) { return std::string_view(x[r]); },
             [&](std::string_view a) { return Compare(op, a, k); });
      return;
    }
  }
}

// `column [NOT] IN (constants)` over integer-like or text columns: the constants once, a typed
// loop over the rows still selected (TPC-H's l_shipmode IN ('MAIL', 'SHIP'), p_size IN (...)).
struct ColumnInList {
  int column = -1;
  bool negated = false;
  bool never = false;  // NOT IN with a NULL item: no row is true
  std::vector<int64_t> ints;
  std::vector<std::string_view> texts;
};

bool MatchColumnInList(const Expr& e, size_t columns, ColumnInList* out) {
  if (e.kind != ExprKind::kInList || e.args.size() < 2 || e.args[0]->kind != ExprKind::kColumn) return false;
  const Expr& col = *e.args[0];
  if (col.column < 0 || size_t(col.column) >= columns) return false;
  const PhysicalType physical = col.type.physical();
  // Text compares byte for byte: plain text and varchar only (scale tells uuid and json apart).
  if (physical != PhysicalType::kI64 && !(physical == PhysicalType::kStr && col.type.id == TypeId::kText && col.type.scale == 0)) return false;
  out->column = col.column;
  out->negated = e.negated;
  for (size_t k = 1; k < e.args.size(); ++k) {
    const Expr& item = *e.args[k];
    if (item.kind != ExprKind::kConstant || !RawComparable(col.type, item.value.type)) {
      if (!(item.kind == ExprKind::kConstant && item.value.is_null)) return false;
    }
    if (item.value.is_null) {  // matches nothing; under NOT IN nothing is true
      out->never = out->never || e.negated;
      continue;
    }
    if (physical == PhysicalType::kI64) out->ints.push_back(item.value.i);
    else out->texts.push_back(item.value.s);
  }
  return true;
}

void NarrowByInList(const ColumnInList& c, const Vector& v, size_t n, bool all, std::vector<uint32_t>* sel) {
  const uint8_t* nulls = v.nulls();
  const bool want = !c.negated;
  if (c.never) {
    sel->clear();
    return;
  }
  if (v.type().physical() == PhysicalType::kI64) {
    const int64_t* x = v.i64();
    Narrow(nulls, n, all, sel, [&](uint32_t r) { return x[r]; }, [&](int64_t a) {
      bool found = false;
      for (int64_t k : c.ints) found |= a == k;
      return found == want;
    });
    return;
  }
  auto test = [&](std::string_view a) {
    for (std::string_view k : c.texts)
      if (a == k) return want;
    return !want;
  };
  if (NarrowByDictionary(v, n, all, sel, test, c.negated ? std::span<const std::string_view>() : std::span<const std::string_view>(c.texts)))
    return;
  const std::string* x = v.str();
  Narrow(nulls, n, all, sel, [&](uint32_t r) { return std::string_view(x[r]); }, test);
}

void Conjuncts(const Expr& e, std::vector<const Expr*>* out) {
  if (e.kind == ExprKind::kAnd) {
    for (auto& a : e.args) Conjuncts(*a, out);
    return;
  }
  out->push_back(&e);
}

}  // namespace

std::vector<uint32_t> EvaluateFilter(const Expr& e, const DataChunk& input, ExecContext& ctx) {
  std::vector<const Expr*> conjuncts;
  Conjuncts(e, &conjuncts);
  std::vector<uint32_t> sel;
  bool all = true;  // sel not built yet: every row
  std::vector<const Expr*> others;
  for (const Expr* c : conjuncts) {
    ColumnComparison cmp;
    ColumnInList in;
    if (MatchColumnInList(*c, input.columns.size(), &in)) {
      NarrowByInList(in, input.columns[size_t(in.column)], input.count, all, &sel);
      all = false;
      if (sel.empty()) return sel;
      continue;
    }
    if (!MatchColumnComparison(*c, input.columns.size(), &cmp)) {
      others.push_back(c);
      continue;
    }
    NarrowBy(cmp, input.columns[size_t(cmp.column)], input.count, all, &sel);
    all = false;
    if (sel.empty()) return sel;
  }
  for (const Expr* c : others) {
    if (c->kind == ExprKind::kJoinKeyFilter) {
      // Probes only the rows still selected, on the key columns as they are.
      std::vector<Vector> scratch(c->args.size());
      std::vector<const Vector*> keys;
      for (size_t k = 0; k < c->args.size(); ++k) keys.push_back(&EvaluateRef(*c->args[k], input, ctx, scratch[k]));
      c->key_filter->Narrow(keys, input.count, all, &sel);
      all = false;
      if (sel.empty()) return sel;
      continue;
    }
    // Few rows left (the typed comparisons above kept a quarter or less): the conjunct is
    // evaluated on just those, gathered (TPC-H Q19's ORs after its shipmode/instruct tests).
    std::vector<bool> read(input.columns.size(), false);
    if (!all && sel.size() * 4 <= input.count && MarkColumnsRead(*c, &read)) {
      DataChunk few;
      few.count = sel.size();
      for (size_t k = 0; k < input.columns.size(); ++k)
        few.columns.push_back(read[k] ? input.columns[k].Gather(sel) : Vector::Nulls(input.columns[k].type(), sel.size()));
      Vector v = Evaluate(*c, few, ctx);
      const int64_t* vals = std::as_const(v).i64();
      const uint8_t* nulls = std::as_const(v).nulls();
      size_t out = 0;
      for (size_t k = 0; k < sel.size(); ++k)
        if (!nulls[k] && vals[k]) sel[out++] = sel[k];
      sel.resize(out);
      if (sel.empty()) return sel;
      continue;
    }
    Vector v = Evaluate(*c, input, ctx);
    const int64_t* vals = std::as_const(v).i64();  // read only: v may share a table's column
    const uint8_t* nulls = std::as_const(v).nulls();
    auto passes = [&](uint32_t r) { return !nulls[r] && vals[r]; };
    if (all) {
      sel.reserve(input.count);
      for (uint32_t r = 0; r < input.count; ++r)
        if (passes(r)) sel.push_back(r);
      all = false;
    } else {
      size_t out = 0;
      for (uint32_t r : sel)
        if (passes(r)) sel[out++] = r;
      sel.resize(out);
    }
    if (sel.empty()) return sel;
  }
  return sel;
}

}  // namespace yunhe
