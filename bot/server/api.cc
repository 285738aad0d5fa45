#include "bot/server/api.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "bot/json.h"
#include "bot/server/log.h"
#include "bot/status.h"
#include "config/config.h"
#include "config/texts.h"
#include "domain/deps.h"
#include "domain/tickets/ticket_service.h"
#include "storage/database.h"
#include "storage/outbox_store.h"
#include "storage/ticket_store.h"
#include "storage/write_queue.h"

namespace linli {

namespace {

using nlohmann::json;

constexpr int kDefaultPerPage = 20;
constexpr int kMaxPerPage = 100;
constexpr int kMaxPage = 100000;

HttpResponse JsonError(int status, const std::string& message) {
  return HttpResponse::Json(status, DumpJson(json{{"error", message}}));
}

HttpResponse MethodNotAllowed(const std::string& allow) {
  HttpResponse r = JsonError(405, "method not allowed");
  r.headers.emplace_back("Allow", allow);
  return r;
}

// A status from the service or the store as an HTTP answer. 4xx bodies carry the service's
// error key ("ticket.not_found", ...); anything else is a generic 500 (the reason is logged).
HttpResponse FromStatus(const Status& st) {
  const int code = st.HttpStatus();
  if (code >= 500) {
    GetLogger("api")->warn("api request failed: {}", st.ToString());
    return JsonError(code == 503 ? 503 : 500, code == 503 ? "try again" : "internal error");
  }
  std::string message = st.message();
  if (message.empty()) message = StatusCodeName(st.code());
  return JsonError(code, message);
}

// Strict decimal parse of a positive integer (no sign, no spaces, at most 15 digits).
std::optional<int64_t> ParsePositive(const std::string& s) {
  if (s.empty() || s.size() > 15) return std::nullopt;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (v <= 0) return std::nullopt;
  return v;
}

json MsOrNull(int64_t ms) { return ms > 0 ? json(ms) : json(nullptr); }

std::string CategoryLabel(const domain::Deps& s, const std::string& id) {
  const std::string key = "category." + id;
  if (!s.texts.Has(s.config.locale, key) && !s.texts.Has("zh-CN", key)) return id;
  return s.texts.Get(s.config.locale, key);
}

// Public notes: events staff marked public. Never the "created" event (the resident's words)
// and never events without a note.
json PublicNotes(const std::vector<storage::TicketEvent>& events) {
  json notes = json::array();
  for (const auto& e : events) {
    if (!e.is_public || e.kind == "created" || e.note.empty()) continue;
    json n{{"at_ms", e.at_ms}, {"kind", e.kind}, {"note", e.note}};
    if (!e.to_status.empty() && e.to_status != e.from_status) n["status"] = e.to_status;
    notes.push_back(std::move(n));
  }
  return notes;
}

// What the public board shows: building only (never unit/room), no reporter, no description.
json PublicTicketJson(const domain::Deps& s, const storage::Ticket& t,
                      const std::vector<storage::TicketEvent>& events) {
  json j{{"number", t.number},
         {"category", t.category},
         {"category_label", CategoryLabel(s, t.category)},
         {"building", t.building},
         {"status", t.status},
         {"tier", t.tier},
         {"created_at_ms", t.created_at_ms},
         {"updated_at_ms", t.updated_at_ms},
         {"resolved_at_ms", MsOrNull(t.resolved_at_ms)},
         {"public_summary", t.public_summary},
         {"public_notes", PublicNotes(events)}};
  if (t.status == "deferred" || !t.deferred_reason.empty()) {
    j["deferral"] = json{{"reason", t.deferred_reason},
                         {"plan", t.deferred_plan},
                         {"until", t.deferred_until}};
  } else {
    j["deferral"] = nullptr;
  }
  j["merged_into"] = t.merged_into > 0 ? json(t.merged_into) : json(nullptr);
  return j;
}

// Staff view: everything on the ticket (the store keeps no phone) and the whole history.
json AdminTicketJson(const domain::Deps& s, const storage::Ticket& t,
                     const std::vector<storage::TicketEvent>* events) {
  json j{{"number", t.number},
         {"channel", t.channel},
         {"category", t.category},
         {"category_label", CategoryLabel(s, t.category)},
         {"building", t.building},
         {"unit", t.unit},
         {"location_text", t.location_text},
         {"description", t.description},
         {"photo_ref", t.photo_ref},
         {"status", t.status},
         {"tier", t.tier},
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
                         {"kind", e.kind},
                         {"from_status", e.from_status},
                         {"to_status", e.to_status},
                         {"note", e.note},
                         {"public", e.is_public},
                         {"photo_ref", e.photo_ref}});
    }
    j["events"] = std::move(arr);
  }
  return j;
}

