// The dialog engine: interprets declared flows (dialogs/flow.h) one turn at a time. State per
// conversation lives in the conversations table and is written in the caller's transaction,
// so a restart mid-flow resumes where the user was and a failed turn leaves nothing behind.
//
// Pushed questions (storage/question_store.h): when the conversation is idle, a message that
// no trigger claims and that matches an option of the question pending there (its button
// payload, its number "1", or its label "满意") answers it: the flow declaring the question's
// kind runs with the option's value, and the question is dropped. Any other message (a trigger
// word like 报事, a global command, a step's answer in a running flow, unknown text) goes on as
// without a question, and the question is dropped too: only the message right after a push
// can answer it by number, so a later "1" picks from the menu again. Events leave it pending.
//
// Where (FlowSpec::where, StepSpec::private_only): in a group a private-only flow - by trigger,
// menu pick, card reply, answer or event - runs nothing and gets the neutral private-only
// answer; a private-only step ends its flow there; a private-only flow's stored state is not
// resumed in a group. In a private chat "/start <flow>" (the Telegram deep link) starts it.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bot/message.h"
#include "bot/text.h"
#include "bot/status.h"
#include "dialogs/flow.h"
#include "storage/database.h"

namespace linli::dialogs {

class Engine {
 public:
  // `flows` must pass ValidateFlows (checked by Create).
  static StatusOr<std::unique_ptr<Engine>> Create(const domain::Deps& services,
                                                  std::vector<FlowSpec> flows);

  // Runs one turn for `in` against `db`, inside the caller's open transaction. Returns the
  // replies to the sender. Errors are database errors only (the caller rolls back); a user's
  // bad input is a reply, not an error. Call from one thread at a time (the write thread).
  StatusOr<std::vector<OutboundMessage>> HandleTurn(storage::Database& db,
                                                    const InboundMessage& in);

  // The apology sent when a turn failed unexpectedly, in the sender's language.
  OutboundMessage Apology(const InboundMessage& in) const;
  // A one-line notice (text `key`) to the sender of `in`, outside any flow, in the service's
  // language (the router's "please wait" when a sender is over the message limit).
  OutboundMessage Notice(const InboundMessage& in, std::string_view key) const;

  const std::vector<FlowSpec>& flows() const { return flows_; }

 private:
  Engine(const domain::Deps& services, std::vector<FlowSpec> flows);

  // The stages of a turn: LoadState, then Dispatch (an event's entry point, the global
  // commands, PickFlow - a card reply, a trigger, the answer to a pending question, a menu
  // pick - or JudgeStep for the current step), then Save.
  struct Turn;
  // Where the conversation stands after a turn.
  struct Outcome {
    const FlowSpec* flow = nullptr;  // null or `step` "" = idle
    std::string step;
    bool keep_state = false;  // leave the stored state as it was (an event with nothing to say)
    bool answered = false;    // the turn answered the pending question
    static Outcome Idle() { return {}; }
    static Outcome Keep() { return {nullptr, {}, true, false}; }
    static Outcome At(const FlowSpec* f, std::string s) { return {f, std::move(s), false, false}; }
  };
  // Touches the sender's identity and loads the dialog state, the locale, the pending question
  // (not for events) and the normalized input into `turn`. Returns the sender.
  StatusOr<storage::Person> LoadState(Turn& turn) const;
  StatusOr<Outcome> Dispatch(TurnContext& ctx, Turn& turn) const;
  // Whether `flow` (called with `args`) is private-only here: a group chat and kPrivateOnly,
  // or kAnywhere whose private_when holds.
  bool PrivateHere(const TurnContext& ctx, const FlowSpec& flow, const std::string& args) const;
  // When PrivateHere: replies the neutral dialog.private_only (with the private chat's link
  // where the platform has one) and returns true; the caller then runs nothing of the flow.
  bool RefuseHere(TurnContext& ctx, const FlowSpec& flow, const std::string& args) const;
  void ReplyPrivateOnly(TurnContext& ctx, const FlowSpec& flow) const;
  // In a private chat, "/start <flow name>" (a Telegram deep link from RefuseHere's answer)
  // becomes the flow's first trigger.
  void StartParameter(const TurnContext& ctx, Turn& turn) const;
  // Events: a flow's event entry point, the welcome on subscribe, nothing for passive events;
  // nullopt for a click or scan, whose payload then goes on as typed text.
  StatusOr<std::optional<Outcome>> HandleEvent(TurnContext& ctx, Turn& turn) const;
  // 取消 / 帮助 / 菜单 in any state; nullopt for anything else.
  std::optional<Outcome> GlobalCommand(TurnContext& ctx, Turn& turn) const;
  // Starts a flow for a card reply, a trigger, an answer or a menu pick; nullopt if none.
  StatusOr<std::optional<Outcome>> PickFlow(TurnContext& ctx, Turn& turn) const;
  // The pending question's answer, if the input is one of its options.
  StatusOr<std::optional<Outcome>> Answer(TurnContext& ctx, Turn& turn) const;
  StatusOr<Outcome> RunEntry(TurnContext& ctx, Turn& turn, const FlowSpec& flow,
                             const Entry& entry) const;
  // The current step judges the input and the flow moves on (next, Goto or route).
  StatusOr<Outcome> JudgeStep(TurnContext& ctx, Turn& turn) const;
  StatusOr<std::string> NextStep(const TurnContext& ctx, const FlowSpec& flow,
                                 const StepSpec& step, const StepVerdict& verdict,
                                 const Slots& slots) const;
  // Writes the dialog state (and drops an unanswered pending question) in the turn's
  // transaction.
  Status Save(const Turn& turn, const Outcome& outcome) const;
  const FlowSpec* FlowForCard(const std::string& kind) const;
  const FlowSpec* FlowForQuestion(const std::string& kind) const;

  const FlowSpec* FindFlow(const std::string& name) const;
  const StepSpec* FindStep(const FlowSpec& flow, const std::string& name) const;
  // Matches the text against flow triggers; sets `args` to the rest of the text.
  const FlowSpec* MatchTrigger(const std::string& text, std::string* args) const;

  std::string PickLocale(const InboundMessage& in, const storage::Person& person,
                         const std::string& state_locale) const;
  void SendMenu(TurnContext& ctx, const std::string& intro_key) const;
  // Enters `step_name` of `flow` (skipping steps whose skip_if holds) and prompts for it.
  // Returns the step entered, or "" when the flow completed - or, for a private_only step in
  // a group, ended with the private-only answer (on_complete not run, nothing kept).
  StatusOr<std::string> Enter(TurnContext& ctx, const FlowSpec& flow, std::string step_name,
                              Slots& slots) const;
  void Prompt(TurnContext& ctx, const StepSpec& step, const Slots& slots,
              const std::string& hint) const;
  std::vector<Choice> ChoicesFor(const TurnContext& ctx, const StepSpec& step) const;

  const domain::Deps& services_;
  std::vector<FlowSpec> flows_;
};

// Exposed for tests: matches `input` against `options` by button payload, number ("1",
// "１", "1."), or label text in `labels` (same order). Returns the index or -1.
int MatchOption(const std::string& input, const std::vector<std::string>& payloads,
                const std::vector<std::string>& labels);


}  // namespace linli::dialogs
