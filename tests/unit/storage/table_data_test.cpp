// The table store itself (storage/table.h): snapshots, undo across time partitions, deletes,
// and compaction (Reseal/ApplyLayout into part files).
#include "storage/table.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <set>

#include "common/memory_limit.h"
#include "storage/part_file.h"

namespace yunhe {
namespace {

constexpr int64_t kHour = int64_t(3600) * 1000000000;

// (ts, v) rows; ts in hours.
DataChunk Rows(const std::vector<std::pair<int64_t, int64_t>>& rows) {
  DataChunk c;
  c.Init({LogicalType(TypeId::kTimestamp), LogicalType(TypeId::kInt64)});
  for (auto [h, v] : rows) {
    c.columns[0].Append(Value::Time(h * kHour, TypeId::kTimestamp));
    c.columns[1].Append(Value::Int(v));
  }
  c.count = rows.size();
  return c;
}

TableData HourlyTable() {
  TableData t;
  t.Init({LogicalType(TypeId::kTimestamp), LogicalType(TypeId::kInt64)});
  t.SetPartitioning(0, kHour);
  return t;
}

// Every live row as (partition, v), in row-id order.
std::vector<std::pair<int64_t, int64_t>> Live(const TableData& t) {
  std::vector<std::pair<int64_t, int64_t>> out;
  for (size_t g = 0; g < t.group_count(); ++g) {
    Vector v = t.column(g, 1);
    for (size_t r = 0; r < t.group_rows(g); ++r)
      if (!t.deleted(g)[r]) out.emplace_back(t.group_partition(g), v.GetValue(r).i);
  }
  return out;
}

int64_t Sum(const TableData& t) {
  int64_t s = 0;
  for (auto& [p, v] : Live(t)) s += v;
  return s;
}

TEST(TableData, RoutesRowsToTheirTimePartition) {
  TableData t = HourlyTable();
  t.Append(Rows({{0, 1}, {2, 2}, {0, 3}, {1, 4}, {2, 5}}));
  EXPECT_EQ(t.partition_count(), 3u);
  EXPECT_EQ(t.row_count(), 5u);
  for (size_t g = 0; g < t.group_count(); ++g) {
    Vector ts = t.column(g, 0);
    for (size_t r = 0; r < t.group_rows(g); ++r) EXPECT_EQ(ts.GetValue(r).i / kHour, t.group_partition(g));
  }
  // Row order within a partition is the order of arrival.
  auto live = Live(t);
  std::vector<int64_t> p0;
  for (auto& [p, v] : live)
    if (p == 0) p0.push_back(v);
  EXPECT_EQ(p0, (std::vector<int64_t>{1, 3}));
}

TEST(TableData, UndoAcrossPartitionsRestoresEveryGroup) {
  TableData t = HourlyTable();
  t.Append(Rows({{0, 1}, {1, 2}}));
  const auto before = Live(t);
  const size_t groups_before = t.group_count(), partitions_before = t.partition_count();
  // One append touching two existing partitions' groups and opening two new partitions.
  TableData::AppendMark mark;
  t.Append(Rows({{1, 10}, {5, 20}, {0, 30}, {7, 40}, {5, 50}}), &mark);
  EXPECT_EQ(t.row_count(), 7u);
  EXPECT_EQ(t.partition_count(), 4u);
  t.UndoAppend(mark);
  EXPECT_EQ(Live(t), before);
  EXPECT_EQ(t.row_count(), 2u);
  EXPECT_EQ(t.group_count(), groups_before);
  EXPECT_EQ(t.partition_count(), partitions_before);
  // Appending again after the undo goes to the same groups, with fresh zone maps.
  t.Append(Rows({{0, 100}}));
  EXPECT_EQ(t.Zone(0, 1).max_i, 100);
  EXPECT_EQ(Sum(t), 103);
}

TEST(TableData, NestedUndoInReverseOrder) {
  TableData t = HourlyTable();
  TableData::AppendMark a, b;
  t.Append(Rows({{0, 1}, {3, 2}}), &a);
  t.Append(Rows({{0, 3}, {4, 4}}), &b);
  t.UndoAppend(b);
  EXPECT_EQ(Sum(t), 3);
  t.UndoAppend(a);
  EXPECT_EQ(t.row_count(), 0u);
  EXPECT_EQ(t.partition_count(), 0u);
}

TEST(TableData, SnapshotsDoNotSeeLaterChanges) {
  TableData t = HourlyTable();
  t.Append(Rows({{0, 1}, {1, 2}, {2, 3}}));
  std::shared_ptr<const TableData> snap = t.Snapshot();
  EXPECT_EQ(t.Snapshot(), snap);  // no change in between: the same object
  t.Append(Rows({{0, 10}, {9, 20}}));
  EXPECT_TRUE(t.Delete(0));
  EXPECT_NE(t.Snapshot(), snap);
  EXPECT_EQ(snap->row_count(), 3u);
  EXPECT_EQ(Sum(*snap), 6);
  EXPECT_FALSE(snap->IsDeleted(0));
  EXPECT_EQ(Sum(t), 2 + 3 + 10 + 20);
  // Undo of the delete restores the row; the snapshot was never touched.
  t.Undelete(0);
  EXPECT_EQ(Sum(t), 1 + 2 + 3 + 10 + 20);
  EXPECT_EQ(Sum(*snap), 6);
}

// ZoneColumn (the zone maps of every group as one array, kept between scans) must equal the
// groups' own zone maps after appends into open groups and new partitions, an undone append
// (values replaced at the same row counts), and for an older snapshot asking after a newer state.
void ExpectZoneColumnMatches(const TableData& t) {
  for (size_t c = 0; c < 2; ++c) {
    auto zones = t.ZoneColumn(c);
    ASSERT_EQ(zones->size(), t.group_count());
    for (size_t g = 0; g < t.group_count(); ++g) {
      const ZoneMap z = t.Zone(g, c);
      const ZoneMap packed = (*zones)[g].Unpack(ZonesAreF64(t.types()[c]));
      EXPECT_EQ(packed.has_values, z.has_values) << "group " << g << " column " << c;
      EXPECT_EQ(packed.null_count, z.null_count) << "group " << g << " column " << c;
      EXPECT_EQ(packed.min_i, z.min_i) << "group " << g << " column " << c;
      EXPECT_EQ(packed.max_i, z.max_i) << "group " << g << " column " << c;
    }
  }
}

TEST(TableData, ZoneColumnFollowsAppendsAndUndo) {
  TableData t = HourlyTable();
  t.Append(Rows({{0, 1}, {1, 2}}));
  ExpectZoneColumnMatches(t);
  auto snap = t.Snapshot();
  t.Append(Rows({{0, 50}, {1, -7}, {3, 9}}));  // the open groups of hours 0 and 1, a new partition
  ExpectZoneColumnMatches(t);
  ExpectZoneColumnMatches(*snap);  // older: fewer rows than the kept array
  ExpectZoneColumnMatches(t);
  TableData::AppendMark mark;
  t.Append(Rows({{0, 1000}}), &mark);
  ExpectZoneColumnMatches(t);
  t.UndoAppend(mark);
  t.Append(Rows({{0, -1000}}));  // same row counts as before the undo, other values
  ExpectZoneColumnMatches(t);
  // A full group in a partition: the next rows open a new one, the old one is kept as it was.
  std::vector<std::pair<int64_t, int64_t>> many;
  for (int i = 0; i < int(kChunkRows) * 2; ++i) many.push_back({5, i});
  t.Append(Rows(many));
  ExpectZoneColumnMatches(t);
  t.Append(Rows({{5, 123456}}));
  ExpectZoneColumnMatches(t);
}

TEST(TableData, DeleteIsIdempotentAndCounted) {
  TableData t = HourlyTable();
  t.Append(Rows({{0, 1}, {0, 2}, {0, 3}}));
  EXPECT_TRUE(t.Delete(1));
  EXPECT_FALSE(t.Delete(1));
  EXPECT_EQ(t.live_count(), 2u);
  EXPECT_EQ(t.group_deleted_count(0), 1u);
}

class TableDataParts : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (std::filesystem::temp_directory_path() / ("yunhe-table-test-" + std::to_string(getpid()))).string();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  TableData::PartWriter Writer(const std::vector<LogicalType>& types) {
    return [this, types](int64_t partition, const std::vector<DataChunk>& groups) -> std::shared_ptr<const PartFile> {
      ++parts_written_;
      return PartFile::Write(dir_, "p" + std::to_string(parts_written_) + ".part", types, partition, groups, {});
    };
  }
  std::string dir_;
  int parts_written_ = 0;
};

TEST_F(TableDataParts, CompactionKeepsEveryLiveRowAndDropsDeletedOnes) {
  TableData t = HourlyTable();
  const auto types = t.types();
  std::vector<std::pair<int64_t, int64_t>> rows;
  for (int64_t k = 0; k < 3000; ++k) rows.emplace_back(k % 3, k);
  t.Append(Rows(rows));
  // First checkpoint: everything resident is sealed, one part per partition.
  t.ApplyLayout(t.Reseal(Writer(types)));
  EXPECT_EQ(parts_written_, 3);
  EXPECT_EQ(t.resident_rows(), 0u);
  for (size_t g = 0; g < t.group_count(); ++g) EXPECT_NE(t.group_part(g), nullptr);
  const int64_t sum = Sum(t);
  // Nothing changed: a second checkpoint rewrites nothing.
  TableData::Layout again = t.Reseal(Writer(types));
  EXPECT_EQ(again.rows_rewritten, 0u);
  EXPECT_EQ(parts_written_, 3);
  t.ApplyLayout(std::move(again));
  EXPECT_EQ(Sum(t), sum);
  // Delete more than half of partition 1's rows: its group is rewritten without them.
  int64_t deleted_sum = 0;
  size_t deleted = 0;
  for (size_t g = 0; g < t.group_count(); ++g) {
    if (t.group_partition(g) != 1) continue;
    Vector v = t.column(g, 1);
    for (size_t r = 0; r < t.group_rows(g); ++r)
      if (r % 4 != 0) {
        ASSERT_TRUE(t.Delete(g * kChunkRows + r));
        deleted_sum += v.GetValue(r).i;
        ++deleted;
      }
  }
  t.Append(Rows({{2, 7}}));  // and a resident row in partition 2
  TableData::Layout next = t.Reseal(Writer(types));
  EXPECT_GT(next.rows_rewritten, 0u);
  t.ApplyLayout(std::move(next));
  EXPECT_EQ(Sum(t), sum - deleted_sum + 7);
  EXPECT_EQ(t.live_count(), 3000u - deleted + 1);
  EXPECT_EQ(t.row_count(), t.live_count());  // the deleted rows are gone, not just flagged
  EXPECT_EQ(t.resident_rows(), 0u);
  // Groups still never mix partitions, and every row is readable back from its part.
  for (size_t g = 0; g < t.group_count(); ++g) {
    Vector ts = t.column(g, 0);
    for (size_t r = 0; r < t.group_rows(g); ++r) EXPECT_EQ(ts.GetValue(r).i / kHour, t.group_partition(g));
  }
}

TEST_F(TableDataParts, SnapshotTakenBeforeCompactionStillReadsItsRows) {
  TableData t = HourlyTable();
  const auto types = t.types();
  t.Append(Rows({{0, 1}, {1, 2}, {1, 3}}));
  t.ApplyLayout(t.Reseal(Writer(types)));
  auto snap = t.Snapshot();
  for (size_t g = 0; g < t.group_count(); ++g) {  // every row of partition 1 (row id = group * kChunkRows + row)
    if (t.group_partition(g) != 1) continue;
    for (size_t r = 0; r < t.group_rows(g); ++r) ASSERT_TRUE(t.Delete(g * kChunkRows + r));
  }
  t.ApplyLayout(t.Reseal(Writer(types)));
  EXPECT_EQ(Sum(t), 1);
  EXPECT_EQ(Sum(*snap), 6);  // its parts stay readable while it holds them
}

// A compaction of a large partition writes it as parts of at most kMaxPartGroups groups (it
// holds no more decoded at once); row ids map to where the rows went; parts that large are not
// merged again by later checkpoints.
TEST_F(TableDataParts, LargePartitionIsRewrittenInBoundedPartsThatStayPut) {
  TableData t = HourlyTable();
  const auto types = t.types();
  const size_t groups = TableData::kMaxPartGroups * 2 + 100;
  std::vector<std::pair<int64_t, int64_t>> rows;
  for (size_t k = 0; k < groups * kChunkRows; ++k) rows.emplace_back(0, int64_t(k));
  t.Append(Rows(rows));
  ASSERT_EQ(t.group_count(), groups);
  // Every third row deleted: all resident groups are rewritten (2/3 full: 1,400 groups' rows).
  for (uint64_t id = 0; id < groups * kChunkRows; id += 3) ASSERT_TRUE(t.Delete(id));
  const int64_t sum = Sum(t);
  TableData::Layout layout = t.Reseal(Writer(types));
  std::set<const PartFile*> parts;
  for (size_t g = 0; g < layout.groups.size(); ++g) parts.insert(TableData::LayoutGroupPart(layout, g).get());
  for (const PartFile* part : parts) EXPECT_LE(part->groups().size(), TableData::kMaxPartGroups);
  EXPECT_EQ(parts.size(), 2u);  // 700 groups of live rows: 512 + 188
  EXPECT_EQ(int(parts.size()), parts_written_);
  // Row ids: live row id k*3+1 holds value k*3+1, wherever it went.
  std::vector<uint64_t> probe{1, 2, 4, 1048576 + 1, groups * kChunkRows - 2};  // none a multiple of 3
  std::vector<uint64_t> mapped;
  for (uint64_t id : probe) mapped.push_back(layout.MapRowId(id));
  EXPECT_EQ(layout.MapRowId(0), UINT64_MAX);  // deleted, dropped
  t.ApplyLayout(std::move(layout));
  EXPECT_EQ(Sum(t), sum);
  for (size_t k = 0; k < probe.size(); ++k) {
    ASSERT_NE(mapped[k], UINT64_MAX);
    EXPECT_EQ(t.column(mapped[k] / kChunkRows, 1).GetValue(mapped[k] % kChunkRows).i, int64_t(probe[k]));
  }
  // Three more checkpoints each adding a small part: the small ones merge, the large stay.
  for (int round = 0; round < 4; ++round) {
    std::vector<std::pair<int64_t, int64_t>> more;
    for (int k = 0; k < 100; ++k) more.emplace_back(0, 1);
    t.Append(Rows(more));
    const int before = parts_written_;
    TableData::Layout l = t.Reseal(Writer(types));
    EXPECT_EQ(parts_written_, before + 1);  // the new rows (with any small parts merged), never the large ones again
    EXPECT_LT(l.rows_rewritten, size_t(TableData::kMaxPartGroups) * kChunkRows / 2);
    t.ApplyLayout(std::move(l));
  }
  EXPECT_EQ(Sum(t), sum + 400);
}

}  // namespace
}  // namespace yunhe

