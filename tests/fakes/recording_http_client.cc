#include "tests/fakes/recording_http_client.h"

#include <utility>

namespace linli::testing {

RecordingHttpClient::RecordingHttpClient()
    : default_(HttpResponse::Json(200, R"({"ok":true,"result":true})")) {}

StatusOr<HttpResponse> RecordingHttpClient::Send(const HttpClientRequest& request) {
  std::lock_guard<std::mutex> lock(mu_);
  requests_.push_back(request);
  if (script_.empty()) return default_;
  StatusOr<HttpResponse> next = std::move(script_.front());
  script_.pop_front();
  return next;
}

void RecordingHttpClient::Push(StatusOr<HttpResponse> response) {
  std::lock_guard<std::mutex> lock(mu_);
  script_.push_back(std::move(response));
}

void RecordingHttpClient::PushJson(int status, std::string body) {
  Push(HttpResponse::Json(status, std::move(body)));
}

void RecordingHttpClient::PushError(Status status) { Push(std::move(status)); }

void RecordingHttpClient::SetDefault(StatusOr<HttpResponse> response) {
  std::lock_guard<std::mutex> lock(mu_);
  default_ = std::move(response);
}

std::vector<HttpClientRequest> RecordingHttpClient::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

size_t RecordingHttpClient::request_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_.size();
}

HttpClientRequest RecordingHttpClient::last_request() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_.empty() ? HttpClientRequest{} : requests_.back();
}

void RecordingHttpClient::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  requests_.clear();
  script_.clear();
}

}  // namespace linli::testing
