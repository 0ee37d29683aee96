// PostgreSQL's text and CSV formats for COPY: reading records (fields, quoting, escapes, line
// numbers for errors) and fast field conversion on the way in; escaping and quoting on the way
// out. No allocation per field once a Record's buffers are warm.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "common/status.h"
#include "common/vector.h"

namespace yunhe {

struct DelimitedFormat {
  bool csv = false;  // false: PostgreSQL's text format
  char delimiter = '\t';
  char quote = '"';
  char escape = '"';
  std::string null_string = "\\N";
};

// One parsed record: fields plus whether each was quoted (CSV: a quoted empty string is not NULL).
struct Record {
  std::vector<std::string> fields;  // only the first `count` are valid; kept to reuse capacity
  std::vector<bool> quoted;
  size_t count = 0;
  size_t line = 0;  // 1-based line number where the record starts
  std::string& NewField() {
    if (count == fields.size()) {
      fields.emplace_back();
      quoted.push_back(false);
    }
    fields[count].clear();
    quoted[count] = false;
    return fields[count++];
  }
};

class RecordReader {
 public:
  RecordReader(std::string_view data, const DelimitedFormat& o, size_t first_line = 1) : d_(data), o_(o), line_(first_line) {}
  // Returns false at end of input. Throws on an unterminated quoted field.
  bool Next(Record* rec) {
    rec->count = 0;
    if (pos_ >= d_.size()) return false;
    rec->line = line_;
    if (!o_.csv && d_.compare(pos_, 3, "\\.\n") == 0) return false;
    std::string* field = &rec->NewField();
    const char* data = d_.data();
    const size_t size = d_.size();
    while (true) {
      // Copy the run of ordinary bytes in one go.
      size_t run = pos_;
      while (run < size) {
        char c = data[run];
        if (c == o_.delimiter || c == '\n' || c == '\r' || (o_.csv ? c == o_.quote : c == '\\')) break;
        ++run;
      }
      field->append(data + pos_, run - pos_);
      pos_ = run;
      if (pos_ >= size) return true;
      char c = data[pos_];
      if (o_.csv && c == o_.quote) {
        if (!field->empty() || rec->quoted[rec->count - 1]) {
          field->push_back(c);
          ++pos_;
          continue;
        }
        rec->quoted[rec->count - 1] = true;
        ++pos_;
        // Quoted field: runs to the closing quote; doubled quote (or escape+quote) is a quote.
        while (true) {
          if (pos_ >= size)
            throw Error(SqlState::kBadCopyFileFormat, fmt::format("unterminated CSV quoted field (line {})", rec->line));
          char q = data[pos_];
          if (q == o_.escape && pos_ + 1 < size && (data[pos_ + 1] == o_.quote || (o_.escape != o_.quote && data[pos_ + 1] == o_.escape))) {
            field->push_back(data[pos_ + 1]);
            pos_ += 2;
            continue;
          }
          if (q == o_.quote) {
            ++pos_;
            break;
          }
          if (q == '\n') ++line_;
          field->push_back(q);
          ++pos_;
        }
        continue;
      }
      if (c == o_.delimiter) {
        field = &rec->NewField();
        ++pos_;
        continue;
      }
      if (c == '\n' || c == '\r') {
        if (c == '\r' && pos_ + 1 < size && data[pos_ + 1] == '\n') ++pos_;
        ++pos_;
        ++line_;
        return true;
      }
      // Text format backslash escape.
      if (pos_ + 1 >= size) {
        field->push_back(c);
        ++pos_;
        continue;
      }
      char e = data[pos_ + 1];
      // Keep "\N" recognisable as NULL: only a whole field equal to the null string is NULL.
      if (e == 'N' && field->empty()) {
        *field = "\\N";
        pos_ += 2;
        continue;
      }
      switch (e) {
        case 't': field->push_back('\t'); break;
        case 'n': field->push_back('\n'); break;
        case 'r': field->push_back('\r'); break;
        case 'b': field->push_back('\b'); break;
        case 'f': field->push_back('\f'); break;
        case 'v': field->push_back('\v'); break;
        default: field->push_back(e); break;
      }
      pos_ += 2;
    }
  }

 private:
  std::string_view d_;
  const DelimitedFormat& o_;
  size_t pos_ = 0;
  size_t line_ = 1;

 public:
  size_t position() const { return pos_; }
};

// Tells where records end while walking input byte by byte from a record start: at a newline
// outside CSV quotes (quote parity; ESCAPE must be the quote character for that to be exact) or,
// in the text format, one not escaped by a backslash (a backslash-newline is a newline in the
// data). Used to cut input into pieces that RecordReader can parse independently.
class RecordBoundaries {
 public:
  explicit RecordBoundaries(const DelimitedFormat& f) : f_(f) {}
  // Feeds one byte; true when it ends a record.
  bool Step(char c) {
    if (f_.csv) {
      if (c == f_.quote) in_quotes_ = !in_quotes_;
      return c == '\n' && !in_quotes_;
    }
    const bool ends = c == '\n' && !escaped_;
    escaped_ = c == '\\' && !escaped_;
    return ends;
  }

 private:
  const DelimitedFormat& f_;
  bool in_quotes_ = false, escaped_ = false;
};

// Converts the common types (integers, float8, text, timestamps) straight into out[row] without
// building a Value; false: the caller falls back to the general cast (which also words the error).
bool ParseFieldFast(const std::string& f, const LogicalType& t, Vector& out, size_t row);
// Text format escaping of one value; CSV quoting when needed.
std::string EscapeText(const std::string& s, char delimiter);
std::string QuoteCsv(const std::string& s, const DelimitedFormat& o);

}  // namespace yunhe
