#include "adapters/telegram/telegram_codec.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace linli::adapters::telegram::telegram_codec_test {
namespace {

using nlohmann::json;

std::string ReadTestdata(const std::string& name) {
  std::ifstream in(std::string(LINLI_TESTDATA_DIR) + "/telegram/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

DecodeOptions Options() { return DecodeOptions{"tg", ""}; }

InboundMessage DecodeMessageFile(const std::string& name,
                                 const DecodeOptions& options = Options()) {
  auto r = DecodeUpdate(ReadTestdata(name), options);
  EXPECT_TRUE(r.ok()) << name << ": " << r.status().ToString();
  if (!r.ok()) return {};
  EXPECT_FALSE(r->immediate.has_value()) << name;
  EXPECT_TRUE(r->message.has_value()) << name;
  return r->message.value_or(InboundMessage{});
}

void ExpectIgnored(const std::string& body, const DecodeOptions& options = Options()) {
  auto r = DecodeUpdate(body, options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(r->immediate.has_value());
  EXPECT_FALSE(r->message.has_value());
  EXPECT_EQ(r->immediate->status, 200);
  EXPECT_EQ(r->immediate->body, "");
}

void ExpectInvalid(const std::string& body) {
  auto r = DecodeUpdate(body, Options());
  ASSERT_FALSE(r.ok()) << body.substr(0, 80);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << body.substr(0, 80);
}

// ---- DecodeUpdate ----

TEST(TelegramDecodeTest, TextPrivateMessage) {
  const InboundMessage m = DecodeMessageFile("text_private.json");
  EXPECT_EQ(m.conversation.channel, "tg");
  EXPECT_EQ(m.conversation.user_id, "5123456789");
  EXPECT_EQ(m.conversation.chat_id, "5123456789");
  EXPECT_EQ(m.conversation.chat_type, ChatType::kPrivate);
  EXPECT_EQ(m.kind, InboundKind::kMessage);
  EXPECT_EQ(m.platform_message_id, "u731204551");
  EXPECT_EQ(m.text, "你好，楼道灯坏了");
  EXPECT_TRUE(m.attachments.empty());
  EXPECT_EQ(m.reply_to, "");
  EXPECT_EQ(m.language, "zh");
  EXPECT_EQ(m.timestamp_ms, 1764032400000);
}

TEST(TelegramDecodeTest, GroupMessageReplyingToBot) {
  const InboundMessage m = DecodeMessageFile("group_reply_to_bot.json");
  EXPECT_EQ(m.conversation.user_id, "6012345678");
  EXPECT_EQ(m.conversation.chat_id, "-1001234567890");
  EXPECT_EQ(m.conversation.chat_type, ChatType::kGroup);
  EXPECT_EQ(m.reply_to, "88190");
  EXPECT_EQ(m.text, "我来帮忙");
  EXPECT_EQ(m.language, "en");
  EXPECT_EQ(m.conversation.Key(), "tg|-1001234567890|6012345678");
}

TEST(TelegramDecodeTest, PhotoWithCaptionTakesLargestSize) {
  const InboundMessage m = DecodeMessageFile("photo_caption.json");
  EXPECT_EQ(m.text, "垃圾堆在单元门口");
  ASSERT_EQ(m.attachments.size(), 1u);
  EXPECT_EQ(m.attachments[0].kind, Attachment::Kind::kPhoto);
  // The largest is not the last element in this payload.
  EXPECT_EQ(m.attachments[0].ref, "AgACAgUAAxkBAAIBZ2VlargeAA");
}

// Regression (issue 13, a known bug): the size of each photo was width*height in int64,
// which overflowed for sides near 2^32 (4e9 * 4e9 > INT64_MAX) - undefined behaviour, in
// practice a negative area that made the decoder keep a smaller size, or none.
TEST(TelegramDecodeTest, PhotoWithHugeSidesDoesNotOverflow) {
  const std::string body = R"({"update_id":9,"message":{"message_id":1,"date":1,
      "chat":{"id":5,"type":"private"},"from":{"id":5,"is_bot":false,"first_name":"a"},
      "photo":[{"file_id":"huge","width":4000000000,"height":4000000000},
               {"file_id":"small","width":90,"height":90},
               {"file_id":"max","width":9223372036854775807,"height":-9223372036854775807}]}})";
  auto r = DecodeUpdate(body, Options());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(r->message.has_value());
  ASSERT_EQ(r->message->attachments.size(), 1u);
  EXPECT_EQ(r->message->attachments[0].ref, "huge");
}

TEST(TelegramDecodeTest, Location) {
  const InboundMessage m = DecodeMessageFile("location.json");
  EXPECT_EQ(m.text, "");
  ASSERT_EQ(m.attachments.size(), 1u);
  EXPECT_EQ(m.attachments[0].kind, Attachment::Kind::kLocation);
  EXPECT_DOUBLE_EQ(m.attachments[0].latitude, 31.230416);
  EXPECT_DOUBLE_EQ(m.attachments[0].longitude, 121.473701);
}

TEST(TelegramDecodeTest, CallbackQuery) {
  const InboundMessage m = DecodeMessageFile("callback_query.json");
  EXPECT_EQ(m.kind, InboundKind::kButton);
  EXPECT_EQ(m.payload, "v:42:y");
  EXPECT_EQ(m.callback_id, "4382169520187654321");
  EXPECT_EQ(m.conversation.user_id, "6012345678");
  EXPECT_EQ(m.conversation.chat_id, "-1001234567890");
  EXPECT_EQ(m.conversation.chat_type, ChatType::kGroup);
  EXPECT_EQ(m.platform_message_id, "u731204555");
  EXPECT_EQ(m.reply_to, "88300");  // the card carrying the button
  EXPECT_EQ(m.text, "");           // the card's text is not the user's
}

TEST(TelegramDecodeTest, CallbackQueryWithoutMessageIsPrivate) {
  auto r =
      DecodeUpdate(R"({"update_id":5,"callback_query":{"id":"77","from":{"id":42,"is_bot":false,
      "first_name":"A"},"inline_message_id":"AAA","chat_instance":"1","data":"x"}})",
                   Options());
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->message.has_value());
  EXPECT_EQ(r->message->conversation.chat_id, "42");
  EXPECT_EQ(r->message->conversation.chat_type, ChatType::kPrivate);
}

