// A transaction's undo log and pending WAL records. Changes are applied to the tables at once
// (one writer at a time) and undone in reverse on ROLLBACK or on a failed statement; the WAL
// records are written and fsynced at COMMIT, which is when the change becomes durable and is
// acknowledged.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "storage/catalog.h"
#include "storage/wal_record.h"

namespace yunhe {

struct UndoEntry {
  enum Kind { kAppend, kDelete, kCatalog } kind;
  std::shared_ptr<Table> table;
  TableData::AppendMark append;  // kAppend
  uint64_t row_id = 0;     // kDelete
  std::shared_ptr<Catalog> catalog_before;  // kCatalog
};

// A parent key some statement removed, to be resolved when it ends.
struct RemovedKey {
  std::string parent;         // catalog key
  std::vector<Value> values;  // the parent's key columns, in the constraint's order
  std::string child;          // the referencing table and constraint
  size_t fk = 0;
  bool by_update = false;
};

struct Transaction {
  bool explicit_block = false;  // BEGIN ... COMMIT
  bool failed = false;          // an error happened inside the block
  std::vector<UndoEntry> undo;
  std::vector<WalRecord> wal;
  bool catalog_changed = false;
  // Records already written to the WAL without a commit (large transactions spill to bound
  // memory); a rollback must then write an abort record.
  bool wal_spilled = false;
  size_t wal_cells = 0;  // values in the records of `wal`, to decide when to spill
  uint64_t wal_bytes = 0;  // their estimated memory, likewise
  uint64_t wal_spills = 0;  // how often the pending records were written early
  // Estimated bytes of rows appended since the transaction began or last sealed its resident
  // groups into parts (Database::MaybeSealStatement).
  uint64_t resident_appended_bytes = 0;
  bool seal_failed = false;  // sealing failed once (no space, say): not tried again in this transaction
  // Undo entries from here on belong to the running statement: a failure rolls back to it
  // (Database::RunAsStatement). With the savepoints' marks, the places a partial rollback can stop.
  size_t statement_undo_mark = 0;
  // Parent keys the running statement removed, resolved when it ends (engine/foreign_keys.h).
  std::vector<RemovedKey> fk_removed;
  // SAVEPOINT: where to roll back to (undo entries and pending WAL records at that point).
  // Newest last; a name used twice refers to the newest, as in PostgreSQL.
  struct Savepoint {
    std::string name;
    size_t undo_mark = 0, wal_mark = 0;
    uint64_t wal_spills = 0;
    // Set before a workspace block was promoted (engine/workspace.h) with changes after it:
    // those were merged into the locked block and cannot be rolled back to one by one.
    bool merged = false;
  };
  std::vector<Savepoint> savepoints;
};

}  // namespace yunhe
