// THE list of staff actions on points (issue 9 point 5), like domain/tickets/ticket_actions.h:
// the staff chat commands (dialogs/points_flow.cc: "<word> <target> [arguments]") and the admin
// HTTP API routes (bot/server/routes.cc: `POST <api_path>` with a JSON body) are both built by
// iterating PointsActions(). Adding an action is one entry plus its test.
//
// Each entry declares its API name and path, what its target is (a person, a ledger entry, a
// redemption), its chat words, usage and reply keys, what it reads beyond the target (read the
// same way from chat text and from JSON) and the service call (domain/volunteers/
// points_service.h), which checks that the actor is staff itself.
//
//   name              target      chat                        API
//   award             person      奖励积分 /award P N 理由     POST /api/admin/points/<P>  {"amount": N, "reason": "..."}
//   deduct            person      扣除积分 /deduct P N 理由    POST /api/admin/points/<P>/deduct  {"amount": N, "reason": "..."}
//   reverse           entry       冲正 /reverse E [说明]       POST /api/admin/points/entries/<E>/reverse  {"note": "..."}
//   give              redemption  发放 /give R                 POST /api/admin/redemptions/<R>/give
//   cancel_redemption redemption  取消兑换 /unredeem R         POST /api/admin/redemptions/<R>/cancel
//
// A person P in chat is a user id on the sender's channel, else a person id ("#12" or "12");
// in the API it is the person id. Thread-compatible; the list is immutable after first use.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "bot/status.h"
#include "domain/actor.h"
#include "domain/deps.h"
#include "domain/volunteers/points_service.h"
#include "storage/database.h"

namespace linli::domain {

enum class PointsTarget { kPerson, kEntry, kRedemption };

// What an action reads beyond its target.
enum class PointsParam {
  kNone,         // chat: the rest is ignored; JSON: nothing
  kAmountReason, // chat: "<amount> <reason...>" (a positive integer and a non-empty reason);
                 // JSON: "amount" (positive integer), "reason" (non-empty string)
  kOptionalNote, // chat: the rest, may be empty; JSON: "note" (string, optional)
};

struct PointsArgs {
  int64_t amount = 0;
  std::string text;  // the reason or note
  bool operator==(const PointsArgs&) const = default;
};

using PointsRun = std::function<StatusOr<PointsOutcome>(
    storage::Database& db, const Deps& deps, Actor actor, int64_t target, const PointsArgs& args,
    int64_t now_ms)>;

struct PointsAction {
  std::string name;      // unique
  PointsTarget target = PointsTarget::kPerson;
  PointsParam param = PointsParam::kNone;
  std::string flow;      // the chat flow's name, unique
  std::vector<std::string> words;  // chat triggers
  std::string usage_key;  // reply for a malformed command
  std::string done_key;   // reply on success; args: target, amount, balance, item, rest
  std::string api_path;   // route pattern, "{id}" is the target
  PointsRun run;
};

// Every action, in the order the help text lists them.
const std::vector<PointsAction>& PointsActions();
const PointsAction* FindPointsAction(std::string_view name);

// Reads the arguments from the chat text after the target. kInvalidArgument with message
// `action.usage_key` when they are missing or malformed.
StatusOr<PointsArgs> PointsArgsFromChat(const PointsAction& action, const std::string& rest);
// Reads the arguments from a JSON object. kInvalidArgument "missing field: <name>".
StatusOr<PointsArgs> PointsArgsFromJson(const PointsAction& action, const nlohmann::json& body);

// "12" / "#12" / "＃12" -> 12; 0 when not a positive number. Pure.
int64_t ParseId(const std::string& word);

}  // namespace linli::domain
