#include "engine/durability.h"
#include "engine/api_tokens.h"
#include "engine/catalog_oids.h"
#include "engine/foreign_keys.h"
#include "engine/policies.h"
#include "engine/comments.h"
#include "engine/default_privileges.h"
#include "engine/grants.h"
#include "engine/sequences.h"

#include <fmt/format.h>

#include <dirent.h>

#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <set>
#include <sstream>

#include "common/crc32c.h"
#include "common/memory_limit.h"
#include "common/status.h"
#include "engine/database.h"
#include "engine/statements.h"
#include "exec/parallel_for.h"
#include "engine/schemas.h"
#include "storage/file_faults.h"
#include "storage/manifest.h"
#include "storage/buffer_pool.h"
#include "storage/part_file.h"
#include "storage/primary_key.h"
#include "storage/segment_file.h"

namespace yunhe {

std::string CatalogDdl(const Catalog& catalog, bool with_sequence_values) {
  std::string out = SchemasDdl(catalog) + SequencesBeforeTablesDdl(catalog);
  // Temporary relations are never written (their sessions end with the process).
  for (auto& [name, t] : catalog.tables)
    if (!IsTempRelationKey(name)) out += TableDdl(t->schema, catalog) + ";\n";
  // Foreign keys once every table exists (a table may reference one listed after it).
  for (auto& [name, t] : catalog.tables)
    if (!IsTempRelationKey(name))
      for (const std::string& ddl : ForeignKeysDdl(catalog, t->schema)) out += ddl + ";\n";
  for (auto& [name, v] : catalog.views) {
    if (IsTempRelationKey(name)) continue;
    out += "CREATE VIEW " + catalog.Quote(name);
    if (!v.column_names.empty()) {
      out += " (";
      for (size_t k = 0; k < v.column_names.size(); ++k) out += (k ? ", " : "") + QuoteIdent(v.column_names[k]);
      out += ")";
    }
    out += " AS " + v.sql + ";\n";
  }
  out += RolesDdl(catalog);
  out += ApiTokensDdl(catalog);
  // Policies once every table and role exists (they name roles; their expressions may read
  // other tables).
  for (auto& [name, t] : catalog.tables)
    if (!IsTempRelationKey(name))
      for (const std::string& ddl : PoliciesDdl(catalog, t->schema)) out += ddl + ";\n";
  for (auto& [name, idx] : catalog.indexes) {
    if (IsTempRelationKey(idx.table)) continue;
    // CREATE INDEX names the index bare: it goes into its table's schema.
    out += std::string("CREATE ") + (idx.unique ? "UNIQUE " : "") + "INDEX " + QuoteIdent(catalog.Split(name).name) + " ON " +
           catalog.Quote(idx.table) + (idx.method == "btree" ? std::string() : " USING " + idx.method) + " (";
    for (size_t k = 0; k < idx.columns.size(); ++k) out += (k ? ", " : "") + QuoteIdent(idx.columns[k]);
    out += ");\n";
  }
  out += CommentsDdl(catalog);
  out += PrivilegesDdl(catalog);
  out += DefaultPrivilegesDdl(catalog);
  if (with_sequence_values) out += SequencesAfterTablesDdl(catalog);
  return out + "\n" + OidsDdl(catalog);
}

namespace {

// Loads one table's sealed rows as a version-2 manifest names them. Throws XX001 on a part or
// delete file that fails its checks.
void AttachParts(const std::string& dir, const ManifestTable& mt, Table* table) {
  // The part files' footers are read and decoded on every core (opening is most of the work of
  // opening a large table), then attached in manifest order.
  std::map<std::string, std::shared_ptr<PartFile>> parts;
  for (const auto& run : mt.parts) parts[run.file];
  std::vector<std::pair<const std::string*, std::shared_ptr<PartFile>*>> to_open;
  for (auto& [file, part] : parts) to_open.emplace_back(&file, &part);
  ExecContext ctx;
  ParallelFor(DefaultWorkers(), to_open.size(), ctx,
              [&](size_t, size_t k, ExecContext&) {
                // The designated timestamp's zone maps are kept from the start: nearly every
                // query on a time-partitioned table prunes on it.
                *to_open[k].second = PartFile::Open(dir, *to_open[k].first, table->schema.time_column);
              });
  for (const auto& run : mt.parts) {
    const auto& part = parts[run.file];
    const auto& want = table->data.types();
    bool same = part->types().size() == want.size();
    for (size_t c = 0; same && c < want.size(); ++c) same = part->types()[c].physical() == want[c].physical();
    if (!same) throw Error(SqlState::kDataCorrupted, fmt::format("part file \"{}/{}\" does not match the columns of table \"{}\"", dir, run.file, mt.name));
    if (size_t(run.first) + run.count > part->groups().size())
      throw Error(SqlState::kDataCorrupted, fmt::format("manifest names row groups past the end of part file \"{}/{}\"", dir, run.file));
  }
  // The groups' objects are made on every core too (fresh memory: ~100 bytes a group), then
  // appended in manifest order.
  std::vector<TableData::SealedRun> runs(mt.parts.size());
  ParallelFor(DefaultWorkers(), runs.size(), ctx, [&](size_t, size_t k, ExecContext&) {
    const auto& run = mt.parts[k];
    runs[k] = table->data.MakeSealedRun(parts.at(run.file), run.first, run.count);
  });
  size_t groups = table->data.group_count();
  for (const auto& run : runs) groups += run.count;
  table->data.ReserveGroups(groups);
  for (const auto& run : runs) table->data.AttachSealed(run);
  if (mt.deletes.empty()) return;
  const std::string path = dir + "/" + mt.deletes;
  for (const GroupDeletes& e : DecodeDeleteVectors(ReadWholeFile(path), path)) {
    if (e.group >= table->data.group_count() || e.flags.size() != table->data.group_rows(e.group))
      throw Error(SqlState::kDataCorrupted, fmt::format("delete vectors \"{}\" name a row group the table does not have", path));
    table->data.SetDeleted(e.group, e.flags);
  }
}

// Files of ours that the manifest does not name: left by a checkpoint that crashed before its
// manifest was in place, or by one that crashed before removing what it replaced.
void RemoveUnnamedFiles(const std::string& dir, const Manifest& m, const std::vector<std::string>& wal_chain) {
  std::set<std::string> named(wal_chain.begin(), wal_chain.end());
  for (auto& f : m.Files()) named.insert(f);
  DIR* d = ::opendir(dir.c_str());
  if (!d) return;
  std::vector<std::string> doomed;
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    auto ends = [&](const char* suffix) {
      size_t n = std::strlen(suffix);
      return name.size() > n && name.compare(name.size() - n, n, suffix) == 0;
    };
    bool ours = ends(".part") || ends(".del") || ends(".seg") || (name.rfind("wal-", 0) == 0 && (ends(".log") || ends(".relog"))) ||
                (name.rfind("catalog-", 0) == 0 && ends(".sql")) || name == "MANIFEST.tmp";
    if (ours && !named.count(name)) doomed.push_back(name);
  }
  ::closedir(d);
  for (auto& f : doomed) RemoveFile(dir + "/" + f);
}

// The WAL files replay goes through: the one the manifest names, then its successors
// wal-<seq+1>.log, wal-<seq+2>.log ... while they exist (a background checkpoint switches to a
// new WAL before its MANIFEST names it: docs/format.md "WAL chain").
// The switch number N of wal-N.log / wal-N.relog; false for another name.
bool WalSeq(const std::string& name, uint64_t* seq) { return std::sscanf(name.c_str(), "wal-%" SCNu64, seq) == 1; }

std::vector<std::string> WalChain(const std::string& dir, const std::string& first) {
  std::vector<std::string> chain{first};
  uint64_t seq = 0;
  if (!WalSeq(first, &seq)) return chain;
  while (FileExists(dir + "/" + WalName(seq + 1))) chain.push_back(WalName(++seq));
  return chain;
}

}  // namespace

