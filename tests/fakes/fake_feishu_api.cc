#include "tests/fakes/fake_feishu_api.h"

#include <httplib.h>
#include <sys/socket.h>

#include <cstdio>
#include <cstdlib>
#include <utility>

namespace linli::testing {

using nlohmann::json;

namespace {

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string StringOf(const json& j, const char* key) {
  if (!j.is_object()) return "";
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

FakeFeishuApi::FakeFeishuApi(std::string app_id, std::string app_secret)
    : app_id_(std::move(app_id)),
      app_secret_(std::move(app_secret)),
      server_(std::make_unique<httplib::Server>()) {
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
        res.set_content(R"({"code":500,"msg":"internal error"})", "application/json");
      });
  server_->Post("/open-apis/auth/v3/tenant_access_token/internal",
                [this](const httplib::Request& req, httplib::Response& res) {
                  res.set_content(HandleToken(req.body), "application/json");
                });
  server_->Post(
      "/open-apis/im/v1/messages", [this](const httplib::Request& req, httplib::Response& res) {
        Request r;
        r.kind = Request::Kind::kCreate;
        r.receive_id_type = req.get_param_value("receive_id_type");
        r.raw_body = req.body;
        auto [status, body] = HandleSend(std::move(r), req.get_header_value("Authorization"));
        res.status = status;
        res.set_content(body, "application/json");
      });
  server_->Post(R"(/open-apis/im/v1/messages/([^/]+)/reply)", [this](const httplib::Request& req,
                                                                     httplib::Response& res) {
    Request r;
    r.kind = Request::Kind::kReply;
    r.reply_to = req.matches[1];
    r.raw_body = req.body;
    auto [status, body] = HandleSend(std::move(r), req.get_header_value("Authorization"));
    res.status = status;
    res.set_content(body, "application/json");
  });

  port_ = server_->bind_to_any_port("127.0.0.1");
  if (port_ <= 0) {
    std::fprintf(stderr, "FakeFeishuApi: cannot bind 127.0.0.1\n");
    std::abort();
  }
  if (listen_socket_ >= 0) ::listen(listen_socket_, 1024);
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!server_->is_running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

FakeFeishuApi::~FakeFeishuApi() { Stop(); }

void FakeFeishuApi::Stop() {
  if (!thread_.joinable()) return;
  server_->stop();
  thread_.join();
}

std::string FakeFeishuApi::api_base() const { return "http://127.0.0.1:" + std::to_string(port_); }

void FakeFeishuApi::ExpireTokens() {
  std::lock_guard<std::mutex> lock(mu_);
  valid_.clear();
}

std::vector<std::string> FakeFeishuApi::issued_tokens() const {
  std::lock_guard<std::mutex> lock(mu_);
  return issued_;
}

void FakeFeishuApi::Record(Request r) {
  requests_.push_back(std::move(r));
  cv_.notify_all();
}

std::string FakeFeishuApi::HandleToken(const std::string& body) {
  std::lock_guard<std::mutex> lock(mu_);
  Request r;
  r.kind = Request::Kind::kToken;
  r.raw_body = body;
  r.body = json::parse(body, nullptr, /*allow_exceptions=*/false);
  json answer;
  if (StringOf(r.body, "app_id") != app_id_ || StringOf(r.body, "app_secret") != app_secret_) {
    r.code = 10014;
    answer = {{"code", 10014}, {"msg", "app secret invalid"}};
  } else {
    const std::string token = "t-fake-" + std::to_string(next_token_++);
    issued_.push_back(token);
    valid_.insert(token);
    answer = {{"code", 0}, {"msg", "ok"}, {"tenant_access_token", token}, {"expire", 7200}};
  }
  Record(std::move(r));
  return Dump(answer);
}

std::pair<int, std::string> FakeFeishuApi::HandleSend(Request r, const std::string& authorization) {
  std::lock_guard<std::mutex> lock(mu_);
  r.body = json::parse(r.raw_body, nullptr, /*allow_exceptions=*/false);
  const std::string prefix = "Bearer ";
  r.token = authorization.rfind(prefix, 0) == 0 ? authorization.substr(prefix.size()) : "";
  int status = 200;
  json answer;
  if (valid_.count(r.token) == 0) {
    status = 400;
    r.code = 99991663;
    answer = {{"code", 99991663}, {"msg", "Invalid access token for authorization."}};
  } else if (!r.body.is_object() || StringOf(r.body, "msg_type").empty() ||
             StringOf(r.body, "content").empty() ||
             (r.kind == Request::Kind::kCreate &&
              (r.receive_id_type.empty() || StringOf(r.body, "receive_id").empty()))) {
    status = 400;
    r.code = 230001;
    answer = {{"code", 230001}, {"msg", "Your request contains an invalid request parameter."}};
  } else {
    const std::string uuid = StringOf(r.body, "uuid");
    auto seen = uuid.empty() ? uuids_.end() : uuids_.find(uuid);
    if (seen != uuids_.end()) {
      r.duplicate = true;
      r.message_id = seen->second;
    } else {
      r.message_id = "om_fake_" + std::to_string(next_message_++);
      if (!uuid.empty()) uuids_[uuid] = r.message_id;
    }
    json data = {{"message_id", r.message_id}, {"msg_type", StringOf(r.body, "msg_type")}};
    if (r.kind == Request::Kind::kReply) data["parent_id"] = r.reply_to;
    answer = {{"code", 0}, {"msg", "success"}, {"data", data}};
  }
  Record(std::move(r));
  return {status, Dump(answer)};
}

std::vector<FakeFeishuApi::Request> FakeFeishuApi::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

std::vector<FakeFeishuApi::Request> FakeFeishuApi::delivered() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Request> out;
  for (const auto& r : requests_) {
    if (r.kind != Request::Kind::kToken && r.code == 0 && !r.duplicate) out.push_back(r);
  }
  return out;
}

bool FakeFeishuApi::WaitForDelivered(size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, timeout, [&] {
    size_t count = 0;
    for (const auto& r : requests_) {
      count += (r.kind != Request::Kind::kToken && r.code == 0 && !r.duplicate) ? 1 : 0;
    }
    return count >= n;
  });
}

bool FakeFeishuApi::WaitForRequests(size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return requests_.size() >= n; });
}

}  // namespace linli::testing
