// The access_token owner for one WeChat-family app (one per adapter): fetched on demand,
// cached until 5 minutes before it expires, shared by every sender - and, through the
// TokenStore of bot/token_store.h (optional), by every instance on one database, so only one
// of them fetches and none invalidates the others' token (bot/token_cache.h).
//
// Endpoint choice: the Official Account uses GET /cgi-bin/token (grant_type=client_credential)
// and WeCom GET /cgi-bin/gettoken - the same shape for both. Each OA fetch invalidates the
// previous token after ~5 minutes, so exactly one process may own an account's token; when
// several Linli instances share an account they share its token through the TokenStore; when
// another tool must share it too, switch the OA to POST /cgi-bin/stable_token, which returns
// the same token while it is valid (only the request in FetchOnce changes). Fetches are
// limited (OA: 2000/day), hence the failure backoff.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "adapters/wechat/wechat_api.h"
#include "bot/adapter.h"
#include "bot/clock.h"
#include "bot/http_client.h"
#include "bot/status.h"
#include "bot/token_cache.h"
#include "bot/token_store.h"

namespace linli::adapters::wechat {

class AccessTokenCache {
 public:
  // Refresh this long before the platform's expiry (at most half the token's lifetime).
  static constexpr std::chrono::seconds kRefreshMargin{300};
  // After a failed fetch, callers get the same error without a new fetch for this long.
  static constexpr std::chrono::seconds kFailureBackoff{10};

  // The kind of token in the TokenStore.
  static constexpr char kKind[] = "access_token";

  // `fetch_url`: the complete GET URL including the secret; it is never logged or returned.
  // `retry_errcodes`: errcodes of the token endpoint that are transient (busy, rate limit).
  // `shared` (optional) with `channel` as its key: the token store of every instance.
  // Borrowed `clock`, `http` and `shared` outlive the cache.
  AccessTokenCache(Clock& clock, HttpClient& http, std::string fetch_url,
                   std::vector<int64_t> retry_errcodes = {-1, 45009, 45011},
                   TokenStore* shared = nullptr, std::string channel = "");
  AccessTokenCache(const AccessTokenCache&) = delete;
  AccessTokenCache& operator=(const AccessTokenCache&) = delete;

  // A token valid for at least the refresh margin, fetching when needed (unless another
  // instance stored a fresh one, or fetches now: TokenCache::Get); if that refresh fails, the
  // old token is returned while it has not expired. Blocking (HTTP, the store); thread-safe:
  // concurrent callers wait for one fetch and share its result.
  // Errors: kUnavailable for transient failures (network, 5xx, busy errcodes, malformed
  // reply) and kFailedPrecondition when the platform rejects the credentials or the caller's
  // IP (errcodes such as 40001/40013/40125/40164/61004/60020) - fix the config; callers retry
  // later either way. Messages never contain the secret or a token.
  StatusOr<std::string> Get();

  // What a fetch got from the platform (FetchNow).
  struct FetchOutcome {
    Status status;             // OK with a token, else as Get()'s errors
    int64_t errcode = 0;       // the platform's errcode when it answered one, else 0
    std::string errmsg;        // its errmsg (platform text, no credentials), else ""
  };
  // Fetches a token now whatever is cached (`linli check`: are the credentials, the account
  // and this machine's IP accepted?), through the same request as Get(); a token fetched is
  // cached as Get() would. Ignores the failure backoff. Blocking; thread-safe. Each fetch
  // counts against the platform's daily quota (OA: 2000), and on the Official Account it
  // replaces the account's token: another process holding the old one gets 40001 within about
  // 5 minutes and refetches (PostWithToken does).
  FetchOutcome FetchNow();

  // Drops `token` if it is still the cached one (the platform said it is invalid or expired),
  // here and in the store, so the next Get() fetches. A token that was already replaced is
  // left alone, so senders that saw the same bad token cause one fetch, not one each.
  void Invalidate(std::string_view token);

 private:
  // One fetch; `errcode`/`errmsg` (optional) receive the platform's error answer.
  StatusOr<TokenCache::Fetched> FetchOnce(int64_t* errcode, std::string* errmsg);

  HttpClient& http_;
  const std::string fetch_url_;
  const std::vector<int64_t> retry_errcodes_;
  TokenCache cache_;
};

// POSTs `json_body` to `url_prefix` + the current token (url_prefix ends in
// "access_token="). On a token errcode the token is invalidated and the call repeated once
// with a fresh one. Token fetch failures retry (kFailedPrecondition ones after a minute).
// `reply` receives the last parsed reply body, if any.
SendResult PostWithToken(HttpClient& http, AccessTokenCache& tokens, std::string_view url_prefix,
                         const std::string& json_body, const ErrcodePolicy& policy,
                         ApiReply* reply = nullptr);

// GETs `url_prefix` + the current token (url_prefix ends in "access_token="), with the same
// token handling as PostWithToken; `body` (optional) receives the last answer's body, for
// replies with more than ApiReply's fields (menu/get).
SendResult GetWithToken(HttpClient& http, AccessTokenCache& tokens, std::string_view url_prefix,
                        const ErrcodePolicy& policy, ApiReply* reply = nullptr,
                        std::string* body = nullptr);

}  // namespace linli::adapters::wechat
