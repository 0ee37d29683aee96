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
// Throws Error(57014) when the statement was cancelled or ran past its deadline, and 53200 when
// the process is past its memory cap (CheckMemory).
void CheckCancel();
// Throws Error(53200) when the process's resident memory is past ProcessMemoryCapBytes()
// (common/memory_limit.h); cheap (looks at most every 10 ms). Any thread, workers included:
// operators that build much output inside one pull call it per chunk.
void CheckMemory();

}  // namespace yunhe
