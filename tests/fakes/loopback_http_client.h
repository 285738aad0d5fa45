// A minimal plain-http HttpClient (bot/http_client.h) for tests whose binary does not link
// the server's client (bot/server/httplib_client.h): POSTs to fake platform servers on
// loopback. kDeadlineExceeded on a read timeout, kUnavailable on other transport errors,
// kInvalidArgument for a URL that is not http://. Thread-safe (a client per request).
#pragma once

#include "bot/http_client.h"

namespace linli::testing {

class LoopbackHttpClient final : public HttpClient {
 public:
  StatusOr<HttpResponse> Send(const HttpClientRequest& request) override;
};

}  // namespace linli::testing
