#include "web/wechat_web_auth.h"

#include <gtest/gtest.h>

namespace linli::web::wechat_web_auth_test {
namespace {

TEST(WechatWebAuthTest, AuthorizeUrlIsTheDocumentedOne) {
  EXPECT_EQ(WechatAuthorizeUrl("https://open.weixin.qq.com/", "wx123", "https://linli.example/me/wechat",
                               "abc123"),
            "https://open.weixin.qq.com/connect/oauth2/authorize?appid=wx123&redirect_uri=https%3A%2F%"
            "2Flinli.example%2Fme%2Fwechat&response_type=code&scope=snsapi_base&state=abc123"
            "#wechat_redirect");
}

TEST(WechatWebAuthTest, ExchangeUrlEncodesEveryPart) {
  EXPECT_EQ(WechatCodeExchangeUrl("http://127.0.0.1:9/", "wx1", "s&e=t", "C_1-x"),
            "http://127.0.0.1:9/sns/oauth2/access_token?appid=wx1&secret=s%26e%3Dt&code=C_1-x"
            "&grant_type=authorization_code");
}

TEST(WechatWebAuthTest, StatesAndCodes) {
  EXPECT_TRUE(IsWechatState("aZ09"));
  EXPECT_TRUE(IsWechatState(std::string(128, 'a')));
  EXPECT_FALSE(IsWechatState(std::string(129, 'a')));
  EXPECT_FALSE(IsWechatState(""));
  EXPECT_FALSE(IsWechatState("a-b"));
  EXPECT_FALSE(IsWechatState("a b"));
  EXPECT_TRUE(IsWechatCode("061Abc_-9"));
  EXPECT_FALSE(IsWechatCode(""));
  EXPECT_FALSE(IsWechatCode("a&secret=x"));
  auto s1 = NewWechatState();
  auto s2 = NewWechatState();
  ASSERT_TRUE(s1.ok());
  ASSERT_TRUE(s2.ok());
  EXPECT_TRUE(IsWechatState(*s1)) << *s1;
  EXPECT_GE(s1->size(), 30u);
  EXPECT_NE(*s1, *s2);
}

HttpResponse Answer(int status, std::string body) { return HttpResponse::Json(status, std::move(body)); }

TEST(WechatWebAuthTest, ExchangeAnswers) {
  auto ok = ParseWechatCodeExchange(Answer(
      200, R"({"access_token":"ACCESS","expires_in":7200,"refresh_token":"R","openid":"oABC","scope":"snsapi_base"})"));
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(*ok, "oABC");

  auto refused = ParseWechatCodeExchange(Answer(200, R"({"errcode":40029,"errmsg":"invalid code"})"));
  EXPECT_EQ(refused.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(refused.status().message().find("40029"), std::string::npos);
  EXPECT_EQ(ParseWechatCodeExchange(Answer(200, R"({"errcode":40163,"errmsg":"code been used"})"))
                .status()
                .code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(ParseWechatCodeExchange(Answer(502, "bad gateway")).status().code(),
            StatusCode::kUnavailable);
  EXPECT_EQ(ParseWechatCodeExchange(Answer(200, "not json")).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseWechatCodeExchange(Answer(200, R"({"errcode":0,"openid":""})")).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseWechatCodeExchange(Answer(200, R"({"openid":5})")).status().code(),
            StatusCode::kInvalidArgument);
  auto zero = ParseWechatCodeExchange(Answer(200, R"({"errcode":0,"openid":"o1"})"));
  ASSERT_TRUE(zero.ok());
  EXPECT_EQ(*zero, "o1");
}

}  // namespace
}  // namespace linli::web::wechat_web_auth_test
