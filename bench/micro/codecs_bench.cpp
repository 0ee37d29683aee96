// Column block codecs: encode and decode one 2048-value block of each kind of column, on data
// shaped like what yunhe stores (regular timestamps, slowly varying doubles, small integers,
// low-cardinality text). Bytes processed are the decoded sizes.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <random>

#include "common/vector.h"
#include "storage/codecs.h"

namespace yunhe {
namespace {

Vector MakeColumn(TypeId type) {
  std::mt19937_64 rng(7);
  Vector v(type);
  v.Resize(kChunkRows);
  double x = 20.0;
  static const char* kHosts[] = {"host_0", "host_1", "host_2", "host_3", "host_4", "host_5", "host_6", "host_7"};
  for (size_t k = 0; k < kChunkRows; ++k) {
    v.SetNull(k, false);
    switch (type) {
      case TypeId::kTimestamp: v.i64()[k] = 1700000000000000000 + int64_t(k) * 10000000000 + int64_t(rng() % 3); break;
      case TypeId::kFloat64: x += double(int64_t(rng() % 21) - 10) / 100; v.f64()[k] = x; break;
      case TypeId::kInt64: v.i64()[k] = int64_t(rng() % 1000); break;
      default: v.str()[k] = kHosts[rng() % 8]; break;
    }
  }
  return v;
}

void BM_Encode(benchmark::State& state, TypeId type) {
  const Vector v = MakeColumn(type);
  std::string out;
  for (auto _ : state) {
    out.clear();
    EncodeColumnBlock(v, &out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(kChunkRows) * 8);
  state.counters["bytes_per_value"] = double(out.size()) / double(kChunkRows);
}

void BM_Decode(benchmark::State& state, TypeId type) {
  const Vector v = MakeColumn(type);
  std::string block;
  EncodeColumnBlock(v, &block);
  for (auto _ : state) {
    Vector out(type);
    if (!DecodeColumnBlock(block.data(), block.size(), LogicalType(type), kChunkRows, &out)) {
      std::fprintf(stderr, "yunhe_micro: decode failed\n");
      std::exit(1);
    }
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(kChunkRows) * 8);
}

BENCHMARK_CAPTURE(BM_Encode, timestamps_delta_of_delta, TypeId::kTimestamp);
BENCHMARK_CAPTURE(BM_Decode, timestamps_delta_of_delta, TypeId::kTimestamp);
BENCHMARK_CAPTURE(BM_Encode, doubles_xor, TypeId::kFloat64);
BENCHMARK_CAPTURE(BM_Decode, doubles_xor, TypeId::kFloat64);
BENCHMARK_CAPTURE(BM_Encode, integers_frame_of_reference, TypeId::kInt64);
BENCHMARK_CAPTURE(BM_Decode, integers_frame_of_reference, TypeId::kInt64);
BENCHMARK_CAPTURE(BM_Encode, text_dictionary, TypeId::kText);
BENCHMARK_CAPTURE(BM_Decode, text_dictionary, TypeId::kText);

}  // namespace
}  // namespace yunhe
