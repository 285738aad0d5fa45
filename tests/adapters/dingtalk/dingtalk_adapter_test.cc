#include "adapters/dingtalk/dingtalk_adapter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <deque>
#include <fstream>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "adapters/registry.h"
#include "tests/fakes/memory_token_store.h"
#include "tests/fakes/fake_clock.h"

namespace linli::adapters::dingtalk::dingtalk_adapter_test {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

// Records every request and answers from a script (first match by URL part) or a fallback.
class RecordingHttpClient final : public HttpClient {
 public:
  using Handler = std::function<StatusOr<HttpResponse>(const HttpClientRequest&)>;
  StatusOr<HttpResponse> Send(const HttpClientRequest& request) override {
    std::lock_guard<std::mutex> lock(mu_);
    requests.push_back(request);
    for (auto it = script_.begin(); it != script_.end(); ++it) {
      if (request.url.find(it->first) != std::string::npos) {
        Handler h = std::move(it->second);
        script_.erase(it);
        return h(request);
      }
    }
    return fallback(request);
  }
  void Then(std::string url_part, Handler handler) {
    std::lock_guard<std::mutex> lock(mu_);
    script_.emplace_back(std::move(url_part), std::move(handler));
  }
  std::vector<HttpClientRequest> Matching(const std::string& url_part) {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<HttpClientRequest> out;
    for (const auto& r : requests) {
      if (r.url.find(url_part) != std::string::npos) out.push_back(r);
    }
    return out;
  }

  std::vector<HttpClientRequest> requests;
  Handler fallback;

 private:
  std::mutex mu_;
  std::deque<std::pair<std::string, Handler>> script_;
};

HttpResponse JsonResponse(int status, const std::string& body) {
  return HttpResponse::Json(status, body);
}

std::string ReadTestdata(const std::string& name) {
  std::ifstream in(std::string(LINLI_TESTDATA_DIR) + "/dingtalk/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string HeaderValue(const HttpClientRequest& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return {};
}

constexpr int64_t kNowMs = 1700000000003;  // createAt of the testdata callbacks
constexpr char kSecret[] = "exampleAppSecret-9f8e7d6c5b4a39281706f5e4d3c2b1a0";
constexpr char kGroupHook[] = "https://oapi.dingtalk.com/robot/sendBySession?session=abc123";

config::ChannelConfig Channel() {
  config::ChannelConfig c;
  c.name = "dd";
  c.type = "dingtalk_bot";
  c.api_base = "https://dingtalk.test";
  c.fields = {{"app_key", "ding-app-key"}, {"app_secret", kSecret}};
  return c;
}

class DingTalkAdapterTest : public ::testing::Test {
 protected:
  DingTalkAdapterTest() : clock_(kNowMs) {
    http_.fallback = [](const HttpClientRequest& r) -> StatusOr<HttpResponse> {
      if (r.url.find("/v1.0/oauth2/accessToken") != std::string::npos) {
        return JsonResponse(200, R"({"accessToken":"at-1","expireIn":7200})");
      }
      if (r.url.find("/v1.0/robot/") != std::string::npos) {
        return JsonResponse(200, R"({"processQueryKey":"pqk-1"})");
      }
      return JsonResponse(200, R"({"errcode":0,"errmsg":"ok"})");
    };
    adapter_ = Make(Channel());
  }

  std::unique_ptr<Adapter> Make(const config::ChannelConfig& c) {
    auto a = CreateDingTalkAdapter(c, AdapterDeps{clock_, http_});
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    return std::move(a).value();
  }

  static HttpRequest Callback(const std::string& body, int64_t ts_ms = kNowMs) {
    HttpRequest r;
    r.method = "POST";
    r.target = r.path = "/webhook/dd";
    r.body = body;
    r.headers["timestamp"] = std::to_string(ts_ms);
    r.headers["sign"] = CallbackSign(std::to_string(ts_ms), kSecret);
    return r;
  }

  DingTalkAdapter& dingtalk() { return static_cast<DingTalkAdapter&>(*adapter_); }

  testing::FakeClock clock_;
  RecordingHttpClient http_;
  std::unique_ptr<Adapter> adapter_;
};

// --- config -------------------------------------------------------------------------------

TEST_F(DingTalkAdapterTest, ConfigErrorsNameChannelAndField) {
  for (const char* field : {"app_key", "app_secret"}) {
    config::ChannelConfig c = Channel();
    c.fields.erase(field);
    auto a = CreateDingTalkAdapter(c, AdapterDeps{clock_, http_});
    ASSERT_FALSE(a.ok());
    EXPECT_EQ(a.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(a.status().message(), std::string("channels[dd].") + field + ": missing");
  }
  config::ChannelConfig bad_base = Channel();
  bad_base.api_base = "dingtalk.test";
  auto a = CreateDingTalkAdapter(bad_base, AdapterDeps{clock_, http_});
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find("channels[dd].api_base"), std::string::npos);

  config::ChannelConfig bad_prefix = Channel();
  bad_prefix.fields["session_webhook_prefix"] = "https://oapi.dingtalk.com";
  a = CreateDingTalkAdapter(bad_prefix, AdapterDeps{clock_, http_});
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find("channels[dd].session_webhook_prefix"), std::string::npos);

  config::ChannelConfig defaults = Channel();
  defaults.api_base.clear();
  auto o = DingTalkOptionsFromConfig(defaults);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->api_base, "https://api.dingtalk.com");
  EXPECT_EQ(o->robot_code, "ding-app-key");
  EXPECT_EQ(o->session_webhook_prefix, "https://oapi.dingtalk.com/");
  defaults.fields["robot_code"] = "robot-9";
  EXPECT_EQ(DingTalkOptionsFromConfig(defaults)->robot_code, "robot-9");
}

