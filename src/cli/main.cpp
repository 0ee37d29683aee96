// yunhe — the command-line shell.
//   yunhe [DATADIR]            open DATADIR (created if missing); no DATADIR: in memory
//   -c SQL (repeatable), -f FILE, SQL on stdin
//   --format table|csv|tsv|json, --null STRING, --no-header
//   --make-demo DIR            create the demo database in DIR if it does not exist
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/demo.h"
#include "cli/function_reference.h"
#include "cli/import_command.h"
#include "cli/ingest_command.h"
#include "cli/serve_command.h"
#include "cli/shell.h"
#include "common/memory_limit.h"

using namespace yunhe;

namespace {

void Usage(std::ostream& out) {
  out << "usage: yunhe [OPTIONS] [DATADIR]\n"
         "  -c SQL              run SQL (repeatable) and exit\n"
         "  -f FILE             run the SQL in FILE and exit\n"
         "  --format FORMAT     table (default on a terminal), csv, tsv or json\n"
         "  --null STRING       print NULL as STRING\n"
         "  --no-header         omit column names\n"
         "  --memory-limit SIZE memory for cached table blocks (e.g. 512MB, 2GB, 25%; default 80% of RAM)\n"
         "  --make-demo DIR     create the demo database in DIR (if missing) and exit\n"
         "  --function-reference  print the function table of docs/sql.md and exit\n"
         "  -h, --help          this help\n"
         "       yunhe import DATADIR FILE... [--precision P] [--table NAME]\n"
         "                      bulk-load line protocol or NMEA files (yunhe import --help)\n"
         "       yunhe ingest gpsd [HOST:PORT] DATADIR --device NAME\n"
         "                      stream fixes from a running gpsd (yunhe ingest --help)\n"
         "       yunhe serve [DATADIR] [--pg-port N] [--listen ADDR]\n"
         "                      serve the PostgreSQL wire protocol (yunhe serve --help)\n"
         "With no DATADIR the database lives in memory. Without -c/-f, SQL is read from stdin\n"
         "when it is not a terminal; on a terminal an interactive shell starts.\n";
}

}  // namespace

int main(int argc, char** argv) {
  yunhe::KeepFreedMemory();
  if (argc > 1 && std::string(argv[1]) == "import") return RunImportCommand(argc - 1, argv + 1);
  if (argc > 1 && std::string(argv[1]) == "serve") return RunServeCommand(argc - 1, argv + 1);
  if (argc > 1 && std::string(argv[1]) == "ingest") return RunIngestCommand(argc - 1, argv + 1);
  std::vector<std::string> commands;
  std::vector<std::string> files;
  std::string dir;
  std::string demo_dir;
  PrintOptions options;
  bool format_given = false;
  for (int k = 1; k < argc; ++k) {
    std::string a = argv[k];
    auto need = [&](const char* what) -> std::string {
      if (k + 1 >= argc) {
        std::cerr << "yunhe: option " << a << " needs " << what << "\n";
        exit(2);
      }
      return argv[++k];
    };
    if (a == "-c" || a == "--command") commands.push_back(need("an SQL string"));
    else if (a == "-f" || a == "--file") files.push_back(need("a file name"));
    else if (a == "--format" || a.rfind("--format=", 0) == 0) {
      std::string f = a == "--format" ? need("a format") : a.substr(9);
      format_given = true;
      if (f == "table" || f == "aligned") options.format = OutputFormat::kTable;
      else if (f == "csv") options.format = OutputFormat::kCsv;
      else if (f == "tsv") options.format = OutputFormat::kTsv;
      else if (f == "json") options.format = OutputFormat::kJson;
      else {
        std::cerr << "yunhe: unknown format \"" << f << "\" (table, csv, tsv, json)\n";
        return 2;
      }
    } else if (a == "--null" || a.rfind("--null=", 0) == 0) {
      options.null_string = a == "--null" ? need("a string") : a.substr(7);
    } else if (a == "--no-header" || a == "-t") {
      options.header = false;
    } else if (a == "--function-reference") {
      std::cout << FunctionReferenceMarkdown();
      return 0;
    } else if (a == "--memory-limit" || a.rfind("--memory-limit=", 0) == 0) {
      std::string v = a == "--memory-limit" ? need("a size") : a.substr(15);
      uint64_t bytes = 0;
      if (!ParseMemorySize(v, &bytes)) {
        std::cerr << "yunhe: bad memory limit \"" << v << "\" (e.g. 512MB, 2GB, 25%)\n";
        return 2;
      }
      SetMemoryLimitBytes(bytes);
    } else if (a == "--make-demo") {
      demo_dir = need("a directory");
    } else if (a == "-h" || a == "--help") {
      Usage(std::cout);
      return 0;
    } else if (!a.empty() && a[0] == '-') {
      std::cerr << "yunhe: unknown option " << a << "\n";
      Usage(std::cerr);
      return 2;
    } else if (dir.empty()) {
      dir = a;
    } else {
      std::cerr << "yunhe: more than one data directory given\n";
      return 2;
    }
  }
  if (!demo_dir.empty()) {
    Status st = CreateDemoDatabase(demo_dir);
    if (!st.ok()) {
      PrintError(st, "", std::cerr);
      return 1;
    }
    return 0;
  }
  const bool interactive = commands.empty() && files.empty() && isatty(STDIN_FILENO);
  if (!format_given && !interactive && !isatty(STDOUT_FILENO)) options.format = OutputFormat::kTable;
  Status st;
  auto db = Database::Open(dir, &st);
  if (!db) {
    PrintError(st, "", std::cerr);
    return 1;
  }
  Shell shell(*db, options);
  if (interactive) {
    shell.RunInteractive();
    return 0;
  }
  for (auto& c : commands) shell.RunScript(c);
  for (auto& f : files) {
    std::ifstream in(f);
    if (!in) {
      std::cerr << "yunhe: " << f << ": No such file or directory\n";
      return 1;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    shell.RunScript(ss.str());
  }
  if (commands.empty() && files.empty()) {
    std::stringstream ss;
    ss << std::cin.rdbuf();
    shell.RunScript(ss.str());
  }
  return shell.had_error() ? 1 : 0;
}
