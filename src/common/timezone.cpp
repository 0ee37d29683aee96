#include "common/timezone.h"

#include "common/statement_context.h"

#include <dirent.h>

#include <algorithm>
#include <cstdio>
#include <atomic>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include "common/time_util.h"

namespace yunhe {

namespace {
constexpr int64_t kNs = 1000000000;
constexpr const char* kZoneDir = "/usr/share/zoneinfo";

int64_t FloorDivS(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Big-endian readers over the TZif bytes.
struct Reader {
  const std::string& b;
  size_t pos = 0;
  bool ok = true;
  bool Need(size_t n) {
    if (pos + n > b.size()) ok = false;
    return ok;
  }
  int64_t I64() {
    if (!Need(8)) return 0;
    uint64_t v = 0;
    for (int k = 0; k < 8; ++k) v = (v << 8) | uint8_t(b[pos++]);
    return int64_t(v);
  }
  int32_t I32() {
    if (!Need(4)) return 0;
    uint32_t v = 0;
    for (int k = 0; k < 4; ++k) v = (v << 8) | uint8_t(b[pos++]);
    return int32_t(v);
  }
  uint8_t U8() { return Need(1) ? uint8_t(b[pos++]) : 0; }
  void Skip(size_t n) {
    if (Need(n)) pos += n;
  }
};

std::string ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Resolves a zone name to a file under kZoneDir, case-insensitively like PostgreSQL.
std::string ZonePath(const std::string& name) {
  if (name.empty() || name[0] == '/' || name.find("..") != std::string::npos) return "";
  std::string exact = std::string(kZoneDir) + "/" + name;
  if (!ReadFileBytes(exact).empty()) return exact;
  std::string dir = kZoneDir;
  size_t start = 0;
  while (start <= name.size()) {
    size_t slash = name.find('/', start);
    std::string part = name.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    DIR* d = opendir(dir.c_str());
    if (!d) return "";
    std::string found;
    while (dirent* e = readdir(d)) {
      if (strcasecmp(e->d_name, part.c_str()) == 0) {
        found = e->d_name;
        break;
      }
    }
    closedir(d);
    if (found.empty()) return "";
    dir += "/" + found;
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return dir;
}

}  // namespace

struct TimeZone::Rule {
  struct When {
    char kind = 'M';  // 'M' month.week.day, 'J' 1-based day without Feb 29, 'N' 0-based day
    int m = 0, w = 0, d = 0, n = 0;
    int32_t time = 7200;  // local seconds after midnight
  };
  int32_t std_off = 0, dst_off = 0;
  bool has_dst = false;
  std::string std_name, dst_name;
  When start, end;

  // Local seconds (at 00:00 of the day, plus time) of a transition in year y.
  static int64_t LocalSeconds(const When& w, int64_t y) {
    int64_t days;
    if (w.kind == 'M') {
      int64_t first = DaysFromCivil(y, unsigned(w.m), 1);
      int wd1 = int(((first % 7) + 7 + 4) % 7);  // 1970-01-01 was a Thursday
      int64_t day = 1 + (w.d - wd1 + 7) % 7 + (w.w - 1) * 7;
      static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
      bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
      int dim = kDays[w.m - 1] + (w.m == 2 && leap ? 1 : 0);
      while (day > dim) day -= 7;
      days = first + day - 1;
    } else if (w.kind == 'J') {
      bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
      days = DaysFromCivil(y, 1, 1) + w.n - 1 + (leap && w.n >= 60 ? 1 : 0);
    } else {
      days = DaysFromCivil(y, 1, 1) + w.n;
    }
    return days * 86400 + w.time;
  }
};

int32_t TimeZone::RuleOffsetAt(int64_t t) const {
  const Rule& r = *rule_;
  if (!r.has_dst) return r.std_off;
  int64_t y;
  unsigned m, d;
  CivilFromDays(FloorDivS(t + r.std_off, 86400), &y, &m, &d);
  int64_t s = Rule::LocalSeconds(r.start, y) - r.std_off;
  int64_t e = Rule::LocalSeconds(r.end, y) - r.dst_off;
  bool dst = s < e ? (t >= s && t < e) : !(t >= e && t < s);
  return dst ? r.dst_off : r.std_off;
}

std::string TimeZone::AbbreviationAt(int64_t utc_ns) const {
  if (is_utc_) return "UTC";
  const int64_t t = FloorDivS(utc_ns, kNs);
  std::string name;
  if (!transitions_.empty() && t < transitions_.front()) {
    name = initial_abbreviation_;
  } else if (!transitions_.empty() && (!rule_ || t < transitions_.back())) {
    const size_t i = size_t(std::upper_bound(transitions_.begin(), transitions_.end(), t) - transitions_.begin()) - 1;
    name = i < abbreviations_.size() ? abbreviations_[i] : "";
  } else if (rule_) {
    name = RuleOffsetAt(t) == rule_->std_off || !rule_->has_dst ? rule_->std_name : rule_->dst_name;
  } else {
    name = initial_abbreviation_;
  }
  return name.empty() ? FormatUtcOffset(OffsetAt(utc_ns)) : name;
}

int32_t TimeZone::OffsetAt(int64_t utc_ns) const {
  if (is_utc_) return 0;
  const int64_t t = FloorDivS(utc_ns, kNs);
  if (!transitions_.empty()) {
    if (t < transitions_.front()) return initial_offset_;
    if (!rule_ || t < transitions_.back()) {
      size_t i = size_t(std::upper_bound(transitions_.begin(), transitions_.end(), t) - transitions_.begin()) - 1;
      return offsets_[i];
    }
  }
  return rule_ ? RuleOffsetAt(t) : initial_offset_;
}

int64_t TimeZone::LocalToUtc(int64_t local_ns) const {
  if (is_utc_) return local_ns;
  const int64_t day = 86400 * kNs;
  const int32_t before = OffsetAt(local_ns - day), after = OffsetAt(local_ns + day);
  if (before == after) return local_ns - int64_t(before) * kNs;
  // A transition lies within a day: find it (the first instant with the "after" offset).
  // Transitions fall on whole seconds: bisect over seconds so the boundary is exact.
  int64_t lo = FloorDivS(local_ns - day, kNs), hi = FloorDivS(local_ns + day, kNs);
  while (hi - lo > 1) {
    int64_t mid = lo + (hi - lo) / 2;
    if (OffsetAt(mid * kNs) == after) hi = mid;
    else lo = mid;
  }
  const int64_t boundary = hi * kNs;
  const int64_t before_utc = local_ns - int64_t(before) * kNs, after_utc = local_ns - int64_t(after) * kNs;
  // PostgreSQL's rule (DetermineTimeZoneOffset): unambiguous first, then spring-forward gaps use
  // the offset before, fall-back overlaps the offset after.
  if (before_utc < boundary && after_utc < boundary) return before_utc;
  if (before_utc >= boundary && after_utc >= boundary) return after_utc;
  return before_utc > after_utc ? before_utc : after_utc;
}

bool TimeZone::LoadTzif(const std::string& b) {
  if (b.size() < 44 || b.compare(0, 4, "TZif") != 0) return false;
  Reader r{b};
  auto header = [&](int64_t* counts) {
    r.Skip(20);  // magic, version, reserved
    for (int k = 0; k < 6; ++k) counts[k] = uint32_t(r.I32());
  };
  int64_t c[6];  // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
  header(c);
  const char version = b[4];
  if (version >= '2') {
    r.Skip(size_t(c[3] * 4 + c[3] + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0]));
    header(c);
  }
  const bool wide = version >= '2';
  const int64_t timecnt = c[3], typecnt = c[4];
  if (!r.ok || typecnt <= 0 || timecnt > 100000 || typecnt > 256) return false;
  std::vector<int64_t> times(static_cast<size_t>(timecnt));
  for (auto& t : times) t = wide ? r.I64() : r.I32();
  std::vector<uint8_t> idx(static_cast<size_t>(timecnt));
  for (auto& i : idx) i = r.U8();
  std::vector<int32_t> utoff(static_cast<size_t>(typecnt));
  std::vector<uint8_t> abbr_index(static_cast<size_t>(typecnt));
  for (size_t k = 0; k < utoff.size(); ++k) {
    utoff[k] = r.I32();
    r.Skip(1);  // isdst
    abbr_index[k] = r.U8();
  }
  const size_t chars_at = r.pos;
  r.Skip(size_t(c[5] + c[2] * (wide ? 12 : 8) + c[1] + c[0]));
  if (!r.ok) return false;
  // The abbreviations: NUL-terminated strings in the charcnt bytes after the types.
  auto abbreviation = [&](size_t type) {
    const size_t at = chars_at + abbr_index[type];
    if (abbr_index[type] >= c[5]) return std::string();
    const size_t end = b.find('\0', at);
    return b.substr(at, (end == std::string::npos || end > chars_at + size_t(c[5]) ? chars_at + size_t(c[5]) : end) - at);
  };
  for (size_t k = 0; k < times.size(); ++k) {
    if (idx[k] >= typecnt) return false;
    transitions_.push_back(times[k]);
    offsets_.push_back(utoff[idx[k]]);
    abbreviations_.push_back(abbreviation(idx[k]));
  }
  initial_offset_ = utoff[0];
  initial_abbreviation_ = abbreviation(0);
  if (wide && r.pos < b.size() && b[r.pos] == '\n') {
    size_t end = b.find('\n', r.pos + 1);
    std::string footer = b.substr(r.pos + 1, end == std::string::npos ? std::string::npos : end - r.pos - 1);
    if (!footer.empty() && !ParsePosix(footer)) return false;
  }
  return true;
}

bool TimeZone::ParsePosix(const std::string& s) {
  size_t p = 0;
  std::string last_name;  // the name name() read
  auto name = [&]() -> bool {
    if (p < s.size() && s[p] == '<') {
      size_t e = s.find('>', p);
      if (e == std::string::npos) return false;
      last_name = s.substr(p + 1, e - p - 1);
      p = e + 1;
      return true;
    }
    size_t b = p;
    while (p < s.size() && isalpha((unsigned char)s[p])) ++p;
    last_name = s.substr(b, p - b);
    return p - b >= 3;
  };
  // [+-]hh[:mm[:ss]] -> seconds (sign as written)
  auto hms = [&](int32_t* out) -> bool {
    int sign = 1;
    if (p < s.size() && (s[p] == '+' || s[p] == '-')) sign = s[p++] == '-' ? -1 : 1;
    int32_t parts[3] = {0, 0, 0};
    for (int k = 0; k < 3; ++k) {
      if (k > 0) {
        if (p >= s.size() || s[p] != ':') break;
        ++p;
      }
      if (p >= s.size() || !isdigit((unsigned char)s[p])) return false;
      int v = 0;
      while (p < s.size() && isdigit((unsigned char)s[p])) {
        v = v * 10 + (s[p++] - '0');
        if (v > 9999) return false;  // POSIX allows hours up to 24 (167 in extensions): not an offset
      }
      parts[k] = v;
    }
    *out = sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
    return true;
  };
  auto when = [&](Rule::When* w) -> bool {
    if (p >= s.size()) return false;
    auto num = [&](int* v) {
      if (p >= s.size() || !isdigit((unsigned char)s[p])) return false;
      *v = 0;
      while (p < s.size() && isdigit((unsigned char)s[p])) {
        *v = *v * 10 + (s[p++] - '0');
        if (*v > 9999) return false;  // no month, week, day or minute count is that large
      }
      return true;
    };
    if (s[p] == 'M') {
      ++p;
      w->kind = 'M';
      if (!num(&w->m) || p >= s.size() || s[p++] != '.' || !num(&w->w) || p >= s.size() || s[p++] != '.' || !num(&w->d))
        return false;
      if (w->m < 1 || w->m > 12 || w->w < 1 || w->w > 5 || w->d > 6) return false;
    } else if (s[p] == 'J') {
      ++p;
      w->kind = 'J';
      if (!num(&w->n) || w->n < 1 || w->n > 365) return false;
    } else {
      w->kind = 'N';
      if (!num(&w->n) || w->n > 365) return false;
    }
    w->time = 7200;
    if (p < s.size() && s[p] == '/') {
      ++p;
      if (!hms(&w->time)) return false;
    }
    return true;
  };
  auto rule = std::make_shared<Rule>();
  int32_t off;
  if (!name()) return false;
  rule->std_name = last_name;
  if (!hms(&off)) return false;
  rule->std_off = -off;  // POSIX offsets count west
  if (p < s.size()) {
    if (!name()) return false;
    rule->dst_name = last_name;
    rule->has_dst = true;
    rule->dst_off = rule->std_off + 3600;
    if (p < s.size() && s[p] != ',') {
      if (!hms(&off)) return false;
      rule->dst_off = -off;
    }
    if (p < s.size()) {
      if (s[p++] != ',' || !when(&rule->start) || p >= s.size() || s[p++] != ',' || !when(&rule->end)) return false;
    } else {
      rule->start = {'M', 3, 2, 0, 0, 7200};  // US rules, the POSIX default
      rule->end = {'M', 11, 1, 0, 0, 7200};
    }
  }
  if (p != s.size()) return false;
  rule_ = rule;
  if (transitions_.empty()) initial_offset_ = rule->std_off;
  return true;
}

std::shared_ptr<const TimeZone> TimeZone::Utc() {
  static std::shared_ptr<const TimeZone> utc = [] {
    auto z = std::make_shared<TimeZone>();
    z->name_ = "UTC";
    z->is_utc_ = true;
    return std::shared_ptr<const TimeZone>(z);
  }();
  return utc;
}

std::shared_ptr<const TimeZone> TimeZone::Fixed(int32_t offset_seconds, std::string name) {
  auto z = std::make_shared<TimeZone>();
  z->initial_offset_ = offset_seconds;
  z->is_utc_ = offset_seconds == 0;
  if (name.empty()) {
    // PostgreSQL shows a numeric zone as a POSIX string: "<+05:30>-05:30".
    std::string east = FormatUtcOffset(offset_seconds);
    name = "<" + east + ">" + FormatUtcOffset(-offset_seconds);
  }
  z->name_ = name;
  return z;
}

std::shared_ptr<const TimeZone> TimeZone::Find(const std::string& name) {
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<const TimeZone>> cache;
  std::lock_guard<std::mutex> lock(mu);
  auto it = cache.find(name);
  if (it != cache.end()) return it->second;
  std::shared_ptr<const TimeZone> found;
  std::string lower;
  for (char c : name) lower.push_back(char(tolower((unsigned char)c)));
  if (lower == "utc" || lower == "etc/utc" || lower == "gmt" || lower == "z" || lower == "zulu" || lower == "universal" ||
      lower == "uct") {
    found = Utc();
  } else if (name.size() >= 2 && (name[0] == '+' || name[0] == '-') && isdigit((unsigned char)name[1])) {
    // '+08', '-05:30': POSIX sign convention, positive = west of Greenwich (PostgreSQL 8.5.3).
    int h = 0, m = 0;
    if (sscanf(name.c_str() + 1, "%d:%d", &h, &m) >= 1 && h <= 15 && m <= 59) {
      int32_t west = (name[0] == '-' ? -1 : 1) * (h * 3600 + m * 60);
      found = Fixed(-west, name);
    }
  } else {
    auto z = std::make_shared<TimeZone>();
    std::string path = ZonePath(name);
    if (!path.empty() && z->LoadTzif(ReadFileBytes(path))) {
      z->name_ = path.substr(strlen(kZoneDir) + 1);
      found = z;
    } else {
      auto posix = std::make_shared<TimeZone>();
      if (posix->ParsePosix(name)) {
        posix->name_ = name;
        found = posix;
      }
    }
  }
  if (found) cache[name] = found;
  return found;
}

const TimeZone& SessionZone() {
  const TimeZone* z = CurrentStatement().zone.load(std::memory_order_acquire);
  return z ? *z : *TimeZone::Utc();
}

std::shared_ptr<const TimeZone> SessionZonePtr() {
  const StatementContext& s = CurrentStatement();
  return s.zone_owner ? s.zone_owner : TimeZone::Utc();
}

void SetSessionZone(std::shared_ptr<const TimeZone> zone) {
  StatementContext& s = CurrentStatement();
  if (s.zone_owner == zone) return;
  // Zones found by name stay cached, so a worker still holding the old pointer is safe; fixed
  // zones are kept here for the same reason.
  static std::mutex mu;
  static std::vector<std::shared_ptr<const TimeZone>> retired;
  if (s.zone_owner) {
    std::lock_guard<std::mutex> lock(mu);
    retired.push_back(s.zone_owner);
  }
  s.zone_owner = std::move(zone);
  s.zone.store(s.zone_owner.get(), std::memory_order_release);
}

std::string FormatUtcOffset(int32_t off) {
  char sign = off < 0 ? '-' : '+';
  int32_t a = off < 0 ? -off : off;
  char buf[32];
  if (a % 60) snprintf(buf, sizeof buf, "%c%02d:%02d:%02d", sign, a / 3600, a / 60 % 60, a % 60);
  else if (a % 3600) snprintf(buf, sizeof buf, "%c%02d:%02d", sign, a / 3600, a / 60 % 60);
  else snprintf(buf, sizeof buf, "%c%02d", sign, a / 3600);
  return buf;
}

}  // namespace yunhe
