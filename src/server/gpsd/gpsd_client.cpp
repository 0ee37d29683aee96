#include "server/gpsd/gpsd_client.h"

#include <netdb.h>
#include <poll.h>
#include <simdjson.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <iostream>

#include "common/time_util.h"
#include "engine/ingest_statements.h"
#include "engine/session.h"
#include "ingest/nmea/nmea_writer.h"

namespace yunhe::gpsd {

namespace {

int Connect(const std::string& host, int port) {
  addrinfo hints{}, *res = nullptr;
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res) != 0) return -1;
  int fd = -1;
  for (addrinfo* a = res; a; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (fd >= 0 && ::connect(fd, a->ai_addr, a->ai_addrlen) == 0) break;
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
  freeaddrinfo(res);
  return fd;
}

// gpsd's gnssid (u-blox numbering) -> our constellation.
int SystemOfGnssId(int64_t id) {
  switch (id) {
    case 0: return nmea::kGps;
    case 1: return nmea::kSbas;
    case 2: return nmea::kGalileo;
    case 3: return nmea::kBeidou;
    case 5: return nmea::kQzss;
    case 6: return nmea::kGlonass;
    case 7: return nmea::kNavic;
    default: return nmea::kUnknownSystem;
  }
}

std::optional<double> Num(simdjson::dom::object& o, const char* key) {
  double d;
  if (o[key].get_double().get(d) == simdjson::SUCCESS) return d;
  return std::nullopt;
}

}  // namespace

Status RunGpsdIngest(Database& db, const GpsdOptions& options, const std::atomic<bool>& stop, GpsdReport* report) {
  Session session(db);  // the ingest is one client of the database
  const int fd = Connect(options.host, options.port);
  if (fd < 0) return Status::Error(SqlState::kUnableToEstablishConnection, "could not connect to gpsd at " + options.host + ":" + std::to_string(options.port));
  const std::string watch = "?WATCH={\"enable\":true,\"json\":true}\n";
  if (::send(fd, watch.data(), watch.size(), MSG_NOSIGNAL) != ssize_t(watch.size())) {
    ::close(fd);
    return Status::Error(SqlState::kConnectionFailure, "could not send WATCH to gpsd");
  }
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  auto last_write = start;
  simdjson::dom::parser parser;
  std::string pending;
  // The epoch being assembled: its last TPV (as a fix) and last SKY (satellites, DOPs).
  nmea::Fix fix;
  bool have_fix = false;
  std::vector<nmea::Satellite> sky;
  std::vector<nmea::Fix> fixes;
  std::vector<nmea::Satellite> sats;
  Status result = Status::Ok();
  auto close_epoch = [&]() {
    if (!have_fix) return;
    for (auto& s : sky) s.ts_ns = fix.ts_ns;
    for (auto& s : sky)
      if (s.used) ++fix.used_by_system[s.constellation];
    fix.have_gsa = !sky.empty();
    fixes.push_back(fix);
    sats.insert(sats.end(), sky.begin(), sky.end());
    fix = nmea::Fix();
    have_fix = false;
    sky.clear();
  };
  auto write = [&]() {
    if (fixes.empty()) return;
    nmea::WriteTargets targets;
    targets.satellites = "satellites";
    nmea::NmeaWriteReport rep;
    QueryResult r;
    Status durable = session.LockedDurably([&](Database& d) {
      d.AssertHeld();
      r = RunIngestStatement(d, "gpsd ingest", [&](TableAppender& appender) {
        rep = nmea::WriteRecords(appender, fixes, sats, options.device, targets);
      });
    });
    if (!durable.ok()) r.status = durable;
    if (!r.status.ok()) result = r.status;
    report->fixes += rep.fixes;
    report->satellites += rep.satellites;
    fixes.clear();
    sats.clear();
  };
  char buf[65536];
  while (!stop && result.ok()) {
    if (options.seconds > 0 && std::chrono::duration<double>(Clock::now() - start).count() >= options.seconds) break;
    pollfd p{fd, POLLIN, 0};
    int ready = ::poll(&p, 1, 200);
    if (ready > 0) {
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;  // gpsd went away
      pending.append(buf, size_t(n));
      size_t nl;
      while ((nl = pending.find('\n')) != std::string::npos) {
        std::string line = pending.substr(0, nl);
        pending.erase(0, nl + 1);
        simdjson::dom::object o;
        if (parser.parse(line).get_object().get(o) != simdjson::SUCCESS) {
          ++report->bad_reports;
          continue;
        }
        std::string_view cls;
        if (o["class"].get_string().get(cls) != simdjson::SUCCESS) continue;
        if (cls == "TPV") {
          std::string_view time;
          int64_t ts;
          bool zone;
          if (o["time"].get_string().get(time) != simdjson::SUCCESS || !ParseTimestamp(std::string(time), &ts, &zone)) continue;
          if (have_fix && ts != fix.ts_ns) close_epoch();
          have_fix = true;
          fix.ts_ns = ts;
          fix.talker = "gpsd";
          fix.lat = Num(o, "lat");
          fix.lon = Num(o, "lon");
          fix.alt = Num(o, "altMSL");
          if (!fix.alt) fix.alt = Num(o, "alt");
          fix.geoid_sep = Num(o, "geoidSep");
          fix.speed_mps = Num(o, "speed");
          fix.course = Num(o, "track");
          if (auto mode = Num(o, "mode")) fix.fix_type = int64_t(*mode);
          if (auto status = Num(o, "status")) fix.quality = int64_t(*status);
          fix.status = fix.fix_type && *fix.fix_type >= 2 ? "A" : "V";
        } else if (cls == "SKY") {
          sky.clear();
          if (auto v = Num(o, "hdop")) fix.hdop = v;
          if (auto v = Num(o, "vdop")) fix.vdop = v;
          if (auto v = Num(o, "pdop")) fix.pdop = v;
          if (auto v = Num(o, "uSat")) fix.sats_used = int64_t(*v);
          simdjson::dom::array list;
          if (o["satellites"].get_array().get(list) == simdjson::SUCCESS) {
            for (simdjson::dom::element e : list) {
              simdjson::dom::object s;
              if (e.get_object().get(s) != simdjson::SUCCESS) continue;
              nmea::Satellite sat;
              auto gnss = Num(s, "gnssid");
              auto svid = Num(s, "svid");
              if (!svid) svid = Num(s, "PRN");
              if (!svid) continue;
              sat.constellation = gnss ? SystemOfGnssId(int64_t(*gnss)) : nmea::kUnknownSystem;
              sat.svid = int64_t(*svid);
              if (auto v = Num(s, "el")) sat.elevation = int64_t(*v);
              if (auto v = Num(s, "az")) sat.azimuth = int64_t(*v);
              if (auto v = Num(s, "ss"); v && *v > 0) sat.snr = int64_t(*v);
              bool used = false;
              if (s["used"].get_bool().get(used) != simdjson::SUCCESS) used = false;
              sat.used = used;
              sky.push_back(sat);
            }
          }
        }
      }
    }
    if (Clock::now() - last_write >= std::chrono::seconds(1)) {
      write();
      last_write = Clock::now();
    }
  }
  ::close(fd);
  close_epoch();
  write();
  return result;
}

}  // namespace yunhe::gpsd
