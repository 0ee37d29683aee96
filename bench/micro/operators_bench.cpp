// Vectorized operators through the engine on an in-memory database: a filtered count (filter
// kernel over 1M rows), GROUP BY over 1000 groups (hash aggregate), and a 1M x 100k equi-join
// count (hash join build + probe). Items are input rows per iteration.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <memory>

#include "engine/database.h"

namespace yunhe {
namespace {

// A benchmark that cannot run its query is a failure (the smoke run in make test must see it).
[[noreturn]] void Fail(const std::string& message) {
  std::fprintf(stderr, "yunhe_micro: %s\n", message.c_str());
  std::exit(1);
}

Database& Db() {
  static std::unique_ptr<Database> db = [] {
    Status st;
    auto d = Database::Open("", &st);
    for (const QueryResult& r : d->Execute(
             "CREATE TABLE t AS SELECT g % 1000 AS k, (g::bigint * 7919) % 1000003 AS v, (g * 0.5)::float8 AS f FROM generate_series(1, 1000000) g;"
             "CREATE TABLE d AS SELECT g::bigint AS k, g % 10 AS w FROM generate_series(1, 100000) g;"))
      if (!r.status.ok()) Fail(r.status.message());
    return d;
  }();
  return *db;
}

void Run(benchmark::State& state, const char* sql, int64_t rows) {
  Database& db = Db();
  for (auto _ : state) {
    QueryResult r = db.ExecuteStatement(sql);
    if (!r.status.ok()) Fail(r.status.message());
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * rows);
}

void BM_FilterCount(benchmark::State& state) { Run(state, "SELECT count(*) FROM t WHERE v > 500000 AND f < 400000", 1000000); }
void BM_HashAggregate(benchmark::State& state) { Run(state, "SELECT k, sum(v), avg(f) FROM t GROUP BY k", 1000000); }
void BM_HashJoinProbe(benchmark::State& state) { Run(state, "SELECT count(*), sum(d.w) FROM t JOIN d ON t.v = d.k", 1100000); }
BENCHMARK(BM_FilterCount)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_HashAggregate)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_HashJoinProbe)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace yunhe
