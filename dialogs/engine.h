// The dialog engine: interprets declared flows (dialogs/flow.h) one turn at a time. State per
// conversation lives in the conversations table and is written in the caller's transaction,
// so a restart mid-flow resumes where the user was and a failed turn leaves nothing behind.
#pragma once

#include <memory>
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

  const FlowSpec* FindFlow(const std::string& name) const;
  const StepSpec* FindStep(const FlowSpec& flow, const std::string& name) const;
  // Matches the text against flow triggers; sets `args` to the rest of the text.
  const FlowSpec* MatchTrigger(const std::string& text, std::string* args) const;

  std::string PickLocale(const InboundMessage& in, const storage::Person& person,
                         const std::string& state_locale) const;
  void SendMenu(TurnContext& ctx, const std::string& intro_key) const;
  // Enters `step_name` of `flow` (skipping steps whose skip_if holds) and prompts for it.
  // Returns the step entered, or "" when the flow completed.
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
