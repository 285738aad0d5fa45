#include "adapters/wechat/wechat_token.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "tests/fakes/fake_clock.h"
#include "tests/fakes/memory_token_store.h"
#include "tests/fakes/recording_http_client.h"

namespace linli::adapters::wechat::wechat_token_test {
namespace {

using linli::testing::FakeClock;
using linli::testing::RecordingHttpClient;
using std::chrono::seconds;

constexpr char kTokenUrl[] =
    "https://api.example.test/cgi-bin/token?grant_type=client_credential&appid=wx1&secret=s";

std::string TokenReply(const std::string& token, int expires_in = 7200) {
  return "{\"access_token\":\"" + token + "\",\"expires_in\":" + std::to_string(expires_in) + "}";
}

class AccessTokenCacheTest : public ::testing::Test {
 protected:
  FakeClock clock_;
  RecordingHttpClient http_;
  AccessTokenCache cache_{clock_, http_, kTokenUrl};
};

TEST_F(AccessTokenCacheTest, FetchesOnceAndCaches) {
  http_.PushJson(200, TokenReply("T1"));
  auto t = cache_.Get();
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, "T1");
  EXPECT_EQ(*cache_.Get(), "T1");
  ASSERT_EQ(http_.request_count(), 1u);
  EXPECT_EQ(http_.last_request().method, "GET");
  EXPECT_EQ(http_.last_request().url, kTokenUrl);
}

TEST_F(AccessTokenCacheTest, RefreshesFiveMinutesBeforeExpiry) {
  http_.PushJson(200, TokenReply("T1"));
  http_.PushJson(200, TokenReply("T2"));
  EXPECT_EQ(*cache_.Get(), "T1");
  clock_.Advance(seconds(7200 - 300 - 1));
  EXPECT_EQ(*cache_.Get(), "T1");
  clock_.Advance(seconds(1));
  EXPECT_EQ(*cache_.Get(), "T2");
  EXPECT_EQ(http_.request_count(), 2u);
}

TEST_F(AccessTokenCacheTest, ShortLifetimeUsesHalfAsMargin) {
  http_.PushJson(200, TokenReply("T1", 100));
  http_.PushJson(200, TokenReply("T2", 100));
  EXPECT_EQ(*cache_.Get(), "T1");
  clock_.Advance(seconds(49));
  EXPECT_EQ(*cache_.Get(), "T1");
  clock_.Advance(seconds(1));
  EXPECT_EQ(*cache_.Get(), "T2");
}

// An HttpClient that answers slowly, so concurrent callers really overlap.
class SlowClient final : public HttpClient {
 public:
  explicit SlowClient(HttpClient& inner) : inner_(inner) {}
  StatusOr<HttpResponse> Send(const HttpClientRequest& request) override {
    ++in_flight_;
    max_in_flight_ = std::max(max_in_flight_.load(), in_flight_.load());
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    --in_flight_;
    return inner_.Send(request);
  }
  std::atomic<int> in_flight_{0};
  std::atomic<int> max_in_flight_{0};

 private:
  HttpClient& inner_;
};

TEST_F(AccessTokenCacheTest, ConcurrentCallersShareOneFetch) {
  SlowClient slow(http_);
  AccessTokenCache cache(clock_, slow, kTokenUrl);
  http_.PushJson(200, TokenReply("T1"));
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      auto t = cache.Get();
      if (t.ok() && *t == "T1") ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 8);
  EXPECT_EQ(http_.request_count(), 1u);
  EXPECT_EQ(slow.max_in_flight_.load(), 1);
}

TEST_F(AccessTokenCacheTest, FailureBackoffProtectsTheDailyQuota) {
  http_.PushError(Status::Unavailable("connection refused"));
  auto first = cache_.Get();
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.status().code(), StatusCode::kUnavailable);
  EXPECT_FALSE(cache_.Get().ok());
  EXPECT_EQ(http_.request_count(), 1u);  // second call served from the backoff
  clock_.Advance(AccessTokenCache::kFailureBackoff);
  http_.PushJson(200, TokenReply("T1"));
  EXPECT_EQ(*cache_.Get(), "T1");
  EXPECT_EQ(http_.request_count(), 2u);
}

