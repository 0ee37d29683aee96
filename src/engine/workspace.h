// A transaction block's private state while it writes without holding the database between its
// statements: multi-version concurrency by private copies, first committer wins.
//
// The first statement that writes a table gives the block a private copy of it: a copy of the
// table's rows as the block sees them (its base: the live rows then in READ COMMITTED, the
// block's snapshot in REPEATABLE READ) that shares every row group and clones a group only when
// the block changes it. The block's statements run holding the database only while they run,
// with its private copies in place of the live tables (engine/database.h RunInWorkspace);
// their undo log is the workspace's own and they write no WAL. Other sessions see none of it.
//
// A row of the live table the block deletes or updates is locked until the block ends
// (engine/row_locks.h): a second block wanting it waits, then (READ COMMITTED) refreshes its copy
// of the table (Database::RefreshPrivateCopy) and runs its statement again on the new version,
// or (REPEATABLE READ) fails with 40001, as PostgreSQL does.
//
// COMMIT takes the database once more and applies the difference between each copy and its base
// to the live table as one ordinary statement (deletes of base rows, then appends of the rows
// the block added, with the usual primary-key checks and WAL records): a base row the block
// deleted (or updated) that another commit deleted or updated first fails the COMMIT with 40001,
// a key another commit added first with 23505, and nothing of the block is applied. Appends
// never conflict. A statement that a workspace cannot run (DDL, anything writing a table it did
// not name as its target) first applies the workspace to the live tables inside a block that then
// holds the database until it ends, as before (Database::PromoteWorkspace).
#pragma once
#include <map>
#include <memory>
#include <string>

#include "engine/database.h"
#include "engine/row_locks.h"

namespace yunhe {

struct Workspace {
  Workspace() { txn.explicit_block = true; }
  Transaction txn;  // its undo entries name the private copies; its `wal` stays empty
  struct Written {
    std::shared_ptr<Table> live;            // the table the catalog held when the block first wrote it
    std::shared_ptr<const TableData> base;  // that table's rows as the block saw them then
    std::shared_ptr<Table> mine;            // the private copy the block's statements change
  };
  std::map<std::string, Written> written;  // by table name
  // REPEATABLE READ / SERIALIZABLE: the snapshot every statement of the block reads (nullptr:
  // each statement reads the live tables, READ COMMITTED).
  std::shared_ptr<const Database::Snapshot> snapshot;
  // Its row locks (rows of live tables it deleted or updated), released when it ends.
  std::shared_ptr<RowLocks::Owner> owner = std::make_shared<RowLocks::Owner>();
  bool wrote() const { return !written.empty(); }
};

}  // namespace yunhe
