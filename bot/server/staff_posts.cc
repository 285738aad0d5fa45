#include "bot/server/staff_posts.h"

#include <algorithm>

#include "bot/message.h"
#include "bot/server/group_text.h"
#include "domain/reports/digest.h"
#include "domain/reports/digest_snapshot.h"
#include "storage/job_store.h"
#include "storage/outbox_store.h"

namespace linli {

StatusOr<int64_t> DigestSince(storage::Database& db, int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(auto last, storage::JobStore::Find(db, kDigestJobName));
  if (last && last->last_run_at_ms > 0 && last->last_run_at_ms <= now_ms) return last->last_run_at_ms;
  return now_ms - int64_t{24} * 3600 * 1000;
}

StatusOr<std::string> DigestText(storage::Database& db, const config::Config& config,
                                 const config::Texts& texts, const config::GroupConfig& group,
                                 int64_t since_ms, int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(auto snapshot, domain::GatherDigest(db, config, group, since_ms, now_ms));
  return domain::RenderDigest(snapshot, texts, config.locale);
}

StatusOr<int> PostToGroup(storage::Database& db, const config::Config& config,
                          const config::GroupConfig& group, const std::string& text,
                          int64_t now_ms) {
  std::string type;
  auto it = std::find_if(config.channels.begin(), config.channels.end(),
                         [&](const config::ChannelConfig& c) { return c.name == group.channel; });
  if (it != config.channels.end()) type = it->type;
  int n = 0;
  for (auto& part : SplitForGroup(type, text)) {
    OutboundMessage msg;
    msg.to = {group.channel, group.chat_id, group.chat_id, ChatType::kGroup};
    msg.text = std::move(part);
    LINLI_RETURN_IF_ERROR(storage::OutboxStore::Enqueue(db, msg, now_ms).status());
    ++n;
  }
  return n;
}

}  // namespace linli
