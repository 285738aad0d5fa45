// Fetches ticket photos from their platforms (issue 11 point 4). The durable queue is the
// media table (storage/media_store.h), written in the intake transaction
// (domain/media/ticket_media.h QueueTicketPhoto). One worker thread claims due rows, asks the
// channel's adapter to fetch (Adapter::FetchMedia: blocking HTTP, here - never on the event
// loop nor on the write-queue thread), judges the bytes (domain/media/media_intake.h: over
// media.max_bytes or not a JPEG/PNG/GIF/WebP -> refused, logged, nothing stored), writes the
// file into media.dir under a name of its own, and records the outcome. A transient failure
// is retried with backoff (30 s doubling, at most 1 h) up to media.max_attempts; a permanent
// one (an expired WeChat media id, a wrong file id) marks the row failed with the platform's
// error, logged once; the ticket is never touched and keeps its photo_ref.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "bot/adapter.h"
#include "bot/clock.h"
#include "config/config.h"
#include "storage/media_store.h"
#include "storage/write_queue.h"

namespace linli {

class MediaWorker {
 public:
  // Finds the adapter of a channel name; nullptr if none (the fetch then fails permanently).
  using AdapterLookup = std::function<Adapter*(const std::string& channel)>;

  // What follows a fetch: run in the transaction that marks the row fetched (and only when
  // that mark succeeds, which is once per row), with the row as stored. An error rolls the
  // mark back (the row stays fetching and is fetched again at the next start).
  using FetchedHook =
      std::function<Status(storage::Database& db, const storage::MediaItem& item, int64_t now_ms)>;

  // Borrowed arguments outlive the worker. `poll_interval_ms`: how often the thread looks for
  // due rows when nobody Notify()s. `on_fetched` (may be empty) runs as FetchedHook says;
  // `after_fetched` (may be empty) after its commit (to wake the outbox).
  MediaWorker(storage::WriteQueue& queue, const Clock& clock, config::MediaConfig options,
              AdapterLookup lookup, int poll_interval_ms = 1000, FetchedHook on_fetched = {},
              std::function<void()> after_fetched = {});
  ~MediaWorker();  // Stop()s
  MediaWorker(const MediaWorker&) = delete;
  MediaWorker& operator=(const MediaWorker&) = delete;

  // Puts rows left fetching by a stop back to pending, then starts the thread.
  Status Start();
  // Lets a fetch in progress finish and be recorded, then joins. Idempotent.
  void Stop();
  // Wakes the thread (after a commit that may have queued a photo). Thread-safe, cheap.
  void Notify();
  // Claims and fetches what is due now, once, on the calling thread. Returns how many rows
  // were attempted. For tests; not to be mixed with Start().
  StatusOr<int> RunOnce();

  // Counters for tests.
  uint64_t fetched() const { return fetched_.load(); }
  uint64_t retried() const { return retried_.load(); }
  uint64_t failed() const { return failed_.load(); }
  uint64_t refused() const { return refused_.load(); }

 private:
  void Loop();

  storage::WriteQueue& queue_;
  const Clock& clock_;
  const config::MediaConfig options_;
  AdapterLookup lookup_;
  const int poll_interval_ms_;
  FetchedHook on_fetched_;
  std::function<void()> after_fetched_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  uint64_t wakeups_ = 0;
  std::thread thread_;
  std::atomic<uint64_t> fetched_{0};
  std::atomic<uint64_t> retried_{0};
  std::atomic<uint64_t> failed_{0};
  std::atomic<uint64_t> refused_{0};
};

}  // namespace linli
