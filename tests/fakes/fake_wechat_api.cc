#include "tests/fakes/fake_wechat_api.h"

#include <utility>

namespace linli::testing {

using nlohmann::json;

namespace {

constexpr char kWechatTokenPath[] = "/cgi-bin/token";
constexpr char kWecomTokenPath[] = "/cgi-bin/gettoken";
constexpr char kWebCodePath[] = "/sns/oauth2/access_token";
constexpr char kMenuCreatePath[] = "/cgi-bin/menu/create";
constexpr char kMenuGetPath[] = "/cgi-bin/menu/get";
constexpr const char* kSendPaths[] = {"/cgi-bin/message/custom/send",
                                      "/cgi-bin/message/template/send", "/cgi-bin/message/send"};

// WeChat answers HTTP 200 with an errcode; the errcode is noted for requests().
FakeResponse Answer(int64_t errcode, const json& body) {
  FakeResponse r =
      FakeResponse::Json(200, body.dump(-1, ' ', false, json::error_handler_t::replace));
  r.note = errcode;
  return r;
}

FakeResponse Error(int64_t errcode, const std::string& errmsg) {
  return Answer(errcode, {{"errcode", errcode}, {"errmsg", errmsg}});
}

int64_t WechatErrcodeOf(const FakeExchange& e) {
  return e.response.note.is_number_integer() ? e.response.note.get<int64_t>() : 0;
}

bool IsDelivered(const FakeExchange& e, std::string_view path) {
  return e.request.path == path && WechatErrcodeOf(e) == 0;
}

FakeWechatApi::Request WechatRequestOf(const FakeExchange& e) {
  FakeWechatApi::Request r;
  r.path = e.request.path;
  r.access_token = e.request.param("access_token");
  r.raw_body = e.request.body;
  r.body = e.request.json;
  r.errcode = WechatErrcodeOf(e);
  return r;
}

}  // namespace

FakeWechatApi::FakeWechatApi(std::string app_id, std::string secret)
    : app_id_(std::move(app_id)),
      secret_(std::move(secret)),
      server_(
          {.name = "FakeWechatApi", .error_body = R"({"errcode":-1,"errmsg":"system error"})"}) {
  server_.AddRoute({"GET", kWechatTokenPath, nullptr, [this](const FakeRequest& req) {
                      return HandleToken(req.param("appid"), req.param("secret"), false);
                    }});
  server_.AddRoute({"GET", kWecomTokenPath, nullptr, [this](const FakeRequest& req) {
                      return HandleToken(req.param("corpid"), req.param("corpsecret"), true);
                    }});
  server_.AddRoute({"GET", kWebCodePath, nullptr,
                    [this](const FakeRequest& req) { return HandleWebCode(req); }});
  for (const char* path : kSendPaths) {
    server_.AddRoute(
        {"POST", path,
         [this](const FakeRequest& req) { return CheckToken(req.param("access_token")); },
         [this](const FakeRequest& req) { return HandleSend(req); }});
  }
  server_.AddRoute({"POST", kMenuCreatePath,
                    [this](const FakeRequest& req) { return CheckToken(req.param("access_token")); },
                    [this](const FakeRequest& req) { return HandleMenuCreate(req); }});
  server_.AddRoute({"GET", kMenuGetPath,
                    [this](const FakeRequest& req) { return CheckToken(req.param("access_token")); },
                    [this](const FakeRequest& req) { return HandleMenuGet(req); }});
  server_.Start();
}

std::optional<json> FakeWechatApi::menu() const {
  std::lock_guard<std::mutex> lock(mu_);
  return menu_;
}

void FakeWechatApi::SetMenu(json menu) {
  std::lock_guard<std::mutex> lock(mu_);
  menu_ = std::move(menu);
}

FakeResponse FakeWechatApi::HandleMenuCreate(const FakeRequest& request) {
  if (!request.json.is_object() || !request.json.contains("button") ||
      !request.json["button"].is_array()) {
    return Error(40016, "invalid button size");
  }
  std::lock_guard<std::mutex> lock(mu_);
  menu_ = request.json;
  return Answer(0, {{"errcode", 0}, {"errmsg", "ok"}});
}

FakeResponse FakeWechatApi::HandleMenuGet(const FakeRequest& request) {
  std::optional<json> menu;
  {
    std::lock_guard<std::mutex> lock(mu_);
    menu = menu_;
  }
  if (!menu) return Error(46003, "menu no exist");
  json buttons = menu->contains("button") ? (*menu)["button"] : json::array();
  for (json& b : buttons) {
    if (!b.contains("sub_button")) b["sub_button"] = json::array();
    for (json& sub : b["sub_button"]) {
      if (!sub.contains("sub_button")) sub["sub_button"] = json::array();
    }
  }
  if (!request.param("agentid").empty()) {
    return Answer(0, {{"errcode", 0}, {"errmsg", "ok"}, {"button", std::move(buttons)}});
  }
  return Answer(0, {{"menu", {{"button", std::move(buttons)}}}});
}

FakeWechatApi::~FakeWechatApi() { Stop(); }

std::string FakeWechatApi::api_base() const { return server_.base_url(); }

void FakeWechatApi::FailNext(const std::string& path, int count, int64_t errcode,
                             std::string errmsg) {
  server_.FailNext(path, count, Error(errcode, errmsg));
}

void FakeWechatApi::ExpireTokens() {
  std::lock_guard<std::mutex> lock(mu_);
  expired_tokens_.insert(valid_tokens_.begin(), valid_tokens_.end());
  valid_tokens_.clear();
}

FakeResponse FakeWechatApi::HandleToken(const std::string& id, const std::string& secret,
                                        bool wecom) {
  if (id != app_id_ || secret != secret_) {
    return wecom ? Error(40001, "invalid credential") : Error(40125, "invalid appsecret");
  }
  std::string token;
  {
    std::lock_guard<std::mutex> lock(mu_);
    token = "ACCESS_" + std::to_string(next_token_++);
    valid_tokens_.insert(token);
  }
  json answer = {{"access_token", token}, {"expires_in", 7200}};
  if (wecom) {
    answer["errcode"] = 0;
    answer["errmsg"] = "ok";
  }
  return Answer(0, answer);
}

std::optional<FakeResponse> FakeWechatApi::CheckToken(const std::string& token) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (valid_tokens_.count(token) != 0) return std::nullopt;
  if (expired_tokens_.count(token) != 0) return Error(42001, "access_token expired");
  return Error(40001, "invalid credential");
}

