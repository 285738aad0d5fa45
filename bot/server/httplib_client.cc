#include "bot/server/httplib_client.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

#include "bot/server/log.h"

namespace linli {

namespace {

spdlog::logger& Log() {
  static const std::shared_ptr<spdlog::logger> logger = GetLogger("http_client");
  return *logger;
}

bool HasCtl(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "host:port" (IPv6 in brackets): what log lines and error messages may name.
std::string HostPort(const ParsedUrl& url) {
  const bool v6 = url.host.find(':') != std::string::npos;
  return (v6 ? "[" + url.host + "]" : url.host) + ":" + std::to_string(url.port);
}

}  // namespace

StatusOr<ParsedUrl> ParseHttpUrl(const std::string& url) {
  // Messages below never quote the URL: its path may carry a bot token.
  for (char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) {
      return Status::InvalidArgument("URL contains whitespace or control characters");
    }
  }
  const size_t sep = url.find("://");
  if (sep == std::string::npos) return Status::InvalidArgument("URL has no scheme");
  ParsedUrl out;
  out.scheme = ToLower(std::string_view(url).substr(0, sep));
  if (out.scheme != "http" && out.scheme != "https") {
    return Status::InvalidArgument("URL scheme must be http or https");
  }
  const std::string_view rest = std::string_view(url).substr(sep + 3);
  const size_t authority_end = rest.find_first_of("/?#");
  const std::string_view authority = rest.substr(0, authority_end);
  std::string_view path =
      authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  if (const size_t hash = path.find('#'); hash != std::string_view::npos) {
    path = path.substr(0, hash);  // fragments are never sent
  }
  if (authority.find('@') != std::string_view::npos) {
    return Status::InvalidArgument("URL user info is not supported");
  }
  std::string_view host;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return Status::InvalidArgument("URL has a bad IPv6 host");
    host = authority.substr(1, close - 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return Status::InvalidArgument("URL has a bad IPv6 host");
      port = after.substr(1);
      if (port.empty()) return Status::InvalidArgument("URL has an empty port");
    }
    if (host.empty() || host.find_first_not_of("0123456789abcdefABCDEF:.") != std::string_view::npos) {
      return Status::InvalidArgument("URL has a bad IPv6 host");
    }
  } else {
    const size_t colon = authority.find(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      port = authority.substr(colon + 1);
      if (port.empty()) return Status::InvalidArgument("URL has an empty port");
    }
    if (host.empty()) return Status::InvalidArgument("URL has no host");
    for (char c : host) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.' && c != '_') {
        return Status::InvalidArgument("URL host has invalid characters");
      }
    }
  }
  out.host = std::string(host);
  if (port.empty()) {
    out.port = out.scheme == "https" ? 443 : 80;
  } else {
    if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos) {
      return Status::InvalidArgument("URL has a bad port");
    }
    out.port = std::stoi(std::string(port));
    if (out.port < 1 || out.port > 65535) return Status::InvalidArgument("URL has a bad port");
  }
  if (path.empty()) {
    out.path = "/";
  } else if (path.front() == '?') {
    out.path = "/" + std::string(path);
  } else {
    out.path = std::string(path);
  }
  return out;
}

// Idle keep-alive clients per scheme+host+port. A client is used by one thread at a time:
// httplib's timeouts are per client, so sharing one across threads would race on them.
class HttplibClient::Pool {
 public:
  explicit Pool(const HttplibClientOptions& options) : options_(options) {}

  std::unique_ptr<httplib::Client> Acquire(const std::string& key) {
    const auto now = std::chrono::steady_clock::now();
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto& idle = idle_[key];
      while (!idle.empty()) {
        Entry e = std::move(idle.back());
        idle.pop_back();
        // Servers drop idle keep-alive connections; do not bet a request on an old one.
        if (now - e.last_used < kMaxIdle) return std::move(e.client);
      }
    }
    auto client = std::make_unique<httplib::Client>(key);
    client->set_keep_alive(true);
    client->set_tcp_nodelay(true);
    client->set_follow_location(false);
    client->set_url_encode(false);  // callers pass encoded paths; never re-encode tokens
    client->enable_server_certificate_verification(options_.verify_server_certificate);
    return client;
  }

  void Release(const std::string& key, std::unique_ptr<httplib::Client> client) {
    std::lock_guard<std::mutex> lock(mu_);
    auto& idle = idle_[key];
    if (idle.size() < options_.max_idle_per_host) {
      idle.push_back(Entry{std::move(client), std::chrono::steady_clock::now()});
    }
  }

 private:
  static constexpr std::chrono::seconds kMaxIdle{30};
  struct Entry {
    std::unique_ptr<httplib::Client> client;
    std::chrono::steady_clock::time_point last_used;
  };
  const HttplibClientOptions& options_;
  std::mutex mu_;
  std::unordered_map<std::string, std::vector<Entry>> idle_;  // guarded by mu_
};

