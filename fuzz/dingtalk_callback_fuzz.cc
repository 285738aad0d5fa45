// Fuzz target: a DingTalk robot callback body through DecodeCallback, as
// adapters/dingtalk/dingtalk_adapter.cc runs it after the signature and replay checks.
// Seeds: tests/testdata/dingtalk/*.json.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "adapters/dingtalk/dingtalk_codec.h"
#include "adapters/dingtalk/dingtalk_sign.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace dt = linli::adapters::dingtalk;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto decoded = dt::DecodeCallback(body, "dingtalk");
  if (!decoded.ok()) {
    FUZZ_CHECK(decoded.status().code() == linli::StatusCode::kInvalidArgument,
               "DecodeCallback fails only with kInvalidArgument");
    return 0;
  }
  const linli::InboundMessage& m = decoded->message;
  FUZZ_CHECK(m.conversation.channel == "dingtalk", "message on the channel");
  FUZZ_CHECK(!m.platform_message_id.empty(), "a dedupe key (msgId)");
  FUZZ_CHECK(!m.conversation.chat_id.empty() && !m.conversation.user_id.empty(),
             "a chat and a sender");
  FUZZ_CHECK(dt::BodyDigestHex(body).size() == 64, "the replay digest is a SHA-256 hex");
  return 0;
}
