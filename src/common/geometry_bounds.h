// Bounding boxes of GEOMETRY values for layers that must not know the geometry format
// (storage keeps them in zone maps). functions/geo installs the function at start-up; until
// then (or for a value it cannot read) there is no box and nothing is pruned.
#pragma once
#include <string>

namespace yunhe {

struct BoundingBox2D {
  double xmin, ymin, xmax, ymax;
};

// False for NULL-like input: empty geometries and unreadable bytes.
using GeometryBoxFn = bool (*)(const std::string& ewkb, BoundingBox2D* box);
void SetGeometryBoxFunction(GeometryBoxFn fn);
GeometryBoxFn GetGeometryBoxFunction();

}  // namespace yunhe
