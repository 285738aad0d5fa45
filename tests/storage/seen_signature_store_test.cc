#include "storage/seen_signature_store.h"

#include <gtest/gtest.h>

#include "tests/storage/store_test.h"

namespace linli::storage::seen_signature_store_test {
namespace {

using V = SeenSignatureStore::Verdict;

class SeenSignatureStoreTest : public StoreTest {
 protected:
  StatusOr<V> Claim(const std::string& channel, const std::string& key, const std::string& digest,
                    int64_t expires, int64_t now) {
    return SeenSignatureStore::Claim(*db_, channel, key, digest, expires, now);
  }
};
LINLI_STORE_TEST_BACKENDS(SeenSignatureStoreTest);

TEST_P(SeenSignatureStoreTest, FirstThenSameBodyThenOtherBody) {
  EXPECT_EQ(*Claim("dd", "1700000000000\nsig", "aa", 5000, 1000), V::kFirst);
  EXPECT_EQ(*Claim("dd", "1700000000000\nsig", "aa", 5000, 2000), V::kSameBody);
  EXPECT_EQ(*Claim("dd", "1700000000000\nsig", "bb", 5000, 3000), V::kOtherBody);
  // The refused claim did not overwrite the first body.
  EXPECT_EQ(*Claim("dd", "1700000000000\nsig", "aa", 5000, 4000), V::kSameBody);
  EXPECT_EQ(*SeenSignatureStore::Count(*db_), 1);
}

TEST_P(SeenSignatureStoreTest, KeysArePerChannelAndPerKey) {
  EXPECT_EQ(*Claim("dd", "k1", "aa", 5000, 1000), V::kFirst);
  EXPECT_EQ(*Claim("dd2", "k1", "bb", 5000, 1000), V::kFirst);  // another robot
  EXPECT_EQ(*Claim("dd", "k2", "bb", 5000, 1000), V::kFirst);   // another timestamp/sign
  EXPECT_EQ(*SeenSignatureStore::Count(*db_), 3);
}

TEST_P(SeenSignatureStoreTest, LiveUntilExpiryThenDropped) {
  EXPECT_EQ(*Claim("dd", "k", "aa", 5000, 1000), V::kFirst);
  EXPECT_EQ(*Claim("dd", "other", "x", 9000, 1000), V::kFirst);
  EXPECT_EQ(*Claim("dd", "k", "bb", 5000, 5000), V::kOtherBody);  // still inside at expiry
  // After expiry the record is gone (the platform's window refuses the key by then anyway).
  EXPECT_EQ(*Claim("dd", "k", "bb", 9000, 5001), V::kFirst);
  EXPECT_EQ(*SeenSignatureStore::Count(*db_), 2);
  EXPECT_EQ(*Claim("dd", "z", "zz", 20000, 9001), V::kFirst);  // drops both older rows
  EXPECT_EQ(*SeenSignatureStore::Count(*db_), 1);
}

}  // namespace
}  // namespace linli::storage::seen_signature_store_test
