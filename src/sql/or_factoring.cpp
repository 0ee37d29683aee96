#include "sql/or_factoring.h"

#include <cstring>

#include "sql/parse_tree_walk.h"

namespace yunhe {

void SplitConjuncts(PgQuery__Node* node, std::vector<PgQuery__Node*>* out);  // planner_expr.cpp

namespace {

bool FieldsEqual(const ProtobufCFieldDescriptor& fd, const char* a, const char* b);

bool ValueEqual(const ProtobufCFieldDescriptor& fd, const void* a, const void* b) {
  switch (fd.type) {
    case PROTOBUF_C_TYPE_MESSAGE:
      return ParseTreesEqual(*static_cast<ProtobufCMessage* const*>(a), *static_cast<ProtobufCMessage* const*>(b));
    case PROTOBUF_C_TYPE_STRING: {
      const char* x = *static_cast<char* const*>(a);
      const char* y = *static_cast<char* const*>(b);
      return (!x || !y) ? x == y : std::strcmp(x, y) == 0;
    }
    case PROTOBUF_C_TYPE_BYTES: {
      auto* x = static_cast<const ProtobufCBinaryData*>(a);
      auto* y = static_cast<const ProtobufCBinaryData*>(b);
      return x->len == y->len && (x->len == 0 || std::memcmp(x->data, y->data, x->len) == 0);
    }
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
    case PROTOBUF_C_TYPE_DOUBLE: return std::memcmp(a, b, 8) == 0;
    case PROTOBUF_C_TYPE_BOOL: return *static_cast<const protobuf_c_boolean*>(a) == *static_cast<const protobuf_c_boolean*>(b);
    default: return std::memcmp(a, b, 4) == 0;  // 32-bit integers, enums, floats
  }
}

bool FieldsEqual(const ProtobufCFieldDescriptor& fd, const char* a, const char* b) {
  if (std::strcmp(fd.name, "location") == 0) return true;  // where it was written, not what
  if (fd.flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
    const uint32_t ca = *reinterpret_cast<const uint32_t*>(a + fd.quantifier_offset);
    const uint32_t cb = *reinterpret_cast<const uint32_t*>(b + fd.quantifier_offset);
    if (ca != cb) return false;
    if (ca != fd.id) return true;  // another member of the oneof is set
  }
  if (fd.label == PROTOBUF_C_LABEL_REPEATED) {
    const size_t na = *reinterpret_cast<const size_t*>(a + fd.quantifier_offset);
    const size_t nb = *reinterpret_cast<const size_t*>(b + fd.quantifier_offset);
    if (na != nb) return false;
    const char* arr_a = *reinterpret_cast<char* const*>(a + fd.offset);
    const char* arr_b = *reinterpret_cast<char* const*>(b + fd.offset);
    const size_t size = ProtobufValueSize(fd);
    for (size_t k = 0; k < na; ++k)
      if (!ValueEqual(fd, arr_a + k * size, arr_b + k * size)) return false;
    return true;
  }
  if (fd.label == PROTOBUF_C_LABEL_OPTIONAL && fd.quantifier_offset && fd.type != PROTOBUF_C_TYPE_MESSAGE &&
      fd.type != PROTOBUF_C_TYPE_STRING && !(fd.flags & PROTOBUF_C_FIELD_FLAG_ONEOF)) {
    if (*reinterpret_cast<const protobuf_c_boolean*>(a + fd.quantifier_offset) !=
        *reinterpret_cast<const protobuf_c_boolean*>(b + fd.quantifier_offset))
      return false;
  }
  return ValueEqual(fd, a + fd.offset, b + fd.offset);
}

bool IsEquality(const PgQuery__Node* n) {
  if (n->node_case != PG_QUERY__NODE__NODE_A_EXPR || n->a_expr->kind != PG_QUERY__A__EXPR__KIND__AEXPR_OP || n->a_expr->n_name != 1)
    return false;
  const PgQuery__Node* op = n->a_expr->name[0];
  return op->node_case == PG_QUERY__NODE__NODE_STRING && std::strcmp(op->string->sval, "=") == 0 && n->a_expr->lexpr &&
         n->a_expr->rexpr;
}

// The same condition, also when an equality is written the other way round (a = b, b = a).
bool SameTerm(PgQuery__Node* a, PgQuery__Node* b) {
  if (ParseTreesEqual(&a->base, &b->base)) return true;
  return IsEquality(a) && IsEquality(b) && ParseTreesEqual(&a->a_expr->lexpr->base, &b->a_expr->rexpr->base) &&
         ParseTreesEqual(&a->a_expr->rexpr->base, &b->a_expr->lexpr->base);
}

}  // namespace

bool ParseTreesEqual(const ProtobufCMessage* a, const ProtobufCMessage* b) {
  if (!a || !b) return a == b;
  if (a->descriptor != b->descriptor) return false;
  if (a->descriptor == &pg_query__node__descriptor) {  // the same node type, then its one field
    const auto* na = reinterpret_cast<const PgQuery__Node*>(a);
    if (na->node_case != reinterpret_cast<const PgQuery__Node*>(b)->node_case) return false;
    const ProtobufCFieldDescriptor* fd = SetNodeField(na);
    return !fd || FieldsEqual(*fd, reinterpret_cast<const char*>(a), reinterpret_cast<const char*>(b));
  }
  const ProtobufCMessageDescriptor* d = a->descriptor;
  for (unsigned f = 0; f < d->n_fields; ++f)
    if (!FieldsEqual(d->fields[f], reinterpret_cast<const char*>(a), reinterpret_cast<const char*>(b))) return false;
  return true;
}

PgQuery__Node* ParseNodeArena::BoolNode(PgQuery__BoolExprType op, std::vector<PgQuery__Node*> args) {
  auto owned = std::make_unique<Owned>();
  pg_query__node__init(&owned->node);
  pg_query__bool_expr__init(&owned->expr);
  owned->args = std::move(args);
  owned->expr.boolop = op;
  owned->expr.n_args = owned->args.size();
  owned->expr.args = owned->args.data();
  owned->expr.location = -1;
  owned->node.node_case = PG_QUERY__NODE__NODE_BOOL_EXPR;
  owned->node.bool_expr = &owned->expr;
  nodes_.push_back(std::move(owned));
  return &nodes_.back()->node;
}

void FactorCommonOrTerms(std::vector<PgQuery__Node*>* conjuncts, ParseNodeArena* arena) {
  std::vector<PgQuery__Node*> out;
  for (PgQuery__Node* c : *conjuncts) {
    if (c->node_case != PG_QUERY__NODE__NODE_BOOL_EXPR || c->bool_expr->boolop != PG_QUERY__BOOL_EXPR_TYPE__OR_EXPR ||
        c->bool_expr->n_args < 2) {
      out.push_back(c);
      continue;
    }
    std::vector<std::vector<PgQuery__Node*>> arms(c->bool_expr->n_args);
    for (size_t k = 0; k < arms.size(); ++k) SplitConjuncts(c->bool_expr->args[k], &arms[k]);
    std::vector<PgQuery__Node*> common;
    for (PgQuery__Node* term : arms[0]) {
      bool everywhere = true;
      for (size_t k = 1; k < arms.size() && everywhere; ++k) {
        bool found = false;
        for (PgQuery__Node* t : arms[k]) found = found || SameTerm(t, term);
        everywhere = found;
      }
      bool repeated = false;  // (A AND A AND x): take A once
      for (PgQuery__Node* t : common) repeated = repeated || SameTerm(t, term);
      if (everywhere && !repeated) common.push_back(term);
    }
    if (common.empty()) {
      out.push_back(c);
      continue;
    }
    out.insert(out.end(), common.begin(), common.end());
    std::vector<PgQuery__Node*> rest_arms;
    bool some_arm_empty = false;
    for (auto& arm : arms) {
      std::vector<PgQuery__Node*> rest;
      for (PgQuery__Node* t : arm) {
        bool is_common = false;
        for (PgQuery__Node* x : common) is_common = is_common || SameTerm(t, x);
        if (!is_common) rest.push_back(t);
      }
      if (rest.empty()) some_arm_empty = true;
      else rest_arms.push_back(rest.size() == 1 ? rest[0] : arena->BoolNode(PG_QUERY__BOOL_EXPR_TYPE__AND_EXPR, rest));
    }
    // An arm with nothing left was just the common terms: the OR holds whenever they do.
    if (!some_arm_empty) out.push_back(arena->BoolNode(PG_QUERY__BOOL_EXPR_TYPE__OR_EXPR, rest_arms));
  }
  *conjuncts = std::move(out);
}

}  // namespace yunhe
