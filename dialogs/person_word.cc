#include "dialogs/person_word.h"

#include "domain/tickets/ticket_actions.h"
#include "domain/volunteers/points_actions.h"
#include "domain/volunteers/points_service.h"
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

StatusOr<bool> PointsStaffOnly(TurnContext& ctx) {
  if (ctx.is_staff()) return true;
  LINLI_ASSIGN_OR_RETURN(bool allowed, domain::Authorized(ctx.db(), ctx.deps(),
                                                          domain::Actor::Person(ctx.person().id),
                                                          domain::Authority::kStaff));
  if (!allowed) ctx.Reply(ctx.T("points.refused.staff"));
  return allowed;
}

Status ReplyPointsRefusal(TurnContext& ctx, const Status& st) {
  const std::string key = domain::PointsRefusalKey(st);
  if (key.empty()) return st;
  ctx.Reply(ctx.T(key));
  return Status::Ok();
}

}  // namespace linli::dialogs
