#include "domain/tickets/rating_question.h"

#include <algorithm>
#include <string>

#include "domain/tickets/ticket_service.h"
#include "storage/question_store.h"

namespace linli::domain {

Status AskRating(storage::Database& db, const Deps& s, const ConversationRef& to,
                 const std::string& locale, int64_t number, int64_t now_ms) {
  storage::PendingQuestion q;
  q.conversation_key = to.Key();
  q.kind = kRatingQuestionKind;
  q.ref = std::to_string(number);
  for (const char* v : {kRatingSatisfied, kRatingBasic, kRatingUnsatisfied}) {
    q.options.push_back({v, s.texts.Get(locale, std::string("rating.") + v),
                         "/rate " + q.ref + " " + v});
  }
  q.asked_at_ms = now_ms;
  const int64_t days = std::max(1, s.config.rating.auto_close_days);
  q.expires_at_ms = now_ms + days * 24 * 60 * 60 * 1000;
  return storage::QuestionStore::Ask(db, q);
}

}  // namespace linli::domain
