// `yunhe import DATADIR FILE... [--format lineprotocol] [--precision ns|us|ms|s] [--table NAME]`:
// bulk-loads files into a data directory, committing block by block (so a crash loses at most the
// block in flight), with a progress bar on a terminal and a report of rejected lines.
#pragma once

namespace yunhe {

// argv[0] is "import". Returns the process exit code: 0 when every line loaded, 1 when some lines
// were rejected (the good ones are loaded) or the import failed, 2 on a usage error.
int RunImportCommand(int argc, char** argv);

}  // namespace yunhe
