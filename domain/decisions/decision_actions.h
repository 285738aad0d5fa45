// THE list of staff actions on a decision (like domain/tickets/ticket_actions.h). Every front
// end is built by iterating it: the staff chat commands (dialogs/decision_flow.cc:
// "<word> N [arguments]") and the admin HTTP API (`POST /api/admin/decisions/<id>/<name>` with
// a JSON body, bot/server/routes.cc). Adding an action is one entry in DecisionActions() plus
// its test; no front end changes. DecisionService checks the authority again itself.
//
// Pure except DecisionAction::run, which reads/writes the caller's open transaction.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "bot/status.h"
#include "config/config.h"
#include "domain/actor.h"
#include "domain/decisions/decision_service.h"
#include "domain/deps.h"
#include "storage/database.h"

namespace linli::domain::decisions {

enum class DecisionParam {
  kNone,     // chat: nothing after the number; JSON: no field
  kFields,   // chat: "<field word> <value>" (标题/正文/类别/范围/选项/开始/结束/记名/门槛/公示 or the
             // JSON names); JSON: any of the DraftInput fields (DraftFromJson)
  kInvitee,  // chat: one word, a person id or "<channel>:<user id>"; JSON: "person_id"
             // (positive integer) or "user" ("<channel>:<user id>")
  kPaper,    // chat: "<building-unit-room> <option>"; JSON: "household", "choice"
};

struct DecisionArgs {
  DraftInput draft;        // kFields
  std::string invitee;     // kInvitee
  std::string household;   // kPaper
  std::string choice;
};

struct DecisionChat {
  std::string flow;                // the dialog flow's name, unique
  std::vector<std::string> words;  // triggers
  std::string usage_key;           // reply for a malformed command
  std::string done_key;            // reply on success; args id, title, status, household,
                                   // choice, replaced
};

struct ActionOutcome {
  storage::Decision decision;
  bool replaced = false;     // paper: an earlier ballot of the household was replaced
  std::string replaced_via;
  std::string nonce;         // paper, secret: the nonce for the household's slip
};

using DecisionRun = std::function<StatusOr<ActionOutcome>(
    storage::Database& db, const Deps& deps, Actor actor, int64_t id, const DecisionArgs& args,
    int64_t now_ms)>;

struct DecisionAction {
  std::string name;  // the API's action name ("open"); unique
  DecisionParam param = DecisionParam::kNone;
  DecisionChat chat;
  DecisionRun run;
};

// Every action, in help order: edit, invite, open, close, paper.
const std::vector<DecisionAction>& DecisionActions();
const DecisionAction* FindDecisionAction(std::string_view name);

// Reads the arguments from chat (`rest` = the text after the number). kInvalidArgument with
// the action's usage key when malformed; decision.bad_field (field=...) for a bad value.
StatusOr<DecisionArgs> DecisionArgsFromChat(const Deps& deps, const DecisionAction& action,
                                            const std::string& rest);
// Reads the arguments from a JSON object. kInvalidArgument "missing field: <name>" or
// "bad field: <name>".
StatusOr<DecisionArgs> DecisionArgsFromJson(const Deps& deps, const DecisionAction& action,
                                            const nlohmann::json& body);

// A draft from JSON: "kind", "title", "body", "matter", "buildings" (array of ids),
// "options" (array of labels), "questions" (array of {"kind", "text", "options": [labels]}),
// "per_person", "secret", "on_board" (bools), "min_turnout_percent", "opens_at",
// "closes_at" (epoch ms, or ISO-8601 text with an offset), "period". kInvalidArgument
// "bad field: <name>" for a field of the wrong type.
StatusOr<DraftInput> DraftFromJson(const Deps& deps, const nlohmann::json& body);

// A time typed in chat or sent as text: "2026-12-01 09:00" (config.timezone), or ISO-8601
// with an offset ("2026-12-01T09:00:00+08:00", "...Z"). nullopt if malformed.
std::optional<int64_t> ParseTime(const Deps& deps, const std::string& text);

// A refusal as staff (and the API) see it: its text key and the sentence in `locale`;
// nullopt for a database error.
struct DecisionRefusal {
  std::string code;
  std::string text;
};
std::optional<DecisionRefusal> DescribeDecisionRefusal(const config::Texts& texts,
                                                       const std::string& locale,
                                                       const Status& status);

}  // namespace linli::domain::decisions
