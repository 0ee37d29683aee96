// Helpers shared by the ST_* kernel files.
#pragma once
#include <cmath>
#include <limits>

#include "common/vector.h"
#include "functions/function.h"
#include "functions/geo/geometry.h"

namespace yunhe::geo {

using Args = const std::vector<const Vector*>&;
inline constexpr TypeId G = TypeId::kGeometry, F8 = TypeId::kFloat64, I4 = TypeId::kInt32, T = TypeId::kText,
                        B = TypeId::kBool, BY = TypeId::kBytea;

inline Geometry Decode(const Vector& v, size_t row) { return ReadWKB(v.str()[row]); }
inline double ArgF(const Vector& v, size_t row) { return v.f64()[row]; }

struct Box {
  double xmin = INFINITY, ymin = INFINITY, xmax = -INFINITY, ymax = -INFINITY;
  bool Empty() const { return xmin > xmax; }
  void Add(const Coord& c) {
    xmin = std::min(xmin, c.x);
    ymin = std::min(ymin, c.y);
    xmax = std::max(xmax, c.x);
    ymax = std::max(ymax, c.y);
  }
};

inline Box BoundingBox(const Geometry& g) {
  Box b;
  g.ForEachCoord([&](const Coord& c) { b.Add(c); });
  return b;
}

// A linestring through the points of a then b (points, multipoints, lines), as ST_MakeLine.
Geometry MakeLine(const Geometry& a, const Geometry& b);
// Appends g's points (points, multipoints, lines) to a linestring, for the ST_MakeLine aggregate.
void AppendToLine(const Geometry& g, Geometry* line);

// Metres between two positions: geodesic on the WGS 84 (CGCS2000 for 4490) ellipsoid when the
// SRID is longitude/latitude (4326, 4490 or 0), else planar in the SRID's units.
double PositionDistance(double x1, double y1, double x2, double y2, int32_t srid);
// SRIDs whose coordinates are longitude/latitude degrees: 4326 (WGS 84), 4490 (CGCS2000), 0.
inline bool IsLonLatSrid(int32_t srid) { return srid == 0 || srid == 4326 || srid == 4490; }
// Raise PostGIS-style errors unless the SRID is lon/lat, or the coordinate is a lon/lat.
void CheckLonLatSrid(int32_t srid, const char* fn);
void CheckLonLatCoord(const Coord& c, const char* fn);
// Both, for every coordinate of g.
void CheckGeographic(const Geometry& g, const char* fn);
// Geodesic metres between the vertices and edges of two lon/lat geometries (ellipsoid of a's
// SRID, or the mean sphere), not testing whether one contains or crosses the other.
double GeodesicDistanceApart(const Geometry& a, const Geometry& b, bool spheroid);
// GeodesicDistanceApart(a, b, spheroid) <= limit, deciding most pairs by cheap bounds.
bool GeodesicWithin(const Geometry& a, const Geometry& b, bool spheroid, double limit);

// Registration entry points, one per file.
void RegisterGeometryIoFunctions(FunctionRegistry& r);
void RegisterGeosFunctions(FunctionRegistry& r);
void RegisterGeoAggregates(FunctionRegistry& r);
void RegisterGeodesicFunctions(FunctionRegistry& r);
void RegisterTransformFunctions(FunctionRegistry& r);
void RegisterVersionFunctions(FunctionRegistry& r);

}  // namespace yunhe::geo
