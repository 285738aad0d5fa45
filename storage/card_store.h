// Card references: the bot messages a reply may refer to (a wish card, a vote notice, ...).
// The outbox records one when it has sent a message whose OutboundMessage::card_kind is set
// and the platform returned the sent message's id; the dialog engine looks up the message an
// inbound message replies to (InboundMessage::reply_to) and hands the reply to the flow that
// declares that card kind (dialogs/flow.h, FlowSpec::entry.card_kinds).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/database.h"

namespace linli::storage {

struct CardRef {
  std::string channel;
  std::string chat_id;
  std::string platform_message_id;
  std::string kind;  // what the card shows: "wish", "vote", ... (the flow's card kind)
  std::string ref;   // the id of what it shows (a wish id, a ticket number), as text
  int64_t created_at_ms = 0;
};

class CardStore {
 public:
  // Records (or replaces) the card at (channel, chat_id, platform_message_id).
  // kInvalidArgument if channel, platform_message_id or kind is empty.
  static Status Record(Database& db, const CardRef& card);
  // The card at (channel, chat_id, platform_message_id); nullopt if the database knows no such
  // message (an ordinary message, or one sent before cards were recorded).
  static StatusOr<std::optional<CardRef>> Find(Database& db, const std::string& channel,
                                               const std::string& chat_id,
                                               const std::string& platform_message_id);
  // Every card showing (kind, ref), oldest first: where to update a card (a wish's card in
  // each group it was posted to).
  static StatusOr<std::vector<CardRef>> ForRef(Database& db, const std::string& kind,
                                               const std::string& ref);
  // Deletes cards created before `cutoff_ms`. Returns how many.
  static StatusOr<int64_t> PruneBefore(Database& db, int64_t cutoff_ms);
};

}  // namespace linli::storage
