#include "adapters/wechat/wechat_crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

namespace linli::adapters::wechat {

namespace {

constexpr size_t kBlock = 32;        // the WeChat family's PKCS#7 block size
constexpr size_t kAesBlock = 16;     // AES itself
constexpr size_t kHeaderBytes = 20;  // random16 + uint32 length

constexpr char kBase64Alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

bool IsAsciiAlnum(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

struct CipherCtxDeleter {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter>;

// AES-256-CBC without OpenSSL's padding (we pad to 32 bytes ourselves). `in` must be a
// multiple of 16 bytes.
StatusOr<std::string> AesCbc(const AesKey& key, std::string_view in, bool encrypt) {
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return Status::Internal("EVP_CIPHER_CTX_new failed");
  const unsigned char* iv = key.data();  // IV = key[0..16]
  if (EVP_CipherInit_ex(ctx.get(), EVP_aes_256_cbc(), nullptr, key.data(), iv, encrypt ? 1 : 0) !=
          1 ||
      EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1) {
    return Status::Internal("AES init failed");
  }
  std::string out(in.size() + kAesBlock, '\0');
  int n1 = 0;
  int n2 = 0;
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  if (EVP_CipherUpdate(ctx.get(), o, &n1, reinterpret_cast<const unsigned char*>(in.data()),
                       static_cast<int>(in.size())) != 1 ||
      EVP_CipherFinal_ex(ctx.get(), o + n1, &n2) != 1) {
    return Status::Internal("AES operation failed");
  }
  out.resize(static_cast<size_t>(n1) + static_cast<size_t>(n2));
  return out;
}

}  // namespace

std::string Sha1Signature(std::initializer_list<std::string_view> parts) {
  std::vector<std::string_view> sorted(parts);
  // Bytewise (unsigned) order, as the platforms' samples sort byte strings.
  std::sort(sorted.begin(), sorted.end(), [](std::string_view a, std::string_view b) {
    const int c = std::memcmp(a.data(), b.data(), std::min(a.size(), b.size()));
    return c != 0 ? c < 0 : a.size() < b.size();
  });
  std::string joined;
  for (auto p : sorted) joined.append(p);

  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(joined.data(), joined.size(), digest, &len, EVP_sha1(), nullptr) != 1) {
    return {};  // never matches a received signature
  }
  static const char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 15]);
  }
  return hex;
}

bool SignatureMatches(std::string_view computed, std::string_view received) {
  if (computed.empty() || computed.size() != received.size()) return false;
  return CRYPTO_memcmp(computed.data(), received.data(), computed.size()) == 0;
}

bool TimestampWithinSkew(std::string_view timestamp, int64_t now_s, int64_t max_skew_s) {
  if (timestamp.empty() || timestamp.size() > 12) return false;
  int64_t ts = 0;
  for (char c : timestamp) {
    if (c < '0' || c > '9') return false;
    ts = ts * 10 + (c - '0');
  }
  return ts >= now_s - max_skew_s && ts <= now_s + max_skew_s;
}

bool IsValidEncodingAesKey(std::string_view s) {
  return s.size() == 43 && std::all_of(s.begin(), s.end(), IsAsciiAlnum);
}

StatusOr<AesKey> DecodeEncodingAesKey(std::string_view encoding_aes_key) {
  if (!IsValidEncodingAesKey(encoding_aes_key)) {
    return Status::InvalidArgument("must be 43 characters of [A-Za-z0-9]");
  }
  // 43 sextets = 258 bits; the first 256 are the key, the last 2 spare bits are ignored.
  AesKey key{};
  uint32_t acc = 0;
  int bits = 0;
  size_t out = 0;
  for (char c : encoding_aes_key) {
    acc = (acc << 6) | static_cast<uint32_t>(Base64Value(c));
    bits += 6;
    if (bits >= 8 && out < key.size()) {
      bits -= 8;
      key[out++] = static_cast<uint8_t>((acc >> bits) & 0xFF);
    }
    acc &= (1u << bits) - 1;  // bits <= 7 here
  }
  return key;
}

std::string Base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  auto b = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(bytes[k])); };
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t v = (b(i) << 16) | (b(i + 1) << 8) | b(i + 2);
    out.push_back(kBase64Alphabet[(v >> 18) & 63]);
    out.push_back(kBase64Alphabet[(v >> 12) & 63]);
    out.push_back(kBase64Alphabet[(v >> 6) & 63]);
    out.push_back(kBase64Alphabet[v & 63]);
  }
  const size_t rest = bytes.size() - i;
  if (rest == 1) {
    const uint32_t v = b(i) << 16;
    out.push_back(kBase64Alphabet[(v >> 18) & 63]);
    out.push_back(kBase64Alphabet[(v >> 12) & 63]);
    out.append("==");
  } else if (rest == 2) {
    const uint32_t v = (b(i) << 16) | (b(i + 1) << 8);
    out.push_back(kBase64Alphabet[(v >> 18) & 63]);
    out.push_back(kBase64Alphabet[(v >> 12) & 63]);
    out.push_back(kBase64Alphabet[(v >> 6) & 63]);
    out.push_back('=');
  }
  return out;
}

StatusOr<std::string> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return Status::InvalidArgument("base64: bad length");
  // At most two '=' and only at the end; any other '=' is rejected as a bad character.
  size_t pad = 0;
  while (pad < 2 && pad < text.size() && text[text.size() - 1 - pad] == '=') ++pad;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  uint32_t acc = 0;
  int bits = 0;
  const size_t data_chars = text.size() - pad;
  for (size_t i = 0; i < data_chars; ++i) {
    const int v = Base64Value(text[i]);
    if (v < 0) return Status::InvalidArgument("base64: bad character");
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
    acc &= (1u << bits) - 1;
  }
  return out;
}

