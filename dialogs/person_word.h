// Which person a staff command names (设为志愿者 P, 奖励积分 P N ...): a user id on the sender's
// channel (the id staff see on that platform), else a person id ("12", "#12").
#pragma once

#include <cstdint>
#include <string>

#include "dialogs/flow.h"

namespace linli::dialogs {

// The person `word` names, 0 when none does. Read-only; database errors as is.
StatusOr<int64_t> ResolvePerson(TurnContext& ctx, const std::string& word);

}  // namespace linli::dialogs
