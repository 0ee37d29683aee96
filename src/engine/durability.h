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
//     transactions of the WAL chain (the manifest's WAL, then wal-<seq+1>.log ... while they
//     exist: a background checkpoint switches WAL files before its MANIFEST names the new one;
//     replay freezes the row groups at each switch, as the live tables did);
//     a torn WAL tail is cut off; files of ours the manifest and the chain do not name (left by
//     a crash inside a checkpoint) are removed, and a chain longer than one file is folded into
//     parts by a checkpoint at once.
//  4. A table whose part footer or delete vectors are corrupt stays in the catalog but every read
//     of it fails with XX001 naming the file; other tables stay readable. A corrupt block fails
//     the reads that touch it, with XX001 naming the part and offset.
//  5. Checkpoint() is incremental: only rows appended or changed since the last one are written
//     (TableData::Reseal); parts are never rewritten in place. It writes new files, then swaps
//     MANIFEST, then installs the new layouts in memory; a failure before the swap changes
//     nothing in memory.
//  6. Automatic checkpoints run in the background (durability.cpp, "Background checkpoints"):
//     the database is held only to switch WAL files and snapshot the tables, and again to swap
//     MANIFEST and install the sealed groups; the rows are written without it. They seal
//     resident groups where they are (row ids unchanged), so the WAL written meanwhile stays
//     valid over the new MANIFEST; re-laying (compaction, merging parts) is Checkpoint()'s.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "storage/catalog.h"
#include "storage/file_util.h"
#include "storage/group_flush.h"
#include "storage/manifest.h"
#include "storage/table.h"
#include "storage/wal.h"

namespace yunhe {

class Database;
class PartFile;

class Durability {
 public:
  static std::unique_ptr<Durability> Open(const std::string& dir, Database* db);
  ~Durability();
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
  // A synchronous checkpoint (CHECKPOINT, close, the upgrade, memory pressure): re-lays what
  // changed (TableData::Reseal: seals the tail, compacts, merges parts) holding the database.
  void Checkpoint(Catalog& catalog);
  // After each commit, holding the database. When the WAL has grown past kWalCheckpointBytes,
  // or the tables' resident rows (estimated from their types) past a quarter of memory_limit:
  // begins a background checkpoint here (the checkpointer thread seals the resident rows
  // without holding the database; see durability.cpp); when writers outrun it, past twice those
  // limits server sessions wait for it (WaitDurable), past four times this commit waits for its
  // write and installs it. The resident tail's estimate is the buffer pool's reservation.
  void MaybeCheckpoint(Catalog& catalog);
  // Holding the database, in a statement that appends more rows than memory_limit lets stay
  // resident (engine/database.cpp MaybeSealStatement): seals the table's full resident groups from
  // `first` on (but `skip`, sorted) where they are, into part files no MANIFEST names yet, so the
  // statement's memory stays bounded. Its rows are still in the WAL: a crash before a checkpoint
  // names the parts replays them (the parts are removed as unnamed); a rollback drops the groups
  // and the files go with their last holder; the next checkpoint after the commit names them
  // instead of writing the rows again. On failure (I/O, no space: logged) returns false and the
  // rows stay resident.
  bool SealStatementGroups(const Catalog& catalog, Table& table, size_t first, const std::vector<size_t>& skip);
  // WAL replay at open: once the replayed rows resident pass half of memory_limit, their full
  // groups are sealed into parts in place (as a large statement's are; named by the next
  // checkpoint, removed if the process dies first and the WAL replays again), so recovering a
  // WAL larger than memory does not make it all resident.
  void SealReplayedRows(Catalog& catalog);
  // Ends the background checkpointer (one under way finishes first). Call without holding the
  // database, before destroying it.
  void StopCheckpointer();
  uint64_t wal_bytes() const { return wal_->size(); }
  // Bytes written to the WAL since the database opened, and the fsyncs that made them durable.
  uint64_t wal_written() const { return flush_.written(); }
  uint64_t wal_fsyncs() const { return flush_.fsyncs(); }
  struct CheckpointStats {
    uint64_t synchronous = 0, background_finished = 0, background_installed = 0, background_compactions = 0;
    uint64_t statement_seals = 0;  // SealStatementGroups calls
  };
  CheckpointStats checkpoint_stats() const {
    return {synchronous_done_.load(), background_finished_.load(), background_installed_.load(), background_compactions_.load(),
            statement_seals_.load()};
  }
  // Estimated memory of one resident row of a table (its arrays and text cells), and of the
  // resident rows of every table (temporary ones aside).
  static uint64_t ResidentRowBytes(const Table& table);
  static uint64_t TailBytes(const Catalog& catalog);
  // Reserves the resident tail's and the key maps' bytes from the buffer pool (which shares
  // memory_limit with them); returns the tail's.
  static uint64_t ReserveFromPool(const Catalog& catalog);
  static constexpr uint64_t kWalCheckpointBytes = 256ull << 20;
  // After a failed background checkpoint, the next waits for this many more WAL bytes.
  static constexpr uint64_t kBackgroundRetryBytes = 64ull << 20;

