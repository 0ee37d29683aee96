// How a server session (HTTP request, line-protocol connection, MQTT batch) runs work on the
// shared Database: holding the lock that serializes sessions, then waiting for durability after
// letting it go. Concurrent writers thus share one WAL fsync (group commit) instead of queueing
// an fsync each behind the lock.
#pragma once
#include <mutex>

#include "engine/database.h"

namespace yunhe {

// Runs fn() holding db_mutex; returns once everything fn committed (or read) is durable. A
// non-OK status means fsync failed: nothing fn did may be acknowledged to the client.
template <class F>
Status RunLockedDurably(Database& db, std::mutex& db_mutex, F&& fn) {
  auto defer = db.DeferSync();
  {
    std::lock_guard<std::mutex> lock(db_mutex);
    fn();
  }
  return db.WaitDurable();
}

}  // namespace yunhe
