#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "domain/people/invite_code.h"
#include "domain/people/roster_import.h"
#include "storage/identity_store.h"
#include "storage/personal_data.h"
#include "storage/roster_store.h"
#include "tests/dialogs/dialog_harness.h"

namespace linli::dialogs::privacy_flow_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class PrivacyFlowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(domain::ImportRoster(h_.db(),
                                     "building,unit,room,area_m2,owner_name,phone\n"
                                     "3,2,301,90,张伟国,13812345678\n",
                                     h_.config().compound, false, 1000)
                    .ok());
    auto codes = storage::RosterStore::EnsureCodes(h_.db(), "", 1000, domain::DrawInviteCode);
    ASSERT_TRUE(codes.ok() && codes->size() == 1u);
    h_.Say("绑定 " + (*codes)[0].code, "resident");
    ASSERT_EQ(h_.Report("resident"), 1);
  }
  std::string Say(const std::string& text) { return DialogHarness::Text(h_.Say(text, "resident")); }

  DialogHarness h_;
};

TEST_F(PrivacyFlowTest, MyDataSummarisesWhatIsHeld) {
  const std::string r = Say("我的数据");
  EXPECT_THAT(r, HasSubstr("平台账号：1 个"));
  EXPECT_THAT(r, HasSubstr("绑定房屋：1 户"));
  EXPECT_THAT(r, HasSubstr("报事：1 件"));
}

TEST_F(PrivacyFlowTest, TheExportListsEverythingTheMapNames) {
  const std::string r = Say("导出我的数据");
  EXPECT_THAT(r, HasSubstr("楼道灯坏了"));  // the resident's own words
  EXPECT_THAT(r, HasSubstr("room=301"));
  EXPECT_THAT(r, HasSubstr("user_id=resident"));
  for (const auto& t : storage::PersonalDataMap()) {
    if (t.export_sql.empty()) continue;
    EXPECT_THAT(r, HasSubstr("[" + h_.deps().texts.Get("zh-CN", "privacy.table." + t.table) + "]"))
        << t.table;
  }
  EXPECT_THAT(r, Not(HasSubstr("[privacy.table.")));  // every section has a label
  // English too.
  const std::string en = DialogHarness::Text(h_.Say("/export", "resident"));
  EXPECT_FALSE(en.empty());
}

TEST_F(PrivacyFlowTest, EraseAfterConfirmationLeavesANewEmptyPerson) {
  EXPECT_THAT(Say("注销"), HasSubstr("不能撤销"));
  EXPECT_THAT(Say("取消"), HasSubstr("已取消"));
  EXPECT_THAT(Say("进度"), HasSubstr("#1"));  // nothing was erased

  EXPECT_THAT(Say("注销"), HasSubstr("确认注销吗"));
  EXPECT_THAT(Say("确认"), HasSubstr("已注销"));
  // The ticket stays for statistics, without the reporter or the resident's words.
  const storage::Ticket t = h_.Ticket(1);
  EXPECT_EQ(t.reporter_person_id, 0);
  EXPECT_EQ(t.description, "");
  EXPECT_EQ(t.unit, "");
  EXPECT_EQ(t.building, "3");
  // The next message is a new, empty person.
  EXPECT_THAT(Say("进度"), Not(HasSubstr("#1")));
  const std::string mine = Say("我的数据");
  EXPECT_THAT(mine, HasSubstr("绑定房屋：0 户"));
  EXPECT_THAT(mine, HasSubstr("报事：0 件"));
  // The roster (the property company's register) is untouched; the binding is gone.
  auto listing = storage::RosterStore::List(h_.db());
  ASSERT_TRUE(listing.ok() && listing->size() == 1u);
  EXPECT_EQ((*listing)[0].household.owner_name, "张伟国");
}

TEST_F(PrivacyFlowTest, PrivateChatsOnly) {
  InboundMessage in;
  in.conversation = {"tg", "resident", "-100", ChatType::kGroup};
  for (const char* cmd : {"我的数据", "导出我的数据"}) {
    in.text = cmd;
    const std::string r = DialogHarness::Text(h_.Send(in));
    EXPECT_THAT(r, HasSubstr("请私聊")) << cmd;
    EXPECT_THAT(r, Not(HasSubstr("301"))) << cmd;
  }
  // Refused at its first word now (the engine enforces Where::kPrivateOnly), so the
  // confirmation step is never entered in the group and 确认 there confirms nothing.
  in.text = "注销";
  EXPECT_THAT(DialogHarness::Text(h_.Send(in)), HasSubstr("请私聊"));
  in.text = "确认";
  EXPECT_THAT(DialogHarness::Text(h_.Send(in)), Not(HasSubstr(h_.deps().texts.Get("zh-CN", "privacy.erased"))));
  EXPECT_EQ(h_.Ticket(1).description, "楼道灯坏了，晚上很黑");  // nothing erased
}

}  // namespace
}  // namespace linli::dialogs::privacy_flow_test
