#include "bot/server/init_config.h"

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <functional>
#include <nlohmann/json.hpp>

#include "bot/text.h"

namespace linli {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

// A value of a channel entry that comes from the environment file. generated_length 0: the
// platform issues it.
struct EnvSpec {
  const char* key;
  const char* env;
  size_t generated_length;
};

struct ChannelSpec {
  const char* kind;      // the channel's name in the config, and its texts' key part
  const char* type;      // channels[].type
  const char* api_base;  // the real platform
  std::vector<EnvSpec> values;
  std::vector<std::pair<const char*, const char*>> fixed;  // non-secret settings
  const char* note;      // a comment line after the entry's keys, or nullptr
};

// Lengths: Telegram's secret_token takes 1-256 of [A-Za-z0-9_-]; the WeChat and WeCom
// consoles take a Token of 3-32 letters and digits and an EncodingAESKey of exactly 43
// (protocols/wechat-official-account.md 4); admin.api_token needs at least 24.
const std::vector<ChannelSpec>& Channels() {
  static const auto* const kChannels = new std::vector<ChannelSpec>{
      {"telegram", "telegram", "https://api.telegram.org",
       {{"token", "LINLI_TG_TOKEN", 0}, {"secret_token", "LINLI_TG_SECRET", 32}},
       {},
       "// , \"bot_username\": \"...\"  // the bot's @username without '@': group commands "
       "addressed to it, links to the private chat"},
      {"wechat", "wechat_mp", "https://api.weixin.qq.com",
       {{"app_id", "LINLI_WX_APPID", 0},
        {"app_secret", "LINLI_WX_SECRET", 0},
        {"token", "LINLI_WX_TOKEN", 32},
        {"encoding_aes_key", "LINLI_WX_AESKEY", 43}},
       {{"mode", "safe"}},
       "// template messages, and a menu made in the 公众平台 editor instead (\"menu_<EventKey>\": "
       "\"报事\"): see linli.example.json"},
      {"wecom", "wecom_app", "https://qyapi.weixin.qq.com",
       {{"corp_id", "LINLI_WECOM_CORPID", 0},
        {"agent_id", "LINLI_WECOM_AGENTID", 0},
        {"secret", "LINLI_WECOM_SECRET", 0},
        {"token", "LINLI_WECOM_TOKEN", 32},
        {"encoding_aes_key", "LINLI_WECOM_AESKEY", 43}},
       {},
       nullptr},
      {"feishu", "feishu", "https://open.feishu.cn",
       {{"app_id", "LINLI_FEISHU_APPID", 0},
        {"app_secret", "LINLI_FEISHU_SECRET", 0},
        {"verification_token", "LINLI_FEISHU_VTOKEN", 0},
        {"encrypt_key", "LINLI_FEISHU_ENCRYPT_KEY", 0}},
       {},
       nullptr},
      {"dingtalk", "dingtalk_bot", "https://api.dingtalk.com",
       {{"app_key", "LINLI_DING_APP_KEY", 0}, {"app_secret", "LINLI_DING_APP_SECRET", 0}},
       {},
       nullptr},
  };
  return *kChannels;
}

constexpr EnvSpec kAdminToken = {"api_token", "LINLI_ADMIN_TOKEN", 40};

// A JSON string literal; never throws (invalid UTF-8 would be replaced, but the answers are
// checked before they get here).
std::string Quote(std::string_view s) {
  return nlohmann::json(std::string(s)).dump(-1, ' ', false,
                                             nlohmann::json::error_handler_t::replace);
}

// The account's custom menu (issue 15 point 3): click buttons for the chat commands 报事,
// 进度, 心愿 and 投票 (triggers in every locale), view buttons for the board and the
// resident's page; the names in the config's locale. Within WeChat's limits (3 buttons, 5 in
// a group, names of at most 16 bytes), checked again when the config loads.
std::string MenuLines(const std::function<std::string(const std::string&)>& name) {
  auto click = [&](const char* key, const char* command) {
    return "{\"name\": " + Quote(name(key)) + ", \"command\": " + Quote(command) + "}";
  };
  auto view = [&](const char* key, const char* path) {
    return "{\"name\": " + Quote(name(key)) + ", \"url\": " + Quote(path) + "}";
  };
  std::string m;
  m += "      // The account's custom menu: `linli wechat menu push` sends it to WeChat. A click\n";
  m += "      // button runs its command, a view button opens a page of web.public_url.\n";
  m += "      \"menu\": [\n";
  m += "        " + click("report", "报事") + ",\n";
  m += "        " + click("status", "进度") + ",\n";
  m += "        {\"name\": " + Quote(name("more")) + ", \"sub_buttons\": [\n";
  m += "          " + click("wish", "心愿") + ",\n";
  m += "          " + click("vote", "投票") + ",\n";
  m += "          " + view("board", "/board") + ",\n";
  m += "          " + view("me", "/me") + "]}\n";
  m += "      ]\n";
  return m;
}

std::string Reference(const char* env) { return std::string("${") + env + "}"; }

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool HasControl(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7F;
  });
}

