// The WXBizMsgCrypt scheme shared by the WeChat family (Official Account safe/compatible
// mode, WeCom app callbacks): SHA-1 signatures over sorted strings, AES-256-CBC with
// IV = key[0..16], PKCS#7 padding to 32-byte blocks, and the plaintext layout
//   random(16) | uint32 big-endian byte length | msg | receive_id.
// See /work/shared/protocols/wechat-official-account.md §4 and wecom.md §3. Feishu uses a
// different (16-byte, IV-prefixed) layout: do not share this code with it.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "bot/status.h"

namespace linli::adapters::wechat {

using AesKey = std::array<uint8_t, 32>;
using Random16 = std::array<uint8_t, 16>;

// hex_lower(sha1(concat(sort_bytewise(parts)))). Used for the OA plain `signature`
// (token, timestamp, nonce) and for `msg_signature` (token, timestamp, nonce, Encrypt).
std::string Sha1Signature(std::initializer_list<std::string_view> parts);

// Constant-time (CRYPTO_memcmp) comparison of a computed signature with a received one.
// Lengths are not secret; a length mismatch returns false at once.
bool SignatureMatches(std::string_view computed, std::string_view received);

// Largest accepted |now - timestamp| of a signed callback, either direction. WeChat OA and
// WeCom sign `timestamp`: without this bound a captured request could be replayed once the
// inbound dedupe (7 days) has forgotten its message id (SECURITY.md). The platforms' own
// retries (3 within about 15 s) reuse the first timestamp and stay far inside.
inline constexpr int64_t kMaxTimestampSkewSeconds = 300;

// True if `timestamp` is 1..12 decimal digits (epoch seconds, nothing else) within
// `max_skew_s` of `now_s` in either direction.
bool TimestampWithinSkew(std::string_view timestamp, int64_t now_s,
                         int64_t max_skew_s = kMaxTimestampSkewSeconds);

// Decodes an EncodingAESKey: exactly 43 characters of [A-Za-z0-9] (the platform's own
// alphabet; '+' and '/' never occur). The key is base64(key32) without its '=': the last
// character carries 2 spare bits, which are ignored (WeCom's sample key has them set), so
// never validate by re-encoding. Error: kInvalidArgument (message has no key material).
StatusOr<AesKey> DecodeEncodingAesKey(std::string_view encoding_aes_key);

// True if `s` is a syntactically valid EncodingAESKey (see above).
bool IsValidEncodingAesKey(std::string_view s);

// Standard base64 with '=' padding; the decoder is strict (length % 4 == 0, padding only at
// the end, no whitespace). Decoding errors: kInvalidArgument.
std::string Base64Encode(std::string_view bytes);
StatusOr<std::string> Base64Decode(std::string_view text);

// 16 bytes from RAND_bytes. kInternal if the CSPRNG fails (never silently weak).
StatusOr<Random16> SecureRandom16();
// A 10-digit decimal nonce from RAND_bytes for encrypted replies. kInternal on failure.
StatusOr<std::string> SecureRandomNonce();

// What one decryption yields before the receive id is checked.
struct DecryptedPayload {
  std::string random16;    // the sender's random prefix (tests compare it with vectors)
  std::string msg;         // the plaintext message (XML, JSON or WeCom's echostr)
  std::string receive_id;  // AppID (OA), CorpID (WeCom app)
};

// One account's crypto: token, AES key, expected receive id. Immutable after Create, so
// it is safe to share between threads.
class MsgCrypt {
 public:
  // Errors: kInvalidArgument when the key is malformed (the caller names the config field).
  static StatusOr<MsgCrypt> Create(std::string token, std::string_view encoding_aes_key,
                                   std::string receive_id);

  // msg_signature over [token, timestamp, nonce, encrypt].
  std::string Signature(std::string_view timestamp, std::string_view nonce,
                        std::string_view encrypt) const;
  // Constant-time check of `msg_signature`.
  bool VerifySignature(std::string_view msg_signature, std::string_view timestamp,
                       std::string_view nonce, std::string_view encrypt) const;

  // base64(AES-256-CBC(random16 | len | msg | receive_id | pad32)). `random16` is injected:
  // tests pass fixed bytes, production passes SecureRandom16(). kInternal if EVP fails.
  StatusOr<std::string> Encrypt(std::string_view msg, const Random16& random16) const;

  // Decrypts `encrypt` (base64) and checks that the trailing receive id equals ours.
  // Errors: kInvalidArgument for malformed base64/length/padding/layout, kUnauthenticated
  // when the receive id differs (a message meant for another account).
  StatusOr<std::string> Decrypt(std::string_view encrypt) const;
  // Decrypts without checking the receive id (for tests and diagnostics).
  StatusOr<DecryptedPayload> DecryptRaw(std::string_view encrypt) const;

  const std::string& token() const { return token_; }
  const std::string& receive_id() const { return receive_id_; }
  const AesKey& key() const { return key_; }

 private:
  MsgCrypt(std::string token, const AesKey& key, std::string receive_id)
      : token_(std::move(token)), key_(key), receive_id_(std::move(receive_id)) {}

  std::string token_;
  AesKey key_;
  std::string receive_id_;
};

// The PKCS#7 variant with 32-byte blocks used by the WeChat family (pad value 1..32).
// Exposed for tests.
std::string Pkcs7Pad32(std::string_view data);
// Verifies every pad byte; kInvalidArgument on a bad pad. Returns the unpadded length.
StatusOr<size_t> Pkcs7Unpad32Length(std::string_view data);

}  // namespace linli::adapters::wechat
