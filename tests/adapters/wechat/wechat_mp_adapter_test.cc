#include "adapters/wechat/wechat_mp_adapter.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "adapters/registry.h"
#include "adapters/wechat/wechat_crypto.h"
#include "adapters/wechat/wechat_mp_codec.h"
#include "adapters/wechat/wechat_xml.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/recording_http_client.h"

namespace linli::adapters::wechat::wechat_mp_adapter_test {
namespace {

using linli::testing::FakeClock;
using linli::testing::RecordingHttpClient;

// From the wechat-oa-* vectors.
constexpr char kToken[] = "AAAAA";
constexpr char kAesKey[] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
constexpr char kAppId[] = "wxba5fad812f8e6fb9";
constexpr char kAccount[] = "gh_97417a04a28d";
constexpr char kOpenId[] = "o9AgO5Kd5ggOC-bXrbNODIiE3bGY";
constexpr char kSecret[] = "app-secret-never-logged";

std::string ReadTestdata(const std::string& name) {
  std::ifstream in(std::string(LINLI_TESTDATA_DIR) + "/wechat/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

config::ChannelConfig Channel(const std::string& mode = "safe") {
  config::ChannelConfig c;
  c.name = "wx";
  c.type = "wechat_mp";
  c.api_base = "https://api.example.test/";
  c.fields = {{"token", kToken},
              {"app_id", kAppId},
              {"app_secret", kSecret},
              {"encoding_aes_key", kAesKey}};
  if (!mode.empty()) c.fields["mode"] = mode;
  return c;
}

Random16 FixedRandom() {
  Random16 r{};
  const std::string s = "a8eedb185eb2fecf";
  std::copy(s.begin(), s.end(), r.begin());
  return r;
}

// A POST as WeChat sends it in safe mode: Encrypt in the body, msg_signature in the query.
HttpRequest SafePost(const std::string& plain_xml, const std::string& receive_id = kAppId,
                     const std::string& ts = "1714112445", const std::string& nonce = "415670741") {
  auto crypt = MsgCrypt::Create(kToken, kAesKey, receive_id);
  EXPECT_TRUE(crypt.ok());
  const std::string encrypt = *crypt->Encrypt(plain_xml, FixedRandom());
  HttpRequest r;
  r.method = "POST";
  r.path = "/webhook/wx";
  r.query = {{"signature", Sha1Signature({kToken, ts, nonce})},
             {"timestamp", ts},
             {"nonce", nonce},
             {"openid", kOpenId},
             {"encrypt_type", "aes"},
             {"msg_signature", crypt->Signature(ts, nonce, encrypt)}};
  r.body = XmlBuilder().Text("ToUserName", kAccount).Text("Encrypt", encrypt).Build();
  return r;
}

HttpRequest PlainPost(const std::string& xml, const std::string& ts = "1714112445",
                      const std::string& nonce = "415670741") {
  HttpRequest r;
  r.method = "POST";
  r.path = "/webhook/wx";
  r.query = {{"signature", Sha1Signature({kToken, ts, nonce})},
             {"timestamp", ts},
             {"nonce", nonce},
             {"openid", kOpenId}};
  r.body = xml;
  return r;
}

class WechatMpAdapterTest : public ::testing::Test {
 protected:
  std::unique_ptr<Adapter> Make(const config::ChannelConfig& c) {
    auto a = CreateAdapter(c, AdapterDeps{clock_, http_});
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    return a.ok() ? std::move(a).value() : nullptr;
  }

  FakeClock clock_{1714112500000};
  RecordingHttpClient http_;
};

// --- Config ---

TEST_F(WechatMpAdapterTest, RegistryBuildsIt) {
  auto a = Make(Channel());
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->type(), "wechat_mp");
  EXPECT_EQ(a->name(), "wx");
  EXPECT_TRUE(a->passive_replies());
  const auto types = KnownAdapterTypes();
  EXPECT_NE(std::find(types.begin(), types.end(), "wechat_mp"), types.end());
}

TEST_F(WechatMpAdapterTest, ConfigErrorsNameChannelAndField) {
  struct Case {
    config::ChannelConfig channel;
    std::string message;
  };
  std::vector<Case> cases;
  for (const char* f : {"token", "app_id", "app_secret"}) {
    auto c = Channel();
    c.fields.erase(f);
    cases.push_back({c, std::string("channels[wx].") + f + ": missing"});
  }
  {
    auto c = Channel();
    c.fields["encoding_aes_key"] = "tooshort";
    cases.push_back({c, "channels[wx].encoding_aes_key: must be 43 characters of [A-Za-z0-9]"});
  }
  {
    auto c = Channel();
    c.fields["encoding_aes_key"] = std::string(42, 'A') + "+";
    cases.push_back({c, "channels[wx].encoding_aes_key: must be 43 characters of [A-Za-z0-9]"});
  }
  for (const char* mode : {"safe", "compatible", ""}) {
    auto c = Channel(mode);
    c.fields.erase("encoding_aes_key");
    cases.push_back(
        {c, "channels[wx].encoding_aes_key: missing (required when mode is safe or compatible)"});
  }
  {
    auto c = Channel("secure");
    cases.push_back({c, "channels[wx].mode: must be one of safe, compatible, plain"});
  }
  {
    auto c = Channel();
    c.api_base = "ftp://x";
    cases.push_back({c, "channels[wx].api_base: must start with https:// or http://"});
  }
  {
    auto c = Channel();
    c.fields["oauth_base"] = "open.weixin.qq.com";  // the resident page's authorize host
    cases.push_back({c, "channels[wx].oauth_base: must start with https:// or http://"});
  }
  for (const auto& c : cases) {
    auto a = CreateAdapter(c.channel, AdapterDeps{clock_, http_});
    ASSERT_FALSE(a.ok()) << c.message;
    EXPECT_EQ(a.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(a.status().message(), c.message);
    EXPECT_EQ(a.status().message().find(kSecret), std::string::npos);
  }
}

TEST_F(WechatMpAdapterTest, PlainModeOnlyWhenExplicitAndNeedsNoKey) {
  auto c = Channel("plain");
  c.fields.erase("encoding_aes_key");
  auto opts = WechatMpOptionsFromConfig(c);
  ASSERT_TRUE(opts.ok());
  EXPECT_EQ(opts->mode, SecurityMode::kPlain);
  EXPECT_EQ(opts->api_base, "https://api.example.test");
  auto d = Channel("");
  auto def = WechatMpOptionsFromConfig(d);
  ASSERT_TRUE(def.ok());
  EXPECT_EQ(def->mode, SecurityMode::kSafe);
  d.api_base.clear();
  EXPECT_EQ(WechatMpOptionsFromConfig(d)->api_base, "https://api.weixin.qq.com");
}

// --- GET URL verification ---

TEST_F(WechatMpAdapterTest, UrlVerificationEchoesInEveryMode) {
  for (const char* mode : {"safe", "compatible", "plain"}) {
    auto a = Make(Channel(mode));
    HttpRequest r;
    r.method = "GET";
    r.query = {{"signature", "899cf89e464efb63f54ddac96b0a0a235f53aa78"},
               {"timestamp", "1714037059"},
               {"nonce", "486452656"},
               {"echostr", "5179216484379788347"}};
    auto res = a->ParseWebhook(r);
    ASSERT_TRUE(res.ok()) << res.status().ToString();
    ASSERT_TRUE(res->immediate.has_value());
    EXPECT_FALSE(res->message.has_value());
    EXPECT_EQ(res->immediate->status, 200);
    EXPECT_EQ(res->immediate->body, "5179216484379788347");
    EXPECT_EQ(res->immediate->content_type.rfind("text/plain", 0), 0u);

    auto bad = r;
    bad.query["signature"] = "899cf89e464efb63f54ddac96b0a0a235f53aa79";
    EXPECT_EQ(a->ParseWebhook(bad).status().code(), StatusCode::kUnauthenticated);
    auto missing = r;
    missing.query.erase("signature");
    EXPECT_EQ(a->ParseWebhook(missing).status().code(), StatusCode::kUnauthenticated);
    auto ts = r;
    ts.query["timestamp"] = "1714037060";
    EXPECT_EQ(a->ParseWebhook(ts).status().code(), StatusCode::kUnauthenticated);
    auto html = r;
    html.query["echostr"] = "<script>alert(1)</script>";
    EXPECT_EQ(a->ParseWebhook(html).status().code(), StatusCode::kInvalidArgument);
  }
}

TEST_F(WechatMpAdapterTest, OtherMethodsAreNotFound) {
  auto a = Make(Channel());
  HttpRequest r;
  r.method = "PUT";
  EXPECT_EQ(a->ParseWebhook(r).status().code(), StatusCode::kNotFound);
}

// --- custom menu: CLICK keys mapped to commands in the channel config ---

TEST_F(WechatMpAdapterTest, MenuClickKeysMapToConfiguredCommands) {
  config::ChannelConfig c = Channel("safe");
  c.fields["menu_menu_report"] = "/report";
  auto a = Make(c);
  auto res = a->ParseWebhook(SafePost(ReadTestdata("event_click.xml")));  // EventKey menu_report
  ASSERT_TRUE(res.ok() && res->message.has_value()) << res.status().ToString();
  EXPECT_EQ(res->message->event, EventKind::kClick);
  EXPECT_EQ(res->message->payload, "/report");
  // Without an entry the key passes through unchanged.
  auto plain = Make(Channel("safe"))->ParseWebhook(SafePost(ReadTestdata("event_click.xml")));
  ASSERT_TRUE(plain.ok() && plain->message.has_value());
  EXPECT_EQ(plain->message->payload, "menu_report");
  // An empty command is a config error naming the field.
  c.fields["menu_broken"] = "";
  auto bad = WechatMpOptionsFromConfig(c);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("channels[wx].menu_broken"), std::string::npos)
      << bad.status().message();
}

// The channel's menu section (issue 15): its click keys map to their commands like menu_
// fields, and a menu_ field may not give one of its keys another command.
TEST_F(WechatMpAdapterTest, MenuSectionClickKeysMapToTheirCommands) {
  config::ChannelConfig c = Channel("safe");
  config::MenuButton report;
  report.name = "报事";
  report.command = "报事";
  report.key = config::DefaultMenuKey("报事");
  c.menu = {report};
  auto a = Make(c);
  auto res = a->ParseWebhook(SafePost(ReadTestdata("event_click_menu.xml")));
  ASSERT_TRUE(res.ok() && res->message.has_value()) << res.status().ToString();
  EXPECT_EQ(res->message->payload, "报事");
  c.fields["menu_" + report.key] = "/status";
  auto clash = WechatMpOptionsFromConfig(c);
  ASSERT_FALSE(clash.ok());
  EXPECT_NE(clash.status().message().find("channels[wx].menu_LINLI_E68AA5E4BA8B"),
            std::string::npos)
      << clash.status().message();
}

// --- POST, safe mode: every message and event type ---

TEST_F(WechatMpAdapterTest, SafeModeParsesEveryTypeLikeThePlainCodec) {
  auto a = Make(Channel("safe"));
  for (const char* file :
       {"text.xml", "image.xml", "voice.xml", "location.xml", "link.xml", "video.xml",
        "event_subscribe_qrscene.xml", "event_unsubscribe.xml", "event_click.xml", "event_scan.xml",
        "event_view.xml", "event_location.xml"}) {
    const std::string xml = ReadTestdata(file);
    auto res = a->ParseWebhook(SafePost(xml));
    ASSERT_TRUE(res.ok()) << file << ": " << res.status().ToString();
    ASSERT_TRUE(res->message.has_value()) << file;
    auto expected = ParseInboundXml(xml, "wx");
    ASSERT_TRUE(expected.ok() && expected->message);
    const InboundMessage& m = *res->message;
    const InboundMessage& e = *expected->message;
    EXPECT_EQ(m.kind, e.kind) << file;
    EXPECT_EQ(m.text, e.text) << file;
    EXPECT_EQ(m.event, e.event) << file;
    EXPECT_NE(m.event == EventKind::kNone, m.kind == InboundKind::kEvent) << file;
    EXPECT_EQ(m.payload, e.payload) << file;
    EXPECT_EQ(m.platform_message_id, e.platform_message_id) << file;
    EXPECT_EQ(m.attachments.size(), e.attachments.size()) << file;
    EXPECT_EQ(m.conversation.Key(), "wx|" + std::string(kOpenId) + "|" + kOpenId);
  }
  EXPECT_EQ(static_cast<WechatMpAdapter*>(a.get())->account_id(), kAccount);
}

TEST_F(WechatMpAdapterTest, SafeModeSpotChecks) {
  auto a = Make(Channel("safe"));
  auto text = a->ParseWebhook(SafePost(ReadTestdata("text.xml")));
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->message->text, "3号楼电梯坏了");
  EXPECT_EQ(text->message->platform_message_id, "24602345678901234");
  auto sub = a->ParseWebhook(SafePost(ReadTestdata("event_subscribe_qrscene.xml")));
  ASSERT_TRUE(sub.ok());
  EXPECT_EQ(sub->message->kind, InboundKind::kEvent);
  EXPECT_EQ(sub->message->event, EventKind::kSubscribe);
  EXPECT_EQ(sub->message->payload, "building3");
  EXPECT_EQ(sub->message->platform_message_id, std::string("ev:") + kOpenId + ":1714112451");
}

TEST_F(WechatMpAdapterTest, SafeModeUnhandledEventIsAcknowledged) {
  auto a = Make(Channel("safe"));
  auto res = a->ParseWebhook(SafePost(ReadTestdata("event_templatesendjobfinish.xml")));
  ASSERT_TRUE(res.ok());
  EXPECT_FALSE(res->message.has_value());
  ASSERT_TRUE(res->immediate.has_value());
  EXPECT_EQ(res->immediate->body, "success");
}

TEST_F(WechatMpAdapterTest, SafeModeRejections) {
  auto a = Make(Channel("safe"));
  const HttpRequest good = SafePost(ReadTestdata("text.xml"));
  ASSERT_TRUE(a->ParseWebhook(good).ok());

  // Not encrypted: safe mode requires encrypt_type=aes.
  EXPECT_EQ(a->ParseWebhook(PlainPost(ReadTestdata("text.xml"))).status().code(),
            StatusCode::kUnauthenticated);
  auto no_type = good;
  no_type.query.erase("encrypt_type");
  EXPECT_EQ(a->ParseWebhook(no_type).status().code(), StatusCode::kUnauthenticated);
  auto no_msg_sig = good;
  no_msg_sig.query.erase("msg_signature");
  EXPECT_EQ(a->ParseWebhook(no_msg_sig).status().code(), StatusCode::kUnauthenticated);
  auto bad_sig = good;
  bad_sig.query["signature"] = std::string(40, '0');
  EXPECT_EQ(a->ParseWebhook(bad_sig).status().code(), StatusCode::kUnauthenticated);
  auto no_plain_sig = good;  // msg_signature alone is enough
  no_plain_sig.query.erase("signature");
  EXPECT_TRUE(a->ParseWebhook(no_plain_sig).ok());
  // Flipping any bit of msg_signature, timestamp, nonce is rejected.
  for (const char* key : {"msg_signature", "timestamp", "nonce"}) {
    for (size_t bit = 0; bit < good.query.at(key).size() * 8; ++bit) {
      auto r = good;
      r.query.erase("signature");  // isolate msg_signature
      std::string& v = r.query[key];
      v[bit / 8] = static_cast<char>(v[bit / 8] ^ (1 << (bit % 8)));
      EXPECT_EQ(a->ParseWebhook(r).status().code(), StatusCode::kUnauthenticated)
          << key << " bit " << bit;
    }
  }
  // Flipping a bit of the ciphertext in the body is rejected.
  auto outer = ParseFlatXml(good.body);
  ASSERT_TRUE(outer.ok());
  const std::string enc = outer->at("Encrypt");
  for (size_t i = 0; i < enc.size(); i += 7) {
    std::string flipped = enc;
    flipped[i] = flipped[i] == 'A' ? 'B' : 'A';
    auto r = good;
    r.body = XmlBuilder().Text("ToUserName", kAccount).Text("Encrypt", flipped).Build();
    EXPECT_EQ(a->ParseWebhook(r).status().code(), StatusCode::kUnauthenticated) << i;
  }
  // A properly signed message for another AppID.
  EXPECT_EQ(
      a->ParseWebhook(SafePost(ReadTestdata("text.xml"), "wxotherapp0000000")).status().code(),
      StatusCode::kUnauthenticated);
  // Missing Encrypt, hostile outer XML.
  auto no_enc = good;
  no_enc.body = "<xml><ToUserName>gh</ToUserName></xml>";
  EXPECT_EQ(a->ParseWebhook(no_enc).status().code(), StatusCode::kInvalidArgument);
  auto deep = good;
  deep.body = "<xml>" + std::string(5000, '<') + "</xml>";
  EXPECT_EQ(a->ParseWebhook(deep).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(WechatMpAdapterTest, SafeModeAuthenticatedButMalformedInnerXml) {
  auto a = Make(Channel("safe"));
  std::string deep = "<xml>";
  for (int i = 0; i < 50; ++i) deep += "<a>";
  for (int i = 0; i < 50; ++i) deep += "</a>";
  deep += "</xml>";
  for (const std::string& inner :
       {deep, std::string("<xml><ToUserName>gh</ToUserName></xml>"), std::string("not xml"),
        std::string("<xml><A>&#x8888888888;</A></xml>")}) {
    EXPECT_EQ(a->ParseWebhook(SafePost(inner)).status().code(), StatusCode::kInvalidArgument);
  }
}

// The official safe-mode example (wechat-oa-safe-mode-inbound) uses the JSON data format:
// it authenticates and decrypts, but Linli only accepts XML, so it is kInvalidArgument.
TEST_F(WechatMpAdapterTest, OfficialSafeModeExampleAuthenticates) {
  auto a = Make(Channel("safe"));
  HttpRequest r;
  r.method = "POST";
  r.query = {{"signature", "6c5c811b55cc85e0e1b54100749188c20beb3f5d"},
             {"timestamp", "1714112445"},
             {"nonce", "415670741"},
             {"openid", kOpenId},
             {"encrypt_type", "aes"},
             {"msg_signature", "046e02f8204d34f8ba5fa3b1db94908f3df2e9b3"}};
  r.body = XmlBuilder()
               .Text("ToUserName", kAccount)
               .Text("Encrypt",
                     "+qdx1OKCy+5JPCBFWw70tm0fJGb2Jmeia4FCB7kao+/Q5c/ohsOzQHi8khUOb05JCpj0JB4RvQMkU"
                     "yus8TPxLKJGQqcvZqzDpVzazhZv6JsXUnnR8XGT740XgXZUXQ7vJVnAG+tE8NUd4yFyjPy7Ggiavi"
                     "NrlCTj+l5kdfMuFUPpRSrfMZuMcp3Fn2Pede2IuQrKEYwKSqFIZoNqJ4M8EajAsjLY2km32IIjdf8"
                     "YL/P50F7mStwntrA2cPDrM1kb6mOcfBgRtWygb3VIYnSeOBrebufAlr7F9mFUPAJGj04=")
               .Build();
  EXPECT_EQ(a->ParseWebhook(r).status().code(), StatusCode::kInvalidArgument);
  r.query["msg_signature"] = "046e02f8204d34f8ba5fa3b1db94908f3df2e9b4";
  EXPECT_EQ(a->ParseWebhook(r).status().code(), StatusCode::kUnauthenticated);
}

// --- POST, plain and compatible mode ---

TEST_F(WechatMpAdapterTest, PlainModeChecksSignature) {
  auto a = Make(Channel("plain"));
  for (const char* file : {"text.xml", "image.xml", "voice.xml", "location.xml", "link.xml",
                           "event_click.xml", "event_view.xml"}) {
    auto res = a->ParseWebhook(PlainPost(ReadTestdata(file)));
    ASSERT_TRUE(res.ok()) << file << ": " << res.status().ToString();
    ASSERT_TRUE(res->message.has_value());
  }
  auto bad = PlainPost(ReadTestdata("text.xml"));
  bad.query["signature"][0] ^= 1;
  EXPECT_EQ(a->ParseWebhook(bad).status().code(), StatusCode::kUnauthenticated);
  auto none = PlainPost(ReadTestdata("text.xml"));
  none.query.erase("signature");
  EXPECT_EQ(a->ParseWebhook(none).status().code(), StatusCode::kUnauthenticated);
  // Hostile bodies behind a valid signature: invalid argument, no crash.
  std::string very_deep;
  for (int i = 0; i < 200000; ++i) very_deep += "<xml>";
  std::string entities = "<xml><ToUserName>";
  for (int i = 0; i < 50000; ++i) entities += "&#x10FFFF;&amp;";
  entities += "</ToUserName></xml>";
  for (const std::string& body : {very_deep, entities, std::string(""), std::string("<xml/>"),
                                  std::string("<!DOCTYPE x [<!ENTITY a \"b\">]><xml/>")}) {
    EXPECT_EQ(a->ParseWebhook(PlainPost(body)).status().code(), StatusCode::kInvalidArgument);
  }
}

// Issue 8: compatible mode accepted a plaintext POST judged by `signature` alone, which does
// not cover the body: a captured query string was reused with another body. It now reads
// only the encrypted part, like safe mode.
TEST_F(WechatMpAdapterTest, CompatibleModeReadsOnlyTheEncryptedPart) {
  auto a = Make(Channel("compatible"));
  auto enc = a->ParseWebhook(SafePost(ReadTestdata("text.xml")));
  ASSERT_TRUE(enc.ok()) << enc.status().ToString();
  EXPECT_EQ(enc->message->text, "3号楼电梯坏了");
  // A plaintext POST with a valid `signature`: refused.
  EXPECT_EQ(a->ParseWebhook(PlainPost(ReadTestdata("voice.xml"))).status().code(),
            StatusCode::kUnauthenticated);
  // The compatible-mode body carries plaintext fields beside Encrypt: they are ignored, even
  // when they say something else than the ciphertext.
  HttpRequest both = SafePost(ReadTestdata("text.xml"));
  auto outer = ParseFlatXml(both.body);
  ASSERT_TRUE(outer.ok());
  both.body = XmlBuilder()
                  .Text("ToUserName", kAccount)
                  .Text("FromUserName", "oForgedUser0000000000000000")
                  .Number("CreateTime", "1714112445")
                  .Text("MsgType", "text")
                  .Text("Content", "伪造的内容")
                  .Number("MsgId", "99999999999999999")
                  .Text("Encrypt", outer->at("Encrypt"))
                  .Build();
  auto read = a->ParseWebhook(both);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->message->text, "3号楼电梯坏了");
  EXPECT_EQ(read->message->conversation.user_id, kOpenId);
  EXPECT_EQ(read->message->platform_message_id, "24602345678901234");
  // An encrypted request is judged by msg_signature even if `signature` is absent.
  auto bad = SafePost(ReadTestdata("text.xml"));
  bad.query["msg_signature"][3] ^= 1;
  EXPECT_EQ(a->ParseWebhook(bad).status().code(), StatusCode::kUnauthenticated);
}

// Issue 8: safe-mode requests with a 2017 timestamp were accepted, so a captured request
// could be replayed once the 7-day dedupe had forgotten it. Every mode now refuses a
// timestamp more than 300 s from the clock, in either direction.
TEST_F(WechatMpAdapterTest, TimestampsMoreThanFiveMinutesFromNowAreRefusedInEveryMode) {
  const int64_t now = clock_.NowSeconds();
  for (const char* mode : {"safe", "compatible", "plain"}) {
    auto a = Make(Channel(mode));
    auto post = [&](int64_t ts) {
      const std::string t = std::to_string(ts);
      return std::string(mode) == "plain" ? PlainPost(ReadTestdata("text.xml"), t)
                                          : SafePost(ReadTestdata("text.xml"), kAppId, t);
    };
    for (int64_t ts : {now - 300, now + 300, now}) {
      auto r = a->ParseWebhook(post(ts));
      EXPECT_TRUE(r.ok()) << mode << " " << ts - now << ": " << r.status().ToString();
    }
    for (int64_t ts : {now - 301, now + 301, now - 600, int64_t{1500000000}, int64_t{0}}) {
      auto r = a->ParseWebhook(post(ts));
      EXPECT_EQ(r.status().code(), StatusCode::kUnauthenticated) << mode << " " << ts - now;
    }
    // A timestamp that is not plain decimal seconds is refused too (even if signed).
    for (const std::string& ts : {std::to_string(now * 1000), " " + std::to_string(now),
                                  std::to_string(now) + "x", std::string("-1")}) {
      HttpRequest r = std::string(mode) == "plain"
                          ? PlainPost(ReadTestdata("text.xml"), ts)
                          : SafePost(ReadTestdata("text.xml"), kAppId, ts);
      EXPECT_EQ(a->ParseWebhook(r).status().code(), StatusCode::kUnauthenticated)
          << mode << " '" << ts << "'";
    }
  }
}

// --- RenderAck ---

InboundMessage FromUser() {
  InboundMessage m;
  m.conversation = {"wx", kOpenId, kOpenId, ChatType::kPrivate};
  return m;
}

std::vector<OutboundMessage> Replies() {
  OutboundMessage a;
  a.to = FromUser().conversation;
  a.text = "请选择类别：";
  a.choices = {{"设施维修", "cat:repair"}, {"环境卫生", "cat:sanitation"}};
  OutboundMessage b;
  b.to = a.to;
  b.text = "回复数字即可。";
  return {a, b};
}

TEST_F(WechatMpAdapterTest, NoRepliesIsSuccess) {
  for (const char* mode : {"safe", "plain"}) {
    auto a = Make(Channel(mode));
    const HttpResponse r = a->RenderAck(FromUser(), {});
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "success");
  }
}

TEST_F(WechatMpAdapterTest, SafeModeReplyIsEncryptedAndDecryptsToTheTextReply) {
  auto a = Make(Channel("safe"));
  ASSERT_TRUE(a->ParseWebhook(SafePost(ReadTestdata("text.xml"))).ok());  // learns gh_ id
  const HttpResponse r = a->RenderAck(FromUser(), Replies());
  EXPECT_EQ(r.status, 200);
  auto outer = ParseFlatXml(r.body);
  ASSERT_TRUE(outer.ok()) << r.body;
  EXPECT_EQ(outer->size(), 4u);
  const std::string& enc = outer->at("Encrypt");
  const std::string& ts = outer->at("TimeStamp");
  const std::string& nonce = outer->at("Nonce");
  EXPECT_EQ(ts, "1714112500");
  EXPECT_EQ(nonce.size(), 10u);
  auto crypt = MsgCrypt::Create(kToken, kAesKey, kAppId);
  ASSERT_TRUE(crypt.ok());
  EXPECT_TRUE(crypt->VerifySignature(outer->at("MsgSignature"), ts, nonce, enc));
  auto plain = crypt->Decrypt(enc);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(
      *plain,
      "<xml><ToUserName><![CDATA[o9AgO5Kd5ggOC-bXrbNODIiE3bGY]]></ToUserName>"
      "<FromUserName><![CDATA[gh_97417a04a28d]]></FromUserName>"
      "<CreateTime>1714112500</CreateTime><MsgType><![CDATA[text]]></MsgType>"
      "<Content><![CDATA[请选择类别：\n1. 设施维修\n2. 环境卫生\n\n回复数字即可。]]></Content>"
      "</xml>");
  // A second render uses fresh randomness (different ciphertext, same plaintext).
  const HttpResponse r2 = a->RenderAck(FromUser(), Replies());
  EXPECT_NE(r2.body, r.body);
  EXPECT_EQ(*crypt->Decrypt(ParseFlatXml(r2.body)->at("Encrypt")), *plain);
}

TEST_F(WechatMpAdapterTest, PlainModeReplyIsPlainXml) {
  auto a = Make(Channel("plain"));
  ASSERT_TRUE(a->ParseWebhook(PlainPost(ReadTestdata("text.xml"))).ok());
  OutboundMessage m;
  m.text = "收到]]>谢谢";
  const HttpResponse r = a->RenderAck(FromUser(), {m});
  auto f = ParseFlatXml(r.body);
  ASSERT_TRUE(f.ok()) << r.body;
  EXPECT_EQ(f->at("ToUserName"), kOpenId);
  EXPECT_EQ(f->at("FromUserName"), kAccount);
  EXPECT_EQ(f->at("MsgType"), "text");
  EXPECT_EQ(f->at("Content"), "收到]]>谢谢");
}

TEST_F(WechatMpAdapterTest, LongReplyIsTrimmedAtAUtf8Boundary) {
  auto a = Make(Channel("plain"));
  ASSERT_TRUE(a->ParseWebhook(PlainPost(ReadTestdata("text.xml"))).ok());
  OutboundMessage m;
  for (int i = 0; i < 1000; ++i) m.text += "修";
  auto f = ParseFlatXml(a->RenderAck(FromUser(), {m}).body);
  ASSERT_TRUE(f.ok());
  const std::string& content = f->at("Content");
  EXPECT_LE(content.size(), 2048u);
  EXPECT_EQ(content.substr(content.size() - 3), "…");
}

TEST_F(WechatMpAdapterTest, AccountIdFromEncryptedMessagesWins) {
  auto a = Make(Channel("compatible"));
  auto* wx = static_cast<WechatMpAdapter*>(a.get());
  EXPECT_EQ(wx->account_id(), "");
  // Before any inbound message there is no account id: no reply can be built.
  EXPECT_EQ(a->RenderAck(FromUser(), Replies()).body, "success");
  std::string forged = ReadTestdata("text.xml");
  forged.replace(forged.find(kAccount), std::string(kAccount).size(), "gh_forged000000");
  // Compatible mode reads only the encrypted part (issue 8): a plaintext body cannot even
  // propose an account id any more.
  EXPECT_EQ(a->ParseWebhook(PlainPost(forged)).status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(wx->account_id(), "");
  ASSERT_TRUE(a->ParseWebhook(SafePost(ReadTestdata("text.xml"))).ok());
  EXPECT_EQ(wx->account_id(), kAccount);  // learnt from the authenticated message
  EXPECT_EQ(a->ParseWebhook(PlainPost(forged)).status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(wx->account_id(), kAccount);  // and is not replaced
}

// --- Send (customer-service API) ---

// Inside the customer-service window: the user wrote a minute ago (see
// wechat_mp_window_test.cc for the window rules themselves).
OutboundMessage InWindow(OutboundMessage m, const Clock& clock) {
  m.window.last_message_ms = clock.NowMillis() - 60'000;
  m.window.message_sends = 0;
  return m;
}

TEST_F(WechatMpAdapterTest, SendPostsCustomerServiceText) {
  auto a = Make(Channel());
  http_.PushJson(200, R"({"access_token":"ACCESS","expires_in":7200})");
  http_.PushJson(200, R"({"errcode":0,"errmsg":"ok"})");
  OutboundMessage m = InWindow(Replies()[0], clock_);
  const SendResult r = a->Send(m);
  EXPECT_EQ(r.outcome, SendResult::Outcome::kSent) << r.error;
  EXPECT_TRUE(r.counted_in_window());  // customer-service messages use the 48 h quota
  const auto reqs = http_.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].method, "GET");
  EXPECT_EQ(reqs[0].url,
            "https://api.example.test/cgi-bin/token?grant_type=client_credential&appid="
            "wxba5fad812f8e6fb9&secret=app-secret-never-logged");
  EXPECT_EQ(reqs[1].method, "POST");
  EXPECT_EQ(reqs[1].url,
            "https://api.example.test/cgi-bin/message/custom/send?access_token=ACCESS");
  const auto body = nlohmann::json::parse(reqs[1].body);
  EXPECT_EQ(body.at("touser"), kOpenId);
  EXPECT_EQ(body.at("msgtype"), "text");
  EXPECT_EQ(body.at("text").at("content"), "请选择类别：\n1. 设施维修\n2. 环境卫生");
  // The token is cached for the next send.
  http_.PushJson(200, R"({"errcode":0,"errmsg":"ok"})");
  EXPECT_EQ(a->Send(m).outcome, SendResult::Outcome::kSent);
  EXPECT_EQ(http_.request_count(), 3u);
}

TEST_F(WechatMpAdapterTest, SendErrcodeMapping) {
  using O = SendResult::Outcome;
  const std::vector<std::pair<std::string, O>> cases = {
      {R"({"errcode":45015,"errmsg":"response out of time limit"})", O::kDeferred},
      {R"({"errcode":45047,"errmsg":"out of response count limit"})", O::kDeferred},
      {R"({"errcode":-1,"errmsg":"system error"})", O::kRetry},
      {R"({"errcode":45009})", O::kRetry},
      {R"({"errcode":45011})", O::kRetry},
      {R"({"errcode":40003,"errmsg":"invalid openid"})", O::kPermanent},
  };
  for (const auto& [body, outcome] : cases) {
    RecordingHttpClient http;
    auto a = CreateAdapter(Channel(), AdapterDeps{clock_, http});
    ASSERT_TRUE(a.ok());
    http.PushJson(200, R"({"access_token":"ACCESS","expires_in":7200})");
    http.PushJson(200, body);
    const SendResult r = (*a)->Send(InWindow(Replies()[1], clock_));
    EXPECT_EQ(r.outcome, outcome) << body;
    EXPECT_FALSE(r.counted_in_window());
    EXPECT_EQ(r.error.find(kOpenId), std::string::npos);
    EXPECT_EQ(r.error.find("ACCESS"), std::string::npos);
  }
  RecordingHttpClient http;
  auto a = CreateAdapter(Channel(), AdapterDeps{clock_, http});
  http.PushJson(200, R"({"access_token":"ACCESS","expires_in":7200})");
  http.PushError(Status::Unavailable("refused"));
  EXPECT_EQ((*a)->Send(InWindow(Replies()[1], clock_)).outcome, O::kRetry);
  http.PushJson(503, "");
  EXPECT_EQ((*a)->Send(InWindow(Replies()[1], clock_)).outcome, O::kRetry);
}

TEST_F(WechatMpAdapterTest, SendRefetchesTheTokenOnce) {
  auto a = Make(Channel());
  http_.PushJson(200, R"({"access_token":"OLD","expires_in":7200})");
  http_.PushJson(200, R"({"errcode":42001,"errmsg":"access_token expired"})");
  http_.PushJson(200, R"({"access_token":"NEW","expires_in":7200})");
  http_.PushJson(200, R"({"errcode":0})");
  EXPECT_EQ(a->Send(InWindow(Replies()[1], clock_)).outcome, SendResult::Outcome::kSent);
  EXPECT_EQ(http_.request_count(), 4u);
  EXPECT_NE(http_.last_request().url.find("access_token=NEW"), std::string::npos);
}

TEST_F(WechatMpAdapterTest, SendEdgeCases) {
  auto a = Make(Channel());
  OutboundMessage cb;
  cb.kind = OutboundKind::kCallbackAnswer;
  cb.to = FromUser().conversation;
  EXPECT_EQ(a->Send(cb).outcome, SendResult::Outcome::kSent);
  OutboundMessage empty = InWindow(OutboundMessage{}, clock_);
  empty.to = FromUser().conversation;
  EXPECT_EQ(a->Send(empty).outcome, SendResult::Outcome::kPermanent);
  OutboundMessage nobody;
  nobody.text = "x";
  EXPECT_EQ(a->Send(nobody).outcome, SendResult::Outcome::kPermanent);
  EXPECT_EQ(http_.request_count(), 0u);
}

}  // namespace
}  // namespace linli::adapters::wechat::wechat_mp_adapter_test
