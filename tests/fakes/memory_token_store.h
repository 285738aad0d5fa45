// A TokenStore (bot/token_store.h) in memory, with the database store's semantics
// (storage/platform_token_store.h): what two instances share, for tests of the token caches.
// Calls are counted; `failing` makes every call kUnavailable (a database that went away).
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "bot/token_store.h"

namespace linli::testing {

class MemoryTokenStore final : public TokenStore {
 public:
  StatusOr<std::optional<SharedToken>> Load(const std::string& channel,
                                            const std::string& kind) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++loads;
    if (failing) return Down();
    auto it = rows_.find({channel, kind});
    if (it == rows_.end() || it->second.token.empty()) return std::optional<SharedToken>();
    return std::optional<SharedToken>(SharedToken{it->second.token, it->second.expires_at_ms});
  }
  StatusOr<bool> ClaimFetch(const std::string& channel, const std::string& kind, int64_t now_ms,
                            int64_t lease_ms) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (failing) return Down();
    Row& row = rows_[{channel, kind}];
    if (row.claimed_until > now_ms) return false;
    row.claimed_until = now_ms + lease_ms;
    ++claims;
    return true;
  }
  Status Save(const std::string& channel, const std::string& kind, const SharedToken& token,
              int64_t /*now_ms*/) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (failing) return Down();
    rows_[{channel, kind}] = Row{token.token, token.expires_at_ms, 0};
    ++saves;
    return Status::Ok();
  }
  Status ReleaseFetch(const std::string& channel, const std::string& kind) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (failing) return Down();
    rows_[{channel, kind}].claimed_until = 0;
    return Status::Ok();
  }
  Status Drop(const std::string& channel, const std::string& kind,
              const std::string& token) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (failing) return Down();
    auto it = rows_.find({channel, kind});
    if (it != rows_.end() && it->second.token == token) {
      it->second.token.clear();
      it->second.expires_at_ms = 0;
      ++drops;
    }
    return Status::Ok();
  }

  // What is stored for (channel, kind) ("" for nothing), bypassing the counters.
  std::string Stored(const std::string& channel, const std::string& kind) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = rows_.find({channel, kind});
    return it == rows_.end() ? "" : it->second.token;
  }
  // Another instance's claim, live until `until_ms`.
  void ClaimedElsewhere(const std::string& channel, const std::string& kind, int64_t until_ms) {
    std::lock_guard<std::mutex> lock(mu_);
    rows_[{channel, kind}].claimed_until = until_ms;
  }
  // Another instance's stored token.
  void Put(const std::string& channel, const std::string& kind, std::string token,
           int64_t expires_at_ms) {
    std::lock_guard<std::mutex> lock(mu_);
    Row& row = rows_[{channel, kind}];
    row.token = std::move(token);
    row.expires_at_ms = expires_at_ms;
  }

  std::atomic<bool> failing{false};
  std::atomic<int> loads{0}, claims{0}, saves{0}, drops{0};

 private:
  struct Row {
    std::string token;
    int64_t expires_at_ms = 0;
    int64_t claimed_until = 0;
  };
  static Status Down() { return Status::Unavailable("token store: database unreachable"); }

  std::mutex mu_;
  std::map<std::pair<std::string, std::string>, Row> rows_;
};

}  // namespace linli::testing
