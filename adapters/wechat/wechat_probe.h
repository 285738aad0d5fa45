// `linli check --online` for the WeChat family (Official Account and WeCom app), pure: what a
// fresh access-token fetch (AccessTokenCache::FetchNow) says about the channel's config.
// The token endpoint is the cheapest authenticated call both platforms have; it checks the
// app id, the secret and - for the Official Account - this machine's IP against the
// account's allow-list. Neither platform lets the callback URL be read back.
//
// Errcodes (wechat-official-account.md §5 and §8; the errmsg shapes as quoted on the
// platform's community pages, e.g. {"errcode":40164,"errmsg":"invalid ip 1.2.3.4 ipv6
// ::ffff:1.2.3.4, not in whitelist rid: ..."}):
//   40164, 61004 (OA), 60020 (WeCom)  the caller's IP is not allowed  -> ip_not_allowed {ip}
//   40125 (OA "invalid appsecret"), 40001 (WeCom "invalid credential": the corpsecret)
//                                                                     -> wrong_secret
//   40013 (OA "invalid appid", WeCom "invalid corpid")                -> wrong_app_id
//   40243 (OA: the AppSecret is frozen)                               -> secret_frozen
//   any other errcode                                    -> platform_error {error}
//   no answer (network, 5xx, not JSON)                   -> unreachable {error}
#pragma once

#include <string>
#include <string_view>

#include "adapters/wechat/wechat_token.h"
#include "bot/adapter.h"

namespace linli::adapters::wechat {

// The findings of one token fetch. `webhook_url` (may be empty): where the platform should
// deliver callbacks; since it cannot be read back, a note says what to enter in the console.
ProbeResult JudgeTokenFetch(const AccessTokenCache::FetchOutcome& outcome,
                            std::string_view webhook_url);

// The IP address named in a 40164/60020 errmsg ("invalid ip 1.2.3.4 ipv6 ..., not in
// whitelist", "not allow to access from your ip, ...from ip: 1.2.3.4"); "" when none.
std::string IpInErrmsg(std::string_view errmsg);

}  // namespace linli::adapters::wechat
