// Fault injection for tests: the one seam every durable file operation of the storage layer goes
// through (LevelDB's Env in miniature). Production code never sets a hook; when none is set the
// cost is one relaxed atomic load per operation.
//  - SetFileFaultHook: a test's function is asked before each create, write, fsync and rename;
//    an errno it returns makes that operation fail as the OS would have (a failing write first
//    writes half its bytes: a short write), 0 lets it run.
//  - CrashPoint: when the environment variable YUNHE_CRASH_AT names the point (point:N: its N-th
//    passing), the process kills itself with SIGKILL there (tests/crash/checkpoint_crash.sh kills a checkpoint at each step).
#pragma once
#include <functional>
#include <string>

namespace yunhe {

enum class FileOp { kCreate, kWrite, kSync, kRename };
using FileFaultHook = std::function<int(FileOp op, const std::string& path)>;

void SetFileFaultHook(FileFaultHook hook);  // nullptr: none
int InjectedFault(FileOp op, const std::string& path);  // 0 = none
void CrashPoint(const char* point);

}  // namespace yunhe
