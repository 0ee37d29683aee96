#include "storage/sequence.h"

#include "storage/catalog.h"

#include <fmt/format.h>

#include "common/sql_text.h"
#include "common/status.h"

namespace yunhe {

bool SequenceTypeBounds(const LogicalType& type, int64_t* lo, int64_t* hi) {
  switch (type.id) {
    case TypeId::kInt16: *lo = INT16_MIN, *hi = INT16_MAX; return true;
    case TypeId::kInt32: *lo = INT32_MIN, *hi = INT32_MAX; return true;
    case TypeId::kInt64: *lo = INT64_MIN, *hi = INT64_MAX; return true;
    default: return false;
  }
}

void SequenceDefaults(SequenceOptions* o, bool min_set, bool max_set, bool start_set) {
  int64_t lo = INT64_MIN, hi = INT64_MAX;
  SequenceTypeBounds(o->type, &lo, &hi);
  if (!min_set) o->min = o->increment > 0 ? 1 : lo;
  if (!max_set) o->max = o->increment > 0 ? hi : -1;
  if (!start_set) o->start = o->increment > 0 ? o->min : o->max;
}

void CheckSequenceOptions(const SequenceOptions& o) {
  auto fail = [](std::string msg) { throw Error(SqlState::kInvalidParameterValue, std::move(msg)); };
  int64_t lo = 0, hi = 0;
  if (!SequenceTypeBounds(o.type, &lo, &hi)) fail("sequence type must be smallint, integer, or bigint");
  if (o.increment == 0) fail("INCREMENT must not be zero");
  const std::string tname = o.type.ToString();
  if (o.max < lo || o.max > hi) fail(fmt::format("MAXVALUE ({}) is out of range for sequence data type {}", o.max, tname));
  if (o.min < lo || o.min > hi) fail(fmt::format("MINVALUE ({}) is out of range for sequence data type {}", o.min, tname));
  if (o.min >= o.max) fail(fmt::format("MINVALUE ({}) must be less than MAXVALUE ({})", o.min, o.max));
  if (o.start < o.min) fail(fmt::format("START value ({}) cannot be less than MINVALUE ({})", o.start, o.min));
  if (o.start > o.max) fail(fmt::format("START value ({}) cannot be greater than MAXVALUE ({})", o.start, o.max));
  if (o.cache <= 0) fail(fmt::format("CACHE ({}) must be greater than zero", o.cache));
}

int64_t SequenceNext(const SequenceInfo& seq, SequenceState& st, std::optional<int64_t>* log) {
  const SequenceOptions& o = seq.options;
  int64_t next = st.last_value;
  if (st.is_called) {
    const __int128 want = __int128(st.last_value) + o.increment;
    if (want > o.max || want < o.min) {
      const bool up = o.increment > 0;
      if (!o.cycle)
        throw Error(SqlState::kSequenceGeneratorLimitExceeded,
                    fmt::format("nextval: reached {} value of sequence \"{}\" ({})", up ? "maximum" : "minimum", seq.name,
                                up ? o.max : o.min));
      next = up ? o.min : o.max;
      st.log_remaining = 0;  // the horizon logged before the wrap does not cover the new round
    } else {
      next = int64_t(want);
    }
  }
  if (st.log_remaining > 0) {
    --st.log_remaining;
  } else {
    // Promise kSequenceLogAhead more values, stopping at the bound.
    const __int128 room = o.increment > 0 ? (__int128(o.max) - next) / o.increment : (__int128(o.min) - next) / o.increment;
    const int64_t steps = int64_t(std::min<__int128>(kSequenceLogAhead, room));
    *log = int64_t(next + __int128(steps) * o.increment);
    st.log_remaining = steps;
  }
  st.last_value = next;
  st.is_called = true;
  return next;
}

void CheckSequenceValue(const SequenceInfo& seq, int64_t value) {
  if (value < seq.options.min || value > seq.options.max)
    throw Error(SqlState::kNumericValueOutOfRange, fmt::format("setval: value {} is out of bounds for sequence \"{}\" ({}..{})", value,
                                                               seq.name, seq.options.min, seq.options.max));
}

std::string SequenceDdl(const SequenceInfo& seq, const Catalog& catalog) {
  const SequenceOptions& o = seq.options;
  return fmt::format("CREATE SEQUENCE {} AS {} INCREMENT BY {} MINVALUE {} MAXVALUE {} START WITH {} CACHE {}{}", catalog.Quote(seq.name),
                     o.type.ToString(), o.increment, o.min, o.max, o.start, o.cache, o.cycle ? " CYCLE" : " NO CYCLE");
}

std::string SequenceSetvalSql(const Catalog& catalog, const std::string& name, int64_t value, bool is_called) {
  return fmt::format("SELECT pg_catalog.setval({}, {}, {})", QuoteLiteral(catalog.Quote(name)), value, is_called ? "true" : "false");
}

}  // namespace yunhe
