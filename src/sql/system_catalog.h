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

}  // namespace yunhe
