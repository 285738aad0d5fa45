// Referral to a department (联动处置, issue 11 point 8) through the real server on loopback: the
// department 城管 is a WeCom group robot (the fake robot). A resident reports on Telegram; a grid
// worker sends 转交 1 城管 说明 -> the robot receives the ticket's public projection (number,
// category, building, the masked description and note) without the resident's phone, name or
// unit, and the resident is told privately; time passes (fake clock, the jobs run) -> the grid
// worker is reminded privately, once; 部门答复 1 文字 -> the resident reads the answer.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "tests/e2e/e2e_harness.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_wecom_robot.h"

namespace linli::e2e::referral_e2e_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr int64_t kHour = 3600'000;
constexpr int64_t kResident = 5570001;
constexpr int64_t kGrid = 5570003;
constexpr char kDescription[] = "路口有人占道经营，摊主电话13812345678";

class ReferralE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    AppOptions options;
    options.clock = &clock_;
    ASSERT_TRUE(h_.StartApp(options, [this](config::Config& c) {
      c.staff.push_back({kChannel, std::to_string(kGrid), "王网格", "grid", "staff"});
      config::ChannelConfig wecom;
      wecom.name = "wecom-cg";
      wecom.type = "wecom_robot";
      wecom.api_base = robot_.api_base();
      wecom.fields["key"] = "k1";
      c.channels.push_back(wecom);
      c.departments.push_back({"chengguan", "城管", "wecom-cg", "wecom-cg", 6});
    }));
  }
  std::string Private(int64_t user, const std::string& text) {
    EXPECT_EQ(h_.SendText(user, text), 200);
    return h_.NextReplyText(user);
  }
  void RunJobsAt(int64_t at) {
    clock_.SetMillis(at);
    auto ran = h_.app().RunDueJobs();
    ASSERT_TRUE(ran.ok()) << ran.status().ToString();
  }
  std::vector<std::string> WaitForRobot(size_t n) {
    const auto deadline = std::chrono::steady_clock::now() + kWait;
    while (robot_.delivered().size() < n && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::vector<std::string> out;
    for (const auto& d : robot_.delivered()) out.push_back(d.text);
    return out;
  }

  testing::FakeClock clock_{1796085000000};
  testing::FakeWecomRobot robot_{clock_, "k1"};
  Harness h_;
};

TEST_F(ReferralE2eTest, ReferRemindAndAnswer) {
  Private(kGrid, "工单帮助");  // the grid worker is known to the bot
  EXPECT_THAT(Private(kResident, "报事"), HasSubstr("请选择问题类别"));
  Private(kResident, "2");
  Private(kResident, "3号楼2单元");
  Private(kResident, kDescription);
  Private(kResident, "跳过");
  EXPECT_THAT(Private(kResident, "1"), HasSubstr("#1"));

  // 转交: the robot gets the public projection only; the resident is told privately.
  EXPECT_THAT(Private(kGrid, "转交 1 城管 请执法，联系人李四13900001111"), HasSubstr("#1 已转交城管"));
  auto got = WaitForRobot(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_THAT(got[0], HasSubstr("#1"));
  EXPECT_THAT(got[0], HasSubstr("3号楼"));
  EXPECT_THAT(got[0], HasSubstr("占道经营"));
  EXPECT_THAT(got[0], HasSubstr("请执法"));
  EXPECT_THAT(got[0], Not(HasSubstr("13812345678")));
  EXPECT_THAT(got[0], Not(HasSubstr("13900001111")));
  EXPECT_THAT(got[0], Not(HasSubstr("2单元")));
  EXPECT_THAT(got[0], Not(HasSubstr(std::to_string(kResident))));
  const std::string told = h_.NextReplyText(kResident);
  EXPECT_THAT(told, HasSubstr("已转交城管部门协同处理"));
  EXPECT_THAT(told, Not(HasSubstr("请执法")));

  // Time passes (within the ticket's 24-hour deadline, so it stays the grid's): reminded once
  // after the department's 6 hours, not again.
  const int64_t t0 = clock_.NowMillis();
  RunJobsAt(t0 + 5 * kHour);
  EXPECT_TRUE(h_.NoMoreReplies(kGrid));
  RunJobsAt(t0 + 6 * kHour + 10 * 60'000);
  EXPECT_THAT(h_.NextReplyText(kGrid), HasSubstr("转交城管已 6 小时"));
  RunJobsAt(t0 + 8 * kHour);
  EXPECT_TRUE(h_.NoMoreReplies(kGrid));

  // 部门答复: the resident reads the department's answer.
  EXPECT_THAT(Private(kGrid, "部门答复 1 城管已清理占道摊位"), HasSubstr("#1 已记录城管的答复"));
  EXPECT_THAT(h_.NextReplyText(kResident), HasSubstr("城管部门答复：城管已清理占道摊位"));
  EXPECT_EQ(robot_.delivered().size(), 1u);
}

}  // namespace
}  // namespace linli::e2e::referral_e2e_test
