// GeoJSON (RFC 7946 geometry objects) in and out, plus PostGIS's geometry text input that accepts
// hex EWKB, EWKT and GeoJSON alike.
#include <fmt/format.h>
#include <simdjson.h>

#include <cctype>
#include <cmath>

#include "common/status.h"
#include "functions/geo/geometry.h"

namespace yunhe::geo {
namespace {

[[noreturn]] void BadJson(const std::string& why) { throw Error(SqlState::kInternalError, why); }

Coord JsonCoord(simdjson::dom::element e, Geometry* g, bool* first) {
  simdjson::dom::array a;
  if (e.get_array().get(a)) BadJson("invalid GeoJson representation");
  double v[4];
  size_t n = 0;
  for (auto x : a) {
    if (n == 4) break;
    double d;
    if (x.get_double().get(d)) {
      int64_t i;
      if (x.get_int64().get(i)) BadJson("invalid GeoJson representation");
      d = double(i);
    }
    v[n++] = d;
  }
  if (n < 2) BadJson("too few ordinates in GeoJSON");
  if (*first) {
    g->has_z = n >= 3;
    *first = false;
  }
  Coord c{v[0], v[1], g->has_z && n >= 3 ? v[2] : 0, 0};
  return c;
}

std::vector<Coord> JsonCoords(simdjson::dom::element e, Geometry* g, bool* first) {
  simdjson::dom::array a;
  if (e.get_array().get(a)) BadJson("invalid GeoJson representation");
  std::vector<Coord> out;
  for (auto c : a) out.push_back(JsonCoord(c, g, first));
  return out;
}

Geometry FromJson(simdjson::dom::element obj, bool* first, int depth) {
  if (depth > 32) BadJson("invalid GeoJson representation");
  std::string_view type;
  if (obj["type"].get_string().get(type)) BadJson("invalid GeoJson representation");
  Geometry g;
  static const struct { const char* name; GeomType t; } kTypes[] = {
      {"Point", GeomType::kPoint}, {"LineString", GeomType::kLineString}, {"Polygon", GeomType::kPolygon},
      {"MultiPoint", GeomType::kMultiPoint}, {"MultiLineString", GeomType::kMultiLineString},
      {"MultiPolygon", GeomType::kMultiPolygon}, {"GeometryCollection", GeomType::kCollection}};
  bool known = false;
  for (const auto& k : kTypes)
    if (type == k.name) {
      g.type = k.t;
      known = true;
    }
  if (!known) BadJson("invalid GeoJson representation");
  if (g.type == GeomType::kCollection) {
    simdjson::dom::array geoms;
    if (obj["geometries"].get_array().get(geoms)) BadJson("Unable to find 'geometries' in GeoJSON string");
    for (auto m : geoms) g.parts.push_back(FromJson(m, first, depth + 1));
    if (!g.parts.empty()) g.has_z = g.parts[0].has_z;
    g.SetDims(g.has_z, false);
    return g;
  }
  simdjson::dom::element coords;
  if (obj["coordinates"].get(coords)) BadJson("Unable to find 'coordinates' in GeoJSON string");
  simdjson::dom::array arr;
  if (coords.get_array().get(arr)) BadJson("invalid GeoJson representation");
  switch (g.type) {
    case GeomType::kPoint:
      if (arr.size() > 0) g.coords.push_back(JsonCoord(coords, &g, first));
      break;
    case GeomType::kLineString: g.coords = JsonCoords(coords, &g, first); break;
    case GeomType::kPolygon:
      for (auto r : arr) g.rings.push_back(JsonCoords(r, &g, first));
      break;
    default:
      for (auto m : arr) {
        Geometry p;
        p.type = GeomType(uint32_t(g.type) - 3);
        if (p.type == GeomType::kPoint) p.coords.push_back(JsonCoord(m, &g, first));
        else if (p.type == GeomType::kLineString) p.coords = JsonCoords(m, &g, first);
        else {
          simdjson::dom::array rings;
          if (m.get_array().get(rings)) BadJson("invalid GeoJson representation");
          for (auto r : rings) p.rings.push_back(JsonCoords(r, &g, first));
        }
        g.parts.push_back(std::move(p));
      }
  }
  g.SetDims(g.has_z, false);
  return g;
}

void AppendJsonCoord(const Coord& c, const Geometry& g, int precision, std::string* out) {
  out->push_back('[');
  AppendCoordNumber(c.x, precision, out);
  out->push_back(',');
  AppendCoordNumber(c.y, precision, out);
  if (g.has_z) {
    out->push_back(',');
    AppendCoordNumber(c.z, precision, out);
  }
  out->push_back(']');
}

void AppendJsonCoords(const std::vector<Coord>& cs, const Geometry& g, int precision, std::string* out) {
  out->push_back('[');
  for (size_t k = 0; k < cs.size(); ++k) {
    if (k) out->push_back(',');
    AppendJsonCoord(cs[k], g, precision, out);
  }
  out->push_back(']');
}

void AppendJsonRings(const Geometry& p, const Geometry& g, int precision, std::string* out) {
  out->push_back('[');
  for (size_t k = 0; k < p.rings.size(); ++k) {
    if (k) out->push_back(',');
    AppendJsonCoords(p.rings[k], g, precision, out);
  }
  out->push_back(']');
}

const char* JsonTypeName(GeomType t) {
  static const char* kNames[] = {"", "Point", "LineString", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon", "GeometryCollection"};
  return kNames[uint32_t(t)];
}

void AppendJson(const Geometry& g, int precision, int options, bool top, std::string* out) {
  *out += fmt::format("{{\"type\":\"{}\"", JsonTypeName(g.type));
  if (top && g.srid != 0 && ((options & 2) || (options & 4) || ((options & 8) && g.srid != 4326))) {
    const std::string name = (options & 4) ? fmt::format("urn:ogc:def:crs:EPSG::{}", g.srid) : fmt::format("EPSG:{}", g.srid);
    *out += fmt::format(",\"crs\":{{\"type\":\"name\",\"properties\":{{\"name\":\"{}\"}}}}", name);
  }
  if ((options & 1) && !g.IsEmpty()) {
    double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
    g.ForEachCoord([&](const Coord& c) {
      x0 = std::min(x0, c.x);
      y0 = std::min(y0, c.y);
      x1 = std::max(x1, c.x);
      y1 = std::max(y1, c.y);
    });
    *out += fmt::format(",\"bbox\":[{:.{}f},{:.{}f},{:.{}f},{:.{}f}]", x0, precision, y0, precision, x1, precision, y1, precision);
  }
  if (g.type == GeomType::kCollection) {
    *out += ",\"geometries\":[";
    for (size_t k = 0; k < g.parts.size(); ++k) {
      if (k) out->push_back(',');
      AppendJson(g.parts[k], precision, 0, false, out);
    }
    *out += "]}";
    return;
  }
  *out += ",\"coordinates\":";
  switch (g.type) {
    case GeomType::kPoint:
      if (g.coords.empty()) *out += "[]";
      else AppendJsonCoord(g.coords[0], g, precision, out);
      break;
    case GeomType::kLineString: AppendJsonCoords(g.coords, g, precision, out); break;
    case GeomType::kPolygon: AppendJsonRings(g, g, precision, out); break;
    default:
      out->push_back('[');
      for (size_t k = 0; k < g.parts.size(); ++k) {
        if (k) out->push_back(',');
        const Geometry& p = g.parts[k];
        if (p.type == GeomType::kPoint) {
          if (!p.coords.empty()) AppendJsonCoord(p.coords[0], g, precision, out);
          else *out += "[]";
        } else if (p.type == GeomType::kLineString) {
          AppendJsonCoords(p.coords, g, precision, out);
        } else {
          AppendJsonRings(p, g, precision, out);
        }
      }
      out->push_back(']');
  }
  out->push_back('}');
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Geometry ParseGeoJSON(std::string_view json, int32_t default_srid) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(json.data(), json.size()).get(root)) BadJson("invalid GeoJson representation");
  bool first = true;
  Geometry g = FromJson(root, &first, 0);
  // A "crs" member names the SRID; without one, ST_GeomFromGeoJSON takes WGS 84 (EPSG:4326).
  g.srid = default_srid;
  std::string_view crs;
  if (!root["crs"]["properties"]["name"].get_string().get(crs)) {
    size_t colon = crs.rfind(':');
    if (colon != std::string_view::npos) g.srid = atoi(std::string(crs.substr(colon + 1)).c_str());
  }
  return g;
}

std::string FormatGeoJSON(const Geometry& g, int precision, int options) {
  std::string out;
  AppendJson(g, precision, options, true, &out);
  return out;
}

Geometry ParseGeometryText(std::string_view text) {
  size_t b = 0;
  while (b < text.size() && isspace((unsigned char)text[b])) ++b;
  if (b < text.size() && text[b] == '{') {
    return ParseGeoJSON(text.substr(b), 0);
  }
  // Hex (E)WKB: only hex digits, starting with the byte-order byte 00 or 01.
  bool hex = text.size() >= 2 && text.size() % 2 == 0 && text[0] == '0' && (text[1] == '0' || text[1] == '1');
  for (size_t k = 0; hex && k < text.size(); ++k) hex = HexDigit(text[k]) >= 0;
  if (hex) {
    std::string bytes(text.size() / 2, '\0');
    for (size_t k = 0; k < bytes.size(); ++k) bytes[k] = char(HexDigit(text[2 * k]) * 16 + HexDigit(text[2 * k + 1]));
    return ReadWKB(bytes);
  }
  return ParseWKT(text);
}

}  // namespace yunhe::geo
