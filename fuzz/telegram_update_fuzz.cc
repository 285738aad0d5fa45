// Fuzz target: a Telegram webhook body (an Update) through DecodeUpdate, as
// adapters/telegram/telegram_adapter.cc feeds it after the secret check.
// Seeds: tests/testdata/telegram/*.json.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "adapters/telegram/telegram_codec.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace tg = linli::adapters::telegram;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  tg::DecodeOptions options;
  options.channel = "tg";
  options.bot_username = "linli_bot";
  auto result = tg::DecodeUpdate(body, options);
  if (!result.ok()) {
    FUZZ_CHECK(result.status().code() == linli::StatusCode::kInvalidArgument,
               "DecodeUpdate fails only with kInvalidArgument");
    return 0;
  }
  if (result->message) {
    const linli::InboundMessage& m = *result->message;
    FUZZ_CHECK(m.conversation.channel == "tg", "the decoded message is on the given channel");
    FUZZ_CHECK(m.platform_message_id.size() > 1 && m.platform_message_id[0] == 'u',
               "the dedupe key is u<update_id>");
    FUZZ_CHECK(!m.conversation.chat_id.empty(), "a decoded message has a chat");
  }
  return 0;
}
