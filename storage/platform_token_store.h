// Platform access tokens shared by the instances on one database (issue 14, migration 31):
// per (channel, kind) the token an instance fetched with its expiry, and a short claim on
// fetching the next one, so instances neither fetch one each nor - on the WeChat Official
// Account, where every fetch replaces the token - invalidate each other's. The server wiring
// offers it to adapters as the seam bot/token_store.h (bot/server/shared_tokens.h).
//
// Tokens are secrets: no call logs one or puts one in a Status. Every call runs in the
// caller's transaction (a unit of its own on the write queue); database errors as is.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "storage/database.h"

namespace linli::storage {

struct PlatformToken {
  std::string token;
  int64_t expires_at_ms = 0;
};

class PlatformTokenStore {
 public:
  // The token stored for (channel, kind); nullopt when none is (never stored, or dropped).
  // An expired one is returned too: the caller compares expires_at_ms with its clock.
  static StatusOr<std::optional<PlatformToken>> Find(Database& db, const std::string& channel,
                                                     const std::string& kind);
  // Claims the fetch of the next token until now_ms + lease_ms: true when no other claim was
  // live at now_ms (this one is recorded), false when one is (nothing changes). One
  // conditional upsert: of two connections claiming at once, one gets it.
  static StatusOr<bool> ClaimFetch(Database& db, const std::string& channel,
                                   const std::string& kind, int64_t now_ms, int64_t lease_ms);
  // Stores `token` as fetched at now_ms, replacing what is stored (the newest fetch is the
  // valid one), and ends the fetch claim. kInvalidArgument for an empty token or channel.
  static Status Save(Database& db, const std::string& channel, const std::string& kind,
                     const PlatformToken& token, int64_t now_ms);
  // Ends the fetch claim, the token left as it is.
  static Status ReleaseFetch(Database& db, const std::string& channel, const std::string& kind);
  // Drops the stored token if it is still `token`; true when this call dropped it.
  static StatusOr<bool> Drop(Database& db, const std::string& channel, const std::string& kind,
                             const std::string& token);
};

}  // namespace linli::storage
