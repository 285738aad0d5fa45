// Feishu/Lark event-subscription crypto (../shared/protocols/feishu.md §1, §2.2, §2.3):
// AES-256-CBC event decryption, the X-Lark-Signature request signature and the custom-bot
// signature. Pure functions over bytes; no I/O, no logging, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "bot/status.h"

namespace linli::adapters::feishu {

// Raw 32-byte SHA-256 digest.
std::string Sha256(std::string_view data);
// Lower-case hex.
std::string HexEncode(std::string_view bytes);
// Standard base64 with padding.
std::string Base64Encode(std::string_view bytes);
// Strict standard base64 (padding required, no whitespace). kInvalidArgument otherwise.
StatusOr<std::string> Base64Decode(std::string_view text);

// Decrypts an event body's "encrypt" field: key = SHA-256(encrypt_key),
// raw = base64(encrypt), IV = raw[0..16), AES-256-CBC over raw[16..), PKCS#7 with 16-byte
// blocks. Errors: kInvalidArgument for bad base64, a length that is not IV + n*16 (n >= 1)
// or bad padding. The plaintext is untrusted JSON text.
StatusOr<std::string> DecryptEvent(std::string_view encrypt_key, std::string_view encrypt);

// The inverse, with a caller-chosen 16-byte IV (Feishu uses a random one). For tests and fake
// servers. kInvalidArgument if `iv` is not 16 bytes.
StatusOr<std::string> EncryptEvent(std::string_view encrypt_key, std::string_view plaintext,
                                   std::string_view iv);

// hex(SHA-256(timestamp + nonce + encrypt_key + raw_body)), the X-Lark-Signature value.
std::string EventSignature(std::string_view timestamp, std::string_view nonce,
                           std::string_view encrypt_key, std::string_view raw_body);

// Constant-time comparison of `signature` (as sent) with EventSignature(...).
bool VerifyEventSignature(std::string_view timestamp, std::string_view nonce,
                          std::string_view encrypt_key, std::string_view raw_body,
                          std::string_view signature);

// Custom-bot (send-only webhook) signature: base64(HMAC-SHA256(key = timestamp_s + "\n" +
// secret, message = "")). Sent as "timestamp" and "sign" fields in the JSON body. Note the
// roles of key and message are the reverse of DingTalk's.
std::string CustomBotSign(std::string_view timestamp_s, std::string_view secret);

// Constant-time equality of two byte strings (false when the lengths differ).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace linli::adapters::feishu
