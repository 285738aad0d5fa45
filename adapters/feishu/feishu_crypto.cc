#include "adapters/feishu/feishu_crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <array>
#include <memory>

namespace linli::adapters::feishu {

namespace {

constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int B64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

std::string Sha256(std::string_view data) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(Bytes(data), data.size(), digest.data());
  return std::string(reinterpret_cast<const char*>(digest.data()), digest.size());
}

std::string HexEncode(std::string_view bytes) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

std::string Base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t v = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    out.push_back(kB64[(v >> 18) & 63]);
    out.push_back(kB64[(v >> 12) & 63]);
    out.push_back(kB64[(v >> 6) & 63]);
    out.push_back(kB64[v & 63]);
  }
  const size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t v = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out.push_back(kB64[(v >> 18) & 63]);
    out.push_back(kB64[(v >> 12) & 63]);
    out.push_back(rest == 2 ? kB64[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

StatusOr<std::string> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return Status::InvalidArgument("base64: bad length");
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    int v[4];
    int pad = 0;
    for (int j = 0; j < 4; ++j) {
      const char c = text[i + j];
      if (c == '=' && last && j >= 2) {
        v[j] = 0;
        ++pad;
        continue;
      }
      if (pad > 0) return Status::InvalidArgument("base64: bad padding");
      v[j] = B64Value(c);
      if (v[j] < 0) return Status::InvalidArgument("base64: bad character");
    }
    const uint32_t n = (v[0] << 18) | (v[1] << 12) | (v[2] << 6) | v[3];
    out.push_back(static_cast<char>((n >> 16) & 0xff));
    if (pad < 2) out.push_back(static_cast<char>((n >> 8) & 0xff));
    if (pad < 1) out.push_back(static_cast<char>(n & 0xff));
  }
  return out;
}

StatusOr<std::string> DecryptEvent(std::string_view encrypt_key, std::string_view encrypt) {
  auto raw = Base64Decode(encrypt);
  if (!raw.ok()) return Status::InvalidArgument("encrypt: " + raw.status().message());
  const std::string& data = *raw;
  if (data.size() < 32 || data.size() % 16 != 0) {
    return Status::InvalidArgument("encrypt: bad ciphertext length");
  }
  const std::string key = Sha256(encrypt_key);
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return Status::Internal("EVP_CIPHER_CTX_new failed");
  if (EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_cbc(), nullptr, Bytes(key), Bytes(data)) != 1) {
    return Status::Internal("EVP_DecryptInit_ex failed");
  }
  const std::string_view ciphertext = std::string_view(data).substr(16);
  std::string out(ciphertext.size() + 16, '\0');
  int len1 = 0;
  int len2 = 0;
  auto* out_bytes = reinterpret_cast<unsigned char*>(out.data());
  if (EVP_DecryptUpdate(ctx.get(), out_bytes, &len1, Bytes(ciphertext),
                        static_cast<int>(ciphertext.size())) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), out_bytes + len1, &len2) != 1) {
    return Status::InvalidArgument("encrypt: bad padding");
  }
  out.resize(static_cast<size_t>(len1 + len2));
  return out;
}

StatusOr<std::string> EncryptEvent(std::string_view encrypt_key, std::string_view plaintext,
                                   std::string_view iv) {
  if (iv.size() != 16) return Status::InvalidArgument("iv must be 16 bytes");
  const std::string key = Sha256(encrypt_key);
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  if (!ctx ||
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_cbc(), nullptr, Bytes(key), Bytes(iv)) != 1) {
    return Status::Internal("EVP_EncryptInit_ex failed");
  }
  std::string out(iv);
  out.resize(16 + plaintext.size() + 16);
  int len1 = 0;
  int len2 = 0;
  auto* out_bytes = reinterpret_cast<unsigned char*>(out.data()) + 16;
  if (EVP_EncryptUpdate(ctx.get(), out_bytes, &len1, Bytes(plaintext),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), out_bytes + len1, &len2) != 1) {
    return Status::Internal("AES encryption failed");
  }
  out.resize(16 + static_cast<size_t>(len1 + len2));
  return Base64Encode(out);
}

std::string EventSignature(std::string_view timestamp, std::string_view nonce,
                           std::string_view encrypt_key, std::string_view raw_body) {
  std::string input;
  input.reserve(timestamp.size() + nonce.size() + encrypt_key.size() + raw_body.size());
  input.append(timestamp).append(nonce).append(encrypt_key).append(raw_body);
  return HexEncode(Sha256(input));
}

bool VerifyEventSignature(std::string_view timestamp, std::string_view nonce,
                          std::string_view encrypt_key, std::string_view raw_body,
                          std::string_view signature) {
  return ConstantTimeEquals(EventSignature(timestamp, nonce, encrypt_key, raw_body), signature);
}

std::string CustomBotSign(std::string_view timestamp_s, std::string_view secret) {
  std::string key;
  key.append(timestamp_s).append("\n").append(secret);
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int mac_len = 0;
  static const unsigned char kEmpty[1] = {0};
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), kEmpty, 0, mac.data(), &mac_len);
  return Base64Encode(std::string_view(reinterpret_cast<const char*>(mac.data()), mac_len));
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace linli::adapters::feishu
