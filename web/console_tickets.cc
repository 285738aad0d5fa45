#include "web/console_tickets.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bot/image_file.h"
#include "bot/number.h"
#include "domain/actor.h"
#include "domain/common/location.h"
#include "domain/media/ticket_media.h"
#include "domain/tickets/authority.h"
#include "domain/tickets/ticket_actions.h"
#include "domain/tickets/ticket_history.h"
#include "storage/ticket_store.h"
#include "web/console_filter.h"
#include "web/html.h"
#include "web/page_locale.h"
#include "web/web_session.h"

namespace linli::web {

namespace {

using storage::Ticket;

constexpr int kPerPage = 50;
constexpr int64_t kCountCap = 10000;
constexpr char kActionSavepoint[] = "console_action";

std::string Param(const WebRequest& r, const char* name) {
  const auto it = r.params.find(name);
  return it == r.params.end() ? std::string() : it->second;
}

std::string Td(const std::string& text) { return "<td>" + Escape(text) + "</td>"; }

// A <select name=...> with an "any" option and `options` (value, label).
std::string Select(const char* name, const std::string& any_label,
                   const std::vector<std::pair<std::string, std::string>>& options,
                   const std::string& current) {
  std::string out = std::string("<select name=\"") + name + "\"><option value=\"\">" +
                    Escape(any_label) + "</option>";
  for (const auto& [value, label] : options) {
    out += "<option value=\"" + Escape(value) + "\"" + (value == current ? " selected" : "") +
           ">" + Escape(label) + "</option>";
  }
  return out + "</select> ";
}

HttpResponse ErrorPage(const domain::Deps& deps, const StaffRequest& r, int status,
                       const std::string& text) {
  return ConsolePage(deps, r, status, r.T(deps, "console.error_title"),
                     "<p class=\"error\">" + Escape(text) + "</p>");
}

std::string FilterForm(const domain::Deps& deps, const StaffRequest& r, const ConsoleFilter& f) {
  std::vector<std::pair<std::string, std::string>> statuses, categories, buildings, tiers, sorts;
  for (auto s : storage::kAllTicketStatuses) {
    const std::string n = storage::NameOf(s);
    statuses.emplace_back(n, r.T(deps, "ticket.status." + n));
  }
  for (const auto& c : deps.config.categories) categories.emplace_back(c, r.T(deps, "category." + c));
  for (const auto& b : deps.config.compound.buildings) {
    buildings.emplace_back(b.id, r.T(deps, "console.building", {{"building", b.id}}));
  }
  for (auto t : storage::kAllTiers) {
    const std::string n = storage::NameOf(t);
    tiers.emplace_back(n, r.T(deps, "push.tier." + n));
  }
  for (const char* s : {"newest", "oldest", "deadline"}) {
    sorts.emplace_back(s, r.T(deps, std::string("console.sort.") + s));
  }
  const std::string any = r.T(deps, "console.any");
  std::string out = "<form method=\"get\" action=\"/console\" class=\"card\">";
  if (!r.web.http.Query("lang").empty()) {
    out += "<input type=\"hidden\" name=\"lang\" value=\"" + Escape(r.web.http.Query("lang")) + "\">";
  }
  out += Select("status", r.T(deps, "console.filter.status") + ": " + any, statuses, f.status);
  out += Select("category", r.T(deps, "console.filter.category") + ": " + any, categories,
                f.category);
  out += Select("building", r.T(deps, "console.filter.building") + ": " + any, buildings,
                f.building);
  out += Select("tier", r.T(deps, "console.filter.tier") + ": " + any, tiers, f.tier);
  out += "<select name=\"sort\">";
  for (const auto& [value, label] : sorts) {
    out += "<option value=\"" + value + "\"" + (value == f.sort ? " selected" : "") + ">" +
           Escape(label) + "</option>";
  }
  out += "</select> <label>" + Escape(r.T(deps, "console.filter.from")) +
         " <input type=\"date\" name=\"from\" value=\"" + Escape(f.from) + "\"></label> <label>" +
         Escape(r.T(deps, "console.filter.to")) + " <input type=\"date\" name=\"to\" value=\"" +
         Escape(f.to) + "\"></label> <button type=\"submit\">" +
         Escape(r.T(deps, "console.filter.apply")) + "</button></form>";
  return out;
}

std::string Location(const domain::Deps& deps, const StaffRequest& r, const Ticket& t) {
  const std::string room = domain::RoomOf(t.location_text, deps.config.compound);
  std::string where = domain::FormatLocationWithRoom(t.building, t.unit, room, r.locale);
  if (where.empty()) where = t.location_text;
  return where;
}

// The form fields of `action` (named as ArgsFromJson reads them).
std::string ActionFields(const domain::Deps& deps, const StaffRequest& r,
                         const domain::TicketAction& action) {
  using domain::ParamKind;
  const auto text = [&](const std::string& name, const std::string& label_key,
                        const char* type = "text") {
    return "<label>" + Escape(r.T(deps, label_key)) + " <input type=\"" + type + "\" name=\"" +
           Escape(name) + "\"></label> ";
  };
  switch (action.param.kind) {
    case ParamKind::kNone:
      return "";
    case ParamKind::kNote:
      return "<textarea name=\"note\" rows=\"2\" cols=\"30\"></textarea> <label><input "
             "type=\"checkbox\" name=\"public\" value=\"1\"> " +
             Escape(r.T(deps, "console.field.public")) + "</label> ";
    case ParamKind::kText:
      return "<textarea name=\"" + Escape(action.param.json_field) +
             "\" rows=\"2\" cols=\"30\"></textarea> ";
    case ParamKind::kDeferral:
      return text("reason", "console.field.reason") + text("plan", "console.field.plan") +
             text("until", "console.field.until", "date");
    case ParamKind::kAssignee:
      return text("assignee_user_id", "console.field.assignee");
    case ParamKind::kTicket:
      return text(action.param.json_field, "console.field.into", "number");
  }
  return "";
}

// The form fields as the JSON body the admin API would get.
nlohmann::json FormAsJson(const domain::TicketAction& action,
                          const std::map<std::string, std::string>& form) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, v] : form) {
    if (k == kCsrfField) continue;
    j[k] = v;
  }
  if (action.param.kind == domain::ParamKind::kNote) j["public"] = form.count("public") > 0;
  if (action.param.kind == domain::ParamKind::kTicket) {
    const auto it = form.find(action.param.json_field);
    const int64_t n = it == form.end() ? 0 : PositiveNumber(it->second);
    if (n > 0) {
      j[action.param.json_field] = n;
    } else {
      j.erase(action.param.json_field);
    }
  }
  return j;
}

}  // namespace

