// Sequences (CREATE SEQUENCE, SERIAL columns, identity columns), as PostgreSQL has them.
//
// A sequence's options (type, bounds, increment, cycle, owner column) are catalog state and
// change with DDL like any other entry. Its current value is not transactional: nextval()
// hands out a value once, whatever becomes of the transaction that asked. So the value lives
// in a SequenceState that every copy of the catalog shares (a rollback of the catalog, a
// transaction block's view of it, a snapshot).
//
// Durability (docs/format.md, "Sequences"): before nextval hands out a value past what the WAL
// has promised, the WAL records a horizon kLogAhead values further on (PostgreSQL logs 32 ahead
// the same way); recovery sets each sequence to its last horizon, so no value handed out before
// a crash is handed out again, at the cost of a gap. A checkpoint writes the exact state.
#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "common/types.h"

namespace yunhe {

struct Catalog;

struct SequenceOptions {
  LogicalType type = LogicalType(TypeId::kInt64);  // smallint, integer or bigint (AS ...)
  int64_t start = 1, increment = 1, min = 1, max = INT64_MAX, cache = 1;
  bool cycle = false;
};

struct SequenceState {
  std::mutex mu;
  int64_t last_value = 1;
  bool is_called = false;    // false: nextval returns last_value itself (after CREATE, RESTART, setval(.., false))
  int64_t log_remaining = 0;  // values nextval may still hand out under the last logged horizon
};

struct SequenceInfo {
  std::string name;
  uint64_t id = 0;  // from Catalog::next_table_id (OID 16384 + id, as tables)
  SequenceOptions options;
  // OWNED BY table.column: dropped with the table (or the column). identity: made by the
  // column's GENERATED ... AS IDENTITY (the table's definition recreates it).
  std::string owned_table, owned_column;
  bool identity = false;
  std::shared_ptr<SequenceState> state = std::make_shared<SequenceState>();
};

inline constexpr int64_t kSequenceLogAhead = 32;

// The bounds of a sequence type; false when `type` is not smallint, integer or bigint.
bool SequenceTypeBounds(const LogicalType& type, int64_t* lo, int64_t* hi);
// Fills the bounds and start a CREATE left unset (PostgreSQL's defaults: ascending 1..type max,
// descending type min..-1, start at the bound the sequence starts from).
void SequenceDefaults(SequenceOptions* o, bool min_set, bool max_set, bool start_set);
// Throws 22023 with PostgreSQL's message when the options do not make a sequence.
void CheckSequenceOptions(const SequenceOptions& o);

// nextval's step on a locked state: the value handed out, or 2200H past a bound without CYCLE.
// *log is set when the WAL must record this horizon (a setval(name, *log, true)) before the
// value may be used.
int64_t SequenceNext(const SequenceInfo& seq, SequenceState& st, std::optional<int64_t>* log);
// setval's checks: 22003 when `value` is outside the sequence's bounds.
void CheckSequenceValue(const SequenceInfo& seq, int64_t value);

// CREATE SEQUENCE text with every option spelled out (catalog file), and the statement that
// restores its current value.
std::string SequenceDdl(const SequenceInfo& seq, const Catalog& catalog);
std::string SequenceSetvalSql(const Catalog& catalog, const std::string& name, int64_t value, bool is_called);

}  // namespace yunhe
