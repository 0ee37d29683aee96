// Column chunks: a Vector holds up to kChunkRows values of one type plus a null mask; a DataChunk
// is a row-aligned set of Vectors. Operators exchange DataChunks.
//
// Every backing array is shared copy-on-write, so copying a Vector (a table scan handing out a
// row group's columns, a column reference, an all-NULL placeholder) is a few pointer copies and
// the first write through a copy clones what it writes to. Consequence for callers: a pointer
// from a non-const accessor (i64(), nulls(), ...) is valid for writing only until the Vector
// is copied; take it again after a copy.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/text_dictionary.h"
#include "common/types.h"
#include "common/value.h"

namespace yunhe {

inline constexpr size_t kChunkRows = 2048;

// A std::vector shared copy-on-write (see above). Threads may copy one concurrently (scans of
// the same row group); a thread writes only through CowArrays it owns.
template <typename T>
class CowArray {
 public:
  const std::vector<T>& get() const { return p_ ? *p_ : Empty(); }
  std::vector<T>& mut() {
    if (!p_) {
      p_ = std::make_shared<std::vector<T>>();
    } else if (p_.use_count() > 1) {
      p_ = std::make_shared<std::vector<T>>(*p_);
    } else {
      // Sole owner: pair with the release of whoever dropped the last other copy, so its
      // reads happen before our writes.
      std::atomic_thread_fence(std::memory_order_acquire);
    }
    return *p_;
  }
  void assign(std::vector<T> v) { p_ = std::make_shared<std::vector<T>>(std::move(v)); }
  void share(std::shared_ptr<std::vector<T>> p) { p_ = std::move(p); }
  size_t size() const { return p_ ? p_->size() : 0; }
  bool shared() const { return p_ && p_.use_count() > 1; }

 private:
  static const std::vector<T>& Empty() {
    static const std::vector<T> empty;
    return empty;
  }
  std::shared_ptr<std::vector<T>> p_;
};

class Vector {
 public:
  Vector() = default;
  explicit Vector(LogicalType t) : type_(t) {}

  const LogicalType& type() const { return type_; }
  void set_type(LogicalType t) {
    if (t.physical() != PhysicalType::kStr) DropDictionary();
    type_ = t;
  }
  size_t size() const { return nulls_.size(); }

  // Resizes every backing array for the physical type; new slots are NULL.
  void Resize(size_t n);
  void Reserve(size_t n);
  void Clear() { Resize(0); }

  bool IsNull(size_t row) const { return nulls_.get()[row] != 0; }
  void SetNull(size_t row, bool is_null) {
    DropDictionary();
    all_null_ = all_null_ && is_null;
    nulls_.mut()[row] = is_null;
  }
  bool HasNulls() const;
  // Known to hold nothing but NULLs (made by Nulls() or a NULL Constant(), and not written
  // since): the placeholders of pruned columns, which filters and joins then select from
  // without copying values. False says nothing.
  bool AllNull() const { return all_null_; }

  // Typed access; the caller picks by physical type once per chunk. Non-const accessors
  // unshare the array (see the top of this file).
  int64_t* i64() { Writing(); return i64_.mut().data(); }
  const int64_t* i64() const { return i64_.get().data(); }
  double* f64() { Writing(); return f64_.mut().data(); }
  const double* f64() const { return f64_.get().data(); }
  std::string* str() { Writing(); return str_.mut().data(); }
  const std::string* str() const { return str_.get().data(); }
  Decimal* dec() { Writing(); return dec_.mut().data(); }
  const Decimal* dec() const { return dec_.get().data(); }
  Interval* iv() { Writing(); return iv_.mut().data(); }
  const Interval* iv() const { return iv_.get().data(); }
  uint8_t* nulls() { Writing(); return nulls_.mut().data(); }
  const uint8_t* nulls() const { return nulls_.get().data(); }

