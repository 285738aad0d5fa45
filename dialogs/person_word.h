// What the volunteer and points staff commands (设为志愿者 P, 奖励积分 P N ...) share: which
// person a command names, who may run them, and how a refusal is told.
#pragma once

#include <cstdint>
#include <string>

#include "dialogs/flow.h"

namespace linli::dialogs {

// The person `word` names, 0 when none does. Read-only; database errors as is.
// A user id on the sender's channel (the id staff see on that platform), else a person id
// ("12", "#12").
StatusOr<int64_t> ResolvePerson(TurnContext& ctx, const std::string& word);

// True for staff (config or database role); otherwise replies points.refused.staff and
// returns false. Database errors as is.
StatusOr<bool> PointsStaffOnly(TurnContext& ctx);

// Replies the text of a points or volunteer refusal (domain::PointsRefusalKey) and returns Ok;
// any other status (a database error) is returned as is.
Status ReplyPointsRefusal(TurnContext& ctx, const Status& st);

}  // namespace linli::dialogs
