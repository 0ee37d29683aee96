#include "common/notices.h"

#include <mutex>

#include "common/statement_context.h"

namespace yunhe {

void RaiseNotice(std::string text) {
  StatementContext& s = CurrentStatement();
  std::lock_guard<std::mutex> lock(s.notices_mu);
  s.notices.push_back("NOTICE:  " + std::move(text));
}

std::vector<std::string> TakeNotices() {
  StatementContext& s = CurrentStatement();
  std::lock_guard<std::mutex> lock(s.notices_mu);
  std::vector<std::string> out;
  out.swap(s.notices);
  return out;
}

}  // namespace yunhe
