// A connection's message loop: waits for messages (bounded while it holds the database, as
// PostgreSQL's idle_in_transaction_session_timeout), dispatches them and sends the answers once
// what they committed is durable.
#include "server/pgwire/pg_connection.h"

#include <openssl/ssl.h>
#include <poll.h>

#include "server/pgwire/pg_rows.h"
#include "server/pgwire/pg_server.h"

namespace yunhe::pgwire {

Connection::Connection(Server& server, int fd, int32_t backend_pid) : server_(server), backend_pid_(backend_pid) {
  conn_.fd = fd;
}

Connection::~Connection() {
  // The session first: it rolls back an open block, as PostgreSQL does when a client goes away.
  session_.reset();
  server_.ForgetCancelKey(backend_pid_);
  if (counted_role_) server_.LeaveRole(login_role_);
  if (conn_.ssl) {  // the TLS session (if the client asked for one) ends with the connection
    SSL_shutdown(conn_.ssl);
    SSL_free(conn_.ssl);
  }
}

bool Connection::Send(const std::string& o) {
  Status durable = server_.db_.WaitDurable();
  if (!durable.ok()) {
    std::string bye;
    AppendError(durable, &bye, 'E', "FATAL");
    WriteAll(conn_, bye);
    return false;
  }
  return WriteAll(conn_, o);
}

bool Connection::StreamRows(ResultStream& rows, const std::vector<int16_t>& formats) {
  constexpr size_t kFlushBytes = 256 << 10;
  DataChunk chunk;
  while (rows.Next(&chunk)) {
    AppendDataRows(chunk, formats, &out_);
    if (out_.size() >= kFlushBytes) {
      if (!Send(out_)) return false;
      out_.clear();
    }
  }
  return true;
}

void Connection::AppendNotifications() {
  // NotificationResponse: the sender's process id, the channel, the payload.
  for (const Notification& n : session_->TakeNotifications())
    MessageBuilder('A').Int32(n.sender_pid).Str(n.channel).Str(n.payload).AppendTo(&out_);
}

void Connection::AppendReady() {
  AppendNotifications();  // PostgreSQL sends them before ReadyForQuery
  MessageBuilder('Z').Byte(session_->TransactionStatus()).AppendTo(&out_);
}

bool Connection::WaitForClientOrNotification() {
  // Idle and listening: notifications go out as they come (PostgreSQL delivers them to an idle
  // session at once), until the client sends its next message.
  while (!server_.stopping_) {
    const int wake = session_->notification_fd();
    if (wake < 0 || session_->in_block() || conn_.HasBuffered()) return true;
    pollfd p[2] = {{conn_.fd, POLLIN, 0}, {wake, POLLIN, 0}};
    if (::poll(p, 2, 1000) < 0 && errno != EINTR) return true;
    if (p[0].revents) return true;
    if (p[1].revents & POLLIN) {
      out_.clear();
      AppendNotifications();
      if (!out_.empty() && !Send(out_)) return false;
    }
  }
  return false;
}

void Connection::Run(bool over_limit) {
  if (!Startup(over_limit)) return;
  // Group commit: this connection's commits return before their fsync and nothing goes to the
  // client before it (Send waits), mostly after the database is let go, so concurrent sessions
  // share fsyncs.
  auto defer_sync = server_.db_.DeferSync();
  int receive_timeout_ms = 0;
  bool extended_error = false;  // after an error in the extended protocol: skip until Sync
  while (!server_.stopping_) {
    // Waiting for the client while holding the database (inside a transaction block, or between
    // extended-protocol messages before Sync) is bounded, as PostgreSQL's
    // idle_in_transaction_session_timeout: for the next message and for every byte of it, so a
    // client that stalls half-way through a message cannot hang the others either.
    const int want_timeout = session_->holds_database() ? server_.options_.idle_in_transaction_timeout_ms : 0;
    if (want_timeout != receive_timeout_ms) {
      Server::SetReceiveTimeout(conn_.fd, want_timeout);
      receive_timeout_ms = want_timeout;
    }
    if (want_timeout > 0 && !conn_.HasBuffered()) {
      pollfd p{conn_.fd, POLLIN, 0};
      int ready = ::poll(&p, 1, want_timeout);
      if (ready == 0) {
        std::string bye;
        AppendError(session_->TransactionStatus() != 'I'
                        ? Status::Error(SqlState::kIdleInTransactionTimeout, "terminating connection due to idle-in-transaction timeout")
                        : Status::Error(SqlState::kProtocolViolation,
                                        "terminating connection: no Sync from the client within the idle timeout"),
                    &bye, 'E', "FATAL");
        WriteAll(conn_, bye);
        break;  // the block is rolled back as the session ends
      }
    }
    if (want_timeout == 0 && !WaitForClientOrNotification()) break;
    if (!ReadMessage(conn_, &m_)) break;
    out_.clear();
    if (m_.type == 'X') break;
    if (extended_error && m_.type != 'S') continue;
    switch (m_.type) {
      case 'Q': {
        size_t pos = 0;
        const std::string sql = ReadCString(m_.body, &pos);
        if (!SimpleQuery(sql)) return;
        session_->EndOfMessage();
        AppendReady();
        break;
      }
      case 'S':
        extended_error = false;
        session_->EndOfMessage();
        AppendReady();
        break;
      case 'H':
        break;
      case 'P': case 'B': case 'D': case 'E': case 'C':
        try {
          if (!Extended(m_)) return;
        } catch (const Error& e) {
          AppendError(e.status(), &out_);
          extended_error = true;  // PostgreSQL skips messages until Sync after an error
        }
        break;
      case 'F':
        AppendError(Status::Error(SqlState::kFeatureNotSupported, "the function call protocol is not supported"), &out_);
        extended_error = true;
        break;
      default:
        AppendError(Status::Error(SqlState::kProtocolViolation, std::string("invalid frontend message type ") + m_.type), &out_, 'E',
                    "FATAL");
        WriteAll(conn_, out_);
        return;
    }
    if (!out_.empty() && !Send(out_)) break;
  }
}

}  // namespace yunhe::pgwire
