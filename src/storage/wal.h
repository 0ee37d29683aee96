// Write-ahead log file (docs/format.md "WAL file").
//
// Invariants:
//  1. A frame is [u32 payload length][u32 CRC-32C of payload][payload], little endian.
//  2. A transaction's frames end with a kCommit record; Append() writes frames with one write()
//     (a failed write is cut off again), Sync() makes them durable. The engine acknowledges a
//     commit only after a Sync() that began after its frames were written (engine/durability.h,
//     storage/group_flush.h: one Sync() serves every commit written before it).
//  2b. A large transaction may spill its records early with Append(); they count only once a
//      commit frame follows, and a kAbort frame discards them.
//  3. ReadWal() returns only transactions whose commit frame is intact; the first bad frame
//     (short, bad length, bad CRC) ends the log: it is a torn tail from a crash, and the file is
//     truncated there before new appends.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "storage/wal_record.h"

namespace yunhe {

inline constexpr uint32_t kWalFrameMax = 1u << 30;

class WalWriter {
 public:
  // Opens (creating if needed) and truncates to valid_bytes, dropping a torn tail.
  WalWriter(const std::string& path, uint64_t valid_bytes);
  ~WalWriter();
  // Writes frames without fsync; a failed write is cut off again and throws 58030.
  void Append(const std::vector<WalRecord>& records);
  uint64_t size() const { return size_; }
  const std::string& path() const { return path_; }
  // fdatasync of the file; 0 or the errno (for GroupFlush, which may call it from any thread).
  int Sync() const;

 private:
  // Cuts the file back to size_ after a failed write, keeping it a sequence of whole frames.
  void DropTail();

  std::string path_;
  int fd_ = -1;
  uint64_t size_ = 0;
  // The frames of one Append, encoded in place; kept between appends (Append is called under
  // the database lock, one at a time) so an ingest batch of megabytes does not grow and fault
  // in a fresh buffer, twice, per commit.
  std::string frames_;
};

struct WalReadResult {
  uint64_t valid_bytes = 0;   // end of the last complete transaction
  bool torn_tail = false;     // bytes after valid_bytes were ignored
  size_t transactions = 0;
};

// Calls apply(records) for each committed transaction in order, and for each sequence record
// (alone, before the records of the transaction it stands among).
WalReadResult ReadWal(const std::string& path, const std::function<void(const std::vector<WalRecord>&)>& apply);
// The same in pieces: a committed transaction whose frames pass max_batch_bytes comes in several
// calls, in order. The file is read a frame at a time, twice (the first pass only finds where
// transactions end and checks CRCs), so memory stays at about one batch whatever the WAL's size:
// recovery after a crash in a statement of millions of rows no longer holds the file and the
// whole statement decoded at once.
WalReadResult ReadWalInBatches(const std::string& path, size_t max_batch_bytes,
                               const std::function<void(const std::vector<WalRecord>&)>& apply);

}  // namespace yunhe
