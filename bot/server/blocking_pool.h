// Threads for the blocking outbound calls a web request makes before its database unit
// (issue 12: the /me page's WeChat code exchange, bot/server/web_routes.h WebCallRoute) -
// never on the event loop (it would stall every connection) nor on the write-queue thread (it
// would stall every commit). A fixed number of threads take tasks from a bounded FIFO.
//
// Post enqueues a task and returns true, or returns false at once (the task is dropped, not
// run) when `max_pending` tasks wait already or the pool is stopped - the caller answers 503.
// Stop lets the running tasks finish, drops the waiting ones (each is destroyed unrun, so
// whatever answer it owed is the destructor's concern: WebCallRoute answers 503 then) and
// joins. Thread-safe; tasks run on the pool's threads and must not throw.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace linli {

class BlockingPool {
 public:
  using Task = std::function<void()>;

  // Starts `threads` (>= 1) threads at once.
  explicit BlockingPool(int threads = 2, size_t max_pending = 64);
  ~BlockingPool();  // Stop()s
  BlockingPool(const BlockingPool&) = delete;
  BlockingPool& operator=(const BlockingPool&) = delete;

  bool Post(Task task);
  void Stop();  // idempotent

 private:
  void Loop();

  const size_t max_pending_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Task> tasks_;
  bool stopped_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace linli
