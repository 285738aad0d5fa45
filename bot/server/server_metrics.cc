#include "bot/server/server_metrics.h"

#include <algorithm>
#include <memory>

namespace linli {

namespace {

// The number at the start of `s` ("-1", "45047"), or "".
std::string_view LeadingNumber(std::string_view s) {
  size_t n = (!s.empty() && s[0] == '-') ? 1 : 0;
  const size_t first_digit = n;
  while (n < s.size() && n - first_digit < 16 && s[n] >= '0' && s[n] <= '9') ++n;
  if (n == first_digit) return {};
  if (n < s.size() && s[n] >= '0' && s[n] <= '9') return {};  // longer than any code
  return s.substr(0, n);
}

// The earliest "errcode N", "code N" (at a word start) or "HTTP N" in `error`.
struct Marker {
  size_t at = std::string_view::npos;
  bool http = false;
  std::string_view number;
};

Marker FirstMarker(std::string_view error) {
  Marker best;
  for (std::string_view word : {"errcode ", "code ", "HTTP "}) {
    for (size_t at = error.find(word); at != std::string_view::npos;
         at = error.find(word, at + 1)) {
      const bool word_start = at == 0 || error[at - 1] == ' ' || error[at - 1] == ':';
      const bool inside_errcode = word == "code " && at >= 3 && error.substr(at - 3, 3) == "err";
      if (!word_start && !inside_errcode) continue;
      const std::string_view number = LeadingNumber(error.substr(at + word.size()));
      if (number.empty()) continue;
      if (at < best.at) best = {at, word == "HTTP ", number};
      break;
    }
  }
  return best;
}

}  // namespace

std::string PlatformErrorCode(std::string_view error) {
  const Marker m = FirstMarker(error);
  if (m.at == std::string_view::npos) return "none";
  if (m.http) {
    // "HTTP 400 code 230002": the platform's own code after the status wins.
    const std::string_view rest = error.substr(error.find(m.number, m.at) + m.number.size());
    if (rest.substr(0, 6) == " code ") {
      const std::string_view code = LeadingNumber(rest.substr(6));
      if (!code.empty()) return std::string(code);
    }
  }
  return std::string(m.number);
}

ServerMetrics::ServerMetrics(const std::vector<std::string>& channels)
    : webhooks_(registry_.AddCounter("linli_webhooks_total",
                                     "Webhook requests answered, by channel and HTTP status.",
                                     {"channel", "status"})),
      turns_(registry_.AddHistogram(
          "linli_turn_duration_seconds",
          "Time from a webhook's receipt to its answer, for webhooks that carried a turn.",
          {"channel"}, metrics::LatencyBuckets())),
      batch_units_(registry_
                       .AddHistogram("linli_write_queue_batch_units",
                                     "Units of work per write-queue transaction (group commit).",
                                     {}, {1, 2, 4, 8, 16, 32, 64, 128, 256})
                       .With({})),
      commit_seconds_(
          registry_
              .AddHistogram("linli_write_queue_commit_seconds",
                            "Duration of each write-queue COMMIT (the fsync).", {},
                            {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1})
              .With({})),
      deferred_(registry_.AddCounter(
          "linli_outbox_deferred_total",
          "Outbox sends deferred until the recipient writes again (a closed reply window).",
          {"channel"})),
      dead_letters_(registry_.AddCounter(
          "linli_outbox_dead_letters_total",
          "Outbox messages given up: failed permanently or after outbox.max_attempts.",
          {"channel"})),
      platform_errors_(registry_.AddCounter(
          "linli_platform_errors_total",
          "Failed send attempts (not rate limits), by adapter type and the platform's error "
          "code (\"none\": no answer from the platform).",
          {"platform", "code"}, /*max_children=*/200)),
      job_runs_(registry_.AddCounter("linli_job_runs_total",
                                     "Scheduled job periods run and committed.", {"job_name"})),
      job_failures_(registry_.AddCounter("linli_job_failures_total",
                                         "Scheduled job units that failed (the period is retried).",
                                         {"job_name"})) {
  channels_ = channels;
  channels_.push_back("console");
  channels_.push_back(kUnknownChannelLabel);
  std::sort(channels_.begin(), channels_.end());
  channels_.erase(std::unique(channels_.begin(), channels_.end()), channels_.end());
  for (const std::string& c : channels_) {
    auto w = std::make_unique<Webhook>();
    w->channel_ = c;
    w->family_ = &webhooks_;
    w->turn_ = &turns_.With({c});
    webhook_by_channel_.emplace(c, std::move(w));
    deferred_by_channel_.emplace(c, &deferred_.With({c}));
    dead_by_channel_.emplace(c, &dead_letters_.With({c}));
  }
  // "(unknown)" is for webhooks only: the outbox sends to configured channels.
  channels_.erase(std::find(channels_.begin(), channels_.end(), kUnknownChannelLabel));
}

void ServerMetrics::Webhook::Answered(int http_status) {
  size_t slot = kStatuses.size();
  for (size_t i = 0; i < kStatuses.size(); ++i) {
    if (kStatuses[i] == http_status) {
      slot = i;
      break;
    }
  }
  metrics::Counter* c = by_status_[slot].load(std::memory_order_acquire);
  if (c == nullptr) {
    // First answer with this status on this channel: With() returns the same child to every
    // thread that races here.
    c = &family_->With({channel_, slot < kStatuses.size() ? std::to_string(http_status) : "other"});
    by_status_[slot].store(c, std::memory_order_release);
  }
  c->Inc();
}

void ServerMetrics::Webhook::TurnAnswered(std::chrono::steady_clock::duration elapsed) {
  turn_->Observe(std::chrono::duration<double>(elapsed).count());
}

ServerMetrics::Webhook& ServerMetrics::ForWebhook(std::string_view channel) {
  auto it = webhook_by_channel_.find(channel);
  if (it == webhook_by_channel_.end()) it = webhook_by_channel_.find(kUnknownChannelLabel);
  return *it->second;
}

storage::WriteQueueMetrics ServerMetrics::write_queue() {
  return storage::WriteQueueMetrics{&batch_units_, &commit_seconds_};
}

metrics::Counter& ServerMetrics::PerChannel(
    const std::map<std::string, metrics::Counter*, std::less<>>& map, std::string_view channel) {
  auto it = map.find(channel);
  if (it == map.end()) it = map.find(kUnknownChannelLabel);
  return *it->second;
}

void ServerMetrics::Deferred(std::string_view channel) {
  PerChannel(deferred_by_channel_, channel).Inc();
}

void ServerMetrics::SendFailed(std::string_view channel, std::string_view platform,
                               std::string_view error, bool dead_letter) {
  platform_errors_
      .With({std::string(platform.empty() ? "none" : platform), PlatformErrorCode(error)})
      .Inc();
  if (dead_letter) PerChannel(dead_by_channel_, channel).Inc();
}

ServerMetrics::JobSeries ServerMetrics::ForJob(const std::string& name) {
  return JobSeries{&job_runs_.With({name}), &job_failures_.With({name})};
}

}  // namespace linli