TEST_F(DingTalkAdapterTest, RegistryBuildsDingTalkBot) {
  AdapterDeps deps{clock_, http_};
  auto a = CreateAdapter(Channel(), deps);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ((*a)->type(), "dingtalk_bot");
  EXPECT_EQ((*a)->name(), "dd");
  EXPECT_FALSE((*a)->passive_replies());
}

// --- callbacks -----------------------------------------------------------------------------

TEST_F(DingTalkAdapterTest, AcceptsSignedCallbackAndAcks) {
  auto r = adapter_->ParseWebhook(Callback(ReadTestdata("callback_group_text.json")));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(r->message.has_value());
  EXPECT_FALSE(r->immediate.has_value());
  EXPECT_EQ(r->message->platform_message_id, "msgGroup0001");
  EXPECT_EQ(r->message->text, "报修 楼道灯坏了");
  EXPECT_EQ(dingtalk().sessions().size(), 1u);

  const HttpResponse ack = adapter_->RenderAck(*r->message, {});
  EXPECT_EQ(ack.status, 200);
  EXPECT_EQ(ack.body, "{}");
  EXPECT_EQ(ack.content_type, "application/json");
}

// Vector dingtalk-robot-callback-sign, as headers.
TEST_F(DingTalkAdapterTest, CallbackVectorHeaders) {
  clock_.SetMillis(1700000001002);
  HttpRequest r = Callback(ReadTestdata("callback_group_text.json"), 1700000001002);
  EXPECT_EQ(r.headers["sign"], "6qDoRi4mVqP/sU3MTlrHcCKRHwFIPDYNQCCmvrzHa+A=");
  EXPECT_TRUE(adapter_->ParseWebhook(r).ok());
}

TEST_F(DingTalkAdapterTest, RejectsBadSignsAndHeaders) {
  const std::string body = ReadTestdata("callback_group_text.json");
  const HttpRequest good = Callback(body);
  const std::string sign = good.Header("sign");
  for (size_t i = 0; i < sign.size(); i += 3) {
    HttpRequest r = good;
    r.headers["sign"][i] = static_cast<char>(sign[i] ^ 0x01);
    EXPECT_EQ(adapter_->ParseWebhook(r).status().code(), StatusCode::kUnauthenticated) << i;
  }
  {
    HttpRequest r = good;  // timestamp changed, sign kept
    r.headers["timestamp"] = std::to_string(kNowMs + 1);
    EXPECT_EQ(adapter_->ParseWebhook(r).status().code(), StatusCode::kUnauthenticated);
  }
  for (const char* h : {"timestamp", "sign"}) {
    HttpRequest r = good;
    r.headers.erase(h);
    EXPECT_EQ(adapter_->ParseWebhook(r).status().code(), StatusCode::kUnauthenticated) << h;
  }
  for (const char* ts : {"", "-1", "17e11", " 1700000000003", "99999999999999999999"}) {
    HttpRequest r = good;
    r.headers["timestamp"] = ts;
    r.headers["sign"] = CallbackSign(ts, kSecret);
    EXPECT_EQ(adapter_->ParseWebhook(r).status().code(), StatusCode::kUnauthenticated) << ts;
  }
  HttpRequest get = good;
  get.method = "GET";
  EXPECT_EQ(adapter_->ParseWebhook(get).status().code(), StatusCode::kNotFound);
  // None of the rejected requests was remembered: the genuine one still passes once.
  EXPECT_TRUE(adapter_->ParseWebhook(good).ok());
}

