// DingTalk signatures (../shared/protocols/dingtalk.md §1, §3): the robot-callback header
// check, the custom-robot outbound signer, and the (timestamp, sign) replay cache the callback
// needs because its sign covers only the timestamp, not the body (SECURITY.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace linli::adapters::dingtalk {

// base64(HMAC-SHA256(key, message)), standard alphabet with padding.
std::string HmacSha256Base64(std::string_view key, std::string_view message);

// Robot callback: base64(HMAC-SHA256(key = app_secret, msg = timestamp + "\n" + app_secret)),
// not URL-encoded. `timestamp` is the header value (ms) exactly as received.
std::string CallbackSign(std::string_view timestamp, std::string_view app_secret);
// Constant-time comparison of the header `sign` with CallbackSign(timestamp, app_secret).
bool VerifyCallbackSign(std::string_view timestamp, std::string_view app_secret,
                        std::string_view sign);

// Custom robot (outbound webhook): URL-encoded base64(HMAC-SHA256(key = secret,
// msg = timestamp_ms + "\n" + secret)); `+ / =` become %2B %2F %3D.
std::string CustomRobotSign(std::string_view timestamp_ms, std::string_view secret);
// "&timestamp=<ms>&sign=<CustomRobotSign>", appended to the robot/send?access_token=... URL.
std::string CustomRobotQuerySuffix(std::string_view timestamp_ms, std::string_view secret);

// Lowercase hex SHA-256 of `body` (the digest a ReplayClaim carries, bot/replay_claim.h).
std::string BodyDigestHex(std::string_view body);

// Remembers accepted (timestamp, sign) pairs until their timestamp leaves the acceptance
// window, so a captured header pair cannot be replayed with another body. Bounded: when
// `capacity` live entries exist, the one expiring soonest is dropped (only verified requests
// are inserted, so only genuine traffic fills it). Thread-safe.
class ReplayCache {
 public:
  ReplayCache(int64_t window_ms, size_t capacity) : window_ms_(window_ms), capacity_(capacity) {}
  ReplayCache(const ReplayCache&) = delete;
  ReplayCache& operator=(const ReplayCache&) = delete;

  // Records the pair with a digest of `body`; false if the pair was already recorded (and has
  // not expired) with a DIFFERENT body: the sign does not cover the body, so that is a forged
  // request riding on a captured signature. The same pair with the same body is DingTalk
  // redelivering after a failed answer: accepted (message dedupe by msgId then answers it).
  // `timestamp_ms` is the signed timestamp; the entry lives until timestamp_ms + window_ms.
  bool Insert(int64_t timestamp_ms, std::string_view sign, std::string_view body, int64_t now_ms);
  size_t size() const;

 private:
  void PurgeLocked(int64_t now_ms);

  const int64_t window_ms_;
  const size_t capacity_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::string> seen_;    // key -> body digest; guarded by mu_
  std::set<std::pair<int64_t, std::string>> by_expiry_;  // guarded by mu_
};

}  // namespace linli::adapters::dingtalk
