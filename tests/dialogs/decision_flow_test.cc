// The decision flows in chat (dialogs/decision_flow.cc): the staff draft step by step, the
// action commands, paper ballots with the slip's key, 公约 and 投票 for residents.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "storage/decision_store.h"
#include "tests/domain/decisions/decision_test_util.h"

namespace linli::dialogs::decision_flow_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class DecisionFlowTest : public domain::decisions::DecisionFixture {
 protected:
  std::string Say(const std::string& text, const std::string& user = "staff-1") {
    return DialogHarness::Text(h_.Say(text, user));
  }
};

TEST_F(DecisionFlowTest, StaffDraftStepByStepThenEditOpenAndAPaperBallot) {
  EXPECT_THAT(Say("起草公约"), HasSubstr("标题"));
  EXPECT_THAT(Say("文明养犬公约"), HasSubstr("全文"));
  EXPECT_THAT(Say("遛狗请牵绳。"), HasSubstr("哪一类"));
  EXPECT_THAT(Say("1"), HasSubstr("楼栋"));
  EXPECT_THAT(Say("9号楼"), HasSubstr("楼号"));  // no building 9 in the compound
  EXPECT_THAT(Say("1,2"), HasSubstr("截止"));
  EXPECT_THAT(Say("2020-01-01 09:00"), HasSubstr("之后"));  // in the past
  EXPECT_THAT(Say("2026-12-10 18:00"), HasSubstr("记名"));
  EXPECT_THAT(Say("1"), HasSubstr("确认创建"));
  EXPECT_THAT(Say("确认"), HasSubstr("已创建草稿 #1"));
  auto d = storage::DecisionStore::Get(h_.db(), 1);
  ASSERT_TRUE(d.ok() && d->has_value());
  EXPECT_EQ((*d)->buildings, (std::vector<std::string>{"1", "2"}));
  EXPECT_TRUE((*d)->secret);

  Bind("a1", "1-1-101");
  EXPECT_THAT(Say("开始投票 1", "a1"), HasSubstr("只有工作人员"));
  EXPECT_THAT(Say("修改公约 1 类别 重大"), HasSubstr("已修改"));
  EXPECT_THAT(Say("修改公约 1 颜色 红"), HasSubstr("用法"));
  EXPECT_THAT(Say("开始投票 1"), HasSubstr("已开始投票"));
  EXPECT_THAT(Say("修改公约 1 标题 新"), HasSubstr("不能再修改"));
  EXPECT_EQ((*storage::DecisionStore::Get(h_.db(), 1))->matter, "major");

  // A paper ballot: the collector gets the key for the household's slip.
  const std::string paper = Say("代投 1 1-1-102 同意");
  EXPECT_THAT(paper, HasSubstr("纸质选票"));
  EXPECT_THAT(paper, HasSubstr("凭证"));
  EXPECT_THAT(Say("代投 1 1-1-102"), HasSubstr("用法"));
  // The resident sees only their own choice, privately, with their receipt key.
  EXPECT_THAT(Say("投票 1 同意", "a1"), HasSubstr("确认"));
  const std::string cast = Say("1", "a1");
  EXPECT_THAT(cast, HasSubstr("已记录"));
  EXPECT_THAT(cast, HasSubstr("凭证"));
  EXPECT_THAT(Say("投票", "a1"), HasSubstr("您家已选：同意"));
  // Staff see turnout, never who voted what.
  const std::string turnout = Say("投票情况 1");
  EXPECT_THAT(turnout, HasSubstr("2/5"));
  EXPECT_THAT(turnout, Not(HasSubstr("1-1-102")));
  EXPECT_THAT(turnout, Not(HasSubstr("同意")));
  EXPECT_THAT(Say("公约", "a1"), HasSubstr("还没有通过的公约"));
}

TEST_F(DecisionFlowTest, AnInvitedRepresentativeCommentsOnADraftAndStaffSeeIt) {
  Bind("rep", "1-1-101");
  EXPECT_THAT(Say("起草公约"), HasSubstr("标题"));
  for (const char* s : {"噪音公约", "晚十点后保持安静。", "1", "全部", "2026-12-10 18:00", "1", "确认"}) Say(s);
  EXPECT_THAT(Say("意见 1 建议周末放宽", "rep"), HasSubstr("受邀"));
  EXPECT_THAT(Say("邀请意见 1 tg:rep"), HasSubstr("已邀请"));
  EXPECT_THAT(Say("公约 1", "rep"), HasSubstr("晚十点后保持安静"));  // the invited see the draft
  EXPECT_THAT(Say("意见 1 建议周末放宽", "rep"), HasSubstr("已收到"));
  EXPECT_THAT(Say("投票情况 1"), HasSubstr("建议周末放宽"));
}

// A resident's 起草公约 is refused at the trigger: no draft step starts, so the next message is
// not taken as a title, and nothing is drafted.
TEST_F(DecisionFlowTest, AResidentCannotStartADraft) {
  Bind("rep", "1-1-101");
  const std::string refused = Say("起草公约", "rep");
  EXPECT_THAT(refused, HasSubstr("工作人员"));
  EXPECT_THAT(refused, Not(HasSubstr("标题")));
  EXPECT_THAT(Say("噪音公约", "rep"), Not(HasSubstr("工作人员")));
  auto rows = h_.db().Query("SELECT COUNT(*) FROM decisions");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].Int(0), 0);
}

