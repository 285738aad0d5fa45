#include "domain/tickets/public_ticket.h"

#include <algorithm>
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
                            const MaskNames& known_names) {
  // Names, phones, ID numbers, and door numbers a note may name (only the building is public).
  auto mask = [&known_names](const std::string& text) {
    return MaskDoorNumbers(MaskFreeText(text, known_names).text);
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
  p.rating = t.rating;
  p.rated_at_ms = t.rated_at_ms;
  return p;
}

namespace {

StatusOr<std::optional<PublicTicket>> Load(storage::Database& db, const Deps& deps,
                                           int64_t number,
                                           const MaskNames& known_names) {
  LINLI_ASSIGN_OR_RETURN(auto t, storage::TicketStore::FindByNumber(db, number));
  if (!t) return std::optional<PublicTicket>();
  LINLI_ASSIGN_OR_RETURN(auto events, storage::TicketStore::Events(db, t->id));
  return std::optional<PublicTicket>(ToPublicTicket(deps, *t, events, known_names));
}

}  // namespace

StatusOr<std::optional<PublicTicket>> LoadPublicTicket(storage::Database& db, const Deps& deps,
                                                       int64_t number) {
  LINLI_ASSIGN_OR_RETURN(const auto names_list, KnownNames(db, deps.config));
  const MaskNames& names = *names_list;
  return Load(db, deps, number, names);
}

StatusOr<std::vector<PublicTicket>> LoadPublicTickets(storage::Database& db, const Deps& deps,
                                                      const std::vector<int64_t>& numbers) {
  std::vector<PublicTicket> out;
  if (numbers.empty()) return out;
  LINLI_ASSIGN_OR_RETURN(const auto names_list, KnownNames(db, deps.config));
  const MaskNames& names = *names_list;
  out.reserve(numbers.size());
  for (int64_t number : numbers) {
    LINLI_ASSIGN_OR_RETURN(auto p, Load(db, deps, number, names));
    if (p) out.push_back(std::move(*p));
  }
  return out;
}

StatusOr<PublicTicketFilter> ParsePublicTicketFilter(const config::Config& config,
                                                     const std::string& status,
                                                     const std::string& category,
                                                     const std::string& building) {
  PublicTicketFilter f;
  if (!status.empty()) {
    f.status = storage::ParseTicketStatus(status);
    if (!f.status) return Status::InvalidArgument("status");
  }
  if (!category.empty()) {
    if (std::find(config.categories.begin(), config.categories.end(), category) ==
        config.categories.end()) {
      return Status::InvalidArgument("category");
    }
    f.category = category;
  }
  if (!building.empty()) {
    const auto& bs = config.compound.buildings;
    if (std::none_of(bs.begin(), bs.end(), [&](const auto& b) { return b.id == building; })) {
      return Status::InvalidArgument("building");
    }
    f.building = building;
  }
  return f;
}

StatusOr<PublicTicketPage> ListPublicTickets(storage::Database& db, const Deps& deps, int page,
                                             int per_page) {
  return ListPublicTickets(db, deps, PublicTicketFilter{}, page, per_page);
}

StatusOr<PublicTicketPage> ListPublicTickets(storage::Database& db, const Deps& deps,
                                             const PublicTicketFilter& filter, int page,
                                             int per_page) {
  PublicTicketPage out;
  // Bounded on created_at so the created_at index (or a filter's (column, created_at) index)
  // is searched in the board's order; the count comes from the tallies, not the rows.
  std::string where = " WHERE created_at >= ?";
  std::vector<storage::Value> params{int64_t{0}};
  const std::string status = filter.status ? storage::NameOf(*filter.status) : "";
  if (filter.status) {
    where += " AND status = ?";
    params.emplace_back(status);
  }
  if (!filter.category.empty()) {
    where += " AND category = ?";
    params.emplace_back(filter.category);
  }
  if (!filter.building.empty()) {
    where += " AND building = ?";
    params.emplace_back(filter.building);
  }
  LINLI_ASSIGN_OR_RETURN(out.total,
                         storage::TicketStore::Tally(db, status, filter.category, filter.building));
  params.emplace_back(int64_t{per_page});
  params.emplace_back(int64_t{page - 1} * per_page);
  LINLI_ASSIGN_OR_RETURN(
      storage::Rows rows,
      db.Query("SELECT number FROM tickets" + where +
                   " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
               params));
  std::vector<int64_t> numbers;
  numbers.reserve(rows.size());
  for (const auto& row : rows) numbers.push_back(row.Int(0));
  LINLI_ASSIGN_OR_RETURN(out.tickets, LoadPublicTickets(db, deps, numbers));
  return out;
}

}  // namespace linli::domain
