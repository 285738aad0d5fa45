// An HttpClient that records every request and answers from a script (STYLE.md 2).
// Thread-safe. Unscripted requests get the default response (200 {"ok":true,"result":true}
// unless changed with SetDefault).
#pragma once

#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "bot/http_client.h"

namespace linli::testing {

class RecordingHttpClient final : public HttpClient {
 public:
  RecordingHttpClient();
  RecordingHttpClient(const RecordingHttpClient&) = delete;
  RecordingHttpClient& operator=(const RecordingHttpClient&) = delete;

  StatusOr<HttpResponse> Send(const HttpClientRequest& request) override;

  // Queues the answer to the next unanswered request (FIFO).
  void Push(StatusOr<HttpResponse> response);
  void PushJson(int status, std::string body);
  void PushError(Status status);
  void SetDefault(StatusOr<HttpResponse> response);

  std::vector<HttpClientRequest> requests() const;
  size_t request_count() const;
  HttpClientRequest last_request() const;  // default-constructed if none
  void Clear();

 private:
  mutable std::mutex mu_;
  std::vector<HttpClientRequest> requests_;
  std::deque<StatusOr<HttpResponse>> script_;
  StatusOr<HttpResponse> default_;
};

}  // namespace linli::testing
