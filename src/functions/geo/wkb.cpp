// (E)WKB reading and writing. Reads OGC WKB, ISO WKB (type + 1000/2000/3000 for Z/M/ZM) and
// PostGIS EWKB (high flag bits for Z, M and SRID) in either byte order; writes EWKB little-endian,
// the form PostGIS prints as hex and sends over the wire.
#include <bit>
#include <cmath>
#include <cstring>

#include "common/status.h"
#include "functions/geo/geometry.h"

namespace yunhe::geo {
namespace {

constexpr uint32_t kZFlag = 0x80000000u, kMFlag = 0x40000000u, kSridFlag = 0x20000000u;
constexpr int kMaxDepth = 32;

// std::byteswap is C++23; g++ 12 has the builtins.
inline uint32_t Swap(uint32_t v) { return __builtin_bswap32(v); }
inline uint64_t Swap(uint64_t v) { return __builtin_bswap64(v); }

[[noreturn]] void BadWkb(const char* why) { throw Error(SqlState::kInternalError, std::string("invalid WKB: ") + why); }

class Reader {
 public:
  explicit Reader(std::string_view b) : b_(b) {}
  bool AtEnd() const { return pos_ == b_.size(); }

  Geometry Read(int depth, bool top) {
    if (depth > kMaxDepth) BadWkb("nesting too deep");
    const bool little = U8() == 1;
    uint32_t t = U32(little);
    Geometry g;
    g.has_z = t & kZFlag;
    g.has_m = t & kMFlag;
    if (t & kSridFlag) {
      int32_t srid = int32_t(U32(little));
      if (top) g.srid = srid;
    }
    t &= 0x0fffffffu;
    if (t >= 1000 && t < 4000) {  // ISO WKB dimensions
      g.has_z |= t / 1000 == 1 || t / 1000 == 3;
      g.has_m |= t / 1000 == 2 || t / 1000 == 3;
      t %= 1000;
    }
    if (t < 1 || t > 7) BadWkb("unknown geometry type");
    g.type = GeomType(t);
    switch (g.type) {
      case GeomType::kPoint: {
        Coord c = ReadCoord(little, g);
        if (!(std::isnan(c.x) && std::isnan(c.y))) g.coords.push_back(c);  // NaN NaN = POINT EMPTY
        break;
      }
      case GeomType::kLineString: ReadCoords(little, g, &g.coords); break;
      case GeomType::kPolygon: {
        uint32_t n = Count(little, 4);
        g.rings.resize(n);
        for (auto& r : g.rings) ReadCoords(little, g, &r);
        break;
      }
      default: {
        uint32_t n = Count(little, 9);
        g.parts.reserve(n);
        for (uint32_t k = 0; k < n; ++k) {
          Geometry p = Read(depth + 1, false);
          const GeomType want = g.type == GeomType::kMultiPoint        ? GeomType::kPoint
                                : g.type == GeomType::kMultiLineString ? GeomType::kLineString
                                : g.type == GeomType::kMultiPolygon    ? GeomType::kPolygon
                                                                       : p.type;
          if (p.type != want) BadWkb("wrong member type in a multi-geometry");
          g.parts.push_back(std::move(p));
        }
        g.SetDims(g.has_z, g.has_m);
      }
    }
    return g;
  }

 private:
  std::string_view b_;
  size_t pos_ = 0;

