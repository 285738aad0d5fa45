#include "domain/people/building_heads.h"

#include <gtest/gtest.h>

#include "storage/identity_store.h"
#include "storage/migrations.h"
#include "storage/sqlite_database.h"

namespace linli::domain::building_heads_test {
namespace {

class BuildingHeadsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = storage::OpenSqlite({":memory:", "OFF", 1000});
    ASSERT_TRUE(db.ok());
    db_ = std::move(db).value();
    ASSERT_TRUE(storage::Migrate(*db_).ok());
  }
  int64_t Person(const std::string& user) {
    auto p = storage::IdentityStore::Touch(*db_, {"tg", user, user, ChatType::kPrivate}, 1);
    EXPECT_TRUE(p.ok());
    return p.ok() ? p->id : 0;
  }
  std::unique_ptr<storage::Database> db_;
  config::Config config_;
};

TEST_F(BuildingHeadsTest, AListedIdentityServesItsBuildingsOnly) {
  config_.building_heads.push_back({"tg", "h", {"3"}, "王楼长"});
  config_.building_heads.push_back({"tg", "h", {"4", "3"}, ""});
  const int64_t head = Person("h");
  const int64_t resident = Person("r");
  auto s = BuildingHeadOf(*db_, config_, Actor::Person(head));
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(s->has_value());
  EXPECT_EQ((*s)->name, "王楼长");
  EXPECT_EQ((*s)->buildings, (std::vector<std::string>{"3", "4"}));
  EXPECT_TRUE((*s)->Serves("4"));
  EXPECT_FALSE((*s)->Serves("5"));
  EXPECT_FALSE((*s)->Serves(""));
  auto none = BuildingHeadOf(*db_, config_, Actor::Person(resident));
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  auto system = BuildingHeadOf(*db_, config_, Actor::System());
  ASSERT_TRUE(system.ok());
  EXPECT_FALSE(system->has_value());
}

TEST_F(BuildingHeadsTest, WithoutANameTheActorIsNumbered) {
  config_.building_heads.push_back({"tg", "h", {"3"}, ""});
  const int64_t head = Person("h");
  auto s = BuildingHeadOf(*db_, config_, Actor::Person(head));
  ASSERT_TRUE(s.ok() && s->has_value());
  EXPECT_EQ((*s)->name, "building head #" + std::to_string(head));
}

}  // namespace
}  // namespace linli::domain::building_heads_test
