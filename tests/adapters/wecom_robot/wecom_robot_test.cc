#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "adapters/registry.h"
#include "adapters/wecom_robot/wecom_robot_adapter.h"
#include "adapters/wecom_robot/wecom_robot_codec.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_wecom_robot.h"
#include "tests/fakes/loopback_http_client.h"

namespace linli::adapters::wecom_robot::wecom_robot_test {
namespace {

using Outcome = SendResult::Outcome;

std::string LongText(size_t lines) {
  std::string text;
  for (size_t i = 0; i < lines; ++i) {
    text += (i ? "\n#" : "#") + std::to_string(i) + " 3号楼2单元 漏水 已受理，请物业尽快处理";
  }
  return text;
}

TEST(WecomRobotCodecTest, UrlAndMarkdownBody) {
  EXPECT_EQ(SendUrl("https://qyapi.weixin.qq.com", "693a91f6-7xxx"),
            "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx");
  const auto body = nlohmann::json::parse(RenderMarkdown("## 今日工单\n> 待处理 3"));
  EXPECT_EQ(body["msgtype"], "markdown");
  EXPECT_EQ(body["markdown"]["content"], "## 今日工单\n> 待处理 3");
}

TEST(WecomRobotCodecTest, PartsStayWithin4096Bytes) {
  const std::string text = LongText(400);  // ~25 KB
  const auto parts = MarkdownParts(text);
  ASSERT_GT(parts.size(), 5u);
  std::string joined;
  for (const auto& p : parts) {
    EXPECT_LE(p.size(), kMarkdownMaxBytes);
    joined += (joined.empty() ? "" : "\n") + p;
  }
  EXPECT_TRUE(joined == text);  // cut at line boundaries only: every line whole, in order
  EXPECT_EQ(MarkdownParts(std::string(kMarkdownMaxBytes, 'x')).size(), 1u);
  EXPECT_EQ(MarkdownParts(std::string(kMarkdownMaxBytes + 1, 'x')).size(), 2u);
}

TEST(WecomRobotCodecTest, Answers) {
  EXPECT_EQ(InterpretReply(200, R"({"errcode":0,"errmsg":"ok"})").outcome, Outcome::kSent);
  auto r = InterpretReply(200, R"({"errcode":45009,"errmsg":"api freq out of limit"})");
  EXPECT_EQ(r.outcome, Outcome::kRetry);
  EXPECT_TRUE(r.rate_limited);
  EXPECT_EQ(r.retry_after, kRateLimitWait);
  EXPECT_EQ(r.error, "wecom_robot errcode 45009 api freq out of limit");
  r = InterpretReply(200, R"({"errcode":40058,"errmsg":"markdown.content exceed max length 4096"})");
  EXPECT_EQ(r.outcome, Outcome::kPermanent);
  EXPECT_NE(r.error.find("40058"), std::string::npos);
  EXPECT_EQ(InterpretReply(200, R"({"errcode":93000,"errmsg":"invalid webhook url"})").outcome,
            Outcome::kPermanent);
  r = InterpretReply(200, R"({"errcode":-1,"errmsg":"system busy"})");
  EXPECT_EQ(r.outcome, Outcome::kRetry);
  EXPECT_FALSE(r.rate_limited);
  EXPECT_EQ(InterpretReply(502, "bad gateway").outcome, Outcome::kRetry);
  EXPECT_EQ(InterpretReply(200, "not json").outcome, Outcome::kRetry);
  EXPECT_TRUE(InterpretReply(429, "").rate_limited);
  EXPECT_EQ(InterpretReply(404, "").outcome, Outcome::kPermanent);
}

// A 20-byte PNG start; md5 and base64 computed independently (Python hashlib/base64).
const std::string kPng("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01", 20);

TEST(WecomRobotCodecTest, ImageBodyCarriesBase64AndMd5OfTheRawBytes) {
  const auto body = nlohmann::json::parse(RenderImage(kPng));
  EXPECT_EQ(body["msgtype"], "image");
  EXPECT_EQ(body["image"]["base64"], "iVBORw0KGgoAAAANSUhEUgAAAAE=");
  EXPECT_EQ(body["image"]["md5"], "57dcf3cc886c35b4243e1ab6935ab7ea");
  EXPECT_EQ(body.size(), 2u);
  EXPECT_EQ(kImageMaxBytes, 2u * 1024 * 1024);
}

class WecomRobotTest : public ::testing::Test {
 protected:
  std::unique_ptr<Adapter> Make(const std::string& key) {
    config::ChannelConfig c;
    c.name = "staff";
    c.type = "wecom_robot";
    c.api_base = robot_.api_base();
    c.fields = {{"key", key}};
    auto a = CreateAdapter(c, deps_);
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    return a.ok() ? std::move(a).value() : nullptr;
  }
  static OutboundMessage Message(std::string text, std::string id = "linli-ob-1") {
    OutboundMessage m;
    m.to = {"staff", "", "group", ChatType::kGroup};
    m.text = std::move(text);
    m.idempotency_key = std::move(id);
    return m;
  }

