// The service's own series for GET /metrics (issue 13 point 9), on the registry of
// bot/metrics.h. Made by the App from the configured channels before anything runs; the
// webhook path, the write queue, the outbox and the scheduler feed them (lock-free), and
// bot/server/metrics_route.h renders them with the gauges it reads from the database.
//
//   linli_webhooks_total{channel,status}          webhook requests the route answered, by
//                                                 HTTP status (what the HTTP server refuses
//                                                 before routing - a body over the limit, a
//                                                 connection over max_connections - is not)
//   linli_turn_duration_seconds{channel}          a turn: webhook received -> answered (after
//                                                 its commit); histogram
//   linli_write_queue_batch_units                 units per write-queue transaction; histogram
//   linli_write_queue_commit_seconds              how long each COMMIT took; histogram
//   linli_outbox_deferred_total{channel}          sends parked until the user writes again
//   linli_outbox_dead_letters_total{channel}      messages given up (failed permanently or
//                                                 after outbox.max_attempts)
//   linli_platform_errors_total{platform,code}    failed send attempts (not rate limits) by the
//                                                 adapter type and the platform's error code
//   linli_job_runs_total{job_name}                scheduled periods run and committed
//   linli_job_failures_total{job_name}            job units that failed (the period is retried)
//                                                 ("job_name", not "job": Prometheus puts its
//                                                 target's job label on every series)
//
// Channel labels are the configured names (and "console"); a webhook for a name that is not
// configured counts under channel "(unknown)", so strangers cannot add series. Status codes
// are made on first use per channel and code (once, under a mutex), the rest is lock-free.
// Thread-safety: every method may be called from any thread.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "bot/metrics.h"
#include "bot/status.h"
#include "storage/write_queue.h"

namespace linli {

inline constexpr char kUnknownChannelLabel[] = "(unknown)";

class ServerMetrics {
 public:
  // `channels`: the configured channel names; "console" is added.
  explicit ServerMetrics(const std::vector<std::string>& channels);
  ServerMetrics(const ServerMetrics&) = delete;
  ServerMetrics& operator=(const ServerMetrics&) = delete;

  // One channel's webhook series.
  class Webhook {
   public:
    // Counts one answered webhook request with this HTTP status.
    void Answered(int http_status);
    // Observes one turn's time from receipt to answer.
    void TurnAnswered(std::chrono::steady_clock::duration elapsed);

   private:
    friend class ServerMetrics;
    static constexpr std::array<int, 14> kStatuses = {200, 202, 204, 400, 401, 403, 404,
                                                      405, 408, 413, 429, 500, 502, 503};
    std::string channel_;
    metrics::CounterFamily* family_ = nullptr;
    metrics::Histogram* turn_ = nullptr;
    // One slot per kStatuses entry and one for any other status; filled on first use.
    std::array<std::atomic<metrics::Counter*>, kStatuses.size() + 1> by_status_{};
  };
  // The series of a configured channel, else of "(unknown)". Lock-free.
  Webhook& ForWebhook(std::string_view channel);

  // For the write queue's constructor.
  storage::WriteQueueMetrics write_queue();

  // The outbox: a send deferred; a failed send attempt of an adapter of type `platform` whose
  // error text is `error` (counted by PlatformErrorCode), `dead_letter` when the message is
  // given up with it. The failure path takes a mutex (a new code's child); deferral does not.
  void Deferred(std::string_view channel);
  void SendFailed(std::string_view channel, std::string_view platform, std::string_view error,
                  bool dead_letter);

  // A job's two counters, made on the first call for `name` (at Scheduler::Add); keep them.
  struct JobSeries {
    metrics::Counter* runs = nullptr;
    metrics::Counter* failures = nullptr;
  };
  JobSeries ForJob(const std::string& name);

  // Registry::Check of every family here.
  Status Check() const { return registry_.Check(); }
  // Every family's current values, in the order of the file comment.
  std::vector<metrics::Family> Collect() const { return registry_.Collect(); }
  // The channel labels (configured names and "console"), sorted.
  const std::vector<std::string>& channels() const { return channels_; }

 private:
  metrics::Counter& PerChannel(const std::map<std::string, metrics::Counter*, std::less<>>& map,
                               std::string_view channel);

  metrics::Registry registry_;
  metrics::CounterFamily& webhooks_;
  metrics::HistogramFamily& turns_;
  metrics::Histogram& batch_units_;
  metrics::Histogram& commit_seconds_;
  metrics::CounterFamily& deferred_;
  metrics::CounterFamily& dead_letters_;
  metrics::CounterFamily& platform_errors_;
  metrics::CounterFamily& job_runs_;
  metrics::CounterFamily& job_failures_;
  std::vector<std::string> channels_;
  // Immutable after construction (read without a lock).
  std::map<std::string, std::unique_ptr<Webhook>, std::less<>> webhook_by_channel_;
  std::map<std::string, metrics::Counter*, std::less<>> deferred_by_channel_;
  std::map<std::string, metrics::Counter*, std::less<>> dead_by_channel_;
};

// The platform's error code in an adapter's SendResult::error text, as the adapters write it
// (adapters/*: "errcode 45047 (...)", "wecom_robot errcode -1", "feishu: HTTP 400 code 230002
// ...", "telegram sendMessage: HTTP 403: Forbidden ..."): the number after the first
// "errcode " or "code " (the platform's own code), else the number after "HTTP " (the status
// the platform answered), else "none" (no answer from the platform: a timeout, a refused
// connection, a message refused before sending). Pure.
std::string PlatformErrorCode(std::string_view error);

}  // namespace linli
