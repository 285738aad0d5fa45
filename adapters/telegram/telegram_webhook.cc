#include "adapters/telegram/telegram_webhook.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <utility>

#include "bot/json.h"

namespace linli::adapters::telegram {

using nlohmann::json;

namespace {

// Platform text for a terminal line: control characters become spaces, at most ~200 bytes
// (cut at a UTF-8 boundary).
std::string OneLine(std::string_view s) {
  std::string out;
  for (char c : s) out += static_cast<unsigned char>(c) < 0x20 || c == 0x7F ? ' ' : c;
  if (out.size() > 200) {
    size_t cut = 200;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
  }
  return out;
}

ApiCall JsonCall(std::string method, const json& body) {
  return ApiCall{std::move(method), DumpJson(body), "application/json"};
}

// The result of an ok:true answer, or the failure.
struct Decoded {
  json result;
  ApiFailure failure;
  bool ok = false;
};

Decoded Decode(const StatusOr<HttpResponse>& response) {
  Decoded d;
  if (!response.ok()) {
    const StatusCode code = response.status().code();
    d.failure.description = code == StatusCode::kDeadlineExceeded ? "timed out"
                            : code == StatusCode::kInvalidArgument
                                ? "bad request URL (check api_base)"
                                : "no connection (" + std::string(StatusCodeName(code)) + ")";
    return d;
  }
  auto parsed = ParseUntrustedJson(response->body);
  const json body = parsed.ok() ? std::move(parsed).value() : json();
  const auto ok = GetBool(body, "ok");
  if (ok == true && response->status >= 200 && response->status < 300) {
    if (const json* result = FindMember(body, "result")) {
      d.result = *result;
      d.ok = true;
      return d;
    }
  }
  if (ok != false) {
    d.failure.description =
        "HTTP " + std::to_string(response->status) + " without a Bot API answer";
    return d;
  }
  d.failure.error_code =
      static_cast<int>(GetInt64(body, "error_code").value_or(response->status));
  d.failure.description = OneLine(GetString(body, "description").value_or(""));
  return d;
}

std::string Text(const json& obj, std::string_view key) { return GetString(obj, key).value_or(""); }

}  // namespace

StatusOr<std::string> WebhookUrl(std::string_view public_url, std::string_view channel) {
  std::string base(public_url);
  while (!base.empty() && base.back() == '/') base.pop_back();
  if (base.rfind("https://", 0) != 0) {
    return Status::InvalidArgument("the public URL must start with https:// (Telegram delivers "
                                   "webhooks over HTTPS only)");
  }
  if (std::any_of(base.begin(), base.end(), [](char c) {
        return c == ' ' || c == '?' || c == '#' || static_cast<unsigned char>(c) < 0x20;
      })) {
    return Status::InvalidArgument("the public URL must be a plain base URL without spaces, "
                                   "query or fragment");
  }
  const std::string_view rest = std::string_view(base).substr(8);
  const std::string_view authority = rest.substr(0, rest.find('/'));
  if (authority.empty()) return Status::InvalidArgument("the public URL must name a host");
  const size_t colon = authority.rfind(':');
  if (colon != std::string_view::npos && authority.find(']', colon) == std::string_view::npos) {
    const std::string_view port = authority.substr(colon + 1);
    int64_t value = 0;
    const bool number = ParseInt64(port, &value);
    if (!number || std::find(kWebhookPorts.begin(), kWebhookPorts.end(), value) ==
                       kWebhookPorts.end()) {
      return Status::InvalidArgument("Telegram delivers webhooks only to ports 443, 80, 88 and "
                                     "8443 (got " + std::string(port) + ")");
    }
  }
  return base + "/webhook/" + std::string(channel);
}

ApiCall EncodeSetWebhook(std::string_view url, std::string_view secret_token,
                         bool drop_pending_updates) {
  json updates = json::array();
  for (std::string_view u : kHandledUpdates) updates.push_back(std::string(u));
  json body = {{"url", std::string(url)},
               {"secret_token", std::string(secret_token)},
               {"allowed_updates", std::move(updates)}};
  if (drop_pending_updates) body["drop_pending_updates"] = true;
  return JsonCall("setWebhook", body);
}

ApiCall EncodeGetMe() { return JsonCall("getMe", json::object()); }

ApiCall EncodeGetWebhookInfo() { return JsonCall("getWebhookInfo", json::object()); }

ApiAnswer<BotUser> DecodeGetMe(const StatusOr<HttpResponse>& response) {
  Decoded d = Decode(response);
  ApiAnswer<BotUser> out;
  if (!d.ok || !d.result.is_object()) {
    out.failure = d.ok ? ApiFailure{0, "getMe answered no user"} : d.failure;
    return out;
  }
  BotUser u;
  u.id = GetInt64(d.result, "id").value_or(0);
  u.username = Text(d.result, "username");
  u.first_name = Text(d.result, "first_name");
  out.value = std::move(u);
  return out;
}

ApiAnswer<WebhookInfo> DecodeWebhookInfo(const StatusOr<HttpResponse>& response) {
  Decoded d = Decode(response);
  ApiAnswer<WebhookInfo> out;
  if (!d.ok || !d.result.is_object()) {
    out.failure = d.ok ? ApiFailure{0, "getWebhookInfo answered no WebhookInfo"} : d.failure;
    return out;
  }
  const json& r = d.result;
  WebhookInfo info;
  info.url = Text(r, "url");
  info.has_custom_certificate = GetBool(r, "has_custom_certificate").value_or(false);
  info.pending_update_count = GetInt64(r, "pending_update_count").value_or(0);
  info.ip_address = Text(r, "ip_address");
  info.last_error_date = GetInt64(r, "last_error_date").value_or(0);
  info.last_error_message = OneLine(Text(r, "last_error_message"));
  info.max_connections = GetInt64(r, "max_connections").value_or(0);
  if (const json* updates = FindArray(r, "allowed_updates")) {
    std::vector<std::string> kinds;
    for (const json& u : *updates) {
      if (u.is_string()) kinds.push_back(u.get<std::string>());
    }
    info.allowed_updates = std::move(kinds);
  }
  out.value = std::move(info);
  return out;
}

ApiAnswer<bool> DecodeSetWebhook(const StatusOr<HttpResponse>& response) {
  Decoded d = Decode(response);
  ApiAnswer<bool> out;
  if (!d.ok || !d.result.is_boolean() || !d.result.get<bool>()) {
    out.failure = d.ok ? ApiFailure{0, "setWebhook did not answer true"} : d.failure;
    return out;
  }
  out.value = true;
  return out;
}

ProbeFinding FailureFinding(const ApiFailure& f) {
  ProbeFinding p;
  if (f.error_code == 401 || f.error_code == 404) {
    p.hint = "wrong_token";
  } else if (f.error_code == 0) {
    p.hint = "unreachable";
    p.args.push_back({"error", f.description});
  } else {
    p.hint = "platform_error";
    p.args.push_back(
        {"error", f.description.empty() ? "HTTP " + std::to_string(f.error_code) : f.description});
  }
  p.code = f.error_code != 0 ? std::to_string(f.error_code) : "";
  return p;
}

ProbeResult JudgeBot(const ApiAnswer<BotUser>& me, const ApiAnswer<WebhookInfo>* info,
                     std::string_view expected_url) {
  ProbeResult r;
  auto failure = FailureFinding;
  if (!me.ok()) {
    r.problems.push_back(failure(me.failure));
    return r;
  }
  r.notes.push_back({"bot", "", {{"username", "@" + me.value->username}}});
  if (info == nullptr) return r;
  if (!info->ok()) {
    r.problems.push_back(failure(info->failure));
    return r;
  }
  const WebhookInfo& w = *info->value;
  const std::string pending = std::to_string(w.pending_update_count);
  if (w.url.empty()) {
    r.problems.push_back({"webhook_not_set", "", {}});
    return r;
  }
  r.notes.push_back({"webhook", "", {{"url", w.url}, {"pending", pending}}});
  r.notes.push_back({"secret_unreadable", "", {}});
  if (!expected_url.empty() && w.url != expected_url) {
    r.problems.push_back(
        {"webhook_url_mismatch", "", {{"url", w.url}, {"expected", std::string(expected_url)}}});
  }
  if (w.allowed_updates && !w.allowed_updates->empty()) {
    std::string missing;
    for (std::string_view kind : kHandledUpdates) {
      if (std::find(w.allowed_updates->begin(), w.allowed_updates->end(), kind) ==
          w.allowed_updates->end()) {
        missing += (missing.empty() ? "" : ", ") + std::string(kind);
      }
    }
    if (!missing.empty()) r.problems.push_back({"webhook_updates_missing", "", {{"missing", missing}}});
  }
  if (!w.last_error_message.empty()) {
    const std::string& e = w.last_error_message;
    const bool refused = e.find("401") != std::string::npos || e.find("403") != std::string::npos;
    if (w.pending_update_count > 0 && refused) {
      r.problems.push_back({"webhook_secret_rejected", "", {{"error", e}}});
    } else if (w.pending_update_count > 0) {
      r.problems.push_back({"webhook_failing", "", {{"error", e}, {"pending", pending}}});
    } else {
      r.notes.push_back({"last_error", "", {{"error", e}}});
    }
  }
  return r;
}

}  // namespace linli::adapters::telegram
