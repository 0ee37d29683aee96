#include "engine/catalog_oids.h"

#include <fmt/format.h>

#include <algorithm>
#include <sstream>

namespace yunhe {

namespace {

constexpr const char* kHeader = "-- object ids\n";
constexpr const char* kPrefix = "-- oid ";

// One line per object: kind, id, then the key to the end of the line (a key holding a line
// break is left out: that object keeps the replay's numbering).
void Line(std::string* out, const char* kind, uint64_t id, const std::string& key) {
  if (key.find('\n') != std::string::npos || key.find('\r') != std::string::npos) return;
  *out += fmt::format("{}{} {} {}\n", kPrefix, kind, id, key);
}

}  // namespace

std::string OidsDdl(const Catalog& cat) {
  std::string out = kHeader;
  for (auto& [key, t] : cat.tables)
    if (!IsTempRelationKey(key)) Line(&out, "table", t->id, key);
  for (auto& [key, v] : cat.views)
    if (!IsTempRelationKey(key)) Line(&out, "view", v.id, key);
  for (auto& [key, idx] : cat.indexes)
    if (!IsTempRelationKey(idx.table)) Line(&out, "index", idx.id, key);
  for (auto& [key, seq] : cat.sequences)
    if (!IsTempRelationKey(key)) Line(&out, "sequence", seq.id, key);
  for (auto& [name, s] : cat.schemas)
    if (!IsTempSchema(name)) Line(&out, "schema", s.id, name);
  for (auto& [name, r] : cat.roles)
    if (r.oid >= 16384) Line(&out, "role", r.oid - 16384, name);
  out += fmt::format("{}next {}\n", kPrefix, cat.next_table_id);
  return out;
}

std::string SplitOidLines(const std::string& ddl, std::string* lines) {
  // The block is the file's tail after its header, every line of it an id line; anything else
  // (a view's text that happens to hold such a comment) is DDL.
  const std::string header = std::string("\n") + kHeader;
  const size_t at = ddl.rfind(header);
  if (at == std::string::npos) return ddl;
  std::istringstream in(ddl.substr(at + header.size()));
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(kPrefix, 0) != 0) return ddl;
  *lines = ddl.substr(at + header.size());
  return ddl.substr(0, at + 1);
}

void RestoreOids(const std::string& lines, Catalog* cat) {
  uint64_t next = cat->next_table_id;
  std::istringstream in(lines);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(kPrefix, 0) != 0) continue;
    std::istringstream fields(line.substr(strlen(kPrefix)));
    std::string kind;
    uint64_t id = 0;
    fields >> kind >> id;
    if (!fields) continue;
    if (kind == "next") {
      next = std::max(next, id);
      continue;
    }
    std::string key;
    fields.get();  // the space before the key
    std::getline(fields, key);
    next = std::max(next, id + 1);
    if (kind == "table") {
      if (auto t = cat->FindTable(key)) t->id = id;
    } else if (kind == "view") {
      if (auto it = cat->views.find(key); it != cat->views.end()) it->second.id = id;
    } else if (kind == "index") {
      if (auto it = cat->indexes.find(key); it != cat->indexes.end()) it->second.id = id;
    } else if (kind == "sequence") {
      if (auto it = cat->sequences.find(key); it != cat->sequences.end()) it->second.id = id;
    } else if (kind == "schema") {
      if (auto it = cat->schemas.find(key); it != cat->schemas.end()) it->second.id = id;
    } else if (kind == "role") {
      if (auto it = cat->roles.find(key); it != cat->roles.end()) it->second.oid = uint32_t(16384 + id);
    }
  }
  cat->next_table_id = next;
}

}  // namespace yunhe
