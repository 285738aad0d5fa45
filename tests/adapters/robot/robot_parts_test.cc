#include "adapters/robot/robot_parts.h"

#include <gtest/gtest.h>

#include <deque>

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

}  // namespace
}  // namespace linli::adapters::robot::robot_parts_test