std::string WalName(uint64_t seq) { return fmt::format("wal-{}.log", seq); }

std::vector<size_t> IndexedColumns(const Catalog& catalog, const std::string& table_name, const Table& t) {
  // B-tree indexes of the table are stored in its new parts (read back instead of rebuilt).
  std::vector<size_t> indexed;
  const auto types = t.data.types();
  for (auto& [iname, idx] : catalog.indexes) {
    if (idx.table != table_name || (idx.method != "btree" && idx.method != "hash") || idx.columns.empty()) continue;
    const int c = t.schema.ColumnIndex(idx.columns[0]);
    if (c >= 0 && SortedIndexable(types[size_t(c)])) indexed.push_back(size_t(c));
  }
  return indexed;
}

ManifestTable Durability::DescribeLayout(const std::string& name, uint64_t table_id, uint64_t n, const TableData::Layout& layout,
                                         std::vector<std::string>* files_written) {
  ManifestTable mt;
  mt.name = name;
  std::vector<GroupDeletes> deletes;
  for (size_t g = 0; g < layout.groups.size(); ++g) {
    const auto& part = TableData::LayoutGroupPart(layout, g);
    const uint32_t index = TableData::LayoutGroupPartIndex(layout, g);
    YH_ASSERT(part);  // a layout for the manifest is sealed throughout (no resident group is empty)
    if (!mt.parts.empty() && mt.parts.back().file == part->name() && mt.parts.back().first + mt.parts.back().count == index)
      ++mt.parts.back().count;
    else
      mt.parts.push_back(ManifestPartRun{part->name(), index, 1});
    const std::vector<uint8_t>* flags = TableData::LayoutGroupDeleted(layout, g);
    if (flags) deletes.push_back(GroupDeletes{uint32_t(g), *flags});
  }
  if (!deletes.empty()) {
    mt.deletes = fmt::format("d{}-{}.del", table_id, n);
    WriteFileDurable(dir_ + "/" + mt.deletes, EncodeDeleteVectors(deletes));
    files_written->push_back(mt.deletes);
  }
  return mt;
}

