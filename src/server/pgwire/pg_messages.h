// PostgreSQL frontend/backend protocol 3.0 message framing: reading the startup packet and typed
// messages from a socket, and building backend messages (RowDescription, DataRow, ErrorResponse,
// ...). Integers are big-endian on the wire.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/pg_type_ids.h"
#include "common/types.h"

struct ssl_st;

namespace yunhe::pgwire {

// A client connection: the socket, and its TLS session once the client asked for one
// (SSLRequest answered 'S'); reads and writes go through TLS from then on.
struct Conn {
  int fd = -1;
  ssl_st* ssl = nullptr;
  // Bytes received and not yet read as messages: in the read buffer below, or decrypted and
  // waiting inside TLS (poll() on the socket cannot see either).
  bool HasBuffered() const;
  // While > 0 (a steady-clock time in ms), reads fail once it passes, however slowly the client
  // trickles bytes: the startup and authentication deadline (PostgreSQL's authentication_timeout).
  int64_t deadline_ms = 0;
  // Read buffer, as PostgreSQL's PqRecvBuffer: one recv() takes whatever the client has sent
  // (a message's type, length and body; an extended-protocol Parse/Bind/Execute/Sync run), not
  // three per message. Bytes in [in_pos, in_end) are the client's next ones.
  std::vector<char> in;
  size_t in_pos = 0, in_end = 0;
};

// Blocking I/O; false on EOF or error.
bool ReadExact(Conn& c, void* buf, size_t n);
bool WriteAll(Conn& c, const std::string& data);

struct Message {
  char type = 0;     // 0 for the startup packet
  std::string body;  // without type and length
};
// The untyped startup packet (length + body).
bool ReadStartup(Conn& c, Message* m);
bool ReadMessage(Conn& c, Message* m, uint32_t max_length = 1u << 30);
// Authentication messages (SASL) before a client is known: PostgreSQL's PG_MAX_AUTH_TOKEN_LENGTH.
inline constexpr uint32_t kMaxAuthMessage = 65535;

class MessageBuilder {
 public:
  explicit MessageBuilder(char type) : type_(type) {}
  MessageBuilder& Byte(char c) { body_.push_back(c); return *this; }
  MessageBuilder& Int16(int16_t v);
  MessageBuilder& Int32(int32_t v);
  MessageBuilder& Str(const std::string& s) { body_ += s; body_.push_back('\0'); return *this; }
  MessageBuilder& Raw(const std::string& s) { body_ += s; return *this; }
  // Appends the finished message (type, length, body) to out.
  void AppendTo(std::string* out) const;

 private:
  char type_;
  std::string body_;
};

// PostgreSQL type OID and length for our types (text format).
int16_t TypeLength(const LogicalType& t);

// ErrorResponse ('E') or NoticeResponse ('N') fields: severity, SQLSTATE, message, position...
void AppendError(const Status& st, std::string* out, char type = 'E', const char* severity = "ERROR");
void AppendNotice(const std::string& text, std::string* out);

// Reads a NUL-terminated string from body at *pos.
std::string ReadCString(const std::string& body, size_t* pos);

}  // namespace yunhe::pgwire
