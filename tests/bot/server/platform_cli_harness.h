// What the tests of the platform commands share (linli check, linli telegram, linli wechat|
// wecom menu; issue 15): fake Telegram and WeChat-family APIs on loopback, a config file in a
// scratch folder whose channels point at them, secrets from a test environment the test can
// change between runs, and the commands run in-process (or through the real binary).
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "tests/fakes/fake_telegram_api.h"
#include "tests/fakes/fake_wechat_api.h"

namespace linli::testing {

inline constexpr char kTgToken[] = "123456:linli-test-token";
inline constexpr char kTgSecret[] = "tg-secret_2026";
inline constexpr char kWxAppId[] = "wx1234567890abcdef";
inline constexpr char kWxSecret[] = "wx-app-secret";
inline constexpr char kWxToken[] = "linliToken2026";
inline constexpr char kWxAesKey[] = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
inline constexpr char kWcCorpId[] = "ww0123456789abcdef";
inline constexpr char kWcSecret[] = "wc-app-secret";
inline constexpr char kPublicUrl[] = "https://linli.example.org";

class PlatformCliHarness {
 public:
  PlatformCliHarness()
      : tg_(kTgToken),
        wx_(kWxAppId, kWxSecret),
        wc_(kWcCorpId, kWcSecret),
        dir_(std::filesystem::temp_directory_path() /
             ("linli_platform_cli_" + std::to_string(::getpid()) + "_" +
              std::to_string(reinterpret_cast<uintptr_t>(this)))) {
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    db_path_ = (dir_ / "linli.db").string();
    env_ = {{"LINLI_TG_TOKEN", kTgToken},
            {"LINLI_TG_SECRET", kTgSecret},
            {"LINLI_WX_SECRET", kWxSecret},
            {"LINLI_WC_SECRET", kWcSecret}};
  }
  ~PlatformCliHarness() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  FakeTelegramApi& tg() { return tg_; }
  FakeWechatApi& wx() { return wx_; }
  FakeWechatApi& wc() { return wc_; }
  std::map<std::string, std::string>& env() { return env_; }
  std::string dir() const { return dir_.string(); }
  // storage.sqlite.path of the next WriteConfig (default: linli.db in the scratch folder).
  void SetDbPath(std::string path) { db_path_ = std::move(path); }

  // The Telegram channel "tg" and the Official Account "wx" (with `wx_menu` as its menu, a JSON
  // array, when given), pointing at the fakes; `extra` more channel objects; `top` more
  // top-level members.
  std::string WriteConfig(const std::string& wx_menu = "", const std::string& extra_channels = "",
                          const std::string& top = "", const std::string& locale = "en") {
    std::ostringstream c;
    c << "{\n  \"locale_dir\": \"" << LINLI_SOURCE_DIR << "/config/locales\",\n"
      << "  \"locale\": \"" << locale << "\",\n"
      << "  \"storage\": {\"sqlite\": {\"path\": \"" << db_path_ << "\"}},\n"
      << "  \"logging\": {\"level\": \"error\"},\n"
      << "  \"web\": {\"public_url\": \"" << kPublicUrl << "\"},\n"
      << "  \"channels\": [\n"
      << "    {\"name\": \"tg\", \"type\": \"telegram\", \"token\": \"${LINLI_TG_TOKEN}\","
      << " \"secret_token\": \"${LINLI_TG_SECRET}\", \"api_base\": \"" << tg_.api_base() << "\"},\n"
      << "    {\"name\": \"wx\", \"type\": \"wechat_mp\", \"app_id\": \"" << kWxAppId << "\","
      << " \"app_secret\": \"${LINLI_WX_SECRET}\", \"token\": \"" << kWxToken << "\","
      << " \"encoding_aes_key\": \"" << kWxAesKey << "\", \"api_base\": \"" << wx_.api_base()
      << "\"" << (wx_menu.empty() ? "" : ", \"menu\": " + wx_menu) << "}"
      << (extra_channels.empty() ? "" : ",\n    " + extra_channels) << "\n  ]"
      << (top.empty() ? "" : ",\n  " + top) << "\n}\n";
    const std::string path = dir() + "/linli.json";
    std::ofstream(path, std::ios::binary) << c.str();
    return path;
  }

  // The WeCom app "wc" as a channel object for WriteConfig's extra channels.
  std::string WecomChannel(const std::string& menu = "") const {
    return R"({"name": "wc", "type": "wecom_app", "corp_id": ")" + std::string(kWcCorpId) +
           R"(", "agent_id": 1000002, "secret": "${LINLI_WC_SECRET}", "token": "wecomToken",)"
           R"( "encoding_aes_key": "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", "api_base": ")" +
           wc_.api_base() + "\"" + (menu.empty() ? "" : ", \"menu\": " + menu) + "}";
  }

  // The webhook Telegram would hold after a correct set-webhook.
  void RegisterTelegramWebhook() {
    FakeTelegramApi::Webhook w;
    w.url = std::string(kPublicUrl) + "/webhook/tg";
    w.secret_token = kTgSecret;
    w.allowed_updates = {"message", "callback_query"};
    tg_.SetWebhook(w);
  }

  struct Result {
    int exit_code = -1;
    std::string out, err;
  };
  using Command = std::function<int(const std::vector<std::string>&,
                                    const std::function<const char*(const char*)>&, std::ostream&,
                                    std::ostream&)>;
  // Runs a command function in-process with this harness's environment.
  Result Run(const Command& command, const std::vector<std::string>& args) {
    std::ostringstream out, err;
    Result r;
    r.exit_code = command(
        args,
        [this](const char* name) -> const char* {
          auto it = env_.find(name);
          return it == env_.end() ? nullptr : it->second.c_str();
        },
        out, err);
    r.out = out.str();
    r.err = err.str();
    return r;
  }

  // Runs the real binary with this harness's environment (nothing else of the test's).
  Result RunBinary(const std::vector<std::string>& args) {
    std::string cmd = "env -i";
    for (const auto& [k, v] : env_) cmd += " '" + k + "=" + v + "'";
    cmd += " '" LINLI_BINARY "'";
    for (const auto& a : args) cmd += " '" + a + "'";
    const std::string out = dir() + "/out.txt", err = dir() + "/err.txt";
    cmd += " </dev/null >'" + out + "' 2>'" + err + "'";
    const int status = std::system(cmd.c_str());
    Result r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = Read(out);
    r.err = Read(err);
    return r;
  }

 private:
  static std::string Read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }

  FakeTelegramApi tg_;
  FakeWechatApi wx_;
  FakeWechatApi wc_;
  std::filesystem::path dir_;
  std::map<std::string, std::string> env_;
  std::string db_path_;
};

}  // namespace linli::testing
