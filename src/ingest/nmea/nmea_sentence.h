// NMEA 0183 sentence framing (versions 2.3 to 4.11): `$` or `!`, address (talker + type, or a
// proprietary `P...` address), comma-separated fields, `*hh` checksum (XOR of the bytes between
// the start character and `*`). Real receivers are messier than the spec: lines longer than 82
// bytes, sentences fused by serial noise (we resynchronise on every `$`), missing checksums.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace yunhe::nmea {

struct Sentence {
  std::string_view raw;        // from the start character up to (not including) CR/LF
  std::string_view talker;     // "GP", "GN", "BD", ... ("P" for proprietary)
  std::string_view type;       // "GGA", "RMC", ... (for proprietary: the rest of the address)
  std::vector<std::string_view> fields;  // after the address; empty fields stay empty
  bool proprietary = false;
  bool encapsulated = false;   // '!' sentences (AIS)
  bool has_checksum = false;
};

// Splits one sentence (starting at its '$' or '!', ending before CR/LF). Returns "" when it is
// well formed, else the reason (bad checksum, no address, ...). `s` views into `text`.
std::string ParseSentence(std::string_view text, Sentence* s);

// Field decoders. All return false for an empty field (NULL), and set *bad for malformed ones.
bool FieldDouble(std::string_view f, double* out, bool* bad);
bool FieldInt(std::string_view f, int64_t* out, bool* bad);
// hhmmss[.sss] -> ns since midnight (a leap second :60 maps to the last ns of :59).
bool FieldTime(std::string_view f, int64_t* ns, bool* bad);
// ddmmyy -> days since 1970 (years 80-99 are 1980-1999, 00-79 are 2000-2079).
bool FieldDate(std::string_view f, int64_t* days, bool* bad);
// (d)ddmm.mmmm + hemisphere -> signed degrees. Accepts a sign in front (some receivers print
// one together with the hemisphere: the hemisphere decides).
bool FieldLatLon(std::string_view value, std::string_view hemisphere, bool is_lat, double* deg, bool* bad);

}  // namespace yunhe::nmea
