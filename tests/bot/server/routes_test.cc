// The route table (bot/server/routes.h): matching with parameters and trailing slashes, the
// most literal pattern winning, 404 / 405 with Allow, the bearer key (off, missing, wrong,
// right) checked before the method, and malformed tables refused.
#include "bot/server/routes.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace linli::routes_test {
namespace {

constexpr char kKey[] = "route-test-key-0123456789";

// Handlers that record what reached them.
struct Recorder {
  std::string last;  // "<name> <param=value>..."
  std::string key;   // "<key name>/<key tier>" of the last call
  RouteHandler Handler(const std::string& name) {
    return [this, name](HttpRequest, RouteParams params, Respond respond) {
      last = name;
      key = params[kRouteKeyName] + "/" + params[kRouteKeyTier];
      // Path parameters only; the key that authenticated is in `key`.
      for (const auto& [k, v] : params) {
        if (k[0] != '@') last += " " + k + "=" + v;
      }
      respond(HttpResponse::Json(200, "{}"));
    };
  }
};

HttpRequest Req(std::string method, std::string path, std::string auth = "") {
  HttpRequest r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.target = r.path;
  if (!auth.empty()) r.headers["Authorization"] = auth;
  return r;
}

HttpResponse Call(const RouteTable& table, HttpRequest req) {
  HttpResponse out;
  out.status = -1;
  table.Dispatch(std::move(req), [&out](HttpResponse r) { out = std::move(r); });
  return out;
}

std::string HeaderOf(const HttpResponse& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

class RoutesTest : public ::testing::Test {
 protected:
  RouteTable Table(std::string key = kKey) {
    auto t = RouteTable::Create(
        {
            {{}, "/healthz", RouteAuth::kPublic, rec_.Handler("health")},
            {{}, "/webhook/{channel}", RouteAuth::kPublic, rec_.Handler("webhook")},
            {{"GET"}, "/api/public/tickets/{n}", RouteAuth::kPublic, rec_.Handler("public")},
            {{"GET"}, "/api/admin/tickets/{n}", RouteAuth::kBearerKey, rec_.Handler("one")},
            {{"POST"}, "/api/admin/tickets/{n}/{action}", RouteAuth::kBearerKey,
             rec_.Handler("unknown")},
            {{"POST"}, "/api/admin/tickets/{n}/accept", RouteAuth::kBearerKey,
             rec_.Handler("accept")},
            {{"PUT"}, "/api/admin/tickets/{n}/accept", RouteAuth::kBearerKey,
             rec_.Handler("accept-put")},
            {{"GET"}, "/console", RouteAuth::kStaffSession, rec_.Handler("console")},
        },
        std::move(key));
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return std::move(t).value();
  }
  std::string Bearer() const { return std::string("Bearer ") + kKey; }
  Recorder rec_;
};

TEST_F(RoutesTest, MatchesLiteralsAndParameters) {
  RouteTable t = Table();
  EXPECT_EQ(Call(t, Req("GET", "/healthz")).status, 200);
  EXPECT_EQ(rec_.last, "health");
  EXPECT_EQ(Call(t, Req("POST", "/webhook/tg")).status, 200);
  EXPECT_EQ(rec_.last, "webhook channel=tg");
  EXPECT_EQ(Call(t, Req("GET", "/api/public/tickets/12/")).status, 200);  // trailing slash
  EXPECT_EQ(rec_.last, "public n=12");

  auto m = t.Find("GET", "/api/public/tickets/7");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.params.at("n"), "7");
  EXPECT_FALSE(t.Find("GET", "/api/public/tickets").path_known);
  EXPECT_FALSE(t.Find("GET", "/api/public/tickets//").path_known);
  EXPECT_FALSE(t.Find("GET", "/api/public/tickets/1/2").path_known);
  EXPECT_FALSE(t.Find("GET", "/webhook/").path_known);
}

TEST_F(RoutesTest, TheMostLiteralPatternWins) {
  RouteTable t = Table();
  EXPECT_EQ(Call(t, Req("POST", "/api/admin/tickets/3/accept", Bearer())).status, 200);
  EXPECT_EQ(rec_.last, "accept n=3");
  EXPECT_EQ(Call(t, Req("POST", "/api/admin/tickets/3/fly", Bearer())).status, 200);
  EXPECT_EQ(rec_.last, "unknown action=fly n=3");
}

TEST_F(RoutesTest, UnknownPathIs404AndWrongMethodIs405WithAllow) {
  RouteTable t = Table();
  rec_.last.clear();
  auto missing = Call(t, Req("GET", "/nothing"));
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body, "{\"error\":\"not found\"}");
  auto wrong = Call(t, Req("POST", "/api/public/tickets/1"));
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(HeaderOf(wrong, "Allow"), "GET");
  EXPECT_EQ(wrong.body, "{\"error\":\"method not allowed\"}");
  auto both = Call(t, Req("GET", "/api/admin/tickets/1/accept", Bearer()));
  EXPECT_EQ(both.status, 405);
  EXPECT_EQ(HeaderOf(both, "Allow"), "POST, PUT");
  EXPECT_EQ(rec_.last, "");  // no handler ran
}

