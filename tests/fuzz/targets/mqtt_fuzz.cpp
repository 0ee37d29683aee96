// Fuzz target: bytes a broker sends to the MQTT subscriber, cut into packets (fed in pieces whose
// sizes the first byte picks, as reads would bring them) and decoded by type.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "server/mqtt/mqtt_packets.h"

using namespace yunhe::mqtt;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t piece = 1 + data[0] % 64;
  std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  PacketReader reader(1u << 16);
  std::string error;
  for (size_t at = 0; at < bytes.size() || reader.buffered() > 0;) {
    if (at < bytes.size()) {
      reader.Append(bytes.substr(at, piece));
      at += piece;
    }
    while (auto p = reader.Next()) {
      Connack c;
      Publish m;
      Suback s;
      uint16_t id;
      switch (p->type) {
        case PacketType::kConnack: (void)DecodeConnack(*p, &c, &error); break;
        case PacketType::kPublish:
          if (DecodePublish(*p, &m, &error) && m.payload.size() > p->body.size()) __builtin_trap();
          break;
        case PacketType::kSuback: (void)DecodeSuback(*p, &s, &error); break;
        default: (void)DecodePacketId(*p, &id, &error); break;
      }
    }
    if (!reader.error().empty() || at >= bytes.size()) break;
  }
  return 0;
}
