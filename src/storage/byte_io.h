// Little-endian writer and bounds-checked reader for the on-disk formats. A reader never reads
// past its end: a short or corrupt input sets ok() to false instead of crashing.
#pragma once
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace yunhe {

class ByteWriter {
 public:
  explicit ByteWriter(std::string* out) : out_(out) {}
  void U8(uint8_t v) { out_->push_back(char(v)); }
  void U32(uint32_t v) { Raw(&v, 4); }
  void U64(uint64_t v) { Raw(&v, 8); }
  void I64(int64_t v) { Raw(&v, 8); }
  void F64(double v) { Raw(&v, 8); }
  void Raw(const void* p, size_t n) {
    if (n) out_->append(static_cast<const char*>(p), n);
  }
  void Str(std::string_view s) {
    U32(uint32_t(s.size()));
    out_->append(s);
  }

 private:
  std::string* out_;
};

class ByteReader {
 public:
  ByteReader(const char* data, size_t size) : p_(data), end_(data + size) {}
  bool ok() const { return ok_; }
  size_t remaining() const { return size_t(end_ - p_); }
  const char* position() const { return p_; }
  uint8_t U8() { uint8_t v = 0; Raw(&v, 1); return v; }
  uint32_t U32() { uint32_t v = 0; Raw(&v, 4); return v; }
  uint64_t U64() { uint64_t v = 0; Raw(&v, 8); return v; }
  int64_t I64() { int64_t v = 0; Raw(&v, 8); return v; }
  double F64() { double v = 0; Raw(&v, 8); return v; }
  void Raw(void* dst, size_t n) {
    if (n == 0) return;
    if (!ok_ || remaining() < n) {
      ok_ = false;
      std::memset(dst, 0, n);
      return;
    }
    std::memcpy(dst, p_, n);
    p_ += n;
  }
  std::string Str() {
    uint32_t n = U32();
    if (!ok_ || remaining() < n) {
      ok_ = false;
      return "";
    }
    std::string s(p_, n);
    p_ += n;
    return s;
  }
  // The same bytes as Str(), without a copy: valid while the buffer read is.
  std::string_view StrView() {
    uint32_t n = U32();
    if (!ok_ || remaining() < n) {
      ok_ = false;
      return {};
    }
    std::string_view s(p_, n);
    p_ += n;
    return s;
  }
  void Skip(size_t n) {
    if (remaining() < n) ok_ = false;
    else p_ += n;
  }

 private:
  const char* p_;
  const char* end_;
  bool ok_ = true;
};

}  // namespace yunhe
