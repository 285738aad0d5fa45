#include "bot/server/api.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "bot/json.h"
#include "bot/server/answer_after_commit.h"
#include "bot/number.h"
#include "bot/server/log.h"
#include "bot/server/routes.h"
#include "bot/status.h"
#include "config/config.h"
#include "config/texts.h"
#include "domain/common/known_names.h"
#include "domain/common/masking.h"
#include "domain/decisions/decision_actions.h"
#include "domain/decisions/decision_result.h"
#include "domain/decisions/decision_service.h"
#include "storage/decision_store.h"
#include "storage/report_store.h"
#include "domain/deps.h"
#include "domain/people/privacy.h"
#include "domain/reports/red_black_service.h"
#include "domain/tickets/public_ticket.h"
#include "domain/tickets/ticket_actions.h"
#include "domain/volunteers/points_actions.h"
#include "domain/volunteers/points_service.h"
#include "storage/identity_store.h"
#include "storage/points_store.h"
#include "storage/redemption_store.h"
#include "storage/database.h"
#include "storage/outbox_store.h"
#include "storage/ticket_store.h"
#include "storage/write_queue.h"

namespace linli {

namespace {

using nlohmann::json;
using storage::NameOf;

constexpr int kDefaultPerPage = 20;
constexpr int kMaxPerPage = 100;
constexpr int kMaxPage = 100000;

// A status from the service or the store as an HTTP answer. A ticket action's refusal is the
// sentence staff see in chat (in config.locale) with its text key as "code"; other 4xx bodies
// carry the status message ("missing field: note", "no such ticket"); anything else is a
// generic 500 (the reason is logged).
HttpResponse FromStatus(const domain::Deps& s, const Status& st) {
  const int code = st.HttpStatus();
  if (code >= 500) {
    GetLogger("api")->warn("api request failed: {}", st.ToString());
    return JsonError(code == 503 ? 503 : 500, code == 503 ? "try again" : "internal error");
  }
  if (const std::string key = domain::PointsRefusalKey(st); !key.empty()) {
    return HttpResponse::Json(code, DumpJson(json{{"error", s.texts.Get(s.config.locale, key)},
                                                  {"code", key}}));
  }
  if (auto refusal = domain::DescribeRefusal(s.texts, s.config.locale, st)) {
    return HttpResponse::Json(code,
                              DumpJson(json{{"error", refusal->text}, {"code", refusal->code}}));
  }
  std::string message = st.message();
  if (message.empty()) message = StatusCodeName(st.code());
  return JsonError(code, message);
}

json MsOrNull(int64_t ms) { return ms > 0 ? json(ms) : json(nullptr); }

// The public projection (domain/tickets/public_ticket.h) as JSON.
json PublicTicketJson(const domain::PublicTicket& p) {
  json notes = json::array();
  for (const auto& n : p.public_notes) {
    json j{{"at_ms", n.at_ms}, {"kind", n.kind}, {"note", n.note}};
    if (!n.status.empty()) j["status"] = n.status;
    notes.push_back(std::move(j));
  }
  json j{{"number", p.number},
         {"category", p.category},
         {"category_label", p.category_label},
         {"building", p.building},
         {"status", NameOf(p.status)},
         {"tier", NameOf(p.tier)},
         {"created_at_ms", p.created_at_ms},
         {"updated_at_ms", p.updated_at_ms},
         {"resolved_at_ms", MsOrNull(p.resolved_at_ms)},
         {"public_summary", p.public_summary},
         {"public_notes", std::move(notes)}};
  if (p.deferral) {
    j["deferral"] = json{{"reason", p.deferral->reason},
                         {"plan", p.deferral->plan},
                         {"until", p.deferral->until}};
  } else {
    j["deferral"] = nullptr;
  }
  j["merged_into"] = p.merged_into > 0 ? json(p.merged_into) : json(nullptr);
  return j;
}

// Staff view: everything on the ticket (the store keeps no phone) and the whole history.
json AdminTicketJson(const domain::Deps& s, const storage::Ticket& t,
                     const std::vector<storage::TicketEvent>* events) {
  json j{{"number", t.number},
         {"channel", t.channel},
         {"category", t.category},
         {"category_label", domain::CategoryLabel(s, s.config.locale, t.category)},
         {"building", t.building},
         {"unit", t.unit},
         {"location_text", t.location_text},
         {"description", t.description},
         {"photo_ref", t.photo_ref},
         {"status", NameOf(t.status)},
         {"tier", NameOf(t.tier)},
         {"reporter_person_id", t.reporter_person_id},
         {"assignee_person_id", t.assignee_person_id},
         {"created_at_ms", t.created_at_ms},
         {"updated_at_ms", t.updated_at_ms},
         {"resolved_at_ms", MsOrNull(t.resolved_at_ms)},
         {"accept_due_at_ms", MsOrNull(t.accept_due_at_ms)},
         {"resolve_due_at_ms", MsOrNull(t.resolve_due_at_ms)},
         {"public_summary", t.public_summary},
         {"deferred_reason", t.deferred_reason},
         {"deferred_plan", t.deferred_plan},
         {"deferred_until", t.deferred_until},
         {"rating", t.rating},
         {"rating_comment", t.rating_comment},
         {"rated_at_ms", MsOrNull(t.rated_at_ms)},
         {"merged_into", t.merged_into > 0 ? json(t.merged_into) : json(nullptr)},
         {"escalations", t.escalations}};
  if (events != nullptr) {
    json arr = json::array();
    for (const auto& e : *events) {
      arr.push_back(json{{"at_ms", e.at_ms},
                         {"actor_person_id", e.actor_person_id},
                         {"actor_name", e.actor_name},
                         {"kind", e.kind},
                         {"from_status", e.from_status},
                         {"to_status", e.to_status},
                         {"note", e.note},
                         {"public", e.is_public},
                         {"photo_ref", e.photo_ref},
                         {"rating", e.rating}});
    }
    j["events"] = std::move(arr);
  }
  return j;
}

// Runs `work` on the DB thread; it fills `*out` on success. Answers from `done`.

json EntryJson(const storage::PointsEntry& e) {
  return json{{"id", e.id},           {"amount", e.amount},     {"reason", e.reason},
              {"ref", e.ref},         {"note", e.note},         {"actor", e.actor},
              {"hours_centi", e.hours_centi}, {"created_at_ms", e.created_at_ms}};
}

json RedemptionJson(const storage::Redemption& r) {
  return json{{"id", r.id},
              {"person_id", r.person_id},
              {"item_id", r.item_id},
              {"cost", r.cost},
              {"status", storage::RedemptionStatusName(r.status)},
              {"hold_entry_id", r.hold_entry_id},
              {"release_entry_id", r.release_entry_id},
              {"requested_at_ms", r.requested_at_ms},
              {"closed_at_ms", MsOrNull(r.closed_at_ms)},
              {"closed_by", r.closed_by}};
}

constexpr int kPointsEntries = 50;

// The person's balance, newest entries and pending redemptions (the GET answer and every
// points action's answer).
StatusOr<json> PointsJson(storage::Database& db, int64_t person_id) {
  LINLI_ASSIGN_OR_RETURN(int64_t balance, storage::PointsStore::Balance(db, person_id));
  LINLI_ASSIGN_OR_RETURN(auto entries, storage::PointsStore::Recent(db, person_id, kPointsEntries));
  LINLI_ASSIGN_OR_RETURN(auto pending, storage::RedemptionStore::List(
                                           db, storage::RedemptionStatus::kPending, person_id, 100));
  json e = json::array();
  for (const auto& x : entries) e.push_back(EntryJson(x));
  json r = json::array();
  for (const auto& x : pending) r.push_back(RedemptionJson(x));
  return json{{"person_id", person_id}, {"balance", balance}, {"entries", std::move(e)},
              {"pending_redemptions", std::move(r)}};
}

}  // namespace

HttpApi::HttpApi(const config::Config& config, const domain::Deps& services,
                 storage::WriteQueue& queue, std::function<void()> on_pushes)
    : config_(config), services_(services), queue_(queue), on_pushes_(std::move(on_pushes)) {}

namespace {

void Run(const domain::Deps& s, storage::WriteQueue& queue, ApiWork work, Respond respond,
         std::function<void()> after_ok = {}) {
  AnswerAfterCommit(queue, std::move(work), [&s](const Status& st) { return FromStatus(s, st); },
                    std::move(respond), std::move(after_ok));
}

}  // namespace


void HttpApi::PublicTicketList(HttpRequest request, RouteParams, Respond respond) {
  int page = 1;
  int per_page = kDefaultPerPage;
  if (!request.Query("page").empty()) {
    auto p = ParsePositive(request.Query("page"));
    if (!p || *p > kMaxPage) {
      respond(JsonError(400, "page must be an integer from 1"));
      return;
    }
    page = static_cast<int>(*p);
  }
  if (!request.Query("per_page").empty()) {
    auto p = ParsePositive(request.Query("per_page"));
    if (!p) {
      respond(JsonError(400, "per_page must be an integer from 1 to 100"));
      return;
    }
    per_page = static_cast<int>(std::min<int64_t>(*p, kMaxPerPage));
  }
  const domain::Deps& s = services_;
  Run(s, queue_,
      [&s, page, per_page](storage::Database& db, HttpResponse& out) -> Status {
        LINLI_ASSIGN_OR_RETURN(domain::PublicTicketPage board,
                               domain::ListPublicTickets(db, s, page, per_page));
        json tickets = json::array();
        for (const auto& p : board.tickets) tickets.push_back(PublicTicketJson(p));
        json body{{"tickets", std::move(tickets)},
                  {"page", page},
                  {"per_page", per_page},
                  {"total", board.total}};
        out = HttpResponse::Json(200, DumpJson(body));
        return Status::Ok();
      },
      std::move(respond));
}

void HttpApi::PublicTicketOne(HttpRequest, RouteParams params, Respond respond) {
  const auto number = ParsePositive(params["n"]);
  if (!number) {
    respond(JsonError(404, "no such ticket"));
    return;
  }
  const domain::Deps& s = services_;
  Run(s, queue_,
      [&s, n = *number](storage::Database& db, HttpResponse& out) -> Status {
        LINLI_ASSIGN_OR_RETURN(auto p, domain::LoadPublicTicket(db, s, n));
        if (!p) return Status::NotFound("no such ticket");
        out = HttpResponse::Json(200, DumpJson(PublicTicketJson(*p)));
        return Status::Ok();
      },
      std::move(respond));
}

void HttpApi::AdminOutbox(HttpRequest request, RouteParams, Respond respond) {
  const std::string status = request.Query("status");
  static const std::vector<std::string> kStatuses = {"", "pending", "sending", "failed",
                                                     "deferred", "sent"};
  if (std::find(kStatuses.begin(), kStatuses.end(), status) == kStatuses.end()) {
    respond(JsonError(400, "status must be pending, sending, failed, deferred or sent"));
    return;
  }
  int limit = kMaxPerPage;
  if (!request.Query("limit").empty()) {
    auto l = ParsePositive(request.Query("limit"));
    if (!l) {
      respond(JsonError(400, "limit must be a positive integer"));
      return;
    }
    limit = static_cast<int>(std::min<int64_t>(*l, 1000));
  }
  Run(services_, queue_,
      [status, limit](storage::Database& db, HttpResponse& out) -> Status {
        LINLI_ASSIGN_OR_RETURN(auto items, storage::OutboxStore::ListByStatus(db, status, limit));
        json arr = json::array();
        for (const auto& it : items) {
          arr.push_back(json{{"id", it.id},
                             {"channel", it.message.to.channel},
                             {"recipient", domain::MaskPlatformId(it.message.to.user_id.empty()
                                                      ? it.message.to.chat_id
                                                      : it.message.to.user_id)},
                             {"notice", it.message.notice},
                             {"status", it.status},
                             {"attempts", it.attempts},
                             {"created_at_ms", it.created_at_ms},
                             {"next_attempt_at_ms", it.next_attempt_at_ms},
                             {"last_error", it.last_error}});
        }
        out = HttpResponse::Json(200, DumpJson(json{{"messages", std::move(arr)}}));
        return Status::Ok();
      },
      std::move(respond));
}

void HttpApi::AdminTicketList(HttpRequest request, RouteParams, Respond respond) {
  storage::TicketFilter filter;
  const std::string status = request.Query("status");
  size_t start = 0;
  while (!status.empty()) {  // "new,accepted"
    const size_t comma = status.find(',', start);
    std::string one = status.substr(start, comma == std::string::npos ? std::string::npos
                                                                      : comma - start);
    if (!one.empty()) filter.statuses.push_back(std::move(one));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  filter.building = request.Query("building");
  filter.category = request.Query("category");
  filter.tier = request.Query("tier");
  filter.limit = kMaxPerPage;
  if (!request.Query("limit").empty()) {
    auto l = ParsePositive(request.Query("limit"));
    if (!l) {
      respond(JsonError(400, "limit must be a positive integer"));
      return;
    }
    filter.limit = static_cast<int>(std::min<int64_t>(*l, 1000));
  }
  // Keyset paging: `after` is the previous page's next_cursor (oldest first, so the next page
  // starts after the last ticket shown; tickets created meanwhile come at the end).
  std::optional<storage::TicketCursor> after;
  if (const std::string& text = request.Query("after"); !text.empty()) {
    after = storage::TicketCursor::Decode(storage::TicketOrder::kOldestFirst, text);
    if (!after) {
      respond(JsonError(400, "after must be a next_cursor of this list"));
      return;
    }
  }
  // The same query with the next cursor: every parameter as given but `after`.
  std::string next_query;
  for (const char* name : {"status", "building", "category", "tier", "limit"}) {
    if (request.Query(name).empty()) continue;
    next_query += std::string(name) + "=" + PercentEncode(request.Query(name)) + "&";
  }
  const domain::Deps& s = services_;
  Run(s, queue_,
      [&s, filter, after, next_query](storage::Database& db, HttpResponse& out) -> Status {
        LINLI_ASSIGN_OR_RETURN(
            storage::TicketPage page,
            storage::TicketStore::Page(db, filter, storage::TicketOrder::kOldestFirst, after));
        json arr = json::array();
        for (const auto& t : page.tickets) arr.push_back(AdminTicketJson(s, t, nullptr));
        json body{{"tickets", std::move(arr)}, {"next_cursor", nullptr}, {"next", nullptr}};
        if (page.next) {
          const std::string cursor = page.next->Encode(storage::TicketOrder::kOldestFirst);
          body["next_cursor"] = cursor;
          body["next"] = "/api/admin/tickets?" + next_query + "after=" + cursor;
        }
        out = HttpResponse::Json(200, DumpJson(body));
        return Status::Ok();
      },
      std::move(respond));
}

void HttpApi::AdminTicketOne(HttpRequest, RouteParams params, Respond respond) {
  const auto number = ParsePositive(params["n"]);
  if (!number) {
    respond(JsonError(404, "no such ticket"));
    return;
  }
  const domain::Deps& s = services_;
  Run(s, queue_,
      [&s, n = *number](storage::Database& db, HttpResponse& out) -> Status {
        LINLI_ASSIGN_OR_RETURN(auto t, storage::TicketStore::FindByNumber(db, n));
        if (!t) return Status::NotFound("no such ticket");
        LINLI_ASSIGN_OR_RETURN(auto events, storage::TicketStore::Events(db, t->id));
        out = HttpResponse::Json(200, DumpJson(AdminTicketJson(s, *t, &events)));
        return Status::Ok();
      },
      std::move(respond));
}

void HttpApi::AdminUnknownAction(HttpRequest, RouteParams params, Respond respond) {
  if (!ParsePositive(params["n"])) {
    respond(JsonError(404, "no such ticket"));
    return;
  }
  respond(JsonError(404, "unknown action"));
}

void HttpApi::AdminPersonExport(HttpRequest, RouteParams params, Respond respond) {
  const auto id = ParsePositive(params["id"]);
  if (!id) {
    respond(JsonError(404, "no such person"));
    return;
  }
  const domain::Deps& s = services_;
  Run(s, queue_,
      [id = *id](storage::Database& db, HttpResponse& out) -> Status {
        auto exported = domain::PersonalExportJson(db, id);
        if (exported.status().code() == StatusCode::kNotFound) {
          return Status::NotFound("no such person");
        }
        LINLI_RETURN_IF_ERROR(exported.status());
        out = HttpResponse::Json(200, *exported);
        return Status::Ok();
      },
      std::move(respond));
}

void HttpApi::AdminPersonErase(HttpRequest, RouteParams params, Respond respond) {
  const auto id = ParsePositive(params["id"]);
  if (!id) {
    respond(JsonError(404, "no such person"));
    return;
  }
  GetLogger("api")->info("admin api: erase person {}", *id);
  const domain::Deps& s = services_;
  Run(s, queue_,
      [id = *id](storage::Database& db, HttpResponse& out) -> Status {
        // One unit: a failure rolls the whole erasure back.
        Status st = domain::ErasePerson(db, id);
        if (st.code() == StatusCode::kNotFound) return Status::NotFound("no such person");
        LINLI_RETURN_IF_ERROR(st);
        out = HttpResponse::Json(200, DumpJson(json{{"person_id", id}, {"erased", true}}));
        return Status::Ok();
      },
      std::move(respond));
}

void HttpApi::RunTicketAction(const domain::TicketAction& action, HttpRequest request,
                              RouteParams params, Respond respond) {
  const auto number = ParsePositive(params["n"]);
  if (!number) {
    respond(JsonError(404, "no such ticket"));
    return;
  }
  json body = json::object();
  if (request.body.find_first_not_of(" \t\r\n") != std::string::npos) {
    auto parsed = ParseUntrustedJson(request.body);
    if (!parsed.ok()) {
      respond(JsonError(400, parsed.status().message()));
      return;
    }
    body = std::move(parsed).value();
  }
  if (!body.is_object()) {
    respond(JsonError(400, "body must be a JSON object"));
    return;
  }
  // Arguments are checked before anything is queued.
  StatusOr<domain::ActionArgs> args = domain::ArgsFromJson(action, body);
  if (!args.ok()) {
    respond(JsonError(400, args.status().message()));
    return;
  }
  const int64_t n = *number;
  // The bearer key that authenticated the caller acts, with its name and tier (the service
  // applies the authority table, domain/tickets/authority.h).
  domain::Actor actor = domain::Actor::ApiKey(params[kRouteKeyName], params[kRouteKeyTier]);
  GetLogger("api")->info("admin api: {} on ticket #{} by key {}", action.name, n, actor.key_name);
  const domain::Deps& s = services_;
  Run(
      s, queue_,
      [&s, &action, n, actor = std::move(actor), args = std::move(args).value()](
          storage::Database& db, HttpResponse& out) -> Status {
        LINLI_ASSIGN_OR_RETURN(storage::Ticket t,
                               action.run(db, s, actor, n, args, s.clock.NowMillis()));
        LINLI_ASSIGN_OR_RETURN(auto events, storage::TicketStore::Events(db, t.id));
        LINLI_ASSIGN_OR_RETURN(bool masked, domain::MaskedOnPublication(db, s, action, args));
        json j = AdminTicketJson(s, t, &events);
        j["masked"] = masked;  // what staff sent is published masked
        out = HttpResponse::Json(200, DumpJson(j));
        return Status::Ok();
      },
      std::move(respond), on_pushes_);
}

void HttpApi::AdminPoints(HttpRequest, RouteParams params, Respond respond) {
  const auto id = ParsePositive(params["id"]);
  if (!id) {
    respond(JsonError(404, "no such person"));
    return;
  }
  Run(services_, queue_,
      [id = *id](storage::Database& db, HttpResponse& out) -> Status {
        LINLI_ASSIGN_OR_RETURN(auto person, storage::IdentityStore::FindPerson(db, id));
        if (!person) return Status::NotFound("no such person");
        LINLI_ASSIGN_OR_RETURN(json j, PointsJson(db, id));
        out = HttpResponse::Json(200, DumpJson(j));
        return Status::Ok();
      },
      std::move(respond));
}

void HttpApi::RunPointsAction(const domain::PointsAction& action, HttpRequest request,
                              RouteParams params, Respond respond) {
  const auto target = ParsePositive(params["id"]);
  if (!target) {
    respond(JsonError(404, action.target == domain::PointsTarget::kPerson ? "no such person"
                           : action.target == domain::PointsTarget::kEntry ? "no such entry"
                                                                           : "no such redemption"));
    return;
  }
  json body = json::object();
  if (request.body.find_first_not_of(" \t\r\n") != std::string::npos) {
    auto parsed = ParseUntrustedJson(request.body);
    if (!parsed.ok()) {
      respond(JsonError(400, parsed.status().message()));
      return;
    }
    body = std::move(parsed).value();
  }
  if (!body.is_object()) {
    respond(JsonError(400, "body must be a JSON object"));
    return;
  }
  StatusOr<domain::PointsArgs> args = domain::PointsArgsFromJson(action, body);
  if (!args.ok()) {
    respond(JsonError(400, args.status().message()));
    return;
  }
  // The bearer key that authenticated the caller acts, by its name.
  domain::Actor actor = domain::Actor::ApiKey(params[kRouteKeyName], params[kRouteKeyTier]);
  GetLogger("api")->info("admin api: points {} on {} by key {}", action.name, *target,
                         actor.key_name);
  const domain::Deps& s = services_;
  Run(
      s, queue_,
      [&s, &action, target = *target, actor = std::move(actor), args = std::move(args).value()](
          storage::Database& db, HttpResponse& out) -> Status {
        LINLI_ASSIGN_OR_RETURN(domain::PointsOutcome o,
                               action.run(db, s, actor, target, args, s.clock.NowMillis()));
        LINLI_ASSIGN_OR_RETURN(json j, PointsJson(db, o.person_id));
        j["action"] = action.name;
        j["entry"] = o.entry ? EntryJson(*o.entry) : json(nullptr);
        j["redemption"] = o.redemption ? RedemptionJson(*o.redemption) : json(nullptr);
        out = HttpResponse::Json(200, DumpJson(j));
        return Status::Ok();
      },
      std::move(respond), on_pushes_);
}

}  // namespace linli

namespace linli {

namespace {

namespace dd = domain::decisions;

HttpResponse DecisionError(const domain::Deps& s, const Status& st) {
  if (auto refusal = dd::DescribeDecisionRefusal(s.texts, s.config.locale, st)) {
    return HttpResponse::Json(st.HttpStatus(),
                              DumpJson(json{{"error", refusal->text}, {"code", refusal->code}}));
  }
  return FromStatus(s, st);
}

// Like Run, but a decision refusal is answered with its sentence.
void RunDecision(const domain::Deps& s, storage::WriteQueue& queue, ApiWork work, Respond respond,
                 std::function<void()> after_ok = {}) {
  AnswerAfterCommit(queue, std::move(work), [&s](const Status& st) { return DecisionError(s, st); },
                    std::move(respond), std::move(after_ok));
}

json QuestionsJson(const domain::Deps& s, const storage::Decision& d) {
  json qs = json::array();
  for (const auto& q : d.questions) {
    json opts = json::array();
    for (const auto& o : q.options) {
      opts.push_back(json{{"value", o.value}, {"label", dd::OptionLabel(s.texts, s.config.locale, o)}});
    }
    qs.push_back(json{{"kind", q.kind}, {"text", q.text}, {"options", std::move(opts)}});
  }
  return qs;
}

json DecisionJson(const domain::Deps& s, const storage::Decision& d) {
  return json{{"id", d.id},
              {"kind", d.kind},
              {"title", d.title},
              {"body", d.body},
              {"matter", d.matter},
              {"buildings", d.buildings},
              {"questions", QuestionsJson(s, d)},
              {"per_person", d.per_person},
              {"secret", d.secret},
              {"on_board", d.on_board},
              {"min_turnout_percent", d.min_turnout_percent},
              {"status", d.status},
              {"period", d.period},
              {"opens_at_ms", MsOrNull(d.opens_at_ms)},
              {"closes_at_ms", MsOrNull(d.closes_at_ms)},
              {"opened_at_ms", MsOrNull(d.opened_at_ms)},
              {"closed_at_ms", MsOrNull(d.closed_at_ms)},
              {"text_sha256", d.text_sha256},
              {"created_by", d.created_by_name}};
}

// The staff view: never a ballot of a secret decision; turnout (not tallies) while open.
Status StaffDecisionJson(storage::Database& db, const domain::Deps& s, const storage::Decision& d,
                         json& out) {
  out = DecisionJson(s, d);
  LINLI_ASSIGN_OR_RETURN(dd::Turnout t, dd::DecisionService::TurnoutNow(db, d));
  out["turnout"] = json{{"voted", t.voted},
                        {"eligible", t.eligible},
                        {"area_centi", t.area_centi},
                        {"eligible_area_centi", t.eligible_area_centi}};
  LINLI_ASSIGN_OR_RETURN(auto comments, storage::DecisionStore::Comments(db, d.id));
  json cs = json::array();
  for (const auto& c : comments) {
    cs.push_back(json{{"person_id", c.person_id}, {"text", c.text}, {"at_ms", c.at_ms}});
  }
  out["comments"] = std::move(cs);
  LINLI_ASSIGN_OR_RETURN(auto nominees, storage::DecisionStore::Nominees(db, d.id));
  out["nominees"] = nominees;
  LINLI_ASSIGN_OR_RETURN(auto result, dd::DecisionService::ResultOf(db, d.id));
  out["result"] = result ? *result : json(nullptr);
  LINLI_ASSIGN_OR_RETURN(auto named, dd::DecisionService::VotesAfterClose(db, d));
  if (!d.secret && d.status == "closed") {
    json votes = json::array();
    for (const auto& v : named) {
      votes.push_back(json{{"household", v.household}, {"answers", v.answers}, {"via", v.via}});
    }
    out["votes"] = std::move(votes);
  }
  return Status::Ok();
}

// The board: staff texts masked as for tickets; results once closed (if on the board).
Status PublicDecisionJson(storage::Database& db, const domain::Deps& s, const storage::Decision& d,
                          json& out) {
  LINLI_ASSIGN_OR_RETURN(domain::MaskedText title, domain::MaskForPublic(db, s.config, d.title));
  LINLI_ASSIGN_OR_RETURN(domain::MaskedText body, domain::MaskForPublic(db, s.config, d.body));
  out = json{{"id", d.id},
             {"kind", d.kind},
             {"title", title.text},
             {"body", body.text},
             {"matter", d.matter},
             {"buildings", d.buildings},
             {"questions", QuestionsJson(s, d)},
             {"secret", d.secret},
             {"status", d.status},
             {"period", d.period},
             {"opens_at_ms", MsOrNull(d.opens_at_ms)},
             {"closes_at_ms", MsOrNull(d.closes_at_ms)},
             {"closed_at_ms", MsOrNull(d.closed_at_ms)},
             {"text_sha256", d.text_sha256}};
  LINLI_ASSIGN_OR_RETURN(auto result, dd::DecisionService::ResultOf(db, d.id));
  out["result"] = result && d.on_board ? *result : json(nullptr);
  return Status::Ok();
}

json ParseBody(const HttpRequest& request, std::string* error) {
  json body = json::object();
  if (request.body.find_first_not_of(" \t\r\n") != std::string::npos) {
    auto parsed = ParseUntrustedJson(request.body);
    if (!parsed.ok()) {
      *error = parsed.status().message();
      return json();
    }
    body = std::move(parsed).value();
  }
  if (!body.is_object()) *error = "body must be a JSON object";
  return body;
}

}  // namespace

void HttpApi::AdminDecisionList(HttpRequest request, RouteParams, Respond respond) {
  const std::string kind = request.Query("kind");
  const std::string status = request.Query("status");
  const domain::Deps& s = services_;
  RunDecision(s, queue_,
              [&s, kind, status](storage::Database& db, HttpResponse& out) -> Status {
                LINLI_ASSIGN_OR_RETURN(auto all, storage::DecisionStore::List(db, kind, status, 200));
                json arr = json::array();
                for (const auto& d : all) arr.push_back(DecisionJson(s, d));
                out = HttpResponse::Json(200, DumpJson(json{{"decisions", std::move(arr)}}));
                return Status::Ok();
              },
              std::move(respond));
}

void HttpApi::AdminDecisionCreate(HttpRequest request, RouteParams params, Respond respond) {
  std::string error;
  json body = ParseBody(request, &error);
  if (!error.empty()) {
    respond(JsonError(400, error));
    return;
  }
  const domain::Deps& s = services_;
  auto draft = dd::DraftFromJson(s, body);
  if (!draft.ok()) {
    respond(JsonError(400, draft.status().message()));
    return;
  }
  domain::Actor actor = domain::Actor::ApiKey(params[kRouteKeyName], params[kRouteKeyTier]);
  RunDecision(s, queue_,
              [&s, actor, in = std::move(draft).value()](storage::Database& db, HttpResponse& out) -> Status {
                LINLI_ASSIGN_OR_RETURN(auto d, dd::DecisionService::Create(db, s, actor, in,
                                                                           s.clock.NowMillis()));
                json j;
                LINLI_RETURN_IF_ERROR(StaffDecisionJson(db, s, d, j));
                out = HttpResponse::Json(201, DumpJson(j));
                return Status::Ok();
              },
              std::move(respond));
}

void HttpApi::AdminDecisionOne(HttpRequest, RouteParams params, Respond respond) {
  const auto id = ParsePositive(params["id"]);
  if (!id) {
    respond(JsonError(404, "no such decision"));
    return;
  }
  const domain::Deps& s = services_;
  RunDecision(s, queue_,
              [&s, id = *id](storage::Database& db, HttpResponse& out) -> Status {
                LINLI_ASSIGN_OR_RETURN(auto d, dd::DecisionService::Get(db, id));
                json j;
                LINLI_RETURN_IF_ERROR(StaffDecisionJson(db, s, d, j));
                out = HttpResponse::Json(200, DumpJson(j));
                return Status::Ok();
              },
              std::move(respond));
}

void HttpApi::RunDecisionAction(const dd::DecisionAction& action, HttpRequest request,
                                RouteParams params, Respond respond) {
  const auto id = ParsePositive(params["id"]);
  if (!id) {
    respond(JsonError(404, "no such decision"));
    return;
  }
  std::string error;
  json body = ParseBody(request, &error);
  if (!error.empty()) {
    respond(JsonError(400, error));
    return;
  }
  const domain::Deps& s = services_;
  auto args = dd::DecisionArgsFromJson(s, action, body);
  if (!args.ok()) {
    respond(JsonError(400, args.status().message()));
    return;
  }
  domain::Actor actor = domain::Actor::ApiKey(params[kRouteKeyName], params[kRouteKeyTier]);
  GetLogger("api")->info("admin api: {} on decision #{} by key {}", action.name, *id, actor.key_name);
  RunDecision(
      s, queue_,
      [&s, &action, id = *id, actor, args = std::move(args).value()](storage::Database& db,
                                                                     HttpResponse& out) -> Status {
        LINLI_ASSIGN_OR_RETURN(auto r, action.run(db, s, actor, id, args, s.clock.NowMillis()));
        json j;
        LINLI_RETURN_IF_ERROR(StaffDecisionJson(db, s, r.decision, j));
        if (action.name == "paper") j["replaced"] = r.replaced;
        out = HttpResponse::Json(200, DumpJson(j));
        return Status::Ok();
      },
      std::move(respond), on_pushes_);
}

void HttpApi::PublicDecisionList(HttpRequest, RouteParams, Respond respond) {
  const domain::Deps& s = services_;
  RunDecision(s, queue_,
              [&s](storage::Database& db, HttpResponse& out) -> Status {
                LINLI_ASSIGN_OR_RETURN(auto all, storage::DecisionStore::List(db, "", "", 200));
                json arr = json::array();
                for (const auto& d : all) {
                  if (d.status == "draft" || !d.on_board) continue;
                  json j;
                  LINLI_RETURN_IF_ERROR(PublicDecisionJson(db, s, d, j));
                  arr.push_back(std::move(j));
                }
                out = HttpResponse::Json(200, DumpJson(json{{"decisions", std::move(arr)}}));
                return Status::Ok();
              },
              std::move(respond));
}

void HttpApi::PublicDecisionOne(HttpRequest, RouteParams params, Respond respond) {
  const auto id = ParsePositive(params["id"]);
  if (!id) {
    respond(JsonError(404, "no such decision"));
    return;
  }
  const domain::Deps& s = services_;
  RunDecision(s, queue_,
              [&s, id = *id](storage::Database& db, HttpResponse& out) -> Status {
                LINLI_ASSIGN_OR_RETURN(auto d, storage::DecisionStore::Get(db, id));
                if (!d || d->status == "draft" || !d->on_board) return Status::NotFound("no such decision");
                json j;
                LINLI_RETURN_IF_ERROR(PublicDecisionJson(db, s, *d, j));
                out = HttpResponse::Json(200, DumpJson(j));
                return Status::Ok();
              },
              std::move(respond));
}

// The confirmed lists only: a draft is never public (结果认定 comes first).
void HttpApi::PublicRedBlack(HttpRequest request, RouteParams, Respond respond) {
  const std::string quarter = request.Query("quarter");
  const domain::Deps& s = services_;
  Run(s, queue_,
              [&s, quarter](storage::Database& db, HttpResponse& out) -> Status {
                namespace dr = domain::reports;
                auto entry = [&s](const storage::ReportDraft& r) {
                  json body = json::parse(r.body, nullptr, false);
                  auto list = dr::RedBlackFromJson(body);
                  json j = list.ok() ? dr::ToJson(*list) : json::object();
                  j["compound"] = s.config.compound.name;
                  j["confirmed_at"] = r.confirmed_at_ms;
                  return j;
                };
                if (!quarter.empty()) {
                  LINLI_RETURN_IF_ERROR(dr::QuarterRange(quarter, s.config.timezone).status());
                  LINLI_ASSIGN_OR_RETURN(auto r, storage::ReportStore::Get(db, dr::kRedBlackKind, quarter));
                  if (!r || r->state != "confirmed") {
                    return Status::NotFound("no confirmed red/black list for " + quarter);
                  }
                  out = HttpResponse::Json(200, DumpJson(entry(*r)));
                  return Status::Ok();
                }
                LINLI_ASSIGN_OR_RETURN(auto all,
                                       storage::ReportStore::ListConfirmed(db, dr::kRedBlackKind, 40));
                json arr = json::array();
                for (const auto& r : all) arr.push_back(entry(r));
                out = HttpResponse::Json(200, DumpJson(json{{"lists", std::move(arr)}}));
                return Status::Ok();
              },
              std::move(respond));
}

}  // namespace linli
