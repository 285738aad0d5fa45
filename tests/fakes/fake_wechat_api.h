// A fake WeChat-family HTTP API for tests (STYLE.md 7): a real cpp-httplib server on
// 127.0.0.1 (ephemeral port) answering like api.weixin.qq.com (Official Account) and
// qyapi.weixin.qq.com (WeCom app), with HTTP 200 and an `errcode` in every body:
//
//   GET  /cgi-bin/token?grant_type=client_credential&appid=A&secret=S   (OA)
//   GET  /cgi-bin/gettoken?corpid=A&corpsecret=S                        (WeCom)
//        -> {"access_token":"ACCESS_<n>","expires_in":7200}; wrong credentials ->
//           {"errcode":40125,"errmsg":"invalid appsecret"} (WeCom: 40001)
//   POST /cgi-bin/message/custom/send?access_token=T     (OA customer service)
//   POST /cgi-bin/message/template/send?access_token=T   (OA template; answers a msgid)
//   POST /cgi-bin/message/send?access_token=T            (WeCom app message; a msgid)
//        -> {"errcode":0,"errmsg":"ok",...}; a token the fake never issued, or one it was told to
//           expire -> {"errcode":40001,"errmsg":"invalid credential"} (or 42001 after
//           ExpireTokens) and the request is recorded with that errcode.
//   POST /cgi-bin/menu/create?access_token=T[&agentid=N]  (OA / WeCom custom menu)
//        -> {"errcode":0,"errmsg":"ok"}; the body is kept as the menu (menu()); a body without
//           a "button" array -> 40016 "invalid button size"
//   GET  /cgi-bin/menu/get?access_token=T[&agentid=N]
//        -> OA: {"menu":{"button":[...]}} with "sub_button":[] on every button that has none
//           (as the platform answers); with agentid (WeCom): {"errcode":0,"errmsg":"ok",
//           "button":[...]}; no menu yet -> 46003 "menu no exist"
//        (both token-checked like the sends)
//   GET  /sns/oauth2/access_token?appid=A&secret=S&code=C&grant_type=authorization_code
//        (web authorization, snsapi_base) -> {"access_token","expires_in","refresh_token",
//           "openid","scope":"snsapi_base"} for a code from IssueWebCode, once; a code used
//           before -> 40163, any other code -> 40029 "invalid code", wrong credentials -> 40125.
//
// Every request on these paths is recorded (also the rejected ones), in arrival order.
// Thread-safe; serving, recording and scripting are FakePlatformServer's
// (tests/fakes/fake_platform_server.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "tests/fakes/fake_platform_server.h"

namespace linli::testing {

class FakeWechatApi {
 public:
  struct Request {
    std::string path;          // "/cgi-bin/message/custom/send"
    std::string access_token;  // from the query ("" for token fetches)
    std::string raw_body;
    nlohmann::json body;  // discarded() when not JSON
    int64_t errcode = 0;  // what the fake answered
  };

  // `app_id`/`secret`: the OA appid+secret or the WeCom corpid+corpsecret the fake accepts.
  FakeWechatApi(std::string app_id, std::string secret);
  ~FakeWechatApi();  // Stop()s
  FakeWechatApi(const FakeWechatApi&) = delete;
  FakeWechatApi& operator=(const FakeWechatApi&) = delete;

  void Stop() { server_.Stop(); }  // idempotent
  int port() const { return server_.port(); }
  std::string api_base() const;  // "http://127.0.0.1:<port>"

  // The next `count` authorised calls to `path` are answered with `errcode` (and no effect).
  void FailNext(const std::string& path, int count, int64_t errcode, std::string errmsg);
  // Every token issued so far stops working: the next use answers 42001 (expired).
  void ExpireTokens();

  // A fresh web-authorization code that the exchange turns into `openid`, once.
  std::string IssueWebCode(const std::string& openid);
  size_t web_code_exchanges() const;  // requests to /sns/oauth2/access_token

  std::vector<Request> requests() const;
  std::vector<Request> requests(std::string_view path) const;
  // Calls of `path` that the fake answered with errcode 0.
  std::vector<Request> delivered(std::string_view path) const;
  size_t token_fetches() const;
  size_t rejected_token_uses() const;  // 40001/42001 answers
  // Waits until `path` has at least `n` successful (errcode 0) calls. False on timeout.
  bool WaitForDelivered(std::string_view path, size_t n, std::chrono::milliseconds timeout) const;
  // Waits until at least `n` requests (any path, any answer) arrived. False on timeout.
  bool WaitForRequests(size_t n, std::chrono::milliseconds timeout) const;

  // The menu last created (its JSON body), nullopt before the first; SetMenu stands for a
  // menu set elsewhere (the 公众平台 editor).
  std::optional<nlohmann::json> menu() const;
  void SetMenu(nlohmann::json menu);

  // Every exchange with its headers and query.
  const FakePlatformServer& server() const { return server_; }

 private:
  FakeResponse HandleToken(const std::string& id, const std::string& secret, bool wecom);
  std::optional<FakeResponse> CheckToken(const std::string& token) const;
  FakeResponse HandleSend(const FakeRequest& request);
  FakeResponse HandleWebCode(const FakeRequest& request);
  FakeResponse HandleMenuCreate(const FakeRequest& request);
  FakeResponse HandleMenuGet(const FakeRequest& request);

  const std::string app_id_;
  const std::string secret_;
  mutable std::mutex mu_;
  std::set<std::string> valid_tokens_;
  std::set<std::string> expired_tokens_;
  std::map<std::string, std::string> web_codes_;  // unused code -> openid
  std::set<std::string> used_web_codes_;
  int64_t next_web_code_ = 1;
  int64_t next_token_ = 1;
  int64_t next_msgid_ = 1000;
  std::optional<nlohmann::json> menu_;
  FakePlatformServer server_;  // last: stopped before the state its routes use goes
};

}  // namespace linli::testing
