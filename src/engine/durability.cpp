#include "engine/durability.h"

#include <fmt/format.h>

#include <filesystem>
#include <sstream>

#include "common/crc32c.h"
#include "common/status.h"
#include "engine/database.h"
#include "engine/statements.h"
#include "storage/segment_file.h"

namespace yunhe {
namespace {

constexpr const char* kManifestHeader = "yunhe-manifest 1";

struct Manifest {
  uint64_t checkpoint = 0;
  std::string wal;
  std::string catalog;
  std::vector<std::pair<std::string, std::string>> tables;  // table name -> segment file
};

std::string EncodeManifest(const Manifest& m) {
  std::string body = std::string(kManifestHeader) + "\n";
  body += fmt::format("checkpoint {}\n", m.checkpoint);
  body += "wal " + m.wal + "\n";
  body += "catalog " + m.catalog + "\n";
  for (auto& [t, f] : m.tables) body += "table " + f + " " + t + "\n";
  body += fmt::format("crc {:08x}\n", Crc32c(body.data(), body.size()));
  return body;
}

Manifest DecodeManifest(const std::string& text, const std::string& path) {
  auto corrupt = [&](const std::string& why) {
    throw Error(SqlState::kDataCorrupted, fmt::format("manifest \"{}\" is corrupt: {}", path, why));
  };
  size_t crc_pos = text.rfind("crc ");
  if (crc_pos == std::string::npos) corrupt("no checksum line");
  uint32_t want = uint32_t(std::stoul(text.substr(crc_pos + 4, 8), nullptr, 16));
  if (Crc32c(text.data(), crc_pos) != want) corrupt("checksum mismatch");
  Manifest m;
  std::istringstream in(text.substr(0, crc_pos));
  std::string line;
  std::getline(in, line);
  if (line != kManifestHeader) corrupt("unknown version line \"" + line + "\"");
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string key;
    ls >> key;
    if (key == "checkpoint") ls >> m.checkpoint;
    else if (key == "wal") ls >> m.wal;
    else if (key == "catalog") ls >> m.catalog;
    else if (key == "table") {
      std::string file, name;
      ls >> file;
      std::getline(ls, name);
      if (!name.empty() && name[0] == ' ') name.erase(0, 1);
      m.tables.emplace_back(name, file);
    } else if (!key.empty()) {
      corrupt("unknown line \"" + line + "\"");
    }
  }
  return m;
}

}  // namespace

std::string CatalogDdl(const Catalog& catalog) {
  std::string out;
  for (auto& [name, t] : catalog.tables) out += TableDdl(t->schema) + ";\n";
  for (auto& [name, v] : catalog.views) {
    out += "CREATE VIEW " + QuoteIdent(name);
    if (!v.column_names.empty()) {
      out += " (";
      for (size_t k = 0; k < v.column_names.size(); ++k) out += (k ? ", " : "") + QuoteIdent(v.column_names[k]);
      out += ")";
    }
    out += " AS " + v.sql + ";\n";
  }
  for (auto& [name, verifier] : catalog.users)
    out += "CREATE USER " + QuoteIdent(name) + (verifier.empty() ? std::string() : " PASSWORD '" + verifier + "'") + ";\n";
  for (auto& [name, idx] : catalog.indexes) {
    out += std::string("CREATE ") + (idx.unique ? "UNIQUE " : "") + "INDEX " + QuoteIdent(name) + " ON " +
           QuoteIdent(idx.table) + (idx.method == "btree" ? std::string() : " USING " + idx.method) + " (";
    for (size_t k = 0; k < idx.columns.size(); ++k) out += (k ? ", " : "") + QuoteIdent(idx.columns[k]);
    out += ");\n";
  }
  return out;
}

std::unique_ptr<Durability> Durability::Open(const std::string& dir, Database* db) {
  MakeDirectories(dir);
  std::unique_ptr<Durability> d(new Durability(dir));
  std::string manifest_path = dir + "/MANIFEST";
  Manifest m;
  if (FileExists(manifest_path)) {
    m = DecodeManifest(ReadWholeFile(manifest_path), manifest_path);
    d->checkpoint_ = m.checkpoint;
    // 1. Catalog: re-run the DDL (without logging it).
    std::string ddl = ReadWholeFile(dir + "/" + m.catalog);
    std::vector<WalRecord> records;
    for (auto [begin, len] : SplitStatements(ddl)) {
      WalRecord r;
      r.type = WalRecordType::kDdl;
      r.sql = ddl.substr(begin, len);
      records.push_back(std::move(r));
    }
    db->ReplayRecords(records);
    // 2. Table data from segment files.
    for (auto& [name, file] : m.tables) {
      auto table = db->mutable_catalog().FindTable(name);
      if (!table) throw Error(SqlState::kDataCorrupted, fmt::format("manifest names unknown table \"{}\"", name));
      std::string path = dir + "/" + file;
      try {
        DecodeSegmentFile(ReadWholeFile(path), path, &table->data);
      } catch (const Error& e) {
        table->data.Clear();
        table->corrupt = e.status().message();
      }
      d->live_files_.push_back(file);
    }
    d->live_files_.push_back(m.catalog);
  } else {
    m.wal = "wal-0.log";
  }
  // 3. Committed WAL transactions since the checkpoint.
  std::string wal_path = dir + "/" + m.wal;
  WalReadResult wr = ReadWal(wal_path, [&](const std::vector<WalRecord>& txn) { db->ReplayRecords(txn); });
  d->wal_ = std::make_unique<WalWriter>(wal_path, wr.valid_bytes);
  d->live_files_.push_back(m.wal);
  if (!FileExists(manifest_path)) {
    Manifest fresh;
    fresh.checkpoint = 0;
    fresh.wal = m.wal;
    fresh.catalog = "catalog-0.sql";
    WriteFileDurable(dir + "/" + fresh.catalog, "");
    ReplaceFileDurable(manifest_path, EncodeManifest(fresh));
    d->live_files_.push_back(fresh.catalog);
  }
  return d;
}

