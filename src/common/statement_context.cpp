#include "common/statement_context.h"

namespace yunhe {
namespace {
thread_local StatementContext t_own;
thread_local StatementContext* t_installed = nullptr;
}  // namespace

StatementContext& CurrentStatement() { return t_installed ? *t_installed : t_own; }

UseStatementContext::UseStatementContext(StatementContext* ctx) : previous_(t_installed) {
  t_installed = ctx == &t_own ? nullptr : ctx;
}

UseStatementContext::~UseStatementContext() { t_installed = previous_; }

}  // namespace yunhe