TEST_F(AccessTokenCacheTest, ErrorClasses) {
  struct Case {
    StatusOr<HttpResponse> response;
    StatusCode code;
  };
  const std::vector<Case> cases = {
      {HttpResponse::Json(200, R"({"errcode":40013,"errmsg":"invalid appid"})"),
       StatusCode::kFailedPrecondition},
      {HttpResponse::Json(200, R"({"errcode":40164,"errmsg":"invalid ip"})"),
       StatusCode::kFailedPrecondition},
      {HttpResponse::Json(200, R"({"errcode":-1,"errmsg":"system error"})"),
       StatusCode::kUnavailable},
      {HttpResponse::Json(200, R"({"errcode":45009,"errmsg":"reach max api daily quota"})"),
       StatusCode::kUnavailable},
      {HttpResponse::Json(502, "bad gateway"), StatusCode::kUnavailable},
      {HttpResponse::Json(200, "not json"), StatusCode::kUnavailable},
      {HttpResponse::Json(200, R"({"expires_in":7200})"), StatusCode::kUnavailable},
      {Status::DeadlineExceeded("timeout"), StatusCode::kUnavailable},
  };
  for (const auto& c : cases) {
    FakeClock clock;
    RecordingHttpClient http;
    AccessTokenCache cache(clock, http, kTokenUrl);
    http.Push(c.response);
    auto t = cache.Get();
    ASSERT_FALSE(t.ok());
    EXPECT_EQ(t.status().code(), c.code) << t.status().ToString();
    // Never the secret in an error.
    EXPECT_EQ(t.status().message().find("secret=s"), std::string::npos);
  }
}

TEST_F(AccessTokenCacheTest, InvalidateOnlyDropsTheCurrentToken) {
  http_.PushJson(200, TokenReply("T1"));
  http_.PushJson(200, TokenReply("T2"));
  EXPECT_EQ(*cache_.Get(), "T1");
  cache_.Invalidate("T1");
  EXPECT_EQ(*cache_.Get(), "T2");
  cache_.Invalidate("T1");  // a second sender that also saw T1 fail: no new fetch
  EXPECT_EQ(*cache_.Get(), "T2");
  EXPECT_EQ(http_.request_count(), 2u);
}

TEST_F(AccessTokenCacheTest, OldTokenServesWhileRefreshFails) {
  http_.PushJson(200, TokenReply("T1"));
  EXPECT_EQ(*cache_.Get(), "T1");
  clock_.Advance(seconds(7000));  // inside the refresh margin, not yet expired
  http_.PushError(Status::Unavailable("down"));
  EXPECT_EQ(*cache_.Get(), "T1");
  clock_.Advance(seconds(201));  // expired now
  auto t = cache_.Get();
  EXPECT_FALSE(t.ok());
}

// --- PostWithToken and errcode mapping (Official Account policy) ---

constexpr char kSendPrefix[] = "https://api.example.test/cgi-bin/message/custom/send?access_token=";

class PostWithTokenTest : public AccessTokenCacheTest {
 protected:
  SendResult Post() {
    return PostWithToken(http_, cache_, kSendPrefix, R"({"touser":"u"})", OfficialAccountPolicy());
  }
};

TEST_F(PostWithTokenTest, SendsWithTheCachedToken) {
  http_.PushJson(200, TokenReply("T/1+"));
  http_.PushJson(200, R"({"errcode":0,"errmsg":"ok"})");
  http_.PushJson(200, R"({"errcode":0,"errmsg":"ok"})");
  EXPECT_EQ(Post().outcome, SendResult::Outcome::kSent);
  EXPECT_EQ(Post().outcome, SendResult::Outcome::kSent);
  const auto reqs = http_.requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[1].method, "POST");
  EXPECT_EQ(reqs[1].url, std::string(kSendPrefix) + "T%2F1%2B");
  EXPECT_EQ(reqs[1].content_type, "application/json");
  EXPECT_EQ(reqs[1].body, R"({"touser":"u"})");
}

