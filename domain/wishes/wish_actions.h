// THE list of staff actions on a wish (like domain/tickets/ticket_actions.h). Every front end
// is built by iterating it: the staff chat commands (dialogs/wish_staff_flow.cc: "<word> N
// [reason]") and the admin HTTP API (`POST /api/admin/wishes/<n>/<name>` with a JSON body,
// bot/server/wish_api.cc). Adding an action is one entry in WishActions() plus its test.
//
// Each entry declares its API name, its chat words with usage and reply text keys, what it
// reads beyond the number (nothing, or a required text read from the rest of the chat line or
// the JSON field `json_field`) and the WishService call, which checks the actor itself.
// Pure except WishAction::run. The list is immutable after first use.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "bot/status.h"
#include "config/texts.h"
#include "domain/actor.h"
#include "domain/deps.h"
#include "storage/database.h"
#include "storage/wish_store.h"

namespace linli::domain {

struct WishChatCommand {
  std::string flow;                // the dialog flow's name ("wish_approve"), unique
  std::vector<std::string> words;  // triggers ("/approve", "通过")
  std::string usage_key;           // reply for a malformed command
  std::string done_key;            // reply on success; args number, status
};

using WishActionRun = std::function<StatusOr<storage::Wish>(
    storage::Database& db, const Deps& deps, Actor actor, int64_t number, const std::string& text,
    int64_t now_ms)>;

struct WishAction {
  std::string name;        // the API's action name ("approve"); unique
  std::string json_field;  // "" = no argument; else the required text's JSON field ("reason")
  std::vector<WishChatCommand> chat;
  WishActionRun run;
};

// Every action, in the order the help text lists them.
const std::vector<WishAction>& WishActions();
// The action named `name`, or nullptr.
const WishAction* FindWishAction(std::string_view name);

// The text argument from chat (the rest after the number): "" for an action without one;
// kInvalidArgument with message `command.usage_key` when it is required and missing.
StatusOr<std::string> WishArgFromChat(const WishAction& action, const WishChatCommand& command,
                                      const std::string& rest);
// The same from a JSON object body: kInvalidArgument "missing field: <name>".
StatusOr<std::string> WishArgFromJson(const WishAction& action, const nlohmann::json& body);

// A refusal staff (and residents) see: the text key and the sentence in `locale`, a status
// argument shown by its label. nullopt for a database error.
struct WishRefusal {
  std::string code;
  std::string text;
};
std::optional<WishRefusal> DescribeWishRefusal(const config::Texts& texts,
                                               const std::string& locale, const Status& status);

}  // namespace linli::domain
