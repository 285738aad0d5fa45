#include "bot/text.h"

#include <gtest/gtest.h>

namespace linli {
namespace {

const std::vector<Choice> kChoices = {{"满意", "/rate 1 satisfied"}, {"基本满意", "b"}, {"不满意", "u"}};

TEST(RenderNumberedChoicesTest, DefaultStyleIsABlankLineThenOneChoicePerLine) {
  EXPECT_EQ(RenderNumberedChoices("请评价 #1", kChoices),
            "请评价 #1\n\n1. 满意\n2. 基本满意\n3. 不满意");
}

TEST(RenderNumberedChoicesTest, GapAndIndentArePerPlatform) {
  EXPECT_EQ(RenderNumberedChoices("请评价", kChoices, {.gap = "\n"}),
            "请评价\n1. 满意\n2. 基本满意\n3. 不满意");
  EXPECT_EQ(RenderNumberedChoices("", kChoices, {.gap = "", .indent = "  "}),
            "  1. 满意\n  2. 基本满意\n  3. 不满意");
}

TEST(RenderNumberedChoicesTest, NoGapWithoutTextAndTextAloneWithoutChoices) {
  EXPECT_EQ(RenderNumberedChoices("", {{"A", "a"}}), "1. A");
  EXPECT_EQ(RenderNumberedChoices("hi", {}), "hi");
  EXPECT_EQ(RenderNumberedChoices("", {}), "");
}

TEST(EventKindTest, NamesRoundTrip) {
  for (EventKind k : {EventKind::kSubscribe, EventKind::kUnsubscribe, EventKind::kClick,
                      EventKind::kScan, EventKind::kView, EventKind::kLocation}) {
    EXPECT_EQ(ParseEventKind(EventKindName(k)), k) << EventKindName(k);
  }
  EXPECT_EQ(ParseEventKind("templatesendjobfinish"), EventKind::kNone);
  EXPECT_EQ(ParseEventKind("SUBSCRIBE"), EventKind::kNone);  // callers lowercase first
  EXPECT_EQ(EventKindName(EventKind::kNone), "");
}

TEST(TrimTextTest, TrimsAsciiAndIdeographicSpace) {
  EXPECT_EQ(TrimText("\u3000 1 \n"), "1");
}

}  // namespace
}  // namespace linli
