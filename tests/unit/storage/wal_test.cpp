// WAL framing: round trip, torn tails, bit flips, and the commit boundary.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "storage/file_util.h"
#include "storage/wal.h"

namespace yunhe {
namespace {

std::string TempPath(const std::string& name) {
  std::string dir = std::filesystem::temp_directory_path() / ("yunhe-wal-test-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  return dir + "/" + name;
}

std::vector<WalRecord> Txn(int base, int rows) {
  std::vector<WalRecord> recs;
  WalRecord ins;
  ins.type = WalRecordType::kInsert;
  ins.table = "t";
  ins.rows.Init({TypeId::kInt64, TypeId::kText});
  for (int k = 0; k < rows; ++k) {
    ins.rows.columns[0].Append(Value::Int(base + k));
    ins.rows.columns[1].Append(k % 3 ? Value::Text("row" + std::to_string(k)) : Value::Null(TypeId::kText));
    ++ins.rows.count;
  }
  recs.push_back(ins);
  WalRecord del;
  del.type = WalRecordType::kDelete;
  del.table = "t";
  del.row_ids = {1, 5, 9};
  recs.push_back(del);
  WalRecord commit;
  commit.type = WalRecordType::kCommit;
  recs.push_back(commit);
  return recs;
}

TEST(Wal, RoundTrip) {
  std::string path = TempPath("rt.log");
  RemoveFile(path);
  {
    WalWriter w(path, 0);
    for (int t = 0; t < 5; ++t) w.Append(Txn(t * 100, 10 + t));
  }
  int seen = 0;
  WalReadResult r = ReadWal(path, [&](const std::vector<WalRecord>& txn) {
    ASSERT_EQ(txn.size(), 3u);
    EXPECT_EQ(txn[0].rows.count, size_t(10 + seen));
    EXPECT_EQ(txn[0].rows.columns[0].GetValue(0).i, seen * 100);
    EXPECT_TRUE(txn[0].rows.columns[1].IsNull(0));
    EXPECT_EQ(txn[1].row_ids, (std::vector<uint64_t>{1, 5, 9}));
    ++seen;
  });
  EXPECT_EQ(seen, 5);
  EXPECT_FALSE(r.torn_tail);
}

// Writes two committed transactions to a fresh log; returns the byte offset after the first.
uint64_t WriteTwoTransactions(const std::string& path) {
  RemoveFile(path);
  WalWriter w(path, 0);
  w.Append(Txn(0, 3));
  uint64_t after_first = w.size();
  w.Append(Txn(100, 4));
  return after_first;
}

TEST(Wal, TornTailAtEveryLengthKeepsWholeTransactionsOnly) {
  std::string path = TempPath("torn.log");
  uint64_t after_first = WriteTwoTransactions(path);
  std::string full = ReadWholeFile(path);
  for (size_t cut = 0; cut <= full.size(); ++cut) {
    WriteFileDurable(path, full.substr(0, cut));
    int txns = 0;
    WalReadResult r = ReadWal(path, [&](const std::vector<WalRecord>&) { ++txns; });
    int want = cut >= full.size() ? 2 : cut >= after_first ? 1 : 0;
    ASSERT_EQ(txns, want) << "cut at " << cut;
    ASSERT_EQ(r.valid_bytes, want == 2 ? full.size() : want == 1 ? after_first : 0u);
  }
}

TEST(Wal, BitFlipStopsReplayAtTheDamagedFrame) {
  std::string path = TempPath("flip.log");
  uint64_t after_first = WriteTwoTransactions(path);
  std::string full = ReadWholeFile(path);
  for (size_t pos = after_first; pos < full.size(); pos += 7) {
    std::string bad = full;
    bad[pos] ^= 0x10;
    WriteFileDurable(path, bad);
    int txns = 0;
    ReadWal(path, [&](const std::vector<WalRecord>&) { ++txns; });
    ASSERT_EQ(txns, 1) << "flip at " << pos;
  }
}

TEST(Wal, WriterTruncatesTornTailBeforeAppending) {
  std::string path = TempPath("append.log");
  RemoveFile(path);
  uint64_t good;
  {
    WalWriter w(path, 0);
    w.Append(Txn(0, 2));
    good = w.size();
  }
  std::string data = ReadWholeFile(path);
  WriteFileDurable(path, data + "garbage-from-a-crash");
  {
    WalWriter w(path, good);
    w.Append(Txn(50, 2));
  }
  int txns = 0;
  WalReadResult r = ReadWal(path, [&](const std::vector<WalRecord>&) { ++txns; });
  EXPECT_EQ(txns, 2);
  EXPECT_FALSE(r.torn_tail);
}

TEST(Wal, AbortRecordDiscardsSpilledRecords) {
  std::string path = TempPath("abort.log");
  RemoveFile(path);
  {
    WalWriter w(path, 0);
    auto spilled = Txn(0, 5);
    spilled.pop_back();  // no commit: written early, then cancelled
    w.Append(spilled);
    WalRecord abort;
    abort.type = WalRecordType::kAbort;
    w.Append({abort});
    w.Append(Txn(100, 2));
  }
  std::vector<size_t> rows;
  WalReadResult r = ReadWal(path, [&](const std::vector<WalRecord>& txn) { rows.push_back(txn[0].rows.count); });
  EXPECT_EQ(rows, (std::vector<size_t>{2}));
  EXPECT_FALSE(r.torn_tail);
}

}  // namespace
}  // namespace yunhe

namespace yunhe {
namespace {

TEST(WalRecord, DeleteRunsRoundTrip) {
  // Long runs (a dropped partition) are written as runs; scattered ids as a plain list.
  for (auto ids : {std::vector<uint64_t>{}, std::vector<uint64_t>{7}, std::vector<uint64_t>{1, 5, 9},
                   std::vector<uint64_t>{3, 4, 5, 6, 7, 8, 100, 101, 102, 103, 104, 5000}}) {
    std::vector<uint64_t> big;
    for (uint64_t k = 0; k < 10000; ++k) big.push_back(2048 * 3 + k);
    for (auto& v : {ids, big}) {
      WalRecord del;
      del.type = WalRecordType::kDelete;
      del.table = "t";
      del.row_ids = v;
      std::string bytes;
      EncodeWalRecord(del, &bytes);
      if (v.size() > 100) {
        EXPECT_LT(bytes.size(), 64u);
      }
      WalRecord back;
      ASSERT_TRUE(DecodeWalRecord(bytes.data(), bytes.size(), &back));
      EXPECT_EQ(back.type, WalRecordType::kDelete);
      EXPECT_EQ(back.table, "t");
      EXPECT_EQ(back.row_ids, v);
    }
  }
}

// Found by fuzz_wal: a damaged run length made the decoder expand billions of row ids
// (std::bad_alloc). Such a record is refused instead.
TEST(Wal, DeleteRunsBeyondTheBoundAreRefused) {
  WalRecord del;
  del.type = WalRecordType::kDelete;
  del.table = "t";
  for (uint64_t id = 0; id < 4096; ++id) del.row_ids.push_back(id);
  std::string bytes;
  EncodeWalRecord(del, &bytes);
  // The last 4 bytes are the run's length: make it 2^32 - 1.
  ASSERT_GE(bytes.size(), 4u);
  for (size_t k = bytes.size() - 4; k < bytes.size(); ++k) bytes[k] = char(0xff);
  WalRecord back;
  EXPECT_FALSE(DecodeWalRecord(bytes.data(), bytes.size(), &back));
  EXPECT_LE(back.row_ids.size(), kMaxWalDeleteRowIds);
}

}  // namespace
}  // namespace yunhe
