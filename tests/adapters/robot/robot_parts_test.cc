#include "adapters/robot/robot_parts.h"

#include <gtest/gtest.h>

#include <deque>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace linli::adapters::robot::robot_parts_test {
namespace {

using Outcome = SendResult::Outcome;

// A post that records the parts and answers from a script (then kSent).
struct ScriptedPost {
  std::vector<std::string> posted;
  std::deque<SendResult> script;
  SendResult operator()(const std::string& part) {
    posted.push_back(part);
    if (script.empty()) return SendResult::Sent("id-" + part);
    SendResult r = script.front();
    script.pop_front();
    return r;
  }
};

TEST(SendPartsTest, AllPartsInOrderThenProgressIsForgotten) {
  PartProgress progress;
  ScriptedPost post;
  const auto r = SendParts({"a", "b", "c"}, 0, "k", progress, std::ref(post));
  EXPECT_EQ(r.outcome, Outcome::kSent);
  EXPECT_EQ(r.requests, 3);
  EXPECT_EQ(r.platform_message_id, "id-c");
  EXPECT_EQ(post.posted, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(progress.size(), 0u);
}

TEST(SendPartsTest, TheAllowanceStopsItAndTheNextCallContinuesWithoutRepeating) {
  PartProgress progress;
  ScriptedPost post;
  auto r = SendParts({"a", "b", "c"}, 2, "k", progress, std::ref(post));
  EXPECT_EQ(r.outcome, Outcome::kRetry);
  EXPECT_TRUE(r.rate_limited);
  EXPECT_EQ(r.retry_after.count(), 0);
  EXPECT_EQ(r.requests, 2);
  EXPECT_EQ(progress.Done("k"), 2u);
  r = SendParts({"a", "b", "c"}, 2, "k", progress, std::ref(post));
  EXPECT_EQ(r.outcome, Outcome::kSent);
  EXPECT_EQ(r.requests, 1);
  EXPECT_EQ(post.posted, (std::vector<std::string>{"a", "b", "c"}));
}

TEST(SendPartsTest, AFailedPartIsRetriedNotTheOnesBefore) {
  PartProgress progress;
  ScriptedPost post;
  post.script = {SendResult::Sent(), SendResult::RateLimited("errcode 45009", std::chrono::seconds(60))};
  auto r = SendParts({"a", "b", "c"}, 0, "k", progress, std::ref(post));
  EXPECT_TRUE(r.rate_limited);
  EXPECT_EQ(r.retry_after, std::chrono::seconds(60));
  EXPECT_EQ(r.error, "part 2/3: errcode 45009");
  EXPECT_EQ(r.requests, 2);
  r = SendParts({"a", "b", "c"}, 0, "k", progress, std::ref(post));
  EXPECT_EQ(r.outcome, Outcome::kSent);
  EXPECT_EQ(post.posted, (std::vector<std::string>{"a", "b", "b", "c"}));
}

TEST(SendPartsTest, APermanentFailureGivesUpAndEmptyTextIsPermanent) {
  PartProgress progress;
  ScriptedPost post;
  post.script = {SendResult::Permanent("errcode 93000")};
  auto r = SendParts({"a", "b"}, 0, "k", progress, std::ref(post));
  EXPECT_EQ(r.outcome, Outcome::kPermanent);
  EXPECT_EQ(progress.size(), 0u);
  r = SendParts({}, 0, "k", progress, std::ref(post));
  EXPECT_EQ(r.outcome, Outcome::kPermanent);
  EXPECT_EQ(r.requests, 0);
}

TEST(PartProgressTest, BoundedOldestDropped) {
  PartProgress progress(2);
  progress.Set("a", 1);
  progress.Set("b", 1);
  progress.Set("c", 1);
  EXPECT_EQ(progress.size(), 2u);
  EXPECT_EQ(progress.Done("a"), 0u);
  EXPECT_EQ(progress.Done("c"), 1u);
  EXPECT_EQ(progress.Done(""), 0u);
}

TEST(RobotReplyTest, ReadsEitherShapeAndRefusesOthers) {
  auto r = ParseRobotReply(R"({"errcode":45009,"errmsg":"api freq out of limit"})", {"errcode"},
                           {"errmsg"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->code, 45009);
  EXPECT_EQ(r->message, "api freq out of limit");
  r = ParseRobotReply(R"({"StatusCode":0,"StatusMessage":"success"})", {"code", "StatusCode"},
                      {"msg", "StatusMessage"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->code, 0);
  EXPECT_FALSE(ParseRobotReply("<html>", {"errcode"}, {"errmsg"}).ok());
  EXPECT_FALSE(ParseRobotReply(R"({"ok":true})", {"errcode"}, {"errmsg"}).ok());
}

TEST(JsonEscapedSizeTest, CountsEscapes) {
  EXPECT_EQ(JsonEscapedSize("ab"), 2u);
  EXPECT_EQ(JsonEscapedSize("\"\n"), 4u);
  EXPECT_EQ(JsonEscapedSize("工"), 3u);
  EXPECT_EQ(JsonEscapedSize(std::string(1, '\x01')), 6u);
}

// What nlohmann::json writes for the string, the quotes taken off: the definition
// JsonEscapedSize counts without building it.
size_t DumpedSize(const std::string& s) {
  return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).size() - 2;
}

TEST(JsonEscapedSizeTest, EqualsTheDumpForEveryStringOfOneOrTwoBytes) {
  for (int a = 0; a < 256; ++a) {
    const std::string one(1, static_cast<char>(a));
    ASSERT_EQ(JsonEscapedSize(one), DumpedSize(one)) << "byte " << a;
    for (int b = 0; b < 256; ++b) {
      const std::string two = one + static_cast<char>(b);
      ASSERT_EQ(JsonEscapedSize(two), DumpedSize(two)) << "bytes " << a << " " << b;
    }
  }
}

// Longer sequences at the edges of table 3-7: every lead with second bytes at and around its
// range's limits, then a third and fourth byte that continue, break or are missing.
TEST(JsonEscapedSizeTest, EqualsTheDumpAtTheEdgesOfLongerSequences) {
  const std::vector<unsigned char> leads = {0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF,
                                            0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF};
  const std::vector<unsigned char> others = {0x00, 0x22, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F,
                                             0xA0, 0xBF, 0xC0, 0xC2, 0xE4, 0xF0};
  int checked = 0;
  for (unsigned char lead : leads) {
    for (unsigned char second : others) {
      for (unsigned char third : others) {
        for (unsigned char fourth : others) {
          std::string s = {static_cast<char>(lead), static_cast<char>(second),
                           static_cast<char>(third), static_cast<char>(fourth)};
          for (size_t len = 3; len <= 4; ++len) {
            const std::string t = s.substr(0, len) + (len == 3 ? "" : "\n");
            ASSERT_EQ(JsonEscapedSize(t), DumpedSize(t)) << ::testing::PrintToString(t);
            ++checked;
          }
        }
      }
    }
  }
  EXPECT_EQ(checked, 15 * 14 * 14 * 14 * 2);
  EXPECT_EQ(JsonEscapedSize("\xF0\x9F\x98\x80"), 4u);  // an emoji stays as it is
  EXPECT_EQ(JsonEscapedSize("\xE4\xB8"), 3u);            // a cut character is one U+FFFD
  EXPECT_EQ(JsonEscapedSize("\xE4\xB8\x41"), 4u);        // and the byte that broke it counts
}

}  // namespace
}  // namespace linli::adapters::robot::robot_parts_test
