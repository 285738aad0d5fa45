// Flows are declared as data (python-telegram-bot's ConversationHandler, Rasa forms): entry
// triggers and entry points (a reply to a card, the answer to a pushed question, a platform
// event), ordered steps each with a prompt, an input kind, validation and a transition (the
// fixed `next`, or a declared Goto), and a completion handler doing the domain writes. The
// engine (dialogs/engine.h) interprets them; ValidateFlows rejects unknown step names, Goto
// targets and colliding triggers or entry points at start-up.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "bot/clock.h"
#include "bot/message.h"
#include "bot/status.h"
#include "config/config.h"
#include "config/texts.h"
#include "storage/database.h"
#include "storage/identity_store.h"
#include "domain/deps.h"

namespace linli::dialogs {

// Values collected by a flow's steps, persisted with the dialog state.
using Slots = std::map<std::string, std::string>;
using config::TextArgs;

// Everything one turn sees. Lives for one turn, on the write thread, inside the turn's
// transaction: every write through `db` commits or rolls back with the dialog state.
class TurnContext {
 public:
  TurnContext(storage::Database& db, const domain::Deps& services, const InboundMessage& in,
              storage::Person person, std::string locale)
      : db_(db), services_(services), in_(in), person_(std::move(person)),
        locale_(std::move(locale)) {}

  storage::Database& db() { return db_; }
  const domain::Deps& deps() const { return services_; }
  const config::Config& config() const { return services_.config; }
  const InboundMessage& in() const { return in_; }
  const storage::Person& person() const { return person_; }
  const std::string& locale() const { return locale_; }
  int64_t now_ms() const { return services_.clock.NowMillis(); }
  // Whether the sender is staff (config or database role).
  bool is_staff() const;
  // Whether the turn comes from a group chat: what a flow shows there passes the group rules
  // (FlowSpec::where).
  bool in_group() const { return in_.conversation.chat_type != ChatType::kPrivate; }

  // A localized text.
  std::string T(std::string_view key, const TextArgs& args = {}) const {
    return services_.texts.Get(locale_, key, args);
  }
  // Adds a reply to the sender's conversation.
  void Reply(std::string text, std::vector<Choice> choices = {});
  const std::vector<OutboundMessage>& replies() const { return replies_; }
  std::vector<OutboundMessage> TakeReplies() { return std::move(replies_); }

 private:
  storage::Database& db_;
  const domain::Deps& services_;
  const InboundMessage& in_;
  storage::Person person_;
  std::string locale_;
  std::vector<OutboundMessage> replies_;
};

// What the user sent at a step, normalized.
struct UserInput {
  std::string text;     // trimmed text (or the tapped choice's payload)
  bool from_button = false;
  std::vector<Attachment> attachments;
  const Attachment* Find(Attachment::Kind kind) const;
};

enum class InputKind {
  kChoice,   // one of `options`: tapped, its number ("1") or its label
  kText,     // free text, checked by `accept`
  kConfirm,  // 确认 / 取消: confirm runs the flow's on_complete
};

struct Option {
  std::string value;      // stored in the slot
  std::string label_key;  // text key of the label
};

// A step's verdict on the input.
struct StepVerdict {
  bool accepted = false;
  std::string hint_key;  // for a rejection: text key explaining what is expected
  TextArgs hint_args;
  std::string goto_step;  // accepted, and the next step is this one instead of `next`

