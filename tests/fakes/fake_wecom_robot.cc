#include "tests/fakes/fake_wecom_robot.h"

#include <optional>
#include <utility>

namespace linli::testing {

using nlohmann::json;

namespace {

FakeResponse Answer(int64_t errcode, const std::string& errmsg) {
  FakeResponse r = FakeResponse::Json(200, json{{"errcode", errcode}, {"errmsg", errmsg}}.dump());
  r.note = errcode;
  return r;
}

}  // namespace

FakeWecomRobot::FakeWecomRobot(const Clock& clock, std::string key)
    : key_(std::move(key)),
      ledger_(clock),
      server_({.name = "FakeWecomRobot", .error_body = R"({"errcode":-1,"errmsg":"system busy"})"}) {
  server_.AddRoute({"POST", "/cgi-bin/webhook/send",
                    [this](const FakeRequest& req) -> std::optional<FakeResponse> {
                      if (req.param("key") != key_) return Answer(93000, "invalid webhook url");
                      return std::nullopt;
                    },
                    [this](const FakeRequest& req) { return HandleSend(req); }});
  server_.Start();
}

FakeWecomRobot::~FakeWecomRobot() { Stop(); }

FakeResponse FakeWecomRobot::HandleSend(const FakeRequest& request) {
  const json& j = request.json;
  if (!j.is_object() || !j.contains("msgtype") || !j["msgtype"].is_string()) {
    return Answer(40008, "invalid message type");
  }
  const std::string type = j["msgtype"];
  std::string content;
  if (type == "markdown" && j.contains("markdown") && j["markdown"].is_object() &&
      j["markdown"].value("content", json()).is_string()) {
    content = j["markdown"]["content"];
    if (content.size() > kMarkdownMaxBytes) {
      return Answer(40058, "markdown.content exceed max length 4096");
    }
  } else if (type == "text" && j.contains("text") && j["text"].is_object() &&
             j["text"].value("content", json()).is_string()) {
    content = j["text"]["content"];
    if (content.size() > 2048) return Answer(40058, "content exceed max length 2048");
  } else {
    return Answer(40008, "invalid message type");
  }
  if (ledger_.CountWithin(std::chrono::minutes(1)) >= kPerMinute) {
    ledger_.CountRefusal();
    return Answer(45009, "api freq out of limit");
  }
  ledger_.Accept(std::move(content), request.body);
  return Answer(0, "ok");
}

}  // namespace linli::testing
