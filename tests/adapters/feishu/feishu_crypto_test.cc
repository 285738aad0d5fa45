// Vectors from ../shared/protocols/test-vectors.json (inputs hard-coded here).
#include "adapters/feishu/feishu_crypto.h"

#include <gtest/gtest.h>

#include "adapters/dingtalk/dingtalk_sign.h"

namespace linli::adapters::feishu::feishu_crypto_test {
namespace {

std::string FromHex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

// feishu-event-decrypt-official
TEST(FeishuCryptoTest, DecryptsOfficialSample) {
  EXPECT_EQ(HexEncode(Sha256("test key")),
            "fa2bdca424f01f01ffb48df93acc35d439c7fd331a1a7fba6ac2fd83aa9ab31a");
  auto raw = Base64Decode("P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=");
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(HexEncode(raw->substr(0, 16)), "3f7ef0f9564898d80f10ed5106127a46");
  auto plain = DecryptEvent("test key", "P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=");
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_EQ(*plain, "hello world");
}

constexpr char kChallengeJson[] =
    "{\"challenge\":\"ajls384kdj\",\"token\":\"xxxxxx\",\"type\":\"url_verification\"}";
constexpr char kChallengeEncrypt[] =
    "AAECAwQFBgcICQoLDA0ODw9mLTIAZS9jAmGTQ1wAhHr2K2c4pSoIiYBFkqtMS3Sq3lVZ8O2KvHdU30oKQyQZ0egL/"
    "11AOiw3h/yh+ldMESTV4CABkS3FPhJAJnPpUte1";

// feishu-event-encrypt-and-signature
TEST(FeishuCryptoTest, EncryptsWithFixedIvAndSigns) {
  auto encrypted =
      EncryptEvent("test key", kChallengeJson, FromHex("000102030405060708090a0b0c0d0e0f"));
  ASSERT_TRUE(encrypted.ok());
  EXPECT_EQ(*encrypted, kChallengeEncrypt);
  auto plain = DecryptEvent("test key", kChallengeEncrypt);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(*plain, kChallengeJson);

  const std::string raw_body = std::string("{\"encrypt\":\"") + kChallengeEncrypt + "\"}";
  EXPECT_EQ(EventSignature("1700000000", "nonce123", "test key", raw_body),
            "1a5c05c06a385de6d005e26c97908d2ad404d54fb7a6813cc3bd65df49cdc17f");
  EXPECT_TRUE(
      VerifyEventSignature("1700000000", "nonce123", "test key", raw_body,
                           "1a5c05c06a385de6d005e26c97908d2ad404d54fb7a6813cc3bd65df49cdc17f"));
}

TEST(FeishuCryptoTest, SignatureRejectsEveryBitFlip) {
  const std::string body = std::string("{\"encrypt\":\"") + kChallengeEncrypt + "\"}";
  const std::string sig = "1a5c05c06a385de6d005e26c97908d2ad404d54fb7a6813cc3bd65df49cdc17f";
  ASSERT_TRUE(VerifyEventSignature("1700000000", "nonce123", "test key", body, sig));
  auto flip = [](std::string s, size_t i, int bit) {
    s[i] = static_cast<char>(s[i] ^ (1 << bit));
    return s;
  };
  for (size_t i = 0; i < sig.size(); ++i) {
    EXPECT_FALSE(VerifyEventSignature("1700000000", "nonce123", "test key", body, flip(sig, i, 0)));
  }
  for (size_t i = 0; i < 8; ++i) {
    EXPECT_FALSE(VerifyEventSignature("1700000000", flip("nonce123", i, 1), "test key", body, sig));
  }
  for (size_t i = 0; i < 10; ++i) {
    EXPECT_FALSE(VerifyEventSignature(flip("1700000000", i, 0), "nonce123", "test key", body, sig));
  }
  for (size_t i = 0; i < body.size(); i += 7) {
    EXPECT_FALSE(VerifyEventSignature("1700000000", "nonce123", "test key", flip(body, i, 2), sig));
  }
  EXPECT_FALSE(VerifyEventSignature("1700000000", "nonce123", "test key", body, ""));
  EXPECT_FALSE(VerifyEventSignature("1700000000", "nonce123", "test key", body, sig + "0"));
  EXPECT_FALSE(VerifyEventSignature("1700000000", "nonce123", "other key", body, sig));
}

TEST(FeishuCryptoTest, TamperedCiphertextNeverYieldsThePlaintext) {
  auto raw = Base64Decode(kChallengeEncrypt);
  ASSERT_TRUE(raw.ok());
  for (size_t i = 0; i < raw->size(); ++i) {
    std::string bad = *raw;
    bad[i] = static_cast<char>(bad[i] ^ 0x01);
    auto plain = DecryptEvent("test key", Base64Encode(bad));
    if (plain.ok()) {
      EXPECT_NE(*plain, kChallengeJson) << i;
    }
  }
  EXPECT_FALSE(DecryptEvent("wrong key", kChallengeEncrypt).ok() &&
               *DecryptEvent("wrong key", kChallengeEncrypt) == kChallengeJson);
}

TEST(FeishuCryptoTest, RejectsMalformedCiphertext) {
  EXPECT_FALSE(DecryptEvent("k", "").ok());                                  // empty
  EXPECT_FALSE(DecryptEvent("k", "not base64!").ok());                       // alphabet
  EXPECT_FALSE(DecryptEvent("k", "AAA").ok());                               // length
  EXPECT_FALSE(DecryptEvent("k", Base64Encode(std::string(16, 'a'))).ok());  // IV only
  EXPECT_FALSE(DecryptEvent("k", Base64Encode(std::string(40, 'a'))).ok());  // not n*16
  EXPECT_EQ(DecryptEvent("k", "AAA").status().code(), StatusCode::kInvalidArgument);
}

TEST(FeishuCryptoTest, Base64RoundTripsAndIsStrict) {
  for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    auto back = Base64Decode(Base64Encode(s));
    ASSERT_TRUE(back.ok()) << s;
    EXPECT_EQ(*back, s);
  }
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_FALSE(Base64Decode("Zm=8").ok());
  EXPECT_FALSE(Base64Decode("Zm8=Zm8=").ok());
  EXPECT_FALSE(Base64Decode("Zm 8").ok());
  EXPECT_FALSE(Base64Decode("=Zm8").ok());
}

// feishu-custom-bot-sign, with the DingTalk-style (swapped key/message) value as the negative.
TEST(FeishuCryptoTest, CustomBotSignMatchesVectorNotDingTalkStyle) {
  const std::string sign = CustomBotSign("1700000001", "Xk3f9Qm2Lr8sT1vW6yZ0aB");
  EXPECT_EQ(sign, "/zjSmCmBKMYZ6CE3V6ZUg/xHcmxXM+hnYBdNKlCGSis=");
  EXPECT_NE(sign, "LVWzsJwDs64mbpOC9gWY64bfkSDH2qnjPhKWShKG3jo=");
  // The wrong value really is the DingTalk construction, so the negative test is meaningful.
  EXPECT_EQ(dingtalk::CallbackSign("1700000001", "Xk3f9Qm2Lr8sT1vW6yZ0aB"),
            "LVWzsJwDs64mbpOC9gWY64bfkSDH2qnjPhKWShKG3jo=");
}

TEST(FeishuCryptoTest, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
  EXPECT_FALSE(ConstantTimeEquals("", "a"));
}

}  // namespace
}  // namespace linli::adapters::feishu::feishu_crypto_test