std::unique_ptr<Durability> Durability::Open(const std::string& dir, Database* db) {
  db->AssertHeld();  // Database::Open holds it: recovery runs statements
  MakeDirectories(dir);
  std::unique_ptr<Durability> d(new Durability(dir));
  std::string manifest_path = dir + "/MANIFEST";
  Manifest m;
  const bool existed = FileExists(manifest_path);
  if (existed) {
    m = DecodeManifest(ReadWholeFile(manifest_path), manifest_path);
    d->checkpoint_ = m.checkpoint;
    RemoveUnnamedFiles(dir, m, WalChain(dir, m.wal));
    // 1. Catalog: re-run the DDL (without logging it).
    std::string oid_lines;
    const std::string ddl = SplitOidLines(ReadWholeFile(dir + "/" + m.catalog), &oid_lines);
    std::vector<WalRecord> records;
    for (auto [begin, len] : SplitStatements(ddl)) {
      WalRecord r;
      r.type = WalRecordType::kDdl;
      r.sql = ddl.substr(begin, len);
      records.push_back(std::move(r));
    }
    db->ReplayRecords(records);
    RestoreOids(oid_lines, &db->mutable_catalog());
    // 2. Table data: version 2 attaches part footers (no column data is read); version 1 decodes
    // whole segment files, and the upgrade below rewrites them as parts.
    for (const ManifestTable& mt : m.tables) {
      auto table = db->mutable_catalog().FindTable(mt.name);
      if (!table) throw Error(SqlState::kDataCorrupted, fmt::format("manifest names unknown table \"{}\"", mt.name));
      try {
        if (m.version == 1) {
          std::string path = dir + "/" + mt.segment;
          DecodeSegmentFile(ReadWholeFile(path), path, &table->data);
        } else {
          AttachParts(dir, mt, table.get());
        }
      } catch (const Error& e) {
        table->data.Clear();
        table->corrupt = e.status().message();
      }
    }
    d->live_ = m;
  } else {
    m.wal = "wal-0.log";
  }
  // 3. Committed WAL transactions since the checkpoint, through the chain of WAL files a
  // background checkpoint that did not finish leaves (each but the last was fsynced whole before
  // the next one took commits).
  // Each later file of the chain began at a background checkpoint's WAL switch, where the live
  // tables stopped appending into the row groups they had (BeginBackground: FreezeGroups); the
  // row ids its deletes name count on that, so replay freezes the groups at the same place.
  const std::vector<std::string> chain = WalChain(dir, m.wal);
  WalReadResult wr;
  for (size_t i = 0; i < chain.size(); ++i) {
    if (i > 0)
      for (auto& [name, t] : db->mutable_catalog().tables) t->data.FreezeGroups();
    // In batches of 16 MB of frames, sealing the replayed rows as they pass the memory limit.
    wr = ReadWalInBatches(dir + "/" + chain[i], 16u << 20, [&](const std::vector<WalRecord>& records) REQUIRES(db->mutex()) {
      db->ReplayRecords(records);
      d->SealReplayedRows(db->mutable_catalog());
    });
  }
  d->wal_chain_.assign(chain.begin() + 1, chain.end());
  d->wal_seq_ = 0;
  WalSeq(chain.back(), &d->wal_seq_);
  d->wal_ = std::make_unique<WalWriter>(dir + "/" + chain.back(), wr.valid_bytes);
  if (!existed) {
    Manifest fresh;
    fresh.checkpoint = 0;
    fresh.wal = m.wal;
    fresh.catalog = "catalog-0.sql";
    WriteFileDurable(dir + "/" + fresh.catalog, "");
    ReplaceFileDurable(manifest_path, EncodeManifest(fresh));
    d->live_ = fresh;
  } else if (m.version != 1 && chain.size() == 1) {
    d->CollectLiveParts(db->mutable_catalog(), m);
  } else if (m.version != 1) {
    // A crash inside a checkpoint left a chain of WAL files: fold them into parts now, so the
    // directory is again one MANIFEST, its files and one WAL.
    d->CollectLiveParts(db->mutable_catalog(), m);
    try {
      d->Checkpoint(db->mutable_catalog());
    } catch (const Error&) {
      // (no space, say): the chain stays and replays again next time; the database opens
    }
  } else {
    // Upgrade: the rows (segments + WAL) are in memory now; a checkpoint writes them as parts
    // under a version-2 manifest, and only then are the version-1 files removed.
    d->Checkpoint(db->mutable_catalog());
  }
  d->StartCheckpointer(db);
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
  // Writers that outran the background checkpoint wait here, without the database, until it
  // is done (the tail it seals is memory they would otherwise keep adding to). A session whose
  // block still holds the database does not wait: the checkpoint needs the database to finish.
  if (throttled_.load(std::memory_order_acquire) && !(db_ && db_->mutex().HeldByThisThread())) {
    std::unique_lock<std::mutex> lock(checkpointer_mu_);
    checkpointer_cv_.wait(lock, [&] { return !throttled_.load(std::memory_order_acquire) || checkpointer_stop_; });
  }
  const uint64_t lsn = t_durability.pending_lsn;
  if (lsn == 0) return;
  // The leader's fsync runs without the database: a checkpoint switching WAL files waits for
  // it in GroupFlush::Rebase, so wal_ is the file being synced.
  flush_.WaitFor(lsn, [this] { return wal_->Sync(); }, dir_);
  t_durability.pending_lsn = 0;
}

void Durability::CollectLiveParts(const Catalog& catalog, const Manifest& m) {
  const std::vector<std::string> files = m.Files();
  const std::set<std::string> named(files.begin(), files.end());
  live_parts_.clear();
  for (auto& [name, t] : catalog.tables)
    for (size_t g = 0; g < t->data.group_count(); ++g)
      // A statement's parts (SealStatementGroups) are live once a MANIFEST names them.
      if (const auto& part = t->data.group_part(g); part && named.count(part->name()) && !live_parts_.count(part->name())) {
        part->MarkLive();
        live_parts_.emplace(part->name(), part);
      }
}

