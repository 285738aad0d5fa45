// The normalized messages that cross between adapters, the router and the dialogs.
// Platform details stay in adapters/; everything here is platform-neutral.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/replay_claim.h"

namespace linli {

enum class ChatType { kPrivate, kGroup };

// Where a conversation happens and with whom. Stored (serialized) to send proactively later
// (Bot Framework's continueConversation).
struct ConversationRef {
  std::string channel;  // channel name from config, e.g. "tg"
  std::string user_id;  // platform user id (Telegram from.id, WeChat OpenID, ...)
  std::string chat_id;  // platform chat id; equals user_id for private chats where a
                        // platform has no separate chat id
  ChatType chat_type = ChatType::kPrivate;

  // Key of the dialog state: one per user per chat.
  std::string Key() const { return channel + "|" + chat_id + "|" + user_id; }
};

struct Attachment {
  enum class Kind { kPhoto, kVoice, kVideo, kFile, kLocation, kLink };
  Kind kind = Kind::kPhoto;
  std::string ref;    // platform media/file id or URL
  // The platform id of the message carrying it, where fetching the media needs it (Feishu:
  // message_id for the message-resource API; bot/media.h). Empty elsewhere.
  std::string message_id;
  std::string label;  // location label, link title, voice recognition text
  double latitude = 0;
  double longitude = 0;
};

enum class InboundKind {
  kMessage,  // a user typed or sent something
  kButton,   // a choice was tapped (payload set)
  kEvent,    // a platform event (`event` set)
};

// Platform events, set by the adapters. A new kind goes here, in EventKindName, and in the
// adapter that maps it; flows declare the events they enter on (dialogs/flow.h).
enum class EventKind {
  kNone,         // not an event (kMessage, kButton)
  kSubscribe,    // followed the account / added the bot (payload: QR scene, if any)
  kUnsubscribe,  // unfollowed: nothing may be pushed any more
  kClick,        // a custom-menu item was clicked (payload: the menu key or its command)
  kScan,         // scanned a parametrised QR code while following (payload: the scene)
  kView,         // opened a menu link (payload: the URL)
  kLocation,     // reported its location (attachment: the coordinates)
};

// The lowercase name of an event ("subscribe"); "" for kNone. For logs and tests.
constexpr std::string_view EventKindName(EventKind kind) {
  switch (kind) {
    case EventKind::kNone: return "";
    case EventKind::kSubscribe: return "subscribe";
    case EventKind::kUnsubscribe: return "unsubscribe";
    case EventKind::kClick: return "click";
    case EventKind::kScan: return "scan";
    case EventKind::kView: return "view";
    case EventKind::kLocation: return "location";
  }
  return "";
}

// The event named `lower` (as EventKindName spells it); kNone for an unknown name.
constexpr EventKind ParseEventKind(std::string_view lower) {
  for (EventKind k : {EventKind::kSubscribe, EventKind::kUnsubscribe, EventKind::kClick,
                      EventKind::kScan, EventKind::kView, EventKind::kLocation}) {
    if (EventKindName(k) == lower) return k;
  }
  return EventKind::kNone;
}

struct InboundMessage {
  ConversationRef conversation;
  InboundKind kind = InboundKind::kMessage;
  // Unique per channel; the inbound dedupe key. Adapters derive it from the platform's
  // redelivery key (Telegram update_id, WeChat MsgId or FromUserName+CreateTime, ...).
  std::string platform_message_id;
  std::string text;
  std::vector<Attachment> attachments;
  // Platform id of the message this one replies to (empty if none); how volunteers claim
  // a wish by replying to its card.
  std::string reply_to;
  std::string payload;      // button payload or menu/event key
  EventKind event = EventKind::kNone;  // for kEvent
  std::string callback_id;  // platform callback id to acknowledge (Telegram callback_query.id)
  std::string language;     // user's language hint ("zh", "en"); may be empty
  int64_t timestamp_ms = 0;  // platform send time, 0 if unknown
  // Set by adapters whose signature does not cover the body (DingTalk): the router records it
  // in the turn's transaction and refuses the turn if the key was seen with another body
  // (bot/replay_claim.h).
  std::optional<ReplayClaim> replay_claim;
};

struct Choice {
  std::string label;    // shown to the user
  std::string payload;  // sent back when tapped; <= 64 bytes (Telegram callback_data)
};

enum class OutboundKind {
  kText,            // text with optional choices
  kCallbackAnswer,  // acknowledge a tapped button (Telegram answerCallbackQuery)
};

// A picture to send (a ticket's photo for a staff group). Adapters that can send pictures send
// this one - the platform's own id where `ref_channel` is the sending channel (no upload), else
// the file's bytes - with `caption` where the platform shows captions. Adapters that cannot (or
// when the file is missing, too large or of a type the platform refuses) send the message's
// `text` instead, so `text` always says in words what the picture is and where to see it: the
// message is never dropped.
struct OutboundImage {
  std::string path;          // the file on disk (the media folder); read at send time
  std::string content_type;  // "image/jpeg", "image/png", ...
  std::string platform_ref;  // the platform's id of the picture (Telegram file_id); may be empty
  std::string ref_channel;   // the channel (config name) whose platform issued platform_ref
  std::string caption;       // short and impersonal (a ticket number); may be empty
};

// The recipient's latest contacts, as the outbox knows them when sending. Some platforms allow
// free-form pushes only inside windows after the user's contact (WeChat: 5 messages in 48 h
// after a message; 3 in 1 minute after a menu click, follow or scan). The two windows are
// independent: a click does not shorten the window a message opened.
struct ContactWindow {
  int64_t last_message_ms = 0;  // the user's last message; 0 = never / unknown
  int message_sends = 0;        // sends counted against the message window since then
  int64_t last_event_ms = 0;    // the last click/follow/scan event; 0 = never
  int event_sends = 0;          // sends counted against the event window since then
  bool unsubscribed = false;    // the user unfollowed: nothing may be pushed
};

// Which contact window a send used (see ContactWindow).
enum class WindowUse { kNone, kMessage, kEvent };

struct OutboundMessage {
  ConversationRef to;
  OutboundKind kind = OutboundKind::kText;
  std::string text;
  std::vector<Choice> choices;  // rendered as buttons, or numbered text where none exist
  std::string reply_to;         // platform message id to reply to, may be empty
  // A reply to a card: when `reply_to` is empty and `reply_card_kind` is set, the outbox sets
  // `reply_to` just before Send to the platform id of the card (reply_card_kind,
  // reply_card_ref) it recorded in `to` - a card enqueued earlier to the same destination is
  // sent first (one destination's messages go in order). Unknown card: sent without a reply.
  std::string reply_card_kind;
  std::string reply_card_ref;
  // A picture instead of the text, where the adapter can send it (see OutboundImage).
  std::optional<OutboundImage> image;
  // A card: a message the bot may later see replied to (a wish card, a vote notice). When
  // `card_kind` is set, the outbox records the sent message's platform id with (card_kind,
  // card_ref) in the card references (storage/card_store.h), so a reply to it reaches the
  // flow that declares that card kind. Empty for ordinary messages.
  std::string card_kind;
  std::string card_ref;
  // An edit: the platform id of an earlier bot message in `to` (a wish card) whose text
  // becomes `text` (choices, if any, replace its buttons). Adapters that can edit
  // (Adapter::can_edit) edit it; for the others the outbox sends `follow_up` as a new message
  // in `to` instead - nothing when `follow_up` is empty. An edit records no card reference.
  std::string edit_of;
  std::string follow_up;
  std::string callback_id;      // for kCallbackAnswer
  std::string idempotency_key;  // stable per outbox row; adapters with idempotent send APIs
                                // use it (Feishu uuid, WeCom duplicate check)
  // A notice (a push about a ticket, wish or vote) may be sent as a platform template when
  // free-form text is not allowed: `notice` names the kind ("ticket_status"), selecting a
  // template id from the channel's config, and `notice_fields` fill it. Empty for replies.
  std::string notice;
  std::map<std::string, std::string> notice_fields;
  ContactWindow window;  // filled by the outbox just before Send; not stored
  // At most this many platform requests now (the destination's budget, Adapter::Pace);
  // 0 = no limit. Filled by the outbox just before Send; not stored.
  int send_allowance = 0;
};

}  // namespace linli