// Every line of `text` as a "# " comment line.
std::string Commented(const std::string& text) {
  std::string out;
  size_t start = 0;
  for (;;) {
    const size_t end = text.find('\n', start);
    const std::string line = text.substr(start, end == std::string::npos ? end : end - start);
    out += line.empty() ? "#\n" : "# " + line + "\n";
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

// Adds one environment variable: its comment, NAME=value, and its record in `values`.
Status AddEnv(const EnvSpec& spec, const std::string& hint, const DrawSecretFn& draw,
              std::string& env, std::vector<InitEnvValue>& values) {
  InitEnvValue v;
  v.name = spec.env;
  if (spec.generated_length > 0) {
    LINLI_ASSIGN_OR_RETURN(v.value, draw(spec.generated_length));
    v.generated = true;
  }
  env += Commented(hint);
  env += v.name + "=" + v.value + "\n";
  values.push_back(std::move(v));
  return Status::Ok();
}

}  // namespace

StatusOr<std::string> DrawSecret(size_t length) {
  // 248 = 4 x 62: bytes from 248 up are dropped, so every character is equally likely.
  constexpr unsigned kLimit = 4 * kAlphabet.size();
  std::string out;
  out.reserve(length);
  std::array<unsigned char, 64> bytes;
  while (out.size() < length) {
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
      return Status::Internal("init: the system's random generator failed (RAND_bytes)");
    }
    for (unsigned char b : bytes) {
      if (b < kLimit && out.size() < length) out.push_back(kAlphabet[b % kAlphabet.size()]);
    }
  }
  return out;
}

const std::vector<std::string>& InitChannelKinds() {
  static const auto* const kKinds = [] {
    auto* kinds = new std::vector<std::string>;
    for (const ChannelSpec& c : Channels()) kinds->push_back(c.kind);
    return kinds;
  }();
  return *kKinds;
}

StatusOr<std::vector<std::string>> ParseChannelKinds(std::string_view list) {
  std::vector<bool> chosen(Channels().size(), false);
  std::string word;
  auto take = [&]() -> Status {
    if (word.empty()) return Status::Ok();
    const std::string w = AsciiLower(word);
    word.clear();
    for (size_t i = 0; i < Channels().size(); ++i) {
      // The kind, or the config type it stands for ("wechat_mp").
      if (w == Channels()[i].kind || w == Channels()[i].type) {
        chosen[i] = true;
        return Status::Ok();
      }
    }
    std::string known;
    for (const std::string& k : InitChannelKinds()) known += (known.empty() ? "" : ", ") + k;
    return Status::InvalidArgument("unknown channel \"" + w + "\" (known: " + known + ")");
  };
  for (char c : list) {
    if (c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      LINLI_RETURN_IF_ERROR(take());
    } else {
      word.push_back(c);
    }
  }
  LINLI_RETURN_IF_ERROR(take());
  std::vector<std::string> out;
  for (size_t i = 0; i < Channels().size(); ++i) {
    if (chosen[i]) out.push_back(Channels()[i].kind);
  }
  if (out.empty()) return Status::InvalidArgument("no channel chosen");
  return out;
}

