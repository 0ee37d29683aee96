// ST_Collect, ST_Union and ST_MakeLine as aggregates (PostGIS names), plus ST_Collect(a, b).
// They collect their inputs (in the call's ORDER BY order) and build the result once.
#include <fmt/format.h>

#include "common/geometry_bounds.h"
#include "common/status.h"
#include "common/value.h"
#include "functions/geo/geo_util.h"
#include "functions/geo/geos_bridge.h"
#include "functions/kernel_util.h"

namespace yunhe::geo {
namespace {

void CheckSrid(const Geometry& g, int32_t srid, const char* fn) {
  if (g.srid != srid)
    throw Error(SqlState::kInternalError,
                fmt::format("{}: Operation on mixed SRID geometries {} {} != {}", fn, StTypeName(g.type) + 3, g.srid, srid));
}

// Points make a MULTIPOINT, lines a MULTILINESTRING, polygons a MULTIPOLYGON; anything else
// (mixed kinds, multi-geometries) a GEOMETRYCOLLECTION.
Geometry Collect(std::vector<Geometry> parts) {
  Geometry out;
  out.srid = parts.empty() ? 0 : parts[0].srid;
  GeomType single = parts.empty() ? GeomType::kCollection : parts[0].type;
  bool z = !parts.empty();
  for (const Geometry& p : parts) {
    CheckSrid(p, out.srid, "LWGEOM_collect_garray");
    if (p.type != single) single = GeomType::kCollection;
    z = z && p.has_z;
  }
  out.type = single == GeomType::kPoint        ? GeomType::kMultiPoint
             : single == GeomType::kLineString ? GeomType::kMultiLineString
             : single == GeomType::kPolygon    ? GeomType::kMultiPolygon
                                               : GeomType::kCollection;
  for (Geometry& p : parts) p.srid = 0;
  out.parts = std::move(parts);
  out.SetDims(z, false);
  return out;
}

Value GeometryValue(const Geometry& g) {
  Value v;
  v.type = TypeId::kGeometry;
  v.is_null = false;
  v.s = WriteEWKB(g);
  return v;
}

Value CollectAgg(const std::vector<const Value*>& values) {
  std::vector<Geometry> parts;
  parts.reserve(values.size());
  for (const Value* v : values) parts.push_back(ReadWKB(v->s));
  return GeometryValue(Collect(std::move(parts)));
}

Value UnionAgg(const std::vector<const Value*>& values) {
  const int32_t srid = ReadSRID(values[0]->s);
  std::vector<Geometry> parts;
  parts.reserve(values.size());
  for (const Value* v : values) {
    parts.push_back(ReadWKB(v->s));
    CheckSrid(parts.back(), srid, "ST_Union");
  }
  Geometry all = Collect(std::move(parts));
  all.type = GeomType::kCollection;
  GeosPtr g = ToGeos(WriteEWKB(all));
  GeosPtr u(GEOSUnaryUnion_r(GeosContext(), g.get()));
  if (!u) ThrowGeosError("ST_Union");
  Value out;
  out.type = TypeId::kGeometry;
  out.is_null = false;
  out.s = FromGeos(u.get(), srid);
  return out;
}

Value MakeLineAgg(const std::vector<const Value*>& values) {
  Geometry line;
  line.type = GeomType::kLineString;
  bool first = true;
  for (const Value* v : values) {
    Geometry g = ReadWKB(v->s);
    if (first) {
      line.srid = g.srid;
      line.has_z = g.has_z;
      first = false;
    }
    CheckSrid(g, line.srid, "ST_MakeLine");
    line.has_z = line.has_z && g.has_z;
    AppendToLine(g, &line);
  }
  return GeometryValue(line);
}

// ST_Extent: the bounding box of the inputs, as PostGIS prints a box2d ("BOX(x1 y1,x2 y2)").
Value ExtentAgg(const std::vector<const Value*>& values) {
  BoundingBox2D all{0, 0, 0, 0}, box;
  bool any = false;
  for (const Value* v : values) {
    if (!GetGeometryBoxFunction()(v->s, &box)) continue;
    if (!any) all = box;
    all = {std::min(all.xmin, box.xmin), std::min(all.ymin, box.ymin), std::max(all.xmax, box.xmax), std::max(all.ymax, box.ymax)};
    any = true;
  }
  if (!any) return Value::Null(TypeId::kText);
  return Value::Text(fmt::format("BOX({} {},{} {})", FormatFloat8(all.xmin), FormatFloat8(all.ymin), FormatFloat8(all.xmax),
                                 FormatFloat8(all.ymax)));
}

void AddCollected(FunctionRegistry& r, const char* name, Value (*fn)(const std::vector<const Value*>&), const char* desc,
                  const char* example, LogicalType ret = G) {
  AggregateFunction f;
  f.name = name;
  f.kind = AggKind::kCollected;
  f.arg_types = {G};
  f.return_type = ret;
  f.finalize = fn;
  f.description = desc;
  f.example = example;
  r.AddAggregate(f);
}

}  // namespace

void RegisterGeoAggregates(FunctionRegistry& r) {
  AddCollected(r, "st_collect", CollectAgg, "geometries gathered into one multi-geometry or collection",
               "ST_Collect(pos) → MULTIPOINT(...)");
  AddCollected(r, "st_union", UnionAgg, "union of the geometries (GEOS unary union)", "ST_Union(zone)");
  AddCollected(r, "st_makeline", MakeLineAgg, "linestring through the points in ORDER BY order",
               "ST_MakeLine(pos ORDER BY ts)");
  AddCollected(r, "st_extent", ExtentAgg, "bounding box of the geometries, as PostGIS prints a box2d (text here)",
               "ST_Extent(pos) → BOX(116.3 39.9,116.5 40.1)", LogicalType(TypeId::kText));
  AddScalar(r, "st_collect", {G, G}, G, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { o.str()[k] = WriteEWKB(Collect({Decode(*a[0], k), Decode(*a[1], k)})); });
  }, "two geometries gathered into one multi-geometry or collection", "ST_AsText(ST_Collect(ST_Point(1, 2), ST_Point(3, 4)))");
}

}  // namespace yunhe::geo
