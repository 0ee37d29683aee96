// PRIMARY KEY enforcement: every append into a table with a primary key is checked against maps
// of the live keys (Table::pk_maps: one per time partition when the key includes the designated
// timestamp, else one for the table; built from the key columns when first needed and after any
// delete or rollback, then kept up to date by appends). A duplicate raises 23505 like PostgreSQL.
// A time partition's map covers its newest rows only (a share of memory_limit); keys at or before
// the older groups' latest time are looked up in those groups by zone maps (late data).
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "common/row_key.h"
#include "common/value.h"
#include "storage/table.h"

namespace yunhe {

std::string PrimaryKeyOf(const Table& t, const DataChunk& rows, size_t row);
// Throws 23505 if a row of `rows` repeats an existing key or another row of the chunk.
void CheckPrimaryKeys(Table& t, const DataChunk& rows);
// Records the keys of the rows an append just added.
void NotePrimaryKeys(Table& t, const TableData::AppendMark& mark);
// True when any key column of the row is NULL (a UNIQUE key then never conflicts).
bool KeyHasNull(const Table& t, const DataChunk& rows, size_t row);
// Upsert tables (TableSchema::UpsertsOnKey): finds the live rows that `rows` replace (sorted row
// ids) and, when a key repeats inside `rows`, the rows to keep (the last copy of each key;
// empty = keep all). Returns false when nothing is replaced or dropped.
// With `merge` (a copy of `rows`): InfluxDB's points instead of last-write-wins rows — a row that
// replaces another keeps the replaced row's value in every cell it leaves NULL (the field set
// is the union, ties to the newer point), within `rows` too.
bool ResolveUpserts(Table& t, const DataChunk& rows, std::vector<uint64_t>* replaced, std::vector<uint32_t>* keep,
                    DataChunk* merge = nullptr);
// After deleting rows (`row_ids`, just marked deleted): drops their keys from the maps that were
// valid before (at `version_before`) and keeps those maps valid, so an UPDATE or an upsert costs
// the rows it touches, not a rebuild of the map from every row.
void ForgetDeletedKeys(Table& t, const std::vector<uint64_t>& row_ids, uint64_t version_before);
// Memory the table's key maps hold (they share memory_limit with the buffer pool).
uint64_t KeyMapBytes(const Table& t);
// Runs `install`, which re-lays t's rows (a checkpoint's or a compaction's new layout), keeping
// the key maps valid before it valid after it: their row ids are moved with `new_id` (old row
// id -> new, UINT64_MAX: dropped) instead of being left to go stale, since rebuilding a map
// reads every key of its partition back from the parts (seconds for an hour of fixes).
void InstallKeepingKeys(Table& t, const std::function<uint64_t(uint64_t)>& new_id, const std::function<void()>& install);
// Row id of the live row whose key is `key` (the key of row r of `rows`), or -1.
int64_t FindPrimaryKey(Table& t, const DataChunk& rows, size_t r, const std::string& key);
std::string PrimaryKeyConstraintName(const Table& t);
// The live row whose key columns hold `key` (one value per key column, of the columns' types, in
// key order), or -1: a point lookup for the planner (`WHERE k = 5`), valid for the table's
// current rows (taken holding the database). -2: a transaction block's private copy cannot tell
// from the maps (scan it instead).
int64_t LookupPrimaryKey(Table& t, const std::vector<Value>& key);
// The digest of a key given as values (as LookupPrimaryKey takes them), equal to the digest of
// a row of the table holding that key: what serializable transactions compare reads and writes by.
KeyDigest PrimaryKeyDigest(const Table& t, const std::vector<Value>& key);
// ... and of the key of row `row` of `rows` (the table's columns).
KeyDigest PrimaryKeyDigest(const Table& t, const DataChunk& rows, size_t row);

}  // namespace yunhe
