#include "server/mqtt/mqtt_ingest.h"

#include "engine/ingest_statements.h"
#include "engine/session.h"

#include <mosquitto.h>
#include <unistd.h>

#include <chrono>
#include <iostream>

#include "ingest/lineproto/line_protocol_writer.h"
#include "ingest/json/json_to_lineproto.h"

namespace yunhe::mqtt {

MqttIngest::MqttIngest(Database& db, MqttOptions options) : db_(db), options_(std::move(options)) {}

MqttIngest::~MqttIngest() { Stop(); }

Status MqttIngest::Start() {
  mosquitto_lib_init();
  const bool persistent = !options_.client_id.empty();
  const std::string id = persistent ? options_.client_id : "yunhe-" + std::to_string(getpid());
  mosq_ = mosquitto_new(id.c_str(), /*clean_session=*/!persistent, this);
  if (!mosq_) return Status::Error(SqlState::kSystemError, "could not create an MQTT client");
  mosquitto_connect_callback_set(mosq_, &MqttIngest::OnConnect);
  mosquitto_message_callback_set(mosq_, &MqttIngest::OnMessage);
  mosquitto_reconnect_delay_set(mosq_, 1, 30, true);
  // Asynchronous: a broker that is not up yet is retried by the network loop.
  int rc = mosquitto_connect_async(mosq_, options_.host.c_str(), options_.port, 30);
  if (rc != MOSQ_ERR_SUCCESS && rc != MOSQ_ERR_ERRNO)
    return Status::Error(SqlState::kUnableToEstablishConnection, std::string("MQTT connect to ") + options_.host + ": " + mosquitto_strerror(rc));
  if (mosquitto_loop_start(mosq_) != MOSQ_ERR_SUCCESS) return Status::Error(SqlState::kSystemError, "could not start the MQTT network loop");
  flusher_ = std::thread([this] { FlushLoop(); });
  return Status::Ok();
}

void MqttIngest::Stop() {
  if (!mosq_) return;
  mosquitto_disconnect(mosq_);
  mosquitto_loop_stop(mosq_, true);
  {
    std::lock_guard<std::mutex> lock(buf_mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (flusher_.joinable()) flusher_.join();
  Flush();
  mosquitto_destroy(mosq_);
  mosq_ = nullptr;
  mosquitto_lib_cleanup();
}

void MqttIngest::OnConnect(struct mosquitto* m, void* self, int rc) {
  auto* me = static_cast<MqttIngest*>(self);
  if (rc != 0) {
    std::cerr << "yunhe mqtt: connection refused: " << mosquitto_connack_string(rc) << "\n";
    return;
  }
  // (Re)subscribe on every connect: the broker forgets a clean session's subscriptions.
  for (auto& t : me->options_.topics) mosquitto_subscribe(m, nullptr, t.c_str(), me->options_.qos);
}

void MqttIngest::OnMessage(struct mosquitto*, void* self, const struct mosquitto_message* msg) {
  auto* me = static_cast<MqttIngest*>(self);
  ++me->messages_;
  std::string_view payload(static_cast<const char*>(msg->payload), size_t(msg->payloadlen));
  size_t first = payload.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return;
  std::string lines;
  if (payload[first] == '{') {
    std::string error;
    lines = JsonToLineProtocol(payload, me->options_.json_table, &error);
    if (lines.empty()) {
      ++me->bad_;
      std::cerr << "yunhe mqtt: " << msg->topic << ": " << error << "\n";
      return;
    }
  } else {
    lines = std::string(payload);
  }
  if (lines.back() != '\n') lines.push_back('\n');
  std::lock_guard<std::mutex> lock(me->buf_mu_);
  me->buffer_ += lines;
}

void MqttIngest::FlushLoop() {
  std::unique_lock<std::mutex> lock(buf_mu_);
  while (!stopping_) {
    wake_.wait_for(lock, std::chrono::milliseconds(100));
    lock.unlock();
    Flush();
    lock.lock();
  }
}

void MqttIngest::Flush() {
  std::string batch;
  {
    std::lock_guard<std::mutex> lock(buf_mu_);
    batch.swap(buffer_);
  }
  if (batch.empty()) return;
  lineproto::WriterOptions o;
  o.max_reported_errors = 20;
  lineproto::WriteReport report;
  QueryResult r;
  Session session(db_);
  session.SetLoginUser(options_.role);
  Status durable = session.LockedDurably([&](Database& db) {
      db.AssertHeld();
    r = WriteLineProtocol(db, batch, o, &report);
  });
  if (!durable.ok()) r.status = durable;
  rows_ += report.rows;
  bad_ += report.bad_lines;
  if (!r.status.ok()) std::cerr << "yunhe mqtt: write failed: " << r.status.message() << "\n";
  for (auto& e : report.errors) std::cerr << "yunhe mqtt: rejected line: " << e.reason << "\n";
}

}  // namespace yunhe::mqtt
