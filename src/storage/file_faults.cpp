#include "storage/file_faults.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>

namespace yunhe {
namespace {

std::atomic<bool> g_hooked{false};
std::mutex g_mu;
std::shared_ptr<FileFaultHook> g_hook;

}  // namespace

void SetFileFaultHook(FileFaultHook hook) {
  std::lock_guard<std::mutex> lock(g_mu);
  g_hook = hook ? std::make_shared<FileFaultHook>(std::move(hook)) : nullptr;
  g_hooked.store(g_hook != nullptr, std::memory_order_relaxed);
}

int InjectedFault(FileOp op, const std::string& path) {
  if (!g_hooked.load(std::memory_order_relaxed)) return 0;
  std::shared_ptr<FileFaultHook> hook;
  {
    std::lock_guard<std::mutex> lock(g_mu);
    hook = g_hook;
  }
  return hook ? (*hook)(op, path) : 0;
}

void CrashPoint(const char* point) {
  // YUNHE_CRASH_AT=point, or point:N for its N-th passing (later checkpoints of a long run).
  static const char* wanted = std::getenv("YUNHE_CRASH_AT");
  if (!wanted) return;
  static const std::string name = std::string(wanted).substr(0, std::string(wanted).find(':'));
  static const long nth = std::strchr(wanted, ':') ? std::atol(std::strchr(wanted, ':') + 1) : 1;
  static std::atomic<long> seen{0};
  if (name == point && ++seen >= nth) ::kill(::getpid(), SIGKILL);
}

}  // namespace yunhe