TEST(TelegramDecodeTest, CommandInPrivateChat) {
  const InboundMessage m = DecodeMessageFile("command_report_private.json");
  EXPECT_EQ(m.text, "/report");
}

TEST(TelegramDecodeTest, CommandAddressedToBotIsStripped) {
  EXPECT_EQ(DecodeMessageFile("command_report.json").text, "/report");
  EXPECT_EQ(DecodeMessageFile("command_report.json", {"tg", "Linli_Bot"}).text, "/report");
}

TEST(TelegramDecodeTest, CommandForAnotherBotIgnoredWhenUsernameKnown) {
  ExpectIgnored(ReadTestdata("command_report.json"), {"tg", "someone_else_bot"});
}

TEST(TelegramDecodeTest, CommandWithArgumentsKeepsThem) {
  auto r = DecodeUpdate(R"({"update_id":9,"message":{"message_id":1,"from":{"id":1,"is_bot":false},
      "chat":{"id":-5,"type":"group"},"date":1,"text":"/report@linli_bot 3号楼 漏水"}})",
                        Options());
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->message.has_value());
  EXPECT_EQ(r->message->text, "/report 3号楼 漏水");
  EXPECT_EQ(r->message->conversation.chat_type, ChatType::kGroup);
}

TEST(TelegramDecodeTest, EmailLikeTextIsNotACommand) {
  auto r = DecodeUpdate(R"({"update_id":9,"message":{"message_id":1,"from":{"id":1},
      "chat":{"id":1,"type":"private"},"text":"mail a@b.c /x"}})",
                        Options());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->message->text, "mail a@b.c /x");
}

TEST(TelegramDecodeTest, OtherUpdateKindsAreAcknowledgedAndIgnored) {
  ExpectIgnored(ReadTestdata("edited_message.json"));
  ExpectIgnored(ReadTestdata("my_chat_member.json"));
  ExpectIgnored(ReadTestdata("channel_post.json"));
  ExpectIgnored(R"({"update_id":1})");
  ExpectIgnored(R"({"update_id":1,"poll":{"id":"1"}})");
}

