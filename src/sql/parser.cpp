#include "sql/parser.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <list>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "common/status.h"
#include "common/utf8.h"
#include "sql/asof_syntax.h"
#include "sql/literal_template.h"
#include "sql/parse_tree_clone.h"
#include "sql/parse_tree_walk.h"
#include "sql/srf_rewrite.h"

namespace yunhe {

int BytePosToCharPos(const std::string& text, int byte_offset) {
  int chars = 0;
  for (int k = 0; k < byte_offset && k < (int)text.size(); ++k)
    if (((unsigned char)text[k] & 0xC0) != 0x80) ++chars;
  return chars + 1;
}

Status PositionInScript(Status status, const std::string& script, int statement_begin) {
  if (status.position() > 0 && statement_begin > 0)
    status.WithPosition(status.position() + BytePosToCharPos(script, statement_begin) - 1);
  return status;
}

// Bump allocation for protobuf-c's unpack of a parse tree: a statement's tree is hundreds of
// small nodes (a pgbench UPDATE: ~150), and allocating then freeing each one, walking the
// descriptors to find them, cost more than libpg_query's grammar itself. The tree is read-only
// once unpacked and dies whole with its ParsedSql.
struct ParsedSql::TreeArena {
  explicit TreeArena(size_t first_block) : next_block(std::max<size_t>(first_block, 1024)) {}
  std::vector<std::unique_ptr<char[]>> blocks;
  char* at = nullptr;
  size_t left = 0, next_block;
  size_t total = 0;  // bytes handed out (sizes a copy's first block)

  static void* Alloc(void* self, size_t size) {
    auto& a = *static_cast<TreeArena*>(self);
    size = (size + 15) & ~size_t(15);  // malloc's alignment
    if (size > a.left) {
      const size_t block = std::max(size, a.next_block);
      a.blocks.emplace_back(new char[block]);
      a.at = a.blocks.back().get();
      a.left = block;
      a.next_block = std::min<size_t>(a.next_block * 2, 1 << 20);
    }
    void* p = a.at;
    a.total += size;
    a.at += size;
    a.left -= size;
    return p;
  }
  static void Free(void*, void*) {}  // all at once, with the arena
};

namespace {
// Most recently used values by text key, kEntries at most.
template <class V>
class LruCache {
 public:
  V Find(const std::string& key) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    lru_.splice(lru_.begin(), lru_, it->second);  // most recently used first
    return it->second->second;
  }
  void Add(const std::string& key, V value) {
    std::lock_guard<std::mutex> lock(mu_);
    if (index_.count(key)) return;
    lru_.emplace_front(key, std::move(value));
    index_[key] = lru_.begin();
    if (lru_.size() > kEntries) {
      index_.erase(lru_.back().first);
      lru_.pop_back();
    }
  }

 private:
  static constexpr size_t kEntries = 256;
  std::mutex mu_;
  std::list<std::pair<std::string, V>> lru_;
  std::unordered_map<std::string, typename std::list<std::pair<std::string, V>>::iterator> index_;
};

// Long texts (bulk INSERTs) rarely repeat.
constexpr size_t kMaxCachedText = 8192;

// Recently parsed statement texts. Parse trees are never modified after parsing, so one tree can
// serve every execution of the same text; dashboards and drivers repeat statements, and
// libpg_query's protobuf pack/unpack was 40 % of the server's CPU per `SELECT 1` round trip.
LruCache<std::shared_ptr<ParsedSql>>& Cache() {
  static LruCache<std::shared_ptr<ParsedSql>> cache;
  return cache;
}
}  // namespace

// A parsed text whose constants can be swapped (sql/literal_template.h): its tree, and for each
// constant of its text the A_Const(s) holding it, by location (the constant's own, or the '-'
// the grammar folded into it).
struct ParsedSql::Template {
  std::shared_ptr<ParsedSql> tree;  // nullptr: texts of this key are parsed each time
  std::vector<LiteralSpan> literals;
  std::vector<int32_t> const_at;
  std::vector<uint8_t> negated;
};

