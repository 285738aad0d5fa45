#include "tests/fakes/fake_dingtalk_api.h"

#include <httplib.h>
#include <sys/socket.h>

#include <cstdio>
#include <cstdlib>
#include <utility>

namespace linli::testing {

using nlohmann::json;

FakeDingTalkApi::FakeDingTalkApi() : server_(std::make_unique<httplib::Server>()) {
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
  server_->Post("/robot/sendBySession",
                [this](const httplib::Request& req, httplib::Response& res) {
                  std::lock_guard<std::mutex> lock(mu_);
                  Request r;
                  r.session = req.get_param_value("session");
                  r.raw_body = req.body;
                  r.body = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
                  json answer = {{"errcode", 0}, {"errmsg", "ok"}};
                  if (sessions_.count(r.session) == 0) {
                    r.errcode = 300001;
                    answer = {{"errcode", 300001}, {"errmsg", "session not found"}};
                  } else if (!r.body.is_object() || !r.body.contains("msgtype")) {
                    r.errcode = 40035;
                    answer = {{"errcode", 40035}, {"errmsg", "missing msgtype"}};
                  }
                  requests_.push_back(std::move(r));
                  cv_.notify_all();
                  res.set_content(answer.dump(), "application/json");
                });
  port_ = server_->bind_to_any_port("127.0.0.1");
  if (port_ <= 0) {
    std::fprintf(stderr, "FakeDingTalkApi: cannot bind 127.0.0.1\n");
    std::abort();
  }
  if (listen_socket_ >= 0) ::listen(listen_socket_, 1024);
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!server_->is_running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

FakeDingTalkApi::~FakeDingTalkApi() { Stop(); }

void FakeDingTalkApi::Stop() {
  if (!thread_.joinable()) return;
  server_->stop();
  thread_.join();
}

std::string FakeDingTalkApi::base() const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/";
}

std::string FakeDingTalkApi::AddSession(const std::string& session) {
  std::lock_guard<std::mutex> lock(mu_);
  sessions_.insert(session);
  return base() + "robot/sendBySession?session=" + session;
}

std::vector<FakeDingTalkApi::Request> FakeDingTalkApi::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

std::vector<FakeDingTalkApi::Request> FakeDingTalkApi::delivered() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Request> out;
  for (const auto& r : requests_) {
    if (r.errcode == 0) out.push_back(r);
  }
  return out;
}

bool FakeDingTalkApi::WaitForDelivered(size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, timeout, [&] {
    size_t count = 0;
    for (const auto& r : requests_) count += r.errcode == 0 ? 1 : 0;
    return count >= n;
  });
}

}  // namespace linli::testing
