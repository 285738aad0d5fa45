#include "web/me_page.h"

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "domain/common/location.h"
#include "domain/common/time_format.h"
#include "domain/decisions/decision_result.h"
#include "domain/decisions/decision_service.h"
#include "domain/tickets/ticket_history.h"
#include "domain/tickets/ticket_service.h"
#include "storage/decision_store.h"
#include "storage/ticket_store.h"
#include "storage/web_session_store.h"
#include "storage/wish_store.h"
#include "web/html.h"
#include "web/me_common.h"
#include "web/me_sign_in.h"
#include "web/page_locale.h"
#include "web/web_session.h"

namespace linli::web {

namespace {

namespace dd = domain::decisions;

constexpr int kTicketLimit = 20;
constexpr int kWishLimit = 20;
constexpr int kDecisionLimit = 50;
constexpr size_t kMaxComment = 500;

struct View {
  const domain::Deps& deps;
  std::string locale;
  std::string T(std::string_view key, const config::TextArgs& args = {}) const {
    return deps.texts.Get(locale, key, args);
  }
  std::string Me(std::string_view key, const config::TextArgs& args = {}) const {
    return MeText(deps, locale, key, args);
  }
  std::string When(int64_t ms) const { return domain::FormatLocalTime(ms, deps.config.timezone); }
};

std::string CsrfField(const storage::WebSession& session) {
  return std::string("<input type=\"hidden\" name=\"") + kCsrfField + "\" value=\"" +
         Escape(session.csrf_token) + "\">";
}

// The reporter's own ticket: the whole location, with the room (as 进度 N shows it).
std::string Location(const View& v, const storage::Ticket& t) {
  if (t.building.empty()) return t.location_text.empty() ? "-" : t.location_text;
  const std::string room = domain::RoomOf(t.location_text, v.deps.config.compound);
  return domain::FormatLocationWithRoom(t.building, t.unit, room, v.locale);
}

std::string RateForm(const View& v, const storage::WebSession& session, const HttpRequest& request,
                     int64_t number) {
  std::string html = "<form method=\"post\" action=\"" +
                     Escape(WithLang("/me/tickets/" + std::to_string(number) + "/rate", request)) +
                     "\">" + CsrfField(session) + "<p>" + Escape(v.Me("rate_prompt")) + "</p><p>";
  for (const char* r : {domain::kRatingSatisfied, domain::kRatingBasic, domain::kRatingUnsatisfied}) {
    html += "<label><input type=\"radio\" name=\"rating\" value=\"" + std::string(r) +
            "\" required> " + Escape(v.T(std::string("rating.") + r)) + "</label> ";
  }
  html += "</p><p><label>" + Escape(v.Me("rate_comment")) +
          " <input name=\"comment\" maxlength=\"" + std::to_string(kMaxComment) +
          "\"></label></p><button type=\"submit\">" + Escape(v.Me("rate_submit")) +
          "</button></form>";
  return html;
}

StatusOr<std::string> TicketsSection(storage::Database& db, const View& v,
                                     const storage::WebSession& session,
                                     const HttpRequest& request) {
  std::string html = "<section><h2>" + Escape(v.Me("tickets")) + "</h2>";
  LINLI_ASSIGN_OR_RETURN(auto tickets,
                         storage::TicketStore::ListByReporter(db, session.person_id, kTicketLimit));
  if (tickets.empty()) html += "<p>" + Escape(v.Me("tickets_none")) + "</p>";
  for (const storage::Ticket& t : tickets) {
    const std::string n = std::to_string(t.number);
    html += "<div class=\"card\" id=\"t" + n + "\"><h3>" +
            Escape(v.Me("ticket_head", {{"number", n},
                                        {"category", v.T("category." + t.category)},
                                        {"status", v.T("ticket.status." + storage::NameOf(t.status))}})) +
            "</h3><p class=\"meta\">" + Escape(v.Me("location", {{"location", Location(v, t)}})) +
            "<br>" + Escape(v.Me("created", {{"time", v.When(t.created_at_ms)}})) + "</p>";
    LINLI_ASSIGN_OR_RETURN(auto events, storage::TicketStore::Events(db, t.id));
    const auto lines = domain::HistoryLines(v.deps.texts, v.locale, events,
                                            domain::HistoryAudience::kResident);
    if (!lines.empty()) {
      html += "<details><summary>" + Escape(v.Me("history")) + "</summary><ul>";
      for (const auto& l : lines) {
        html += "<li><span class=\"meta\">" + Escape(v.When(l.at_ms)) + "</span> " +
                Escape(l.text) + "</li>";
      }
      html += "</ul></details>";
    }
    if (t.status == storage::TicketStatus::kResolved) html += RateForm(v, session, request, t.number);
    html += "</div>";
  }
  return html + "</section>";
}

StatusOr<std::string> WishesSection(storage::Database& db, const View& v, int64_t person_id) {
  std::string html = "<section><h2>" + Escape(v.Me("wishes")) + "</h2>";
  storage::WishFilter filter;
  filter.requester_person_id = person_id;
  filter.limit = kWishLimit;
  LINLI_ASSIGN_OR_RETURN(auto wishes, storage::WishStore::List(db, filter));
  if (wishes.empty()) html += "<p>" + Escape(v.Me("wishes_none")) + "</p>";
  for (const storage::Wish& w : wishes) {
    // List filters by requester already; checked again so a filter change cannot leak.
    if (w.requester_person_id != person_id) continue;
    html += "<div class=\"card\"><p>" + Escape(w.text) + "</p><p class=\"meta\">" +
            Escape(v.T("wish.category." + w.category)) + " · " +
            Escape(v.Me("wish_item", {{"number", std::to_string(w.number)},
                                      {"status", v.T("wish.status." + storage::NameOf(w.status))},
                                      {"time", v.When(w.created_at_ms)}})) +
            "</p></div>";
  }
  return html + "</section>";
}

std::string Answers(const View& v, const storage::Decision& d, const storage::Ballot& b) {
  std::string out;
  for (size_t i = 0; i < b.answers.size(); ++i) {
    const storage::DecisionQuestion* q = i < d.questions.size() ? &d.questions[i] : nullptr;
    std::string one;
    for (const std::string& value : b.answers[i]) {
      std::string label = value;
      if (q != nullptr) {
        for (const auto& o : q->options) {
          if (o.value == value) label = dd::OptionLabel(v.deps.texts, v.locale, o);
        }
      }
      if (!one.empty()) one += ", ";
      one += label;
    }
    if (!out.empty()) out += "; ";
    out += one.empty() ? "-" : one;
  }
  return out.empty() ? "-" : out;
}

StatusOr<std::string> BallotsSection(storage::Database& db, const View& v, int64_t person_id) {
  std::string html = "<section><h2>" + Escape(v.Me("ballots")) + "</h2>";
  LINLI_ASSIGN_OR_RETURN(auto open, dd::DecisionService::OpenFor(db, v.deps, person_id));
  std::set<int64_t> open_ids;
  for (const auto& d : open) open_ids.insert(d.id);
  LINLI_ASSIGN_OR_RETURN(auto decisions, storage::DecisionStore::List(db, "", "", kDecisionLimit));
  int shown = 0;
  for (const storage::Decision& d : decisions) {
    if (d.status == "draft") continue;
    LINLI_ASSIGN_OR_RETURN(auto mine, dd::DecisionService::OwnBallot(db, v.deps, person_id, d.id));
    std::string line;
    if (mine) {
      std::string when = v.When(mine->cast_at_ms);
      if (mine->via == "paper") when += " · " + v.Me("ballot_paper");
      line = v.Me("ballot_cast", {{"answers", Answers(v, d, *mine)}, {"time", when}});
    } else if (open_ids.count(d.id) != 0) {
      line = v.Me("ballot_open", {{"closes", v.When(d.closes_at_ms)}, {"id", std::to_string(d.id)}});
    } else {
      continue;
    }
    ++shown;
    html += "<div class=\"card\"><h3>" + Escape(d.title) + "</h3><p class=\"meta\">" +
            Escape(v.T("decision.kind." + d.kind)) + "</p><p>" + Escape(line) + "</p></div>";
  }
  if (shown == 0) html += "<p>" + Escape(v.Me("ballots_none")) + "</p>";
  return html + "</section>";
}

std::string FormField(const std::map<std::string, std::string>& form, const char* name) {
  auto it = form.find(name);
  return it == form.end() ? std::string() : it->second;
}

}  // namespace

StatusOr<HttpResponse> MePage(storage::Database& db, const domain::Deps& deps,
                              const WebRequest& request) {
  LINLI_ASSIGN_OR_RETURN(std::optional<storage::WebSession> session,
                         CurrentSession(db, deps, request.http, SessionKind::kResident));
  if (!session) return MeSignInStart(db, deps, request);
  const View v{deps, MeLocale(deps, request.http)};
  std::string body;
  LINLI_ASSIGN_OR_RETURN(std::string tickets, TicketsSection(db, v, *session, request.http));
  LINLI_ASSIGN_OR_RETURN(std::string wishes, WishesSection(db, v, session->person_id));
  LINLI_ASSIGN_OR_RETURN(std::string ballots, BallotsSection(db, v, session->person_id));
  body = tickets + wishes + ballots;
  body += "<form method=\"post\" action=\"" + Escape(WithLang("/me/logout", request.http)) + "\">" +
          CsrfField(*session) + "<button type=\"submit\">" + Escape(v.Me("logout")) +
          "</button></form>";
  Page page;
  page.lang = v.locale;
  page.title = v.Me("title");
  page.body_html = std::move(body);
  return HtmlResponse(200, RenderPage(page));
}

StatusOr<HttpResponse> MeRate(storage::Database& db, const domain::Deps& deps,
                              const WebRequest& request) {
  LINLI_ASSIGN_OR_RETURN(std::optional<storage::WebSession> session,
                         CurrentSession(db, deps, request.http, SessionKind::kResident));
  if (!session) return MeMessagePage(deps, request.http, 401, "need_sign_in");
  const auto form = ParseForm(request.http.body);
  if (!CsrfOk(*session, FormField(form, kCsrfField))) {
    return MeMessagePage(deps, request.http, 403, "csrf");
  }
  const std::string& n = request.params.count("n") ? request.params.at("n") : std::string();
  int64_t number = 0;
  if (!n.empty() && n.size() <= 12 && n.find_first_not_of("0123456789") == std::string::npos) {
    number = std::stoll(n);
  }
  const std::string rating = FormField(form, "rating");
  if (number <= 0 || (rating != domain::kRatingSatisfied && rating != domain::kRatingBasic &&
                      rating != domain::kRatingUnsatisfied)) {
    return MeMessagePage(deps, request.http, 400, "rate_bad");
  }
  std::string comment = FormField(form, "comment");
  if (comment.size() > kMaxComment) comment.resize(kMaxComment);
  auto rated = domain::TicketService::Rate(db, deps, domain::Actor::Person(session->person_id),
                                           number, rating, comment, deps.clock.NowMillis());
  if (!rated.ok()) {
    const std::string key = domain::TicketService::ErrorKey(rated.status());
    if (key.empty()) return rated.status();
    const std::string locale = MeLocale(deps, request.http);
    config::TextArgs a = domain::TicketService::ErrorArgs(rated.status());
    if (auto it = a.find("status"); it != a.end()) {
      it->second = deps.texts.Get(locale, "ticket.status." + it->second);
    }
    const int status = rated.status().code() == StatusCode::kPermissionDenied ||
                               rated.status().code() == StatusCode::kNotFound
                           ? 404
                           : 409;
    return MeMessagePage(deps, request.http, status, "", deps.texts.Get(locale, key, a));
  }
  return Redirect(WithLang("/me", request.http) + "#t" + std::to_string(number));
}

StatusOr<HttpResponse> MeLogout(storage::Database& db, const domain::Deps& deps,
                                const WebRequest& request) {
  LINLI_ASSIGN_OR_RETURN(std::optional<storage::WebSession> session,
                         CurrentSession(db, deps, request.http, SessionKind::kResident));
  if (session) {
    if (!CsrfOk(*session, FormField(ParseForm(request.http.body), kCsrfField))) {
      return MeMessagePage(deps, request.http, 403, "csrf");
    }
    LINLI_RETURN_IF_ERROR(
        storage::WebSessionStore::Revoke(db, session->id, deps.clock.NowMillis()).status());
  }
  HttpResponse r = Redirect(WithLang("/me/signed-out", request.http));
  r.headers.emplace_back("Set-Cookie", LogoutCookie(deps.config.web, SessionKind::kResident));
  return r;
}

StatusOr<HttpResponse> MeSignedOut(storage::Database&, const domain::Deps& deps,
                                   const WebRequest& request) {
  const std::string locale = MeLocale(deps, request.http);
  Page page;
  page.lang = locale;
  page.title = MeText(deps, locale, "title");
  page.body_html = "<p>" + Escape(MeText(deps, locale, "signed_out")) + "</p><p><a href=\"" +
                   Escape(WithLang("/me", request.http)) + "\">" +
                   Escape(MeText(deps, locale, "sign_in_again")) + "</a></p>";
  return HtmlResponse(200, RenderPage(page));
}

}  // namespace linli::web
