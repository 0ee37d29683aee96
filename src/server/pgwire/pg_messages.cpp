#include "server/pgwire/pg_messages.h"

#include <arpa/inet.h>
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include <algorithm>
#include <chrono>
#include <cstring>

namespace yunhe::pgwire {

bool Conn::HasBuffered() const { return in_pos < in_end || (ssl && SSL_pending(ssl) > 0); }

namespace {
int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

constexpr size_t kReadBuffer = 16 << 10;

// One recv (or TLS read) of up to n bytes into p; the count, or <= 0 on EOF, error or timeout.
ssize_t ReadSome(Conn& c, char* p, size_t n) {
  for (;;) {
    if (c.deadline_ms > 0) {
      const int64_t left = c.deadline_ms - NowMs();
      if (left <= 0) return -1;
      timeval tv{time_t(left / 1000), suseconds_t((left % 1000) * 1000)};
      setsockopt(c.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    }
    // SSL_read fails on closed, reset, timed out (SO_RCVTIMEO) or a TLS error.
    if (c.ssl) return SSL_read(c.ssl, p, int(std::min<size_t>(n, 1 << 30)));
    const ssize_t r = ::recv(c.fd, p, n, 0);
    if (r < 0 && errno == EINTR) continue;
    return r;
  }
}
}  // namespace

bool ReadExact(Conn& c, void* buf, size_t n) {
  char* p = static_cast<char*>(buf);
  while (n > 0) {
    if (c.in_pos < c.in_end) {
      const size_t take = std::min(n, c.in_end - c.in_pos);
      std::memcpy(p, c.in.data() + c.in_pos, take);
      c.in_pos += take;
      p += take;
      n -= take;
      continue;
    }
    if (n >= kReadBuffer) {  // large bodies (COPY data) straight into place
      const ssize_t r = ReadSome(c, p, n);
      if (r <= 0) return false;
      p += r;
      n -= size_t(r);
      continue;
    }
    if (c.in.size() < kReadBuffer) c.in.resize(kReadBuffer);
    const ssize_t r = ReadSome(c, c.in.data(), kReadBuffer);
    if (r <= 0) return false;
    c.in_pos = 0;
    c.in_end = size_t(r);
  }
  return true;
}

bool WriteAll(Conn& c, const std::string& data) {
  const char* p = data.data();
  size_t n = data.size();
  while (n > 0) {
    if (c.ssl) {
      const int w = SSL_write(c.ssl, p, int(std::min<size_t>(n, 1 << 30)));
      if (w <= 0) return false;
      p += w;
      n -= size_t(w);
      continue;
    }
    ssize_t w = ::send(c.fd, p, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= size_t(w);
  }
  return true;
}

namespace {
constexpr uint32_t kMaxMessage = 1u << 30;    // PostgreSQL's own limit for a message
constexpr uint32_t kMaxStartup = 10000;       // and for a startup packet (MAX_STARTUP_PACKET_LENGTH)
constexpr size_t kReadStep = 1u << 20;
// The body grows as its bytes arrive, so a length field that claims a gigabyte costs memory only
// for what the client really sends.
bool ReadBody(Conn& c, uint32_t len, uint32_t max_len, Message* m) {
  if (len < 4 || len > max_len) return false;
  const size_t want = len - 4;
  m->body.clear();
  while (m->body.size() < want) {
    const size_t have = m->body.size();
    const size_t step = std::min(kReadStep, want - have);
    m->body.resize(have + step);
    if (!ReadExact(c, m->body.data() + have, step)) return false;
  }
  return true;
}
}  // namespace

bool ReadStartup(Conn& c, Message* m) {
  uint32_t len;
  if (!ReadExact(c, &len, 4)) return false;
  m->type = 0;
  return ReadBody(c, ntohl(len), kMaxStartup, m);
}

bool ReadMessage(Conn& c, Message* m, uint32_t max_length) {
  char type;
  uint32_t len;
  if (!ReadExact(c, &type, 1) || !ReadExact(c, &len, 4)) return false;
  m->type = type;
  return ReadBody(c, ntohl(len), std::min(max_length, kMaxMessage), m);
}

MessageBuilder& MessageBuilder::Int16(int16_t v) {
  uint16_t n = htons(uint16_t(v));
  body_.append(reinterpret_cast<const char*>(&n), 2);
  return *this;
}

MessageBuilder& MessageBuilder::Int32(int32_t v) {
  uint32_t n = htonl(uint32_t(v));
  body_.append(reinterpret_cast<const char*>(&n), 4);
  return *this;
}

void MessageBuilder::AppendTo(std::string* out) const {
  out->push_back(type_);
  uint32_t n = htonl(uint32_t(body_.size() + 4));
  out->append(reinterpret_cast<const char*>(&n), 4);
  *out += body_;
}


int16_t TypeLength(const LogicalType& t) {
  if (OidAliasOfOutput(t) != OidAlias::kNone) return 4;  // an OID, whatever its text says
  switch (t.id) {
    case TypeId::kBool: return 1;
    case TypeId::kInt16: return 2;
    case TypeId::kInt32:
    case TypeId::kFloat32:
    case TypeId::kDate: return 4;
    case TypeId::kInt64:
    case TypeId::kFloat64:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
    case TypeId::kTime: return 8;
    case TypeId::kInterval: return 16;
    default: return -1;
  }
}

void AppendError(const Status& st, std::string* out, char type, const char* severity) {
  MessageBuilder m(type);
  m.Byte('S').Str(severity).Byte('V').Str(severity).Byte('C').Str(st.sqlstate()).Byte('M').Str(st.message());
  if (!st.detail().empty()) m.Byte('D').Str(st.detail());
  if (!st.hint().empty()) m.Byte('H').Str(st.hint());
  if (st.position() > 0) m.Byte('P').Str(std::to_string(st.position()));
  if (!st.table().empty()) m.Byte('s').Str(st.schema()).Byte('t').Str(st.table());
  if (!st.column().empty()) m.Byte('c').Str(st.column());
  if (!st.constraint().empty()) m.Byte('n').Str(st.constraint());
  m.Byte('\0');
  m.AppendTo(out);
}

void AppendNotice(const std::string& text, std::string* out) {
  // The engine's notices read "NOTICE:  message" (or WARNING:); split off the severity.
  std::string severity = "NOTICE", message = text;
  size_t colon = text.find(":  ");
  if (colon != std::string::npos && colon < 10) {
    severity = text.substr(0, colon);
    message = text.substr(colon + 3);
  }
  Status st = Status::Error(SqlState::kSuccess, message);
  AppendError(st, out, 'N', severity.c_str());
}

std::string ReadCString(const std::string& body, size_t* pos) {
  // Past the end (an unterminated string before): empty, not an exception (found by fuzz_pgwire).
  if (*pos >= body.size()) {
    *pos = body.size() + 1;
    return "";
  }
  size_t end = body.find('\0', *pos);
  if (end == std::string::npos) end = body.size();
  std::string s = body.substr(*pos, end - *pos);
  *pos = end + 1;
  return s;
}

}  // namespace yunhe::pgwire
