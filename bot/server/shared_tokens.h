// The platform-token seam (bot/token_store.h) for `linli serve`: the channels' access tokens
// in the database (storage/platform_token_store.h), so every instance on one database uses
// the same token and only one fetches it. Each call is a write-queue unit of its own, waited
// for with WriteQueue::Run - so it must come from a sender's thread (an outbox or media worker
// thread, a command line), never from the event loop nor the write-queue thread (Run refuses
// the latter, kFailedPrecondition, and the token cache then fetches on its own). The adapters'
// token caches (bot/token_cache.h) keep the token in the process in front of it, so a send
// costs no query while its token is fresh.
//
// The adapters are built before the database is opened (a bad channel config stops start-up
// first), so the queue comes later: until Attach() every call is kUnavailable, and the caches
// behave as without a store. Failures are logged once per change (failing / working again),
// never with a token.
#pragma once

#include <atomic>
#include <mutex>
#include <optional>
#include <string>

#include "bot/token_store.h"
#include "storage/write_queue.h"

namespace linli {

class QueueTokenStore final : public TokenStore {
 public:
  QueueTokenStore() = default;
  QueueTokenStore(const QueueTokenStore&) = delete;
  QueueTokenStore& operator=(const QueueTokenStore&) = delete;

  // Runs the calls on `queue` (borrowed; nullptr detaches). Thread-safe.
  void Attach(storage::WriteQueue* queue) { queue_.store(queue); }

  StatusOr<std::optional<SharedToken>> Load(const std::string& channel,
                                            const std::string& kind) override;
  StatusOr<bool> ClaimFetch(const std::string& channel, const std::string& kind, int64_t now_ms,
                            int64_t lease_ms) override;
  Status Save(const std::string& channel, const std::string& kind, const SharedToken& token,
              int64_t now_ms) override;
  Status ReleaseFetch(const std::string& channel, const std::string& kind) override;
  Status Drop(const std::string& channel, const std::string& kind,
              const std::string& token) override;

 private:
  // Runs `work` as a unit and logs a change between working and failing.
  Status Run(const std::string& channel, const storage::WriteQueue::Work& work);

  std::atomic<storage::WriteQueue*> queue_{nullptr};
  std::mutex mu_;
  bool failing_ = false;  // guarded by mu_
};

}  // namespace linli