bool Durability::SealStatementGroups(const Catalog& catalog, Table& table, size_t first, const std::vector<size_t>& skip) {
  const auto types = table.data.types();
  const std::vector<size_t> indexed = IndexedColumns(catalog, table.schema.name, table);
  TableData::SealedInPlace sealed;
  try {
    CheckWritable();
    sealed = table.data.SealFullGroups(first, skip, [&](int64_t partition, const std::vector<DataChunk>& groups) {
    // Named after the live checkpoint, which never names it: only a later MANIFEST can (and a
    // reopen starts from the newest one, so the name is not taken again).
    std::string file;
    do file = fmt::format("p{}-{}-s{}.part", table.id, checkpoint_, statement_part_seq_++);
    while (FileExists(dir_ + "/" + file));
    auto part = PartFile::Write(dir_, file, types, partition, groups, indexed);
    part->MarkObsolete();  // until a MANIFEST names it
    CrashPoint("statement-part-written");
    return std::shared_ptr<const PartFile>(part);
    });
  } catch (const Error& e) {
    // (No space, say.) The rows stay resident and in the WAL: nothing is lost, the statement
    // goes on over the limit; parts written before the failure go with their last holder.
    std::fprintf(stderr, "yunhe: sealing a large statement's rows of \"%s\" into parts failed: %s\n", table.schema.name.c_str(),
                 e.status().message().c_str());
    return false;
  }
  const bool installed = table.data.InstallSealed(sealed);
  YH_ASSERT(installed);  // taken and installed holding the database, nothing changed in between
  ++statement_seals_;
  return true;
}

void Durability::SealReplayedRows(Catalog& catalog) {
  const uint64_t limit = MemoryLimitBytes();
  if (replay_seal_failed_ || ReserveFromPool(catalog) <= limit / 2) return;
  for (auto& [name, t] : catalog.tables) {
    if (IsTempRelationKey(name) || t->data.resident_rows() < kChunkRows) continue;
    if (!SealStatementGroups(catalog, *t, 0, {})) {
      // (No space, say: logged once.) The rows stay resident for the rest of the replay, as
      // they all did before; the open's checkpoint tries again.
      replay_seal_failed_ = true;
      return;
    }
  }
  ReserveFromPool(catalog);
  ReleaseFreeMemory();  // the sealed rows' arrays and strings (nobody waits for the database yet)
}

// ---- Background checkpoints ----
//
// The automatic checkpoints (WAL or resident rows past their limits) write without the
// database lock. Holding it briefly (Begin, in the commit that found a limit passed, so that a
// writer coming straight back for the database cannot keep the switch waiting): the WAL is
// fsynced and commits switch to a new WAL file, every table stops appending into the row groups
// it has (TableData::FreezeGroups) and is snapshotted, and the catalog is taken as DDL text.
// Without it (Write, on the checkpointer thread): the snapshots' resident groups are sealed into
// parts at the positions they have (no row moves, so the WAL records written meanwhile still
// name the right rows), delete vectors and the catalog are written. Holding it briefly again
// (Finish: the checkpointer thread, or a commit that finds the write done and holds the
// database already): MANIFEST names the new files and the new WAL, the live tables swap their
// resident groups for the sealed ones, old files go. A crash before the swap leaves the old
// MANIFEST, whose WAL chain (the old WAL, then the new) replays everything; after it, the new
// MANIFEST with the new WAL. A synchronous checkpoint meanwhile (CHECKPOINT, close) supersedes
// the background one, which then drops its files.

struct Durability::Background {
  uint64_t generation = 0;
  uint64_t n = 0;
  std::string catalog_ddl;
  std::string catalog_shape;  // catalog_ddl without the sequences' values, which change without DDL
  std::string new_wal;
  struct Job {
    std::string name;
    std::shared_ptr<Table> live;
    std::shared_ptr<const TableData> snapshot;
    size_t frozen = 0;
    std::vector<size_t> indexed;
    TableData::SealedInPlace sealed;  // sealing in place
    TableData::Layout layout;         // compacting
  };
  // Compacting (some table has deleted rows, partly filled groups or a tier of parts to merge
  // into new parts): the layout moves rows, so Finish writes the changes made meanwhile again,
  // in the new row ids, into a WAL file of their own (FinishCompaction).
  bool compact = false;
  std::vector<Job> jobs;
  Manifest m;
  std::vector<std::shared_ptr<const PartFile>> written;
  std::vector<std::string> files_written;
  std::string error;  // Write failed: Finish drops everything
};

