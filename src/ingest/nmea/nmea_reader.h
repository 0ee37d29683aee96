// Turns NMEA 0183 text into fixes and satellites-in-view, epoch by epoch. A receiver sends a
// burst of sentences per epoch (same UTC time of day): GGA, RMC, GNS, GLL carry the time and
// position, GSA the satellites used and DOPs, GSV the satellites in view (several messages per
// constellation and signal), VTG speed and course, GST error estimates, ZDA the date. Time-only
// sentences take their date from the last RMC/ZDA; a time of day running backwards by more than
// 12 hours means midnight passed. Empty fields are NULL, never zero. Bad sentences are reported
// with their line number and reason; the rest of the input still loads.
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/nmea/nmea_sentence.h"

namespace yunhe::nmea {

enum Constellation : int { kGps, kGlonass, kGalileo, kBeidou, kQzss, kNavic, kSbas, kUnknownSystem, kSystems };
const char* ConstellationName(int c);

struct Fix {
  int64_t ts_ns = 0;
  std::string talker;  // of the sentence that gave the position
  std::optional<double> lon, lat, alt, geoid_sep;
  std::optional<int64_t> quality;   // GGA fix quality 0..8
  std::string mode;                 // RMC/GNS/GLL mode indicator(s): A, D, E, F, M, N, P, R, S
  std::optional<int64_t> fix_type;  // GSA 1 = none, 2 = 2D, 3 = 3D
  std::string status;               // RMC/GLL status A (valid) / V (void)
  std::optional<int64_t> sats_used; // GGA/GNS count
  std::array<int64_t, kSystems> used_by_system{};  // from GSA lists
  bool have_gsa = false;
  std::optional<double> hdop, vdop, pdop;
  std::optional<double> speed_mps, course;  // course over ground, degrees true
  std::optional<double> std_lat, std_lon, std_alt;  // GST, metres
  std::optional<double> diff_age;
  std::optional<int64_t> station;
};

struct Satellite {
  int64_t ts_ns = 0;
  int constellation = kUnknownSystem;
  int64_t svid = 0;
  std::optional<int64_t> signal_id;  // NMEA 4.10+ signal ID
  std::optional<int64_t> elevation, azimuth, snr;
  bool used = false;
};

struct RawSentence {
  std::optional<int64_t> ts_ns;
  size_t line = 0;
  std::string talker, type, text;
};

struct Problem {
  size_t line = 0;
  std::string reason;
};

struct ReaderOptions {
  std::optional<int64_t> date_days;  // date for epochs before the first RMC/ZDA
  bool keep_all_raw = false;         // keep every sentence; otherwise proprietary and TXT only
};

class Reader {
 public:
  explicit Reader(ReaderOptions options = {}) : options_(options) {}
  // Parses whole lines; `first_line` numbers the first line of `text`.
  void Feed(std::string_view text, size_t first_line = 1);
  // Flushes the last epoch; reports epochs that never got a date.
  void Finish();

  std::vector<Fix> fixes;
  std::vector<Satellite> satellites;
  std::vector<RawSentence> raw;
  std::vector<Problem> problems;
  size_t sentences = 0;  // accepted sentences

 private:
  struct GsvGroup {
    int64_t total = 0;
    std::set<int64_t> seen;
    size_t first_line = 0;
  };
  struct Epoch {
    bool open = false;
    int64_t tod = -1;                 // ns since midnight, -1 = not yet known
    std::optional<int64_t> day;       // from RMC/ZDA in this epoch
    bool positional = false;          // had GGA/RMC/GNS/GLL
    Fix fix;
    std::vector<Satellite> sats;
    std::map<std::pair<std::string, int64_t>, GsvGroup> gsv;  // (talker, signal) -> group
    std::set<std::pair<int, int64_t>> used;                   // (system, svid) from GSA
    std::vector<RawSentence> raw;     // kept sentences, waiting for the epoch's date and time
  };
  void Handle(const Sentence& s, size_t line);
  void StartEpoch(int64_t tod, size_t line);
  void FlushEpoch();
  void Emit(Epoch& e, int64_t day);
  int SystemOf(std::string_view talker, int64_t svid, std::optional<int64_t> system_id) const;
  void Bad(size_t line, std::string reason) { problems.push_back({line, std::move(reason)}); }

  ReaderOptions options_;
  Epoch cur_;
  std::optional<int64_t> day_;      // date of the last flushed epoch
  int64_t last_tod_ = -1;
  std::vector<Epoch> pending_;      // flushed before any date was known
  Sentence sentence_;               // reused for every sentence (keeps its field storage)
};

}  // namespace yunhe::nmea
