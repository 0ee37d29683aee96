// The GEOMETRY model shared by the ST_* functions. A geometry value is stored as EWKB bytes
// (PostGIS's on-the-wire form: little-endian, SRID flag when the SRID is not 0), so storage,
// hashing and the wire protocol treat it as an opaque string; functions decode it into a
// Geometry tree only when they need more than a point's two doubles.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace yunhe::geo {

enum class GeomType : uint32_t {
  kPoint = 1, kLineString = 2, kPolygon = 3, kMultiPoint = 4, kMultiLineString = 5, kMultiPolygon = 6, kCollection = 7,
};

struct Coord {
  double x = 0, y = 0, z = 0, m = 0;
};

struct Geometry {
  GeomType type = GeomType::kPoint;
  int32_t srid = 0;
  bool has_z = false, has_m = false;
  std::vector<Coord> coords;              // Point (none = EMPTY) and LineString
  std::vector<std::vector<Coord>> rings;  // Polygon: shell then holes
  std::vector<Geometry> parts;            // Multi* and GeometryCollection

  bool IsEmpty() const;
  bool IsCollection() const { return uint32_t(type) >= 4; }
  // Calls fn(const Coord&) for every coordinate, depth first.
  template <typename Fn>
  void ForEachCoord(Fn&& fn) const {
    for (const Coord& c : coords) fn(c);
    for (const auto& r : rings)
      for (const Coord& c : r) fn(c);
    for (const Geometry& p : parts) p.ForEachCoord(fn);
  }
  void SetDims(bool z, bool m);  // on this geometry and every part
};

// Throws Error(XX000) with PostGIS's wording on malformed input.
Geometry ReadWKB(std::string_view bytes);
std::string WriteEWKB(const Geometry& g);
// OGC/ISO WKB without SRID (ST_AsBinary): Z and M as type + 1000/2000/3000.
std::string WriteIsoWKB(const Geometry& g);
std::string PointEWKB(double x, double y, int32_t srid);
// Fast paths on EWKB bytes without building a tree.
bool ReadPointXY(std::string_view wkb, double* x, double* y);  // false unless a non-empty point
int32_t ReadSRID(std::string_view wkb);
std::string WithSRID(std::string_view wkb, int32_t srid);

// Well-known text. ParseWKT also takes EWKT ("SRID=4326;POINT(1 2)").
Geometry ParseWKT(std::string_view text);
// ISO WKT as ST_AsText prints it, or PostGIS EWKT (SRID prefix, "POINTM") when ewkt.
std::string FormatWKT(const Geometry& g, int precision = 15, bool ewkt = false);
// A coordinate as PostGIS prints it: at most `precision` decimals, exponent form outside
// (1e-8, 1e15), no trailing zeros.
void AppendCoordNumber(double d, int precision, std::string* out);

// The SRID comes from a "crs" member, else default_srid.
Geometry ParseGeoJSON(std::string_view json, int32_t default_srid = 4326);
// options as ST_AsGeoJSON's: 1 bbox, 2 short CRS, 4 long CRS, 8 short CRS unless EPSG:4326.
std::string FormatGeoJSON(const Geometry& g, int precision = 9, int options = 8);

// PostGIS's geometry input: hex (E)WKB, (E)WKT or GeoJSON.
Geometry ParseGeometryText(std::string_view text);

const char* TypeName(GeomType t);     // "POINT", "LINESTRING", ... (GeometryType())
const char* StTypeName(GeomType t);   // "ST_Point", ... (ST_GeometryType())

}  // namespace yunhe::geo