  // A file with `bytes` in a directory of the test's own; its path.
  std::string File(const std::string& name, const std::string& bytes) {
    if (dir_.empty()) {
      dir_ = std::filesystem::temp_directory_path() /
             ("linli_wecom_robot_" + std::to_string(::getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name());
      std::filesystem::create_directories(dir_);
    }
    const auto path = dir_ / name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path.string();
  }
  static OutboundMessage Photo(const std::string& path, const std::string& type) {
    OutboundMessage m = Message("工单 #12（设施维修）附有现场照片：照片见控制台");
    m.image = OutboundImage{path, type, "AgACphoto", "tg", "工单 #12 设施维修 的现场照片"};
    return m;
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  testing::FakeClock clock_;
  testing::LoopbackHttpClient http_;
  AdapterDeps deps_{clock_, http_};
  testing::FakeWecomRobot robot_{clock_, "good-key"};
  std::filesystem::path dir_;
};

TEST_F(WecomRobotTest, SendsAPhotoAsAnImageMessage) {
  auto a = Make("good-key");
  ASSERT_NE(a, nullptr);
  const OutboundMessage m = Photo(File("p.png", kPng), "image/png");
  EXPECT_EQ(a->RequestsFor(m), 1);
  const auto r = a->Send(m);
  EXPECT_EQ(r.outcome, Outcome::kSent) << r.error;
  EXPECT_EQ(r.requests, 1);
  ASSERT_EQ(robot_.images().size(), 1u);  // the fake checked the md5 against the bytes
  EXPECT_EQ(robot_.images()[0], kPng);
  ASSERT_EQ(robot_.delivered().size(), 1u);
  EXPECT_EQ(robot_.delivered()[0].text, "[image]");
}

TEST_F(WecomRobotTest, APhotoWeComCannotTakeGoesAsItsText) {
  auto a = Make("good-key");
  ASSERT_NE(a, nullptr);
  std::string big = "\xFF\xD8\xFF\xE0";
  big.resize(kImageMaxBytes + 1, 'x');  // one byte over 2 MB
  std::string gif = "GIF89a";
  gif.resize(64, '\0');
  std::string at_cap = "\xFF\xD8\xFF\xE0";
  at_cap.resize(kImageMaxBytes, 'y');  // exactly 2 MB: still an image
  const std::vector<OutboundMessage> fallbacks = {
      Photo(File("big.jpg", big), "image/jpeg"), Photo(File("a.gif", gif), "image/gif"),
      Photo((dir_ / "missing.jpg").string(), "image/jpeg")};
  for (const auto& m : fallbacks) {
    const auto r = a->Send(m);
    EXPECT_EQ(r.outcome, Outcome::kSent) << r.error;
  }
  ASSERT_EQ(robot_.delivered().size(), 3u);
  for (const auto& d : robot_.delivered()) {
    EXPECT_EQ(d.text, "工单 #12（设施维修）附有现场照片：照片见控制台");
  }
  EXPECT_TRUE(robot_.images().empty());
  EXPECT_EQ(a->Send(Photo(File("cap.jpg", at_cap), "image/jpeg")).outcome, Outcome::kSent);
  ASSERT_EQ(robot_.images().size(), 1u);
  EXPECT_EQ(robot_.images()[0].size(), kImageMaxBytes);
}

TEST_F(WecomRobotTest, SendsMarkdownAndIsSendOnly) {
  auto a = Make("good-key");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->type(), "wecom_robot");
  OutboundMessage m = Message("新工单 #12");
  m.choices = {{"受理", "/accept 12"}};
  const auto r = a->Send(m);
  EXPECT_EQ(r.outcome, Outcome::kSent) << r.error;
  ASSERT_EQ(robot_.delivered().size(), 1u);
  EXPECT_EQ(robot_.delivered()[0].text, "新工单 #12\n\n1. 受理");
  HttpRequest get;
  get.method = "POST";
  EXPECT_EQ(a->ParseWebhook(get).status().code(), StatusCode::kNotFound);
  const SendPace pace = a->Pace(m.to);
  EXPECT_EQ(pace.key, "staff");
  ASSERT_EQ(pace.budgets.size(), 1u);
  EXPECT_EQ(pace.budgets[0].messages, 20);
  EXPECT_EQ(pace.budgets[0].window, std::chrono::minutes(1));
}

TEST_F(WecomRobotTest, ALongTextArrivesInPartsWithinTheLimitInOrder) {
  auto a = Make("good-key");
  ASSERT_NE(a, nullptr);
  const std::string text = LongText(200);
  const auto m = Message(text);
  const int parts = a->RequestsFor(m);
  EXPECT_GT(parts, 1);
  const auto r = a->Send(m);
  EXPECT_EQ(r.outcome, Outcome::kSent) << r.error;
  EXPECT_EQ(r.requests, parts);
  std::string joined;
  for (const auto& d : robot_.delivered()) joined += (joined.empty() ? "" : "\n") + d.text;
  EXPECT_EQ(robot_.delivered().size(), static_cast<size_t>(parts));
  EXPECT_TRUE(joined == text);
}

TEST_F(WecomRobotTest, TheFakeRefusesTooLongMarkdownAndAWrongKey) {
  HttpClientRequest req;
  req.url = SendUrl(robot_.api_base(), "good-key");
  req.body = RenderMarkdown(std::string(kMarkdownMaxBytes + 1, 'x'));
  auto resp = http_.Send(req);
  ASSERT_TRUE(resp.ok());
  const auto r = InterpretReply(resp->status, resp->body);
  EXPECT_EQ(r.outcome, Outcome::kPermanent);
  EXPECT_NE(r.error.find("40058"), std::string::npos);

  auto a = Make("wrong-key");
  ASSERT_NE(a, nullptr);
  const auto bad = a->Send(Message("hi"));
  EXPECT_EQ(bad.outcome, Outcome::kPermanent);
  EXPECT_NE(bad.error.find("93000"), std::string::npos);
  EXPECT_TRUE(robot_.delivered().empty());
}

TEST_F(WecomRobotTest, The21stMessageInAMinuteIsRateLimitedNotFailed) {
  auto a = Make("good-key");
  ASSERT_NE(a, nullptr);
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(a->Send(Message("m" + std::to_string(i), "k" + std::to_string(i))).outcome,
              Outcome::kSent);
  }
  auto r = a->Send(Message("m20", "k20"));
  EXPECT_EQ(r.outcome, Outcome::kRetry);
  EXPECT_TRUE(r.rate_limited);
  EXPECT_NE(r.error.find("45009"), std::string::npos);
  clock_.Advance(std::chrono::seconds(61));
  EXPECT_EQ(a->Send(Message("m20", "k20")).outcome, Outcome::kSent);
}

TEST(WecomRobotConfigTest, ErrorsNameTheKeyAndApiBaseDefaultsToTheRealHost) {
  config::ChannelConfig c;
  c.name = "staff";
  c.type = "wecom_robot";
  auto o = WecomRobotOptionsFromConfig(c);
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().message(), "channels[staff].key: missing");
  c.fields = {{"key", "k"}};
  o = WecomRobotOptionsFromConfig(c);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->api_base, "https://qyapi.weixin.qq.com");
  c.api_base = "ftp://x";
  o = WecomRobotOptionsFromConfig(c);
  ASSERT_FALSE(o.ok());
  EXPECT_NE(o.status().message().find("channels[staff].api_base"), std::string::npos);
  const auto keys = KnownChannelKeys();
  ASSERT_TRUE(keys.count("wecom_robot"));
  EXPECT_EQ(keys.at("wecom_robot").keys, (std::vector<std::string>{"key"}));
}

}  // namespace
}  // namespace linli::adapters::wecom_robot::wecom_robot_test
