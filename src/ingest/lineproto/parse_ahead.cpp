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
  Point p;
  for (;;) {
    const Parser::Result r = parser.Next(&p);
    if (r == Parser::kEnd) break;
    Entry e{parser.line(), {}, 0, 0, 0, 0, 0, false, false, -1};
    if (r == Parser::kError) {
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
      for (Tag& t : p.tags) t.key = Rebase(t.key, scratch, copy), t.value = Rebase(t.value, scratch, copy);
      for (Field& f : p.fields) f.key = Rebase(f.key, scratch, copy), f.s = Rebase(f.s, scratch, copy);
    }
    e.measurement = p.measurement;
    e.tags_begin = uint32_t(tags_.size());
    tags_.insert(tags_.end(), p.tags.begin(), p.tags.end());
    e.tags_end = uint32_t(tags_.size());
    e.fields_begin = uint32_t(fields_.size());
    fields_.insert(fields_.end(), p.fields.begin(), p.fields.end());
    e.fields_end = uint32_t(fields_.size());
    e.timestamp_ns = p.timestamp_ns;
    e.has_timestamp = p.has_timestamp;
    e.same_shape = !entries_.empty() && SameShape(entries_.back(), e);
    entries_.push_back(e);
  }
  lines_ = parser.line();
}

bool ParsedPiece::SameShape(const Entry& a, const Entry& b) const {
  if (a.error >= 0 || a.measurement != b.measurement || a.tags_end - a.tags_begin != b.tags_end - b.tags_begin ||
      a.fields_end - a.fields_begin != b.fields_end - b.fields_begin)
    return false;
  for (uint32_t k = 0; k < a.tags_end - a.tags_begin; ++k)
    if (tags_[a.tags_begin + k].key != tags_[b.tags_begin + k].key) return false;
  for (uint32_t k = 0; k < a.fields_end - a.fields_begin; ++k) {
    const Field& x = fields_[a.fields_begin + k];
    const Field& y = fields_[b.fields_begin + k];
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

void ParseAhead(std::string_view data, Precision precision, size_t piece_bytes,
                const std::function<void(const ParsedPiece&, size_t lines_before)>& consume) {
  const std::vector<std::string_view> pieces = CutAtLineEnds(data, piece_bytes);
  if (pieces.size() <= 1 || std::thread::hardware_concurrency() < 2) {
    ParsedPiece piece;
    size_t lines_before = 0;
    for (std::string_view text : pieces) {
      piece.Parse(text, precision);
      consume(piece, lines_before);
      lines_before += piece.lines();
    }
    return;
  }
  // A ring of slots: piece i is parsed into slot i % kSlots, once piece i - kSlots was consumed.
  // Pieces are taken in order by whichever thread asks first: the helper one after the other;
  // the caller, when the piece it needs next is not parsed yet, the next one nobody took (so
  // both cores parse while the appends wait for the parser).
  constexpr size_t kSlots = 8;
  const size_t n = pieces.size();
  std::vector<ParsedPiece> slots(kSlots);
  std::vector<char> ready(n, 0);
  std::mutex mu;
  std::condition_variable changed;
  size_t next = 0, consumed = 0;  // the next piece nobody took; pieces the caller is done with
  bool stop = false;
  std::exception_ptr parse_failure;
  auto can_take = [&] { return next < n && next < consumed + kSlots; };
  auto parse = [&](size_t i) {
    std::exception_ptr failed;
    try {
      slots[i % kSlots].Parse(pieces[i], precision);  // bad lines are entries: only allocation fails
    } catch (...) {
      failed = std::current_exception();
    }
    {
      std::lock_guard lock(mu);
      if (failed && !parse_failure) parse_failure = failed;
      ready[i] = 1;
    }
    changed.notify_all();
  };
  std::thread helper([&] {
    for (;;) {
      size_t i;
      {
        std::unique_lock lock(mu);
        changed.wait(lock, [&] { return stop || parse_failure || next >= n || can_take(); });
        if (stop || parse_failure || next >= n) return;
        i = next++;
      }
      parse(i);
    }
  });
  std::exception_ptr failure;
  try {
    size_t lines_before = 0;
    for (size_t i = 0; i < n; ++i) {
      for (;;) {
        size_t take;
        {
          std::unique_lock lock(mu);
          changed.wait(lock, [&] { return ready[i] || parse_failure || can_take(); });
          if (parse_failure) std::rethrow_exception(parse_failure);
          if (ready[i]) break;
          take = next++;
        }
        parse(take);
      }
      const ParsedPiece& piece = slots[i % kSlots];
      consume(piece, lines_before);
      lines_before += piece.lines();
      {
        std::lock_guard lock(mu);
        consumed = i + 1;
      }
      changed.notify_all();
    }
  } catch (...) {
    failure = std::current_exception();
  }
  {
    std::lock_guard lock(mu);
    stop = true;
  }
  changed.notify_all();
  helper.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace yunhe::lineproto
