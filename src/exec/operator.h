// Physical operators. Execution is vectorized: operators hand each other DataChunks of up to
// kChunkRows rows. Pull-based: the root calls Pull() until it returns false.
//
// Contract of Next(): returns true with out.count > 0, or false when exhausted (out untouched).
// Open() (re)starts an operator and its children; correlated subqueries re-open their plan for
// every outer row. Operators are used by one thread at a time.
#pragma once
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "common/cancel.h"
#include "common/vector.h"

namespace yunhe {

class Database;

// The row of an enclosing query that a correlated subquery reads (Expr kOuterColumn).
struct OuterRow {
  const DataChunk* chunk = nullptr;
  size_t row = 0;
};

struct ExecContext {
  Database* db = nullptr;
  std::vector<OuterRow> outer;  // innermost last
  std::vector<Value> params;    // $1, $2, ... (extended query protocol later)
  bool analyze = false;         // EXPLAIN ANALYZE: time each operator
};

class PhysicalOperator {
 public:
  virtual ~PhysicalOperator() = default;

  virtual void Open(ExecContext& ctx) {
    for (auto& c : children) c->OpenTimed(ctx);
  }
  // Open() counted in this operator's time under EXPLAIN ANALYZE (blocking operators such as
  // sorts and aggregates do their work there).
  void OpenTimed(ExecContext& ctx) {
    if (!ctx.analyze) {
      Open(ctx);
      return;
    }
    auto t0 = std::chrono::steady_clock::now();
    Open(ctx);
    time_ns_ += std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count();
  }
  // Pulls the next chunk, counting rows (and time under EXPLAIN ANALYZE). Every pull is a
  // cancellation point (statement_timeout, CancelRequest).
  bool Pull(ExecContext& ctx, DataChunk& out) {
    CheckCancel();
    if (!ctx.analyze) {
      bool more = Next(ctx, out);
      if (more) rows_out_ += out.count;
      return more;
    }
    auto t0 = std::chrono::steady_clock::now();
    bool more = Next(ctx, out);
    time_ns_ += std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count();
    if (more) rows_out_ += out.count;
    return more;
  }

  virtual std::string Name() const = 0;
  virtual std::string Details() const { return ""; }

  std::vector<LogicalType> types;  // output column types
  std::vector<std::string> names;  // output column names
  std::vector<std::shared_ptr<PhysicalOperator>> children;
  // The optimizer's estimate of the rows this operator returns (sql/optimizer/cardinality.h);
  // < 0 when none was made. EXPLAIN shows it.
  double estimated_rows = -1;

  uint64_t rows_out() const { return rows_out_; }
  // For a consumer that reads this operator's input on its own (parallel workers reading a
  // scan's row groups and applying its filter): the rows it let through, for EXPLAIN ANALYZE.
  void CountRowsOut(uint64_t n) { rows_out_ += n; }
  // Inclusive time (children included), nanoseconds.
  int64_t time_ns() const { return time_ns_; }

 protected:
  virtual bool Next(ExecContext& ctx, DataChunk& out) = 0;
  uint64_t rows_out_ = 0;
  int64_t time_ns_ = 0;
};

using OperatorPtr = std::shared_ptr<PhysicalOperator>;

// Runs a plan to completion and collects its chunks.
std::vector<DataChunk> CollectAll(PhysicalOperator& op, ExecContext& ctx);

}  // namespace yunhe
