// Well-known text in and out, following PostGIS: ISO WKT from ST_AsText ("POINT Z (1 2 3)"),
// EWKT from ST_AsEWKT ("SRID=4326;POINTM(1 2 3)"), coordinates printed with at most 15 decimals.
#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>

#include "common/status.h"
#include "functions/geo/geometry.h"

namespace yunhe::geo {
namespace {

[[noreturn]] void ParseFail(std::string_view text, size_t pos, const char* message = "parse error - invalid geometry") {
  throw Error(Status::Error(SqlState::kInternalError, message)
                  .WithHint(fmt::format("\"{}\" <-- parse error at position {} within geometry",
                                        text.substr(0, std::min(pos, text.size())), pos)));
}

class WktParser {
 public:
  explicit WktParser(std::string_view t) : t_(t) {}

  Geometry ParseTop() {
    Skip();
    int32_t srid = 0;
    if (t_.size() - p_ >= 5 && strncasecmp(t_.data() + p_, "SRID=", 5) == 0) {
      p_ += 5;
      auto r = std::from_chars(t_.data() + p_, t_.data() + t_.size(), srid);
      if (r.ec != std::errc()) Fail();
      p_ = size_t(r.ptr - t_.data());
      Skip();
      if (!Eat(';')) Fail();
    }
    Geometry g = ParseTagged(0, false, false, false);
    g.srid = srid;
    Skip();
    if (p_ != t_.size()) Fail();
    return g;
  }

 private:
  std::string_view t_;
  size_t p_ = 0;

  [[noreturn]] void Fail(const char* message = "parse error - invalid geometry") { ParseFail(t_, p_, message); }
  void Skip() {
    while (p_ < t_.size() && isspace((unsigned char)t_[p_])) ++p_;
  }
  bool Eat(char c) {
    Skip();
    if (p_ < t_.size() && t_[p_] == c) {
      ++p_;
      return true;
    }
    return false;
  }
  void Expect(char c) {
    if (!Eat(c)) Fail();
  }
  std::string Word() {
    Skip();
    size_t b = p_;
    while (p_ < t_.size() && isalpha((unsigned char)t_[p_])) ++p_;
    std::string w(t_.substr(b, p_ - b));
    for (char& c : w) c = char(toupper((unsigned char)c));
    return w;
  }
  bool PeekWord(const char* w) {
    Skip();
    size_t n = strlen(w);
    if (t_.size() - p_ < n || strncasecmp(t_.data() + p_, w, n) != 0) return false;
    if (t_.size() - p_ > n && isalpha((unsigned char)t_[p_ + n])) return false;
    p_ += n;
    return true;
  }

  // TYPE [Z|M|ZM] (EMPTY | body). Inside a collection the dimensions come from the parent.
  Geometry ParseTagged(int depth, bool nested, bool z, bool m) {
    if (depth > 32) Fail();
    std::string w = Word();
    static const struct { const char* name; GeomType type; } kTypes[] = {
        {"POINT", GeomType::kPoint}, {"LINESTRING", GeomType::kLineString}, {"POLYGON", GeomType::kPolygon},
        {"MULTIPOINT", GeomType::kMultiPoint}, {"MULTILINESTRING", GeomType::kMultiLineString},
        {"MULTIPOLYGON", GeomType::kMultiPolygon}, {"GEOMETRYCOLLECTION", GeomType::kCollection}};
    Geometry g;
    bool found = false;
    for (const auto& k : kTypes) {
      const size_t n = strlen(k.name);
      if (w.compare(0, n, k.name) == 0 && (w.size() == n || w.substr(n) == "M")) {
        // "POINTM" (EWKT) carries an M ordinate.
        g.type = k.type;
        g.has_m = w.size() > n;
        found = true;
        break;
      }
    }
    if (!found) Fail();
    if (!g.has_m) {
      if (PeekWord("ZM")) g.has_z = g.has_m = true;
      else if (PeekWord("Z")) g.has_z = true;
      else if (PeekWord("M")) g.has_m = true;
    }
    dims_known_ = g.has_z || g.has_m || (nested && (z || m));
    if (nested && !g.has_z && !g.has_m) {
      g.has_z = z;
      g.has_m = m;
    }
    if (PeekWord("EMPTY")) return g;
    ParseBody(&g, depth);
    return g;
  }

  bool dims_known_ = false;
  int ndims_seen_ = 0;  // ordinates per coordinate, fixed by the first one when no tag says

