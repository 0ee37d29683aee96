#include "storage/wal.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "common/crc32c.h"
#include "common/status.h"
#include "storage/byte_io.h"
#include "storage/file_faults.h"
#include "storage/file_util.h"

namespace yunhe {

WalWriter::WalWriter(const std::string& path, uint64_t valid_bytes) : path_(path) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw Error(SqlState::kIoError, fmt::format("could not open WAL \"{}\": {}", path, std::strerror(errno)));
  if (::ftruncate(fd_, off_t(valid_bytes)) != 0 || ::lseek(fd_, off_t(valid_bytes), SEEK_SET) < 0)
    throw Error(SqlState::kIoError, fmt::format("could not truncate WAL \"{}\": {}", path, std::strerror(errno)));
  ::fdatasync(fd_);
  size_ = valid_bytes;
}

WalWriter::~WalWriter() {
  if (fd_ >= 0) ::close(fd_);
}


int WalWriter::Sync() const {
  if (int err = InjectedFault(FileOp::kSync, path_)) return err;
  return ::fdatasync(fd_) == 0 ? 0 : errno;
}

void WalWriter::Append(const std::vector<WalRecord>& records) {
  std::string& buf = frames_;
  buf.clear();
  for (const auto& r : records) {
    // Each frame: payload length, CRC-32C of the payload, payload; the header is filled in
    // once the payload is encoded after it.
    const size_t header = buf.size();
    buf.append(8, '\0');
    EncodeWalRecord(r, &buf);
    const size_t len = buf.size() - header - 8;
    if (len >= kWalFrameMax) {
      buf.clear();
      throw Error(SqlState::kFeatureNotSupported, "a single statement wrote more than 1 GiB to one table; split it");
    }
    const uint32_t frame[2] = {uint32_t(len), Crc32c(buf.data() + header + 8, len)};
    std::memcpy(buf.data() + header, frame, sizeof(frame));  // little-endian, as ByteWriter writes
  }
  struct Trim {  // a buffer grown by one huge statement is not kept
    std::string& b;
    ~Trim() {
      if (b.capacity() > (size_t(256) << 20)) std::string().swap(b);
    }
  } trim{buf};
  size_t off = 0;
  const int write_fault = InjectedFault(FileOp::kWrite, path_);
  while (off < buf.size()) {
    // An injected fault writes half the frames' bytes, then fails (a short write, then ENOSPC).
    const bool fail_now = write_fault && off >= buf.size() / 2;
    ssize_t n = fail_now ? -1 : ::write(fd_, buf.data() + off, write_fault ? buf.size() / 2 - off : buf.size() - off);
    if (fail_now) errno = write_fault;
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      DropTail();
      throw Error(SqlState::kIoError, fmt::format("could not write WAL \"{}\": {}", path_, std::strerror(err)));
    }
    off += size_t(n);
  }
  size_ += buf.size();
}

void WalWriter::DropTail() {
  (void)::ftruncate(fd_, off_t(size_));
  (void)::lseek(fd_, off_t(size_), SEEK_SET);
  (void)::fdatasync(fd_);
}

WalReadResult ReadWal(const std::string& path, const std::function<void(const std::vector<WalRecord>&)>& apply) {
  WalReadResult result;
  if (!FileExists(path)) return result;
  std::string data = ReadWholeFile(path);
  ByteReader in(data.data(), data.size());
  std::vector<WalRecord> pending;
  while (in.remaining() > 0) {
    if (in.remaining() < 8) break;
    uint32_t len = in.U32();
    uint32_t crc = in.U32();
    if (len > kWalFrameMax || len > in.remaining()) break;
    const char* payload = in.position();
    if (Crc32c(payload, len) != crc) break;
    WalRecord rec;
    if (!DecodeWalRecord(payload, len, &rec))
      throw Error(SqlState::kDataCorrupted, fmt::format("WAL \"{}\": malformed record at offset {}", path,
                                                        size_t(payload - data.data()) - 8));
    in.Skip(len);
    if (rec.type == WalRecordType::kSequence) {
      apply({rec});
      result.valid_bytes = pending.empty() ? uint64_t(in.position() - data.data()) : result.valid_bytes;
      continue;
    }
    if (rec.type == WalRecordType::kAbort) {
      pending.clear();
      result.valid_bytes = uint64_t(in.position() - data.data());
      continue;
    }
    bool commit = rec.type == WalRecordType::kCommit;
    pending.push_back(std::move(rec));
    if (commit) {
      apply(pending);
      pending.clear();
      result.valid_bytes = uint64_t(in.position() - data.data());
      ++result.transactions;
    }
  }
  result.torn_tail = result.valid_bytes < data.size();
  return result;
}

}  // namespace yunhe
