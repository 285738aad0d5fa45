#include "tests/fakes/fake_platform_server.h"

#include <httplib.h>
#include <strings.h>
#include <sys/socket.h>

#include <cstdio>
#include <cstdlib>

namespace linli::testing {

std::string FakeRequest::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k.size() == name.size() && ::strncasecmp(k.data(), name.data(), k.size()) == 0) return v;
  }
  return "";
}

std::string FakeRequest::param(std::string_view name) const {
  for (const auto& [k, v] : query) {
    if (k == name) return v;
  }
  return "";
}

const FakeFormPart* FakeRequest::part(std::string_view name) const {
  for (const auto& p : form) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

FakeResponse FakeResponse::Json(int status, std::string body) {
  FakeResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

FakePlatformServer::FakePlatformServer() : FakePlatformServer(Options{}) {}

FakePlatformServer::FakePlatformServer(Options options)
    : options_(std::move(options)), server_(std::make_unique<httplib::Server>()) {
  // SECURITY.md: the defaults (8 workers, keep-alive closed after 5 requests, Nagle on) would
  // make the fake the bottleneck of any concurrent test.
  const int threads = options_.threads;
  server_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server_->set_keep_alive_max_count(options_.keep_alive_max_count);
  server_->set_tcp_nodelay(true);
  // cpp-httplib 0.11.4 listens with a backlog of 5: concurrent connects beyond it wait for a
  // SYN retransmit (1 s). Remember the socket and raise the backlog after binding.
  server_->set_socket_options([this](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    listen_socket_ = sock;
  });
  server_->set_exception_handler([body = options_.error_body](const httplib::Request&,
                                                              httplib::Response& res,
                                                              std::exception_ptr) {
    res.status = 500;
    res.set_content(body, "application/json");
  });
}

FakePlatformServer::~FakePlatformServer() { Stop(); }

void FakePlatformServer::AddRoute(FakeRoute route) {
  routes_.push_back(std::make_unique<FakeRoute>(std::move(route)));
  const FakeRoute* r = routes_.back().get();
  const auto handler = [this, r](const httplib::Request& req, httplib::Response& res) {
    FakeRequest request;
    request.method = req.method;
    request.path = req.path;
    request.query.assign(req.params.begin(), req.params.end());
    request.headers.assign(req.headers.begin(), req.headers.end());
    request.body = req.body;
    request.json = nlohmann::json::parse(req.body, nullptr, /*allow_exceptions=*/false);
    for (const auto& m : req.matches) request.matches.push_back(m.str());
    request.remote_port = req.remote_port;
    for (const auto& [name, f] : req.files) {
      request.form.push_back({f.name, f.content, f.filename, f.content_type});
    }
    const FakeResponse answer = Serve(*r, std::move(request));
    res.status = answer.status;
    for (const auto& [k, v] : answer.headers) res.set_header(k, v);
    res.set_content(answer.body, answer.content_type);
  };
  if (r->method == "GET") {
    server_->Get(r->pattern, handler);
  } else if (r->method == "POST") {
    server_->Post(r->pattern, handler);
  } else if (r->method == "PUT") {
    server_->Put(r->pattern, handler);
  } else if (r->method == "PATCH") {
    server_->Patch(r->pattern, handler);
  } else if (r->method == "DELETE") {
    server_->Delete(r->pattern, handler);
  } else {
    std::fprintf(stderr, "%s: unsupported method %s\n", options_.name.c_str(), r->method.c_str());
    std::abort();
  }
}

void FakePlatformServer::Start() {
  port_ = server_->bind_to_any_port("127.0.0.1");
  if (port_ <= 0) {
    std::fprintf(stderr, "%s: cannot bind 127.0.0.1\n", options_.name.c_str());
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

void FakePlatformServer::Stop() {
  if (!thread_.joinable()) return;
  server_->stop();
  thread_.join();
}

std::string FakePlatformServer::base_url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

void FakePlatformServer::FailNext(const std::string& path, int count, FakeResponse response) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& queue = queued_[path];
  for (int i = 0; i < count; ++i) queue.push_back(response);
}

void FakePlatformServer::Script(const std::string& path, FakeResponse response) {
  std::lock_guard<std::mutex> lock(mu_);
  scripts_[path] = std::move(response);
}

void FakePlatformServer::ClearScript(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  scripts_.erase(path);
}

void FakePlatformServer::SetResponseDelay(std::chrono::milliseconds delay) {
  std::lock_guard<std::mutex> lock(mu_);
  delay_ = delay;
}

FakeResponse FakePlatformServer::Serve(const FakeRoute& route, FakeRequest request) {
  std::chrono::milliseconds delay{0};
  {
    std::lock_guard<std::mutex> lock(mu_);
    delay = delay_;
  }
  if (delay.count() > 0) std::this_thread::sleep_for(delay);

  FakeExchange exchange;
  std::optional<FakeResponse> answer;
  if (route.authorize) answer = route.authorize(request);
  if (answer) {
    exchange.answered_by = FakeExchange::AnsweredBy::kAuthorize;
  } else {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto q = queued_.find(request.path); q != queued_.end() && !q->second.empty()) {
      answer = std::move(q->second.front());
      q->second.pop_front();
    } else if (auto s = scripts_.find(request.path); s != scripts_.end()) {
      answer = s->second;
    }
    if (answer) exchange.answered_by = FakeExchange::AnsweredBy::kScript;
  }
  if (!answer) answer = route.answer(request);
  if (answer->delay.count() > 0) std::this_thread::sleep_for(answer->delay);

  exchange.request = std::move(request);
  exchange.response = *answer;
  {
    std::lock_guard<std::mutex> lock(mu_);
    exchanges_.push_back(std::move(exchange));
  }
  cv_.notify_all();
  return std::move(*answer);
}

std::vector<FakeExchange> FakePlatformServer::exchanges() const {
  std::lock_guard<std::mutex> lock(mu_);
  return exchanges_;
}

std::vector<FakeExchange> FakePlatformServer::exchanges(
    const std::function<bool(const FakeExchange&)>& keep) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<FakeExchange> out;
  for (const auto& e : exchanges_) {
    if (keep(e)) out.push_back(e);
  }
  return out;
}

size_t FakePlatformServer::exchange_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return exchanges_.size();
}

size_t FakePlatformServer::Count(const std::function<bool(const FakeExchange&)>& keep) const {
  std::lock_guard<std::mutex> lock(mu_);
  size_t n = 0;
  for (const auto& e : exchanges_) n += keep(e) ? 1 : 0;
  return n;
}

bool FakePlatformServer::WaitForRequests(size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return exchanges_.size() >= n; });
}

bool FakePlatformServer::WaitForRequests(size_t n,
                                         const std::function<bool(const FakeExchange&)>& keep,
                                         std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, timeout, [&] {
    size_t count = 0;
    for (const auto& e : exchanges_) count += keep(e) ? 1 : 0;
    return count >= n;
  });
}

}  // namespace linli::testing
