// One platform access token of one channel (the WeChat/WeCom access_token, the Feishu tenant
// token, the DingTalk accessToken): cached in the process until a margin before it expires,
// and shared with the other instances through an optional TokenStore (bot/token_store.h).
//
// Get(): the cached token while it is fresh (no I/O); else the token the store holds if it is
// fresh (another instance refreshed it); else - when this caller wins the store's fetch claim,
// or there is no store - a fetch from the platform, which is cached and stored. While another
// instance holds the claim, a token that has not expired yet is still used; with none,
// Get() is kUnavailable ("another instance is fetching"), and the sender retries later. A
// store that fails (database unreachable) is passed over: the cache fetches on its own, as it
// would without a store. Invalidate() drops a token the platform refused, here and in the store.
//
// Thread-safe; concurrent callers wait for one fetch (the mutex is held across the fetch and
// the store's I/O on purpose). Blocking (HTTP and the store): for senders' threads only, never
// the event loop nor the write-queue thread. Never logs; the token appears in no Status.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

#include "bot/clock.h"
#include "bot/status.h"
#include "bot/token_store.h"

namespace linli {

class TokenCache {
 public:
  struct Options {
    std::string channel;  // the store's key: the channel's name ...
    std::string kind;     // ... and what the token is ("access_token")
    // A token is refreshed this long before it expires (at most half of its lifetime).
    int64_t refresh_margin_ms = 5 * 60 * 1000;
    // After a failed fetch, Get() answers the same error without a new fetch this long.
    int64_t failure_backoff_ms = 0;
    // How long a fetch claim in the store keeps other instances from fetching.
    int64_t claim_lease_ms = 30 * 1000;
  };
  // What one fetch from the platform got.
  struct Fetched {
    std::string token;
    int64_t lifetime_ms = 0;  // > 0
  };
  // One fetch from the platform (blocking). Its errors are the caller's (Get returns them).
  using Fetch = std::function<StatusOr<Fetched>()>;

  // Borrows `clock` and `shared` (nullable: this process only); both outlive the cache.
  TokenCache(Clock& clock, TokenStore* shared, Options options);
  TokenCache(const TokenCache&) = delete;
  TokenCache& operator=(const TokenCache&) = delete;

  // A fresh token, fetching through `fetch` when needed (see above). If that fetch fails,
  // the old token is returned while it has not expired; else the fetch's error.
  StatusOr<std::string> Get(const Fetch& fetch);
  // Fetches now through `fetch` whatever is cached or claimed (a probe: are the credentials
  // accepted?); a token fetched is cached and stored as Get() would. Ignores the backoff.
  StatusOr<std::string> FetchNow(const Fetch& fetch);
  // Drops `token` if it is still the cached one (the platform said it is invalid or
  // expired), here and in the store, so the next Get() fetches - unless another instance has
  // stored a newer one meanwhile. A token already replaced is left alone, so senders that saw
  // the same bad token cause one fetch, not one each.
  void Invalidate(std::string_view token);

 private:
  // Caches a fetched token and stores it. Under mu_.
  void KeepFetchedLocked(Fetched fetched, int64_t now);
  // Calls `fetch` once: true with the token kept (KeepFetchedLocked), false with
  // last_failure_ and the failure backoff set. Under mu_.
  bool FetchLocked(const Fetch& fetch, int64_t now);

  Clock& clock_;
  TokenStore* const shared_;
  const Options options_;

  std::mutex mu_;  // guards everything below
  std::string token_;
  int64_t refresh_at_ms_ = 0;
  int64_t expires_at_ms_ = 0;
  std::string rejected_;  // the last token invalidated: never taken from the store again
  Status last_failure_;
  int64_t failure_until_ms_ = 0;
};

}  // namespace linli
