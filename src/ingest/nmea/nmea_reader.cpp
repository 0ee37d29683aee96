#include "ingest/nmea/nmea_reader.h"

#include <fmt/format.h>

#include "common/time_util.h"
#include "ingest/nmea/nmea_sentence.h"

namespace yunhe::nmea {

namespace {
constexpr int64_t kDayNs = 86400LL * 1000000000LL;
constexpr int64_t kHalfDayNs = kDayNs / 2;
constexpr double kKnotsToMps = 1852.0 / 3600.0;

// Thrown by field readers for a malformed field: the sentence is rejected with this reason.
struct BadField {
  std::string reason;
};

struct Fields {
  const Sentence& s;
  std::string_view operator[](size_t k) const { return k < s.fields.size() ? s.fields[k] : std::string_view(); }
  std::optional<double> Double(size_t k, const char* what) const {
    double v;
    bool bad = false;
    if (FieldDouble((*this)[k], &v, &bad)) return v;
    if (bad) throw BadField{fmt::format("bad {} field \"{}\"", what, (*this)[k])};
    return std::nullopt;
  }
  std::optional<int64_t> Int(size_t k, const char* what) const {
    int64_t v;
    bool bad = false;
    if (FieldInt((*this)[k], &v, &bad)) return v;
    if (bad) throw BadField{fmt::format("bad {} field \"{}\"", what, (*this)[k])};
    return std::nullopt;
  }
  std::optional<int64_t> Time(size_t k) const {
    int64_t v;
    bool bad = false;
    if (FieldTime((*this)[k], &v, &bad)) return v;
    if (bad) throw BadField{fmt::format("bad time field \"{}\"", (*this)[k])};
    return std::nullopt;
  }
  // lat at k (hemisphere k+1), lon at k+2 (hemisphere k+3); both or neither.
  void Position(size_t k, std::optional<double>* lat, std::optional<double>* lon) const {
    double la, lo;
    bool bad = false;
    bool has_lat = FieldLatLon((*this)[k], (*this)[k + 1], true, &la, &bad);
    if (bad) throw BadField{fmt::format("bad latitude \"{},{}\"", (*this)[k], (*this)[k + 1])};
    bool has_lon = FieldLatLon((*this)[k + 2], (*this)[k + 3], false, &lo, &bad);
    if (bad) throw BadField{fmt::format("bad longitude \"{},{}\"", (*this)[k + 2], (*this)[k + 3])};
    if (has_lat != has_lon) throw BadField{"latitude without longitude (or the reverse)"};
    if (has_lat) {
      *lat = la;
      *lon = lo;
    }
  }
};

int TalkerSystem(std::string_view t) {
  if (t == "GP") return kGps;
  if (t == "GL") return kGlonass;
  if (t == "GA") return kGalileo;
  if (t == "BD" || t == "GB") return kBeidou;
  if (t == "GQ" || t == "QZ") return kQzss;
  if (t == "GI" || t == "IR") return kNavic;
  return kUnknownSystem;  // GN (combined) and others: decided per satellite
}
}  // namespace

const char* ConstellationName(int c) {
  static const char* kNames[] = {"GPS", "GLONASS", "Galileo", "BeiDou", "QZSS", "NavIC", "SBAS", "unknown"};
  return c >= 0 && c < kSystems ? kNames[c] : "unknown";
}

int Reader::SystemOf(std::string_view talker, int64_t svid, std::optional<int64_t> system_id) const {
  if (system_id) {
    switch (*system_id) {
      case 1: return svid >= 33 && svid <= 64 ? kSbas : kGps;
      case 2: return kGlonass;
      case 3: return kGalileo;
      case 4: return kBeidou;
      case 5: return kQzss;
      case 6: return kNavic;
      default: break;
    }
  }
  int sys = TalkerSystem(talker);
  if (sys != kUnknownSystem) return sys == kGps && svid >= 33 && svid <= 64 ? kSbas : sys;
  // NMEA 4.0 numbering on combined (GN) sentences, with the extended ranges u-blox documents.
  if (svid >= 1 && svid <= 32) return kGps;
  if (svid >= 33 && svid <= 64) return kSbas;
  if (svid >= 65 && svid <= 96) return kGlonass;
  if (svid >= 193 && svid <= 202) return kQzss;
  if ((svid >= 201 && svid <= 263) || (svid >= 401 && svid <= 463)) return kBeidou;
  if (svid >= 301 && svid <= 336) return kGalileo;
  return kUnknownSystem;
}

void Reader::Feed(std::string_view text, size_t first_line) {
  size_t line_no = first_line;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    // A line may hold several sentences (serial noise fuses them): each '$' or '!' starts one.
    auto next_start = [&](size_t from) -> size_t {
      for (size_t k = from; k < line.size(); ++k)
        if (line[k] == '$' || line[k] == '!') return k;
      return std::string_view::npos;
    };
    size_t start = next_start(0);
    std::string_view before = line.substr(0, start == std::string_view::npos ? line.size() : start);
    bool blank = true;
    for (char c : before) blank = blank && (c == ' ' || c == '\r' || c == '\t' || c == '\0');
    if (!blank) Bad(line_no, "text outside a sentence skipped");
    while (start != std::string_view::npos) {
      size_t next = next_start(start + 1);
      std::string_view one = line.substr(start, next == std::string_view::npos ? std::string_view::npos : next - start);
      Sentence& s = sentence_;
      std::string why = ParseSentence(one, &s);
      if (!why.empty()) Bad(line_no, why);
      else if (s.encapsulated) Bad(line_no, "AIS/encapsulated sentence skipped");
      else Handle(s, line_no);
      start = next;
    }
    ++line_no;
  }
}

