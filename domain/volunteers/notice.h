// Messages to one person about their volunteer record or their points (issue 9): always to the
// person's private conversation (domain/people/private_conversation.h), in their locale, through
// the durable outbox in the caller's transaction.
#pragma once

#include <cstdint>
#include <string>

#include "bot/status.h"
#include "config/texts.h"
#include "domain/deps.h"
#include "storage/database.h"

namespace linli::domain {

// Queues the text `key` with `args` in the person's locale (config.locale when they have none)
// to the private conversation of the identity they used last. A person with no identity (an
// erased one) is told nothing: Ok. Database errors as is.
Status TellPerson(storage::Database& db, const Deps& deps, int64_t person_id,
                  const std::string& key, const config::TextArgs& args, int64_t now_ms);

// The person's locale if the texts know it, else config.locale. Read-only.
StatusOr<std::string> PersonLocale(storage::Database& db, const Deps& deps, int64_t person_id);

}  // namespace linli::domain
