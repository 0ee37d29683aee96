#include "server/mqtt/mqtt_ingest.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <iostream>

#include "engine/ingest_statements.h"
#include "engine/session.h"
#include "ingest/json/json_to_lineproto.h"
#include "ingest/lineproto/line_protocol_writer.h"

namespace yunhe::mqtt {
namespace {

using Clock = std::chrono::steady_clock;

int64_t MillisSince(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count();
}

// Batches larger than this are written before more is read, so memory stays bounded when a
// broker has a long queue for us.
constexpr size_t kMaxPendingBytes = 16u << 20;

}  // namespace

// A TCP connection to the broker whose waits also watch the ingest's wake pipe (so Stop never
// waits for a broker).
class MqttIngest::Connection {
 public:
  explicit Connection(int wake_fd) : wake_fd_(wake_fd) {}
  ~Connection() {
    if (fd_ >= 0) ::close(fd_);
  }

  // Connects within `timeout_ms`; "" or why not.
  std::string Open(const std::string& host, int port, int timeout_ms) {
    addrinfo hints{}, *res = nullptr;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    int gai = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res);
    if (gai != 0) return std::string("cannot resolve ") + host + ": " + gai_strerror(gai);
    std::string why = "no address";
    for (addrinfo* a = res; a; a = a->ai_next) {
      int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
      if (fd < 0) continue;
      if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0 || (errno == EINPROGRESS && WaitConnected(fd, timeout_ms, &why))) {
        fd_ = fd;
        break;
      }
      if (errno != EINPROGRESS) why = strerror(errno);
      ::close(fd);
    }
    freeaddrinfo(res);
    if (fd_ < 0) return why;
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return "";
  }

  // Sends all of `bytes`; false when the connection is gone or the broker stops reading for 10 s.
  bool Send(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n > 0) {
        bytes.remove_prefix(size_t(n));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        pollfd p{fd_, POLLOUT, 0};
        if (::poll(&p, 1, 10000) <= 0) return false;
        continue;
      }
      return false;
    }
    last_send_ = Clock::now();
    return true;
  }

  // Waits up to `timeout_ms` for bytes (or Stop); appends what is there now to `out`.
  // Answers false when the connection closed or failed.
  bool Receive(std::string* out, int timeout_ms) {
    pollfd p[2] = {{fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    int ready = ::poll(p, 2, timeout_ms);
    if (ready < 0) return errno == EINTR;
    if (!(p[0].revents & (POLLIN | POLLHUP | POLLERR))) return true;
    char buf[65536];
    for (;;) {
      ssize_t n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
      if (n > 0) {
        out->append(buf, size_t(n));
        if (out->size() >= kMaxPendingBytes) return true;
        continue;
      }
      if (n == 0) return false;
      return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    }
  }

  Clock::time_point last_send() const { return last_send_; }

 private:
  bool WaitConnected(int fd, int timeout_ms, std::string* why) {
    pollfd p[2] = {{fd, POLLOUT, 0}, {wake_fd_, POLLIN, 0}};
    if (::poll(p, 2, timeout_ms) <= 0 || !(p[0].revents & (POLLOUT | POLLERR | POLLHUP))) {
      *why = "connection timed out";
      return false;
    }
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) *why = strerror(err);
    return err == 0;
  }

  int fd_ = -1;
  int wake_fd_;
  Clock::time_point last_send_ = Clock::now();
};

MqttIngest::MqttIngest(Database& db, MqttOptions options) : db_(db), options_(std::move(options)) {}

MqttIngest::~MqttIngest() { Stop(); }

Status MqttIngest::Start() {
  if (::pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0) return Status::Error(SqlState::kSystemError, "could not create a pipe for the MQTT client");
  // The broker is connected to in the background: one that is not up yet is retried.
  thread_ = std::thread([this] { Run(); });
  return Status::Ok();
}

void MqttIngest::Stop() {
  if (!thread_.joinable()) return;
  stopping_ = true;
  (void)!::write(wake_[1], "x", 1);
  thread_.join();
  ::close(wake_[0]);
  ::close(wake_[1]);
  wake_[0] = wake_[1] = -1;
}

