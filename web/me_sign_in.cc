#include "web/me_sign_in.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <optional>
#include <string>

#include <spdlog/spdlog.h>
#include "storage/identity_store.h"
#include "storage/web_session_store.h"
#include "web/html.h"
#include "web/me_channels.h"
#include "web/me_common.h"
#include "web/page_locale.h"
#include "web/telegram_init_data.h"
#include "web/web_session.h"
#include "web/wechat_web_auth.h"

namespace linli::web {

namespace {

// The wiring's "web" logger when it exists (bot/server/log.h registers it).
std::shared_ptr<spdlog::logger> Log() {
  if (auto l = spdlog::get("web")) return l;
  return spdlog::default_logger();
}

// How the browser goes on to /me after the session cookie is set.
enum class Then {
  kRedirect,  // 303 /me: the sign-in was a same-site POST (the Telegram launch page's form)
  // A page that goes on by itself (<meta http-equiv="refresh">, and a link): the request came
  // through WeChat's cross-site redirect, and a browser does not send a SameSite=Strict cookie
  // on a redirect chain that began on another site - a 303 would land on /me without the
  // session and start the sign-in again, in a loop.
  kPage,
};

// The identity (channel, user_id) signs in: a resident session, then /me; 403 when the chat
// has never seen it (no person is created from the web).
StatusOr<HttpResponse> SignIn(storage::Database& db, const domain::Deps& deps,
                              const HttpRequest& request, const std::string& channel,
                              const std::string& user_id, Then then) {
  LINLI_ASSIGN_OR_RETURN(auto identity, storage::IdentityStore::FindIdentity(db, channel, user_id));
  if (!identity) {
    Log()->info("me: sign-in of an identity unknown on channel {} refused", channel);
    HttpResponse r = MeMessagePage(deps, request, 403, "unknown");
    r.headers.emplace_back("Set-Cookie", MeStateCookieCleared(deps));
    return r;
  }
  LINLI_ASSIGN_OR_RETURN(StartedSession started,
                         StartSession(db, deps, SessionKind::kResident, identity->person_id));
  const std::string me = WithLang("/me", request);
  HttpResponse r;
  if (then == Then::kRedirect) {
    r = Redirect(me);
  } else {
    const std::string locale = MeLocale(deps, request);
    Page page;
    page.lang = locale;
    page.title = MeText(deps, locale, "title");
    page.body_html = "<meta http-equiv=\"refresh\" content=\"0;url=" + Escape(me) + "\"><p>" +
                     Escape(MeText(deps, locale, "signed_in")) + "</p><p><a href=\"" + Escape(me) +
                     "\">" + Escape(MeText(deps, locale, "open_page")) + "</a></p>";
    r = HtmlResponse(200, RenderPage(page));
  }
  r.headers.emplace_back("Set-Cookie", started.set_cookie);
  r.headers.emplace_back("Set-Cookie", MeStateCookieCleared(deps));
  return r;
}

WebHandler Refuse(int status, std::string key) {
  return [status, key = std::move(key)](storage::Database&, const domain::Deps& deps,
                                        const WebRequest& request) -> StatusOr<HttpResponse> {
    HttpResponse r = MeMessagePage(deps, request.http, status, key);
    r.headers.emplace_back("Set-Cookie", MeStateCookieCleared(deps));
    return r;
  };
}

std::string Base64(const unsigned char* data, size_t n) {
  std::string out(4 * ((n + 2) / 3) + 1, '\0');
  const int len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data,
                                  static_cast<int>(n));
  out.resize(static_cast<size_t>(len));
  return out;
}

}  // namespace

StatusOr<HttpResponse> MeSignInStart(storage::Database&, const domain::Deps& deps,
                                     const WebRequest& request) {
  const std::optional<MeWechat> wechat = MeWechatChannel(deps.config);
  const std::string& public_url = deps.config.web.public_url;
  if (!wechat || public_url.empty()) {
    return MeMessagePage(deps, request.http, 401, "need_sign_in");
  }
  LINLI_ASSIGN_OR_RETURN(std::string state, NewWechatState());
  HttpResponse r = Redirect(WechatAuthorizeUrl(wechat->oauth_base, wechat->app_id,
                                               public_url + "/me/wechat", state));
  r.status = 302;
  r.headers.emplace_back("Set-Cookie", MeStateCookie(deps, state));
  return r;
}

