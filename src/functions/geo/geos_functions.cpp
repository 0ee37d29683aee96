// Spatial predicates, measures and constructive operations. Predicates prepare the geometry on
// the container side once and reuse it while consecutive rows carry the same value (the usual
// `ST_Contains(zone, pos)` against a constant zone), and reject on bounding boxes before GEOS.
// Planar measures (area, length, perimeter) are computed here; overlays and buffers are GEOS's,
// the library PostGIS itself uses, so results match it.
#include <fmt/format.h>

#include "common/status.h"
#include "functions/geo/geo_util.h"
#include "functions/geo/geos_bridge.h"
#include "functions/kernel_util.h"

namespace yunhe::geo {
namespace {

Box WkbBox(std::string_view w) {
  Box b;
  double x, y;
  if (ReadPointXY(w, &x, &y)) {
    b.Add({x, y, 0, 0});
    return b;
  }
  return BoundingBox(ReadWKB(w));
}

bool BoxesMeet(const Box& a, const Box& b) {
  return !a.Empty() && !b.Empty() && a.xmin <= b.xmax && b.xmin <= a.xmax && a.ymin <= b.ymax && b.ymin <= a.ymax;
}

// The prepared form of the last container value seen by a kernel call.
struct PreparedCache {
  std::string wkb;
  GeosPtr geom;
  PreparedPtr prepared;
  Box box;
  bool valid = false;
  void Use(const std::string& w) {
    if (valid && w == wkb) return;
    prepared.reset();
    geom = ToGeos(w);
    prepared.reset(GEOSPrepare_r(GeosContext(), geom.get()));
    if (!prepared) ThrowGeosError("GEOSPrepare");
    wkb = w;
    box = WkbBox(w);
    valid = true;
  }
};

enum class Pred { kIntersects, kContains, kWithin, kCovers, kCoveredBy, kDisjoint, kTouches, kCrosses, kOverlaps, kEquals, kContainsProperly };

const char* PredName(Pred p) {
  static const char* kNames[] = {"ST_Intersects", "ST_Contains", "ST_Within", "ST_Covers", "ST_CoveredBy", "ST_Disjoint",
                                 "ST_Touches", "ST_Crosses", "ST_Overlaps", "ST_Equals", "ST_ContainsProperly"};
  return kNames[int(p)];
}

template <Pred P>
void Predicate(Args a, size_t n, Vector& o) {
  // Within and CoveredBy are Contains and Covers with the arguments swapped.
  constexpr bool kSwap = P == Pred::kWithin || P == Pred::kCoveredBy;
  const Vector& container = *a[kSwap ? 1 : 0];
  const Vector& other = *a[kSwap ? 0 : 1];
  PreparedCache cache;
  GEOSContextHandle_t ctx = GeosContext();
  ForEachValid(o, n, [&](size_t r) {
    const std::string &cw = container.str()[r], &ow = other.str()[r];
    CheckSameSrid(PredName(P), a[0]->str()[r], a[1]->str()[r]);
    const bool needs_contact = P != Pred::kDisjoint && P != Pred::kEquals;
    cache.Use(cw);
    const Box ob = WkbBox(ow);
    if (needs_contact && !BoxesMeet(cache.box, ob)) {
      o.i64()[r] = 0;
      return;
    }
    if (P == Pred::kDisjoint && !BoxesMeet(cache.box, ob)) {
      o.i64()[r] = 1;
      return;
    }
    GeosPtr g = ToGeos(ow);
    const GEOSPreparedGeometry* pg = cache.prepared.get();
    char res;
    switch (P) {
      case Pred::kIntersects: res = GEOSPreparedIntersects_r(ctx, pg, g.get()); break;
      case Pred::kContains:
      case Pred::kWithin: res = GEOSPreparedContains_r(ctx, pg, g.get()); break;
      case Pred::kCovers:
      case Pred::kCoveredBy: res = GEOSPreparedCovers_r(ctx, pg, g.get()); break;
      case Pred::kContainsProperly: res = GEOSPreparedContainsProperly_r(ctx, pg, g.get()); break;
      case Pred::kDisjoint: res = GEOSPreparedDisjoint_r(ctx, pg, g.get()); break;
      case Pred::kTouches: res = GEOSPreparedTouches_r(ctx, pg, g.get()); break;
      case Pred::kCrosses: res = GEOSPreparedCrosses_r(ctx, pg, g.get()); break;
      case Pred::kOverlaps: res = GEOSPreparedOverlaps_r(ctx, pg, g.get()); break;
      case Pred::kEquals: res = GEOSEquals_r(ctx, cache.geom.get(), g.get()); break;
    }
    if (res == 2) ThrowGeosError(PredName(P));
    o.i64()[r] = res;
  });
}

double RingArea(const std::vector<Coord>& ring) {
  double s = 0;
  for (size_t k = 0; k + 1 < ring.size(); ++k) s += ring[k].x * ring[k + 1].y - ring[k + 1].x * ring[k].y;
  return std::fabs(s) / 2;
}

double PlanarArea(const Geometry& g) {
  double a = 0;
  if (g.type == GeomType::kPolygon) {
    for (size_t k = 0; k < g.rings.size(); ++k) a += (k == 0 ? 1 : -1) * RingArea(g.rings[k]);
  }
  for (const Geometry& p : g.parts) a += PlanarArea(p);
  return a;
}

double PathLength(const std::vector<Coord>& cs) {
  double s = 0;
  for (size_t k = 0; k + 1 < cs.size(); ++k) s += std::hypot(cs[k + 1].x - cs[k].x, cs[k + 1].y - cs[k].y);
  return s;
}

// Length of the linear parts (ST_Length) or of the polygon rings (ST_Perimeter).
double PlanarLength(const Geometry& g, bool rings) {
  double s = 0;
  if (!rings && g.type == GeomType::kLineString) s += PathLength(g.coords);
  if (rings && g.type == GeomType::kPolygon)
    for (const auto& r : g.rings) s += PathLength(r);
  for (const Geometry& p : g.parts) s += PlanarLength(p, rings);
  return s;
}

using Unary = GEOSGeometry* (*)(GEOSContextHandle_t, const GEOSGeometry*);
template <Unary Op>
void UnaryOp(Args a, size_t n, Vector& o) {
  ForEachValid(o, n, [&](size_t r) {
    const std::string& w = a[0]->str()[r];
    GeosPtr g = ToGeos(w);
    GeosPtr res(Op(GeosContext(), g.get()));
    if (!res) ThrowGeosError("GEOS operation");
    o.str()[r] = FromGeos(res.get(), ReadSRID(w));
  });
}

using Binary = GEOSGeometry* (*)(GEOSContextHandle_t, const GEOSGeometry*, const GEOSGeometry*);
template <Binary Op>
void BinaryOp(Args a, size_t n, Vector& o) {
  ForEachValid(o, n, [&](size_t r) {
    const std::string &wa = a[0]->str()[r], &wb = a[1]->str()[r];
    CheckSameSrid("GEOS operation", wa, wb);
    GeosPtr ga = ToGeos(wa), gb = ToGeos(wb);
    GeosPtr res(Op(GeosContext(), ga.get(), gb.get()));
    if (!res) ThrowGeosError("GEOS operation");
    o.str()[r] = FromGeos(res.get(), ReadSRID(wa));
  });
}

GEOSGeometry* Centroid(GEOSContextHandle_t c, const GEOSGeometry* g) { return GEOSGetCentroid_r(c, g); }

// One geometry plus numeric parameters (args 1.. of the call) -> geometry, on GEOS.
using Parameterized = GEOSGeometry* (*)(GEOSContextHandle_t, const GEOSGeometry*, Args, size_t row);
GEOSGeometry* Buffer8(GEOSContextHandle_t c, const GEOSGeometry* g, Args a, size_t k) { return GEOSBuffer_r(c, g, ArgF(*a[1], k), 8); }
GEOSGeometry* BufferN(GEOSContextHandle_t c, const GEOSGeometry* g, Args a, size_t k) {
  return GEOSBuffer_r(c, g, ArgF(*a[1], k), int(a[2]->i64()[k]));
}
GEOSGeometry* Simplify(GEOSContextHandle_t c, const GEOSGeometry* g, Args a, size_t k) { return GEOSSimplify_r(c, g, ArgF(*a[1], k)); }
GEOSGeometry* SimplifyPreserveTopology(GEOSContextHandle_t c, const GEOSGeometry* g, Args a, size_t k) {
  return GEOSTopologyPreserveSimplify_r(c, g, ArgF(*a[1], k));
}

template <Parameterized Op>
void WithParameter(Args a, size_t n, Vector& o) {
  ForEachValid(o, n, [&](size_t r) {
    const std::string& w = a[0]->str()[r];
    GeosPtr g = ToGeos(w);
    GeosPtr res(Op(GeosContext(), g.get(), a, r));
    if (!res) ThrowGeosError("GEOS operation");
    o.str()[r] = FromGeos(res.get(), ReadSRID(w));
  });
}

// Planar distance, for ST_Distance and the <-> operator; NULL when either side is empty.
void PlanarDistance(Args a, size_t n, Vector& o) {
  ForEachValid(o, n, [&](size_t k) {
    const std::string &wa = a[0]->str()[k], &wb = a[1]->str()[k];
    CheckSameSrid("ST_Distance", wa, wb);
    double ax, ay, bx, by;
    if (ReadPointXY(wa, &ax, &ay) && ReadPointXY(wb, &bx, &by)) {
      o.f64()[k] = std::hypot(ax - bx, ay - by);
      return;
    }
    GeosPtr ga = ToGeos(wa), gb = ToGeos(wb);
    if (GEOSisEmpty_r(GeosContext(), ga.get()) || GEOSisEmpty_r(GeosContext(), gb.get())) return o.SetNull(k, true);
    double d;
    if (!GEOSDistance_r(GeosContext(), ga.get(), gb.get(), &d)) ThrowGeosError("ST_Distance");
    o.f64()[k] = d;
  });
}

}  // namespace

void RegisterGeosFunctions(FunctionRegistry& r) {
  AddScalar(r, "st_intersects", {G, G}, B, Predicate<Pred::kIntersects>, "true when the geometries share any point", "ST_Intersects(zone, pos)");
  AddScalar(r, "st_contains", {G, G}, B, Predicate<Pred::kContains>, "true when b lies inside a (not only on its boundary)", "ST_Contains(zone, pos)");
  AddScalar(r, "st_within", {G, G}, B, Predicate<Pred::kWithin>, "true when a lies inside b", "ST_Within(pos, zone)");
  AddScalar(r, "st_covers", {G, G}, B, Predicate<Pred::kCovers>, "true when no point of b is outside a", "ST_Covers(zone, pos)");
  AddScalar(r, "st_coveredby", {G, G}, B, Predicate<Pred::kCoveredBy>, "true when no point of a is outside b", "ST_CoveredBy(pos, zone)");
  AddScalar(r, "st_containsproperly", {G, G}, B, Predicate<Pred::kContainsProperly>, "true when b lies in a's interior", "ST_ContainsProperly(zone, pos)");
  AddScalar(r, "st_disjoint", {G, G}, B, Predicate<Pred::kDisjoint>, "true when the geometries share no point", "ST_Disjoint(a, b)");
  AddScalar(r, "st_touches", {G, G}, B, Predicate<Pred::kTouches>, "true when only the boundaries meet", "ST_Touches(a, b)");
  AddScalar(r, "st_crosses", {G, G}, B, Predicate<Pred::kCrosses>, "true when the geometries cross", "ST_Crosses(road, river)");
  AddScalar(r, "st_overlaps", {G, G}, B, Predicate<Pred::kOverlaps>, "true when same-dimension geometries partly overlap", "ST_Overlaps(a, b)");
  AddScalar(r, "st_equals", {G, G}, B, Predicate<Pred::kEquals>, "true when the geometries cover the same points", "ST_Equals(a, b)");

  AddScalar(r, "&&", {G, G}, B, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) {
      const std::string &wa = a[0]->str()[k], &wb = a[1]->str()[k];
      CheckSameSrid("&&", wa, wb);
      o.i64()[k] = BoxesMeet(WkbBox(wa), WkbBox(wb));
    });
  }, "true when the bounding boxes meet", "pos && ST_MakeEnvelope(116, 39, 117, 40)");
  AddScalar(r, "<->", {G, G}, F8, PlanarDistance, "planar distance, for ORDER BY pos <-> point LIMIT k (nearest neighbours)",
            "ORDER BY pos <-> ST_Point(116.4, 39.9) LIMIT 5");
  AddScalar(r, "st_distance", {G, G}, F8, PlanarDistance, "planar distance in the units of the SRID",
            "ST_Distance(ST_Point(0, 0), ST_Point(3, 4)) → 5");
  AddScalar(r, "st_dwithin", {G, G, F8}, B, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) {
      const std::string &wa = a[0]->str()[k], &wb = a[1]->str()[k];
      CheckSameSrid("ST_DWithin", wa, wb);
      const double d = ArgF(*a[2], k);
      if (d < 0) throw Error(SqlState::kInternalError, "Tolerance cannot be less than zero");
      double ax, ay, bx, by;
      if (ReadPointXY(wa, &ax, &ay) && ReadPointXY(wb, &bx, &by)) {
        o.i64()[k] = std::hypot(ax - bx, ay - by) <= d;
        return;
      }
      Box ba = WkbBox(wa), bb = WkbBox(wb);
      if (ba.Empty() || bb.Empty()) {
        o.i64()[k] = 0;
        return;
      }
      ba.xmin -= d, ba.ymin -= d, ba.xmax += d, ba.ymax += d;
      if (!BoxesMeet(ba, bb)) {
        o.i64()[k] = 0;
        return;
      }
      GeosPtr ga = ToGeos(wa), gb = ToGeos(wb);
      char res = GEOSDistanceWithin_r(GeosContext(), ga.get(), gb.get(), d);
      if (res == 2) ThrowGeosError("ST_DWithin");
      o.i64()[k] = res;
    });
  }, "true when the planar distance is at most d", "ST_DWithin(pos, depot, 50)");
  AddScalar(r, "st_area", {G}, F8, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { o.f64()[k] = PlanarArea(Decode(*a[0], k)); });
  }, "planar area of the polygonal parts", "ST_Area(ST_MakeEnvelope(0, 0, 2, 3)) → 6");
  AddScalar(r, "st_length", {G}, F8, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { o.f64()[k] = PlanarLength(Decode(*a[0], k), false); });
  }, "planar length of the linear parts", "ST_Length('LINESTRING(0 0,3 4)') → 5");
  AddScalar(r, "st_perimeter", {G}, F8, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { o.f64()[k] = PlanarLength(Decode(*a[0], k), true); });
  }, "planar perimeter of the polygonal parts", "ST_Perimeter(ST_MakeEnvelope(0, 0, 2, 3)) → 10");

  AddScalar(r, "st_buffer", {G, F8}, G, WithParameter<Buffer8>, "area within distance d (8 segments per quarter circle)",
            "ST_Buffer(ST_Point(0, 0), 10)");
  AddScalar(r, "st_buffer", {G, F8, I4}, G, WithParameter<BufferN>, "buffer with n segments per quarter circle",
            "ST_Buffer(ST_Point(0, 0), 10, 2)");
  AddScalar(r, "st_simplify", {G, F8}, G, WithParameter<Simplify>, "Douglas-Peucker simplification with tolerance t",
            "ST_Simplify(track, 0.0001)");
  AddScalar(r, "st_simplifypreservetopology", {G, F8}, G, WithParameter<SimplifyPreserveTopology>,
            "simplification that keeps the result valid", "ST_SimplifyPreserveTopology(zone, 1)");
  AddScalar(r, "st_centroid", {G}, G, UnaryOp<Centroid>, "centre of mass", "ST_AsText(ST_Centroid(ST_MakeEnvelope(0, 0, 2, 2))) → POINT(1 1)");
  AddScalar(r, "st_convexhull", {G}, G, UnaryOp<GEOSConvexHull_r>, "smallest convex polygon containing the geometry", "ST_ConvexHull(ST_Collect(pos))");
  AddScalar(r, "st_pointonsurface", {G}, G, UnaryOp<GEOSPointOnSurface_r>, "a point guaranteed to lie on the geometry", "ST_PointOnSurface(zone)");
  AddScalar(r, "st_boundary", {G}, G, UnaryOp<GEOSBoundary_r>, "boundary of the geometry", "ST_Boundary(zone)");
  AddScalar(r, "st_makevalid", {G}, G, UnaryOp<GEOSMakeValid_r>, "valid geometry with the same points", "ST_MakeValid(zone)");
  AddScalar(r, "st_intersection", {G, G}, G, BinaryOp<GEOSIntersection_r>, "points shared by both", "ST_Intersection(a, b)");
  AddScalar(r, "st_difference", {G, G}, G, BinaryOp<GEOSDifference_r>, "points of a not in b", "ST_Difference(a, b)");
  AddScalar(r, "st_symdifference", {G, G}, G, BinaryOp<GEOSSymDifference_r>, "points in exactly one of a and b", "ST_SymDifference(a, b)");
  AddScalar(r, "st_union", {G, G}, G, BinaryOp<GEOSUnion_r>, "points in either", "ST_Union(a, b)");
  AddScalar(r, "st_isvalid", {G}, B, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) {
      GeosPtr g = ToGeos(a[0]->str()[k]);
      char res = GEOSisValid_r(GeosContext(), g.get());
      if (res == 2) ThrowGeosError("ST_IsValid");
      o.i64()[k] = res;
    });
  }, "true when the geometry is valid (OGC)", "ST_IsValid('POLYGON((0 0,1 1,1 0,0 1,0 0))') → f");
}

}  // namespace yunhe::geo