  static StepVerdict Accept() { return {true, {}, {}, {}}; }
  static StepVerdict Reject(std::string key, TextArgs args = {}) {
    return {false, std::move(key), std::move(args), {}};
  }
  // Accepts and continues at `step`, which must be in the step's `may_goto` (the engine fails
  // the turn with kInternal otherwise; ValidateFlows checks `may_goto` names real steps).
  static StepVerdict Goto(std::string step) { return {true, {}, {}, std::move(step)}; }
};

struct StepSpec {
  std::string name;
  InputKind input = InputKind::kText;
  std::string prompt_key;
  // Arguments for the prompt text (e.g. the confirmation summary). Optional.
  std::function<TextArgs(const TurnContext&, const Slots&)> prompt_args;
  // kChoice: the options, in display order.
  std::function<std::vector<Option>(const TurnContext&)> options;
  // kChoice: the slot the chosen value goes to. kText: `accept` writes slots itself.
  std::string slot;
  // kText: validates the input and writes the slots it fills.
  std::function<StepVerdict(TurnContext&, const UserInput&, Slots&)> accept;
  // Whether 跳过/skip is accepted here (the slot stays empty).
  bool skippable = false;
  // Skip this step entirely when true (e.g. a photo already came with the description).
  std::function<bool(const Slots&)> skip_if;
  // Name of the next step; "" = the flow is complete (kConfirm steps complete on confirm).
  std::string next;
  // Branching: the steps `accept` (via StepVerdict::Goto) or `route` may choose instead of
  // `next`. Every name must be a step of the flow; a Goto elsewhere fails the turn (kInternal).
  std::vector<std::string> may_goto;
  // kChoice and kText: after the input is accepted, picks the next step from the slots; ""
  // = `next`. Needs `may_goto`. A Goto from `accept` wins over `route`.
  std::function<std::string(const TurnContext&, const Slots&)> route;
  // The step's prompt shows what is personal (a confirmation echoing the description and the
  // unit): in a group, entering it ends the flow with the private-only answer instead
  // (FlowSpec::where), on_complete not run and the state dropped.
  bool private_only = false;
};

// Ways into a flow other than its trigger words (python-telegram-bot's entry points). Each
// card kind, question kind and event may be declared by one flow only.
struct EntryPoints {
  // A reply to a bot message the database knows as a card of one of these kinds
  // (storage/card_store.h); handled before trigger matching.
  std::vector<std::string> card_kinds;
  // The answer (by number, label or button) to a pending pushed question of one of these
  // kinds (storage/question_store.h).
  std::vector<std::string> question_kinds;
  // These platform events.
  std::vector<EventKind> events;
};

// Why a flow is entered through an entry point.
struct Entry {
  enum class Kind { kCardReply, kAnswer, kEvent };
  Kind kind = Kind::kCardReply;
  std::string name;   // the card or question kind; "" for an event
  std::string ref;    // the card's or question's ref id; the event's payload for an event
  std::string value;  // kAnswer: the chosen option's value; kCardReply: the reply's text
  EventKind event = EventKind::kNone;
};

// Where a flow may run (issue 8: a group chat must not be a way to personal data). Every flow
// declares it; there is no default: ValidateFlows rejects kUndeclared, so a new flow cannot
// start in groups by accident.
enum class Where {
  kUndeclared,
  // Private chats only. In a group the engine runs nothing of the flow (no on_start, step,
  // on_complete or on_entry; no state written) and answers with one neutral line,
  // dialog.private_only - with the link that opens the private chat where the platform has
  // one (domain/people/private_conversation.h) - and nothing personal.
  kPrivateOnly,
  // Private chats and groups. In a group (TurnContext::in_group) the flow shows only what the
  // group rules allow: building level, public notes; never a unit, room, description, internal
  // note or phone. `private_when` may make single calls private-only.
  kAnywhere,
};

struct FlowSpec {
  std::string name;                   // "report"
  Where where = Where::kUndeclared;   // where it may run (required)
  // kAnywhere only, optional: true when this call (sender, text after the trigger) is handled
  // as kPrivateOnly, e.g. a resident's own 进度 in a group while staff may use it there.
  std::function<bool(const TurnContext&, const std::string& args)> private_when;
  std::vector<std::string> triggers;  // "/report", "报事", "report" - matched case-insensitively
                                      // on the first word; the rest is passed as args
  std::string menu_label_key;         // label in the main menu ("" = not in the menu)
  std::vector<StepSpec> steps;        // first step is the entry; empty = one-shot command
  // Optional, stepped flows: who may start it. Returns the text key of the refusal for a
  // sender who may not (the engine replies with it; the flow does not start and nothing is
  // written), "" for one who may. The domain service checks authority again on completion.
  std::function<std::string(const TurnContext&)> refuse_start;
  // One-shot flows: runs at once with the text after the trigger.
  std::function<Status(TurnContext&, const std::string& args)> on_start;
  // Stepped flows: runs when the last step is done (or confirmed); does the domain writes
  // and adds the replies.
  std::function<Status(TurnContext&, const Slots&)> on_complete;
  // Entry points (optional) and what runs for them: may reply and fill slots, and returns the
  // step to enter ("" = nothing more; the conversation is idle after the turn). Returning a
  // step the flow does not declare fails the turn (kInternal).
  EntryPoints entry;
  std::function<StatusOr<std::string>(TurnContext&, const Entry&, Slots&)> on_entry;
};

// A one-shot command flow (no steps): `on_start` runs with the text after the trigger.
inline FlowSpec CommandFlow(std::string name, Where where, std::vector<std::string> triggers,
                            std::function<Status(TurnContext&, const std::string&)> on_start) {
  FlowSpec flow;
  flow.name = std::move(name);
  flow.where = where;
  flow.triggers = std::move(triggers);
  flow.on_start = std::move(on_start);
  return flow;
}

// Checks flow specs: names unique, steps named and unique, every `next` and `may_goto` names a
// step of the flow, `route` comes with `may_goto`, choice steps have options and a slot, text
// steps have `accept`, triggers do not collide across flows or with the global commands, a flow
// has a trigger or an entry point, entry points come with `on_entry` and no card kind,
// question kind or event is declared by two flows, and (checked after all of that) every flow
// declares `where`, and only kAnywhere flows have `private_when`. kInvalidArgument names the
// problem.
Status ValidateFlows(const std::vector<FlowSpec>& flows);

// The global commands every state understands.
const std::vector<std::string>& HelpTriggers();
const std::vector<std::string>& CancelTriggers();
const std::vector<std::string>& MenuTriggers();
const std::vector<std::string>& SkipWords();

}  // namespace linli::dialogs
