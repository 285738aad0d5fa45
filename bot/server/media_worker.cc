#include "bot/server/media_worker.h"

#include <algorithm>
#include <chrono>

#include "bot/server/log.h"
#include "domain/media/media_intake.h"
#include "storage/media_store.h"

namespace linli {

namespace {
constexpr int kClaimBatch = 8;
// How long a claimed fetch belongs to this instance: far above one fetch's deadline (the
// channel's HTTP timeout), so only a dead or hung instance's claims are ever taken back.
constexpr int64_t kFetchLeaseMs = 10 * 60 * 1000;
}

MediaWorker::MediaWorker(storage::WriteQueue& queue, const Clock& clock,
                         config::MediaConfig options, AdapterLookup lookup, int poll_interval_ms,
                         FetchedHook on_fetched, std::function<void()> after_fetched)
    : queue_(queue), clock_(clock), options_(std::move(options)), lookup_(std::move(lookup)),
      poll_interval_ms_(std::max(1, poll_interval_ms)), on_fetched_(std::move(on_fetched)),
      after_fetched_(std::move(after_fetched)) {}

MediaWorker::~MediaWorker() { Stop(); }

Status MediaWorker::Start() {
  int64_t recovered = 0;
  LINLI_RETURN_IF_ERROR(queue_.Run([&](storage::Database& db) -> Status {
    LINLI_ASSIGN_OR_RETURN(recovered, storage::MediaStore::RecoverInFlight(db, clock_.NowMillis()));
    return Status::Ok();
  }));
  if (recovered > 0) {
    GetLogger("media")->info("{} photo fetch(es) were in flight at the last stop; fetching again",
                             recovered);
  }
  std::lock_guard<std::mutex> lock(mu_);
  stopping_ = false;
  if (!thread_.joinable()) thread_ = std::thread([this] { Loop(); });
  return Status::Ok();
}

void MediaWorker::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void MediaWorker::Notify() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++wakeups_;
  }
  cv_.notify_all();
}

