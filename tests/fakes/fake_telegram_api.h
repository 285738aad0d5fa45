// A fake Telegram Bot API server for tests (STYLE.md 7): a real cpp-httplib server on
// 127.0.0.1 (ephemeral port) that answers POST /bot<token>/<method> with JSON bodies like
// api.telegram.org, records every request, and can be scripted to fail.
//
// Default answers: sendMessage/editMessageText -> {"ok":true,"result":{"message_id":<1, 2,
// ...>,"date":...,"chat":{...},"text":...}}; sendPhoto (JSON with a file id, or a
// multipart/form-data upload) -> the same with "photo":[{"file_id":"sent<id>",...}] instead of
// text; any other method -> {"ok":true,"result":true}.
// The bot and its webhook (linli check, linli telegram set-webhook|webhook-info):
//   getMe -> {"id":4242,"is_bot":true,"first_name":"Linli","username":<bot_username()>};
//   setWebhook {url, secret_token?, allowed_updates?, drop_pending_updates?} -> true, and the
//     fake's webhook() is that (drop_pending_updates empties the pending count); an empty url
//     removes the webhook; a url not starting with https:// -> 400 "Bad Request: bad webhook:
//     An HTTPS URL must be provided for webhook"; a secret_token of other characters than
//     A-Z a-z 0-9 _ - -> 400 "Bad Request: secret token contains unallowed characters";
//   deleteWebhook -> true, no webhook;
//   getWebhookInfo -> {"url", "has_custom_certificate":false, "pending_update_count",
//     "max_connections":40 and "allowed_updates" when set, "last_error_date" and
//     "last_error_message" when SetWebhook put an error there}. The secret is never answered.
// A token other than the expected one -> 401 {"ok":false,"error_code":401,
// "description":"Unauthorized"} and the request is NOT recorded (see unauthorized_count()).
// Thread-safe; serving, recording and scripting are FakePlatformServer's
// (tests/fakes/fake_platform_server.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "tests/fakes/fake_platform_server.h"

namespace linli::testing {

class FakeTelegramApi {
 public:
  struct Request {
    std::string method;       // Bot API method, e.g. "sendMessage"
    std::string token;        // from the path
    std::string http_method;  // "POST"
    std::string content_type;
    std::string raw_body;
    nlohmann::json body;      // parsed JSON body; discarded() when not JSON
    std::vector<FakeFormPart> form;  // a multipart/form-data upload's parts (sendPhoto)
    int answered_status = 0;  // the HTTP status the fake answered with
  };

  // Starts listening on 127.0.0.1:<ephemeral>. Aborts the test binary if it cannot bind.
  explicit FakeTelegramApi(std::string expected_token);
  ~FakeTelegramApi();  // Stop()s
  FakeTelegramApi(const FakeTelegramApi&) = delete;
  FakeTelegramApi& operator=(const FakeTelegramApi&) = delete;

  // Stops the server and joins its thread. Idempotent.
  void Stop() { server_.Stop(); }

  int port() const { return server_.port(); }
  // "http://127.0.0.1:<port>": the channel's api_base.
  std::string api_base() const;

  // The next `count` calls of `method` are answered with `http_status` and `body` (JSON)
  // instead of success. Scripts for the same method queue up in order.
  void FailNext(const std::string& method, int count, int http_status, std::string body);
  // Shorthands: 500 {"ok":false,"error_code":500,...} and 429 with parameters.retry_after.
  void FailNextWith500(const std::string& method, int count);
  void FailNextWith429(const std::string& method, int count, int retry_after_seconds);
  // Delays every answer (to provoke client timeouts); 0 = none.
  void SetResponseDelay(std::chrono::milliseconds delay);

  // Every authorized request so far, in arrival order.
  std::vector<Request> requests() const;
  std::vector<Request> requests(std::string_view method) const;
  size_t request_count() const;
  size_t unauthorized_count() const;
  // Waits until at least `n` authorized requests arrived. False on timeout.
  bool WaitForRequests(size_t n, std::chrono::milliseconds timeout) const;
  // The message_id of the last successful sendMessage (0 if none).
  int64_t last_message_id() const;

  // Files (photos) the fake serves: getFile?file_id=<file_id> answers {"ok":true,"result":
  // {"file_id","file_unique_id","file_size","file_path"}} (file_size = bytes.size() unless
  // `reported_size` >= 0), and GET /file/bot<token>/<file_path> answers the bytes with
  // `content_type`. An unknown file_id -> 400 "Bad Request: invalid file_id".
  void AddFile(const std::string& file_id, std::string bytes,
               std::string content_type = "image/jpeg", int64_t reported_size = -1);
  // How many file downloads were served.
  size_t download_count() const;

  // What Telegram does with the answer to a webhook delivery (telegram.md 2): when it is a
  // 200 application/json body naming a "method", that Bot API call is made - here, posted to
  // this fake with `token` (the other fields as its parameters), so it is recorded and
  // answered like any call. Returns true if a call was made. Tests call it for every webhook
  // answer Telegram would have received.
  bool ExecuteWebhookAnswer(int status, const std::string& content_type, const std::string& body,
                            const std::string& token);

  // The webhook as Telegram holds it (setWebhook changes it; tests may set it directly, e.g.
  // to a delivery error with updates pending).
  struct Webhook {
    std::string url;  // "" = none
    std::string secret_token;
    std::vector<std::string> allowed_updates;  // empty = not restricted
    int64_t pending_update_count = 0;
    int64_t last_error_date = 0;
    std::string last_error_message;
  };
  Webhook webhook() const;
  void SetWebhook(Webhook webhook);
  std::string bot_username() const;
  void SetBotUsername(std::string username);

  // Every exchange with its headers and query, the refused ones too.
  const FakePlatformServer& server() const { return server_; }

 private:
  FakeResponse Answer(const FakeRequest& request);

  const std::string expected_token_;
  mutable std::mutex mu_;
  int64_t next_message_id_ = 1;
  int64_t last_message_id_ = 0;
  struct File {
    std::string bytes;
    std::string content_type;
    int64_t reported_size = -1;
    std::string path;
  };
  std::map<std::string, File> files_;  // by file_id; guarded by mu_
  Webhook webhook_;                     // guarded by mu_
  std::string bot_username_ = "linli_test_bot";  // guarded by mu_
  FakeResponse WebhookCall(const std::string& method, const nlohmann::json& body);
  FakePlatformServer server_;  // last: stopped before the state its routes use goes
};

}  // namespace linli::testing
