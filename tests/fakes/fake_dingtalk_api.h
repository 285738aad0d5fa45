// A fake DingTalk robot sessionWebhook for tests (STYLE.md 7): a real cpp-httplib server on
// 127.0.0.1 (ephemeral port) answering POST /robot/sendBySession?session=S like
// oapi.dingtalk.com: {"errcode":0,"errmsg":"ok"} for a session the test registered with
// AddSession, {"errcode":300001,"errmsg":"session not found"} (HTTP 200) otherwise. Every
// request is recorded; requests() and delivered() are the sendBySession ones.
// It also answers the app token like api.dingtalk.com once SetApp named the app: POST
// /v1.0/oauth2/accessToken {"appKey","appSecret"} -> {"accessToken":"dt-<n>","expireIn":7200};
// other credentials -> HTTP 400 {"code":"invalidClientIdOrSecret","message":...} (the fake's
// own error: DingTalk's codes for it are not in our protocol notes); token_fetches() counts
// them. Thread-safe; serving, recording and scripting are FakePlatformServer's
// (tests/fakes/fake_platform_server.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "tests/fakes/fake_platform_server.h"

namespace linli::testing {

class FakeDingTalkApi {
 public:
  struct Request {
    std::string session;
    std::string raw_body;
    nlohmann::json body;  // discarded() when not JSON
    int64_t errcode = 0;
  };

  FakeDingTalkApi();
  ~FakeDingTalkApi();  // Stop()s
  FakeDingTalkApi(const FakeDingTalkApi&) = delete;
  FakeDingTalkApi& operator=(const FakeDingTalkApi&) = delete;

  void Stop() { server_.Stop(); }  // idempotent
  int port() const { return server_.port(); }
  std::string base() const;  // "http://127.0.0.1:<port>/"
  // The sessionWebhook URL for `session` (registered as valid).
  std::string AddSession(const std::string& session);

  // The app the token endpoint accepts (none before the first call: every fetch is refused).
  void SetApp(std::string app_key, std::string app_secret);
  size_t token_fetches() const;

  std::vector<Request> requests() const;
  std::vector<Request> delivered() const;  // errcode 0
  bool WaitForDelivered(size_t n, std::chrono::milliseconds timeout) const;

  // Every exchange with its headers and query.
  const FakePlatformServer& server() const { return server_; }

 private:
  FakeResponse HandleSend(const FakeRequest& request) const;

  FakeResponse HandleToken(const FakeRequest& request);

  mutable std::mutex mu_;
  std::set<std::string> sessions_;
  std::string app_key_, app_secret_;  // guarded by mu_
  int64_t next_token_ = 1;            // guarded by mu_
  FakePlatformServer server_;  // last: stopped before the state its routes use goes
};

}  // namespace linli::testing
