// Clang's thread-safety annotations (-Wthread-safety), and a mutex that carries them.
//
// GCC ignores the attributes; scripts/check_thread_safety.sh compiles the files that use them
// with clang and fails `make test` on a warning, so "this member is only touched holding that
// lock" is checked by the compiler instead of stated in a comment. libstdc++'s std::mutex has no
// annotations, hence the small wrappers here.
#pragma once
#include <atomic>
#include <mutex>
#include <thread>

#if defined(__clang__)
#define YH_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define YH_THREAD_ANNOTATION(x)
#endif

#define CAPABILITY(x) YH_THREAD_ANNOTATION(capability(x))
#define SCOPED_CAPABILITY YH_THREAD_ANNOTATION(scoped_lockable)
#define GUARDED_BY(x) YH_THREAD_ANNOTATION(guarded_by(x))
#define PT_GUARDED_BY(x) YH_THREAD_ANNOTATION(pt_guarded_by(x))
#define REQUIRES(...) YH_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define EXCLUDES(...) YH_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
#define ACQUIRE(...) YH_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define RELEASE(...) YH_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#define TRY_ACQUIRE(...) YH_THREAD_ANNOTATION(try_acquire_capability(__VA_ARGS__))
#define RETURN_CAPABILITY(x) YH_THREAD_ANNOTATION(lock_returned(x))
#define ASSERT_CAPABILITY(x) YH_THREAD_ANNOTATION(assert_capability(x))
#define NO_THREAD_SAFETY_ANALYSIS YH_THREAD_ANNOTATION(no_thread_safety_analysis)

namespace yunhe {

// A std::mutex that knows its owner, so AssertHeld can check at run time what it tells the
// analysis (for hand-offs the analysis cannot follow, such as a lambda run under a lock taken
// by its caller).
class CAPABILITY("mutex") Mutex {
 public:
  void lock() ACQUIRE() {
    mu_.lock();
    owner_.store(std::this_thread::get_id(), std::memory_order_relaxed);
  }
  void unlock() RELEASE() {
    owner_.store(std::thread::id(), std::memory_order_relaxed);
    mu_.unlock();
  }
  bool try_lock() TRY_ACQUIRE(true) {
    if (!mu_.try_lock()) return false;
    owner_.store(std::this_thread::get_id(), std::memory_order_relaxed);
    return true;
  }
  bool HeldByThisThread() const { return owner_.load(std::memory_order_relaxed) == std::this_thread::get_id(); }

 private:
  std::mutex mu_;
  std::atomic<std::thread::id> owner_{};
};

// std::lock_guard with annotations.
class SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex& mu) ACQUIRE(mu) : mu_(mu) { mu_.lock(); }
  ~MutexLock() RELEASE() { mu_.unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex& mu_;
};

}  // namespace yunhe
