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
  static const char* wanted = std::getenv("YUNHE_CRASH_AT");
  if (wanted && std::strcmp(wanted, point) == 0) ::kill(::getpid(), SIGKILL);
}

}  // namespace yunhe