TEST_F(DingTalkAdapterTest, OneHourWindow) {
  const std::string body = ReadTestdata("callback_group_text.json");
  const int64_t hour = 3600000;
  EXPECT_TRUE(adapter_->ParseWebhook(Callback(body, kNowMs - hour)).ok());
  EXPECT_TRUE(adapter_->ParseWebhook(Callback(body, kNowMs + hour)).ok());
  EXPECT_EQ(adapter_->ParseWebhook(Callback(body, kNowMs - hour - 1)).status().code(),
            StatusCode::kUnauthenticated);
  EXPECT_EQ(adapter_->ParseWebhook(Callback(body, kNowMs + hour + 1)).status().code(),
            StatusCode::kUnauthenticated);
}

TEST_F(DingTalkAdapterTest, ReplayedHeadersWithAnotherBodyAreRejected) {
  const HttpRequest first = Callback(ReadTestdata("callback_group_text.json"));
  ASSERT_TRUE(adapter_->ParseWebhook(first).ok());
  // A redelivery of the very same request passes (the msgId dedupe answers it without
  // processing it again): otherwise a message whose first answer failed would be lost.
  auto redelivered = adapter_->ParseWebhook(first);
  ASSERT_TRUE(redelivered.ok());
  ASSERT_TRUE(redelivered->message.has_value());
  HttpRequest forged = first;
  forged.body = ReadTestdata("callback_private_text.json");
  EXPECT_EQ(adapter_->ParseWebhook(forged).status().code(), StatusCode::kUnauthenticated);
  clock_.Advance(minutes(59));
  EXPECT_EQ(adapter_->ParseWebhook(forged).status().code(), StatusCode::kUnauthenticated);
  clock_.Advance(minutes(2));  // now outside the window: rejected by the window check
  EXPECT_EQ(adapter_->ParseWebhook(first).status().code(), StatusCode::kUnauthenticated);
}

// Issue 8: the seen pairs lived only in this cache, so a restart forgot them. Every accepted
// callback now carries a ReplayClaim for the router to record durably: same key for the
// same headers, the body's digest, expiry = timestamp + 1 h.
TEST_F(DingTalkAdapterTest, AcceptedCallbacksCarryADurableReplayClaim) {
  const HttpRequest first = Callback(ReadTestdata("callback_group_text.json"));
  auto a = adapter_->ParseWebhook(first);
  ASSERT_TRUE(a.ok() && a->message.has_value());
  ASSERT_TRUE(a->message->replay_claim.has_value());
  const ReplayClaim& claim = *a->message->replay_claim;
  EXPECT_EQ(claim.key, std::to_string(kNowMs) + "\n" + first.Header("sign"));
  EXPECT_EQ(claim.body_digest, BodyDigestHex(first.body));
  EXPECT_EQ(claim.body_digest.size(), 64u);
  EXPECT_EQ(claim.expires_ms, kNowMs + DingTalkAdapter::kMaxSkewMs);

  // After a restart (a new adapter: empty cache) the forged body passes the adapter, but its
  // claim has the same key with another digest: the router refuses it (router_test.cc,
  // china_channels_test.cc).
  auto restarted = Make(Channel());
  HttpRequest forged = first;
  forged.body = ReadTestdata("callback_private_text.json");
  auto f = restarted->ParseWebhook(forged);
  ASSERT_TRUE(f.ok() && f->message.has_value());
  ASSERT_TRUE(f->message->replay_claim.has_value());
  EXPECT_EQ(f->message->replay_claim->key, claim.key);
  EXPECT_NE(f->message->replay_claim->body_digest, claim.body_digest);
  // ...and within one process the cache still refuses it at once.
  EXPECT_EQ(restarted->ParseWebhook(first).status().code(), StatusCode::kUnauthenticated);
}

