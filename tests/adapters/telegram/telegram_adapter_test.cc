#include "adapters/telegram/telegram_adapter.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "adapters/registry.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/recording_http_client.h"

namespace linli::adapters::telegram::telegram_adapter_test {
namespace {

using nlohmann::json;
using testing::FakeClock;
using testing::RecordingHttpClient;

constexpr char kToken[] = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
constexpr char kSecret[] = "s3cr3t_Linli-webhook";

std::string ReadTestdata(const std::string& name) {
  std::ifstream in(std::string(LINLI_TESTDATA_DIR) + "/telegram/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

config::ChannelConfig Channel() {
  config::ChannelConfig c;
  c.name = "tg";
  c.type = "telegram";
  c.api_base = "https://api.example.test/";
  c.fields = {{"token", kToken}, {"secret_token", kSecret}};
  return c;
}

class TelegramAdapterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto a = TelegramAdapter::Create(Channel(), deps_);
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    adapter_ = std::move(a).value();
  }

  HttpRequest Webhook(std::string body, std::string secret = kSecret) {
    HttpRequest r;
    r.method = "POST";
    r.target = r.path = "/webhook/tg";
    if (!secret.empty()) r.headers["X-Telegram-Bot-Api-Secret-Token"] = secret;
    r.headers["Content-Type"] = "application/json";
    r.body = std::move(body);
    r.remote_addr = "149.154.167.220";
    return r;
  }

  OutboundMessage Text(std::string text) {
    OutboundMessage m;
    m.to = {"tg", "5123456789", "5123456789", ChatType::kPrivate};
    m.text = std::move(text);
    return m;
  }

  FakeClock clock_;
  RecordingHttpClient http_;
  AdapterDeps deps_{clock_, http_};
  std::unique_ptr<TelegramAdapter> adapter_;
};

// ---- config ----

TEST_F(TelegramAdapterTest, ConfigErrorsNameChannelAndField) {
  auto expect_error = [&](config::ChannelConfig c, const std::string& want) {
    auto a = TelegramAdapter::Create(c, deps_);
    ASSERT_FALSE(a.ok()) << want;
    EXPECT_EQ(a.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(a.status().message().find(want), std::string::npos) << a.status().message();
  };
  config::ChannelConfig c = Channel();
  c.fields.erase("secret_token");
  expect_error(c, "channels[tg].secret_token: missing");
  c = Channel();
  c.fields.erase("token");
  expect_error(c, "channels[tg].token: missing");
  c = Channel();
  c.fields["secret_token"] = "has space";
  expect_error(c, "channels[tg].secret_token");
  c.fields["secret_token"] = std::string(257, 'a');
  expect_error(c, "channels[tg].secret_token");
  c = Channel();
  c.fields["token"] = "123/../x";
  expect_error(c, "channels[tg].token");
  c = Channel();
  c.api_base = "ftp://x";
  expect_error(c, "channels[tg].api_base");
  c = Channel();
  c.fields["timeout_ms"] = "soon";
  expect_error(c, "channels[tg].timeout_ms");
  // How old a Mini App's initData may be (the resident page, web/me_channels.h).
  for (const char* bad : {"59", "604801", "an hour"}) {
    c = Channel();
    c.fields["webapp_max_age_s"] = bad;
    expect_error(c, "channels[tg].webapp_max_age_s: must be an integer in 60..604800");
  }
  c = Channel();
  c.fields["webapp_max_age_s"] = "3600";
  EXPECT_TRUE(TelegramAdapter::Create(c, deps_).ok());

  c = Channel();
  c.fields["secret_token"] = std::string(256, 'a');
  EXPECT_TRUE(TelegramAdapter::Create(c, deps_).ok());
}

TEST_F(TelegramAdapterTest, DefaultApiBaseIsOfficial) {
  config::ChannelConfig c = Channel();
  c.api_base.clear();
  auto a = TelegramAdapter::Create(c, deps_);
  ASSERT_TRUE(a.ok());
  (*a)->Send(Text("hi"));
  EXPECT_EQ(http_.last_request().url,
            std::string("https://api.telegram.org/bot") + kToken + "/sendMessage");
}

TEST_F(TelegramAdapterTest, RegistryBuildsTelegram) {
  auto a = CreateAdapter(Channel(), deps_);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ((*a)->type(), "telegram");
  EXPECT_EQ((*a)->name(), "tg");
  EXPECT_FALSE((*a)->passive_replies());
  const auto known = KnownAdapterTypes();
  EXPECT_NE(std::find(known.begin(), known.end(), "telegram"), known.end());
  config::ChannelConfig bad = Channel();
  bad.fields.erase("secret_token");
  auto b = CreateAdapter(bad, deps_);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().message(), "channels[tg].secret_token: missing");
}

// ---- ParseWebhook ----

// Telegram allows about 20 messages a minute into one group: each group chat is paced on its
// own; private chats are not paced here (a 429 still defers them, rate_limited).
TEST_F(TelegramAdapterTest, GroupChatsArePacedAt20PerMinuteEach) {
  const SendPace group = adapter_->Pace({"tg", "u1", "-1001", ChatType::kGroup});
  EXPECT_EQ(group.key, "tg|-1001");
  ASSERT_EQ(group.budgets.size(), 1u);
  EXPECT_EQ(group.budgets[0].messages, 20);
  EXPECT_EQ(group.budgets[0].window, std::chrono::minutes(1));
  EXPECT_EQ(adapter_->Pace({"tg", "u1", "-1002", ChatType::kGroup}).key, "tg|-1002");
  EXPECT_TRUE(adapter_->Pace({"tg", "u1", "u1", ChatType::kPrivate}).key.empty());
}

TEST_F(TelegramAdapterTest, ParsesVerifiedWebhook) {
  auto r = adapter_->ParseWebhook(Webhook(ReadTestdata("text_private.json")));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(r->message.has_value());
  EXPECT_EQ(r->message->conversation.channel, "tg");
  EXPECT_EQ(r->message->platform_message_id, "u731204551");
}

TEST_F(TelegramAdapterTest, MissingOrWrongSecretIsUnauthenticated) {
  const std::string body = ReadTestdata("text_private.json");
  for (const std::string& secret :
       {std::string(), std::string("wrong"), std::string(kSecret) + "x",
        std::string(kSecret).substr(1), std::string("S3cr3t_Linli-webhook")}) {
    auto r = adapter_->ParseWebhook(Webhook(body, secret));
    ASSERT_FALSE(r.ok()) << secret;
    EXPECT_EQ(r.status().code(), StatusCode::kUnauthenticated) << secret;
    EXPECT_EQ(r.status().message().find(kSecret), std::string::npos);
  }
}

TEST_F(TelegramAdapterTest, SecretIsCheckedBeforeTheBody) {
  auto r = adapter_->ParseWebhook(Webhook(std::string(10000, '['), "wrong"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnauthenticated);
}

TEST_F(TelegramAdapterTest, HeaderNameIsCaseInsensitive) {
  HttpRequest req = Webhook(ReadTestdata("text_private.json"), "");
  req.headers["x-telegram-bot-api-secret-token"] = kSecret;
  EXPECT_TRUE(adapter_->ParseWebhook(req).ok());
}

TEST_F(TelegramAdapterTest, OnlyPost) {
  HttpRequest req = Webhook(ReadTestdata("text_private.json"));
  req.method = "GET";
  auto r = adapter_->ParseWebhook(req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
}

TEST_F(TelegramAdapterTest, BadBodiesAreInvalidArgument) {
  for (const std::string& body : {std::string("{"), std::string(10000, '['), std::string("[1]"),
                                  std::string(R"({"message":{}})")}) {
    auto r = adapter_->ParseWebhook(Webhook(body));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  }
}

TEST_F(TelegramAdapterTest, IgnoredUpdatesGetImmediate200) {
  auto r = adapter_->ParseWebhook(Webhook(ReadTestdata("edited_message.json")));
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->immediate.has_value());
  EXPECT_EQ(r->immediate->status, 200);
  EXPECT_FALSE(r->message.has_value());
}

TEST_F(TelegramAdapterTest, RenderAckWithoutRepliesIsEmpty200) {
  InboundMessage m;
  const HttpResponse ack = adapter_->RenderAck(m, {});
  EXPECT_EQ(ack.status, 200);
  EXPECT_EQ(ack.body, "");
  // Two replies cannot ride in one answer: the router sends them through the outbox.
  EXPECT_EQ(adapter_->RenderAck(m, {Text("a"), Text("b")}).body, "");
}

// telegram.md §2 [verified]: one call fits in a response and gives no result (no message id), so
// only a single plain reply in a private chat rides in it; anything a later edit or a group
// needs goes through the outbox.
TEST_F(TelegramAdapterTest, OnePlainPrivateReplyIsAnsweredInTheWebhookResponse) {
  InboundMessage in;
  in.conversation = {"tg", "5123456789", "5123456789", ChatType::kPrivate};
  OutboundMessage reply = Text("请选择类别");
  reply.to = in.conversation;
  reply.choices = {{"水电", "c:1"}};
  EXPECT_TRUE(adapter_->MayAnswerInAck(in, {reply}));
  const HttpResponse ack = adapter_->RenderAck(in, {reply});
  EXPECT_EQ(ack.status, 200);
  EXPECT_EQ(ack.content_type.rfind("application/json", 0), 0u) << ack.content_type;
  const json call = json::parse(ack.body);
  EXPECT_EQ(call["method"], "sendMessage");
  EXPECT_EQ(call["chat_id"].get<int64_t>(), 5123456789);
  EXPECT_EQ(call["text"], "请选择类别");
  EXPECT_EQ(call["reply_markup"]["inline_keyboard"][0][0]["callback_data"], "c:1");
  EXPECT_EQ(http_.requests().size(), 0u);  // nothing was sent besides the answer

  // What needs the sent message's id, pacing or an upload goes through the outbox.
  auto refused = [&](OutboundMessage r, InboundMessage from) {
    return !adapter_->MayAnswerInAck(from, {r});
  };
  OutboundMessage card = reply;
  card.card_kind = "wish";
  EXPECT_TRUE(refused(card, in));
  OutboundMessage edit = reply;
  edit.edit_of = "77";
  EXPECT_TRUE(refused(edit, in));
  OutboundMessage photo = reply;
  photo.image = OutboundImage{"/tmp/x.jpg", "image/jpeg", "", "", "#1"};
  EXPECT_TRUE(refused(photo, in));
  OutboundMessage notice = reply;
  notice.notice = "ticket_status";
  EXPECT_TRUE(refused(notice, in));
  OutboundMessage elsewhere = reply;
  elsewhere.to.chat_id = "42";
  EXPECT_TRUE(refused(elsewhere, in));
  OutboundMessage long_payload = reply;
  long_payload.choices = {{"x", std::string(65, 'p')}};
  EXPECT_TRUE(refused(long_payload, in));
  OutboundMessage empty_label = reply;  // would not encode (CheckChoices): the outbox records why
  empty_label.choices = {{"", "c:1"}};
  EXPECT_TRUE(refused(empty_label, in));
  InboundMessage group = in;
  group.conversation.chat_type = ChatType::kGroup;
  OutboundMessage to_group = reply;
  to_group.to.chat_type = ChatType::kGroup;
  EXPECT_TRUE(refused(to_group, group));  // groups are paced (20/min)
  EXPECT_FALSE(adapter_->MayAnswerInAck(in, {reply, reply}));
}

TEST_F(TelegramAdapterTest, AnswerInWebhookCanBeTurnedOff) {
  config::ChannelConfig c = Channel();
  c.fields["answer_in_webhook"] = "false";
  auto off = TelegramAdapter::Create(c, deps_);
  ASSERT_TRUE(off.ok()) << off.status().ToString();
  InboundMessage in;
  in.conversation = {"tg", "5123456789", "5123456789", ChatType::kPrivate};
  OutboundMessage reply = Text("hi");
  reply.to = in.conversation;
  EXPECT_FALSE((*off)->MayAnswerInAck(in, {reply}));
  c.fields["answer_in_webhook"] = "yes";
  auto bad = TelegramAdapter::Create(c, deps_);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "channels[tg].answer_in_webhook: must be true or false");
}

// ---- Send ----

TEST_F(TelegramAdapterTest, SendTextPostsJsonToBotApi) {
  http_.PushJson(
      200,
      R"({"ok":true,"result":{"message_id":501,"date":1,"chat":{"id":5123456789,"type":"private"},"text":"hi"}})");
  OutboundMessage m = Text("请选择类别");
  m.choices = {{"卫生", "c:sanitation"}, {"维修", "c:repair"}};
  m.reply_to = "1024";
  const SendResult r = adapter_->Send(m);
  EXPECT_EQ(r.outcome, SendResult::Outcome::kSent);
  EXPECT_EQ(r.platform_message_id, "501");

  ASSERT_EQ(http_.request_count(), 1u);
  const HttpClientRequest req = http_.last_request();
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.url, std::string("https://api.example.test/bot") + kToken + "/sendMessage");
  EXPECT_EQ(req.content_type, "application/json");
  const json body = json::parse(req.body);
  EXPECT_EQ(body["chat_id"], 5123456789);
  EXPECT_EQ(body["text"], "请选择类别");
  EXPECT_EQ(body["reply_markup"]["inline_keyboard"][0][1]["callback_data"], "c:repair");
  EXPECT_EQ(body["reply_parameters"]["message_id"], 1024);
}

TEST_F(TelegramAdapterTest, SendCallbackAnswer) {
  OutboundMessage m;
  m.kind = OutboundKind::kCallbackAnswer;
  m.to = {"tg", "6012345678", "-1001234567890", ChatType::kGroup};
  m.callback_id = "4382169520187654321";
  EXPECT_EQ(adapter_->Send(m).outcome, SendResult::Outcome::kSent);
  const HttpClientRequest req = http_.last_request();
  EXPECT_EQ(req.url, std::string("https://api.example.test/bot") + kToken + "/answerCallbackQuery");
  EXPECT_EQ(json::parse(req.body)["callback_query_id"], "4382169520187654321");

  http_.PushJson(
      400,
      R"({"ok":false,"error_code":400,"description":"Bad Request: query is too old and response timeout expired or query ID is invalid"})");
  EXPECT_EQ(adapter_->Send(m).outcome, SendResult::Outcome::kPermanent);
}

TEST_F(TelegramAdapterTest, OversizedCallbackDataIsPermanentWithoutRequest) {
  OutboundMessage m = Text("?");
  m.choices = {{"ok", std::string(65, 'p')}};
  const SendResult r = adapter_->Send(m);
  EXPECT_EQ(r.outcome, SendResult::Outcome::kPermanent);
  EXPECT_NE(r.error.find("64"), std::string::npos);
  EXPECT_EQ(http_.request_count(), 0u);
}

TEST_F(TelegramAdapterTest, RateLimitedRetriesAfter) {
  http_.PushJson(
      429,
      R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1","parameters":{"retry_after":1}})");
  const SendResult r = adapter_->Send(Text("hi"));
  EXPECT_EQ(r.outcome, SendResult::Outcome::kRetry);
  EXPECT_EQ(r.retry_after, std::chrono::seconds(1));
}

TEST_F(TelegramAdapterTest, ServerErrorRetries) {
  http_.PushJson(500, R"({"ok":false,"error_code":500,"description":"Internal Server Error"})");
  EXPECT_EQ(adapter_->Send(Text("hi")).outcome, SendResult::Outcome::kRetry);
}

TEST_F(TelegramAdapterTest, BadRequestIsPermanent) {
  http_.PushJson(400,
                 R"({"ok":false,"error_code":400,"description":"Bad Request: chat not found"})");
  EXPECT_EQ(adapter_->Send(Text("hi")).outcome, SendResult::Outcome::kPermanent);
  http_.PushJson(
      403,
      R"({"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"})");
  EXPECT_EQ(adapter_->Send(Text("hi")).outcome, SendResult::Outcome::kPermanent);
}

TEST_F(TelegramAdapterTest, TimeoutAndConnectionErrorsRetry) {
  http_.PushError(Status::DeadlineExceeded("timed out"));
  EXPECT_EQ(adapter_->Send(Text("hi")).outcome, SendResult::Outcome::kRetry);
  http_.PushError(Status::Unavailable("connection refused"));
  EXPECT_EQ(adapter_->Send(Text("hi")).outcome, SendResult::Outcome::kRetry);
}

TEST_F(TelegramAdapterTest, ErrorsNeverContainTokenOrText) {
  http_.PushJson(400,
                 R"({"ok":false,"error_code":400,"description":"Bad Request: chat not found"})");
  http_.PushError(Status::Unavailable(std::string("connect to https://api.example.test/bot") +
                                      kToken + " failed"));
  http_.PushError(Status::DeadlineExceeded("timeout"));
  for (int i = 0; i < 3; ++i) {
    const SendResult r = adapter_->Send(Text("3号楼2单元 13812341234"));
    EXPECT_EQ(r.error.find("AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"), std::string::npos) << r.error;
    EXPECT_EQ(r.error.find("13812341234"), std::string::npos) << r.error;
  }
}

TEST_F(TelegramAdapterTest, UsesConfiguredTimeout) {
  config::ChannelConfig c = Channel();
  c.fields["timeout_ms"] = "2500";
  auto a = TelegramAdapter::Create(c, deps_);
  ASSERT_TRUE(a.ok());
  (*a)->Send(Text("hi"));
  EXPECT_EQ(http_.last_request().timeout, std::chrono::milliseconds(2500));
}

}  // namespace
}  // namespace linli::adapters::telegram::telegram_adapter_test
