#include "web/page_locale.h"

#include <gtest/gtest.h>

namespace linli::web::page_locale_test {
namespace {

config::Texts Shipped() {
  auto t = config::Texts::Load(LINLI_SOURCE_DIR "/config/locales", {"zh-CN", "en"});
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return t.ok() ? std::move(t).value() : config::Texts();
}

HttpRequest Req(std::string lang, std::string accept) {
  HttpRequest r;
  if (!lang.empty()) r.query["lang"] = lang;
  if (!accept.empty()) r.headers["Accept-Language"] = accept;
  return r;
}

TEST(PageLocaleTest, QueryThenAcceptLanguageThenConfig) {
  const config::Texts texts = Shipped();
  EXPECT_EQ(PageLocale(texts, "zh-CN", Req("en", "zh-CN")), "en");
  EXPECT_EQ(PageLocale(texts, "zh-CN", Req("EN", "")), "en");
  EXPECT_EQ(PageLocale(texts, "zh-CN", Req("fr", "")), "zh-CN");  // not loaded: ignored
  EXPECT_EQ(PageLocale(texts, "zh-CN", Req("", "en-GB,en;q=0.8")), "en");
  EXPECT_EQ(PageLocale(texts, "en", Req("", "zh-TW,zh;q=0.9")), "zh-CN");
  EXPECT_EQ(PageLocale(texts, "zh-CN", Req("", "fr-FR, en;q=0.5")), "en");
  EXPECT_EQ(PageLocale(texts, "zh-CN", Req("", "en;q=0, fr")), "zh-CN");  // en refused
  EXPECT_EQ(PageLocale(texts, "en", Req("", "")), "en");
}

TEST(PageLocaleTest, WithLangKeepsAnExplicitChoiceOnly) {
  EXPECT_EQ(WithLang("/board", Req("en", "")), "/board?lang=en");
  EXPECT_EQ(WithLang("/board?page=2", Req("en", "")), "/board?page=2&lang=en");
  EXPECT_EQ(WithLang("/board", Req("", "en")), "/board");
}

}  // namespace
}  // namespace linli::web::page_locale_test
