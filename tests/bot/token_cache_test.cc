// The token cache in front of the shared token store (issue 14): two caches on one store are
// two instances. A fetch is a counted lambda; the clock is a FakeClock.
#include "bot/token_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>

#include "tests/fakes/fake_clock.h"
#include "tests/fakes/memory_token_store.h"

namespace linli::token_cache_test {
namespace {

using namespace std::chrono_literals;

constexpr int64_t kHourMs = 3600 * 1000;
constexpr int64_t kTwoHoursMs = 2 * kHourMs;

class TokenCacheTest : public ::testing::Test {
 protected:
  TokenCache::Options Options() const {
    return TokenCache::Options{
        .channel = "wx", .kind = "access_token", .failure_backoff_ms = 10000};
  }
  // A fetch that hands out "<prefix>1", "<prefix>2", ... valid two hours, counting calls.
  TokenCache::Fetch Fetcher(const std::string& prefix, std::atomic<int>& calls) {
    return [prefix, &calls]() -> StatusOr<TokenCache::Fetched> {
      return TokenCache::Fetched{prefix + std::to_string(++calls), kTwoHoursMs};
    };
  }

  testing::FakeClock clock_;
  testing::MemoryTokenStore store_;
};

TEST_F(TokenCacheTest, WithoutAStoreItFetchesOnceAndKeepsTheTokenUntilTheMargin) {
  TokenCache cache(clock_, nullptr, Options());
  std::atomic<int> calls{0};
  auto fetch = Fetcher("T", calls);
  EXPECT_EQ(*cache.Get(fetch), "T1");
  EXPECT_EQ(*cache.Get(fetch), "T1");
  clock_.Advance(std::chrono::milliseconds(kTwoHoursMs) - 5min);  // the refresh margin
  EXPECT_EQ(*cache.Get(fetch), "T2");
  EXPECT_EQ(calls.load(), 2);
}

TEST_F(TokenCacheTest, TheSecondInstanceTakesTheStoredTokenAndFetchesNothing) {
  TokenCache a(clock_, &store_, Options());
  TokenCache b(clock_, &store_, Options());
  std::atomic<int> a_calls{0}, b_calls{0};
  EXPECT_EQ(*a.Get(Fetcher("A", a_calls)), "A1");
  EXPECT_EQ(store_.Stored("wx", "access_token"), "A1");
  EXPECT_EQ(*b.Get(Fetcher("B", b_calls)), "A1");
  EXPECT_EQ(b_calls.load(), 0);
  // Cached in front: the next sends cost no store read.
  const int loads = store_.loads.load();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(*b.Get(Fetcher("B", b_calls)), "A1");
  EXPECT_EQ(store_.loads.load(), loads);

  // At the refresh, the first instance to ask fetches; the other takes its new token.
  clock_.Advance(std::chrono::milliseconds(kTwoHoursMs) - 4min);
  EXPECT_EQ(*b.Get(Fetcher("B", b_calls)), "B1");
  EXPECT_EQ(*a.Get(Fetcher("A", a_calls)), "B1");
  EXPECT_EQ(a_calls.load(), 1);
  EXPECT_EQ(b_calls.load(), 1);
}

TEST_F(TokenCacheTest, WhileAnotherInstanceFetchesTheValidTokenIsUsedAndNoneIsFetched) {
  TokenCache a(clock_, &store_, Options());
  std::atomic<int> calls{0};
  EXPECT_EQ(*a.Get(Fetcher("A", calls)), "A1");
  clock_.Advance(std::chrono::milliseconds(kTwoHoursMs) - 4min);  // inside the margin
  store_.ClaimedElsewhere("wx", "access_token", clock_.NowMillis() + 30000);
  EXPECT_EQ(*a.Get(Fetcher("A", calls)), "A1");  // still valid for 4 minutes
  EXPECT_EQ(calls.load(), 1);
  // The other instance stored its token: taken at the next send.
  store_.Put("wx", "access_token", "B1", clock_.NowMillis() + kTwoHoursMs);
  EXPECT_EQ(*a.Get(Fetcher("A", calls)), "B1");
  EXPECT_EQ(calls.load(), 1);
}

TEST_F(TokenCacheTest, WithNoValidTokenWhileAnotherFetchesTheSendWaitsAsUnavailable) {
  TokenCache a(clock_, &store_, Options());
  std::atomic<int> calls{0};
  store_.ClaimedElsewhere("wx", "access_token", clock_.NowMillis() + 30000);
  auto got = a.Get(Fetcher("A", calls));
  EXPECT_EQ(got.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(calls.load(), 0);
  // The claim ran out (that instance died mid-fetch): this one fetches.
  clock_.Advance(30s);
  EXPECT_EQ(*a.Get(Fetcher("A", calls)), "A1");
}

TEST_F(TokenCacheTest, AnInvalidTokenIsDroppedHereAndInTheStore) {
  TokenCache a(clock_, &store_, Options());
  TokenCache b(clock_, &store_, Options());
  std::atomic<int> a_calls{0}, b_calls{0};
  EXPECT_EQ(*a.Get(Fetcher("A", a_calls)), "A1");
  EXPECT_EQ(*b.Get(Fetcher("B", b_calls)), "A1");
  b.Invalidate("A1");  // the platform refused it
  EXPECT_EQ(store_.Stored("wx", "access_token"), "");
  b.Invalidate("A1");  // a second sender with the same bad token: nothing more
  EXPECT_EQ(store_.drops.load(), 1);
  EXPECT_EQ(*b.Get(Fetcher("B", b_calls)), "B1");
  EXPECT_EQ(store_.Stored("wx", "access_token"), "B1");
  // The other instance meets the refusal too and takes the new token instead of fetching.
  a.Invalidate("A1");
  EXPECT_EQ(store_.Stored("wx", "access_token"), "B1");  // not the token it named
  EXPECT_EQ(*a.Get(Fetcher("A", a_calls)), "B1");
  EXPECT_EQ(a_calls.load(), 1);
}

TEST_F(TokenCacheTest, AFailingStoreIsPassedOverAndTheCacheFetchesOnItsOwn) {
  TokenCache a(clock_, &store_, Options());
  store_.failing = true;
  std::atomic<int> calls{0};
  EXPECT_EQ(*a.Get(Fetcher("A", calls)), "A1");
  EXPECT_EQ(*a.Get(Fetcher("A", calls)), "A1");
  EXPECT_EQ(calls.load(), 1);
}

TEST_F(TokenCacheTest, AFailedFetchEndsTheClaimBacksOffAndKeepsAnUnexpiredToken) {
  TokenCache a(clock_, &store_, Options());
  TokenCache b(clock_, &store_, Options());
  std::atomic<int> calls{0};
  EXPECT_EQ(*a.Get(Fetcher("A", calls)), "A1");
  clock_.Advance(std::chrono::milliseconds(kTwoHoursMs) - 4min);
  int failed_fetches = 0;
  auto refused = [&failed_fetches]() -> StatusOr<TokenCache::Fetched> {
    ++failed_fetches;
    return Status::Unavailable("access token: http 502");
  };
  EXPECT_EQ(*a.Get(refused), "A1");  // the refresh failed; the old token still works
  EXPECT_EQ(*a.Get(refused), "A1");
  EXPECT_EQ(failed_fetches, 1);       // the backoff: no second fetch yet
  // The claim was released: the other instance may fetch at once.
  std::atomic<int> b_calls{0};
  EXPECT_EQ(*b.Get(Fetcher("B", b_calls)), "B1");
  clock_.Advance(5min);  // A1 expired; the store has B1
  EXPECT_EQ(*a.Get(refused), "B1");
}

TEST_F(TokenCacheTest, FetchNowFetchesWhateverIsCachedAndStoresIt) {
  TokenCache a(clock_, &store_, Options());
  std::atomic<int> calls{0};
  EXPECT_EQ(*a.Get(Fetcher("A", calls)), "A1");
  EXPECT_EQ(*a.FetchNow(Fetcher("A", calls)), "A2");
  EXPECT_EQ(store_.Stored("wx", "access_token"), "A2");
  EXPECT_EQ(*a.Get(Fetcher("A", calls)), "A2");
}

}  // namespace
}  // namespace linli::token_cache_test