int64_t PositiveNumber(const std::string& s) { return ParsePositive(s).value_or(0); }

WebHandler ConsoleTicketList() {
  return StaffPage([](storage::Database& db, const domain::Deps& deps,
                      const StaffRequest& r) -> StatusOr<HttpResponse> {
    auto filter = ParseConsoleFilter(deps, r.web.http);
    if (!filter.ok()) return ErrorPage(deps, r, 400, filter.status().message());
    LINLI_ASSIGN_OR_RETURN(storage::TicketPage page, FilteredPage(db, deps, *filter, kPerPage));
    // Counted up to a bound, so a compound with a long history pays for a page, not for it all.
    LINLI_ASSIGN_OR_RETURN(int64_t count, CountFiltered(db, deps, *filter, kCountCap + 1));
    const std::string query = FilterQuery(*filter);
    std::string body = FilterForm(deps, r, *filter);
    const std::string q = query.empty() ? "" : "?" + query;
    const std::string shown =
        count > kCountCap ? std::to_string(kCountCap) + "+" : std::to_string(count);
    body += "<p>" + Escape(r.T(deps, "console.count", {{"count", shown}})) +
            " · <a href=\"" + Escape("/console/export/tickets.csv" + q) + "\">" +
            Escape(r.T(deps, "console.export_tickets")) + "</a> · <a href=\"" +
            Escape("/console/export/events.csv" + q) + "\">" +
            Escape(r.T(deps, "console.export_events")) + "</a></p>";
    body += "<table><tr><th>#</th><th>" + Escape(r.T(deps, "console.col.created")) + "</th><th>" +
            Escape(r.T(deps, "console.filter.category")) + "</th><th>" +
            Escape(r.T(deps, "console.col.location")) + "</th><th>" +
            Escape(r.T(deps, "console.filter.status")) + "</th><th>" +
            Escape(r.T(deps, "console.filter.tier")) + "</th><th>" +
            Escape(r.T(deps, "console.col.deadline")) + "</th></tr>";
    for (const Ticket& t : page.tickets) {
      const std::string n = std::to_string(t.number);
      body += "<tr><td><a href=\"" + Escape(WithLang("/console/tickets/" + n, r.web.http)) +
              "\">#" + n + "</a></td>" + Td(LocalTime(deps, t.created_at_ms)) +
              Td(r.T(deps, "category." + t.category)) + Td(Location(deps, r, t)) +
              Td(r.T(deps, "ticket.status." + storage::NameOf(t.status))) +
              Td(r.T(deps, "push.tier." + storage::NameOf(t.tier))) +
              Td(LocalTime(deps, storage::WaitingDeadline(t))) + "</tr>";
    }
    body += "</table>";
    // Keyset paging: "next" continues after the last ticket shown; the first page is the
    // filter without a cursor.
    const auto page_link = [&](const std::string& after, const std::string& label) {
      std::string href = "/console" + q;
      if (!after.empty()) href += (q.empty() ? "?" : "&") + std::string("after=") + PercentEncode(after);
      return " <a href=\"" + Escape(WithLang(href, r.web.http)) + "\">" + Escape(label) + "</a>";
    };
    std::string pager;
    if (!filter->after.empty()) pager += page_link("", r.T(deps, "console.first"));
    if (page.next) pager += page_link(page.next->Encode(OrderOf(*filter)), r.T(deps, "console.next"));
    if (!pager.empty()) body += "<p>" + pager + "</p>";
    return ConsolePage(deps, r, 200, r.T(deps, "console.tickets_title"), body, "tickets");
  });
}

