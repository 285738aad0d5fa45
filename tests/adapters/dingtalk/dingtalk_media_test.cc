#include "adapters/dingtalk/dingtalk_media.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace linli::adapters::dingtalk::dingtalk_media_test {
namespace {

HttpResponse Answer(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.content_type = "application/json";
  r.body = std::move(body);
  return r;
}

TEST(DingTalkMediaTest, BuildsTheDownloadUrlRequest) {
  HttpClientRequest r = DownloadUrlRequest("http://127.0.0.1:9", "tok", "dingrobot", "code==");
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "http://127.0.0.1:9/v1.0/robot/messageFiles/download");
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].first, "x-acs-dingtalk-access-token");
  EXPECT_EQ(r.headers[0].second, "tok");
  const auto body = nlohmann::json::parse(r.body);
  EXPECT_EQ(body["downloadCode"], "code==");
  EXPECT_EQ(body["robotCode"], "dingrobot");
  EXPECT_EQ(FileRequest("https://oss.example/x.jpg").method, "GET");
}

TEST(DingTalkMediaTest, ReadsTheDownloadUrl) {
  DownloadUrlAnswer a = ParseDownloadUrl(Answer(200, R"({"downloadUrl":"https://oss.example/x"})"));
  ASSERT_TRUE(a.ok);
  EXPECT_EQ(a.url, "https://oss.example/x");
  // Only http(s) URLs are followed.
  DownloadUrlAnswer odd = ParseDownloadUrl(Answer(200, R"({"downloadUrl":"file:///etc/passwd"})"));
  EXPECT_FALSE(odd.ok);
  EXPECT_EQ(odd.failed.outcome, MediaFetchResult::Outcome::kRetry);
}

TEST(DingTalkMediaTest, ClassifiesErrors) {
  DownloadUrlAnswer token = ParseDownloadUrl(
      Answer(401, R"({"code":"InvalidAuthentication","message":"token invalid"})"));
  EXPECT_TRUE(token.token_invalid);
  DownloadUrlAnswer bad = ParseDownloadUrl(
      Answer(400, R"({"code":"invalidParameter.downloadCode","message":"expired"})"));
  EXPECT_FALSE(bad.ok);
  EXPECT_EQ(bad.failed.outcome, MediaFetchResult::Outcome::kPermanent);
  EXPECT_NE(bad.failed.error.find("invalidParameter.downloadCode"), std::string::npos);
  EXPECT_EQ(ParseDownloadUrl(Answer(429, R"({"code":"Throttling.Api"})")).failed.outcome,
            MediaFetchResult::Outcome::kRetry);
  EXPECT_EQ(ParseDownloadUrl(Answer(503, "")).failed.outcome, MediaFetchResult::Outcome::kRetry);
}

}  // namespace
}  // namespace linli::adapters::dingtalk::dingtalk_media_test
