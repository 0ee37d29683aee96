// SERIALIZABLE as PostgreSQL means it: snapshot isolation plus serializable snapshot isolation's
// check (Cahill, Röhm and Fekete, "Serializable Isolation for Snapshot Databases"; PostgreSQL's
// predicate.c), so that write skew and the read-only anomaly end in 40001 instead of a result no
// serial order of the transactions could give.
//
// Every SERIALIZABLE transaction (a block, taken with its snapshot) records what it read — per
// table, the whole table, or the rows of some primary keys when a scan's WHERE fixed every key
// column (common/statement_context.h ReadRecorder) — and at COMMIT what it wrote: per table
// the primary keys of rows it deleted, updated or added (the whole table for a table without a
// key, every table for a block that changed the catalog). An rw-antidependency R -> W exists
// when R read an item W wrote and R's snapshot does not include W's commit, while the two
// overlapped. A transaction with one coming in and one going out (a pivot) must not commit: its
// COMMIT fails with 40001, and so does a COMMIT whose new dependencies would make a committed
// transaction a pivot. Dependencies are found when the second of the two commits (a block's
// writes are private until then), so an active transaction can gain only outgoing ones, and
// every check happens at a COMMIT. Sound, with false positives as PostgreSQL has (coarser: a
// table read by a scan conflicts with any write to that table; inserts are caught the same way,
// so phantoms are too).
//
// Only SERIALIZABLE transactions take part, as in PostgreSQL. Commits are ordered by the
// database lock: snapshots and commits number themselves under it.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/statement_context.h"
#include "common/status.h"
#include "engine/transaction.h"

namespace yunhe {

// Items read or written: per table id, the whole table or primary-key digests.
struct SsiItems {
  struct OfTable {
    bool whole = false;
    std::unordered_set<uint64_t> keys;
  };
  std::unordered_map<uint64_t, OfTable> tables;
  bool all = false;  // every table (a write to the catalog)
  void AddWhole(uint64_t table) { tables[table].whole = true; }
  void AddKey(uint64_t table, uint64_t key) { tables[table].keys.insert(key); }
  // A write's key; past kMaxKeys keys the table counts as written whole (a bulk load keeps no
  // set of millions of digests). False once it is whole: the caller may stop adding.
  static constexpr size_t kMaxKeys = 100000;
  static bool AddWrittenKey(OfTable& of, uint64_t key) {
    if (of.whole) return false;
    of.keys.insert(key);
    if (of.keys.size() <= kMaxKeys) return true;
    of.whole = true;
    of.keys.clear();
    return false;
  }
  void Merge(const SsiItems& o);
  bool empty() const { return !all && tables.empty(); }
  // True when something these reads cover was written by `writes`.
  bool Meets(const SsiItems& writes) const;
  // What an undo log (a locked block's, an autocommitted statement's) changed: the primary keys
  // of the rows it deleted or appended per table (tables without a key whole), every table when
  // it changed the catalog.
  static SsiItems OfUndoLog(const Transaction& txn);
};

// The statement reads the planner reports (one statement's), folded into items afterwards.
class StatementReads : public ReadRecorder {
 public:
  void ScanPlanned(const void* scan, uint64_t table_id) override;
  void ScanReadsKeys(const void* scan, std::vector<uint64_t> key_digests) override;
  SsiItems Items() const;
  bool empty() const { return scans_.empty(); }

 private:
  struct Scan {
    uint64_t table = 0;
    bool keyed = false;
    std::vector<uint64_t> keys;
  };
  std::unordered_map<const void*, Scan> scans_;
};

class SerializableTransactions {
 public:
  struct Txn;
  // Snapshots taken now see every serializable commit numbered up to this. Holding the database.
  uint64_t seq();
  // A transaction reading the snapshot numbered `snapshot_seq`.
  std::shared_ptr<Txn> Begin(uint64_t snapshot_seq);
  void AddReads(Txn& t, const SsiItems& reads);
  // COMMIT of t writing `writes`, holding the database: the check first (40001 when t must not
  // commit; `apply` is not called), then `apply`, which commits the changes and returns whether
  // it did (or throws); only then are t's dependencies recorded and t numbered, kept for as long
  // as a transaction that overlapped it is active.
  Status Commit(Txn& t, SsiItems writes, const std::function<bool()>& apply);
  // t rolled back or failed (or committed: then nothing happens).
  void Ended(Txn& t);
  // For tests: transactions active and committed ones still kept.
  size_t tracked();

 private:
  struct Edges;
  Edges FindEdges(const Txn& t, const SsiItems& writes);
  Status CheckCommit(Txn& t, const SsiItems& writes);
  void Committed(Txn& t, SsiItems writes);
  void Prune();
  std::mutex mu_;
  uint64_t seq_ = 0;
  uint64_t pruned_through_ = 0;  // the newest commit number forgotten
  std::vector<std::shared_ptr<Txn>> active_, committed_;
};

struct SerializableTransactions::Txn {
  uint64_t snapshot_seq = 0;
  uint64_t commit_seq = 0;  // 0: not committed
  bool ended = false;
  bool in = false, out = false;  // has an rw-antidependency coming in / going out
  bool too_old = false;          // its snapshot predates commits already forgotten: cannot commit
  SsiItems reads, writes;
};

}  // namespace yunhe
