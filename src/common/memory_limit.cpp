#include "common/memory_limit.h"

#include "common/statement_context.h"

#include <fcntl.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>

namespace yunhe {
namespace {

std::atomic<uint64_t>& Limit() {
  static std::atomic<uint64_t> limit{DefaultMemoryLimitBytes()};
  return limit;
}

}  // namespace

uint64_t MemoryLimitBytes() { return Limit().load(std::memory_order_relaxed); }
void SetMemoryLimitBytes(uint64_t bytes) { Limit().store(bytes, std::memory_order_relaxed); }

uint64_t MachineMemoryBytes() {
  uint64_t ram = uint64_t(sysconf(_SC_PHYS_PAGES)) * uint64_t(sysconf(_SC_PAGESIZE));
  for (const char* path : {"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}) {
    std::ifstream in(path);
    std::string text;
    if (!(in >> text) || text == "max") continue;
    char* end = nullptr;
    const unsigned long long cgroup = std::strtoull(text.c_str(), &end, 10);
    if (end && *end == '\0' && cgroup > 0 && cgroup < ram) ram = cgroup;
  }
  return ram;
}

uint64_t ResidentBytes() {
  static const int fd = ::open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
  static const uint64_t page = uint64_t(sysconf(_SC_PAGESIZE));
  char buf[128];
  const ssize_t n = fd >= 0 ? ::pread(fd, buf, sizeof buf - 1, 0) : -1;
  if (n <= 0) return 0;
  buf[n] = '\0';
  unsigned long long size = 0, resident = 0;
  if (std::sscanf(buf, "%llu %llu", &size, &resident) != 2) return 0;
  return resident * page;
}

void ReleaseFreeMemory() {
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

void KeepFreedMemory() {
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
}

uint64_t ProcessMemoryCapBytes() {
  static const uint64_t machine = MachineMemoryBytes();
  const uint64_t limit = MemoryLimitBytes();
  const uint64_t wanted = std::max(2 * limit, limit + (uint64_t(1) << 30));
  return std::min(wanted, machine / 10 * 9);
}

uint64_t DefaultMemoryLimitBytes() {
  constexpr uint64_t kMb = 1 << 20;
  return MachineMemoryBytes() / 10 * 8 / kMb * kMb;  // whole megabytes, so SHOW prints "19284MB"
}

bool ParseMemorySize(const std::string& text, uint64_t* bytes, uint64_t bare_unit, uint64_t minimum) {
  size_t k = 0;
  while (k < text.size() && std::isspace(static_cast<unsigned char>(text[k]))) ++k;
  const size_t start = k;
  while (k < text.size() && (std::isdigit(static_cast<unsigned char>(text[k])) || text[k] == '.')) ++k;
  if (k == start) return false;
  double number;
  try {
    number = std::stod(text.substr(start, k - start));
  } catch (...) {
    return false;
  }
  while (k < text.size() && std::isspace(static_cast<unsigned char>(text[k]))) ++k;
  std::string unit;
  for (; k < text.size(); ++k) {
    if (std::isspace(static_cast<unsigned char>(text[k]))) break;
    unit += char(std::tolower(static_cast<unsigned char>(text[k])));
  }
  while (k < text.size() && std::isspace(static_cast<unsigned char>(text[k]))) ++k;
  if (k != text.size()) return false;
  double scale;
  if (unit.empty()) scale = double(bare_unit);
  else if (unit == "b") scale = 1;
  else if (unit == "kb" || unit == "kib" || unit == "k") scale = 1024.0;
  else if (unit == "mb" || unit == "mib" || unit == "m") scale = 1024.0 * 1024;
  else if (unit == "gb" || unit == "gib" || unit == "g") scale = 1024.0 * 1024 * 1024;
  else if (unit == "tb" || unit == "tib" || unit == "t") scale = 1024.0 * 1024 * 1024 * 1024;
  else if (unit == "%") {
    if (number <= 0 || number > 100) return false;
    scale = double(MachineMemoryBytes()) / 100;
  } else {
    return false;
  }
  const double value = number * scale;
  if (!std::isfinite(value) || value < double(minimum) || value > 1e18) return false;
  *bytes = unit == "%" ? uint64_t(value) >> 20 << 20 : uint64_t(value);
  return true;
}

uint64_t DefaultWorkMemBytes() { return std::max<uint64_t>(64 << 10, MemoryLimitBytes() / 4 >> 10 << 10); }

uint64_t WorkMemBytes() {
  const uint64_t set = CurrentStatement().work_mem_bytes.load();
  return set ? set : DefaultWorkMemBytes();
}

namespace {
std::mutex g_temp_mu;
std::string g_temp_dir;
}  // namespace

std::string TempDirectory() {
  std::lock_guard<std::mutex> lock(g_temp_mu);
  if (!g_temp_dir.empty()) return g_temp_dir;
  const char* env = std::getenv("TMPDIR");
  return env && *env ? env : "/tmp";
}

void SetTempDirectory(const std::string& dir) {
  std::lock_guard<std::mutex> lock(g_temp_mu);
  g_temp_dir = dir;
}

std::string FormatMemorySize(uint64_t bytes) {
  static const char* units[] = {"B", "kB", "MB", "GB", "TB"};
  size_t u = 0;
  while (u + 1 < 5 && bytes % 1024 == 0 && bytes >= 1024) {
    bytes /= 1024;
    ++u;
  }
  return std::to_string(bytes) + units[u];
}

}  // namespace yunhe
