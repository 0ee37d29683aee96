// WHERE (A AND x) OR (A AND y) is A AND (x OR y): a condition every arm of an OR repeats is
// taken out of it (PostgreSQL's canonicalize_qual does the same), so a join equality written in
// each arm (TPC-H Q19's p_partkey = l_partkey) becomes a hash key instead of leaving a cross
// product filtered by the OR. Works on parse trees, before FROM planning picks join equalities
// from the WHERE conjuncts.
#pragma once
#include <pg_query/pg_query.pb-c.h>

#include <memory>
#include <vector>

namespace yunhe {

// Parse trees equal in everything but their locations in the text. (The factoring also takes
// `a = b` and `b = a` as one term.)
bool ParseTreesEqual(const ProtobufCMessage* a, const ProtobufCMessage* b);

// Owns the parse nodes the rewrite makes (they live as long as the planner that plans them).
class ParseNodeArena {
 public:
  PgQuery__Node* BoolNode(PgQuery__BoolExprType op, std::vector<PgQuery__Node*> args);

 private:
  struct Owned {
    PgQuery__Node node;
    PgQuery__BoolExpr expr;
    std::vector<PgQuery__Node*> args;
  };
  std::vector<std::unique_ptr<Owned>> nodes_;
};

// Rewrites the ORs among `conjuncts` (a WHERE split at its ANDs): the terms common to all arms
// become conjuncts of their own; an OR that one arm leaves empty is dropped (it is true).
void FactorCommonOrTerms(std::vector<PgQuery__Node*>* conjuncts, ParseNodeArena* arena);

}  // namespace yunhe
