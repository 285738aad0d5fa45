// The rating request as a pushed question (storage/question_store.h): when a ticket is
// resolved, the push to the reporter asks "please rate #N" and this records the question on
// the reporter's private conversation, so a bare "1" or "满意" answers it on platforms without
// buttons (WeChat). The rating flow (dialogs/rating_flow.cc) declares kRatingQuestionKind.
#pragma once

#include <cstdint>
#include <string>

#include "bot/message.h"
#include "bot/status.h"
#include "domain/deps.h"
#include "storage/database.h"

namespace linli::domain {

inline constexpr const char* kRatingQuestionKind = "rating";

// Records the rating question for ticket `number` on `to` (the reporter's private
// conversation), with the options the push shows: 满意 / 基本满意 / 不满意 in `locale`, values
// kRatingSatisfied / kRatingBasic / kRatingUnsatisfied, button payloads "/rate N <value>".
// Pending until answered, replaced or rating.auto_close_days (at least one day) have passed.
// Writes in the caller's transaction; errors are database errors.
Status AskRating(storage::Database& db, const Deps& s, const ConversationRef& to,
                 const std::string& locale, int64_t number, int64_t now_ms);

}  // namespace linli::domain