bool MqttIngest::Sleep(int ms) {
  pollfd p{wake_[0], POLLIN, 0};
  ::poll(&p, 1, ms);
  return !stopping_;
}

void MqttIngest::Run() {
  const bool persistent = !options_.client_id.empty();
  int backoff_ms = 1000;
  std::string last_error;
  bool first_connection = true;
  while (!stopping_) {
    Connection c(wake_[0]);
    std::string error = c.Open(options_.host, options_.port, 10000);
    if (error.empty()) {
      bool accepted = false;
      error = Serve(c, first_connection, &accepted);
      if (accepted) {
        backoff_ms = 1000;  // it was up and serving: the next failure starts the backoff again
        first_connection = false;
      }
    }
    // What arrived but is unacknowledged: a persistent session's broker delivers it again, a
    // clean session's never will, so that is written now (it cannot be acknowledged any more).
    if (!persistent && !pending_lines_.empty()) WritePending();
    pending_lines_.clear();
    pending_acks_.clear();
    if (!persistent) awaiting_pubrel_.clear();  // a clean session's broker forgot them too
    if (stopping_) break;
    if (!error.empty() && error != last_error) std::cerr << "yunhe mqtt: " << options_.host << ":" << options_.port << ": " << error << "\n";
    last_error = error;
    if (!Sleep(backoff_ms)) break;
    backoff_ms = std::min(backoff_ms * 2, 30000);
  }
}

std::string MqttIngest::Serve(Connection& c, bool first_connection, bool* accepted) {
  const bool persistent = !options_.client_id.empty();
  ConnectOptions co;
  co.client_id = persistent ? options_.client_id : "yunhe-" + std::to_string(getpid());
  co.clean_session = !persistent;
  co.keep_alive_seconds = options_.keep_alive_seconds;
  co.username = options_.username;
  co.password = options_.password;
  if (!c.Send(EncodeConnect(co))) return "could not send CONNECT";
  PacketReader reader;
  std::string bytes;
  auto next_packet = [&](int timeout_ms) -> std::optional<Packet> {
    for (auto start = Clock::now(); !stopping_;) {
      if (auto p = reader.Next()) return p;
      if (!reader.error().empty()) return std::nullopt;
      int left = timeout_ms - int(MillisSince(start));
      if (left <= 0) return std::nullopt;
      bytes.clear();
      const bool open = c.Receive(&bytes, left);
      // What arrived before the broker closed still counts: a broker refusing the login sends
      // its CONNACK and closes at once, often in one read with the close, and dropping those
      // bytes reported "no CONNACK from the broker" instead of its reason.
      reader.Append(bytes);
      if (!open) return reader.Next();
    }
    return std::nullopt;
  };
  std::string error;
  auto p = next_packet(10000);
  Connack ack;
  if (!p || p->type != PacketType::kConnack || !DecodeConnack(*p, &ack, &error))
    return error.empty() ? (reader.error().empty() ? "no CONNACK from the broker" : reader.error()) : error;
  if (ack.return_code != 0) return "connection refused: " + ConnackReason(ack.return_code);
  *accepted = true;
  // Subscribing again also where the broker kept the session: new filters are taken, old ones
  // replaced (the broker then sends its retained messages again: skipped below).
  if (!c.Send(EncodeSubscribe(1, options_.topics, options_.qos))) return "could not send SUBSCRIBE";
  // Retained messages are stored values the broker replays on subscribing: written on the first
  // connection of a new session only, not again at every reconnect.
  const bool skip_retained = !first_connection || ack.session_present;
  const int keep_alive_ms = options_.keep_alive_seconds * 1000;
  bool ping_outstanding = false;
  Clock::time_point ping_sent;
  for (;;) {
    // Everything the broker sent so far is decoded before anything is written: a batch is what
    // arrived together.
    while (auto packet = reader.Next()) {
      switch (packet->type) {
        case PacketType::kPublish: {
          Publish m;
          if (!DecodePublish(*packet, &m, &error)) return error;
          Take(m, skip_retained);
          break;
        }
        case PacketType::kPubrel: {
          uint16_t id;
          if (!DecodePacketId(*packet, &id, &error)) return error;
          awaiting_pubrel_.erase(id);
          if (!c.Send(EncodeAck(PacketType::kPubcomp, id))) return "could not send PUBCOMP";
          break;
        }
        case PacketType::kSuback: {
          Suback s;
          if (!DecodeSuback(*packet, &s, &error)) return error;
          for (size_t i = 0; i < s.return_codes.size() && i < options_.topics.size(); ++i)
            if (s.return_codes[i] == 0x80) std::cerr << "yunhe mqtt: the broker refused the subscription to " << options_.topics[i] << "\n";
          break;
        }
        case PacketType::kPingresp: ping_outstanding = false; break;
        default: return "unexpected packet type " + std::to_string(int(packet->type)) + " from the broker";
      }
    }
    if (!reader.error().empty()) return reader.error();
    if (!pending_lines_.empty() || !pending_acks_.empty()) {
      if (!WritePending()) return "write failed; unacknowledged messages will come again";
      std::string acks;
      for (auto [type, id] : pending_acks_) {
        acks += EncodeAck(type, id);
        if (type == PacketType::kPubrec) awaiting_pubrel_.insert(id);
      }
      pending_acks_.clear();
      if (!acks.empty() && !c.Send(acks)) return "could not send acknowledgements";
    }
    if (stopping_) break;
    // Keep-alive: a PINGREQ when nothing was sent for half the interval; no answer within the
    // interval means the broker is gone.
    if (ping_outstanding && MillisSince(ping_sent) > keep_alive_ms) return "no PINGRESP from the broker";
    if (!ping_outstanding && MillisSince(c.last_send()) >= keep_alive_ms / 2) {
      if (!c.Send(EncodePingreq())) return "could not send PINGREQ";
      ping_outstanding = true;
      ping_sent = Clock::now();
    }
    bytes.clear();
    if (!c.Receive(&bytes, 1000)) return "the broker closed the connection";
    reader.Append(bytes);
  }
  // Stopping: what was read is written and acknowledged above; say goodbye.
  c.Send(EncodeDisconnect());
  return "";
}

