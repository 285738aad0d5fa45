#include "bot/json.h"

#include <gtest/gtest.h>

#include <string>

namespace linli::json_test {
namespace {

using nlohmann::json;

TEST(ParseUntrustedJsonTest, ParsesObject) {
  auto j = ParseUntrustedJson(R"({"a":1,"b":[true,"x"],"c":{"d":null}})");
  ASSERT_TRUE(j.ok()) << j.status().ToString();
  EXPECT_EQ(j->at("a").get<int>(), 1);
  EXPECT_TRUE(j->at("c").at("d").is_null());
}

TEST(ParseUntrustedJsonTest, MalformedIsInvalidArgument) {
  for (const char* body :
       {"", "{", "{\"a\":}", "[1,2", "nul", "{\"a\":1} x", "// c\n{}", "\"\xff\"", "{\"a\":1,}"}) {
    auto j = ParseUntrustedJson(body);
    ASSERT_FALSE(j.ok()) << body;
    EXPECT_EQ(j.status().code(), StatusCode::kInvalidArgument) << body;
  }
}

// Regression: nlohmann 3.11.2 has no depth limit and copying/dumping a deep value recurses
// until the stack overflows (SECURITY.md, upstream #5387).
TEST(ParseUntrustedJsonTest, DeepNestingRejectedWithoutCrash) {
  const std::string unterminated(10000, '[');
  auto a = ParseUntrustedJson(unterminated);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), StatusCode::kInvalidArgument);

  const std::string balanced = std::string(100000, '[') + std::string(100000, ']');
  auto b = ParseUntrustedJson(balanced);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(b.status().message().find("deeper"), std::string::npos);

  std::string objects;
  for (int i = 0; i < 50000; ++i) objects += "{\"a\":";
  objects += "1";
  objects += std::string(50000, '}');
  auto c = ParseUntrustedJson(objects);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);

  // Deep inside an otherwise valid object.
  auto d = ParseUntrustedJson(R"({"update_id":1,"x":)" + std::string(40, '[') +
                              std::string(40, ']') + "}");
  EXPECT_FALSE(d.ok());
}

TEST(ParseUntrustedJsonTest, DepthLimitIsExact) {
  auto nested = [](int levels) { return std::string(levels, '[') + std::string(levels, ']'); };
  EXPECT_TRUE(ParseUntrustedJson(nested(32), 32).ok());
  EXPECT_FALSE(ParseUntrustedJson(nested(33), 32).ok());
  EXPECT_TRUE(ParseUntrustedJson(nested(3), 3).ok());
  EXPECT_FALSE(ParseUntrustedJson(nested(4), 3).ok());
  // Scalars have no depth.
  EXPECT_TRUE(ParseUntrustedJson("5", 0).ok());
}

TEST(JsonAccessorsTest, MissingAndWrongTypesAreNullopt) {
  const json j =
      json::parse(R"({"s":"x","i":-5,"u":18446744073709551615,"f":1.5,"b":true,"o":{},"a":[]})");
  EXPECT_EQ(GetString(j, "s"), "x");
  EXPECT_EQ(GetString(j, "i"), std::nullopt);
  EXPECT_EQ(GetString(j, "missing"), std::nullopt);
  EXPECT_EQ(GetInt64(j, "i"), -5);
  EXPECT_EQ(GetInt64(j, "u"), std::nullopt);  // above INT64_MAX
  EXPECT_EQ(GetInt64(j, "f"), std::nullopt);
  EXPECT_EQ(GetInt64(j, "s"), std::nullopt);
  EXPECT_EQ(GetDouble(j, "f"), 1.5);
  EXPECT_EQ(GetDouble(j, "i"), -5.0);
  EXPECT_EQ(GetBool(j, "b"), true);
  EXPECT_EQ(GetBool(j, "i"), std::nullopt);
  EXPECT_NE(FindObject(j, "o"), nullptr);
  EXPECT_EQ(FindObject(j, "a"), nullptr);
  EXPECT_NE(FindArray(j, "a"), nullptr);
  EXPECT_EQ(FindMember(j, "nope"), nullptr);
  // Not an object at all.
  const json arr = json::array({1, 2});
  EXPECT_EQ(FindMember(arr, "a"), nullptr);
  EXPECT_EQ(GetString(json(), "a"), std::nullopt);
}

TEST(DumpJsonTest, InvalidUtf8DoesNotThrow) {
  json j = {{"text", std::string("ok \xff\xfe end")}};
  std::string out;
  EXPECT_NO_THROW(out = DumpJson(j));
  EXPECT_NE(out.find("ok "), std::string::npos);
  EXPECT_EQ(DumpJson(json{{"t", "中文"}}), R"({"t":"中文"})");
}

}  // namespace
}  // namespace linli::json_test
