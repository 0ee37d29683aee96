#include "exec/spill_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <xxhash.h>

#include "common/memory_limit.h"
#include "common/row_key.h"
#include "common/status.h"
#include "storage/byte_io.h"
#include "storage/wal_record.h"

namespace yunhe {
namespace {

[[noreturn]] void SpillError(const std::string& what, const std::string& path) {
  const int err = errno;
  throw Error(SqlState::ForFileAccess(err),
              fmt::format("could not {} temporary file \"{}\": {}", what, path, std::strerror(err)));
}

}  // namespace

SpillFile::SpillFile(std::vector<LogicalType> types) : types_(std::move(types)) {
  std::string templ = TempDirectory() + "/yunhe-spill-XXXXXX";
  fd_ = ::mkostemp(templ.data(), O_CLOEXEC);
  if (fd_ < 0) SpillError("create", templ);
  path_ = templ;
  ::unlink(path_.c_str());  // gone from the directory at once: only this descriptor holds it
}

SpillFile::~SpillFile() {
  if (fd_ >= 0) ::close(fd_);
}

void SpillFile::Append(const DataChunk& chunk) {
  std::string buf;
  for (const Vector& v : chunk.columns) {
    if (v.size() == chunk.count) {
      EncodeVector(v, &buf);
    } else {  // a vector longer than the chunk (shared arrays): the chunk's rows only
      Vector rows(v.type());
      rows.AppendRange(v, 0, chunk.count);
      EncodeVector(rows, &buf);
    }
  }
  size_t done = 0;
  while (done < buf.size()) {
    ssize_t n = ::pwrite(fd_, buf.data() + done, buf.size() - done, off_t(size_ + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      SpillError("write", path_);
    }
    done += size_t(n);
  }
  offsets_.emplace_back(size_, uint32_t(chunk.count));
  size_ += buf.size();
}

DataChunk SpillFile::Read(size_t k) const {
  const uint64_t begin = offsets_[k].first;
  const uint64_t end = k + 1 < offsets_.size() ? offsets_[k + 1].first : size_;
  std::string buf(end - begin, '\0');
  size_t done = 0;
  while (done < buf.size()) {
    ssize_t n = ::pread(fd_, buf.data() + done, buf.size() - done, off_t(begin + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) SpillError("read", path_);
    done += size_t(n);
  }
  ByteReader in(buf.data(), buf.size());
  DataChunk chunk;
  chunk.count = offsets_[k].second;
  for (const LogicalType& t : types_) {
    Vector v;
    if (!DecodeVector(in, t, chunk.count, &v))
      throw Error(SqlState::kInternalError, fmt::format("temporary file \"{}\" does not read back", path_));
    chunk.columns.push_back(std::move(v));
  }
  return chunk;
}

void AppendPartitions(std::vector<std::unique_ptr<SpillFile>>& files, const DataChunk& in,
                      const std::vector<std::vector<uint32_t>>& rows) {
  for (size_t p = 0; p < rows.size(); ++p) {
    if (rows[p].empty()) continue;
    DataChunk part;
    for (const Vector& c : in.columns) part.columns.push_back(c.Gather(rows[p]));
    part.count = rows[p].size();
    files[p]->Append(part);
  }
}

size_t KeyPartition(std::string_view key, size_t n) { return XXH3_64bits(key.data(), key.size()) % n; }

void AppendByKeys(std::vector<std::unique_ptr<SpillFile>>& files, const DataChunk& in, const std::vector<Vector>& keys) {
  std::vector<std::vector<uint32_t>> rows(files.size());
  std::string key;
  for (size_t r = 0; r < in.count; ++r) {
    key.clear();
    bool null = false;
    for (const Vector& k : keys) {
      null = null || k.IsNull(r);
      if (!null) AppendKeyCell(k, r, key);
    }
    rows[null ? 0 : KeyPartition(key, files.size())].push_back(uint32_t(r));
  }
  AppendPartitions(files, in, rows);
}

}  // namespace yunhe