// Two robots (channels with their own secrets) whose callbacks carry the same millisecond
// have different signs, so both are accepted and their claims never collide. (One robot's
// callbacks in one millisecond share the pair: see DingTalkAdapter::ParseWebhook.)
TEST_F(DingTalkAdapterTest, TwoRobotsInTheSameMillisecondAreBothAccepted) {
  config::ChannelConfig other = Channel();
  other.name = "dd2";
  other.fields["app_secret"] = "anotherRobotSecret-0123456789";
  auto second = Make(other);
  HttpRequest r2 = Callback(ReadTestdata("callback_private_text.json"));
  r2.headers["sign"] = CallbackSign(std::to_string(kNowMs), "anotherRobotSecret-0123456789");
  auto a = adapter_->ParseWebhook(Callback(ReadTestdata("callback_group_text.json")));
  auto b = second->ParseWebhook(r2);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_NE(a->message->replay_claim->key, b->message->replay_claim->key);
}

TEST_F(DingTalkAdapterTest, MalformedAndDeepBodiesAreInvalidArgument) {
  int64_t ts = kNowMs;
  for (const std::string& body :
       {std::string("{oops"), std::string("[]"),
        std::string(100000, '[') + std::string(100000, ']'), std::string(R"({"msgId":"m"})")}) {
    EXPECT_EQ(adapter_->ParseWebhook(Callback(body, ++ts)).status().code(),
              StatusCode::kInvalidArgument);
  }
}

TEST_F(DingTalkAdapterTest, SessionWebhookOutsidePrefixIsNotStored) {
  json body = json::parse(ReadTestdata("callback_group_text.json"));
  body["sessionWebhook"] = "https://oapi.dingtalk.com.evil.example/robot/sendBySession?s=1";
  ASSERT_TRUE(adapter_->ParseWebhook(Callback(body.dump())).ok());
  body["sessionWebhook"] = "http://169.254.169.254/latest/meta-data";
  ASSERT_TRUE(adapter_->ParseWebhook(Callback(body.dump(), kNowMs + 1)).ok());
  EXPECT_EQ(dingtalk().sessions().size(), 0u);
}

// --- Send ----------------------------------------------------------------------------------

OutboundMessage GroupText(std::string text = "已收到") {
  OutboundMessage m;
  m.to = {"dd", "staff_wang5", "cidGroupAbc123==", ChatType::kGroup};
  m.text = std::move(text);
  return m;
}

OutboundMessage PrivateText() {
  OutboundMessage m;
  m.to = {"dd", "staff_zhao6", "cidPrivateXyz==", ChatType::kPrivate};
  m.text = "进度：处理中";
  return m;
}

TEST_F(DingTalkAdapterTest, SendUsesSessionWebhookWhileValid) {
  ASSERT_TRUE(adapter_->ParseWebhook(Callback(ReadTestdata("callback_group_text.json"))).ok());
  OutboundMessage m = GroupText();
  m.choices = {{"确认", "ok"}};
  SendResult r = adapter_->Send(m);
  EXPECT_EQ(r.outcome, SendResult::Outcome::kSent);
  ASSERT_EQ(http_.requests.size(), 1u);
  EXPECT_EQ(http_.requests[0].url, kGroupHook);
  EXPECT_EQ(http_.requests[0].method, "POST");
  EXPECT_EQ(json::parse(http_.requests[0].body),
            json::parse(R"({"msgtype":"text","text":{"content":"已收到\n\n1. 确认"}})"));
  EXPECT_TRUE(http_.Matching("accessToken").empty());
}

