// Seen signed header pairs (bot/replay_claim.h): one row per (channel, key) that authorised a
// turn, with the digest of the body it came with, until the platform's window closes. Called
// by the router inside the turn's transaction, so a claim is exactly as durable as the turn.
#pragma once

#include <cstdint>
#include <string>

#include "storage/database.h"

namespace linli::storage {

class SeenSignatureStore {
 public:
  enum class Verdict {
    kFirst,       // not seen (or seen only in an expired window): recorded now
    kSameBody,    // seen with this very body: a redelivery; nothing changed
    kOtherBody,   // seen with another body: a replay; nothing changed
  };

  // Records (channel, key) with `body_digest` until `expires_ms`, unless a live record exists,
  // and says which case it was. Records that expired before `now_ms` are dropped first (all
  // channels; an index range delete), so the table holds only live windows. Errors: the
  // database's (kUnavailable when busy).
  static StatusOr<Verdict> Claim(Database& db, const std::string& channel, const std::string& key,
                                 const std::string& body_digest, int64_t expires_ms,
                                 int64_t now_ms);
  static StatusOr<int64_t> Count(Database& db);
};

}  // namespace linli::storage
