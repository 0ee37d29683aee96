#include "sql/srf_rewrite.h"

#include <fmt/format.h>

#include <cstdlib>
#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "functions/function.h"
#include "sql/literal_template.h"
#include "sql/parse_tree_walk.h"
#include "sql/planner.h"

namespace yunhe {
namespace {

bool IsSetFunction(const PgQuery__Node* n) {
  if (!n || n->node_case != PG_QUERY__NODE__NODE_FUNC_CALL || n->func_call->over) return false;
  const auto* f = n->func_call;
  const std::string name = f->funcname[f->n_funcname - 1]->string->sval;
  // (jsonb_each gives records there: only in FROM here.)
  return name == "generate_series" || name == "unnest" || name == "generate_subscripts" || name == "string_to_table" ||
         name == "regexp_split_to_table" || name == "regexp_matches" ||
         (IsJsonRowsFunction(name) && name.find("_each") == std::string::npos);
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

// Nodes the rewrite adds come from the tree's own allocator (parser.cpp's arena): they live and
// die with the tree.
struct TreeMemory {
  ProtobufCAllocator* a;
  void* Zeroed(size_t bytes) {
    void* p = a->alloc(a->allocator_data, bytes);
    std::memset(p, 0, bytes);
    return p;
  }
  template <class T>
  T* New(void (*init)(T*)) {
    T* m = static_cast<T*>(Zeroed(sizeof(T)));
    init(m);
    return m;
  }
  template <class T>
  T* Array(size_t n) {
    return static_cast<T*>(Zeroed((n ? n : 1) * sizeof(T)));
  }
  char* Dup(const std::string& text) {
    char* p = static_cast<char*>(Zeroed(text.size() + 1));
    std::memcpy(p, text.data(), text.size());
    return p;
  }
  PgQuery__Node* NodeOf(PgQuery__Node__NodeCase kind) {
    PgQuery__Node* n = New<PgQuery__Node>(pg_query__node__init);
    n->node_case = kind;
    return n;
  }
  PgQuery__Node* StringNode(const std::string& text) {
    PgQuery__Node* n = NodeOf(PG_QUERY__NODE__NODE_STRING);
    n->string = New<PgQuery__String>(pg_query__string__init);
    n->string->sval = Dup(text);
    return n;
  }
};

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

void MoveSelectListSetFunctions(PgQuery__SelectStmt* s, ProtobufCAllocator* alloc) {
  // Every set-returning call of the select list (the outermost one of each expression tree).
  struct Found {
    PgQuery__Node** slot;  // where the call was; now a column reference to fill in below
    PgQuery__ResTarget* target;
    PgQuery__Node* call;
  };
  std::vector<Found> calls;
  TreeMemory mem{alloc};
  auto take = [&](PgQuery__Node** slot, PgQuery__ResTarget* rt) {
    calls.push_back({slot, rt, *slot});
    PgQuery__Node* ref = mem.NodeOf(PG_QUERY__NODE__NODE_COLUMN_REF);
    ref->column_ref = mem.New<PgQuery__ColumnRef>(pg_query__column_ref__init);
    ref->column_ref->n_fields = 1;
    ref->column_ref->fields = mem.Array<PgQuery__Node*>(1);
    ref->column_ref->fields[0] = mem.StringNode("__srf");
    *slot = ref;
  };
  bool any = false;
  for (size_t k = 0; k < s->n_target_list && !any; ++k) {
    auto* rt = s->target_list[k]->res_target;
    any = rt && rt->val && (IsSetFunction(rt->val) || FindSetCall(&rt->val->base));
  }
  if (!any) return;
  bool aggregates = s->n_group_clause > 0 || s->having_clause || s->n_window_clause > 0;
  for (size_t k = 0; k < s->n_target_list && !aggregates; ++k) aggregates = CallsAggregate(&s->target_list[k]->base);
  if (aggregates)
    throw Error(SqlState::kFeatureNotSupported,
                "set-returning functions in a select list with aggregates, GROUP BY or window functions are not supported");
  if (!alloc) throw Error(SqlState::kInternalError, "a set-returning call in a select list was not moved at parse time");
  for (size_t k = 0; k < s->n_target_list; ++k) {
    auto* rt = s->target_list[k]->res_target;
    if (!rt || !rt->val) continue;
    if (IsSetFunction(rt->val)) {
      take(&rt->val, rt);
      continue;
    }
    // Several calls may sit in one expression: take them one at a time.
    while (PgQuery__Node** found = FindSetCall(&rt->val->base)) take(found, rt);
  }
  // FROM ..., LATERAL ROWS FROM (f1(...), f2(...)) AS __srf(__srf1, __srf2): several calls run in
  // step, as PostgreSQL runs the set-returning functions of one select list.
  PgQuery__Node* from = mem.NodeOf(PG_QUERY__NODE__NODE_RANGE_FUNCTION);
  auto* rf = from->range_function = mem.New<PgQuery__RangeFunction>(pg_query__range_function__init);
  rf->lateral = 1;
  rf->n_functions = calls.size();
  rf->functions = mem.Array<PgQuery__Node*>(calls.size());
  rf->alias = mem.New<PgQuery__Alias>(pg_query__alias__init);
  rf->alias->aliasname = mem.Dup("__srf");
  rf->alias->n_colnames = calls.size();
  rf->alias->colnames = mem.Array<PgQuery__Node*>(calls.size());
  for (size_t k = 0; k < calls.size(); ++k) {
    PgQuery__Node** slot = calls[k].slot;
    PgQuery__Node* call = calls[k].call;
    const std::string fname = call->func_call->funcname[call->func_call->n_funcname - 1]->string->sval;
    // The column keeps the function's name, as in PostgreSQL, when the call is the whole target.
    PgQuery__ResTarget* target = calls[k].target;
    if (slot == &target->val && (!target->name || !target->name[0])) target->name = mem.Dup(fname);
    PgQuery__Node* list = mem.NodeOf(PG_QUERY__NODE__NODE_LIST);
    list->list = mem.New<PgQuery__List>(pg_query__list__init);
    list->list->n_items = 1;
    list->list->items = mem.Array<PgQuery__Node*>(1);
    list->list->items[0] = call;
    rf->functions[k] = list;
    const std::string column = calls.size() == 1 ? "__srf" : "__srf" + std::to_string(k + 1);
    rf->alias->colnames[k] = mem.StringNode(column);
    // ... and its column where the call was.
    PgQuery__ColumnRef* ref = (*slot)->column_ref;
    ref->location = call->func_call->location;
    ref->fields[0]->string->sval = mem.Dup(column);
  }
  PgQuery__Node** from_clause = mem.Array<PgQuery__Node*>(s->n_from_clause + 1);
  std::copy(s->from_clause, s->from_clause + s->n_from_clause, from_clause);
  from_clause[s->n_from_clause++] = from;
  s->from_clause = from_clause;  // the old array stays in the tree's memory
}

bool MayCallSetFunctions(std::string_view text) {
  // Every name IsSetFunction accepts holds one of these, whatever its case or quoting; U&"..."
  // identifiers may spell any name with escapes.
  return ContainsAnyCaseless(text, {"generate_s", "unnest", "json", "u&", "_to_table", "regexp_matches"});
}

void MoveSetFunctionsOfTree(PgQuery__ParseResult* tree, ProtobufCAllocator* alloc) {
  std::vector<PgQuery__SelectStmt*> selects;
  WalkParseTree(&tree->base, [&](const ProtobufCMessage* m) {
    if (m->descriptor == &pg_query__select_stmt__descriptor)
      selects.push_back(const_cast<PgQuery__SelectStmt*>(reinterpret_cast<const PgQuery__SelectStmt*>(m)));
  });
  for (PgQuery__SelectStmt* s : selects) {
    try {
      MoveSelectListSetFunctions(s, alloc);
    } catch (const Error&) {
      // Left as written: planning this SELECT reports the error (a 0A000), in its turn.
    }
  }
}

}  // namespace yunhe
