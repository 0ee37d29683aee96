// Line protocol parsed ahead of its writing. A large body is cut at line ends into pieces; a
// second thread parses the next pieces while the caller's thread writes the points of the ones
// before (the writing holds the database: it takes schema decisions and appends in line order,
// so it stays on one thread). On two cores that hides most of the parsing behind the appends.
#pragma once
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "ingest/lineproto/line_protocol.h"

namespace yunhe::lineproto {

// One piece's lines parsed: points kept flat (names and values view the input, or the piece's
// own copies of the ones the parser had to unescape), bad lines with their reasons, in order.
class ParsedPiece {
 public:
  // Parses `text` (whole lines) in place of what the piece held.
  void Parse(std::string_view text, Precision precision);
  size_t size() const { return entries_.size(); }
  // Entry i: a point (true, *p filled) or a bad line (false, *error says why); *line is its
  // 1-based line within the piece.
  bool Get(size_t i, Point* p, std::string* error, size_t* line) const;
  size_t lines() const { return lines_; }  // lines the piece spans (blank and comment lines too)
  // Entry i is a point of the same measurement, tag keys and field keys and kinds as entry i-1
  // (a point too): a writer that took that one may take this one's values without checks.
  bool SameShapeAsPrevious(size_t i) const { return entries_[i].same_shape; }
  // Entry i's parts, for a point (no copies).
  const Tag* tags(size_t i) const { return tags_.data() + entries_[i].tags_begin; }
  const Field* fields(size_t i) const { return fields_.data() + entries_[i].fields_begin; }
  bool has_timestamp(size_t i) const { return entries_[i].has_timestamp; }
  int64_t timestamp_ns(size_t i) const { return entries_[i].timestamp_ns; }
  size_t line(size_t i) const { return entries_[i].line; }

 private:
  struct Entry {
    size_t line;
    std::string_view measurement;
    uint32_t tags_begin, tags_end, fields_begin, fields_end;
    int64_t timestamp_ns;
    bool has_timestamp;
    bool same_shape;
    int32_t error;  // index into errors_, or -1 for a point
  };
  // Entries a and b (b's parts still in `parts`, the arrays being filled) are points of one shape.
  static bool SameShape(const Entry& a, const Entry& b, const Point& parts);
  // A view into the parser's per-line scratch moved onto `copy` (the same bytes).
  static std::string_view Rebase(std::string_view v, const std::string& scratch, const std::string& copy);

  std::vector<Entry> entries_;
  std::vector<Tag> tags_;
  std::vector<Field> fields_;
  std::vector<std::string> errors_;
  std::deque<std::string> unescaped_;  // a deque: its strings never move as it grows
  size_t lines_ = 0;
};

// `data` (whole lines) cut into pieces of about piece_bytes at line ends and parsed up to
// kSlots pieces ahead of their consumer, on a second thread started at construction: a server
// builds one before it waits for the database, so the parsing need not hold it. `data` must
// outlive it. The destructor stops the parsing.
class PieceParser {
 public:
  PieceParser(std::string_view data, Precision precision, size_t piece_bytes);
  ~PieceParser();
  PieceParser(const PieceParser&) = delete;
  PieceParser& operator=(const PieceParser&) = delete;
  // Calls consume(piece, lines_before) for each piece in order on this thread (once), with the
  // lines of `data` before the piece. An exception from consume reaches the caller (the
  // destructor then stops the helper).
  void Consume(const std::function<void(const ParsedPiece&, size_t lines_before)>& consume);

 private:
  static constexpr size_t kSlots = 8;  // a ring: piece i is parsed into slot i % kSlots
  bool CanTake() const;                // under mu_: the next piece may be taken (its slot is free)
  void ParseInto(size_t i);

  Precision precision_;
  std::vector<std::string_view> pieces_;
  std::vector<ParsedPiece> slots_;
  std::vector<char> ready_;
  std::mutex mu_;
  std::condition_variable changed_;
  size_t next_ = 0, consumed_ = 0;  // the next piece nobody took; pieces consumed
  bool stop_ = false;
  std::exception_ptr failure_;  // a parse that failed (allocation)
  std::thread helper_;
};

}  // namespace yunhe::lineproto
