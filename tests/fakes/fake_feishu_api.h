// A fake Feishu Open API for tests (STYLE.md 7): a real cpp-httplib server on 127.0.0.1
// (ephemeral port) answering like open.feishu.cn:
//
//   POST /open-apis/auth/v3/tenant_access_token/internal {"app_id","app_secret"}
//        -> {"code":0,"msg":"ok","tenant_access_token":"t-<n>","expire":7200};
//           wrong credentials -> {"code":10014,"msg":"app secret invalid"}
//   POST /open-apis/im/v1/messages?receive_id_type=chat_id
//   {"receive_id","msg_type","content","uuid"} POST /open-apis/im/v1/messages/{message_id}/reply
//   {"msg_type","content","uuid"}
//        with "Authorization: Bearer <token>" -> {"code":0,"msg":"success","data":{"message_id":
//        "om_fake_<n>",...}}; a token the fake did not issue (or one it was told to expire) ->
//        HTTP 400 {"code":99991663,"msg":"Invalid access token for authorization."}.
//        A uuid seen before answers the first message's id again and is marked `duplicate`
//        (Feishu's one-hour idempotency).
//
// Every request on these paths is recorded, in arrival order. Thread-safe; serving, recording
// and scripting are FakePlatformServer's (tests/fakes/fake_platform_server.h).
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

class FakeFeishuApi {
 public:
  struct Request {
    enum class Kind { kToken, kCreate, kReply };
    Kind kind = Kind::kToken;
    std::string token;            // bearer token ("" for token fetches)
    std::string reply_to;         // kReply: the message_id in the path
    std::string receive_id_type;  // kCreate: the query parameter
    std::string raw_body;
    nlohmann::json body;     // discarded() when not JSON
    int64_t code = 0;        // what the fake answered
    bool duplicate = false;  // a uuid seen before
    std::string message_id;  // the id the fake answered (sends with code 0)
  };

  FakeFeishuApi(std::string app_id, std::string app_secret);
  ~FakeFeishuApi();  // Stop()s
  FakeFeishuApi(const FakeFeishuApi&) = delete;
  FakeFeishuApi& operator=(const FakeFeishuApi&) = delete;

  void Stop() { server_.Stop(); }  // idempotent
  int port() const { return server_.port(); }
  std::string api_base() const;  // "http://127.0.0.1:<port>"

  // Every token issued so far stops working.
  void ExpireTokens();
  // The tokens issued so far, oldest first.
  std::vector<std::string> issued_tokens() const;

  std::vector<Request> requests() const;
  // Successful (code 0, not duplicate) create/reply calls: what users saw.
  std::vector<Request> delivered() const;
  bool WaitForDelivered(size_t n, std::chrono::milliseconds timeout) const;
  bool WaitForRequests(size_t n, std::chrono::milliseconds timeout) const;

  // Every exchange with its headers and query.
  const FakePlatformServer& server() const { return server_; }

 private:
  FakeResponse HandleToken(const FakeRequest& request);
  std::optional<FakeResponse> CheckToken(const FakeRequest& request) const;
  FakeResponse HandleSend(const FakeRequest& request, bool reply);

  const std::string app_id_;
  const std::string app_secret_;
  mutable std::mutex mu_;
  std::vector<std::string> issued_;
  std::set<std::string> valid_;
  std::map<std::string, std::string> uuids_;  // uuid -> message_id
  int64_t next_token_ = 1;
  int64_t next_message_ = 1;
  FakePlatformServer server_;  // last: stopped before the state its routes use goes
};

}  // namespace linli::testing
