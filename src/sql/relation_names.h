// Relation names as PostgreSQL resolves them through search_path: the catalog key
// (storage/catalog.h) of a name as written, qualified or not, for lookups and for CREATE.
// The search path and the session's temporary schema come from the calling thread's statement
// (common/statement_context.h). pg_catalog's relations are not here: the planner finds them
// (sql/system_catalog.h) before any user relation, as PostgreSQL's implicit pg_catalog does.
#pragma once
#include <pg_query/pg_query.pb-c.h>

#include <string>
#include <vector>

namespace yunhe {

struct Catalog;

// The schemas an unqualified name is looked up in, in order: the session's temporary schema,
// then each schema of search_path that exists ("$user" is the role's own schema, if made).
std::vector<std::string> LookupSchemas(const Catalog& catalog);
// current_schema(): the schema an unqualified CREATE uses; "" when search_path names none that
// exists (CREATE then fails with 3F000).
std::string CurrentSchema(const Catalog& catalog);

// The key of an existing relation (table, view, index, sequence) `name` in `schema` ("" when
// unqualified: the first schema of LookupSchemas that has it). When none exists: the name as
// written ("s.t" or "t"), for the caller's "relation ... does not exist". "pg_temp" names the
// session's temporary schema; another session's is refused (0A000).
std::string ExistingRelationKey(const Catalog& catalog, const std::string& schema, const std::string& name);
std::string RangeVarKey(const Catalog& catalog, const PgQuery__RangeVar* rv);
// The same for a dotted name list (DROP TABLE s.t, COMMENT ON TABLE s.t): [schema,] name.
std::string NameListKey(const Catalog& catalog, PgQuery__Node* const* names, size_t n);
// A name as regclass input reads it: 's.t', '"T"', 'public.t', 't'.
std::string RelationKeyFromText(const Catalog& catalog, const std::string& text);

// The key a new relation named `name` gets: in `schema` (3F000 when it does not exist), in the
// session's temporary schema when `temp` (42P16 with another schema), else in CurrentSchema.
std::string NewRelationKey(const Catalog& catalog, const std::string& schema, const std::string& name, bool temp);
// CREATE TABLE/VIEW/SEQUENCE's target (TEMP from the RangeVar's persistence).
std::string NewRangeVarKey(const Catalog& catalog, const PgQuery__RangeVar* rv);

// pg_table_is_visible: an unqualified name would find this relation; `schemas` is
// LookupSchemas(catalog), computed once by callers that ask for many relations.
bool RelationVisible(const Catalog& catalog, const std::string& key, const std::vector<std::string>& schemas);

}  // namespace yunhe
