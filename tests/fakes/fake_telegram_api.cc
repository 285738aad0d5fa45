#include "tests/fakes/fake_telegram_api.h"

#include <httplib.h>
#include <sys/socket.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <utility>

namespace linli::testing {

using nlohmann::json;

FakeTelegramApi::FakeTelegramApi(std::string expected_token)
    : expected_token_(std::move(expected_token)), server_(std::make_unique<httplib::Server>()) {
  // SECURITY.md: the defaults (8 workers, keep-alive closed after 5 requests, Nagle on) would
  // make the fake the bottleneck of any concurrent test.
  server_->new_task_queue = [] { return new httplib::ThreadPool(32); };
  server_->set_keep_alive_max_count(100000);
  server_->set_tcp_nodelay(true);
  // cpp-httplib 0.11.4 listens with a backlog of 5: concurrent connects beyond it wait for
  // a SYN retransmit (1 s). Remember the socket and raise the backlog after binding.
  server_->set_socket_options([this](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    listen_socket_ = sock;
  });
  server_->set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        res.status = 500;
        res.set_content(R"({"ok":false,"error_code":500,"description":"Internal Server Error"})",
                        "application/json");
      });
  const auto handler = [this](const httplib::Request& req, httplib::Response& res) {
    int status = 200;
    std::string body;
    Handle(req.matches[1], req.matches[2], req.method, req.get_header_value("Content-Type"),
           req.body, &status, &body);
    res.status = status;
    res.set_content(body, "application/json");
  };
  server_->Post(R"(/bot([^/]*)/([A-Za-z]+))", handler);
  server_->Get(R"(/bot([^/]*)/([A-Za-z]+))", handler);

  port_ = server_->bind_to_any_port("127.0.0.1");
  if (port_ <= 0) {
    std::fprintf(stderr, "FakeTelegramApi: cannot bind 127.0.0.1\n");
    std::abort();
  }
  if (listen_socket_ >= 0) ::listen(listen_socket_, 1024);  // Linux: updates the backlog
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  // stop() is a no-op until the loop runs, so do not return before it does.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!server_->is_running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

FakeTelegramApi::~FakeTelegramApi() { Stop(); }

void FakeTelegramApi::Stop() {
  if (!thread_.joinable()) return;
  server_->stop();
  thread_.join();
}

std::string FakeTelegramApi::api_base() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

void FakeTelegramApi::FailNext(const std::string& method, int count, int http_status,
                               std::string body) {
  std::lock_guard<std::mutex> lock(mu_);
  for (int i = 0; i < count; ++i) failures_[method].push_back({http_status, body});
}

void FakeTelegramApi::FailNextWith500(const std::string& method, int count) {
  FailNext(method, count, 500,
           R"({"ok":false,"error_code":500,"description":"Internal Server Error"})");
}

void FakeTelegramApi::FailNextWith429(const std::string& method, int count,
                                      int retry_after_seconds) {
  const std::string s = std::to_string(retry_after_seconds);
  FailNext(method, count, 429,
           R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after )" + s +
               R"(","parameters":{"retry_after":)" + s + "}}");
}

void FakeTelegramApi::SetResponseDelay(std::chrono::milliseconds delay) {
  std::lock_guard<std::mutex> lock(mu_);
  delay_ = delay;
}

void FakeTelegramApi::Handle(const std::string& token, const std::string& method,
                             const std::string& http_method, const std::string& content_type,
                             const std::string& body, int* status, std::string* response_body) {
  std::chrono::milliseconds delay{0};
  {
    std::lock_guard<std::mutex> lock(mu_);
    delay = delay_;
  }
  if (delay.count() > 0) std::this_thread::sleep_for(delay);

  std::lock_guard<std::mutex> lock(mu_);
  if (token != expected_token_) {
    ++unauthorized_;
    *status = 401;
    *response_body = R"({"ok":false,"error_code":401,"description":"Unauthorized"})";
    return;
  }
  Request r;
  r.method = method;
  r.token = token;
  r.http_method = http_method;
  r.content_type = content_type;
  r.raw_body = body;
  r.body = json::parse(body, nullptr, /*allow_exceptions=*/false);

  auto& queue = failures_[method];
  if (!queue.empty()) {
    *status = queue.front().http_status;
    *response_body = queue.front().body;
    queue.pop_front();
  } else {
    *status = 200;
    json result = true;
    if (method == "sendMessage" || method == "editMessageText") {
      const int64_t id = next_message_id_++;
      last_message_id_ = id;
      const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
      json chat = json::object();
      if (r.body.is_object() && r.body.contains("chat_id")) {
        chat["id"] = r.body["chat_id"];
        const bool negative =
            r.body["chat_id"].is_number_integer() && r.body["chat_id"].get<int64_t>() < 0;
        chat["type"] = negative ? "supergroup" : "private";
      }
      result = {{"message_id", id}, {"date", now}, {"chat", chat}};
      if (r.body.is_object() && r.body.contains("text") && r.body["text"].is_string()) {
        result["text"] = r.body["text"];
      }
    }
    *response_body =
        json{{"ok", true}, {"result", result}}.dump(-1, ' ', false, json::error_handler_t::replace);
  }
  r.answered_status = *status;
  requests_.push_back(std::move(r));
  cv_.notify_all();
}

std::vector<FakeTelegramApi::Request> FakeTelegramApi::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

std::vector<FakeTelegramApi::Request> FakeTelegramApi::requests(std::string_view method) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Request> out;
  for (const auto& r : requests_) {
    if (r.method == method) out.push_back(r);
  }
  return out;
}

size_t FakeTelegramApi::request_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_.size();
}

size_t FakeTelegramApi::unauthorized_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return unauthorized_;
}

bool FakeTelegramApi::WaitForRequests(size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return requests_.size() >= n; });
}

int64_t FakeTelegramApi::last_message_id() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_message_id_;
}

}  // namespace linli::testing
