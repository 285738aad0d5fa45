// Outbound HTTP seam (STYLE.md 2). Production: HttplibClient (bot/server/httplib_client.h);
// tests: a recording fake or a real client pointed at a fake platform server on loopback.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "bot/http.h"
#include "bot/status.h"

namespace linli {

struct HttpClientRequest {
  std::string method = "POST";
  std::string url;  // absolute: "https://api.telegram.org/bot<token>/sendMessage"
  std::vector<std::pair<std::string, std::string>> headers;
  std::string content_type = "application/json";
  std::string body;
  std::chrono::milliseconds timeout{10000};
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // Performs one request. Blocking; call only off the event loop (outbox and token threads).
  // Returns the response for any HTTP status (4xx/5xx included: the caller interprets them).
  // Errors: kUnavailable when the connection failed (nothing was sent or the outcome is
  // unknown), kDeadlineExceeded on timeout (the request may have been delivered),
  // kInvalidArgument for a malformed URL. Thread-safe.
  virtual StatusOr<HttpResponse> Send(const HttpClientRequest& request) = 0;
};

}  // namespace linli
