// The customer-service window and the template fallback of the Official Account adapter
// (wechat_mp_adapter.h "Send"; protocols/wechat-official-account.md §6, §7).
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "adapters/registry.h"
#include "adapters/wechat/wechat_mp_adapter.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/recording_http_client.h"

namespace linli::adapters::wechat::wechat_mp_window_test {
namespace {

using linli::testing::FakeClock;
using linli::testing::RecordingHttpClient;
using namespace std::chrono_literals;

constexpr char kOpenId[] = "o9AgO5Kd5ggOC-bXrbNODIiE3bGY";
constexpr int64_t kNow = 1795568400000;
constexpr int64_t kHour = 3600 * 1000;

config::ChannelConfig Channel(bool with_template) {
  config::ChannelConfig c;
  c.name = "wx";
  c.type = "wechat_mp";
  c.api_base = "https://api.example.test";
  c.fields = {{"token", "AAAAA"},
              {"app_id", "wxba5fad812f8e6fb9"},
              {"app_secret", "app-secret-never-logged"},
              {"encoding_aes_key", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}};
  if (with_template) {
    c.fields["template_ticket_status"] = "TM-ticket-status_01";
    c.fields["template_ticket_status_fields"] =
        "keyword1=number,keyword2=status, keyword3 = time ,remark=note";
  }
  return c;
}

// One open window: the message window (by_event false) or the event window.
ContactWindow Window(int64_t last_contact_ms, bool by_event, int sends) {
  ContactWindow w;
  if (by_event) {
    w.last_event_ms = last_contact_ms;
    w.event_sends = sends;
  } else {
    w.last_message_ms = last_contact_ms;
    w.message_sends = sends;
  }
  return w;
}

OutboundMessage Notice(const ContactWindow& window, const std::string& notice = "ticket_status") {
  OutboundMessage m;
  m.to = {"wx", kOpenId, kOpenId, ChatType::kPrivate};
  m.text = "您的报事 #1 已受理";
  m.notice = notice;
  m.notice_fields = {
      {"number", "#1"}, {"status", "已受理"}, {"time", "11-25 09:00"}, {"note", "物业将尽快处理"}};
  m.idempotency_key = "linli-ob-7";
  m.window = window;
  return m;
}

// --- the pure decision ---

TEST(WechatWindowTest, NeverContactedIsClosed) {
  EXPECT_FALSE(CustomerServiceWindowOpen(ContactWindow{}, kNow));
  EXPECT_EQ(ChooseSendRoute(ContactWindow{}, kNow, false), SendRoute::kDeferred);
  EXPECT_EQ(ChooseSendRoute(ContactWindow{}, kNow, true), SendRoute::kTemplate);
}

TEST(WechatWindowTest, MessageWindowIs48HoursExclusive) {
  const int64_t contact = kNow - 48 * kHour;
  EXPECT_TRUE(CustomerServiceWindowOpen(Window(contact, false, 0), kNow - 1));  // 48 h - 1 ms
  EXPECT_FALSE(CustomerServiceWindowOpen(Window(contact, false, 0), kNow));     // exactly 48 h
  EXPECT_FALSE(CustomerServiceWindowOpen(Window(contact, false, 0), kNow + 1));
  EXPECT_TRUE(CustomerServiceWindowOpen(Window(kNow, false, 0), kNow));  // just now
  // A contact recorded "in the future" (clock step) counts as just now.
  EXPECT_TRUE(CustomerServiceWindowOpen(Window(kNow + 5000, false, 0), kNow));
}

TEST(WechatWindowTest, MessageWindowAllowsFiveSends) {
  const int64_t contact = kNow - kHour;
  for (int sends = 0; sends < 5; ++sends) {
    EXPECT_TRUE(CustomerServiceWindowOpen(Window(contact, false, sends), kNow)) << sends;
  }
  EXPECT_FALSE(CustomerServiceWindowOpen(Window(contact, false, 5), kNow));  // the 6th
  EXPECT_FALSE(CustomerServiceWindowOpen(Window(contact, false, 9), kNow));
}

TEST(WechatWindowTest, EventWindowIsOneMinuteAndThreeSends) {
  EXPECT_TRUE(CustomerServiceWindowOpen(Window(kNow - 59'000, true, 0), kNow));
  EXPECT_TRUE(CustomerServiceWindowOpen(Window(kNow - 59'999, true, 2), kNow));
  EXPECT_FALSE(CustomerServiceWindowOpen(Window(kNow - 60'000, true, 0), kNow));
  EXPECT_FALSE(CustomerServiceWindowOpen(Window(kNow - 61'000, true, 0), kNow));
  EXPECT_FALSE(CustomerServiceWindowOpen(Window(kNow - 1'000, true, 3), kNow));  // the 4th
  // An event window does not borrow the 48 h rule.
  EXPECT_FALSE(CustomerServiceWindowOpen(Window(kNow - kHour, true, 0), kNow));
}

// Regression: a menu click used to replace the window a message had opened.
TEST(WechatWindowTest, MessageAndEventWindowsAreIndependent) {
  ContactWindow w;
  w.last_message_ms = kNow - kHour;  // wrote an hour ago
  w.last_event_ms = kNow - 2 * 60'000;  // clicked a menu two minutes ago (window over)
  EXPECT_EQ(OpenCustomerServiceWindow(w, kNow), WindowUse::kMessage);
  w.message_sends = 5;  // message quota used up
  EXPECT_EQ(OpenCustomerServiceWindow(w, kNow), WindowUse::kNone);
  w.last_event_ms = kNow - 1000;  // a fresh click: its own 3 sends
  EXPECT_EQ(OpenCustomerServiceWindow(w, kNow), WindowUse::kEvent);
  w.event_sends = 3;
  EXPECT_EQ(OpenCustomerServiceWindow(w, kNow), WindowUse::kNone);
}

TEST(WechatWindowTest, RouteOrder) {
  const ContactWindow open = Window(kNow - kHour, false, 0);
  const ContactWindow closed = Window(kNow - 49 * kHour, false, 0);
  EXPECT_EQ(ChooseSendRoute(open, kNow, true), SendRoute::kCustomerService);
  EXPECT_EQ(ChooseSendRoute(open, kNow, false), SendRoute::kCustomerService);
  EXPECT_EQ(ChooseSendRoute(closed, kNow, true), SendRoute::kTemplate);
  EXPECT_EQ(ChooseSendRoute(closed, kNow, false), SendRoute::kDeferred);
}

// --- template config ---

TEST(WechatTemplateConfigTest, MappingSyntax) {
  auto ok = ParseTemplateFieldMapping("keyword1=number, keyword2 = status,remark=note");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  ASSERT_EQ(ok->size(), 3u);
  EXPECT_EQ((*ok)[1], std::make_pair(std::string("keyword2"), std::string("status")));
  for (const char* bad : {"", " ", "keyword1", "keyword1=", "=number", "keyword1=number,",
                          "a=b,,c=d", "key word=x", "k=v=w", "k=v,k=w", "键=值"}) {
    EXPECT_FALSE(ParseTemplateFieldMapping(bad).ok()) << bad;
  }
}

TEST(WechatTemplateConfigTest, ConfigErrorsNameChannelAndField) {
  FakeClock clock(kNow);
  RecordingHttpClient http;
  struct Case {
    std::map<std::string, std::string> fields;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{{"template_ticket_status", "TM1"}, {"template_ticket_status_fields", "keyword1"}},
       "channels[wx].template_ticket_status_fields: item 1 is not key=field (use "
       "keyword1=number,remark=note)"},
      {{{"template_ticket_status", "TM1"}, {"template_ticket_status_fields", "a=b,a=c"}},
       "channels[wx].template_ticket_status_fields: template key a twice"},
      {{{"template_ticket_status", "TM1"}},
       "channels[wx].template_ticket_status_fields: missing (template data mapping such as "
       "keyword1=number,remark=note)"},
      {{{"template_ticket_status_fields", "keyword1=number"}},
       "channels[wx].template_ticket_status: missing (template_ticket_status_fields is set)"},
      {{{"template_ticket_status", ""}, {"template_ticket_status_fields", "keyword1=number"}},
       "channels[wx].template_ticket_status: empty template id"},
      {{{"template_ticket_status", "TM 1"}, {"template_ticket_status_fields", "k=v"}},
       "channels[wx].template_ticket_status: template id must be [A-Za-z0-9_.-]+"},
      {{{"template_", "TM1"}}, "channels[wx].template_: no notice kind in the name"},
  };
  for (const auto& c : cases) {
    auto channel = Channel(false);
    for (const auto& [k, v] : c.fields) channel.fields[k] = v;
    auto a = CreateAdapter(channel, AdapterDeps{clock, http});
    ASSERT_FALSE(a.ok()) << c.message;
    EXPECT_EQ(a.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(a.status().message(), c.message);
  }
  auto good = WechatMpOptionsFromConfig(Channel(true));
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  ASSERT_EQ(good->templates.count("ticket_status"), 1u);
  EXPECT_EQ(good->templates.at("ticket_status").template_id, "TM-ticket-status_01");
  EXPECT_EQ(good->templates.at("ticket_status").fields.size(), 4u);
}

TEST(WechatTemplateConfigTest, TemplateBody) {
  NoticeTemplate t{"TM1", {{"keyword1", "number"}, {"keyword2", "missing"}, {"remark", "note"}}};
  const auto body = nlohmann::json::parse(RenderTemplateSendJson(
      kOpenId, t, {{"number", "#1"}, {"note", std::string(300, 'x') + "\x01"}}, "linli-ob-1"));
  EXPECT_EQ(body.at("touser"), kOpenId);
  EXPECT_EQ(body.at("template_id"), "TM1");
  EXPECT_EQ(body.at("client_msg_id"), "linli-ob-1");
  EXPECT_EQ(body.at("data").at("keyword1").at("value"), "#1");
  EXPECT_EQ(body.at("data").at("keyword2").at("value"), "");
  EXPECT_LE(body.at("data").at("remark").at("value").get<std::string>().size(), 200u);
  EXPECT_EQ(body.at("data").size(), 3u);
  const auto no_id = nlohmann::json::parse(RenderTemplateSendJson(kOpenId, t, {}, ""));
  EXPECT_FALSE(no_id.contains("client_msg_id"));
  const auto long_id =
      nlohmann::json::parse(RenderTemplateSendJson(kOpenId, t, {}, std::string(65, 'k')));
  EXPECT_FALSE(long_id.contains("client_msg_id"));
}

// --- Send through the adapter: every branch, with a FakeClock ---

class WechatSendRouteTest : public ::testing::Test {
 protected:
  std::unique_ptr<Adapter> Make(bool with_template) {
    auto a = CreateAdapter(Channel(with_template), AdapterDeps{clock_, http_});
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    http_.PushJson(200, R"({"access_token":"ACCESS","expires_in":7200})");
    return a.ok() ? std::move(a).value() : nullptr;
  }
  // The URL path of the last request without the query.
  std::string LastPath() {
    const std::string url = http_.last_request().url;
    const std::string host = "https://api.example.test";
    return url.substr(host.size(), url.find('?') - host.size());
  }

  FakeClock clock_{kNow};
  RecordingHttpClient http_;
};

TEST_F(WechatSendRouteTest, InsideTheMessageWindowUsesCustomerService) {
  auto a = Make(true);
  http_.PushJson(200, R"({"errcode":0,"errmsg":"ok"})");
  const SendResult r = a->Send(Notice(Window(kNow - 47 * kHour, false, 4)));  // the 5th send
  EXPECT_EQ(r.outcome, SendResult::Outcome::kSent) << r.error;
  EXPECT_TRUE(r.counted_in_window());
  EXPECT_EQ(LastPath(), "/cgi-bin/message/custom/send");
  EXPECT_NE(http_.last_request().url.find("access_token=ACCESS"), std::string::npos);
  const auto body = nlohmann::json::parse(http_.last_request().body);
  EXPECT_EQ(body.at("text").at("content"), "您的报事 #1 已受理");
}

TEST_F(WechatSendRouteTest, SixthSendInTheWindowGoesAsTemplate) {
  auto a = Make(true);
  http_.PushJson(200, R"({"errcode":0,"errmsg":"ok","msgid":200228332})");
  const SendResult r = a->Send(Notice(Window(kNow - kHour, false, 5)));
  EXPECT_EQ(r.outcome, SendResult::Outcome::kSent) << r.error;
  EXPECT_FALSE(r.counted_in_window());  // templates are outside the quota
  EXPECT_EQ(r.platform_message_id, "200228332");
  EXPECT_EQ(LastPath(), "/cgi-bin/message/template/send");
  const auto body = nlohmann::json::parse(http_.last_request().body);
  EXPECT_EQ(body.at("touser"), kOpenId);
  EXPECT_EQ(body.at("template_id"), "TM-ticket-status_01");
  EXPECT_EQ(body.at("client_msg_id"), "linli-ob-7");
  EXPECT_EQ(body.at("data").at("keyword1").at("value"), "#1");
  EXPECT_EQ(body.at("data").at("keyword2").at("value"), "已受理");
  EXPECT_EQ(body.at("data").at("keyword3").at("value"), "11-25 09:00");
  EXPECT_EQ(body.at("data").at("remark").at("value"), "物业将尽快处理");
}

TEST_F(WechatSendRouteTest, FortyEightHourEdgeInOrder) {
  auto a = Make(true);
  const ContactWindow w = Window(kNow, false, 0);
  clock_.Advance(48h - 1ms);
  http_.PushJson(200, R"({"errcode":0})");
  EXPECT_TRUE(a->Send(Notice(w)).counted_in_window());
  EXPECT_EQ(LastPath(), "/cgi-bin/message/custom/send");
  clock_.Advance(1ms);  // exactly 48 h
  http_.PushJson(200, R"({"errcode":0})");
  const SendResult r = a->Send(Notice(w));
  EXPECT_EQ(r.outcome, SendResult::Outcome::kSent);
  EXPECT_FALSE(r.counted_in_window());
  EXPECT_EQ(LastPath(), "/cgi-bin/message/template/send");
}

TEST_F(WechatSendRouteTest, OutsideTheWindowWithoutTemplateIsDeferredWithoutACall) {
  auto a = Make(false);
  const SendResult r = a->Send(Notice(Window(kNow - 49 * kHour, false, 0)));
  EXPECT_EQ(r.outcome, SendResult::Outcome::kDeferred);
  EXPECT_FALSE(r.counted_in_window());
  EXPECT_EQ(http_.request_count(), 0u);  // decided before calling the API (no token either)
  // A reply that is not a notice, or a notice of another kind, is deferred the same way.
  auto b = Make(true);
  OutboundMessage plain = Notice(Window(kNow - 49 * kHour, false, 0), "");
  EXPECT_EQ(b->Send(plain).outcome, SendResult::Outcome::kDeferred);
  EXPECT_EQ(b->Send(Notice(Window(0, false, 0), "wish_claimed")).outcome,
            SendResult::Outcome::kDeferred);
  EXPECT_EQ(http_.request_count(), 0u);
  // The sixth message with no template.
  EXPECT_EQ(a->Send(Notice(Window(kNow - kHour, false, 5))).outcome,
            SendResult::Outcome::kDeferred);
  EXPECT_EQ(http_.request_count(), 0u);
}

TEST_F(WechatSendRouteTest, EventWindowEdges) {
  auto a = Make(false);
  const ContactWindow click = Window(kNow, true, 0);
  clock_.Advance(59s);
  http_.PushJson(200, R"({"errcode":0})");
  SendResult r = a->Send(Notice(click));
  EXPECT_EQ(r.outcome, SendResult::Outcome::kSent);
  EXPECT_TRUE(r.counted_in_window());
  EXPECT_EQ(http_.request_count(), 2u);  // token + custom/send
  EXPECT_EQ(a->Send(Notice(Window(kNow, true, 3))).outcome, SendResult::Outcome::kDeferred);
  clock_.Advance(2s);  // 61 s
  r = a->Send(Notice(click));
  EXPECT_EQ(r.outcome, SendResult::Outcome::kDeferred);
  EXPECT_EQ(http_.request_count(), 2u);
}

TEST_F(WechatSendRouteTest, EventWindowClosedFallsBackToTemplate) {
  auto a = Make(true);
  clock_.Advance(61s);
  http_.PushJson(200, R"({"errcode":0})");
  const SendResult r = a->Send(Notice(Window(kNow, true, 0)));
  EXPECT_EQ(r.outcome, SendResult::Outcome::kSent);
  EXPECT_FALSE(r.counted_in_window());
  EXPECT_EQ(LastPath(), "/cgi-bin/message/template/send");
}

TEST_F(WechatSendRouteTest, PlatformWindowErrorsAreASafetyNet) {
  for (const char* code : {"45015", "45047"}) {
    // Without a template: deferred.
    {
      RecordingHttpClient http;
      auto a = CreateAdapter(Channel(false), AdapterDeps{clock_, http});
      ASSERT_TRUE(a.ok());
      http.PushJson(200, R"({"access_token":"ACCESS","expires_in":7200})");
      http.PushJson(200, std::string(R"({"errcode":)") + code + "}");
      const SendResult r = (*a)->Send(Notice(Window(kNow - kHour, false, 0)));
      EXPECT_EQ(r.outcome, SendResult::Outcome::kDeferred) << code;
      EXPECT_FALSE(r.counted_in_window());
    }
    // With one: the template goes out in the same attempt.
    {
      RecordingHttpClient http;
      auto a = CreateAdapter(Channel(true), AdapterDeps{clock_, http});
      ASSERT_TRUE(a.ok());
      http.PushJson(200, R"({"access_token":"ACCESS","expires_in":7200})");
      http.PushJson(200, std::string(R"({"errcode":)") + code + "}");
      http.PushJson(200, R"({"errcode":0,"msgid":5})");
      const SendResult r = (*a)->Send(Notice(Window(kNow - kHour, false, 0)));
      EXPECT_EQ(r.outcome, SendResult::Outcome::kSent) << code;
      EXPECT_FALSE(r.counted_in_window());
      ASSERT_EQ(http.request_count(), 3u);
      EXPECT_NE(http.last_request().url.find("/cgi-bin/message/template/send?access_token=ACCESS"),
                std::string::npos);
    }
  }
}

TEST_F(WechatSendRouteTest, TemplateErrors) {
  using O = SendResult::Outcome;
  const std::vector<std::pair<std::string, O>> cases = {
      {R"({"errcode":40037,"errmsg":"invalid template_id"})", O::kPermanent},
      {R"({"errcode":43004,"errmsg":"require subscribe"})", O::kPermanent},
      {R"({"errcode":-1})", O::kRetry},
      {R"({"errcode":45009})", O::kRetry},
  };
  for (const auto& [body, outcome] : cases) {
    RecordingHttpClient http;
    auto a = CreateAdapter(Channel(true), AdapterDeps{clock_, http});
    ASSERT_TRUE(a.ok());
    http.PushJson(200, R"({"access_token":"ACCESS","expires_in":7200})");
    http.PushJson(200, body);
    const SendResult r = (*a)->Send(Notice(ContactWindow{}));
    EXPECT_EQ(r.outcome, outcome) << body;
    EXPECT_FALSE(r.counted_in_window());
    EXPECT_EQ(r.error.find(kOpenId), std::string::npos);
  }
  // A token error refetches once and resends the template.
  RecordingHttpClient http;
  auto a = CreateAdapter(Channel(true), AdapterDeps{clock_, http});
  ASSERT_TRUE(a.ok());
  http.PushJson(200, R"({"access_token":"OLD","expires_in":7200})");
  http.PushJson(200, R"({"errcode":40001})");
  http.PushJson(200, R"({"access_token":"NEW","expires_in":7200})");
  http.PushJson(200, R"({"errcode":0})");
  EXPECT_EQ((*a)->Send(Notice(ContactWindow{})).outcome, O::kSent);
  EXPECT_NE(http.last_request().url.find("template/send?access_token=NEW"), std::string::npos);
}

}  // namespace
}  // namespace linli::adapters::wechat::wechat_mp_window_test