FakeResponse FakeWechatApi::HandleSend(const FakeRequest& request) {
  if (!request.json.is_object()) return Error(47001, "data format error");
  json answer = {{"errcode", 0}, {"errmsg", "ok"}};
  if (request.path != "/cgi-bin/message/custom/send") {
    std::lock_guard<std::mutex> lock(mu_);
    answer["msgid"] = next_msgid_++;
  }
  return Answer(0, answer);
}

std::string FakeWechatApi::IssueWebCode(const std::string& openid) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string code = "0" + std::to_string(next_web_code_++) + "WebCodeAbc";
  web_codes_[code] = openid;
  return code;
}

size_t FakeWechatApi::web_code_exchanges() const {
  return server_.Count([](const FakeExchange& e) { return e.request.path == kWebCodePath; });
}

FakeResponse FakeWechatApi::HandleWebCode(const FakeRequest& request) {
  if (request.param("appid") != app_id_ || request.param("secret") != secret_) {
    return Error(40125, "invalid appsecret");
  }
  if (request.param("grant_type") != "authorization_code") return Error(40002, "invalid grant_type");
  const std::string code = request.param("code");
  std::string openid;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (used_web_codes_.count(code) != 0) return Error(40163, "code been used");
    auto it = web_codes_.find(code);
    if (it == web_codes_.end()) return Error(40029, "invalid code");
    openid = it->second;
    web_codes_.erase(it);
    used_web_codes_.insert(code);
  }
  return Answer(0, {{"access_token", "WEB_" + code},
                    {"expires_in", 7200},
                    {"refresh_token", "REFRESH_" + code},
                    {"openid", openid},
                    {"scope", "snsapi_base"}});
}

std::vector<FakeWechatApi::Request> FakeWechatApi::requests() const {
  return MapExchanges(server_.exchanges(), WechatRequestOf);
}

std::vector<FakeWechatApi::Request> FakeWechatApi::requests(std::string_view path) const {
  return MapExchanges(
      server_.exchanges([path](const FakeExchange& e) { return e.request.path == path; }),
      WechatRequestOf);
}

std::vector<FakeWechatApi::Request> FakeWechatApi::delivered(std::string_view path) const {
  return MapExchanges(
      server_.exchanges([path](const FakeExchange& e) { return IsDelivered(e, path); }), WechatRequestOf);
}

size_t FakeWechatApi::token_fetches() const {
  return server_.Count([](const FakeExchange& e) {
    return e.request.path == kWechatTokenPath || e.request.path == kWecomTokenPath;
  });
}

size_t FakeWechatApi::rejected_token_uses() const {
  return server_.Count([](const FakeExchange& e) { return e.refused(); });
}

bool FakeWechatApi::WaitForDelivered(std::string_view path, size_t n,
                                     std::chrono::milliseconds timeout) const {
  return server_.WaitForRequests(
      n, [path](const FakeExchange& e) { return IsDelivered(e, path); }, timeout);
}

bool FakeWechatApi::WaitForRequests(size_t n, std::chrono::milliseconds timeout) const {
  return server_.WaitForRequests(n, timeout);
}

}  // namespace linli::testing
