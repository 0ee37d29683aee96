#include "engine/notifications.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>

#include "common/status.h"

namespace yunhe {

Mailbox::Mailbox() : wake_fd_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}

Mailbox::~Mailbox() {
  if (wake_fd_ >= 0) close(wake_fd_);
}

bool Mailbox::Put(const Notification& n) {
  std::lock_guard<std::mutex> lock(mu_);
  if (pending_.size() >= kMaxPending) return false;
  pending_.push_back(n);
  if (wake_fd_ >= 0) {
    const uint64_t one = 1;
    ssize_t w = write(wake_fd_, &one, sizeof one);
    (void)w;  // the counter only saturates; the notification is queued either way
  }
  return true;
}

std::vector<Notification> Mailbox::Take() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Notification> out(std::make_move_iterator(pending_.begin()), std::make_move_iterator(pending_.end()));
  pending_.clear();
  if (wake_fd_ >= 0) {
    uint64_t count;
    ssize_t r = read(wake_fd_, &count, sizeof count);  // resets the eventfd (EAGAIN when already 0)
    (void)r;
  }
  return out;
}

void NotificationHub::Listen(const std::shared_ptr<Mailbox>& box, const std::string& channel) {
  std::lock_guard<std::mutex> lock(mu_);
  auto range = listeners_.equal_range(channel);
  for (auto it = range.first; it != range.second; ++it)
    if (it->second.lock() == box) return;  // LISTEN twice is once
  listeners_.emplace(channel, box);
}

void NotificationHub::Unlisten(const Mailbox* box, const std::string& channel) {
  std::lock_guard<std::mutex> lock(mu_);
  auto range = listeners_.equal_range(channel);
  for (auto it = range.first; it != range.second;) {
    auto held = it->second.lock();
    it = !held || held.get() == box ? listeners_.erase(it) : std::next(it);
  }
}

void NotificationHub::UnlistenAll(const Mailbox* box) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = listeners_.begin(); it != listeners_.end();) {
    auto held = it->second.lock();
    it = !held || held.get() == box ? listeners_.erase(it) : std::next(it);
  }
}

std::vector<std::string> NotificationHub::Channels(const Mailbox* box) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  for (auto& [channel, weak] : listeners_)
    if (weak.lock().get() == box) out.push_back(channel);
  return out;
}

size_t NotificationHub::Publish(const std::vector<Notification>& notifications) {
  std::vector<std::pair<std::shared_ptr<Mailbox>, const Notification*>> deliveries;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const Notification& n : notifications) {
      auto range = listeners_.equal_range(n.channel);
      for (auto it = range.first; it != range.second; ++it)
        if (auto box = it->second.lock()) deliveries.emplace_back(std::move(box), &n);
    }
  }
  size_t dropped = 0;
  for (auto& [box, n] : deliveries) dropped += !box->Put(*n);  // outside the hub's lock
  return dropped;
}

void CheckNotification(const std::string& channel, const std::string& payload) {
  if (channel.empty()) throw Error(SqlState::kInvalidParameterValue, "channel name cannot be empty");
  if (channel.size() >= 64) throw Error(SqlState::kInvalidParameterValue, "channel name too long");
  if (payload.size() >= 8000) throw Error(SqlState::kInvalidParameterValue, "payload string too long");
}

}  // namespace yunhe