WebHandler ConsoleTicketPage() {
  return StaffPage([](storage::Database& db, const domain::Deps& deps,
                      const StaffRequest& r) -> StatusOr<HttpResponse> {
    const int64_t number = PositiveNumber(Param(r.web, "n"));
    std::optional<Ticket> ticket;
    if (number > 0) {
      LINLI_ASSIGN_OR_RETURN(ticket, storage::TicketStore::FindByNumber(db, number));
    }
    if (!ticket.has_value()) {
      return ErrorPage(deps, r, 404, r.T(deps, "staff.not_found", {{"number", Param(r.web, "n")}}));
    }
    const Ticket& t = *ticket;
    const std::string n = std::to_string(t.number);
    std::string body;
    if (const std::string& done = r.web.http.Query("done"); !done.empty()) {
      if (domain::FindTicketAction(done) != nullptr) {
        body += "<p class=\"card\">" +
                Escape(r.T(deps, "console.done", {{"action", r.T(deps, "console.action." + done)}})) +
                "</p>";
      }
      if (!r.web.http.Query("masked").empty()) {
        body += "<p class=\"meta\">" + Escape(r.T(deps, "staff.masked")) + "</p>";
      }
    }
    const auto row = [&](const std::string& key, const std::string& value) {
      if (value.empty()) return std::string();
      return "<tr><th>" + Escape(r.T(deps, key)) + "</th><td>" + Escape(value) + "</td></tr>";
    };
    body += "<div class=\"card\"><p>" + Escape(t.description) + "</p><table>";
    body += row("console.filter.category", r.T(deps, "category." + t.category));
    body += row("console.col.location", Location(deps, r, t));
    body += row("console.filter.status", r.T(deps, "ticket.status." + storage::NameOf(t.status)));
    body += row("console.filter.tier", r.T(deps, "push.tier." + storage::NameOf(t.tier)));
    body += row("console.col.created", LocalTime(deps, t.created_at_ms));
    body += row("console.col.accept_due", LocalTime(deps, t.accept_due_at_ms));
    body += row("console.col.resolve_due", LocalTime(deps, t.resolve_due_at_ms));
    body += row("console.col.summary", t.public_summary);
    if (!t.deferred_reason.empty()) {
      body += row("console.field.reason", t.deferred_reason);
      body += row("console.field.plan", t.deferred_plan);
      body += row("console.field.until", t.deferred_until);
    }
    if (!t.rating.empty()) {
      body += row("console.col.rating", r.T(deps, "console.rating." + t.rating) +
                                            (t.rating_comment.empty() ? "" : ": " + t.rating_comment));
    }
    if (t.merged_into > 0) body += row("console.col.merged_into", "#" + std::to_string(t.merged_into));
    body += "</table>";
    LINLI_ASSIGN_OR_RETURN(auto media, domain::media::TicketMediaFor(db, deps.config.media, t.id));
    if (media.has_value()) {
      body += "<p><img src=\"/console/media/" + n + "\" alt=\"" +
              Escape(r.T(deps, "console.photo")) + "\" style=\"max-width:100%\"></p>";
    } else if (!t.photo_ref.empty()) {
      body += "<p class=\"meta\">" + Escape(r.T(deps, "console.photo_pending")) + "</p>";
    }
    body += "</div><h2>" + Escape(r.T(deps, "console.history")) + "</h2><ul>";
    LINLI_ASSIGN_OR_RETURN(auto events, storage::TicketStore::Events(db, t.id));
    for (const auto& line :
         domain::HistoryLines(deps.texts, r.locale, events, domain::HistoryAudience::kStaff)) {
      body += "<li><span class=\"meta\">" + Escape(LocalTime(deps, line.at_ms)) + "</span> " +
              Escape(line.text) + "</li>";
    }
    body += "</ul><h2>" + Escape(r.T(deps, "console.actions")) + "</h2>";
    int shown = 0;
    for (const auto& action : domain::TicketActions()) {
      if (!domain::MayAct(r.standing.tier, t.tier, action.name)) continue;
      ++shown;
      body += "<div class=\"card\">" +
              PostForm(r.session, WithLang("/console/tickets/" + n + "/" + action.name, r.web.http),
                       ActionFields(deps, r, action), r.T(deps, "console.action." + action.name)) +
              "</div>";
    }
    if (shown == 0) {
      body += "<p class=\"meta\">" +
              Escape(r.T(deps, "staff.tier_denied",
                         {{"number", n}, {"tier", r.T(deps, "push.tier." + storage::NameOf(t.tier))}})) +
              "</p>";
    }
    return ConsolePage(deps, r, 200, "#" + n, body, "tickets");
  });
}