 private:
  struct Background;
  void StartCheckpointer(Database* db);
  // Holding the database: begins a background checkpoint (WAL switch, snapshots) and hands it to
  // the checkpointer thread to write.
  void StartBackground(Catalog& catalog);
  // Holding the database: the background checkpoint's write is done (it waits to be installed) /
  // wait until it is / install it (or drop it: superseded or failed), then writers may go on.
  bool BackgroundWritten();
  void WaitBackgroundWritten();
  void FinishBackgroundHere(Catalog& catalog);
  void BackgroundFailed(const std::string& why);  // holding the database: log it, retry later
  // Asks the checkpointer thread to give freed memory back to the system (ReleaseFreeMemory).
  void RequestTrim();
  std::unique_ptr<Background> BeginBackground(Catalog& catalog);  // holding the database
  void WriteBackground(Background& bg);                           // without it
  bool FinishBackground(Background& bg, Catalog& catalog);         // holding it; false: dropped
  bool FinishCompaction(Background& bg, Catalog& catalog, const std::function<void()>& drop);
  void CheckReadable(const Catalog& catalog);
  // Moves commits to the WAL `open` returns (after any fsync under way); on failure the database
  // is poisoned and the error thrown.
  void SwitchWal(const std::function<std::unique_ptr<WalWriter>()>& open);
  // The manifest entry of a table laid out as `layout` (writes its delete vectors).
  ManifestTable DescribeLayout(const std::string& name, uint64_t table_id, uint64_t n, const TableData::Layout& layout,
                               std::vector<std::string>* files_written);
  // After MANIFEST names `m`: removes the files it replaced, takes it as the live manifest.
  void Installed(const Catalog& catalog, Manifest m, const std::vector<std::shared_ptr<const PartFile>>& written);
  Database* db_ = nullptr;
  std::thread checkpointer_;
  std::mutex checkpointer_mu_;
  std::condition_variable checkpointer_cv_;
  bool checkpointer_stop_ = false;
  // Under checkpointer_mu_: the begun checkpoint the thread is to write, the number of the last
  // one it wrote, and a request to give freed memory back to the system.
  Background* to_write_ = nullptr;
  uint64_t written_n_ = 0;
  bool trim_due_ = false;
  std::atomic<bool> throttled_{false};  // writers wait in WaitDurable until the background checkpoint ends
  // The rest is touched holding the database.
  std::unique_ptr<Background> background_;  // begun, being written or waiting to be installed
  uint64_t background_retry_at_ = 0;
  bool replay_seal_failed_ = false;  // a seal during this open's replay failed: not tried at every batch
  std::atomic<uint64_t> synchronous_done_{0}, background_finished_{0}, background_installed_{0}, background_compactions_{0};
  std::atomic<uint64_t> statement_seals_{0};
  uint64_t statement_part_seq_ = 0;  // K of p<ID>-<N>-s<K>.part
  uint64_t generation_ = 0;  // bumped by every checkpoint; a background one finishing under an older one is dropped
  uint64_t wal_seq_ = 0;     // the current WAL is wal-<wal_seq_>.log
  // WAL files after the one live_ names, which replay goes on to (a background checkpoint's
  // new WAL until its MANIFEST names it).
  std::vector<std::string> wal_chain_;

  explicit Durability(const std::string& dir);
  std::string dir_;
  DirectoryLock lock_;
  uint64_t checkpoint_ = 0;
  std::unique_ptr<WalWriter> wal_;
  GroupFlush flush_;
  Manifest live_;  // what MANIFEST names now
  // Parts the live manifest names; a checkpoint that drops one marks it obsolete (unlinked when
  // its last reader lets go, storage/part_file.h).
  std::map<std::string, std::shared_ptr<const PartFile>> live_parts_;
  // live_parts_ = the parts of the catalog's tables that `m` names (marked live).
  void CollectLiveParts(const Catalog& catalog, const Manifest& m);
  std::string poisoned_;
  void CheckWritable();
  void AwaitInline(uint64_t lsn);
};

// The catalog as DDL text (sequences, tables, views, roles, indexes, then the sequences' owners
// and values), one statement per line-terminated ';'. Without the values: to compare shapes.
std::string CatalogDdl(const Catalog& catalog, bool with_sequence_values = true);
// wal-<seq>.log
std::string WalName(uint64_t seq);
// Columns of `t` with a B-tree index, stored in the parts a checkpoint writes.
std::vector<size_t> IndexedColumns(const Catalog& catalog, const std::string& table_name, const Table& t);

}  // namespace yunhe