namespace {
LruCache<std::shared_ptr<const ParsedSql::Template>>& Templates() {
  static LruCache<std::shared_ptr<const ParsedSql::Template>> cache;
  return cache;
}

// The value libpg_query gives a constant: ival for 'i', fval (its text) for 'n', sval for 's'.
bool ConstHolds(const PgQuery__AConst& c, std::string_view sql, const LiteralSpan& lit, bool negated) {
  const std::string_view text = sql.substr(size_t(lit.begin), size_t(lit.length));
  switch (lit.kind) {
    case 'i': {
      const int64_t v = IntegerLiteralValue(sql, lit);
      return c.val_case == PG_QUERY__A__CONST__VAL_IVAL && c.ival && c.ival->ival == (negated ? -v : v);
    }
    case 'n':
      return c.val_case == PG_QUERY__A__CONST__VAL_FVAL && c.fval && c.fval->fval &&
             std::string_view(c.fval->fval) == (negated ? "-" : "") + std::string(text);
    default:
      return !negated && c.val_case == PG_QUERY__A__CONST__VAL_SVAL && c.sval && c.sval->sval &&
             c.sval->sval == StringLiteralValue(sql, lit);
  }
}
}  // namespace

std::shared_ptr<const ParsedSql::Template> ParsedSql::MakeTemplate(std::shared_ptr<ParsedSql> parsed, std::vector<LiteralSpan> literals) {
  auto out = std::make_shared<Template>();
  std::vector<const PgQuery__AConst*> consts;
  for (const ParsedStatement& st : parsed->statements_)
    WalkParseTree(&st.node->base, [&](const ProtobufCMessage* m) {
      if (m->descriptor == &pg_query__a__const__descriptor) consts.push_back(reinterpret_cast<const PgQuery__AConst*>(m));
    });
  const std::string& sql = parsed->text_;
  for (const LiteralSpan& lit : literals) {
    // The grammar folds a unary minus into the constant, located at the '-'.
    int32_t minus = lit.begin - 1;
    while (minus >= 0 && (sql[size_t(minus)] == ' ' || sql[size_t(minus)] == '\t' || sql[size_t(minus)] == '\n' || sql[size_t(minus)] == '\r')) --minus;
    if (minus >= 0 && sql[size_t(minus)] != '-') minus = -1;
    int found = 0;
    bool negated = false;
    for (const PgQuery__AConst* c : consts) {
      const bool at_minus = minus >= 0 && c->location == minus;
      if (c->location != lit.begin && !at_minus) continue;
      if (!ConstHolds(*c, sql, lit, at_minus)) return std::make_shared<Template>();  // not what a fresh parse would give
      if (found > 0 && negated != at_minus) return std::make_shared<Template>();
      negated = at_minus;
      ++found;
    }
    // Not an A_Const (a FETCH count, a COPY file name, a string continued on the next line):
    // texts of this shape are parsed each time.
    if (found == 0) return std::make_shared<Template>();
    out->const_at.push_back(negated ? minus : lit.begin);
    out->negated.push_back(negated);
  }
  out->literals = std::move(literals);
  out->tree = std::move(parsed);
  return out;
}

namespace {
std::atomic<uint64_t> g_template_copies{0};
}  // namespace

uint64_t ParsedSql::TemplateCopies() { return g_template_copies.load(); }

