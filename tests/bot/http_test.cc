// The plain HTTP value helpers in bot/http.cc.
#include "bot/http.h"

#include "gtest/gtest.h"

namespace linli::http_test {
namespace {

TEST(PercentDecodeTest, DecodesEscapes) {
  EXPECT_EQ(PercentDecode("a%20b"), "a b");
  EXPECT_EQ(PercentDecode("%41%62%7e"), "Ab~");
  EXPECT_EQ(PercentDecode("%E4%BD%A0%e5%a5%bd"), "\xE4\xBD\xA0\xE5\xA5\xBD");
  EXPECT_EQ(PercentDecode("%00x"), std::string("\0x", 2));
  EXPECT_EQ(PercentDecode(""), "");
}

TEST(PercentDecodeTest, KeepsInvalidEscapes) {
  EXPECT_EQ(PercentDecode("%"), "%");
  EXPECT_EQ(PercentDecode("%4"), "%4");
  EXPECT_EQ(PercentDecode("a%"), "a%");
  EXPECT_EQ(PercentDecode("%zz"), "%zz");
  EXPECT_EQ(PercentDecode("%4g"), "%4g");
  EXPECT_EQ(PercentDecode("100%"), "100%");
  EXPECT_EQ(PercentDecode("%%41"), "%A");
}

TEST(PercentDecodeTest, PlusIsKeptUnlessAskedOtherwise) {
  // WeChat/WeCom signatures are computed over values where '+' is a literal plus.
  EXPECT_EQ(PercentDecode("a+b"), "a+b");
  EXPECT_EQ(PercentDecode("a+b", /*plus_as_space=*/true), "a b");
  EXPECT_EQ(PercentDecode("a%2Bb", /*plus_as_space=*/true), "a+b");
}

TEST(PercentEncodeTest, EncodesAllButUnreserved) {
  EXPECT_EQ(PercentEncode("aZ09-_.~"), "aZ09-_.~");
  EXPECT_EQ(PercentEncode("a b+c/&="), "a%20b%2Bc%2F%26%3D");
  EXPECT_EQ(PercentEncode("\xE4\xBD\xA0"), "%E4%BD%A0");
  EXPECT_EQ(PercentDecode(PercentEncode("x y\r\n%+")), "x y\r\n%+");
}

TEST(ParseQueryTest, SplitsAndDecodes) {
  auto q = ParseQuery("signature=abc&timestamp=1700000000&nonce=n%201&echostr=a%2Bb+c");
  EXPECT_EQ(q.size(), 4u);
  EXPECT_EQ(q["signature"], "abc");
  EXPECT_EQ(q["timestamp"], "1700000000");
  EXPECT_EQ(q["nonce"], "n 1");
  EXPECT_EQ(q["echostr"], "a+b+c");
}

TEST(ParseQueryTest, EdgeCases) {
  EXPECT_TRUE(ParseQuery("").empty());
  EXPECT_TRUE(ParseQuery("&&&").empty());
  auto q = ParseQuery("a=1&a=2&flag&empty=&%6B%65y=v&x==y");
  EXPECT_EQ(q["a"], "2");  // later keys win
  EXPECT_EQ(q.count("flag"), 1u);
  EXPECT_EQ(q["flag"], "");
  EXPECT_EQ(q.count("empty"), 1u);
  EXPECT_EQ(q["key"], "v");
  EXPECT_EQ(q["x"], "=y");
}

TEST(HeaderMapTest, NamesAreCaseInsensitive) {
  HeaderMap h;
  h["Content-Type"] = "application/json";
  h["X-Lark-Signature"] = "sig";
  EXPECT_EQ(h.count("content-type"), 1u);
  EXPECT_EQ(h.count("CONTENT-TYPE"), 1u);
  EXPECT_EQ(h.find(std::string_view("x-lark-signature"))->second, "sig");
  h["content-type"] = "text/plain";
  EXPECT_EQ(h.size(), 2u);
  EXPECT_EQ(h["Content-Type"], "text/plain");
  EXPECT_EQ(h.count("Content-Typ"), 0u);
  EXPECT_EQ(h.count("Content-Types"), 0u);

  HeaderNameLess less;
  EXPECT_FALSE(less("abc", "ABC"));
  EXPECT_FALSE(less("ABC", "abc"));
  EXPECT_TRUE(less("abc", "abd"));
  EXPECT_TRUE(less("ab", "ABC"));
}

TEST(HttpRequestTest, AccessorsReturnEmptyWhenAbsent) {
  HttpRequest r;
  r.headers["X-Telegram-Bot-Api-Secret-Token"] = "s";
  r.query["msg_signature"] = "m";
  EXPECT_EQ(r.Header("x-telegram-bot-api-secret-token"), "s");
  EXPECT_EQ(r.Header("missing"), "");
  EXPECT_EQ(r.Query("msg_signature"), "m");
  EXPECT_EQ(r.Query("MSG_SIGNATURE"), "");  // query keys are case-sensitive
  EXPECT_EQ(r.Query("missing"), "");
}

TEST(HttpResponseTest, Factories) {
  auto t = HttpResponse::Text(404, "nope");
  EXPECT_EQ(t.status, 404);
  EXPECT_EQ(t.body, "nope");
  EXPECT_EQ(t.content_type, "text/plain; charset=utf-8");
  auto j = HttpResponse::Json(200, "{}");
  EXPECT_EQ(j.status, 200);
  EXPECT_EQ(j.content_type, "application/json");
  EXPECT_TRUE(j.headers.empty());
}

}  // namespace
}  // namespace linli::http_test