TEST_F(DingTalkAdapterTest, SendFallsBackToOpenApiAfterExpiry) {
  ASSERT_TRUE(adapter_->ParseWebhook(Callback(ReadTestdata("callback_group_text.json"))).ok());
  // sessionWebhookExpiredTime is createAt + 5 400 060 ms; the last 10 s are not used.
  clock_.Advance(milliseconds(5400060 - 10001));
  ASSERT_EQ(adapter_->Send(GroupText()).outcome, SendResult::Outcome::kSent);
  EXPECT_EQ(http_.Matching("sendBySession").size(), 1u);
  clock_.Advance(milliseconds(2));
  ASSERT_EQ(adapter_->Send(GroupText()).outcome, SendResult::Outcome::kSent);
  EXPECT_EQ(http_.Matching("sendBySession").size(), 1u);

  auto tokens = http_.Matching("/v1.0/oauth2/accessToken");
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens[0].url, "https://dingtalk.test/v1.0/oauth2/accessToken");
  EXPECT_EQ(
      json::parse(tokens[0].body),
      json::parse(std::string(R"({"appKey":"ding-app-key","appSecret":")") + kSecret + "\"}"));
  auto sends = http_.Matching("/v1.0/robot/groupMessages/send");
  ASSERT_EQ(sends.size(), 1u);
  EXPECT_EQ(sends[0].url, "https://dingtalk.test/v1.0/robot/groupMessages/send");
  EXPECT_EQ(HeaderValue(sends[0], "x-acs-dingtalk-access-token"), "at-1");
  const json body = json::parse(sends[0].body);
  EXPECT_EQ(body.value("robotCode", ""), "ding-app-key");
  EXPECT_EQ(body.value("openConversationId", ""), "cidGroupAbc123==");
  EXPECT_EQ(body.value("msgKey", ""), "sampleText");
  EXPECT_EQ(json::parse(body.value("msgParam", "")).value("content", ""), "已收到");
}

TEST_F(DingTalkAdapterTest, PrivateOpenApiSendAndTokenCaching) {
  // No callback seen (e.g. after a restart): straight to the OpenAPI.
  ASSERT_EQ(adapter_->Send(PrivateText()).outcome, SendResult::Outcome::kSent);
  ASSERT_EQ(adapter_->Send(PrivateText()).outcome, SendResult::Outcome::kSent);
  EXPECT_EQ(http_.Matching("accessToken").size(), 1u);
  auto sends = http_.Matching("/v1.0/robot/oToMessages/batchSend");
  ASSERT_EQ(sends.size(), 2u);
  const json body = json::parse(sends[0].body);
  EXPECT_EQ(body.at("userIds"), json::array({"staff_zhao6"}));
  EXPECT_EQ(body.value("robotCode", ""), "ding-app-key");

  clock_.Advance(seconds(7200 - 299));  // inside the 5 minute refresh margin
  ASSERT_EQ(adapter_->Send(PrivateText()).outcome, SendResult::Outcome::kSent);
  EXPECT_EQ(http_.Matching("accessToken").size(), 2u);
}

TEST_F(DingTalkAdapterTest, OpenApiTokenRejectedIsRefetchedOnce) {
  ASSERT_EQ(adapter_->Send(PrivateText()).outcome, SendResult::Outcome::kSent);
  http_.Then("/v1.0/robot/", [](const HttpClientRequest&) -> StatusOr<HttpResponse> {
    return JsonResponse(401, R"({"code":"InvalidAuthentication","message":"token invalid"})");
  });
  http_.Then("accessToken", [](const HttpClientRequest&) -> StatusOr<HttpResponse> {
    return JsonResponse(200, R"({"accessToken":"at-2","expireIn":7200})");
  });
  EXPECT_EQ(adapter_->Send(PrivateText()).outcome, SendResult::Outcome::kSent);
  auto sends = http_.Matching("/v1.0/robot/");
  ASSERT_EQ(sends.size(), 3u);
  EXPECT_EQ(HeaderValue(sends[2], "x-acs-dingtalk-access-token"), "at-2");

  for (int i = 0; i < 2; ++i) {
    http_.Then("/v1.0/robot/", [](const HttpClientRequest&) -> StatusOr<HttpResponse> {
      return JsonResponse(401, R"({"code":"InvalidAuthentication","message":"token invalid"})");
    });
  }
  EXPECT_EQ(adapter_->Send(PrivateText()).outcome, SendResult::Outcome::kRetry);
  EXPECT_EQ(http_.Matching("accessToken").size(), 3u);
}

