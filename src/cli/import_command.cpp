#include "cli/import_command.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "engine/session.h"
#include "cli/result_printer.h"
#include "engine/database.h"
#include "common/time_util.h"
#include "ingest/lineproto/line_protocol_writer.h"
#include "ingest/nmea/nmea_writer.h"
#include "engine/ingest_statements.h"
#include "common/count_lines.h"

namespace yunhe {
namespace {

constexpr size_t kBlockBytes = 16u << 20;  // one committed statement per block
constexpr size_t kShownErrors = 20;

void Usage(std::ostream& out) {
  out << "usage: yunhe import DATADIR FILE... [OPTIONS]\n"
         "  --format F             lineprotocol or nmea (default: nmea for *.nmea files, else lineprotocol)\n"
         "  --precision P          line protocol timestamp unit: ns (default), us, ms, s, m, h\n"
         "  --table NAME           line protocol: load every line into NAME instead of one table per measurement\n"
         "  --device NAME          nmea: device name stored with every row\n"
         "  --date YYYY-MM-DD      nmea: date of the epochs before the first RMC/ZDA sentence\n"
         "  --raw                  nmea: keep every sentence in nmea_sentences (default: proprietary and TXT)\n"
         "  --quiet                no progress bar, no summary unless lines were rejected\n"
         "NMEA goes into the tables fixes, satellites and nmea_sentences (created if missing).\n";
}

class Progress {
 public:
  Progress(bool enabled, uint64_t total) : enabled_(enabled), total_(total), start_(Clock::now()) {}
  void Update(uint64_t done, uint64_t rows, bool final = false) {
    if (!enabled_) return;
    auto now = Clock::now();
    if (!final && now - last_ < std::chrono::milliseconds(200)) return;
    last_ = now;
    double secs = std::chrono::duration<double>(now - start_).count();
    double frac = total_ ? double(done) / double(total_) : 1.0;
    int filled = int(frac * 30);
    std::string bar(size_t(filled), '#');
    bar.resize(30, ' ');
    fprintf(stderr, "\r[%s] %5.1f%%  %.1f/%.1f MB  %llu rows  %.0f rows/s ", bar.c_str(), frac * 100, done / 1e6,
            total_ / 1e6, (unsigned long long)rows, secs > 0 ? rows / secs : 0.0);
    if (final) fprintf(stderr, "\n");
    fflush(stderr);
  }

 private:
  using Clock = std::chrono::steady_clock;
  bool enabled_;
  uint64_t total_;
  Clock::time_point start_, last_{};
};

// Reads a file block by block, calling fn(block, first_line) with whole lines; progress on stderr.
template <class Fn>
bool ForEachBlock(const std::string& file, bool show_progress, uint64_t* rows, Fn&& fn) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::cerr << "yunhe import: " << file << ": cannot open\n";
    return false;
  }
  in.seekg(0, std::ios::end);
  const uint64_t total = uint64_t(in.tellg());
  in.seekg(0);
  Progress progress(show_progress, total);
  std::string block, carry;
  uint64_t done = 0;
  size_t next_line = 1;
  while (in || !carry.empty()) {
    block = std::move(carry);
    carry.clear();
    size_t old = block.size();
    block.resize(old + kBlockBytes);
    in.read(block.data() + old, std::streamsize(kBlockBytes));
    block.resize(old + size_t(in.gcount()));
    if (block.empty()) break;
    if (in) {  // keep the partial last line for the next block
      size_t nl = block.rfind('\n');
      if (nl == std::string::npos) continue;  // a line longer than a block: read more
      carry.assign(block, nl + 1, std::string::npos);
      block.resize(nl + 1);
    }
    if (!fn(block, next_line)) return false;
    next_line += CountNewlines(block);
    done += block.size();
    progress.Update(done, *rows);
  }
  progress.Update(done, *rows, true);
  return true;
}

