#include "adapters/feishu/feishu_adapter.h"

#include <gtest/gtest.h>

#include <deque>
#include <fstream>
#include <functional>
#include <mutex>
#include <sstream>
#include <thread>

#include "adapters/feishu/feishu_crypto.h"
#include "bot/json.h"
#include "adapters/registry.h"
#include "tests/fakes/memory_token_store.h"
#include "tests/fakes/fake_clock.h"

namespace linli::adapters::feishu::feishu_adapter_test {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

// Records every request and answers from a script (front first) or a default handler.
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
  // The next request whose URL contains `url_part` gets `handler`'s answer.
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
  std::ifstream in(std::string(LINLI_TESTDATA_DIR) + "/feishu/" + name, std::ios::binary);
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

constexpr int64_t kNowS = 1700000000;
constexpr char kEncryptKey[] = "test key";
constexpr char kToken[] = "vtoken-123";

config::ChannelConfig Channel(bool with_key = true) {
  config::ChannelConfig c;
  c.name = "fs";
  c.type = "feishu";
  c.api_base = "https://feishu.test/";
  c.fields = {{"app_id", "cli_1"}, {"app_secret", "secret-1"}, {"verification_token", kToken}};
  if (with_key) c.fields["encrypt_key"] = kEncryptKey;
  return c;
}

class FeishuAdapterTest : public ::testing::Test {
 protected:
  FeishuAdapterTest() : clock_(kNowS * 1000) {
    http_.fallback = [](const HttpClientRequest& r) -> StatusOr<HttpResponse> {
      if (r.url.find("tenant_access_token") != std::string::npos) {
        return JsonResponse(200,
                            R"({"code":0,"msg":"ok","tenant_access_token":"t-1","expire":7200})");
      }
      return JsonResponse(200, R"({"code":0,"msg":"success","data":{"message_id":"om_sent"}})");
    };
  }

  std::unique_ptr<Adapter> Make(bool with_key = true) {
    auto a = CreateFeishuAdapter(Channel(with_key), AdapterDeps{clock_, http_});
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    return std::move(a).value();
  }

  // A POST as Feishu sends it: encrypted body and signature headers.
  HttpRequest Signed(const std::string& plaintext, const std::string& ts = std::to_string(kNowS),
                     const std::string& nonce = "nonce-1") {
    HttpRequest r = Plain("");
    auto enc = EncryptEvent(kEncryptKey, plaintext, std::string(16, '\x07'));
    EXPECT_TRUE(enc.ok());
    r.body = DumpJson(json{{"encrypt", *enc}});
    r.headers["X-Lark-Request-Timestamp"] = ts;
    r.headers["X-Lark-Request-Nonce"] = nonce;
    r.headers["X-Lark-Signature"] = EventSignature(ts, nonce, kEncryptKey, r.body);
    return r;
  }
  static HttpRequest Plain(std::string body) {
    HttpRequest r;
    r.method = "POST";
    r.target = r.path = "/webhook/fs";
    r.headers["Content-Type"] = "application/json";
    r.body = std::move(body);
    return r;
  }

