// Statement cancellation: a deadline from statement_timeout and a request flag from the
// PostgreSQL protocol's CancelRequest, checked by every operator between chunks. Both live in
// the statement's context (common/statement_context.h), one per session thread.
#pragma once
#include <cstdint>

namespace yunhe {

struct StatementContext;

// Starts watching a new statement on this thread: clears any earlier request; timeout_ms 0 =
// no deadline.
void BeginStatementWatch(int64_t timeout_ms);
// Asks the statement running under `statement` (another thread's) to stop: it fails with 57014
// at its next check.
void RequestCancel(StatementContext& statement);
// Throws Error(57014) when the statement was cancelled or ran past its deadline.
void CheckCancel();

}  // namespace yunhe
