#include "domain/people/private_conversation.h"

#include <gtest/gtest.h>

namespace linli::domain::private_conversation_test {
namespace {

config::Config WithChannel(const std::string& type, const std::string& username) {
  config::Config c;
  config::ChannelConfig ch;
  ch.name = "tg";
  ch.type = type;
  if (!username.empty()) ch.fields["bot_username"] = username;
  c.channels.push_back(ch);
  return c;
}

const ConversationRef kGroup{"tg", "42", "-100777", ChatType::kGroup};

TEST(PrivateRefTest, NeverTheGroupThePersonLastWroteFrom) {
  storage::Identity id;
  id.channel = "tg";
  id.user_id = "42";
  id.last_conversation = kGroup;
  const ConversationRef ref = PrivateRef(id);
  EXPECT_EQ(ref.chat_type, ChatType::kPrivate);
  EXPECT_EQ(ref.chat_id, "42");
  EXPECT_EQ(ref.user_id, "42");
  EXPECT_EQ(ref.channel, "tg");
  // A private last conversation is kept as it is (platforms with a separate private chat id).
  id.last_conversation = {"tg", "42", "dm-42", ChatType::kPrivate};
  EXPECT_EQ(PrivateRef(id).chat_id, "dm-42");
}

TEST(PrivateChatUrlTest, TelegramDeepLinkWhenTheBotUsernameIsKnown) {
  EXPECT_EQ(PrivateChatUrl(WithChannel("telegram", "linli_bot"), kGroup, "link"),
            "https://t.me/linli_bot?start=link");
  EXPECT_EQ(PrivateChatUrl(WithChannel("telegram", "@linli_bot"), kGroup, "link"),
            "https://t.me/linli_bot?start=link");
  // A start parameter Telegram would refuse is left out.
  EXPECT_EQ(PrivateChatUrl(WithChannel("telegram", "linli_bot"), kGroup, "关联"),
            "https://t.me/linli_bot");
  EXPECT_EQ(PrivateChatUrl(WithChannel("telegram", ""), kGroup, "link"), std::nullopt);
  EXPECT_EQ(PrivateChatUrl(WithChannel("telegram", "bad/name?x=1"), kGroup, "link"), std::nullopt);
  EXPECT_EQ(PrivateChatUrl(WithChannel("wecom", "linli_bot"), kGroup, "link"), std::nullopt);
  EXPECT_EQ(PrivateChatUrl(WithChannel("telegram", "linli_bot"),
                           {"other", "42", "-1", ChatType::kGroup}, "link"),
            std::nullopt);
}

}  // namespace
}  // namespace linli::domain::private_conversation_test