TEST_F(RoutesTest, BearerKeyIsCheckedBeforeTheMethod) {
  RouteTable t = Table();
  rec_.last.clear();
  for (const std::string& auth : {std::string(""), std::string(kKey), std::string("Bearer "),
                                  std::string("Bearer wrong"), std::string("bearer ") + kKey,
                                  std::string("Bearer ") + kKey + "x"}) {
    auto r = Call(t, Req("GET", "/api/admin/tickets/1", auth));
    EXPECT_EQ(r.status, 401) << auth;
    EXPECT_EQ(HeaderOf(r, "WWW-Authenticate").rfind("Bearer", 0), 0u) << auth;
    // Wrong method too: 401, not 405, to a caller without the key.
    EXPECT_EQ(Call(t, Req("DELETE", "/api/admin/tickets/1", auth)).status, 401) << auth;
  }
  EXPECT_EQ(rec_.last, "");
  EXPECT_EQ(Call(t, Req("GET", "/api/admin/tickets/1", Bearer())).status, 200);
  EXPECT_EQ(rec_.last, "one n=1");
  EXPECT_EQ(Call(t, Req("DELETE", "/api/admin/tickets/1", Bearer())).status, 405);
  // Public routes never look at the header.
  EXPECT_EQ(Call(t, Req("GET", "/api/public/tickets/1", "Bearer wrong")).status, 200);
}

TEST_F(RoutesTest, WithoutAKeyTheBearerRoutesAreNotThere) {
  RouteTable t = Table("");
  EXPECT_EQ(Call(t, Req("GET", "/api/admin/tickets/1")).status, 404);
  EXPECT_EQ(Call(t, Req("GET", "/api/admin/tickets/1", "Bearer ")).status, 404);
  EXPECT_EQ(Call(t, Req("POST", "/api/admin/tickets/1/accept", "Bearer x")).status, 404);
  EXPECT_FALSE(BearerAuthorized(Req("GET", "/", "Bearer "), ""));
  EXPECT_EQ(Call(t, Req("GET", "/healthz")).status, 200);
}

// Issue 12: without the console's cookie a staff route answers 303 to the sign-in page (it
// was 401 before there were sessions); a bearer key is no session.
TEST_F(RoutesTest, StaffSessionRoutesSendStrangersToTheSigninPage) {
  RouteTable t = Table();
  rec_.last.clear();
  HttpResponse r = Call(t, Req("GET", "/console", Bearer()));
  EXPECT_EQ(r.status, 303);
  std::string location;
  for (const auto& [k, v] : r.headers) {
    if (k == "Location") location = v;
  }
  EXPECT_EQ(location, "/console/signin");
  EXPECT_EQ(rec_.last, "");
  HttpRequest other = Req("GET", "/console");
  other.headers["Cookie"] = "linli_me=abc; linli_staff=";
  EXPECT_EQ(Call(t, other).status, 303);
  EXPECT_EQ(rec_.last, "");
  // With the cookie the handler runs (and checks the session in the database itself).
  HttpRequest with = Req("GET", "/console");
  with.headers["Cookie"] = "linli_staff=sometoken";
  EXPECT_EQ(Call(t, with).status, 200);
  EXPECT_EQ(rec_.last, "console");
}

