// GeodesicWithin decides "distance <= limit" mostly from sphere bounds; it must agree with the
// full ellipsoidal computation right at the limit, for points against lines and polygons at
// many latitudes and sizes.
#include <gtest/gtest.h>

#include <random>

#include "functions/geo/geo_util.h"

namespace yunhe::geo {
namespace {

Geometry RandomShape(std::mt19937_64& rng, double lon, double lat, double size_deg, bool polygon) {
  std::uniform_real_distribution<double> u(-1, 1);
  Geometry g;
  g.srid = 4326;
  std::vector<Coord> cs;
  const int n = 3 + int(rng() % 8);
  for (int k = 0; k < n; ++k) cs.push_back({lon + size_deg * u(rng), lat + size_deg * u(rng) * 0.5, 0, 0});
  if (polygon) {
    cs.push_back(cs.front());
    g.type = GeomType::kPolygon;
    g.rings.push_back(cs);
  } else {
    g.type = GeomType::kLineString;
    g.coords = cs;
  }
  return g;
}

TEST(GeodesicWithin, AgreesWithTheEllipsoidalDistanceAtTheLimit) {
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> u(-1, 1);
  int checked = 0;
  for (double lat : {0.0, 23.0, 39.9, 60.0, 75.0, -45.0}) {
    for (double size : {0.001, 0.01, 0.1, 1.0}) {
      for (int it = 0; it < 40; ++it) {
        const Geometry shape = RandomShape(rng, 116, lat, size, it % 2 == 0);
        Geometry p;
        p.srid = 4326;
        p.type = GeomType::kPoint;
        p.coords.push_back({116 + 3 * size * u(rng), lat + 1.5 * size * u(rng), 0, 0});
        for (bool spheroid : {true, false}) {
          const double d = GeodesicDistanceApart(p, shape, spheroid);
          ASSERT_TRUE(d > 0);
          EXPECT_TRUE(GeodesicWithin(p, shape, spheroid, d * (1 + 1e-9))) << lat << " " << size << " " << d;
          EXPECT_FALSE(GeodesicWithin(p, shape, spheroid, d * (1 - 1e-9))) << lat << " " << size << " " << d;
          EXPECT_TRUE(GeodesicWithin(shape, p, spheroid, d * (1 + 1e-9)));
          ++checked;
        }
      }
    }
  }
  EXPECT_EQ(checked, 6 * 4 * 40 * 2);
}

}  // namespace
}  // namespace yunhe::geo
