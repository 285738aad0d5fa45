// Staff authority by tier (domain/tickets/authority.h): every cell of staff tier x ticket tier x
// action is walked, for staff persons and for admin API keys, through the service; a denied
// cell refuses with the same sentence chat and the API show and leaves the ticket row, its
// events and the outbox as they were. Plus the two findings of the issue 8 review.
#include "domain/tickets/authority.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "domain/tickets/ticket_actions.h"
#include "domain/tickets/ticket_service.h"
#include "storage/identity_store.h"
#include "tests/dialogs/dialog_harness.h"

namespace linli::dialogs::authority_test {
namespace {

using domain::Actor;
using domain::StaffTier;
using nlohmann::json;
using storage::Tier;

// The rule, stated independently of the table: the strength of whoever acts against the
// tier of the ticket.
int Strength(StaffTier t) {
  switch (t) {
    case StaffTier::kGrid:
    case StaffTier::kProperty:
      return 0;
    case StaffTier::kCommunity:
      return 1;
    case StaffTier::kStreet:
      return 2;
    case StaffTier::kAdmin:
      return 3;
  }
  return -1;
}
int Level(Tier t) { return t == Tier::kCompound ? 0 : t == Tier::kCommunity ? 1 : 2; }
bool Expected(StaffTier who, Tier tier) { return Strength(who) >= Level(tier); }

std::string UserOf(StaffTier t) { return "s-" + std::string(domain::Name(t)); }

config::Config AuthorityConfig() {
  config::Config c = DemoConfig();
  for (StaffTier t : domain::kAllStaffTiers) {
    const bool admin = t == StaffTier::kAdmin;
    c.staff.push_back({"tg", UserOf(t), "员工" + std::string(domain::Name(t)),
                       admin ? "street" : std::string(domain::Name(t)), admin ? "admin" : "staff"});
  }
  return c;
}

// A JSON body each action accepts.
json BodyFor(const std::string& action) {
  if (action == "note") return {{"note", "已派电工"}, {"public", true}};
  if (action == "resolve") return {{"note", "已更换"}};
  if (action == "defer") return {{"reason", "需表决"}, {"plan", "大会讨论"}, {"until", "2099-12-31"}};
  if (action == "escalate") return {{"reason", "需要协调"}};
  if (action == "assign") return {{"assignee_user_id", "staff-1"}};
  if (action == "summary") return {{"summary", "照明已修复"}};
  if (action == "merge") return {{"into", 1}};
  return json::object();
}
// Merge acts on #2 (into #1); every other action on #1.
int64_t NumberFor(const std::string& action) { return action == "merge" ? 2 : 1; }

std::string Dump(storage::Database& db, const std::string& sql) {
  auto rows = db.Query(sql);
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  std::string out;
  if (!rows.ok()) return out;
  for (const auto& r : *rows) {
    for (size_t i = 0; i < r.size(); ++i) out += r.Text(i) + "|";
    out += "\n";
  }
  return out;
}

// Everything a denial must leave alone.
std::string Snapshot(storage::Database& db) {
  return Dump(db, "SELECT * FROM tickets ORDER BY id") +
         Dump(db, "SELECT * FROM ticket_events ORDER BY id") +
         Dump(db, "SELECT * FROM outbox ORDER BY id");
}

int64_t PersonOf(DialogHarness& h, const std::string& user) {
  auto id = storage::IdentityStore::FindIdentity(h.db(), "tg", user);
  EXPECT_TRUE(id.ok() && id->has_value()) << user;
  return id.ok() && id->has_value() ? (*id)->person_id : 0;
}

void SetTier(DialogHarness& h, int64_t number, Tier tier) {
  auto t = storage::TicketStore::FindByNumber(h.db(), number);
  ASSERT_TRUE(t.ok() && t->has_value());
  storage::Ticket ticket = **t;
  ticket.tier = tier;
  ASSERT_TRUE(storage::TicketStore::Update(h.db(), ticket).ok());
}

TEST(AuthorityTest, TheTableListsEveryPairAndOnlyKnownActions) {
  EXPECT_EQ(domain::AuthorityTable().size(), domain::kAllStaffTiers.size() * storage::kAllTiers.size());
  for (StaffTier who : domain::kAllStaffTiers) {
    for (Tier tier : storage::kAllTiers) {
      int rows = 0;
      for (const auto& cell : domain::AuthorityTable()) {
        if (cell.who != who || cell.ticket_tier != tier) continue;
        ++rows;
        for (auto a : cell.actions) EXPECT_NE(domain::FindTicketAction(a), nullptr) << a;
      }
      EXPECT_EQ(rows, 1) << domain::Name(who) << " x " << tier;
    }
  }
  EXPECT_FALSE(domain::MayAct(StaffTier::kAdmin, Tier::kCompound, "fly"));
  for (StaffTier t : domain::kAllStaffTiers) {
    EXPECT_EQ(domain::ParseStaffTier(domain::Name(t)), t);
  }
  EXPECT_EQ(domain::ParseStaffTier("resident"), std::nullopt);
}

// Every cell, through the service, as a staff person (chat) and as an API key of that tier.
TEST(AuthorityTest, EveryCellIsAllowedOrDeniedAndADenialChangesNothing) {
  int denied = 0;
  int allowed = 0;
  for (StaffTier who : domain::kAllStaffTiers) {
    for (Tier tier : storage::kAllTiers) {
      for (const auto& action : domain::TicketActions()) {
        for (bool by_key : {false, true}) {
          SCOPED_TRACE(std::string(domain::Name(who)) + " x " + storage::NameOf(tier) + " x " +
                       action.name + (by_key ? " (api key)" : " (chat)"));
          const bool expected = Expected(who, tier);
          EXPECT_EQ(domain::MayAct(who, tier, action.name), expected);

          DialogHarness h(AuthorityConfig());
          h.Report("user-1");
          h.Report("user-2");
          h.Say("帮助", UserOf(who));
          SetTier(h, 1, tier);
          SetTier(h, 2, tier);
          const Actor actor = by_key ? Actor::ApiKey("key-" + std::string(domain::Name(who)),
                                                     std::string(domain::Name(who)))
                                     : Actor::Person(PersonOf(h, UserOf(who)));
          auto args = domain::ArgsFromJson(action, BodyFor(action.name));
          ASSERT_TRUE(args.ok()) << args.status().ToString();
          const std::string before = Snapshot(h.db());
          ASSERT_TRUE(h.db().Begin().ok());
          auto result = action.run(h.db(), h.deps(), actor, NumberFor(action.name), *args,
                                   h.clock().NowMillis());
          // Committed whatever happened: a denial must not have written anything to keep.
          ASSERT_TRUE(h.db().Commit().ok());
          if (expected) {
            ++allowed;
            if (!result.ok()) {
              // Only the state rule may still refuse (escalating at the top tier).
              EXPECT_NE(domain::TicketService::ErrorKey(result.status()), "staff.tier_denied");
              EXPECT_EQ(domain::TicketService::ErrorKey(result.status()), "staff.top_tier");
            } else {
              EXPECT_NE(Snapshot(h.db()), before);
            }
            continue;
          }
          ++denied;
          ASSERT_FALSE(result.ok());
          EXPECT_EQ(result.status().code(), StatusCode::kPermissionDenied);
          EXPECT_EQ(domain::TicketService::ErrorKey(result.status()), "staff.tier_denied");
          auto refusal = domain::DescribeRefusal(h.deps().texts, "zh-CN", result.status());
          ASSERT_TRUE(refusal.has_value());
          EXPECT_THAT(refusal->text, ::testing::HasSubstr("超出您的权限"));
          EXPECT_EQ(Snapshot(h.db()), before);
        }
      }
    }
  }
  // grid, property: 2 tiers denied; community: 1; street, admin: none. x 9 actions x 2.
  const int actions = static_cast<int>(domain::TicketActions().size());
  EXPECT_EQ(denied, (2 + 2 + 1) * actions * 2);
  EXPECT_EQ(allowed, (1 + 1 + 2 + 3 + 3) * actions * 2);
}

// Regression (issue 8 review): a grid worker escalated a ticket and then resolved it at the
// community tier. Escalating is allowed; afterwards the community tier owns it.
TEST(AuthorityTest, GridWorkerWhoEscalatedCannotResolve) {
  DialogHarness h;
  h.Report("user-1");
  EXPECT_THAT(DialogHarness::Text(h.Say("转办 1 需要社区协调", "staff-1")), ::testing::HasSubstr("社区"));
  const std::string before = Snapshot(h.db());
  const std::string reply = DialogHarness::Text(h.Say("解决 1 已处理", "staff-1"));
  EXPECT_THAT(reply, ::testing::HasSubstr("#1 现由社区负责，超出您的权限"));
  EXPECT_EQ(Snapshot(h.db()), before);
  auto t = storage::TicketStore::FindByNumber(h.db(), 1);
  ASSERT_TRUE(t.ok() && t->has_value());
  EXPECT_EQ((*t)->status, storage::TicketStatus::kEscalated);
  EXPECT_EQ((*t)->tier, Tier::kCommunity);
  // A second escalation from the grid is beyond its tier too.
  EXPECT_THAT(DialogHarness::Text(h.Say("转办 1 再往上", "staff-1")), ::testing::HasSubstr("超出您的权限"));
}

// Regression (issue 8 review): a resident's 不满意 sent the ticket one tier up, and the grid
// worker who had resolved it closed it again.
TEST(AuthorityTest, UnsatisfiedReopensUpAndTheGridWorkerCannotResolveAgain) {
  DialogHarness h;
  h.Report("user-1");
  h.Say("受理 1", "staff-1");
  h.Say("解决 1 已更换灯泡", "staff-1");
  h.Say("评价 1 不满意 还是不亮", "user-1");
  auto t = storage::TicketStore::FindByNumber(h.db(), 1);
  ASSERT_TRUE(t.ok() && t->has_value());
  EXPECT_EQ((*t)->status, storage::TicketStatus::kReopened);
  EXPECT_EQ((*t)->tier, Tier::kCommunity);
  const std::string before = Snapshot(h.db());
  EXPECT_THAT(DialogHarness::Text(h.Say("解决 1 又换了一次", "staff-1")), ::testing::HasSubstr("超出您的权限"));
  EXPECT_THAT(DialogHarness::Text(h.Say("受理 1", "staff-1")), ::testing::HasSubstr("超出您的权限"));
  EXPECT_EQ(Snapshot(h.db()), before);
}

// Who acted is recorded by name: the staff member's config name, an API key's name, the
// scheduler as "system"; the resident's rating names no one.
TEST(AuthorityTest, EventsRecordWhoActedByName) {
  DialogHarness h(AuthorityConfig());
  h.Report("user-1");
  h.Say("受理 1", "staff-1");
  ASSERT_TRUE(h.db().Begin().ok());
  auto r = domain::TicketService::AddNote(h.db(), h.deps(), Actor::ApiKey("dashboard", "street"),
                                          1, "已联系", false, "", h.clock().NowMillis());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(h.db().Commit().ok());
  h.Say("解决 1 已更换", "staff-1");
  h.Say("评价 1 满意", "user-1");
  auto events = storage::TicketStore::Events(h.db(), (*r).id);
  ASSERT_TRUE(events.ok());
  std::vector<std::string> names;
  for (const auto& e : *events) names.push_back(e.actor_name);
  EXPECT_THAT(names, ::testing::ElementsAre("", "王网格", "dashboard", "王网格", ""));
  EXPECT_EQ(events->back().rating, "satisfied");
}

}  // namespace
}  // namespace linli::dialogs::authority_test
