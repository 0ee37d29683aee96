#include "common/notices.h"

#include <mutex>

namespace yunhe {

namespace {
std::mutex g_mu;
std::vector<std::string> g_notices;
}  // namespace

void RaiseNotice(std::string text) {
  std::lock_guard<std::mutex> lock(g_mu);
  g_notices.push_back("NOTICE:  " + std::move(text));
}

std::vector<std::string> TakeNotices() {
  std::lock_guard<std::mutex> lock(g_mu);
  std::vector<std::string> out;
  out.swap(g_notices);
  return out;
}

}  // namespace yunhe
