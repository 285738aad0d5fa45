#include "tests/fakes/fake_wecom_robot.h"

#include <openssl/evp.h>

#include <optional>
#include <utility>

namespace linli::testing {

using nlohmann::json;

namespace {

FakeResponse WeComAnswer(int64_t errcode, const std::string& errmsg) {
  FakeResponse r = FakeResponse::Json(200, json{{"errcode", errcode}, {"errmsg", errmsg}}.dump());
  r.note = errcode;
  return r;
}

std::optional<std::string> DecodeBase64(const std::string& text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  std::string out(text.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  size_t size = static_cast<size_t>(n);
  if (text.size() >= 1 && text[text.size() - 1] == '=') --size;  // EVP keeps the padding
  if (text.size() >= 2 && text[text.size() - 2] == '=') --size;
  out.resize(size);
  return out;
}

std::string Md5Hex(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_md5(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xF];
  }
  return out;
}

bool JpegOrPng(const std::string& b) {
  return (b.size() >= 3 && b.compare(0, 3, "\xFF\xD8\xFF") == 0) ||
         (b.size() >= 8 && b.compare(0, 8, std::string("\x89PNG\r\n\x1a\n", 8)) == 0);
}

}  // namespace

std::vector<std::string> FakeWecomRobot::images() const {
  std::lock_guard<std::mutex> lock(mu_);
  return images_;
}

FakeWecomRobot::FakeWecomRobot(const Clock& clock, std::string key)
    : key_(std::move(key)),
      ledger_(clock),
      server_({.name = "FakeWecomRobot", .error_body = R"({"errcode":-1,"errmsg":"system busy"})"}) {
  server_.AddRoute({"POST", "/cgi-bin/webhook/send",
                    [this](const FakeRequest& req) -> std::optional<FakeResponse> {
                      if (req.param("key") != key_) return WeComAnswer(93000, "invalid webhook url");
                      return std::nullopt;
                    },
                    [this](const FakeRequest& req) { return HandleSend(req); }});
  server_.Start();
}

FakeWecomRobot::~FakeWecomRobot() { Stop(); }

FakeResponse FakeWecomRobot::HandleSend(const FakeRequest& request) {
  const json& j = request.json;
  if (!j.is_object() || !j.contains("msgtype") || !j["msgtype"].is_string()) {
    return WeComAnswer(40008, "invalid message type");
  }
  const std::string type = j["msgtype"];
  std::string content;
  if (type == "markdown" && j.contains("markdown") && j["markdown"].is_object() &&
      j["markdown"].value("content", json()).is_string()) {
    content = j["markdown"]["content"];
    if (content.size() > kMarkdownMaxBytes) {
      return WeComAnswer(40058, "markdown.content exceed max length 4096");
    }
  } else if (type == "text" && j.contains("text") && j["text"].is_object() &&
             j["text"].value("content", json()).is_string()) {
    content = j["text"]["content"];
    if (content.size() > 2048) return WeComAnswer(40058, "content exceed max length 2048");
  } else if (type == "image" && j.contains("image") && j["image"].is_object() &&
             j["image"].value("base64", json()).is_string() &&
             j["image"].value("md5", json()).is_string()) {
    const auto bytes = DecodeBase64(j["image"]["base64"].get<std::string>());
    if (!bytes || Md5Hex(*bytes) != j["image"]["md5"].get<std::string>() || !JpegOrPng(*bytes)) {
      return WeComAnswer(40008, "invalid image");
    }
    if (bytes->size() > kImageMaxBytes) return WeComAnswer(40009, "invalid image size");
    if (ledger_.CountWithin(std::chrono::minutes(1)) >= kPerMinute) {
      ledger_.CountRefusal();
      return WeComAnswer(45009, "api freq out of limit");
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      images_.push_back(*bytes);
    }
    ledger_.Accept("[image]", request.body);
    return WeComAnswer(0, "ok");
  } else {
    return WeComAnswer(40008, "invalid message type");
  }
  if (ledger_.CountWithin(std::chrono::minutes(1)) >= kPerMinute) {
    ledger_.CountRefusal();
    return WeComAnswer(45009, "api freq out of limit");
  }
  ledger_.Accept(std::move(content), request.body);
  return WeComAnswer(0, "ok");
}

}  // namespace linli::testing
