#include "dialogs/person_word.h"

#include "domain/volunteers/points_actions.h"
#include "storage/identity_store.h"

namespace linli::dialogs {

StatusOr<int64_t> ResolvePerson(TurnContext& ctx, const std::string& word) {
  LINLI_ASSIGN_OR_RETURN(auto identity, storage::IdentityStore::FindIdentity(
                                            ctx.db(), ctx.in().conversation.channel, word));
  if (identity) return identity->person_id;
  const int64_t id = domain::ParseId(word);
  if (id <= 0) return int64_t{0};
  LINLI_ASSIGN_OR_RETURN(auto person, storage::IdentityStore::FindPerson(ctx.db(), id));
  return person ? id : int64_t{0};
}

}  // namespace linli::dialogs
