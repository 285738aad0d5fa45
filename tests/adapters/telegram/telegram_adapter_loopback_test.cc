// The adapter against FakeTelegramApi over real loopback sockets (STYLE.md 7). The
// production client (bot/server/httplib_client.*) lives in linli_server, which this binary does not
// link, so a minimal cpp-httplib HttpClient is defined here.
#include <gtest/gtest.h>
#include <httplib.h>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "adapters/telegram/telegram_adapter.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_telegram_api.h"

namespace linli::adapters::telegram::telegram_adapter_loopback_test {
namespace {

using nlohmann::json;
using testing::FakeTelegramApi;

constexpr char kToken[] = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";

// Plain-http only; enough for loopback.
class LoopbackHttpClient final : public HttpClient {
 public:
  StatusOr<HttpResponse> Send(const HttpClientRequest& request) override {
    const std::string prefix = "http://";
    if (request.url.rfind(prefix, 0) != 0) return Status::InvalidArgument("not http");
    const size_t slash = request.url.find('/', prefix.size());
    const std::string host_port = request.url.substr(prefix.size(), slash - prefix.size());
    const std::string path = slash == std::string::npos ? "/" : request.url.substr(slash);
    httplib::Client client("http://" + host_port);
    client.set_tcp_nodelay(true);
    client.set_connection_timeout(request.timeout);
    client.set_read_timeout(request.timeout);
    client.set_write_timeout(request.timeout);
    auto res = client.Post(path.c_str(), request.body, request.content_type.c_str());
    if (!res) {
      if (res.error() == httplib::Error::Read) return Status::DeadlineExceeded("read timed out");
      return Status::Unavailable(httplib::to_string(res.error()));
    }
    HttpResponse out;
    out.status = res->status;
    out.body = res->body;
    out.content_type = res->get_header_value("Content-Type");
    return out;
  }
};

class TelegramLoopbackTest : public ::testing::Test {
 protected:
  std::unique_ptr<TelegramAdapter> Make(const std::string& token,
                                        const std::string& timeout_ms = "") {
    config::ChannelConfig c;
    c.name = "tg";
    c.type = "telegram";
    c.api_base = api_.api_base();
    c.fields = {{"token", token}, {"secret_token", "secret"}};
    if (!timeout_ms.empty()) c.fields["timeout_ms"] = timeout_ms;
    auto a = TelegramAdapter::Create(c, deps_);
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    return a.ok() ? std::move(a).value() : nullptr;
  }

  static OutboundMessage Text(std::string chat_id, std::string text) {
    OutboundMessage m;
    m.to = {"tg", "6012345678", std::move(chat_id), ChatType::kGroup};
    m.text = std::move(text);
    return m;
  }

  FakeTelegramApi api_{kToken};
  testing::FakeClock clock_;
  LoopbackHttpClient http_;
  AdapterDeps deps_{clock_, http_};
};

TEST_F(TelegramLoopbackTest, SendMessageReachesApiAndReturnsMessageId) {
  auto adapter = Make(kToken);
  OutboundMessage m = Text("-1001234567890", "微公约第3条：晚10点后禁止装修");
  m.choices = {{"赞成", "v:42:y"}, {"反对", "v:42:n"}};
  const SendResult r = adapter->Send(m);
  ASSERT_EQ(r.outcome, SendResult::Outcome::kSent) << r.error;
  EXPECT_EQ(r.platform_message_id, std::to_string(api_.last_message_id()));

  const auto reqs = api_.requests("sendMessage");
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].token, kToken);
  EXPECT_EQ(reqs[0].body["chat_id"], -1001234567890);
  EXPECT_EQ(reqs[0].body["text"], "微公约第3条：晚10点后禁止装修");
  EXPECT_EQ(reqs[0].body["reply_markup"],
            json::parse(R"({"inline_keyboard":[[{"text":"赞成","callback_data":"v:42:y"},
                                                 {"text":"反对","callback_data":"v:42:n"}]]})"));
}

// Issue 11: a ticket's photo to a staff group - uploaded where the photo came in over another
// channel (the fake parses the multipart body like Telegram would), by file id where it came
// in over this bot, and as the text where the file is gone.
class TelegramPhotoLoopbackTest : public TelegramLoopbackTest {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("linli_tg_photo_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string File(const std::string& bytes) {
    const auto path = dir_ / "ticket-7-1.jpg";
    std::ofstream(path, std::ios::binary) << bytes;
    return path.string();
  }
  static OutboundMessage Photo(const std::string& path, const std::string& ref_channel) {
    OutboundMessage m = Text("-1001234567890", "工单 #7 附有现场照片：照片见控制台");
    m.reply_to = "41";
    m.image = OutboundImage{path, "image/jpeg", "AgACphoto", ref_channel, "工单 #7 设施维修"};
    return m;
  }
  std::filesystem::path dir_;
};

TEST_F(TelegramPhotoLoopbackTest, UploadsTheFileWhenItCameFromAnotherChannel) {
  auto adapter = Make(kToken);
  std::string bytes = "\xFF\xD8\xFF\xE0";
  bytes.resize(5000, '\x7f');
  bytes[100] = '\0';
  const SendResult r = adapter->Send(Photo(File(bytes), "wecom-app"));
  ASSERT_EQ(r.outcome, SendResult::Outcome::kSent) << r.error;
  EXPECT_EQ(r.platform_message_id, std::to_string(api_.last_message_id()));
  const auto reqs = api_.requests("sendPhoto");
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].content_type.rfind("multipart/form-data; boundary=", 0), 0u);
  const auto* photo = [&]() -> const testing::FakeFormPart* {
    for (const auto& p : reqs[0].form) {
      if (p.name == "photo") return &p;
    }
    return nullptr;
  }();
  ASSERT_NE(photo, nullptr);
  EXPECT_TRUE(photo->content == bytes);
  EXPECT_EQ(photo->filename, "photo.jpg");
  EXPECT_EQ(photo->content_type, "image/jpeg");
  std::map<std::string, std::string> fields;
  for (const auto& p : reqs[0].form) fields[p.name] = p.content;
  EXPECT_EQ(fields["chat_id"], "-1001234567890");
  EXPECT_EQ(fields["caption"], "工单 #7 设施维修");
  EXPECT_EQ(json::parse(fields["reply_parameters"])["message_id"], 41);
  EXPECT_TRUE(api_.requests("sendMessage").empty());
}

