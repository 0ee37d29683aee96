// server/mqtt/mqtt_packets.h against the bytes MQTT 3.1.1 lays down (OASIS standard, sections 2
// and 3): what the subscriber sends, and how it cuts and checks what a broker sends.
#include "server/mqtt/mqtt_packets.h"

#include <gtest/gtest.h>

#include <string>

namespace yunhe::mqtt {
namespace {

std::string Bytes(std::initializer_list<int> b) {
  std::string s;
  for (int c : b) s.push_back(char(c));
  return s;
}

// A packet as a broker would frame it (remaining length in 7-bit groups).
std::string Frame(int first_byte, const std::string& body) {
  std::string s(1, char(first_byte));
  size_t n = body.size();
  do {
    int d = n % 128;
    n /= 128;
    s.push_back(char(n ? d | 0x80 : d));
  } while (n);
  return s + body;
}

TEST(MqttPackets, ConnectAsTheStandardsExample) {
  ConnectOptions o;
  o.client_id = "yh";
  o.clean_session = false;
  o.keep_alive_seconds = 10;
  EXPECT_EQ(EncodeConnect(o), Bytes({0x10, 14, 0, 4, 'M', 'Q', 'T', 'T', 4, 0x00, 0, 10, 0, 2, 'y', 'h'}));
  o.clean_session = true;
  o.username = "u";
  o.password = "pw";
  EXPECT_EQ(EncodeConnect(o), Bytes({0x10, 21, 0, 4, 'M', 'Q', 'T', 'T', 4, 0xc2, 0, 10, 0, 2, 'y', 'h', 0, 1, 'u', 0, 2, 'p', 'w'}));
  // A password without a user name is not allowed in 3.1.1: it is left out.
  o.username.reset();
  EXPECT_EQ(uint8_t(EncodeConnect(o)[9]), 0x02);
}

TEST(MqttPackets, SubscribeAcksAndPings) {
  EXPECT_EQ(EncodeSubscribe(1, {"a/#", "b"}, 1), Bytes({0x82, 12, 0, 1, 0, 3, 'a', '/', '#', 1, 0, 1, 'b', 1}));
  EXPECT_EQ(EncodeAck(PacketType::kPuback, 0x1234), Bytes({0x40, 2, 0x12, 0x34}));
  EXPECT_EQ(EncodeAck(PacketType::kPubrec, 7), Bytes({0x50, 2, 0, 7}));
  EXPECT_EQ(EncodeAck(PacketType::kPubcomp, 7), Bytes({0x70, 2, 0, 7}));
  EXPECT_EQ(EncodePingreq(), Bytes({0xc0, 0}));
  EXPECT_EQ(EncodeDisconnect(), Bytes({0xe0, 0}));
}

TEST(MqttPackets, RemainingLengthAtEveryWidth) {
  // 2.2.3's table: 127 and 128, 16383 and 16384, 2097151 and 2097152 change the width.
  for (size_t n : {0u, 1u, 127u, 128u, 16383u, 16384u, 2097151u, 2097152u}) {
    std::string body(n, 'x');
    std::string wire = Frame(0x30, Bytes({0, 1, 't'}) + body);
    PacketReader r;
    // Fed a byte at a time at the start (a length split across reads), then the rest.
    for (size_t i = 0; i < 5 && i < wire.size(); ++i) {
      EXPECT_FALSE(r.Next().has_value()) << n;
      r.Append(wire.substr(i, 1));
    }
    if (wire.size() > 5) r.Append(wire.substr(5));
    auto p = r.Next();
    ASSERT_TRUE(p.has_value()) << n;
    EXPECT_EQ(p->body.size(), n + 3);
    Publish m;
    std::string error;
    ASSERT_TRUE(DecodePublish(*p, &m, &error)) << error;
    EXPECT_EQ(m.topic, "t");
    EXPECT_EQ(m.payload.size(), n);
    EXPECT_FALSE(r.Next().has_value());
    EXPECT_EQ(r.buffered(), 0u);
  }
}

TEST(MqttPackets, SeveralPacketsInOneRead) {
  PacketReader r;
  r.Append(Frame(0x20, Bytes({1, 0})) + Frame(0x90, Bytes({0, 1, 1, 0x80})) + Frame(0xd0, "") + Frame(0x32, Bytes({0, 2, 's', '/', 0, 9}) + "v=1") +
           Frame(0x62, Bytes({0, 9})));
  std::string error;
  auto p = r.Next();
  Connack c;
  ASSERT_TRUE(p && DecodeConnack(*p, &c, &error));
  EXPECT_TRUE(c.session_present);
  EXPECT_EQ(c.return_code, 0);
  p = r.Next();
  Suback s;
  ASSERT_TRUE(p && DecodeSuback(*p, &s, &error));
  EXPECT_EQ(s.packet_id, 1);
  EXPECT_EQ(s.return_codes, (std::vector<uint8_t>{1, 0x80}));
  p = r.Next();
  ASSERT_TRUE(p);
  EXPECT_EQ(p->type, PacketType::kPingresp);
  p = r.Next();
  Publish m;
  ASSERT_TRUE(p && DecodePublish(*p, &m, &error)) << error;
  EXPECT_EQ(m.qos, 1);
  EXPECT_EQ(m.packet_id, 9);
  EXPECT_EQ(m.topic, "s/");
  EXPECT_EQ(m.payload, "v=1");
  p = r.Next();
  uint16_t id = 0;
  ASSERT_TRUE(p && p->type == PacketType::kPubrel && DecodePacketId(*p, &id, &error));
  EXPECT_EQ(id, 9);
  EXPECT_FALSE(r.Next());
  EXPECT_TRUE(r.error().empty());
}

TEST(MqttPackets, PublishFlags) {
  std::string error;
  Publish m;
  // QoS 2, DUP and RETAIN.
  ASSERT_TRUE(DecodePublish(Packet{PacketType::kPublish, 0x0d, Bytes({0, 1, 'a', 0, 3}) + "x"}, &m, &error));
  EXPECT_EQ(m.qos, 2);
  EXPECT_TRUE(m.dup);
  EXPECT_TRUE(m.retain);
  EXPECT_EQ(m.packet_id, 3);
  // QoS 0 has no packet identifier: the two bytes are payload.
  ASSERT_TRUE(DecodePublish(Packet{PacketType::kPublish, 0, Bytes({0, 1, 'a', 0, 3})}, &m, &error));
  EXPECT_EQ(m.packet_id, 0);
  EXPECT_EQ(m.payload, Bytes({0, 3}));
}

TEST(MqttPackets, MalformedPacketsAreRefused) {
  std::string error;
  Publish m;
  EXPECT_FALSE(DecodePublish(Packet{PacketType::kPublish, 0x06, Bytes({0, 1, 'a', 0, 1})}, &m, &error));  // QoS 3
  EXPECT_FALSE(DecodePublish(Packet{PacketType::kPublish, 0x02, Bytes({0, 1, 'a', 0, 0})}, &m, &error));  // id 0
  EXPECT_FALSE(DecodePublish(Packet{PacketType::kPublish, 0x02, Bytes({0, 1, 'a', 0})}, &m, &error));     // id cut
  EXPECT_FALSE(DecodePublish(Packet{PacketType::kPublish, 0, Bytes({0, 5, 'a'})}, &m, &error));           // topic cut
  EXPECT_FALSE(DecodePublish(Packet{PacketType::kPublish, 0, Bytes({0, 0})}, &m, &error));                // empty topic
  EXPECT_FALSE(DecodePublish(Packet{PacketType::kPublish, 0, Bytes({0, 1, '#'})}, &m, &error));           // wildcard
  EXPECT_FALSE(DecodePublish(Packet{PacketType::kPublish, 0, Bytes({0, 1, 0xff})}, &m, &error));          // not UTF-8
  Connack c;
  EXPECT_FALSE(DecodeConnack(Packet{PacketType::kConnack, 0, Bytes({2, 0})}, &c, &error));  // reserved bit
  EXPECT_FALSE(DecodeConnack(Packet{PacketType::kConnack, 0, Bytes({0})}, &c, &error));
  Suback s;
  EXPECT_FALSE(DecodeSuback(Packet{PacketType::kSuback, 0, Bytes({0, 1})}, &s, &error));     // no return code
  EXPECT_FALSE(DecodeSuback(Packet{PacketType::kSuback, 0, Bytes({0, 1, 3})}, &s, &error));  // code 3
  uint16_t id;
  EXPECT_FALSE(DecodePacketId(Packet{PacketType::kPubrel, 2, Bytes({0, 0})}, &id, &error));

  auto reader_error = [](const std::string& wire, size_t limit = 1u << 20) {
    PacketReader r(limit);
    r.Append(wire);
    while (r.Next()) {
    }
    return r.error();
  };
  EXPECT_NE(reader_error(Bytes({0x00, 0})), "");                      // type 0
  EXPECT_NE(reader_error(Bytes({0xf0, 0})), "");                      // type 15
  EXPECT_NE(reader_error(Bytes({0x60, 2, 0, 1})), "");                // PUBREL needs flags 0010
  EXPECT_NE(reader_error(Bytes({0x21, 2, 0, 0})), "");                // CONNACK with flags
  EXPECT_NE(reader_error(Bytes({0x30, 0xff, 0xff, 0xff, 0xff, 1})), "");  // a fifth length byte
  EXPECT_NE(reader_error(Frame(0x30, std::string(2000, 'x')), 1000), "");  // over the limit
  EXPECT_EQ(reader_error(Bytes({0x30, 0xff, 0xff})), "");             // only incomplete, not wrong
}

}  // namespace
}  // namespace yunhe::mqtt
