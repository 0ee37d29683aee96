// The catalog: tables, views and indexes by name (one schema, "public"; names are case-folded
// by the parser as in PostgreSQL). Entries are shared_ptrs so a transaction can keep the
// pre-DDL version of a table for rollback (copy-on-write on schema change).
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "storage/sequence.h"
#include "storage/table.h"

namespace yunhe {

struct ViewInfo {
  std::string name;
  std::string sql;                        // the SELECT text
  std::vector<std::string> column_names;  // explicit names, may be empty
};

struct IndexInfo {
  std::string name;
  std::string table;
  std::vector<std::string> columns;
  bool unique = false;
  std::string method = "btree";  // USING ...; gist on a geometry column is a real R-tree (exec/spatial_row_index.h)
};

struct Catalog {
  std::map<std::string, std::shared_ptr<Table>> tables;
  std::map<std::string, ViewInfo> views;
  std::map<std::string, IndexInfo> indexes;
  std::map<std::string, SequenceInfo> sequences;  // copies share each sequence's state (storage/sequence.h)
  // COMMENT ON: (relation, column or "" for the relation itself) -> text.
  std::map<std::pair<std::string, std::string>, std::string> comments;
  // Roles: name -> SCRAM-SHA-256 verifier ("" = no password). The superuser "yunhe" always
  // exists; while no role has a password, loopback connections are trusted.
  std::map<std::string, std::string> users;
  uint64_t next_table_id = 1;

  std::shared_ptr<Table> FindTable(const std::string& name) const {
    auto it = tables.find(name);
    return it == tables.end() ? nullptr : it->second;
  }
  const ViewInfo* FindView(const std::string& name) const {
    auto it = views.find(name);
    return it == views.end() ? nullptr : &it->second;
  }
  const SequenceInfo* FindSequence(const std::string& name) const {
    auto it = sequences.find(name);
    return it == sequences.end() ? nullptr : &it->second;
  }
  bool NameTaken(const std::string& name) const {
    return tables.count(name) || views.count(name) || indexes.count(name) || sequences.count(name);
  }
};

}  // namespace yunhe
