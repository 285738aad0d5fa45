#include "adapters/wecom/wecom_adapter.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "adapters/registry.h"
#include "adapters/wechat/wechat_crypto.h"
#include "adapters/wechat/wechat_xml.h"
#include "adapters/wecom/wecom_codec.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/recording_http_client.h"

namespace linli::adapters::wecom::wecom_adapter_test {
namespace {

using linli::testing::FakeClock;
using linli::testing::RecordingHttpClient;
using wechat::MsgCrypt;
using wechat::ParseFlatXml;
using wechat::Random16;
using wechat::XmlBuilder;

// From the wecom-verify-url / wecom-decrypt-msg vectors.
constexpr char kToken[] = "QDG6eK";
constexpr char kAesKey[] = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
constexpr char kCorpId[] = "wx5823bf96d3bd56c7";
constexpr char kSecret[] = "corp-secret-never-logged";
constexpr char kEchostr[] =
    "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==";
constexpr char kEncrypt[] =
    "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/"
    "0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/"
    "sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+"
    "6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+"
    "LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+"
    "BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+"
    "rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/"
    "T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==";

std::string ReadTestdata(const std::string& name) {
  std::ifstream in(std::string(LINLI_TESTDATA_DIR) + "/wecom/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

config::ChannelConfig Channel() {
  config::ChannelConfig c;
  c.name = "wc";
  c.type = "wecom_app";
  c.api_base = "https://qyapi.example.test";
  c.fields = {{"corp_id", kCorpId},
              {"agent_id", "218"},
              {"secret", kSecret},
              {"token", kToken},
              {"encoding_aes_key", kAesKey}};
  return c;
}

// The official sample's verification GET (query already percent-decoded by the server).
HttpRequest VerifyGet() {
  HttpRequest r;
  r.method = "GET";
  r.path = "/webhook/wc";
  r.query = ParseQuery(
      "msg_signature=5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3&timestamp=1409659589&nonce="
      "263014780&echostr=P9nAzCzyDtyTWESHep1vC5X9xho%2FqYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp%2B4RPcs8"
      "TgAE7OaBO%2BFZXvnaqQ%3D%3D");
  return r;
}

// The official sample's message POST (wecom-decrypt-msg).
HttpRequest OfficialPost() {
  HttpRequest r;
  r.method = "POST";
  r.path = "/webhook/wc";
  r.query = {{"msg_signature", "477715d11cdb4164915debcba66cb864d751f3e6"},
             {"timestamp", "1409659813"},
             {"nonce", "1372623149"}};
  r.body = std::string(
               "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><Encrypt><![CDATA[") +
           kEncrypt + "]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>";
  return r;
}

HttpRequest EncryptedPost(const std::string& plain_xml, const std::string& receive_id = kCorpId,
                          const std::string& ts = "1409659900") {
  auto crypt = MsgCrypt::Create(kToken, kAesKey, receive_id);
  EXPECT_TRUE(crypt.ok());
  Random16 r{};
  r.fill(7);
  const std::string encrypt = *crypt->Encrypt(plain_xml, r);
  HttpRequest req;
  req.method = "POST";
  req.query = {{"msg_signature", crypt->Signature(ts, "42", encrypt)},
               {"timestamp", ts},
               {"nonce", "42"}};
  req.body = XmlBuilder()
                 .Text("ToUserName", kCorpId)
                 .Text("Encrypt", encrypt)
                 .Number("AgentID", 218)
                 .Build();
  return req;
}

class WecomAdapterTest : public ::testing::Test {
 protected:
  std::unique_ptr<Adapter> Make(const config::ChannelConfig& c = Channel()) {
    auto a = CreateAdapter(c, AdapterDeps{clock_, http_});
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    return a.ok() ? std::move(a).value() : nullptr;
  }
  FakeClock clock_{1409660000000};
  RecordingHttpClient http_;
};

TEST_F(WecomAdapterTest, RegistryBuildsIt) {
  auto a = Make();
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->type(), "wecom_app");
  EXPECT_EQ(a->name(), "wc");
  EXPECT_TRUE(a->passive_replies());
}

TEST_F(WecomAdapterTest, ConfigErrorsNameChannelAndField) {
  std::vector<std::pair<config::ChannelConfig, std::string>> cases;
  for (const char* f : {"corp_id", "agent_id", "secret", "token", "encoding_aes_key"}) {
    auto c = Channel();
    c.fields.erase(f);
    cases.push_back({c, std::string("channels[wc].") + f + ": missing"});
  }
  for (const char* bad : {"abc", "-1", "0", "12x", "99999999999999999999"}) {
    auto c = Channel();
    c.fields["agent_id"] = bad;
    cases.push_back({c, "channels[wc].agent_id: must be a positive integer"});
  }
  {
    auto c = Channel();
    c.fields["encoding_aes_key"] = std::string(43, '_');
    cases.push_back({c, "channels[wc].encoding_aes_key: must be 43 characters of [A-Za-z0-9]"});
  }
  {
    auto c = Channel();
    c.api_base = "qyapi.weixin.qq.com";
    cases.push_back({c, "channels[wc].api_base: must start with https:// or http://"});
  }
  for (const auto& [channel, message] : cases) {
    auto a = CreateAdapter(channel, AdapterDeps{clock_, http_});
    ASSERT_FALSE(a.ok()) << message;
    EXPECT_EQ(a.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(a.status().message(), message);
  }
  auto c = Channel();
  c.api_base.clear();
  auto opts = WecomAppOptionsFromConfig(c);
  ASSERT_TRUE(opts.ok());
  EXPECT_EQ(opts->api_base, "https://qyapi.weixin.qq.com");
  EXPECT_EQ(opts->agent_id, 218);
}

// --- GET: wecom-verify-url ---

TEST_F(WecomAdapterTest, UrlVerificationAnswersTheDecryptedEchostr) {
  auto a = Make();
  auto res = a->ParseWebhook(VerifyGet());
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  ASSERT_TRUE(res->immediate.has_value());
  EXPECT_EQ(res->immediate->status, 200);
  EXPECT_EQ(res->immediate->body, "1616140317555161061");  // no quotes, no newline
  EXPECT_EQ(res->immediate->content_type.rfind("text/plain", 0), 0u);
}

TEST_F(WecomAdapterTest, UrlVerificationRejections) {
  auto a = Make();
  for (const char* key : {"msg_signature", "timestamp", "nonce", "echostr"}) {
    const HttpRequest good = VerifyGet();
    for (size_t bit = 0; bit < good.query.at(key).size() * 8; bit += 3) {
      auto r = good;
      std::string& v = r.query[key];
      v[bit / 8] = static_cast<char>(v[bit / 8] ^ (1 << (bit % 8)));
      EXPECT_EQ(a->ParseWebhook(r).status().code(), StatusCode::kUnauthenticated)
          << key << " bit " << bit;
    }
    auto missing = good;
    missing.query.erase(key);
    EXPECT_FALSE(a->ParseWebhook(missing).ok()) << key;
  }
  // Right signature and key, but the echostr was made for another corp.
  auto other = Channel();
  other.fields["corp_id"] = "wwanothercorp000";
  auto b = Make(other);
  EXPECT_EQ(b->ParseWebhook(VerifyGet()).status().code(), StatusCode::kUnauthenticated);
}

// --- POST ---

TEST_F(WecomAdapterTest, OfficialSampleMessage) {
  auto a = Make();
  auto res = a->ParseWebhook(OfficialPost());
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  ASSERT_TRUE(res->message.has_value());
  const InboundMessage& m = *res->message;
  EXPECT_EQ(m.kind, InboundKind::kMessage);
  EXPECT_EQ(m.text, "hello");
  EXPECT_EQ(m.platform_message_id, "4561255354251345929");
  EXPECT_EQ(m.conversation.channel, "wc");
  EXPECT_EQ(m.conversation.user_id, "mycreate");
  EXPECT_EQ(m.conversation.chat_id, "mycreate");
  EXPECT_EQ(m.timestamp_ms, 1409659813000);
}

TEST_F(WecomAdapterTest, PostRejections) {
  auto a = Make();
  const HttpRequest good = OfficialPost();
  for (const char* key : {"msg_signature", "timestamp", "nonce"}) {
    for (size_t bit = 0; bit < good.query.at(key).size() * 8; ++bit) {
      auto r = good;
      std::string& v = r.query[key];
      v[bit / 8] = static_cast<char>(v[bit / 8] ^ (1 << (bit % 8)));
      EXPECT_EQ(a->ParseWebhook(r).status().code(), StatusCode::kUnauthenticated)
          << key << " bit " << bit;
    }
    auto missing = good;
    missing.query.erase(key);
    EXPECT_EQ(a->ParseWebhook(missing).status().code(), StatusCode::kUnauthenticated);
  }
  for (size_t i = 0; i < std::string(kEncrypt).size(); i += 5) {
    auto r = good;
    const size_t at = r.body.find(kEncrypt) + i;
    r.body[at] = r.body[at] == 'A' ? 'B' : 'A';
    EXPECT_EQ(a->ParseWebhook(r).status().code(), StatusCode::kUnauthenticated) << i;
  }
  // Signed for another corp.
  EXPECT_EQ(a->ParseWebhook(EncryptedPost(ReadTestdata("text.xml"), "wwothercorp")).status().code(),
            StatusCode::kUnauthenticated);
  // Plaintext body (WeCom is always encrypted).
  auto plain = good;
  plain.body = ReadTestdata("text.xml");
  EXPECT_EQ(a->ParseWebhook(plain).status().code(), StatusCode::kInvalidArgument);
  // Hostile bodies.
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "<xml>";
  for (const std::string& body :
       {deep, std::string(""), std::string("<xml><Encrypt>&#x8888888888;</Encrypt></xml>")}) {
    auto r = good;
    r.body = body;
    EXPECT_EQ(a->ParseWebhook(r).status().code(), StatusCode::kInvalidArgument);
  }
  // Authenticated but malformed inner message.
  EXPECT_EQ(a->ParseWebhook(EncryptedPost("<xml><MsgType>text</MsgType></xml>")).status().code(),
            StatusCode::kInvalidArgument);
  HttpRequest put = good;
  put.method = "DELETE";
  EXPECT_EQ(a->ParseWebhook(put).status().code(), StatusCode::kNotFound);
}

// Issue 8: WeCom signs `timestamp` but its age was not checked, so a captured request could
// be replayed once the dedupe had forgotten it. More than 300 s off either way: 401.
TEST_F(WecomAdapterTest, TimestampsMoreThanFiveMinutesFromNowAreRefused) {
  auto a = Make();
  const int64_t now = clock_.NowSeconds();
  for (int64_t ts : {now - 300, now + 300}) {
    auto r = a->ParseWebhook(EncryptedPost(ReadTestdata("text.xml"), kCorpId, std::to_string(ts)));
    EXPECT_TRUE(r.ok()) << ts - now << ": " << r.status().ToString();
  }
  for (int64_t ts : {now - 301, now + 301, now - 600, int64_t{1300000000}}) {
    auto r = a->ParseWebhook(EncryptedPost(ReadTestdata("text.xml"), kCorpId, std::to_string(ts)));
    EXPECT_EQ(r.status().code(), StatusCode::kUnauthenticated) << ts - now;
  }
  // The official sample, correctly signed, ten minutes later.
  clock_.Advance(std::chrono::minutes(10));
  EXPECT_EQ(a->ParseWebhook(OfficialPost()).status().code(), StatusCode::kUnauthenticated);
}

TEST_F(WecomAdapterTest, EventsAndIgnoredEvents) {
  auto a = Make();
  auto click = a->ParseWebhook(EncryptedPost(ReadTestdata("event_click.xml")));
  ASSERT_TRUE(click.ok()) << click.status().ToString();
  ASSERT_TRUE(click->message.has_value());
  EXPECT_EQ(click->message->kind, InboundKind::kEvent);
  EXPECT_EQ(click->message->event, EventKind::kClick);
  EXPECT_EQ(click->message->payload, "staff_tickets");
  EXPECT_EQ(click->message->platform_message_id, "ev:zhangsan:1409659900");
  EXPECT_EQ(click->message->conversation.user_id, "zhangsan");

  auto enter = a->ParseWebhook(EncryptedPost(ReadTestdata("event_enter_agent.xml")));
  ASSERT_TRUE(enter.ok());
  EXPECT_FALSE(enter->message.has_value());
  ASSERT_TRUE(enter->immediate.has_value());
  EXPECT_EQ(enter->immediate->status, 200);
  EXPECT_EQ(enter->immediate->body, "");
}

// --- RenderAck ---

TEST_F(WecomAdapterTest, NoRepliesIsAnEmptyBody) {
  auto a = Make();
  InboundMessage m;
  m.conversation = {"wc", "mycreate", "mycreate", ChatType::kPrivate};
  const HttpResponse r = a->RenderAck(m, {});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "");
}

TEST_F(WecomAdapterTest, ReplyIsEncryptedWithCorpIdAsSender) {
  auto a = Make();
  auto in = a->ParseWebhook(OfficialPost());
  ASSERT_TRUE(in.ok());
  OutboundMessage reply;
  reply.to = in->message->conversation;
  reply.text = "已收到工单 #12";
  reply.choices = {{"查看进度", "status"}};
  const HttpResponse r = a->RenderAck(*in->message, {reply});
  EXPECT_EQ(r.status, 200);
  auto outer = ParseFlatXml(r.body);
  ASSERT_TRUE(outer.ok()) << r.body;
  auto crypt = MsgCrypt::Create(kToken, kAesKey, kCorpId);
  ASSERT_TRUE(crypt.ok());
  EXPECT_EQ(outer->at("TimeStamp"), "1409660000");
  EXPECT_TRUE(crypt->VerifySignature(outer->at("MsgSignature"), outer->at("TimeStamp"),
                                     outer->at("Nonce"), outer->at("Encrypt")));
  auto plain = crypt->Decrypt(outer->at("Encrypt"));  // receive id = CorpID
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(*plain,
            "<xml><ToUserName><![CDATA[mycreate]]></ToUserName>"
            "<FromUserName><![CDATA[wx5823bf96d3bd56c7]]></FromUserName>"
            "<CreateTime>1409660000</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            "<Content><![CDATA[已收到工单 #12\n1. 查看进度]]></Content></xml>");
}

// --- Send ---

TEST_F(WecomAdapterTest, SendPostsAppMessageWithDuplicateCheck) {
  auto a = Make();
  http_.PushJson(200, R"({"errcode":0,"errmsg":"ok","access_token":"WCTOKEN","expires_in":7200})");
  http_.PushJson(200, R"({"errcode":0,"errmsg":"ok","invaliduser":"","msgid":"MSG1"})");
  OutboundMessage m;
  m.to = {"wc", "zhangsan", "zhangsan", ChatType::kPrivate};
  m.text = "新工单：3号楼电梯";
  m.choices = {{"认领", "claim:12"}};
  const SendResult r = a->Send(m);
  EXPECT_EQ(r.outcome, SendResult::Outcome::kSent) << r.error;
  EXPECT_EQ(r.platform_message_id, "MSG1");
  EXPECT_FALSE(r.counted_in_window());  // WeCom has no reply window
  const auto reqs = http_.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].method, "GET");
  EXPECT_EQ(reqs[0].url,
            "https://qyapi.example.test/cgi-bin/gettoken?corpid=wx5823bf96d3bd56c7&corpsecret="
            "corp-secret-never-logged");
  EXPECT_EQ(reqs[1].url, "https://qyapi.example.test/cgi-bin/message/send?access_token=WCTOKEN");
  const auto body = nlohmann::json::parse(reqs[1].body);
  EXPECT_EQ(body.at("touser"), "zhangsan");
  EXPECT_EQ(body.at("msgtype"), "text");
  EXPECT_EQ(body.at("agentid"), 218);
  EXPECT_TRUE(body.at("agentid").is_number_integer());
  EXPECT_EQ(body.at("text").at("content"), "新工单：3号楼电梯\n1. 认领");
  EXPECT_EQ(body.at("enable_duplicate_check"), 1);
  EXPECT_EQ(body.at("duplicate_check_interval"), 1800);
}

TEST_F(WecomAdapterTest, SendErrcodesAndTokenRefetch) {
  using O = SendResult::Outcome;
  const std::vector<std::pair<std::string, O>> cases = {
      {R"({"errcode":-1,"errmsg":"system busy"})", O::kRetry},
      {R"({"errcode":45009,"errmsg":"api freq out of limit"})", O::kRetry},
      {R"({"errcode":45033})", O::kRetry},
      {R"({"errcode":81013,"errmsg":"user & party & tag all invalid"})", O::kPermanent},
      {R"({"errcode":0,"errmsg":"ok","invaliduser":"zhangsan"})", O::kPermanent},
  };
  OutboundMessage m;
  m.to = {"wc", "zhangsan", "zhangsan", ChatType::kPrivate};
  m.text = "hi";
  for (const auto& [body, outcome] : cases) {
    RecordingHttpClient http;
    auto a = CreateAdapter(Channel(), AdapterDeps{clock_, http});
    ASSERT_TRUE(a.ok());
    http.PushJson(200, R"({"errcode":0,"access_token":"T","expires_in":7200})");
    http.PushJson(200, body);
    EXPECT_EQ((*a)->Send(m).outcome, outcome) << body;
  }
  for (int code : {40014, 42001}) {
    RecordingHttpClient http;
    auto a = CreateAdapter(Channel(), AdapterDeps{clock_, http});
    http.PushJson(200, R"({"errcode":0,"access_token":"OLD","expires_in":7200})");
    http.PushJson(200, "{\"errcode\":" + std::to_string(code) + "}");
    http.PushJson(200, R"({"errcode":0,"access_token":"NEW","expires_in":7200})");
    http.PushJson(200, R"({"errcode":0})");
    EXPECT_EQ((*a)->Send(m).outcome, O::kSent) << code;
    EXPECT_EQ(http.request_count(), 4u);
    EXPECT_NE(http.last_request().url.find("access_token=NEW"), std::string::npos);
  }
  // Token endpoint rejects the secret: retry later, no send attempted.
  RecordingHttpClient http;
  auto a = CreateAdapter(Channel(), AdapterDeps{clock_, http});
  http.PushJson(200, R"({"errcode":40001,"errmsg":"invalid credential"})");
  const SendResult r = (*a)->Send(m);
  EXPECT_EQ(r.outcome, O::kRetry);
  EXPECT_EQ(r.error.find(kSecret), std::string::npos);
  EXPECT_EQ(http.request_count(), 1u);
}

// --- the app's menu (issue 15): a click runs its button's command; push, read, probe ---

config::ChannelConfig WithMenu() {
  config::ChannelConfig c = Channel();
  config::MenuButton report;
  report.name = "报事";
  report.command = "报事";
  report.key = "staff_tickets";  // the key of tests/testdata/wecom/event_click.xml
  config::MenuButton board;
  board.name = "公示栏";
  board.url = "https://linli.example.org/board";
  c.menu = {report, board};
  return c;
}

TEST_F(WecomAdapterTest, AMenuClickRunsItsButtonsCommand) {
  auto a = Make(WithMenu());
  auto click = a->ParseWebhook(EncryptedPost(ReadTestdata("event_click.xml")));
  ASSERT_TRUE(click.ok() && click->message.has_value()) << click.status().ToString();
  EXPECT_EQ(click->message->event, EventKind::kClick);
  EXPECT_EQ(click->message->payload, "报事");
}

TEST_F(WecomAdapterTest, PushMenuAndFetchMenuCarryTheAgentId) {
  auto options = WecomAppOptionsFromConfig(WithMenu());
  ASSERT_TRUE(options.ok()) << options.status().ToString();
  auto a = WecomAppAdapter::Create(std::move(options).value(), clock_, http_);
  ASSERT_TRUE(a.ok());
  http_.PushJson(200, R"({"errcode":0,"errmsg":"ok","access_token":"T1","expires_in":7200})");
  http_.PushJson(200, R"({"errcode":0,"errmsg":"ok"})");
  wechat::ApiReply reply;
  EXPECT_EQ((*a)->PushMenu(&reply).outcome, SendResult::Outcome::kSent);
  ASSERT_EQ(http_.request_count(), 2u);
  const HttpClientRequest create = http_.requests()[1];
  EXPECT_EQ(create.method, "POST");
  EXPECT_EQ(create.url, "https://qyapi.example.test/cgi-bin/menu/create?agentid=218&access_token=T1");
  EXPECT_EQ(nlohmann::json::parse(create.body), nlohmann::json::parse(R"({"button":[
      {"type":"click","name":"报事","key":"staff_tickets"},
      {"type":"view","name":"公示栏","url":"https://linli.example.org/board"}]})"));

  http_.PushJson(200, R"({"errcode":0,"errmsg":"ok","button":[{"type":"click","name":"报事","key":"staff_tickets"}]})");
  auto live = (*a)->FetchMenu();
  ASSERT_TRUE(live.ok()) << live.status().ToString();
  ASSERT_EQ(live->size(), 1u);
  EXPECT_EQ((*live)[0].key, "staff_tickets");
  EXPECT_EQ(http_.last_request().method, "GET");
  EXPECT_EQ(http_.last_request().url, "https://qyapi.example.test/cgi-bin/menu/get?agentid=218&access_token=T1");
}

TEST_F(WecomAdapterTest, ProbeFetchesATokenAndNamesTheRefusal) {
  auto a = Make();
  http_.PushJson(200, R"({"errcode":60020,"errmsg":"not allow to access from your ip, from ip: 198.51.100.4"})");
  ProbeResult r = a->Probe({"https://linli.example.org/webhook/wc"});
  EXPECT_NE(http_.last_request().url.find("/cgi-bin/gettoken?corpid="), std::string::npos);
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].hint, "ip_not_allowed");
  EXPECT_EQ(r.problems[0].code, "60020");
  http_.PushJson(200, R"({"errcode":0,"errmsg":"ok","access_token":"T2","expires_in":7200})");
  EXPECT_TRUE(a->Probe({}).ok());  // a fresh fetch, not the 10 s failure backoff
}

TEST_F(WecomAdapterTest, SendNeverBroadcasts) {
  auto a = Make();
  for (const char* user : {"@all", "a|b", ""}) {
    OutboundMessage m;
    m.to = {"wc", user, user, ChatType::kPrivate};
    m.text = "hi";
    EXPECT_EQ(a->Send(m).outcome, SendResult::Outcome::kPermanent) << user;
  }
  EXPECT_EQ(http_.request_count(), 0u);
  EXPECT_TRUE(IsSingleRecipient("zhangsan"));
}

}  // namespace
}  // namespace linli::adapters::wecom::wecom_adapter_test