void MqttIngest::Take(const Publish& m, bool skip_retained) {
  // Acknowledged after the write whatever the payload holds: a bad payload delivered again would
  // be as bad.
  if (m.qos == 1) pending_acks_.emplace_back(PacketType::kPuback, m.packet_id);
  if (m.qos == 2) {
    pending_acks_.emplace_back(PacketType::kPubrec, m.packet_id);
    // A QoS 2 message received before (PUBREC sent, PUBREL not yet here) comes again only as a
    // duplicate: it is acknowledged, not written twice.
    if (awaiting_pubrel_.count(m.packet_id)) return;
  }
  if (m.retain && skip_retained) return;
  ++messages_;
  std::string_view payload = m.payload;
  size_t first = payload.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return;
  if (payload[first] == '{') {
    std::string error;
    std::string lines = JsonToLineProtocol(payload, options_.json_table, &error);
    if (lines.empty()) {
      ++bad_;
      std::cerr << "yunhe mqtt: " << m.topic << ": " << error << "\n";
      return;
    }
    pending_lines_ += lines;
  } else {
    pending_lines_.append(payload);
  }
  if (pending_lines_.back() != '\n') pending_lines_.push_back('\n');
}

bool MqttIngest::WritePending() {
  std::string batch;
  batch.swap(pending_lines_);
  if (batch.empty()) return true;
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
  if (!durable.ok()) {
    std::cerr << "yunhe mqtt: write failed: " << durable.message() << "\n";
    return false;
  }
  rows_ += report.rows;
  bad_ += report.bad_lines;
  // A refused statement (no privilege, a constraint) is reported; its messages are acknowledged
  // like bad lines, since delivering them again would be refused again.
  if (!r.status.ok()) std::cerr << "yunhe mqtt: write failed: " << r.status.message() << "\n";
  for (auto& e : report.errors) std::cerr << "yunhe mqtt: rejected line: " << e.reason << "\n";
  return true;
}

}  // namespace yunhe::mqtt
