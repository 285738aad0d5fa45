#include "tests/fakes/fake_dingtalk_robot.h"

#include <charconv>
#include <optional>
#include <utility>

namespace linli::testing {

using nlohmann::json;

namespace {

FakeResponse DingTalkAnswer(int64_t errcode, const std::string& errmsg) {
  FakeResponse r = FakeResponse::Json(200, json{{"errcode", errcode}, {"errmsg", errmsg}}.dump());
  r.note = errcode;
  return r;
}

int64_t ToMillis(const std::string& s) {
  int64_t v = -1;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size() ? v : -1;
}

}  // namespace

FakeDingTalkRobot::FakeDingTalkRobot(const Clock& clock, std::string access_token,
                                     std::string secret)
    : access_token_(std::move(access_token)),
      secret_(std::move(secret)),
      ledger_(clock),
      server_({.name = "FakeDingTalkRobot", .error_body = R"({"errcode":-1,"errmsg":"系统繁忙"})"}) {
  server_.AddRoute(
      {"POST", "/robot/send",
       [this](const FakeRequest& req) -> std::optional<FakeResponse> {
         if (req.param("access_token") != access_token_) return DingTalkAnswer(300001, "token is not exist");
         // FakeRequest::query is decoded: the sign arrives as plain base64 here.
         const std::string ts = req.param("timestamp");
         const int64_t ms = ToMillis(ts);
         const int64_t now = ledger_.now_ms();
         if (ms < 0 || now - ms > 3600 * 1000 || ms - now > 3600 * 1000) {
           return DingTalkAnswer(310000, "invalid timestamp");
         }
         if (req.param("sign") != FakeHmacSha256Base64(secret_, ts + "\n" + secret_)) {
           return DingTalkAnswer(310000, "sign not match");
         }
         return std::nullopt;
       },
       [this](const FakeRequest& req) { return HandleSend(req); }});
  server_.Start();
}

FakeDingTalkRobot::~FakeDingTalkRobot() { Stop(); }

size_t FakeDingTalkRobot::bad_signatures() const {
  return server_.Count([](const FakeExchange& e) {
    return e.refused() && e.response.note.is_number_integer() &&
           e.response.note.get<int64_t>() == 310000;
  });
}

int64_t FakeDingTalkRobot::blocked_until_ms() const {
  std::lock_guard<std::mutex> lock(mu_);
  return blocked_until_ms_;
}

FakeResponse FakeDingTalkRobot::HandleSend(const FakeRequest& request) {
  if (request.body.size() > kBodyMaxBytes) {
    return DingTalkAnswer(460101, "message too long, exceed 20000 bytes");
  }
  const json& j = request.json;
  std::string text;
  if (j.is_object() && j.value("msgtype", "") == "markdown" && j.contains("markdown") &&
      j["markdown"].is_object() && j["markdown"].value("text", json()).is_string() &&
      j["markdown"].value("title", json()).is_string()) {
    text = j["markdown"]["text"];
  } else if (j.is_object() && j.value("msgtype", "") == "text" && j.contains("text") &&
             j["text"].is_object() && j["text"].value("content", json()).is_string()) {
    text = j["text"]["content"];
  } else {
    return DingTalkAnswer(40035, "缺少参数 json");
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    const int64_t now = ledger_.now_ms();
    if (now < blocked_until_ms_ || ledger_.CountWithin(std::chrono::minutes(1)) >= kPerMinute) {
      if (now >= blocked_until_ms_) blocked_until_ms_ = now + kBlockMs;
      ledger_.CountRefusal();
      return DingTalkAnswer(130101, "send too fast, exceed 20 times per minute");
    }
    ledger_.Accept(std::move(text), request.body);
  }
  return DingTalkAnswer(0, "ok");
}

}  // namespace linli::testing
