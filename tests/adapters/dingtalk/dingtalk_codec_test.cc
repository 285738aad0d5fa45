#include "adapters/dingtalk/dingtalk_codec.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace linli::adapters::dingtalk::dingtalk_codec_test {
namespace {

using nlohmann::json;

std::string ReadTestdata(const std::string& name) {
  std::ifstream in(std::string(LINLI_TESTDATA_DIR) + "/dingtalk/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

json Load(const std::string& name) { return json::parse(ReadTestdata(name)); }

TEST(DingTalkCodecTest, GroupText) {
  auto d = DecodeCallback(ReadTestdata("callback_group_text.json"), "dd");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  const InboundMessage& in = d->message;
  EXPECT_EQ(in.kind, InboundKind::kMessage);
  EXPECT_EQ(in.platform_message_id, "msgGroup0001");
  EXPECT_EQ(in.conversation.channel, "dd");
  EXPECT_EQ(in.conversation.chat_id, "cidGroupAbc123==");
  EXPECT_EQ(in.conversation.chat_type, ChatType::kGroup);
  EXPECT_EQ(in.conversation.user_id, "staff_wang5");
  EXPECT_EQ(in.text, "报修 楼道灯坏了");
  EXPECT_EQ(in.timestamp_ms, 1700000000003);
  EXPECT_EQ(d->session_webhook, "https://oapi.dingtalk.com/robot/sendBySession?session=abc123");
  EXPECT_EQ(d->session_webhook_expires_ms, 1700005400063);
}

TEST(DingTalkCodecTest, PrivateTextFallsBackToSenderId) {
  auto d = DecodeCallback(ReadTestdata("callback_private_text.json"), "dd");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->message.conversation.chat_type, ChatType::kPrivate);
  EXPECT_EQ(d->message.conversation.user_id, "$:LWCP_v1:$sender6");
  EXPECT_EQ(d->message.text, "查询 进度");
}

TEST(DingTalkCodecTest, PictureRichTextAudioAndOthers) {
  auto pic = DecodeCallback(ReadTestdata("callback_picture.json"), "dd");
  ASSERT_TRUE(pic.ok());
  ASSERT_EQ(pic->message.attachments.size(), 1u);
  EXPECT_EQ(pic->message.attachments[0].kind, Attachment::Kind::kPhoto);
  EXPECT_EQ(pic->message.attachments[0].ref, "dc-1");
  EXPECT_EQ(pic->message.text, "");

  json only_picture_code = Load("callback_picture.json");
  only_picture_code["content"].erase("downloadCode");
  pic = DecodeCallback(only_picture_code.dump(), "dd");
  ASSERT_TRUE(pic.ok());
  EXPECT_EQ(pic->message.attachments.at(0).ref, "pdc-1");

  json no_code = Load("callback_picture.json");
  no_code["content"] = json::object();
  pic = DecodeCallback(no_code.dump(), "dd");
  ASSERT_TRUE(pic.ok());
  EXPECT_TRUE(pic->message.attachments.empty());
  EXPECT_EQ(pic->message.text, "");

  json rich = Load("callback_picture.json");
  rich["msgtype"] = "richText";
  rich["content"] = json::parse(
      R"({"richText":[{"text":" 门口 "},{"pictureDownloadCode":"p1","type":"picture"},{"text":"有垃圾"}]})");
  auto r = DecodeCallback(rich.dump(), "dd");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->message.text, "门口 有垃圾");
  ASSERT_EQ(r->message.attachments.size(), 1u);
  EXPECT_EQ(r->message.attachments[0].ref, "p1");

  json audio = Load("callback_picture.json");
  audio["msgtype"] = "audio";
  audio["content"] = json::parse(R"({"downloadCode":"a1","recognition":"电梯坏了"})");
  r = DecodeCallback(audio.dump(), "dd");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->message.attachments.size(), 1u);
  EXPECT_EQ(r->message.attachments[0].kind, Attachment::Kind::kVoice);
  EXPECT_EQ(r->message.attachments[0].label, "电梯坏了");

  json file = Load("callback_group_text.json");
  file["msgtype"] = "file";
  r = DecodeCallback(file.dump(), "dd");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->message.text, "");
}

TEST(DingTalkCodecTest, ConversationTypeAsNumberAndCreateAtAsString) {
  json body = Load("callback_group_text.json");
  body["conversationType"] = 1;
  body["createAt"] = "1700000000999";
  auto d = DecodeCallback(body.dump(), "dd");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->message.conversation.chat_type, ChatType::kPrivate);
  EXPECT_EQ(d->message.timestamp_ms, 1700000000999);
}

