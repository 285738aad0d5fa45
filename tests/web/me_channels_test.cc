#include "web/me_channels.h"

#include <gtest/gtest.h>

namespace linli::web::me_channels_test {
namespace {

config::ChannelConfig Channel(std::string name, std::string type,
                              std::map<std::string, std::string> fields, std::string api_base = "") {
  config::ChannelConfig c;
  c.name = std::move(name);
  c.type = std::move(type);
  c.api_base = std::move(api_base);
  c.fields = std::move(fields);
  return c;
}

TEST(MeChannelsTest, FirstCompleteWechatChannelWithDefaults) {
  config::Config c;
  EXPECT_FALSE(MeWechatChannel(c).has_value());
  c.channels.push_back(Channel("wx0", "wechat_mp", {{"app_id", "wx0"}}));  // no secret: skipped
  c.channels.push_back(Channel("wx1", "wechat_mp", {{"app_id", "wx1"}, {"app_secret", "s1"}}));
  c.channels.push_back(Channel("wx2", "wechat_mp", {{"app_id", "wx2"}, {"app_secret", "s2"}}));
  auto w = MeWechatChannel(c);
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(w->channel, "wx1");
  EXPECT_EQ(w->app_id, "wx1");
  EXPECT_EQ(w->app_secret, "s1");
  EXPECT_EQ(w->api_base, "https://api.weixin.qq.com");
  EXPECT_EQ(w->oauth_base, "https://open.weixin.qq.com");
  c.channels[1].api_base = "http://127.0.0.1:7/";
  c.channels[1].fields["oauth_base"] = "http://127.0.0.1:8/";
  w = MeWechatChannel(c);
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(w->api_base, "http://127.0.0.1:7");
  EXPECT_EQ(w->oauth_base, "http://127.0.0.1:8");
}

TEST(MeChannelsTest, EveryTelegramChannelWithItsMaxAge) {
  config::Config c;
  c.channels.push_back(Channel("tg1", "telegram", {{"token", "1:A"}}));
  c.channels.push_back(Channel("wx", "wechat_mp", {{"app_id", "a"}, {"app_secret", "s"}}));
  c.channels.push_back(Channel("tg2", "telegram", {{"token", "2:B"}, {"webapp_max_age_s", "600"}}));
  c.channels.push_back(Channel("tg3", "telegram", {}));  // no token: skipped
  const auto t = MeTelegramChannels(c);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].channel, "tg1");
  EXPECT_EQ(t[0].token, "1:A");
  EXPECT_EQ(t[0].max_age_s, 3600);
  EXPECT_EQ(t[1].channel, "tg2");
  EXPECT_EQ(t[1].max_age_s, 600);
}

}  // namespace
}  // namespace linli::web::me_channels_test