  testing::FakeClock clock_;
  RecordingHttpClient http_;
};

// --- config -------------------------------------------------------------------------------

TEST_F(FeishuAdapterTest, ConfigErrorsNameChannelAndField) {
  for (const char* field : {"app_id", "app_secret", "verification_token"}) {
    config::ChannelConfig c = Channel();
    c.fields.erase(field);
    auto a = CreateFeishuAdapter(c, AdapterDeps{clock_, http_});
    ASSERT_FALSE(a.ok());
    EXPECT_EQ(a.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(a.status().message(), std::string("channels[fs].") + field + ": missing");
  }
  config::ChannelConfig bad_base = Channel();
  bad_base.api_base = "ftp://x";
  auto a = CreateFeishuAdapter(bad_base, AdapterDeps{clock_, http_});
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find("channels[fs].api_base"), std::string::npos);

  config::ChannelConfig defaults = Channel(/*with_key=*/false);
  defaults.api_base.clear();
  auto options = FeishuOptionsFromConfig(defaults);
  ASSERT_TRUE(options.ok());
  EXPECT_EQ(options->api_base, "https://open.feishu.cn");
  EXPECT_EQ(options->encrypt_key, "");
  EXPECT_EQ(FeishuOptionsFromConfig(Channel())->api_base, "https://feishu.test");
}

TEST_F(FeishuAdapterTest, RegistryBuildsFeishu) {
  AdapterDeps deps{clock_, http_};
  auto a = CreateAdapter(Channel(), deps);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ((*a)->type(), "feishu");
  EXPECT_EQ((*a)->name(), "fs");
  EXPECT_FALSE((*a)->passive_replies());
}

// --- url_verification ----------------------------------------------------------------------

TEST_F(FeishuAdapterTest, PlainUrlVerificationWithoutEncryptKey) {
  auto adapter = Make(/*with_key=*/false);
  auto r = adapter->ParseWebhook(
      Plain(R"({"challenge":"ch-1","token":"vtoken-123","type":"url_verification"})"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(r->immediate.has_value());
  EXPECT_FALSE(r->message.has_value());
  EXPECT_EQ(r->immediate->status, 200);
  EXPECT_EQ(r->immediate->content_type, "application/json");
  EXPECT_EQ(json::parse(r->immediate->body), json::parse(R"({"challenge":"ch-1"})"));

  auto wrong = adapter->ParseWebhook(
      Plain(R"({"challenge":"ch-1","token":"nope","type":"url_verification"})"));
  EXPECT_EQ(wrong.status().code(), StatusCode::kUnauthenticated);
}

// Vector feishu-event-encrypt-and-signature: the challenge arrives encrypted and unsigned.
TEST_F(FeishuAdapterTest, EncryptedUrlVerificationFromVector) {
  config::ChannelConfig c = Channel();
  c.fields["verification_token"] = "xxxxxx";
  auto adapter = std::move(CreateFeishuAdapter(c, AdapterDeps{clock_, http_})).value();
  const std::string body =
      R"({"encrypt":"AAECAwQFBgcICQoLDA0ODw9mLTIAZS9jAmGTQ1wAhHr2K2c4pSoIiYBFkqtMS3Sq3lVZ8O2KvHdU30oKQyQZ0egL/11AOiw3h/yh+ldMESTV4CABkS3FPhJAJnPpUte1"})";
  auto unsigned_result = adapter->ParseWebhook(Plain(body));
  ASSERT_TRUE(unsigned_result.ok()) << unsigned_result.status().ToString();
  ASSERT_TRUE(unsigned_result->immediate.has_value());
  EXPECT_EQ(json::parse(unsigned_result->immediate->body),
            json::parse(R"({"challenge":"ajls384kdj"})"));

  HttpRequest signed_req = Plain(body);
  signed_req.headers["X-Lark-Request-Timestamp"] = "1700000000";
  signed_req.headers["X-Lark-Request-Nonce"] = "nonce123";
  signed_req.headers["X-Lark-Signature"] =
      "1a5c05c06a385de6d005e26c97908d2ad404d54fb7a6813cc3bd65df49cdc17f";
  auto signed_result = adapter->ParseWebhook(signed_req);
  ASSERT_TRUE(signed_result.ok()) << signed_result.status().ToString();
  EXPECT_EQ(json::parse(signed_result->immediate->body),
            json::parse(R"({"challenge":"ajls384kdj"})"));

  // Same body, but this channel's verification token differs.
  auto other = Make();
  EXPECT_EQ(other->ParseWebhook(Plain(body)).status().code(), StatusCode::kUnauthenticated);
}

TEST_F(FeishuAdapterTest, UnsignedFailuresWithEncryptKeyAllLookTheSame) {
  auto adapter = Make();
  // A real event without signature headers.
  HttpRequest event = Signed(ReadTestdata("receive_v1_p2p_text.json"));
  event.headers.erase("X-Lark-Signature");
  auto r1 = adapter->ParseWebhook(event);
  EXPECT_EQ(r1.status().code(), StatusCode::kUnauthenticated);
  // Garbage ciphertext, malformed JSON, plain events: the same 401, no padding oracle.
  auto r2 =
      adapter->ParseWebhook(Plain(R"({"encrypt":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="})"));
  auto r3 = adapter->ParseWebhook(Plain("{oops"));
  auto r4 = adapter->ParseWebhook(Plain(ReadTestdata("receive_v1_p2p_text.json")));
  for (const auto* r : {&r2, &r3, &r4}) {
    EXPECT_EQ(r->status().code(), StatusCode::kUnauthenticated);
    EXPECT_EQ(r->status().message(), "unsigned request rejected");
  }
}

// --- signed events -------------------------------------------------------------------------

TEST_F(FeishuAdapterTest, SignedEncryptedP2pText) {
  auto adapter = Make();
  auto r = adapter->ParseWebhook(Signed(ReadTestdata("receive_v1_p2p_text.json")));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(r->message.has_value());
  EXPECT_FALSE(r->immediate.has_value());
  const InboundMessage& in = *r->message;
  EXPECT_EQ(in.conversation.channel, "fs");
  EXPECT_EQ(in.platform_message_id, "5e3702a84e847582be8db7fb73283c02");
  EXPECT_EQ(in.conversation.user_id, "ou_84aad35d084aa403a838cf73ee18467");
  EXPECT_EQ(in.conversation.chat_type, ChatType::kPrivate);
  EXPECT_EQ(in.text, "报修 3号楼电梯不动了");

  const HttpResponse ack = adapter->RenderAck(in, {});
  EXPECT_EQ(ack.status, 200);
  EXPECT_EQ(ack.body, "{}");
  EXPECT_EQ(ack.content_type, "application/json");
}

TEST_F(FeishuAdapterTest, SignedGroupMentionAndReply) {
  auto adapter = Make();
  auto mention = adapter->ParseWebhook(Signed(ReadTestdata("receive_v1_group_mention.json")));
  ASSERT_TRUE(mention.ok()) << mention.status().ToString();
  EXPECT_EQ(mention->message->text, "心愿 帮忙取快递");
  EXPECT_EQ(mention->message->conversation.chat_type, ChatType::kGroup);

  auto reply = adapter->ParseWebhook(Signed(ReadTestdata("receive_v1_group_reply.json")));
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  EXPECT_EQ(reply->message->reply_to, "om_bot_wish_card");
}

TEST_F(FeishuAdapterTest, SignedPlainBodyIsAccepted) {
  // Signature covers the raw body, so a plain (unencrypted) signed event is authentic too.
  auto adapter = Make();
  HttpRequest r = Plain(ReadTestdata("receive_v1_p2p_text.json"));
  r.headers["X-Lark-Request-Timestamp"] = std::to_string(kNowS);
  r.headers["X-Lark-Request-Nonce"] = "n";
  r.headers["X-Lark-Signature"] = EventSignature(std::to_string(kNowS), "n", kEncryptKey, r.body);
  auto result = adapter->ParseWebhook(r);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_TRUE(result->message.has_value());
}

TEST_F(FeishuAdapterTest, BitFlipsInSignatureNonceTimestampOrCiphertextAreRejected) {
  auto adapter = Make();
  const HttpRequest good = Signed(ReadTestdata("receive_v1_p2p_text.json"));
  ASSERT_TRUE(adapter->ParseWebhook(good).ok());

  auto flipped = [](std::string s, size_t i) {
    s[i] = static_cast<char>(s[i] ^ 0x01);
    return s;
  };
  const std::string sig = good.Header("X-Lark-Signature");
  for (size_t i = 0; i < sig.size(); i += 5) {
    HttpRequest r = good;
    r.headers["X-Lark-Signature"] = flipped(sig, i);
    EXPECT_EQ(adapter->ParseWebhook(r).status().code(), StatusCode::kUnauthenticated) << i;
  }
  {
    HttpRequest r = good;
    r.headers["X-Lark-Request-Nonce"] = flipped("nonce-1", 2);
    EXPECT_EQ(adapter->ParseWebhook(r).status().code(), StatusCode::kUnauthenticated);
  }
  {
    HttpRequest r = good;
    r.headers["X-Lark-Request-Timestamp"] = std::to_string(kNowS + 1);
    EXPECT_EQ(adapter->ParseWebhook(r).status().code(), StatusCode::kUnauthenticated);
  }
  // Flip bytes inside the base64 ciphertext (skip the {"encrypt":" prefix and closing "}).
  for (size_t i = 12; i + 2 < good.body.size(); i += 9) {
    HttpRequest r = good;
    r.body[i] = r.body[i] == 'A' ? 'B' : 'A';
    EXPECT_EQ(adapter->ParseWebhook(r).status().code(), StatusCode::kUnauthenticated) << i;
  }
  {
    HttpRequest r = good;
    r.headers["X-Lark-Request-Timestamp"] = "17e8";
    EXPECT_EQ(adapter->ParseWebhook(r).status().code(), StatusCode::kUnauthenticated);
  }
}

TEST_F(FeishuAdapterTest, TimestampSkewOverFiveMinutesIsRejected) {
  auto adapter = Make();
  const std::string body = ReadTestdata("receive_v1_p2p_text.json");
  EXPECT_TRUE(adapter->ParseWebhook(Signed(body, std::to_string(kNowS - 300))).ok());
  EXPECT_TRUE(adapter->ParseWebhook(Signed(body, std::to_string(kNowS + 300))).ok());
  auto old = adapter->ParseWebhook(Signed(body, std::to_string(kNowS - 301)));
  EXPECT_EQ(old.status().code(), StatusCode::kUnauthenticated);
  auto future = adapter->ParseWebhook(Signed(body, std::to_string(kNowS + 301)));
  EXPECT_EQ(future.status().code(), StatusCode::kUnauthenticated);
  // The same signed request becomes stale as the clock moves on.
  const HttpRequest r = Signed(body);
  clock_.Advance(seconds(301));
  EXPECT_EQ(adapter->ParseWebhook(r).status().code(), StatusCode::kUnauthenticated);
}

TEST_F(FeishuAdapterTest, WrongHeaderTokenIsUnauthenticated) {
  auto adapter = Make();
  json body = json::parse(ReadTestdata("receive_v1_p2p_text.json"));
  body["header"]["token"] = "vtoken-124";
  EXPECT_EQ(adapter->ParseWebhook(Signed(body.dump())).status().code(),
            StatusCode::kUnauthenticated);
  body["header"].erase("token");
  EXPECT_EQ(adapter->ParseWebhook(Signed(body.dump())).status().code(),
            StatusCode::kUnauthenticated);

  auto no_key = Make(/*with_key=*/false);
  body["header"]["token"] = "wrong";
  EXPECT_EQ(no_key->ParseWebhook(Plain(body.dump())).status().code(), StatusCode::kUnauthenticated);
}

TEST_F(FeishuAdapterTest, IgnoredEventsAreAcknowledgedImmediately) {
  auto adapter = Make();
  auto r = adapter->ParseWebhook(Signed(ReadTestdata("chat_member_added.json")));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(r->immediate.has_value());
  EXPECT_FALSE(r->message.has_value());
  EXPECT_EQ(r->immediate->status, 200);
  EXPECT_EQ(r->immediate->body, "{}");

  json bot = json::parse(ReadTestdata("receive_v1_p2p_text.json"));
  bot["event"]["sender"]["sender_type"] = "app";
  r = adapter->ParseWebhook(Signed(bot.dump()));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->immediate.has_value());
  EXPECT_FALSE(r->message.has_value());

  const std::string v1 =
      R"({"uuid":"u-1","token":"vtoken-123","ts":"1","type":"event_callback","event":{"type":"message"}})";
  r = adapter->ParseWebhook(Signed(v1));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->immediate->body, "{}");
}

TEST_F(FeishuAdapterTest, WithoutEncryptKeyTheBodyTokenAuthenticates) {
  auto adapter = Make(/*with_key=*/false);
  auto r = adapter->ParseWebhook(Plain(ReadTestdata("receive_v1_group_reply.json")));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->message->reply_to, "om_bot_wish_card");
  // An encrypted body cannot be read without a key.
  auto enc = adapter->ParseWebhook(Signed(ReadTestdata("receive_v1_group_reply.json")));
  EXPECT_EQ(enc.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(FeishuAdapterTest, MalformedAndDeepJsonAreInvalidArgument) {
  auto adapter = Make();
  const std::string deep = std::string(50000, '[') + std::string(50000, ']');
  for (const std::string& body :
       {std::string("{oops"), std::string("[]"), std::string("\"str\""), deep,
        std::string(R"({"encrypt":7})"), std::string("{\"a\":") + deep + "}"}) {
    auto r = adapter->ParseWebhook(Signed(body));  // encrypted + signed
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << body.substr(0, 20);
    HttpRequest plain = Plain(body);
    plain.headers["X-Lark-Request-Timestamp"] = std::to_string(kNowS);
    plain.headers["X-Lark-Request-Nonce"] = "n";
    plain.headers["X-Lark-Signature"] =
        EventSignature(std::to_string(kNowS), "n", kEncryptKey, body);
    r = adapter->ParseWebhook(plain);  // plain + signed
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << body.substr(0, 20);
  }
  json bad_content = json::parse(ReadTestdata("receive_v1_p2p_text.json"));
  bad_content["event"]["message"]["content"] = std::string(1000, '{');
  EXPECT_EQ(adapter->ParseWebhook(Signed(bad_content.dump())).status().code(),
            StatusCode::kInvalidArgument);

  auto no_key = Make(false);
  EXPECT_EQ(no_key->ParseWebhook(Plain(deep)).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(no_key->ParseWebhook(Plain("")).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(FeishuAdapterTest, OnlyPost) {
  auto adapter = Make();
  HttpRequest get = Signed(ReadTestdata("receive_v1_p2p_text.json"));
  get.method = "GET";
  EXPECT_EQ(adapter->ParseWebhook(get).status().code(), StatusCode::kNotFound);
}

// --- Send ----------------------------------------------------------------------------------

OutboundMessage Text(std::string text = "已登记") {
  OutboundMessage m;
  m.to.channel = "fs";
  m.to.chat_id = "oc_1";
  m.to.user_id = "ou_1";
  m.to.chat_type = ChatType::kGroup;
  m.text = std::move(text);
  return m;
}

TEST_F(FeishuAdapterTest, SendFetchesTokenOnceAndPostsToChat) {
  auto adapter = Make();
  SendResult a = adapter->Send(Text("one"));
  SendResult b = adapter->Send(Text("two"));
  EXPECT_EQ(a.outcome, SendResult::Outcome::kSent);
  EXPECT_EQ(a.platform_message_id, "om_sent");
  EXPECT_EQ(b.outcome, SendResult::Outcome::kSent);

  auto tokens = http_.Matching("/open-apis/auth/v3/tenant_access_token/internal");
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens[0].url, "https://feishu.test/open-apis/auth/v3/tenant_access_token/internal");
  EXPECT_EQ(json::parse(tokens[0].body),
            json::parse(R"({"app_id":"cli_1","app_secret":"secret-1"})"));

  auto sends = http_.Matching("/open-apis/im/v1/messages");
  ASSERT_EQ(sends.size(), 2u);
  EXPECT_EQ(sends[0].url, "https://feishu.test/open-apis/im/v1/messages?receive_id_type=chat_id");
  EXPECT_EQ(sends[0].method, "POST");
  EXPECT_EQ(HeaderValue(sends[0], "Authorization"), "Bearer t-1");
  const json body = json::parse(sends[0].body);
  EXPECT_EQ(body.value("receive_id", ""), "oc_1");
  EXPECT_EQ(body.value("msg_type", ""), "text");
  EXPECT_EQ(json::parse(body.value("content", "")).value("text", ""), "one");
  EXPECT_EQ(body.value("uuid", "").size(), 32u);
}

TEST_F(FeishuAdapterTest, SendRepliesWhenReplyToIsSet) {
  auto adapter = Make();
  OutboundMessage m = Text("谢谢认领");
  m.reply_to = "om_bot_wish_card";
  m.choices = {{"确认", "yes"}, {"取消", "no"}};
  ASSERT_EQ(adapter->Send(m).outcome, SendResult::Outcome::kSent);
  auto sends = http_.Matching("/open-apis/im/v1/messages");
  ASSERT_EQ(sends.size(), 1u);
  EXPECT_EQ(sends[0].url, "https://feishu.test/open-apis/im/v1/messages/om_bot_wish_card/reply");
  const json body = json::parse(sends[0].body);
  EXPECT_FALSE(body.contains("receive_id"));
  EXPECT_EQ(json::parse(body.value("content", "")).value("text", ""),
            "谢谢认领\n\n1. 确认\n2. 取消");
}

TEST_F(FeishuAdapterTest, TokenIsRefreshedFiveMinutesBeforeExpiry) {
  auto adapter = Make();
  ASSERT_EQ(adapter->Send(Text()).outcome, SendResult::Outcome::kSent);
  clock_.Advance(seconds(7200 - 301));
  ASSERT_EQ(adapter->Send(Text()).outcome, SendResult::Outcome::kSent);
  EXPECT_EQ(http_.Matching("tenant_access_token").size(), 1u);
  clock_.Advance(seconds(2));
  ASSERT_EQ(adapter->Send(Text()).outcome, SendResult::Outcome::kSent);
  EXPECT_EQ(http_.Matching("tenant_access_token").size(), 2u);
}

TEST_F(FeishuAdapterTest, InvalidTokenIsRefetchedOnceWithTheSameUuid) {
  auto adapter = Make();
  ASSERT_EQ(adapter->Send(Text()).outcome, SendResult::Outcome::kSent);  // caches t-1
  http_.Then("/im/v1/messages", [](const HttpClientRequest&) -> StatusOr<HttpResponse> {
    return JsonResponse(400, R"({"code":99991663,"msg":"Invalid access token for authorization"})");
  });
  http_.Then("tenant_access_token", [](const HttpClientRequest&) -> StatusOr<HttpResponse> {
    return JsonResponse(200, R"({"code":0,"tenant_access_token":"t-2","expire":7200})");
  });
  OutboundMessage m = Text("retry me");
  SendResult r = adapter->Send(m);
  EXPECT_EQ(r.outcome, SendResult::Outcome::kSent);
  auto sends = http_.Matching("/im/v1/messages");
  ASSERT_EQ(sends.size(), 3u);
  EXPECT_EQ(HeaderValue(sends[1], "Authorization"), "Bearer t-1");
  EXPECT_EQ(HeaderValue(sends[2], "Authorization"), "Bearer t-2");
  EXPECT_EQ(json::parse(sends[1].body).value("uuid", "x"),
            json::parse(sends[2].body).value("uuid", "y"));
  EXPECT_EQ(http_.Matching("tenant_access_token").size(), 2u);

  // Refused twice in one call: one refetch only, then kRetry.
  for (int i = 0; i < 2; ++i) {
    http_.Then("/im/v1/messages", [](const HttpClientRequest&) -> StatusOr<HttpResponse> {
      return JsonResponse(200, R"({"code":99991661,"msg":"missing token"})");
    });
  }
  r = adapter->Send(m);
  EXPECT_EQ(r.outcome, SendResult::Outcome::kRetry);
  EXPECT_EQ(http_.Matching("tenant_access_token").size(), 3u);
}

// Two instances (two adapters on one token store, issue 14): one tenant token fetch between
// them, and a token Feishu refuses is dropped for both.
TEST_F(FeishuAdapterTest, TwoInstancesShareOneTenantToken) {
  testing::MemoryTokenStore store;
  RecordingHttpClient other_http;
  other_http.fallback = http_.fallback;
  auto a = CreateFeishuAdapter(Channel(), AdapterDeps{clock_, http_, &store});
  auto b = CreateFeishuAdapter(Channel(), AdapterDeps{clock_, other_http, &store});
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ((*a)->Send(Text()).outcome, SendResult::Outcome::kSent);
  ASSERT_EQ((*b)->Send(Text()).outcome, SendResult::Outcome::kSent);
  EXPECT_EQ(http_.Matching("tenant_access_token").size(), 1u);
  EXPECT_TRUE(other_http.Matching("tenant_access_token").empty());
  EXPECT_EQ(HeaderValue(other_http.Matching("/im/v1/messages")[0], "Authorization"), "Bearer t-1");
  EXPECT_EQ(store.Stored("fs", FeishuAdapter::kTokenKind), "t-1");

  other_http.Then("/im/v1/messages", [](const HttpClientRequest&) -> StatusOr<HttpResponse> {
    return JsonResponse(400, R"({"code":99991663,"msg":"Invalid access token for authorization"})");
  });
  other_http.Then("tenant_access_token", [](const HttpClientRequest&) -> StatusOr<HttpResponse> {
    return JsonResponse(200, R"({"code":0,"tenant_access_token":"t-2","expire":7200})");
  });
  ASSERT_EQ((*b)->Send(Text()).outcome, SendResult::Outcome::kSent);
  EXPECT_EQ(store.Stored("fs", FeishuAdapter::kTokenKind), "t-2");
}

TEST_F(FeishuAdapterTest, UuidIsStableAcrossRetriesOfTheSameRow) {
  auto adapter = Make();
  http_.Then("/im/v1/messages", [](const HttpClientRequest&) -> StatusOr<HttpResponse> {
    return Status::DeadlineExceeded("timeout");
  });
  OutboundMessage m = Text("重复也只发一次");
  EXPECT_EQ(adapter->Send(m).outcome, SendResult::Outcome::kRetry);
  EXPECT_EQ(adapter->Send(m).outcome, SendResult::Outcome::kSent);
  auto sends = http_.Matching("/im/v1/messages");
  ASSERT_EQ(sends.size(), 2u);
  EXPECT_EQ(json::parse(sends[0].body).value("uuid", "a"),
            json::parse(sends[1].body).value("uuid", "b"));

  m.idempotency_key = "outbox-row-17";
  ASSERT_EQ(adapter->Send(m).outcome, SendResult::Outcome::kSent);
  EXPECT_EQ(json::parse(http_.Matching("/im/v1/messages").back().body).value("uuid", ""),
            "outbox-row-17");
}

TEST_F(FeishuAdapterTest, SendOutcomeMapping) {
  auto adapter = Make();
  struct Case {
    StatusOr<HttpResponse> answer;
    SendResult::Outcome expected;
  };
  const std::vector<Case> cases = {
      {JsonResponse(200, R"({"code":99991400,"msg":"request trigger frequency limit"})"),
       SendResult::Outcome::kRetry},
      {JsonResponse(400, R"({"code":230020,"msg":"frequency limit"})"),
       SendResult::Outcome::kRetry},
      {JsonResponse(200, R"({"code":230001,"msg":"invalid receive_id"})"),
       SendResult::Outcome::kPermanent},
      {JsonResponse(400, R"({"code":230002,"msg":"bot not in chat"})"),
       SendResult::Outcome::kPermanent},
      {JsonResponse(500, R"({"code":1500,"msg":"internal"})"), SendResult::Outcome::kRetry},
      {JsonResponse(502, "<html>bad gateway</html>"), SendResult::Outcome::kRetry},
      {JsonResponse(429, "slow down"), SendResult::Outcome::kRetry},
      {JsonResponse(404, "not found"), SendResult::Outcome::kPermanent},
      {JsonResponse(200, "not json"), SendResult::Outcome::kRetry},
      {Status::Unavailable("connect refused"), SendResult::Outcome::kRetry},
      {Status::DeadlineExceeded("timeout"), SendResult::Outcome::kRetry},
      {Status::InvalidArgument("bad url"), SendResult::Outcome::kPermanent},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    const auto answer = cases[i].answer;
    http_.Then("/im/v1/messages", [answer](const HttpClientRequest&) { return answer; });
    SendResult r = adapter->Send(Text());
    EXPECT_EQ(r.outcome, cases[i].expected) << "case " << i << ": " << r.error;
    EXPECT_EQ(r.error.find("secret-1"), std::string::npos);
    EXPECT_EQ(r.error.find("t-1"), std::string::npos);
  }
}

TEST_F(FeishuAdapterTest, RateLimitHonoursResetHeader) {
  auto adapter = Make();
  http_.Then("/im/v1/messages", [](const HttpClientRequest&) -> StatusOr<HttpResponse> {
    HttpResponse r = JsonResponse(400, R"({"code":99991400,"msg":"limit"})");
    r.headers.emplace_back("X-Ogw-Ratelimit-Reset", "7");
    return r;
  });
  SendResult r = adapter->Send(Text());
  EXPECT_EQ(r.outcome, SendResult::Outcome::kRetry);
  EXPECT_EQ(r.retry_after, milliseconds(7000));
}

TEST_F(FeishuAdapterTest, TokenFetchFailuresAreRetried) {
  auto adapter = Make();
  http_.Then("tenant_access_token", [](const HttpClientRequest&) -> StatusOr<HttpResponse> {
    return JsonResponse(200, R"({"code":10014,"msg":"app secret invalid"})");
  });
  http_.Then("tenant_access_token", [](const HttpClientRequest&) -> StatusOr<HttpResponse> {
    return Status::Unavailable("down");
  });
  EXPECT_EQ(adapter->Send(Text()).outcome, SendResult::Outcome::kRetry);
  EXPECT_EQ(adapter->Send(Text()).outcome, SendResult::Outcome::kRetry);
  EXPECT_EQ(adapter->Send(Text()).outcome, SendResult::Outcome::kSent);
  EXPECT_EQ(http_.Matching("/im/v1/messages").size(), 1u);
}

TEST_F(FeishuAdapterTest, CallbackAnswerIsANoOpAndMissingTargetIsPermanent) {
  auto adapter = Make();
  OutboundMessage cb = Text();
  cb.kind = OutboundKind::kCallbackAnswer;
  EXPECT_EQ(adapter->Send(cb).outcome, SendResult::Outcome::kSent);
  OutboundMessage nowhere = Text();
  nowhere.to.chat_id.clear();
  EXPECT_EQ(adapter->Send(nowhere).outcome, SendResult::Outcome::kPermanent);
  EXPECT_TRUE(http_.requests.empty());
}

TEST_F(FeishuAdapterTest, ConcurrentSendersShareOneTokenFetch) {
  auto adapter = Make();
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&adapter, i] {
      for (int j = 0; j < 10; ++j) {
        EXPECT_EQ(adapter->Send(Text(std::to_string(i * 100 + j))).outcome,
                  SendResult::Outcome::kSent);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(http_.Matching("tenant_access_token").size(), 1u);
  EXPECT_EQ(http_.Matching("/im/v1/messages").size(), 80u);
}

// --- media (issue 11 point 4) -----------------------------------------------------------

HttpResponse ImageResponse(const std::string& bytes) {
  HttpResponse r;
  r.status = 200;
  r.content_type = "image/png";
  r.body = bytes;
  return r;
}

TEST_F(FeishuAdapterTest, FetchMediaGetsTheMessageResourceWithTheTenantToken) {
  auto adapter = Make();
  const std::string png = std::string("\x89PNG\r\n\x1A\n", 8) + "pixels";
  http_.Then("/resources/", [&](const HttpClientRequest&) -> StatusOr<HttpResponse> {
    return ImageResponse(png);
  });
  MediaFetchRequest req;
  req.ref = "img_v2_abc";
  req.message_id = "om_123";
  req.max_bytes = 1 << 20;
  const MediaFetchResult r = adapter->FetchMedia(req);
  ASSERT_EQ(r.outcome, MediaFetchResult::Outcome::kFetched) << r.error;
  EXPECT_EQ(r.bytes, png);
  auto calls = http_.Matching("/resources/");
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].method, "GET");
  EXPECT_NE(calls[0].url.find("https://feishu.test"), std::string::npos) << calls[0].url;  // api_base
  EXPECT_NE(calls[0].url.find("/open-apis/im/v1/messages/om_123/resources/img_v2_abc?type=image"),
            std::string::npos)
      << calls[0].url;
  EXPECT_EQ(HeaderValue(calls[0], "Authorization"), "Bearer t-1");
}

TEST_F(FeishuAdapterTest, FetchMediaRefreshesARefusedTokenOnceAndReadsPlatformErrors) {
  auto adapter = Make();
  MediaFetchRequest req;
  req.ref = "img_v2_abc";
  req.message_id = "om_123";
  // The cached token was revoked: one refetch, then the image.
  http_.Then("/resources/", [](const HttpClientRequest&) -> StatusOr<HttpResponse> {
    return JsonResponse(400, R"({"code":99991663,"msg":"Invalid access token for authorization"})");
  });
  http_.Then("/resources/", [](const HttpClientRequest&) -> StatusOr<HttpResponse> {
    return ImageResponse("\xFF\xD8\xFFjpeg");
  });
  EXPECT_EQ(adapter->FetchMedia(req).outcome, MediaFetchResult::Outcome::kFetched);
  EXPECT_EQ(http_.Matching("tenant_access_token").size(), 2u);
  // A resource the bot may not read: permanent, with the platform's code in the error.
  http_.Then("/resources/", [](const HttpClientRequest&) -> StatusOr<HttpResponse> {
    return JsonResponse(400, R"({"code":234003,"msg":"File not in msg."})");
  });
  const MediaFetchResult denied = adapter->FetchMedia(req);
  EXPECT_EQ(denied.outcome, MediaFetchResult::Outcome::kPermanent);
  EXPECT_NE(denied.error.find("234003"), std::string::npos) << denied.error;
  // Throttled or failing servers: try again later.
  http_.Then("/resources/", [](const HttpClientRequest&) -> StatusOr<HttpResponse> {
    return JsonResponse(503, "<html>busy</html>");
  });
  EXPECT_EQ(adapter->FetchMedia(req).outcome, MediaFetchResult::Outcome::kRetry);
  // Without the message id the resource API cannot be asked: nothing sent.
  const size_t before = http_.Matching("/resources/").size();
  req.message_id.clear();
  EXPECT_EQ(adapter->FetchMedia(req).outcome, MediaFetchResult::Outcome::kPermanent);
  EXPECT_EQ(http_.Matching("/resources/").size(), before);
}

}  // namespace
}  // namespace linli::adapters::feishu::feishu_adapter_test
