// Retention of time-partitioned tables (TimescaleDB names):
//   SELECT drop_chunks('t', older_than => INTERVAL '30 days' | TIMESTAMP '...'
//                          [, newer_than => ...])       -- drop whole partitions now
//   ALTER TABLE t SET (retention = '30 days')            -- keep dropping expired partitions
// A partition is dropped only when all of it lies on the requested side of the cutoff (a
// partition straddling it is kept whole). Its rows are deleted in one WAL record of row-id runs
// and their memory and files go at the next checkpoint. Automatic retention runs when the
// database opens and after each committed write, as its own statement.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "engine/database.h"
#include "sql/parser.h"

namespace yunhe {

// Deletes the partitions of `table` that end at or before older_than and/or start at or after
// newer_than (ns, in the table's time unit for dates: days are converted). Returns one
// description per dropped partition.
std::vector<std::string> DropChunks(Database& db, const std::shared_ptr<Table>& table, std::optional<int64_t> older_than_ns,
                                    std::optional<int64_t> newer_than_ns) REQUIRES(db.mutex());

// True when `node` is `SELECT drop_chunks(...)` (no FROM), which runs as a command.
bool IsDropChunksCall(PgQuery__Node* node);
void ExecuteDropChunks(Database& db, PgQuery__Node* node, const std::string& sql, QueryResult& result) REQUIRES(db.mutex());

// Drops the expired partitions of every table with a retention setting (inside the current
// statement). Returns the number of partitions dropped.
size_t ApplyRetention(Database& db) REQUIRES(db.mutex());

}  // namespace yunhe