// Two instances (two adapters on one token store, issue 14): one accessToken fetch between them.
TEST_F(DingTalkAdapterTest, TwoInstancesShareOneAccessToken) {
  testing::MemoryTokenStore store;
  RecordingHttpClient other_http;
  other_http.fallback = http_.fallback;
  auto a = CreateDingTalkAdapter(Channel(), AdapterDeps{clock_, http_, &store});
  auto b = CreateDingTalkAdapter(Channel(), AdapterDeps{clock_, other_http, &store});
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ((*a)->Send(PrivateText()).outcome, SendResult::Outcome::kSent);
  ASSERT_EQ((*b)->Send(PrivateText()).outcome, SendResult::Outcome::kSent);
  EXPECT_EQ(http_.Matching("accessToken").size(), 1u);
  EXPECT_TRUE(other_http.Matching("accessToken").empty());
  EXPECT_EQ(HeaderValue(other_http.Matching("/v1.0/robot/")[0], "x-acs-dingtalk-access-token"),
            "at-1");
}

TEST_F(DingTalkAdapterTest, SessionWebhookErrcodeMapping) {
  ASSERT_TRUE(adapter_->ParseWebhook(Callback(ReadTestdata("callback_group_text.json"))).ok());
  http_.Then("sendBySession", [](const HttpClientRequest&) -> StatusOr<HttpResponse> {
    return JsonResponse(
        200, R"({"errcode":130101,"errmsg":"send too fast, exceed 20 times per minute"})");
  });
  SendResult r = adapter_->Send(GroupText());
  EXPECT_EQ(r.outcome, SendResult::Outcome::kRetry);
  EXPECT_EQ(r.retry_after, milliseconds(60000));

  http_.Then("sendBySession", [](const HttpClientRequest&) -> StatusOr<HttpResponse> {
    return JsonResponse(200, R"({"errcode":310000,"errmsg":"keywords not in content"})");
  });
  r = adapter_->Send(GroupText());
  EXPECT_EQ(r.outcome, SendResult::Outcome::kPermanent);
  EXPECT_EQ(dingtalk().sessions().size(), 1u);  // still usable

  // Unknown errcode: the session is dropped and the retry goes through the OpenAPI.
  http_.Then("sendBySession", [](const HttpClientRequest&) -> StatusOr<HttpResponse> {
    return JsonResponse(200, R"({"errcode":300001,"errmsg":"session expired"})");
  });
  r = adapter_->Send(GroupText());
  EXPECT_EQ(r.outcome, SendResult::Outcome::kRetry);
  EXPECT_EQ(dingtalk().sessions().size(), 0u);
  EXPECT_EQ(adapter_->Send(GroupText()).outcome, SendResult::Outcome::kSent);
  EXPECT_EQ(http_.Matching("groupMessages/send").size(), 1u);
}

TEST_F(DingTalkAdapterTest, TransportFailuresAndOpenApiErrors) {
  ASSERT_TRUE(adapter_->ParseWebhook(Callback(ReadTestdata("callback_group_text.json"))).ok());
  http_.Then("sendBySession", [](const HttpClientRequest&) -> StatusOr<HttpResponse> {
    return Status::DeadlineExceeded("timeout");  // ambiguous: retried, duplicate possible
  });
  EXPECT_EQ(adapter_->Send(GroupText()).outcome, SendResult::Outcome::kRetry);
  http_.Then("sendBySession", [](const HttpClientRequest&) -> StatusOr<HttpResponse> {
    return Status::Unavailable("refused");
  });
  EXPECT_EQ(adapter_->Send(GroupText()).outcome, SendResult::Outcome::kRetry);
  http_.Then("sendBySession", [](const HttpClientRequest&) -> StatusOr<HttpResponse> {
    return JsonResponse(503, "busy");
  });
  EXPECT_EQ(adapter_->Send(GroupText()).outcome, SendResult::Outcome::kRetry);
  EXPECT_EQ(dingtalk().sessions().size(), 1u);

  struct Case {
    StatusOr<HttpResponse> answer;
    SendResult::Outcome expected;
  };
  const std::vector<Case> cases = {
      {JsonResponse(429, R"({"code":"Throttling.Api","message":"slow"})"),
       SendResult::Outcome::kRetry},
      {JsonResponse(400, R"({"code":"Throttling.User","message":"slow"})"),
       SendResult::Outcome::kRetry},
      {JsonResponse(500, R"({"code":"ServiceUnavailable","message":"x"})"),
       SendResult::Outcome::kRetry},
      {JsonResponse(400, R"({"code":"invalidParameter.robotCode","message":"robot not found"})"),
       SendResult::Outcome::kPermanent},
      {JsonResponse(403, R"({"code":"Forbidden.AccessDenied","message":"no permission"})"),
       SendResult::Outcome::kPermanent},
      {JsonResponse(200, R"({"processQueryKey":"k","invalidStaffIdList":["staff_zhao6"]})"),
       SendResult::Outcome::kPermanent},
      {JsonResponse(200, R"({"processQueryKey":"k","flowControlledStaffIdList":["staff_zhao6"]})"),
       SendResult::Outcome::kRetry},
      {JsonResponse(200, "<html>"), SendResult::Outcome::kRetry},
      {Status::DeadlineExceeded("timeout"), SendResult::Outcome::kRetry},
      {Status::InvalidArgument("bad url"), SendResult::Outcome::kPermanent},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    const auto answer = cases[i].answer;
    http_.Then("oToMessages", [answer](const HttpClientRequest&) { return answer; });
    SendResult r = adapter_->Send(PrivateText());
    EXPECT_EQ(r.outcome, cases[i].expected) << "case " << i << ": " << r.error;
    EXPECT_EQ(r.error.find(kSecret), std::string::npos);
    EXPECT_EQ(r.error.find("at-1"), std::string::npos);
  }
  SendResult ok = adapter_->Send(PrivateText());
  EXPECT_EQ(ok.outcome, SendResult::Outcome::kSent);
  EXPECT_EQ(ok.platform_message_id, "pqk-1");
}

