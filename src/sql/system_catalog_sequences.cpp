// The catalogs that describe sequences: pg_sequence (options by OID), the pg_sequences view
// (with each sequence's last value), information_schema.sequences and pg_depend's rows for owned
// sequences, as PostgreSQL 15 has them.
#include "common/pg_type_ids.h"
#include "sql/system_catalog_builder.h"

namespace yunhe::catalog_rows {

bool BuildSequenceRelation(const Catalog& cat, bool pg, bool info, const std::string& name, SystemRelation* out) {
  if (pg && name == "pg_sequence") {
    Builder b(out, {{"seqrelid", I}, {"seqtypid", I}, {"seqstart", I}, {"seqincrement", I}, {"seqmax", I}, {"seqmin", I},
                    {"seqcache", I}, {"seqcycle", B}});
    for (auto& [n, s] : cat.sequences) {
      const SequenceOptions& o = s.options;
      b.Row({Int(int64_t(16384 + s.id)), Int(PgTypeOid(o.type)), Int(o.start), Int(o.increment), Int(o.max), Int(o.min), Int(o.cache),
             Bool(o.cycle)});
    }
    b.Finish();
    return true;
  }
  if (pg && name == "pg_sequences") {
    Builder b(out, {{"schemaname", T}, {"sequencename", T}, {"sequenceowner", T}, {"data_type", T}, {"start_value", I},
                    {"min_value", I}, {"max_value", I}, {"increment_by", I}, {"cycle", B}, {"cache_size", I}, {"last_value", I}});
    for (auto& [n, s] : cat.sequences) {
      const SequenceOptions& o = s.options;
      Value last = Null();
      {
        std::lock_guard<std::mutex> lock(s.state->mu);
        if (s.state->is_called) last = Int(s.state->last_value);  // NULL until nextval was first called
      }
      b.Row({Text(cat.Split(n).schema), Text(cat.Split(n).name), Text("yunhe"), Text(o.type.ToString()), Int(o.start), Int(o.min), Int(o.max), Int(o.increment),
             Bool(o.cycle), Int(o.cache), last});
    }
    b.Finish();
    return true;
  }
  if (pg && name == "pg_depend") {
    // What psql's \d of a sequence and SQLAlchemy read: a sequence owned by a column depends
    // on it ('a' for SERIAL and OWNED BY, 'i' for an identity column).
    Builder b(out, {{"classid", I}, {"objid", I}, {"objsubid", I4}, {"refclassid", I}, {"refobjid", I}, {"refobjsubid", I4},
                    {"deptype", T}});
    for (auto& [n, s] : cat.sequences) {
      auto t = s.owned_table.empty() ? nullptr : cat.FindTable(s.owned_table);
      const int idx = t ? t->schema.ColumnIndex(s.owned_column) : -1;
      if (idx < 0) continue;
      b.Row({Int(1259), Int(int64_t(16384 + s.id)), Int(0), Int(1259), Int(int64_t(16384 + t->id)), Int(idx + 1),
             Text(s.identity ? "i" : "a")});
    }
    b.Finish();
    return true;
  }
  if (info && name == "sequences") {
    Builder b(out, {{"sequence_catalog", T}, {"sequence_schema", T}, {"sequence_name", T}, {"data_type", T},
                    {"numeric_precision", I4}, {"numeric_precision_radix", I4}, {"numeric_scale", I4}, {"start_value", T},
                    {"minimum_value", T}, {"maximum_value", T}, {"increment", T}, {"cycle_option", T}});
    for (auto& [n, s] : cat.sequences) {
      if (s.identity) continue;  // as PostgreSQL: an identity column's sequence is the column's business
      const SequenceOptions& o = s.options;
      const int64_t bits = o.type.id == TypeId::kInt16 ? 16 : o.type.id == TypeId::kInt32 ? 32 : 64;
      b.Row({Text("yunhe"), Text(cat.Split(n).schema), Text(cat.Split(n).name), Text(o.type.ToString()), Int(bits), Int(2), Int(0), Text(std::to_string(o.start)),
             Text(std::to_string(o.min)), Text(std::to_string(o.max)), Text(std::to_string(o.increment)), Text(o.cycle ? "YES" : "NO")});
    }
    b.Finish();
    return true;
  }
  return false;
}

}  // namespace yunhe::catalog_rows
