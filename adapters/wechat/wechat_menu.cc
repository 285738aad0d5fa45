#include "adapters/wechat/wechat_menu.h"

#include <utility>

#include "adapters/wechat/wechat_api.h"
#include "bot/json.h"

namespace linli::adapters::wechat {

namespace {

using nlohmann::json;

// A menu answer nests button > sub_button > button: depth 6 with the wrapping object.
constexpr int kMaxMenuJsonDepth = 8;

json ButtonJson(const config::MenuButton& b) {
  if (!b.sub_buttons.empty()) {
    json subs = json::array();
    for (const auto& s : b.sub_buttons) subs.push_back(ButtonJson(s));
    return json{{"name", b.name}, {"sub_button", std::move(subs)}};
  }
  if (!b.url.empty()) return json{{"type", "view"}, {"name", b.name}, {"url", b.url}};
  return json{{"type", "click"}, {"name", b.name}, {"key", b.key}};
}

LiveMenuButton LiveButton(const json& j, bool top) {
  LiveMenuButton b;
  b.type = GetString(j, "type").value_or("");
  b.name = GetString(j, "name").value_or("");
  b.key = GetString(j, "key").value_or("");
  b.url = GetString(j, "url").value_or("");
  if (top) {
    if (const json* subs = FindArray(j, "sub_button")) {
      for (const json& s : *subs) {
        if (s.is_object()) b.sub_buttons.push_back(LiveButton(s, /*top=*/false));
      }
    }
  }
  return b;
}

}  // namespace

std::string RenderMenuCreateJson(const std::vector<config::MenuButton>& menu) {
  json buttons = json::array();
  for (const auto& b : menu) buttons.push_back(ButtonJson(b));
  return DumpJson(json{{"button", std::move(buttons)}});
}

StatusOr<std::vector<LiveMenuButton>> ParseMenuGetJson(std::string_view body) {
  auto parsed = ParseUntrustedJson(body, kMaxMenuJsonDepth);
  if (!parsed.ok() || !parsed->is_object()) {
    return Status::InvalidArgument("menu/get: not a JSON object");
  }
  const json& j = *parsed;
  if (FindMember(j, "errcode") != nullptr) {
    auto reply = ParseApiReply(body);
    if (!reply.ok()) return reply.status();
    if (reply->errcode != 0) return Status::InvalidArgument(DescribeReply(*reply));
  }
  const json* buttons = FindArray(j, "button");
  if (const json* menu = FindObject(j, "menu")) buttons = FindArray(*menu, "button");
  if (buttons == nullptr) return Status::InvalidArgument("menu/get: no button array");
  std::vector<LiveMenuButton> out;
  for (const json& b : *buttons) {
    if (b.is_object()) out.push_back(LiveButton(b, /*top=*/true));
  }
  return out;
}

std::map<std::string, std::string> MenuCommands(const std::vector<config::MenuButton>& menu) {
  std::map<std::string, std::string> out;
  for (const auto& b : menu) {
    if (!b.command.empty()) out.emplace(b.key, b.command);
    for (const auto& s : b.sub_buttons) {
      if (!s.command.empty()) out.emplace(s.key, s.command);
    }
  }
  return out;
}

void MapMenuClick(const std::map<std::string, std::string>& commands, InboundMessage& message) {
  if (message.kind != InboundKind::kEvent || message.event != EventKind::kClick) return;
  auto it = commands.find(message.payload);
  if (it != commands.end()) message.payload = it->second;
}

}  // namespace linli::adapters::wechat
