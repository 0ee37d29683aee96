#include "auth/scram.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <cstring>
#include <vector>

namespace yunhe::auth {

namespace {
std::string Base64(const std::string& in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(in.data()), int(in.size()));
  out.resize(size_t(n));
  return out;
}

bool Unbase64(const std::string& in, std::string* out) {
  if (in.size() % 4) return false;
  std::string buf(in.size() / 4 * 3 + 1, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(buf.data()), reinterpret_cast<const unsigned char*>(in.data()), int(in.size()));
  if (n < 0) return false;
  size_t pad = 0;
  if (!in.empty() && in.back() == '=') ++pad;
  if (in.size() > 1 && in[in.size() - 2] == '=') ++pad;
  buf.resize(size_t(n) - pad);
  *out = buf;
  return true;
}

std::string Hmac(const std::string& key, const std::string& data) {
  unsigned char out[32];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), int(key.size()), reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string Sha256(const std::string& data) {
  unsigned char out[32];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), out);
  return std::string(reinterpret_cast<char*>(out), 32);
}

std::string Random(size_t n) {
  std::string s(n, '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(s.data()), int(n));
  return s;
}

// "k=v" attribute of a comma-separated SCRAM message.
bool Attribute(const std::string& msg, char key, std::string* value) {
  size_t pos = 0;
  while (pos <= msg.size()) {
    size_t comma = msg.find(',', pos);
    std::string part = msg.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    if (part.size() >= 2 && part[0] == key && part[1] == '=') {
      *value = part.substr(2);
      return true;
    }
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return false;
}

struct Verifier {
  int iterations = 0;
  std::string salt, stored_key, server_key;
};

bool ParseVerifier(const std::string& v, Verifier* out) {
  const std::string prefix = "SCRAM-SHA-256$";
  if (v.compare(0, prefix.size(), prefix) != 0) return false;
  size_t colon = v.find(':', prefix.size()), dollar = v.find('$', prefix.size());
  if (colon == std::string::npos || dollar == std::string::npos || colon > dollar) return false;
  size_t colon2 = v.find(':', dollar);
  if (colon2 == std::string::npos) return false;
  out->iterations = atoi(v.substr(prefix.size(), colon - prefix.size()).c_str());
  return out->iterations > 0 && Unbase64(v.substr(colon + 1, dollar - colon - 1), &out->salt) &&
         Unbase64(v.substr(dollar + 1, colon2 - dollar - 1), &out->stored_key) && Unbase64(v.substr(colon2 + 1), &out->server_key);
}
}  // namespace

std::string MakeScramVerifier(const std::string& password, int iterations) {
  const std::string salt = Random(16);
  unsigned char salted[32];
  PKCS5_PBKDF2_HMAC(password.data(), int(password.size()), reinterpret_cast<const unsigned char*>(salt.data()), int(salt.size()),
                    iterations, EVP_sha256(), 32, salted);
  const std::string salted_password(reinterpret_cast<char*>(salted), 32);
  const std::string stored_key = Sha256(Hmac(salted_password, "Client Key"));
  const std::string server_key = Hmac(salted_password, "Server Key");
  return "SCRAM-SHA-256$" + std::to_string(iterations) + ":" + Base64(salt) + "$" + Base64(stored_key) + ":" + Base64(server_key);
}

bool DecodeBase64(const std::string& in, std::string* out) { return Unbase64(in, out); }

bool IsScramVerifier(const std::string& s) {
  Verifier v;
  return ParseVerifier(s, &v);
}

bool CheckPassword(const std::string& verifier, const std::string& password) {
  Verifier v;
  if (!ParseVerifier(verifier, &v)) return false;
  unsigned char salted[32];
  PKCS5_PBKDF2_HMAC(password.data(), int(password.size()), reinterpret_cast<const unsigned char*>(v.salt.data()), int(v.salt.size()),
                    v.iterations, EVP_sha256(), 32, salted);
  return Sha256(Hmac(std::string(reinterpret_cast<char*>(salted), 32), "Client Key")) == v.stored_key;
}

std::string ScramServer::First(const std::string& client_first, std::string* error) {
  // gs2 header "n,," (no channel binding) or "y,,"; then the bare message "n=user,r=nonce".
  if (client_first.size() < 3 || (client_first[0] != 'n' && client_first[0] != 'y') || client_first[1] != ',') {
    *error = "malformed SCRAM message (channel binding is not supported)";
    return "";
  }
  size_t second_comma = client_first.find(',', 2);
  if (second_comma == std::string::npos) {
    *error = "malformed SCRAM message";
    return "";
  }
  client_first_bare_ = client_first.substr(second_comma + 1);
  std::string client_nonce;
  if (!Attribute(client_first_bare_, 'r', &client_nonce) || client_nonce.empty()) {
    *error = "malformed SCRAM message (no nonce)";
    return "";
  }
  Verifier v;
  if (!ParseVerifier(verifier_, &v)) {
    *error = "bad password verifier";
    return "";
  }
  std::string server_nonce = Base64(Random(18));
  nonce_ = client_nonce + server_nonce;
  server_first_ = "r=" + nonce_ + ",s=" + Base64(v.salt) + ",i=" + std::to_string(v.iterations);
  return server_first_;
}

std::string ScramServer::Final(const std::string& client_final, std::string* error) {
  std::string nonce, proof64, proof;
  size_t p = client_final.rfind(",p=");
  if (p == std::string::npos || !Attribute(client_final, 'r', &nonce) || !Attribute(client_final, 'p', &proof64) ||
      !Unbase64(proof64, &proof) || proof.size() != 32 || nonce != nonce_) {
    *error = "malformed SCRAM message";
    return "";
  }
  Verifier v;
  if (!ParseVerifier(verifier_, &v)) {
    *error = "bad password verifier";
    return "";
  }
  const std::string auth_message = client_first_bare_ + "," + server_first_ + "," + client_final.substr(0, p);
  const std::string client_signature = Hmac(v.stored_key, auth_message);
  std::string client_key(32, '\0');
  for (size_t k = 0; k < 32; ++k) client_key[k] = char(proof[k] ^ client_signature[k]);
  if (Sha256(client_key) != v.stored_key) {
    *error = "password does not match";
    return "";
  }
  return "v=" + Base64(Hmac(v.server_key, auth_message));
}

}  // namespace yunhe::auth
