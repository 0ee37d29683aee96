// sqllogictest runner: runs standard .test files unmodified against a fresh in-memory yunhe
// database per file. Supports statement ok|error, query <types> [nosort|rowsort|valuesort]
// [label], ----, hash-threshold with "N values hashing to MD5", skipif/onlyif (this engine
// answers to "yunhe" and "postgresql"), halt, comments. Expected errors (CockroachDB's and
// DuckDB's spellings): `statement error <regex>` searches the message for the regex;
// `statement error pgcode <SQLSTATE> [<regex>]` also checks the SQLSTATE; text after ---- must
// occur in the message. A bare `statement error` accepts any error except an internal one
// (XX000): a crash in disguise must never pass as the expected failure.
// Prints per-file counts and a final "N passed, M failed".
// --on-disk: each file runs on a fresh data directory instead, with a CHECKPOINT after every
// statement (so later statements and queries read sealed parts, delete vectors and schema
// changes over sealed rows); add --memory-limit 1MB to make them read blocks back from disk.
// --print-errors lists the SQLSTATE and message of every statement that was expected to fail.
#include <openssl/evp.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "common/memory_limit.h"
#include "engine/database.h"

using namespace yunhe;
namespace fs = std::filesystem;

namespace {

std::string Md5Hex(const std::string& s) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(s.data(), s.size(), digest, &len, EVP_md5(), nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned k = 0; k < len; ++k) {
    out.push_back(kHex[digest[k] >> 4]);
    out.push_back(kHex[digest[k] & 15]);
  }
  return out;
}

std::string FormatCell(const Value& v, char type) {
  if (v.is_null) return "NULL";
  if (type == 'I') {
    if (v.type.id == TypeId::kFloat64 || v.type.id == TypeId::kFloat32) return std::to_string(int64_t(v.f));
    if (v.type.id == TypeId::kBool) return v.i ? "1" : "0";
    if (v.type.id == TypeId::kNumeric) {
      std::string s = v.ToString();
      size_t dot = s.find('.');
      return dot == std::string::npos ? s : s.substr(0, dot);
    }
  }
  if (type == 'R' && v.type.IsNumeric()) {
    double d = v.type.id == TypeId::kNumeric ? std::strtod(v.ToString().c_str(), nullptr)
               : v.type.IsInteger() ? double(v.i) : v.f;
    char buf[64];
    snprintf(buf, sizeof buf, "%.3f", d);
    return buf;
  }
  std::string s = v.ToString();
  if (s.empty()) return "(empty)";
  for (auto& c : s)
    if ((unsigned char)c < ' ' && c != '\t') c = '@';
  return s;
}

bool BoolToken(const std::string& s, bool* v) {
  if (s == "true" || s == "t") { *v = true; return true; }
  if (s == "false" || s == "f") { *v = false; return true; }
  return false;
}

bool ValuesMatch(const std::string& got, const std::string& want) {
  if (got == want) return true;
  bool g, w;
  if (BoolToken(got, &g) && BoolToken(want, &w)) return g == w;
  return false;
}

// Why an error does not match a `statement error ...` header line ("" when it does).
std::string ErrorMismatch(const std::string& header, const Status& status) {
  std::string rest = header.substr(header.find("error") + 5);
  rest.erase(0, rest.find_first_not_of(" \t") == std::string::npos ? rest.size() : rest.find_first_not_of(" \t"));
  std::string want_code;
  if (rest.rfind("pgcode ", 0) == 0) {
    rest.erase(0, 7);
    size_t end = rest.find(' ');
    want_code = rest.substr(0, end);
    rest = end == std::string::npos ? "" : rest.substr(end + 1);
  }
  if (!want_code.empty() && status.sqlstate() != want_code)
    return "expected SQLSTATE " + want_code + ", got " + status.sqlstate() + ": " + status.message();
  if (want_code.empty() && status.sqlstate() == SqlState::kInternalError)
    return "internal error (XX000) where a user error was expected: " + status.message();
  if (!rest.empty()) {
    std::regex re;
    try {
      re = std::regex(rest);
    } catch (const std::regex_error&) {
      return "bad regex in the record: " + rest;
    }
    if (!std::regex_search(status.message(), re))
      return "expected an error matching /" + rest + "/, got " + status.sqlstate() + ": " + status.message();
  }
  return "";
}

