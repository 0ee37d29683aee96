#include "sql/asof_syntax.h"
#include "sql/parse_tree_walk.h"

#include <pg_query.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <mutex>
#include <unordered_map>

#include "common/status.h"

namespace yunhe {
namespace {

bool TokenIs(const std::string& sql, const PgQuery__ScanToken* t, const char* word) {
  if (t->token != PG_QUERY__TOKEN__IDENT) return false;
  size_t n = size_t(t->end - t->start);
  if (n != strlen(word)) return false;
  for (size_t k = 0; k < n; ++k)
    if (tolower((unsigned char)sql[t->start + k]) != word[k]) return false;
  return true;
}

// Tokens that end a FROM item's join clause (and so a TOLERANCE expression) at its nesting level.
bool EndsJoinClause(const PgQuery__ScanToken* t) {
  switch (t->token) {
    case PG_QUERY__TOKEN__JOIN: case PG_QUERY__TOKEN__LEFT: case PG_QUERY__TOKEN__RIGHT:
    case PG_QUERY__TOKEN__FULL: case PG_QUERY__TOKEN__INNER_P: case PG_QUERY__TOKEN__CROSS:
    case PG_QUERY__TOKEN__NATURAL: case PG_QUERY__TOKEN__WHERE: case PG_QUERY__TOKEN__GROUP_P:
    case PG_QUERY__TOKEN__HAVING: case PG_QUERY__TOKEN__WINDOW: case PG_QUERY__TOKEN__ORDER:
    case PG_QUERY__TOKEN__LIMIT: case PG_QUERY__TOKEN__OFFSET: case PG_QUERY__TOKEN__UNION:
    case PG_QUERY__TOKEN__INTERSECT: case PG_QUERY__TOKEN__EXCEPT: case PG_QUERY__TOKEN__FETCH:
    case PG_QUERY__TOKEN__RETURNING: case PG_QUERY__TOKEN__ASCII_44: case PG_QUERY__TOKEN__ASCII_59:
      return true;
    default: return false;
  }
}

// True when a token can end an expression (so a following TOLERANCE is a clause, not a name).
bool EndsExpression(const PgQuery__ScanToken* t) {
  switch (t->token) {
    case PG_QUERY__TOKEN__IDENT: case PG_QUERY__TOKEN__SCONST: case PG_QUERY__TOKEN__ICONST:
    case PG_QUERY__TOKEN__FCONST: case PG_QUERY__TOKEN__ASCII_41:
      return true;
    default:
      return t->keyword_kind == PG_QUERY__KEYWORD_KIND__UNRESERVED_KEYWORD ||
             t->keyword_kind == PG_QUERY__KEYWORD_KIND__COL_NAME_KEYWORD;
  }
}

// True when a token can start an expression.
bool StartsExpression(const PgQuery__ScanToken* t) {
  switch (t->token) {
    case PG_QUERY__TOKEN__IDENT: case PG_QUERY__TOKEN__SCONST: case PG_QUERY__TOKEN__ICONST:
    case PG_QUERY__TOKEN__FCONST: case PG_QUERY__TOKEN__ASCII_40: case PG_QUERY__TOKEN__INTERVAL:
    case PG_QUERY__TOKEN__PARAM: case PG_QUERY__TOKEN__CAST:
      return true;
    default: return false;
  }
}

std::mutex g_mu;
std::unordered_map<const PgQuery__JoinExpr*, AsofJoinMark> g_marks;
std::unordered_map<const PgQuery__ParseResult*, std::vector<const PgQuery__JoinExpr*>> g_owned;


// Smallest "location" in a subtree: where the item starts in the text (roughly; enough to tell
// which JOIN keyword precedes it).
int MinLocation(const ProtobufCMessage* m) {
  int best = INT_MAX;
  WalkParseTree(m, [&](const ProtobufCMessage* x) {
    ForEachSetField(x, [&](const ProtobufCFieldDescriptor& fd) {
      if (fd.type == PROTOBUF_C_TYPE_INT32 && fd.label != PROTOBUF_C_LABEL_REPEATED && strcmp(fd.name, "location") == 0) {
        int v = *reinterpret_cast<const int32_t*>(reinterpret_cast<const char*>(x) + fd.offset);
        if (v >= 0) best = std::min(best, v);
      }
    });
  });
  return best;
}

}  // namespace

AsofPrepass StripAsofSyntax(std::string* sql) {
  AsofPrepass out;
  // Cheap test first: most statements have no ASOF at all.
  bool maybe = false;
  for (size_t k = 0; k + 4 <= sql->size() && !maybe; ++k)
    maybe = (tolower((unsigned char)(*sql)[k]) == 'a' && strncasecmp(sql->c_str() + k, "asof", 4) == 0);
  if (!maybe) return out;
  PgQueryScanResult r = pg_query_scan(sql->c_str());
  if (r.error) {  // the parser will report it
    pg_query_free_scan_result(r);
    return out;
  }
  PgQuery__ScanResult* scan = pg_query__scan_result__unpack(nullptr, r.pbuf.len, reinterpret_cast<const uint8_t*>(r.pbuf.data));
  pg_query_free_scan_result(r);
  if (!scan) return out;
  const size_t n = scan->n_tokens;
  PgQuery__ScanToken** tok = scan->tokens;
  std::vector<int> depth(n);
  int d = 0;
  for (size_t i = 0; i < n; ++i) {
    if (tok[i]->token == PG_QUERY__TOKEN__ASCII_41) --d;
    depth[i] = d;
    if (tok[i]->token == PG_QUERY__TOKEN__ASCII_40) ++d;
    if (tok[i]->token == PG_QUERY__TOKEN__JOIN) out.join_positions.push_back(tok[i]->start);
  }
  auto blank = [&](int from, int to) {
    for (int k = from; k < to; ++k)
      if ((*sql)[k] != '\n') (*sql)[k] = ' ';
  };
  for (size_t i = 0; i + 1 < n; ++i) {
    if (!TokenIs(*sql, tok[i], "asof")) continue;
    size_t j = i + 1;
    // RIGHT and FULL are recognized too, so that the planner can say they are not supported
    // instead of the grammar reporting a syntax error at ASOF.
    const auto kind = tok[j]->token;
    if (kind == PG_QUERY__TOKEN__INNER_P) {
      ++j;
    } else if (kind == PG_QUERY__TOKEN__LEFT || kind == PG_QUERY__TOKEN__RIGHT || kind == PG_QUERY__TOKEN__FULL) {
      ++j;
      if (j < n && tok[j]->token == PG_QUERY__TOKEN__OUTER_P) ++j;
    }
    if (j >= n || tok[j]->token != PG_QUERY__TOKEN__JOIN) continue;
    AsofJoinMark mark;
    mark.join_pos = tok[j]->start;
    blank(tok[i]->start, tok[i]->end);
    // TOLERANCE belongs to this join when it follows its condition at the same nesting level.
    const int level = depth[j];
    for (size_t k = j + 1; k < n; ++k) {
      if (depth[k] < level || (depth[k] == level && EndsJoinClause(tok[k]))) break;
      if (depth[k] != level || !TokenIs(*sql, tok[k], "tolerance")) continue;
      if (!EndsExpression(tok[k - 1]) || k + 1 >= n || !StartsExpression(tok[k + 1])) continue;
      size_t e = k + 1;
      while (e < n && depth[e] >= level && !(depth[e] == level && (EndsJoinClause(tok[e]) || TokenIs(*sql, tok[e], "asof"))) &&
             !(tok[e]->token == PG_QUERY__TOKEN__ASCII_41 && depth[e] == level))
        ++e;
      const int from = tok[k + 1]->start, to = tok[e - 1]->end;
      mark.tolerance_sql = sql->substr(size_t(from), size_t(to - from));
      mark.tolerance_pos = from;
      blank(tok[k]->start, to);
      break;
    }
    out.marks.push_back(std::move(mark));
  }
  pg_query__scan_result__free_unpacked(scan, nullptr);
  return out;
}

bool MarkAsofJoins(const PgQuery__ParseResult* tree, const AsofPrepass& prepass) {
  if (prepass.marks.empty()) return true;
  std::vector<const PgQuery__JoinExpr*> joins;
  WalkParseTree(&tree->base, [&](const ProtobufCMessage* m) {
    if (m->descriptor == &pg_query__join_expr__descriptor) joins.push_back(reinterpret_cast<const PgQuery__JoinExpr*>(m));
  });
  std::lock_guard<std::mutex> lock(g_mu);
  auto& owned = g_owned[tree];
  size_t placed = 0;
  for (auto* j : joins) {
    if (!j->rarg) continue;
    int start = MinLocation(&j->rarg->base);
    // The JOIN keyword of this join is the last one before its right-hand item.
    auto it = std::lower_bound(prepass.join_positions.begin(), prepass.join_positions.end(), start);
    if (it == prepass.join_positions.begin()) continue;
    int join_pos = *(it - 1);
    for (auto& m : prepass.marks) {
      if (m.join_pos != join_pos) continue;
      g_marks[j] = m;
      owned.push_back(j);
      ++placed;
    }
  }
  return placed == prepass.marks.size();
}

void ForgetAsofJoins(const PgQuery__ParseResult* tree) {
  std::lock_guard<std::mutex> lock(g_mu);
  auto it = g_owned.find(tree);
  if (it == g_owned.end()) return;
  for (auto* j : it->second) g_marks.erase(j);
  g_owned.erase(it);
}

const AsofJoinMark* FindAsofJoin(const PgQuery__JoinExpr* join) {
  std::lock_guard<std::mutex> lock(g_mu);
  auto it = g_marks.find(join);
  return it == g_marks.end() ? nullptr : &it->second;
}

}  // namespace yunhe
