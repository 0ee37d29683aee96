// Makes a Database durable in its data directory (docs/format.md).
//
// Files: MANIFEST (names the live checkpoint: catalog file, one segment file per table, WAL
// file), catalog-N.sql, t<ID>-N.seg, wal-N.log, yunhe.lock.
// Invariants:
//  1. MANIFEST is only ever replaced by atomic rename of a fully fsynced MANIFEST.tmp, and every
//     file it names was fsynced before; so after a crash at any point MANIFEST names a complete
//     checkpoint (the old one or the new one).
//  2. A transaction is acknowledged only after its WAL frames are fsynced (Commit()).
//  3. Open() = load checkpoint + replay committed WAL transactions; a torn WAL tail is cut off.
//  4. A table whose segment file is corrupt stays in the catalog but every read of it fails
//     with XX001 naming the file; other tables stay readable.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "storage/catalog.h"
#include "storage/file_util.h"
#include "storage/wal.h"

namespace yunhe {

class Database;

class Durability {
 public:
  static std::unique_ptr<Durability> Open(const std::string& dir, Database* db);
  // Both throw 58030 on I/O failure. After a failure that may have left a rolled-back
  // transaction's spilled records in the WAL, Poison() makes every later commit fail instead of
  // letting its commit record adopt them; reopening the database recovers cleanly.
  void Commit(const std::vector<WalRecord>& records);
  void Spill(const std::vector<WalRecord>& records);
  void Poison(const std::string& why) { poisoned_ = why; }
  void Checkpoint(Catalog& catalog);
  // Checkpoints when the WAL has grown past kWalCheckpointBytes.
  void MaybeCheckpoint(Catalog& catalog);
  uint64_t wal_bytes() const { return wal_->size(); }
  static constexpr uint64_t kWalCheckpointBytes = 256ull << 20;

 private:
  Durability(const std::string& dir) : dir_(dir), lock_(dir) {}
  std::string dir_;
  DirectoryLock lock_;
  uint64_t checkpoint_ = 0;
  std::unique_ptr<WalWriter> wal_;
  std::vector<std::string> live_files_;
  std::string poisoned_;
};

// The catalog as DDL text (tables, views, indexes), one statement per line-terminated ';'.
std::string CatalogDdl(const Catalog& catalog);

}  // namespace yunhe