namespace yunhe {
namespace {

// (ts = hour 0, v = first + k) rows, n of them.
DataChunk HourZeroRun(size_t n, int64_t first) {
  std::vector<std::pair<int64_t, int64_t>> rows;
  for (size_t k = 0; k < n; ++k) rows.emplace_back(0, first + int64_t(k));
  return Rows(rows);
}

TEST(TableData, WholeChunksIntoFreshGroupsAreSharedNotCopiedAndStayTheTables) {
  TableData t = HourlyTable();
  DataChunk probe = HourZeroRun(1, 0);
  EXPECT_EQ(t.OpenGroupRoom(probe.columns[0], 0), kChunkRows);  // no group yet
  t.Append(HourZeroRun(100, 0));
  EXPECT_EQ(t.OpenGroupRoom(probe.columns[0], 0), kChunkRows - 100);
  // A writer that sends the room first fills the open group; the next chunk needs a new one.
  t.Append(HourZeroRun(kChunkRows - 100, 100));
  EXPECT_EQ(t.group_count(), 1u);
  EXPECT_EQ(t.OpenGroupRoom(probe.columns[0], 0), kChunkRows);
  // A whole chunk into a fresh group: stored by sharing the chunk's arrays. Writing to the
  // chunk afterwards (an ingest sink reusing it) must not reach the table's rows.
  DataChunk whole = HourZeroRun(kChunkRows, int64_t(kChunkRows));
  t.Append(whole);
  whole.columns[1].i64()[0] = -1;
  whole.columns[1].SetNull(1, true);
  EXPECT_EQ(t.group_count(), 2u);
  Vector v = t.column(1, 1);
  EXPECT_EQ(v.i64()[0], int64_t(kChunkRows));
  EXPECT_FALSE(v.IsNull(1));
  // A partial chunk into a fresh group is shared too; appending after it into the same group
  // clones the arrays, leaving the appended chunk as it was.
  DataChunk part = HourZeroRun(10, 10000);
  t.Append(part);
  t.Append(HourZeroRun(5, 20000));
  EXPECT_EQ(t.group_count(), 3u);
  EXPECT_EQ(t.group_rows(2), 15u);
  EXPECT_EQ(part.columns[1].size(), 10u);
  Vector third = t.column(2, 1);
  EXPECT_EQ(third.i64()[9], 10009);
  EXPECT_EQ(third.i64()[10], 20000);
  // A whole chunk does not top up a partly filled open group: it starts its own, shared.
  t.Append(HourZeroRun(kChunkRows, 30000));
  EXPECT_EQ(t.group_count(), 4u);
  EXPECT_EQ(t.group_rows(2), 15u);
  EXPECT_EQ(t.group_rows(3), kChunkRows);
  EXPECT_EQ(t.column(3, 1).i64()[0], 30000);
  int64_t expect = 0;
  for (int64_t k = 0; k < int64_t(kChunkRows); ++k) expect += 30000 + k;
  for (int64_t k = 0; k < int64_t(2 * kChunkRows); ++k) expect += k;
  for (int64_t k = 0; k < 10; ++k) expect += 10000 + k;
  for (int64_t k = 0; k < 5; ++k) expect += 20000 + k;
  EXPECT_EQ(Sum(t), expect);
}

}  // namespace
}  // namespace yunhe

