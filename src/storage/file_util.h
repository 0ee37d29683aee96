// Small POSIX file helpers with explicit durability: every function that says "durable" has
// fsynced the file (and, for renames, the directory) before it returns. Failures throw Error
// (58030 I/O error) naming the file.
#pragma once
#include <cstdint>
#include <string>

namespace yunhe {

std::string ReadWholeFile(const std::string& path);  // throws if missing

// Reads a file front to back in pieces (COPY FROM 'file' with bounded memory). Errors throw as
// ReadWholeFile's do (58P01 missing, 42501 permission, ...).
class FileBlockReader {
 public:
  explicit FileBlockReader(const std::string& path);
  ~FileBlockReader();
  FileBlockReader(const FileBlockReader&) = delete;
  FileBlockReader& operator=(const FileBlockReader&) = delete;
  // Up to max_bytes more (appended to *piece after clearing it); false at the end of the file.
  bool Next(std::string* piece, size_t max_bytes);
  // Up to `length` bytes at `offset` into *out (fewer only at the end of the file).
  void ReadAt(uint64_t offset, size_t length, std::string* out);
  uint64_t Size() const;
  int fd() const { return fd_; }

 private:
  void Fill(std::string* out, size_t length, const uint64_t* offset);
  std::string path_;
  int fd_ = -1;
};
bool FileExists(const std::string& path);
void WriteFileDurable(const std::string& path, const std::string& data);
// Writes path.tmp, fsyncs, renames over path, fsyncs the directory.
void ReplaceFileDurable(const std::string& path, const std::string& data);
void SyncDirectory(const std::string& dir);
void MakeDirectories(const std::string& dir);
void RemoveFile(const std::string& path);

// An exclusive flock on DIR/yunhe.lock held for the object's life; the kernel releases it if the
// process dies, so a crash never leaves the directory locked.
class DirectoryLock {
 public:
  explicit DirectoryLock(const std::string& dir);  // throws 55006 when another process holds it
  ~DirectoryLock();
  DirectoryLock(const DirectoryLock&) = delete;
  DirectoryLock& operator=(const DirectoryLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace yunhe