int ImportNmea(const std::string& dir, const std::vector<std::string>& files, const std::string& device, const std::string& date,
               bool keep_raw, bool quiet) {
  nmea::ReaderOptions ro;
  ro.keep_all_raw = keep_raw;
  if (!date.empty()) {
    int64_t days;
    if (!ParseDate(date, &days)) {
      std::cerr << "yunhe import: bad --date \"" << date << "\" (YYYY-MM-DD)\n";
      return 2;
    }
    ro.date_days = days;
  }
  Status st;
  auto db = Database::Open(dir, &st);
  if (!db) {
    PrintError(st, "", std::cerr);
    return 1;
  }
  nmea::WriteTargets targets;
  targets.satellites = "satellites";
  targets.sentences = "nmea_sentences";
  uint64_t fixes = 0, sats = 0, problems = 0;
  for (const auto& file : files) {
    nmea::Reader reader(ro);
    std::vector<nmea::Problem> shown;
    auto write = [&]() -> bool {
      nmea::NmeaWriteReport rep;
      QueryResult r = db->DefaultSession().Locked([&](Database& d) {
      d.AssertHeld();
      return RunIngestStatement(d, "nmea import", [&](TableAppender& appender) {
        rep = nmea::WriteReaderResults(appender, reader, device, targets);
      });
    });
      if (!r.status.ok()) {
        PrintError(r.status, "", std::cerr);
        return false;
      }
      fixes += rep.fixes;
      sats += rep.satellites;
      problems += rep.problems.size();
      for (auto& p : rep.problems)
        if (shown.size() < kShownErrors) shown.push_back(p);
      return true;
    };
    bool ok = ForEachBlock(file, !quiet && isatty(STDERR_FILENO), &fixes, [&](const std::string& block, size_t first_line) {
      reader.Feed(block, first_line);
      return write();
    });
    if (ok) {
      reader.Finish();
      ok = write();
    }
    for (auto& p : shown) std::cerr << file << ":" << (p.line ? std::to_string(p.line) + ": " : std::string(" ")) << p.reason << "\n";
    if (!ok) return 1;
  }
  if (!quiet || problems) {
    std::cerr << "imported " << fixes << " fixes, " << sats << " satellite rows";
    if (problems) std::cerr << "; " << problems << " problem" << (problems == 1 ? "" : "s") << " reported";
    std::cerr << "\n";
  }
  return problems ? 1 : 0;
}

}  // namespace

int RunImportCommand(int argc, char** argv) {
  std::string dir, format, precision = "ns", table, device, date;
  bool keep_raw = false;
  std::vector<std::string> files;
  bool quiet = false;
  for (int k = 1; k < argc; ++k) {
    std::string a = argv[k];
    auto need = [&]() -> std::string {
      if (k + 1 >= argc) {
        std::cerr << "yunhe import: option " << a << " needs a value\n";
        exit(2);
      }
      return argv[++k];
    };
    if (a == "--format") format = need();
    else if (a == "--precision") precision = need();
    else if (a == "--table") table = need();
    else if (a == "--device") device = need();
    else if (a == "--date") date = need();
    else if (a == "--raw") keep_raw = true;
    else if (a == "--quiet" || a == "-q") quiet = true;
    else if (a == "-h" || a == "--help") {
      Usage(std::cout);
      return 0;
    } else if (!a.empty() && a[0] == '-') {
      std::cerr << "yunhe import: unknown option " << a << "\n";
      Usage(std::cerr);
      return 2;
    } else if (dir.empty()) dir = a;
    else files.push_back(a);
  }
  if (dir.empty() || files.empty()) {
    Usage(std::cerr);
    return 2;
  }
  if (format.empty()) {
    auto ends_with = [](const std::string& s, const char* suffix) {
      std::string x = suffix;
      return s.size() >= x.size() && s.compare(s.size() - x.size(), x.size(), x) == 0;
    };
    format = ends_with(files[0], ".nmea") || ends_with(files[0], ".NMEA") || ends_with(files[0], ".nmea.txt") ? "nmea" : "lineprotocol";
  }
  if (format == "nmea") return ImportNmea(dir, files, device, date, keep_raw, quiet);
  if (format != "lineprotocol" && format != "line_protocol" && format != "ilp") {
    std::cerr << "yunhe import: unknown format \"" << format << "\" (lineprotocol, nmea)\n";
    return 2;
  }
  lineproto::WriterOptions options;
  if (!lineproto::ParsePrecision(precision, &options.precision)) {
    std::cerr << "yunhe import: unknown precision \"" << precision << "\" (ns, us, ms, s, m, h)\n";
    return 2;
  }
  options.target_table = table;
  options.max_reported_errors = kShownErrors;
  Status st;
  auto db = Database::Open(dir, &st);
  if (!db) {
    PrintError(st, "", std::cerr);
    return 1;
  }
  uint64_t rows = 0, bad = 0;
  for (const auto& file : files) {
    std::vector<lineproto::LineError> shown;
    bool ok = ForEachBlock(file, !quiet && isatty(STDERR_FILENO), &rows, [&](const std::string& block, size_t first_line) {
      lineproto::WriteReport report;
      QueryResult r = db->DefaultSession().Locked([&](Database& d) {
        d.AssertHeld();
        return WriteLineProtocol(d, block, options, &report, first_line);
      });
      if (!r.status.ok()) {
        std::cerr << "\n";
        PrintError(r.status, "", std::cerr);
        std::cerr << "yunhe import: " << file << ": stopped at line " << first_line << "; " << rows << " rows loaded before\n";
        return false;
      }
      for (auto& e : report.errors)
        if (shown.size() < kShownErrors) shown.push_back(e);
      rows += report.rows;
      bad += report.bad_lines;
      return true;
    });
    for (auto& e : shown) std::cerr << file << ":" << e.line << ": " << e.reason << "\n";
    if (!ok) return 1;
  }
  if (!quiet || bad) {
    std::cerr << "imported " << rows << " rows";
    if (bad) std::cerr << ", rejected " << bad << " line" << (bad == 1 ? "" : "s");
    std::cerr << "\n";
  }
  return bad > 0 ? 1 : 0;
}

}  // namespace yunhe
