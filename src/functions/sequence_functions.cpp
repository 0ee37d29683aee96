// nextval, currval, setval, lastval: PostgreSQL's sequence functions. The sequences themselves
// belong to the engine; a statement reaches them through its StatementContext (common/
// statement_context.h). The planner resolves a constant sequence name (or 'name'::regclass)
// when it binds the call, so a missing sequence is reported there with the call's position.
#include "common/statement_context.h"
#include "common/status.h"
#include "functions/function.h"
#include "functions/kernel_util.h"

namespace yunhe {
namespace {

using Args = const std::vector<const Vector*>&;

SequenceAccess& Sequences() {
  SequenceAccess* s = CurrentStatement().sequences.load();
  if (!s) throw Error(SqlState::kFeatureNotSupported, "sequence functions cannot be used in this statement");
  return *s;
}

void AddSequenceFunction(FunctionRegistry& r, const char* name, std::vector<LogicalType> args, ScalarKernel kernel,
                         const char* description, const char* example) {
  AddScalar(r, name, std::move(args), LogicalType(TypeId::kInt64), kernel, description, example, true, /*is_volatile=*/true);
}

}  // namespace

void RegisterSequenceFunctions(FunctionRegistry& r) {
  const LogicalType T(TypeId::kText), I8(TypeId::kInt64), B(TypeId::kBool);
  AddSequenceFunction(r, "nextval", {T}, [](Args a, size_t n, Vector& o) {
    SequenceAccess& s = Sequences();
    ForEachValid(o, n, [&](size_t k) { o.i64()[k] = s.NextVal(a[0]->str()[k]); });
  }, "advances the sequence and returns its new value (never the same value twice)", "nextval('orders_id_seq')");
  AddSequenceFunction(r, "currval", {T}, [](Args a, size_t n, Vector& o) {
    SequenceAccess& s = Sequences();
    ForEachValid(o, n, [&](size_t k) { o.i64()[k] = s.CurrVal(a[0]->str()[k]); });
  }, "the value nextval last returned for the sequence in this session", "currval('orders_id_seq')");
  AddSequenceFunction(r, "setval", {T, I8}, [](Args a, size_t n, Vector& o) {
    SequenceAccess& s = Sequences();
    ForEachValid(o, n, [&](size_t k) { o.i64()[k] = s.SetVal(a[0]->str()[k], a[1]->i64()[k], true); });
  }, "sets the sequence's current value: the next nextval returns value + increment", "setval('orders_id_seq', 100)");
  AddSequenceFunction(r, "setval", {T, I8, B}, [](Args a, size_t n, Vector& o) {
    SequenceAccess& s = Sequences();
    ForEachValid(o, n, [&](size_t k) { o.i64()[k] = s.SetVal(a[0]->str()[k], a[1]->i64()[k], a[2]->i64()[k] != 0); });
  }, "sets the sequence's current value; is_called = false makes the next nextval return value itself",
     "setval('orders_id_seq', 100, false)");
  AddSequenceFunction(r, "lastval", {}, [](Args, size_t n, Vector& o) {
    SequenceAccess& s = Sequences();
    for (size_t k = 0; k < n; ++k) o.i64()[k] = s.LastVal();
  }, "the value nextval last returned in this session, of any sequence", "lastval()");
}

}  // namespace yunhe
