// A fake DingTalk robot sessionWebhook for tests (STYLE.md 7): a real cpp-httplib server on
// 127.0.0.1 (ephemeral port) answering POST /robot/sendBySession?session=S like
// oapi.dingtalk.com: {"errcode":0,"errmsg":"ok"} for a session the test registered with
// AddSession, {"errcode":300001,"errmsg":"session not found"} (HTTP 200) otherwise. Every
// request is recorded. Thread-safe; raised pool, keep-alive, TCP_NODELAY (SECURITY.md).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace httplib {
class Server;
}

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

  void Stop();  // idempotent
  int port() const { return port_; }
  std::string base() const;  // "http://127.0.0.1:<port>/"
  // The sessionWebhook URL for `session` (registered as valid).
  std::string AddSession(const std::string& session);

  std::vector<Request> requests() const;
  std::vector<Request> delivered() const;  // errcode 0
  bool WaitForDelivered(size_t n, std::chrono::milliseconds timeout) const;

 private:
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
  int listen_socket_ = -1;

  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::set<std::string> sessions_;
  std::vector<Request> requests_;
};

}  // namespace linli::testing
