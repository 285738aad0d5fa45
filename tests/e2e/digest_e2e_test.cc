// The daily digest through the real server (issue 11 point 5, "Done when"): a WeCom group robot,
// a DingTalk group robot (signed) and a Telegram staff group pointed at local fakes; a resident
// reports over the Telegram webhook; at 08:30 local time (fake clock) each staff group gets the
// digest with the ticket's number and nothing personal - not at 08:29, and once.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "tests/e2e/e2e_harness.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_dingtalk_robot.h"
#include "tests/fakes/fake_wecom_robot.h"

namespace linli::e2e::digest_e2e_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr int64_t kMinute = 60'000;
constexpr int64_t kDay = 24 * 60 * kMinute;
constexpr int64_t kDec1At0830 = 1796085000000;  // 2026-12-01 08:30 Asia/Shanghai
constexpr int64_t kStaffChat = -100555;
constexpr char kDingSecret[] = "SEC5f3c9e7a1d2b4c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f9012345678abcd";

class DigestE2eTest : public ::testing::Test {
 protected:
  void Start() {
    AppOptions options;
    options.clock = &clock_;
    ASSERT_TRUE(h_.StartApp(options, [this](config::Config& c) {
      c.timezone = "Asia/Shanghai";
      config::ChannelConfig wecom;
      wecom.name = "wecom-staff";
      wecom.type = "wecom_robot";
      wecom.api_base = wecom_.api_base();
      wecom.fields["key"] = "k1";
      c.channels.push_back(wecom);
      config::ChannelConfig ding;
      ding.name = "dd-staff";
      ding.type = "dingtalk_robot";
      ding.api_base = ding_.api_base();
      ding.fields["access_token"] = "t1";
      ding.fields["secret"] = kDingSecret;
      c.channels.push_back(ding);
      c.groups.push_back({"property", "wecom-staff", "property", {"digest"}, {}});
      c.groups.push_back({"community", "dd-staff", "community", {"digest"}, {"3"}});
      c.groups.push_back({"grid", kChannel, std::to_string(kStaffChat), {"digest"}, {"5"}});
    }));
  }
  void RunJobsAt(int64_t at) {
    clock_.SetMillis(at);
    auto ran = h_.app().RunDueJobs();
    ASSERT_TRUE(ran.ok()) << ran.status().ToString();
  }
  template <typename Fake>
  std::vector<std::string> WaitFor(const Fake& fake, size_t n) {
    const auto deadline = std::chrono::steady_clock::now() + kWait;
    while (fake.delivered().size() < n && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::vector<std::string> out;
    for (const auto& d : fake.delivered()) out.push_back(d.text);
    return out;
  }

  testing::FakeClock clock_{kDec1At0830 - kDay + 30 * kMinute};  // November 30, 09:00
  testing::FakeWecomRobot wecom_{clock_, "k1"};
  testing::FakeDingTalkRobot ding_{clock_, "t1", kDingSecret};
  Harness h_;
};

TEST_F(DigestE2eTest, EachStaffGroupGetsTheDigestAtTheConfiguredTime) {
  Start();
  // First start: November 30's digest at once (its period began at 08:30), a quiet line.
  auto first = WaitFor(wecom_, 1);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_THAT(first[0], HasSubstr("2026-11-30"));
  ASSERT_EQ(WaitFor(ding_, 1).size(), 1u);
  ASSERT_EQ(h_.WaitForReplies(kStaffChat, 1).size(), 1u);

  // A resident reports at building 3 over the Telegram webhook.
  clock_.SetMillis(kDec1At0830 - 12 * 60 * kMinute);
  for (const char* s : {"报事", "2", "3号楼2单元301", "楼道灯坏了 张三 13812345678", "跳过", "1"}) {
    ASSERT_EQ(h_.SendText(42, s), 200);
  }

  RunJobsAt(kDec1At0830 - kMinute);  // 08:29: nothing
  std::this_thread::sleep_for(kQuiet);
  EXPECT_EQ(wecom_.delivered().size(), 1u);
  EXPECT_EQ(ding_.delivered().size(), 1u);
  EXPECT_TRUE(h_.NoMoreReplies(kStaffChat, std::chrono::milliseconds(0)));

  RunJobsAt(kDec1At0830);
  auto w = WaitFor(wecom_, 2);
  ASSERT_EQ(w.size(), 2u);
  EXPECT_THAT(w[1], HasSubstr("每日简报 2026-12-01"));
  EXPECT_THAT(w[1], HasSubstr("- 工单 1 · "));
  EXPECT_THAT(w[1], HasSubstr("3号楼"));
  auto d = WaitFor(ding_, 2);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_THAT(d[1], HasSubstr("- 工单 1 · "));  // building 3 is the community group's
  EXPECT_EQ(ding_.bad_signatures(), 0u);
  auto tg = h_.WaitForReplies(kStaffChat, 1);
  ASSERT_EQ(tg.size(), 1u);
  const std::string grid = TextOf(tg[0]);
  EXPECT_THAT(grid, HasSubstr("2026-12-01"));
  EXPECT_THAT(grid, Not(HasSubstr("工单 1")));  // building 5 only: a quiet line
  for (const std::string& text : {w[1], d[1], grid}) {
    for (const char* secret : {"张三", "13812345678", "301", "2单元", "楼道灯坏了"}) {
      EXPECT_THAT(text, Not(HasSubstr(secret))) << secret;
    }
  }

  // A restart the same morning sends nothing again.
  h_.StopApp();
  clock_.SetMillis(kDec1At0830 + 60 * kMinute);
  Start();
  RunJobsAt(kDec1At0830 + 61 * kMinute);
  std::this_thread::sleep_for(kQuiet);
  EXPECT_EQ(wecom_.delivered().size(), 2u);
  EXPECT_EQ(ding_.delivered().size(), 2u);
  EXPECT_TRUE(h_.NoMoreReplies(kStaffChat, std::chrono::milliseconds(0)));
}

}  // namespace
}  // namespace linli::e2e::digest_e2e_test
