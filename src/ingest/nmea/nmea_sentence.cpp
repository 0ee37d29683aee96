#include "ingest/nmea/nmea_sentence.h"

#include <charconv>
#include <cmath>

#include "common/time_util.h"

namespace yunhe::nmea {

namespace {
int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}
}  // namespace

std::string ParseSentence(std::string_view text, Sentence* s) {
  s->fields.clear();  // keeps its capacity: callers reuse one Sentence
  s->talker = s->type = {};
  s->proprietary = s->encapsulated = s->has_checksum = false;
  while (!text.empty() && (text.back() == '\r' || text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  s->raw = text;
  if (text.size() < 2 || (text[0] != '$' && text[0] != '!')) return "not a sentence";
  s->encapsulated = text[0] == '!';
  std::string_view body = text.substr(1);
  const size_t star = body.rfind('*');
  if (star != std::string_view::npos && body.size() - star >= 3 && HexDigit(body[star + 1]) >= 0 && HexDigit(body[star + 2]) >= 0) {
    uint8_t sum = 0;
    for (size_t k = 0; k < star; ++k) sum ^= uint8_t(body[k]);
    const int want = HexDigit(body[star + 1]) * 16 + HexDigit(body[star + 2]);
    if (sum != want) {
      char buf[64];
      snprintf(buf, sizeof buf, "checksum mismatch (computed %02X, sentence says %02X)", sum, want);
      return buf;
    }
    s->has_checksum = true;
    body = body.substr(0, star);
  } else if (star != std::string_view::npos) {
    return "malformed checksum";
  }
  for (char c : body)
    if ((unsigned char)c < 0x20 || (unsigned char)c > 0x7e) return "non-printable byte in sentence";
  const size_t comma = body.find(',');
  std::string_view address = body.substr(0, comma);
  if (address.empty()) return "missing address";
  for (char c : address)
    if (!isalnum((unsigned char)c)) return "malformed address \"" + std::string(address) + "\"";
  if (address[0] == 'P') {
    s->proprietary = true;
    s->talker = address.substr(0, 1);
    s->type = address.substr(1);
  } else {
    if (address.size() < 5) return "malformed address \"" + std::string(address) + "\"";
    s->talker = address.substr(0, 2);
    s->type = address.substr(2);
  }
  if (comma != std::string_view::npos) {
    const char* p = body.data() + comma + 1;
    const char* end = body.data() + body.size();
    const char* field = p;
    for (; p < end; ++p) {
      if (*p != ',') continue;
      s->fields.emplace_back(field, size_t(p - field));
      field = p + 1;
    }
    s->fields.emplace_back(field, size_t(end - field));
  }
  return "";
}

bool FieldDouble(std::string_view f, double* out, bool* bad) {
  if (f.empty()) return false;
  const char* b = f.data();
  const char* e = b + f.size();
  if (*b == '+') ++b;
  auto [p, ec] = std::from_chars(b, e, *out);
  if (ec != std::errc() || p != e || !std::isfinite(*out)) {
    *bad = true;
    return false;
  }
  return true;
}

bool FieldInt(std::string_view f, int64_t* out, bool* bad) {
  if (f.empty()) return false;
  auto [p, ec] = std::from_chars(f.data(), f.data() + f.size(), *out);
  if (ec != std::errc() || p != f.data() + f.size()) {
    // Some receivers print counts as "08.0"; accept integral decimals.
    double d;
    bool bad_d = false;
    if (FieldDouble(f, &d, &bad_d) && d == std::floor(d) && std::fabs(d) < 1e15) {
      *out = int64_t(d);
      return true;
    }
    *bad = true;
    return false;
  }
  return true;
}

bool FieldTime(std::string_view f, int64_t* ns, bool* bad) {
  if (f.empty()) return false;
  if (f.size() < 6) {
    *bad = true;
    return false;
  }
  for (int k = 0; k < 6; ++k)
    if (!isdigit((unsigned char)f[k])) {
      *bad = true;
      return false;
    }
  const int h = (f[0] - '0') * 10 + (f[1] - '0');
  const int m = (f[2] - '0') * 10 + (f[3] - '0');
  const int s = (f[4] - '0') * 10 + (f[5] - '0');
  int64_t frac = 0;
  if (f.size() > 6) {
    if (f[6] != '.') {
      *bad = true;
      return false;
    }
    int digits = 0;
    for (size_t k = 7; k < f.size(); ++k) {
      if (!isdigit((unsigned char)f[k])) {
        *bad = true;
        return false;
      }
      if (digits < 9) {
        frac = frac * 10 + (f[k] - '0');
        ++digits;
      }
    }
    while (digits++ < 9) frac *= 10;
  }
  if (h > 23 || m > 59 || s > 60) {
    *bad = true;
    return false;
  }
  if (s == 60) {  // leap second: keep it inside its minute, after every :59 time
    *ns = (h * 3600LL + m * 60LL + 59) * kNsPerSec + (kNsPerSec - 1);
    return true;
  }
  *ns = (h * 3600LL + m * 60LL + s) * kNsPerSec + frac;
  return true;
}

bool FieldDate(std::string_view f, int64_t* days, bool* bad) {
  if (f.empty()) return false;
  if (f.size() != 6) {
    *bad = true;
    return false;
  }
  for (char c : f)
    if (!isdigit((unsigned char)c)) {
      *bad = true;
      return false;
    }
  const int d = (f[0] - '0') * 10 + (f[1] - '0');
  const int m = (f[2] - '0') * 10 + (f[3] - '0');
  int y = (f[4] - '0') * 10 + (f[5] - '0');
  y += y >= 80 ? 1900 : 2000;
  if (m < 1 || m > 12 || d < 1 || d > 31) {
    *bad = true;
    return false;
  }
  *days = DaysFromCivil(y, unsigned(m), unsigned(d));
  int64_t cy;
  unsigned cm, cd;
  CivilFromDays(*days, &cy, &cm, &cd);
  if (int(cm) != m || int(cd) != d) {
    *bad = true;
    return false;
  }
  return true;
}

bool FieldLatLon(std::string_view value, std::string_view hemisphere, bool is_lat, double* deg, bool* bad) {
  if (value.empty()) return false;
  if (value[0] == '-' || value[0] == '+') value.remove_prefix(1);  // the hemisphere decides the sign
  double raw;
  if (!FieldDouble(value, &raw, bad) || raw < 0) {
    *bad = true;
    return false;
  }
  const double whole = std::floor(raw / 100);
  const double minutes = raw - whole * 100;
  if (minutes >= 60) {
    *bad = true;
    return false;
  }
  double d = whole + minutes / 60;
  char h = hemisphere.empty() ? '\0' : hemisphere[0];
  if (is_lat ? (h != 'N' && h != 'S') : (h != 'E' && h != 'W')) {
    *bad = true;  // never guess a hemisphere
    return false;
  }
  if (h == 'S' || h == 'W') d = -d;
  if (std::fabs(d) > (is_lat ? 90.0 : 180.0)) {
    *bad = true;
    return false;
  }
  *deg = d;
  return true;
}

}  // namespace yunhe::nmea