TEST_F(DingTalkAdapterTest, TokenFetchFailureIsRetried) {
  http_.Then("accessToken", [](const HttpClientRequest&) -> StatusOr<HttpResponse> {
    return JsonResponse(400, R"({"code":"invalidClientSecret","message":"bad secret"})");
  });
  EXPECT_EQ(adapter_->Send(PrivateText()).outcome, SendResult::Outcome::kRetry);
  EXPECT_TRUE(http_.Matching("/v1.0/robot/").empty());
  EXPECT_EQ(adapter_->Send(PrivateText()).outcome, SendResult::Outcome::kSent);
}

TEST_F(DingTalkAdapterTest, CallbackAnswerIsANoOpAndMissingTargetIsPermanent) {
  OutboundMessage cb = GroupText();
  cb.kind = OutboundKind::kCallbackAnswer;
  EXPECT_EQ(adapter_->Send(cb).outcome, SendResult::Outcome::kSent);
  OutboundMessage no_user = PrivateText();
  no_user.to.user_id.clear();
  EXPECT_EQ(adapter_->Send(no_user).outcome, SendResult::Outcome::kPermanent);
  EXPECT_TRUE(http_.requests.empty());
}

TEST(SessionWebhookStoreTest, BoundedAndExpiring) {
  SessionWebhookStore store(3);
  store.Put("a", "ua", 1000, 0);
  store.Put("b", "ub", 2000, 0);
  store.Put("c", "uc", 3000, 0);
  store.Put("d", "ud", 4000, 0);  // full: "a" expires soonest and goes
  EXPECT_EQ(store.size(), 3u);
  EXPECT_FALSE(store.Get("a", 0, 0).has_value());
  EXPECT_EQ(store.Get("d", 0, 0).value_or(""), "ud");
  EXPECT_EQ(store.Get("b", 1989, 10).value_or(""), "ub");
  EXPECT_FALSE(store.Get("b", 1990, 10).has_value());
  store.Put("e", "ue", 9000, 2500);  // "b" has expired: dropped first
  EXPECT_EQ(store.size(), 3u);
  EXPECT_EQ(store.Get("c", 2500, 0).value_or(""), "uc");
  store.Put("c", "uc2", 5000, 2500);  // update in place
  EXPECT_EQ(store.Get("c", 2500, 0).value_or(""), "uc2");
  store.Erase("c");
  EXPECT_FALSE(store.Get("c", 0, 0).has_value());
}