TEST(DingTalkCodecTest, MalformedBodiesAreInvalidArgument) {
  auto code = [](const std::string& body) { return DecodeCallback(body, "dd").status().code(); };
  EXPECT_EQ(code("{oops"), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(""), StatusCode::kInvalidArgument);
  EXPECT_EQ(code("[]"), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(std::string(100000, '[') + std::string(100000, ']')),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(code("{\"text\":" + std::string(5000, '{')), StatusCode::kInvalidArgument);
  for (const char* field : {"msgId", "conversationId", "conversationType"}) {
    json body = Load("callback_group_text.json");
    body.erase(field);
    EXPECT_EQ(code(body.dump()), StatusCode::kInvalidArgument) << field;
  }
  json no_sender = Load("callback_group_text.json");
  no_sender.erase("senderStaffId");
  no_sender.erase("senderId");
  EXPECT_EQ(code(no_sender.dump()), StatusCode::kInvalidArgument);
  json bad_type = Load("callback_group_text.json");
  bad_type["conversationType"] = "3";
  EXPECT_EQ(code(bad_type.dump()), StatusCode::kInvalidArgument);
  json text_not_object = Load("callback_group_text.json");
  text_not_object["text"] = "plain";
  auto d = DecodeCallback(text_not_object.dump(), "dd");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->message.text, "");
}

OutboundMessage Outbound() {
  OutboundMessage m;
  m.to = {"dd", "staff_1", "cidGroupAbc123==", ChatType::kGroup};
  m.text = "请选择";
  m.choices = {{"是", "y"}, {"否", "n"}};
  return m;
}

TEST(DingTalkCodecTest, OutboundBodies) {
  EXPECT_EQ(RenderText(Outbound()), "请选择\n\n1. 是\n2. 否");
  EXPECT_EQ(json::parse(BuildWebhookTextBody(Outbound())),
            json::parse(R"({"msgtype":"text","text":{"content":"请选择\n\n1. 是\n2. 否"}})"));
  EXPECT_EQ(json::parse(BuildTokenRequest("ak", "as")),
            json::parse(R"({"appKey":"ak","appSecret":"as"})"));

  const json group = json::parse(BuildGroupSendBody("robot-1", Outbound()));
  EXPECT_EQ(group.value("robotCode", ""), "robot-1");
  EXPECT_EQ(group.value("openConversationId", ""), "cidGroupAbc123==");
  EXPECT_EQ(group.value("msgKey", ""), "sampleText");
  EXPECT_EQ(json::parse(group.value("msgParam", "")).value("content", ""),
            "请选择\n\n1. 是\n2. 否");

  const json priv = json::parse(BuildPrivateSendBody("robot-1", Outbound()));
  EXPECT_EQ(priv.at("userIds"), json::array({"staff_1"}));
  EXPECT_EQ(priv.value("msgKey", ""), "sampleText");
  EXPECT_TRUE(priv.contains("msgParam"));
  EXPECT_FALSE(priv.contains("openConversationId"));
}

TEST(DingTalkCodecTest, ParsesAnswers) {
  auto ok = ParseWebhookReply(R"({"errcode":0,"errmsg":"ok"})");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->errcode, 0);
  auto limited = ParseWebhookReply(R"({"errcode":130101,"errmsg":"send too fast"})");
  ASSERT_TRUE(limited.ok());
  EXPECT_EQ(limited->errcode, 130101);
  EXPECT_FALSE(ParseWebhookReply("{}").ok());
  EXPECT_FALSE(ParseWebhookReply("nope").ok());

  auto token = ParseTokenReply(R"({"accessToken":"at-1","expireIn":7200})");
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(token->access_token, "at-1");
  EXPECT_EQ(token->expire_in_s, 7200);
  EXPECT_FALSE(ParseTokenReply(R"({"code":"InvalidAppKey","message":"x"})").ok());

  auto sent = ParseOpenApiReply(
      R"({"processQueryKey":"pqk","invalidStaffIdList":["a"],"flowControlledStaffIdList":[]})");
  ASSERT_TRUE(sent.ok());
  EXPECT_EQ(sent->process_query_key, "pqk");
  EXPECT_EQ(sent->invalid_user_ids, std::vector<std::string>{"a"});
  EXPECT_TRUE(sent->flow_controlled_user_ids.empty());
  auto err = ParseOpenApiReply(R"({"code":"InvalidAuthentication","message":"bad token"})");
  ASSERT_TRUE(err.ok());
  EXPECT_EQ(err->code, "InvalidAuthentication");
  EXPECT_FALSE(ParseOpenApiReply("[1]").ok());
}

// `linli check --online`: what an accessToken fetch said.
TEST(DingTalkCodecTest, JudgeAccessToken) {
  EXPECT_TRUE(JudgeAccessToken("", 200, R"({"accessToken":"dt-1","expireIn":7200})").ok());
  ProbeResult refused =
      JudgeAccessToken("", 400, R"({"code":"invalidClientIdOrSecret","message":"x"})");
  ASSERT_EQ(refused.problems.size(), 1u);
  EXPECT_EQ(refused.problems[0].hint, "credentials_rejected");
  EXPECT_EQ(refused.problems[0].code, "invalidClientIdOrSecret");
  EXPECT_EQ(JudgeAccessToken("", 403, "").problems.at(0).code, "403");
  EXPECT_EQ(JudgeAccessToken("", 500, "oops").problems.at(0).hint, "platform_error");
  EXPECT_EQ(JudgeAccessToken("", 200, R"({"expireIn":7200})").problems.at(0).hint, "platform_error");
  EXPECT_EQ(JudgeAccessToken("no connection (UNAVAILABLE)", 0, "").problems.at(0).hint,
            "unreachable");
}

}  // namespace
}  // namespace linli::adapters::dingtalk::dingtalk_codec_test
