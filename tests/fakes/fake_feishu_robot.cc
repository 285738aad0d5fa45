#include "tests/fakes/fake_feishu_robot.h"

#include <charconv>
#include <optional>
#include <utility>

namespace linli::testing {

using nlohmann::json;

namespace {

FakeResponse FeishuRobotAnswer(int status, int64_t code, const std::string& msg) {
  json body = {{"code", code}, {"msg", msg}};
  if (code == 0) body["data"] = json::object();
  FakeResponse r = FakeResponse::Json(status, body.dump());
  r.note = code;
  return r;
}

int64_t ToSeconds(const std::string& s) {
  int64_t v = -1;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size() && !s.empty() ? v : -1;
}

// The text of a post body (one line per paragraph), or nullopt when it is not one.
std::optional<std::string> PostText(const json& j) {
  const json* post = nullptr;
  try {
    post = &j.at("content").at("post");
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (!post->is_object() || post->empty()) return std::nullopt;
  const json& lang = post->begin().value();
  if (!lang.is_object() || !lang.contains("content") || !lang["content"].is_array()) {
    return std::nullopt;
  }
  std::string text;
  bool first = true;
  for (const json& paragraph : lang["content"]) {
    if (!paragraph.is_array()) return std::nullopt;
    if (!first) text += '\n';
    first = false;
    for (const json& node : paragraph) {
      if (!node.is_object()) return std::nullopt;
      if (node.value("tag", "") == "text" && node.value("text", json()).is_string()) {
        text += node["text"].get<std::string>();
      }
    }
  }
  return text;
}

}  // namespace

FakeFeishuRobot::FakeFeishuRobot(const Clock& clock, std::string token, std::string secret)
    : token_(std::move(token)),
      secret_(std::move(secret)),
      ledger_(clock),
      server_({.name = "FakeFeishuRobot", .error_body = R"({"code":9499,"msg":"Bad Request"})"}) {
  server_.AddRoute(
      {"POST", "/open-apis/bot/v2/hook/(.+)",
       [this](const FakeRequest& req) -> std::optional<FakeResponse> {
         if (req.matches.size() < 2 || req.matches[1] != token_) {
           return FeishuRobotAnswer(200, 19001, "param invalid: incoming webhook access token invalid");
         }
         const json& j = req.json;
         const std::string ts =
             j.is_object() && j.value("timestamp", json()).is_string() ? j["timestamp"] : "";
         const std::string sign =
             j.is_object() && j.value("sign", json()).is_string() ? j["sign"] : "";
         const int64_t s = ToSeconds(ts);
         const int64_t now_s = ledger_.now_ms() / 1000;
         if (s < 0 || now_s - s > 3600 || s - now_s > 3600 ||
             sign != FakeHmacSha256Base64(ts + "\n" + secret_, "")) {
           return FeishuRobotAnswer(200, 19021,
                         "sign match fail or timestamp is not within one hour from current time");
         }
         return std::nullopt;
       },
       [this](const FakeRequest& req) { return HandleSend(req); }});
  server_.Start();
}

FakeFeishuRobot::~FakeFeishuRobot() { Stop(); }

size_t FakeFeishuRobot::bad_signatures() const {
  return server_.Count([](const FakeExchange& e) {
    return e.refused() && e.response.note.is_number_integer() &&
           e.response.note.get<int64_t>() == 19021;
  });
}

FakeResponse FakeFeishuRobot::HandleSend(const FakeRequest& request) {
  if (request.body.size() > kBodyMaxBytes) return FeishuRobotAnswer(400, 9499, "Bad Request");
  const json& j = request.json;
  std::optional<std::string> text;
  const std::string type = j.is_object() ? j.value("msg_type", "") : "";
  if (type == "post") {
    text = PostText(j);
  } else if (type == "text" && j.contains("content") && j["content"].is_object() &&
             j["content"].value("text", json()).is_string()) {
    text = j["content"]["text"].get<std::string>();
  }
  if (!text) return FeishuRobotAnswer(400, 9499, "Bad Request");
  std::lock_guard<std::mutex> lock(mu_);
  if (ledger_.CountWithin(std::chrono::seconds(1)) >= kPerSecond ||
      ledger_.CountWithin(std::chrono::minutes(1)) >= kPerMinute) {
    ledger_.CountRefusal();
    return FeishuRobotAnswer(200, 11232, "frequency limited psm[lark.oapi.app_platform_runtime]appID[1]");
  }
  ledger_.Accept(std::move(*text), request.body);
  return FeishuRobotAnswer(200, 0, "success");
}

}  // namespace linli::testing
