// THE list of staff actions on a ticket. Every front end is built by iterating it: the staff
// chat commands (dialogs/staff_flow.cc: "<word> N [arguments]") and the admin HTTP API
// (`POST /api/admin/tickets/<n>/<name>` with a JSON body, bot/server/routes.cc). Adding an
// action is one entry in TicketActions() plus its test; no front end changes.
//
// Each entry declares its API name, its chat commands (Chinese and English words, usage and
// reply text keys), what it reads beyond the ticket number (one ParamKind, read the same way
// from chat text and from JSON), who may run it (Authority) and the TicketService call.
// The service checks the authority again itself, so a front end cannot skip it.
//
// Pure except Authorized() and TicketAction::run, which read/write the caller's open
// transaction. Thread-compatible; the list is immutable after first use.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "bot/status.h"
#include "config/texts.h"
#include "domain/actor.h"
#include "domain/deps.h"
#include "storage/database.h"
#include "storage/ticket_store.h"

namespace linli::domain {

// What an action reads beyond the ticket number. Chat text is what follows "<word> N".
enum class ParamKind {
  kNone,      // chat: anything after the number is ignored; JSON: no field
  kNote,      // chat: the rest (required), the command's public flag, a photo sent with it;
              // JSON: "note" (non-empty string), "public" (bool, default false), "photo_ref"
  kText,      // chat: the rest (required); JSON: the string field `json_field`
  kDeferral,  // chat: "原因|计划|YYYY-MM-DD" (split on |, ｜ or ；, all three required);
              // JSON: "reason", "plan", "until" (non-empty strings)
  kAssignee,  // chat: exactly one word (a user id or person id); JSON: "assignee_user_id"
              // (non-empty string) or else "assignee_person_id" (positive integer)
  kTicket,    // chat: "M", "到 M", "into #M" (the last of at most two words); JSON: `json_field`
              // (positive integer, not a string)
};

struct ActionParam {
  ParamKind kind = ParamKind::kNone;
  std::string json_field;   // kText / kTicket: the JSON body's field
  bool json_non_empty = true;  // kText: "" is "missing" (else the service judges it)
};

// The values an action was given, whichever front end read them.
struct ActionArgs {
  std::string text;        // kNote, kText
  bool is_public = false;  // kNote
  std::string photo_ref;   // kNote
  std::string reason;      // kDeferral
  std::string plan;
  std::string until;
  std::string assignee;    // kAssignee
  int64_t ticket = 0;      // kTicket

  bool operator==(const ActionArgs&) const = default;
};

// Who may run an action. kStaff: staff (a staff person, an admin API key, the system); which
// ticket tiers each may act on is the table in domain/tickets/authority.h, which the service
// applies to every action (the front ends pre-check only staff-ness with Authorized()).
enum class Authority { kStaff };

// One chat command of an action. An action may have several (备注 / 公开备注 differ in the
// public flag).
struct ChatCommand {
  std::string flow;                 // the dialog flow's name ("staff_accept"), unique
  std::vector<std::string> words;   // triggers ("/accept", "受理", "接单")
  std::string usage_key;            // reply for a malformed command
  std::string done_key;             // reply on success; args number, status, tier, rest
  bool is_public = false;           // kNote: the note is public
};

using ActionRun = std::function<StatusOr<storage::Ticket>(
    storage::Database& db, const Deps& deps, Actor actor, int64_t number, const ActionArgs& args,
    int64_t now_ms)>;

struct TicketAction {
  std::string name;  // the API's action name ("accept"); unique
  ActionParam param;
  Authority authority = Authority::kStaff;
  std::vector<ChatCommand> chat;
  ActionRun run;     // calls TicketService; errors as TicketService documents them
};

// Every action, in the order the help text lists them.
const std::vector<TicketAction>& TicketActions();
// The action named `name`, or nullptr (an unknown action: the API answers 404).
const TicketAction* FindTicketAction(std::string_view name);

// Whether `actor` may run actions of `authority` at all: kStaff: the system, an API key with a
// known tier, a staff person (StandingOf in domain/tickets/authority.h). The tier of the
// ticket is judged by the service. Database errors as is.
StatusOr<bool> Authorized(storage::Database& db, const Deps& deps, Actor actor,
                          Authority authority);

// The staff-written texts running `action` with `args` publishes (the board, the agenda, the
// push to the reporter): a public note, the resolution note, the deferral's reason and plan,
// the public summary. Empty for actions whose text stays internal (note without public,
// escalate's reason) or that take none. Pure.
std::vector<std::string> PublishedTexts(const TicketAction& action, const ActionArgs& args);
// Whether the masking module changes any of PublishedTexts (with KnownNames): staff are told
// (chat: the staff.masked line after the reply; API: "masked": true). What was typed is
// stored as typed; it is masked on publication. Database errors as is. Read-only.
StatusOr<bool> MaskedOnPublication(storage::Database& db, const Deps& deps,
                                   const TicketAction& action, const ActionArgs& args);

// Reads the arguments from chat: `rest` is the text after the number, `photo_ref` a photo
// sent with the message ("" if none). kInvalidArgument with message `command.usage_key`
// (a user-facing key, see DescribeRefusal) when they are missing or malformed.
StatusOr<ActionArgs> ArgsFromChat(const TicketAction& action, const ChatCommand& command,
                                  const std::string& rest, const std::string& photo_ref);
// Reads the arguments from a JSON object body. kInvalidArgument "missing field: <name>" when
// a required field is absent, empty or of the wrong type (the API answers 400 with it).
StatusOr<ActionArgs> ArgsFromJson(const TicketAction& action, const nlohmann::json& body);

// A refusal staff see: the text key ("staff.bad_state", "staff.tier_denied") and the sentence
// in `locale`, with a status or tier argument shown by its localized label. The chat command and the API show the same.
struct Refusal {
  std::string code;
  std::string text;
};
// nullopt for a status that is no user-facing refusal (a database error).
std::optional<Refusal> DescribeRefusal(const config::Texts& texts, const std::string& locale,
                                       const Status& status);

// Chat text helpers shared by the staff commands.
// Splits on ASCII and full-width (U+3000) spaces.
std::vector<std::string> ChatWords(const std::string& text);
// "12", "#12", "＃12", "１２" -> 12; 0 if not a ticket number.
int64_t ParseTicketNumber(std::string s);
// "N rest of the text" -> {N, trimmed rest}; N is 0 when missing or malformed ("12已派人" is).
std::pair<int64_t, std::string> NumberAndRest(const std::string& args);

}  // namespace linli::domain
