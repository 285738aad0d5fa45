#include "domain/volunteers/notice.h"

#include <algorithm>
#include <optional>

#include "bot/message.h"
#include "domain/people/private_conversation.h"
#include "storage/identity_store.h"
#include "storage/outbox_store.h"

namespace linli::domain {

StatusOr<std::string> PersonLocale(storage::Database& db, const Deps& deps, int64_t person_id) {
  LINLI_ASSIGN_OR_RETURN(auto person, storage::IdentityStore::FindPerson(db, person_id));
  const auto locales = deps.texts.locales();
  if (person && !person->locale.empty() &&
      std::find(locales.begin(), locales.end(), person->locale) != locales.end()) {
    return person->locale;
  }
  return deps.config.locale;
}

Status TellPerson(storage::Database& db, const Deps& deps, int64_t person_id,
                  const std::string& key, const config::TextArgs& args, int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(std::optional<storage::Identity> identity,
                         storage::IdentityStore::LastUsedIdentity(db, person_id));
  if (!identity) return Status::Ok();
  LINLI_ASSIGN_OR_RETURN(std::string locale, PersonLocale(db, deps, person_id));
  OutboundMessage m;
  m.to = PrivateRef(*identity);
  m.text = deps.texts.Get(locale, key, args);
  return storage::OutboxStore::Enqueue(db, m, now_ms).status();
}

}  // namespace linli::domain