  void Need(size_t n) {
    if (b_.size() - pos_ < n) BadWkb("unexpected end of data");
  }
  uint8_t U8() {
    Need(1);
    return uint8_t(b_[pos_++]);
  }
  uint32_t U32(bool little) {
    Need(4);
    uint32_t v;
    memcpy(&v, b_.data() + pos_, 4);
    pos_ += 4;
    return little ? v : Swap(v);
  }
  double F64(bool little) {
    Need(8);
    uint64_t v;
    memcpy(&v, b_.data() + pos_, 8);
    pos_ += 8;
    return std::bit_cast<double>(little ? v : Swap(v));
  }
  // A count, checked against the bytes left so a corrupt count cannot allocate gigabytes.
  uint32_t Count(bool little, size_t min_bytes_each) {
    uint32_t n = U32(little);
    if (n > (b_.size() - pos_) / min_bytes_each) BadWkb("count exceeds the data");
    return n;
  }
  Coord ReadCoord(bool little, const Geometry& g) {
    Coord c;
    c.x = F64(little);
    c.y = F64(little);
    if (g.has_z) c.z = F64(little);
    if (g.has_m) c.m = F64(little);
    return c;
  }
  void ReadCoords(bool little, const Geometry& g, std::vector<Coord>* out) {
    uint32_t n = Count(little, 16);
    out->resize(n);
    for (auto& c : *out) c = ReadCoord(little, g);
  }
};

void PutU32(uint32_t v, std::string* out) { out->append(reinterpret_cast<const char*>(&v), 4); }
void PutF64(double v, std::string* out) { out->append(reinterpret_cast<const char*>(&v), 8); }

void PutCoord(const Coord& c, const Geometry& g, std::string* out) {
  PutF64(c.x, out);
  PutF64(c.y, out);
  if (g.has_z) PutF64(c.z, out);
  if (g.has_m) PutF64(c.m, out);
}

void Write(const Geometry& g, bool top, std::string* out, bool iso = false) {
  static_assert(std::endian::native == std::endian::little, "EWKB is written in native little-endian order");
  out->push_back(1);
  uint32_t t = uint32_t(g.type);
  if (iso) {
    t += (g.has_z ? 1000 : 0) + (g.has_m ? 2000 : 0);
  } else {
    t |= (g.has_z ? kZFlag : 0) | (g.has_m ? kMFlag : 0);
    if (top && g.srid != 0) t |= kSridFlag;
  }
  PutU32(t, out);
  if (!iso && top && g.srid != 0) PutU32(uint32_t(g.srid), out);
  switch (g.type) {
    case GeomType::kPoint:
      if (g.coords.empty()) {
        Coord nan{NAN, NAN, NAN, NAN};
        PutCoord(nan, g, out);
      } else {
        PutCoord(g.coords[0], g, out);
      }
      break;
    case GeomType::kLineString:
      PutU32(uint32_t(g.coords.size()), out);
      for (const Coord& c : g.coords) PutCoord(c, g, out);
      break;
    case GeomType::kPolygon:
      PutU32(uint32_t(g.rings.size()), out);
      for (const auto& r : g.rings) {
        PutU32(uint32_t(r.size()), out);
        for (const Coord& c : r) PutCoord(c, g, out);
      }
      break;
    default:
      PutU32(uint32_t(g.parts.size()), out);
      for (const Geometry& p : g.parts) Write(p, false, out, iso);
  }
}

}  // namespace

bool Geometry::IsEmpty() const {
  switch (type) {
    case GeomType::kPoint:
    case GeomType::kLineString: return coords.empty();
    case GeomType::kPolygon: return rings.empty();
    default:
      for (const Geometry& p : parts)
        if (!p.IsEmpty()) return false;
      return true;
  }
}

void Geometry::SetDims(bool z, bool m) {
  has_z = z;
  has_m = m;
  for (Geometry& p : parts) p.SetDims(z, m);
}

Geometry ReadWKB(std::string_view bytes) {
  Reader r(bytes);
  Geometry g = r.Read(0, true);
  if (!r.AtEnd()) BadWkb("trailing bytes");
  return g;
}

std::string WriteEWKB(const Geometry& g) {
  std::string out;
  Write(g, true, &out);
  return out;
}

std::string WriteIsoWKB(const Geometry& g) {
  std::string out;
  Write(g, true, &out, true);
  return out;
}

std::string PointEWKB(double x, double y, int32_t srid) {
  std::string out;
  out.reserve(25);
  out.push_back(1);
  PutU32(1u | (srid ? kSridFlag : 0), &out);
  if (srid) PutU32(uint32_t(srid), &out);
  PutF64(x, &out);
  PutF64(y, &out);
  return out;
}

bool ReadPointXY(std::string_view w, double* x, double* y) {
  if (w.size() < 21 || w[0] != 1) {
    if (w.size() < 21) return false;
    Geometry g = ReadWKB(w);
    if (g.type != GeomType::kPoint || g.coords.empty()) return false;
    *x = g.coords[0].x;
    *y = g.coords[0].y;
    return true;
  }
  uint32_t t;
  memcpy(&t, w.data() + 1, 4);
  if ((t & 0x0fffffffu) != 1) return false;
  size_t at = (t & kSridFlag) ? 9 : 5;
  if (w.size() < at + 16) return false;
  memcpy(x, w.data() + at, 8);
  memcpy(y, w.data() + at + 8, 8);
  return !(std::isnan(*x) && std::isnan(*y));
}

int32_t ReadSRID(std::string_view w) {
  if (w.size() < 9) return 0;
  const bool little = w[0] == 1;
  uint32_t t;
  memcpy(&t, w.data() + 1, 4);
  if (!little) t = Swap(t);
  if (!(t & kSridFlag)) return 0;
  uint32_t s;
  memcpy(&s, w.data() + 5, 4);
  return int32_t(little ? s : Swap(s));
}

std::string WithSRID(std::string_view w, int32_t srid) {
  Geometry g = ReadWKB(w);
  g.srid = srid;
  return WriteEWKB(g);
}

const char* TypeName(GeomType t) {
  static const char* kNames[] = {"", "POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON", "GEOMETRYCOLLECTION"};
  return kNames[uint32_t(t)];
}

const char* StTypeName(GeomType t) {
  static const char* kNames[] = {"", "ST_Point", "ST_LineString", "ST_Polygon", "ST_MultiPoint", "ST_MultiLineString", "ST_MultiPolygon", "ST_GeometryCollection"};
  return kNames[uint32_t(t)];
}

}  // namespace yunhe::geo
