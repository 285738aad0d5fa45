#include "domain/people/abuse_limits.h"

#include "domain/common/durations.h"
#include "domain/tickets/ticket_service.h"
#include "storage/rate_store.h"
#include "storage/roster_store.h"
#include "storage/ticket_store.h"

namespace linli::domain {

namespace {
}  // namespace

StatusOr<Admission> AdmitTurn(storage::Database& db, const config::LimitsConfig& limits,
                              const InboundMessage& in, int64_t now_ms) {
  if (in.kind == InboundKind::kEvent) return Admission::kAdmit;
  const std::string key = "turns|" + in.conversation.channel + "|" + in.conversation.user_id;
  LINLI_ASSIGN_OR_RETURN(int64_t hits, storage::RateStore::Hit(db, key, now_ms, kMinuteMs));
  if (hits <= limits.messages_per_minute) return Admission::kAdmit;
  return hits == limits.messages_per_minute + 1 ? Admission::kSlowDown : Admission::kSilent;
}

StatusOr<bool> MayOpenTicket(storage::Database& db, const config::Config& config,
                             int64_t person_id, int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(bool staff, TicketService::IsStaff(db, config, person_id));
  if (staff) return true;
  LINLI_ASSIGN_OR_RETURN(bool bound, storage::RosterStore::IsVerified(db, person_id));
  LINLI_ASSIGN_OR_RETURN(int64_t recent, storage::TicketStore::CountCreatedSince(
                                             db, person_id, now_ms - kDayMs, bound));
  const int cap = bound ? config.limits.tickets_per_household_per_day
                        : config.limits.tickets_per_unbound_per_day;
  return recent < cap;
}

}  // namespace linli::domain
