#include "cli/result_printer.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/sql_text.h"

namespace yunhe {
namespace {

size_t DisplayWidth(const std::string& s) {
  // Counts UTF-8 characters; East Asian wide characters count 2, as psql does.
  size_t w = 0;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    uint32_t cp;
    int len;
    if (c < 0x80) { cp = c; len = 1; }
    else if ((c >> 5) == 6) { cp = c & 0x1F; len = 2; }
    else if ((c >> 4) == 14) { cp = c & 0x0F; len = 3; }
    else { cp = c & 0x07; len = 4; }
    for (int k = 1; k < len && i + k < s.size(); ++k) cp = (cp << 6) | (s[i + k] & 0x3F);
    i += len;
    bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
                (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
    w += wide ? 2 : 1;
  }
  return w;
}

std::string Pad(const std::string& s, size_t width, bool right) {
  size_t w = DisplayWidth(s);
  if (w >= width) return s;
  return right ? std::string(width - w, ' ') + s : s + std::string(width - w, ' ');
}

std::string CsvQuote(const std::string& s, char delim) {
  if (s.find_first_of(std::string("\"\n\r") + delim) == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

bool RightAligned(const LogicalType& t) { return t.IsNumeric(); }

}  // namespace

void PrintResult(const QueryResult& r, const PrintOptions& o, std::ostream& out, const std::string& title) {
  for (auto& n : r.notices) (void)n;  // notices go to stderr from the caller
  if (r.is_copy_out) {
    out << r.copy_out;
    return;
  }
  if (!r.returns_rows) {
    if (o.show_tags && o.format == OutputFormat::kTable && !r.tag.empty()) out << r.tag << "\n";
    return;
  }
  const size_t cols = r.names.size();
  std::vector<std::vector<std::string>> cells;
  std::vector<std::vector<bool>> nulls;
  for (const auto& chunk : r.chunks) {
    for (size_t row = 0; row < chunk.count; ++row) {
      std::vector<std::string> line(cols);
      std::vector<bool> line_nulls(cols);
      for (size_t c = 0; c < cols; ++c) {
        Value v = chunk.columns[c].GetValue(row);
        line_nulls[c] = v.is_null;
        line[c] = v.is_null ? o.null_string : v.ToString();
      }
      cells.push_back(std::move(line));
      nulls.push_back(std::move(line_nulls));
    }
  }
  switch (o.format) {
    case OutputFormat::kCsv:
    case OutputFormat::kTsv: {
      char d = o.format == OutputFormat::kCsv ? ',' : '\t';
      if (o.header) {
        for (size_t c = 0; c < cols; ++c) out << (c ? std::string(1, d) : "") << CsvQuote(r.names[c], d);
        out << "\n";
      }
      for (auto& line : cells) {
        for (size_t c = 0; c < cols; ++c) out << (c ? std::string(1, d) : "") << CsvQuote(line[c], d);
        out << "\n";
      }
      return;
    }
    case OutputFormat::kJson: {
      out << "[";
      for (size_t row = 0; row < cells.size(); ++row) {
        out << (row ? ",\n " : "\n ") << "{";
        for (size_t c = 0; c < cols; ++c) {
          out << (c ? ", " : "") << JsonString(r.names[c]) << ": ";
          const LogicalType& t = r.types[c];
          if (nulls[row][c]) out << "null";
          else if (t.id == TypeId::kBool) out << (cells[row][c] == "t" ? "true" : "false");
          else if (t.IsNumeric() && cells[row][c] != "NaN" && cells[row][c] != "Infinity" && cells[row][c] != "-Infinity")
            out << cells[row][c];
          else out << JsonString(cells[row][c]);
        }
        out << "}";
      }
      out << (cells.empty() ? "]\n" : "\n]\n");
      return;
    }
    case OutputFormat::kTable: {
      std::vector<size_t> width(cols);
      for (size_t c = 0; c < cols; ++c) {
        width[c] = o.header ? DisplayWidth(r.names[c]) : 0;
        for (auto& line : cells) width[c] = std::max(width[c], DisplayWidth(line[c]));
      }
      // psql's aligned format: header cells centered and padded, data cells padded except a
      // left-aligned last column, " | " between columns.
      auto emit_line = [&](const std::vector<std::string>& line, bool header) {
        std::string s;
        for (size_t c = 0; c < cols; ++c) {
          bool last = c + 1 == cols;
          std::string cell;
          if (header) {
            size_t w = DisplayWidth(line[c]);
            size_t left = (width[c] - w) / 2;
            cell = std::string(left, ' ') + line[c] + std::string(width[c] - w - left, ' ');
          } else if (last && !RightAligned(r.types[c])) {
            cell = line[c];
          } else {
            cell = Pad(line[c], width[c], RightAligned(r.types[c]));
          }
          s += (c ? "|" : "") + std::string(" ") + cell + (last && !header ? "" : " ");
        }
        out << s << "\n";
      };
      size_t total_width = 0;
      for (size_t c = 0; c < cols; ++c) total_width += width[c] + 2 + (c ? 1 : 0);
      if (!title.empty()) {
        size_t tw = DisplayWidth(title);
        out << std::string(total_width > tw ? (total_width - tw) / 2 : 0, ' ') << title << "\n";
      }
      if (o.header) {
        emit_line(r.names, true);
        std::string sep;
        for (size_t c = 0; c < cols; ++c) sep += (c ? "+" : "") + std::string(width[c] + 2, '-');
        out << sep << "\n";
      }
      for (auto& line : cells) emit_line(line, false);
      if (o.header) out << fmt::format("({} row{})\n\n", cells.size(), cells.size() == 1 ? "" : "s");
      return;
    }
  }
}

void PrintError(const Status& s, const std::string& statement, std::ostream& err) {
  err << "ERROR:  " << s.message() << "\n";
  if (s.position() > 0 && !statement.empty()) {
    // Find the line holding the (1-based, character) position.
    size_t chars = 0, line_start = 0, line_no = 1, i = 0;
    size_t target = size_t(s.position() - 1);
    size_t caret_col = 0;
    for (i = 0; i < statement.size(); ++i) {
      if (((unsigned char)statement[i] & 0xC0) == 0x80) continue;
      if (chars == target) break;
      if (statement[i] == '\n') {
        ++line_no;
        line_start = i + 1;
      }
      ++chars;
    }
    size_t line_end = statement.find('\n', line_start);
    std::string line = statement.substr(line_start, line_end == std::string::npos ? std::string::npos : line_end - line_start);
    caret_col = DisplayWidth(statement.substr(line_start, i - line_start));
    std::string prefix = fmt::format("LINE {}: ", line_no);
    err << prefix << line << "\n" << std::string(prefix.size() + caret_col, ' ') << "^\n";
  }
  if (!s.detail().empty()) err << "DETAIL:  " << s.detail() << "\n";
  if (!s.hint().empty()) err << "HINT:  " << s.hint() << "\n";
}

}  // namespace yunhe