StatusOr<std::string> NormalizePublicUrl(std::string_view url) {
  std::string u = TrimText(url);
  if (!u.empty() && u.back() == '/') u.pop_back();
  const bool https = u.rfind("https://", 0) == 0;
  const bool http = u.rfind("http://", 0) == 0;
  const size_t scheme = https ? 8 : 7;
  if ((!https && !http) || u.size() <= scheme || u[scheme] == '/') {
    return Status::InvalidArgument(
        "the public URL must be https://<host> (http:// for a local test), e.g. "
        "https://linli.example.org");
  }
  if (HasControl(u) || std::any_of(u.begin(), u.end(), [](char c) {
        return c == ' ' || c == '?' || c == '#' || c == '"' || c == '<' || c == '>';
      })) {
    return Status::InvalidArgument(
        "the public URL must be a plain base URL without spaces, query or fragment");
  }
  return u;
}

StatusOr<std::string> NormalizeCompoundName(std::string_view name) {
  std::string n = TrimText(name);
  if (n.empty()) return Status::InvalidArgument("the compound's name is empty");
  if (HasControl(n)) {
    return Status::InvalidArgument("the compound's name holds a line break or control character");
  }
  try {
    (void)nlohmann::json(n).dump();
  } catch (const nlohmann::json::exception&) {
    return Status::InvalidArgument("the compound's name is not valid UTF-8");
  }
  return n;
}