TEST_F(TelegramPhotoLoopbackTest, ReusesTheFileIdOfThisBotAndUploadsIfItIsRefused) {
  auto adapter = Make(kToken);
  const std::string path = File(std::string("\xFF\xD8\xFF\xE0jpeg", 8));
  SendResult r = adapter->Send(Photo(path, "tg"));
  ASSERT_EQ(r.outcome, SendResult::Outcome::kSent) << r.error;
  auto reqs = api_.requests("sendPhoto");
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].body["photo"], "AgACphoto");  // JSON, no upload
  EXPECT_EQ(reqs[0].body["reply_parameters"]["message_id"], 41);
  EXPECT_TRUE(reqs[0].form.empty());
  api_.FailNext("sendPhoto", 1, 400,
                R"({"ok":false,"error_code":400,"description":"Bad Request: wrong file identifier"})");
  r = adapter->Send(Photo(path, "tg"));
  ASSERT_EQ(r.outcome, SendResult::Outcome::kSent) << r.error;
  EXPECT_EQ(r.requests, 2);
  reqs = api_.requests("sendPhoto");
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_FALSE(reqs[2].form.empty());  // the upload after the refusal
}

TEST_F(TelegramPhotoLoopbackTest, AMissingFileSendsTheTextInstead) {
  auto adapter = Make(kToken);
  const SendResult r = adapter->Send(Photo((dir_ / "gone.jpg").string(), "wecom-app"));
  ASSERT_EQ(r.outcome, SendResult::Outcome::kSent) << r.error;
  EXPECT_TRUE(api_.requests("sendPhoto").empty());
  const auto texts = api_.requests("sendMessage");
  ASSERT_EQ(texts.size(), 1u);
  EXPECT_EQ(texts[0].body["text"], "工单 #7 附有现场照片：照片见控制台");
  EXPECT_EQ(texts[0].body["reply_parameters"]["message_id"], 41);
}

TEST_F(TelegramLoopbackTest, ScriptedFailuresMapToOutcomes) {
  auto adapter = Make(kToken);
  api_.FailNextWith500("sendMessage", 2);
  api_.FailNextWith429("sendMessage", 1, 1);
  EXPECT_EQ(adapter->Send(Text("1", "a")).outcome, SendResult::Outcome::kRetry);
  EXPECT_EQ(adapter->Send(Text("1", "a")).outcome, SendResult::Outcome::kRetry);
  const SendResult limited = adapter->Send(Text("1", "a"));
  EXPECT_EQ(limited.outcome, SendResult::Outcome::kRetry);
  EXPECT_EQ(limited.retry_after, std::chrono::seconds(1));
  EXPECT_EQ(adapter->Send(Text("1", "a")).outcome, SendResult::Outcome::kSent);
  EXPECT_EQ(api_.requests("sendMessage").size(), 4u);
}

TEST_F(TelegramLoopbackTest, CallbackAnswer) {
  auto adapter = Make(kToken);
  OutboundMessage m;
  m.kind = OutboundKind::kCallbackAnswer;
  m.callback_id = "4382169520187654321";
  EXPECT_EQ(adapter->Send(m).outcome, SendResult::Outcome::kSent);
  const auto reqs = api_.requests("answerCallbackQuery");
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].body["callback_query_id"], "4382169520187654321");
}

TEST_F(TelegramLoopbackTest, WrongTokenIsPermanent) {
  auto adapter = Make("999:wrongtoken");
  const SendResult r = adapter->Send(Text("1", "a"));
  EXPECT_EQ(r.outcome, SendResult::Outcome::kPermanent);
  EXPECT_NE(r.error.find("401"), std::string::npos);
  EXPECT_EQ(r.error.find("wrongtoken"), std::string::npos);
  EXPECT_EQ(api_.unauthorized_count(), 1u);
}

// Telegram has no idempotency key: a timed-out sendMessage may have been delivered, and the
// retry the outbox makes will duplicate it (SECURITY.md). The adapter says kRetry and logs it.
TEST_F(TelegramLoopbackTest, TimeoutIsRetryAndTheRequestMayHaveArrived) {
  auto adapter = Make(kToken, "200");
  api_.SetResponseDelay(std::chrono::milliseconds(600));
  const SendResult r = adapter->Send(Text("1", "a"));
  EXPECT_EQ(r.outcome, SendResult::Outcome::kRetry);
  EXPECT_NE(r.error.find("may have been delivered"), std::string::npos);
  EXPECT_TRUE(api_.WaitForRequests(1, std::chrono::seconds(2)));
}

TEST_F(TelegramLoopbackTest, ApiDownIsRetry) {
  auto adapter = Make(kToken);
  api_.Stop();
  EXPECT_EQ(adapter->Send(Text("1", "a")).outcome, SendResult::Outcome::kRetry);
}

}  // namespace
}  // namespace linli::adapters::telegram::telegram_adapter_loopback_test
