#include "adapters/feishu/feishu_media.h"

#include <gtest/gtest.h>

namespace linli::adapters::feishu::feishu_media_test {
namespace {

HttpResponse Answer(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

TEST(FeishuMediaTest, BuildsTheMessageResourceRequest) {
  HttpClientRequest r = ResourceRequest("http://127.0.0.1:9", "t-abc", "om_img_1", "img_v2_x");
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.url,
            "http://127.0.0.1:9/open-apis/im/v1/messages/om_img_1/resources/img_v2_x?type=image");
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].first, "Authorization");
  EXPECT_EQ(r.headers[0].second, "Bearer t-abc");
  // Ids are path segments: a slash cannot climb out.
  EXPECT_EQ(ResourceRequest("h", "t", "../x", "a/b").url,
            "h/open-apis/im/v1/messages/..%2Fx/resources/a%2Fb?type=image");
}

TEST(FeishuMediaTest, ClassifiesAnswers) {
  ResourceAnswer ok = ParseResource(Answer(200, "\x89PNG\r\n\x1A\n"));
  EXPECT_EQ(ok.result.outcome, MediaFetchResult::Outcome::kFetched);
  ResourceAnswer token = ParseResource(Answer(400, R"({"code":99991663,"msg":"token invalid"})"));
  EXPECT_TRUE(token.token_invalid);
  EXPECT_EQ(token.result.outcome, MediaFetchResult::Outcome::kRetry);
  ResourceAnswer gone = ParseResource(Answer(400, R"({"code":234003,"msg":"File not in msg."})"));
  EXPECT_FALSE(gone.token_invalid);
  EXPECT_EQ(gone.result.outcome, MediaFetchResult::Outcome::kPermanent);
  EXPECT_NE(gone.result.error.find("code 234003"), std::string::npos) << gone.result.error;
  ResourceAnswer busy = ParseResource(Answer(500, R"({"code":1234567,"msg":"internal"})"));
  EXPECT_EQ(busy.result.outcome, MediaFetchResult::Outcome::kRetry);
}

}  // namespace
}  // namespace linli::adapters::feishu::feishu_media_test