TEST(TelegramDecodeTest, MessagesFromBotsAreIgnored) {
  ExpectIgnored(ReadTestdata("message_from_bot.json"));
  ExpectIgnored(R"({"update_id":1,"callback_query":{"id":"1","from":{"id":2,"is_bot":true},
      "data":"x"}})");
}

TEST(TelegramDecodeTest, ServiceMessagesAndUnmappableContentAreIgnored) {
  ExpectIgnored(ReadTestdata("new_chat_members.json"));
  // A sticker: nothing a flow can use.
  ExpectIgnored(R"({"update_id":1,"message":{"message_id":1,"from":{"id":1,"is_bot":false},
      "chat":{"id":1,"type":"private"},"sticker":{"file_id":"S","width":1,"height":1}}})");
  // Anonymous group admin: no from.
  ExpectIgnored(R"({"update_id":1,"message":{"message_id":1,"sender_chat":{"id":-5,"type":"group"},
      "chat":{"id":-5,"type":"group"},"text":"hi"}})");
  // Game callback without data.
  ExpectIgnored(R"({"update_id":1,"callback_query":{"id":"1","from":{"id":2,"is_bot":false},
      "game_short_name":"g"}})");
}

TEST(TelegramDecodeTest, OtherMediaAreAttachments) {
  auto r = DecodeUpdate(R"({"update_id":1,"message":{"message_id":1,"from":{"id":1,"is_bot":false},
      "chat":{"id":1,"type":"private"},"voice":{"file_id":"V1","duration":3},
      "document":{"file_id":"D1","file_name":"plan.pdf"}}})",
                        Options());
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->message.has_value());
  ASSERT_EQ(r->message->attachments.size(), 2u);
  EXPECT_EQ(r->message->attachments[0].kind, Attachment::Kind::kVoice);
  EXPECT_EQ(r->message->attachments[0].ref, "V1");
  EXPECT_EQ(r->message->attachments[1].kind, Attachment::Kind::kFile);
  EXPECT_EQ(r->message->attachments[1].label, "plan.pdf");
}

TEST(TelegramDecodeTest, LargeIdsSurvive) {
  auto r = DecodeUpdate(R"({"update_id":9007199254740993,"message":{"message_id":1,
      "from":{"id":9007199254740993,"is_bot":false},"chat":{"id":-1009007199254740993,"type":"supergroup"},
      "text":"x"}})",
                        Options());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->message->platform_message_id, "u9007199254740993");
  EXPECT_EQ(r->message->conversation.user_id, "9007199254740993");
  EXPECT_EQ(r->message->conversation.chat_id, "-1009007199254740993");
}

TEST(TelegramDecodeTest, MalformedBodiesAreInvalidArgument) {
  ExpectInvalid("");
  ExpectInvalid("not json");
  ExpectInvalid(R"({"update_id":1,"message":{)");
  ExpectInvalid("[]");
  ExpectInvalid("42");
  ExpectInvalid(R"("update_id")");
  ExpectInvalid("null");
  ExpectInvalid(R"({"message":{"message_id":1}})");  // no update_id
  ExpectInvalid(R"({"update_id":"1"})");             // not an integer
  ExpectInvalid(R"({"update_id":1.5})");
  ExpectInvalid(R"({"update_id":1,"message":"hi"})");
  ExpectInvalid(R"({"update_id":1,"message":{"chat":{"id":1,"type":"private"}}})");
  ExpectInvalid(R"({"update_id":1,"message":{"message_id":1}})");
  ExpectInvalid(R"({"update_id":1,"message":{"message_id":1,"chat":{"id":"x","type":"private"},
      "from":{"id":1}}})");
  ExpectInvalid(R"({"update_id":1,"message":{"message_id":1,"chat":{"id":1,"type":"private"},
      "from":{"id":"1"},"text":"x"}})");
  ExpectInvalid(R"({"update_id":1,"callback_query":{"from":{"id":2},"data":"x"}})");
}

// Regression: nlohmann 3.11.2 recursion crash on deep input (SECURITY.md).
TEST(TelegramDecodeTest, DeepNestingIsInvalidArgumentWithoutCrash) {
  ExpectInvalid(std::string(10000, '['));
  ExpectInvalid(std::string(10000, '[') + std::string(10000, ']'));
  ExpectInvalid(R"({"update_id":1,"message":{"message_id":1,"chat":{"id":1,"type":"private"},
      "from":{"id":1},"text":"x","entities":)" +
                std::string(5000, '[') + std::string(5000, ']') + "}}");
}

