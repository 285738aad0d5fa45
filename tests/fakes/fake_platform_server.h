// The base of every fake platform API in tests (STYLE.md 7): a real cpp-httplib server on
// 127.0.0.1:<ephemeral>, started in-process, that records every request and answers from the
// routes a fake declares, with scripted answers on top. A fake (fake_telegram_api.h, ...) is
// only its routes, its answers and the views of the record its tests want.
//
// Each request goes through, in order:
//   1. the server-wide delay (SetResponseDelay), if any;
//   2. the route's `authorize` step, if any: an answer there is final (a refused call - a
//      wrong token - consumes no script and reaches no `answer`);
//   3. the scripted answers for the request's path, if any are queued (FailNext) or set
//      (Script); a script stands in for `answer`;
//   4. the route's `answer`.
// Then the chosen answer's own `delay` is slept, the exchange is recorded (and the waiters are
// woken), and only then the answer is sent: a client that has its answer finds its request in
// exchanges(). A handler that throws is answered 500 with Options::error_body.
//
// Server settings (SECURITY.md on cpp-httplib 0.11.4's defaults): a pool of Options::threads
// workers, keep-alive for Options::keep_alive_max_count requests, TCP_NODELAY and a listen
// backlog of 1024, so a fake is never the bottleneck of a concurrent test.
//
// Thread-safety: routes are added before Start(), from one thread. Everything else may be
// called from any thread at any time, also while requests are served. Route handlers run on
// the server's workers, concurrently; they guard their own state.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace httplib {
class Server;
}

namespace linli::testing {

using FakeHeaders = std::vector<std::pair<std::string, std::string>>;

// One part of a multipart/form-data body, as cpp-httplib parsed it.
struct FakeFormPart {
  std::string name;
  std::string content;
  std::string filename;      // "" for a plain field
  std::string content_type;  // "" for a plain field
};

// A request as the fake saw it.
struct FakeRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // without the query: "/cgi-bin/message/send"
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  FakeHeaders headers;                                     // as sent
  std::string body;
  nlohmann::json json;               // `body` parsed; discarded() when it is not JSON
  std::vector<std::string> matches;  // the route pattern's match: [0] the path, [1..] captures
  int remote_port = 0;               // the client's port (which connection it came on)
  // A multipart/form-data body's parts, in name order (`body` is then empty: the server
  // parsed it, so a malformed body shows as missing parts).
  std::vector<FakeFormPart> form;

  // The form part named `name`; nullptr when absent.
  const FakeFormPart* part(std::string_view name) const;
  // The first header named `name` (case-insensitive), "" when absent.
  std::string header(std::string_view name) const;
  // The first query parameter named `name`, "" when absent.
  std::string param(std::string_view name) const;
};

// An answer.
struct FakeResponse {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  FakeHeaders headers;
  std::chrono::milliseconds delay{0};  // slept before the answer is recorded and sent
  // What the fake wants to remember about this exchange and is not sent (e.g. "this uuid was
  // seen before"); read back through FakeExchange::response.
  nlohmann::json note;

  static FakeResponse Json(int status, std::string body);
};

// One recorded request and what was answered.
struct FakeExchange {
  enum class AnsweredBy { kAuthorize, kScript, kRoute };
  FakeRequest request;
  FakeResponse response;
  AnsweredBy answered_by = AnsweredBy::kRoute;

  bool refused() const { return answered_by == AnsweredBy::kAuthorize; }
};

struct FakeRoute {
  using Authorize = std::function<std::optional<FakeResponse>(const FakeRequest&)>;
  using Answer = std::function<FakeResponse(const FakeRequest&)>;

  std::string method;   // "GET", "POST", "PUT", "PATCH" or "DELETE"
  std::string pattern;  // a regex over the whole path (cpp-httplib); groups -> matches
  Authorize authorize;  // optional: an answer refuses the call (step 2 above)
  Answer answer;        // required
};

// `exchanges` each turned into a fake's own record type by `to` (a fake's requests() views).
template <typename To>
auto MapExchanges(const std::vector<FakeExchange>& exchanges, To to) {
  std::vector<decltype(to(exchanges.front()))> out;
  out.reserve(exchanges.size());
  for (const auto& e : exchanges) out.push_back(to(e));
  return out;
}

class FakePlatformServer {
 public:
  struct Options {
    std::string name = "FakePlatformServer";  // in the abort message when it cannot bind
    int threads = 32;
    size_t keep_alive_max_count = 100000;
    // Answered with status 500 when a handler throws.
    std::string error_body = R"({"error":"internal error"})";
  };

  FakePlatformServer();
  explicit FakePlatformServer(Options options);
  ~FakePlatformServer();  // Stop()s
  FakePlatformServer(const FakePlatformServer&) = delete;
  FakePlatformServer& operator=(const FakePlatformServer&) = delete;

  // Adds a route. Only before Start(); the first matching route of a method wins.
  void AddRoute(FakeRoute route);

  // Binds 127.0.0.1:<ephemeral> and serves on a thread of its own; returns once the server
  // accepts connections. Aborts the test binary if it cannot bind (nothing to test then).
  // Once only.
  void Start();
  // Stops serving and joins the server thread; connections are refused afterwards, port()
  // stays what it was. Idempotent; a server never started stops at once.
  void Stop();

  int port() const { return port_; }
  std::string base_url() const;  // "http://127.0.0.1:<port>"

  // Scripts, by exact path (no query). The next `count` calls of `path` that pass `authorize`
  // are answered with `response` instead of the route's answer; queued scripts run in order.
  void FailNext(const std::string& path, int count, FakeResponse response);
  // Every call of `path` that passes `authorize` (and finds no queued script) is answered with
  // `response` until ClearScript(path).
  void Script(const std::string& path, FakeResponse response);
  void ClearScript(const std::string& path);
  // Delays every answer by `delay` before anything else (to provoke client timeouts); 0 = none.
  void SetResponseDelay(std::chrono::milliseconds delay);

  // Every request so far (refused ones too), in the order they were recorded.
  std::vector<FakeExchange> exchanges() const;
  // Those for which `keep` is true.
  std::vector<FakeExchange> exchanges(const std::function<bool(const FakeExchange&)>& keep) const;
  size_t exchange_count() const;
  size_t Count(const std::function<bool(const FakeExchange&)>& keep) const;

  // Waits until at least `n` requests were recorded. False on timeout.
  bool WaitForRequests(size_t n, std::chrono::milliseconds timeout) const;
  // Waits until at least `n` recorded requests satisfy `keep`. False on timeout.
  bool WaitForRequests(size_t n, const std::function<bool(const FakeExchange&)>& keep,
                       std::chrono::milliseconds timeout) const;

 private:
  FakeResponse Serve(const FakeRoute& route, FakeRequest request);

  const Options options_;
  std::unique_ptr<httplib::Server> server_;
  std::vector<std::unique_ptr<FakeRoute>> routes_;
  std::thread thread_;
  int port_ = 0;
  int listen_socket_ = -1;

  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::vector<FakeExchange> exchanges_;
  std::map<std::string, std::deque<FakeResponse>, std::less<>> queued_;
  std::map<std::string, FakeResponse, std::less<>> scripts_;
  std::chrono::milliseconds delay_{0};
};

}  // namespace linli::testing
