#include "adapters/wecom/wecom_codec.h"

#include <nlohmann/json.hpp>

#include "bot/json.h"
#include "adapters/wechat/wechat_mp_codec.h"

namespace linli::adapters::wecom {

const wechat::ErrcodePolicy& WecomPolicy() {
  static const auto* const kPolicy = new wechat::ErrcodePolicy{
      /*token_errors=*/{40014, 42001},
      /*deferred=*/{},
      /*retry=*/{-1, 45009, 45011, 45033},
  };
  return *kPolicy;
}

bool IsSingleRecipient(std::string_view user_id) {
  return !user_id.empty() && user_id != "@all" && user_id.find('|') == std::string_view::npos;
}

std::string RenderAppSendJson(std::string_view touser, int64_t agent_id, std::string_view content) {
  nlohmann::json body = {
      {"touser", std::string(touser)}, {"msgtype", "text"},
      {"agentid", agent_id},           {"text", {{"content", std::string(content)}}},
      {"enable_duplicate_check", 1},   {"duplicate_check_interval", 1800},
  };
  return DumpJson(body);
}

std::string RenderReplyXml(std::string_view user_id, std::string_view corp_id, int64_t create_time,
                           std::string_view content) {
  return wechat::RenderTextReplyXml(user_id, corp_id, create_time, content);
}

}  // namespace linli::adapters::wecom
