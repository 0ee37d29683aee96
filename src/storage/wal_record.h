// Logical WAL records (docs/format.md, "WAL"). A transaction is a run of records ended by a
// kCommit record; recovery applies only complete runs.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "common/vector.h"

namespace yunhe {

enum class WalRecordType : uint8_t {
  kDdl = 1,     // sql: a DDL statement, re-executed on replay
  kInsert = 2,  // table + rows appended in this order
  kDelete = 3,  // table + row ids marked deleted
  kCommit = 4,
  kAbort = 5,   // discards the records since the last commit (a spilled transaction rolled back)
  // (6: a delete as row-id runs, decoded as kDelete)
  // sql: a sequence's new state (SELECT setval(...)), outside any transaction: sequences are
  // not transactional, so replay applies it where it stands, whatever the records around it.
  kSequence = 7,
};

struct WalRecord {
  WalRecordType type = WalRecordType::kCommit;
  std::string table;
  std::string sql;
  DataChunk rows;
  std::vector<uint64_t> row_ids;
};

// A DELETE record names at most this many row ids (the writer splits a larger delete into several
// records); a reader refuses one that would expand to more than kMaxWalDeleteRowIds, so a damaged
// run length cannot make it allocate without bound. The gap leaves room for older WALs.
inline constexpr size_t kWalDeleteRowIdsPerRecord = size_t(1) << 24;
inline constexpr size_t kMaxWalDeleteRowIds = size_t(1) << 27;

void EncodeWalRecord(const WalRecord& r, std::string* out);
// Returns false on a malformed payload (the frame's CRC passed, so this means a format bug or a
// foreign file; the caller reports it as corruption).
bool DecodeWalRecord(const char* data, size_t size, WalRecord* r);

// Column-chunk serialization shared by the WAL and segment files (raw, uncompressed layout).
void EncodeVector(const Vector& v, std::string* out);
bool DecodeVector(class ByteReader& in, const LogicalType& type, size_t count, Vector* out);
void EncodeType(const LogicalType& t, std::string* out);
bool DecodeType(class ByteReader& in, LogicalType* t);

}  // namespace yunhe
