#include "bot/server/routes.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <algorithm>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

#include "bot/json.h"
#include "bot/server/api.h"
#include "bot/server/wish_api.h"
#include "domain/decisions/decision_actions.h"
#include "domain/tickets/ticket_actions.h"
#include "domain/volunteers/points_actions.h"
#include "domain/wishes/wish_actions.h"
#include "web/console_page.h"
#include "web/html.h"
#include "web/web_session.h"

namespace linli {

HttpResponse JsonError(int status, const std::string& message) {
  return HttpResponse::Json(status, DumpJson(nlohmann::json{{"error", message}}));
}

namespace {

// "/a/b/" -> {"a", "b"}; "/" -> {}. Empty inner segments are kept ("/a//b" -> a, "", b), so
// they match nothing.
std::vector<std::string> SplitPath(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  std::vector<std::string> out;
  if (path.empty() || path == "/") return out;
  if (path.front() == '/') path.remove_prefix(1);
  size_t start = 0;
  for (;;) {
    const size_t slash = path.find('/', start);
    out.emplace_back(path.substr(start, slash == std::string_view::npos ? path.npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

bool IsParam(const std::string& segment) {
  return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

bool Matches(const std::vector<std::string>& pattern, const std::vector<std::string>& path,
             RouteParams* params) {
  if (pattern.size() != path.size()) return false;
  RouteParams got;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (IsParam(pattern[i])) {
      if (path[i].empty()) return false;
      got[pattern[i].substr(1, pattern[i].size() - 2)] = path[i];
    } else if (pattern[i] != path[i]) {
      return false;
    }
  }
  if (params != nullptr) *params = std::move(got);
  return true;
}

bool AllowsMethod(const Route& r, std::string_view method) {
  return r.methods.empty() ||
         std::find(r.methods.begin(), r.methods.end(), method) != r.methods.end();
}

}  // namespace

bool BearerAuthorized(const HttpRequest& request, const std::string& key) {
  if (key.empty()) return false;
  return FindBearerKey(request, {{"admin", key, "admin"}}) != nullptr;
}

const config::AdminApiKey* FindBearerKey(const HttpRequest& request,
                                         const std::vector<config::AdminApiKey>& keys) {
  const std::string& header = request.Header("Authorization");
  static const std::string kBearer = "Bearer ";
  if (header.size() <= kBearer.size() || header.compare(0, kBearer.size(), kBearer) != 0) {
    return nullptr;
  }
  // Compare digests in constant time, so neither the content nor the length of a configured
  // token leaks through timing; every key is compared, whichever matches.
  const std::string given = header.substr(kBearer.size());
  unsigned char a[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(given.data()), given.size(), a);
  const config::AdminApiKey* found = nullptr;
  for (const auto& key : keys) {
    unsigned char b[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(key.token.data()), key.token.size(), b);
    const bool match = !key.token.empty() && CRYPTO_memcmp(a, b, sizeof a) == 0;
    if (match && found == nullptr) found = &key;
  }
  return found;
}

StatusOr<RouteTable> RouteTable::Create(std::vector<Route> routes, std::string bearer_key) {
  std::vector<config::AdminApiKey> keys;
  if (!bearer_key.empty()) keys.push_back({"admin", std::move(bearer_key), "admin"});
  return Create(std::move(routes), std::move(keys));
}

StatusOr<RouteTable> RouteTable::Create(std::vector<Route> routes,
                                        std::vector<config::AdminApiKey> keys) {
  for (const auto& k : keys) {
    if (k.name.empty() || k.token.empty()) {
      return Status::InvalidArgument("admin api key: a key needs a name and a token");
    }
  }
  std::vector<Compiled> compiled;
  for (auto& r : routes) {
    const std::string& p = r.pattern;
    auto bad = [&p](const std::string& why) {
      return Status::InvalidArgument("route " + p + ": " + why);
    };
    if (p.empty() || p.front() != '/') return bad("must start with /");
    if (!r.handler) return bad("has no handler");
    Compiled c;
    c.segments = SplitPath(p);
    if (p.size() > 1 && p.back() == '/') return bad("ends with /");
    for (const auto& s : c.segments) {
      if (s.empty()) return bad("has an empty segment");
      const bool open = s.find('{') != std::string::npos;
      const bool close = s.find('}') != std::string::npos;
      if (open || close) {
        if (!IsParam(s) || s.size() == 2 || s.find('{', 1) != std::string::npos || s[1] == '@') {
          return bad("malformed parameter " + s);
        }
      } else {
        ++c.literals;
      }
    }
    for (const auto& other : compiled) {
      if (other.route.pattern != p) continue;
      const bool overlap =
          r.methods.empty() || other.route.methods.empty() ||
          std::any_of(r.methods.begin(), r.methods.end(),
                      [&](const std::string& m) { return AllowsMethod(other.route, m); });
      if (overlap) return bad("listed twice for the same method");
    }
    c.route = std::move(r);
    compiled.push_back(std::move(c));
  }
  return RouteTable(std::move(compiled), std::move(keys));
}

RouteTable::Match RouteTable::Find(std::string_view method, std::string_view path) const {
  Match m;
  const std::vector<std::string> segments = SplitPath(path);
  // The most specific pattern that matches; then its rows (one per method set).
  const Compiled* best = nullptr;
  for (const auto& c : routes_) {
    if (!Matches(c.segments, segments, nullptr)) continue;
    if (best == nullptr || c.literals > best->literals) best = &c;
  }
  if (best == nullptr) return m;
  m.path_known = true;
  std::set<std::string> methods;
  for (const auto& c : routes_) {
    if (c.route.pattern != best->route.pattern) continue;
    methods.insert(c.route.methods.begin(), c.route.methods.end());
    if (m.route == nullptr && AllowsMethod(c.route, method)) {
      m.route = &c.route;
      Matches(c.segments, segments, &m.params);
    }
  }
  for (const auto& s : methods) m.allow += (m.allow.empty() ? "" : ", ") + s;
  return m;
}

void RouteTable::Dispatch(HttpRequest request, Respond respond) const {
  Match m = Find(request.method, request.path);
  if (!m.path_known) {
    respond(JsonError(404, "not found"));
    return;
  }
  // The path's rows share one auth (a pattern is one resource); take it from any of them.
  RouteAuth auth = RouteAuth::kPublic;
  if (m.route != nullptr) {
    auth = m.route->auth;
  } else {
    const std::vector<std::string> segments = SplitPath(request.path);
    for (const auto& c : routes_) {
      if (Matches(c.segments, segments, nullptr) && c.route.auth != RouteAuth::kPublic) {
        auth = c.route.auth;
      }
    }
  }
  if (auth == RouteAuth::kBearerKey) {
    if (keys_.empty()) {
      respond(JsonError(404, "not found"));
      return;
    }
    const config::AdminApiKey* key = FindBearerKey(request, keys_);
    if (key == nullptr) {
      HttpResponse r = JsonError(401, "unauthorized");
      r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"linli-admin\"");
      respond(std::move(r));
      return;
    }
    m.params[kRouteKeyName] = key->name;
    m.params[kRouteKeyTier] = key->tier;
  } else if (auth == RouteAuth::kStaffSession) {
    // Without the console's cookie a person is sent to the page saying how to sign in (send
    // 登录 to the bot); with one, the handler's guard checks the session in the database
    // (web/console_page.h) and sends an expired one the same way.
    const auto cookies = web::ParseCookies(request.Header("Cookie"));
    const auto it = cookies.find(std::string(web::CookieName(web::SessionKind::kStaff)));
    if (it == cookies.end() || it->second.empty()) {
      respond(web::Redirect(web::kSigninPath));
      return;
    }
  }
  if (m.route == nullptr) {
    HttpResponse r = JsonError(405, "method not allowed");
    r.headers.emplace_back("Allow", m.allow);
    respond(std::move(r));
    return;
  }
  m.route->handler(std::move(request), std::move(m.params), std::move(respond));
}

std::vector<Route> ServerRoutes(const ServerHandlers& server, HttpApi& api, WishApi& wishes) {
  using A = RouteAuth;
  auto bind = [&api](void (HttpApi::*fn)(HttpRequest, RouteParams, Respond)) -> RouteHandler {
    return [&api, fn](HttpRequest req, RouteParams params, Respond respond) {
      (api.*fn)(std::move(req), std::move(params), std::move(respond));
    };
  };
  std::vector<Route> routes = {
      {{}, "/healthz", A::kPublic, server.healthz},
      {{}, "/webhook/{channel}", A::kPublic, server.webhook},
      {{"GET"}, "/api/public/tickets", A::kPublic, bind(&HttpApi::PublicTicketList)},
      {{"GET"}, "/api/public/tickets/{n}", A::kPublic, bind(&HttpApi::PublicTicketOne)},
      {{"GET"}, "/api/admin/tickets", A::kBearerKey, bind(&HttpApi::AdminTicketList)},
      {{"GET"}, "/api/admin/tickets/{n}", A::kBearerKey, bind(&HttpApi::AdminTicketOne)},
      {{"GET"}, "/api/admin/outbox", A::kBearerKey, bind(&HttpApi::AdminOutbox)},
      {{"GET"}, "/api/admin/persons/{id}/export", A::kBearerKey, bind(&HttpApi::AdminPersonExport)},
      {{"POST"}, "/api/admin/persons/{id}/erase", A::kBearerKey, bind(&HttpApi::AdminPersonErase)},
      {{"GET"}, "/api/public/decisions", A::kPublic, bind(&HttpApi::PublicDecisionList)},
      {{"GET"}, "/api/public/decisions/{id}", A::kPublic, bind(&HttpApi::PublicDecisionOne)},
      {{"GET"}, "/api/public/red-black", A::kPublic, bind(&HttpApi::PublicRedBlack)},
      {{"GET"}, "/api/admin/decisions", A::kBearerKey, bind(&HttpApi::AdminDecisionList)},
      {{"POST"}, "/api/admin/decisions", A::kBearerKey, bind(&HttpApi::AdminDecisionCreate)},
      {{"GET"}, "/api/admin/decisions/{id}", A::kBearerKey, bind(&HttpApi::AdminDecisionOne)},
      // Any other action name: 404 "unknown action".
      {{"POST"}, "/api/admin/tickets/{n}/{action}", A::kBearerKey, bind(&HttpApi::AdminUnknownAction)},
      {{"GET"}, "/api/admin/wishes", A::kBearerKey,
       [&wishes](HttpRequest req, RouteParams params, Respond respond) {
         wishes.List(std::move(req), std::move(params), std::move(respond));
       }},
      {{"GET"}, "/api/admin/wishes/{n}", A::kBearerKey,
       [&wishes](HttpRequest req, RouteParams params, Respond respond) {
         wishes.One(std::move(req), std::move(params), std::move(respond));
       }},
      {{"POST"}, "/api/admin/wishes/{n}/{action}", A::kBearerKey,
       [&wishes](HttpRequest req, RouteParams params, Respond respond) {
         wishes.UnknownAction(std::move(req), std::move(params), std::move(respond));
       }},
  };
  for (const domain::WishAction& action : domain::WishActions()) {
    routes.push_back({{"POST"}, "/api/admin/wishes/{n}/" + action.name, A::kBearerKey,
                      [&wishes, &action](HttpRequest req, RouteParams params, Respond respond) {
                        wishes.RunAction(action, std::move(req), std::move(params),
                                         std::move(respond));
                      }});
  }
  routes.push_back({{"GET"}, "/api/admin/points/{id}", A::kBearerKey, bind(&HttpApi::AdminPoints)});
  for (const domain::PointsAction& action : domain::PointsActions()) {
    routes.push_back({{"POST"}, action.api_path, A::kBearerKey,
                      [&api, &action](HttpRequest req, RouteParams params, Respond respond) {
                        api.RunPointsAction(action, std::move(req), std::move(params),
                                            std::move(respond));
                      }});
  }
  for (const domain::TicketAction& action : domain::TicketActions()) {
    routes.push_back({{"POST"}, "/api/admin/tickets/{n}/" + action.name, A::kBearerKey,
                      [&api, &action](HttpRequest req, RouteParams params, Respond respond) {
                        api.RunTicketAction(action, std::move(req), std::move(params),
                                         std::move(respond));
                      }});
  }
  for (const domain::decisions::DecisionAction& action : domain::decisions::DecisionActions()) {
    routes.push_back({{"POST"}, "/api/admin/decisions/{id}/" + action.name, A::kBearerKey,
                      [&api, &action](HttpRequest req, RouteParams params, Respond respond) {
                        api.RunDecisionAction(action, std::move(req), std::move(params),
                                              std::move(respond));
                      }});
  }
  return routes;
}

}  // namespace linli
