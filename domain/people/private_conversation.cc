#include "domain/people/private_conversation.h"

namespace linli::domain {

namespace {

bool ValidStartParameter(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool ValidUsername(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

ConversationRef PrivateRef(const storage::Identity& id) {
  if (id.last_conversation.chat_type == ChatType::kPrivate && !id.last_conversation.chat_id.empty()) {
    return id.last_conversation;
  }
  return {id.channel, id.user_id, id.user_id, ChatType::kPrivate};
}

std::optional<std::string> PrivateChatUrl(const config::Config& config,
                                          const ConversationRef& in_chat,
                                          const std::string& start) {
  for (const auto& channel : config.channels) {
    if (channel.name != in_chat.channel) continue;
    if (channel.type != "telegram") return std::nullopt;
    std::string username = channel.Field("bot_username");
    if (!username.empty() && username[0] == '@') username = username.substr(1);
    if (!ValidUsername(username)) return std::nullopt;
    std::string url = "https://t.me/" + username;
    if (ValidStartParameter(start)) url += "?start=" + start;
    return url;
  }
  return std::nullopt;
}

}  // namespace linli::domain
