#include "bot/server/group_text.h"

#include "adapters/dingtalk_robot/dingtalk_robot_codec.h"
#include "adapters/feishu_robot/feishu_robot_codec.h"
#include "adapters/telegram/telegram_codec.h"
#include "adapters/wecom_robot/wecom_robot_codec.h"

namespace linli {

GroupTextLimit GroupTextLimitFor(std::string_view type) {
  if (type == "wecom_robot") return {adapters::wecom_robot::kMarkdownMaxBytes, {}};
  if (type == "dingtalk_robot") return {adapters::dingtalk_robot::kBodyMaxBytes, {}};
  if (type == "feishu_robot") return {adapters::feishu_robot::kBodyMaxBytes, {}};
  if (type == "telegram") {
    return {adapters::telegram::kMaxTextUtf16,
            [](std::string_view s) { return adapters::telegram::Utf16Length(s); }};
  }
  return {2048, {}};
}

std::vector<std::string> SplitForGroup(std::string_view channel_type, std::string_view text) {
  const GroupTextLimit limit = GroupTextLimitFor(channel_type);
  return SplitByBytes(text, limit.max, limit.measure);
}

}  // namespace linli