bool Durability::FinishCompaction(Background& bg, Catalog& catalog, const std::function<void()>& drop) {
  // The tables must be the ones compacted (no DDL, no re-laying since): otherwise the work is
  // dropped, and the old MANIFEST with its WAL chain stays the database.
  bool same = CatalogDdl(catalog, false) == bg.catalog_shape && catalog.tables.size() == bg.jobs.size();
  for (auto& job : bg.jobs) {
    if (!same) break;
    same = catalog.FindTable(job.name) == job.live && job.live->data.layout_epoch() == job.snapshot->layout_epoch() &&
           job.live->data.types() == job.snapshot->types();
  }
  if (!same) {
    bg.error = "the tables changed shape while they were being compacted";
    drop();
    return false;
  }
  // What changed since the snapshot, in the new row ids: deletes of rows the snapshot had, and
  // each group appended since as one insert (replay lays them out as the live table has them).
  std::vector<WalRecord> relog;
  std::vector<std::vector<uint64_t>> deletes(bg.jobs.size());
  for (size_t j = 0; j < bg.jobs.size(); ++j) {
    const auto& job = bg.jobs[j];
    const TableData& live = job.live->data;
    const TableData& snap = *job.snapshot;
    for (size_t g = 0; g < job.frozen; ++g) {
      if (live.SameGroup(snap, g)) continue;
      const auto& now = live.deleted(g);
      const auto& then = snap.deleted(g);
      for (size_t r = 0; r < snap.group_rows(g); ++r)
        if (now[r] && !then[r]) {
          const uint64_t id = job.layout.MapRowId(g * kChunkRows + r);
          if (id == UINT64_MAX) {
            // A row live in the snapshot is always in the layout; if not, drop the compaction
            // (the old MANIFEST and its WAL chain stay the database) instead of losing the delete.
            bg.error = "internal error: a row deleted during compaction is not in its layout";
            drop();
            return false;
          }
          deletes[j].push_back(id);
        }
    }
    std::vector<uint64_t> later_deleted;
    const size_t base = job.layout.groups.size();
    for (size_t g = job.frozen; g < live.group_count(); ++g) {
      WalRecord insert;
      insert.type = WalRecordType::kInsert;
      insert.table = job.name;
      insert.rows = live.group(g);
      relog.push_back(std::move(insert));
      const auto& dead = live.deleted(g);
      for (size_t r = 0; r < live.group_rows(g); ++r)
        if (dead[r]) later_deleted.push_back((base + g - job.frozen) * kChunkRows + r);
    }
    later_deleted.insert(later_deleted.begin(), deletes[j].begin(), deletes[j].end());
    if (!later_deleted.empty()) {
      WalRecord del;
      del.type = WalRecordType::kDelete;
      del.table = job.name;
      del.row_ids = std::move(later_deleted);
      relog.push_back(std::move(del));
    }
  }
  WalRecord commit;
  commit.type = WalRecordType::kCommit;
  relog.push_back(std::move(commit));
  // The relog replaces the WAL written since the snapshot, and with it the sequences' records:
  // it carries their exact values instead (and nextval logs anew from them).
  for (auto& [name, seq] : catalog.sequences) {
    std::lock_guard<std::mutex> lock(seq.state->mu);
    WalRecord r;
    r.type = WalRecordType::kSequence;
    if (IsTempRelationKey(name)) continue;
    r.sql = SequenceSetvalSql(catalog, name, seq.state->last_value, seq.state->is_called);
    relog.push_back(std::move(r));
  }
  ResetSequenceLogs(catalog);
  // A WAL file outside the chain of the old MANIFEST (wal-N.relog, not wal-N.log): until the
  // new MANIFEST names it, a crash replays the old chain, which has all of this already.
  const std::string relog_name = fmt::format("wal-{}.relog", wal_seq_ + 1);
  std::unique_ptr<WalWriter> writer;
  try {
    WriteFileDurable(dir_ + "/" + relog_name, "");
    writer = std::make_unique<WalWriter>(dir_ + "/" + relog_name, 0);
    writer->Append(relog);
    if (int err = writer->Sync()) throw Error(SqlState::kIoError, fmt::format("could not fsync \"{}/{}\": {}", dir_, relog_name, std::strerror(err)));
    CrashPoint("bgcheckpoint-relog-written");
    bg.m.wal = relog_name;
    ReplaceFileDurable(dir_ + "/MANIFEST", EncodeManifest(bg.m));
  } catch (const Error& e) {
    bg.error = e.status().message();
    writer.reset();
    RemoveFile(dir_ + "/" + relog_name);
    drop();
    return false;
  }
  CrashPoint("bgcheckpoint-manifest-swapped");
  for (size_t j = 0; j < bg.jobs.size(); ++j) {
    Background::Job& job = bg.jobs[j];
    InstallKeepingKeys(
        *job.live, [&](uint64_t id) { return job.layout.MapRowIdAfterCompaction(id, job.frozen); },
        [&] { job.live->data.ApplyCompaction(std::move(job.layout), job.frozen, deletes[j]); });
  }
  SwitchWal([&] { return std::move(writer); });
  Installed(catalog, std::move(bg.m), bg.written);
  ++background_compactions_;
  CrashPoint("bgcheckpoint-done");
  return true;
}

uint64_t Durability::ResidentRowBytes(const Table& table) { return table.data.RowBytes(); }

uint64_t Durability::TailBytes(const Catalog& catalog) {
  // Estimated from the column types (the resident tail's arrays and text cells).
  uint64_t tail_bytes = 0;
  for (auto& [name, t] : catalog.tables) {
    if (IsTempRelationKey(name)) continue;  // never checkpointed
    tail_bytes += t->data.resident_rows() * ResidentRowBytes(*t);
  }
  return tail_bytes;
}

uint64_t Durability::ReserveFromPool(const Catalog& catalog) {
  // The resident tail and the key maps share memory_limit with the buffer pool.
  const uint64_t tail = TailBytes(catalog);
  uint64_t bytes = tail;
  for (auto& [name, t] : catalog.tables) bytes += KeyMapBytes(*t);
  BufferPool::Instance().SetReserved(bytes);
  return tail;
}