void Reader::StartEpoch(int64_t tod, size_t) {
  cur_ = Epoch();
  cur_.open = true;
  cur_.tod = tod;
}

void Reader::Handle(const Sentence& s, size_t line) {
  Fields f{s};
  auto keep_raw = [&](bool always) {
    if (!always && !options_.keep_all_raw) return;
    RawSentence r;
    r.line = line;
    r.talker = std::string(s.talker);
    r.type = std::string(s.type);
    r.text = std::string(s.raw);
    if (!cur_.open) StartEpoch(-1, line);
    cur_.raw.push_back(std::move(r));
  };
  if (s.proprietary) {
    ++sentences;
    keep_raw(true);
    return;
  }
  // Sentence types are three letters; some receivers append a suffix (e.g. "GSVx"): use the first three.
  const std::string_view type = s.type.substr(0, 3);
  try {
    // Timed sentences open a new epoch when their time differs from the current one.
    std::optional<int64_t> tod;
    if (type == "GGA" || type == "RMC" || type == "GNS" || type == "ZDA" || type == "GST") tod = f.Time(0);
    else if (type == "GLL") tod = f.Time(4);
    if (tod) {
      if (!cur_.open) StartEpoch(*tod, line);
      else if (cur_.tod < 0) cur_.tod = *tod;
      else if (cur_.tod != *tod) {
        FlushEpoch();
        StartEpoch(*tod, line);
      }
    } else if (!cur_.open) {
      StartEpoch(-1, line);
    }
    Fix& fix = cur_.fix;
    if (type == "GGA") {
      std::optional<double> lat, lon;
      f.Position(1, &lat, &lon);
      auto quality = f.Int(5, "fix quality");
      auto sats = f.Int(6, "satellites");
      auto hdop = f.Double(7, "HDOP");
      auto alt = f.Double(8, "altitude");
      auto sep = f.Double(10, "geoid separation");
      auto age = f.Double(12, "differential age");
      auto station = f.Int(13, "station");
      if (lat) {
        fix.lat = lat;
        fix.lon = lon;
        fix.talker = std::string(s.talker);
      }
      fix.quality = quality;
      if (sats) fix.sats_used = sats;
      if (hdop) fix.hdop = hdop;
      fix.alt = alt;
      fix.geoid_sep = sep;
      fix.diff_age = age;
      fix.station = station;
      cur_.positional = true;
    } else if (type == "RMC") {
      std::optional<double> lat, lon;
      f.Position(2, &lat, &lon);
      auto knots = f.Double(6, "speed");
      auto course = f.Double(7, "course");
      int64_t days;
      bool bad = false;
      bool has_date = FieldDate(f[8], &days, &bad);
      if (bad) throw BadField{fmt::format("bad date field \"{}\"", f[8])};
      if (has_date) cur_.day = days;
      if (!fix.lat && lat) {
        fix.lat = lat;
        fix.lon = lon;
        fix.talker = std::string(s.talker);
      }
      fix.status = std::string(f[1]);
      if (knots) fix.speed_mps = *knots * kKnotsToMps;
      if (course) fix.course = course;
      if (!f[11].empty()) fix.mode = std::string(f[11]);
      cur_.positional = true;
    } else if (type == "GNS") {
      std::optional<double> lat, lon;
      f.Position(1, &lat, &lon);
      auto sats = f.Int(6, "satellites");
      auto hdop = f.Double(7, "HDOP");
      auto alt = f.Double(8, "altitude");
      auto sep = f.Double(9, "geoid separation");
      if (!fix.lat && lat) {
        fix.lat = lat;
        fix.lon = lon;
        fix.talker = std::string(s.talker);
      }
      if (!f[5].empty()) fix.mode = std::string(f[5]);
      if (sats) fix.sats_used = sats;
      if (hdop) fix.hdop = hdop;
      if (alt) fix.alt = alt;
      if (sep) fix.geoid_sep = sep;
      cur_.positional = true;
    } else if (type == "GLL") {
      std::optional<double> lat, lon;
      f.Position(0, &lat, &lon);
      if (!fix.lat && lat) {
        fix.lat = lat;
        fix.lon = lon;
        fix.talker = std::string(s.talker);
      }
      if (fix.status.empty()) fix.status = std::string(f[5]);
      if (fix.mode.empty() && !f[6].empty()) fix.mode = std::string(f[6]);
      cur_.positional = true;
    } else if (type == "GSA") {
      auto fix_type = f.Int(1, "fix type");
      std::vector<int64_t> ids;
      for (size_t k = 2; k <= 13; ++k)
        if (auto id = f.Int(k, "satellite id")) ids.push_back(*id);
      auto pdop = f.Double(14, "PDOP");
      auto hdop = f.Double(15, "HDOP");
      auto vdop = f.Double(16, "VDOP");
      auto system_id = f.Int(17, "system id");
      if (fix_type) fix.fix_type = fix_type;
      if (pdop) fix.pdop = pdop;
      if (hdop) fix.hdop = hdop;
      if (vdop) fix.vdop = vdop;
      fix.have_gsa = true;
      for (int64_t id : ids) cur_.used.insert({SystemOf(s.talker, id, system_id), id});
    } else if (type == "GSV") {
      auto total = f.Int(0, "message count");
      auto num = f.Int(1, "message number");
      f.Int(2, "satellites in view");
      if (!total || !num || *num < 1 || *num > *total) throw BadField{"bad GSV message numbering"};
      // Groups of four after the first three fields; NMEA 4.10 adds a signal id at the end.
      const size_t rest = s.fields.size() >= 3 ? s.fields.size() - 3 : 0;
      std::optional<int64_t> signal;
      size_t groups = rest / 4;
      if (rest % 4 == 1) {
        int64_t sig;
        bool bad = false;
        std::string_view sf = f[s.fields.size() - 1];
        if (!sf.empty()) {
          // Signal ids are one hex digit.
          if (sf.size() == 1 && isxdigit((unsigned char)sf[0])) sig = std::stoi(std::string(sf), nullptr, 16);
          else bad = true;
          if (bad) throw BadField{fmt::format("bad signal id \"{}\"", sf)};
          signal = sig;
        }
      } else if (rest % 4 != 0) {
        throw BadField{"GSV satellite fields are not in groups of four"};
      }
      std::vector<Satellite> got;
      for (size_t g = 0; g < groups; ++g) {
        const size_t k = 3 + g * 4;
        auto id = f.Int(k, "satellite id");
        auto el = f.Int(k + 1, "elevation");
        auto az = f.Int(k + 2, "azimuth");
        auto snr = f.Int(k + 3, "SNR");
        if (!id) continue;
        Satellite sat;
        sat.constellation = SystemOf(s.talker, *id, std::nullopt);
        sat.svid = *id;
        sat.signal_id = signal;
        sat.elevation = el;
        sat.azimuth = az;
        sat.snr = snr;
        got.push_back(sat);
      }
      auto& group = cur_.gsv[{std::string(s.talker), signal.value_or(-1)}];
      if (group.total == 0) {
        group.total = *total;
        group.first_line = line;
      }
      if (!group.seen.insert(*num).second) throw BadField{fmt::format("GSV message {} of {} repeated in one epoch", *num, *total)};
      cur_.sats.insert(cur_.sats.end(), got.begin(), got.end());
    } else if (type == "VTG") {
      // NMEA 2.3+: course,T,course,M,knots,N,km/h,K,mode; old receivers omit the unit letters.
      const bool units = f[1] == "T" || f[3] == "M" || f[5] == "N" || f[7] == "K";
      auto course = f.Double(0, "course");
      auto knots = f.Double(units ? 4 : 2, "speed");
      auto kmh = f.Double(units ? 6 : 3, "speed");
      if (course && !fix.course) fix.course = course;
      if (!fix.speed_mps) {
        if (knots) fix.speed_mps = *knots * kKnotsToMps;
        else if (kmh) fix.speed_mps = *kmh / 3.6;
      }
      if (units && fix.mode.empty() && !f[8].empty()) fix.mode = std::string(f[8]);
    } else if (type == "ZDA") {
      auto day = f.Int(1, "day");
      auto month = f.Int(2, "month");
      auto year = f.Int(3, "year");
      if (day && month && year) {
        // Timestamps are nanoseconds since 1970 (1677-2262); receivers report GNSS-era years.
        // A year beyond made the epoch's timestamp overflow (found by fuzz_nmea under UBSan).
        if (*year < 1970 || *year > 2261) throw BadField{"bad ZDA date"};
        int64_t days = DaysFromCivil(*year, unsigned(*month), unsigned(*day));
        int64_t cy;
        unsigned cm, cd;
        CivilFromDays(days, &cy, &cm, &cd);
        if (*month < 1 || *month > 12 || cy != *year || int64_t(cm) != *month || int64_t(cd) != *day)
          throw BadField{"bad ZDA date"};
        cur_.day = days;
      }
    } else if (type == "GST") {
      auto lat_err = f.Double(5, "latitude error");
      auto lon_err = f.Double(6, "longitude error");
      auto alt_err = f.Double(7, "altitude error");
      fix.std_lat = lat_err;
      fix.std_lon = lon_err;
      fix.std_alt = alt_err;
    } else if (type == "TXT") {
      ++sentences;
      keep_raw(true);
      return;
    } else {
      ++sentences;
      keep_raw(false);
      return;  // other sentence types: accepted, kept only in raw mode
    }
    ++sentences;
    keep_raw(false);
  } catch (const BadField& b) {
    Bad(line, fmt::format("{}{}: {}", s.talker, s.type, b.reason));
  }
}

