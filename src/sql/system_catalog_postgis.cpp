// PostGIS's metadata, as PostGIS 3 has it in schema public: the geometry_columns view (one row
// per geometry column, its type and SRID from the column's typmod), spatial_ref_sys (from PROJ), and what Find_SRID and
// postgis_typmod_dims/srid/type answer. GeoPandas, GDAL/QGIS and ogr2ogr read these.
#include <fmt/format.h>

#include <set>

#include "common/status.h"
#include "functions/geo/spatial_ref_sys.h"
#include "exec/table_scan.h"
#include "sql/relation_names.h"
#include "sql/system_catalog_builder.h"

namespace yunhe {
namespace {

// PostGIS's type names in geometry_columns: upper case, M kept as a suffix, Z only in the dimension.
std::string ColumnTypeName(const LogicalType& t) {
  if (!(t.precision & kGeometryTypmodPresent)) return "GEOMETRY";
  std::string base = GeometryTypmodName(int16_t(t.precision & 7));
  for (auto& c : base) c = char(toupper((unsigned char)c));
  return (t.precision & 32) && !(t.precision & 16) ? base + "M" : base;
}

int CoordDimension(const LogicalType& t) { return 2 + ((t.precision & 16) ? 1 : 0) + ((t.precision & 32) ? 1 : 0); }

}  // namespace

namespace catalog_rows {

bool BuildPostgisRelation(const Catalog& cat, const std::string& name, SystemRelation* out) {
  if (name == "spatial_ref_sys") {
    // The common SRIDs and every SRID a geometry column names.
    std::vector<int> srids = geo::CommonSrids();
    std::set<int> listed(srids.begin(), srids.end());
    for (auto& [tname, t] : cat.tables)
      for (const ColumnInfo& col : t->schema.columns)
        if (col.type.id == TypeId::kGeometry && col.type.scale > 0 && listed.insert(col.type.scale).second) srids.push_back(col.type.scale);
    Builder b(out, {{"srid", I4}, {"auth_name", LogicalType(TypeId::kText, 256, 0)}, {"auth_srid", I4},
                    {"srtext", LogicalType(TypeId::kText, 2048, 0)}, {"proj4text", LogicalType(TypeId::kText, 2048, 0)}});
    for (const geo::SpatialRef& r : geo::SpatialRefs(srids))
      b.Row({Int(r.srid), Text("EPSG"), Int(r.srid), Text(r.srtext), Text(r.proj4text)});
    b.Finish();
    return true;
  }
  if (name != "geometry_columns") return false;
  Builder b(out, {{"f_table_catalog", LogicalType(TypeId::kText, 256, 0)}, {"f_table_schema", T}, {"f_table_name", T},
                  {"f_geometry_column", T}, {"coord_dimension", I4}, {"srid", I4}, {"type", LogicalType(TypeId::kText, 30, 0)}});
  for (auto& [tname, t] : cat.tables)
    for (const ColumnInfo& col : t->schema.columns)
      if (col.type.id == TypeId::kGeometry)
        b.Row({Text("yunhe"), Text(cat.Split(tname).schema), Text(cat.Split(tname).name), Text(col.name), Int(CoordDimension(col.type)), Int(col.type.scale),
               Text(ColumnTypeName(col.type))});
  b.Finish();
  return true;
}

}  // namespace catalog_rows

int64_t FindSrid(const Catalog& cat, const std::string& schema, const std::string& table, const std::string& column) {
  auto t = cat.FindTable(ExistingRelationKey(cat, schema, table));
  const int idx = t ? t->schema.ColumnIndex(column) : -1;
  if (idx < 0 || t->schema.columns[size_t(idx)].type.id != TypeId::kGeometry)
    throw Error(SqlState::kRaiseException,
                "find_srid() - could not find the corresponding SRID - is the geometry registered in the GEOMETRY_COLUMNS table?  "
                "Is there an uppercase/lowercase mismatch?");
  return t->schema.columns[size_t(idx)].type.scale;
}

Value EstimatedExtent(const Catalog& cat, const std::string& schema, const std::string& table, const std::string& column) {
  auto t = cat.FindTable(ExistingRelationKey(cat, schema, table));
  const int idx = t ? t->schema.ColumnIndex(column) : -1;
  if (idx < 0 || t->schema.columns[size_t(idx)].type.id != TypeId::kGeometry)
    throw Error(SqlState::kRaiseException, fmt::format("ST_EstimatedExtent: column \"{}\" of \"{}\" is not a geometry column", column, table));
  // The union of the row groups' zone-map boxes (deleted rows included: an estimate, never smaller).
  const TableData& data = StatementData(*t);
  bool any = false;
  double box[4] = {0, 0, 0, 0};
  for (size_t g = 0; g < data.group_count(); ++g) {
    if (data.group_rows(g) == 0) continue;
    const ZoneMap z = data.Zone(g, size_t(idx));
    if (!z.has_box) continue;
    if (!any) std::copy(z.box, z.box + 4, box);
    box[0] = std::min(box[0], z.box[0]);
    box[1] = std::min(box[1], z.box[1]);
    box[2] = std::max(box[2], z.box[2]);
    box[3] = std::max(box[3], z.box[3]);
    any = true;
  }
  if (!any) return Value::Null(TypeId::kText);
  return Value::Text(fmt::format("BOX({} {},{} {})", FormatFloat8(box[0]), FormatFloat8(box[1]), FormatFloat8(box[2]), FormatFloat8(box[3])));
}

}  // namespace yunhe