StatusOr<int> MediaWorker::RunOnce() {
  std::vector<storage::MediaItem> items;
  int64_t taken_back = 0;
  LINLI_RETURN_IF_ERROR(queue_.Run([&](storage::Database& db) -> Status {
    const int64_t now = clock_.NowMillis();
    LINLI_ASSIGN_OR_RETURN(taken_back, storage::MediaStore::RecoverExpired(db, now));
    LINLI_ASSIGN_OR_RETURN(items, storage::MediaStore::ClaimDue(db, now, kClaimBatch, kFetchLeaseMs));
    return Status::Ok();
  }));
  auto log = GetLogger("media");
  if (taken_back > 0) {
    log->warn("{} photo fetch(es) claimed by a stopped instance were taken back after the lease",
              taken_back);
  }
  for (const auto& item : items) {
    Adapter* adapter = lookup_(item.channel);
    MediaFetchResult result;
    if (adapter == nullptr) {
      result = MediaFetchResult::Permanent("no such channel: " + item.channel);
    } else {
      try {
        result = adapter->FetchMedia(
            {item.platform_ref, item.message_id, static_cast<size_t>(options_.max_bytes)});
      } catch (const std::exception& e) {
        result = MediaFetchResult::Retry(std::string("adapter threw: ") + e.what());
      }
    }
    const int64_t now = clock_.NowMillis();
    Status recorded;
    switch (result.outcome) {
      case MediaFetchResult::Outcome::kFetched: {
        const domain::media::Judgement verdict =
            domain::media::JudgeFetched(result.bytes, options_.max_bytes);
        if (!verdict.keep) {
          ++refused_;
          log->warn("photo of ticket {} (media {}, channel {}) refused: {}", item.ticket_id,
                    item.id, item.channel, verdict.refusal);
          recorded = queue_.Run([&](storage::Database& db) {
            return storage::MediaStore::MarkRefused(db, item.id, verdict.refusal);
          });
          break;
        }
        const std::string name =
            domain::media::MediaFileName(item.ticket_id, item.id, verdict.extension);
        const Status written = domain::media::WriteMediaFile(options_, name, result.bytes);
        if (!written.ok()) {
          // Our disk, not the platform: worth another try later.
          ++retried_;
          log->error("photo of ticket {} (media {}): {}", item.ticket_id, item.id,
                     written.ToString());
          recorded = queue_.Run([&](storage::Database& db) {
            return storage::MediaStore::MarkRetry(db, item.id,
                                                  now + domain::media::FetchBackoffMs(item.attempts),
                                                  written.message());
          });
          break;
        }
        const std::string sha = domain::media::Sha256Hex(result.bytes);
        recorded = queue_.Run([&](storage::Database& db) -> Status {
          LINLI_RETURN_IF_ERROR(storage::MediaStore::MarkFetched(
              db, item.id, name, static_cast<int64_t>(result.bytes.size()), sha,
              verdict.content_type, now));
          if (!on_fetched_) return Status::Ok();
          storage::MediaItem stored = item;
          stored.state = storage::MediaState::kFetched;
          stored.local_path = name;
          stored.bytes = static_cast<int64_t>(result.bytes.size());
          stored.sha256 = sha;
          stored.content_type = verdict.content_type;
          stored.fetched_at_ms = now;
          return on_fetched_(db, stored, now);
        });
        if (recorded.code() == StatusCode::kNotFound) {
          // Erased while it was being fetched: keep nothing.
          (void)domain::media::RemoveMediaFile(options_, name);
          recorded = Status::Ok();
        } else if (recorded.ok()) {
          ++fetched_;
          log->info("photo of ticket {} fetched ({} bytes, {})", item.ticket_id,
                    result.bytes.size(), verdict.content_type);
          if (after_fetched_) after_fetched_();
        }
        break;
      }
      case MediaFetchResult::Outcome::kTooLarge:
        ++refused_;
        log->warn("photo of ticket {} (media {}, channel {}) refused: {}", item.ticket_id, item.id,
                  item.channel, result.error);
        recorded = queue_.Run([&](storage::Database& db) {
          return storage::MediaStore::MarkRefused(db, item.id, "too large: " + result.error);
        });
        break;
      case MediaFetchResult::Outcome::kRetry:
        if (item.attempts >= options_.max_attempts) {
          ++failed_;
          log->error("photo of ticket {} (media {}, channel {}) failed after {} attempts: {}",
                     item.ticket_id, item.id, item.channel, item.attempts, result.error);
          recorded = queue_.Run([&](storage::Database& db) {
            return storage::MediaStore::MarkFailed(db, item.id, result.error);
          });
        } else {
          ++retried_;
          const int64_t delay = domain::media::FetchBackoffMs(item.attempts);
          log->warn("photo of ticket {} (media {}): attempt {} failed ({}); retry in {} ms",
                    item.ticket_id, item.id, item.attempts, result.error, delay);
          recorded = queue_.Run([&](storage::Database& db) {
            return storage::MediaStore::MarkRetry(db, item.id, now + delay, result.error);
          });
        }
        break;
      case MediaFetchResult::Outcome::kPermanent:
        ++failed_;
        log->error("photo of ticket {} (media {}, channel {}) cannot be fetched: {}",
                   item.ticket_id, item.id, item.channel, result.error);
        recorded = queue_.Run([&](storage::Database& db) {
          return storage::MediaStore::MarkFailed(db, item.id, result.error);
        });
        break;
    }
    if (!recorded.ok() && recorded.code() != StatusCode::kNotFound) {
      // The row stays 'fetching' and is fetched again at the next start.
      log->error("media {}: could not record the outcome: {}", item.id, recorded.ToString());
    }
  }
  return static_cast<int>(items.size());
}

void MediaWorker::Loop() {
  auto log = GetLogger("media");
  for (;;) {
    uint64_t seen;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
      seen = wakeups_;
    }
    auto attempted = RunOnce();
    if (!attempted.ok()) log->error("media pass failed: {}", attempted.status().ToString());
    if (attempted.ok() && *attempted > 0) continue;
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(poll_interval_ms_),
                 [&] { return stopping_ || wakeups_ != seen; });
  }
}

}  // namespace linli