namespace {
// What the current thread must wait for before it answers its client (group commit).
struct ThreadDurability {
  const Durability* owner = nullptr;  // the database whose DeferSync is alive on this thread
  int defer_depth = 0;
  uint64_t pending_lsn = 0;
};
thread_local ThreadDurability t_durability;

bool Deferred(const Durability* d) { return t_durability.defer_depth > 0 && t_durability.owner == d; }
}  // namespace

Durability::DeferSync::DeferSync(Durability* d) : d_(d) {
  if (!d_) return;
  if (t_durability.defer_depth == 0) t_durability = ThreadDurability{d_, 0, 0};
  if (t_durability.owner == d_) ++t_durability.defer_depth;
  else d_ = nullptr;  // another database already defers on this thread: this one syncs inline
}

Durability::DeferSync::~DeferSync() {
  if (!d_) return;
  if (t_durability.defer_depth == 1) {
    try {
      d_->WaitDurable();
    } catch (const Error&) {
    }
  }
  --t_durability.defer_depth;
}

void Durability::CheckWritable() {
  if (!poisoned_.empty())
    throw Error(SqlState::kIoError, "writes are disabled until the database is reopened: " + poisoned_);
  std::string failed = flush_.failure();
  if (!failed.empty()) throw Error(SqlState::kIoError, "writes are disabled until the database is reopened: " + failed);
}

void Durability::AwaitInline(uint64_t lsn) {
  if (Deferred(this)) {
    if (lsn > t_durability.pending_lsn) t_durability.pending_lsn = lsn;
    return;
  }
  flush_.WaitFor(lsn, [this] { return wal_->Sync(); }, dir_);
}

void Durability::Commit(const std::vector<WalRecord>& records) {
  CheckWritable();
  const uint64_t before = wal_->size();
  wal_->Append(records);  // write() only; a failed write is cut off again and throws
  flush_.Written(wal_->size() - before);
  AwaitInline(flush_.written());
}

void Durability::Spill(const std::vector<WalRecord>& records) {
  CheckWritable();
  const uint64_t before = wal_->size();
  wal_->Append(records);
  flush_.Written(wal_->size() - before);
}

void Durability::StatementEnded() {
  const uint64_t lsn = flush_.written();
  if (Deferred(this) || !flush_.Durable(lsn)) AwaitInline(lsn);
}

void Durability::WaitWritten(uint64_t lsn) {
  if (lsn == 0 || flush_.Durable(lsn)) return;
  flush_.WaitFor(lsn, [this] { return wal_->Sync(); }, dir_);
}

void Durability::WaitDurable() {
  if (!Deferred(this)) return;
  const uint64_t lsn = t_durability.pending_lsn;
  if (lsn == 0) return;
  // The leader's fsync runs without the database: a checkpoint switching WAL files waits for
  // it in GroupFlush::Rebase, so wal_ is the file being synced.
  flush_.WaitFor(lsn, [this] { return wal_->Sync(); }, dir_);
  t_durability.pending_lsn = 0;
}

void Durability::MaybeCheckpoint(Catalog& catalog) {
  if (wal_->size() > kWalCheckpointBytes) Checkpoint(catalog);
}

void Durability::Checkpoint(Catalog& catalog) {
  for (auto& [name, t] : catalog.tables)
    if (!t->corrupt.empty())
      throw Error(SqlState::kDataCorrupted, "cannot checkpoint while table \"" + name + "\" is unreadable: " + t->corrupt);
  uint64_t n = checkpoint_ + 1;
  Manifest m;
  m.checkpoint = n;
  m.catalog = fmt::format("catalog-{}.sql", n);
  m.wal = fmt::format("wal-{}.log", n);
  WriteFileDurable(dir_ + "/" + m.catalog, CatalogDdl(catalog));
  for (auto& [name, t] : catalog.tables) {
    std::string file = fmt::format("t{}-{}.seg", t->id, n);
    WriteFileDurable(dir_ + "/" + file, EncodeSegmentFile(t->data, nullptr));
    m.tables.emplace_back(name, file);
  }
  WriteFileDurable(dir_ + "/" + m.wal, "");
  ReplaceFileDurable(dir_ + "/MANIFEST", EncodeManifest(m));
  // The new checkpoint is live: switch the WAL, drop deleted rows (row ids restart), remove old
  // files. Every committed transaction is in the checkpoint now, so all WAL bytes count as durable.
  flush_.Rebase([&] { wal_ = std::make_unique<WalWriter>(dir_ + "/" + m.wal, 0); });
  for (auto& [name, t] : catalog.tables) t->data.Compact();
  for (auto& f : live_files_) RemoveFile(dir_ + "/" + f);
  live_files_.clear();
  live_files_.push_back(m.catalog);
  live_files_.push_back(m.wal);
  for (auto& [t, f] : m.tables) live_files_.push_back(f);
  checkpoint_ = n;
}

}  // namespace yunhe
