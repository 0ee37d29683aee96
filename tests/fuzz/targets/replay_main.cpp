// The fuzz targets without libFuzzer (the GCC build of `make test`): runs the target on every
// file of the given corpus directories and on YH_FUZZ_MUTATIONS (default 100) deterministic
// mutations of each — byte flips, deletions, duplications, insertions of interesting bytes,
// splices with another input, truncations — so every target's crash-freedom is checked on each
// build. `make fuzz` runs the same targets under libFuzzer with ASan and UBSan (scripts/fuzz.sh).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

uint64_t state = 0x9E3779B97F4A7C15ull;
uint64_t Next() {  // xorshift64*: the same mutations on every run
  state ^= state >> 12;
  state ^= state << 25;
  state ^= state >> 27;
  return state * 0x2545F4914F6CDD1Dull;
}
size_t Below(size_t n) { return n ? size_t(Next() % n) : 0; }

std::string Mutate(const std::string& in, const std::vector<std::string>& all) {
  static const char* const kInteresting[] = {"\0", "\xff", "'", "\"", "\\", ",", "=", " ", "\n", "$", "*", "(", ")", ";",
                                             "-1", "9223372036854775807", "1e308", "NaN", "NULL", "::", "\xc3\x28"};
  std::string s = in;
  const int edits = 1 + int(Below(4));
  for (int e = 0; e < edits; ++e) {
    switch (Below(6)) {
      case 0:
        if (!s.empty()) s[Below(s.size())] ^= char(1u << Below(8));
        break;
      case 1:
        if (!s.empty()) {
          const size_t at = Below(s.size());
          s.erase(at, 1 + Below(std::min<size_t>(16, s.size() - at)));
        }
        break;
      case 2:
        if (!s.empty()) {
          const size_t at = Below(s.size()), len = 1 + Below(std::min<size_t>(32, s.size() - at));
          s.insert(Below(s.size() + 1), s.substr(at, len));
        }
        break;
      case 3: {
        const char* piece = kInteresting[Below(std::size(kInteresting))];
        s.insert(Below(s.size() + 1), std::string(piece, piece[0] ? std::char_traits<char>::length(piece) : 1));
        break;
      }
      case 4: {
        const std::string& other = all[Below(all.size())];
        if (!other.empty()) s = s.substr(0, Below(s.size() + 1)) + other.substr(Below(other.size()));
        break;
      }
      default:
        s.resize(Below(s.size() + 1));
    }
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> inputs;
  for (int k = 1; k < argc; ++k) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(argv[k], ec)) {
      std::ifstream f(entry.path(), std::ios::binary);
      inputs.emplace_back(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
    }
  }
  if (inputs.empty()) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR... (no inputs found)\n", argv[0]);
    return 2;
  }
  const char* env = std::getenv("YH_FUZZ_MUTATIONS");
  const int mutations = env ? std::atoi(env) : 100;
  size_t runs = 0;
  for (const std::string& in : inputs) {
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(in.data()), in.size());
    ++runs;
    for (int m = 0; m < mutations; ++m) {
      const std::string s = Mutate(in, inputs);
      LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(s.data()), s.size());
      ++runs;
    }
  }
  std::printf("%s: %zu inputs, %zu runs, no crash\n", argv[0], inputs.size(), runs);
  return 0;
}
