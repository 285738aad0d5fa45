#include "domain/people/roles.h"

#include <gtest/gtest.h>

#include "storage/identity_store.h"
#include "storage/migrations.h"
#include "storage/sqlite_database.h"

namespace linli::dialogs::roles_test {
namespace {

class RolesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = storage::OpenSqlite({":memory:", "OFF", 1000});
    ASSERT_TRUE(db.ok());
    db_ = std::move(db).value();
    ASSERT_TRUE(storage::Migrate(*db_).ok());
    config_.staff.push_back({"tg", "100", "王网格", "grid", "staff"});
    config_.staff.push_back({"console", "admin", "小李", "community", "admin"});
  }

  storage::Person PersonOf(const std::string& channel, const std::string& user) {
    auto id = storage::IdentityStore::FindIdentity(*db_, channel, user);
    EXPECT_TRUE(id.ok() && id->has_value()) << channel << ":" << user;
    if (!id.ok() || !id->has_value()) return {};
    auto p = storage::IdentityStore::FindPerson(*db_, (*id)->person_id);
    EXPECT_TRUE(p.ok() && p->has_value());
    return p.ok() && p->has_value() ? **p : storage::Person{};
  }
  int64_t Count(const std::string& sql) {
    auto rows = db_->Query(sql);
    EXPECT_TRUE(rows.ok());
    return rows.ok() ? (*rows)[0].Int(0) : -1;
  }

  std::unique_ptr<storage::Database> db_;
  config::Config config_;
};

TEST_F(RolesTest, CreatesStaffPersonsAndIsIdempotent) {
  auto first = domain::SyncStaffFromConfig(*db_, config_, 1000);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->persons_created, 2);
  EXPECT_EQ(first->roles_changed, 2);
  EXPECT_EQ(PersonOf("tg", "100").role, "staff");
  EXPECT_EQ(PersonOf("tg", "100").tier, "grid");
  EXPECT_EQ(PersonOf("console", "admin").role, "admin");
  EXPECT_EQ(PersonOf("console", "admin").tier, "community");
  // A never-seen identity does not look recently used.
  auto seen = db_->Query("SELECT last_seen_at FROM identities WHERE user_id = '100'");
  ASSERT_TRUE(seen.ok());
  EXPECT_EQ((*seen)[0].Int(0), 0);

  auto again = domain::SyncStaffFromConfig(*db_, config_, 2000);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->persons_created, 0);
  EXPECT_EQ(again->roles_changed, 0);
  EXPECT_EQ(again->roles_revoked, 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM persons"), 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM identities"), 2);
}

TEST_F(RolesTest, ExistingUserIsPromotedInPlace) {
  auto p = storage::IdentityStore::Touch(*db_, {"tg", "100", "100", ChatType::kPrivate}, 500);
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE(domain::SyncStaffFromConfig(*db_, config_, 1000).ok());
  EXPECT_EQ(PersonOf("tg", "100").id, p->id);
  EXPECT_EQ(PersonOf("tg", "100").role, "staff");
}

TEST_F(RolesTest, RemovedFromConfigLosesTheRoleButDatabaseRolesStay) {
  ASSERT_TRUE(domain::SyncStaffFromConfig(*db_, config_, 1000).ok());
  // A volunteer (楼长) promoted in the database, not in the config.
  auto v = storage::IdentityStore::Touch(*db_, {"tg", "200", "200", ChatType::kPrivate}, 500);
  ASSERT_TRUE(v.ok());
  ASSERT_TRUE(storage::IdentityStore::SetRole(*db_, v->id, "volunteer", "").ok());

  config_.staff.erase(config_.staff.begin());  // tg:100 leaves
  auto r = domain::SyncStaffFromConfig(*db_, config_, 2000);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->roles_revoked, 1);
  EXPECT_EQ(PersonOf("tg", "100").role, "resident");
  EXPECT_EQ(PersonOf("tg", "100").tier, "");
  EXPECT_EQ(PersonOf("tg", "200").role, "volunteer");
  EXPECT_EQ(PersonOf("console", "admin").role, "admin");
}

TEST_F(RolesTest, ConfigChangesOfTierAndRoleApply) {
  ASSERT_TRUE(domain::SyncStaffFromConfig(*db_, config_, 1000).ok());
  config_.staff[0].tier = "property";
  config_.staff[0].role = "admin";
  auto r = domain::SyncStaffFromConfig(*db_, config_, 2000);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->roles_changed, 1);
  EXPECT_EQ(PersonOf("tg", "100").role, "admin");
  EXPECT_EQ(PersonOf("tg", "100").tier, "property");
}

TEST_F(RolesTest, LinkedIdentitiesGetTheStrongestRole) {
  auto a = storage::IdentityStore::Touch(*db_, {"tg", "100", "100", ChatType::kPrivate}, 500);
  auto b = storage::IdentityStore::Touch(*db_, {"console", "admin", "admin", ChatType::kPrivate}, 500);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE(storage::IdentityStore::MergeInto(*db_, b->id, a->id).ok());
  ASSERT_TRUE(domain::SyncStaffFromConfig(*db_, config_, 1000).ok());
  EXPECT_EQ(PersonOf("tg", "100").role, "admin");
  EXPECT_EQ(PersonOf("console", "admin").id, a->id);
}

}  // namespace
}  // namespace linli::dialogs::roles_test
