#include "tests/fakes/fake_wechat_api.h"

#include <httplib.h>
#include <sys/socket.h>

#include <cstdio>
#include <cstdlib>
#include <utility>

namespace linli::testing {

using nlohmann::json;

namespace {

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

FakeWechatApi::FakeWechatApi(std::string app_id, std::string secret)
    : app_id_(std::move(app_id)),
      secret_(std::move(secret)),
      server_(std::make_unique<httplib::Server>()) {
  // SECURITY.md: raise the pool and keep-alive count, TCP_NODELAY, and the listen backlog.
  server_->new_task_queue = [] { return new httplib::ThreadPool(32); };
  server_->set_keep_alive_max_count(100000);
  server_->set_tcp_nodelay(true);
  server_->set_socket_options([this](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    listen_socket_ = sock;
  });
  server_->set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        res.status = 500;
        res.set_content(R"({"errcode":-1,"errmsg":"system error"})", "application/json");
      });
  server_->Get("/cgi-bin/token", [this](const httplib::Request& req, httplib::Response& res) {
    res.set_content(HandleToken(req.get_param_value("appid"), req.get_param_value("secret"), false),
                    "application/json");
  });
  server_->Get("/cgi-bin/gettoken", [this](const httplib::Request& req, httplib::Response& res) {
    res.set_content(
        HandleToken(req.get_param_value("corpid"), req.get_param_value("corpsecret"), true),
        "application/json");
  });
  const auto send = [this](const httplib::Request& req, httplib::Response& res) {
    res.set_content(HandleSend(req.path, req.get_param_value("access_token"), req.body),
                    "application/json");
  };
  server_->Post("/cgi-bin/message/custom/send", send);
  server_->Post("/cgi-bin/message/template/send", send);
  server_->Post("/cgi-bin/message/send", send);

  port_ = server_->bind_to_any_port("127.0.0.1");
  if (port_ <= 0) {
    std::fprintf(stderr, "FakeWechatApi: cannot bind 127.0.0.1\n");
    std::abort();
  }
  if (listen_socket_ >= 0) ::listen(listen_socket_, 1024);
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!server_->is_running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

FakeWechatApi::~FakeWechatApi() { Stop(); }

void FakeWechatApi::Stop() {
  if (!thread_.joinable()) return;
  server_->stop();
  thread_.join();
}

std::string FakeWechatApi::api_base() const { return "http://127.0.0.1:" + std::to_string(port_); }

void FakeWechatApi::FailNext(const std::string& path, int count, int64_t errcode,
                             std::string errmsg) {
  std::lock_guard<std::mutex> lock(mu_);
  for (int i = 0; i < count; ++i) failures_[path].push_back({errcode, errmsg});
}

void FakeWechatApi::ExpireTokens() {
  std::lock_guard<std::mutex> lock(mu_);
  expired_tokens_.insert(valid_tokens_.begin(), valid_tokens_.end());
  valid_tokens_.clear();
}

std::string FakeWechatApi::HandleToken(const std::string& id, const std::string& secret,
                                       bool wecom) {
  std::lock_guard<std::mutex> lock(mu_);
  ++token_fetches_;
  Request r;
  r.path = wecom ? "/cgi-bin/gettoken" : "/cgi-bin/token";
  json answer;
  if (id != app_id_ || secret != secret_) {
    r.errcode = wecom ? 40001 : 40125;
    answer = {{"errcode", r.errcode},
              {"errmsg", wecom ? "invalid credential" : "invalid appsecret"}};
  } else {
    const std::string token = "ACCESS_" + std::to_string(next_token_++);
    valid_tokens_.insert(token);
    answer = {{"access_token", token}, {"expires_in", 7200}};
    if (wecom) {
      answer["errcode"] = 0;
      answer["errmsg"] = "ok";
    }
  }
  requests_.push_back(std::move(r));
  cv_.notify_all();
  return Dump(answer);
}

std::string FakeWechatApi::HandleSend(const std::string& path, const std::string& token,
                                      const std::string& body) {
  std::lock_guard<std::mutex> lock(mu_);
  Request r;
  r.path = path;
  r.access_token = token;
  r.raw_body = body;
  r.body = json::parse(body, nullptr, /*allow_exceptions=*/false);
  json answer;
  if (valid_tokens_.count(token) == 0) {
    r.errcode = expired_tokens_.count(token) ? 42001 : 40001;
    ++rejected_;
    answer = {{"errcode", r.errcode},
              {"errmsg", r.errcode == 42001 ? "access_token expired" : "invalid credential"}};
  } else if (auto& queue = failures_[path]; !queue.empty()) {
    r.errcode = queue.front().errcode;
    answer = {{"errcode", r.errcode}, {"errmsg", queue.front().errmsg}};
    queue.pop_front();
  } else if (!r.body.is_object()) {
    r.errcode = 47001;
    answer = {{"errcode", 47001}, {"errmsg", "data format error"}};
  } else {
    answer = {{"errcode", 0}, {"errmsg", "ok"}};
    if (path != "/cgi-bin/message/custom/send") answer["msgid"] = next_msgid_++;
  }
  requests_.push_back(std::move(r));
  cv_.notify_all();
  return Dump(answer);
}

std::vector<FakeWechatApi::Request> FakeWechatApi::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

std::vector<FakeWechatApi::Request> FakeWechatApi::requests(std::string_view path) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Request> out;
  for (const auto& r : requests_) {
    if (r.path == path) out.push_back(r);
  }
  return out;
}

std::vector<FakeWechatApi::Request> FakeWechatApi::delivered(std::string_view path) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Request> out;
  for (const auto& r : requests_) {
    if (r.path == path && r.errcode == 0) out.push_back(r);
  }
  return out;
}

size_t FakeWechatApi::token_fetches() const {
  std::lock_guard<std::mutex> lock(mu_);
  return token_fetches_;
}

size_t FakeWechatApi::rejected_token_uses() const {
  std::lock_guard<std::mutex> lock(mu_);
  return rejected_;
}

bool FakeWechatApi::WaitForDelivered(std::string_view path, size_t n,
                                     std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, timeout, [&] {
    size_t count = 0;
    for (const auto& r : requests_) count += (r.path == path && r.errcode == 0) ? 1 : 0;
    return count >= n;
  });
}

bool FakeWechatApi::WaitForRequests(size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return requests_.size() >= n; });
}

}  // namespace linli::testing
