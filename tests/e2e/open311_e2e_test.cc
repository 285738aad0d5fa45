// Open311 GeoReport v2 through the real server (issue 12 point 5), driven by a client written
// from the spec (docs/open311.md): discovery, services, a service definition, POST requests
// refused without or with a wrong api_key and accepted with one, GET requests with each
// filter and GET requests/<id>, every resource in .xml (read with tinyxml2) and .json, every
// error case as the spec's error array; the POSTed request is a ticket like one reported in
// chat (card in the staff group, SLA deadlines, on the board). A second test scans every GET
// answer over generated residents for personal data.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <tinyxml2.h>

#include <fstream>
#include <random>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "storage/roster_store.h"
#include "tests/e2e/e2e_harness.h"
#include "tests/fakes/fake_clock.h"

namespace linli::e2e::open311_e2e_test {
namespace {

constexpr int64_t kMinute = 60'000;
constexpr int64_t kDay = 24 * 60 * kMinute;
constexpr int64_t kDec1At0900 = 1796086800000;  // 2026-12-01 09:00 Asia/Shanghai
constexpr int64_t kGrid = 7810001;
constexpr int64_t kStaffGroup = -1007800;
constexpr char kKey[] = "open311-test-key-0123456789abcdef";
constexpr char kOtherKey[] = "open311-second-key-0123456789abcd";
constexpr char kForm[] = "application/x-www-form-urlencoded; charset=utf-8";

// A parsed XML answer; `ok` is false (and the test fails) when it is not well-formed.
struct Xml {
  tinyxml2::XMLDocument doc;
  bool ok = false;
  explicit Xml(const std::string& body) {
    ok = body.rfind("<?xml version=\"1.0\" encoding=\"utf-8\"?>", 0) == 0 &&
         doc.Parse(body.c_str(), body.size()) == tinyxml2::XML_SUCCESS;
    EXPECT_TRUE(ok) << body;
  }
  std::string root() const { return doc.RootElement() ? doc.RootElement()->Name() : ""; }
  std::vector<const tinyxml2::XMLElement*> Children(const char* name) const {
    std::vector<const tinyxml2::XMLElement*> out;
    if (!doc.RootElement()) return out;
    for (auto* e = doc.RootElement()->FirstChildElement(name); e; e = e->NextSiblingElement(name)) {
      out.push_back(e);
    }
    return out;
  }
};

std::string Text(const tinyxml2::XMLElement* parent, const char* child) {
  if (parent == nullptr) return "<no parent>";
  const auto* e = parent->FirstChildElement(child);
  if (e == nullptr) return "<absent>";
  return e->GetText() ? e->GetText() : "";
}

json Json(const HttpResult& r) {
  json j = json::parse(r.body, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << r.body;
  return j;
}

class Open311E2eTest : public ::testing::Test {
 protected:
  // Open311 with both keys (on: false starts it off, without a key).
  void Start(bool on = true) {
    AppOptions options;
    options.clock = &clock_;
    ASSERT_TRUE(h_.StartApp(options, [&](config::Config& c) {
      if (on) {
        c.open311.api_keys = {kKey, kOtherKey};
        c.open311.endpoint_url = "https://linli.example.org/open311/v2";
      }
      c.timezone = "Asia/Shanghai";
      c.staff.push_back({kChannel, std::to_string(kGrid), "王网格", "grid", "staff"});
      c.groups.push_back({"staff", kChannel, std::to_string(kStaffGroup), {"tickets"}, {}});
      c.sla.defaults.accept_hours = 12;
    }));
  }

  HttpResult Get(const std::string& path) { return h_.Get("/open311/v2/" + path); }
  HttpResult Post(const std::string& path, const std::string& form) {
    return h_.Post("/open311/v2/" + path, form, {}, kForm);
  }
  void Say(int64_t user, const std::string& text) { ASSERT_EQ(h_.SendText(user, text), 200); }

  // The spec's error, one of them, in the format asked for.
  void ExpectError(const HttpResult& r, int status, bool xml, const std::string& what) {
    SCOPED_TRACE(what);
    EXPECT_EQ(r.status, status) << r.body;
    if (xml) {
      EXPECT_EQ(r.content_type, "text/xml; charset=utf-8");
      Xml x(r.body);
      EXPECT_EQ(x.root(), "errors");
      auto errors = x.Children("error");
      ASSERT_EQ(errors.size(), 1u);
      EXPECT_EQ(Text(errors[0], "code"), std::to_string(status));
      EXPECT_FALSE(Text(errors[0], "description").empty());
    } else {
      EXPECT_EQ(r.content_type, "application/json; charset=utf-8");
      json j = Json(r);
      ASSERT_TRUE(j.is_array()) << r.body;
      ASSERT_EQ(j.size(), 1u);
      EXPECT_EQ(j[0]["code"], status);
      EXPECT_TRUE(j[0]["description"].is_string());
    }
  }

  std::vector<std::string> Ids(const HttpResult& r) {
    std::vector<std::string> out;
    json j = Json(r);
    EXPECT_TRUE(j.is_array()) << r.body;
    for (const auto& e : j) out.push_back(e.value("service_request_id", "?"));
    return out;
  }

  testing::FakeClock clock_{kDec1At0900};
  Harness h_;
};

TEST_F(Open311E2eTest, AClientWrittenFromTheSpec) {
  Start();
  // --- discovery
  HttpResult d = Get("discovery.xml");
  ASSERT_EQ(d.status, 200);
  EXPECT_EQ(d.content_type, "text/xml; charset=utf-8");
  {
    Xml x(d.body);
    EXPECT_EQ(x.root(), "discovery");
    const auto* ep = x.doc.RootElement()->FirstChildElement("endpoints")->FirstChildElement("endpoint");
    EXPECT_EQ(Text(ep, "specification"), "http://wiki.open311.org/GeoReport_v2");
    EXPECT_EQ(Text(ep, "url"), "https://linli.example.org/open311/v2");
    EXPECT_EQ(Text(ep, "type"), "production");
    EXPECT_FALSE(Text(x.doc.RootElement(), "contact").empty());
    EXPECT_FALSE(Text(x.doc.RootElement(), "key_service").empty());
  }
  json dj = Json(Get("discovery.json"));
  EXPECT_EQ(dj["endpoints"][0]["formats"], json::array({"text/xml", "application/json"}));

  // --- services: the configured categories
  HttpResult s = Get("services.xml");
  ASSERT_EQ(s.status, 200);
  std::vector<std::string> codes;
  {
    Xml x(s.body);
    EXPECT_EQ(x.root(), "services");
    for (const auto* e : x.Children("service")) {
      codes.push_back(Text(e, "service_code"));
      EXPECT_EQ(Text(e, "metadata"), "true");
      EXPECT_EQ(Text(e, "type"), "realtime");
    }
  }
  EXPECT_EQ(codes, config::Config().categories);
  json sj = Json(Get("services.json?lang=en"));
  ASSERT_TRUE(sj.is_array());
  ASSERT_EQ(sj.size(), codes.size());
  EXPECT_EQ(sj[1]["service_code"], "repair");
  EXPECT_EQ(sj[1]["service_name"], "Repairs");
  EXPECT_EQ(Json(Get("services.json"))[1]["service_name"], "设施维修");

  // --- a service definition
  {
    HttpResult def = Get("services/repair.xml");
    ASSERT_EQ(def.status, 200);
    Xml x(def.body);
    EXPECT_EQ(x.root(), "service_definition");
    EXPECT_EQ(Text(x.doc.RootElement(), "service_code"), "repair");
    const auto* a = x.doc.RootElement()->FirstChildElement("attributes")->FirstChildElement("attribute");
    EXPECT_EQ(Text(a, "code"), "building");
    EXPECT_EQ(Text(a, "datatype"), "singlevaluelist");
    EXPECT_EQ(Text(a, "required"), "true");
    int values = 0;
    for (auto* v = a->FirstChildElement("values")->FirstChildElement("value"); v;
         v = v->NextSiblingElement("value")) {
      ++values;
    }
    EXPECT_EQ(values, 6);
    EXPECT_EQ(Text(a->NextSiblingElement("attribute"), "code"), "unit");
  }
  json defj = Json(Get("services/repair.json"));
  EXPECT_EQ(defj["attributes"][0]["values"][2]["key"], "3");
  EXPECT_EQ(defj["attributes"][1]["datatype"], "string");

  // --- POST: refused without a key and with a wrong one
  const std::string report =
      "service_code=repair&lat=30.27&long=120.15&address_string=3%E5%8F%B7%E6%A5%BC%E5%8D%97"
      "&attribute[building]=3&attribute[unit]=2&description=%E8%B7%AF%E7%81%AF%E4%B8%8D%E4%BA%AE"
      "&first_name=Ming&last_name=Ouyang&phone=13912345678&email=ming%40example.org"
      "&jurisdiction_id=linli.example.org";
  ExpectError(Post("requests.xml", report), 403, true, "no key");
  ExpectError(Post("requests.json", "api_key=wrong-key-0123456789abcdefghij&" + report), 403,
              false, "wrong key");
  ExpectError(Post("requests.xml", std::string("api_key=") + kKey + "x&" + report), 403, true,
              "a longer key");
  EXPECT_EQ(CountRows(*h_.OpenDb(), "SELECT COUNT(*) FROM tickets"), 0);

  // --- POST with a key: a ticket, answered at once
  HttpResult created = Post("requests.xml", std::string("api_key=") + kKey + "&" + report);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.content_type, "text/xml; charset=utf-8");
  {
    Xml x(created.body);
    EXPECT_EQ(x.root(), "service_requests");
    auto r = x.Children("request");
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(Text(r[0], "service_request_id"), "1");
    EXPECT_NE(Text(r[0], "service_notice").find("12"), std::string::npos);  // the SLA hours
    EXPECT_EQ(Text(r[0], "account_id"), "");
    EXPECT_EQ(Text(r[0], "token"), "<absent>");
  }
  clock_.Advance(std::chrono::minutes(5));
  HttpResult created2 = Post("requests.json", std::string("api_key=") + kOtherKey +
                                                  "&service_code=noise&address_string=x"
                                                  "&attribute[building]=5&description=%E5%90%B5");
  ASSERT_EQ(created2.status, 201) << created2.body;
  json c2 = Json(created2);
  ASSERT_TRUE(c2.is_array());
  EXPECT_EQ(c2[0]["service_request_id"], "2");
  EXPECT_TRUE(c2[0]["account_id"].is_null());
  EXPECT_TRUE(c2[0]["service_notice"].is_string());

  // Like a ticket reported in chat: channel open311, tier and deadlines, the staff card.
  {
    auto db = h_.OpenDb();
    auto rows = db->Query(
        "SELECT channel, building, unit, reporter_person_id, tier, accept_due_at, description "
        "FROM tickets WHERE number = 1");
    ASSERT_TRUE(rows.ok());
    ASSERT_EQ(rows->size(), 1u);
    EXPECT_EQ((*rows)[0].Text(0), "open311");
    EXPECT_EQ((*rows)[0].Text(1), "3");
    EXPECT_EQ((*rows)[0].Text(2), "2");
    EXPECT_EQ((*rows)[0].Int(3), 0);
    EXPECT_EQ((*rows)[0].Text(4), "compound");
    EXPECT_EQ((*rows)[0].Int(5), kDec1At0900 + 12 * 3600 * 1000);
    EXPECT_EQ((*rows)[0].Text(6), "路灯不亮");
    // The contact fields are not kept anywhere.
    for (const char* needle : {"Ouyang", "13912345678", "ming@example.org"}) {
      EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM tickets WHERE description LIKE ? OR "
                               "location_text LIKE ?",
                          {"%" + std::string(needle) + "%", "%" + std::string(needle) + "%"}),
                0)
          << needle;
    }
  }
  bool card = false;
  const auto deadline = std::chrono::steady_clock::now() + kWait;
  while (!card && std::chrono::steady_clock::now() < deadline) {
    for (const auto& r : h_.Delivered(kStaffGroup)) card = card || TextOf(r).find("#1") != std::string::npos;
    if (!card) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(card) << "the new-ticket card reached the staff group";

  // --- GET requests: newest first, both formats
  EXPECT_EQ(Ids(Get("requests.json")), (std::vector<std::string>{"2", "1"}));
  {
    HttpResult all = Get("requests.xml");
    ASSERT_EQ(all.status, 200);
    Xml x(all.body);
    EXPECT_EQ(x.root(), "service_requests");
    auto r = x.Children("request");
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(Text(r[1], "service_request_id"), "1");
    EXPECT_EQ(Text(r[1], "status"), "open");
    EXPECT_EQ(Text(r[1], "service_code"), "repair");
    EXPECT_EQ(Text(r[1], "service_name"), "设施维修");
    EXPECT_EQ(Text(r[1], "requested_datetime"), "2026-12-01T09:00:00+08:00");
    EXPECT_EQ(Text(r[1], "address"), "3号楼, 幸福里小区");
    EXPECT_EQ(Text(r[1], "description"), "<absent>");  // the resident's words: never
  }

  // Staff act in chat: ticket 1 deferred with a public note, ticket 2 resolved.
  Say(kGrid, "受理 1");
  Say(kGrid, "公开备注 1 已派电工查看");
  Say(kGrid, "暂缓 1 缺少配件|下周采购更换|2026-12-10");
  Say(kGrid, "受理 2");
  Say(kGrid, "解决 2 已协调邻居降低音量");
  {
    HttpResult one = Get("requests/1.xml");
    ASSERT_EQ(one.status, 200);
    Xml x(one.body);
    EXPECT_EQ(x.root(), "service_requests");
    auto r = x.Children("request");
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(Text(r[0], "service_request_id"), "1");
    EXPECT_EQ(Text(r[0], "status"), "open");
    EXPECT_EQ(Text(r[0], "expected_datetime"), "2026-12-10T00:00:00+08:00");
    EXPECT_NE(Text(r[0], "service_notice").find("下周采购更换"), std::string::npos);
    EXPECT_NE(Text(r[0], "status_notes"), "<absent>");
  }
  json two = Json(Get("requests/2.json"));
  ASSERT_TRUE(two.is_array());
  ASSERT_EQ(two.size(), 1u);
  EXPECT_EQ(two[0]["service_request_id"], "2");
  EXPECT_EQ(two[0]["status"], "closed");
  EXPECT_EQ(two[0]["status_notes"], "已协调邻居降低音量");
  EXPECT_EQ(two[0]["service_code"], "noise");
  EXPECT_FALSE(two[0].contains("expected_datetime"));

  // --- filters
  EXPECT_EQ(Ids(Get("requests.json?status=closed")), std::vector<std::string>{"2"});
  EXPECT_EQ(Ids(Get("requests.json?status=open")), std::vector<std::string>{"1"});
  EXPECT_EQ(Ids(Get("requests.json?status=open,closed")), (std::vector<std::string>{"2", "1"}));
  EXPECT_EQ(Ids(Get("requests.json?service_code=repair")), std::vector<std::string>{"1"});
  EXPECT_EQ(Ids(Get("requests.json?service_code=repair,noise")), (std::vector<std::string>{"2", "1"}));
  EXPECT_TRUE(Ids(Get("requests.json?service_code=pets")).empty());
  EXPECT_TRUE(Ids(Get("requests.json?service_code=nosuch")).empty());
  EXPECT_EQ(Ids(Get("requests.json?service_request_id=1,2&status=closed")),
            (std::vector<std::string>{"2", "1"}));  // ids override every other filter
  EXPECT_EQ(Ids(Get("requests.json?service_request_id=2,99")), std::vector<std::string>{"2"});
  EXPECT_EQ(Ids(Get("requests.json?start_date=2026-12-01T01:02:00Z")), std::vector<std::string>{"2"});
  EXPECT_EQ(Ids(Get("requests.json?end_date=2026-12-01T09:01:00%2B08:00")),
            std::vector<std::string>{"1"});
  EXPECT_EQ(Ids(Get("requests.json?start_date=2026-11-01&end_date=2026-12-02")),
            (std::vector<std::string>{"2", "1"}));
  EXPECT_TRUE(Ids(Get("requests.json?start_date=2026-09-01T00:00:00Z&end_date=2026-11-30T00:00:00Z"))
                  .empty());
  // The default window is the last 90 days.
  clock_.Advance(std::chrono::milliseconds(91 * kDay));
  EXPECT_TRUE(Ids(Get("requests.json")).empty());
  EXPECT_EQ(Ids(Get("requests.json?service_request_id=1")), std::vector<std::string>{"1"});
  clock_.SetMillis(kDec1At0900 + kDay);

  // --- every error case
  ExpectError(Get("requests.json?start_date=yesterday"), 400, false, "bad start_date");
  ExpectError(Get("requests.xml?end_date=2026-12-01T09:00:00"), 400, true, "a date-time without zone");
  ExpectError(Get("requests.xml?start_date=2026-12-02&end_date=2026-12-01"), 400, true,
              "end before start");
  ExpectError(Get("requests.json?start_date=2026-01-01&end_date=2026-12-01"), 400, false,
              "more than 90 days");
  ExpectError(Get("requests.json?status=pending"), 400, false, "bad status");
  ExpectError(Get("requests.xml?service_request_id=1,abc"), 400, true, "bad id in the list");
  ExpectError(Get("requests/999.json"), 404, false, "unknown request");
  ExpectError(Get("requests/999.xml"), 404, true, "unknown request (xml)");
  ExpectError(Get("requests/abc.xml"), 400, true, "malformed request id");
  ExpectError(Get("requests/1.csv"), 404, true, "unknown format of a request");
  ExpectError(Get("services/nosuch.json"), 404, false, "unknown service_code");
  ExpectError(Get("services/repair.html"), 404, true, "unknown format of a definition");
  ExpectError(Get("discovery.csv"), 404, true, "unknown format");
  ExpectError(Get("requests"), 404, true, "no format");
  ExpectError(Get("tokens.json"), 404, false, "no such resource");
  ExpectError(Post("services.json", std::string("api_key=") + kKey), 400, false, "POST services");
  const std::string key = std::string("api_key=") + kKey;
  ExpectError(Post("requests.json", key + "&address_string=x&attribute[building]=3"), 400, false,
              "missing service_code");
  ExpectError(Post("requests.xml", key + "&service_code=nosuch&address_string=x&attribute[building]=3"),
              404, true, "unknown service_code");
  ExpectError(Post("requests.json", key + "&service_code=repair&attribute[building]=3"), 400,
              false, "no location");
  ExpectError(Post("requests.json", key + "&service_code=repair&lat=30.1&attribute[building]=3"),
              400, false, "lat without long");
  ExpectError(Post("requests.xml", key + "&service_code=repair&address_string=x"), 400, true,
              "missing building");
  ExpectError(Post("requests.xml", key + "&service_code=repair&address_string=x&attribute[building]=9"),
              400, true, "unknown building");
  ExpectError(Post("requests.json",
                   key + "&service_code=repair&address_string=x&attribute[building]=3&attribute[unit]=7"),
              400, false, "unknown unit");
  ExpectError(Post("requests.json", key + "&service_code=repair&address_string=x&attribute[building]=3"
                                          "&description=" + std::string(4001, 'a')),
              400, false, "description too long");
  EXPECT_EQ(CountRows(*h_.OpenDb(), "SELECT COUNT(*) FROM tickets"), 2);

  // --- the board shows the posted tickets
  json board = json::parse(h_.Get("/api/public/tickets").body, nullptr, false);
  ASSERT_TRUE(board.is_object());
  std::set<int64_t> numbers;
  for (const auto& t : board["tickets"]) numbers.insert(t["number"].get<int64_t>());
  EXPECT_EQ(numbers, (std::set<int64_t>{1, 2}));
}

TEST_F(Open311E2eTest, OffWithoutAKey) {
  Start(false);
  ExpectError(Get("discovery.xml"), 404, true, "discovery");
  ExpectError(Get("services.json"), 404, false, "services");
  ExpectError(Get("services/repair.xml"), 404, true, "definition");
  ExpectError(Get("requests.json"), 404, false, "requests");
  ExpectError(Get("requests/1.xml"), 404, true, "request");
  ExpectError(Post("requests.xml", "api_key=&service_code=repair&address_string=x"), 404, true,
              "POST");
  EXPECT_EQ(CountRows(*h_.OpenDb(), "SELECT COUNT(*) FROM tickets"), 0);
}

// ---- No personal data in any GET answer, over generated residents.

struct Resident {
  int64_t user = 0;
  std::string name;
  std::string phone;
  std::string id_number;
  std::string unit;  // "2单元"
  std::string room;  // "1502"
  std::string email;
};

std::vector<Resident> GenerateResidents() {
  std::mt19937 rng(20261202);  // fixed: a failure can be reproduced
  const std::vector<std::string> surnames = {"欧阳", "司马", "诸葛", "上官"};
  const std::vector<std::string> given = {"明轩", "若曦", "浩然", "静怡", "子涵", "雨桐"};
  std::vector<Resident> out;
  for (int i = 0; i < 4; ++i) {
    Resident r;
    r.user = 7820001 + i;
    r.name = surnames[i % surnames.size()] + given[rng() % given.size()];
    r.phone = "1" + std::to_string(3 + rng() % 7);
    for (int d = 0; d < 9; ++d) r.phone += std::to_string(rng() % 10);
    r.id_number = "3301061988";
    for (int d = 0; d < 7; ++d) r.id_number += std::to_string(rng() % 10);
    r.id_number += std::to_string(rng() % 10);
    r.unit = std::to_string(1 + i % 3) + "单元";
    r.room = std::to_string(1000 + 100 * (1 + rng() % 20) + 1 + rng() % 4);
    r.email = "resident" + std::to_string(i) + "@example.org";
    out.push_back(r);
  }
  return out;
}

std::string Hostile(const Resident& r, const std::string& what) {
  return what + "，我是" + r.name + "，电话" + r.phone + "，身份证" + r.id_number + "，住3号楼" +
         r.unit + r.room + "室，邮箱" + r.email;
}

std::string Enc(const std::string& s) { return PercentEncode(s); }

TEST_F(Open311E2eTest, NoGetAnswerCarriesPersonalData) {
  const std::vector<Resident> residents = GenerateResidents();
  Start();
  {
    auto db = h_.OpenDb();
    std::vector<storage::Household> households;
    for (const Resident& r : residents) {
      storage::Household hh;
      hh.building = "3";
      hh.unit = r.unit.substr(0, r.unit.find("单元"));
      hh.room = r.room;
      hh.area_m2 = 90;
      hh.owner_name = r.name;
      hh.phone = r.phone;
      households.push_back(hh);
    }
    ASSERT_TRUE(storage::RosterStore::Import(*db, households, false, 1, nullptr, nullptr).ok());
  }
  // Half report in chat, half through Open311 with their contact fields; all type everything.
  for (size_t i = 0; i < residents.size(); ++i) {
    const Resident& r = residents[i];
    clock_.Advance(std::chrono::minutes(1));
    if (i % 2 == 0) {
      for (const std::string& s : {std::string("报事"), std::string("2"), "3号楼" + r.unit + r.room,
                                   Hostile(r, "楼道灯坏了"), std::string("跳过"), std::string("1")}) {
        Say(r.user, s);
      }
    } else {
      HttpResult c = Post(
          "requests.json",
          std::string("api_key=") + kKey + "&service_code=repair&attribute[building]=3" +
              "&attribute[unit]=" + r.unit.substr(0, 1) + "&address_string=" +
              Enc("3号楼" + r.unit + r.room + "室") + "&description=" + Enc(Hostile(r, "水管漏水")) +
              "&first_name=" + Enc(r.name.substr(r.name.size() - 6)) + "&last_name=" +
              Enc(r.name.substr(0, r.name.size() - 6)) + "&phone=" + r.phone + "&email=" +
              Enc(r.email) + "&account_id=" + r.id_number);
      ASSERT_EQ(c.status, 201) << c.body;
    }
  }
  ASSERT_EQ(CountRows(*h_.OpenDb(), "SELECT COUNT(*) FROM tickets"),
            static_cast<int64_t>(residents.size()));
  // Staff write public text with personal data in it (the masking module must catch it).
  const Resident& a = residents[0];
  const Resident& b = residents[1];
  Say(kGrid, "受理 1");
  Say(kGrid, "公开备注 1 已联系" + a.name + "（" + a.phone + "），" + a.unit + a.room + "室");
  Say(kGrid, "摘要 1 " + a.name + "家门口楼道灯坏，电话" + a.phone);
  Say(kGrid, "受理 2");
  Say(kGrid, "暂缓 2 等" + b.name + "在家|联系" + b.phone + "上门|2026-12-20");
  Say(kGrid, "受理 3");
  Say(kGrid, "解决 3 已修好，" + residents[2].name + "确认");

  std::vector<std::pair<std::string, std::string>> answers;  // path, body
  std::vector<std::string> paths = {"discovery.xml", "discovery.json", "services.xml",
                                    "services.json", "services/repair.xml",
                                    "services/repair.json", "requests.xml", "requests.json",
                                    "requests.json?status=open", "requests.xml?status=closed",
                                    "requests.json?lang=en"};
  for (size_t n = 1; n <= residents.size(); ++n) {
    paths.push_back("requests/" + std::to_string(n) + ".json");
    paths.push_back("requests/" + std::to_string(n) + ".xml");
  }
  for (const auto& p : paths) {
    HttpResult r = Get(p);
    ASSERT_EQ(r.status, 200) << p;
    answers.push_back({p, r.body});
  }
  // The scan is over real answers: every ticket and the staff's public text are in them.
  const std::string all_requests = answers[7].second;
  for (size_t n = 1; n <= residents.size(); ++n) {
    EXPECT_NE(all_requests.find("\"service_request_id\":\"" + std::to_string(n) + "\""),
              std::string::npos);
  }
  EXPECT_NE(all_requests.find("已联系"), std::string::npos);
  EXPECT_NE(all_requests.find("楼道灯坏"), std::string::npos);
  EXPECT_NE(all_requests.find("上门"), std::string::npos);
  EXPECT_NE(all_requests.find("已修好"), std::string::npos);

  const std::regex phone("(^|[^0-9])1[3-9][0-9]{9}([^0-9]|$)");
  const std::regex id_number("[0-9]{17}[0-9Xx]");
  for (const auto& [path, body] : answers) {
    SCOPED_TRACE(path + ": " + body);
    EXPECT_FALSE(std::regex_search(body, phone));
    EXPECT_FALSE(std::regex_search(body, id_number));
    for (const Resident& r : residents) {
      EXPECT_EQ(body.find(r.name), std::string::npos) << r.name;
      EXPECT_EQ(body.find(r.phone.substr(3, 4)), std::string::npos) << "phone middle digits";
      EXPECT_EQ(body.find(r.unit), std::string::npos) << r.unit;
      EXPECT_EQ(body.find(r.room), std::string::npos) << r.room;
      EXPECT_EQ(body.find(r.email), std::string::npos) << r.email;
      EXPECT_EQ(body.find(r.id_number.substr(0, 10)), std::string::npos) << "ID number";
    }
    EXPECT_EQ(body.find("水管漏水"), std::string::npos) << "a resident's own words";
  }
}

}  // namespace
}  // namespace linli::e2e::open311_e2e_test
