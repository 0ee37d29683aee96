#include "sql/parser.h"

#include <algorithm>
#include <list>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "common/status.h"
#include "common/utf8.h"
#include "sql/asof_syntax.h"
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

namespace {
// Recently parsed statement texts. Parse trees are never modified after parsing, so one tree can
// serve every execution of the same text; dashboards and drivers repeat statements, and
// libpg_query's protobuf pack/unpack was 40 % of the server's CPU per `SELECT 1` round trip.
class ParseCache {
 public:
  std::shared_ptr<ParsedSql> Find(const std::string& sql) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = index_.find(sql);
    if (it == index_.end()) return nullptr;
    lru_.splice(lru_.begin(), lru_, it->second);  // most recently used first
    return it->second->second;
  }
  void Add(const std::string& sql, std::shared_ptr<ParsedSql> parsed) {
    if (sql.size() > kMaxText) return;  // long texts (bulk INSERTs) rarely repeat
    std::lock_guard<std::mutex> lock(mu_);
    if (index_.count(sql)) return;
    lru_.emplace_front(sql, std::move(parsed));
    index_[sql] = lru_.begin();
    if (lru_.size() > kEntries) {
      index_.erase(lru_.back().first);
      lru_.pop_back();
    }
  }

 private:
  static constexpr size_t kEntries = 256, kMaxText = 8192;
  std::mutex mu_;
  std::list<std::pair<std::string, std::shared_ptr<ParsedSql>>> lru_;
  std::unordered_map<std::string, std::list<std::pair<std::string, std::shared_ptr<ParsedSql>>>::iterator> index_;
};

ParseCache& Cache() {
  static ParseCache cache;
  return cache;
}
}  // namespace

std::shared_ptr<ParsedSql> ParsedSql::Parse(const std::string& sql) {
  if (auto cached = Cache().Find(sql)) return cached;
  std::shared_ptr<ParsedSql> parsed = ParseText(sql);
  Cache().Add(sql, parsed);
  return parsed;
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
    a.at += size;
    a.left -= size;
    return p;
  }
  static void Free(void*, void*) {}  // all at once, with the arena
};

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
  for (size_t k = 0; k < out->result_->n_stmts; ++k) {
    PgQuery__RawStmt* raw = out->result_->stmts[k];
    out->statements_.push_back(ParsedStatement{raw->stmt, raw->stmt_location, raw->stmt_len});
  }
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
    if (isspace((unsigned char)c)) continue;
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
