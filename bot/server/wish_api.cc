#include "bot/server/wish_api.h"

#include "bot/server/answer_after_commit.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <utility>

#include <nlohmann/json.hpp>

#include "bot/json.h"
#include "bot/number.h"
#include "bot/server/log.h"
#include "bot/server/routes.h"
#include "domain/deps.h"
#include "domain/wishes/wish_actions.h"
#include "domain/wishes/wish_service.h"
#include "storage/wish_store.h"
#include "storage/write_queue.h"

namespace linli {

namespace {

using nlohmann::json;

HttpResponse WishFromStatus(const domain::Deps& s, const Status& st) {
  const int code = st.HttpStatus();
  if (code >= 500) {
    GetLogger("api")->warn("wish api request failed: {}", st.ToString());
    return JsonError(code == 503 ? 503 : 500, code == 503 ? "try again" : "internal error");
  }
  if (auto refusal = domain::DescribeWishRefusal(s.texts, s.config.locale, st)) {
    return HttpResponse::Json(code, DumpJson(json{{"error", refusal->text}, {"code", refusal->code}}));
  }
  std::string message = st.message();
  if (message.empty()) message = StatusCodeName(st.code());
  return JsonError(code, message);
}

// Staff view: everything on the wish, its claims and (for one wish) its history.
json WishJson(const domain::Deps& s, const storage::Wish& w,
              const std::vector<storage::WishClaim>* claims,
              const std::vector<storage::WishEvent>* events) {
  json j{{"number", w.number},
         {"category", w.category},
         {"category_label", s.texts.Get(s.config.locale, "wish.category." + w.category)},
         {"text", w.text},
         {"building", w.building},
         {"status", storage::NameOf(w.status)},
         {"helpers_needed", w.helpers_needed},
         {"deadline", w.deadline},
         {"requester_person_id", w.requester_person_id},
         {"requester_household_id", w.requester_household_id},
         {"posted_by_person_id", w.posted_by_person_id},
         {"acted_for", w.acted_for()},
         {"contact_name", w.contact_name},
         {"contact_phone", w.contact_phone},
         {"contact_unit", w.contact_unit},
         {"reject_reason", w.reject_reason},
         {"created_at_ms", w.created_at_ms},
         {"updated_at_ms", w.updated_at_ms},
         {"done_at_ms", w.done_at_ms > 0 ? json(w.done_at_ms) : json(nullptr)}};
  if (claims != nullptr) {
    json arr = json::array();
    for (const auto& c : *claims) {
      arr.push_back(json{{"person_id", c.person_id},
                         {"status", storage::NameOf(c.status)},
                         {"hours_tenths", c.hours_tenths},
                         {"photo_ref", c.photo_ref},
                         {"claimed_at_ms", c.claimed_at_ms},
                         {"done_at_ms", c.done_at_ms}});
    }
    j["claims"] = std::move(arr);
  }
  if (events != nullptr) {
    json arr = json::array();
    for (const auto& e : *events) {
      arr.push_back(json{{"at_ms", e.at_ms},
                         {"kind", e.kind},
                         {"actor_person_id", e.actor_person_id},
                         {"actor_name", e.actor_name},
                         {"note", e.note}});
    }
    j["events"] = std::move(arr);
  }
  return j;
}


void RunWishWork(const domain::Deps& s, storage::WriteQueue& queue, ApiWork work, Respond respond,
         std::function<void()> after_ok = {}) {
  AnswerAfterCommit(queue, std::move(work), [&s](const Status& st) { return WishFromStatus(s, st); },
                    std::move(respond), std::move(after_ok), "wish api");
}

}  // namespace

WishApi::WishApi(const domain::Deps& services, storage::WriteQueue& queue,
                 std::function<void()> on_pushes)
    : services_(services), queue_(queue), on_pushes_(std::move(on_pushes)) {}

void WishApi::List(HttpRequest request, RouteParams, Respond respond) {
  storage::WishFilter filter;
  const std::string status = request.Query("status");
  size_t start = 0;
  while (!status.empty()) {
    const size_t comma = status.find(',', start);
    const std::string one =
        status.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!one.empty()) {
      auto st = storage::ParseWishStatus(one);
      if (!st) {
        respond(JsonError(400, "unknown status: " + one));
        return;
      }
      filter.statuses.push_back(*st);
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  filter.category = request.Query("category");
  filter.building = request.Query("building");
  filter.limit = 100;
  if (!request.Query("limit").empty()) {
    auto l = ParsePositive(request.Query("limit"));
    if (!l) {
      respond(JsonError(400, "limit must be a positive integer"));
      return;
    }
    filter.limit = static_cast<int>(std::min<int64_t>(*l, 1000));
  }
  const domain::Deps& s = services_;
  RunWishWork(s, queue_,
      [&s, filter](storage::Database& db, HttpResponse& out) -> Status {
        LINLI_ASSIGN_OR_RETURN(auto wishes, storage::WishStore::List(db, filter));
        json arr = json::array();
        for (const auto& w : wishes) arr.push_back(WishJson(s, w, nullptr, nullptr));
        out = HttpResponse::Json(200, DumpJson(json{{"wishes", std::move(arr)}}));
        return Status::Ok();
      },
      std::move(respond));
}

void WishApi::One(HttpRequest, RouteParams params, Respond respond) {
  const auto number = ParsePositive(params["n"]);
  if (!number) {
    respond(JsonError(404, "no such wish"));
    return;
  }
  const domain::Deps& s = services_;
  RunWishWork(s, queue_,
      [&s, n = *number](storage::Database& db, HttpResponse& out) -> Status {
        LINLI_ASSIGN_OR_RETURN(auto w, storage::WishStore::Find(db, n));
        if (!w) return Status::NotFound("no such wish");
        LINLI_ASSIGN_OR_RETURN(auto claims, storage::WishStore::Claims(db, n));
        LINLI_ASSIGN_OR_RETURN(auto events, storage::WishStore::Events(db, n));
        out = HttpResponse::Json(200, DumpJson(WishJson(s, *w, &claims, &events)));
        return Status::Ok();
      },
      std::move(respond));
}

void WishApi::UnknownAction(HttpRequest, RouteParams params, Respond respond) {
  if (!ParsePositive(params["n"])) {
    respond(JsonError(404, "no such wish"));
    return;
  }
  respond(JsonError(404, "unknown action"));
}

void WishApi::RunAction(const domain::WishAction& action, HttpRequest request, RouteParams params,
                        Respond respond) {
  const auto number = ParsePositive(params["n"]);
  if (!number) {
    respond(JsonError(404, "no such wish"));
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
  StatusOr<std::string> arg = domain::WishArgFromJson(action, body);
  if (!arg.ok()) {
    respond(JsonError(400, arg.status().message()));
    return;
  }
  domain::Actor actor = domain::Actor::ApiKey(params[kRouteKeyName], params[kRouteKeyTier]);
  GetLogger("api")->info("admin api: {} on wish #{} by key {}", action.name, *number, actor.key_name);
  const domain::Deps& s = services_;
  RunWishWork(
      s, queue_,
      [&s, &action, n = *number, actor = std::move(actor), arg = std::move(arg).value()](
          storage::Database& db, HttpResponse& out) -> Status {
        LINLI_ASSIGN_OR_RETURN(storage::Wish w, action.run(db, s, actor, n, arg, s.clock.NowMillis()));
        LINLI_ASSIGN_OR_RETURN(auto claims, storage::WishStore::Claims(db, n));
        LINLI_ASSIGN_OR_RETURN(auto events, storage::WishStore::Events(db, n));
        out = HttpResponse::Json(200, DumpJson(WishJson(s, w, &claims, &events)));
        return Status::Ok();
      },
      std::move(respond), on_pushes_);
}

}  // namespace linli
