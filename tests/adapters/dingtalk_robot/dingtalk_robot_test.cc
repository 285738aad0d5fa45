#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "adapters/dingtalk_robot/dingtalk_robot_adapter.h"
#include "adapters/dingtalk_robot/dingtalk_robot_codec.h"
#include "adapters/registry.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_dingtalk_robot.h"
#include "tests/fakes/loopback_http_client.h"

namespace linli::adapters::dingtalk_robot::dingtalk_robot_test {
namespace {

using nlohmann::json;
using Outcome = SendResult::Outcome;

// The vector dingtalk-custom-robot-sign, from the copy of ../shared/protocols/test-vectors.json.
json Vector(const std::string& id) {
  std::ifstream in(std::string(LINLI_TESTDATA_DIR) + "/protocols/test-vectors.json");
  std::stringstream ss;
  ss << in.rdbuf();
  const json doc = json::parse(ss.str());
  for (const json& v : doc["vectors"]) {
    if (v["id"] == id) return v;
  }
  ADD_FAILURE() << "no vector " << id;
  return json::object();
}

std::string LongText(size_t lines) {
  std::string text;
  for (size_t i = 0; i < lines; ++i) {
    text += (i ? "\n- #" : "- #") + std::to_string(i) + " 5号楼 路灯不亮 \"处理中\" 已转物业";
  }
  return text;
}

TEST(DingTalkRobotCodecTest, SignedUrlMatchesTheVector) {
  const json v = Vector("dingtalk-custom-robot-sign");
  const std::string url = SendUrl("https://oapi.dingtalk.com", "tok",
                                  v["inputs"]["timestamp_ms"].get<std::string>(),
                                  v["inputs"]["secret"].get<std::string>());
  EXPECT_EQ(url, "https://oapi.dingtalk.com/robot/send?access_token=tok" +
                     v["expected"]["request_url_suffix"].get<std::string>());
}

TEST(DingTalkRobotCodecTest, MarkdownBodyAndTitle) {
  const auto body = json::parse(RenderMarkdown(TitleOf("\n### 每日工单\n- 漏水 2"), "### 每日工单\n- 漏水 2"));
  EXPECT_EQ(body["msgtype"], "markdown");
  EXPECT_EQ(body["markdown"]["title"], "### 每日工单");
  EXPECT_EQ(body["markdown"]["text"], "### 每日工单\n- 漏水 2");
  EXPECT_EQ(TitleOf(""), "Linli");
  EXPECT_LE(TitleOf(std::string(300, 'a')).size(), kTitleMaxBytes);
}

TEST(DingTalkRobotCodecTest, EveryBodyStaysWithin20000Bytes) {
  const std::string text = LongText(1500);  // ~90 KB with quotes to escape
  const auto parts = MarkdownParts(text);
  ASSERT_GT(parts.size(), 3u);
  std::string joined;
  for (const auto& p : parts) {
    EXPECT_LE(RenderMarkdown(TitleOf(p), p).size(), kBodyMaxBytes);
    if (&p != &parts.back()) {  // not wastefully small
      EXPECT_GT(RenderMarkdown(TitleOf(p), p).size(), kBodyMaxBytes - 1000);
    }
    joined += (joined.empty() ? "" : "\n") + p;
  }
  EXPECT_TRUE(joined == text);
}

TEST(DingTalkRobotCodecTest, Answers) {
  EXPECT_EQ(InterpretReply(200, R"({"errcode":0,"errmsg":"ok"})").outcome, Outcome::kSent);
  auto r = InterpretReply(200, R"({"errcode":130101,"errmsg":"send too fast, exceed 20 times per minute"})");
  EXPECT_EQ(r.outcome, Outcome::kRetry);
  EXPECT_TRUE(r.rate_limited);
  EXPECT_EQ(r.retry_after, std::chrono::minutes(10));
  EXPECT_NE(r.error.find("130101"), std::string::npos);
  r = InterpretReply(200, R"({"errcode":460101,"errmsg":"message too long, exceed 20000 bytes"})");
  EXPECT_EQ(r.outcome, Outcome::kPermanent);
  EXPECT_NE(r.error.find("460101"), std::string::npos);
  r = InterpretReply(200, R"({"errcode":310000,"errmsg":"sign not match"})");
  EXPECT_EQ(r.outcome, Outcome::kPermanent);
  EXPECT_EQ(r.error, "dingtalk_robot errcode 310000 sign not match");
  EXPECT_EQ(InterpretReply(200, R"({"errcode":-1,"errmsg":"busy"})").outcome, Outcome::kRetry);
  EXPECT_EQ(InterpretReply(503, "").outcome, Outcome::kRetry);
}

class DingTalkRobotTest : public ::testing::Test {
 protected:
  std::unique_ptr<Adapter> Make(const std::string& secret, const Clock& clock) {
    config::ChannelConfig c;
    c.name = "dd";
    c.type = "dingtalk_robot";
    c.api_base = robot_.api_base();
    c.fields = {{"access_token", "tok"}, {"secret", secret}};
    AdapterDeps deps{const_cast<Clock&>(clock), http_};
    auto a = CreateAdapter(c, deps);
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    return a.ok() ? std::move(a).value() : nullptr;
  }
  static OutboundMessage Message(std::string text, std::string id = "linli-ob-1") {
    OutboundMessage m;
    m.to = {"dd", "", "group", ChatType::kGroup};
    m.text = std::move(text);
    m.idempotency_key = std::move(id);
    return m;
  }