  Coord ParseCoord(Geometry* g) {
    double v[4];
    int n = 0;
    Skip();
    while (n < 4) {
      Skip();
      if (p_ >= t_.size()) break;
      const char c = t_[p_];
      if (!(isdigit((unsigned char)c) || c == '-' || c == '+' || c == '.' || c == 'n' || c == 'N' || c == 'i' || c == 'I')) break;
      if (c == '+') ++p_;
      auto r = std::from_chars(t_.data() + p_, t_.data() + t_.size(), v[n]);
      if (r.ec != std::errc()) Fail();
      p_ = size_t(r.ptr - t_.data());
      ++n;
    }
    if (n < 2) Fail();
    Coord c{v[0], v[1], 0, 0};
    if (!dims_known_) {
      // Untagged: 3 ordinates are Z, 4 are ZM (as PostGIS reads them).
      g->has_z = n >= 3;
      g->has_m = n == 4;
      dims_known_ = true;
    }
    const int want = 2 + g->has_z + g->has_m;
    if (n != want) Fail("can not mix dimensionality in a geometry");
    if (g->has_z) c.z = v[2];
    if (g->has_m) c.m = v[g->has_z ? 3 : 2];
    return c;
  }

  void ParseCoordList(Geometry* g, std::vector<Coord>* out) {
    Expect('(');
    do out->push_back(ParseCoord(g));
    while (Eat(','));
    Expect(')');
  }

  void ParseRing(Geometry* g, std::vector<Coord>* ring) {
    ParseCoordList(g, ring);
    if (ring->size() < 4) Fail("geometry requires more points");
    const Coord &a = ring->front(), &b = ring->back();
    if (a.x != b.x || a.y != b.y || (g->has_z && a.z != b.z)) Fail("geometry contains non-closed rings");
  }

  void ParsePolygonBody(Geometry* g) {
    Expect('(');
    do {
      g->rings.emplace_back();
      ParseRing(g, &g->rings.back());
    } while (Eat(','));
    Expect(')');
  }

  void ParseBody(Geometry* g, int depth) {
    switch (g->type) {
      case GeomType::kPoint:
        Expect('(');
        g->coords.push_back(ParseCoord(g));
        Expect(')');
        break;
      case GeomType::kLineString:
        ParseCoordList(g, &g->coords);
        if (g->coords.size() < 2) Fail("geometry requires more points");
        break;
      case GeomType::kPolygon: ParsePolygonBody(g); break;
      case GeomType::kMultiPoint:
        // Both MULTIPOINT(1 2, 3 4) and MULTIPOINT((1 2), (3 4)), members may be EMPTY.
        Expect('(');
        do {
          Geometry p;
          p.type = GeomType::kPoint;
          p.has_z = g->has_z;
          p.has_m = g->has_m;
          if (PeekWord("EMPTY")) {
          } else if (Eat('(')) {
            p.coords.push_back(ParseCoord(g));
            Expect(')');
          } else {
            p.coords.push_back(ParseCoord(g));
          }
          g->parts.push_back(std::move(p));
        } while (Eat(','));
        Expect(')');
        break;
      case GeomType::kMultiLineString:
      case GeomType::kMultiPolygon:
        Expect('(');
        do {
          Geometry p;
          p.type = g->type == GeomType::kMultiPolygon ? GeomType::kPolygon : GeomType::kLineString;
          if (!PeekWord("EMPTY")) {
            if (p.type == GeomType::kPolygon) {
              ParsePolygonBody(g);
              p.rings = std::move(g->rings);
              g->rings.clear();
            } else {
              ParseCoordList(g, &p.coords);
              if (p.coords.size() < 2) Fail("geometry requires more points");
            }
          }
          g->parts.push_back(std::move(p));
        } while (Eat(','));
        Expect(')');
        break;
      case GeomType::kCollection:
        Expect('(');
        do {
          const bool known = dims_known_;
          Geometry p = ParseTagged(depth + 1, true, g->has_z, g->has_m);
          if (!known && dims_known_) {
            g->has_z = p.has_z;
            g->has_m = p.has_m;
          }
          g->parts.push_back(std::move(p));
        } while (Eat(','));
        Expect(')');
        break;
    }
    g->SetDims(g->has_z, g->has_m);
  }
};

// Shortest round-trip digits of d, as "digits" and a decimal exponent (d = 0.digits * 10^exp10).
void ShortestDigits(double d, std::string* digits, int* exp10) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string_view s(buf, size_t(r.ptr - buf));
  const size_t e = s.find('e');
  digits->clear();
  for (char c : s.substr(0, e))
    if (isdigit((unsigned char)c)) digits->push_back(c);
  *exp10 = atoi(std::string(s.substr(e + 1)).c_str()) + 1;
}

void StripZeros(std::string* s) {
  if (s->find('.') == std::string::npos) return;
  while (s->back() == '0') s->pop_back();
  if (s->back() == '.') s->pop_back();
}

void AppendCoords(const std::vector<Coord>& cs, const Geometry& g, int precision, std::string* out) {
  out->push_back('(');
  for (size_t k = 0; k < cs.size(); ++k) {
    if (k) out->push_back(',');
    AppendCoordNumber(cs[k].x, precision, out);
    out->push_back(' ');
    AppendCoordNumber(cs[k].y, precision, out);
    if (g.has_z) {
      out->push_back(' ');
      AppendCoordNumber(cs[k].z, precision, out);
    }
    if (g.has_m) {
      out->push_back(' ');
      AppendCoordNumber(cs[k].m, precision, out);
    }
  }
  out->push_back(')');
}

void AppendPolygonBody(const Geometry& g, int precision, std::string* out) {
  out->push_back('(');
  for (size_t k = 0; k < g.rings.size(); ++k) {
    if (k) out->push_back(',');
    AppendCoords(g.rings[k], g, precision, out);
  }
  out->push_back(')');
}

void AppendWkt(const Geometry& g, int precision, bool ewkt, bool tagged, std::string* out) {
  if (tagged) {
    *out += TypeName(g.type);
    if (ewkt) {
      if (g.has_m && !g.has_z) out->push_back('M');
    } else if (g.has_z || g.has_m) {
      *out += g.has_z && g.has_m ? " ZM " : g.has_z ? " Z " : " M ";
    }
  }
  if (g.IsEmpty() && !(g.IsCollection() && !g.parts.empty())) {
    if (tagged && !(!ewkt && (g.has_z || g.has_m))) out->push_back(' ');
    *out += "EMPTY";
    return;
  }
  switch (g.type) {
    case GeomType::kPoint:
    case GeomType::kLineString: AppendCoords(g.coords, g, precision, out); break;
    case GeomType::kPolygon: AppendPolygonBody(g, precision, out); break;
    default:
      out->push_back('(');
      for (size_t k = 0; k < g.parts.size(); ++k) {
        if (k) out->push_back(',');
        const Geometry& p = g.parts[k];
        if (g.type == GeomType::kCollection) AppendWkt(p, precision, ewkt, true, out);
        else if (p.IsEmpty()) *out += "EMPTY";
        else if (p.type == GeomType::kPolygon) AppendPolygonBody(p, precision, out);
        else if (ewkt && p.type == GeomType::kPoint) {  // EWKT: MULTIPOINT(1 2,3 4)
          std::string one;
          AppendCoords(p.coords, p, precision, &one);
          out->append(one, 1, one.size() - 2);
        }
        else AppendCoords(p.coords, p, precision, out);
      }
      out->push_back(')');
  }
}

}  // namespace

