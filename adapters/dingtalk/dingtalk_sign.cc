#include "adapters/dingtalk/dingtalk_sign.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>

#include "bot/http.h"

namespace linli::adapters::dingtalk {

std::string HmacSha256Base64(std::string_view key, std::string_view message) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac.data(),
       &mac_len);
  std::array<unsigned char, 4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1> b64{};
  const int n = EVP_EncodeBlock(b64.data(), mac.data(), static_cast<int>(mac_len));
  return std::string(reinterpret_cast<const char*>(b64.data()), static_cast<size_t>(n));
}

std::string CallbackSign(std::string_view timestamp, std::string_view app_secret) {
  std::string message;
  message.append(timestamp).append("\n").append(app_secret);
  return HmacSha256Base64(app_secret, message);
}

bool VerifyCallbackSign(std::string_view timestamp, std::string_view app_secret,
                        std::string_view sign) {
  const std::string expected = CallbackSign(timestamp, app_secret);
  return expected.size() == sign.size() &&
         CRYPTO_memcmp(expected.data(), sign.data(), sign.size()) == 0;
}

std::string CustomRobotSign(std::string_view timestamp_ms, std::string_view secret) {
  return PercentEncode(CallbackSign(timestamp_ms, secret));
}

std::string CustomRobotQuerySuffix(std::string_view timestamp_ms, std::string_view secret) {
  return "&timestamp=" + std::string(timestamp_ms) +
         "&sign=" + CustomRobotSign(timestamp_ms, secret);
}

std::string BodyDigestHex(std::string_view body) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int len = 0;
  if (EVP_Digest(body.data(), body.size(), digest.data(), &len, EVP_sha256(), nullptr) != 1) {
    return {};
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * len);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 15]);
  }
  return out;
}

bool ReplayCache::Insert(int64_t timestamp_ms, std::string_view sign, std::string_view body,
                         int64_t now_ms) {
  std::string key = std::to_string(timestamp_ms);
  key += '\n';
  key += sign;
  std::string digest(EVP_MAX_MD_SIZE, '\0');
  unsigned int digest_len = 0;
  if (EVP_Digest(body.data(), body.size(), reinterpret_cast<unsigned char*>(digest.data()),
                 &digest_len, EVP_sha256(), nullptr) != 1) {
    return false;
  }
  digest.resize(digest_len);
  std::lock_guard<std::mutex> lock(mu_);
  PurgeLocked(now_ms);
  if (auto it = seen_.find(key); it != seen_.end()) {
    return CRYPTO_memcmp(it->second.data(), digest.data(), digest.size()) == 0 &&
           it->second.size() == digest.size();
  }
  while (!by_expiry_.empty() && seen_.size() >= capacity_) {
    seen_.erase(by_expiry_.begin()->second);
    by_expiry_.erase(by_expiry_.begin());
  }
  const int64_t expiry = timestamp_ms + window_ms_;
  seen_.emplace(key, std::move(digest));
  by_expiry_.emplace(expiry, std::move(key));
  return true;
}

size_t ReplayCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return seen_.size();
}

void ReplayCache::PurgeLocked(int64_t now_ms) {
  while (!by_expiry_.empty() && by_expiry_.begin()->first < now_ms) {
    seen_.erase(by_expiry_.begin()->second);
    by_expiry_.erase(by_expiry_.begin());
  }
}

}  // namespace linli::adapters::dingtalk
