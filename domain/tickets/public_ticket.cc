#include "domain/tickets/public_ticket.h"

#include <utility>

#include "domain/common/known_names.h"
#include "domain/common/masking.h"

namespace linli::domain {

std::string CategoryLabel(const Deps& deps, const std::string& locale, const std::string& id) {
  const std::string key = "category." + id;
  if (!deps.texts.Has(locale, key) && !deps.texts.Has("zh-CN", key)) return id;
  return deps.texts.Get(locale, key);
}

PublicTicket ToPublicTicket(const Deps& deps, const storage::Ticket& t,
                            const std::vector<storage::TicketEvent>& events,
                            const std::vector<std::string>& known_names) {
  auto mask = [&known_names](const std::string& text) {
    return MaskFreeText(text, known_names).text;
  };
  PublicTicket p;
  p.number = t.number;
  p.category = t.category;
  p.category_label = CategoryLabel(deps, deps.config.locale, t.category);
  p.building = t.building;
  p.status = t.status;
  p.tier = t.tier;
  p.created_at_ms = t.created_at_ms;
  p.updated_at_ms = t.updated_at_ms;
  p.resolved_at_ms = t.resolved_at_ms;
  p.public_summary = mask(t.public_summary);
  // Never the "created" event (the resident's words) and never events without a note.
  for (const auto& e : events) {
    if (!e.is_public || e.kind == "created" || e.note.empty()) continue;
    PublicNote n{e.at_ms, e.kind, mask(e.note), ""};
    if (!e.to_status.empty() && e.to_status != e.from_status) n.status = e.to_status;
    p.public_notes.push_back(std::move(n));
  }
  if (t.status == storage::TicketStatus::kDeferred || !t.deferred_reason.empty()) {
    p.deferral = PublicDeferral{mask(t.deferred_reason), mask(t.deferred_plan), t.deferred_until};
  }
  p.merged_into = t.merged_into;
  return p;
}

namespace {

StatusOr<std::optional<PublicTicket>> Load(storage::Database& db, const Deps& deps,
                                           int64_t number,
                                           const std::vector<std::string>& known_names) {
  LINLI_ASSIGN_OR_RETURN(auto t, storage::TicketStore::FindByNumber(db, number));
  if (!t) return std::optional<PublicTicket>();
  LINLI_ASSIGN_OR_RETURN(auto events, storage::TicketStore::Events(db, t->id));
  return std::optional<PublicTicket>(ToPublicTicket(deps, *t, events, known_names));
}

}  // namespace

StatusOr<std::optional<PublicTicket>> LoadPublicTicket(storage::Database& db, const Deps& deps,
                                                       int64_t number) {
  LINLI_ASSIGN_OR_RETURN(auto names, KnownNames(db, deps.config));
  return Load(db, deps, number, names);
}

StatusOr<PublicTicketPage> ListPublicTickets(storage::Database& db, const Deps& deps, int page,
                                             int per_page) {
  PublicTicketPage out;
  LINLI_ASSIGN_OR_RETURN(storage::Rows count, db.Query("SELECT COUNT(*) FROM tickets"));
  out.total = count.empty() ? 0 : count[0].Int(0);
  LINLI_ASSIGN_OR_RETURN(
      storage::Rows rows,
      db.Query("SELECT number FROM tickets ORDER BY created_at DESC, number DESC "
               "LIMIT ? OFFSET ?",
               {int64_t{per_page}, int64_t{page - 1} * per_page}));
  LINLI_ASSIGN_OR_RETURN(auto names, KnownNames(db, deps.config));
  for (const auto& row : rows) {
    LINLI_ASSIGN_OR_RETURN(auto p, Load(db, deps, row.Int(0), names));
    if (p) out.tickets.push_back(std::move(*p));
  }
  return out;
}

}  // namespace linli::domain