// "12345678" -> "12****78"; short ids are fully masked.
std::string MaskId(const std::string& id) {
  if (id.size() <= 4) return std::string(id.size(), '*');
  return id.substr(0, 2) + std::string(id.size() - 4, '*') + id.substr(id.size() - 2);
}

// Splits "a/b/c" into its segments (empty segments kept, so "a//b" is rejected later).
std::vector<std::string> Segments(const std::string& rest) {
  std::vector<std::string> out;
  if (rest.empty()) return out;
  size_t start = 0;
  for (;;) {
    const size_t slash = rest.find('/', start);
    out.push_back(rest.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return out;
}

// Runs `work` on the DB thread; it fills `*out` on success. Answers from `done`.
using ApiWork = std::function<Status(storage::Database&, HttpResponse&)>;

}  // namespace

HttpApi::HttpApi(const config::Config& config, const domain::Deps& services,
                 storage::WriteQueue& queue, std::function<void()> on_pushes)
    : config_(config), services_(services), queue_(queue), on_pushes_(std::move(on_pushes)) {}

bool HttpApi::Owns(const std::string& path) {
  return path == "/api" || path.rfind("/api/", 0) == 0;
}

namespace {

void Run(storage::WriteQueue& queue, ApiWork work, HttpApi::Respond respond,
         std::function<void()> after_ok = {}) {
  auto out = std::make_shared<HttpResponse>();
  queue.Submit(
      [work = std::move(work), out](storage::Database& db) -> Status {
        try {
          return work(db, *out);
        } catch (const std::exception& e) {
          return Status::Internal(std::string("api: ") + e.what());
        }
      },
      [out, respond = std::move(respond), after_ok = std::move(after_ok)](Status st) {
        if (!st.ok()) {
          respond(FromStatus(st));
          return;
        }
        if (after_ok) after_ok();
        respond(std::move(*out));
      });
}

}  // namespace

void HttpApi::Handle(HttpRequest request, Respond respond) {
  static const std::string kPublic = "/api/public/";
  static const std::string kAdmin = "/api/admin/";
  std::string path = request.path;
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  if (path.rfind(kPublic, 0) == 0) {
    HandlePublic(request, path.substr(kPublic.size()), std::move(respond));
  } else if (path.rfind(kAdmin, 0) == 0 || path == "/api/admin") {
    HandleAdmin(request, path.size() > kAdmin.size() ? path.substr(kAdmin.size()) : "",
                std::move(respond));
  } else {
    respond(JsonError(404, "not found"));
  }
}

void HttpApi::HandlePublic(const HttpRequest& request, const std::string& rest,
                           Respond respond) {
  const std::vector<std::string> seg = Segments(rest);
  if (seg.empty() || seg[0] != "tickets" || seg.size() > 2) {
    respond(JsonError(404, "not found"));
    return;
  }
  if (request.method != "GET") {
    respond(MethodNotAllowed("GET"));
    return;
  }
  const domain::Deps& s = services_;
  if (seg.size() == 2) {
    const auto number = ParsePositive(seg[1]);
    if (!number) {
      respond(JsonError(404, "no such ticket"));
      return;
    }
    Run(queue_,
        [&s, n = *number](storage::Database& db, HttpResponse& out) -> Status {
          LINLI_ASSIGN_OR_RETURN(auto t, storage::TicketStore::FindByNumber(db, n));
          if (!t) return Status::NotFound("no such ticket");
          LINLI_ASSIGN_OR_RETURN(auto events, storage::TicketStore::Events(db, t->id));
          out = HttpResponse::Json(200, DumpJson(PublicTicketJson(s, *t, events)));
          return Status::Ok();
        },
        std::move(respond));
    return;
  }
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
  Run(queue_,
      [&s, page, per_page](storage::Database& db, HttpResponse& out) -> Status {
        LINLI_ASSIGN_OR_RETURN(storage::Rows count, db.Query("SELECT COUNT(*) FROM tickets"));
        const int64_t total = count.empty() ? 0 : count[0].Int(0);
        LINLI_ASSIGN_OR_RETURN(
            storage::Rows rows,
            db.Query("SELECT number FROM tickets ORDER BY created_at DESC, number DESC "
                     "LIMIT ? OFFSET ?",
                     {int64_t{per_page}, int64_t{page - 1} * per_page}));
        json tickets = json::array();
        for (const auto& row : rows) {
          LINLI_ASSIGN_OR_RETURN(auto t, storage::TicketStore::FindByNumber(db, row.Int(0)));
          if (!t) continue;
          LINLI_ASSIGN_OR_RETURN(auto events, storage::TicketStore::Events(db, t->id));
          tickets.push_back(PublicTicketJson(s, *t, events));
        }
        json body{{"tickets", std::move(tickets)},
                  {"page", page},
                  {"per_page", per_page},
                  {"total", total}};
        out = HttpResponse::Json(200, DumpJson(body));
        return Status::Ok();
      },
      std::move(respond));
}

bool HttpApi::Authorized(const HttpRequest& request) const {
  const std::string& header = request.Header("Authorization");
  static const std::string kBearer = "Bearer ";
  if (header.size() <= kBearer.size() || header.compare(0, kBearer.size(), kBearer) != 0) {
    return false;
  }
  // Compare digests in constant time, so neither the content nor the length of the
  // configured token leaks through timing.
  const std::string given = header.substr(kBearer.size());
  unsigned char a[SHA256_DIGEST_LENGTH];
  unsigned char b[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(given.data()), given.size(), a);
  SHA256(reinterpret_cast<const unsigned char*>(config_.admin.api_token.data()),
         config_.admin.api_token.size(), b);
  return CRYPTO_memcmp(a, b, sizeof a) == 0;
}

void HttpApi::HandleAdmin(const HttpRequest& request, const std::string& rest,
                          Respond respond) {
  if (config_.admin.api_token.empty()) {
    respond(JsonError(404, "not found"));
    return;
  }
  if (!Authorized(request)) {
    HttpResponse r = JsonError(401, "unauthorized");
    r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"linli-admin\"");
    respond(std::move(r));
    return;
  }
  const std::vector<std::string> seg = Segments(rest);
  const domain::Deps& s = services_;

  if (seg.size() == 1 && seg[0] == "outbox") {
    if (request.method != "GET") {
      respond(MethodNotAllowed("GET"));
      return;
    }
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
    Run(queue_,
        [status, limit](storage::Database& db, HttpResponse& out) -> Status {
          LINLI_ASSIGN_OR_RETURN(auto items, storage::OutboxStore::ListByStatus(db, status, limit));
          json arr = json::array();
          for (const auto& it : items) {
            arr.push_back(json{{"id", it.id},
                               {"channel", it.message.to.channel},
                               {"recipient", MaskId(it.message.to.user_id.empty()
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
    return;
  }

  if (seg.empty() || seg[0] != "tickets" || seg.size() > 3) {
    respond(JsonError(404, "not found"));
    return;
  }

  if (seg.size() == 1) {
    if (request.method != "GET") {
      respond(MethodNotAllowed("GET"));
      return;
    }
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
    Run(queue_,
        [&s, filter](storage::Database& db, HttpResponse& out) -> Status {
          LINLI_ASSIGN_OR_RETURN(auto tickets, storage::TicketStore::List(db, filter));
          json arr = json::array();
          for (const auto& t : tickets) arr.push_back(AdminTicketJson(s, t, nullptr));
          out = HttpResponse::Json(200, DumpJson(json{{"tickets", std::move(arr)}}));
          return Status::Ok();
        },
        std::move(respond));
    return;
  }

  const auto number = ParsePositive(seg[1]);
  if (!number) {
    respond(JsonError(404, "no such ticket"));
    return;
  }
  if (seg.size() == 2) {
    if (request.method != "GET") {
      respond(MethodNotAllowed("GET"));
      return;
    }
    Run(queue_,
        [&s, n = *number](storage::Database& db, HttpResponse& out) -> Status {
          LINLI_ASSIGN_OR_RETURN(auto t, storage::TicketStore::FindByNumber(db, n));
          if (!t) return Status::NotFound("no such ticket");
          LINLI_ASSIGN_OR_RETURN(auto events, storage::TicketStore::Events(db, t->id));
          out = HttpResponse::Json(200, DumpJson(AdminTicketJson(s, *t, &events)));
          return Status::Ok();
        },
        std::move(respond));
    return;
  }

  // POST /api/admin/tickets/<number>/<action>
  const std::string action = seg[2];
  static const std::vector<std::string> kActions = {"accept",   "start",  "note",
                                                    "resolve",  "defer",  "escalate",
                                                    "assign",   "merge",  "summary"};
  if (std::find(kActions.begin(), kActions.end(), action) == kActions.end()) {
    respond(JsonError(404, "unknown action"));
    return;
  }
  if (request.method != "POST") {
    respond(MethodNotAllowed("POST"));
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
  // Required string fields, checked before anything is queued.
  auto need = [&body](const char* key) -> std::optional<std::string> {
    auto v = GetString(body, key);
    if (!v || v->empty()) return std::nullopt;
    return v;
  };
  using Call = std::function<StatusOr<storage::Ticket>(storage::Database&, int64_t)>;
  Call call;
  const int64_t n = *number;
  const domain::Actor actor = domain::Actor::System();
  auto missing = [&respond](const std::string& what) {
    respond(JsonError(400, "missing field: " + what));
  };
  if (action == "accept") {
    call = [&s, actor, n](storage::Database& db, int64_t now) {
      return domain::TicketService::Accept(db, s, actor, n, now);
    };
  } else if (action == "start") {
    call = [&s, actor, n](storage::Database& db, int64_t now) {
      return domain::TicketService::Start(db, s, actor, n, now);
    };
  } else if (action == "note") {
    auto note = need("note");
    if (!note) return missing("note");
    const bool is_public = GetBool(body, "public").value_or(false);
    const std::string photo = GetString(body, "photo_ref").value_or("");
    call = [&s, actor, n, note = *note, is_public, photo](storage::Database& db, int64_t now) {
      return domain::TicketService::AddNote(db, s, actor, n, note, is_public, photo, now);
    };
  } else if (action == "resolve") {
    auto note = need("note");
    if (!note) return missing("note");
    call = [&s, actor, n, note = *note](storage::Database& db, int64_t now) {
      return domain::TicketService::Resolve(db, s, actor, n, note, now);
    };
  } else if (action == "defer") {
    auto reason = need("reason");
    auto plan = need("plan");
    auto until = need("until");
    if (!reason) return missing("reason");
    if (!plan) return missing("plan");
    if (!until) return missing("until");
    call = [&s, actor, n, reason = *reason, plan = *plan, until = *until](storage::Database& db,
                                                                          int64_t now) {
      return domain::TicketService::Defer(db, s, actor, n, reason, plan, until, now);
    };
  } else if (action == "escalate") {
    auto reason = need("reason");
    if (!reason) return missing("reason");
    call = [&s, actor, n, reason = *reason](storage::Database& db, int64_t now) {
      return domain::TicketService::Escalate(db, s, actor, n, reason, now);
    };
  } else if (action == "assign") {
    std::optional<std::string> who = need("assignee_user_id");
    if (!who) {
      if (auto id = GetInt64(body, "assignee_person_id"); id && *id > 0) {
        who = std::to_string(*id);
      }
    }
    if (!who) return missing("assignee_user_id");
    call = [&s, actor, n, who = *who](storage::Database& db, int64_t now) {
      return domain::TicketService::Assign(db, s, actor, n, who, now);
    };
  } else if (action == "merge") {
    auto into = GetInt64(body, "into");
    if (!into || *into <= 0) return missing("into");
    call = [&s, actor, n, into = *into](storage::Database& db, int64_t now) {
      return domain::TicketService::Merge(db, s, actor, n, into, now);
    };
  } else if (action == "summary") {
    auto summary = GetString(body, "summary");
    if (!summary) return missing("summary");
    call = [&s, actor, n, summary = *summary](storage::Database& db, int64_t now) {
      return domain::TicketService::SetSummary(db, s, actor, n, summary, now);
    };
  }
  GetLogger("api")->info("admin api: {} on ticket #{}", action, n);
  Run(
      queue_,
      [&s, call = std::move(call)](storage::Database& db, HttpResponse& out) -> Status {
        LINLI_ASSIGN_OR_RETURN(storage::Ticket t, call(db, s.clock.NowMillis()));
        LINLI_ASSIGN_OR_RETURN(auto events, storage::TicketStore::Events(db, t.id));
        out = HttpResponse::Json(200, DumpJson(AdminTicketJson(s, t, &events)));
        return Status::Ok();
      },
      std::move(respond), on_pushes_);
}

}  // namespace linli
