// LISTEN / NOTIFY (PostgreSQL's asynchronous notifications) between the sessions of one
// Database. NOTIFY and pg_notify() collect notifications in the session; when its transaction
// commits (at once outside a block) they go to the mailbox of every session listening on the
// channel, duplicates of one transaction (same channel and payload) sent once, as PostgreSQL;
// a rollback drops them. A front end takes a session's notifications after each statement and,
// while the session is idle outside a block, when its mailbox's wake_fd becomes readable
// (server/pgwire sends them as NotificationResponse). LISTEN and UNLISTEN act at once, not at
// commit (PostgreSQL waits for the commit).
#pragma once
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace yunhe {

struct Notification {
  int32_t sender_pid = 0;
  std::string channel, payload;
};

// A listening session's inbox. Thread-safe: senders put, the owner takes.
class Mailbox {
 public:
  Mailbox();
  ~Mailbox();
  Mailbox(const Mailbox&) = delete;
  Mailbox& operator=(const Mailbox&) = delete;
  // Readable while notifications wait (an eventfd; -1 if none could be made: poll then misses
  // nothing but the wake-up, notifications still go out after the next statement).
  int wake_fd() const { return wake_fd_; }
  // False (and nothing queued) when kMaxPending wait already: a listener that never reads.
  bool Put(const Notification& n);
  std::vector<Notification> Take();
  static constexpr size_t kMaxPending = 65536;

 private:
  mutable std::mutex mu_;
  std::deque<Notification> pending_;
  int wake_fd_ = -1;
};

// Channels -> listening mailboxes. Thread-safe.
class NotificationHub {
 public:
  void Listen(const std::shared_ptr<Mailbox>& box, const std::string& channel);
  void Unlisten(const Mailbox* box, const std::string& channel);
  void UnlistenAll(const Mailbox* box);
  std::vector<std::string> Channels(const Mailbox* box) const;  // pg_listening_channels()
  // Returns how many deliveries were dropped at full mailboxes (the sender is warned).
  size_t Publish(const std::vector<Notification>& notifications);

 private:
  mutable std::mutex mu_;
  std::multimap<std::string, std::weak_ptr<Mailbox>> listeners_;
};

// PostgreSQL's checks of a channel name and payload (22023 "channel name cannot be empty",
// "channel name too long", "payload string too long").
void CheckNotification(const std::string& channel, const std::string& payload);

}  // namespace yunhe
