#include "bot/server/shared_tokens.h"

#include <utility>

#include "bot/server/log.h"
#include "storage/platform_token_store.h"

namespace linli {

Status QueueTokenStore::Run(const std::string& channel, const storage::WriteQueue::Work& work) {
  storage::WriteQueue* queue = queue_.load();
  Status st = queue != nullptr ? queue->Run(work)
                               : Status::Unavailable("platform tokens: no database yet");
  bool changed = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const bool failing = !st.ok();
    changed = failing != failing_ && queue != nullptr;
    if (queue != nullptr) failing_ = failing;
  }
  if (changed && !st.ok()) {
    // The status names the statement, never a parameter: no token in this line.
    GetLogger("tokens")->warn(
        "channel {}: the shared platform tokens cannot be read or written ({}); each instance "
        "fetches its own until they can",
        channel, st.ToString());
  } else if (changed) {
    GetLogger("tokens")->info("channel {}: the shared platform tokens work again", channel);
  }
  return st;
}

StatusOr<std::optional<SharedToken>> QueueTokenStore::Load(const std::string& channel,
                                                           const std::string& kind) {
  std::optional<SharedToken> out;
  LINLI_RETURN_IF_ERROR(Run(channel, [&](storage::Database& db) -> Status {
    LINLI_ASSIGN_OR_RETURN(auto found, storage::PlatformTokenStore::Find(db, channel, kind));
    out.reset();
    if (found) out = SharedToken{std::move(found->token), found->expires_at_ms};
    return Status::Ok();
  }));
  return out;
}

StatusOr<bool> QueueTokenStore::ClaimFetch(const std::string& channel, const std::string& kind,
                                           int64_t now_ms, int64_t lease_ms) {
  bool claimed = false;
  LINLI_RETURN_IF_ERROR(Run(channel, [&](storage::Database& db) -> Status {
    LINLI_ASSIGN_OR_RETURN(claimed, storage::PlatformTokenStore::ClaimFetch(db, channel, kind,
                                                                            now_ms, lease_ms));
    return Status::Ok();
  }));
  return claimed;
}

Status QueueTokenStore::Save(const std::string& channel, const std::string& kind,
                             const SharedToken& token, int64_t now_ms) {
  return Run(channel, [&](storage::Database& db) {
    return storage::PlatformTokenStore::Save(db, channel, kind, {token.token, token.expires_at_ms},
                                             now_ms);
  });
}

Status QueueTokenStore::ReleaseFetch(const std::string& channel, const std::string& kind) {
  return Run(channel, [&](storage::Database& db) {
    return storage::PlatformTokenStore::ReleaseFetch(db, channel, kind);
  });
}

Status QueueTokenStore::Drop(const std::string& channel, const std::string& kind,
                             const std::string& token) {
  return Run(channel, [&](storage::Database& db) {
    return storage::PlatformTokenStore::Drop(db, channel, kind, token).status();
  });
}

}  // namespace linli
