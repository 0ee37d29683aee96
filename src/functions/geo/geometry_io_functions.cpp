// ST_* constructors, accessors and formats that need no GEOS: points, SRIDs, WKT/WKB/GeoJSON in
// and out, envelopes, and simple structure queries. PostGIS 3 names and results.
#include <fmt/format.h>

#include "common/status.h"
#include "functions/geo/geo_util.h"
#include "functions/kernel_util.h"

namespace yunhe::geo {
namespace {

void SetGeom(Vector& o, size_t r, const Geometry& g) { o.str()[r] = WriteEWKB(g); }

Geometry PointGeom(double x, double y, int32_t srid) {
  Geometry g;
  g.srid = srid;
  g.coords.push_back({x, y, 0, 0});
  return g;
}

// ST_X / ST_Y / ST_Z / ST_M: NULL for an empty point, an error for anything but a point.
template <int kOrdinate>
void PointOrdinate(Args a, size_t n, Vector& o) {
  static const char* kNames[] = {"ST_X", "ST_Y", "ST_Z", "ST_M"};
  ForEachValid(o, n, [&](size_t r) {
    const std::string& w = a[0]->str()[r];
    double x, y;
    if (kOrdinate < 2 && ReadPointXY(w, &x, &y)) {
      o.f64()[r] = kOrdinate == 0 ? x : y;
      return;
    }
    Geometry g = ReadWKB(w);
    if (g.type != GeomType::kPoint)
      throw Error(SqlState::kInternalError, fmt::format("Argument to {}() must have type POINT", kNames[kOrdinate]));
    if (g.coords.empty() || (kOrdinate == 2 && !g.has_z) || (kOrdinate == 3 && !g.has_m)) {
      o.SetNull(r, true);
      return;
    }
    const Coord& c = g.coords[0];
    o.f64()[r] = kOrdinate == 0 ? c.x : kOrdinate == 1 ? c.y : kOrdinate == 2 ? c.z : c.m;
  });
}

template <int kWhich>  // 0 xmin, 1 ymin, 2 xmax, 3 ymax
void BoxOrdinate(Args a, size_t n, Vector& o) {
  ForEachValid(o, n, [&](size_t r) {
    Box b = BoundingBox(Decode(*a[0], r));
    if (b.Empty()) {
      o.SetNull(r, true);
      return;
    }
    o.f64()[r] = kWhich == 0 ? b.xmin : kWhich == 1 ? b.ymin : kWhich == 2 ? b.xmax : b.ymax;
  });
}

Geometry Envelope(const Geometry& g) {
  Box b = BoundingBox(g);
  Geometry e;
  e.srid = g.srid;
  if (b.Empty()) {
    e.type = g.type;
    return e;
  }
  if (b.xmin == b.xmax && b.ymin == b.ymax) {
    e.coords.push_back({b.xmin, b.ymin, 0, 0});
  } else if (b.xmin == b.xmax || b.ymin == b.ymax) {
    e.type = GeomType::kLineString;
    e.coords = {{b.xmin, b.ymin, 0, 0}, {b.xmax, b.ymax, 0, 0}};
  } else {
    e.type = GeomType::kPolygon;
    e.rings.push_back({{b.xmin, b.ymin, 0, 0}, {b.xmin, b.ymax, 0, 0}, {b.xmax, b.ymax, 0, 0}, {b.xmax, b.ymin, 0, 0}, {b.xmin, b.ymin, 0, 0}});
  }
  return e;
}

int64_t CountPoints(const Geometry& g) {
  int64_t n = 0;
  g.ForEachCoord([&](const Coord&) { ++n; });
  return n;
}

// The points of g in order, for ST_MakeLine: points, lines, and multipoints for the aggregate.
// A line that starts where the previous part ended does not repeat that point (as PostGIS).
void AppendLinePoints(const Geometry& g, bool allow_multipoint, std::vector<Coord>* out) {
  switch (g.type) {
    case GeomType::kPoint: out->insert(out->end(), g.coords.begin(), g.coords.end()); break;
    case GeomType::kLineString: {
      auto from = g.coords.begin();
      if (from != g.coords.end() && !out->empty() && out->back().x == from->x && out->back().y == from->y &&
          (!g.has_z || out->back().z == from->z))
        ++from;
      out->insert(out->end(), from, g.coords.end());
      break;
    }
    case GeomType::kMultiPoint:
      if (allow_multipoint) {
        for (const Geometry& p : g.parts) out->insert(out->end(), p.coords.begin(), p.coords.end());
        break;
      }
      [[fallthrough]];
    default: throw Error(SqlState::kInternalError, "Input geometries must be points or lines");
  }
}

// ST_StartPoint / ST_EndPoint: NULL unless a non-empty linestring.
template <bool kFirst>
void LineEndPoint(Args a, size_t n, Vector& o) {
  ForEachValid(o, n, [&](size_t k) {
    Geometry g = Decode(*a[0], k);
    if (g.type != GeomType::kLineString || g.coords.empty()) return o.SetNull(k, true);
    Geometry p;
    p.srid = g.srid, p.has_z = g.has_z, p.has_m = g.has_m;
    p.coords.push_back(kFirst ? g.coords.front() : g.coords.back());
    SetGeom(o, k, p);
  });
}

void SridFromText(Args a, size_t n, Vector& o, bool with_srid) {
  ForEachValid(o, n, [&](size_t r) {
    Geometry g = ParseWKT(a[0]->str()[r]);
    if (with_srid) g.srid = int32_t(a[1]->i64()[r]);
    SetGeom(o, r, g);
  });
}

}  // namespace

void AppendToLine(const Geometry& g, Geometry* line) { AppendLinePoints(g, true, &line->coords); }

Geometry MakeLine(const Geometry& a, const Geometry& b) {
  Geometry line;
  line.type = GeomType::kLineString;
  line.srid = a.srid;
  line.has_z = a.has_z && b.has_z;
  AppendLinePoints(a, false, &line.coords);
  AppendLinePoints(b, false, &line.coords);
  return line;
}

void RegisterGeometryIoFunctions(FunctionRegistry& r) {
  AddScalar(r, "st_point", {F8, F8}, G, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { o.str()[k] = PointEWKB(ArgF(*a[0], k), ArgF(*a[1], k), 0); });
  }, "point from x and y", "ST_AsText(ST_Point(116.39, 39.91)) → POINT(116.39 39.91)");
  AddScalar(r, "st_point", {F8, F8, I4}, G, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { o.str()[k] = PointEWKB(ArgF(*a[0], k), ArgF(*a[1], k), int32_t(a[2]->i64()[k])); });
  }, "point from x, y and SRID", "ST_Point(116.39, 39.91, 4326)");
  AddScalar(r, "st_makepoint", {F8, F8}, G, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { o.str()[k] = PointEWKB(ArgF(*a[0], k), ArgF(*a[1], k), 0); });
  }, "point from x and y", "ST_MakePoint(1, 2)");
  AddScalar(r, "st_makepoint", {F8, F8, F8}, G, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) {
      Geometry g = PointGeom(ArgF(*a[0], k), ArgF(*a[1], k), 0);
      g.has_z = true;
      g.coords[0].z = ArgF(*a[2], k);
      SetGeom(o, k, g);
    });
  }, "point from x, y and z", "ST_AsText(ST_MakePoint(1, 2, 3)) → POINT Z (1 2 3)");
  AddScalar(r, "st_makepoint", {F8, F8, F8, F8}, G, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) {
      Geometry g = PointGeom(ArgF(*a[0], k), ArgF(*a[1], k), 0);
      g.has_z = g.has_m = true;
      g.coords[0].z = ArgF(*a[2], k);
      g.coords[0].m = ArgF(*a[3], k);
      SetGeom(o, k, g);
    });
  }, "point from x, y, z and m", "ST_MakePoint(1, 2, 3, 4)");
  AddScalar(r, "st_setsrid", {G, I4}, G, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { o.str()[k] = WithSRID(a[0]->str()[k], int32_t(a[1]->i64()[k])); });
  }, "the same geometry labelled with another SRID (no reprojection)", "ST_SetSRID(ST_Point(1, 2), 4326)");
  AddScalar(r, "st_srid", {G}, I4, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { o.i64()[k] = ReadSRID(a[0]->str()[k]); });
  }, "spatial reference id", "ST_SRID('SRID=4490;POINT(1 2)') → 4490");
  AddScalar(r, "st_x", {G}, F8, PointOrdinate<0>, "x of a point", "ST_X(ST_Point(1, 2)) → 1");
  AddScalar(r, "st_y", {G}, F8, PointOrdinate<1>, "y of a point", "ST_Y(ST_Point(1, 2)) → 2");
  AddScalar(r, "st_z", {G}, F8, PointOrdinate<2>, "z of a point (NULL without Z)", "ST_Z(ST_MakePoint(1, 2, 3)) → 3");
  AddScalar(r, "st_m", {G}, F8, PointOrdinate<3>, "m of a point (NULL without M)", "ST_M('POINT M (1 2 3)') → 3");
  AddScalar(r, "st_xmin", {G}, F8, BoxOrdinate<0>, "smallest x", "ST_XMin('LINESTRING(1 2,3 4)') → 1");
  AddScalar(r, "st_ymin", {G}, F8, BoxOrdinate<1>, "smallest y", "ST_YMin('LINESTRING(1 2,3 4)') → 2");
  AddScalar(r, "st_xmax", {G}, F8, BoxOrdinate<2>, "largest x", "ST_XMax('LINESTRING(1 2,3 4)') → 3");
  AddScalar(r, "st_ymax", {G}, F8, BoxOrdinate<3>, "largest y", "ST_YMax('LINESTRING(1 2,3 4)') → 4");

  AddScalar(r, "st_geomfromtext", {T}, G, [](Args a, size_t n, Vector& o) { SridFromText(a, n, o, false); },
            "geometry from WKT or EWKT", "ST_GeomFromText('POINT(116.39 39.91)')");
  AddScalar(r, "st_geomfromtext", {T, I4}, G, [](Args a, size_t n, Vector& o) { SridFromText(a, n, o, true); },
            "geometry from WKT with an SRID", "ST_GeomFromText('POINT(116.39 39.91)', 4326)");
  r.AddAlias("st_geometryfromtext", "st_geomfromtext");
  r.AddAlias("st_geomfromewkt", "st_geomfromtext");
  AddScalar(r, "st_geomfromwkb", {BY}, G, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) {
      Geometry g = ReadWKB(a[0]->str()[k]);
      g.srid = 0;
      SetGeom(o, k, g);
    });
  }, "geometry from WKB (any SRID in it is dropped)", "ST_GeomFromWKB(ST_AsBinary(ST_Point(1, 2)))");
  AddScalar(r, "st_geomfromwkb", {BY, I4}, G, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) {
      Geometry g = ReadWKB(a[0]->str()[k]);
      g.srid = int32_t(a[1]->i64()[k]);
      SetGeom(o, k, g);
    });
  }, "geometry from WKB with an SRID", "ST_GeomFromWKB(ST_AsBinary(ST_Point(1, 2)), 4326)");
  AddScalar(r, "st_geomfromewkb", {BY}, G, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { SetGeom(o, k, ReadWKB(a[0]->str()[k])); });
  }, "geometry from EWKB (keeps its SRID)", "ST_GeomFromEWKB(ST_AsEWKB('SRID=4326;POINT(1 2)'))");
  AddScalar(r, "st_geomfromgeojson", {T}, G, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { SetGeom(o, k, ParseGeoJSON(a[0]->str()[k])); });
  }, "geometry from a GeoJSON geometry object (SRID 4326 unless it names a crs)",
     "ST_AsText(ST_GeomFromGeoJSON('{\"type\":\"Point\",\"coordinates\":[1,2]}')) → POINT(1 2)");

  AddScalar(r, "st_astext", {G}, T, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { o.str()[k] = FormatWKT(Decode(*a[0], k)); });
  }, "well-known text (ISO), 15 decimals at most", "ST_AsText(ST_Point(1, 2)) → POINT(1 2)");
  AddScalar(r, "st_astext", {G, I4}, T, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { o.str()[k] = FormatWKT(Decode(*a[0], k), int(a[1]->i64()[k])); });
  }, "well-known text with at most n decimals", "ST_AsText(ST_Point(1.23456, 2), 2) → POINT(1.23 2)");
  r.AddAlias("st_aswkt", "st_astext");
  AddScalar(r, "st_asewkt", {G}, T, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { o.str()[k] = FormatWKT(Decode(*a[0], k), 15, true); });
  }, "extended WKT with the SRID", "ST_AsEWKT(ST_Point(1, 2, 4326)) → SRID=4326;POINT(1 2)");
  AddScalar(r, "st_asbinary", {G}, BY, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { o.str()[k] = WriteIsoWKB(Decode(*a[0], k)); });
  }, "OGC/ISO well-known binary, without SRID", "ST_AsBinary(ST_Point(1, 2))");
  AddScalar(r, "st_asewkb", {G}, BY, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { o.str()[k] = a[0]->str()[k]; });
  }, "extended WKB with the SRID (PostGIS's own form)", "ST_AsEWKB(ST_Point(1, 2, 4326))");
  AddScalar(r, "st_asgeojson", {G}, T, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { o.str()[k] = FormatGeoJSON(Decode(*a[0], k)); });
  }, "GeoJSON geometry, 9 decimals at most", "ST_AsGeoJSON(ST_Point(1, 2)) → {\"type\":\"Point\",\"coordinates\":[1,2]}");
  AddScalar(r, "st_asgeojson", {G, I4}, T, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { o.str()[k] = FormatGeoJSON(Decode(*a[0], k), int(a[1]->i64()[k])); });
  }, "GeoJSON with at most n decimals", "ST_AsGeoJSON(ST_Point(1.23456, 2), 2)");
  AddScalar(r, "st_asgeojson", {G, I4, I4}, T, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { o.str()[k] = FormatGeoJSON(Decode(*a[0], k), int(a[1]->i64()[k]), int(a[2]->i64()[k])); });
  }, "GeoJSON with decimals and options (1 bbox, 2 short CRS, 4 long CRS, 8 CRS unless 4326)", "ST_AsGeoJSON(g, 9, 1)");

  AddScalar(r, "st_geometrytype", {G}, T, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { o.str()[k] = StTypeName(Decode(*a[0], k).type); });
  }, "geometry type as ST_Point, ST_Polygon, ...", "ST_GeometryType(ST_Point(1, 2)) → ST_Point");
  AddScalar(r, "geometrytype", {G}, T, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) {
      Geometry g = Decode(*a[0], k);
      o.str()[k] = std::string(TypeName(g.type)) + (g.has_m && !g.has_z ? "M" : "");
    });
  }, "geometry type as POINT, POLYGON, ...", "GeometryType(ST_Point(1, 2)) → POINT");
  AddScalar(r, "st_isempty", {G}, B, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { o.i64()[k] = Decode(*a[0], k).IsEmpty(); });
  }, "true for an empty geometry", "ST_IsEmpty('POINT EMPTY') → t");
  AddScalar(r, "st_npoints", {G}, I4, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { o.i64()[k] = CountPoints(Decode(*a[0], k)); });
  }, "number of vertices", "ST_NPoints('LINESTRING(0 0,1 1,2 2)') → 3");
  AddScalar(r, "st_numpoints", {G}, I4, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) {
      Geometry g = Decode(*a[0], k);
      if (g.type != GeomType::kLineString) o.SetNull(k, true);
      else o.i64()[k] = int64_t(g.coords.size());
    });
  }, "number of points of a linestring (NULL otherwise)", "ST_NumPoints('LINESTRING(0 0,1 1)') → 2");
  AddScalar(r, "st_numgeometries", {G}, I4, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) {
      Geometry g = Decode(*a[0], k);
      o.i64()[k] = g.IsCollection() ? int64_t(g.parts.size()) : g.IsEmpty() ? 0 : 1;
    });
  }, "number of members of a collection (1 for a single geometry)", "ST_NumGeometries('MULTIPOINT(1 2,3 4)') → 2");
  AddScalar(r, "st_geometryn", {G, I4}, G, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) {
      Geometry g = Decode(*a[0], k);
      const int64_t i = a[1]->i64()[k];
      if (!g.IsCollection()) {
        if (i == 1) o.str()[k] = a[0]->str()[k];
        else o.SetNull(k, true);
        return;
      }
      if (i < 1 || i > int64_t(g.parts.size())) {
        o.SetNull(k, true);
        return;
      }
      Geometry p = g.parts[size_t(i - 1)];
      p.srid = g.srid;
      SetGeom(o, k, p);
    });
  }, "n-th member of a collection (1-based)", "ST_GeometryN('MULTIPOINT(1 2,3 4)', 2)");
  AddScalar(r, "st_pointn", {G, I4}, G, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) {
      Geometry g = Decode(*a[0], k);
      int64_t i = a[1]->i64()[k];
      const int64_t np = int64_t(g.coords.size());
      if (i < 0) i = np + i + 1;
      if (g.type != GeomType::kLineString || i < 1 || i > np) {
        o.SetNull(k, true);
        return;
      }
      Geometry p;
      p.srid = g.srid;
      p.has_z = g.has_z;
      p.has_m = g.has_m;
      p.coords.push_back(g.coords[size_t(i - 1)]);
      SetGeom(o, k, p);
    });
  }, "n-th point of a linestring (1-based, negative from the end)", "ST_PointN('LINESTRING(0 0,1 1)', 2)");
  AddScalar(r, "st_startpoint", {G}, G, LineEndPoint<true>, "first point of a linestring", "ST_StartPoint('LINESTRING(0 0,1 1)')");
  AddScalar(r, "st_endpoint", {G}, G, LineEndPoint<false>, "last point of a linestring", "ST_EndPoint('LINESTRING(0 0,1 1)')");
  AddScalar(r, "st_envelope", {G}, G, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { SetGeom(o, k, Envelope(Decode(*a[0], k))); });
  }, "bounding box as a polygon (a point or line when degenerate)", "ST_AsText(ST_Envelope('LINESTRING(0 0,3 5)'))");
  AddScalar(r, "st_makeenvelope", {F8, F8, F8, F8}, G, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) {
      Geometry g;
      g.type = GeomType::kPolygon;
      const double x0 = ArgF(*a[0], k), y0 = ArgF(*a[1], k), x1 = ArgF(*a[2], k), y1 = ArgF(*a[3], k);
      g.rings.push_back({{x0, y0, 0, 0}, {x0, y1, 0, 0}, {x1, y1, 0, 0}, {x1, y0, 0, 0}, {x0, y0, 0, 0}});
      SetGeom(o, k, g);
    });
  }, "rectangle polygon from xmin, ymin, xmax, ymax", "ST_MakeEnvelope(0, 0, 1, 1)");
  AddScalar(r, "st_makeenvelope", {F8, F8, F8, F8, I4}, G, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) {
      Geometry g;
      g.type = GeomType::kPolygon;
      g.srid = int32_t(a[4]->i64()[k]);
      const double x0 = ArgF(*a[0], k), y0 = ArgF(*a[1], k), x1 = ArgF(*a[2], k), y1 = ArgF(*a[3], k);
      g.rings.push_back({{x0, y0, 0, 0}, {x0, y1, 0, 0}, {x1, y1, 0, 0}, {x1, y0, 0, 0}, {x0, y0, 0, 0}});
      SetGeom(o, k, g);
    });
  }, "rectangle polygon with an SRID", "ST_MakeEnvelope(116.3, 39.8, 116.5, 40.0, 4326)");
  AddScalar(r, "st_makeline", {G, G}, G, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) {
      Geometry x = Decode(*a[0], k), y = Decode(*a[1], k);
      if (x.srid != y.srid)
        throw Error(SqlState::kInternalError, fmt::format("Operation on mixed SRID geometries ({}, {}) != ({}, {})",
                                                          StTypeName(x.type) + 3, x.srid, StTypeName(y.type) + 3, y.srid));
      SetGeom(o, k, MakeLine(x, y));
    });
  }, "linestring through the points of two geometries", "ST_AsText(ST_MakeLine(ST_Point(0, 0), ST_Point(1, 1))) → LINESTRING(0 0,1 1)");
}

}  // namespace yunhe::geo
