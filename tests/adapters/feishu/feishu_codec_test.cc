#include "adapters/feishu/feishu_codec.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "bot/json.h"

namespace linli::adapters::feishu::feishu_codec_test {
namespace {

using nlohmann::json;

std::string ReadTestdata(const std::string& name) {
  std::ifstream in(std::string(LINLI_TESTDATA_DIR) + "/feishu/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

json Load(const std::string& name) {
  auto parsed = ParseUntrustedJson(ReadTestdata(name));
  EXPECT_TRUE(parsed.ok()) << name;
  return parsed.ok() ? *parsed : json();
}

StatusOr<std::optional<InboundMessage>> Decode(const json& body) {
  auto env = ReadEnvelope(body);
  if (!env.ok()) return env.status();
  return DecodeMessageReceive(body, *env, "fs");
}

TEST(FeishuCodecTest, ReadsEnvelopes) {
  auto challenge =
      ReadEnvelope(json::parse(R"({"challenge":"c1","token":"t","type":"url_verification"})"));
  ASSERT_TRUE(challenge.ok());
  EXPECT_EQ(challenge->kind, Envelope::Kind::kUrlVerification);
  EXPECT_EQ(challenge->challenge, "c1");
  EXPECT_EQ(challenge->token, "t");

  auto v2 = ReadEnvelope(Load("receive_v1_p2p_text.json"));
  ASSERT_TRUE(v2.ok());
  EXPECT_EQ(v2->kind, Envelope::Kind::kV2);
  EXPECT_EQ(v2->token, "vtoken-123");
  EXPECT_EQ(v2->event_type, "im.message.receive_v1");
  EXPECT_EQ(v2->event_id, "5e3702a84e847582be8db7fb73283c02");

  auto v1 = ReadEnvelope(json::parse(
      R"({"uuid":"u1","token":"t","ts":"1","type":"event_callback","event":{"type":"message"}})"));
  ASSERT_TRUE(v1.ok());
  EXPECT_EQ(v1->kind, Envelope::Kind::kV1);
  EXPECT_EQ(v1->event_type, "message");

  EXPECT_FALSE(ReadEnvelope(json::parse(R"({"type":"url_verification","token":"t"})")).ok());
  EXPECT_FALSE(ReadEnvelope(json::parse(R"({"schema":"2.0","header":"x"})")).ok());
  EXPECT_FALSE(ReadEnvelope(json::parse(R"({"hello":1})")).ok());
  EXPECT_FALSE(ReadEnvelope(json::parse(R"([1,2])")).ok());
  EXPECT_EQ(ReadEnvelope(json::parse("3")).status().code(), StatusCode::kInvalidArgument);
}

TEST(FeishuCodecTest, EncryptedPayload) {
  auto none = EncryptedPayload(json::parse(R"({"schema":"2.0"})"));
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  auto some = EncryptedPayload(json::parse(R"({"encrypt":"abc"})"));
  ASSERT_TRUE(some.ok());
  EXPECT_EQ(**some, "abc");
  EXPECT_FALSE(EncryptedPayload(json::parse(R"({"encrypt":5})")).ok());
}

TEST(FeishuCodecTest, P2pText) {
  auto msg = Decode(Load("receive_v1_p2p_text.json"));
  ASSERT_TRUE(msg.ok()) << msg.status().ToString();
  ASSERT_TRUE(msg->has_value());
  const InboundMessage& in = **msg;
  EXPECT_EQ(in.kind, InboundKind::kMessage);
  EXPECT_EQ(in.platform_message_id, "5e3702a84e847582be8db7fb73283c02");
  EXPECT_EQ(in.conversation.channel, "fs");
  EXPECT_EQ(in.conversation.user_id, "ou_84aad35d084aa403a838cf73ee18467");
  EXPECT_EQ(in.conversation.chat_id, "oc_5ce6d572455d361153b7xx51da133945");
  EXPECT_EQ(in.conversation.chat_type, ChatType::kPrivate);
  EXPECT_EQ(in.text, "报修 3号楼电梯不动了");
  EXPECT_EQ(in.reply_to, "");
  EXPECT_EQ(in.timestamp_ms, 1700000000100);
  EXPECT_TRUE(in.attachments.empty());
}

TEST(FeishuCodecTest, GroupTextWithMentionsStripped) {
  auto msg = Decode(Load("receive_v1_group_mention.json"));
  ASSERT_TRUE(msg.ok()) << msg.status().ToString();
  ASSERT_TRUE(msg->has_value());
  EXPECT_EQ((*msg)->conversation.chat_type, ChatType::kGroup);
  EXPECT_EQ((*msg)->conversation.chat_id, "oc_group_chat_1");
  // @_user_10 must not leave a stray "0" behind after @_user_1 is removed.
  EXPECT_EQ((*msg)->text, "心愿 帮忙取快递");
}

TEST(FeishuCodecTest, GroupReplyCarriesParentIdAsReplyTo) {
  auto msg = Decode(Load("receive_v1_group_reply.json"));
  ASSERT_TRUE(msg.ok()) << msg.status().ToString();
  ASSERT_TRUE(msg->has_value());
  EXPECT_EQ((*msg)->reply_to, "om_bot_wish_card");
  EXPECT_EQ((*msg)->conversation.chat_type, ChatType::kGroup);  // topic_group
  EXPECT_EQ((*msg)->text, "我来帮忙");
  EXPECT_EQ((*msg)->conversation.user_id, "ou_volunteer_2");
}

TEST(FeishuCodecTest, ImageBecomesPhotoAttachment) {
  auto msg = Decode(Load("receive_v1_image.json"));
  ASSERT_TRUE(msg.ok());
  ASSERT_TRUE(msg->has_value());
  ASSERT_EQ((*msg)->attachments.size(), 1u);
  EXPECT_EQ((*msg)->attachments[0].kind, Attachment::Kind::kPhoto);
  EXPECT_EQ((*msg)->attachments[0].ref, "img_v2_041b28e3-5680-48c2-9af2-497ace79333g");
  EXPECT_EQ((*msg)->text, "");
}

// The message-resource API needs the message id with the image key (feishu_media.h); the
// inbound dedupe key is the event id, so the attachment carries the message id itself.
TEST(FeishuCodecTest, PhotoAttachmentCarriesItsMessageId) {
  json body = Load("receive_v1_image.json");
  const std::string message_id = body["event"]["message"]["message_id"];
  auto msg = Decode(body);
  ASSERT_TRUE(msg.ok() && msg->has_value());
  ASSERT_EQ((*msg)->attachments.size(), 1u);
  EXPECT_FALSE(message_id.empty());
  EXPECT_EQ((*msg)->attachments[0].message_id, message_id);
  EXPECT_NE((*msg)->platform_message_id, message_id);
}

json WithMessage(const std::string& name, const char* key, json value) {
  json body = Load(name);
  body["event"]["message"][key] = std::move(value);
  return body;
}

TEST(FeishuCodecTest, PostAudioFileAndUnknownKinds) {
  json post = WithMessage("receive_v1_p2p_text.json", "message_type", "post");
  post["event"]["message"]["content"] =
      R"({"title":"漏水","content":[[{"tag":"at","user_id":"@_user_1"},{"tag":"text","text":"5楼 "},)"
      R"({"tag":"text","text":"天花板"}],[{"tag":"img","image_key":"img_1"}]]})";
  auto msg = Decode(post);
  ASSERT_TRUE(msg.ok()) << msg.status().ToString();
  EXPECT_EQ((*msg)->text, "漏水\n5楼 天花板");
  ASSERT_EQ((*msg)->attachments.size(), 1u);
  EXPECT_EQ((*msg)->attachments[0].ref, "img_1");

  json audio = WithMessage("receive_v1_p2p_text.json", "message_type", "audio");
  audio["event"]["message"]["content"] = R"({"file_key":"file_v2_a","duration":2000})";
  msg = Decode(audio);
  ASSERT_TRUE(msg.ok());
  ASSERT_EQ((*msg)->attachments.size(), 1u);
  EXPECT_EQ((*msg)->attachments[0].kind, Attachment::Kind::kVoice);

  json sticker = WithMessage("receive_v1_p2p_text.json", "message_type", "sticker");
  sticker["event"]["message"]["content"] = R"({"file_key":"s"})";
  msg = Decode(sticker);
  ASSERT_TRUE(msg.ok());
  ASSERT_TRUE(msg->has_value());
  EXPECT_EQ((*msg)->text, "");
  EXPECT_TRUE((*msg)->attachments.empty());
}

TEST(FeishuCodecTest, IgnoresBotSendersAndUnknownChatTypes) {
  json body = Load("receive_v1_p2p_text.json");
  body["event"]["sender"]["sender_type"] = "app";
  auto msg = Decode(body);
  ASSERT_TRUE(msg.ok());
  EXPECT_FALSE(msg->has_value());

  msg = Decode(WithMessage("receive_v1_p2p_text.json", "chat_type", "meeting"));
  ASSERT_TRUE(msg.ok());
  EXPECT_FALSE(msg->has_value());
}

TEST(FeishuCodecTest, MalformedMessagesAreInvalidArgument) {
  auto code = [](const json& body) { return Decode(body).status().code(); };
  EXPECT_EQ(code(WithMessage("receive_v1_p2p_text.json", "content", "{not json")),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(code(WithMessage("receive_v1_p2p_text.json", "content", "[1]")),
            StatusCode::kInvalidArgument);
  // Deeply nested content string: rejected by the depth limit, no crash.
  std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_EQ(code(WithMessage("receive_v1_p2p_text.json", "content", deep)),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(code(WithMessage("receive_v1_p2p_text.json", "chat_id", "")),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(code(WithMessage("receive_v1_p2p_text.json", "chat_id", 5)),
            StatusCode::kInvalidArgument);

  json no_open_id = Load("receive_v1_p2p_text.json");
  no_open_id["event"]["sender"]["sender_id"].erase("open_id");
  EXPECT_EQ(code(no_open_id), StatusCode::kInvalidArgument);

  json no_event_id = Load("receive_v1_p2p_text.json");
  no_event_id["header"].erase("event_id");
  EXPECT_EQ(code(no_event_id), StatusCode::kInvalidArgument);

  json no_message = Load("receive_v1_p2p_text.json");
  no_message["event"].erase("message");
  EXPECT_EQ(code(no_message), StatusCode::kInvalidArgument);
}

TEST(FeishuCodecTest, StripMentions) {
  EXPECT_EQ(StripMentions("@_user_1 hi @_user_12", {"@_user_1", "@_user_12"}), "hi");
  EXPECT_EQ(StripMentions("\xE3\x80\x80 报修 ", {}), "报修");
  EXPECT_EQ(StripMentions("@_all 通知", {"@_all"}), "通知");
  EXPECT_EQ(StripMentions("a@_user_1b", {"@_user_1", ""}), "ab");
}

OutboundMessage Outbound() {
  OutboundMessage m;
  m.to.channel = "fs";
  m.to.chat_id = "oc_1";
  m.to.user_id = "ou_1";
  m.text = "请选择类别";
  m.choices = {{"维修", "cat:repair"}, {"卫生", "cat:sanitation"}};
  return m;
}

TEST(FeishuCodecTest, RendersChoicesAsNumberedLines) {
  EXPECT_EQ(RenderText(Outbound()), "请选择类别\n\n1. 维修\n2. 卫生");
  OutboundMessage only_choices = Outbound();
  only_choices.text.clear();
  EXPECT_EQ(RenderText(only_choices), "1. 维修\n2. 卫生");
  OutboundMessage plain = Outbound();
  plain.choices.clear();
  EXPECT_EQ(RenderText(plain), "请选择类别");
}

TEST(FeishuCodecTest, CreateAndReplyBodies) {
  const auto create = json::parse(BuildCreateBody(Outbound(), "uuid-1"));
  EXPECT_EQ(create.value("receive_id", ""), "oc_1");
  EXPECT_EQ(create.value("msg_type", ""), "text");
  EXPECT_EQ(create.value("uuid", ""), "uuid-1");
  // content is a JSON document inside a string.
  const auto content = json::parse(create.value("content", ""));
  EXPECT_EQ(content.value("text", ""), "请选择类别\n\n1. 维修\n2. 卫生");

  const auto reply = json::parse(BuildReplyBody(Outbound(), "uuid-2"));
  EXPECT_FALSE(reply.contains("receive_id"));
  EXPECT_EQ(reply.value("uuid", ""), "uuid-2");
  EXPECT_TRUE(reply.contains("content"));

  const auto token = json::parse(BuildTokenRequest("cli_1", "sec"));
  EXPECT_EQ(token.value("app_id", ""), "cli_1");
  EXPECT_EQ(token.value("app_secret", ""), "sec");

  // Invalid UTF-8 from a dialog does not throw.
  OutboundMessage bad = Outbound();
  bad.text = "\xff\xfe";
  EXPECT_NO_THROW(BuildCreateBody(bad, "u"));
}

TEST(FeishuCodecTest, SendUuidIsStableAndPrefersTheIdempotencyKey) {
  const OutboundMessage m = Outbound();
  EXPECT_EQ(SendUuid(m), SendUuid(m));
  EXPECT_EQ(SendUuid(m).size(), 32u);
  OutboundMessage other = m;
  other.text += "!";
  EXPECT_NE(SendUuid(m), SendUuid(other));
  OutboundMessage other_chat = m;
  other_chat.to.chat_id = "oc_2";
  EXPECT_NE(SendUuid(m), SendUuid(other_chat));

  OutboundMessage keyed = m;
  keyed.idempotency_key = "outbox-42";
  EXPECT_EQ(SendUuid(keyed), "outbox-42");
  keyed.idempotency_key = std::string(60, 'k');  // over Feishu's 50-char limit
  EXPECT_EQ(SendUuid(keyed).size(), 32u);
  keyed.idempotency_key = "含中文";
  EXPECT_EQ(SendUuid(keyed).size(), 32u);
}

TEST(FeishuCodecTest, ParsesApiRepliesAndClassifiesCodes) {
  auto ok = ParseApiReply(R"({"code":0,"msg":"success","data":{"message_id":"om_1"}})");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->message_id, "om_1");
  auto token =
      ParseApiReply(R"({"code":0,"msg":"ok","tenant_access_token":"t-abc","expire":7200})");
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(token->tenant_token, "t-abc");
  EXPECT_EQ(token->expire_s, 7200);
  EXPECT_FALSE(ParseApiReply("<html>").ok());
  EXPECT_FALSE(ParseApiReply(R"({"msg":"no code"})").ok());
  EXPECT_FALSE(ParseApiReply(R"({"code":"0"})").ok());

  EXPECT_EQ(ClassifyCode(0), CodeClass::kOk);
  EXPECT_EQ(ClassifyCode(99991400), CodeClass::kRetry);
  EXPECT_EQ(ClassifyCode(230020), CodeClass::kRetry);
  EXPECT_EQ(ClassifyCode(99991663), CodeClass::kTokenInvalid);
  EXPECT_EQ(ClassifyCode(99991661), CodeClass::kTokenInvalid);
  EXPECT_EQ(ClassifyCode(230001), CodeClass::kPermanent);
}

// `linli check --online`: what a tenant_access_token fetch said.
TEST(FeishuCodecTest, JudgeTenantToken) {
  TokenOutcome ok;
  ok.http_status = 200;
  ok.parsed = true;
  ok.reply.tenant_token = "t-1";
  ok.reply.expire_s = 7200;
  EXPECT_TRUE(JudgeTenantToken(ok).ok());
  TokenOutcome wrong = ok;
  wrong.reply = {};
  wrong.reply.code = 10014;
  wrong.reply.msg = "app secret invalid";
  ProbeResult w = JudgeTenantToken(wrong);
  ASSERT_EQ(w.problems.size(), 1u);
  EXPECT_EQ(w.problems[0].hint, "wrong_secret");
  EXPECT_EQ(w.problems[0].code, "10014");
  TokenOutcome other = wrong;
  other.reply.code = 10003;
  other.reply.msg = "invalid param";
  ProbeResult o = JudgeTenantToken(other);
  ASSERT_EQ(o.problems.size(), 1u);
  EXPECT_EQ(o.problems[0].hint, "platform_error");
  EXPECT_EQ(o.problems[0].args.at(0).second, "code 10003 (invalid param)");
  TokenOutcome down;
  down.transport = "no connection (UNAVAILABLE)";
  EXPECT_EQ(JudgeTenantToken(down).problems.at(0).hint, "unreachable");
  TokenOutcome html;
  html.http_status = 502;
  EXPECT_EQ(JudgeTenantToken(html).problems.at(0).hint, "unreachable");
}

}  // namespace
}  // namespace linli::adapters::feishu::feishu_codec_test
