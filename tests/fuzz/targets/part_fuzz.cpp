// Fuzz target: part files (docs/format.md) as a reopened database reads them: the footer, then
// every column block. A damaged file must fail with XX001 (or 58030), never crash or decode
// garbage silently.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>

#include "common/status.h"
#include "storage/part_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string dir = "/tmp/yunhe-part-fuzz-" + std::to_string(getpid());
  static const bool made = [] { return ::mkdir(dir.c_str(), 0700) == 0 || errno == EEXIST; }();
  if (!made) return 0;
  // A new name per input: the buffer pool caches blocks by file.
  static uint64_t n = 0;
  const std::string name = "p" + std::to_string(++n) + ".part";
  {
    std::ofstream f(dir + "/" + name, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(data), std::streamsize(size));
  }
  try {
    auto part = yunhe::PartFile::Open(dir, name);
    for (size_t g = 0; g < part->groups().size() && g < 64; ++g)
      for (size_t c = 0; c < part->types().size(); ++c) (void)part->ReadColumn(g, c);
    part->MarkObsolete();
  } catch (const yunhe::Error&) {
    // refused: what a damaged part must do
  }
  ::unlink((dir + "/" + name).c_str());
  return 0;
}