std::shared_ptr<ParsedSql> ParsedSql::FromTemplate(const Template& model, const std::string& sql, const std::vector<LiteralSpan>& literals) {
  g_template_copies.fetch_add(1, std::memory_order_relaxed);
  const ParsedSql& from = *model.tree;
  auto out = std::shared_ptr<ParsedSql>(new ParsedSql());
  out->text_ = sql;
  out->arena_ = std::make_unique<TreeArena>(from.arena_->total);
  ProtobufCAllocator arena{&TreeArena::Alloc, &TreeArena::Free, out->arena_.get()};
  out->result_ = reinterpret_cast<PgQuery__ParseResult*>(CloneParseTree(&from.result_->base, &arena));
  auto in_tree = [&](const std::string& v) {  // a string of the copy's own
    return static_cast<char*>(std::memcpy(TreeArena::Alloc(out->arena_.get(), v.size() + 1), v.c_str(), v.size() + 1));
  };
  // New values into the copied constants, found by their location in the model's text.
  WalkParseTree(&out->result_->base, [&](const ProtobufCMessage* m) {
    if (m->descriptor != &pg_query__a__const__descriptor) return;
    auto* c = const_cast<PgQuery__AConst*>(reinterpret_cast<const PgQuery__AConst*>(m));
    const auto at = std::lower_bound(model.const_at.begin(), model.const_at.end(), c->location);
    if (at == model.const_at.end() || *at != c->location) return;
    const size_t k = size_t(at - model.const_at.begin());
    const LiteralSpan& lit = literals[k];
    const std::string_view text = std::string_view(sql).substr(size_t(lit.begin), size_t(lit.length));
    switch (lit.kind) {
      case 'i': {
        const int64_t v = IntegerLiteralValue(sql, lit);
        c->ival->ival = int32_t(model.negated[k] ? -v : v);
        break;
      }
      case 'n': c->fval->fval = in_tree((model.negated[k] ? "-" : "") + std::string(text)); break;
      default: c->sval->sval = in_tree(StringLiteralValue(sql, lit)); break;
    }
  });
  // Text positions past a constant of another length move with it.
  ForEachTextPosition(&out->result_->base, [&](int32_t pos) {
    int32_t shift = 0;
    for (size_t k = 0; k < literals.size() && model.literals[k].begin < pos; ++k) shift += literals[k].length - model.literals[k].length;
    return pos + shift;
  });
  out->IndexStatements();
  return out;
}

void ParsedSql::IndexStatements() {
  statements_.clear();
  for (size_t k = 0; k < result_->n_stmts; ++k) {
    PgQuery__RawStmt* raw = result_->stmts[k];
    statements_.push_back(ParsedStatement{raw->stmt, raw->stmt_location, raw->stmt_len});
  }
}

std::shared_ptr<ParsedSql> ParsedSql::Parse(const std::string& sql) {
  if (sql.size() > kMaxCachedText) return ParseText(sql);
  if (auto cached = Cache().Find(sql)) return cached;
  // The same text but for its constants: a copy of that tree with these constants. (Texts with
  // ASOF or set-returning calls are rewritten while parsing: parsed each time.)
  std::string key;
  std::vector<LiteralSpan> literals;
  const bool templated = !ContainsAnyCaseless(sql, {"asof"}) && !MayCallSetFunctions(sql) && MakeLiteralTemplate(sql, &key, &literals);
  std::shared_ptr<const Template> model = templated ? Templates().Find(key) : nullptr;
  std::shared_ptr<ParsedSql> parsed;
  if (model && model->tree) parsed = FromTemplate(*model, sql, literals);
  if (!parsed) parsed = ParseText(sql);
  if (templated && !model) Templates().Add(key, MakeTemplate(parsed, std::move(literals)));
  Cache().Add(sql, parsed);
  return parsed;
}


