#include "tests/fakes/fake_feishu_api.h"

#include <utility>

namespace linli::testing {

using nlohmann::json;

namespace {

constexpr char kFeishuTokenPath[] = "/open-apis/auth/v3/tenant_access_token/internal";
constexpr char kCreatePath[] = "/open-apis/im/v1/messages";
constexpr char kReplyPattern[] = R"(/open-apis/im/v1/messages/([^/]+)/reply)";

std::string StringOf(const json& j, const char* key) {
  if (!j.is_object()) return "";
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string BearerOf(const FakeRequest& request) {
  const std::string authorization = request.header("Authorization");
  const std::string prefix = "Bearer ";
  return authorization.rfind(prefix, 0) == 0 ? authorization.substr(prefix.size()) : "";
}

// Feishu answers with a `code`; it, and what the fake decided about the message, are noted
// for requests().
FakeResponse Answer(int status, const json& body, bool duplicate = false,
                    const std::string& message_id = "") {
  FakeResponse r =
      FakeResponse::Json(status, body.dump(-1, ' ', false, json::error_handler_t::replace));
  r.note = {{"code", body.value("code", int64_t{0})},
            {"duplicate", duplicate},
            {"message_id", message_id}};
  return r;
}

FakeFeishuApi::Request FeishuRequestOf(const FakeExchange& e) {
  using Kind = FakeFeishuApi::Request::Kind;
  FakeFeishuApi::Request r;
  const FakeRequest& req = e.request;
  r.kind = req.path == kFeishuTokenPath    ? Kind::kToken
           : req.path == kCreatePath ? Kind::kCreate
                                     : Kind::kReply;
  if (r.kind != Kind::kToken) r.token = BearerOf(req);
  if (r.kind == Kind::kReply && req.matches.size() > 1) r.reply_to = req.matches[1];
  if (r.kind == Kind::kCreate) r.receive_id_type = req.param("receive_id_type");
  r.raw_body = req.body;
  r.body = req.json;
  const json& note = e.response.note;
  r.code = note.value("code", int64_t{0});
  r.duplicate = note.value("duplicate", false);
  r.message_id = note.value("message_id", std::string());
  return r;
}

bool FeishuDelivered(const FakeExchange& e) {
  const FakeFeishuApi::Request r = FeishuRequestOf(e);
  return r.kind != FakeFeishuApi::Request::Kind::kToken && r.code == 0 && !r.duplicate;
}

}  // namespace

FakeFeishuApi::FakeFeishuApi(std::string app_id, std::string app_secret)
    : app_id_(std::move(app_id)),
      app_secret_(std::move(app_secret)),
      server_({.name = "FakeFeishuApi", .error_body = R"({"code":500,"msg":"internal error"})"}) {
  const auto check = [this](const FakeRequest& req) { return CheckToken(req); };
  server_.AddRoute(
      {"POST", kFeishuTokenPath, nullptr, [this](const FakeRequest& req) { return HandleToken(req); }});
  server_.AddRoute({"POST", kCreatePath, check,
                    [this](const FakeRequest& req) { return HandleSend(req, false); }});
  server_.AddRoute({"POST", kReplyPattern, check,
                    [this](const FakeRequest& req) { return HandleSend(req, true); }});
  server_.Start();
}

FakeFeishuApi::~FakeFeishuApi() { Stop(); }

std::string FakeFeishuApi::api_base() const { return server_.base_url(); }

void FakeFeishuApi::ExpireTokens() {
  std::lock_guard<std::mutex> lock(mu_);
  valid_.clear();
}

std::vector<std::string> FakeFeishuApi::issued_tokens() const {
  std::lock_guard<std::mutex> lock(mu_);
  return issued_;
}

FakeResponse FakeFeishuApi::HandleToken(const FakeRequest& request) {
  if (StringOf(request.json, "app_id") != app_id_ ||
      StringOf(request.json, "app_secret") != app_secret_) {
    return Answer(200, {{"code", 10014}, {"msg", "app secret invalid"}});
  }
  std::string token;
  {
    std::lock_guard<std::mutex> lock(mu_);
    token = "t-fake-" + std::to_string(next_token_++);
    issued_.push_back(token);
    valid_.insert(token);
  }
  return Answer(200,
                {{"code", 0}, {"msg", "ok"}, {"tenant_access_token", token}, {"expire", 7200}});
}

std::optional<FakeResponse> FakeFeishuApi::CheckToken(const FakeRequest& request) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (valid_.count(BearerOf(request)) != 0) return std::nullopt;
  return Answer(400, {{"code", 99991663}, {"msg", "Invalid access token for authorization."}});
}

FakeResponse FakeFeishuApi::HandleSend(const FakeRequest& request, bool reply) {
  const json& body = request.json;
  if (!body.is_object() || StringOf(body, "msg_type").empty() ||
      StringOf(body, "content").empty() ||
      (!reply &&
       (request.param("receive_id_type").empty() || StringOf(body, "receive_id").empty()))) {
    return Answer(
        400, {{"code", 230001}, {"msg", "Your request contains an invalid request parameter."}});
  }
  const std::string uuid = StringOf(body, "uuid");
  bool duplicate = false;
  std::string message_id;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto seen = uuid.empty() ? uuids_.end() : uuids_.find(uuid);
    if (seen != uuids_.end()) {
      duplicate = true;
      message_id = seen->second;
    } else {
      message_id = "om_fake_" + std::to_string(next_message_++);
      if (!uuid.empty()) uuids_[uuid] = message_id;
    }
  }
  json data = {{"message_id", message_id}, {"msg_type", StringOf(body, "msg_type")}};
  if (reply) data["parent_id"] = request.matches[1];
  return Answer(200, {{"code", 0}, {"msg", "success"}, {"data", data}}, duplicate, message_id);
}

std::vector<FakeFeishuApi::Request> FakeFeishuApi::requests() const {
  return MapExchanges(server_.exchanges(), FeishuRequestOf);
}

std::vector<FakeFeishuApi::Request> FakeFeishuApi::delivered() const {
  return MapExchanges(server_.exchanges(FeishuDelivered), FeishuRequestOf);
}

bool FakeFeishuApi::WaitForDelivered(size_t n, std::chrono::milliseconds timeout) const {
  return server_.WaitForRequests(n, FeishuDelivered, timeout);
}

bool FakeFeishuApi::WaitForRequests(size_t n, std::chrono::milliseconds timeout) const {
  return server_.WaitForRequests(n, timeout);
}

}  // namespace linli::testing
