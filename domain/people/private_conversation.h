// The private conversation with a person (issue 8): messages about a person - bind notices,
// ticket pushes, codes - go only there, never to a group the person last wrote from; and where
// a platform can open that conversation from a group, the link that does.
#pragma once

#include <optional>
#include <string>

#include "bot/message.h"
#include "config/config.h"
#include "storage/identity_store.h"

namespace linli::domain {

// Pure: the identity's private conversation - its last conversation when that was private,
// else a private ref on the identity's channel (chat id = user id, which is how Telegram,
// WeChat, WeCom, DingTalk and Feishu address a user directly).
ConversationRef PrivateRef(const storage::Identity& identity);

// Pure: a URL that opens the private chat with the bot on the channel of `in_chat`, with
// `start` as the start parameter ([A-Za-z0-9_-], at most 64 bytes, else it is left out), or
// nullopt when the platform has no such link or the channel does not say enough to build it.
// Telegram: "https://t.me/<bot_username>?start=<start>" when the channel configures
// `bot_username` (a bot cannot message a user who never started it, so the user taps this).
std::optional<std::string> PrivateChatUrl(const config::Config& config,
                                          const ConversationRef& in_chat,
                                          const std::string& start);

}  // namespace linli::domain
