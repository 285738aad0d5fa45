#include "web/console_export.h"

#include <algorithm>
#include <map>
#include <vector>

#include "domain/common/known_names.h"
#include "domain/common/masking.h"
#include "storage/ticket_store.h"
#include "web/csv.h"
#include "web/html.h"

namespace linli::web {

namespace {

using storage::Ticket;

std::string Time(const domain::Deps& deps, int64_t ms) { return LocalTime(deps, ms); }

HttpResponse CsvResponse(std::string body, const std::string& name, const domain::Deps& deps) {
  HttpResponse r;
  r.status = 200;
  r.content_type = "text/csv; charset=utf-8";
  r.body = std::move(body);
  std::string day = LocalTime(deps, deps.clock.NowMillis()).substr(0, 10);
  r.headers.emplace_back("Content-Disposition",
                         "attachment; filename=\"linli-" + name + "-" + day + ".csv\"");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

WebHandler Export(bool events) {
  return StaffPage([events](storage::Database& db, const domain::Deps& deps,
                            const StaffRequest& r) -> StatusOr<HttpResponse> {
    auto filter = ParseConsoleFilter(deps, r.web.http);
    if (!filter.ok()) {
      return ConsolePage(deps, r, 400, r.T(deps, "console.error_title"),
                         "<p class=\"error\">" + Escape(filter.status().message()) + "</p>");
    }
    if (events) {
      LINLI_ASSIGN_OR_RETURN(std::string csv, EventsCsv(db, deps, *filter, r.locale));
      return CsvResponse(std::move(csv), "events", deps);
    }
    LINLI_ASSIGN_OR_RETURN(std::string csv, TicketsCsv(db, deps, *filter, r.locale));
    return CsvResponse(std::move(csv), "tickets", deps);
  });
}

}  // namespace

StatusOr<std::string> TicketsCsv(storage::Database& db, const domain::Deps& deps,
                                 const ConsoleFilter& filter, const std::string& locale) {
  LINLI_ASSIGN_OR_RETURN(std::vector<Ticket> tickets, FilteredTickets(db, deps, filter));
  LINLI_ASSIGN_OR_RETURN(const auto names_list, domain::KnownNames(db, deps.config));
  const domain::MaskNames& names = *names_list;
  const auto T = [&](const std::string& key) { return deps.texts.Get(locale, key); };
  const auto mask = [&](const std::string& s) { return domain::MaskFreeText(s, names).text; };
  std::string out = kUtf8Bom;
  out += CsvRecord({"number", "created_at", "category", "building", "unit", "location", "status",
                    "tier", "description", "public_summary", "accept_due_at", "resolve_due_at",
                    "resolved_at", "deferred_reason", "deferred_plan", "deferred_until",
                    "rating", "rating_comment", "escalations", "merged_into", "updated_at"});
  for (const Ticket& t : tickets) {
    out += CsvRecord(
        {std::to_string(t.number), Time(deps, t.created_at_ms), T("category." + t.category),
         t.building, t.unit, mask(t.location_text),
         T("ticket.status." + storage::NameOf(t.status)), T("push.tier." + storage::NameOf(t.tier)),
         mask(t.description), mask(t.public_summary), Time(deps, t.accept_due_at_ms),
         Time(deps, t.resolve_due_at_ms), Time(deps, t.resolved_at_ms), mask(t.deferred_reason),
         mask(t.deferred_plan), t.deferred_until,
         t.rating.empty() ? "" : T("console.rating." + t.rating), mask(t.rating_comment),
         std::to_string(t.escalations), t.merged_into > 0 ? std::to_string(t.merged_into) : "",
         Time(deps, t.updated_at_ms)});
  }
  return out;
}

StatusOr<std::string> EventsCsv(storage::Database& db, const domain::Deps& deps,
                                const ConsoleFilter& filter, const std::string& locale) {
  ConsoleFilter tickets_filter = filter;
  tickets_filter.from.clear();
  tickets_filter.to.clear();
  tickets_filter.sort = "oldest";
  LINLI_ASSIGN_OR_RETURN(std::vector<Ticket> tickets, FilteredTickets(db, deps, tickets_filter));
  LINLI_ASSIGN_OR_RETURN(DateRange range, RangeOf(deps, filter));
  LINLI_ASSIGN_OR_RETURN(const auto names_list, domain::KnownNames(db, deps.config));
  const domain::MaskNames& names = *names_list;
  const auto T = [&](const std::string& key) { return deps.texts.Get(locale, key); };
  const auto status = [&](const std::string& s) {
    return s.empty() ? std::string() : T("ticket.status." + s);
  };
  std::string out = kUtf8Bom;
  out += CsvRecord({"number", "at", "kind", "from_status", "to_status", "note", "public", "actor",
                    "rating"});
  for (const Ticket& t : tickets) {
    LINLI_ASSIGN_OR_RETURN(auto events, storage::TicketStore::Events(db, t.id));
    for (const auto& e : events) {
      if (e.at_ms < range.from_ms || e.at_ms >= range.to_ms) continue;
      // The reporter's own "created" event repeats the description: masked like it.
      out += CsvRecord({std::to_string(t.number), Time(deps, e.at_ms), e.kind,
                        status(e.from_status), status(e.to_status),
                        domain::MaskFreeText(e.note, names).text, e.is_public ? "1" : "0",
                        e.actor_name,
                        e.rating.empty() ? "" : T("console.rating." + e.rating)});
    }
  }
  return out;
}

WebHandler ConsoleExportTickets() { return Export(false); }
WebHandler ConsoleExportEvents() { return Export(true); }

}  // namespace linli::web
