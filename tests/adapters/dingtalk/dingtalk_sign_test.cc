// Vectors from ../shared/protocols/test-vectors.json (inputs hard-coded here).
#include "adapters/dingtalk/dingtalk_sign.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace linli::adapters::dingtalk::dingtalk_sign_test {
namespace {

constexpr char kRobotSecret[] =
    "SEC5f3c9e7a1d2b4c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f9012345678abcd";

// dingtalk-custom-robot-sign
TEST(DingTalkSignTest, CustomRobotVector) {
  EXPECT_EQ(HmacSha256Base64(kRobotSecret, std::string("1700000000003\n") + kRobotSecret),
            "+5AX/ESTNRE8PAfMNUAn3ZZ5/Dhe+UudOrU8YKBOz0Q=");
  EXPECT_EQ(CustomRobotSign("1700000000003", kRobotSecret),
            "%2B5AX%2FESTNRE8PAfMNUAn3ZZ5%2FDhe%2BUudOrU8YKBOz0Q%3D");
  EXPECT_EQ(CustomRobotQuerySuffix("1700000000003", kRobotSecret),
            "&timestamp=1700000000003&sign=%2B5AX%2FESTNRE8PAfMNUAn3ZZ5%2FDhe%2BUudOrU8YKBOz0Q%3D");
}

constexpr char kAppSecret[] = "exampleAppSecret-9f8e7d6c5b4a39281706f5e4d3c2b1a0";

// dingtalk-robot-callback-sign
TEST(DingTalkSignTest, CallbackVector) {
  EXPECT_EQ(CallbackSign("1700000001002", kAppSecret),
            "6qDoRi4mVqP/sU3MTlrHcCKRHwFIPDYNQCCmvrzHa+A=");
  EXPECT_TRUE(VerifyCallbackSign("1700000001002", kAppSecret,
                                 "6qDoRi4mVqP/sU3MTlrHcCKRHwFIPDYNQCCmvrzHa+A="));
  // The callback sign is not URL-encoded.
  EXPECT_FALSE(VerifyCallbackSign("1700000001002", kAppSecret,
                                  "6qDoRi4mVqP%2FsU3MTlrHcCKRHwFIPDYNQCCmvrzHa%2BA%3D"));
}

TEST(DingTalkSignTest, CallbackRejectsBitFlips) {
  const std::string sign = "6qDoRi4mVqP/sU3MTlrHcCKRHwFIPDYNQCCmvrzHa+A=";
  for (size_t i = 0; i < sign.size(); ++i) {
    std::string bad = sign;
    bad[i] = static_cast<char>(bad[i] ^ 0x02);
    EXPECT_FALSE(VerifyCallbackSign("1700000001002", kAppSecret, bad)) << i;
  }
  EXPECT_FALSE(VerifyCallbackSign("1700000001003", kAppSecret, sign));
  EXPECT_FALSE(VerifyCallbackSign("1700000001002", "other", sign));
  EXPECT_FALSE(VerifyCallbackSign("1700000001002", kAppSecret, ""));
  EXPECT_FALSE(VerifyCallbackSign("1700000001002", kAppSecret, sign.substr(1)));
}

TEST(DingTalkSignTest, ReplayCacheRejectsRepeatsUntilExpiry) {
  ReplayCache cache(/*window_ms=*/3600000, /*capacity=*/100);
  const int64_t ts = 1700000000000;
  EXPECT_TRUE(cache.Insert(ts, "sig", "body", ts));
  EXPECT_FALSE(cache.Insert(ts, "sig", "forged body", ts + 1000));
  // A redelivery of the same request (same body) is not a replay attack.
  EXPECT_TRUE(cache.Insert(ts, "sig", "body", ts + 1000));
  EXPECT_TRUE(cache.Insert(ts, "other-sig", "body", ts + 1000));
  EXPECT_TRUE(cache.Insert(ts + 1, "sig", "body", ts + 1000));
  EXPECT_FALSE(cache.Insert(ts, "sig", "forged", ts + 3600000));  // still inside the window
  EXPECT_EQ(cache.size(), 3u);
  // Once the timestamp is outside the window the entry is purged (the window check rejects
  // such a request before the cache is asked).
  EXPECT_TRUE(cache.Insert(ts, "sig", "body", ts + 3600001));
}

TEST(DingTalkSignTest, ReplayCacheIsBounded) {
  ReplayCache cache(3600000, 10);
  const int64_t ts = 1700000000000;
  for (int i = 0; i < 25; ++i) EXPECT_TRUE(cache.Insert(ts + i, "s", "body", ts));
  EXPECT_EQ(cache.size(), 10u);
  EXPECT_FALSE(cache.Insert(ts + 24, "s", "forged", ts));  // newest entries survive
}

TEST(DingTalkSignTest, ReplayCacheIsThreadSafe) {
  ReplayCache cache(3600000, 100000);
  const int64_t ts = 1700000000000;
  std::atomic<int> accepted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      const std::string body = "body " + std::to_string(t);  // a different body per thread
      for (int i = 0; i < 1000; ++i) {
        if (cache.Insert(ts + i, "s", body, ts)) ++accepted;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(accepted.load(), 1000);  // each pair accepted with exactly one body
}

}  // namespace
}  // namespace linli::adapters::dingtalk::dingtalk_sign_test