void Durability::MaybeCheckpoint(Catalog& catalog) {
  // A background checkpoint done writing waits for the database to install its parts: this
  // commit holds it, so install them here (a writer that takes the database again at once would
  // otherwise keep it from the checkpointer, and its rows resident).
  if (background_ && BackgroundWritten()) FinishBackgroundHere(catalog);
  // The resident tail lives in memory until a checkpoint seals it: keep it under a quarter of
  // memory_limit, so ingest stays within the limit however compressible its WAL is.
  uint64_t tail = ReserveFromPool(catalog);
  const uint64_t tail_limit = MemoryLimitBytes() / 4;
  auto over = [&](uint64_t times) { return wal_->size() > times * kWalCheckpointBytes || tail > times * tail_limit; };
  if (!over(1)) return;
  if (!checkpointer_.joinable()) {
    Checkpoint(catalog);
    return;
  }
  if (!background_) {
    if (flush_.written() < background_retry_at_) return;  // the last one failed: not again at once
    StartBackground(catalog);
    return;
  }
  // Writers outrun the background checkpoint: past twice the limits, server sessions wait for
  // it after letting the database go (WaitDurable); past four times (writers that never wait:
  // the shell, ingest loops, one statement adding more rows than the limits), this commit waits
  // for its write (which needs no database), installs it and starts the next one. Memory stays
  // bounded and nothing is written twice (a synchronous checkpoint here would rewrite the rows
  // the background one has just written).
  if (over(4)) {
    WaitBackgroundWritten();
    FinishBackgroundHere(catalog);
    tail = ReserveFromPool(catalog);
    if (over(1) && flush_.written() >= background_retry_at_) StartBackground(catalog);
  } else if (over(2)) {
    throttled_.store(true, std::memory_order_release);
  }
}

void Durability::StartBackground(Catalog& catalog) {
  // Begun here, holding the database the commit holds: no other writer slips in before the
  // switch, however fast it comes back for the database.
  // The commit is done: a failure here is the checkpoint's (logged, retried later), never the
  // statement's.
  try {
    background_ = BeginBackground(catalog);
  } catch (const Error& e) {
    ++background_finished_;
    BackgroundFailed(e.status().message());
    return;
  } catch (const std::exception& e) {
    ++background_finished_;
    BackgroundFailed(e.what());
    return;
  }
  {
    std::lock_guard<std::mutex> lock(checkpointer_mu_);
    to_write_ = background_.get();
  }
  checkpointer_cv_.notify_all();
}

void Durability::BackgroundFailed(const std::string& why) {
  background_retry_at_ = flush_.written() + kBackgroundRetryBytes;
  // Nothing is lost (the WAL chain holds every commit); the server's log says why.
  std::fprintf(stderr, "yunhe: background checkpoint of \"%s\" failed: %s\n", dir_.c_str(), why.c_str());
}

bool Durability::BackgroundWritten() {
  std::lock_guard<std::mutex> lock(checkpointer_mu_);
  return background_ && written_n_ == background_->n;
}

void Durability::WaitBackgroundWritten() {
  std::unique_lock<std::mutex> lock(checkpointer_mu_);
  if (to_write_ == background_.get()) {
    // The checkpointer has not taken it: it may be waiting for the database this commit holds,
    // to install the one before (which a commit installed meanwhile). Write it here instead of
    // waiting for a thread that waits for us.
    to_write_ = nullptr;
    lock.unlock();
    WriteBackground(*background_);
    lock.lock();
    written_n_ = background_->n;
    checkpointer_cv_.notify_all();
    return;
  }
  checkpointer_cv_.wait(lock, [&] { return written_n_ == background_->n; });
}

void Durability::FinishBackgroundHere(Catalog& catalog) {
  const bool superseded = background_->generation != generation_;
  if (FinishBackground(*background_, catalog)) {
    ++background_installed_;
  } else if (!superseded) {
    BackgroundFailed(background_->error);
  }
  background_.reset();  // lets go of the snapshot: the sealed rows' resident arrays are freed
  ++background_finished_;
  {
    std::lock_guard<std::mutex> lock(checkpointer_mu_);
    throttled_.store(false, std::memory_order_release);
  }
  RequestTrim();
}

void Durability::StartCheckpointer(Database* db) {
  db_ = db;
  checkpointer_ = std::thread([this] {
    std::unique_lock<std::mutex> lock(checkpointer_mu_);
    for (;;) {
      checkpointer_cv_.wait(lock, [&] { return checkpointer_stop_ || to_write_ || trim_due_; });
      if (Background* bg = to_write_) {
        // Begun by a commit (StartBackground), which keeps it in background_ until installed.
        to_write_ = nullptr;
        lock.unlock();
        WriteBackground(*bg);
        const uint64_t n = bg->n;
        lock.lock();
        written_n_ = n;
        checkpointer_cv_.notify_all();
        lock.unlock();
        {
          MutexLock db_lock(db_->mutex());
          // Unless a commit installed it meanwhile (and perhaps began the next one).
          if (background_ && background_->n == n) {
            FinishBackgroundHere(db_->mutable_catalog());
            ReserveFromPool(db_->mutable_catalog());
          }
        }
        lock.lock();
      }
      if (trim_due_) {
        // The sealed tail's arrays were freed among long-lived blocks: past the limit plus a
        // slack, give the free pages back to the system, or the process keeps the high-water
        // mark of every ingest burst (measured: 5.4 GB RSS after 50M rows under a 1 GB limit,
        // 1.2 GB with it). Not at every checkpoint: the pages given back fault in again, and
        // trimming under sustained small commits cost a fifth of the ingest rate and doubled
        // writers' p99 (bench/checkpoint_stall.py, 128 MB limit).
        trim_due_ = false;
        lock.unlock();
        const uint64_t limit = MemoryLimitBytes();
        if (ResidentBytes() > limit + std::max<uint64_t>(limit / 2, 512ull << 20)) ReleaseFreeMemory();
        lock.lock();
      }
      if (checkpointer_stop_ && !to_write_) return;
    }
  });
}

