// MQTT inlet (libmosquitto): subscribes to topics on a broker and writes each message's payload
// — line protocol, or a JSON object (json_to_lineproto.h) — through the line-protocol writer.
// Messages are batched (every 100 ms) into one committed statement. The client reconnects with
// backoff (1 s to 30 s) and re-subscribes; bad payloads are counted and reported on stderr, never
// fatal.
#pragma once
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/database.h"

struct mosquitto;
struct mosquitto_message;

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
  static void OnConnect(struct mosquitto* m, void* self, int rc);
  static void OnMessage(struct mosquitto* m, void* self, const struct mosquitto_message* msg);
  void FlushLoop();
  void Flush();

  Database& db_;
  MqttOptions options_;
  struct mosquitto* mosq_ = nullptr;
  std::mutex buf_mu_;
  std::condition_variable wake_;
  std::string buffer_;  // line protocol waiting to be written
  bool stopping_ = false;
  std::thread flusher_;
  std::atomic<uint64_t> messages_{0}, rows_{0}, bad_{0};
};

}  // namespace yunhe::mqtt
