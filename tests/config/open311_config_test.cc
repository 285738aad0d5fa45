// open311 (issue 12 point 5, config.open311 in config/config.h): off by default, every key
// read, api_key and api_keys together, ${ENV} inside the section, and errors that name the key
// (the start refuses a bad section).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "config/config_loader.h"


namespace linli::config::open311_config_test {
namespace {

using ::testing::HasSubstr;

const char* Env(const char* name) {
  return std::string(name) == "O311" ? "env-key-0123456789abcdefghij" : nullptr;
}
StatusOr<Open311Config> Parse(const std::string& text) {
  auto c = ParseConfig(text, "/etc/linli/linli.json", Env);
  if (!c.ok()) return c.status();
  return c->open311;
}

constexpr char kKeyA[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaa";
constexpr char kKeyB[] = "bbbbbbbbbbbbbbbbbbbbbbbbbbbb";

TEST(ConfigOpen311Test, OffByDefault) {
  auto c = Parse("{\"locale\": \"en\"}");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_FALSE(c->enabled());
  EXPECT_FALSE(Config().open311.enabled());  // a Config made in code
  EXPECT_TRUE(c->api_keys.empty());
  EXPECT_EQ(c->endpoint_url, "");
  EXPECT_EQ(c->contact, "");
  EXPECT_EQ(c->key_service, "");
  EXPECT_EQ(c->type, "production");
}

TEST(ConfigOpen311Test, ReadsEveryKeyApiKeyFirst) {
  auto c = Parse(std::string(R"({"open311": {"api_keys": [")") + kKeyA + R"(", "${O311}"],
      "api_key": ")" + kKeyB + R"(", "endpoint_url": "https://x.example/open311/v2",
      "contact": "物业服务中心 0571-1234", "key_service": "ask", "type": "test"}})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->enabled());
  EXPECT_EQ(c->api_keys,
            (std::vector<std::string>{kKeyB, kKeyA, "env-key-0123456789abcdefghij"}));
  EXPECT_EQ(c->endpoint_url, "https://x.example/open311/v2");
  EXPECT_EQ(c->contact, "物业服务中心 0571-1234");
  EXPECT_EQ(c->key_service, "ask");
  EXPECT_EQ(c->type, "test");
}

TEST(ConfigOpen311Test, OneKeyAlone) {
  auto c = Parse(std::string(R"({"open311": {"api_key": ")") + kKeyA + R"("}})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->api_keys, std::vector<std::string>{kKeyA});
}

TEST(ConfigOpen311Test, ErrorsNameTheKey) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"open311": {"api_key": "short"}})", "open311.api_key"},
      {R"({"open311": {"api_key": ""}})", "open311.api_key"},
      {R"({"open311": {"api_keys": ["            a           b               "]}})",
       "open311.api_keys[0]"},
      {R"({"open311": {"api_keys": [12]}})", "open311.api_keys[0]"},
      {R"({"open311": {"api_keys": "x"}})", "open311.api_keys"},
      {std::string(R"({"open311": {"api_key": ")") + kKeyA + R"(", "api_keys": [")" + kKeyA +
           R"("]}})",
       "open311.api_keys[0]"},
      {R"({"open311": {"endpoint_url": "ftp://x"}})", "open311.endpoint_url"},
      {R"({"open311": {"type": "staging"}})", "open311.type"},
      {R"({"open311": {"endpoint_ulr": ""}})", "open311.endpoint_ulr"},
      {R"({"open311": []})", "open311"},
  };
  for (const auto& [text, key] : cases) {
    auto c = Parse(text);
    ASSERT_FALSE(c.ok()) << text;
    EXPECT_THAT(c.status().message(), HasSubstr(key)) << text;
  }
  auto unset = Parse(R"({"open311": {"api_key": "${NOT_SET_ANYWHERE}"}})");
  ASSERT_FALSE(unset.ok());
  EXPECT_THAT(unset.status().message(), HasSubstr("open311.api_key"));
  auto typo = Parse(R"({"open311": {"endpoint_ulr": ""}})");
  EXPECT_THAT(typo.status().message(), HasSubstr("did you mean \"endpoint_url\""));
}

}  // namespace
}  // namespace linli::config::open311_config_test