// ---- EncodeSend ----

OutboundMessage Text(std::string chat_id, std::string text) {
  OutboundMessage m;
  m.to.channel = "tg";
  m.to.chat_id = std::move(chat_id);
  m.to.user_id = "5123456789";
  m.text = std::move(text);
  return m;
}

json EncodeBody(const OutboundMessage& m, std::string* method = nullptr) {
  auto call = EncodeSend(m);
  EXPECT_TRUE(call.ok()) << call.status().ToString();
  if (!call.ok()) return json();
  if (method != nullptr) *method = call->method;
  return json::parse(call->body);
}

// telegram.md §2 "Answering inside the webhook response" [verified]: the response to a delivery
// may be one Bot API call, a JSON body with "method" beside the call's own parameters.
TEST(TelegramEncodeTest, WebhookAnswerIsTheSameCallWithItsMethod) {
  OutboundMessage m = Text("5123456789", "你好");
  m.choices = {{"是", "yes"}};
  m.reply_to = "17";
  auto answer = EncodeWebhookAnswer(m);
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_EQ(answer->status, 200);
  json call = json::parse(answer->body);
  EXPECT_EQ(call["method"], "sendMessage");
  call.erase("method");
  EXPECT_EQ(call, EncodeBody(m));  // exactly sendMessage's parameters
  // Same validation as EncodeSend; a picture cannot ride in a JSON answer.
  EXPECT_EQ(EncodeWebhookAnswer(Text("", "x")).status().code(), StatusCode::kInvalidArgument);
  OutboundMessage photo = m;
  photo.image = OutboundImage{"/tmp/x.jpg", "image/jpeg", "AgAD", "tg", ""};
  EXPECT_EQ(EncodeWebhookAnswer(photo).status().code(), StatusCode::kInvalidArgument);
}

TEST(TelegramEncodeTest, PlainTextNumericChatIdIsInteger) {
  std::string method;
  const json body = EncodeBody(Text("-1001234567890", "你好"), &method);
  EXPECT_EQ(method, "sendMessage");
  ASSERT_TRUE(body["chat_id"].is_number_integer());
  EXPECT_EQ(body["chat_id"].get<int64_t>(), -1001234567890);
  EXPECT_EQ(body["text"], "你好");
  EXPECT_FALSE(body.contains("reply_markup"));
  EXPECT_FALSE(body.contains("reply_parameters"));
}

TEST(TelegramEncodeTest, NonNumericChatIdIsString) {
  const json body = EncodeBody(Text("@xingfuli_notices", "x"));
  ASSERT_TRUE(body["chat_id"].is_string());
  EXPECT_EQ(body["chat_id"], "@xingfuli_notices");
  EXPECT_TRUE(EncodeBody(Text("12ab", "x"))["chat_id"].is_string());
}

TEST(TelegramEncodeTest, ReplyParameters) {
  OutboundMessage m = Text("-100123", "收到");
  m.reply_to = "88190";
  const json body = EncodeBody(m);
  ASSERT_TRUE(body.contains("reply_parameters"));
  EXPECT_EQ(body["reply_parameters"]["message_id"], 88190);
  EXPECT_EQ(body["reply_parameters"]["allow_sending_without_reply"], true);
  m.reply_to = "not-an-id";
  EXPECT_FALSE(EncodeBody(m).contains("reply_parameters"));
}

// Issue 9: a wish card is updated in place (已认领) with editMessageText.
TEST(TelegramEncodeTest, AnEditBecomesEditMessageText) {
  OutboundMessage m = Text("-100123", "【微心愿 #3】已认领");
  m.edit_of = "42";
  m.reply_to = "41";  // ignored for an edit
  std::string method;
  const json body = EncodeBody(m, &method);
  EXPECT_EQ(method, "editMessageText");
  EXPECT_EQ(body["chat_id"], -100123);
  EXPECT_EQ(body["message_id"], 42);
  EXPECT_EQ(body["text"], "【微心愿 #3】已认领");
  EXPECT_FALSE(body.contains("reply_parameters"));
  m.edit_of = "not-an-id";
  EXPECT_EQ(EncodeSend(m).status().code(), StatusCode::kInvalidArgument);
}

