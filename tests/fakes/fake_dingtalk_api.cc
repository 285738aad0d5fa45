#include "tests/fakes/fake_dingtalk_api.h"

#include <utility>

namespace linli::testing {

using nlohmann::json;

namespace {

FakeResponse Answer(int64_t errcode, const std::string& errmsg) {
  FakeResponse r = FakeResponse::Json(200, json{{"errcode", errcode}, {"errmsg", errmsg}}.dump());
  r.note = errcode;
  return r;
}

int64_t ErrcodeOf(const FakeExchange& e) {
  return e.response.note.is_number_integer() ? e.response.note.get<int64_t>() : 0;
}

constexpr char kSendPath[] = "/robot/sendBySession";
constexpr char kTokenPath[] = "/v1.0/oauth2/accessToken";

bool IsSend(const FakeExchange& e) { return e.request.path == kSendPath; }
bool IsDelivered(const FakeExchange& e) { return IsSend(e) && ErrcodeOf(e) == 0; }

FakeDingTalkApi::Request ToRequest(const FakeExchange& e) {
  FakeDingTalkApi::Request r;
  r.session = e.request.param("session");
  r.raw_body = e.request.body;
  r.body = e.request.json;
  r.errcode = ErrcodeOf(e);
  return r;
}

}  // namespace

FakeDingTalkApi::FakeDingTalkApi()
    : server_(
          {.name = "FakeDingTalkApi", .error_body = R"({"errcode":-1,"errmsg":"system error"})"}) {
  server_.AddRoute({"POST", kSendPath, nullptr,
                    [this](const FakeRequest& req) { return HandleSend(req); }});
  server_.AddRoute({"POST", kTokenPath, nullptr,
                    [this](const FakeRequest& req) { return HandleToken(req); }});
  server_.Start();
}

FakeDingTalkApi::~FakeDingTalkApi() { Stop(); }

std::string FakeDingTalkApi::base() const { return server_.base_url() + "/"; }

std::string FakeDingTalkApi::AddSession(const std::string& session) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    sessions_.insert(session);
  }
  return base() + "robot/sendBySession?session=" + session;
}

FakeResponse FakeDingTalkApi::HandleSend(const FakeRequest& request) const {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (sessions_.count(request.param("session")) == 0) {
      return Answer(300001, "session not found");
    }
  }
  if (!request.json.is_object() || !request.json.contains("msgtype")) {
    return Answer(40035, "missing msgtype");
  }
  return Answer(0, "ok");
}

void FakeDingTalkApi::SetApp(std::string app_key, std::string app_secret) {
  std::lock_guard<std::mutex> lock(mu_);
  app_key_ = std::move(app_key);
  app_secret_ = std::move(app_secret);
}

size_t FakeDingTalkApi::token_fetches() const {
  return server_.Count([](const FakeExchange& e) { return e.request.path == kTokenPath; });
}

FakeResponse FakeDingTalkApi::HandleToken(const FakeRequest& request) {
  const json& body = request.json;
  auto field = [&body](const char* key) {
    return body.is_object() && body.contains(key) && body[key].is_string()
               ? body[key].get<std::string>()
               : std::string();
  };
  std::lock_guard<std::mutex> lock(mu_);
  if (app_key_.empty() || field("appKey") != app_key_ || field("appSecret") != app_secret_) {
    return FakeResponse::Json(
        400, json{{"code", "invalidClientIdOrSecret"}, {"message", "invalid appKey or appSecret"}}
                 .dump());
  }
  return FakeResponse::Json(
      200, json{{"accessToken", "dt-" + std::to_string(next_token_++)}, {"expireIn", 7200}}.dump());
}

std::vector<FakeDingTalkApi::Request> FakeDingTalkApi::requests() const {
  return MapExchanges(server_.exchanges(IsSend), ToRequest);
}

std::vector<FakeDingTalkApi::Request> FakeDingTalkApi::delivered() const {
  return MapExchanges(server_.exchanges(IsDelivered), ToRequest);
}

bool FakeDingTalkApi::WaitForDelivered(size_t n, std::chrono::milliseconds timeout) const {
  return server_.WaitForRequests(n, IsDelivered, timeout);
}

}  // namespace linli::testing
