#include "sql/parser.h"

#include "common/status.h"

namespace yunhe {

int BytePosToCharPos(const std::string& text, int byte_offset) {
  int chars = 0;
  for (int k = 0; k < byte_offset && k < (int)text.size(); ++k)
    if (((unsigned char)text[k] & 0xC0) != 0x80) ++chars;
  return chars + 1;
}

std::shared_ptr<ParsedSql> ParsedSql::Parse(const std::string& sql) {
  auto out = std::shared_ptr<ParsedSql>(new ParsedSql());
  out->text_ = sql;
  PgQueryProtobufParseResult r = pg_query_parse_protobuf(sql.c_str());
  if (r.error) {
    // cursorpos is 1-based in bytes; report it in characters as PostgreSQL does.
    int pos = r.error->cursorpos > 0 ? BytePosToCharPos(sql, r.error->cursorpos - 1) : 0;
    Status s = Status::Error(SqlState::kSyntaxError, r.error->message, pos);
    pg_query_free_protobuf_parse_result(r);
    throw Error(s);
  }
  out->result_ = pg_query__parse_result__unpack(nullptr, r.parse_tree.len, reinterpret_cast<const uint8_t*>(r.parse_tree.data));
  pg_query_free_protobuf_parse_result(r);
  if (!out->result_) throw Error(SqlState::kInternalError, "could not decode parse tree");
  for (size_t k = 0; k < out->result_->n_stmts; ++k) {
    PgQuery__RawStmt* raw = out->result_->stmts[k];
    out->statements_.push_back(ParsedStatement{raw->stmt, raw->stmt_location, raw->stmt_len});
  }
  return out;
}

ParsedSql::~ParsedSql() {
  if (result_) pg_query__parse_result__free_unpacked(result_, nullptr);
}

std::string ParsedSql::StatementText(const ParsedStatement& s) const {
  if (s.length == 0) return text_.substr(s.location);
  return text_.substr(s.location, s.length);
}

std::vector<std::pair<int, int>> SplitStatements(const std::string& sql) {
  std::vector<std::pair<int, int>> out;
  PgQuerySplitResult r = pg_query_split_with_scanner(sql.c_str());
  if (r.error) {
    pg_query_free_split_result(r);
    out.emplace_back(0, int(sql.size()));
    return out;
  }
  for (int k = 0; k < r.n_stmts; ++k) out.emplace_back(r.stmts[k]->stmt_location, r.stmts[k]->stmt_len);
  pg_query_free_split_result(r);
  return out;
}

}  // namespace yunhe
