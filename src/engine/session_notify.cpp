// LISTEN / UNLISTEN / NOTIFY and pg_notify() of a Session (engine/notifications.h).
#include <algorithm>

#include <fmt/format.h>

#include "common/status.h"
#include "engine/session.h"

namespace yunhe {

bool Session::RunNotifyStatement(PgQuery__Node* node, ResultStream* out) {
  const bool listen = node->node_case == PG_QUERY__NODE__NODE_LISTEN_STMT;
  const bool unlisten = node->node_case == PG_QUERY__NODE__NODE_UNLISTEN_STMT;
  const bool notify = node->node_case == PG_QUERY__NODE__NODE_NOTIFY_STMT;
  if (!listen && !unlisten && !notify) return false;
  QueryResult& r = out->result_;
  try {
    if (block_ && BlockFailed())
      throw Error(SqlState::kInFailedTransaction, "current transaction is aborted, commands ignored until end of transaction block");
    if (listen) {
      if (!mailbox_) mailbox_ = std::make_shared<Mailbox>();
      db_.notifications().Listen(mailbox_, node->listen_stmt->conditionname);
      r.tag = "LISTEN";
    } else if (unlisten) {
      const char* channel = node->unlisten_stmt->conditionname;
      if (mailbox_) {
        if (channel && channel[0]) db_.notifications().Unlisten(mailbox_.get(), channel);
        else db_.notifications().UnlistenAll(mailbox_.get());  // UNLISTEN *
      }
      r.tag = "UNLISTEN";
    } else {
      Notify(node->notify_stmt->conditionname, node->notify_stmt->payload ? node->notify_stmt->payload : "");
      r.tag = "NOTIFY";
    }
  } catch (const Error& e) {
    if (block_) FailBlock();
    *out = ErrorStream(e.status());
  }
  return true;
}

void Session::Notify(const std::string& channel, const std::string& payload) {
  CheckNotification(channel, payload);
  std::lock_guard<std::mutex> lock(notify_mu_);
  // PostgreSQL sends a transaction's identical notifications once (a set: no scan per call).
  if (!pending_seen_.insert(channel + '\0' + payload).second) return;
  pending_notifies_.push_back(Notification{backend_pid_, channel, payload});
}

std::string Session::SettleNotifications(bool committed) {
  std::vector<Notification> sending;
  {
    std::lock_guard<std::mutex> lock(notify_mu_);
    if (pending_notifies_.empty()) return "";
    if (committed) sending.swap(pending_notifies_);
    pending_notifies_.clear();
    pending_seen_.clear();
  }
  const size_t dropped = db_.notifications().Publish(sending);
  if (!dropped) return "";
  return fmt::format("WARNING:  {} notification{} not delivered: a listening session has {} waiting and reads none", dropped,
                     dropped == 1 ? " was" : "s were", Mailbox::kMaxPending);
}

std::vector<Notification> Session::TakeNotifications() {
  if (!mailbox_ || block_) return {};
  return mailbox_->Take();
}

}  // namespace yunhe
