#include "bot/token_cache.h"

#include <algorithm>
#include <optional>
#include <utility>

namespace linli {

TokenCache::TokenCache(Clock& clock, TokenStore* shared, Options options)
    : clock_(clock), shared_(shared), options_(std::move(options)) {}

void TokenCache::KeepFetchedLocked(Fetched fetched, int64_t now) {
  const int64_t margin = std::min(options_.refresh_margin_ms, fetched.lifetime_ms / 2);
  token_ = std::move(fetched.token);
  expires_at_ms_ = now + fetched.lifetime_ms;
  refresh_at_ms_ = expires_at_ms_ - margin;
  last_failure_ = Status::Ok();
  if (shared_ != nullptr) {
    // A store that fails is passed over: the token works here all the same.
    (void)shared_->Save(options_.channel, options_.kind, {token_, expires_at_ms_}, now);
  }
}

bool TokenCache::FetchLocked(const Fetch& fetch, int64_t now) {
  auto fetched = fetch ? fetch() : StatusOr<Fetched>(Status::Internal("no token fetch"));
  if (fetched.ok() && !fetched->token.empty() && fetched->lifetime_ms > 0) {
    KeepFetchedLocked(std::move(fetched).value(), now);
    return true;
  }
  last_failure_ = fetched.ok() ? Status::Unavailable("access token: empty token")
                               : fetched.status();
  failure_until_ms_ = now + options_.failure_backoff_ms;
  return false;
}

StatusOr<std::string> TokenCache::Get(const Fetch& fetch) {
  std::lock_guard<std::mutex> lock(mu_);
  const int64_t now = clock_.NowMillis();
  if (!token_.empty() && now < refresh_at_ms_) return token_;

  // Another instance may have refreshed it.
  std::optional<SharedToken> stored;
  if (shared_ != nullptr) {
    auto loaded = shared_->Load(options_.channel, options_.kind);
    if (loaded.ok() && loaded->has_value() && !(*loaded)->token.empty() &&
        (*loaded)->token != rejected_ && now < (*loaded)->expires_at_ms) {
      stored = std::move(**loaded);
    }
  }
  if (stored && now < stored->expires_at_ms - options_.refresh_margin_ms) {
    token_ = std::move(stored->token);
    expires_at_ms_ = stored->expires_at_ms;
    refresh_at_ms_ = expires_at_ms_ - options_.refresh_margin_ms;
    return token_;
  }

  const bool backing_off = !last_failure_.ok() && now < failure_until_ms_;
  if (!backing_off) {
    bool mine = true;
    if (shared_ != nullptr) {
      auto claimed = shared_->ClaimFetch(options_.channel, options_.kind, now,
                                         options_.claim_lease_ms);
      mine = !claimed.ok() || *claimed;  // a failing store: fetch as without one
    }
    if (!mine) {
      // Another instance fetches now: use what is still valid, and look again next time.
      if (stored) {
        token_ = std::move(stored->token);
        expires_at_ms_ = stored->expires_at_ms;
        refresh_at_ms_ = 0;
      }
      if (!token_.empty() && now < expires_at_ms_) return token_;
      return Status::Unavailable("access token: another instance is fetching it");
    }
    if (FetchLocked(fetch, now)) return token_;
    if (shared_ != nullptr) (void)shared_->ReleaseFetch(options_.channel, options_.kind);
  }
  // The refresh failed but the old token has not expired yet: still usable.
  if (!token_.empty() && now < expires_at_ms_) return token_;
  return last_failure_;
}

StatusOr<std::string> TokenCache::FetchNow(const Fetch& fetch) {
  std::lock_guard<std::mutex> lock(mu_);
  if (FetchLocked(fetch, clock_.NowMillis())) return token_;
  return last_failure_;
}

void TokenCache::Invalidate(std::string_view token) {
  std::lock_guard<std::mutex> lock(mu_);
  if (token_.empty() || token_ != token) return;
  rejected_ = token_;
  token_.clear();
  refresh_at_ms_ = 0;
  expires_at_ms_ = 0;
  last_failure_ = Status::Ok();  // a refetch is wanted now, not after a backoff
  if (shared_ != nullptr) (void)shared_->Drop(options_.channel, options_.kind, rejected_);
}

}  // namespace linli
