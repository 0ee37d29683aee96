#include "storage/file_util.h"

#include "storage/file_faults.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "common/status.h"

namespace yunhe {
namespace {
// PostgreSQL's wording: could not open file "x" for reading: No such file or directory.
[[noreturn]] void IoError(const std::string& what, const std::string& path, const char* purpose = "") {
  const int err = errno;
  throw Error(SqlState::ForFileAccess(err),
              fmt::format("could not {} file \"{}\"{}: {}", what, path, purpose, std::strerror(err)));
}
}  // namespace

std::string ReadWholeFile(const std::string& path) {
  FileBlockReader reader(path);
  // Sized by the file (a manifest is a few hundred bytes): a fixed 1 MiB read buffer cost a
  // megabyte of fresh pages per small file at open.
  struct stat st;
  const size_t size = ::fstat(reader.fd(), &st) == 0 && st.st_size > 0 ? size_t(st.st_size) : 0;
  std::string out, piece;
  out.reserve(size);
  while (reader.Next(&piece, std::clamp<size_t>(size + 1 - std::min(size, out.size()), 4096, 1u << 20))) out += piece;
  return out;
}

FileBlockReader::FileBlockReader(const std::string& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) IoError("open", path, " for reading");
}

FileBlockReader::~FileBlockReader() {
  if (fd_ >= 0) ::close(fd_);
}

// Up to `length` bytes into *out: read() on from where the file is (pipes and FIFOs too), or
// pread() at `offset` when it is given.
void FileBlockReader::Fill(std::string* out, size_t length, const uint64_t* offset) {
  out->resize(length);
  size_t got = 0;
  while (got < length) {
    ssize_t n = offset ? ::pread(fd_, out->data() + got, length - got, off_t(*offset + got)) : ::read(fd_, out->data() + got, length - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      IoError("read", path_);
    }
    if (n == 0) break;
    got += size_t(n);
  }
  out->resize(got);
}

bool FileBlockReader::Next(std::string* piece, size_t max_bytes) {
  Fill(piece, max_bytes, nullptr);
  return !piece->empty();
}

void FileBlockReader::ReadAt(uint64_t offset, size_t length, std::string* out) { Fill(out, length, &offset); }

uint64_t FileBlockReader::Size() const {
  struct stat st;
  if (::fstat(fd_, &st) != 0) IoError("stat", path_);
  return uint64_t(st.st_size);
}

bool FileExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

void WriteFileDurable(const std::string& path, const std::string& data) {
  if (int err = InjectedFault(FileOp::kCreate, path)) {
    errno = err;
    IoError("create", path);
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) IoError("create", path);
  size_t off = 0;
  const int write_fault = InjectedFault(FileOp::kWrite, path);
  while (off < data.size()) {
    if (write_fault && off >= data.size() / 2) {
      ::close(fd);
      errno = write_fault;
      IoError("write", path);
    }
    const size_t want = write_fault ? data.size() / 2 - off : data.size() - off;
    ssize_t n = ::write(fd, data.data() + off, want);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      IoError("write", path);
    }
    off += size_t(n);
  }
  const int sync_fault = InjectedFault(FileOp::kSync, path);
  if (sync_fault || ::fsync(fd) != 0) {
    if (sync_fault) errno = sync_fault;
    ::close(fd);
    IoError("fsync", path);
  }
  ::close(fd);
}

void SyncDirectory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) IoError("open directory", dir);
  ::fsync(fd);
  ::close(fd);
}

void ReplaceFileDurable(const std::string& path, const std::string& data) {
  std::string tmp = path + ".tmp";
  WriteFileDurable(tmp, data);
  if (int err = InjectedFault(FileOp::kRename, path)) {
    errno = err;
    IoError("rename", tmp);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) IoError("rename", tmp);
  SyncDirectory(std::filesystem::path(path).parent_path().string());
}

void MakeDirectories(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw Error(SqlState::kIoError, fmt::format("could not create directory \"{}\": {}", dir, ec.message()));
}

void RemoveFile(const std::string& path) { ::unlink(path.c_str()); }

DirectoryLock::DirectoryLock(const std::string& dir) {
  std::string path = dir + "/yunhe.lock";
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) IoError("open lock", path);
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd_);
    fd_ = -1;
    throw Error(SqlState::kObjectInUse,
                fmt::format("data directory \"{}\" is in use by another yunhe process", dir));
  }
}

DirectoryLock::~DirectoryLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace yunhe