Durability::Durability(const std::string& dir) : dir_(dir), lock_(dir) {}
Durability::~Durability() { StopCheckpointer(); }

void Durability::RequestTrim() {
  {
    std::lock_guard<std::mutex> lock(checkpointer_mu_);
    trim_due_ = true;
  }
  checkpointer_cv_.notify_all();
}

void Durability::StopCheckpointer() {
  if (!checkpointer_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(checkpointer_mu_);
    checkpointer_stop_ = true;
  }
  checkpointer_cv_.notify_all();
  checkpointer_.join();  // a checkpoint under way is written and installed first
}

void Durability::CheckReadable(const Catalog& catalog) {
  for (auto& [name, t] : catalog.tables)
    if (!t->corrupt.empty())
      throw Error(SqlState::kDataCorrupted, "cannot checkpoint while table \"" + name + "\" is unreadable: " + t->corrupt);
}

void Durability::Checkpoint(Catalog& catalog) {
  CheckReadable(catalog);
  ++generation_;  // a background checkpoint still writing is dropped when it comes back
  const uint64_t n = ++checkpoint_;
  Manifest m;
  m.checkpoint = n;
  m.catalog = fmt::format("catalog-{}.sql", n);
  m.wal = WalName(wal_seq_ + 1);
  // Phase 1 (nothing in memory changes): new parts for what changed since the last checkpoint,
  // delete vectors, catalog, an empty WAL. A failure here leaves orphan files only, which the
  // next open removes.
  std::vector<std::pair<Table*, TableData::Layout>> layouts;
  std::vector<std::shared_ptr<const PartFile>> written;
  std::vector<std::string> files_written;
  try {
    WriteFileDurable(dir_ + "/" + m.catalog, CatalogDdl(catalog));
    ResetSequenceLogs(catalog);  // the exact values are in the catalog file: nextval logs anew
    for (auto& [name, t] : catalog.tables) {
      if (IsTempRelationKey(name)) continue;  // temporary: stays in memory, never on disk
      int part_seq = 0;
      const auto types = t->data.types();
      const std::vector<size_t> indexed = IndexedColumns(catalog, name, *t);
      const uint64_t table_id = t->id;  // (a structured binding cannot be captured before C++20 clang)
      TableData::Layout layout = t->data.Reseal([&](int64_t partition, const std::vector<DataChunk>& groups) {
        std::string file = fmt::format("p{}-{}-{}.part", table_id, n, part_seq++);
        auto part = PartFile::Write(dir_, file, types, partition, groups, indexed);
        written.push_back(part);
        CrashPoint("checkpoint-part-written");
        return part;
      });
      m.tables.push_back(DescribeLayout(name, t->id, n, layout, &files_written));
      layouts.emplace_back(t.get(), std::move(layout));
    }
    CrashPoint("checkpoint-parts-written");
    WriteFileDurable(dir_ + "/" + m.wal, "");
    CrashPoint("checkpoint-before-manifest");
    // Phase 2: the switch. After the rename the new checkpoint is the database.
    ReplaceFileDurable(dir_ + "/MANIFEST", EncodeManifest(m));
  } catch (...) {
    for (auto& part : written) part->MarkObsolete();
    throw;
  }
  CrashPoint("checkpoint-manifest-swapped");
  // Phase 3: install the new layouts (row ids restart with the new WAL), switch the WAL, and
  // let go of files the new manifest does not name (parts when their last reader is done).
  for (auto& [t, layout] : layouts) {
    TableData::Layout& l = layout;
    Table* table = t;
    InstallKeepingKeys(*table, [&](uint64_t id) { return l.MapRowId(id); }, [&] { table->data.ApplyLayout(std::move(l)); });
  }
  SwitchWal([&] { return std::make_unique<WalWriter>(dir_ + "/" + m.wal, 0); });
  Installed(catalog, std::move(m), {});
  ++synchronous_done_;
  ReserveFromPool(catalog);
  RequestTrim();
  CrashPoint("checkpoint-done");
}

void Durability::SwitchWal(const std::function<std::unique_ptr<WalWriter>()>& open) {
  try {
    flush_.Rebase([&] { wal_ = open(); });
  } catch (const Error& e) {
    // Files on disk may already name the new WAL while the old one is still open: commits must
    // not go on until the database is reopened (which replays whatever is there).
    Poison("could not switch to a new WAL file for a checkpoint: " + e.status().message());
    throw;
  }
  ++wal_seq_;
}

