// Platform access tokens shared between instances (issue 14): several `linli serve` processes
// on one database must not each fetch a channel's token - on the WeChat Official Account every
// fetch replaces the account's token, and the old one dies about five minutes later, so two
// instances fetching in turn would keep invalidating each other's. An adapter's token cache
// (bot/token_cache.h) reads the token another instance stored before fetching one, claims the
// fetch so only one instance fetches at a time, stores what it fetched, and drops a token the
// platform called invalid.
//
// The seam only: adapters see it through adapters::AdapterDeps; the server wiring implements
// it on the database (bot/server/shared_tokens.h over storage/platform_token_store.h).
// Tokens are secrets: an implementation never logs one nor puts one in an error message.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "bot/status.h"

namespace linli {

struct SharedToken {
  std::string token;
  int64_t expires_at_ms = 0;  // when the platform stops accepting it (epoch ms)
};

// Keys are (channel, kind): the channel's name and what the token is ("access_token",
// "tenant_access_token"). Every call is blocking I/O: call it from a sender's thread (an
// outbox or media worker thread, a command line), never from the event loop or the
// write-queue thread. Thread-safe. Errors: the store's (kUnavailable when it cannot be
// reached); a caller then goes on as if there were no store.
class TokenStore {
 public:
  virtual ~TokenStore() = default;

  // The token stored for (channel, kind), or nullopt when none is (never stored, or dropped).
  // It may have expired: the caller compares expires_at_ms with its clock.
  virtual StatusOr<std::optional<SharedToken>> Load(const std::string& channel,
                                                    const std::string& kind) = 0;
  // Claims the fetch of a new token until now_ms + lease_ms: true when no other claim is live
  // (the caller fetches, then Save()s or ReleaseFetch()es), false when another caller's is.
  virtual StatusOr<bool> ClaimFetch(const std::string& channel, const std::string& kind,
                                    int64_t now_ms, int64_t lease_ms) = 0;
  // Stores a token the caller fetched, replacing what is stored (the newest fetch is the one
  // the platform keeps accepting), and ends the claim.
  virtual Status Save(const std::string& channel, const std::string& kind,
                      const SharedToken& token, int64_t now_ms) = 0;
  // Ends the caller's claim without a token (its fetch failed), so another may fetch at once.
  virtual Status ReleaseFetch(const std::string& channel, const std::string& kind) = 0;
  // Drops the stored token if it is still `token` (the platform said it is invalid).
  virtual Status Drop(const std::string& channel, const std::string& kind,
                      const std::string& token) = 0;
};

}  // namespace linli