TEST_F(PostWithTokenTest, TokenErrorsRefetchOnce) {
  for (int code : {40001, 40014, 42001}) {
    FakeClock clock;
    RecordingHttpClient http;
    AccessTokenCache cache(clock, http, kTokenUrl);
    http.PushJson(200, TokenReply("OLD"));
    http.PushJson(200, "{\"errcode\":" + std::to_string(code) + "}");
    http.PushJson(200, TokenReply("NEW"));
    http.PushJson(200, R"({"errcode":0})");
    auto r = PostWithToken(http, cache, kSendPrefix, "{}", OfficialAccountPolicy());
    EXPECT_EQ(r.outcome, SendResult::Outcome::kSent) << code;
    const auto reqs = http.requests();
    ASSERT_EQ(reqs.size(), 4u);
    EXPECT_EQ(reqs[1].url, std::string(kSendPrefix) + "OLD");
    EXPECT_EQ(reqs[2].url, kTokenUrl);
    EXPECT_EQ(reqs[3].url, std::string(kSendPrefix) + "NEW");
  }
}

TEST_F(PostWithTokenTest, TokenRejectedTwiceRetriesLater) {
  http_.PushJson(200, TokenReply("A"));
  http_.PushJson(200, R"({"errcode":40001})");
  http_.PushJson(200, TokenReply("B"));
  http_.PushJson(200, R"({"errcode":40001})");
  auto r = Post();
  EXPECT_EQ(r.outcome, SendResult::Outcome::kRetry);
  EXPECT_EQ(http_.request_count(), 4u);
}

TEST_F(PostWithTokenTest, TokenFetchFailureRetries) {
  http_.PushJson(200, R"({"errcode":40164,"errmsg":"invalid ip 1.2.3.4"})");
  auto r = Post();
  EXPECT_EQ(r.outcome, SendResult::Outcome::kRetry);
  EXPECT_EQ(r.retry_after, std::chrono::minutes(1));
  EXPECT_EQ(http_.request_count(), 1u);
}

// --- Two instances sharing one account's token (issue 14) ---

// Each instance has its own cache (and HTTP client, to count its fetches); they share the
// token store as two `linli serve` processes share the database.
TEST(SharedAccessTokenTest, TheSecondInstanceSendsWithTheFirstsTokenWithoutFetching) {
  FakeClock clock;
  linli::testing::MemoryTokenStore store;
  RecordingHttpClient http_a, http_b;
  AccessTokenCache a(clock, http_a, kTokenUrl, {-1, 45009, 45011}, &store, "wx");
  AccessTokenCache b(clock, http_b, kTokenUrl, {-1, 45009, 45011}, &store, "wx");
  http_a.PushJson(200, TokenReply("T1"));
  http_a.PushJson(200, R"({"errcode":0})");
  http_b.PushJson(200, R"({"errcode":0})");
  EXPECT_EQ(PostWithToken(http_a, a, kSendPrefix, "{}", OfficialAccountPolicy()).outcome,
            SendResult::Outcome::kSent);
  EXPECT_EQ(PostWithToken(http_b, b, kSendPrefix, "{}", OfficialAccountPolicy()).outcome,
            SendResult::Outcome::kSent);
  ASSERT_EQ(http_b.request_count(), 1u);  // the send only: no token fetch of its own
  EXPECT_EQ(http_b.last_request().url, std::string(kSendPrefix) + "T1");
  EXPECT_EQ(store.Stored("wx", AccessTokenCache::kKind), "T1");
}

// The platform refuses the token (40001): it is dropped from the store too, the refetch is
// stored, and the other instance takes that one instead of fetching (which on the Official
// Account would replace the token again).
TEST(SharedAccessTokenTest, ARefusedTokenIsReplacedOnceForBothInstances) {
  FakeClock clock;
  linli::testing::MemoryTokenStore store;
  RecordingHttpClient http_a, http_b;
  AccessTokenCache a(clock, http_a, kTokenUrl, {-1, 45009, 45011}, &store, "wx");
  AccessTokenCache b(clock, http_b, kTokenUrl, {-1, 45009, 45011}, &store, "wx");
  http_a.PushJson(200, TokenReply("OLD"));
  http_a.PushJson(200, R"({"errcode":0})");
  ASSERT_EQ(PostWithToken(http_a, a, kSendPrefix, "{}", OfficialAccountPolicy()).outcome,
            SendResult::Outcome::kSent);
  http_b.PushJson(200, R"({"errcode":40001})");
  http_b.PushJson(200, TokenReply("NEW"));
  http_b.PushJson(200, R"({"errcode":0})");
  ASSERT_EQ(PostWithToken(http_b, b, kSendPrefix, "{}", OfficialAccountPolicy()).outcome,
            SendResult::Outcome::kSent);
  EXPECT_EQ(store.Stored("wx", AccessTokenCache::kKind), "NEW");
  // A still holds OLD; refused in turn, it takes NEW from the store: no fetch.
  http_a.PushJson(200, R"({"errcode":40001})");
  http_a.PushJson(200, R"({"errcode":0})");
  EXPECT_EQ(PostWithToken(http_a, a, kSendPrefix, "{}", OfficialAccountPolicy()).outcome,
            SendResult::Outcome::kSent);
  const auto reqs = http_a.requests();
  ASSERT_EQ(reqs.size(), 4u);  // fetch, send, the refused send, the send with NEW
  EXPECT_EQ(reqs[3].url, std::string(kSendPrefix) + "NEW");
}

