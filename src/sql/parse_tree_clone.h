// Copies of libpg_query parse trees and the text positions inside them: a tree parsed once can
// serve a text that differs from its own only in constants (sql/literal_template.h), at a tenth
// of the cost of parsing again (libpg_query packs every tree to protobuf bytes and we unpack
// them: about 170,000 instructions for a pgbench UPDATE; a copy is a walk over its ~150 nodes).
#pragma once
#include <pg_query/pg_query.pb-c.h>

#include <cstdint>
#include <functional>
#include <string>

namespace yunhe {

// m packed as protobuf bytes: two trees are the same, positions included, when these are
// (tests compare copies with fresh parses).
std::string PackedParseTree(const ProtobufCMessage* m);

// A deep copy of m whose messages, arrays and strings all come from `alloc`.
ProtobufCMessage* CloneParseTree(const ProtobufCMessage* m, ProtobufCAllocator* alloc);

// Calls fn on every text position of m's tree: each message's `location`, and a RawStmt's
// stmt_location and stmt_len (a length: fn gets it as the end position stmt_location +
// stmt_len and the new value is turned back into a length; 0, "to the end", is left alone).
void ForEachTextPosition(ProtobufCMessage* m, const std::function<int32_t(int32_t)>& map);

}  // namespace yunhe
