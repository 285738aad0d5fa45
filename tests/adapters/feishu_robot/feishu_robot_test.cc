#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "adapters/feishu/feishu_crypto.h"
#include "adapters/feishu_robot/feishu_robot_adapter.h"
#include "adapters/feishu_robot/feishu_robot_codec.h"
#include "adapters/registry.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_feishu_robot.h"
#include "tests/fakes/loopback_http_client.h"

namespace linli::adapters::feishu_robot::feishu_robot_test {
namespace {

using nlohmann::json;
using Outcome = SendResult::Outcome;

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
    text += (i ? "\n#" : "#") + std::to_string(i) + " 南门 垃圾未清运 \"已派单\"";
  }
  return text;
}

// The vector's secret, with the fake's clock at the vector's timestamp.
class FeishuRobotTest : public ::testing::Test {
 protected:
  FeishuRobotTest() : vector_(Vector("feishu-custom-bot-sign")) {}
  std::string secret() const { return vector_["inputs"]["secret"]; }
  std::unique_ptr<Adapter> Make(const std::string& secret) {
    config::ChannelConfig c;
    c.name = "fs";
    c.type = "feishu_robot";
    c.api_base = robot_.api_base();
    c.fields = {{"token", "hook-1"}, {"secret", secret}};
    auto a = CreateAdapter(c, deps_);
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    return a.ok() ? std::move(a).value() : nullptr;
  }
  static OutboundMessage Message(std::string text, std::string id = "linli-ob-1") {
    OutboundMessage m;
    m.to = {"fs", "", "group", ChatType::kGroup};
    m.text = std::move(text);
    m.idempotency_key = std::move(id);
    return m;
  }
  StatusOr<HttpResponse> PostRaw(const std::string& body) {
    HttpClientRequest req;
    req.url = SendUrl(robot_.api_base(), "hook-1");
    req.body = body;
    return http_.Send(req);
  }

  json vector_;
  testing::FakeClock clock_{1700000001000};
  testing::LoopbackHttpClient http_;
  AdapterDeps deps_{clock_, http_};
  testing::FakeFeishuRobot robot_{clock_, "hook-1", "Xk3f9Qm2Lr8sT1vW6yZ0aB"};
};

TEST_F(FeishuRobotTest, TheVectorsSignIsInTheBodyAndAccepted) {
  const std::string ts = vector_["inputs"]["timestamp_s"];
  const std::string sign = feishu::CustomBotSign(ts, secret());
  EXPECT_EQ(sign, vector_["expected"]["sign"]);
  const auto body = json::parse(RenderPost("hello", ts, sign));
  EXPECT_EQ(body["timestamp"], ts);
  EXPECT_EQ(body["sign"], vector_["expected"]["sign"]);
  EXPECT_EQ(body["msg_type"], "post");
  EXPECT_EQ(body["content"]["post"]["zh_cn"]["content"][0][0]["text"], "hello");
  auto resp = PostRaw(RenderPost("hello", ts, sign));
  ASSERT_TRUE(resp.ok());
  EXPECT_EQ(InterpretReply(resp->status, resp->body).outcome, Outcome::kSent);
  ASSERT_EQ(robot_.delivered().size(), 1u);
  EXPECT_EQ(robot_.delivered()[0].text, "hello");
}

TEST_F(FeishuRobotTest, DingTalkStyleSignsAndWrongSecretsAreRefusedWith19021) {
  const std::string ts = vector_["inputs"]["timestamp_s"];
  auto resp = PostRaw(RenderPost("hello", ts, vector_["expected"]["wrong_dingtalk_style_sign"].get<std::string>()));
  ASSERT_TRUE(resp.ok());
  auto r = InterpretReply(resp->status, resp->body);
  EXPECT_EQ(r.outcome, Outcome::kPermanent);
  EXPECT_NE(r.error.find("19021"), std::string::npos);
  auto wrong = Make("not-the-secret");
  ASSERT_NE(wrong, nullptr);
  r = wrong->Send(Message("hi"));
  EXPECT_EQ(r.outcome, Outcome::kPermanent);
  EXPECT_NE(r.error.find("19021"), std::string::npos);
  // A sign more than an hour old.
  const std::string old_ts = std::to_string(clock_.NowSeconds() - 3601);
  resp = PostRaw(RenderPost("hello", old_ts, feishu::CustomBotSign(old_ts, secret())));
  ASSERT_TRUE(resp.ok());
  EXPECT_NE(InterpretReply(resp->status, resp->body).error.find("19021"), std::string::npos);
  EXPECT_EQ(robot_.bad_signatures(), 3u);
  EXPECT_TRUE(robot_.delivered().empty());
}

