#include "adapters/wechat/wechat_xml.h"

#include <gtest/gtest.h>

#include <string>

namespace linli::adapters::wechat::wechat_xml_test {
namespace {

TEST(WechatXml, ParsesFlatFieldsWithCdataAndText) {
  auto f = ParseFlatXml(
      "<?xml version=\"1.0\"?><xml><A><![CDATA[x < y & z]]></A><B>12</B><C>a &amp; b</C>"
      "<D/><!-- comment --></xml>");
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->at("A"), "x < y & z");
  EXPECT_EQ(f->at("B"), "12");
  EXPECT_EQ(f->at("C"), "a & b");
  EXPECT_EQ(f->at("D"), "");
}

TEST(WechatXml, ConcatenatesSplitCdataSections) {
  auto f = ParseFlatXml("<xml><Content><![CDATA[a]]]]><![CDATA[>b]]></Content></xml>");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->at("Content"), "a]]>b");
}

TEST(WechatXml, CdataRoundTripsTerminators) {
  for (const std::string text : {"", "plain", "]]>", "a]]>b]]>c", "]]]]>>", "]]", "]>"}) {
    const std::string xml = XmlBuilder().Text("Content", text).Build();
    auto f = ParseFlatXml(xml);
    ASSERT_TRUE(f.ok()) << xml;
    EXPECT_EQ(f->at("Content"), text) << xml;
  }
}

TEST(WechatXml, NumericCharacterReferences) {
  auto ok = ParseFlatXml("<xml><A>&#65;&#x4E2D;&#x0000000041;</A></xml>");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->at("A"),
            "A\xE4\xB8\xAD"
            "A");
  // CVE-2024-50614/50615 shapes: huge, overlong, unterminated, zero, surrogate references.
  for (const char* bad :
       {"<xml><A>&#x8888888888;</A></xml>", "<xml><A>&#99999999999999999999;</A></xml>",
        "<xml><A>&#x110000;</A></xml>", "<xml><A>&#0;</A></xml>", "<xml><A>&#xD800;</A></xml>",
        "<xml><A>&#x13Z>?000000000000?></A></xml>", "<xml><A>&#;</A></xml>",
        "<xml><A x=\"&#x8888888888;\">1</A></xml>", "<xml><A>&#12"}) {
    auto r = ParseFlatXml(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  }
  // Inside CDATA a reference is plain text and is kept as typed.
  auto cdata = ParseFlatXml("<xml><A><![CDATA[&#x8888888888;]]></A></xml>");
  ASSERT_TRUE(cdata.ok());
  EXPECT_EQ(cdata->at("A"), "&#x8888888888;");
}

TEST(WechatXml, RejectsHostileAndMalformedDocuments) {
  std::string deep = "<xml>";
  for (int i = 0; i < 8; ++i) deep += "<a>";
  for (int i = 0; i < 8; ++i) deep += "</a>";
  deep += "</xml>";  // depth 9
  std::string very_deep = "<xml>";
  for (int i = 0; i < 100000; ++i) very_deep += "<a>";
  std::string wide_deep = "<xml><A>1</A>";
  for (int i = 0; i < 200; ++i) wide_deep += "<b>";
  for (int i = 0; i < 200; ++i) wide_deep += "</b>";
  wide_deep += "</xml>";
  const std::string billion_laughs =
      "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 "
      "\"&lol;&lol;&lol;\">]><xml><A>&lol2;</A></xml>";
  const std::string xxe =
      "<!DOCTYPE foo [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><xml><A>&xxe;</A></xml>";
  for (const std::string& bad :
       {deep, very_deep, wide_deep, billion_laughs, xxe, std::string(""), std::string("xml"),
        std::string("<xml>"), std::string("<xml><A>1</A>"), std::string("<root><A>1</A></root>"),
        std::string("<xml><A>1</A><A>2</A></xml>"), std::string("<xml><A><![CDATA[x</A></xml>"),
        std::string("{\"ToUserName\":\"x\"}"), std::string("<xml></xml><xml></xml>"),
        std::string("\0<xml></xml>", 13)}) {
    auto r = ParseFlatXml(bad);
    ASSERT_FALSE(r.ok()) << bad.substr(0, 80);
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  }
  // tinyxml2 keeps an unknown named entity as literal text (never expands anything).
  auto unknown = ParseFlatXml("<xml><A>&unknown;</A></xml>");
  ASSERT_TRUE(unknown.ok());
  EXPECT_EQ(unknown->at("A"), "&unknown;");
  // Exactly the limit is fine.
  std::string at_limit = "<xml>";
  for (int i = 0; i < kMaxXmlDepth - 1; ++i) at_limit += "<a>";
  for (int i = 0; i < kMaxXmlDepth - 1; ++i) at_limit += "</a>";
  at_limit += "</xml>";
  EXPECT_TRUE(ParseFlatXml(at_limit).ok());
}

TEST(WechatXml, HugeEntityLikeInputIsLinearAndHarmless) {
  std::string body = "<xml><A>";
  for (int i = 0; i < 100000; ++i) body += "&amp;&lt;&#65;";
  body += "</A></xml>";
  auto r = ParseFlatXml(body);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->at("A").size(), 300000u);
}

TEST(WechatXml, BuilderWritesNumbersRaw) {
  EXPECT_EQ(XmlBuilder().Number("T", 12).Number("N", "34x<").Text("C", "a").Build(),
            "<xml><T>12</T><N>34</N><C><![CDATA[a]]></C></xml>");
}

}  // namespace
}  // namespace linli::adapters::wechat::wechat_xml_test
