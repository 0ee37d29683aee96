// Statement cancellation: a deadline from statement_timeout and a request flag from the
// PostgreSQL protocol's CancelRequest, checked by every operator between chunks. The engine runs
// one statement at a time, so one process-wide watch is enough.
#pragma once
#include <cstdint>

namespace yunhe {

// Starts watching a new statement: clears any earlier request; timeout_ms 0 = no deadline.
void BeginStatementWatch(int64_t timeout_ms);
// Asks the running statement to stop (it fails with 57014 at its next check).
void RequestCancel();
// Throws Error(57014) when the statement was cancelled or ran past its deadline.
void CheckCancel();

}  // namespace yunhe
