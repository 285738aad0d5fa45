// Pushed questions: a push that asks something (the rating request; vote notices and wish
// cards later) records a pending question on the recipient's private conversation, written in
// the same transaction as the push. The dialog engine offers the next message of that
// conversation to the question first (dialogs/engine.h): an answer by number, label or button
// payload goes to the flow that declares the question's kind (FlowSpec::entry.question_kinds).
// At most one question is pending per conversation: a newer one replaces it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/database.h"

namespace linli::storage {

struct QuestionOption {
  std::string value;    // handed to the answering flow ("satisfied")
  std::string label;    // as shown in the push, in the recipient's language ("满意")
  std::string payload;  // the push's button payload, "" if none
};

struct PendingQuestion {
  std::string conversation_key;  // ConversationRef::Key() of the private conversation
  std::string kind;              // "rating": selects the flow that answers it
  std::string ref;               // what it is about (the ticket number), as text
  std::vector<QuestionOption> options;  // in display order (the numbers shown)
  int64_t asked_at_ms = 0;
  int64_t expires_at_ms = 0;     // not offered from this instant on
};

class QuestionStore {
 public:
  // Records `q`, replacing any question pending on its conversation. kInvalidArgument if the
  // key or kind is empty or there are no options.
  static Status Ask(Database& db, const PendingQuestion& q);
  // The question pending on `conversation_key` at `now_ms`; nullopt if none or it expired.
  static StatusOr<std::optional<PendingQuestion>> Pending(Database& db,
                                                          const std::string& conversation_key,
                                                          int64_t now_ms);
  // Drops the question pending on `conversation_key` if it was asked before `asked_before_ms`
  // (so a turn that asks anew does not drop its own question).
  static Status Drop(Database& db, const std::string& conversation_key, int64_t asked_before_ms);
  // Deletes questions expired at `now_ms`. Returns how many.
  static StatusOr<int64_t> PruneExpired(Database& db, int64_t now_ms);
};

}  // namespace linli::storage
