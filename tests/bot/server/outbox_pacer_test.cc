#include "bot/server/outbox_pacer.h"

#include <gtest/gtest.h>

namespace linli::outbox_pacer_test {
namespace {

const SendPace kRobot{"robot", {{20, std::chrono::minutes(1)}}};
const SendPace kFeishu{"fs", {{100, std::chrono::minutes(1)}, {5, std::chrono::seconds(1)}}};

TEST(SendPacerTest, GrantsUpToTheBudgetThenSaysWhenRoomAppears) {
  SendPacer pacer;
  for (int i = 0; i < 20; ++i) {
    const auto g = pacer.Reserve(kRobot, 1000 + i * 100, 1);
    ASSERT_EQ(g.granted, 1) << i;
    pacer.Settle("robot", 1000 + i * 100, 1, 1, 1000 + i * 100);
  }
  auto g = pacer.Reserve(kRobot, 5000, 1);
  EXPECT_EQ(g.granted, 0);
  EXPECT_EQ(g.next_free_ms, 61000);  // the first request (t=1000) leaves the rolling minute
  EXPECT_EQ(pacer.Reserve(kRobot, 60999, 1).granted, 0);
  EXPECT_EQ(pacer.Reserve(kRobot, 61000, 1).granted, 1);
}

TEST(SendPacerTest, AGrantIsCappedByTheRoomLeftAndUnusedRequestsAreGivenBack) {
  SendPacer pacer;
  auto g = pacer.Reserve(kRobot, 0, 15);
  ASSERT_EQ(g.granted, 15);
  pacer.Settle("robot", 0, 15, 3, 10);  // three parts made, twelve given back
  g = pacer.Reserve(kRobot, 20, 30);
  EXPECT_EQ(g.granted, 17);
}

TEST(SendPacerTest, EveryBudgetMustHaveRoom) {
  SendPacer pacer;
  EXPECT_EQ(pacer.Reserve(kFeishu, 0, 8).granted, 5);  // 5 per second
  auto g = pacer.Reserve(kFeishu, 500, 1);
  EXPECT_EQ(g.granted, 0);
  EXPECT_EQ(g.next_free_ms, 1000);
  EXPECT_EQ(pacer.Reserve(kFeishu, 1000, 10).granted, 5);
}

TEST(SendPacerTest, ABlockHoldsTheWholeKeyAndKeysAreIndependent) {
  SendPacer pacer;
  pacer.Block("robot", 600000);
  auto g = pacer.Reserve(kRobot, 1000, 1);
  EXPECT_EQ(g.granted, 0);
  EXPECT_EQ(g.next_free_ms, 600000);
  EXPECT_EQ(pacer.NextFree(kRobot, 1000), 600000);
  EXPECT_EQ(pacer.Reserve({"other", kRobot.budgets}, 1000, 1).granted, 1);
  EXPECT_EQ(pacer.Reserve(kRobot, 600000, 1).granted, 1);
  EXPECT_EQ(pacer.Reserve({"", {}}, 0, 3).granted, 3);  // unpaced
}

}  // namespace
}  // namespace linli::outbox_pacer_test
