#include "adapters/wechat/wechat_mp_codec.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "adapters/wechat/wechat_xml.h"

namespace linli::adapters::wechat::wechat_mp_codec_test {
namespace {

constexpr char kOpenId[] = "o9AgO5Kd5ggOC-bXrbNODIiE3bGY";

std::string ReadTestdata(const std::string& name) {
  std::ifstream in(std::string(LINLI_TESTDATA_DIR) + "/wechat/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

InboundMessage Parse(const std::string& file) {
  auto p = ParseInboundXml(ReadTestdata(file), "wx");
  EXPECT_TRUE(p.ok()) << file << ": " << p.status().ToString();
  if (!p.ok() || !p->message) return {};
  EXPECT_EQ(p->to_user, "gh_97417a04a28d");
  EXPECT_EQ(p->from_user, kOpenId);
  return *p->message;
}

void ExpectPrivateConversation(const InboundMessage& m) {
  EXPECT_EQ(m.conversation.channel, "wx");
  EXPECT_EQ(m.conversation.user_id, kOpenId);
  EXPECT_EQ(m.conversation.chat_id, kOpenId);
  EXPECT_EQ(m.conversation.chat_type, ChatType::kPrivate);
}

TEST(WechatMpCodec, Text) {
  const InboundMessage m = Parse("text.xml");
  ExpectPrivateConversation(m);
  EXPECT_EQ(m.kind, InboundKind::kMessage);
  EXPECT_EQ(m.text, "3号楼电梯坏了");
  EXPECT_EQ(m.platform_message_id, "24602345678901234");
  EXPECT_EQ(m.timestamp_ms, 1714112445000);
  EXPECT_TRUE(m.attachments.empty());
}

TEST(WechatMpCodec, Image) {
  const InboundMessage m = Parse("image.xml");
  ExpectPrivateConversation(m);
  ASSERT_EQ(m.attachments.size(), 1u);
  EXPECT_EQ(m.attachments[0].kind, Attachment::Kind::kPhoto);
  EXPECT_EQ(m.attachments[0].ref, "media_id_image_1");
  EXPECT_EQ(m.attachments[0].label, "");  // PicUrl is not stored
  EXPECT_EQ(m.platform_message_id, "24602345678901235");
}

TEST(WechatMpCodec, Voice) {
  const InboundMessage m = Parse("voice.xml");
  ASSERT_EQ(m.attachments.size(), 1u);
  EXPECT_EQ(m.attachments[0].kind, Attachment::Kind::kVoice);
  EXPECT_EQ(m.attachments[0].ref, "media_id_voice_1");
  EXPECT_EQ(m.attachments[0].label, "楼道灯不亮");
}

TEST(WechatMpCodec, Location) {
  const InboundMessage m = Parse("location.xml");
  ASSERT_EQ(m.attachments.size(), 1u);
  const Attachment& a = m.attachments[0];
  EXPECT_EQ(a.kind, Attachment::Kind::kLocation);
  EXPECT_DOUBLE_EQ(a.latitude, 31.230416);    // Location_X is the latitude
  EXPECT_DOUBLE_EQ(a.longitude, 121.473701);  // Location_Y is the longitude
  EXPECT_EQ(a.label, "幸福里小区3号楼");
}

TEST(WechatMpCodec, Link) {
  const InboundMessage m = Parse("link.xml");
  ASSERT_EQ(m.attachments.size(), 1u);
  EXPECT_EQ(m.attachments[0].kind, Attachment::Kind::kLink);
  EXPECT_EQ(m.attachments[0].ref, "https://example.com/notice");
  EXPECT_EQ(m.attachments[0].label, "停水通知");
}

TEST(WechatMpCodec, ShortVideo) {
  const InboundMessage m = Parse("video.xml");
  ASSERT_EQ(m.attachments.size(), 1u);
  EXPECT_EQ(m.attachments[0].kind, Attachment::Kind::kVideo);
  EXPECT_EQ(m.attachments[0].ref, "media_id_video_1");
}

TEST(WechatMpCodec, Events) {
  struct Case {
    const char* file;
    const char* event;
    const char* payload;
    const char* id;
  };
  const std::string ev = std::string("ev:") + kOpenId + ":";
  for (const Case& c : {
           Case{"event_subscribe_qrscene.xml", "subscribe", "building3", "1714112451"},
           Case{"event_unsubscribe.xml", "unsubscribe", "", "1714112452"},
           Case{"event_click.xml", "click", "menu_report", "1714112453"},
           Case{"event_scan.xml", "scan", "building3", "1714112454"},
           Case{"event_view.xml", "view", "https://example.com/menu", "1714112455"},
           Case{"event_location.xml", "location", "", "1714112456"},
       }) {
    const InboundMessage m = Parse(c.file);
    ExpectPrivateConversation(m);
    EXPECT_EQ(m.kind, InboundKind::kEvent) << c.file;
    EXPECT_EQ(EventKindName(m.event), c.event) << c.file;
    EXPECT_EQ(m.payload, c.payload) << c.file;
    EXPECT_EQ(m.platform_message_id, ev + c.id) << c.file;
  }
  const InboundMessage loc = Parse("event_location.xml");
  ASSERT_EQ(loc.attachments.size(), 1u);
  EXPECT_DOUBLE_EQ(loc.attachments[0].latitude, 31.230416);
  EXPECT_DOUBLE_EQ(loc.attachments[0].longitude, 121.473701);
}

TEST(WechatMpCodec, UnhandledEventGivesNoMessage) {
  auto p = ParseInboundXml(ReadTestdata("event_templatesendjobfinish.xml"), "wx");
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p->message.has_value());
}

TEST(WechatMpCodec, UnknownMessageTypeIsAnEmptyMessage) {
  auto p = ParseInboundXml(
      "<xml><ToUserName>gh</ToUserName><FromUserName>u</FromUserName><CreateTime>1</CreateTime>"
      "<MsgType>miniprogrampage</MsgType><MsgId>7</MsgId></xml>",
      "wx");
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE(p->message.has_value());
  EXPECT_EQ(p->message->kind, InboundKind::kMessage);
  EXPECT_TRUE(p->message->text.empty());
  EXPECT_TRUE(p->message->attachments.empty());
}

TEST(WechatMpCodec, MissingOrMalformedFieldsAreInvalidArgument) {
  const std::string head =
      "<xml><ToUserName>gh</ToUserName><FromUserName>u</FromUserName><CreateTime>1</CreateTime>";
  for (const std::string& bad : {
           std::string("<xml><FromUserName>u</FromUserName><CreateTime>1</CreateTime><MsgType>"
                       "text</MsgType><Content>x</Content><MsgId>1</MsgId></xml>"),
           std::string("<xml><ToUserName>gh</ToUserName><CreateTime>1</CreateTime><MsgType>"
                       "text</MsgType><Content>x</Content><MsgId>1</MsgId></xml>"),
           std::string("<xml><ToUserName>gh</ToUserName><FromUserName>u</FromUserName><MsgType>"
                       "text</MsgType><Content>x</Content><MsgId>1</MsgId></xml>"),
           head + "<Content>x</Content><MsgId>1</MsgId></xml>",         // no MsgType
           head + "<MsgType>text</MsgType><MsgId>1</MsgId></xml>",      // no Content
           head + "<MsgType>text</MsgType><Content>x</Content></xml>",  // no MsgId
           head + "<MsgType>text</MsgType><Content>x</Content><MsgId>-1</MsgId></xml>",
           head + "<MsgType>text</MsgType><Content>x</Content><MsgId>1a</MsgId></xml>",
           head + "<MsgType>image</MsgType><MsgId>1</MsgId></xml>",
           head + "<MsgType>voice</MsgType><MsgId>1</MsgId></xml>",
           head + "<MsgType>location</MsgType><Location_X>91</Location_X><Location_Y>1</Location_Y>"
                  "<MsgId>1</MsgId></xml>",
           head + "<MsgType>location</MsgType><Location_X>nan</Location_X><Location_Y>1"
                  "</Location_Y><MsgId>1</MsgId></xml>",
           head + "<MsgType>location</MsgType><Location_Y>1</Location_Y><MsgId>1</MsgId></xml>",
           head + "<MsgType>link</MsgType><Title>t</Title><MsgId>1</MsgId></xml>",
           head + "<MsgType>event</MsgType></xml>",
           head + "<MsgType>event</MsgType><Event>LOCATION</Event></xml>",
           std::string("<xml><ToUserName>gh</ToUserName><FromUserName>u</FromUserName><CreateTime>"
                       "x</CreateTime><MsgType>text</MsgType><Content>x</Content><MsgId>1</MsgId>"
                       "</xml>"),
           std::string("<xml><ToUserName>gh</ToUserName><FromUserName>u</FromUserName><CreateTime>"
                       "99999999999999999</CreateTime><MsgType>text</MsgType><Content>x</Content>"
                       "<MsgId>1</MsgId></xml>"),
       }) {
    auto p = ParseInboundXml(bad, "wx");
    ASSERT_FALSE(p.ok()) << bad;
    EXPECT_EQ(p.status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(WechatMpCodec, SanitizeText) {
  EXPECT_EQ(SanitizeText("ok 中文\n\t\r"), "ok 中文\n\t\r");
  EXPECT_EQ(SanitizeText(std::string("a\0b\x01\x1f"
                                     "c",
                                     6)),
            "abc");
  EXPECT_EQ(SanitizeText("\xff"), "\xEF\xBF\xBD");
  EXPECT_EQ(SanitizeText("\xE4\xB8"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // truncated sequence
  EXPECT_EQ(SanitizeText("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong
  EXPECT_EQ(SanitizeText("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  EXPECT_EQ(SanitizeText("😀"), "😀");
}

TEST(WechatMpCodec, TruncateAtUtf8Boundary) {
  EXPECT_EQ(TruncateUtf8("abc", 3), "abc");
  EXPECT_EQ(TruncateUtf8("abcd", 3), "…");
  std::string han;
  for (int i = 0; i < 1000; ++i) han += "中";  // 3000 bytes
  const std::string cut = TruncateUtf8(han, kMaxTextBytes);
  EXPECT_LE(cut.size(), kMaxTextBytes);
  EXPECT_EQ(cut.size(), 2046u);  // 681 characters (2043 bytes) + "…"
  EXPECT_EQ(cut.substr(cut.size() - 3), "…");
  EXPECT_EQ(SanitizeText(cut), cut);  // still valid UTF-8
  for (size_t max = 3; max < 12; ++max) {
    const std::string t = TruncateUtf8("a中b文c😀d", max);
    EXPECT_LE(t.size(), max);
    EXPECT_EQ(SanitizeText(t), t) << max;
  }
}

TEST(WechatMpCodec, RenderTextNumbersChoicesAndJoinsReplies) {
  OutboundMessage a;
  a.text = "请选择类别：";
  a.choices = {{"设施维修", "cat:repair"}, {"环境卫生", "cat:sanitation"}};
  OutboundMessage b;
  b.text = "也可以直接描述问题。";
  OutboundMessage cb;
  cb.kind = OutboundKind::kCallbackAnswer;
  cb.text = "ignored";
  EXPECT_EQ(RenderText({a, cb, b}),
            "请选择类别：\n1. 设施维修\n2. 环境卫生\n\n也可以直接描述问题。");
  EXPECT_EQ(RenderText({}), "");
  EXPECT_EQ(RenderText({cb}), "");
  OutboundMessage only_choices;
  only_choices.choices = {{"是", "y"}, {"否", "n"}};
  EXPECT_EQ(RenderText({only_choices}), "1. 是\n2. 否");
  OutboundMessage huge;
  huge.text = std::string(5000, 'x');
  EXPECT_LE(RenderText({huge}).size(), kMaxTextBytes);
}

TEST(WechatMpCodec, TextReplyXml) {
  const std::string xml = RenderTextReplyXml(kOpenId, "gh_97417a04a28d", 1714112500, "好]]>的");
  EXPECT_EQ(xml,
            "<xml><ToUserName><![CDATA[o9AgO5Kd5ggOC-bXrbNODIiE3bGY]]></ToUserName>"
            "<FromUserName><![CDATA[gh_97417a04a28d]]></FromUserName>"
            "<CreateTime>1714112500</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            "<Content><![CDATA[好]]]]><![CDATA[>的]]></Content></xml>");
  auto back = ParseFlatXml(xml);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->at("Content"), "好]]>的");
}

TEST(WechatMpCodec, EncryptedReplyMatchesTheOaVector) {
  auto crypt = MsgCrypt::Create("AAAAA", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                                "wxba5fad812f8e6fb9");
  ASSERT_TRUE(crypt.ok());
  Random16 r{};
  const std::string rnd = "707722b803182950";
  std::copy(rnd.begin(), rnd.end(), r.begin());
  auto xml =
      RenderEncryptedReply(*crypt, "{\"demo_resp\":\"good luck\"}", "1713424427", "415670741", r);
  ASSERT_TRUE(xml.ok());
  EXPECT_EQ(*xml,
            "<xml><Encrypt><![CDATA[ELGduP2YcVatjqIS+eZbp80MNLoAUWvzzyJxgGzxZO/"
            "5sAvd070Bs6qrLARC9nVHm48Y4hyRbtzve1L32tmxSQ==]]></Encrypt>"
            "<MsgSignature><![CDATA[1b9339964ed2e271e7c7b6ff2b0ef902fc94dea1]]></MsgSignature>"
            "<TimeStamp>1713424427</TimeStamp><Nonce><![CDATA[415670741]]></Nonce></xml>");
}

TEST(WechatMpCodec, CustomSendJson) {
  const auto j = nlohmann::json::parse(RenderCustomSendJson(kOpenId, "你好\n1. 是"));
  EXPECT_EQ(j.at("touser"), kOpenId);
  EXPECT_EQ(j.at("msgtype"), "text");
  EXPECT_EQ(j.at("text").at("content"), "你好\n1. 是");
  // Invalid UTF-8 never throws.
  EXPECT_FALSE(RenderCustomSendJson("u", "\xff").empty());
}

}  // namespace
}  // namespace linli::adapters::wechat::wechat_mp_codec_test
