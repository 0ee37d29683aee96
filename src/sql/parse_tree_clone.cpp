#include "sql/parse_tree_clone.h"

#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

#include "sql/parse_tree_walk.h"

namespace yunhe {
namespace {

void* Alloc(ProtobufCAllocator* a, size_t bytes) { return a->alloc(a->allocator_data, bytes ? bytes : 1); }

char* CopyString(const char* s, ProtobufCAllocator* a) {
  if (!s) return nullptr;
  const size_t n = std::strlen(s) + 1;
  return static_cast<char*>(std::memcpy(Alloc(a, n), s, n));
}

// Copies one value of field fd (at `slot`, already memcpy'd from the source) into `alloc`.
void CloneValue(const ProtobufCFieldDescriptor& fd, void* slot, ProtobufCAllocator* a) {
  switch (fd.type) {
    case PROTOBUF_C_TYPE_MESSAGE: {
      auto& m = *static_cast<ProtobufCMessage**>(slot);
      if (m) m = CloneParseTree(m, a);
      break;
    }
    case PROTOBUF_C_TYPE_STRING: {
      auto& s = *static_cast<char**>(slot);
      s = CopyString(s, a);
      break;
    }
    case PROTOBUF_C_TYPE_BYTES: {
      auto& b = *static_cast<ProtobufCBinaryData*>(slot);
      if (b.len) b.data = static_cast<uint8_t*>(std::memcpy(Alloc(a, b.len), b.data, b.len));
      break;
    }
    default: break;  // numbers, enums, booleans: copied with the message
  }
}

// Offsets of a message type's position fields (location, stmt_location, stmt_len), found once
// for every message type a parse tree can hold.
struct PositionFields {
  std::vector<size_t> locations;
  int stmt_location = -1, stmt_len = -1;
};

const PositionFields* PositionFieldsOf(const ProtobufCMessageDescriptor* d) {
  static const auto* all = [] {
    auto* m = new std::unordered_map<const ProtobufCMessageDescriptor*, PositionFields>();
    // Every message type reachable from a parse result, each visited once.
    std::vector<const ProtobufCMessageDescriptor*> unvisited{&pg_query__parse_result__descriptor};
    while (!unvisited.empty()) {
      const ProtobufCMessageDescriptor* x = unvisited.back();
      unvisited.pop_back();
      if (m->count(x)) continue;
      PositionFields& p = (*m)[x];
      for (unsigned f = 0; f < x->n_fields; ++f) {
        const ProtobufCFieldDescriptor& fd = x->fields[f];
        if (fd.type == PROTOBUF_C_TYPE_MESSAGE) unvisited.push_back(static_cast<const ProtobufCMessageDescriptor*>(fd.descriptor));
        if (fd.type != PROTOBUF_C_TYPE_INT32 || fd.label == PROTOBUF_C_LABEL_REPEATED) continue;
        if (std::strcmp(fd.name, "location") == 0) p.locations.push_back(fd.offset);
        if (std::strcmp(fd.name, "stmt_location") == 0) p.stmt_location = int(fd.offset);
        if (std::strcmp(fd.name, "stmt_len") == 0) p.stmt_len = int(fd.offset);
      }
    }
    return m;
  }();
  const auto it = all->find(d);
  return it == all->end() ? nullptr : &it->second;
}

}  // namespace

std::string PackedParseTree(const ProtobufCMessage* m) {
  std::string out(protobuf_c_message_get_packed_size(m), '\0');
  protobuf_c_message_pack(m, reinterpret_cast<uint8_t*>(out.data()));
  return out;
}

ProtobufCMessage* CloneParseTree(const ProtobufCMessage* m, ProtobufCAllocator* a) {
  const ProtobufCMessageDescriptor* d = m->descriptor;
  auto* out = static_cast<ProtobufCMessage*>(std::memcpy(Alloc(a, d->sizeof_message), m, d->sizeof_message));
  out->n_unknown_fields = 0;  // (libpg_query's trees have none)
  out->unknown_fields = nullptr;
  char* base = reinterpret_cast<char*>(out);
  ForEachSetField(m, [&](const ProtobufCFieldDescriptor& fd) {
    if (fd.type != PROTOBUF_C_TYPE_MESSAGE && fd.type != PROTOBUF_C_TYPE_STRING && fd.type != PROTOBUF_C_TYPE_BYTES &&
        fd.label != PROTOBUF_C_LABEL_REPEATED)
      return;
    if (fd.label != PROTOBUF_C_LABEL_REPEATED) {
      CloneValue(fd, base + fd.offset, a);
      return;
    }
    const size_t n = *reinterpret_cast<const size_t*>(base + fd.quantifier_offset);
    auto& array = *reinterpret_cast<char**>(base + fd.offset);
    if (n == 0) return;
    const size_t size = ProtobufValueSize(fd);
    array = static_cast<char*>(std::memcpy(Alloc(a, n * size), array, n * size));
    for (size_t k = 0; k < n; ++k) CloneValue(fd, array + k * size, a);
  });
  return out;
}

void ForEachTextPosition(ProtobufCMessage* m, const std::function<int32_t(int32_t)>& map) {
  WalkParseTree(m, [&](const ProtobufCMessage* x) {
    const PositionFields* p = PositionFieldsOf(x->descriptor);
    if (!p) return;
    char* base = reinterpret_cast<char*>(const_cast<ProtobufCMessage*>(x));
    for (size_t off : p->locations) {
      int32_t& loc = *reinterpret_cast<int32_t*>(base + off);
      if (loc >= 0) loc = map(loc);  // -1: unknown
    }
    if (p->stmt_location >= 0) {
      int32_t& at = *reinterpret_cast<int32_t*>(base + p->stmt_location);
      int32_t* len = p->stmt_len >= 0 ? reinterpret_cast<int32_t*>(base + p->stmt_len) : nullptr;
      const int32_t end = len && *len > 0 ? at + *len : -1;
      at = map(at);
      if (end >= 0) *len = map(end) - at;
    }
  });
}

}  // namespace yunhe
