// What the fake group robots (fake_wecom_robot.h, fake_dingtalk_robot.h, fake_feishu_robot.h)
// share: the messages they accepted, with the (fake) time of each, and the platforms' rolling
// rate windows over them; plus an HMAC-SHA256 of their own (independent of the adapters' code,
// so a signing bug there is caught here). Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "bot/clock.h"

namespace linli::testing {

// base64(HMAC-SHA256(key, message)).
std::string FakeHmacSha256Base64(std::string_view key, std::string_view message);

struct RobotDelivery {
  std::string text;      // the message text as the group shows it
  std::string raw_body;  // the request body
  int64_t at_ms = 0;     // the clock when it was accepted
};

class FakeRobotLedger {
 public:
  explicit FakeRobotLedger(const Clock& clock) : clock_(clock) {}
  FakeRobotLedger(const FakeRobotLedger&) = delete;
  FakeRobotLedger& operator=(const FakeRobotLedger&) = delete;

  int64_t now_ms() const { return clock_.NowMillis(); }
  // How many messages were accepted in the `window` up to now (at_ms > now - window).
  int CountWithin(std::chrono::milliseconds window) const;
  void Accept(std::string text, std::string raw_body);
  std::vector<RobotDelivery> deliveries() const;
  // Rate-limit refusals so far (the fakes call CountRefusal when they answer one).
  int refusals() const;
  void CountRefusal();
  // The largest number of accepted messages in any rolling `window` (for pacing asserts).
  int MaxWithinAnyWindow(std::chrono::milliseconds window) const;

 private:
  const Clock& clock_;
  mutable std::mutex mu_;
  std::vector<RobotDelivery> deliveries_;
  int refusals_ = 0;
};

}  // namespace linli::testing
