// A compound for the decision tests: households in buildings 1 and 2 (areas 100.00, 80.50,
// 120.00 m² in building 1; 90.00, 60.25 in building 2), residents bound to them through the
// real bind flow, staff "staff-1" (DemoConfig), helpers to run the service in one transaction.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "domain/decisions/decision_service.h"
#include "domain/people/invite_code.h"
#include "domain/people/roster_import.h"
#include "storage/identity_store.h"
#include "storage/roster_store.h"
#include "tests/dialogs/dialog_harness.h"

namespace linli::domain::decisions {

inline constexpr const char* kDecisionRoster =
    "building,unit,room,area_m2,owner_name,phone\n"
    "1,1,101,100,张一,13800000001\n"
    "1,1,102,80.5,张二,13800000002\n"
    "1,2,201,120,张三,13800000003\n"
    "2,1,101,90,李一,13800000004\n"
    "2,1,102,60.25,李二,13800000005\n";

class DecisionFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = ImportRoster(h_.db(), kDecisionRoster, dialogs::DemoConfig().compound, false, 1000);
    ASSERT_TRUE(r.ok() && r->errors.empty());
    auto codes = storage::RosterStore::EnsureCodes(h_.db(), "", 1000, DrawInviteCode);
    ASSERT_TRUE(codes.ok());
    for (const auto& c : *codes) {
      code_[c.household.building + "-" + c.household.unit + "-" + c.household.room] = c.code;
      household_[c.household.building + "-" + c.household.unit + "-" + c.household.room] = c.household.id;
    }
    h_.Say("你好", "staff-1");  // the staff member's identity
  }
  // Binds `user` to the household "b-u-r" through the bind flow (one code per household: a
  // second member gets a fresh code).
  void Bind(const std::string& user, const std::string& where) {
    h_.Say("绑定 " + code_.at(where), user);
    auto codes = storage::RosterStore::EnsureCodes(h_.db(), "", 1000, DrawInviteCode);
    ASSERT_TRUE(codes.ok());
    for (const auto& c : *codes) {
      code_[c.household.building + "-" + c.household.unit + "-" + c.household.room] = c.code;
    }
  }
  int64_t PersonOf(const std::string& user) {
    auto id = storage::IdentityStore::FindIdentity(h_.db(), "tg", user);
    EXPECT_TRUE(id.ok() && id->has_value()) << user;
    return id.ok() && id->has_value() ? (*id)->person_id : 0;
  }
  Actor Staff() { return Actor::Person(PersonOf("staff-1")); }
  int64_t Now() { return h_.clock().NowMillis(); }

  // Runs `f` in one committed transaction.
  template <typename F>
  auto Tx(F f) {
    EXPECT_TRUE(h_.db().Begin().ok());
    auto r = f(h_.db());
    EXPECT_TRUE(h_.db().Commit().ok());
    return r;
  }

  // A covenant of `matter` over `buildings`, closing in a day, opened now.
  storage::Decision OpenCovenant(const std::string& matter = "informal",
                                 std::vector<std::string> buildings = {}, bool secret = true) {
    DraftInput in;
    in.title = "文明养犬公约";
    in.body = "遛狗请牵绳，及时清理。";
    in.matter = matter;
    in.buildings = std::move(buildings);
    in.secret = secret;
    in.closes_at_ms = Now() + 24 * 3600 * 1000;
    auto d = Tx([&](storage::Database& db) {
      return DecisionService::Create(db, h_.deps(), Staff(), in, Now());
    });
    EXPECT_TRUE(d.ok()) << d.status().ToString();
    auto opened = Tx([&](storage::Database& db) {
      return DecisionService::Open(db, h_.deps(), Staff(), d->id, Now());
    });
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    return opened.ok() ? *opened : storage::Decision{};
  }
  StatusOr<CastOutcome> Vote(const std::string& user, int64_t id, const std::string& choice) {
    return Tx([&](storage::Database& db) {
      return DecisionService::Vote(db, h_.deps(), PersonOf(user), id, {{choice}}, Now());
    });
  }
  nlohmann::json Close(int64_t id) {
    auto c = Tx([&](storage::Database& db) {
      return DecisionService::Close(db, h_.deps(), Actor::System(), id, Now());
    });
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    auto r = DecisionService::ResultOf(h_.db(), id);
    EXPECT_TRUE(r.ok() && r->has_value());
    return r.ok() && r->has_value() ? **r : nlohmann::json();
  }

  dialogs::DialogHarness h_;
  std::map<std::string, std::string> code_;       // "b-u-r" -> current invite code
  std::map<std::string, int64_t> household_;      // "b-u-r" -> household id
};

}  // namespace linli::domain::decisions
