// The MANIFEST file: names the live checkpoint (docs/format.md "MANIFEST"). Version 2 lists, per
// table, the runs of part-file row groups that make up its sealed rows, in row-id order, and its
// delete-vector file; version 1 (read only, for the upgrade on open) named one segment file per
// table.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace yunhe {

inline constexpr int kManifestVersion = 2;

struct ManifestPartRun {
  std::string file;
  uint32_t first = 0, count = 0;  // row groups [first, first + count) of the part
};

struct ManifestTable {
  std::string name;
  std::vector<ManifestPartRun> parts;  // version 2
  std::string deletes;                 // version 2: delete-vector file, "" = none
  std::string segment;                 // version 1: the table's segment file
};

struct Manifest {
  int version = kManifestVersion;
  uint64_t checkpoint = 0;
  std::string wal;
  std::string catalog;
  std::vector<ManifestTable> tables;
  // Every file the manifest names (catalog, WAL, parts, delete vectors, segments).
  std::vector<std::string> Files() const;
};

std::string EncodeManifest(const Manifest& m);  // always the current version
// Throws XX001 naming `path` on a bad checksum, an unknown version or an unknown line.
Manifest DecodeManifest(const std::string& text, const std::string& path);

// Delete-vector files (docs/format.md "Delete vectors"): the deleted rows of a table's sealed
// groups, as (group index, bitmap) entries.
struct GroupDeletes {
  uint32_t group = 0;
  std::vector<uint8_t> flags;  // one byte per row of the group, 1 = deleted
};
std::string EncodeDeleteVectors(const std::vector<GroupDeletes>& entries);
std::vector<GroupDeletes> DecodeDeleteVectors(const std::string& bytes, const std::string& path);  // throws XX001

}  // namespace yunhe
