// Ingest parsers: InfluxDB line protocol (TSBS cpu-style lines) and NMEA 0183 (a u-blox-style
// BeiDou/GPS epoch of RMC, GGA, GSA, GSV), on buffers built here. Bytes are the input sizes.
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "ingest/lineproto/line_protocol.h"
#include "ingest/nmea/nmea_reader.h"

namespace yunhe {
namespace {

[[noreturn]] void Fail(const char* message) {
  std::fprintf(stderr, "yunhe_micro: %s\n", message);
  std::exit(1);
}

std::string LineProtocolInput(size_t lines) {
  std::string s;
  for (size_t k = 0; k < lines; ++k)
    s += fmt::format("cpu,hostname=host_{},region=ap-east-1,datacenter=ap-east-1a usage_user={}i,usage_system={},"
                     "usage_idle={},usage_nice=0i,usage_iowait={} {}\n",
                     k % 100, k % 97, double(k % 1000) / 10, 99.5 - double(k % 50), double(k % 7) / 3,
                     1700000000000000000 + int64_t(k) * 10000000000);
  return s;
}

void BM_LineProtocolParse(benchmark::State& state) {
  const std::string input = LineProtocolInput(10000);
  size_t points = 0;
  for (auto _ : state) {
    lineproto::Parser parser(input);
    lineproto::Point p;
    while (parser.Next(&p) == lineproto::Parser::kPoint) ++points;
  }
  if (points != 10000 * size_t(state.iterations())) Fail("line protocol lines were rejected");
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(input.size()));
  state.SetItemsProcessed(int64_t(points));
}
BENCHMARK(BM_LineProtocolParse);

std::string WithChecksum(const std::string& body) {
  uint8_t x = 0;
  for (size_t k = 1; k < body.size(); ++k) x ^= uint8_t(body[k]);
  return fmt::format("{}*{:02X}\r\n", body, x);
}

std::string NmeaInput(size_t epochs) {
  std::string s;
  for (size_t e = 0; e < epochs; ++e) {
    const int h = 9 + int(e / 3600) % 12, m = int(e / 60) % 60, sec = int(e % 60);
    const std::string t = fmt::format("{:02}{:02}{:02}.00", h, m, sec);
    const double lat = 3114.0 + double(e % 600) * 0.001, lon = 12128.0 + double(e % 900) * 0.001;
    s += WithChecksum(fmt::format("$GNRMC,{},A,{:.5f},N,{:.5f},E,12.3,45.6,290224,,,A,V", t, lat, lon));
    s += WithChecksum(fmt::format("$GNGGA,{},{:.5f},N,{:.5f},E,1,18,0.8,12.5,M,9.3,M,,", t, lat, lon));
    s += WithChecksum("$GNGSA,A,3,02,05,12,15,18,24,25,29,,,,,1.4,0.8,1.1,1");
    s += WithChecksum("$GNGSA,A,3,06,09,16,19,20,22,27,30,,,,,1.4,0.8,1.1,4");
    s += WithChecksum("$GPGSV,3,1,10,02,45,120,42,05,30,060,38,12,65,300,45,15,20,200,33,1");
    s += WithChecksum("$GPGSV,3,2,10,18,10,030,28,24,50,250,44,25,35,150,40,29,15,330,30,1");
    s += WithChecksum("$GPGSV,3,3,10,31,05,010,,32,08,100,,1");
    s += WithChecksum("$GBGSV,2,1,08,06,60,100,46,09,40,200,41,16,25,300,36,19,70,050,47,1");
    s += WithChecksum("$GBGSV,2,2,08,20,15,120,31,22,35,220,39,27,55,320,44,30,10,020,27,1");
  }
  return s;
}

void BM_NmeaRead(benchmark::State& state) {
  const std::string input = NmeaInput(2000);
  size_t fixes = 0;
  for (auto _ : state) {
    nmea::Reader reader;
    reader.Feed(input);
    reader.Finish();
    fixes += reader.fixes.size();
  }
  if (fixes != 2000 * size_t(state.iterations())) Fail("NMEA epochs were lost");
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(input.size()));
  state.SetItemsProcessed(int64_t(fixes));
}
BENCHMARK(BM_NmeaRead);

}  // namespace
}  // namespace yunhe
