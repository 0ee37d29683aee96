#include "common/server_files.h"

#include <fmt/format.h>

#include <climits>
#include <cstdlib>
#include <mutex>

#include "common/status.h"

namespace yunhe {
namespace {
std::mutex mu;
std::string directory;  // realpath of --file-dir, or ""

std::string RealPath(const std::string& p) {
  char buf[PATH_MAX];
  return ::realpath(p.c_str(), buf) ? std::string(buf) : std::string();
}

bool Inside(const std::string& path, const std::string& dir) {
  return path == dir || (path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 && (dir == "/" || path[dir.size()] == '/'));
}
}  // namespace

void SetServerFileDirectory(const std::string& dir) {
  std::string real;
  if (!dir.empty()) {
    real = RealPath(dir);
    if (real.empty()) throw Error(SqlState::kUndefinedFile, fmt::format("file directory \"{}\" does not exist", dir));
  }
  std::lock_guard<std::mutex> lock(mu);
  directory = real;
}

std::string ServerFileDirectory() {
  std::lock_guard<std::mutex> lock(mu);
  return directory;
}

std::string ResolveServerFile(const std::string& path, bool write) {
  const std::string dir = ServerFileDirectory();
  if (dir.empty()) return path;
  const std::string full = !path.empty() && path[0] == '/' ? path : dir + "/" + path;
  // An existing file resolves whole (symlinks included); a file to be made resolves through its
  // directory, which must exist.
  std::string real = RealPath(full);
  if (real.empty() && write) {
    const size_t slash = full.rfind('/');
    const std::string parent = RealPath(slash == 0 ? "/" : full.substr(0, slash));
    const std::string leaf = full.substr(slash + 1);
    if (!parent.empty() && !leaf.empty() && leaf != "." && leaf != "..") real = parent + "/" + leaf;
  }
  if (real.empty()) throw Error(SqlState::kUndefinedFile, fmt::format("could not open file \"{}\": No such file or directory", path));
  if (!Inside(real, dir))
    throw Error(SqlState::kInsufficientPrivilege, fmt::format("file \"{}\" is outside the server's file directory", path));
  return real;
}

}  // namespace yunhe
