// Delivers the durable outbox (storage/outbox_store.h): claims due messages, sends each
// through its channel's adapter, and records the outcome - retry with exponential backoff on
// network errors and 5xx, the platform's retry_after on 429, park until the user's next
// contact when a platform's reply window is closed, give up after max_attempts. Messages to
// one destination go out in order. Sends run on worker threads, never on the event loop.
//
// Pacing: before a send the adapter's Pace for the destination is asked (Adapter::Pace: e.g.
// 20 per rolling minute per group robot, 20/min per Telegram group) and the SendPacer
// (outbox_pacer.h) reserves what the budget allows now; the message's send_allowance says
// how many requests it may make. A message over budget is not sent: its due time moves to
// when the budget has room (MarkPaced). A rate-limited answer (SendResult::rate_limited:
// DingTalk 130101, Feishu 11232, WeCom 45009, Telegram 429, or an allowance used up with
// parts left) moves the due time by its retry_after (blocking the whole pace key that long -
// DingTalk: the robot for 10 minutes) and no earlier than the budget allows. Neither counts
// as a failed attempt; nothing is dropped for pacing, and since only a destination's oldest
// message is ever due, its order holds.
//
// Recovery: the first successful send on a channel after a failure there makes that
// channel's messages waiting out a backoff due at once (OutboxStore::RetryBackoffNow), so
// after an outage the queue drains when the platform is back, not as each backoff ends. A
// platform's Retry-After and the pacing are still waited out.
//
// An outcome that cannot be written (kUnavailable: the disk is full) is kept in memory and
// written by a later pass once space returns; until then its row stays 'sending', holding
// back that destination's later messages (order). After a crash meanwhile the row is resent
// at start (RecoverInFlight: a duplicate is possible, and logged).
//
// Several instances on one database (issue 14 point 3, PostgreSQL): each worker claims under
// its own instance id (random, drawn at construction, logged at Start) with a lease of
// outbox.lease_ms (storage/outbox_store.h). Every pass first takes back other instances'
// claims whose lease ran out (each logged: a duplicate is possible), so the messages of an
// instance killed mid-send go out from another one after the lease, in order; at start only
// expired claims are taken (on SQLite, whose file one process serves, every 'sending' row).
// A Notifier (storage/notifier.h) wakes the worker when another instance enqueues: one
// thread of its own waits on it (never the event loop) and wakes the pass threads as
// Notify() does. It is a wake-up only: polling every outbox.poll_interval_ms goes on, and
// while its connection is lost the worker polls and reconnects every poll interval.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "bot/adapter.h"
#include "bot/clock.h"
#include "bot/server/outbox_pacer.h"
#include "config/config.h"
#include "storage/notifier.h"
#include "storage/write_queue.h"

namespace linli {

class ServerMetrics;

class OutboxWorker {
 public:
  // Finds the adapter of a channel name; nullptr if none (the message then fails).
  using AdapterLookup = std::function<Adapter*(const std::string& channel)>;

  // Borrowed arguments outlive the worker. `metrics` (optional) counts deferrals, failed
  // attempts by platform error code and dead letters (bot/server/server_metrics.h). `wake`
  // (optional, owned): other instances' enqueues (OutboxStore::kWakeTopic) wake the worker
  // started with Start(); nullptr where there are none (SQLite).
  OutboxWorker(storage::WriteQueue& queue, const Clock& clock, config::OutboxConfig options,
               AdapterLookup lookup, int threads, ServerMetrics* metrics = nullptr,
               std::unique_ptr<storage::Notifier> wake = nullptr);
  ~OutboxWorker();  // Stop()s
  OutboxWorker(const OutboxWorker&) = delete;
  OutboxWorker& operator=(const OutboxWorker&) = delete;

  // Puts rows left 'sending' by a crash back to 'pending' (logged as possibly duplicated;
  // OutboxStore::RecoverInFlight), listens on `wake` (a failure is logged, and the worker
  // polls meanwhile), then starts the threads.
  Status Start();
  // Lets sends in progress finish and be recorded, then joins. Idempotent.
  void Stop();
  // Wakes the workers (after a commit that enqueued messages). Thread-safe, cheap.
  void Notify();
  // Takes back other instances' expired claims, then claims and sends what is due now, once,
  // on the calling thread. Returns how many messages were attempted. For tests and `linli
  // chat`; not to be mixed with Start().
  StatusOr<int> RunOnce();

  // This worker's claims' owner (OutboxItem::claimed_by): 16 random hex digits.
  const std::string& instance_id() const { return instance_id_; }
  // Counters for tests and the benchmark.
  uint64_t sent() const { return sent_.load(); }
  uint64_t retried() const { return retried_.load(); }
  uint64_t failed() const { return failed_.load(); }
  // Sends held back by pacing or a platform's rate limit (not failures).
  uint64_t paced() const { return paced_.load(); }
  // Outcomes waiting to be written (the disk was full when they came).
  size_t unrecorded() const;
  // Passes the threads started by Start() have finished (each a RunOnce).
  uint64_t passes() const { return passes_.load(); }

 private:
  struct Unrecorded {
    int64_t id;
    storage::WriteQueue::Work work;
  };
  void Loop();
  // The wake-up thread: waits on wake_, Notify()s on a signal. `failing`: Start() could not
  // listen (already logged).
  void ListenLoop(bool failing);
  int64_t BackoffMs(int attempts) const;
  // Notes a send's outcome on `channel`: a failure (false) marks it failing; a success (true)
  // returns whether it was failing until now (and clears that).
  bool ChannelAnswers(const std::string& channel, bool answers);
  // Writes the outcomes kept in unrecorded_; those still failing with kUnavailable stay.
  void RecordLeftovers();

  storage::WriteQueue& queue_;
  const Clock& clock_;
  const config::OutboxConfig options_;
  AdapterLookup lookup_;
  const int thread_count_;
  ServerMetrics* const metrics_;
  const std::unique_ptr<storage::Notifier> wake_;
  const std::string instance_id_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  uint64_t wakeups_ = 0;
  std::vector<std::thread> threads_;
  std::thread listener_;  // runs ListenLoop when wake_ is set
  std::atomic<uint64_t> sent_{0};
  std::atomic<uint64_t> retried_{0};
  std::atomic<uint64_t> failed_{0};
  std::atomic<uint64_t> paced_{0};
  std::atomic<uint64_t> passes_{0};
  SendPacer pacer_;
  std::mutex failing_mu_;
  std::set<std::string> failing_;  // channels whose last send failed; guarded by failing_mu_
  mutable std::mutex unrecorded_mu_;
  std::vector<Unrecorded> unrecorded_;  // guarded by unrecorded_mu_
};

}  // namespace linli