void Reader::FlushEpoch() {
  if (!cur_.open) return;
  Epoch e = std::move(cur_);
  cur_ = Epoch();
  if (e.tod < 0) {
    if (e.positional || !e.sats.empty())
      Bad(0, "sentences without any time of day (no GGA/RMC/GNS/GLL/ZDA) dropped");
    for (auto& r : e.raw) raw.push_back(std::move(r));  // kept, with a NULL time
    return;
  }
  int64_t day;
  if (e.day) {
    day = *e.day;
  } else if (day_) {
    day = *day_;
    if (last_tod_ >= 0 && e.tod < last_tod_ - kHalfDayNs) day += 1;  // midnight passed
  } else {
    pending_.push_back(std::move(e));
    return;
  }
  if (!pending_.empty()) {
    // The first date tells the dates of the epochs before it: walk back over midnights.
    int64_t d = day, t = e.tod;
    std::vector<int64_t> days(pending_.size());
    for (size_t k = pending_.size(); k-- > 0;) {
      if (pending_[k].tod - t > kHalfDayNs) d -= 1;
      days[k] = d;
      t = pending_[k].tod;
    }
    for (size_t k = 0; k < pending_.size(); ++k) Emit(pending_[k], days[k]);
    pending_.clear();
  }
  Emit(e, day);
  day_ = day;
  last_tod_ = e.tod;
}

