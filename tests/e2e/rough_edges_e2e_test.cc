// Issue 11 tried as a new user would, over the real server and the fake Telegram Bot API: a
// report at a named place, staff 工单 N with the whole ticket, 转办 to a tier without staff
// saying that nobody was told, and the resident's history in its own words.
#include <gtest/gtest.h>

#include <string>

#include "tests/e2e/e2e_harness.h"

namespace linli::e2e::rough_edges_e2e_test {
namespace {

constexpr int64_t kUser = 5550911;
constexpr int64_t kStaffUser = 5550912;

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(RoughEdgesE2eTest, StaffWorkATicketAtAPlaceFromChat) {
  Harness h;
  ASSERT_TRUE(h.StartApp({}, [](config::Config& c) {
    c.compound.places = {{"south_gate", "南门"}, {"car_park", "停车场"}};
    c.staff.push_back({"tg", std::to_string(kStaffUser), "王网格", "grid", "staff"});
  }));
  ASSERT_EQ(h.SendText(kUser, "报事"), 200);
  ASSERT_EQ(h.WaitForReplies(kUser, 1).size(), 1u);
  ASSERT_EQ(h.SendText(kUser, "2"), 200);
  ASSERT_TRUE(Contains(h.NextReplyText(kUser), "问题在哪里"));
  ASSERT_EQ(h.SendText(kUser, "南门口"), 200);
  ASSERT_TRUE(Contains(h.NextReplyText(kUser), "请简单描述"));
  ASSERT_EQ(h.SendText(kUser, "门禁刷卡没反应"), 200);
  ASSERT_EQ(h.WaitForReplies(kUser, 1).size(), 1u);
  ASSERT_EQ(h.SendText(kUser, "跳过"), 200);
  ASSERT_EQ(h.WaitForReplies(kUser, 1).size(), 1u);
  ASSERT_EQ(h.SendText(kUser, "1"), 200);
  ASSERT_TRUE(Contains(h.NextReplyText(kUser), "#1"));

  ASSERT_EQ(h.SendText(kStaffUser, "工单 1"), 200);
  const std::string whole = h.NextReplyText(kStaffUser);
  EXPECT_TRUE(Contains(whole, "位置：南门")) << whole;
  EXPECT_TRUE(Contains(whole, "描述：门禁刷卡没反应")) << whole;

  ASSERT_EQ(h.SendText(kStaffUser, "备注 1 已联系门禁厂家"), 200);
  ASSERT_EQ(h.WaitForReplies(kStaffUser, 1).size(), 1u);
  // No community staff configured: the ticket moves, and the reply says nobody was told.
  ASSERT_EQ(h.SendText(kStaffUser, "转办 1 需要社区协调经费"), 200);
  const std::string escalated = h.NextReplyText(kStaffUser);
  EXPECT_TRUE(Contains(escalated, "没有配置工作人员")) << escalated;
  // The resident is told of the escalation by push; then their history in its own words.
  ASSERT_GE(h.WaitForReplies(kUser, 1).size(), 1u);
  ASSERT_EQ(h.SendText(kUser, "进度 1"), 200);
  std::string history;
  for (int i = 0; i < 3 && !Contains(history, "处理记录"); ++i) history = h.NextReplyText(kUser);
  EXPECT_TRUE(Contains(history, "已转至社区处理")) << history;
  EXPECT_FALSE(Contains(history, "已联系门禁厂家")) << history;
  EXPECT_FALSE(Contains(history, "需要社区协调经费")) << history;
  EXPECT_FALSE(Contains(history, "->")) << history;
}

}  // namespace
}  // namespace linli::e2e::rough_edges_e2e_test