namespace yunhe {
namespace {

// The distinct values of column 1 in partition p, via PartitionKeyRows, sorted.
std::vector<int64_t> KeysOf(const TableData& t, int64_t p) {
  auto rows = t.PartitionKeyRows(p, {1});
  EXPECT_EQ(rows->count, t.PartitionKeys(p, {1})->size());
  std::vector<int64_t> out;
  for (size_t r = 0; r < rows->count; ++r) out.push_back(rows->columns[0].i64()[r]);
  std::sort(out.begin(), out.end());
  return out;
}

// A part's zone maps are kept packed (24 bytes, PackedZone) once decoded, and the time column's
// from the start; what Zone answers must be exactly what the footer holds, for integer, time,
// double (NaN, infinities, all-NULL groups) and text columns, after writing and after reopening
// with or without keeping a column; so must the per-column NULL flags and the distinct texts.
TEST_F(TableDataParts, ReopenedPartAnswersTheZoneMapsNullsAndTextsItWrote) {
  const std::vector<LogicalType> types = {LogicalType(TypeId::kTimestamp), LogicalType(TypeId::kInt64),
                                          LogicalType(TypeId::kFloat64), LogicalType(TypeId::kText)};
  std::vector<DataChunk> groups;
  for (int g = 0; g < 5; ++g) {
    DataChunk c;
    c.Init(types);
    const size_t rows = g == 4 ? 7 : kChunkRows;
    for (size_t r = 0; r < rows; ++r) {
      c.columns[0].Append(Value::Time(int64_t(g) * 1000000 + int64_t(r), TypeId::kTimestamp));
      c.columns[1].Append(Value::Int(-int64_t(r) * (g + 1)));
      if (g == 1) c.columns[2].Append(Value::Null(types[2]));  // a group of NULLs only
      else if (g == 2 && r == 5) c.columns[2].Append(Value::Float(std::nan("")));
      else if (g == 3 && r == 9) c.columns[2].Append(Value::Float(-INFINITY));
      else c.columns[2].Append(Value::Float(0.25 * double(r) - 3.5));
      if (g == 0 && r % 100 == 0) c.columns[3].Append(Value::Null(types[3]));
      else c.columns[3].Append(Value::Text("unit" + std::to_string((r * 7 + size_t(g)) % 13)));
    }
    c.count = rows;
    groups.push_back(std::move(c));
  }
  auto written = PartFile::Write(dir_, "z.part", types, 0, groups, {});
  auto same = [&](const PartFile& part) {
    for (size_t g = 0; g < groups.size(); ++g)
      for (size_t c = 0; c < types.size(); ++c) {
        const ZoneMap want = ComputeZoneMap(groups[g].columns[c], groups[g].count), got = part.Zone(g, c);
        SCOPED_TRACE("group " + std::to_string(g) + " column " + std::to_string(c));
        EXPECT_EQ(got.has_values, want.has_values);
        EXPECT_EQ(got.null_count, want.null_count);
        EXPECT_EQ(got.min_i, want.min_i);
        EXPECT_EQ(got.max_i, want.max_i);
        EXPECT_EQ(std::memcmp(&got.min_f, &want.min_f, 8), 0);
        EXPECT_EQ(std::memcmp(&got.max_f, &want.max_f, 8), 0);
      }
    EXPECT_FALSE(part.ColumnHasNulls(0));
    EXPECT_FALSE(part.ColumnHasNulls(1));
    EXPECT_TRUE(part.ColumnHasNulls(2));
    EXPECT_TRUE(part.ColumnHasNulls(3));
    const PartFile::TextList* texts = part.DistinctTexts(3);
    ASSERT_NE(texts, nullptr);
    std::set<std::string> want;
    for (size_t r = 0; r < 13; ++r) want.insert("unit" + std::to_string(r));
    ASSERT_EQ(texts->size(), want.size());
    size_t k = 0;
    for (const std::string& t : want) EXPECT_EQ((*texts)[k++], t);  // sorted
    EXPECT_EQ(part.DistinctTexts(1), nullptr);
  };
  same(*written);
  same(*PartFile::Open(dir_, "z.part"));
  same(*PartFile::Open(dir_, "z.part", 0));
  same(*PartFile::Open(dir_, "z.part", 2));
}

TEST(TableData, PartitionKeySetsGrowWithAppendsAndForgetDeletedKeys) {
  TableData t = HourlyTable();
  t.Append(Rows({{0, 1}, {0, 2}, {0, 1}}));
  EXPECT_EQ(KeysOf(t, 0), (std::vector<int64_t>{1, 2}));
  // Appends to the partition extend its set (rows of the open group and of a new group).
  t.Append(Rows({{0, 3}, {0, 2}}));
  EXPECT_EQ(KeysOf(t, 0), (std::vector<int64_t>{1, 2, 3}));
  t.Append(HourZeroRun(kChunkRows, 100));
  EXPECT_EQ(KeysOf(t, 0).size(), 3 + kChunkRows);
  // Another partition's rows leave it as it was and get a set of their own.
  t.Append(Rows({{1, 7}}));
  EXPECT_EQ(KeysOf(t, 0).size(), 3 + kChunkRows);
  EXPECT_EQ(KeysOf(t, 1), (std::vector<int64_t>{7}));
  // A delete (a new version) recomputes: key 3's only row is gone.
  for (size_t g = 0; g < t.group_count(); ++g)
    for (size_t r = 0; r < t.group_rows(g); ++r)
      if (t.group_partition(g) == 0 && t.column(g, 1).i64()[r] == 3) t.Delete(g * kChunkRows + r);
  std::vector<int64_t> after = KeysOf(t, 0);
  EXPECT_EQ(after.size(), 2 + kChunkRows);
  EXPECT_FALSE(std::binary_search(after.begin(), after.end(), 3));
}

}  // namespace
}  // namespace yunhe