void Reader::Emit(Epoch& e, int64_t day) {
  const int64_t ts = day * kDayNs + e.tod;
  for (auto& [key, g] : e.gsv)
    if (int64_t(g.seen.size()) != g.total)
      Bad(g.first_line, fmt::format("incomplete {}GSV group: {} of {} messages", key.first, g.seen.size(), g.total));
  if (e.positional) {
    Fix f = std::move(e.fix);
    f.ts_ns = ts;
    for (auto& [sys, id] : e.used) ++f.used_by_system[sys];
    fixes.push_back(std::move(f));
  }
  for (auto& s : e.sats) {
    s.ts_ns = ts;
    s.used = e.used.count({s.constellation, s.svid}) > 0;
    satellites.push_back(s);
  }
  for (auto& r : e.raw) {
    r.ts_ns = ts;
    raw.push_back(std::move(r));
  }
}

void Reader::Finish() {
  FlushEpoch();
  if (!pending_.empty()) {
    if (options_.date_days) {
      day_ = options_.date_days;
      // Re-run the date walk with the given date as the date of the first epoch.
      int64_t d = *options_.date_days, t = -1;
      for (auto& e : pending_) {
        if (t >= 0 && e.tod < t - kHalfDayNs) d += 1;
        t = e.tod;
        Emit(e, d);
      }
    } else {
      Bad(0, fmt::format("{} epochs dropped: no date in the input (RMC or ZDA); give one with date => '...'", pending_.size()));
    }
    pending_.clear();
  }
}

}  // namespace yunhe::nmea
