// The WeChat family's inbound path (Official Account and WeCom app callbacks share it):
// the outer XML, the AES layer, the inner message XML - as adapters/wechat/wechat_mp_adapter.cc
// and adapters/wecom/wecom_adapter.cc run it after the signature check. Used by
// wechat_inbound_fuzz.cc and wecom_inbound_fuzz.cc with their own receive ids.
#pragma once

#include <openssl/evp.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "adapters/wechat/wechat_crypto.h"
#include "adapters/wechat/wechat_mp_codec.h"
#include "adapters/wechat/wechat_xml.h"
#include "fuzz/fuzz_check.h"

namespace linli::fuzz {

// The test vectors' key (tests/testdata/protocols/test-vectors.json).
inline constexpr std::string_view kEncodingAesKey = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

// The adapter's steps on a received body: outer XML, then either the Encrypt field
// decrypted and parsed, or (plain mode) the outer fields themselves.
inline void RunInbound(const adapters::wechat::MsgCrypt& crypt, std::string_view body,
                       std::string_view channel) {
  namespace wx = adapters::wechat;
  auto outer = wx::ParseFlatXml(body);
  if (!outer.ok()) {
    FUZZ_CHECK(outer.status().code() == StatusCode::kInvalidArgument,
               "ParseFlatXml fails only with kInvalidArgument");
    return;
  }
  auto it = outer->find("Encrypt");
  if (it == outer->end()) {
    auto parsed = wx::ParseInboundFields(*outer, channel);
    if (parsed.ok() && parsed->message) {
      FUZZ_CHECK(parsed->message->conversation.channel == channel, "message on the channel");
      FUZZ_CHECK(!parsed->message->platform_message_id.empty(), "a dedupe key");
    }
    return;
  }
  auto plain = crypt.Decrypt(it->second);
  if (!plain.ok()) return;
  auto parsed = wx::ParseInboundXml(*plain, channel);
  if (parsed.ok() && parsed->message) {
    FUZZ_CHECK(parsed->message->conversation.channel == channel, "message on the channel");
  }
}

// AES-256-CBC without padding, IV = key[0..16): the raw layer under MsgCrypt, so a target can
// hand DecryptRaw any plaintext layout (lengths, pads) it likes.
inline std::string RawEncrypt(const adapters::wechat::AesKey& key, std::string plain) {
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                       EVP_CIPHER_CTX_free);
  FUZZ_CHECK(ctx != nullptr, "EVP context");
  FUZZ_CHECK(EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_cbc(), nullptr, key.data(), key.data()) ==
                     1 &&
                 EVP_CIPHER_CTX_set_padding(ctx.get(), 0) == 1,
             "AES init");
  std::string out(plain.size() + 32, '\0');
  int n1 = 0;
  int n2 = 0;
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  FUZZ_CHECK(EVP_EncryptUpdate(ctx.get(), o, &n1, reinterpret_cast<const unsigned char*>(plain.data()),
                               static_cast<int>(plain.size())) == 1 &&
                 EVP_EncryptFinal_ex(ctx.get(), o + n1, &n2) == 1,
             "AES encrypt");
  out.resize(static_cast<size_t>(n1 + n2));
  return out;
}

// One fuzz input, three ways:
//  1. as a received body (plain mode, or an outer XML whose Encrypt the fuzzer made up);
//  2. as the message XML a platform encrypted for us: Encrypt -> outer XML -> the adapter's
//     path; the decryption must give the input back (round trip);
//  3. as the decrypted AES layer itself (random16 | length | msg | receive id | pad), so the
//     length and padding checks of DecryptRaw see fuzzer-chosen bytes.
inline int FuzzWechatFamily(const uint8_t* data, size_t size, const std::string& receive_id,
                            std::string_view channel) {
  namespace wx = adapters::wechat;
  static const wx::MsgCrypt crypt = [&] {
    auto c = wx::MsgCrypt::Create("AAAAA", kEncodingAesKey, receive_id);
    FUZZ_CHECK(c.ok(), "the test-vector key is valid");
    return std::move(c).value();
  }();
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  RunInbound(crypt, input, channel);

  wx::Random16 random16{};
  for (size_t i = 0; i < random16.size() && i < size; ++i) random16[i] = data[i];
  auto encrypted = crypt.Encrypt(input, random16);
  FUZZ_CHECK(encrypted.ok(), "Encrypt succeeds for any message");
  auto back = crypt.Decrypt(*encrypted);
  FUZZ_CHECK(back.ok() && *back == input, "Decrypt(Encrypt(m)) == m");
  const std::string outer =
      wx::XmlBuilder().Text("ToUserName", receive_id).Text("Encrypt", *encrypted).Build();
  RunInbound(crypt, outer, channel);
  auto outer_fields = wx::ParseFlatXml(outer);
  FUZZ_CHECK(outer_fields.ok() && outer_fields->at("Encrypt") == *encrypted,
             "the outer XML carries Encrypt unchanged");

  std::string raw(input);
  raw.resize(raw.empty() ? 32 : (raw.size() + 31) / 32 * 32, '\0');
  auto decrypted = crypt.DecryptRaw(wx::Base64Encode(RawEncrypt(crypt.key(), raw)));
  if (decrypted.ok()) {
    FUZZ_CHECK(decrypted->random16.size() == 16, "random16 is 16 bytes");
    FUZZ_CHECK(20 + decrypted->msg.size() + decrypted->receive_id.size() <= raw.size(),
               "the layout fits the plaintext");
    FUZZ_CHECK(raw.compare(20, decrypted->msg.size(), decrypted->msg) == 0,
               "msg is the bytes after the length");
  }
  return 0;
}

}  // namespace linli::fuzz
