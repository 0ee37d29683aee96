// Makes a Database durable in its data directory (docs/format.md).
//
// Files: MANIFEST (names the live checkpoint: catalog file, per table the runs of part-file row
// groups and a delete-vector file, WAL file), catalog-N.sql, p<ID>-N-K.part, d<ID>-N.del,
// wal-N.log, yunhe.lock (docs/format.md). A version-1 directory (t<ID>-N.seg segment files) is
// upgraded on open: its rows are loaded and checkpointed as parts.
// Invariants:
//  1. MANIFEST is only ever replaced by atomic rename of a fully fsynced MANIFEST.tmp, and every
//     file it names was fsynced before; so after a crash at any point MANIFEST names a complete
//     checkpoint (the old one or the new one).
//  2. A transaction is acknowledged only after its WAL frames are fsynced: Commit() syncs before
//     returning, or, on a thread with a DeferSync alive (server sessions), the session calls
//     WaitDurable() after letting the database go and before acknowledging, so concurrent
//     committers share one fsync (group commit, storage/group_flush.h). A statement that read
//     data still waiting for its fsync is answered only after that fsync too (StatementEnded()),
//     so no client ever sees a write that a crash could take back.
//  3. Open() = read the manifest and part footers (no column data) + replay committed WAL
//     transactions; a torn WAL tail is cut off; files of ours the manifest does not name
//     (left by a crash inside a checkpoint) are removed.
//  4. A table whose part footer or delete vectors are corrupt stays in the catalog but every read
//     of it fails with XX001 naming the file; other tables stay readable. A corrupt block fails
//     the reads that touch it, with XX001 naming the part and offset.
//  5. Checkpoint() is incremental: only rows appended or changed since the last one are written
//     (TableData::Reseal); parts are never rewritten in place. It writes new files, then swaps
//     MANIFEST, then installs the new layouts in memory; a failure before the swap changes
//     nothing in memory.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "storage/catalog.h"
#include "storage/file_util.h"
#include "storage/group_flush.h"
#include "storage/manifest.h"
#include "storage/wal.h"

namespace yunhe {

class Database;
class PartFile;

class Durability {
 public:
  static std::unique_ptr<Durability> Open(const std::string& dir, Database* db);
  // Both throw 58030 on I/O failure. After a failure that may have left a rolled-back
  // transaction's spilled records in the WAL, Poison() makes every later commit fail instead of
  // letting its commit record adopt them; reopening the database recovers cleanly.
  void Commit(const std::vector<WalRecord>& records);
  void Spill(const std::vector<WalRecord>& records);
  void Poison(const std::string& why) { poisoned_ = why; }
  // End of a statement on this thread (database held): everything it could have read must be
  // durable before it is answered: now, or at this thread's WaitDurable().
  void StatementEnded();
  // While a DeferSync lives on a thread, its commits return before their fsync.
  class DeferSync {
   public:
    explicit DeferSync(Durability* d);
    ~DeferSync();  // waits (errors ignored: WaitDurable() is where the session learns of them)
    DeferSync(const DeferSync&) = delete;
    DeferSync& operator=(const DeferSync&) = delete;
   private:
    Durability* d_;
  };
  // Waits, without the database, until this thread's statements are durable. Throws 58030.
  void WaitDurable();
  // Waits, without the database, until the WAL is durable up to `lsn` (a wal_written() value).
  void WaitWritten(uint64_t lsn);
  void Checkpoint(Catalog& catalog);
  // Checkpoints when the WAL has grown past kWalCheckpointBytes, or the tables' resident rows
  // (estimated from their types) past a quarter of memory_limit.
  void MaybeCheckpoint(Catalog& catalog);
  uint64_t wal_bytes() const { return wal_->size(); }
  // Bytes written to the WAL since the database opened, and the fsyncs that made them durable.
  uint64_t wal_written() const { return flush_.written(); }
  uint64_t wal_fsyncs() const { return flush_.fsyncs(); }
  static constexpr uint64_t kWalCheckpointBytes = 256ull << 20;

 private:
  Durability(const std::string& dir) : dir_(dir), lock_(dir) {}
  std::string dir_;
  DirectoryLock lock_;
  uint64_t checkpoint_ = 0;
  std::unique_ptr<WalWriter> wal_;
  GroupFlush flush_;
  Manifest live_;  // what MANIFEST names now
  // Parts the live manifest names; a checkpoint that drops one marks it obsolete (unlinked when
  // its last reader lets go, storage/part_file.h).
  std::map<std::string, std::shared_ptr<const PartFile>> live_parts_;
  void CollectLiveParts(const Catalog& catalog);
  std::string poisoned_;
  void CheckWritable();
  void AwaitInline(uint64_t lsn);
};

// The catalog as DDL text (tables, views, indexes), one statement per line-terminated ';'.
std::string CatalogDdl(const Catalog& catalog);

}  // namespace yunhe
