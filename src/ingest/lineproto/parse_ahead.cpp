#include "ingest/lineproto/parse_ahead.h"

#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

namespace yunhe::lineproto {

std::string_view ParsedPiece::Rebase(std::string_view v, const std::string& scratch, const std::string& copy) {
  const char* s = scratch.data();
  if (v.data() < s || v.data() >= s + scratch.size()) return v;  // views the input itself
  return std::string_view(copy.data() + (v.data() - s), v.size());
}

void ParsedPiece::Parse(std::string_view text, Precision precision) {
  entries_.clear();
  tags_.clear();
  fields_.clear();
  errors_.clear();
  unescaped_.clear();
  Parser parser(text, precision);
  // The parser appends each point's tags and fields straight onto the piece's flat arrays (no
  // copy through a Point of its own): p holds them while parsing and gives them back at the end.
  Point p;
  p.tags.swap(tags_);
  p.fields.swap(fields_);
  struct GiveBack {
    ParsedPiece& piece;
    Point& p;
    ~GiveBack() { piece.tags_.swap(p.tags), piece.fields_.swap(p.fields); }
  } give_back{*this, p};
  for (;;) {
    const size_t tags_begin = p.tags.size(), fields_begin = p.fields.size();
    const Parser::Result r = parser.NextAppending(&p);
    if (r == Parser::kEnd) break;
    Entry e{parser.line(), {}, 0, 0, 0, 0, 0, false, false, -1};
    if (r == Parser::kError) {
      p.tags.resize(tags_begin);
      p.fields.resize(fields_begin);
      e.error = int32_t(errors_.size());
      errors_.push_back(parser.error());
      entries_.push_back(e);
      continue;
    }
    // Names and values the parser unescaped live in its scratch until the next line: copied
    // (rare: an escaped space, comma or quote).
    const std::string& scratch = parser.scratch();
    if (!scratch.empty()) {
      const std::string& copy = unescaped_.emplace_back(scratch);
      p.measurement = Rebase(p.measurement, scratch, copy);
      for (size_t k = tags_begin; k < p.tags.size(); ++k) {
        Tag& t = p.tags[k];
        t.key = Rebase(t.key, scratch, copy), t.value = Rebase(t.value, scratch, copy);
      }
      for (size_t k = fields_begin; k < p.fields.size(); ++k) {
        Field& f = p.fields[k];
        f.key = Rebase(f.key, scratch, copy), f.s = Rebase(f.s, scratch, copy);
      }
    }
    e.measurement = p.measurement;
    e.tags_begin = uint32_t(tags_begin);
    e.tags_end = uint32_t(p.tags.size());
    e.fields_begin = uint32_t(fields_begin);
    e.fields_end = uint32_t(p.fields.size());
    e.timestamp_ns = p.timestamp_ns;
    e.has_timestamp = p.has_timestamp;
    e.same_shape = !entries_.empty() && SameShape(entries_.back(), e, p);
    entries_.push_back(e);
  }
  lines_ = parser.line();
}

bool ParsedPiece::SameShape(const Entry& a, const Entry& b, const Point& parts) {
  const std::vector<Tag>& tags = parts.tags;
  const std::vector<Field>& fields = parts.fields;
  if (a.error >= 0 || a.measurement != b.measurement || a.tags_end - a.tags_begin != b.tags_end - b.tags_begin ||
      a.fields_end - a.fields_begin != b.fields_end - b.fields_begin)
    return false;
  for (uint32_t k = 0; k < a.tags_end - a.tags_begin; ++k)
    if (tags[a.tags_begin + k].key != tags[b.tags_begin + k].key) return false;
  for (uint32_t k = 0; k < a.fields_end - a.fields_begin; ++k) {
    const Field& x = fields[a.fields_begin + k];
    const Field& y = fields[b.fields_begin + k];
    if (x.kind != y.kind || x.key != y.key) return false;
  }
  return true;
}

bool ParsedPiece::Get(size_t i, Point* p, std::string* error, size_t* line) const {
  const Entry& e = entries_[i];
  *line = e.line;
  if (e.error >= 0) {
    *error = errors_[size_t(e.error)];
    return false;
  }
  p->measurement = e.measurement;
  p->tags.assign(tags_.begin() + e.tags_begin, tags_.begin() + e.tags_end);
  p->fields.assign(fields_.begin() + e.fields_begin, fields_.begin() + e.fields_end);
  p->timestamp_ns = e.timestamp_ns;
  p->has_timestamp = e.has_timestamp;
  return true;
}

namespace {

// `data` cut into pieces of about `piece_bytes`, each ending just after a newline (the last
// one at the end of data).
std::vector<std::string_view> CutAtLineEnds(std::string_view data, size_t piece_bytes) {
  std::vector<std::string_view> pieces;
  size_t start = 0;
  while (start < data.size()) {
    size_t end = std::min(data.size(), start + piece_bytes);
    if (end < data.size()) {
      const size_t nl = data.find('\n', end - 1);
      end = nl == std::string_view::npos ? data.size() : nl + 1;
    }
    pieces.push_back(data.substr(start, end - start));
    start = end;
  }
  return pieces;
}

}  // namespace

PieceParser::PieceParser(std::string_view data, Precision precision, size_t piece_bytes)
    : precision_(precision), pieces_(CutAtLineEnds(data, piece_bytes)), ready_(pieces_.size(), 0) {
  if (pieces_.size() <= 1 || std::thread::hardware_concurrency() < 2) return;  // Consume parses alone
  slots_.resize(kSlots);
  helper_ = std::thread([this] {
    for (;;) {
      size_t i;
      {
        std::unique_lock lock(mu_);
        changed_.wait(lock, [&] { return stop_ || failure_ || next_ >= pieces_.size() || CanTake(); });
        if (stop_ || failure_ || next_ >= pieces_.size()) return;
        i = next_++;
      }
      ParseInto(i);
    }
  });
}

PieceParser::~PieceParser() {
  if (!helper_.joinable()) return;
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  changed_.notify_all();
  helper_.join();
}

bool PieceParser::CanTake() const { return next_ < pieces_.size() && next_ < consumed_ + kSlots; }

void PieceParser::ParseInto(size_t i) {
  std::exception_ptr failed;
  try {
    slots_[i % kSlots].Parse(pieces_[i], precision_);  // bad lines are entries: only allocation fails
  } catch (...) {
    failed = std::current_exception();
  }
  {
    std::lock_guard lock(mu_);
    if (failed && !failure_) failure_ = failed;
    ready_[i] = 1;
  }
  changed_.notify_all();
}

void PieceParser::Consume(const std::function<void(const ParsedPiece&, size_t lines_before)>& consume) {
  size_t lines_before = 0;
  if (!helper_.joinable()) {
    ParsedPiece piece;
    for (std::string_view text : pieces_) {
      piece.Parse(text, precision_);
      consume(piece, lines_before);
      lines_before += piece.lines();
    }
    return;
  }
  for (size_t i = 0; i < pieces_.size(); ++i) {
    // Piece i, parsed by the helper, or by this thread: when it is not ready, this thread
    // parses the next piece nobody took (so both cores parse while the appends wait).
    for (;;) {
      size_t take;
      {
        std::unique_lock lock(mu_);
        changed_.wait(lock, [&] { return ready_[i] || failure_ || CanTake(); });
        if (failure_) std::rethrow_exception(failure_);
        if (ready_[i]) break;
        take = next_++;
      }
      ParseInto(take);
    }
    const ParsedPiece& piece = slots_[i % kSlots];
    consume(piece, lines_before);
    lines_before += piece.lines();
    {
      std::lock_guard lock(mu_);
      consumed_ = i + 1;
    }
    changed_.notify_all();
  }
}

}  // namespace yunhe::lineproto