StatusOr<Random16> SecureRandom16() {
  Random16 r{};
  if (RAND_bytes(r.data(), static_cast<int>(r.size())) != 1) {
    return Status::Internal("RAND_bytes failed");
  }
  return r;
}

StatusOr<std::string> SecureRandomNonce() {
  unsigned char bytes[10];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) return Status::Internal("RAND_bytes failed");
  std::string nonce;
  for (unsigned char b : bytes) nonce.push_back(static_cast<char>('0' + b % 10));
  if (nonce[0] == '0') nonce[0] = '1';  // keep it a 10-digit number
  return nonce;
}

std::string Pkcs7Pad32(std::string_view data) {
  const size_t pad = kBlock - (data.size() % kBlock);  // 1..32
  std::string out(data);
  out.append(pad, static_cast<char>(pad));
  return out;
}

StatusOr<size_t> Pkcs7Unpad32Length(std::string_view data) {
  if (data.empty() || data.size() % kBlock != 0) {
    return Status::InvalidArgument("padding: length not a multiple of 32");
  }
  const size_t pad = static_cast<unsigned char>(data.back());
  if (pad < 1 || pad > kBlock) return Status::InvalidArgument("padding: bad pad value");
  // Every pad byte must carry the pad value.
  unsigned char diff = 0;
  for (size_t i = data.size() - pad; i < data.size(); ++i) {
    diff |= static_cast<unsigned char>(data[i]) ^ static_cast<unsigned char>(pad);
  }
  if (diff != 0) return Status::InvalidArgument("padding: bad pad bytes");
  return data.size() - pad;
}

StatusOr<MsgCrypt> MsgCrypt::Create(std::string token, std::string_view encoding_aes_key,
                                    std::string receive_id) {
  LINLI_ASSIGN_OR_RETURN(AesKey key, DecodeEncodingAesKey(encoding_aes_key));
  return MsgCrypt(std::move(token), key, std::move(receive_id));
}

std::string MsgCrypt::Signature(std::string_view timestamp, std::string_view nonce,
                                std::string_view encrypt) const {
  return Sha1Signature({token_, timestamp, nonce, encrypt});
}

bool MsgCrypt::VerifySignature(std::string_view msg_signature, std::string_view timestamp,
                               std::string_view nonce, std::string_view encrypt) const {
  return SignatureMatches(Signature(timestamp, nonce, encrypt), msg_signature);
}

StatusOr<std::string> MsgCrypt::Encrypt(std::string_view msg, const Random16& random16) const {
  if (msg.size() > 0xFFFFFFFFu) return Status::InvalidArgument("message too long");
  std::string plain;
  plain.reserve(kHeaderBytes + msg.size() + receive_id_.size() + kBlock);
  plain.append(reinterpret_cast<const char*>(random16.data()), random16.size());
  const auto len = static_cast<uint32_t>(msg.size());
  plain.push_back(static_cast<char>((len >> 24) & 0xFF));
  plain.push_back(static_cast<char>((len >> 16) & 0xFF));
  plain.push_back(static_cast<char>((len >> 8) & 0xFF));
  plain.push_back(static_cast<char>(len & 0xFF));
  plain.append(msg);
  plain.append(receive_id_);
  LINLI_ASSIGN_OR_RETURN(std::string cipher, AesCbc(key_, Pkcs7Pad32(plain), /*encrypt=*/true));
  return Base64Encode(cipher);
}

StatusOr<DecryptedPayload> MsgCrypt::DecryptRaw(std::string_view encrypt) const {
  LINLI_ASSIGN_OR_RETURN(std::string cipher, Base64Decode(encrypt));
  if (cipher.empty() || cipher.size() % kBlock != 0) {
    return Status::InvalidArgument("ciphertext length not a multiple of 32");
  }
  LINLI_ASSIGN_OR_RETURN(std::string plain, AesCbc(key_, cipher, /*encrypt=*/false));
  LINLI_ASSIGN_OR_RETURN(size_t content, Pkcs7Unpad32Length(plain));
  if (content < kHeaderBytes) return Status::InvalidArgument("plaintext too short");
  const auto* p = reinterpret_cast<const unsigned char*>(plain.data());
  const uint64_t msg_len =
      (uint64_t{p[16]} << 24) | (uint64_t{p[17]} << 16) | (uint64_t{p[18]} << 8) | uint64_t{p[19]};
  if (kHeaderBytes + msg_len > content) return Status::InvalidArgument("bad message length");
  DecryptedPayload out;
  out.random16 = plain.substr(0, 16);
  out.msg = plain.substr(kHeaderBytes, static_cast<size_t>(msg_len));
  out.receive_id = plain.substr(kHeaderBytes + static_cast<size_t>(msg_len),
                                content - kHeaderBytes - static_cast<size_t>(msg_len));
  return out;
}

StatusOr<std::string> MsgCrypt::Decrypt(std::string_view encrypt) const {
  LINLI_ASSIGN_OR_RETURN(DecryptedPayload d, DecryptRaw(encrypt));
  if (d.receive_id.size() != receive_id_.size() ||
      CRYPTO_memcmp(d.receive_id.data(), receive_id_.data(), receive_id_.size()) != 0) {
    return Status::Unauthenticated("receive id mismatch");
  }
  return std::move(d.msg);
}

}  // namespace linli::adapters::wechat