TEST_F(RoutesTest, MalformedTablesAreRefused) {
  auto h = rec_.Handler("x");
  for (const char* bad : {"", "healthz", "/a//b", "/a/", "/a/{", "/a/{}", "/a/{x", "/a/x}",
                          "/a/{x}y"}) {
    EXPECT_FALSE(RouteTable::Create({{{"GET"}, bad, RouteAuth::kPublic, h}}, kKey).ok()) << bad;
  }
  EXPECT_FALSE(RouteTable::Create({{{"GET"}, "/a", RouteAuth::kPublic, h},
                                   {{"POST", "GET"}, "/a", RouteAuth::kPublic, h}},
                                  kKey)
                   .ok());
  EXPECT_FALSE(RouteTable::Create({{{}, "/a", RouteAuth::kPublic, h},
                                   {{"POST"}, "/a", RouteAuth::kPublic, h}},
                                  kKey)
                   .ok());
  EXPECT_FALSE(RouteTable::Create({{{"GET"}, "/a", RouteAuth::kPublic, nullptr}}, kKey).ok());
  EXPECT_TRUE(RouteTable::Create({{{"GET"}, "/a", RouteAuth::kPublic, h},
                                  {{"POST"}, "/a", RouteAuth::kPublic, h}},
                                 kKey)
                  .ok());
}

// Named keys (issue 8): each token finds its own key, whose name and tier reach the handler;
// a token of none is 401; the single api_token form is the key "admin" with tier admin.
TEST_F(RoutesTest, NamedKeysReachTheHandlerWithTheirNameAndTier) {
  const std::string dash = "dashboard-token-0123456789abc";
  const std::string grid = "grid-office-token-0123456789";
  auto t = RouteTable::Create(
      {{{"GET"}, "/api/admin/tickets/{n}", RouteAuth::kBearerKey, rec_.Handler("one")}},
      std::vector<config::AdminApiKey>{{"admin", kKey, "admin"},
                                       {"dashboard", dash, "street"},
                                       {"grid-office", grid, "grid"}});
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(Call(*t, Req("GET", "/api/admin/tickets/4", "Bearer " + dash)).status, 200);
  EXPECT_EQ(rec_.last, "one n=4");
  EXPECT_EQ(rec_.key, "dashboard/street");
  EXPECT_EQ(Call(*t, Req("GET", "/api/admin/tickets/4", "Bearer " + grid)).status, 200);
  EXPECT_EQ(rec_.key, "grid-office/grid");
  EXPECT_EQ(Call(*t, Req("GET", "/api/admin/tickets/4", Bearer())).status, 200);
  EXPECT_EQ(rec_.key, "admin/admin");
  rec_.last.clear();
  EXPECT_EQ(Call(*t, Req("GET", "/api/admin/tickets/4", "Bearer " + dash + "x")).status, 401);
  EXPECT_EQ(rec_.last, "");
  // The one-token form.
  RouteTable single = Table();
  EXPECT_EQ(Call(single, Req("GET", "/api/admin/tickets/4", Bearer())).status, 200);
  EXPECT_EQ(rec_.key, "admin/admin");
  // A pattern may not use the names the router sets.
  EXPECT_FALSE(RouteTable::Create({{{"GET"}, "/a/{@key_name}", RouteAuth::kPublic,
                                    rec_.Handler("x")}}, kKey).ok());
}

}  // namespace
}  // namespace linli::routes_test