void AppendCoordNumber(double d, int precision, std::string* out) {
  if (std::isnan(d)) {
    *out += "NaN";
    return;
  }
  if (std::isinf(d)) {
    *out += d > 0 ? "Infinity" : "-Infinity";
    return;
  }
  if (d == 0) {
    out->push_back('0');
    return;
  }
  const double ad = std::fabs(d);
  std::string digits;
  int exp10 = 0;
  ShortestDigits(d, &digits, &exp10);
  char buf[400];
  if (ad <= 1e-8 || ad >= 1e15) {
    // Exponent form: the shortest mantissa, rounded to `precision` decimals when longer.
    if (int(digits.size()) - 1 > precision) {
      snprintf(buf, sizeof buf, "%.*e", precision, d);
    } else {
      snprintf(buf, sizeof buf, "%.*e", std::max(0, int(digits.size()) - 1), d);
    }
    std::string s(buf);
    const size_t e = s.find('e');
    std::string mant = s.substr(0, e);
    StripZeros(&mant);
    const int ex = atoi(s.c_str() + e + 1);
    *out += mant;
    *out += fmt::format("e{}{}", ex < 0 ? "-" : "+", std::abs(ex));
    return;
  }
  // Fixed form: shortest digits, or rounded to `precision` decimals when they need more.
  const int decimals = std::max(0, int(digits.size()) - exp10);
  snprintf(buf, sizeof buf, "%.*f", std::min(decimals, precision), d);
  std::string s(buf);
  StripZeros(&s);
  if (s == "-0") s = "0";
  *out += s;
}

Geometry ParseWKT(std::string_view text) { return WktParser(text).ParseTop(); }

std::string FormatWKT(const Geometry& g, int precision, bool ewkt) {
  std::string out;
  if (ewkt && g.srid != 0) out = fmt::format("SRID={};", g.srid);
  AppendWkt(g, precision, ewkt, true, &out);
  return out;
}

}  // namespace yunhe::geo
