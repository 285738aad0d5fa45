// Delivers the durable outbox (storage/outbox_store.h): claims due messages, sends each
// through its channel's adapter, and records the outcome - retry with exponential backoff on
// network errors and 5xx, the platform's retry_after on 429, park until the user's next
// contact when a platform's reply window is closed, give up after max_attempts. Messages to
// one destination go out in order. Sends run on worker threads, never on the event loop.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bot/adapter.h"
#include "bot/clock.h"
#include "config/config.h"
#include "storage/write_queue.h"

namespace linli {

class OutboxWorker {
 public:
  // Finds the adapter of a channel name; nullptr if none (the message then fails).
  using AdapterLookup = std::function<Adapter*(const std::string& channel)>;

  // Borrowed arguments outlive the worker.
  OutboxWorker(storage::WriteQueue& queue, const Clock& clock, config::OutboxConfig options,
               AdapterLookup lookup, int threads);
  ~OutboxWorker();  // Stop()s
  OutboxWorker(const OutboxWorker&) = delete;
  OutboxWorker& operator=(const OutboxWorker&) = delete;

  // Puts rows left 'sending' by a crash back to 'pending' (each logged as possibly
  // duplicated), then starts the threads.
  Status Start();
  // Lets sends in progress finish and be recorded, then joins. Idempotent.
  void Stop();
  // Wakes the workers (after a commit that enqueued messages). Thread-safe, cheap.
  void Notify();
  // Claims and sends what is due now, once, on the calling thread. Returns how many messages
  // were attempted. For tests and `linli chat`; not to be mixed with Start().
  StatusOr<int> RunOnce();

  // Counters for tests and the benchmark.
  uint64_t sent() const { return sent_.load(); }
  uint64_t retried() const { return retried_.load(); }
  uint64_t failed() const { return failed_.load(); }

 private:
  void Loop();
  int64_t BackoffMs(int attempts) const;

  storage::WriteQueue& queue_;
  const Clock& clock_;
  const config::OutboxConfig options_;
  AdapterLookup lookup_;
  const int thread_count_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  uint64_t wakeups_ = 0;
  std::vector<std::thread> threads_;
  std::atomic<uint64_t> sent_{0};
  std::atomic<uint64_t> retried_{0};
  std::atomic<uint64_t> failed_{0};
};

}  // namespace linli
