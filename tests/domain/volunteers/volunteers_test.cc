#include "domain/volunteers/volunteers.h"

#include <gtest/gtest.h>

#include "storage/identity_store.h"
#include "storage/migrations.h"
#include "storage/sqlite_database.h"
#include "storage/volunteer_store.h"

namespace linli::domain::volunteers_test {
namespace {

class VolunteersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = storage::OpenSqlite({":memory:", "OFF", 1000});
    ASSERT_TRUE(db.ok());
    db_ = std::move(db).value();
    ASSERT_TRUE(storage::Migrate(*db_).ok());
    auto p = storage::IdentityStore::Touch(*db_, {"tg", "v1", "v1", ChatType::kPrivate}, 100);
    ASSERT_TRUE(p.ok());
    person_ = p->id;
  }
  void Put(storage::VolunteerStatus status, std::string name) {
    storage::Volunteer v;
    v.person_id = person_;
    v.display_name = std::move(name);
    v.status = status;
    ASSERT_TRUE(storage::VolunteerStore::Upsert(*db_, v).ok());
  }

  std::unique_ptr<storage::Database> db_;
  int64_t person_ = 0;
};

TEST_F(VolunteersTest, OnlyAnActiveRecordMakesAVolunteer) {
  auto none = IsVolunteer(*db_, person_);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(*none);
  Put(storage::VolunteerStatus::kPending, "小王");
  EXPECT_FALSE(*IsVolunteer(*db_, person_));
  Put(storage::VolunteerStatus::kActive, "小王");
  EXPECT_TRUE(*IsVolunteer(*db_, person_));
  Put(storage::VolunteerStatus::kRemoved, "小王");
  EXPECT_FALSE(*IsVolunteer(*db_, person_));
}

TEST_F(VolunteersTest, DisplayNameFallsBackToVolunteerAndId) {
  auto none = VolunteerDisplayName(*db_, person_);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, "志愿者" + std::to_string(person_));
  Put(storage::VolunteerStatus::kActive, "");
  EXPECT_EQ(*VolunteerDisplayName(*db_, person_), "志愿者" + std::to_string(person_));
  Put(storage::VolunteerStatus::kActive, "王师傅");
  EXPECT_EQ(*VolunteerDisplayName(*db_, person_), "王师傅");
}

}  // namespace
}  // namespace linli::domain::volunteers_test

// Staff decisions on volunteers, each told to the person privately.
#include "tests/dialogs/dialog_harness.h"

namespace linli::domain::volunteers_test {
namespace {

class VolunteerDecisionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    h_.Say("我的数据", "staff-1");
    h_.Say("我的数据", "vol-1");
    staff_ = Person("staff-1");
    vol_ = Person("vol-1");
    h_.TakeOutbox();
  }
  int64_t Person(const std::string& user) {
    auto id = storage::IdentityStore::FindIdentity(h_.db(), "tg", user);
    return id.ok() && id->has_value() ? (*id)->person_id : 0;
  }
  int64_t Now() { return h_.clock().NowMillis(); }
  std::string Told() {
    auto out = h_.TakeOutbox();
    EXPECT_EQ(out.size(), 1u);
    if (out.empty()) return "";
    EXPECT_EQ(out[0].to.user_id, "vol-1");
    EXPECT_EQ(out[0].to.chat_type, ChatType::kPrivate);
    return out[0].text;
  }

  dialogs::DialogHarness h_;
  int64_t staff_ = 0;
  int64_t vol_ = 0;
};

