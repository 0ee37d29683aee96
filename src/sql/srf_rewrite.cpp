#include "sql/srf_rewrite.h"

#include <fmt/format.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "common/status.h"
#include "functions/function.h"
#include "sql/parse_tree_walk.h"

namespace yunhe {
namespace {

bool IsSetFunction(const PgQuery__Node* n) {
  if (!n || n->node_case != PG_QUERY__NODE__NODE_FUNC_CALL || n->func_call->over) return false;
  const auto* f = n->func_call;
  const std::string name = f->funcname[f->n_funcname - 1]->string->sval;
  return name == "generate_series" || name == "unnest";
}

// The field of `m` (or of a message below it, not inside a subquery) holding a set-returning
// call; nullptr when there is none.
PgQuery__Node** FindSetCall(ProtobufCMessage* m) {
  if (!m || m->descriptor == &pg_query__sub_link__descriptor) return nullptr;
  const ProtobufCMessageDescriptor* d = m->descriptor;
  char* base = reinterpret_cast<char*>(m);
  for (unsigned f = 0; f < d->n_fields; ++f) {
    const ProtobufCFieldDescriptor& fd = d->fields[f];
    if (fd.type != PROTOBUF_C_TYPE_MESSAGE) continue;
    if ((fd.flags & PROTOBUF_C_FIELD_FLAG_ONEOF) && *reinterpret_cast<uint32_t*>(base + fd.quantifier_offset) != fd.id) continue;
    const bool is_node = fd.descriptor == &pg_query__node__descriptor;
    auto visit = [&](ProtobufCMessage** slot) -> PgQuery__Node** {
      if (is_node && IsSetFunction(reinterpret_cast<PgQuery__Node*>(*slot))) return reinterpret_cast<PgQuery__Node**>(slot);
      return FindSetCall(*slot);
    };
    if (fd.label == PROTOBUF_C_LABEL_REPEATED) {
      const size_t n = *reinterpret_cast<size_t*>(base + fd.quantifier_offset);
      auto** arr = *reinterpret_cast<ProtobufCMessage***>(base + fd.offset);
      for (size_t k = 0; k < n; ++k)
        if (auto* found = visit(&arr[k])) return found;
    } else if (auto* found = visit(reinterpret_cast<ProtobufCMessage**>(base + fd.offset))) {
      return found;
    }
  }
  return nullptr;
}

template <class T>
T* New(void (*init)(T*)) {
  T* m = static_cast<T*>(std::calloc(1, sizeof(T)));
  init(m);
  return m;
}

PgQuery__Node* NodeOf(PgQuery__Node__NodeCase kind) {
  PgQuery__Node* n = New<PgQuery__Node>(pg_query__node__init);
  n->node_case = kind;
  return n;
}

bool CallsAggregate(ProtobufCMessage* m) {
  bool found = false;
  WalkParseTree(m, [&](const ProtobufCMessage* x) {
    if (x->descriptor == &pg_query__sub_link__descriptor) return false;
    if (x->descriptor == &pg_query__func_call__descriptor) {
      const auto* f = reinterpret_cast<const PgQuery__FuncCall*>(x);
      const std::string name = f->funcname[f->n_funcname - 1]->string->sval;
      found |= f->over != nullptr || f->agg_star || FunctionRegistry::Get().IsAggregate(name);
    }
    return !found;
  });
  return found;
}

}  // namespace

void MoveSelectListSetFunctions(PgQuery__SelectStmt* s) {
  PgQuery__Node** slot = nullptr;
  PgQuery__ResTarget* target = nullptr;
  for (size_t k = 0; k < s->n_target_list; ++k) {
    auto* rt = s->target_list[k]->res_target;
    if (!rt || !rt->val) continue;
    PgQuery__Node** found = IsSetFunction(rt->val) ? &rt->val : FindSetCall(&rt->val->base);
    if (!found) continue;
    if (slot) throw Error(SqlState::kFeatureNotSupported, "more than one set-returning function in a select list is not supported");
    slot = found;
    target = rt;
  }
  if (!slot) return;
  bool aggregates = s->n_group_clause > 0 || s->having_clause || s->n_window_clause > 0;
  for (size_t k = 0; k < s->n_target_list && !aggregates; ++k) aggregates = CallsAggregate(&s->target_list[k]->base);
  if (aggregates)
    throw Error(SqlState::kFeatureNotSupported,
                "set-returning functions in a select list with aggregates, GROUP BY or window functions are not supported");
  PgQuery__Node* call = *slot;
  const std::string fname = call->func_call->funcname[call->func_call->n_funcname - 1]->string->sval;
  // The column keeps the function's name, as in PostgreSQL, when the call is the whole target.
  if (slot == &target->val && (!target->name || !target->name[0])) target->name = strdup(fname.c_str());
  // FROM ..., LATERAL fname(args) AS __srf
  PgQuery__Node* list = NodeOf(PG_QUERY__NODE__NODE_LIST);
  list->list = New<PgQuery__List>(pg_query__list__init);
  list->list->n_items = 1;
  list->list->items = static_cast<PgQuery__Node**>(std::malloc(sizeof(PgQuery__Node*)));
  list->list->items[0] = call;
  PgQuery__Node* from = NodeOf(PG_QUERY__NODE__NODE_RANGE_FUNCTION);
  from->range_function = New<PgQuery__RangeFunction>(pg_query__range_function__init);
  from->range_function->lateral = 1;
  from->range_function->n_functions = 1;
  from->range_function->functions = static_cast<PgQuery__Node**>(std::malloc(sizeof(PgQuery__Node*)));
  from->range_function->functions[0] = list;
  from->range_function->alias = New<PgQuery__Alias>(pg_query__alias__init);
  from->range_function->alias->aliasname = strdup("__srf");
  s->from_clause = static_cast<PgQuery__Node**>(std::realloc(s->from_clause, (s->n_from_clause + 1) * sizeof(PgQuery__Node*)));
  s->from_clause[s->n_from_clause++] = from;
  // ... and __srf where the call was.
  PgQuery__Node* ref = NodeOf(PG_QUERY__NODE__NODE_COLUMN_REF);
  ref->column_ref = New<PgQuery__ColumnRef>(pg_query__column_ref__init);
  ref->column_ref->location = call->func_call->location;
  PgQuery__Node* field = NodeOf(PG_QUERY__NODE__NODE_STRING);
  field->string = New<PgQuery__String>(pg_query__string__init);
  field->string->sval = strdup("__srf");
  ref->column_ref->n_fields = 1;
  ref->column_ref->fields = static_cast<PgQuery__Node**>(std::malloc(sizeof(PgQuery__Node*)));
  ref->column_ref->fields[0] = field;
  *slot = ref;
}

}  // namespace yunhe
