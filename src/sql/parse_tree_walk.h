// A generic walk over a libpg_query protobuf-c parse tree: calls fn on every message, following
// every message-typed field (protobuf-c reflection) and, for a Node's oneof, only its set member.
// fn may return bool: false skips that message's children.
#pragma once
#include <pg_query/pg_query.pb-c.h>

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <vector>

namespace yunhe {

// The field of a Node (a oneof over every node type: ~250 fields) that its node_case names, or
// nullptr when none is set. Looked up, not searched: walks go through a Node at every level.
inline const ProtobufCFieldDescriptor* SetNodeField(const PgQuery__Node* n) {
  static const std::vector<const ProtobufCFieldDescriptor*> by_case = [] {
    const ProtobufCMessageDescriptor& d = pg_query__node__descriptor;
    std::vector<const ProtobufCFieldDescriptor*> t;
    for (unsigned f = 0; f < d.n_fields; ++f) {
      if (d.fields[f].id >= t.size()) t.resize(d.fields[f].id + 1, nullptr);
      t[d.fields[f].id] = &d.fields[f];
    }
    return t;
  }();
  const uint32_t c = uint32_t(n->node_case);
  return c < by_case.size() ? by_case[c] : nullptr;
}

// Bytes one value of field fd takes in a message (and in a repeated field's array).
inline size_t ProtobufValueSize(const ProtobufCFieldDescriptor& fd) {
  switch (fd.type) {
    case PROTOBUF_C_TYPE_MESSAGE:
    case PROTOBUF_C_TYPE_STRING: return sizeof(void*);
    case PROTOBUF_C_TYPE_BYTES: return sizeof(ProtobufCBinaryData);
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
    case PROTOBUF_C_TYPE_DOUBLE: return 8;
    case PROTOBUF_C_TYPE_BOOL: return sizeof(protobuf_c_boolean);
    default: return 4;
  }
}

// Calls fn(field descriptor) for every field of m that may hold something: a Node's set member
// only; another message's fields, without the members of a oneof that is set to another one.
template <class Fn>
void ForEachSetField(const ProtobufCMessage* m, Fn&& fn) {
  const ProtobufCMessageDescriptor* d = m->descriptor;
  if (d == &pg_query__node__descriptor) {
    if (const ProtobufCFieldDescriptor* fd = SetNodeField(reinterpret_cast<const PgQuery__Node*>(m))) fn(*fd);
    return;
  }
  const char* base = reinterpret_cast<const char*>(m);
  for (unsigned f = 0; f < d->n_fields; ++f) {
    const ProtobufCFieldDescriptor& fd = d->fields[f];
    if ((fd.flags & PROTOBUF_C_FIELD_FLAG_ONEOF) && *reinterpret_cast<const uint32_t*>(base + fd.quantifier_offset) != fd.id) continue;
    fn(fd);
  }
}

template <class Fn>
void WalkParseTree(const ProtobufCMessage* m, Fn&& fn) {
  if (!m) return;
  if constexpr (std::is_same_v<decltype(fn(m)), bool>) {
    if (!fn(m)) return;
  } else {
    fn(m);
  }
  const char* base = reinterpret_cast<const char*>(m);
  ForEachSetField(m, [&](const ProtobufCFieldDescriptor& fd) {
    if (fd.type != PROTOBUF_C_TYPE_MESSAGE) return;
    if (fd.label == PROTOBUF_C_LABEL_REPEATED) {
      size_t n = *reinterpret_cast<const size_t*>(base + fd.quantifier_offset);
      auto* arr = *reinterpret_cast<ProtobufCMessage* const* const*>(base + fd.offset);
      for (size_t k = 0; k < n; ++k) WalkParseTree(arr[k], fn);
    } else {
      WalkParseTree(*reinterpret_cast<ProtobufCMessage* const*>(base + fd.offset), fn);
    }
  });
}

}  // namespace yunhe