TEST_F(DingTalkAdapterTest, ConcurrentCallbacksAndSends) {
  std::vector<std::thread> threads;
  std::atomic<int> accepted{0};
  const std::string body = ReadTestdata("callback_group_text.json");
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      // Every thread tries the same 50 signed timestamps, each with its own body: each
      // timestamp/sign pair is accepted with exactly one body.
      const std::string thread_body = body + std::string(static_cast<size_t>(t), ' ');
      for (int i = 0; i < 50; ++i) {
        if (adapter_->ParseWebhook(Callback(thread_body, kNowMs + i)).ok()) ++accepted;
        EXPECT_EQ(adapter_->Send(t % 2 ? GroupText() : PrivateText()).outcome,
                  SendResult::Outcome::kSent);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(accepted.load(), 50);
  EXPECT_EQ(http_.Matching("accessToken").size(), 1u);
}

// --- media (issue 11 point 4) -----------------------------------------------------------

TEST_F(DingTalkAdapterTest, FetchMediaAsksForTheDownloadUrlThenFetchesIt) {
  http_.Then("/v1.0/robot/messageFiles/download", [](const HttpClientRequest&) -> StatusOr<HttpResponse> {
    return JsonResponse(200, R"({"downloadUrl":"https://files.dingtalk.test/abc.jpg?sig=1"})");
  });
  http_.Then("files.dingtalk.test", [](const HttpClientRequest&) -> StatusOr<HttpResponse> {
    HttpResponse r;
    r.content_type = "image/jpeg";
    r.body = "\xFF\xD8\xFFjpeg";
    return r;
  });
  MediaFetchRequest req;
  req.ref = "dlcode-1";
  const MediaFetchResult r = adapter_->FetchMedia(req);
  ASSERT_EQ(r.outcome, MediaFetchResult::Outcome::kFetched) << r.error;
  EXPECT_EQ(r.bytes, "\xFF\xD8\xFFjpeg");
  auto asks = http_.Matching("/v1.0/robot/messageFiles/download");
  ASSERT_EQ(asks.size(), 1u);
  EXPECT_EQ(asks[0].url, "https://dingtalk.test/v1.0/robot/messageFiles/download");  // api_base
  EXPECT_EQ(asks[0].method, "POST");
  EXPECT_EQ(HeaderValue(asks[0], "x-acs-dingtalk-access-token"), "at-1");
  EXPECT_EQ(json::parse(asks[0].body),
            (json{{"downloadCode", "dlcode-1"}, {"robotCode", "ding-app-key"}}));
  ASSERT_EQ(http_.Matching("files.dingtalk.test").size(), 1u);
  EXPECT_EQ(http_.Matching("files.dingtalk.test")[0].method, "GET");
}

TEST_F(DingTalkAdapterTest, FetchMediaRefreshesARefusedTokenAndClassifiesFailures) {
  MediaFetchRequest req;
  req.ref = "dlcode-1";
  http_.Then("/v1.0/robot/messageFiles/download", [](const HttpClientRequest&) -> StatusOr<HttpResponse> {
    return JsonResponse(401, R"({"code":"InvalidAuthentication","message":"token expired"})");
  });
  http_.Then("/v1.0/robot/messageFiles/download", [](const HttpClientRequest&) -> StatusOr<HttpResponse> {
    return JsonResponse(400, R"({"code":"InvalidParameter.downloadCode","message":"bad code"})");
  });
  const MediaFetchResult bad = adapter_->FetchMedia(req);
  EXPECT_EQ(bad.outcome, MediaFetchResult::Outcome::kPermanent);
  EXPECT_NE(bad.error.find("InvalidParameter.downloadCode"), std::string::npos) << bad.error;
  EXPECT_EQ(http_.Matching("/v1.0/oauth2/accessToken").size(), 2u);  // refetched once
  http_.Then("/v1.0/robot/messageFiles/download", [](const HttpClientRequest&) -> StatusOr<HttpResponse> {
    return JsonResponse(429, R"({"code":"Throttling.Api","message":"slow down"})");
  });
  EXPECT_EQ(adapter_->FetchMedia(req).outcome, MediaFetchResult::Outcome::kRetry);
  // An answer without a usable URL is not followed.
  http_.Then("/v1.0/robot/messageFiles/download", [](const HttpClientRequest&) -> StatusOr<HttpResponse> {
    return JsonResponse(200, R"({"downloadUrl":"file:///etc/passwd"})");
  });
  const size_t before = http_.requests.size();
  EXPECT_EQ(adapter_->FetchMedia(req).outcome, MediaFetchResult::Outcome::kRetry);
  EXPECT_EQ(http_.requests.size(), before + 1);  // the ask only, no download
}

}  // namespace
}  // namespace linli::adapters::dingtalk::dingtalk_adapter_test
