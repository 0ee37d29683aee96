#include "auth/api_token.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <stdexcept>

namespace yunhe::auth {

namespace {
constexpr const char kPrefix[] = "yh_";
constexpr size_t kRandomBytes = 32;
constexpr size_t kTokenChars = 3 + (kRandomBytes * 4 + 2) / 3;  // prefix + unpadded base64url
}  // namespace

std::string NewApiToken() {
  unsigned char raw[kRandomBytes];
  if (RAND_bytes(raw, int(sizeof raw)) != 1) throw std::runtime_error("could not generate random bytes for an API token");
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out = kPrefix;
  // base64url without padding: 6 bits per character.
  uint32_t bits = 0;
  int held = 0;
  for (unsigned char b : raw) {
    bits = (bits << 8) | b;
    held += 8;
    while (held >= 6) {
      held -= 6;
      out += kAlphabet[(bits >> held) & 63];
    }
  }
  if (held > 0) out += kAlphabet[(bits << (6 - held)) & 63];
  return out;
}

bool LooksLikeApiToken(const std::string& s) {
  if (s.size() != kTokenChars || s.compare(0, 3, kPrefix) != 0) return false;
  for (size_t k = 3; k < s.size(); ++k) {
    const char c = s[k];
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return false;
  }
  return true;
}

std::string ApiTokenDigest(const std::string& token) {
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), d);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : d) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

bool IsApiTokenDigest(const std::string& s) {
  if (s.size() != 2 * SHA256_DIGEST_LENGTH) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

bool SameDigest(const std::string& a, const std::string& b) { return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0; }

}  // namespace yunhe::auth
