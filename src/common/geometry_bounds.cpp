#include "common/geometry_bounds.h"

#include <atomic>

namespace yunhe {
namespace {
std::atomic<GeometryBoxFn> g_box_fn{nullptr};
}

void SetGeometryBoxFunction(GeometryBoxFn fn) { g_box_fn.store(fn); }
GeometryBoxFn GetGeometryBoxFunction() { return g_box_fn.load(); }

}  // namespace yunhe
