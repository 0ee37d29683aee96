#include "server/mqtt/mqtt_packets.h"

#include "common/utf8.h"

namespace yunhe::mqtt {
namespace {

void PutU16(std::string& out, uint16_t v) {
  out.push_back(char(v >> 8));
  out.push_back(char(v & 0xff));
}

void PutString(std::string& out, std::string_view s) {
  PutU16(out, uint16_t(s.size()));
  out.append(s);
}

// The fixed header: type and flags, then the remaining length in 7-bit groups, low group first.
std::string Framed(PacketType type, uint8_t flags, std::string_view body) {
  std::string out;
  out.push_back(char((uint8_t(type) << 4) | flags));
  size_t n = body.size();
  do {
    uint8_t digit = n % 128;
    n /= 128;
    if (n > 0) digit |= 0x80;
    out.push_back(char(digit));
  } while (n > 0);
  out.append(body);
  return out;
}

// The flag bits 3.1.1 fixes for each type (2.2.2): PUBREL, SUBSCRIBE and UNSUBSCRIBE have 0010,
// PUBLISH carries DUP/QoS/RETAIN, every other has 0000.
bool FlagsValid(PacketType type, uint8_t flags) {
  switch (type) {
    case PacketType::kPublish: return true;
    case PacketType::kPubrel:
    case PacketType::kSubscribe:
    case PacketType::kUnsubscribe: return flags == 2;
    default: return flags == 0;
  }
}

// Reads a two-byte length and that many bytes of a UTF-8 string at *pos.
bool TakeString(std::string_view body, size_t* pos, std::string_view* out) {
  if (body.size() - *pos < 2) return false;
  size_t n = (uint8_t(body[*pos]) << 8) | uint8_t(body[*pos + 1]);
  if (body.size() - *pos - 2 < n) return false;
  *out = body.substr(*pos + 2, n);
  *pos += 2 + n;
  return true;
}

bool TakeU16(std::string_view body, size_t* pos, uint16_t* out) {
  if (body.size() - *pos < 2) return false;
  *out = uint16_t((uint8_t(body[*pos]) << 8) | uint8_t(body[*pos + 1]));
  *pos += 2;
  return true;
}

bool Fail(std::string* error, std::string message) {
  *error = std::move(message);
  return false;
}

}  // namespace

std::string EncodeConnect(const ConnectOptions& o) {
  std::string body;
  PutString(body, "MQTT");
  body.push_back(4);  // protocol level: 3.1.1
  uint8_t flags = o.clean_session ? 0x02 : 0;
  if (o.username) flags |= 0x80;
  if (o.username && o.password) flags |= 0x40;  // 3.1.1 allows a password only with a user name
  body.push_back(char(flags));
  PutU16(body, o.keep_alive_seconds);
  PutString(body, o.client_id);
  if (o.username) PutString(body, *o.username);
  if (o.username && o.password) PutString(body, *o.password);
  return Framed(PacketType::kConnect, 0, body);
}

std::string EncodeSubscribe(uint16_t packet_id, const std::vector<std::string>& filters, int qos) {
  std::string body;
  PutU16(body, packet_id);
  for (auto& f : filters) {
    PutString(body, f);
    body.push_back(char(qos));
  }
  return Framed(PacketType::kSubscribe, 2, body);
}

std::string EncodeAck(PacketType type, uint16_t packet_id) {
  std::string body;
  PutU16(body, packet_id);
  return Framed(type, 0, body);
}

std::string EncodePingreq() { return Framed(PacketType::kPingreq, 0, {}); }
std::string EncodeDisconnect() { return Framed(PacketType::kDisconnect, 0, {}); }

std::optional<Packet> PacketReader::Next() {
  if (!error_.empty()) return std::nullopt;
  std::string_view data(buffer_);
  data.remove_prefix(consumed_);
  if (data.empty()) return std::nullopt;
  const uint8_t first = uint8_t(data[0]);
  const uint8_t type = first >> 4, flags = first & 0x0f;
  if (type == 0 || type == 15) {
    error_ = "reserved packet type " + std::to_string(type);
    return std::nullopt;
  }
  if (!FlagsValid(PacketType(type), flags)) {
    error_ = "invalid flags " + std::to_string(flags) + " for packet type " + std::to_string(type);
    return std::nullopt;
  }
  size_t length = 0, i = 1;
  for (int shift = 0;; shift += 7, ++i) {
    if (i > 4) {
      error_ = "remaining length longer than four bytes";
      return std::nullopt;
    }
    if (i >= data.size()) return std::nullopt;  // the length is not all here yet
    const uint8_t digit = uint8_t(data[i]);
    length |= size_t(digit & 0x7f) << shift;
    if (!(digit & 0x80)) break;
  }
  ++i;
  if (length > max_packet_bytes_) {
    error_ = "packet of " + std::to_string(length) + " bytes is over the limit of " + std::to_string(max_packet_bytes_);
    return std::nullopt;
  }
  if (data.size() - i < length) return std::nullopt;
  Packet p{PacketType(type), flags, std::string(data.substr(i, length))};
  consumed_ += i + length;
  // Drop what was consumed once it is most of the buffer, so the buffer does not grow forever.
  if (consumed_ > 65536 && consumed_ * 2 > buffer_.size()) {
    buffer_.erase(0, consumed_);
    consumed_ = 0;
  }
  return p;
}

bool DecodeConnack(const Packet& p, Connack* out, std::string* error) {
  if (p.type != PacketType::kConnack || p.body.size() != 2) return Fail(error, "malformed CONNACK");
  if (uint8_t(p.body[0]) & 0xfe) return Fail(error, "CONNACK with reserved flag bits set");
  out->session_present = p.body[0] & 1;
  out->return_code = uint8_t(p.body[1]);
  return true;
}

bool DecodePublish(const Packet& p, Publish* out, std::string* error) {
  if (p.type != PacketType::kPublish) return Fail(error, "not a PUBLISH packet");
  out->qos = (p.flags >> 1) & 3;
  if (out->qos == 3) return Fail(error, "PUBLISH with QoS 3");
  out->dup = p.flags & 8;
  out->retain = p.flags & 1;
  std::string_view body(p.body);
  size_t pos = 0;
  if (!TakeString(body, &pos, &out->topic)) return Fail(error, "PUBLISH with a truncated topic name");
  if (out->topic.empty()) return Fail(error, "PUBLISH with an empty topic name");
  if (out->topic.find_first_of("+#") != std::string_view::npos) return Fail(error, "PUBLISH topic name with a wildcard");
  if (FindInvalidUtf8(out->topic) != std::string_view::npos) return Fail(error, "PUBLISH topic name is not UTF-8");
  out->packet_id = 0;
  if (out->qos > 0) {
    if (!TakeU16(body, &pos, &out->packet_id)) return Fail(error, "PUBLISH without a packet identifier");
    if (out->packet_id == 0) return Fail(error, "PUBLISH with packet identifier 0");
  }
  out->payload = body.substr(pos);
  return true;
}

bool DecodeSuback(const Packet& p, Suback* out, std::string* error) {
  if (p.type != PacketType::kSuback) return Fail(error, "not a SUBACK packet");
  std::string_view body(p.body);
  size_t pos = 0;
  if (!TakeU16(body, &pos, &out->packet_id) || pos == body.size()) return Fail(error, "malformed SUBACK");
  out->return_codes.clear();
  for (; pos < body.size(); ++pos) {
    uint8_t rc = uint8_t(body[pos]);
    if (rc > 2 && rc != 0x80) return Fail(error, "SUBACK with return code " + std::to_string(rc));
    out->return_codes.push_back(rc);
  }
  return true;
}

bool DecodePacketId(const Packet& p, uint16_t* out, std::string* error) {
  size_t pos = 0;
  if (p.body.size() != 2 || !TakeU16(p.body, &pos, out) || *out == 0) return Fail(error, "malformed packet identifier");
  return true;
}

std::string ConnackReason(uint8_t rc) {
  switch (rc) {
    case 0: return "connection accepted";
    case 1: return "unacceptable protocol version";
    case 2: return "client identifier rejected";
    case 3: return "server unavailable";
    case 4: return "bad user name or password";
    case 5: return "not authorized";
    default: return "return code " + std::to_string(rc);
  }
}

}  // namespace yunhe::mqtt