WebHandler ConsoleTicketAction() {
  return StaffPost([](storage::Database& db, const domain::Deps& deps,
                      const StaffRequest& r) -> StatusOr<HttpResponse> {
    const domain::TicketAction* action = domain::FindTicketAction(Param(r.web, "action"));
    const int64_t number = PositiveNumber(Param(r.web, "n"));
    if (action == nullptr || number == 0) {
      return ErrorPage(deps, r, 404, r.T(deps, "console.not_found"));
    }
    StatusOr<domain::ActionArgs> args = domain::ArgsFromJson(*action, FormAsJson(*action, r.form));
    if (!args.ok()) {
      return ErrorPage(deps, r, 400, r.T(deps, "console.missing_field"));
    }
    // The action runs in a savepoint: a refusal leaves nothing behind, and the page saying so
    // still commits (the session's last use).
    LINLI_RETURN_IF_ERROR(db.Savepoint(kActionSavepoint));
    StatusOr<Ticket> done = action->run(db, deps, domain::Actor::Person(r.session.person_id),
                                        number, *args, deps.clock.NowMillis());
    if (!done.ok()) {
      LINLI_RETURN_IF_ERROR(db.RollbackToSavepoint(kActionSavepoint));
      LINLI_RETURN_IF_ERROR(db.ReleaseSavepoint(kActionSavepoint));
      auto refusal = domain::DescribeRefusal(deps.texts, r.locale, done.status());
      if (!refusal.has_value()) return done.status();
      return ErrorPage(deps, r, done.status().HttpStatus(), refusal->text);
    }
    LINLI_RETURN_IF_ERROR(db.ReleaseSavepoint(kActionSavepoint));
    LINLI_ASSIGN_OR_RETURN(bool masked, domain::MaskedOnPublication(db, deps, *action, *args));
    std::string to = "/console/tickets/" + std::to_string(done->number) + "?done=" + action->name;
    if (masked) to += "&masked=1";
    return Redirect(WithLang(to, r.web.http));
  });
}

WebHandler ConsoleTicketMedia() {
  return StaffPage([](storage::Database& db, const domain::Deps& deps,
                      const StaffRequest& r) -> StatusOr<HttpResponse> {
    const int64_t number = PositiveNumber(Param(r.web, "n"));
    std::optional<Ticket> ticket;
    if (number > 0) {
      LINLI_ASSIGN_OR_RETURN(ticket, storage::TicketStore::FindByNumber(db, number));
    }
    std::optional<domain::media::TicketMedia> media;
    if (ticket.has_value()) {
      LINLI_ASSIGN_OR_RETURN(media, domain::media::TicketMediaFor(db, deps.config.media, ticket->id));
    }
    std::string bytes;
    if (media.has_value()) {
      // The reader the outbox uploads photos with (missing, unreadable or over the size cap:
      // nothing); the media folder holds only files under media.max_bytes.
      auto read = ReadImageFile(OutboundImage{media->path, media->content_type, "", "", ""},
                                static_cast<size_t>(deps.config.media.max_bytes));
      if (read.ok()) bytes = std::move(read).value();
    }
    if (bytes.empty()) return ErrorPage(deps, r, 404, r.T(deps, "console.not_found"));
    HttpResponse out;
    out.status = 200;
    out.content_type = media->content_type;
    out.body = std::move(bytes);
    out.headers.emplace_back("X-Content-Type-Options", "nosniff");
    out.headers.emplace_back("Cache-Control", "private, no-store");
    out.headers.emplace_back("Content-Security-Policy", "default-src 'none'; sandbox");
    return out;
  });
}

}  // namespace linli::web
