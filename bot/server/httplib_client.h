// The production HttpClient over cpp-httplib 0.11.4 (Debian's compiled library, OpenSSL
// enabled). httplib is included only in the .cc.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "bot/http_client.h"

namespace linli {

struct HttplibClientOptions {
  // Connect timeout cap; the request's own timeout applies when it is shorter.
  std::chrono::milliseconds connect_timeout{5000};
  // Idle keep-alive connections kept per scheme+host+port; extra ones are closed after use.
  size_t max_idle_per_host = 4;
  // Larger response bodies (after decompression) fail with kResourceExhausted.
  size_t max_response_bytes = 8 * 1024 * 1024;
  // Verify HTTPS server certificates and host names (system CA store). Tests only turn it off.
  bool verify_server_certificate = true;
  std::string user_agent = "linli";
};

class HttplibClient final : public HttpClient {
 public:
  explicit HttplibClient(HttplibClientOptions options = {});
  ~HttplibClient() override;
  HttplibClient(const HttplibClient&) = delete;
  HttplibClient& operator=(const HttplibClient&) = delete;

  // See HttpClient::Send. Supports http:// and https:// URLs of the form
  // scheme://host[:port][/path][?query] (IPv6 hosts in brackets); the path and query are sent
  // as given (already percent-encoded). Errors, in addition to the seam's: kResourceExhausted
  // when the response body exceeds max_response_bytes. A connect timeout is kUnavailable
  // (nothing was sent); a read or write timeout is kDeadlineExceeded. httplib applies the
  // timeout to each socket wait, so a server trickling bytes can stretch a call past
  // `timeout`. Redirects are not followed. Log lines name the host only, never
  // the path (it carries bot tokens). Thread-safe: concurrent calls use separate pooled
  // connections.
  StatusOr<HttpResponse> Send(const HttpClientRequest& request) override;

 private:
  class Pool;
  const HttplibClientOptions options_;
  std::unique_ptr<Pool> pool_;
};

// A parsed absolute URL (exposed for tests).
struct ParsedUrl {
  std::string scheme;  // "http" or "https"
  std::string host;    // without brackets for IPv6
  int port = 0;        // explicit or the scheme's default
  std::string path;    // "/..." including "?query"; "/" when absent
};
// kInvalidArgument for anything but scheme://host[:port][/path][?query] with scheme http(s),
// a non-empty host, a port in 1..65535 and no whitespace or control characters. The error
// message never contains the path.
StatusOr<ParsedUrl> ParseHttpUrl(const std::string& url);

}  // namespace linli