OutboundMessage Photo(std::string chat_id) {
  OutboundMessage m = Text(std::move(chat_id), "工单 #7 附有现场照片：照片见控制台");
  m.image = OutboundImage{"/media/ticket-7-1.jpg", "image/jpeg", "AgACphoto-large", "tg",
                          "工单 #7 设施维修 的现场照片"};
  return m;
}

// Issue 11: a ticket's photo follows its card by the platform's own file id.
TEST(TelegramEncodeTest, APhotoByFileIdIsSendPhotoJson) {
  OutboundMessage m = Photo("-100123");
  m.reply_to = "41";
  auto call = EncodeSendPhotoById(m);
  ASSERT_TRUE(call.ok()) << call.status().ToString();
  EXPECT_EQ(call->method, "sendPhoto");
  EXPECT_EQ(call->content_type, "application/json");
  const json body = json::parse(call->body);
  EXPECT_EQ(body["chat_id"], -100123);
  EXPECT_EQ(body["photo"], "AgACphoto-large");
  EXPECT_EQ(body["caption"], "工单 #7 设施维修 的现场照片");
  EXPECT_EQ(body["reply_parameters"]["message_id"], 41);
  EXPECT_EQ(body["reply_parameters"]["allow_sending_without_reply"], true);
  EXPECT_FALSE(body.contains("text"));
  m.image->caption.clear();
  m.reply_to.clear();
  const json bare = json::parse(EncodeSendPhotoById(m)->body);
  EXPECT_FALSE(bare.contains("caption"));
  EXPECT_FALSE(bare.contains("reply_parameters"));
  m.image->platform_ref.clear();
  EXPECT_EQ(EncodeSendPhotoById(m).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(EncodeSendPhotoById(Text("-100123", "x")).status().code(),
            StatusCode::kInvalidArgument);  // no image
}

TEST(TelegramEncodeTest, APhotoUploadIsMultipartWithTheBytes) {
  OutboundMessage m = Photo("-100123");
  m.reply_to = "41";
  const std::string bytes("\xFF\xD8\xFF\xE0\x00\x10JFIF\r\n--x\x00end", 17);
  auto call = EncodeSendPhotoUpload(m, bytes);
  ASSERT_TRUE(call.ok()) << call.status().ToString();
  EXPECT_EQ(call->method, "sendPhoto");
  const std::string boundary = MultipartBoundary(bytes);
  EXPECT_EQ(bytes.find(boundary), std::string::npos);
  EXPECT_EQ(call->content_type, "multipart/form-data; boundary=" + boundary);
  const std::string d = "--" + boundary + "\r\n";
  const std::string expected =
      d + "Content-Disposition: form-data; name=\"chat_id\"\r\n\r\n-100123\r\n" +
      d + "Content-Disposition: form-data; name=\"caption\"\r\n\r\n工单 #7 设施维修 的现场照片\r\n" +
      d + "Content-Disposition: form-data; name=\"reply_parameters\"\r\n\r\n" +
      R"({"allow_sending_without_reply":true,"message_id":41})" + "\r\n" +
      d + "Content-Disposition: form-data; name=\"photo\"; filename=\"photo.jpg\"\r\n" +
      "Content-Type: image/jpeg\r\n\r\n" + bytes + "\r\n--" + boundary + "--\r\n";
  EXPECT_TRUE(call->body == expected) << call->body;
  m.image->content_type = "image/png";
  EXPECT_NE(EncodeSendPhotoUpload(m, bytes)->body.find("filename=\"photo.png\""),
            std::string::npos);
  EXPECT_EQ(EncodeSendPhotoUpload(m, "").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(EncodeSendPhotoUpload(m, std::string(kMaxPhotoUploadBytes + 1, 'x')).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(TelegramEncodeTest, TheBoundaryNeverOccursInTheFile) {
  const std::string first = MultipartBoundary("");
  const std::string tricky = "a" + first + "b" + first + "x";
  const std::string b = MultipartBoundary(tricky);
  EXPECT_EQ(tricky.find(b), std::string::npos);
  EXPECT_EQ(MultipartBoundary(tricky), b);  // deterministic
}

TEST(TelegramEncodeTest, ShortLabelsThreePerRow) {
  OutboundMessage m = Text("1", "请选择类别");
  for (const auto& [label, payload] :
       std::vector<std::pair<std::string, std::string>>{{"卫生", "c:sanitation"},
                                                        {"维修", "c:repair"},
                                                        {"停车", "c:parking"},
                                                        {"宠物", "c:pets"},
                                                        {"噪音", "c:noise"}}) {
    m.choices.push_back({label, payload});
  }
  const json kb = EncodeBody(m)["reply_markup"]["inline_keyboard"];
  ASSERT_EQ(kb.size(), 2u);
  ASSERT_EQ(kb[0].size(), 3u);
  ASSERT_EQ(kb[1].size(), 2u);
  EXPECT_EQ(kb[0][0]["text"], "卫生");
  EXPECT_EQ(kb[0][0]["callback_data"], "c:sanitation");
  EXPECT_EQ(kb[1][1]["callback_data"], "c:noise");
}

TEST(TelegramEncodeTest, MediumLabelsTwoPerRowLongLabelsOnePerRow) {
  OutboundMessage m = Text("1", "?");
  m.choices = {{"赞成这条公约", "v:1:y"}, {"反对这条公约", "v:1:n"}, {"弃权", "v:1:a"}};
  json kb = EncodeBody(m)["reply_markup"]["inline_keyboard"];
  ASSERT_EQ(kb.size(), 2u);
  EXPECT_EQ(kb[0].size(), 2u);
  EXPECT_EQ(kb[1].size(), 1u);

  m.choices = {{"我愿意在周末帮邻居取快递和送药", "w:1"}, {"不了，谢谢", "w:2"}};
  kb = EncodeBody(m)["reply_markup"]["inline_keyboard"];
  ASSERT_EQ(kb.size(), 2u);
  EXPECT_EQ(kb[0].size(), 1u);
  EXPECT_EQ(kb[1].size(), 1u);
}

TEST(TelegramEncodeTest, CallbackDataLimitIsBytesNotCharacters) {
  OutboundMessage m = Text("1", "?");
  m.choices = {{"ok", std::string(64, 'x')}};
  EXPECT_TRUE(EncodeSend(m).ok());
  // 22 CJK characters = 66 bytes: within 64 characters but over 64 bytes.
  std::string cjk;
  for (int i = 0; i < 22; ++i) cjk += "赞";
  m.choices = {{"ok", cjk}};
  auto r = EncodeSend(m);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("64"), std::string::npos);
  m.choices = {{"ok", std::string(65, 'x')}};
  EXPECT_FALSE(EncodeSend(m).ok());
  m.choices = {{"ok", ""}};
  EXPECT_FALSE(EncodeSend(m).ok());
  m.choices = {{"", "p"}};
  EXPECT_FALSE(EncodeSend(m).ok());
}

TEST(TelegramEncodeTest, EmptyTextOrChatIsInvalid) {
  EXPECT_FALSE(EncodeSend(Text("1", "")).ok());
  EXPECT_FALSE(EncodeSend(Text("", "x")).ok());
}

TEST(TelegramEncodeTest, LongTextTruncatedAtCodePointBoundary) {
  // 5000 CJK characters (1 UTF-16 unit each).
  std::string text;
  for (int i = 0; i < 5000; ++i) text += "楼";
  const json body = EncodeBody(Text("1", text));
  const std::string out = body["text"];
  EXPECT_EQ(Utf16Length(out), kMaxTextUtf16);
  EXPECT_EQ(out.substr(out.size() - 3), "\xE2\x80\xA6");
  EXPECT_EQ(out.substr(0, 6), "楼楼");

  // Emoji count 2 UTF-16 units: never cut in the middle of one.
  std::string emoji;
  for (int i = 0; i < 3000; ++i) emoji += "\xF0\x9F\x98\x80";  // U+1F600
  const std::string e = EncodeBody(Text("1", emoji))["text"];
  EXPECT_LE(Utf16Length(e), kMaxTextUtf16);
  EXPECT_EQ((e.size() - 3) % 4, 0u);

  // Exactly at the limit: untouched.
  const std::string exact(kMaxTextUtf16, 'a');
  EXPECT_EQ(EncodeBody(Text("1", exact))["text"], exact);
}

TEST(TelegramEncodeTest, InvalidUtf8DoesNotThrow) {
  auto r = EncodeSend(Text("1", "bad \xff\xfe text"));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(json::accept(r->body));
}

TEST(TelegramEncodeTest, CallbackAnswer) {
  OutboundMessage m;
  m.kind = OutboundKind::kCallbackAnswer;
  m.callback_id = "4382169520187654321";
  std::string method;
  json body = EncodeBody(m, &method);
  EXPECT_EQ(method, "answerCallbackQuery");
  EXPECT_EQ(body["callback_query_id"], "4382169520187654321");
  EXPECT_FALSE(body.contains("text"));
  m.text = "已记录";
  EXPECT_EQ(EncodeBody(m)["text"], "已记录");
  m.callback_id.clear();
  EXPECT_FALSE(EncodeSend(m).ok());
}

// ---- DecodeSendResponse ----

StatusOr<HttpResponse> Http(int status, std::string body) {
  return HttpResponse::Json(status, std::move(body));
}

TEST(TelegramResponseTest, SentWithMessageId) {
  const SendResult r = DecodeSendResponse(
      "sendMessage",
      Http(
          200,
          R"({"ok":true,"result":{"message_id":88190,"date":1,"chat":{"id":1,"type":"private"},"text":"x"}})"));
  EXPECT_EQ(r.outcome, SendResult::Outcome::kSent);
  EXPECT_EQ(r.platform_message_id, "88190");
}

TEST(TelegramResponseTest, SentWithBooleanResult) {
  const SendResult r =
      DecodeSendResponse("answerCallbackQuery", Http(200, R"({"ok":true,"result":true})"));
  EXPECT_EQ(r.outcome, SendResult::Outcome::kSent);
  EXPECT_EQ(r.platform_message_id, "");
}

TEST(TelegramResponseTest, TooManyRequestsUsesRetryAfter) {
  const SendResult r = DecodeSendResponse(
      "sendMessage",
      Http(
          429,
          R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 7","parameters":{"retry_after":7}})"));
  EXPECT_EQ(r.outcome, SendResult::Outcome::kRetry);
  EXPECT_EQ(r.retry_after, std::chrono::seconds(7));
  EXPECT_TRUE(r.rate_limited);  // deferred by the outbox, not counted as a failed attempt
  EXPECT_NE(r.error.find("429"), std::string::npos);
  // Without parameters: the outbox backoff.
  const SendResult r2 = DecodeSendResponse("sendMessage", Http(429, R"({"ok":false})"));
  EXPECT_EQ(r2.outcome, SendResult::Outcome::kRetry);
  EXPECT_EQ(r2.retry_after.count(), 0);
}

TEST(TelegramResponseTest, ServerErrorsRetry) {
  for (int status : {500, 502, 503, 504}) {
    const SendResult r =
        DecodeSendResponse("sendMessage", Http(status, "<html>Bad Gateway</html>"));
    EXPECT_EQ(r.outcome, SendResult::Outcome::kRetry) << status;
  }
}

// Pins ../shared/protocols/telegram.md section 5: re-sending identical content to editMessageText
// answers 400 "message is not modified: ..." (wording confirmed there) - treat as success.
TEST(TelegramResponseTest, AnEditToTheSameTextIsDone) {
  const std::string same =
      R"({"ok":false,"error_code":400,"description":"Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"})";
  EXPECT_EQ(DecodeSendResponse("editMessageText", Http(400, same)).outcome, SendResult::Outcome::kSent);
  // Only for an edit, and only that description.
  EXPECT_EQ(DecodeSendResponse("sendMessage", Http(400, same)).outcome, SendResult::Outcome::kPermanent);
  EXPECT_EQ(DecodeSendResponse(
                "editMessageText",
                Http(400, R"({"ok":false,"error_code":400,"description":"Bad Request: message to edit not found"})"))
                .outcome,
            SendResult::Outcome::kPermanent);
}

TEST(TelegramResponseTest, ClientErrorsArePermanent) {
  const SendResult bad = DecodeSendResponse(
      "sendMessage",
      Http(400, R"({"ok":false,"error_code":400,"description":"Bad Request: chat not found"})"));
  EXPECT_EQ(bad.outcome, SendResult::Outcome::kPermanent);
  EXPECT_NE(bad.error.find("chat not found"), std::string::npos);
  const SendResult blocked = DecodeSendResponse(
      "sendMessage",
      Http(
          403,
          R"({"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"})"));
  EXPECT_EQ(blocked.outcome, SendResult::Outcome::kPermanent);
  EXPECT_EQ(
      DecodeSendResponse("sendMessage",
                         Http(404, R"({"ok":false,"error_code":404,"description":"Not Found"})"))
          .outcome,
      SendResult::Outcome::kPermanent);
  EXPECT_EQ(
      DecodeSendResponse("sendMessage",
                         Http(401, R"({"ok":false,"error_code":401,"description":"Unauthorized"})"))
          .outcome,
      SendResult::Outcome::kPermanent);
  const SendResult old_query = DecodeSendResponse(
      "answerCallbackQuery",
      Http(
          400,
          R"({"ok":false,"error_code":400,"description":"Bad Request: query is too old and response timeout expired or query ID is invalid"})"));
  EXPECT_EQ(old_query.outcome, SendResult::Outcome::kPermanent);
  const SendResult migrated = DecodeSendResponse(
      "sendMessage",
      Http(
          400,
          R"({"ok":false,"error_code":400,"description":"Bad Request: group chat was upgraded to a supergroup chat","parameters":{"migrate_to_chat_id":-1001234567890}})"));
  EXPECT_EQ(migrated.outcome, SendResult::Outcome::kPermanent);
  EXPECT_NE(migrated.error.find("migrated"), std::string::npos);
}

TEST(TelegramResponseTest, OkFalseWithStatus200MapsByErrorCode) {
  EXPECT_EQ(
      DecodeSendResponse("sendMessage",
                         Http(200, R"({"ok":false,"error_code":403,"description":"Forbidden"})"))
          .outcome,
      SendResult::Outcome::kPermanent);
  const SendResult r = DecodeSendResponse(
      "sendMessage", Http(200, R"({"ok":false,"error_code":429,"parameters":{"retry_after":3}})"));
  EXPECT_EQ(r.outcome, SendResult::Outcome::kRetry);
  EXPECT_EQ(r.retry_after, std::chrono::seconds(3));
}

TEST(TelegramResponseTest, TransportErrors) {
  const SendResult down = DecodeSendResponse("sendMessage", Status::Unavailable("connect refused"));
  EXPECT_EQ(down.outcome, SendResult::Outcome::kRetry);
  const SendResult timeout = DecodeSendResponse("sendMessage", Status::DeadlineExceeded("timeout"));
  EXPECT_EQ(timeout.outcome, SendResult::Outcome::kRetry);
  EXPECT_NE(timeout.error.find("may have been delivered"), std::string::npos);
  EXPECT_EQ(DecodeSendResponse("sendMessage", Status::InvalidArgument("bad url")).outcome,
            SendResult::Outcome::kPermanent);
}

TEST(TelegramResponseTest, GarbageOn2xxRetries) {
  EXPECT_EQ(DecodeSendResponse("sendMessage", Http(200, "<html>captive portal</html>")).outcome,
            SendResult::Outcome::kRetry);
  EXPECT_EQ(DecodeSendResponse("sendMessage", Http(200, std::string(10000, '['))).outcome,
            SendResult::Outcome::kRetry);
}

TEST(TelegramResponseTest, ErrorHasNoControlCharactersAndIsBounded) {
  const SendResult r = DecodeSendResponse(
      "sendMessage", Http(400, R"({"ok":false,"error_code":400,"description":"a\r\nb)" +
                                   std::string(1000, 'x') + R"("})"));
  EXPECT_EQ(r.error.find('\n'), std::string::npos);
  EXPECT_EQ(r.error.find('\r'), std::string::npos);
  EXPECT_LT(r.error.size(), 300u);
}

TEST(TelegramCodecUtilTest, ParseInt64) {
  int64_t v = 0;
  EXPECT_TRUE(ParseInt64("-1001234567890", &v));
  EXPECT_EQ(v, -1001234567890);
  EXPECT_FALSE(ParseInt64("", &v));
  EXPECT_FALSE(ParseInt64("+1", &v));
  EXPECT_FALSE(ParseInt64("1 ", &v));
  EXPECT_FALSE(ParseInt64("99999999999999999999", &v));
}

}  // namespace
}  // namespace linli::adapters::telegram::telegram_codec_test
