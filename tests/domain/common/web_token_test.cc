#include "domain/common/web_token.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace linli::domain::web_token_test {
namespace {

TEST(WebTokenTest, TokensAreUrlSafeAndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    auto t = NewToken();
    ASSERT_TRUE(t.ok());
    ASSERT_EQ(t->size(), 43u);
    for (char c : *t) {
      EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') << *t;
    }
    seen.insert(*t);
  }
  EXPECT_EQ(seen.size(), 50u);
}

TEST(WebTokenTest, HashIsSha256Hex) {
  // FIPS 180-2 test vector: SHA-256("abc").
  EXPECT_EQ(TokenHash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_NE(TokenHash("abd"), TokenHash("abc"));
}

TEST(WebTokenTest, SameSecretComparesWholeValues) {
  EXPECT_TRUE(SameSecret("token", "token"));
  EXPECT_FALSE(SameSecret("token", "tokem"));
  EXPECT_FALSE(SameSecret("token", "token2"));
  EXPECT_FALSE(SameSecret("", "x"));
}

}  // namespace
}  // namespace linli::domain::web_token_test
