#include "web/wechat_web_auth.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "domain/common/web_token.h"

namespace linli::web {

namespace {

bool AllOf(std::string_view s, size_t max, bool (*ok)(unsigned char)) {
  return !s.empty() && s.size() <= max &&
         std::all_of(s.begin(), s.end(), [ok](char c) { return ok(static_cast<unsigned char>(c)); });
}

std::string WithoutTrailingSlash(std::string_view base) {
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  return std::string(base);
}

}  // namespace

std::string WechatAuthorizeUrl(std::string_view oauth_base, std::string_view app_id,
                               std::string_view redirect_uri, std::string_view state) {
  return WithoutTrailingSlash(oauth_base) + "/connect/oauth2/authorize?appid=" +
         PercentEncode(app_id) + "&redirect_uri=" + PercentEncode(redirect_uri) +
         "&response_type=code&scope=snsapi_base&state=" + PercentEncode(state) +
         "#wechat_redirect";
}

std::string WechatCodeExchangeUrl(std::string_view api_base, std::string_view app_id,
                                  std::string_view secret, std::string_view code) {
  return WithoutTrailingSlash(api_base) + "/sns/oauth2/access_token?appid=" +
         PercentEncode(app_id) + "&secret=" + PercentEncode(secret) + "&code=" +
         PercentEncode(code) + "&grant_type=authorization_code";
}

bool IsWechatState(std::string_view state) {
  return AllOf(state, 128, [](unsigned char c) { return std::isalnum(c) != 0; });
}

bool IsWechatCode(std::string_view code) {
  return AllOf(code, 256,
               [](unsigned char c) { return std::isalnum(c) != 0 || c == '_' || c == '-'; });
}

StatusOr<std::string> NewWechatState() {
  auto token = domain::NewToken();
  if (!token.ok()) return token.status();
  std::string state;
  for (char c : *token) {
    if (std::isalnum(static_cast<unsigned char>(c))) state.push_back(c);
  }
  return state;
}

StatusOr<std::string> ParseWechatCodeExchange(const HttpResponse& response) {
  if (response.status != 200) {
    return Status::Unavailable("wechat code exchange: HTTP " + std::to_string(response.status));
  }
  const nlohmann::json j = nlohmann::json::parse(response.body, nullptr, false);
  if (!j.is_object()) return Status::InvalidArgument("wechat code exchange: not a JSON object");
  if (auto e = j.find("errcode"); e != j.end() && e->is_number_integer() && e->get<int64_t>() != 0) {
    return Status::PermissionDenied("wechat code exchange: errcode " +
                                    std::to_string(e->get<int64_t>()));
  }
  auto openid = j.find("openid");
  if (openid == j.end() || !openid->is_string() || openid->get<std::string>().empty()) {
    return Status::InvalidArgument("wechat code exchange: no openid");
  }
  return openid->get<std::string>();
}

}  // namespace linli::web
