// Serializable snapshot isolation's bookkeeping (see serializable.h).
#include "engine/serializable.h"

#include <algorithm>
#include <map>
#include <set>

#include "common/row_key.h"
#include "common/status.h"
#include "storage/primary_key.h"

namespace yunhe {

void SsiItems::Merge(const SsiItems& o) {
  all = all || o.all;
  for (const auto& [id, of] : o.tables) {
    OfTable& mine = tables[id];
    mine.whole = mine.whole || of.whole;
    if (!mine.whole) mine.keys.insert(of.keys.begin(), of.keys.end());
  }
}

bool SsiItems::Meets(const SsiItems& writes) const {
  if (empty() || writes.empty()) return false;
  if (all || writes.all) return true;
  for (const auto& [id, read] : tables) {
    auto it = writes.tables.find(id);
    if (it == writes.tables.end()) continue;
    const OfTable& written = it->second;
    if (read.whole || written.whole) return true;
    const auto& small = read.keys.size() < written.keys.size() ? read.keys : written.keys;
    const auto& large = read.keys.size() < written.keys.size() ? written.keys : read.keys;
    for (uint64_t k : small)
      if (large.count(k)) return true;
  }
  return false;
}

SsiItems SsiItems::OfUndoLog(const Transaction& txn) {
  SsiItems writes;
  // Per table: the rows it deleted and the groups' rows it appended, each group read once.
  struct Rows {
    std::shared_ptr<Table> table;
    std::map<size_t, std::vector<uint32_t>> deleted;  // group -> rows
    std::map<size_t, uint32_t> appended_from;         // group -> first appended row
  };
  std::unordered_map<const Table*, Rows> by_table;
  for (const UndoEntry& e : txn.undo) {
    if (e.kind == UndoEntry::kCatalog) {
      writes.all = true;  // a table may be gone or altered: every table is written
      return writes;
    }
    if (!e.table) continue;
    if (e.table->schema.primary_key.empty()) {
      writes.AddWhole(e.table->id);
      continue;
    }
    Rows& rows = by_table[e.table.get()];
    rows.table = e.table;
    if (e.kind == UndoEntry::kDelete) {
      rows.deleted[e.row_id / kChunkRows].push_back(uint32_t(e.row_id % kChunkRows));
      continue;
    }
    for (const auto& [g, before] : e.append.touched) {
      auto [it, fresh] = rows.appended_from.emplace(g, before);
      if (!fresh) it->second = std::min(it->second, before);
    }
    for (size_t g = e.append.groups_before; g < e.table->data.group_count(); ++g) rows.appended_from[g] = 0;
  }
  for (auto& [ptr, rows] : by_table) {
    const Table& t = *rows.table;
    SsiItems::OfTable& of = writes.tables[t.id];
    std::set<size_t> groups;
    for (const auto& [g, r] : rows.deleted) groups.insert(g);
    for (const auto& [g, r] : rows.appended_from) groups.insert(g);
    for (size_t g : groups) {
      if (g >= t.data.group_count() || of.whole) continue;
      const DataChunk chunk = t.data.group(g);
      auto add = [&](size_t r) { AddWrittenKey(of, PrimaryKeyDigest(t, chunk, r).low); };
      if (auto it = rows.deleted.find(g); it != rows.deleted.end())
        for (uint32_t r : it->second)
          if (r < chunk.count) add(r);
      if (auto it = rows.appended_from.find(g); it != rows.appended_from.end())
        for (size_t r = it->second; r < chunk.count; ++r) add(r);
    }
  }
  return writes;
}

void StatementReads::ScanPlanned(const void* scan, uint64_t table_id) { scans_[scan] = Scan{table_id, false, {}}; }

void StatementReads::ScanReadsKeys(const void* scan, std::vector<uint64_t> key_digests) {
  auto it = scans_.find(scan);
  if (it == scans_.end()) return;  // not a scan this statement planned: it stays a whole-table read
  // Several calls narrow the same scan with conjuncts that all hold: any one's keys bound its rows.
  if (!it->second.keyed || key_digests.size() < it->second.keys.size()) {
    it->second.keyed = true;
    it->second.keys = std::move(key_digests);
  }
}

SsiItems StatementReads::Items() const {
  SsiItems items;
  for (const auto& [scan, s] : scans_) {
    if (!s.keyed) {
      items.AddWhole(s.table);
      continue;
    }
    auto& of = items.tables[s.table];  // a keyed scan that finds no row still read its keys (phantoms)
    if (!of.whole) of.keys.insert(s.keys.begin(), s.keys.end());
  }
  return items;
}

struct SerializableTransactions::Edges {
  std::vector<Txn*> out_to;   // committed transactions that wrote what t read, unseen by t
  std::vector<Txn*> in_from;  // transactions that read what t writes, overlapping t
};

uint64_t SerializableTransactions::seq() {
  std::lock_guard<std::mutex> lock(mu_);
  return seq_;
}

std::shared_ptr<SerializableTransactions::Txn> SerializableTransactions::Begin(uint64_t snapshot_seq) {
  auto t = std::make_shared<Txn>();
  t->snapshot_seq = snapshot_seq;
  std::lock_guard<std::mutex> lock(mu_);
  // A snapshot taken before commits that were since forgotten (taken beside a locked block and
  // registered late): its dependencies on them cannot be known, so it may not commit.
  t->too_old = snapshot_seq < pruned_through_;
  active_.push_back(t);
  return t;
}

void SerializableTransactions::AddReads(Txn& t, const SsiItems& reads) {
  if (reads.empty()) return;
  std::lock_guard<std::mutex> lock(mu_);
  t.reads.Merge(reads);
}

SerializableTransactions::Edges SerializableTransactions::FindEdges(const Txn& t, const SsiItems& writes) {
  Edges e;
  for (const auto& w : committed_)
    if (w.get() != &t && w->commit_seq > t.snapshot_seq && t.reads.Meets(w->writes)) e.out_to.push_back(w.get());
  if (writes.empty()) return e;
  for (const auto& r : active_)
    if (r.get() != &t && r->reads.Meets(writes)) e.in_from.push_back(r.get());
  for (const auto& r : committed_)
    if (r->commit_seq > t.snapshot_seq && r->reads.Meets(writes)) e.in_from.push_back(r.get());
  return e;
}

namespace {

Status Failure(const char* reason) {
  return Status::Error(SqlState::kSerializationFailure, "could not serialize access due to read/write dependencies among transactions")
      .WithDetail(std::string("Reason code: ") + reason)
      .WithHint("The transaction might succeed if retried.");
}

}  // namespace

Status SerializableTransactions::CheckCommit(Txn& t, const SsiItems& writes) {
  std::lock_guard<std::mutex> lock(mu_);
  if (t.too_old) return Failure("Canceled on identification as a pivot, during commit attempt.");
  const Edges e = FindEdges(t, writes);
  const bool in = t.in || !e.in_from.empty();
  const bool out = t.out || !e.out_to.empty();
  if (in && out) return Failure("Canceled on identification as a pivot, during commit attempt.");
  for (const Txn* w : e.out_to)
    if (w->out) return Failure("Canceled on conflict out to pivot, during commit attempt.");
  for (const Txn* r : e.in_from)
    if (r->commit_seq && r->in) return Failure("Canceled on identification as a pivot, with conflict in from a committed transaction.");
  return Status::Ok();
}

Status SerializableTransactions::Commit(Txn& t, SsiItems writes, const std::function<bool()>& apply) {
  Status st = CheckCommit(t, writes);
  if (st.ok() && apply()) Committed(t, std::move(writes));
  return st;
}

void SerializableTransactions::Committed(Txn& t, SsiItems writes) {
  std::lock_guard<std::mutex> lock(mu_);
  const Edges e = FindEdges(t, writes);
  for (Txn* w : e.out_to) w->in = true;
  for (Txn* r : e.in_from) r->out = true;
  t.out = t.out || !e.out_to.empty();
  t.in = t.in || !e.in_from.empty();
  t.writes = std::move(writes);
  t.commit_seq = ++seq_;
  auto it = std::find_if(active_.begin(), active_.end(), [&](const auto& p) { return p.get() == &t; });
  if (it != active_.end()) {
    committed_.push_back(std::move(*it));
    active_.erase(it);
  }
  Prune();
}

void SerializableTransactions::Ended(Txn& t) {
  std::lock_guard<std::mutex> lock(mu_);
  if (t.ended || t.commit_seq) return;
  t.ended = true;
  active_.erase(std::remove_if(active_.begin(), active_.end(), [&](const auto& p) { return p.get() == &t; }), active_.end());
  Prune();
}

// A committed transaction matters while some active one overlaps it (its snapshot does not
// include that commit): later commits may still find dependencies with it.
void SerializableTransactions::Prune() {
  uint64_t oldest = UINT64_MAX;
  for (const auto& a : active_) oldest = std::min(oldest, a->snapshot_seq);
  auto keep = std::remove_if(committed_.begin(), committed_.end(), [&](const auto& c) {
    if (c->commit_seq > oldest) return false;
    pruned_through_ = std::max(pruned_through_, c->commit_seq);
    return true;
  });
  committed_.erase(keep, committed_.end());
}

size_t SerializableTransactions::tracked() {
  std::lock_guard<std::mutex> lock(mu_);
  return active_.size() + committed_.size();
}

}  // namespace yunhe
