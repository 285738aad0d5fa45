#include "web/console_work.h"

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/actor.h"
#include "domain/common/masking.h"
#include "domain/decisions/decision_actions.h"
#include "domain/reports/red_black.h"
#include "domain/reports/red_black_service.h"
#include "domain/wishes/wish_actions.h"
#include "storage/decision_store.h"
#include "storage/outbox_store.h"
#include "storage/report_store.h"
#include "storage/wish_store.h"
#include "web/console_tickets.h"
#include "web/html.h"
#include "web/page_locale.h"
#include "web/web_session.h"

namespace linli::web {

namespace {

constexpr char kSavepoint[] = "console_work";

std::string WorkParam(const WebRequest& r, const char* name) {
  const auto it = r.params.find(name);
  return it == r.params.end() ? std::string() : it->second;
}

HttpResponse WorkErrorPage(const domain::Deps& deps, const StaffRequest& r, int status,
                       const std::string& text) {
  return ConsolePage(deps, r, status, r.T(deps, "console.error_title"),
                     "<p class=\"error\">" + Escape(text) + "</p>");
}

std::string Done(const domain::Deps& deps, const StaffRequest& r) {
  const std::string& done = r.web.http.Query("done");
  if (done.empty()) return "";
  return "<p class=\"card\">" +
         Escape(r.T(deps, "console.done", {{"action", r.T(deps, "console.action." + done)}})) +
         "</p>";
}

// Runs `run` in a savepoint: on an error it is undone and `describe` words it (nullopt: a
// machine error, returned as is); on success 303 to `back`.
template <typename Run, typename Describe>
StatusOr<HttpResponse> RunAction(storage::Database& db, const domain::Deps& deps,
                                 const StaffRequest& r, Run run, Describe describe,
                                 const std::string& back) {
  LINLI_RETURN_IF_ERROR(db.Savepoint(kSavepoint));
  Status st = run();
  if (!st.ok()) {
    LINLI_RETURN_IF_ERROR(db.RollbackToSavepoint(kSavepoint));
    LINLI_RETURN_IF_ERROR(db.ReleaseSavepoint(kSavepoint));
    std::optional<std::string> text = describe(st);
    if (!text.has_value()) return st;
    return WorkErrorPage(deps, r, st.HttpStatus(), *text);
  }
  LINLI_RETURN_IF_ERROR(db.ReleaseSavepoint(kSavepoint));
  return Redirect(WithLang(back, r.web.http));
}

}  // namespace

WebHandler ConsoleWishList() {
  return StaffPage([](storage::Database& db, const domain::Deps& deps,
                      const StaffRequest& r) -> StatusOr<HttpResponse> {
    storage::WishFilter f;
    f.statuses = {storage::WishStatus::kPending};
    f.limit = 200;
    LINLI_ASSIGN_OR_RETURN(std::vector<storage::Wish> wishes, storage::WishStore::List(db, f));
    std::string body = Done(deps, r);
    if (wishes.empty()) body += "<p>" + Escape(r.T(deps, "console.none")) + "</p>";
    for (const auto& w : wishes) {
      const std::string n = std::to_string(w.number);
      body += "<div class=\"card\"><p><b>#" + n + "</b> " + Escape(w.text) + "</p><p class=\"meta\">" +
              Escape(r.T(deps, "wish.category." + w.category)) + " · " +
              Escape(w.building.empty() ? "" : r.T(deps, "console.building", {{"building", w.building}})) +
              " · " + Escape(LocalTime(deps, w.created_at_ms)) +
              (w.deadline.empty() ? "" : " · " + Escape(w.deadline)) + "</p>";
      for (const auto& action : domain::WishActions()) {
        if (action.name != "approve" && action.name != "reject") continue;
        const std::string fields =
            action.json_field.empty()
                ? std::string()
                : "<label>" + Escape(r.T(deps, "console.field.reason")) +
                      " <input type=\"text\" name=\"" + Escape(action.json_field) + "\"></label> ";
        body += PostForm(r.session, WithLang("/console/wishes/" + n + "/" + action.name, r.web.http),
                         fields, r.T(deps, "console.action.wish_" + action.name));
      }
      body += "</div>";
    }
    return ConsolePage(deps, r, 200, r.T(deps, "console.wishes_title"), body, "wishes");
  });
}

WebHandler ConsoleWishAction() {
  return StaffPost([](storage::Database& db, const domain::Deps& deps,
                      const StaffRequest& r) -> StatusOr<HttpResponse> {
    const domain::WishAction* action = domain::FindWishAction(WorkParam(r.web, "action"));
    const int64_t number = PositiveNumber(WorkParam(r.web, "n"));
    if (action == nullptr || number == 0) return WorkErrorPage(deps, r, 404, r.T(deps, "console.not_found"));
    nlohmann::json body = nlohmann::json::object();
    for (const auto& [k, v] : r.form) {
      if (k != kCsrfField) body[k] = v;
    }
    StatusOr<std::string> text = domain::WishArgFromJson(*action, body);
    if (!text.ok()) return WorkErrorPage(deps, r, 400, r.T(deps, "console.missing_field"));
    return RunAction(
        db, deps, r,
        [&]() {
          return action
              ->run(db, deps, domain::Actor::Person(r.session.person_id), number, *text,
                    deps.clock.NowMillis())
              .status();
        },
        [&](const Status& st) -> std::optional<std::string> {
          auto refusal = domain::DescribeWishRefusal(deps.texts, r.locale, st);
          if (!refusal.has_value()) return std::nullopt;
          return refusal->text;
        },
        "/console/wishes?done=wish_" + action->name);
  });
}

WebHandler ConsoleDecisionList() {
  return StaffPage([](storage::Database& db, const domain::Deps& deps,
                      const StaffRequest& r) -> StatusOr<HttpResponse> {
    std::string body = Done(deps, r);
    for (const auto& [status, action] :
         {std::pair<const char*, const char*>{"draft", "open"}, {"open", "close"}}) {
      LINLI_ASSIGN_OR_RETURN(auto list, storage::DecisionStore::List(db, "", status, 100));
      body += "<h2>" + Escape(r.T(deps, std::string("console.decisions_") + status)) + "</h2>";
      if (list.empty()) body += "<p>" + Escape(r.T(deps, "console.none")) + "</p>";
      for (const auto& d : list) {
        const std::string id = std::to_string(d.id);
        body += "<div class=\"card\"><p><b>" + id + "</b> " + Escape(d.title) +
                " <span class=\"tag\">" + Escape(r.T(deps, "console.decision_kind." + d.kind)) +
                "</span></p><p class=\"meta\">" + Escape(d.created_by_name) + " · " +
                Escape(LocalTime(deps, d.created_at_ms)) +
                (d.closes_at_ms > 0 ? " → " + Escape(LocalTime(deps, d.closes_at_ms)) : "") +
                "</p>" +
                PostForm(r.session,
                         WithLang("/console/decisions/" + id + "/" + action, r.web.http), "",
                         r.T(deps, std::string("console.action.decision_") + action)) +
                "</div>";
      }
    }
    return ConsolePage(deps, r, 200, r.T(deps, "console.decisions_title"), body, "decisions");
  });
}

WebHandler ConsoleDecisionAction() {
  return StaffPost([](storage::Database& db, const domain::Deps& deps,
                      const StaffRequest& r) -> StatusOr<HttpResponse> {
    namespace dd = domain::decisions;
    const std::string name = WorkParam(r.web, "action");
    const dd::DecisionAction* action =
        name == "open" || name == "close" ? dd::FindDecisionAction(name) : nullptr;
    const int64_t id = PositiveNumber(WorkParam(r.web, "id"));
    if (action == nullptr || id == 0) return WorkErrorPage(deps, r, 404, r.T(deps, "console.not_found"));
    return RunAction(
        db, deps, r,
        [&]() {
          return action
              ->run(db, deps, domain::Actor::Person(r.session.person_id), id, dd::DecisionArgs{},
                    deps.clock.NowMillis())
              .status();
        },
        [&](const Status& st) -> std::optional<std::string> {
          auto refusal = dd::DescribeDecisionRefusal(deps.texts, r.locale, st);
          if (!refusal.has_value()) return std::nullopt;
          return refusal->text;
        },
        "/console/decisions?done=decision_" + name);
  });
}

WebHandler ConsoleReportList() {
  return StaffPage([](storage::Database& db, const domain::Deps& deps,
                      const StaffRequest& r) -> StatusOr<HttpResponse> {
    namespace dr = domain::reports;
    std::string body = Done(deps, r);
    std::vector<std::string> quarters;
    auto last = dr::PreviousQuarter(deps.clock.NowMillis(), deps.config.timezone);
    if (last.ok()) {
      quarters.push_back(*last);
      auto range = dr::QuarterRange(*last, deps.config.timezone);
      if (range.ok()) {
        auto before = dr::PreviousQuarter(range->first, deps.config.timezone);
        if (before.ok()) quarters.push_back(*before);
      }
    }
    int shown = 0;
    for (const auto& q : quarters) {
      LINLI_ASSIGN_OR_RETURN(auto draft, storage::ReportStore::Get(db, dr::kRedBlackKind, q));
      if (!draft.has_value() || draft->state != "draft") continue;
      auto parsed = nlohmann::json::parse(draft->body, nullptr, false);
      if (parsed.is_discarded()) continue;
      auto list = dr::RedBlackFromJson(parsed);
      if (!list.ok()) continue;
      ++shown;
      body += "<div class=\"card\"><pre style=\"white-space:pre-wrap\">" +
              Escape(dr::RenderRedBlack(deps.texts, r.locale, deps.config.compound.name, *list,
                                        /*confirmed=*/true)) +
              "</pre>" +
              PostForm(r.session, WithLang("/console/reports/red_black/" + q + "/confirm", r.web.http),
                       "", r.T(deps, "console.action.report_confirm")) +
              "</div>";
    }
    if (shown == 0) body += "<p>" + Escape(r.T(deps, "console.none")) + "</p>";
    return ConsolePage(deps, r, 200, r.T(deps, "console.reports_title"), body, "reports");
  });
}

WebHandler ConsoleReportConfirm() {
  return StaffPost([](storage::Database& db, const domain::Deps& deps,
                      const StaffRequest& r) -> StatusOr<HttpResponse> {
    namespace dr = domain::reports;
    const std::string quarter = WorkParam(r.web, "q");
    return RunAction(
        db, deps, r,
        [&]() {
          return dr::ConfirmRedBlack(db, deps, domain::Actor::Person(r.session.person_id), quarter,
                                     deps.clock.NowMillis())
              .status();
        },
        [&](const Status& st) -> std::optional<std::string> {
          const std::string key = dr::ConfirmErrorKey(st);
          if (key.empty()) return std::nullopt;
          return r.T(deps, key);
        },
        "/console/reports?done=report_confirm");
  });
}

WebHandler ConsoleOutbox() {
  return StaffPage([](storage::Database& db, const domain::Deps& deps,
                      const StaffRequest& r) -> StatusOr<HttpResponse> {
    std::string body;
    for (const char* status : {"deferred", "failed"}) {
      LINLI_ASSIGN_OR_RETURN(auto items, storage::OutboxStore::ListByStatus(db, status, 200));
      body += "<h2>" + Escape(r.T(deps, std::string("console.outbox_") + status)) + "</h2>";
      if (items.empty()) {
        body += "<p>" + Escape(r.T(deps, "console.none")) + "</p>";
        continue;
      }
      body += "<table><tr><th>id</th><th>" + Escape(r.T(deps, "console.col.channel")) +
              "</th><th>" + Escape(r.T(deps, "console.col.recipient")) + "</th><th>" +
              Escape(r.T(deps, "console.col.notice")) + "</th><th>" +
              Escape(r.T(deps, "console.col.attempts")) + "</th><th>" +
              Escape(r.T(deps, "console.col.created")) + "</th><th>" +
              Escape(r.T(deps, "console.col.next_attempt")) + "</th><th>" +
              Escape(r.T(deps, "console.col.error")) + "</th></tr>";
      for (const auto& it : items) {
        const std::string& who =
            it.message.to.user_id.empty() ? it.message.to.chat_id : it.message.to.user_id;
        body += "<tr><td>" + std::to_string(it.id) + "</td><td>" + Escape(it.message.to.channel) +
                "</td><td>" + Escape(domain::MaskPlatformId(who)) + "</td><td>" +
                Escape(it.message.notice) + "</td><td>" + std::to_string(it.attempts) +
                "</td><td>" + Escape(LocalTime(deps, it.created_at_ms)) + "</td><td>" +
                Escape(LocalTime(deps, it.next_attempt_at_ms)) + "</td><td>" +
                Escape(it.last_error) + "</td></tr>";
      }
      body += "</table>";
    }
    return ConsolePage(deps, r, 200, r.T(deps, "console.outbox_title"), body, "outbox");
  });
}

}  // namespace linli::web
