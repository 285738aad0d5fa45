#include "adapters/wechat/wechat_probe.h"

#include "adapters/wechat/wechat_api.h"

namespace linli::adapters::wechat {

namespace {

bool IsIpChar(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '.' ||
         c == ':';
}

// The address right after `marker` in `s`, if one is there.
std::string AddressAfter(std::string_view s, std::string_view marker) {
  const size_t at = s.find(marker);
  if (at == std::string_view::npos) return "";
  size_t begin = at + marker.size();
  while (begin < s.size() && s[begin] == ' ') ++begin;
  size_t end = begin;
  while (end < s.size() && end - begin < 45 && IsIpChar(s[end])) ++end;
  std::string_view ip = s.substr(begin, end - begin);
  const bool has_digit = ip.find_first_of("0123456789") != std::string_view::npos;
  const bool dotted = ip.find('.') != std::string_view::npos || ip.find(':') != std::string_view::npos;
  return has_digit && dotted ? std::string(ip) : "";
}

}  // namespace

std::string IpInErrmsg(std::string_view errmsg) {
  for (std::string_view marker : {"invalid ip", "from ip:", "from ip"}) {
    std::string ip = AddressAfter(errmsg, marker);
    if (!ip.empty()) return ip;
  }
  return "";
}

ProbeResult JudgeTokenFetch(const AccessTokenCache::FetchOutcome& outcome,
                            std::string_view webhook_url) {
  ProbeResult r;
  if (!webhook_url.empty()) {
    r.notes.push_back({"callback_url_unreadable", "", {{"expected", std::string(webhook_url)}}});
  }
  if (outcome.status.ok()) return r;
  const int64_t code = outcome.errcode;
  ProbeFinding f;
  f.code = code != 0 ? std::to_string(code) : "";
  if (code == 40164 || code == 61004 || code == 60020) {
    f.hint = "ip_not_allowed";
    const std::string ip = IpInErrmsg(outcome.errmsg);
    f.args.push_back({"ip", ip.empty() ? "?" : ip});
  } else if (code == 40125 || code == 40001) {
    f.hint = "wrong_secret";
  } else if (code == 40013) {
    f.hint = "wrong_app_id";
  } else if (code == 40243) {
    f.hint = "secret_frozen";
  } else if (code != 0) {
    f.hint = "platform_error";
    ApiReply reply;
    reply.errcode = code;
    reply.errmsg = outcome.errmsg;
    f.args.push_back({"error", DescribeReply(reply)});
  } else {
    f.hint = "unreachable";
    f.args.push_back({"error", outcome.status.message()});
  }
  r.problems.push_back(std::move(f));
  return r;
}

}  // namespace linli::adapters::wechat
