// API tokens: bearer credentials for the HTTP API (InfluxDB clients send `Authorization: Token
// <token>`, others `Bearer <token>`), made by `SELECT yunhe_create_token(...)` (engine). The
// token is shown once; only its SHA-256 digest is kept (catalog, WAL, catalog file), so a copy
// of the data directory does not hand out credentials.
#pragma once
#include <string>

namespace yunhe::auth {

// "yh_" and 43 base64url characters (32 bytes from OpenSSL's CSPRNG). Throws std::runtime_error
// if the generator fails.
std::string NewApiToken();
// Whether `s` has the shape of a token NewApiToken makes (cheap: decides whether a password
// given to HTTP is looked up as a token).
bool LooksLikeApiToken(const std::string& s);
// Lowercase hex SHA-256 of the token (what the catalog keeps).
std::string ApiTokenDigest(const std::string& token);
bool IsApiTokenDigest(const std::string& s);  // 64 lowercase hex digits
// Compares two digests in time independent of where they differ.
bool SameDigest(const std::string& a, const std::string& b);

}  // namespace yunhe::auth
