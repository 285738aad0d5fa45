#include "web/telegram_init_data.h"

#include <gtest/gtest.h>

#include <string>

#include "bot/http.h"

namespace linli::web::telegram_init_data_test {
namespace {

// Vector computed independently (Python's hmac/hashlib over the same fields) for this token;
// `signature` is a field like any other and stays in the data-check-string.
constexpr char kToken[] = "123456:TEST-token-for-vectors";
constexpr char kInitData[] =
    "auth_date=1764600000&query_id=AAHdF6IQAAAAAN0XohDhrOrc&user=%7B%22id%22%3A279058397%2C%22"
    "first_name%22%3A%22%E7%8E%8B%22%2C%22language_code%22%3A%22zh-hans%22%7D&signature=abc_def-"
    "ghi&hash=adafc366e5f3d76f082e4eede3c834b7c78a1a54a0c536a1f88db9692837349a";
constexpr int64_t kAuthDateMs = 1764600000LL * 1000;

TEST(TelegramInitDataTest, VectorVerifies) {
  auto user = VerifyInitData(kInitData, kToken, kAuthDateMs + 5000, kDefaultInitDataMaxAgeS);
  ASSERT_TRUE(user.ok()) << user.status().ToString();
  EXPECT_EQ(user->user_id, "279058397");
  EXPECT_EQ(user->language_code, "zh-hans");
  EXPECT_EQ(user->auth_date_s, 1764600000);
}

TEST(TelegramInitDataTest, HashOfTheVectorsDataCheckString) {
  const std::string dcs = InitDataCheckString(
      {{"user", R"({"id":279058397,"first_name":"王","language_code":"zh-hans"})"},
       {"auth_date", "1764600000"},
       {"signature", "abc_def-ghi"},
       {"query_id", "AAHdF6IQAAAAAN0XohDhrOrc"}});
  EXPECT_EQ(dcs,
            "auth_date=1764600000\nquery_id=AAHdF6IQAAAAAN0XohDhrOrc\nsignature=abc_def-ghi\n"
            "user={\"id\":279058397,\"first_name\":\"王\",\"language_code\":\"zh-hans\"}");
  EXPECT_EQ(InitDataHash(dcs, kToken),
            "adafc366e5f3d76f082e4eede3c834b7c78a1a54a0c536a1f88db9692837349a");
  // Another message under the same secret key (Python: hmac(secret_key, b"a=1")).
  EXPECT_EQ(InitDataHash("a=1", kToken),
            "6e6eddd308cfac2c391290dda55ba6ad069b1b0822d5052b02bb4ca668627900");
}

TEST(TelegramInitDataTest, AHashOverTheFieldsWithoutSignatureVerifiesToo) {
  // The protocol notes' reading (../shared/protocols/telegram.md: "except hash (and
  // signature)"); InitDataHash itself is pinned by the vector above.
  const std::string user = R"({"id":279058397,"first_name":"王","language_code":"zh-hans"})";
  const std::string hash = InitDataHash(
      InitDataCheckString({{"auth_date", "1764600000"}, {"query_id", "Q1"}, {"user", user}}), kToken);
  const std::string data = "auth_date=1764600000&query_id=Q1&user=" + linli::PercentEncode(user) +
                           "&signature=abc_def-ghi&hash=" + hash;
  auto v = VerifyInitData(data, kToken, kAuthDateMs, 3600);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->user_id, "279058397");
  // Without a signature field that reading does not apply, and another token still fails.
  EXPECT_FALSE(VerifyInitData(data, "654321:other", kAuthDateMs, 3600).ok());
  std::string other_query = data;
  other_query.replace(other_query.find("Q1"), 2, "Q2");
  EXPECT_FALSE(VerifyInitData(other_query, kToken, kAuthDateMs, 3600).ok());
}

TEST(TelegramInitDataTest, UppercaseHashIsTheSameHash) {
  std::string data = kInitData;
  const size_t at = data.find("hash=") + 5;
  for (size_t i = at; i < data.size(); ++i) data[i] = static_cast<char>(std::toupper(data[i]));
  EXPECT_TRUE(VerifyInitData(data, kToken, kAuthDateMs, 3600).ok());
}

TEST(TelegramInitDataTest, EveryOneByteChangeIsRefused) {
  const std::string good = kInitData;
  const size_t hash_at = good.find("&hash=");
  for (size_t i = 0; i < hash_at; ++i) {
    std::string bad = good;
    if (bad[i] == '&' || bad[i] == '=' || bad[i] == '%') continue;  // structure, tested below
    bad[i] = bad[i] == 'x' ? 'y' : 'x';
    auto v = VerifyInitData(bad, kToken, kAuthDateMs, 3600);
    EXPECT_FALSE(v.ok()) << "byte " << i;
  }
  // The changed byte in the user's id: refused as unauthenticated (never a different user).
  std::string other_user = good;
  other_user.replace(other_user.find("279058397"), 9, "279058398");
  EXPECT_EQ(VerifyInitData(other_user, kToken, kAuthDateMs, 3600).status().code(),
            StatusCode::kUnauthenticated);
  std::string bad_hash = good;
  bad_hash.back() = bad_hash.back() == 'a' ? 'b' : 'a';
  EXPECT_EQ(VerifyInitData(bad_hash, kToken, kAuthDateMs, 3600).status().code(),
            StatusCode::kUnauthenticated);
}

TEST(TelegramInitDataTest, AnotherBotsTokenIsRefused) {
  EXPECT_EQ(VerifyInitData(kInitData, "654321:other", kAuthDateMs, 3600).status().code(),
            StatusCode::kUnauthenticated);
  EXPECT_EQ(VerifyInitData(kInitData, "", kAuthDateMs, 3600).status().code(),
            StatusCode::kUnauthenticated);
}

TEST(TelegramInitDataTest, StaleAndFutureAuthDatesAreRefused) {
  EXPECT_TRUE(VerifyInitData(kInitData, kToken, kAuthDateMs + 3600 * 1000, 3600).ok());
  EXPECT_EQ(VerifyInitData(kInitData, kToken, kAuthDateMs + 3601 * 1000, 3600).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(VerifyInitData(kInitData, kToken, kAuthDateMs - 61 * 1000, 3600).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_TRUE(VerifyInitData(kInitData, kToken, kAuthDateMs - 30 * 1000, 3600).ok());
}

std::string Signed(const std::string& body_without_hash,
                   std::vector<std::pair<std::string, std::string>> decoded) {
  return body_without_hash + "&hash=" + InitDataHash(InitDataCheckString(std::move(decoded)), kToken);
}

TEST(TelegramInitDataTest, MalformedDataIsInvalid) {
  for (const char* bad : {"", "hash", "=x&hash=00", "a=1&a=2&hash=00", "auth_date=1",
                          "auth_date=1&hash=abc"}) {
    EXPECT_EQ(VerifyInitData(bad, kToken, kAuthDateMs, 3600).status().code(),
              StatusCode::kInvalidArgument)
        << bad;
  }
  // Signed, but without a user or with a user id that is not an integer.
  const std::string no_user = Signed("auth_date=1764600000", {{"auth_date", "1764600000"}});
  EXPECT_EQ(VerifyInitData(no_user, kToken, kAuthDateMs, 3600).status().code(),
            StatusCode::kInvalidArgument);
  const std::string text_id = Signed("auth_date=1764600000&user=%7B%22id%22%3A%2212%22%7D",
                                     {{"auth_date", "1764600000"}, {"user", R"({"id":"12"})"}});
  EXPECT_EQ(VerifyInitData(text_id, kToken, kAuthDateMs, 3600).status().code(),
            StatusCode::kInvalidArgument);
  const std::string no_date = Signed("user=%7B%22id%22%3A12%7D", {{"user", R"({"id":12})"}});
  EXPECT_EQ(VerifyInitData(no_date, kToken, kAuthDateMs, 3600).status().code(),
            StatusCode::kInvalidArgument);
  // The same, well-formed: accepted (so the refusals above are about what they change).
  const std::string ok = Signed("auth_date=1764600000&user=%7B%22id%22%3A12%7D",
                                {{"auth_date", "1764600000"}, {"user", R"({"id":12})"}});
  auto v = VerifyInitData(ok, kToken, kAuthDateMs, 3600);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->user_id, "12");
}

}  // namespace
}  // namespace linli::web::telegram_init_data_test
