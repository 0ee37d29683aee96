#include "storage/manifest.h"

#include <fmt/format.h>

#include <cstring>
#include <sstream>

#include "common/crc32c.h"
#include "common/status.h"
#include "storage/byte_io.h"

namespace yunhe {
namespace {

constexpr char kDeleteMagic[8] = {'Y', 'H', 'D', 'E', 'L', '0', '0', '2'};

}  // namespace

std::vector<std::string> Manifest::Files() const {
  std::vector<std::string> files{wal, catalog};
  for (const auto& t : tables) {
    for (const auto& run : t.parts) files.push_back(run.file);
    if (!t.deletes.empty()) files.push_back(t.deletes);
    if (!t.segment.empty()) files.push_back(t.segment);
  }
  return files;
}

std::string EncodeManifest(const Manifest& m) {
  std::string body = fmt::format("yunhe-manifest {}\n", kManifestVersion);
  body += fmt::format("checkpoint {}\n", m.checkpoint);
  body += "wal " + m.wal + "\n";
  body += "catalog " + m.catalog + "\n";
  for (const auto& t : m.tables) {
    body += "table " + t.name + "\n";
    for (const auto& run : t.parts) body += fmt::format("part {} {} {}\n", run.file, run.first, run.count);
    if (!t.deletes.empty()) body += "deletes " + t.deletes + "\n";
  }
  body += fmt::format("crc {:08x}\n", Crc32c(body.data(), body.size()));
  return body;
}

Manifest DecodeManifest(const std::string& text, const std::string& path) {
  auto corrupt = [&](const std::string& why) {
    throw Error(SqlState::kDataCorrupted, fmt::format("manifest \"{}\" is corrupt: {}", path, why));
  };
  size_t crc_pos = text.rfind("crc ");
  if (crc_pos == std::string::npos || text.size() < crc_pos + 12) corrupt("no checksum line");
  uint32_t want = 0;
  try {
    want = uint32_t(std::stoul(text.substr(crc_pos + 4, 8), nullptr, 16));
  } catch (...) {
    corrupt("bad checksum line");
  }
  if (Crc32c(text.data(), crc_pos) != want) corrupt("checksum mismatch");
  Manifest m;
  std::istringstream in(text.substr(0, crc_pos));
  std::string line;
  std::getline(in, line);
  if (line == "yunhe-manifest 1") m.version = 1;
  else if (line == "yunhe-manifest 2") m.version = 2;
  else corrupt("unknown version line \"" + line + "\"");
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string key;
    ls >> key;
    auto rest = [&] {
      std::string s;
      std::getline(ls, s);
      if (!s.empty() && s[0] == ' ') s.erase(0, 1);
      return s;
    };
    if (key == "checkpoint") ls >> m.checkpoint;
    else if (key == "wal") ls >> m.wal;
    else if (key == "catalog") ls >> m.catalog;
    else if (key == "table" && m.version == 1) {
      ManifestTable t;
      ls >> t.segment;
      t.name = rest();
      m.tables.push_back(std::move(t));
    } else if (key == "table") {
      ManifestTable t;
      t.name = rest();
      m.tables.push_back(std::move(t));
    } else if (key == "part" && m.version == 2 && !m.tables.empty()) {
      ManifestPartRun run;
      ls >> run.file >> run.first >> run.count;
      if (ls.fail() || run.count == 0) corrupt("bad line \"" + line + "\"");
      m.tables.back().parts.push_back(run);
    } else if (key == "deletes" && m.version == 2 && !m.tables.empty()) {
      ls >> m.tables.back().deletes;
    } else if (!key.empty()) {
      corrupt("unknown line \"" + line + "\"");
    }
  }
  return m;
}

std::string EncodeDeleteVectors(const std::vector<GroupDeletes>& entries) {
  std::string out(kDeleteMagic, 8);
  ByteWriter w(&out);
  w.U32(uint32_t(entries.size()));
  for (const auto& e : entries) {
    w.U32(e.group);
    w.U32(uint32_t(e.flags.size()));
    std::string bits((e.flags.size() + 7) / 8, '\0');
    for (size_t r = 0; r < e.flags.size(); ++r)
      if (e.flags[r]) bits[r / 8] = char(uint8_t(bits[r / 8]) | (1u << (r % 8)));
    out += bits;
  }
  w.U32(Crc32c(out.data(), out.size()));
  return out;
}

std::vector<GroupDeletes> DecodeDeleteVectors(const std::string& bytes, const std::string& path) {
  auto corrupt = [&](size_t offset, const std::string& what) {
    throw Error(SqlState::kDataCorrupted, fmt::format("could not read delete vectors \"{}\": {} at offset {}", path, what, offset));
  };
  if (bytes.size() < 16 || std::memcmp(bytes.data(), kDeleteMagic, 8) != 0) corrupt(0, "bad magic number or truncated file");
  uint32_t crc;
  std::memcpy(&crc, bytes.data() + bytes.size() - 4, 4);
  if (Crc32c(bytes.data(), bytes.size() - 4) != crc) corrupt(bytes.size() - 4, "file checksum mismatch");
  ByteReader in(bytes.data() + 8, bytes.size() - 12);
  const uint32_t n = in.U32();
  std::vector<GroupDeletes> entries;
  for (uint32_t k = 0; k < n && in.ok(); ++k) {
    GroupDeletes e;
    e.group = in.U32();
    const uint32_t rows = in.U32();
    if (!in.ok() || rows > 65536 || in.remaining() < (rows + 7) / 8) corrupt(8, "truncated entry");
    const char* bits = in.position();
    e.flags.resize(rows);
    for (uint32_t r = 0; r < rows; ++r) e.flags[r] = (uint8_t(bits[r / 8]) >> (r % 8)) & 1;
    in.Skip((rows + 7) / 8);
    entries.push_back(std::move(e));
  }
  if (!in.ok() || in.remaining() != 0) corrupt(8, "malformed entries");
  return entries;
}

}  // namespace yunhe
