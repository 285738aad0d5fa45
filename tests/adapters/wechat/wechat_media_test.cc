#include "adapters/wechat/wechat_media.h"

#include <gtest/gtest.h>

#include "adapters/wecom/wecom_codec.h"

namespace linli::adapters::wechat::wechat_media_test {
namespace {

HttpResponse Answer(int status, std::string content_type, std::string body) {
  HttpResponse r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  return r;
}

TEST(WechatMediaTest, BuildsMediaGetOnTheApiBase) {
  HttpClientRequest r = MediaGetRequest("http://127.0.0.1:9", "TOKEN", "MEDIA id");
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.url, "http://127.0.0.1:9/cgi-bin/media/get?access_token=TOKEN&media_id=MEDIA%20id");
}

TEST(WechatMediaTest, BytesAreTheMedia) {
  MediaGetAnswer a = ParseMediaGet(Answer(200, "image/jpeg", "\xFF\xD8\xFFjpeg"),
                                   OfficialAccountPolicy(), "wechat media/get");
  EXPECT_FALSE(a.token_invalid);
  EXPECT_EQ(a.result.outcome, MediaFetchResult::Outcome::kFetched);
  EXPECT_EQ(a.result.bytes, "\xFF\xD8\xFFjpeg");
}

TEST(WechatMediaTest, AnExpiredMediaIdIsPermanentWithItsErrcode) {
  MediaGetAnswer a = ParseMediaGet(
      Answer(200, "text/plain", R"({"errcode":40007,"errmsg":"invalid media_id"})"),
      OfficialAccountPolicy(), "wechat media/get");
  EXPECT_FALSE(a.token_invalid);
  EXPECT_EQ(a.result.outcome, MediaFetchResult::Outcome::kPermanent);
  EXPECT_NE(a.result.error.find("40007"), std::string::npos) << a.result.error;
}

TEST(WechatMediaTest, TokenAndBusyErrcodesAreRetried) {
  for (int code : {40001, 42001}) {
    MediaGetAnswer a = ParseMediaGet(
        Answer(200, "application/json", R"({"errcode":)" + std::to_string(code) + "}"),
        OfficialAccountPolicy(), "w");
    EXPECT_TRUE(a.token_invalid) << code;
    EXPECT_EQ(a.result.outcome, MediaFetchResult::Outcome::kRetry) << code;
  }
  MediaGetAnswer busy = ParseMediaGet(Answer(200, "application/json", R"({"errcode":-1})"),
                                      OfficialAccountPolicy(), "w");
  EXPECT_FALSE(busy.token_invalid);
  EXPECT_EQ(busy.result.outcome, MediaFetchResult::Outcome::kRetry);
  // WeCom uses the same endpoint with its own policy.
  MediaGetAnswer wecom = ParseMediaGet(
      Answer(200, "application/json", R"({"errcode":40007,"errmsg":"invalid media_id"})"),
      wecom::WecomPolicy(), "wecom media/get");
  EXPECT_EQ(wecom.result.outcome, MediaFetchResult::Outcome::kPermanent);
}

TEST(WechatMediaTest, HttpErrorsWithoutAnErrcode) {
  EXPECT_EQ(ParseMediaGet(Answer(502, "text/html", "bad gateway"), OfficialAccountPolicy(), "w")
                .result.outcome,
            MediaFetchResult::Outcome::kRetry);
  EXPECT_EQ(ParseMediaGet(Answer(403, "text/html", "no"), OfficialAccountPolicy(), "w")
                .result.outcome,
            MediaFetchResult::Outcome::kPermanent);
}

}  // namespace
}  // namespace linli::adapters::wechat::wechat_media_test
