// Read-only system relations built from the catalog when a query names them, so that clients
// can introspect the database the PostgreSQL way: psql's \dt and \l, dashboards (Grafana's table
// and column pickers), ORMs. pg_catalog: pg_namespace, pg_class, pg_attribute, pg_type,
// pg_database, pg_roles, pg_user, pg_am, pg_index, pg_description, pg_settings;
// information_schema: schemata, tables, columns, views. OIDs follow PostgreSQL where they are
// fixed (types, pg_catalog = 11, public = 2200); tables get 16384 + their catalog id.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "common/vector.h"
#include "storage/catalog.h"

namespace yunhe {

struct SystemRelation {
  std::vector<std::string> names;
  std::vector<LogicalType> types;
  std::vector<DataChunk> rows;
};

// schema: "" (unqualified), "pg_catalog" or "information_schema". False when `name` is not a
// system relation there (an unqualified user table of the same name wins). `view_columns` gives a
// view's output columns (the planner plans its query); false leaves the view's columns out.
using ViewColumnsFn = std::function<bool(const ViewInfo&, std::vector<std::string>*, std::vector<LogicalType>*)>;
bool BuildSystemRelation(const Catalog& catalog, const std::string& schema, const std::string& name, SystemRelation* out,
                         const ViewColumnsFn& view_columns = nullptr);

// Every relation with the OID the system catalogs give it: tables (16384 + id), views, indexes
// (CREATE INDEX) and the index behind each table's key (PRIMARY KEY / UNIQUE, named as
// PostgreSQL names it, "t_pkey" / "t_a_key"), with the constraint OID of such a key.
struct RelationEntry {
  int64_t oid = 0;
  std::string key;                  // the catalog's key (storage/catalog.h): "t" or "s.t"
  std::string name, schema;         // relname and its schema's name
  int64_t namespace_oid = 0;
  char kind = 'r';                  // 'r' table, 'v' view, 'i' index, 'S' sequence
  const Table* table = nullptr;     // 'r'; for 'i' the indexed table
  const ViewInfo* view = nullptr;   // 'v'
  const SequenceInfo* sequence = nullptr;  // 'S'
  int64_t table_oid = 0;            // 'i': the indexed table's OID
  std::vector<std::string> columns; // 'i': indexed columns
  std::string method;               // 'i': btree, gist
  bool unique = false, primary = false;
  int64_t constraint_oid = 0;       // 'i' behind a key: its pg_constraint row
};
std::vector<RelationEntry> CatalogRelations(const Catalog& catalog);
// "FOREIGN KEY (a) REFERENCES p(id) ON DELETE CASCADE", as pg_get_constraintdef prints it (and
// as the catalog file writes it).
// `for_ddl`: the referenced table always schema-qualified (else only when search_path would not
// find it, as PostgreSQL prints it).
std::string ForeignKeyDef(const Catalog& catalog, const ForeignKey& fk, bool for_ddl = false);
// The pg_constraint OID of a table's k-th FOREIGN KEY.
inline int64_t ForeignKeyOid(int64_t table_oid, size_t k) { return 6000000 + (table_oid - 16384) * 256 + 128 + int64_t(k); }
// The pg_constraint OID of a table's k-th CHECK constraint (in name order).
inline int64_t CheckConstraintOid(int64_t table_oid, size_t k) { return 6000000 + (table_oid - 16384) * 256 + int64_t(k); }
// pg_get_indexdef of an index entry: CREATE [UNIQUE] INDEX i ON schema.t USING method (cols).
std::string IndexDef(const Catalog& catalog, const RelationEntry& index);

// Text of catalog objects by OID, for the functions and casts that PostgreSQL answers from its
// catalogs (the planner builds the map once per statement and passes it as a constant):
//   "regclass": relation OID -> name; "indexdef": index OID -> CREATE INDEX statement;
//   "constraintdef": constraint OID -> "PRIMARY KEY (a)"; "regtype": type OID -> name;
//   "regnamespace": namespace OID -> name. One "key\tvalue\n" line per entry.
// A schema's OID: pg_catalog 11, public 2200, information_schema 13000, CREATE SCHEMA's
// 16384 + id, a session's temporary schema kTempNamespaceOidBase + N.
int64_t NamespaceOid(const Catalog& catalog, const std::string& schema);
// The schemas pg_namespace lists, with their OIDs: the built-in ones, CREATE SCHEMA's, and the
// temporary schemas that hold relations.
std::vector<std::pair<int64_t, std::string>> CatalogNamespaces(const Catalog& catalog);
std::string CatalogMap(const Catalog& catalog, const std::string& what);
// Every setting SHOW knows with its value for the session planning now ("name\tvalue" lines):
// current_setting() of a name known only at run time (psql's \dconfig).
std::string SettingValuesMap();
// pg_get_function_result / pg_get_function_arguments of pg_proc's OIDs ("function_result",
// "function_arguments"), as CatalogMap's lines.
std::string FunctionCatalogMap(const std::string& what);
// Find_SRID(schema, table, column): the SRID of a geometry column's typmod (0: none); P0001 with
// PostGIS's message when there is no such geometry column.
int64_t FindSrid(const Catalog& catalog, const std::string& schema, const std::string& table, const std::string& column);
// ST_EstimatedExtent([schema,] table, column): the box (PostGIS's box2d text) of a geometry
// column from the zone maps of its row groups, without reading a row; NULL for no rows. P0001
// when the column is not a geometry column.
Value EstimatedExtent(const Catalog& catalog, const std::string& schema, const std::string& table, const std::string& column);
// pg_table_size: a table's part files plus an estimate of its resident rows, in bytes.
uint64_t TableBytes(const TableData& data);
// 'name'::regclass, 'int4'::regtype, 'public'::regnamespace: the OID, or false if unknown.
bool CatalogOid(const Catalog& catalog, const std::string& what, const std::string& name, int64_t* oid);

}  // namespace yunhe