HttplibClient::HttplibClient(HttplibClientOptions options)
    : options_(std::move(options)), pool_(std::make_unique<Pool>(options_)) {}

HttplibClient::~HttplibClient() = default;

StatusOr<HttpResponse> HttplibClient::Send(const HttpClientRequest& request) {
  LINLI_ASSIGN_OR_RETURN(ParsedUrl url, ParseHttpUrl(request.url));
  const std::string where = request.method + " " + HostPort(url);
  if (request.method.empty() || HasCtl(request.method) ||
      request.method.find(' ') != std::string::npos) {
    return Status::InvalidArgument("bad HTTP method");
  }

  httplib::Request req;
  req.method = request.method;
  req.path = url.path;
  for (const auto& [name, value] : request.headers) {
    if (name.empty() || HasCtl(name) || HasCtl(value)) {
      return Status::InvalidArgument(where + ": header with control characters");
    }
    req.headers.emplace(name, value);
  }
  if (!req.has_header("User-Agent") && !options_.user_agent.empty()) {
    req.headers.emplace("User-Agent", options_.user_agent);
  }
  if (!request.content_type.empty() && !req.has_header("Content-Type") &&
      (!request.body.empty() || request.method == "POST" || request.method == "PUT" ||
       request.method == "PATCH")) {
    if (HasCtl(request.content_type)) return Status::InvalidArgument(where + ": bad content type");
    req.headers.emplace("Content-Type", request.content_type);
  }
  req.body = request.body;

  std::string body;
  bool too_large = false;
  const size_t max_bytes = options_.max_response_bytes;
  req.content_receiver = [&](const char* data, size_t len, uint64_t, uint64_t) {
    if (len > max_bytes - body.size()) {
      too_large = true;
      return false;
    }
    body.append(data, len);
    return true;
  };

  const std::string key = url.scheme + "://" +
                          (url.host.find(':') != std::string::npos ? "[" + url.host + "]"
                                                                   : url.host) +
                          ":" + std::to_string(url.port);
  std::unique_ptr<httplib::Client> client = pool_->Acquire(key);
  const auto timeout = std::max(request.timeout, std::chrono::milliseconds(1));
  client->set_connection_timeout(std::min(timeout, options_.connect_timeout));
  client->set_read_timeout(timeout);
  client->set_write_timeout(timeout);

  const auto start = std::chrono::steady_clock::now();
  httplib::Result result = client->send(req);
  const auto elapsed = std::chrono::steady_clock::now() - start;

  if (!result) {
    const httplib::Error error = result.error();
    // httplib reports a read or write timeout as a plain Read/Write error: tell it from a
    // dropped connection by the time spent (its timeouts are per socket wait).
    const bool timed_out = elapsed >= timeout - timeout / 10;
    const std::string what = where + ": " + httplib::to_string(error);
    Log().debug("request to {} failed: {}", HostPort(url), httplib::to_string(error));
    switch (error) {
      case httplib::Error::Connection:
      case httplib::Error::ConnectionTimeout:
      case httplib::Error::BindIPAddress:
      case httplib::Error::SSLConnection:
      case httplib::Error::SSLServerVerification:
        return Status::Unavailable(what);  // nothing was sent
      case httplib::Error::Read:
      case httplib::Error::Write:
        if (timed_out) return Status::DeadlineExceeded(what + " (timeout)");
        return Status::Unavailable(what);
      case httplib::Error::Canceled:
        if (too_large) {
          return Status::ResourceExhausted(where + ": response body over " +
                                           std::to_string(max_bytes) + " bytes");
        }
        return Status::Unavailable(what);
      case httplib::Error::SSLLoadingCerts:
        return Status::Internal(what);
      default:
        return Status::Unavailable(what);
    }
  }

  HttpResponse out;
  out.status = result->status;
  out.body = std::move(body);
  out.content_type = result->get_header_value("Content-Type");
  out.headers.reserve(result->headers.size());
  for (const auto& [name, value] : result->headers) out.headers.emplace_back(name, value);
  pool_->Release(key, std::move(client));
  return out;
}

}  // namespace linli
