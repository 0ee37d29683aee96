// A generic walk over a libpg_query protobuf-c parse tree: calls fn on every message, following
// every message-typed field (protobuf-c reflection) and, for a Node's oneof, only its set member.
// fn may return bool: false skips that message's children.
#pragma once
#include <pg_query/pg_query.pb-c.h>

#include <cstdint>
#include <type_traits>

namespace yunhe {

template <class Fn>
void WalkParseTree(const ProtobufCMessage* m, Fn&& fn) {
  if (!m) return;
  if constexpr (std::is_same_v<decltype(fn(m)), bool>) {
    if (!fn(m)) return;
  } else {
    fn(m);
  }
  const ProtobufCMessageDescriptor* d = m->descriptor;
  const char* base = reinterpret_cast<const char*>(m);
  for (unsigned f = 0; f < d->n_fields; ++f) {
    const ProtobufCFieldDescriptor& fd = d->fields[f];
    if (fd.type != PROTOBUF_C_TYPE_MESSAGE) continue;
    if (fd.flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
      if (*reinterpret_cast<const uint32_t*>(base + fd.quantifier_offset) != fd.id) continue;
    }
    if (fd.label == PROTOBUF_C_LABEL_REPEATED) {
      size_t n = *reinterpret_cast<const size_t*>(base + fd.quantifier_offset);
      auto* arr = *reinterpret_cast<ProtobufCMessage* const* const*>(base + fd.offset);
      for (size_t k = 0; k < n; ++k) WalkParseTree(arr[k], fn);
    } else {
      WalkParseTree(*reinterpret_cast<ProtobufCMessage* const*>(base + fd.offset), fn);
    }
  }
}

}  // namespace yunhe