TEST_F(VolunteerDecisionTest, RegisterThenConfirm) {
  auto reg = RegisterVolunteer(h_.db(), vol_, {"王师傅", "税务局", "水电", {"3"}}, Now());
  ASSERT_TRUE(reg.ok());
  EXPECT_EQ(reg->status, storage::VolunteerStatus::kPending);
  EXPECT_EQ(reg->source, "chat");
  EXPECT_FALSE(*IsVolunteer(h_.db(), vol_));
  EXPECT_EQ(ConfirmVolunteer(h_.db(), h_.deps(), Actor::Person(vol_), vol_, Now()).status().code(),
            StatusCode::kPermissionDenied);
  auto confirmed = ConfirmVolunteer(h_.db(), h_.deps(), Actor::Person(staff_), vol_, Now());
  ASSERT_TRUE(confirmed.ok()) << confirmed.status().ToString();
  EXPECT_EQ(confirmed->confirmed_by, "王网格");
  EXPECT_TRUE(*IsVolunteer(h_.db(), vol_));
  EXPECT_NE(Told().find("您已成为本社区志愿者"), std::string::npos);
  EXPECT_EQ(ConfirmVolunteer(h_.db(), h_.deps(), Actor::Person(staff_), vol_, Now()).status().message(),
            "not pending");
  // Registering again while active updates the details and stays active.
  auto again = RegisterVolunteer(h_.db(), vol_, {"老王", "", "", {}}, Now());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->status, storage::VolunteerStatus::kActive);
  EXPECT_EQ(*VolunteerDisplayName(h_.db(), vol_), "老王");
  EXPECT_EQ(RegisterVolunteer(h_.db(), vol_, {"", "", "", {}}, Now()).status().message(),
            "display name required");
}

TEST_F(VolunteerDecisionTest, DeclineSetAndRemove) {
  ASSERT_TRUE(RegisterVolunteer(h_.db(), vol_, {"王师傅", "", "", {}}, Now()).ok());
  auto declined = DeclineVolunteer(h_.db(), h_.deps(), Actor::Person(staff_), vol_, Now());
  ASSERT_TRUE(declined.ok());
  EXPECT_EQ(declined->status, storage::VolunteerStatus::kRemoved);
  EXPECT_NE(Told().find("未通过"), std::string::npos);
  auto set = SetVolunteer(h_.db(), h_.deps(), Actor::Person(staff_), vol_, Now());
  ASSERT_TRUE(set.ok());
  EXPECT_TRUE(*IsVolunteer(h_.db(), vol_));
  EXPECT_NE(Told().find("志愿者"), std::string::npos);
  auto removed = RemoveVolunteer(h_.db(), h_.deps(), Actor::Person(staff_), vol_, Now());
  ASSERT_TRUE(removed.ok());
  EXPECT_FALSE(*IsVolunteer(h_.db(), vol_));
  EXPECT_NE(Told().find("已取消"), std::string::npos);
  EXPECT_EQ(RemoveVolunteer(h_.db(), h_.deps(), Actor::Person(staff_), vol_, Now()).status().message(),
            "not a volunteer");
  EXPECT_EQ(SetVolunteer(h_.db(), h_.deps(), Actor::Person(staff_), 9999, Now()).status().message(),
            "no such person");
  EXPECT_EQ(ConfirmVolunteer(h_.db(), h_.deps(), Actor::Person(staff_), staff_, Now()).status().message(),
            "no such volunteer");
}

TEST_F(VolunteerDecisionTest, SetByStaffWithoutARecordCreatesOne) {
  auto set = SetVolunteer(h_.db(), h_.deps(), Actor::ApiKey("ops", "community"), vol_, Now());
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(set->source, "staff");
  EXPECT_EQ(set->confirmed_by, "ops");
  EXPECT_EQ(*VolunteerDisplayName(h_.db(), vol_), "志愿者" + std::to_string(vol_));
}

TEST_F(VolunteerDecisionTest, TheConfigListIsSyncedLikeStaff) {
  config::Config c = h_.config();
  c.volunteers.push_back({"tg", "vol-1", "配置志愿者", "社区党支部"});
  c.volunteers.push_back({"tg", "never-wrote", "新志愿者", ""});
  auto r = SyncVolunteersFromConfig(h_.db(), c, Now());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->persons_created, 1);
  EXPECT_TRUE(*IsVolunteer(h_.db(), vol_));
  EXPECT_EQ(*VolunteerDisplayName(h_.db(), vol_), "配置志愿者");
  c.volunteers.pop_back();
  r = SyncVolunteersFromConfig(h_.db(), c, Now());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->removed, 1);
}

}  // namespace
}  // namespace linli::domain::volunteers_test
