// MQTT 3.1.1 control packets (OASIS standard, 2014) as a subscriber needs them: the ones it sends
// (CONNECT, SUBSCRIBE, PUBACK, PUBREC, PUBCOMP, PINGREQ, DISCONNECT) are encoded to bytes, the ones
// it receives are cut out of the byte stream by PacketReader and decoded (CONNACK, SUBACK, PUBLISH,
// PUBREL, PINGRESP). No I/O here: the bytes come from and go to the caller, so a broker's bytes
// can be fuzzed and unit-tested without a socket.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace yunhe::mqtt {

enum class PacketType : uint8_t {
  kConnect = 1, kConnack = 2, kPublish = 3, kPuback = 4, kPubrec = 5, kPubrel = 6, kPubcomp = 7,
  kSubscribe = 8, kSuback = 9, kUnsubscribe = 10, kUnsuback = 11, kPingreq = 12, kPingresp = 13,
  kDisconnect = 14,
};

struct ConnectOptions {
  std::string client_id;
  bool clean_session = true;
  uint16_t keep_alive_seconds = 30;
  std::optional<std::string> username, password;
};

std::string EncodeConnect(const ConnectOptions& options);
// Every filter is asked for at `qos` (0..2).
std::string EncodeSubscribe(uint16_t packet_id, const std::vector<std::string>& filters, int qos);
// PUBACK, PUBREC and PUBCOMP: the fixed header and the two bytes of the packet identifier.
std::string EncodeAck(PacketType type, uint16_t packet_id);
std::string EncodePingreq();
std::string EncodeDisconnect();

// One packet received: its type, the four flag bits of the fixed header and the rest (variable
// header and payload).
struct Packet {
  PacketType type;
  uint8_t flags = 0;
  std::string body;
};

// Cuts packets out of a stream of bytes. Append what was read; Next answers a packet once all of
// it has arrived. A malformed fixed header (a remaining length over four bytes, a packet over
// max_packet_bytes, type 0 or 15) sets error() and answers nothing more: the connection must go.
class PacketReader {
 public:
  explicit PacketReader(size_t max_packet_bytes = 256u << 20) : max_packet_bytes_(max_packet_bytes) {}
  void Append(std::string_view bytes) { buffer_.append(bytes); }
  std::optional<Packet> Next();
  const std::string& error() const { return error_; }
  size_t buffered() const { return buffer_.size() - consumed_; }

 private:
  std::string buffer_;
  size_t consumed_ = 0;
  size_t max_packet_bytes_;
  std::string error_;
};

// CONNACK: whether the broker still had the session, and its return code (0 = accepted).
struct Connack {
  bool session_present = false;
  uint8_t return_code = 0;
};
// PUBLISH: the payload is a view into the packet's body.
struct Publish {
  std::string_view topic;
  int qos = 0;
  bool dup = false, retain = false;
  uint16_t packet_id = 0;  // QoS 1 and 2 only
  std::string_view payload;
};
struct Suback {
  uint16_t packet_id = 0;
  std::vector<uint8_t> return_codes;  // the granted QoS per filter, 0x80 for a refused one
};

// Each answers false and a reason when the packet breaks the specification's rules for it.
bool DecodeConnack(const Packet& p, Connack* out, std::string* error);
bool DecodePublish(const Packet& p, Publish* out, std::string* error);
bool DecodeSuback(const Packet& p, Suback* out, std::string* error);
// PUBREL (and any packet that is only a packet identifier).
bool DecodePacketId(const Packet& p, uint16_t* out, std::string* error);
// The words of MQTT 3.1.1's CONNACK return codes.
std::string ConnackReason(uint8_t return_code);

}  // namespace yunhe::mqtt
