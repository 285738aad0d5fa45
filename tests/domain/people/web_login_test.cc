// Login links of the staff console (issue 12): issued to staff only, when the console is set
// up; used once; expired after web.login_link_minutes; refused once the person is no longer staff.
#include "domain/people/web_login.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>

#include "domain/common/web_token.h"
#include "domain/people/roles.h"
#include "storage/identity_store.h"
#include "storage/migrations.h"
#include "storage/sqlite_database.h"
#include "tests/fakes/fake_clock.h"

namespace linli::domain::web_login_test {
namespace {

using ::testing::StartsWith;

class WebLoginTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = storage::OpenSqlite({":memory:", "OFF", 1000});
    ASSERT_TRUE(db.ok());
    db_ = std::move(db).value();
    ASSERT_TRUE(storage::Migrate(*db_).ok());
    config_.web.public_url = "https://linli.example.org/xf";
    config_.staff.push_back({"tg", "100", "王网格", "grid", "staff"});
    ASSERT_TRUE(SyncStaffFromConfig(*db_, config_, 1000).ok());
    staff_ = PersonOf("100");
    auto resident = storage::IdentityStore::Touch(*db_, {"tg", "200", "200"}, 1000);
    ASSERT_TRUE(resident.ok());
    resident_ = resident->id;
  }

  int64_t PersonOf(const std::string& user) {
    auto id = storage::IdentityStore::FindIdentity(*db_, "tg", user);
    EXPECT_TRUE(id.ok() && id->has_value());
    return id.ok() && id->has_value() ? (*id)->person_id : 0;
  }
  Deps deps() const { return {config_, texts_, clock_}; }
  static std::string TokenOf(const LoginLink& link) {
    return link.url.substr(link.url.rfind('/') + 1);
  }

  std::unique_ptr<storage::Database> db_;
  config::Config config_;
  config::Texts texts_;
  linli::testing::FakeClock clock_;
  int64_t staff_ = 0;
  int64_t resident_ = 0;
};

TEST_F(WebLoginTest, StaffGetALinkUsedOnce) {
  auto link = IssueLoginLink(*db_, deps(), staff_);
  ASSERT_TRUE(link.ok()) << link.status().ToString();
  EXPECT_THAT(link->url, StartsWith("https://linli.example.org/xf/console/login/"));
  EXPECT_EQ(link->expires_at_ms, clock_.NowMillis() + 5 * 60 * 1000);
  const std::string token = TokenOf(*link);
  EXPECT_TRUE(LooksLikeLoginToken(token));
  auto stored = db_->Query("SELECT token_hash FROM login_links");
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->size(), 1u);
  EXPECT_EQ((*stored)[0].Text(0), TokenHash(token));

  auto first = RedeemLoginLink(*db_, deps(), token);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(first->has_value());
  EXPECT_EQ(**first, staff_);
  auto second = RedeemLoginLink(*db_, deps(), token);
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second->has_value());
}

TEST_F(WebLoginTest, ALinkExpiresAfterItsMinutes) {
  config_.web.login_link_minutes = 2;
  auto link = IssueLoginLink(*db_, deps(), staff_);
  ASSERT_TRUE(link.ok());
  clock_.Advance(std::chrono::minutes(2));
  auto late = RedeemLoginLink(*db_, deps(), TokenOf(*link));
  ASSERT_TRUE(late.ok());
  EXPECT_FALSE(late->has_value());

  auto fresh = IssueLoginLink(*db_, deps(), staff_);
  ASSERT_TRUE(fresh.ok());
  clock_.Advance(std::chrono::seconds(119));
  auto in_time = RedeemLoginLink(*db_, deps(), TokenOf(*fresh));
  ASSERT_TRUE(in_time.ok());
  EXPECT_TRUE(in_time->has_value());
}

TEST_F(WebLoginTest, ResidentsAndAnUnsetConsoleGetNoLink) {
  auto resident = IssueLoginLink(*db_, deps(), resident_);
  EXPECT_EQ(resident.status().code(), StatusCode::kPermissionDenied);
  config_.web.public_url = "";
  auto unset = IssueLoginLink(*db_, deps(), staff_);
  EXPECT_EQ(unset.status().code(), StatusCode::kFailedPrecondition);
  auto rows = db_->Query("SELECT COUNT(*) FROM login_links");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].Int(0), 0);
}

TEST_F(WebLoginTest, ALinkOfSomeoneNoLongerStaffSignsNobodyIn) {
  auto link = IssueLoginLink(*db_, deps(), staff_);
  ASSERT_TRUE(link.ok());
  config_.staff.clear();
  ASSERT_TRUE(SyncStaffFromConfig(*db_, config_, 2000).ok());
  auto r = RedeemLoginLink(*db_, deps(), TokenOf(*link));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has_value());
}

TEST_F(WebLoginTest, GarbageTokensAreRefusedWithoutALookup) {
  EXPECT_FALSE(LooksLikeLoginToken(""));
  EXPECT_FALSE(LooksLikeLoginToken(std::string(42, 'a')));
  EXPECT_FALSE(LooksLikeLoginToken(std::string(42, 'a') + "/"));
  EXPECT_TRUE(LooksLikeLoginToken(std::string(43, 'a')));
  auto r = RedeemLoginLink(*db_, deps(), "../../etc/passwd");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has_value());
}

}  // namespace
}  // namespace linli::domain::web_login_test