StatusOr<WebHandler> MeWechatReturn(const domain::Deps& deps, const WebRequest& request,
                                    HttpClient& http) {
  const std::optional<MeWechat> wechat = MeWechatChannel(deps.config);
  if (!wechat) return Refuse(404, "need_sign_in");
  const std::string& state = request.http.Query("state");
  if (!IsWechatState(state) || !MeStateMatches(request.http, state)) {
    Log()->info("me: wechat return without a matching state refused");
    return Refuse(400, "expired");
  }
  const std::string& code = request.http.Query("code");
  if (!IsWechatCode(code)) {
    Log()->info("me: wechat return without a well-formed code refused");
    return Refuse(403, "refused");
  }
  HttpClientRequest call;
  call.method = "GET";
  call.url = WechatCodeExchangeUrl(wechat->api_base, wechat->app_id, wechat->app_secret, code);
  call.content_type.clear();
  call.timeout = std::chrono::milliseconds(5000);
  StatusOr<HttpResponse> answer = http.Send(call);
  if (!answer.ok()) {
    Log()->warn("me: wechat code exchange failed: {}", StatusCodeName(answer.status().code()));
    return Refuse(502, "unavailable");
  }
  StatusOr<std::string> openid = ParseWechatCodeExchange(*answer);
  if (!openid.ok()) {
    // The message names the errcode or the HTTP status, never the code or a secret.
    Log()->info("me: {}", openid.status().message());
    if (openid.status().code() == StatusCode::kPermissionDenied) return Refuse(403, "refused");
    return Refuse(502, "unavailable");
  }
  return WebHandler([channel = wechat->channel, openid = *openid](
                        storage::Database& db, const domain::Deps& d,
                        const WebRequest& r) -> StatusOr<HttpResponse> {
    return SignIn(db, d, r.http, channel, openid, Then::kPage);
  });
}

const std::string& MeTelegramScript() {
  static const std::string kScript =
      "(function(){var k='tgWebAppData',d=new URLSearchParams(location.hash.slice(1)).get(k)||"
      "new URLSearchParams(location.search).get(k),f=document.getElementById('tg');"
      "if(d&&f){f.elements.initData.value=d;f.submit();}})();";
  return kScript;
}

std::string MeTelegramScriptSource() {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  const std::string& s = MeTelegramScript();
  SHA256(reinterpret_cast<const unsigned char*>(s.data()), s.size(), digest);
  return "'sha256-" + Base64(digest, sizeof digest) + "'";
}

StatusOr<HttpResponse> MeTelegramLaunch(storage::Database&, const domain::Deps& deps,
                                        const WebRequest& request) {
  const std::string locale = MeLocale(deps, request.http);
  LINLI_ASSIGN_OR_RETURN(std::string state, NewWechatState());
  Page page;
  page.lang = locale;
  page.title = MeText(deps, locale, "tg_title");
  page.body_html =
      "<p>" + Escape(MeText(deps, locale, "tg_text")) + "</p><form id=\"tg\" method=\"post\" action=\"" +
      Escape(WithLang("/me/telegram", request.http)) + "\"><input type=\"hidden\" name=\"state\" value=\"" +
      Escape(state) + "\"><p class=\"meta\">" + Escape(MeText(deps, locale, "tg_manual")) +
      "</p><textarea name=\"initData\" rows=\"2\" aria-label=\"initData\"></textarea> <button type=\"submit\">" +
      Escape(MeText(deps, locale, "tg_submit")) + "</button></form><script>" + MeTelegramScript() +
      "</script>";
  HttpResponse r = HtmlResponse(200, RenderPage(page));
  // This page alone may run a script: its own inline one, named by its hash.
  for (auto& [name, value] : r.headers) {
    if (name == "Content-Security-Policy") {
      value = "script-src " + MeTelegramScriptSource() + "; " + value;
    }
  }
  r.headers.emplace_back("Set-Cookie", MeStateCookie(deps, state));
  return r;
}

StatusOr<HttpResponse> MeTelegramSignIn(storage::Database& db, const domain::Deps& deps,
                                        const WebRequest& request) {
  const auto form = ParseForm(request.http.body);
  auto field = [&form](const char* name) -> std::string {
    auto it = form.find(name);
    return it == form.end() ? std::string() : it->second;
  };
  auto refuse = [&](int status, const char* key) {
    HttpResponse r = MeMessagePage(deps, request.http, status, key);
    r.headers.emplace_back("Set-Cookie", MeStateCookieCleared(deps));
    return r;
  };
  if (!MeStateMatches(request.http, field("state"))) {
    Log()->info("me: telegram sign-in without a matching state refused");
    return refuse(400, "expired");
  }
  const std::string init_data = field("initData");
  bool stale = false;
  for (const MeTelegram& tg : MeTelegramChannels(deps.config)) {
    StatusOr<TelegramWebAppUser> user =
        VerifyInitData(init_data, tg.token, deps.clock.NowMillis(), tg.max_age_s);
    if (user.ok()) return SignIn(db, deps, request.http, tg.channel, user->user_id, Then::kRedirect);
    if (user.status().code() == StatusCode::kFailedPrecondition) stale = true;
  }
  Log()->info("me: telegram initData refused ({})", stale ? "stale" : "does not verify");
  return refuse(403, stale ? "expired" : "refused");
}

}  // namespace linli::web
