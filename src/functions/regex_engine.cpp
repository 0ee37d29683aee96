#define PCRE2_CODE_UNIT_WIDTH 8
#include "functions/regex_engine.h"

#include <pcre2.h>

#include <unordered_map>

#include <fmt/format.h>

#include "common/status.h"

namespace yunhe {

struct Regex::Compiled {
  pcre2_code* code = nullptr;
  ~Compiled() { pcre2_code_free(code); }
};

Regex::~Regex() = default;

namespace {

// Per thread: a match context with the limits, and the match data for the largest pattern seen.
struct Matcher {
  pcre2_match_context* context = nullptr;
  pcre2_match_data* data = nullptr;
  Matcher() {
    context = pcre2_match_context_create(nullptr);
    pcre2_set_heap_limit(context, 256 * 1024);  // KiB of backtracking frames: 256 MB
    pcre2_set_match_limit(context, 100000000);  // steps
    data = pcre2_match_data_create(64, nullptr);
  }
  ~Matcher() {
    pcre2_match_data_free(data);
    pcre2_match_context_free(context);
  }
};

// PostgreSQL's words for the compile errors both engines have.
const char* PostgresMessage(int error) {
  switch (error) {
    case PCRE2_ERROR_MISSING_CLOSING_PARENTHESIS:
    case PCRE2_ERROR_UNMATCHED_CLOSING_PARENTHESIS: return "parentheses () not balanced";
    case PCRE2_ERROR_MISSING_SQUARE_BRACKET: return "brackets [] not balanced";
    case PCRE2_ERROR_QUANTIFIER_INVALID: return "quantifier operand invalid";
    case PCRE2_ERROR_QUANTIFIER_OUT_OF_ORDER: return "invalid repetition count(s)";
    case PCRE2_ERROR_CLASS_RANGE_ORDER: return "invalid character range";
    case PCRE2_ERROR_END_BACKSLASH: return "invalid escape \\ sequence";
    default: return nullptr;
  }
}

// PostgreSQL's escapes PCRE spells otherwise, outside bracket expressions: \y and \Y (word
// boundary or not), \m and \M (start and end of a word), \Z (end of the string only).
std::string ToPcre(const std::string& pattern) {
  std::string out;
  bool bracket = false;
  for (size_t k = 0; k < pattern.size(); ++k) {
    const char c = pattern[k];
    if (c == '\\' && k + 1 < pattern.size()) {
      const char next = pattern[++k];
      if (!bracket && next == 'y') out += "\\b";
      else if (!bracket && next == 'Y') out += "\\B";
      else if (!bracket && next == 'm') out += "\\b(?=\\w)";
      else if (!bracket && next == 'M') out += "\\b(?<=\\w)";
      else if (!bracket && next == 'Z') out += "\\z";
      else out += c, out += next;
      continue;
    }
    if (c == '[' && !bracket) {
      bracket = true;
      out += c;
      if (k + 1 < pattern.size() && pattern[k + 1] == '^') out += pattern[++k];
      if (k + 1 < pattern.size() && pattern[k + 1] == ']') out += pattern[++k];  // a leading ] is a member
      continue;
    }
    if (c == '[' && bracket && k + 1 < pattern.size() && (pattern[k + 1] == ':' || pattern[k + 1] == '.' || pattern[k + 1] == '=')) {
      // [:alpha:] and kin inside a bracket expression: copied whole
      const size_t close = pattern.find(std::string(1, pattern[k + 1]) + "]", k + 2);
      if (close != std::string::npos) {
        out.append(pattern, k, close + 2 - k);
        k = close + 1;
        continue;
      }
    }
    if (c == ']' && bracket) bracket = false;
    out += c;
  }
  return out;
}

Matcher& ThreadMatcher() {
  thread_local Matcher m;
  return m;
}

}  // namespace

const Regex& Regex::Get(const std::string& pattern, Options options) {
  thread_local std::unordered_map<std::string, std::unique_ptr<Regex>> cache[4];
  auto& c = cache[int(options.icase) | int(options.newline) << 1];
  if (auto it = c.find(pattern); it != c.end()) return *it->second;
  if (c.size() > 1024) c.clear();  // bound the cache
  uint32_t flags = PCRE2_UTF | PCRE2_UCP;  // subjects are checked UTF-8 already (matching skips the check)
  if (options.icase) flags |= PCRE2_CASELESS;
  // Not newline-sensitive (PostgreSQL's default): `.` matches a newline and $ only the very end.
  flags |= options.newline ? PCRE2_MULTILINE : PCRE2_DOTALL | PCRE2_DOLLAR_ENDONLY;
  int error = 0;
  PCRE2_SIZE offset = 0;
  const std::string pcre = ToPcre(pattern);
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pcre.data()), pcre.size(), flags, &error, &offset, nullptr);
  if (!code) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(error, message, sizeof message);
    const char* pg = PostgresMessage(error);
    throw Error(SqlState::kInvalidRegularExpression,
                fmt::format("invalid regular expression: {}", pg ? pg : reinterpret_cast<const char*>(message)));
  }
  std::unique_ptr<Regex> r(new Regex());
  r->compiled_ = std::make_unique<Compiled>();
  r->compiled_->code = code;
  return *c.emplace(pattern, std::move(r)).first->second;
}

bool Regex::Search(const std::string& s, size_t from, Match* m) const {
  Matcher& matcher = ThreadMatcher();
  uint32_t groups = 0;
  pcre2_pattern_info(compiled_->code, PCRE2_INFO_CAPTURECOUNT, &groups);
  ++groups;
  if (pcre2_get_ovector_count(matcher.data) < groups) {
    pcre2_match_data_free(matcher.data);
    matcher.data = pcre2_match_data_create(groups, nullptr);
  }
  const int rc = pcre2_match(compiled_->code, reinterpret_cast<PCRE2_SPTR>(s.data()), s.size(), from, PCRE2_NO_UTF_CHECK, matcher.data, matcher.context);
  if (rc == PCRE2_ERROR_NOMATCH) return false;
  if (rc < 0) {
    if (rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_NOMEMORY)
      throw Error(SqlState::kProgramLimitExceeded, "regular expression is too complex to match (backtracking past its limits)");
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(rc, message, sizeof message);
    throw Error(SqlState::kInvalidRegularExpression, fmt::format("regular expression failed: {}", reinterpret_cast<const char*>(message)));
  }
  if (m) {
    const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(matcher.data);
    m->offsets.assign(2 * groups, -1);
    for (uint32_t g = 0; g < groups; ++g) {
      if (ov[2 * g] == PCRE2_UNSET) continue;
      m->offsets[2 * g] = long(ov[2 * g]);
      m->offsets[2 * g + 1] = long(ov[2 * g + 1]);
    }
  }
  return true;
}

bool Regex::Matches(const std::string& s) const { return Search(s, 0, nullptr); }

}  // namespace yunhe