  // Text only: the values of the rows (common/text_dictionary.h) and each row's index among
  // them, when whoever made the vector knew them; nullptr otherwise. Every write to the vector
  // (a non-const accessor, an append, a resize) drops them; Select, Gather and Slice carry them
  // over. The dictionary may hold values no row has (one dictionary serves the row groups of a
  // part's stripe). Readers must still check NULL flags; every code, a NULL row's included, is
  // below max(1, dictionary size), so a table indexed by code may be read without a branch.
  const TextDictionary* dictionary() const { return coded_ ? coded_->dictionary.get() : nullptr; }
  const uint32_t* codes() const { return coded_ ? coded_->codes.data() : nullptr; }
  std::shared_ptr<const TextDictionary> shared_dictionary() const { return coded_ ? coded_->dictionary : nullptr; }
  // Both, to hand to another vector of the same rows (a row group's cached read) without a copy.
  const std::shared_ptr<const DictionaryCodes>& dictionary_codes() const { return coded_; }
  // d.codes has a code for each row of this vector, and row r's value (when not NULL) is
  // d.dictionary->values[code r]. Without a dictionary: drops the vector's.
  void SetDictionary(DictionaryCodes d) {
    if (d.dictionary) coded_ = std::make_shared<const DictionaryCodes>(std::move(d));
    else coded_.reset();
  }
  void SetDictionary(std::shared_ptr<const DictionaryCodes> d) { coded_ = std::move(d); }
  void DropDictionary() {
    if (coded_) coded_.reset();
  }

  Value GetValue(size_t row) const;
  void SetValue(size_t row, const Value& v);  // v must already have this vector's type (or be NULL)
  void Append(const Value& v);
  void AppendFrom(const Vector& src, size_t row);
  void AppendRange(const Vector& src, size_t begin, size_t count);
  // Appends src's rows rows[0..n) (a gather: index lookups emit scattered rows of one group).
  void AppendSelected(const Vector& src, const uint32_t* rows, size_t n);
  // Keeps the rows whose index is listed in sel (in that order).
  void Select(const std::vector<uint32_t>& sel);
  Vector Gather(const std::vector<uint32_t>& sel) const;
  // Rows [begin, begin + count) as a vector of their own (copied), its dictionary kept.
  Vector Slice(size_t begin, size_t count) const;
  // A vector of n copies of v.
  static Vector Constant(const Value& v, LogicalType t, size_t n);
  // n NULLs of type t. Up to kChunkRows rows it shares process-wide arrays (pruned columns'
  // placeholders in every scan and every filter's output: a copy is pointer copies, not fresh
  // cells): the value array of a kChunkRows-row one per type, longer than n when n is less
  // (nobody reads a NULL's value; appends first trim it), and a NULL-flag array per n.
  static Vector Nulls(LogicalType t, size_t n);

 private:
  // Calls f(mine, theirs) on the NULL flags and on the value arrays of the physical type (src
  // has the same type); when src is this vector, on a copy sharing its arrays, so writes through
  // mut() clone them first. Defined in vector.cpp, the only user.
  template <class F>
  void ZipArrays(const Vector& src, F&& f);
  void Writing() {
    all_null_ = false;
    DropDictionary();
  }
  // Cuts the value array to size() (a shared placeholder's may be longer), before appending.
  void TrimValues();

  LogicalType type_;
  CowArray<int64_t> i64_;
  CowArray<double> f64_;
  CowArray<std::string> str_;
  CowArray<Decimal> dec_;
  CowArray<Interval> iv_;
  CowArray<uint8_t> nulls_;
  bool all_null_ = false;
  // Both in one object, so copying a vector (which scans do per column and group, from several
  // threads) costs one reference count more, not two.
  std::shared_ptr<const DictionaryCodes> coded_;
};

struct DataChunk {
  std::vector<Vector> columns;
  size_t count = 0;

  void Init(const std::vector<LogicalType>& types) {
    columns.clear();
    for (auto& t : types) columns.emplace_back(t);
    count = 0;
  }
  void Reset() {
    for (auto& c : columns) c.Clear();
    count = 0;
  }
  void AppendRow(const DataChunk& src, size_t row) {
    for (size_t c = 0; c < columns.size(); ++c) columns[c].AppendFrom(src.columns[c], row);
    ++count;
  }
  void Select(const std::vector<uint32_t>& sel) {
    for (auto& c : columns) c.Select(sel);
    count = sel.size();
  }
  std::vector<LogicalType> Types() const {
    std::vector<LogicalType> t;
    for (auto& c : columns) t.push_back(c.type());
    return t;
  }
};

}  // namespace yunhe
