// The ticket life cycle end to end through the chat (report -> accept -> public note ->
// resolve -> rated 满意 -> closed) and the service's own checks, whatever the front end.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "domain/tickets/ticket_service.h"
#include "storage/identity_store.h"
#include "tests/dialogs/dialog_harness.h"

namespace linli::dialogs::ticket_service_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kStaff[] = "staff-1";  // DemoConfig's grid staff member

StatusOr<storage::Ticket> InTx(DialogHarness& h,
                               const std::function<StatusOr<storage::Ticket>()>& f) {
  EXPECT_TRUE(h.db().Begin().ok());
  auto r = f();
  if (r.ok()) {
    EXPECT_TRUE(h.db().Commit().ok());
  } else {
    EXPECT_TRUE(h.db().Rollback().ok());
  }
  return r;
}

int64_t PersonOf(DialogHarness& h, const std::string& user) {
  auto id = storage::IdentityStore::FindIdentity(h.db(), "tg", user);
  EXPECT_TRUE(id.ok() && id->has_value());
  return id.ok() && id->has_value() ? (*id)->person_id : 0;
}

TEST(TicketServiceTest, ReportAcceptNoteResolveRateClosePushesEachStepToTheReporter) {
  DialogHarness h;
  const int64_t n = h.Report("user-1");
  ASSERT_EQ(n, 1);
  EXPECT_EQ(h.Ticket(1).tier, storage::Tier::kCompound);
  EXPECT_GT(h.Ticket(1).accept_due_at_ms, h.clock().NowMillis());
  h.TakeOutbox();  // nothing pushed by the report itself

  auto r = h.Say("受理 1", kStaff);
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("已受理"));
  EXPECT_EQ(h.Ticket(1).status, storage::TicketStatus::kAccepted);
  auto pushes = h.TakeOutbox();
  ASSERT_EQ(pushes.size(), 1u);
  EXPECT_EQ(pushes[0].to.user_id, "user-1");
  EXPECT_EQ(pushes[0].to.channel, "tg");
  EXPECT_THAT(pushes[0].text, HasSubstr("已受理"));
  EXPECT_EQ(pushes[0].notice, "ticket_status");
  EXPECT_EQ(pushes[0].notice_fields.at("number"), "1");
  EXPECT_EQ(pushes[0].notice_fields.at("status"), "已受理");
  EXPECT_FALSE(pushes[0].notice_fields.at("time").empty());

  h.clock().Advance(std::chrono::hours(1));
  r = h.Say("公开备注 1 师傅明天上午到", kStaff);
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("推送给报事人"));
  pushes = h.TakeOutbox();
  ASSERT_EQ(pushes.size(), 1u);
  EXPECT_EQ(pushes[0].to.user_id, "user-1");
  EXPECT_THAT(pushes[0].text, HasSubstr("师傅明天上午到"));

  // An internal note is not pushed.
  h.Say("备注 1 维保电话 12345678", kStaff);
  EXPECT_TRUE(h.TakeOutbox().empty());

  h.Say("处理 1", kStaff);
  pushes = h.TakeOutbox();
  ASSERT_EQ(pushes.size(), 1u);
  EXPECT_THAT(pushes[0].text, HasSubstr("处理中"));

  h.clock().Advance(std::chrono::hours(5));
  r = h.Say("解决 1 已更换灯泡", kStaff);
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("已解决"));
  pushes = h.TakeOutbox();
  ASSERT_EQ(pushes.size(), 1u);
  EXPECT_EQ(pushes[0].to.user_id, "user-1");
  EXPECT_THAT(pushes[0].text, HasSubstr("已解决"));
  EXPECT_THAT(pushes[0].text, HasSubstr("已更换灯泡"));
  ASSERT_EQ(pushes[0].choices.size(), 3u);
  EXPECT_EQ(pushes[0].choices[0].label, "满意");
  EXPECT_EQ(pushes[0].choices[0].payload, "/rate 1 satisfied");
  EXPECT_EQ(pushes[0].choices[2].payload, "/rate 1 unsatisfied");
  for (const auto& c : pushes[0].choices) EXPECT_LE(c.payload.size(), 64u);

  // The reporter taps 满意.
  r = h.Tap(pushes[0].choices[0].payload, "user-1");
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("感谢您的评价"));
  const storage::Ticket t = h.Ticket(1);
  EXPECT_EQ(t.status, storage::TicketStatus::kClosed);
  EXPECT_EQ(t.rating, "satisfied");
  EXPECT_GT(t.resolved_at_ms, 0);
  EXPECT_GE(t.rated_at_ms, t.resolved_at_ms);

  // The reporter's history shows every step, without the internal note.
  r = h.Say("进度 1", "user-1");
  const std::string history = DialogHarness::Text(r);
  EXPECT_THAT(history, HasSubstr("已关闭"));
  EXPECT_THAT(history, HasSubstr("师傅明天上午到"));
  EXPECT_THAT(history, Not(HasSubstr("12345678")));
}