void Durability::Installed(const Catalog& catalog, Manifest m, const std::vector<std::shared_ptr<const PartFile>>& written) {
  std::set<std::string> keep;
  for (auto& f : m.Files()) keep.insert(f);
  std::vector<std::string> old = live_.Files();
  old.insert(old.end(), wal_chain_.begin(), wal_chain_.end());
  for (auto& f : old) {
    if (keep.count(f)) continue;
    if (f.ends_with(".part")) continue;  // below
    RemoveFile(dir_ + "/" + f);
  }
  // The new manifest names the newest WAL (one checkpoint at a time): no chain is left.
  wal_chain_.clear();
  for (auto& [name, part] : live_parts_)
    if (!keep.count(name)) part->MarkObsolete();
  CollectLiveParts(catalog, m);
  // Parts the manifest names that no table holds in memory (a table altered while its rows were
  // being sealed keeps them resident): obsolete once a later manifest stops naming them.
  for (auto& part : written)
    if (keep.count(part->name())) live_parts_.emplace(part->name(), part);
  live_ = std::move(m);
}

std::unique_ptr<Durability::Background> Durability::BeginBackground(Catalog& catalog) {
  CheckWritable();
  CheckReadable(catalog);
  auto bg = std::make_unique<Background>();
  bg->generation = ++generation_;
  bg->n = ++checkpoint_;
  bg->catalog_ddl = CatalogDdl(catalog);
  bg->catalog_shape = CatalogDdl(catalog, false);
  ResetSequenceLogs(catalog);  // the new WAL starts from the exact values in catalog_ddl
  bg->new_wal = WalName(wal_seq_ + 1);
  // Everything the old WAL holds must be durable before any commit lands in the new one (replay
  // reads the chain in order and stops at the first torn frame of each file).
  flush_.WaitFor(flush_.written(), [this] { return wal_->Sync(); }, dir_);
  WriteFileDurable(dir_ + "/" + bg->new_wal, "");
  SwitchWal([&] { return std::make_unique<WalWriter>(dir_ + "/" + bg->new_wal, 0); });
  wal_chain_.push_back(bg->new_wal);
  CrashPoint("bgcheckpoint-wal-switched");
  for (auto& [name, t] : catalog.tables) {
    if (IsTempRelationKey(name)) continue;  // temporary: stays in memory, never on disk
    Background::Job job;
    job.name = name;
    job.live = t;
    job.frozen = t->data.FreezeGroups();
    job.snapshot = t->data.Snapshot();
    job.indexed = IndexedColumns(catalog, name, *t);
    bg->compact |= job.snapshot->CompactionDue();
    bg->jobs.push_back(std::move(job));
  }
  return bg;
}

void Durability::WriteBackground(Background& bg) {
  try {
    bg.m.checkpoint = bg.n;
    bg.m.catalog = fmt::format("catalog-{}.sql", bg.n);
    bg.m.wal = bg.new_wal;
    WriteFileDurable(dir_ + "/" + bg.m.catalog, bg.catalog_ddl);
    bg.files_written.push_back(bg.m.catalog);
    for (auto& job : bg.jobs) {
      int part_seq = 0;
      const auto types = job.snapshot->types();
      const uint64_t table_id = job.live->id;
      auto write_part = [&](int64_t partition, const std::vector<DataChunk>& groups) {
        std::string file = fmt::format("p{}-{}-{}.part", table_id, bg.n, part_seq++);
        auto part = PartFile::Write(dir_, file, types, partition, groups, job.indexed);
        bg.written.push_back(part);
        CrashPoint("bgcheckpoint-part-written");
        return std::shared_ptr<const PartFile>(part);
      };
      if (bg.compact) {
        job.layout = job.snapshot->Reseal(write_part);
        bg.m.tables.push_back(DescribeLayout(job.name, table_id, bg.n, job.layout, &bg.files_written));
      } else {
        job.sealed = job.snapshot->SealInPlace(job.frozen, write_part);
        bg.m.tables.push_back(DescribeLayout(job.name, table_id, bg.n, job.snapshot->LayoutWith(job.sealed), &bg.files_written));
      }
    }
    CrashPoint("bgcheckpoint-parts-written");
  } catch (const Error& e) {
    bg.error = e.status().message();
  } catch (const std::exception& e) {
    bg.error = e.what();
  }
}

bool Durability::FinishBackground(Background& bg, Catalog& catalog) {
  auto drop = [&] {
    for (auto& part : bg.written) part->MarkObsolete();
    for (auto& f : bg.files_written) RemoveFile(dir_ + "/" + f);
  };
  if (bg.generation != generation_ || !bg.error.empty()) {
    drop();  // superseded by a synchronous checkpoint, or failed (the WAL chain still holds it all)
    return false;
  }
  if (bg.compact) return FinishCompaction(bg, catalog, drop);
  try {
    ReplaceFileDurable(dir_ + "/MANIFEST", EncodeManifest(bg.m));
  } catch (const Error& e) {
    bg.error = e.status().message();
    drop();
    return false;
  }
  CrashPoint("bgcheckpoint-manifest-swapped");
  for (auto& job : bg.jobs) {
    auto live = catalog.FindTable(job.name);
    // Dropped, re-laid or altered meanwhile: its rows stay resident (the WAL has what changed).
    if (live == job.live) live->data.InstallSealed(job.sealed);
  }
  Installed(catalog, std::move(bg.m), bg.written);
  CrashPoint("bgcheckpoint-done");
  return true;
}

}  // namespace yunhe
