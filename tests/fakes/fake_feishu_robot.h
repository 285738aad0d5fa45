// A fake Feishu custom bot (../shared/protocols/feishu.md §1, Additions) on FakePlatformServer:
// POST /open-apis/bot/v2/hook/<token> answering like open.feishu.cn. It VERIFIES the signature
// itself (its own HMAC) from the body's "timestamp" and "sign":
//   wrong token                         refused: {"code":19001,"msg":"param invalid: incoming webhook access token invalid"}
//   timestamp missing or > 1 h off the
//   clock, sign != base64(HMAC-SHA256(key = timestamp + "\n" + secret, msg = ""))
//                                       refused: {"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}
//   body > 20000 bytes, not post/text   HTTP 400 {"code":9499,"msg":"Bad Request"}
//   5 accepted in the last second or
//   100 in the last minute              {"code":11232,"msg":"frequency limited psm[...]"}
//   otherwise                           {"code":0,"data":{},"msg":"success"}, delivered
// A delivered post's text is its paragraphs' text nodes, one line per paragraph. Times are
// the clock given (a FakeClock in tests). Thread-safe.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "bot/clock.h"
#include "tests/fakes/fake_platform_server.h"
#include "tests/fakes/fake_robot_ledger.h"

namespace linli::testing {

class FakeFeishuRobot {
 public:
  static constexpr int kPerMinute = 100;
  static constexpr int kPerSecond = 5;
  static constexpr size_t kBodyMaxBytes = 20000;

  FakeFeishuRobot(const Clock& clock, std::string token, std::string secret);
  ~FakeFeishuRobot();  // Stop()s
  FakeFeishuRobot(const FakeFeishuRobot&) = delete;
  FakeFeishuRobot& operator=(const FakeFeishuRobot&) = delete;

  void Stop() { server_.Stop(); }
  std::string api_base() const { return server_.base_url(); }
  std::vector<RobotDelivery> delivered() const { return ledger_.deliveries(); }
  const FakeRobotLedger& ledger() const { return ledger_; }
  FakePlatformServer& server() { return server_; }
  // Requests refused with 19021.
  size_t bad_signatures() const;

 private:
  FakeResponse HandleSend(const FakeRequest& request);

  const std::string token_;
  const std::string secret_;
  FakeRobotLedger ledger_;
  std::mutex mu_;
  FakePlatformServer server_;  // last: stopped before the state its routes use goes
};

}  // namespace linli::testing
