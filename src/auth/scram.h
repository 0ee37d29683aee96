// SCRAM-SHA-256 (RFC 5802 / RFC 7677) as PostgreSQL uses it: password verifiers in PostgreSQL's
// stored form, and the server side of the SASL exchange.
#pragma once
#include <string>

namespace yunhe::auth {

// "SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>" (base64), as PostgreSQL stores it.
std::string MakeScramVerifier(const std::string& password, int iterations = 4096);
bool IsScramVerifier(const std::string& s);
bool DecodeBase64(const std::string& in, std::string* out);
// Whether `password` matches `verifier` (for HTTP Basic/Token authentication).
bool CheckPassword(const std::string& verifier, const std::string& password);

// One authentication exchange.
class ScramServer {
 public:
  explicit ScramServer(std::string verifier) : verifier_(std::move(verifier)) {}
  // client-first-message -> server-first-message; "" and *error on a malformed message.
  std::string First(const std::string& client_first, std::string* error);
  // client-final-message -> server-final-message ("v=..."); "" and *error when the proof fails.
  std::string Final(const std::string& client_final, std::string* error);

 private:
  std::string verifier_;
  std::string client_first_bare_, server_first_, nonce_;
};

}  // namespace yunhe::auth
