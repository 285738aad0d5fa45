// Fuzz target: a Feishu event callback body as adapters/feishu/feishu_adapter.cc reads it after
// the signature check: JSON, the optional {"encrypt"} wrapper and AES layer, the envelope, and
// im.message.receive_v1. Each input is tried as the received body, as the plaintext a
// platform encrypted for us (round trip through EncryptEvent / DecryptEvent), and as a
// ciphertext of its own. Seeds: tests/testdata/feishu/*.json.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "adapters/feishu/feishu_codec.h"
#include "adapters/feishu/feishu_crypto.h"
#include "bot/json.h"
#include "fuzz/fuzz_check.h"

namespace {

namespace fs = linli::adapters::feishu;
constexpr std::string_view kEncryptKey = "test key";
constexpr std::string_view kChannel = "feishu";

void RunBody(std::string_view raw_body) {
  auto body = linli::ParseUntrustedJson(raw_body);
  if (!body.ok()) return;
  auto encrypted = fs::EncryptedPayload(*body);
  if (!encrypted.ok()) return;
  nlohmann::json event;
  if (encrypted->has_value()) {
    auto plain = fs::DecryptEvent(kEncryptKey, **encrypted);
    if (!plain.ok()) {
      FUZZ_CHECK(plain.status().code() == linli::StatusCode::kInvalidArgument,
                 "DecryptEvent fails only with kInvalidArgument");
      return;
    }
    auto parsed = linli::ParseUntrustedJson(*plain);
    if (!parsed.ok()) return;
    event = std::move(parsed).value();
  } else {
    event = std::move(body).value();
  }
  auto envelope = fs::ReadEnvelope(event);
  if (!envelope.ok()) return;
  if (envelope->kind != fs::Envelope::Kind::kV2 ||
      envelope->event_type != fs::kMessageReceiveEvent) {
    return;
  }
  auto message = fs::DecodeMessageReceive(event, *envelope, std::string(kChannel));
  if (message.ok() && message->has_value()) {
    const linli::InboundMessage& m = **message;
    FUZZ_CHECK(m.conversation.channel == kChannel, "message on the channel");
    FUZZ_CHECK(!m.platform_message_id.empty(), "a dedupe key");
    FUZZ_CHECK(linli::fuzz::IsValidUtf8(linli::DumpJson(m.text)), "text dumps as UTF-8 JSON");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  RunBody(input);

  std::string iv(16, '\0');
  for (size_t i = 0; i < iv.size() && i < size; ++i) iv[i] = static_cast<char>(data[i]);
  auto encrypted = fs::EncryptEvent(kEncryptKey, input, iv);
  FUZZ_CHECK(encrypted.ok(), "EncryptEvent succeeds with a 16-byte IV");
  auto back = fs::DecryptEvent(kEncryptKey, *encrypted);
  FUZZ_CHECK(back.ok() && *back == input, "DecryptEvent(EncryptEvent(p)) == p");
  RunBody(linli::DumpJson(nlohmann::json{{"encrypt", *encrypted}}));

  (void)fs::DecryptEvent(kEncryptKey, fs::Base64Encode(input));
  auto decoded = fs::Base64Decode(fs::Base64Encode(input));
  FUZZ_CHECK(decoded.ok() && *decoded == input, "Base64Decode(Base64Encode(b)) == b");
  return 0;
}
