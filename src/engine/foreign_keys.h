#pragma once
// FOREIGN KEY constraints as PostgreSQL has them (MATCH SIMPLE: a row with a NULL in its key
// references nothing). A child row's key must be a key of the parent when the row is appended
// (INSERT, UPDATE's new version, COPY; 23503 "... is not present in table"); a parent key that a
// statement removed (DELETE, or UPDATE changing it) is resolved when the statement ends, as
// PostgreSQL's RI triggers are: NO ACTION / RESTRICT fail if a child row still references it,
// ON DELETE CASCADE deletes those rows, ON DELETE SET NULL sets their key columns to NULL. The
// referenced columns must be the parent's PRIMARY KEY or UNIQUE key (42830).
#include <memory>
#include <string>
#include <vector>

#include "common/vector.h"
#include "engine/database.h"
#include "sql/parser.h"

namespace yunhe {

class Planner;

// The constraint a CREATE TABLE / ALTER TABLE element describes, checked and named
// (t_col_fkey). `inline_column`: the column of a column constraint (REFERENCES p), else "".
// `child` is the table being made or altered (it may reference itself).
ForeignKey BuildForeignKey(const Catalog& catalog, const TableSchema& child, const PgQuery__Constraint* c,
                           const std::string& inline_column, const Planner& planner);

// 23503 for the first row of `rows` (rows of `child`) whose key the parent lacks. `rows` may
// reference each other when the table references itself.
void CheckChildRows(const Catalog& catalog, const TableSchema& child, const DataChunk& rows);

// The keys rows `ids` of `parent` (about to be deleted) hold, for every constraint that
// references the parent.
void NoteRemovedParentRows(const Catalog& catalog, const Table& parent, const std::vector<uint64_t>& ids, bool by_update,
                           std::vector<RemovedKey>* out);

// At the end of a statement: the removed keys no longer in their parent, with the constraint's
// action (which may remove more keys, resolved in turn).
void ResolveRemovedKeys(Database& db, std::vector<RemovedKey>& pending) REQUIRES(db.mutex());

// ALTER TABLE ... ADD CONSTRAINT ... FOREIGN KEY statements that make a table's foreign keys
// again (the WAL and the catalog file keep them apart from CREATE TABLE: a table may reference
// one made after it).
std::vector<std::string> ForeignKeysDdl(const Catalog& catalog, const TableSchema& schema);

// The constraints of other tables that reference `table` (child key, index into its list).
std::vector<std::pair<std::string, size_t>> ReferencingKeys(const Catalog& catalog, const std::string& table);

}  // namespace yunhe