  static constexpr char kSecret[] = "SEC5f3c9e7a1d2b4c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f9012345678abcd";
  testing::FakeClock clock_;
  testing::LoopbackHttpClient http_;
  testing::FakeDingTalkRobot robot_{clock_, "tok", kSecret};
};

TEST_F(DingTalkRobotTest, ASignedMarkdownIsAccepted) {
  auto a = Make(kSecret, clock_);
  ASSERT_NE(a, nullptr);
  const auto r = a->Send(Message("### 新工单 #7\n- 3号楼 漏水"));
  EXPECT_EQ(r.outcome, Outcome::kSent) << r.error;
  ASSERT_EQ(robot_.delivered().size(), 1u);
  EXPECT_EQ(robot_.delivered()[0].text, "### 新工单 #7\n- 3号楼 漏水");
  EXPECT_EQ(robot_.bad_signatures(), 0u);
  EXPECT_EQ(a->Pace(Message("x").to).key, "dd");
}

TEST_F(DingTalkRobotTest, TheFakeRefusesAWrongSecretAndAStaleTimestamp) {
  auto wrong = Make("SECwrong", clock_);
  ASSERT_NE(wrong, nullptr);
  auto r = wrong->Send(Message("hi"));
  EXPECT_EQ(r.outcome, Outcome::kPermanent);
  EXPECT_NE(r.error.find("310000"), std::string::npos);
  // Right secret, but a clock two hours behind DingTalk's.
  testing::FakeClock behind(clock_.NowMillis() - 2 * 3600 * 1000);
  auto stale = Make(kSecret, behind);
  ASSERT_NE(stale, nullptr);
  r = stale->Send(Message("hi"));
  EXPECT_EQ(r.outcome, Outcome::kPermanent);
  EXPECT_EQ(robot_.bad_signatures(), 2u);
  EXPECT_TRUE(robot_.delivered().empty());
}

TEST_F(DingTalkRobotTest, ALongTextArrivesInPartsWithinTheBodyLimit) {
  auto a = Make(kSecret, clock_);
  ASSERT_NE(a, nullptr);
  const std::string text = LongText(1000);
  const auto m = Message(text);
  const int parts = a->RequestsFor(m);
  ASSERT_GT(parts, 1);
  ASSERT_LE(parts, 20);
  const auto r = a->Send(m);
  EXPECT_EQ(r.outcome, Outcome::kSent) << r.error;
  ASSERT_EQ(robot_.delivered().size(), static_cast<size_t>(parts));
  std::string joined;
  for (const auto& d : robot_.delivered()) {
    EXPECT_LE(d.raw_body.size(), kBodyMaxBytes);
    joined += (joined.empty() ? "" : "\n") + d.text;
  }
  EXPECT_TRUE(joined == text);
  // And the fake does refuse a body over the limit.
  HttpClientRequest req;
  req.url = SendUrl(robot_.api_base(), "tok", std::to_string(clock_.NowMillis()), kSecret);
  req.body = RenderMarkdown("t", std::string(kBodyMaxBytes, 'x'));
  auto resp = http_.Send(req);
  ASSERT_TRUE(resp.ok());
  EXPECT_NE(InterpretReply(resp->status, resp->body).error.find("460101"), std::string::npos);
}

TEST_F(DingTalkRobotTest, TooFastBlocksTheRobotForTenMinutes) {
  auto a = Make(kSecret, clock_);
  ASSERT_NE(a, nullptr);
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(a->Send(Message("m", "k" + std::to_string(i))).outcome, Outcome::kSent);
  }
  auto r = a->Send(Message("m", "k20"));
  EXPECT_TRUE(r.rate_limited);
  EXPECT_EQ(r.retry_after, std::chrono::minutes(10));
  clock_.Advance(std::chrono::minutes(2));  // the minute is over, the block is not
  EXPECT_TRUE(a->Send(Message("m", "k20")).rate_limited);
  clock_.Advance(std::chrono::minutes(9));
  EXPECT_EQ(a->Send(Message("m", "k20")).outcome, Outcome::kSent);
}

TEST(DingTalkRobotConfigTest, ErrorsNameTheKey) {
  config::ChannelConfig c;
  c.name = "dd";
  c.type = "dingtalk_robot";
  c.fields = {{"secret", "SEC1"}};
  auto o = DingTalkRobotOptionsFromConfig(c);
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().message(), "channels[dd].access_token: missing");
  c.fields = {{"access_token", "t"}};
  o = DingTalkRobotOptionsFromConfig(c);
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().message(), "channels[dd].secret: missing");
  c.fields["secret"] = "SEC1";
  o = DingTalkRobotOptionsFromConfig(c);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->api_base, "https://oapi.dingtalk.com");
}

}  // namespace
}  // namespace linli::adapters::dingtalk_robot::dingtalk_robot_test
