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

namespace {

constexpr uint8_t kSequenceType = uint8_t(WalRecordType::kSequence);
constexpr uint8_t kCommitType = uint8_t(WalRecordType::kCommit);
constexpr uint8_t kAbortType = uint8_t(WalRecordType::kAbort);

// A frame found by the first pass: where its payload is, its record type (the payload's first
// byte) and whether replay applies it.
struct FrameRef {
  uint64_t offset = 0;
  uint32_t length = 0;
  uint8_t type = 0;
  bool apply = false;
};

}  // namespace

WalReadResult ReadWal(const std::string& path, const std::function<void(const std::vector<WalRecord>&)>& apply) {
  return ReadWalInBatches(path, SIZE_MAX, apply);
}

WalReadResult ReadWalInBatches(const std::string& path, size_t max_batch_bytes,
                               const std::function<void(const std::vector<WalRecord>&)>& apply) {
  WalReadResult result;
  if (!FileExists(path)) return result;
  FileBlockReader file(path);
  const uint64_t size = file.Size();
  // Pass 1: frames up to the first bad one (the torn tail); a transaction's records are applied
  // once its commit frame is seen, dropped at an abort frame or at the end.
  std::vector<FrameRef> frames;
  std::string buf;
  size_t span_start = 0;  // first frame of the open transaction
  for (uint64_t at = 0; size - at >= 8;) {
    file.ReadAt(at, 8, &buf);
    if (buf.size() < 8) break;
    ByteReader head(buf.data(), 8);
    const uint32_t len = head.U32(), crc = head.U32();
    if (len == 0 || len > kWalFrameMax || len > size - at - 8) break;
    file.ReadAt(at + 8, len, &buf);
    if (buf.size() != len || Crc32c(buf.data(), len) != crc) break;
    FrameRef f{at + 8, len, uint8_t(buf[0]), false};
    at += 8 + len;
    if (f.type == kSequenceType) {
      f.apply = true;  // not transactional: applied where it stands
      frames.push_back(f);
      if (span_start == frames.size() - 1) {
        result.valid_bytes = at;
        span_start = frames.size();
      }
      continue;
    }
    frames.push_back(f);
    if (f.type == kAbortType || f.type == kCommitType) {
      if (f.type == kCommitType) {
        for (size_t k = span_start; k < frames.size(); ++k) frames[k].apply = true;
        ++result.transactions;
      }
      span_start = frames.size();
      result.valid_bytes = at;
    }
  }
  // (The open span at the end stays listed: its records are not applied, its sequences are.)
  result.torn_tail = result.valid_bytes < size;
  // Pass 2: per transaction, its sequence records first (as they stood before its commit came),
  // then its records in batches.
  auto decode = [&](const FrameRef& f, WalRecord* rec) {
    file.ReadAt(f.offset, f.length, &buf);
    if (buf.size() != f.length || !DecodeWalRecord(buf.data(), f.length, rec))
      throw Error(SqlState::kDataCorrupted, fmt::format("WAL \"{}\": malformed record at offset {}", path, f.offset - 8));
  };
  for (size_t begin = 0; begin < frames.size();) {
    size_t end = begin;  // the span: up to and including its commit or abort frame
    while (end < frames.size() && frames[end].type != kCommitType && frames[end].type != kAbortType &&
           !(frames[end].type == kSequenceType && end == begin))
      ++end;
    if (end < frames.size()) ++end;
    for (size_t k = begin; k < end; ++k) {
      if (frames[k].type != kSequenceType) continue;
      WalRecord rec;
      decode(frames[k], &rec);
      apply({rec});
    }
    std::vector<WalRecord> batch;
    size_t batch_bytes = 0;
    for (size_t k = begin; k < end; ++k) {
      if (frames[k].type == kSequenceType || !frames[k].apply) continue;
      WalRecord rec;
      decode(frames[k], &rec);
      batch.push_back(std::move(rec));
      batch_bytes += frames[k].length;
      if (batch_bytes >= max_batch_bytes) {
        apply(batch);
        batch.clear();
        batch_bytes = 0;
      }
    }
    if (!batch.empty()) apply(batch);
    begin = end;
  }
  return result;
}

}  // namespace yunhe
