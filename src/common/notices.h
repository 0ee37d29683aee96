// Notices raised while a statement runs, below the engine (a table function reading a file
// reports the lines it skipped). The engine takes them into the statement's result.
#pragma once
#include <string>
#include <vector>

namespace yunhe {

void RaiseNotice(std::string text);  // "NOTICE:  ..." as psql prints it
std::vector<std::string> TakeNotices();

}  // namespace yunhe
