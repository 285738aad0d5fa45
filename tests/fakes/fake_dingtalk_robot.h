// A fake DingTalk custom robot (../shared/protocols/dingtalk.md §1-2, Additions) on
// FakePlatformServer: POST /robot/send?access_token=T&timestamp=MS&sign=S answering like
// oapi.dingtalk.com, always HTTP 200. It VERIFIES the signature itself (its own HMAC):
//   wrong access_token                  refused: {"errcode":300001,"errmsg":"token is not exist"}
//   timestamp missing or > 1 h off the
//   clock, sign != urlencode(base64(HMAC-SHA256(secret, timestamp + "\n" + secret)))
//                                       refused: {"errcode":310000,"errmsg":"sign not match"}
//   body > 20000 bytes                  {"errcode":460101,"errmsg":"message too long, exceed 20000 bytes"}
//   not markdown/text JSON              {"errcode":40035,"errmsg":"缺少参数 json"}
//   blocked, or 20 accepted in the last
//   minute (then blocked 10 minutes)    {"errcode":130101,"errmsg":"send too fast, exceed 20 times per minute"}
//   otherwise                           {"errcode":0,"errmsg":"ok"}, recorded as delivered
// Times are the clock given (a FakeClock in tests). Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "bot/clock.h"
#include "tests/fakes/fake_platform_server.h"
#include "tests/fakes/fake_robot_ledger.h"

namespace linli::testing {

class FakeDingTalkRobot {
 public:
  static constexpr int kPerMinute = 20;
  static constexpr int64_t kBlockMs = 10 * 60 * 1000;
  static constexpr size_t kBodyMaxBytes = 20000;

  FakeDingTalkRobot(const Clock& clock, std::string access_token, std::string secret);
  ~FakeDingTalkRobot();  // Stop()s
  FakeDingTalkRobot(const FakeDingTalkRobot&) = delete;
  FakeDingTalkRobot& operator=(const FakeDingTalkRobot&) = delete;

  void Stop() { server_.Stop(); }
  std::string api_base() const { return server_.base_url(); }
  std::vector<RobotDelivery> delivered() const { return ledger_.deliveries(); }
  const FakeRobotLedger& ledger() const { return ledger_; }
  FakePlatformServer& server() { return server_; }
  // Requests refused for their signature or timestamp.
  size_t bad_signatures() const;
  // When the 10-minute block ends (0 = not blocked since the start).
  int64_t blocked_until_ms() const;

 private:
  FakeResponse HandleSend(const FakeRequest& request);

  const std::string access_token_;
  const std::string secret_;
  FakeRobotLedger ledger_;
  mutable std::mutex mu_;
  int64_t blocked_until_ms_ = 0;  // guarded by mu_
  FakePlatformServer server_;     // last: stopped before the state its routes use goes
};

}  // namespace linli::testing