namespace yunhe {
namespace {

// Wide rows: a part holds fewer groups, so a compaction never has more than about
// PartBytesBudget() of them decoded at once (2 kB text cells: 512 groups were 2 GB at a 64 MB
// memory_limit, and the background checkpoint took the server to 1.8 GB), and parts of that
// size are left alone by later checkpoints (not merged into the same sizes over and over).
TEST_F(TableDataParts, WideRowsMakeSmallerPartsThatStayAsTheyAre) {
  const uint64_t saved = MemoryLimitBytes();
  SetMemoryLimitBytes(64ull << 20);  // budget: 32 MB a part
  TableData t;
  const std::vector<LogicalType> types{LogicalType(TypeId::kInt64), LogicalType(TypeId::kText)};
  t.Init(types);
  const size_t narrow_groups = t.MaxPartGroups();
  for (int batch = 0; batch < 40; ++batch) {
    DataChunk c;
    c.Init(types);
    for (size_t r = 0; r < kChunkRows; ++r) {
      c.columns[0].Append(Value::Int(int64_t(batch * kChunkRows + r)));
      c.columns[1].Append(Value::Text(std::string(2000, 'y') + std::to_string(r)));
    }
    c.count = kChunkRows;
    t.Append(c);
  }
  EXPECT_GT(t.RowBytes(), 2000u);
  const size_t max_groups = t.MaxPartGroups();
  EXPECT_LT(max_groups, narrow_groups);
  EXPECT_LE(max_groups * kChunkRows * t.RowBytes(), TableData::PartBytesBudget());
  // The checkpoint seals the 40 groups as parts of at most max_groups.
  t.ApplyLayout(t.Reseal([&](int64_t partition, const std::vector<DataChunk>& groups) {
    EXPECT_LE(groups.size(), max_groups);
    return Writer(types)(partition, groups);
  }));
  EXPECT_EQ(t.resident_rows(), 0u);
  EXPECT_GE(parts_written_, int(40 / max_groups));
  EXPECT_FALSE(t.CompactionDue()) << "parts of the budget's size were to be merged again";
  const int written = parts_written_;
  TableData::Layout again = t.Reseal(Writer(types));
  EXPECT_EQ(again.rows_rewritten, 0u);
  EXPECT_EQ(parts_written_, written);
  SetMemoryLimitBytes(saved);
}

}  // namespace
}  // namespace yunhe