TEST(WechatApi, ClassifyOfficialAccountErrcodes) {
  using O = SendResult::Outcome;
  struct Case {
    StatusOr<HttpResponse> response;
    O outcome;
  };
  auto j = [](const std::string& body) { return HttpResponse::Json(200, body); };
  const std::vector<Case> cases = {
      {j(R"({"errcode":0,"errmsg":"ok"})"), O::kSent},
      {j(R"({"errcode":45015,"errmsg":"response out of time limit"})"), O::kDeferred},
      {j(R"({"errcode":45047,"errmsg":"out of response count limit"})"), O::kDeferred},
      {j(R"({"errcode":-1,"errmsg":"system error"})"), O::kRetry},
      {j(R"({"errcode":45009})"), O::kRetry},
      {j(R"({"errcode":45011})"), O::kRetry},
      {j(R"({"errcode":40001})"), O::kRetry},
      {j(R"({"errcode":40003,"errmsg":"invalid openid"})"), O::kPermanent},
      {j(R"({"errcode":48001})"), O::kPermanent},
      {j("<html>oops</html>"), O::kRetry},
      {j(R"([[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]])"),
       O::kRetry},
      {HttpResponse::Json(500, ""), O::kRetry},
      {HttpResponse::Json(503, ""), O::kRetry},
      {HttpResponse::Json(429, ""), O::kRetry},
      {HttpResponse::Json(404, ""), O::kPermanent},
      {HttpResponse::Json(400, ""), O::kPermanent},
      {Status::Unavailable("refused"), O::kRetry},
      {Status::DeadlineExceeded("timeout"), O::kRetry},
      {Status::InvalidArgument("bad url"), O::kPermanent},
  };
  for (const auto& c : cases) {
    const SendResult r = ClassifyApiResponse(c.response, OfficialAccountPolicy());
    EXPECT_EQ(r.outcome, c.outcome)
        << (c.response.ok() ? c.response->body : c.response.status().ToString());
  }
  const SendResult quota = ClassifyApiResponse(
      j(R"({"errcode":45011,"errmsg":"api minute-quota reach limit"})"), OfficialAccountPolicy());
  EXPECT_EQ(quota.retry_after, std::chrono::minutes(1));
  EXPECT_NE(quota.error.find("45011"), std::string::npos);
}

TEST(WechatApi, ParseApiReply) {
  auto r = ParseApiReply(
      R"({"errcode":0,"errmsg":"ok","access_token":"X","expires_in":7200,"msgid":123456789012,"invaliduser":"a|b"})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->access_token, "X");
  EXPECT_EQ(r->expires_in, 7200);
  EXPECT_EQ(r->msgid, "123456789012");
  EXPECT_EQ(r->invaliduser, "a|b");
  auto s = ParseApiReply(R"({"msgid":"abc","expires_in":"7200"})");  // wrong types ignored
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->errcode, 0);
  EXPECT_EQ(s->msgid, "abc");
  EXPECT_EQ(s->expires_in, 0);
  EXPECT_FALSE(ParseApiReply(R"({"errcode":"40001"})").ok());  // never mistaken for success
  EXPECT_FALSE(ParseApiReply("[]").ok());
  EXPECT_FALSE(ParseApiReply("").ok());
  EXPECT_FALSE(ParseApiReply(std::string(100000, '[')).ok());
}

}  // namespace
}  // namespace linli::adapters::wechat::wechat_token_test
