// A fake WeCom group robot (../shared/protocols/wecom.md §4) on FakePlatformServer:
// POST /cgi-bin/webhook/send?key=K answering like qyapi.weixin.qq.com, always HTTP 200:
//   wrong key                          refused: {"errcode":93000,"errmsg":"invalid webhook url"}
//   not JSON / not markdown or text    {"errcode":40008,"errmsg":"invalid message type"}
//   markdown.content > 4096 bytes      {"errcode":40058,"errmsg":"markdown.content exceed max length 4096"}
//   text.content > 2048 bytes          {"errcode":40058,...}
//   image: base64 not decodable, md5 not that of the decoded bytes, or the bytes not a JPG/PNG
//                                      {"errcode":40008,"errmsg":"invalid image"}
//   image over 2 MB (decoded)          {"errcode":40009,"errmsg":"invalid image size"}
//   an accepted image                  recorded as delivered with text "[image]" and its
//                                      bytes in images()
//   20 accepted in the last minute     {"errcode":45009,"errmsg":"api freq out of limit"}
//   otherwise                          {"errcode":0,"errmsg":"ok"}, recorded as delivered
// The minute is read from the clock given (a FakeClock in tests). Thread-safe.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "bot/clock.h"
#include "tests/fakes/fake_platform_server.h"
#include "tests/fakes/fake_robot_ledger.h"

namespace linli::testing {

class FakeWecomRobot {
 public:
  static constexpr int kPerMinute = 20;
  static constexpr size_t kMarkdownMaxBytes = 4096;
  static constexpr size_t kImageMaxBytes = 2 * 1024 * 1024;

  FakeWecomRobot(const Clock& clock, std::string key);
  ~FakeWecomRobot();  // Stop()s
  FakeWecomRobot(const FakeWecomRobot&) = delete;
  FakeWecomRobot& operator=(const FakeWecomRobot&) = delete;

  void Stop() { server_.Stop(); }
  std::string api_base() const { return server_.base_url(); }
  std::vector<RobotDelivery> delivered() const { return ledger_.deliveries(); }
  // The decoded bytes of every accepted image message, in order.
  std::vector<std::string> images() const;
  const FakeRobotLedger& ledger() const { return ledger_; }
  FakePlatformServer& server() { return server_; }

 private:
  FakeResponse HandleSend(const FakeRequest& request);

  const std::string key_;
  FakeRobotLedger ledger_;
  mutable std::mutex mu_;
  std::vector<std::string> images_;  // guarded by mu_
  FakePlatformServer server_;  // last: stopped before the state its routes use goes
};

}  // namespace linli::testing