// 发起问卷: the questions one by one, 结束, then a poll draft through the service's draft path.
TEST_F(DecisionFlowTest, StaffCreateAPollStepByStep) {
  EXPECT_THAT(Say("发起问卷"), HasSubstr("标题"));
  EXPECT_THAT(Say("停车意见征询"), HasSubstr("楼栋"));
  EXPECT_THAT(Say("1"), HasSubstr("按户还是按人"));
  EXPECT_THAT(Say("2"), HasSubstr("截止"));
  EXPECT_THAT(Say("2026-12-10 18:00"), HasSubstr("第 1 题"));
  EXPECT_THAT(Say("结束"), HasSubstr("还没有题目"));
  EXPECT_THAT(Say("1"), HasSubstr("题目"));
  EXPECT_THAT(Say("哪天洗车？"), HasSubstr("选项"));
  EXPECT_THAT(Say("周六"), HasSubstr("至少两个"));
  EXPECT_THAT(Say("周六,周日"), HasSubstr("第 2 题"));
  EXPECT_THAT(Say("3"), HasSubstr("题目"));
  EXPECT_THAT(Say("对停车管理打分"), HasSubstr("第 3 题"));
  const std::string confirm = Say("结束");
  EXPECT_THAT(confirm, HasSubstr("确认创建问卷"));
  EXPECT_THAT(confirm, HasSubstr("周六、周日"));
  EXPECT_THAT(Say("确认"), HasSubstr("已创建草稿 #1"));
  auto d = storage::DecisionStore::Get(h_.db(), 1);
  ASSERT_TRUE(d.ok() && d->has_value());
  EXPECT_EQ((*d)->kind, "poll");
  EXPECT_TRUE((*d)->per_person);
  EXPECT_EQ((*d)->buildings, (std::vector<std::string>{"1"}));
  ASSERT_EQ((*d)->questions.size(), 2u);
  EXPECT_EQ((*d)->questions[0].kind, "single");
  ASSERT_EQ((*d)->questions[0].options.size(), 2u);
  EXPECT_EQ((*d)->questions[0].options[1].label, "周日");
  EXPECT_EQ((*d)->questions[1].kind, "scale");
  EXPECT_THAT(Say("开始投票 1"), HasSubstr("已开始投票"));
}

TEST_F(DecisionFlowTest, StaffCreateAnElectionAndAnAppraisal) {
  EXPECT_THAT(Say("发起选举"), HasSubstr("标题"));
  Say("楼长评选");
  EXPECT_THAT(Say("全部"), HasSubstr("提名截止"));
  EXPECT_THAT(Say("2026-12-05 18:00"), HasSubstr("截止"));
  EXPECT_THAT(Say("2026-12-04 18:00"), HasSubstr("之后"));  // before the nominations close
  EXPECT_THAT(Say("2026-12-10 18:00"), HasSubstr("确认创建选举"));
  EXPECT_THAT(Say("确认"), HasSubstr("已创建草稿 #1"));
  auto e = storage::DecisionStore::Get(h_.db(), 1);
  ASSERT_TRUE(e.ok() && e->has_value());
  EXPECT_EQ((*e)->kind, "election");
  EXPECT_LT((*e)->opens_at_ms, (*e)->closes_at_ms);
  EXPECT_GT((*e)->opens_at_ms, 0);

  EXPECT_THAT(Say("发起评议"), HasSubstr("季度"));
  EXPECT_THAT(Say("第四季度"), HasSubstr("2026-Q4"));
  EXPECT_THAT(Say("2026-Q4"), HasSubstr("楼栋"));
  EXPECT_THAT(Say("全部"), HasSubstr("截止"));
  EXPECT_THAT(Say("2026-12-20 18:00"), HasSubstr("确认创建评议"));
  EXPECT_THAT(Say("确认"), HasSubstr("已创建草稿 #2"));
  auto a = storage::DecisionStore::Get(h_.db(), 2);
  ASSERT_TRUE(a.ok() && a->has_value());
  EXPECT_EQ((*a)->kind, "appraisal");
  EXPECT_EQ((*a)->period, "2026-Q4");
  EXPECT_EQ((*a)->questions.size(), h_.config().decisions.appraisal_criteria.size());
}

// Residents are refused at each creation trigger, and nothing is drafted.
TEST_F(DecisionFlowTest, AResidentCannotStartAPollElectionOrAppraisal) {
  Bind("rep", "1-1-101");
  for (const char* trigger : {"发起问卷", "/newelection", "发起评议"}) {
    const std::string refused = Say(trigger, "rep");
    EXPECT_THAT(refused, HasSubstr("工作人员")) << trigger;
    EXPECT_THAT(Say("2026-Q4", "rep"), Not(HasSubstr("楼栋"))) << trigger;
  }
  auto rows = h_.db().Query("SELECT COUNT(*) FROM decisions");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].Int(0), 0);
}

}  // namespace
}  // namespace linli::dialogs::decision_flow_test
