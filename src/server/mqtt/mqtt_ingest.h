// MQTT inlet: an MQTT 3.1.1 subscriber (mqtt_packets.h over a TCP socket) that writes each
// message's payload — line protocol, or a JSON object (json_to_lineproto.h) — through the
// line-protocol writer. What arrives together is written as one committed statement, and only
// once that statement is durable (WAL fsynced) are its QoS 1 messages acknowledged (PUBACK) and
// its QoS 2 messages received (PUBREC): a crash before that makes the broker deliver them again
// (at least once). libmosquitto 2.0 acknowledges on arrival, with no manual acknowledgement, so
// a crash lost what arrived in the last ~100 ms: hence this client of our own.
// The client reconnects with backoff (1 s to 30 s) and re-subscribes; bad payloads are counted
// and reported on stderr, never fatal.
#pragma once
#include <atomic>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "engine/database.h"
#include "server/mqtt/mqtt_packets.h"

namespace yunhe::mqtt {

struct MqttOptions {
  std::string host = "127.0.0.1";
  int port = 1883;
  std::vector<std::string> topics;
  std::string json_table = "mqtt";  // table for JSON payloads without "measurement"
  int qos = 1;
  std::string role = "yunhe";  // the role writes run as
  // A persistent session (--mqtt-client-id): the broker keeps the subscriptions and queues QoS 1
  // messages published while yunhe is down, delivered when it reconnects. "" = a clean session
  // under a per-process id (what arrives while yunhe is down is lost).
  std::string client_id;
  std::optional<std::string> username, password;  // CONNECT's user name and password
  uint16_t keep_alive_seconds = 30;
};

class MqttIngest {
 public:
  MqttIngest(Database& db, MqttOptions options);
  ~MqttIngest();
  Status Start();
  void Stop();
  uint64_t messages() const { return messages_; }
  uint64_t rows() const { return rows_; }
  uint64_t bad() const { return bad_; }

 private:
  class Connection;
  void Run();
  // One connection's life; answers why it ended ("" when stopping). *accepted: the broker took
  // the CONNECT.
  std::string Serve(Connection& c, bool first_connection, bool* accepted);
  // Queues one PUBLISH's lines and the acknowledgement owed once they are durable.
  void Take(const Publish& m, bool skip_retained);
  // Writes the queued lines as one durable statement; false (and nothing acknowledged) when the
  // write could not be made durable.
  bool WritePending();
  // Waits `ms` unless Stop comes first; false when stopping.
  bool Sleep(int ms);

  Database& db_;
  MqttOptions options_;
  int wake_[2] = {-1, -1};  // Stop writes a byte to wake_[1]; every wait polls wake_[0]
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  std::string pending_lines_;                               // written at the next WritePending
  std::vector<std::pair<PacketType, uint16_t>> pending_acks_;  // sent once those lines are durable
  std::set<uint16_t> awaiting_pubrel_;  // QoS 2 ids written and PUBREC'd, not yet released
  std::atomic<uint64_t> messages_{0}, rows_{0}, bad_{0};
};

}  // namespace yunhe::mqtt
