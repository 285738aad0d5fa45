#include "domain/tickets/ticket_history.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace linli::domain::ticket_history_test {
namespace {

using ::testing::HasSubstr;

config::Texts ShippedTexts() {
  auto t = config::Texts::Load(std::string(LINLI_SOURCE_DIR) + "/config/locales", {"zh-CN", "en"});
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return t.ok() ? std::move(t).value() : config::Texts();
}

storage::TicketEvent Event(std::string kind, std::string from, std::string to, std::string note,
                           bool is_public) {
  storage::TicketEvent e;
  e.kind = std::move(kind);
  e.from_status = std::move(from);
  e.to_status = std::move(to);
  e.note = std::move(note);
  e.is_public = is_public;
  return e;
}

TEST(TicketHistoryTest, EachKindHasItsOwnWordsForResidents) {
  const config::Texts texts = ShippedTexts();
  auto R = [&](const storage::TicketEvent& e) {
    return DescribeEvent(texts, "zh-CN", e, HistoryAudience::kResident);
  };
  EXPECT_EQ(R(Event("created", "", "new", "", false)), "提交报事");
  EXPECT_EQ(R(Event("status", "new", "accepted", "", true)), "已受理");
  EXPECT_EQ(R(Event("status", "accepted", "in_progress", "", true)), "开始处理");
  EXPECT_EQ(R(Event("note", "in_progress", "in_progress", "已订购灯泡", true)), "处理进展：已订购灯泡");
  EXPECT_EQ(R(Event("note", "in_progress", "in_progress", "内部的话", false)), "");
  EXPECT_EQ(R(Event("status", "accepted", "escalated", "compound -> community: 内部原因", false)),
            "已转至社区处理");
  // A second escalation keeps the status.
  EXPECT_EQ(R(Event("status", "escalated", "escalated", "community -> street: 内部原因", false)),
            "已转至街道处理");
  // ... and so did one recorded before issue 11 (as a note): it is worded as what it was.
  EXPECT_EQ(R(Event("note", "escalated", "escalated", "community -> street: 旧的记录", false)),
            "已转至街道处理");
  EXPECT_EQ(R(Event("note", "escalated", "escalated", "内部：community -> 其他", false)), "");
  EXPECT_EQ(R(Event("status", "in_progress", "resolved", "已更换", true)), "已解决：已更换");
  EXPECT_EQ(R(Event("status", "accepted", "deferred", "暂缓原因：缺件\n解决计划：下周\n预计日期：2030-01-01", true)),
            "暂缓处理（暂缓原因：缺件；解决计划：下周；预计日期：2030-01-01）");
  EXPECT_EQ(R(Event("status", "resolved", "closed", "", false)), "已关闭");
  storage::TicketEvent rated = Event("status", "resolved", "closed", "满意: 谢谢", false);
  rated.rating = "satisfied";
  EXPECT_EQ(R(rated), "评价“满意”，工单关闭");
  storage::TicketEvent reopened =
      Event("status", "resolved", "reopened", "compound -> community: 不满意: 没修好", false);
  reopened.rating = "unsatisfied";
  EXPECT_EQ(R(reopened), "评价“不满意”，已退回重办");
  storage::TicketEvent flag = Event("note", "new", "new", "未在时限内受理", false);
  flag.actor_name = "system";
  EXPECT_EQ(R(flag), "");
  EXPECT_EQ(R(Event("reminder", "deferred", "deferred", "2030-01-01", false)), "");
}

TEST(TicketHistoryTest, StaffSeeInternalEventsWithLocalizedTiers) {
  const config::Texts texts = ShippedTexts();
  auto S = [&](const storage::TicketEvent& e, const std::string& locale = "zh-CN") {
    return DescribeEvent(texts, locale, e, HistoryAudience::kStaff);
  };
  EXPECT_EQ(S(Event("status", "escalated", "escalated", "community -> street: 需协调", false)),
            "转办：社区 → 街道：需协调");
  EXPECT_EQ(S(Event("status", "escalated", "escalated", "community -> street: 需协调", false), "en"),
            "escalated: community → street office: 需协调");
  EXPECT_EQ(S(Event("note", "new", "new", "内部的话", false)), "内部备注：内部的话");
  storage::TicketEvent flag = Event("note", "new", "new", "未在时限内受理", false);
  flag.actor_name = "system";
  EXPECT_EQ(S(flag), "超时督办：未在时限内受理");
  EXPECT_THAT(S(Event("reminder", "deferred", "deferred", "2030-01-01", false)), HasSubstr("2030-01-01"));
  storage::TicketEvent reopened =
      Event("status", "resolved", "reopened", "compound -> community: 不满意: 没修好", false);
  reopened.rating = "unsatisfied";
  EXPECT_EQ(S(reopened), "评价“不满意”，退回重办：小区（网格/物业） → 社区：不满意: 没修好");
  EXPECT_EQ(LocalizeTierMove(texts, "zh-CN", "not a move"), "not a move");
}

TEST(TicketHistoryTest, HistoryLinesSkipWhatTheAudienceDoesNotSee) {
  const config::Texts texts = ShippedTexts();
  std::vector<storage::TicketEvent> events = {Event("created", "", "new", "", false),
                                              Event("note", "new", "new", "内部", false),
                                              Event("note", "new", "new", "公开", true)};
  events[2].at_ms = 42;
  auto resident = HistoryLines(texts, "zh-CN", events, HistoryAudience::kResident);
  ASSERT_EQ(resident.size(), 2u);
  EXPECT_EQ(resident[1].at_ms, 42);
  EXPECT_EQ(HistoryLines(texts, "zh-CN", events, HistoryAudience::kStaff).size(), 3u);
}

}  // namespace
}  // namespace linli::domain::ticket_history_test