struct FileStats {
  int passed = 0, failed = 0, skipped = 0;
};

class Runner {
 public:
  Runner(const std::string& path, bool on_disk, bool print_errors)
      : path_(path), on_disk_(on_disk), print_errors_(print_errors) {}
  FileStats Run();

 private:
  bool NextLine(std::string* line) {
    if (pos_ >= lines_.size()) return false;
    *line = lines_[pos_++];
    return true;
  }
  std::string ReadSql(bool* has_result_marker) {
    std::string sql, line;
    *has_result_marker = false;
    while (NextLine(&line)) {
      if (line == "----") {
        *has_result_marker = true;
        break;
      }
      if (line.empty()) break;
      sql += line + "\n";
    }
    // __TEST_DIR__: a scratch directory for this file (as in DuckDB's runner).
    for (size_t at; (at = sql.find("__TEST_DIR__")) != std::string::npos;) sql.replace(at, 12, TestDir());
    return sql;
  }
  std::string TestDir() {
    if (test_dir_.empty()) {
      char tmpl[] = "/tmp/yunhe-slt-XXXXXX";
      test_dir_ = mkdtemp(tmpl) ? tmpl : "/tmp";
    }
    return test_dir_;
  }

 public:
  ~Runner() {
    if (!test_dir_.empty() && test_dir_ != "/tmp") fs::remove_all(test_dir_);
  }

 private:
  std::string test_dir_;
  std::vector<std::string> ReadBlock() {
    std::vector<std::string> out;
    std::string line;
    while (NextLine(&line)) {
      if (line.empty()) break;
      out.push_back(line);
    }
    return out;
  }
  void Fail(size_t line, const std::string& sql, const std::string& why) {
    ++stats_.failed;
    if (shown_ < 10) {
      std::cerr << path_ << ":" << line << ": FAILED\n  SQL: " << sql << "  " << why << "\n";
      ++shown_;
    }
  }

  std::string path_;
  std::vector<std::string> lines_;
  size_t pos_ = 0;
  FileStats stats_;
  int shown_ = 0;
  std::map<std::string, std::string> labels_;
  bool on_disk_ = false;
  bool print_errors_ = false;  // --print-errors: list every expected error as file:line, SQLSTATE, message
};

