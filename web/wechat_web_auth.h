// WeChat's silent web authorization (网页授权, scope snsapi_base; issue 12 point 3): how the
// resident's page (/me) learns the openid of a WeChat user who opened it from the account's
// menu (../shared/protocols/wechat-official-account.md, "web authorization"):
//
//   1. /me without a session redirects the browser to
//      <oauth_base>/connect/oauth2/authorize?appid=APPID&redirect_uri=URLENCODED
//        &response_type=code&scope=snsapi_base&state=STATE#wechat_redirect
//   2. WeChat sends the browser back to redirect_uri?code=CODE&state=STATE
//   3. the server exchanges the code (single use, short-lived) at
//      <api_base>/sns/oauth2/access_token?appid=APPID&secret=SECRET&code=CODE
//        &grant_type=authorization_code -> {"access_token", "openid", ...} or {"errcode", ...}
//
// Pure request building and answer parsing; the I/O (a blocking GET off the event loop) is
// the wiring's (bot/server/web_routes.cc). Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "bot/http.h"
#include "bot/status.h"

namespace linli::web {

inline constexpr char kDefaultWechatOauthBase[] = "https://open.weixin.qq.com";

// The authorize URL of step 1. `oauth_base` is the host root without a trailing slash (the
// channel's `oauth_base`, default kDefaultWechatOauthBase; tests point it at a fake);
// `redirect_uri` the absolute URL WeChat returns to (percent-encoded here); `state` as
// IsWechatState. The "#wechat_redirect" WeChat requires ends it.
std::string WechatAuthorizeUrl(std::string_view oauth_base, std::string_view app_id,
                               std::string_view redirect_uri, std::string_view state);

// The exchange URL of step 3 (every part percent-encoded). `api_base` as the channel's.
std::string WechatCodeExchangeUrl(std::string_view api_base, std::string_view app_id,
                                  std::string_view secret, std::string_view code);

// A state WeChat carries back unchanged: 1..128 characters of [A-Za-z0-9].
bool IsWechatState(std::string_view state);
// A code as it may be sent on: 1..256 characters of [A-Za-z0-9_-] (what WeChat issues; anything
// else is refused before a request is made).
bool IsWechatCode(std::string_view code);

// A fresh, unguessable state (from domain/common/web_token.h's CSPRNG, letters and digits
// only). kInternal if the random source fails.
StatusOr<std::string> NewWechatState();

// The openid of an exchange answer:
//   kPermissionDenied  WeChat refused the code: a non-zero errcode (40029 invalid code, 40163
//                      code already used, ...; the message names the errcode, never the code)
//   kUnavailable       not HTTP 200 (WeChat answers errors with 200 and an errcode)
//   kInvalidArgument   not a JSON object, or no non-empty string openid
StatusOr<std::string> ParseWechatCodeExchange(const HttpResponse& response);

}  // namespace linli::web