namespace yunhe {
namespace {

void ExpectDictionaryMatchesValues(const Vector& v) {
  ASSERT_NE(v.dictionary(), nullptr);
  for (size_t r = 0; r < v.size(); ++r) {
    if (v.IsNull(r)) continue;
    ASSERT_EQ(v.dictionary()->values[v.codes()[r]], v.str()[r]) << "row " << r;
  }
}

DataChunk Texts(size_t rows, const std::string& prefix, size_t distinct) {
  DataChunk c;
  c.Init({LogicalType(TypeId::kText)});
  for (size_t r = 0; r < rows; ++r)
    c.columns[0].Append(r % 97 == 0 ? Value::Null(LogicalType(TypeId::kText)) : Value::Text(prefix + std::to_string(r % distinct)));
  c.count = rows;
  return c;
}

TEST(TableData, FullResidentGroupsGiveTheirTextsADictionaryThatFollowsUndo) {
  TableData t;
  t.Init({LogicalType(TypeId::kText)});
  t.Append(Texts(1, "a", 1));
  EXPECT_EQ(t.column(0, 0).dictionary(), nullptr) << "a group still taking appends has none";
  TableData::AppendMark mark;
  t.Append(Texts(kChunkRows - 1, "b", 5), &mark);
  ExpectDictionaryMatchesValues(t.column(0, 0));
  EXPECT_EQ(t.column(0, 0).dictionary(), t.column(0, 0).dictionary()) << "built once, then kept";
  // The same row counts again with other values: the kept dictionary must not describe them.
  t.UndoAppend(mark);
  t.Append(Texts(kChunkRows - 1, "c", 7));
  const Vector v = t.column(0, 0);
  ExpectDictionaryMatchesValues(v);
  EXPECT_EQ(v.str()[2], "c1");
  // Unique values: no dictionary.
  TableData u;
  u.Init({LogicalType(TypeId::kText)});
  u.Append(Texts(kChunkRows, "u", kChunkRows));
  EXPECT_EQ(u.column(0, 0).dictionary(), nullptr);
}

TEST_F(TableDataParts, DictionaryCodedBlocksKeepTheirCodesPerGroup) {
  const std::vector<LogicalType> types = {LogicalType(TypeId::kText)};
  std::vector<DataChunk> groups = {Texts(kChunkRows, "h", 9), Texts(kChunkRows, "k", 11), Texts(5, "h", 1)};
  auto part = PartFile::Write(dir_, "d.part", types, 0, groups, {});
  for (size_t g = 0; g < groups.size(); ++g)
    for (bool keep : {true, false}) {
      SCOPED_TRACE("group " + std::to_string(g));
      const Vector v = part->ReadColumn(g, 0, nullptr, keep);
      ASSERT_EQ(v.size(), groups[g].count);
      ExpectDictionaryMatchesValues(v);
      for (size_t r = 0; r < v.size(); ++r) EXPECT_EQ(v.GetValue(r).s, groups[g].columns[0].GetValue(r).s);
    }
}

}  // namespace
}  // namespace yunhe
