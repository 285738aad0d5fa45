#include "bot/text.h"

#include <gtest/gtest.h>

namespace linli::text_test {
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


// SplitByBytes: parts within the limit, in order, cut at line boundaries first.
std::string Join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? std::string(sep) : "") + parts[i];
  return out;
}

TEST(SplitByBytesTest, TextWithinTheLimitIsOnePartAndEmptyIsNone) {
  EXPECT_EQ(SplitByBytes("a\nb", 3), (std::vector<std::string>{"a\nb"}));
  EXPECT_TRUE(SplitByBytes("", 10).empty());
}

TEST(SplitByBytesTest, PacksWholeLinesGreedilyAndDropsTheNewlineBetweenParts) {
  // "aaa\nbbb" is 7 bytes: fits 8; adding "\ncc" would make 10.
  EXPECT_EQ(SplitByBytes("aaa\nbbb\ncc\nd", 8),
            (std::vector<std::string>{"aaa\nbbb", "cc\nd"}));
  EXPECT_EQ(SplitByBytes("aaaa\nbbbb", 4), (std::vector<std::string>{"aaaa", "bbbb"}));
}

TEST(SplitByBytesTest, ALongLineIsCutAtCharacterBoundaries) {
  // 5 x "工" (3 bytes each) = 15 bytes; limit 7 fits two characters (6 bytes), never 2.33.
  const auto parts = SplitByBytes("工工工工工", 7);
  EXPECT_EQ(parts, (std::vector<std::string>{"工工", "工工", "工"}));
  for (const auto& p : parts) EXPECT_LE(p.size(), 7u);
  // Four-byte characters too, and the long line's last piece takes the next line if it fits.
  EXPECT_EQ(SplitByBytes("😀😀😀\nab", 9), (std::vector<std::string>{"😀😀", "😀\nab"}));
}

TEST(SplitByBytesTest, EveryPartWithinTheLimitAndTheTextComesBack) {
  std::string text;
  for (int i = 0; i < 300; ++i) {
    text += "第" + std::to_string(i) + "行 报修 漏水 ";
    if (i % 7 == 0) text += std::string(50, 'x') + "长长长长长长长长长长长长长长长长长长长长";
    text += "\n";
  }
  text += "最后";
  for (size_t limit : {16u, 100u, 4096u}) {
    const auto parts = SplitByBytes(text, limit);
    ASSERT_GT(parts.size(), 1u) << limit;
    std::string joined;
    for (const auto& p : parts) {
      EXPECT_LE(p.size(), limit);
      EXPECT_FALSE(p.empty());
      // Never a broken character: each part is valid on its own (no dangling lead bytes).
      const auto last = static_cast<unsigned char>(p.back());
      EXPECT_FALSE(last >= 0xC0) << limit;
      EXPECT_NE(static_cast<unsigned char>(p.front()) & 0xC0, 0x80u) << limit;
      joined += p;
    }
    // Removing the newlines from both sides: nothing lost, nothing reordered.
    std::string flat = text;
    std::erase(flat, '\n');
    std::erase(joined, '\n');
    EXPECT_TRUE(joined == flat) << limit;
  }
}

TEST(SplitByBytesTest, LinesAreNotCutWhenWholeLinesFit) {
  const auto parts = SplitByBytes("一二三\n四五六\n七八九", 20);
  EXPECT_EQ(parts, (std::vector<std::string>{"一二三\n四五六", "七八九"}));
  EXPECT_EQ(Join(parts, "\n"), "一二三\n四五六\n七八九");
}

TEST(SplitByBytesTest, AMeasureCountsWhatTheWireCosts) {
  // JSON-escaped size: '"' costs 2. Each part's escaped size stays within 6.
  auto escaped = [](std::string_view s) {
    size_t n = 0;
    for (char c : s) n += (c == '"' || c == '\n') ? 2 : 1;
    return n;
  };
  const auto parts = SplitByBytes("\"\"\"\"\"", 6, escaped);
  EXPECT_EQ(parts, (std::vector<std::string>{"\"\"\"", "\"\""}));
  for (const auto& p : parts) EXPECT_LE(escaped(p), 6u);
}

}  // namespace
}  // namespace linli::text_test
