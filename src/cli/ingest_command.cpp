#include "cli/ingest_command.h"

#include <signal.h>

#include <atomic>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "cli/result_printer.h"
#include "engine/database.h"
#include "server/gpsd/gpsd_client.h"

namespace yunhe {

namespace {
std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop = true; }

void Usage(std::ostream& out) {
  out << "usage: yunhe ingest gpsd [HOST:PORT] DATADIR [OPTIONS]\n"
         "  --device NAME      device name stored with every row (default: gpsd)\n"
         "  --seconds N        stop after N seconds (default: until gpsd closes or SIGINT/SIGTERM)\n"
         "Fixes go into the table fixes, satellites into satellites (created if missing).\n";
}
}  // namespace

int RunIngestCommand(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) != "gpsd") {
    Usage(std::cerr);
    return 2;
  }
  gpsd::GpsdOptions options;
  options.device = "gpsd";
  std::vector<std::string> positional;
  for (int k = 2; k < argc; ++k) {
    std::string a = argv[k];
    auto need = [&]() -> std::string {
      if (k + 1 >= argc) {
        std::cerr << "yunhe ingest: option " << a << " needs a value\n";
        exit(2);
      }
      return argv[++k];
    };
    if (a == "--device") options.device = need();
    else if (a == "--seconds") options.seconds = atof(need().c_str());
    else if (a == "-h" || a == "--help") {
      Usage(std::cout);
      return 0;
    } else if (!a.empty() && a[0] == '-') {
      std::cerr << "yunhe ingest: unknown option " << a << "\n";
      return 2;
    } else positional.push_back(a);
  }
  if (positional.empty() || positional.size() > 2) {
    Usage(std::cerr);
    return 2;
  }
  std::string dir = positional.back();
  if (positional.size() == 2) {
    const std::string& hp = positional[0];
    size_t colon = hp.rfind(':');
    options.host = hp.substr(0, colon);
    if (colon != std::string::npos) options.port = atoi(hp.c_str() + colon + 1);
  }
  struct sigaction sa{};
  sa.sa_handler = OnSignal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  Status st;
  auto db = Database::Open(dir, &st);
  if (!db) {
    PrintError(st, "", std::cerr);
    return 1;
  }
  gpsd::GpsdReport report;
  st = gpsd::RunGpsdIngest(*db, options, g_stop, &report);
  std::cerr << "gpsd: " << report.fixes << " fixes, " << report.satellites << " satellite rows";
  if (report.bad_reports) std::cerr << ", " << report.bad_reports << " unreadable reports";
  std::cerr << "\n";
  if (!st.ok()) {
    PrintError(st, "", std::cerr);
    return 1;
  }
  return 0;
}

}  // namespace yunhe