StatusOr<InitFiles> RenderInitFiles(const InitAnswers& a, const config::Texts& texts,
                                    const DrawSecretFn& draw, std::vector<InitEnvValue>* values) {
  std::vector<InitEnvValue> env_values;
  auto say = [&](const std::string& key, const config::TextArgs& args = {}) {
    return texts.Get(a.locale, "cli.init_env." + key, args);
  };
  InitFiles files;
  std::string& c = files.config;
  std::string& e = files.env;

  e += Commented(say("header", {{"file", a.env_file_name}, {"compound", a.compound_name}}));

  c += "// Linli configuration written by `linli init`. JSON with // and /* */ comments.\n";
  c += "// Every secret is a ${NAME} reference: the values are in " + a.env_file_name +
       " (mode 0600;\n";
  c += "// systemd reads it with EnvironmentFile=). Every other key and its default:\n";
  c += "// linli.example.json (share/doc/linli/) and config/config.h.\n";
  c += "{\n";
  c += "  \"server\": {\n";
  c += "    \"host\": \"127.0.0.1\",  // a TLS reverse proxy serves the public URL and forwards here\n";
  c += "    \"port\": " + std::to_string(a.port) + "\n";
  c += "  },\n";
  c += "  \"storage\": {\n";
  c += "    \"backend\": \"sqlite\",\n";
  c += "    \"sqlite\": {\"path\": " + Quote(a.database) + "}\n";
  c += "  },\n";
  c += "  \"locale\": " + Quote(a.locale) + ",\n";
  c += "  \"timezone\": " + Quote(a.timezone) + ",\n";
  c += "  \"web\": {\n";
  c += "    // Webhooks are <public_url>/webhook/<channel name>; staff console links start here.\n";
  c += "    \"public_url\": " + Quote(a.public_url) + "\n";
  c += "  },\n";

  c += "  \"channels\": [";
  bool first = true;
  for (const ChannelSpec& spec : Channels()) {
    if (std::find(a.channels.begin(), a.channels.end(), spec.kind) == a.channels.end()) continue;
    const std::string webhook = a.public_url + "/webhook/" + spec.kind;
    c += first ? "\n" : ",\n";
    first = false;
    c += "    {\n";
    c += "      // webhook: " + webhook + "\n";
    c += "      \"name\": " + Quote(spec.kind) + ",\n";
    c += "      \"type\": " + Quote(spec.type) + ",\n";
    for (const EnvSpec& v : spec.values) {
      c += "      " + Quote(v.key) + ": " + Quote(Reference(v.env)) + ",\n";
    }
    for (const auto& [key, value] : spec.fixed) {
      c += "      " + Quote(key) + ": " + Quote(value) + ",\n";
    }
    // The Official Account's menu; a WeCom app's menu is the operator's to write (its users
    // are staff, its pages others).
    const bool menu = std::string_view(spec.kind) == "wechat";
    c += "      \"api_base\": " + Quote(spec.api_base) + (menu ? ",\n" : "\n");
    if (menu) {
      c += MenuLines(
          [&](const std::string& key) { return texts.Get(a.locale, "cli.init_menu." + key); });
    }
    if (spec.note != nullptr) c += "      " + std::string(spec.note) + "\n";
    c += "    }";

    const config::TextArgs args = {{"webhook", webhook}, {"public_url", a.public_url}};
    e += "\n" + Commented("== " + say(std::string(spec.kind) + ".title", args) + " ==");
    for (const EnvSpec& v : spec.values) {
      LINLI_RETURN_IF_ERROR(
          AddEnv(v, say(std::string(spec.kind) + "." + v.key, args), draw, e, env_values));
    }
  }
  c += first ? "],\n" : "\n  ],\n";

  c += "  \"compound\": {\n";
  c += "    \"name\": " + Quote(a.compound_name) + ",\n";
  c += "    // From the roster: `linli roster import` checks its lines against these.\n";
  c += "    \"buildings\": [";
  for (size_t i = 0; i < a.buildings.size(); ++i) {
    const config::Building& b = a.buildings[i];
    c += std::string(i == 0 ? "\n" : ",\n") + "      {\"id\": " + Quote(b.id) + ", \"units\": [";
    for (size_t u = 0; u < b.units.size(); ++u) c += (u == 0 ? "" : ", ") + Quote(b.units[u]);
    c += "]}";
  }
  c += a.buildings.empty() ? "]\n" : "\n    ]\n";
  c += "  },\n";

  c += "  // Staff: the channel (a name above) and their user id on it; tier grid|property|\n";
  c += "  // community|street, role staff|admin. For example:\n";
  c += "  // {\"channel\": \"" + (a.channels.empty() ? std::string("telegram") : a.channels[0]) +
       "\", \"user_id\": \"...\", \"name\": \"...\", \"tier\": \"grid\", \"role\": \"admin\"}\n";
  c += "  \"staff\": [],\n";
  c += "  // The daily backup: a consistent copy of the database at this local time into\n";
  c += "  // \"backups\" beside it, the newest \"keep\" kept. Copy them off the machine too.\n";
  c += "  \"backup\": {\"at\": \"03:30\", \"keep\": 7},\n";

  // Commented out: a ${NAME} outside channels[] is needed by every command, also the offline
  // ones (roster, migrate, ...) that otherwise run without the environment file.
  c += "  // The admin HTTP API (/api/admin/..., Authorization: Bearer <key>) is off; to turn it\n";
  c += "  // on, uncomment this (the key is in " + a.env_file_name + "):\n";
  c += "  // \"admin\": {\"api_token\": " + Quote(Reference(kAdminToken.env)) + "},\n";
  e += "\n" + Commented("== " + say("admin.title") + " ==");
  LINLI_RETURN_IF_ERROR(AddEnv(kAdminToken, say("admin.api_token"), draw, e, env_values));

  c += "  \"logging\": {\"level\": \"info\", \"json\": false}\n";
  c += "}\n";
  if (values != nullptr) *values = std::move(env_values);
  return files;
}

}  // namespace linli