std::shared_ptr<ParsedSql> ParsedSql::ParseText(const std::string& sql) {
  auto out = std::shared_ptr<ParsedSql>(new ParsedSql());
  out->text_ = sql;
  if (Status st = CheckUtf8(sql); !st.ok()) throw Error(st);  // the grammar assumes valid UTF-8, as PostgreSQL's
  std::string grammar_text = sql;  // ASOF syntax blanked out; same length, same positions
  AsofPrepass asof = StripAsofSyntax(&grammar_text);
  PgQueryProtobufParseResult r = pg_query_parse_protobuf(grammar_text.c_str());
  if (r.error) {
    // cursorpos is already 1-based in characters: the grammar's scanner converts it, as
    // PostgreSQL's does (node locations, in contrast, are bytes).
    Status s = Status::Error(SqlState::kSyntaxError, r.error->message, std::max(0, r.error->cursorpos));
    pg_query_free_protobuf_parse_result(r);
    throw Error(s);
  }
  // Unpacked nodes take about four times their packed bytes.
  out->arena_ = std::make_unique<TreeArena>(4 * r.parse_tree.len);
  ProtobufCAllocator arena{&TreeArena::Alloc, &TreeArena::Free, out->arena_.get()};
  out->result_ = pg_query__parse_result__unpack(&arena, r.parse_tree.len, reinterpret_cast<const uint8_t*>(r.parse_tree.data));
  pg_query_free_protobuf_parse_result(r);
  if (!out->result_) throw Error(SqlState::kInternalError, "could not decode parse tree");
  if (MayCallSetFunctions(sql)) MoveSetFunctionsOfTree(out->result_, &arena);  // SELECT generate_series(...) as a LATERAL call in FROM
  if (!MarkAsofJoins(out->result_, asof))
    throw Error(SqlState::kSyntaxError, "ASOF must be followed by [LEFT] JOIN and a table", BytePosToCharPos(sql, asof.marks[0].join_pos));
  out->IndexStatements();
  return out;
}

ParsedSql::~ParsedSql() {
  if (!result_) return;
  ForgetAsofJoins(result_);  // the nodes themselves go with arena_
}

std::string ParsedSql::StatementText(const ParsedStatement& s) const {
  if (s.length == 0) return text_.substr(s.location);
  return text_.substr(s.location, s.length);
}

std::vector<std::pair<int, int>> SplitStatements(const std::string& b, bool* ends_complete) {
  // A hand-written scanner: libpg_query's scanner-based split drops statements that do not
  // start with a keyword (so "SELEC 1" would vanish instead of reporting a syntax error).
  std::vector<std::pair<int, int>> out;
  size_t start = 0;
  bool has_content = false;  // the current statement has something besides blanks and comments
  bool in_single = false, in_double = false, in_line_comment = false;
  int block_depth = 0;
  std::string dollar_tag;
  auto finish = [&](size_t end) {
    if (has_content) out.emplace_back(int(start), int(end - start));
    has_content = false;
  };
  for (size_t i = 0; i < b.size(); ++i) {
    char c = b[i];
    char next = i + 1 < b.size() ? b[i + 1] : '\0';
    if (in_line_comment) {
      if (c == '\n') in_line_comment = false;
      continue;
    }
    if (block_depth > 0) {
      if (c == '*' && next == '/') { --block_depth; ++i; }
      else if (c == '/' && next == '*') { ++block_depth; ++i; }
      continue;
    }
    if (!dollar_tag.empty()) {
      if (b.compare(i, dollar_tag.size(), dollar_tag) == 0) {
        i += dollar_tag.size() - 1;
        dollar_tag.clear();
      }
      continue;
    }
    if (in_single) {
      if (c == '\'') in_single = false;
      continue;
    }
    if (in_double) {
      if (c == '"') in_double = false;
      continue;
    }
    if (c == '-' && next == '-') { in_line_comment = true; ++i; continue; }
    if (c == '/' && next == '*') { block_depth = 1; ++i; continue; }
    if (c == ';') {
      finish(i);
      start = i + 1;
      continue;
    }
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v') continue;  // isspace in the C locale, without a call per byte
    if (!has_content) start = i;  // statements start at their first real character
    has_content = true;
    if (c == '\'') in_single = true;
    else if (c == '"') in_double = true;
    else if (c == '$') {
      size_t j = i + 1;
      while (j < b.size() && (isalnum((unsigned char)b[j]) || b[j] == '_')) ++j;
      if (j < b.size() && b[j] == '$' && (i == 0 || !isalnum((unsigned char)b[i - 1]))) {
        dollar_tag = b.substr(i, j - i + 1);
        i = j;
      }
    }
  }
  bool inside = in_single || in_double || block_depth > 0 || !dollar_tag.empty();
  if (ends_complete) *ends_complete = !inside && !has_content;
  finish(b.size());
  return out;
}

}  // namespace yunhe
