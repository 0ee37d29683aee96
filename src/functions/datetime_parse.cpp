// to_date(text, template) and to_timestamp(text, template): PostgreSQL's template patterns
// (9.8, Table 9.26) read back from text. As PostgreSQL does outside FX mode: white space in the
// input before a field is skipped, a separator in the template matches any one non-letter,
// non-digit character of the input (or none), a numeric field followed by a separator or the end
// reads every digit there, one followed directly by another field reads just its width, quoted
// template text skips as many input characters, and input left over at the end is ignored.
// Fields not given default to year 0 (1 BC), January, the 1st, midnight.
#include <cctype>
#include <cstring>

#include <fmt/format.h>

#include "common/time_util.h"
#include "common/timezone.h"
#include "functions/function.h"
#include "functions/kernel_util.h"
#include "functions/template_text.h"

namespace yunhe {
namespace {

using Args = const std::vector<const Vector*>&;

enum class Field {
  kYear4, kYearComma, kYear3, kYear2, kYear1, kMonth, kDay, kDayOfYear, kHour24, kHour12, kMinute, kSecond,
  kMillis, kMicros, kFraction, kSecondsOfDay, kMeridiem, kMeridiemDots, kMonthName, kMonthAbbrev, kDayName,
  kDayAbbrev, kTzHour, kTzMinute, kJulian, kQuarter, kDayOfWeek, kCentury,
};

struct Node {
  enum Kind { kField, kSeparator, kSpace, kSkip } kind;
  Field field{};
  int width = 0;        // digits of a numeric field (FF1..FF6: the fraction's digits)
  std::string name;     // the pattern as written, for messages
};

struct Pattern {
  const char* text;
  Field field;
  int width;
};

// Longest first where one pattern starts another (HH24 before HH, MONTH before MON).
constexpr Pattern kPatterns[] = {
    {"Y,YYY", Field::kYearComma, 5}, {"YYYY", Field::kYear4, 4}, {"YYY", Field::kYear3, 3}, {"YY", Field::kYear2, 2},
    {"Y", Field::kYear1, 1}, {"HH24", Field::kHour24, 2}, {"HH12", Field::kHour12, 2}, {"HH", Field::kHour12, 2},
    {"MI", Field::kMinute, 2}, {"SSSSS", Field::kSecondsOfDay, 5}, {"SSSS", Field::kSecondsOfDay, 5},
    {"SS", Field::kSecond, 2}, {"MS", Field::kMillis, 3}, {"US", Field::kMicros, 6}, {"FF1", Field::kFraction, 1},
    {"FF2", Field::kFraction, 2}, {"FF3", Field::kFraction, 3}, {"FF4", Field::kFraction, 4}, {"FF5", Field::kFraction, 5},
    {"FF6", Field::kFraction, 6}, {"A.M.", Field::kMeridiemDots, 4}, {"P.M.", Field::kMeridiemDots, 4},
    {"AM", Field::kMeridiem, 2}, {"PM", Field::kMeridiem, 2}, {"MONTH", Field::kMonthName, 9}, {"MON", Field::kMonthAbbrev, 3},
    {"MM", Field::kMonth, 2}, {"DAY", Field::kDayName, 9}, {"DDD", Field::kDayOfYear, 3}, {"DD", Field::kDay, 2},
    {"DY", Field::kDayAbbrev, 3}, {"D", Field::kDayOfWeek, 1}, {"TZH", Field::kTzHour, 3}, {"TZM", Field::kTzMinute, 2},
    {"J", Field::kJulian, 7}, {"Q", Field::kQuarter, 1}, {"CC", Field::kCentury, 2},
};

std::vector<Node> Compile(const std::string& t) {
  std::vector<Node> nodes;
  for (size_t i = 0; i < t.size();) {
    if (StartsCaseless(t, i, "FM") || StartsCaseless(t, i, "FX")) {  // fill / exact modes: no effect on reading here
      i += 2;
      continue;
    }
    if (t[i] == '"') {
      size_t n = 0;
      for (++i; i < t.size() && t[i] != '"'; ++i, ++n)
        if (t[i] == '\\' && i + 1 < t.size()) ++i;
      ++i;
      nodes.push_back(Node{Node::kSkip, {}, int(n), ""});
      continue;
    }
    bool matched = false;
    for (const Pattern& p : kPatterns) {
      if (!StartsCaseless(t, i, p.text)) continue;
      nodes.push_back(Node{Node::kField, p.field, p.width, t.substr(i, strlen(p.text))});
      i += strlen(p.text);
      matched = true;
      break;
    }
    if (matched) continue;
    const unsigned char c = uint8_t(t[i]);
    if (isspace(c)) nodes.push_back(Node{Node::kSpace, {}, 0, ""});
    else if (isalnum(c)) nodes.push_back(Node{Node::kSkip, {}, 1, ""});  // a letter that is no pattern: one input character
    else nodes.push_back(Node{Node::kSeparator, {}, 0, std::string(1, char(c))});
    ++i;
  }
  return nodes;
}

bool IsNumeric(Field f) {
  switch (f) {
    case Field::kMeridiem: case Field::kMeridiemDots: case Field::kMonthName: case Field::kMonthAbbrev:
    case Field::kDayName: case Field::kDayAbbrev: return false;
    default: return true;
  }
}

constexpr const char* kMonthNames[] = {"JANUARY", "FEBRUARY", "MARCH", "APRIL", "MAY", "JUNE", "JULY",
                                       "AUGUST", "SEPTEMBER", "OCTOBER", "NOVEMBER", "DECEMBER"};
constexpr const char* kDayNames[] = {"SUNDAY", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY"};

struct Parsed {
  int64_t year = 0, month = 1, day = 1, day_of_year = 0, hour = 0, minute = 0, second = 0, micros = 0;
  int64_t seconds_of_day = -1, julian = -1, tz_seconds = 0, century = 0;
  bool has_year = false, year_two_digits = false, twelve_hour = false, pm = false, meridiem = false, has_tz = false;
};

class Reader {
 public:
  Reader(const std::string& input, const std::string& pattern) : in_(input), pattern_(pattern) {}

  Parsed Read() {
    const std::vector<Node> nodes = Compile(pattern_);
    Parsed p;
    for (size_t n = 0; n < nodes.size(); ++n) {
      const Node& node = nodes[n];
      switch (node.kind) {
        case Node::kSpace:
          while (pos_ < in_.size() && isspace(uint8_t(in_[pos_]))) ++pos_;
          break;
        case Node::kSeparator:
          if (pos_ < in_.size() && !isalnum(uint8_t(in_[pos_])) && !isspace(uint8_t(in_[pos_]))) ++pos_;
          break;
        case Node::kSkip:
          pos_ = std::min(in_.size(), pos_ + size_t(node.width));
          break;
        case Node::kField: {
          while (pos_ < in_.size() && isspace(uint8_t(in_[pos_]))) ++pos_;
          if (pos_ >= in_.size()) return p;  // fields the input does not reach keep their defaults
          const bool fixed = n + 1 < nodes.size() && nodes[n + 1].kind == Node::kField && IsNumeric(nodes[n + 1].field);
          ReadField(node, fixed, &p);
          break;
        }
      }
    }
    return p;
  }

 private:
  [[noreturn]] void InvalidValue(const Node& node, const char* detail, size_t length) {
    size_t end = pos_;
    while (end < in_.size() && end - pos_ < length && !isspace(uint8_t(in_[end])) && (end == pos_ || isalnum(uint8_t(in_[end])))) ++end;
    throw Error(Status::Error(SqlState::kInvalidDatetimeFormat, fmt::format("invalid value \"{}\" for \"{}\"", in_.substr(pos_, end - pos_), node.name))
                    .WithDetail(detail));
  }

  // Digits for a numeric field: its width when another field follows directly, else all of them.
  int64_t Number(const Node& node, bool fixed, int* digits = nullptr) {
    const bool negative = !fixed && pos_ < in_.size() && in_[pos_] == '-' && node.field == Field::kYear4;
    size_t k = pos_ + negative;
    int64_t v = 0;
    int n = 0;
    while (k < in_.size() && isdigit(uint8_t(in_[k])) && (!fixed || n < node.width) && n < 18) v = v * 10 + (in_[k++] - '0'), ++n;
    if (n == 0) InvalidValue(node, "Value must be an integer.", size_t(node.width));
    pos_ = k;
    if (digits) *digits = n;
    return negative ? -v : v;
  }

  // The index of the name at pos_ among `names` (compared case-insensitively, on `length`
  // letters when abbreviated).
  int Name(const Node& node, const char* const* names, int count, bool abbreviated) {
    for (int k = 0; k < count; ++k) {
      const std::string full = names[k];
      const std::string want = abbreviated ? full.substr(0, 3) : full;
      if (StartsCaseless(in_, pos_, want.c_str())) {
        pos_ += want.size();
        return k;
      }
    }
    InvalidValue(node, "The given value did not match any of the allowed values for this field.", abbreviated ? 3 : 9);
  }

  void ReadField(const Node& node, bool fixed, Parsed* p) {
    switch (node.field) {
      case Field::kYear4: {
        p->year = Number(node, fixed);
        p->has_year = true;
        break;
      }
      case Field::kYear3: case Field::kYear2: case Field::kYear1: {
        // Fewer than four digits: the year nearest 2020 with them, as PostgreSQL's
        // adjust_partial_year_to_2020 (0-69 and 100-519 in this millennium).
        int digits = 0;
        int64_t y = Number(node, fixed, &digits);
        if (digits < 4) y += y < 70 ? 2000 : y < 100 ? 1900 : y < 520 ? 2000 : y < 1000 ? 1000 : 0;
        p->year = y;
        p->has_year = true;
        break;
      }
      case Field::kYearComma: {
        const int64_t thousands = Number(node, true);
        if (pos_ < in_.size() && in_[pos_] == ',') ++pos_;
        Node rest = node;
        rest.width = 3;
        p->year = thousands * 1000 + Number(rest, true);
        p->has_year = true;
        break;
      }
      case Field::kCentury: p->century = Number(node, fixed); break;
      case Field::kMonth: p->month = Number(node, fixed); break;
      case Field::kDay: p->day = Number(node, fixed); break;
      case Field::kDayOfYear: p->day_of_year = Number(node, fixed); break;
      case Field::kHour24: p->hour = Number(node, fixed); break;
      case Field::kHour12:
        p->hour = Number(node, fixed);
        p->twelve_hour = true;
        break;
      case Field::kMinute: p->minute = Number(node, fixed); break;
      case Field::kSecond: p->second = Number(node, fixed); break;
      case Field::kSecondsOfDay: p->seconds_of_day = Number(node, fixed); break;
      case Field::kJulian: p->julian = Number(node, fixed); break;
      case Field::kQuarter: case Field::kDayOfWeek: Number(node, fixed); break;  // read, not used (as PostgreSQL)
      case Field::kMillis: case Field::kMicros: case Field::kFraction: {
        // Digits of a fraction of a second ("SS.MS" reads 12.3 as 300 ms), up to the field's width.
        int digits = 0;
        int64_t micros = Number(node, true, &digits);
        for (int k = digits; k < (node.field == Field::kMillis ? 3 : 6); ++k) micros *= 10;
        p->micros = node.field == Field::kMillis ? micros * 1000 : micros;
        break;
      }
      case Field::kMeridiem: case Field::kMeridiemDots: {
        const bool dots = node.field == Field::kMeridiemDots;
        if (StartsCaseless(in_, pos_, dots ? "A.M." : "AM")) p->pm = false;
        else if (StartsCaseless(in_, pos_, dots ? "P.M." : "PM")) p->pm = true;
        else InvalidValue(node, "The given value did not match any of the allowed values for this field.", size_t(node.width));
        pos_ += dots ? 4 : 2;
        p->meridiem = true;
        break;
      }
      case Field::kMonthName: p->month = Name(node, kMonthNames, 12, false) + 1; break;
      case Field::kMonthAbbrev: p->month = Name(node, kMonthNames, 12, true) + 1; break;
      case Field::kDayName: Name(node, kDayNames, 7, false); break;
      case Field::kDayAbbrev: Name(node, kDayNames, 7, true); break;
      case Field::kTzHour: {
        const bool negative = pos_ < in_.size() && in_[pos_] == '-';
        if (pos_ < in_.size() && (in_[pos_] == '-' || in_[pos_] == '+')) ++pos_;
        Node hours = node;
        hours.width = 2;
        const int64_t h = Number(hours, fixed);
        p->tz_seconds = (negative ? -1 : 1) * h * 3600;
        p->has_tz = true;
        break;
      }
      case Field::kTzMinute: {
        const int64_t m = Number(node, fixed);
        p->tz_seconds += (p->tz_seconds < 0 ? -1 : 1) * m * 60;
        p->has_tz = true;
        break;
      }
    }
  }

  const std::string& in_;
  const std::string& pattern_;
  size_t pos_ = 0;
};

// The date and time of day the fields name (days since 1970-01-01, ns), range-checked as
// PostgreSQL's do_to_timestamp checks them.
struct DateAndTime {
  int64_t days, ns;
};

DateAndTime LocalTime(const Parsed& p, const std::string& input) {
  auto out_of_range = [&] {
    throw Error(SqlState::kDatetimeFieldOverflow, fmt::format("date/time field value out of range: \"{}\"", input));
  };
  int64_t hour = p.hour;
  if (p.twelve_hour && (hour < 1 || hour > 12) && p.meridiem)
    throw Error(Status::Error(SqlState::kInvalidDatetimeFormat, fmt::format("hour \"{}\" is invalid for the 12-hour clock", hour))
                    .WithHint("Use the 24-hour clock, or give an hour between 1 and 12."));
  if (p.meridiem) hour = hour % 12 + (p.pm ? 12 : 0);
  int64_t year = p.year;
  if (!p.has_year && p.century > 0) year = (p.century - 1) * 100 + 1;
  const int64_t y = year <= 0 && p.has_year ? year + 1 : year;  // year -1 is 1 BC
  int64_t days;
  if (p.julian >= 0) {
    days = p.julian - 2440588;  // Julian day 2440588 is 1970-01-01
  } else if (p.day_of_year > 0) {
    if (p.day_of_year > 366) out_of_range();
    days = DaysFromCivil(y, 1, 1) + p.day_of_year - 1;
  } else {
    if (p.month < 1 || p.month > 12 || p.day < 1 || p.day > 31) out_of_range();
    days = DaysFromCivil(y, unsigned(p.month), unsigned(p.day));
    int64_t cy;
    unsigned cm, cd;
    CivilFromDays(days, &cy, &cm, &cd);
    if (int64_t(cm) != p.month || int64_t(cd) != p.day) out_of_range();
  }
  int64_t tod;
  if (p.seconds_of_day >= 0) {
    if (p.seconds_of_day >= 86400) out_of_range();
    tod = p.seconds_of_day * kNsPerSec;
  } else {
    if (hour < 0 || hour > 24 || p.minute > 59 || p.second > 60 || (hour == 24 && (p.minute > 0 || p.second > 0 || p.micros > 0))) out_of_range();
    tod = hour * kNsPerHour + p.minute * kNsPerMin + p.second * kNsPerSec;
  }
  return DateAndTime{days, tod + p.micros * kNsPerUs};
}

// As one local timestamp (ns): 22008 past the years nanoseconds reach.
int64_t LocalTimestamp(const DateAndTime& t) {
  int64_t ns;
  if (__builtin_mul_overflow(t.days, kNsPerDay, &ns) || __builtin_add_overflow(ns, t.ns, &ns))
    throw Error(SqlState::kDatetimeFieldOverflow, "timestamp out of range");
  return ns;
}

}  // namespace

void RegisterDatetimeParseFunctions(FunctionRegistry& r) {
  const TypeId T = TypeId::kText, D = TypeId::kDate, TZ = TypeId::kTimestampTz;
  AddScalar(r, "to_date", {T, T}, D, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) {
      const std::string& s = a[0]->str()[k];
      o.i64()[k] = LocalTime(Reader(s, a[1]->str()[k]).Read(), s).days;
    });
  }, "date read with a template", "to_date('05 Dec 2000', 'DD Mon YYYY') → 2000-12-05");
  AddScalar(r, "to_timestamp", {T, T}, TZ, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) {
      const std::string& s = a[0]->str()[k];
      const Parsed p = Reader(s, a[1]->str()[k]).Read();
      const int64_t local = LocalTimestamp(LocalTime(p, s));
      // TZH / TZM give the offset; without them the time is the session zone's.
      o.i64()[k] = p.has_tz ? local - p.tz_seconds * kNsPerSec : SessionZone().LocalToUtc(local);
    });
  }, "timestamptz read with a template (the session time zone unless TZH/TZM)", "to_timestamp('05 Dec 2000 14:30', 'DD Mon YYYY HH24:MI') → 2000-12-05 14:30:00+00");
}

}  // namespace yunhe