TEST_F(FeishuRobotTest, ALongTextArrivesInPartsWithinTheBodyLimit) {
  auto a = Make(secret());
  ASSERT_NE(a, nullptr);
  const std::string text = LongText(1200);
  const auto parts = PostParts(text);
  ASSERT_GT(parts.size(), 1u);
  ASSERT_LE(parts.size(), 5u);  // one second's budget
  for (const auto& p : parts) {
    const size_t size = RenderPost(p, "1700000001", feishu::CustomBotSign("1700000001", "s")).size();
    EXPECT_LE(size, kBodyMaxBytes);
    if (&p != &parts.back()) {
      EXPECT_GT(size, kBodyMaxBytes - 500);
    }
  }
  const auto r = a->Send(Message(text));
  EXPECT_EQ(r.outcome, Outcome::kSent) << r.error;
  std::string joined;
  for (const auto& d : robot_.delivered()) {
    EXPECT_LE(d.raw_body.size(), kBodyMaxBytes);
    joined += (joined.empty() ? "" : "\n") + d.text;
  }
  EXPECT_TRUE(joined == text);
  auto resp = PostRaw(RenderPost(std::string(kBodyMaxBytes, 'x'), "1700000001",
                                 feishu::CustomBotSign("1700000001", secret())));
  ASSERT_TRUE(resp.ok());
  EXPECT_NE(InterpretReply(resp->status, resp->body).error.find("9499"), std::string::npos);
}

TEST_F(FeishuRobotTest, TheSixthInASecondGets11232AsARateLimit) {
  auto a = Make(secret());
  ASSERT_NE(a, nullptr);
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(a->Send(Message("m", "k" + std::to_string(i))).outcome, Outcome::kSent);
  }
  const auto r = a->Send(Message("m", "k5"));
  EXPECT_EQ(r.outcome, Outcome::kRetry);
  EXPECT_TRUE(r.rate_limited);
  EXPECT_NE(r.error.find("11232"), std::string::npos);
  const SendPace pace = a->Pace(Message("m").to);
  ASSERT_EQ(pace.budgets.size(), 2u);
  EXPECT_EQ(pace.budgets[0].messages, 100);
  EXPECT_EQ(pace.budgets[1].messages, 5);
  EXPECT_EQ(pace.budgets[1].window, std::chrono::seconds(1));
}

TEST(FeishuRobotCodecTest, Answers) {
  EXPECT_EQ(InterpretReply(200, R"({"code":0,"data":{},"msg":"success"})").outcome, Outcome::kSent);
  EXPECT_EQ(InterpretReply(200, R"({"StatusCode":0,"StatusMessage":"success"})").outcome,
            Outcome::kSent);
  auto r = InterpretReply(200, R"({"code":11232,"msg":"frequency limited"})");
  EXPECT_TRUE(r.rate_limited);
  EXPECT_EQ(r.error, "feishu_robot code 11232 frequency limited");
  EXPECT_EQ(InterpretReply(200, R"({"code":19024,"msg":"Key Words Not Found"})").outcome,
            Outcome::kPermanent);
  EXPECT_EQ(InterpretReply(500, "").outcome, Outcome::kRetry);
}

TEST(FeishuRobotConfigTest, ErrorsNameTheKey) {
  config::ChannelConfig c;
  c.name = "fs";
  c.type = "feishu_robot";
  auto o = FeishuRobotOptionsFromConfig(c);
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().message(), "channels[fs].token: missing");
  c.fields = {{"token", "t"}};
  o = FeishuRobotOptionsFromConfig(c);
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().message(), "channels[fs].secret: missing");
  c.fields["secret"] = "s";
  o = FeishuRobotOptionsFromConfig(c);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->api_base, "https://open.feishu.cn");
}

}  // namespace
}  // namespace linli::adapters::feishu_robot::feishu_robot_test
