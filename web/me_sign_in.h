// How a resident signs in to their own page (/me, issue 12 point 3) - never with a password:
//
// WeChat (snsapi_base, web/wechat_web_auth.h): MeSignInStart answers /me without a session by
// redirecting to WeChat's authorize page with a fresh `state` that it also stores in the
// sign-in state cookie (web/me_common.h); WeChat sends the browser back to
// <web.public_url>/me/wechat?code=&state=, where MeWechatReturn (a web/web_call.h handler: the
// exchange is a blocking HTTPS call, run on the wiring's pool) checks the state against the
// cookie, exchanges the code at the channel's api_base for the openid and signs that identity
// in.
//
// Telegram (a Mini App, web/telegram_init_data.h): the bot's menu button opens
// <web.public_url>/me/telegram, MeTelegramLaunch's page. Telegram hands the Mini App its signed
// initData in the URL fragment (#tgWebAppData=...), which never reaches a server, so the page
// carries one small inline script of its own - allowed by its SHA-256 in that page's
// Content-Security-Policy, nothing from elsewhere (no telegram-web-app.js: the communities'
// networks may not reach telegram.org's CDN, and the fragment is all we need) - that copies
// tgWebAppData into the page's form and submits it; without JavaScript the form can be
// submitted by hand. MeTelegramSignIn verifies it against each telegram channel's token and
// its webapp_max_age_s, and signs that identity in.
//
// Signing in: the identity (channel name, user id) must already be known from the chat (the
// resident wrote to the service at least once); its person gets a resident session
// (web/web_session.h) and the browser goes 303 to /me. Anything else gets a 4xx page and no
// session: a state that does not match the cookie (400, expired), a code WeChat refuses (403;
// the exchange's errcode is logged, never the code), initData that does not verify (403) or is
// stale (403, expired), an unknown identity (403). WeChat unreachable: 502.
#pragma once

#include "bot/http.h"
#include "bot/http_client.h"
#include "bot/status.h"
#include "domain/deps.h"
#include "storage/database.h"
#include "web/web_call.h"
#include "web/web_request.h"

namespace linli::web {

// GET /me without a valid session: the redirect to WeChat (a wechat_mp channel and
// web.public_url configured), else a 401 page saying where to open the page from.
StatusOr<HttpResponse> MeSignInStart(storage::Database& db, const domain::Deps& deps,
                                     const WebRequest& request);

// GET /me/wechat?code=&state= (see above). The exchange has a 5 s timeout.
StatusOr<WebHandler> MeWechatReturn(const domain::Deps& deps, const WebRequest& request,
                                    HttpClient& http);

// GET /me/telegram: the Mini App's launch page (sets the state cookie).
StatusOr<HttpResponse> MeTelegramLaunch(storage::Database& db, const domain::Deps& deps,
                                        const WebRequest& request);
// POST /me/telegram (form fields initData, state).
StatusOr<HttpResponse> MeTelegramSignIn(storage::Database& db, const domain::Deps& deps,
                                        const WebRequest& request);

// The launch page's script, and its CSP source ('sha256-<base64>').
const std::string& MeTelegramScript();
std::string MeTelegramScriptSource();

}  // namespace linli::web