TEST(TicketServiceTest, ResidentIsRefusedByTheServiceItselfAndNothingChanges) {
  DialogHarness h;
  h.Report("user-1");
  h.Say("你好", "user-2");  // another resident, known to the bot
  h.TakeOutbox();
  const int64_t resident = PersonOf(h, "user-2");
  const int64_t now = h.clock().NowMillis();
  for (auto call : std::vector<std::function<StatusOr<storage::Ticket>()>>{
           [&] { return domain::TicketService::Accept(h.db(), h.deps(), domain::Actor::Person(resident), 1, now); },
           [&] { return domain::TicketService::Resolve(h.db(), h.deps(), domain::Actor::Person(resident), 1, "x", now); },
           [&] { return domain::TicketService::Escalate(h.db(), h.deps(), domain::Actor::Person(resident), 1, "x", now); },
           [&] { return domain::TicketService::AddNote(h.db(), h.deps(), domain::Actor::Person(resident), 1, "x", true, "", now); },
       }) {
    auto r = InTx(h, call);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied);
    EXPECT_EQ(domain::TicketService::ErrorKey(r.status()), "staff.denied");
  }
  EXPECT_EQ(h.Ticket(1).status, storage::TicketStatus::kNew);
  EXPECT_TRUE(h.TakeOutbox().empty());
  auto events = storage::TicketStore::Events(h.db(), h.Ticket(1).id);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events->size(), 1u);  // "created" only
}

TEST(TicketServiceTest, DatabaseRoleMakesStaffToo) {
  DialogHarness h;
  h.Report("user-1");
  h.Say("你好", "officer");
  const int64_t officer = PersonOf(h, "officer");
  ASSERT_TRUE(storage::IdentityStore::SetRole(h.db(), officer, "staff", "community").ok());
  auto staff = domain::TicketService::IsStaff(h.db(), h.config(), officer);
  ASSERT_TRUE(staff.ok());
  EXPECT_TRUE(*staff);
  auto r = h.Say("受理 1", "officer");
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("已受理"));
}

TEST(TicketServiceTest, TransitionsAreValidated) {
  DialogHarness h;
  h.Report("user-1");
  const int64_t now = h.clock().NowMillis();
  const domain::Actor sys = domain::Actor::System();
  auto r = InTx(h, [&] { return domain::TicketService::Resolve(h.db(), h.deps(), sys, 1, "  ", now); });
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  r = InTx(h, [&] { return domain::TicketService::Resolve(h.db(), h.deps(), sys, 1, "done", now); });
  ASSERT_TRUE(r.ok());
  r = InTx(h, [&] { return domain::TicketService::Accept(h.db(), h.deps(), sys, 1, now); });
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(domain::TicketService::ErrorKey(r.status()), "staff.bad_state");
  EXPECT_EQ(domain::TicketService::ErrorArgs(r.status()).at("status"), "resolved");
  r = InTx(h, [&] { return domain::TicketService::Accept(h.db(), h.deps(), sys, 99, now); });
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(domain::TicketService::ErrorArgs(r.status()).at("number"), "99");
}

TEST(TicketServiceTest, DeferralNeedsReasonPlanAndAFutureDate) {
  DialogHarness h;
  h.Report("user-1");
  const int64_t now = h.clock().NowMillis();  // 2026-11-25 in Asia/Shanghai
  const domain::Actor sys = domain::Actor::System();
  auto defer = [&](const std::string& reason, const std::string& plan, const std::string& date) {
    return InTx(h, [&] {
      return domain::TicketService::Defer(h.db(), h.deps(), sys, 1, reason, plan, date, now);
    });
  };
  EXPECT_EQ(defer("", "plan", "2026-12-31").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(defer("why", "", "2026-12-31").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(domain::TicketService::ErrorKey(defer("why", "plan", "2026-02-30").status()), "staff.bad_date");
  EXPECT_EQ(domain::TicketService::ErrorKey(defer("why", "plan", "31.12.2026").status()), "staff.bad_date");
  EXPECT_EQ(domain::TicketService::ErrorKey(defer("why", "plan", "2026-11-24").status()), "staff.past_date");
  auto ok = defer("why", "plan", "2026-11-25");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->deferred_until, "2026-11-25");
}

TEST(TicketServiceTest, EscalationStopsAtTheStreetTier) {
  DialogHarness h;
  h.Report("user-1");
  const int64_t now = h.clock().NowMillis();
  const domain::Actor sys = domain::Actor::System();
  auto up = [&] {
    return InTx(h, [&] { return domain::TicketService::Escalate(h.db(), h.deps(), sys, 1, "big", now); });
  };
  ASSERT_TRUE(up().ok());
  EXPECT_EQ(h.Ticket(1).tier, storage::Tier::kCommunity);
  ASSERT_TRUE(up().ok());
  EXPECT_EQ(h.Ticket(1).tier, storage::Tier::kStreet);
  EXPECT_EQ(h.Ticket(1).escalations, 2);
  auto r = up();
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(domain::TicketService::ErrorKey(r.status()), "staff.top_tier");
  EXPECT_EQ(h.Ticket(1).tier, storage::Tier::kStreet);
}

TEST(TicketServiceTest, ParseRating) {
  EXPECT_EQ(domain::ParseRating("满意"), domain::kRatingSatisfied);
  EXPECT_EQ(domain::ParseRating("1"), domain::kRatingSatisfied);
  EXPECT_EQ(domain::ParseRating("基本满意"), domain::kRatingBasic);
  EXPECT_EQ(domain::ParseRating("2"), domain::kRatingBasic);
  EXPECT_EQ(domain::ParseRating(" 不满意 "), domain::kRatingUnsatisfied);
  EXPECT_EQ(domain::ParseRating("Unsatisfied"), domain::kRatingUnsatisfied);
  EXPECT_EQ(domain::ParseRating("4"), "");
  EXPECT_EQ(domain::ParseRating("还行吧"), "");
}

}  // namespace
}  // namespace linli::dialogs::ticket_service_test
