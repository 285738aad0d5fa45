#include "web/telegram_init_data.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "bot/http.h"
#include "domain/common/web_token.h"

namespace linli::web {

namespace {

std::string Hmac(std::string_view key, std::string_view message) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), out, &len);
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::string Hex(std::string_view bytes) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

bool IsHex64(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
         });
}

std::string Lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

}  // namespace

std::string InitDataCheckString(std::vector<std::pair<std::string, std::string>> fields) {
  std::sort(fields.begin(), fields.end());
  std::string out;
  for (const auto& [k, v] : fields) {
    if (!out.empty()) out += '\n';
    out += k;
    out += '=';
    out += v;
  }
  return out;
}

std::string InitDataHash(std::string_view data_check_string, std::string_view bot_token) {
  const std::string secret_key = Hmac("WebAppData", bot_token);
  return Hex(Hmac(secret_key, data_check_string));
}

StatusOr<TelegramWebAppUser> VerifyInitData(std::string_view init_data, std::string_view bot_token,
                                            int64_t now_ms, int64_t max_age_s) {
  if (init_data.empty()) return Status::InvalidArgument("initData: empty");
  std::map<std::string, std::string> fields;
  size_t pos = 0;
  while (pos <= init_data.size()) {
    size_t amp = init_data.find('&', pos);
    if (amp == std::string_view::npos) amp = init_data.size();
    const std::string_view part = init_data.substr(pos, amp - pos);
    const size_t eq = part.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      return Status::InvalidArgument("initData: a field without a key or '='");
    }
    std::string key = PercentDecode(part.substr(0, eq), true);
    std::string value = PercentDecode(part.substr(eq + 1), true);
    if (key.empty()) return Status::InvalidArgument("initData: an empty key");
    if (!fields.emplace(std::move(key), std::move(value)).second) {
      return Status::InvalidArgument("initData: a repeated key");
    }
    pos = amp + 1;
  }
  auto hash_it = fields.find("hash");
  if (hash_it == fields.end() || !IsHex64(hash_it->second)) {
    return Status::InvalidArgument("initData: no hash of 64 hex digits");
  }
  const std::string hash = Lower(hash_it->second);
  fields.erase(hash_it);
  std::vector<std::pair<std::string, std::string>> rest(fields.begin(), fields.end());
  const std::string expected = InitDataHash(InitDataCheckString(rest), bot_token);
  bool signed_ok = !bot_token.empty() && domain::SameSecret(expected, hash);
  if (!signed_ok && !bot_token.empty() && fields.count("signature") != 0) {
    // The protocol notes' reading: `signature` left out too. Both strings are HMACs under the
    // bot's secret, so accepting either admits nobody who lacks the token.
    std::erase_if(rest, [](const auto& kv) { return kv.first == "signature"; });
    signed_ok = domain::SameSecret(InitDataHash(InitDataCheckString(std::move(rest)), bot_token), hash);
  }
  if (!signed_ok) return Status::Unauthenticated("initData: the hash does not match");

  // Signed: the payload may be read now.
  auto date_it = fields.find("auth_date");
  if (date_it == fields.end() || date_it->second.empty() || date_it->second.size() > 12 ||
      date_it->second.find_first_not_of("0123456789") != std::string::npos) {
    return Status::InvalidArgument("initData: no numeric auth_date");
  }
  TelegramWebAppUser user;
  user.auth_date_s = std::stoll(date_it->second);
  const int64_t now_s = now_ms / 1000;
  if (user.auth_date_s > now_s + kInitDataFutureSkewS || now_s - user.auth_date_s > max_age_s) {
    return Status::FailedPrecondition("initData: auth_date is stale or in the future");
  }
  auto user_it = fields.find("user");
  if (user_it == fields.end()) return Status::InvalidArgument("initData: no user");
  const nlohmann::json j = nlohmann::json::parse(user_it->second, nullptr, false);
  if (!j.is_object() || !j.contains("id") || !j["id"].is_number_integer()) {
    return Status::InvalidArgument("initData: user without an integer id");
  }
  user.user_id = std::to_string(j["id"].get<int64_t>());
  if (auto lc = j.find("language_code"); lc != j.end() && lc->is_string()) {
    user.language_code = lc->get<std::string>();
  }
  return user;
}

}  // namespace linli::web