FileStats Runner::Run() {
  std::ifstream in(path_);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines_.push_back(line);
  }
  Status st;
  std::string dir;
  if (on_disk_) {
    dir = (fs::temp_directory_path() / ("yunhe-slt-" + std::to_string(getpid()))).string();
    fs::remove_all(dir);
  }
  auto db = Database::Open(dir, &st);
  if (!db) {
    std::cerr << path_ << ": cannot open a database: " << st.message() << "\n";
    ++stats_.failed;
    return stats_;
  }
  int hash_threshold = 0;
  while (pos_ < lines_.size()) {
    size_t record_line = pos_ + 1;
    NextLine(&line);
    if (line.empty() || line[0] == '#') continue;
    std::istringstream words(line);
    std::vector<std::string> w;
    for (std::string t; words >> t;) w.push_back(t);
    bool skip = false;
    while (!w.empty() && (w[0] == "skipif" || w[0] == "onlyif")) {
      std::string engine = w.size() > 1 ? w[1] : "";
      bool ours = engine == "yunhe" || engine == "postgresql";
      if ((w[0] == "skipif" && ours) || (w[0] == "onlyif" && !ours)) skip = true;
      record_line = pos_ + 1;
      if (!NextLine(&line)) break;
      std::istringstream again(line);
      w.clear();
      for (std::string t; again >> t;) w.push_back(t);
    }
    if (w.empty()) continue;
    if (w[0] == "halt") {
      if (!skip) break;
      continue;
    }
    if (w[0] == "hash-threshold") {
      hash_threshold = w.size() > 1 ? std::stoi(w[1]) : 0;
      continue;
    }
    if (w[0] == "statement") {
      const std::string header = line;
      bool marker;
      std::string sql = ReadSql(&marker);
      std::vector<std::string> expected_error;
      if (marker) expected_error = ReadBlock();
      if (skip) {
        ++stats_.skipped;
        continue;
      }
      auto results = db->Execute(sql);
      if (on_disk_) (void)db->Checkpoint();  // refused inside a transaction block: fine
      bool failed = !results.empty() && !results.back().status.ok();
      bool want_error = w.size() > 1 && w[1] == "error";
      if (want_error != failed) {
        Fail(record_line, sql, want_error ? "expected an error, statement succeeded\n"
                                          : "unexpected error: " + results.back().status.message() + "\n");
        continue;
      }
      if (want_error && print_errors_)
        std::cout << path_ << ":" << record_line << "\t" << results.back().status.sqlstate() << "\t"
                  << results.back().status.message() << "\n";
      if (want_error) {
        std::string why = ErrorMismatch(header, results.back().status);
        if (!why.empty()) {
          Fail(record_line, sql, why + "\n");
          continue;
        }
      }
      if (want_error && !expected_error.empty()) {
        std::string msg = results.back().status.message();
        std::string want;
        for (auto& l : expected_error) want += (want.empty() ? "" : "\n") + l;
        if (msg.find(want) == std::string::npos && ("ERROR:  " + msg).find(want) == std::string::npos) {
          Fail(record_line, sql, "expected error containing \"" + want + "\", got \"" + msg + "\"\n");
          continue;
        }
      }
      ++stats_.passed;
      continue;
    }
    if (w[0] == "query") {
      std::string types = w.size() > 1 ? w[1] : "";
      std::string sort = w.size() > 2 ? w[2] : "nosort";
      std::string label = w.size() > 3 ? w[3] : "";
      bool marker;
      std::string sql = ReadSql(&marker);
      std::vector<std::string> expected;
      if (marker) expected = ReadBlock();
      if (skip) {
        ++stats_.skipped;
        continue;
      }
      auto results = db->Execute(sql);
      if (results.empty() || !results.back().status.ok()) {
        Fail(record_line, sql, "query failed: " + (results.empty() ? std::string("no statement") : results.back().status.message()) + "\n");
        continue;
      }
      const QueryResult& r = results.back();
      if (!types.empty() && types.size() != r.names.size()) {
        Fail(record_line, sql, "expected " + std::to_string(types.size()) + " columns, got " + std::to_string(r.names.size()) + "\n");
        continue;
      }
      std::vector<std::vector<std::string>> rows;
      for (auto& chunk : r.chunks)
        for (size_t row = 0; row < chunk.count; ++row) {
          std::vector<std::string> cells;
          for (size_t c = 0; c < chunk.columns.size(); ++c)
            cells.push_back(FormatCell(chunk.columns[c].GetValue(row), c < types.size() ? types[c] : 'T'));
          rows.push_back(cells);
        }
      if (sort == "rowsort") std::sort(rows.begin(), rows.end());
      std::vector<std::string> values;
      for (auto& row : rows)
        for (auto& v : row) values.push_back(v);
      if (sort == "valuesort") std::sort(values.begin(), values.end());
      std::string joined;
      for (auto& v : values) joined += v + "\n";
      std::string hash = Md5Hex(joined);
      static const std::regex kHashLine(R"(^(\d+) values hashing to ([0-9a-f]{32})$)");
      std::smatch m;
      bool ok;
      std::string got_text;
      if (expected.size() == 1 && std::regex_match(expected[0], m, kHashLine)) {
        ok = std::stoul(m[1]) == values.size() && m[2] == hash;
        got_text = std::to_string(values.size()) + " values hashing to " + hash;
      } else {
        // Expected lines may hold one value per line or a whole row separated by tabs.
        std::vector<std::string> want;
        for (auto& l : expected) {
          std::stringstream ls(l);
          std::string cell;
          bool any = false;
          while (std::getline(ls, cell, '\t')) {
            want.push_back(cell);
            any = true;
          }
          if (!any) want.push_back("");
        }
        if (sort == "valuesort") std::sort(want.begin(), want.end());
        if (sort == "rowsort" && !types.empty() && want.size() % types.size() == 0) {
          std::vector<std::vector<std::string>> wrows;
          for (size_t k = 0; k < want.size(); k += types.size())
            wrows.emplace_back(want.begin() + k, want.begin() + k + types.size());
          std::sort(wrows.begin(), wrows.end());
          want.clear();
          for (auto& row : wrows) want.insert(want.end(), row.begin(), row.end());
        }
        ok = want.size() == values.size();
        for (size_t k = 0; ok && k < want.size(); ++k) ok = ValuesMatch(values[k], want[k]);
        for (auto& row : rows) {
          for (size_t c = 0; c < row.size(); ++c) got_text += (c ? "\t" : "") + row[c];
          got_text += "\n";
        }
        if (hash_threshold > 0 && int(values.size()) > hash_threshold && !ok) {
          // Files written for the hash form may still list values; compare by hash too.
          std::string wj;
          for (auto& v : want) wj += v + "\n";
          ok = Md5Hex(wj) == hash && want.size() == values.size();
        }
      }
      if (!label.empty()) {
        auto it = labels_.find(label);
        if (it != labels_.end() && it->second != hash) ok = false;
        labels_[label] = hash;
      }
      if (!ok) {
        std::string want_text;
        for (auto& l : expected) want_text += l + "\n";
        Fail(record_line, sql, "expected:\n" + want_text + "  got:\n" + got_text);
        continue;
      }
      ++stats_.passed;
      continue;
    }
    if (w[0] == "require" || w[0] == "load" || w[0] == "mode") {
      // DuckDB-specific directives: the file targets another engine's features.
      if (w[0] == "require") {
        ++stats_.skipped;
        break;
      }
      continue;
    }
    Fail(record_line, line, "unknown record type\n");
  }
  db.reset();
  if (!dir.empty()) fs::remove_all(dir);
  return stats_;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> files;
  bool on_disk = false, print_errors = false;
  for (int k = 1; k < argc; ++k) {
    const std::string arg = argv[k];
    if (arg == "--on-disk") {
      on_disk = true;
      continue;
    }
    if (arg == "--print-errors") {
      print_errors = true;
      continue;
    }
    if (arg == "--memory-limit" && k + 1 < argc) {
      uint64_t bytes = 0;
      if (!yunhe::ParseMemorySize(argv[++k], &bytes)) {
        std::cerr << "sqllogictest: bad memory limit " << argv[k] << "\n";
        return 2;
      }
      yunhe::SetMemoryLimitBytes(bytes);
      continue;
    }
    fs::path p = argv[k];
    if (fs::is_directory(p)) {
      for (auto& e : fs::recursive_directory_iterator(p))
        if (e.is_regular_file() && (e.path().extension() == ".test" || e.path().extension() == ".slt"))
          files.push_back(e.path().string());
    } else {
      files.push_back(p.string());
    }
  }
  std::sort(files.begin(), files.end());
  int passed = 0, failed = 0, skipped = 0, files_failed = 0;
  for (auto& f : files) {
    FileStats s = Runner(f, on_disk, print_errors).Run();
    std::cout << f << ": " << s.passed << " passed, " << s.failed << " failed"
              << (s.skipped ? ", " + std::to_string(s.skipped) + " skipped" : "") << "\n";
    passed += s.passed;
    failed += s.failed;
    skipped += s.skipped;
    files_failed += s.failed > 0;
  }
  std::cout << "sqllogictest: " << files.size() << " files, " << files_failed << " with failures\n";
  std::cout << passed << " passed, " << failed << " failed" << (skipped ? ", " + std::to_string(skipped) + " skipped" : "") << "\n";
  return failed == 0 && !files.empty() ? 0 : 1;
}
