#include "bot/server/startup.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "adapters/registry.h"
#include "bot/server/app.h"
#include "config/config_loader.h"

namespace linli::startup_test {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

constexpr char kExamplePath[] = LINLI_SOURCE_DIR "/config/linli.example.json";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A scratch directory holding config files; the database path inside it must never appear
// when the config is bad.
class ScratchDir {
 public:
  ScratchDir() : dir_(fs::temp_directory_path() / ("linli_startup_" + std::to_string(::getpid()))) {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string path() const { return dir_.string(); }
  std::string db() const { return (dir_ / "linli.db").string(); }

  // Writes a config with the shipped locales, the database in this directory and `extra`
  // top-level keys (JSON members without the braces).
  std::string WriteConfig(const std::string& name, const std::string& extra) {
    const std::string file = (dir_ / name).string();
    std::ofstream(file, std::ios::binary)
        << "{\n  \"locale_dir\": \"" << LINLI_SOURCE_DIR << "/config/locales\",\n"
        << "  \"storage\": {\"sqlite\": {\"path\": \"" << db() << "\"}},\n  \"logging\": {\"level\": \"error\"}"
        << (extra.empty() ? "" : ",\n  " + extra) << "\n}\n";
    return file;
  }

 private:
  fs::path dir_;
};

// The three kinds of problem the whole check adds, each as a config fragment.
const std::map<std::string, std::string>& BadFragments() {
  static const auto* const kBad = new std::map<std::string, std::string>{
      {"timezone", R"("timezone": "Beijing")"},
      {"category", R"("categories": ["repair", "elevator"])"},
      {"channel_key",
       R"("channels": [{"name": "tg", "type": "telegram", "token": "123:abc", "secret_tokn": "s3cret"}])"},
  };
  return *kBad;
}

TEST(StartupTest, EveryRegistryTypeDeclaresItsKeysAndConsoleTakesNone) {
  const config::ChannelKeysByType keys = ChannelKeysOfAllTypes();
  for (const std::string& type : adapters::KnownAdapterTypes()) {
    auto it = keys.find(type);
    ASSERT_NE(it, keys.end()) << type;
    EXPECT_FALSE(it->second.keys.empty()) << type;
  }
  ASSERT_EQ(keys.count("console"), 1u);
  EXPECT_TRUE(keys.at("console").keys.empty());
  EXPECT_EQ(keys.size(), adapters::KnownAdapterTypes().size() + 1);
}

TEST(StartupTest, TheExampleAndTheMinimalTestConfigPass) {
  for (const std::string& path : {std::string(kExamplePath),
                                 std::string(LINLI_TESTDATA_DIR "/config/minimal.json")}) {
    auto checked = LoadAndValidate(path);
    EXPECT_TRUE(checked.ok()) << path << ": " << checked.status().ToString();
  }
}

// Every key the example documents for a platform is one its adapter declares: the registry's
// lists and the example cannot drift apart.
TEST(StartupTest, TheExamplesChannelSamplesPassOnceUncommented) {
  std::string text = ReadFile(kExamplePath);
  const size_t channels = text.find("\"channels\": [");
  ASSERT_NE(channels, std::string::npos);
  const size_t open = text.find("/*", channels);
  const size_t close = text.find("*/", open);
  ASSERT_NE(open, std::string::npos);
  ASSERT_NE(close, std::string::npos);
  text.erase(close, 2);
  text.erase(open, 2);
  ScratchDir dir;
  const std::string file = dir.path() + "/linli.json";
  std::ofstream(file, std::ios::binary) << text;
  auto env = [](const char* name) -> const char* {
    static const std::string kValue = "value";
    return std::string(name).rfind("LINLI_", 0) == 0 ? kValue.c_str() : nullptr;
  };
  // The example's locale_dir is the folder beside it; this copy lives elsewhere, so the
  // shipped texts are used (LoadTexts' fallback).
  auto checked = LoadAndValidate(file, env);
  ASSERT_TRUE(checked.ok()) << checked.status().ToString();
  EXPECT_EQ(checked->config.channels.size(), 5u);
}

// The group-robot samples too: their keys are the ones adapters/registry.cc declares, and a
// misspelt one is named with a hint.
TEST(StartupTest, TheExamplesRobotSamplesPassOnceUncommented) {
  std::string text = ReadFile(kExamplePath);
  size_t from = text.find("\"channels\": [");
  ASSERT_NE(from, std::string::npos);
  for (int block = 0; block < 2; ++block) {
    const size_t open = text.find("/*", from);
    ASSERT_NE(open, std::string::npos);
    text.erase(open, 2);
    const size_t close = text.find("*/", open);
    ASSERT_NE(close, std::string::npos);
    text.erase(close, 2);
    from = close;
  }
  ScratchDir dir;
  const std::string file = dir.path() + "/linli.json";
  std::ofstream(file, std::ios::binary) << text;
  auto env = [](const char* name) -> const char* {
    static const std::string kValue = "value";
    return std::string(name).rfind("LINLI_", 0) == 0 ? kValue.c_str() : nullptr;
  };
  auto checked = LoadAndValidate(file, env);
  ASSERT_TRUE(checked.ok()) << checked.status().ToString();
  ASSERT_EQ(checked->config.channels.size(), 8u);

  const std::string typo = dir.path() + "/typo.json";
  const std::string needle = "\"access_token\": \"${LINLI_DING_ROBOT_TOKEN}\"";
  const size_t at = text.find(needle);
  ASSERT_NE(at, std::string::npos);
  text.replace(at, needle.size(), "\"acess_token\": \"${LINLI_DING_ROBOT_TOKEN}\"");
  std::ofstream(typo, std::ios::binary) << text;
  auto bad = LoadAndValidate(typo, env);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find(
                "channels[ding_staff].acess_token: unknown key (did you mean access_token?)"),
            std::string::npos)
      << bad.status().message();
}

TEST(StartupTest, LoadAndValidateNamesTheFileTheKeyAndTheHint) {
  ScratchDir dir;
  const std::map<std::string, std::string> expected = {
      {"timezone", ": timezone: \"Beijing\" is not an IANA time zone (did you mean Asia/Shanghai?)"},
      {"category", ": categories[1]: \"elevator\" has no label \"category.elevator\" in " LINLI_SOURCE_DIR
                   "/config/locales/en.json, " LINLI_SOURCE_DIR "/config/locales/zh-CN.json"},
      {"channel_key", ": channels[tg].secret_tokn: unknown key (did you mean secret_token?)"},
  };
  for (const auto& [name, fragment] : BadFragments()) {
    const std::string file = dir.WriteConfig(name + ".json", fragment);
    auto checked = LoadAndValidate(file);
    ASSERT_FALSE(checked.ok()) << name;
    EXPECT_EQ(checked.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(checked.status().message(), file + expected.at(name));
  }
  EXPECT_FALSE(fs::exists(dir.db()));
}

// serve and chat build the App; migrate and the other commands call LoadAndValidate. Both
// must stop on the same bad config with the same message, before the database is created.
TEST(StartupTest, AppCreateStopsWithTheSameMessageAsLoadAndValidate) {
  ScratchDir dir;
  for (const auto& [name, fragment] : BadFragments()) {
    const std::string file = dir.WriteConfig(name + ".json", fragment);
    auto via_cli = LoadAndValidate(file);
    ASSERT_FALSE(via_cli.ok()) << name;
    auto loaded = config::LoadConfigFile(file);  // the file alone is well-formed
    ASSERT_TRUE(loaded.ok()) << name << ": " << loaded.status().ToString();
    auto app = App::Create(std::move(loaded).value());
    ASSERT_FALSE(app.ok()) << name;
    EXPECT_EQ(app.status().ToString(), via_cli.status().ToString()) << name;
  }
  EXPECT_FALSE(fs::exists(dir.db()));
}

TEST(StartupTest, DatabaseOptionsCarryTheStorageSection) {
  config::StorageConfig s;
  s.backend = "sqlite";
  s.sqlite.path = "/var/lib/linli/linli.db";
  s.sqlite.synchronous = "NORMAL";
  s.sqlite.busy_timeout_ms = 1234;
  const storage::DatabaseOptions o = DatabaseOptionsFor(s);
  EXPECT_EQ(o.backend, "sqlite");
  EXPECT_EQ(o.sqlite.path, "/var/lib/linli/linli.db");
  EXPECT_EQ(o.sqlite.synchronous, "NORMAL");
  EXPECT_EQ(o.sqlite.busy_timeout_ms, 1234);
  s.backend = "postgresql";
  s.postgresql.dsn = "host=db dbname=linli";
  s.postgresql.schema = "linli_prod";
  s.postgresql.statement_timeout_ms = 777;
  const storage::DatabaseOptions pg = DatabaseOptionsFor(s);
  EXPECT_EQ(pg.backend, "postgresql");
  EXPECT_EQ(pg.postgresql.dsn, "host=db dbname=linli");
  EXPECT_EQ(pg.postgresql.schema, "linli_prod");
  EXPECT_EQ(pg.postgresql.statement_timeout_ms, 777);
  EXPECT_FALSE(pg.postgresql.read_only);
  s.backend = "x";
  auto opened = storage::OpenDatabase(DatabaseOptionsFor(s));
  EXPECT_EQ(opened.status().message(),
            "storage.backend: unknown backend \"x\" (known: sqlite, postgresql)");
}

// ----------------------------------------------------------------- the command line itself

struct RunResult {
  int exit_code = -1;
  std::string err;
};

// Runs the linli binary with `args` (stdin empty), capturing stderr.
RunResult RunLinli(const std::vector<std::string>& args, const std::string& scratch) {
  const std::string err_file = scratch + "/stderr.txt";
  std::string cmd = "'" LINLI_BINARY "'";
  for (const std::string& a : args) cmd += " '" + a + "'";
  cmd += " </dev/null >/dev/null 2>'" + err_file + "'";
  const int status = std::system(cmd.c_str());
  RunResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.err = ReadFile(err_file);
  return r;
}

// One run per command: each stops on each bad config with exit code 1 and the very message
// LoadAndValidate gives, and none creates the database.
TEST(StartupTest, EveryCommandValidatesTheSameWay) {
  ScratchDir dir;
  const std::vector<std::vector<std::string>> commands = {
      {"serve"},        {"chat", "--user", "u1"}, {"migrate"},         {"agenda", "--month", "2026-11"},
      {"roster", "list"}, {"roster", "codes"},  {"outbox"},          {"privacy", "export", "--person", "1"},
      {"volunteers", "report", "--org", "x", "--from", "2026-12-01", "--to", "2026-12-31"},
      {"check"}, {"check", "--online"}, {"telegram", "webhook-info"}, {"wechat", "menu", "show"},
      {"wecom", "menu", "push"},
  };
  for (const auto& [name, fragment] : BadFragments()) {
    const std::string file = dir.WriteConfig(name + ".json", fragment);
    auto expected = LoadAndValidate(file);
    ASSERT_FALSE(expected.ok()) << name;
    for (std::vector<std::string> args : commands) {
      args.push_back("--config");
      args.push_back(file);
      const RunResult r = RunLinli(args, dir.path());
      EXPECT_EQ(r.exit_code, 1) << name << " " << args[0] << ": " << r.err;
      EXPECT_EQ(r.err, "linli: " + expected.status().message() + "\n") << name << " " << args[0];
    }
  }
  EXPECT_FALSE(fs::exists(dir.db()));
}

TEST(StartupTest, MigrateStillWorksOnAGoodConfig) {
  ScratchDir dir;
  const std::string file = dir.WriteConfig("good.json", R"("timezone": "Asia/Shanghai")");
  const RunResult r = RunLinli({"migrate", "--config", file}, dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(dir.db()));
}

}  // namespace
}  // namespace linli::startup_test

namespace linli::startup_test {
namespace {

TEST(StartupTest, OnlyServeAndChatNeedTheChannelSecrets) {
  EXPECT_EQ(ChannelSecretsFor("serve"), ChannelSecrets::kRequired);
  EXPECT_EQ(ChannelSecretsFor("chat"), ChannelSecrets::kRequired);
  EXPECT_EQ(ChannelSecretsFor("something-new"), ChannelSecrets::kRequired);
  for (const char* c : {"agenda", "digest", "roster", "outbox", "privacy", "migrate"}) {
    EXPECT_EQ(ChannelSecretsFor(c), ChannelSecrets::kNotNeeded) << c;
  }
}

// Issue 11: `linli agenda`, `roster` and `outbox` refused to run unless every channel's
// secret was in the environment.
constexpr char kUnsetChannelSecret[] =
    R"("channels": [{"name": "tg", "type": "telegram", "token": "${LINLI_TEST_UNSET_TG_TOKEN}",
                     "secret_token": "${LINLI_TEST_UNSET_TG_SECRET}"}])";

TEST(StartupTest, AnUnsetChannelSecretStopsServeButNotTheOfflineCommands) {
  ScratchDir dir;
  const std::string file = dir.WriteConfig("unset.json", kUnsetChannelSecret);
  auto strict = LoadAndValidate(file);
  ASSERT_FALSE(strict.ok());
  EXPECT_THAT(strict.status().message(),
              HasSubstr("channels[0].token: environment variable LINLI_TEST_UNSET_TG_TOKEN is not set"));
  auto offline = LoadAndValidate(file, ::getenv, ChannelSecrets::kNotNeeded);
  ASSERT_TRUE(offline.ok()) << offline.status().ToString();
  ASSERT_EQ(offline->config.channels.size(), 1u);

  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {"roster", "list"}, {"outbox"}, {"agenda", "--month", "2026-11"}, {"migrate"}}) {
    args.push_back("--config");
    args.push_back(file);
    const RunResult r = RunLinli(args, dir.path());
    EXPECT_EQ(r.exit_code, 0) << args[0] << ": " << r.err;
    EXPECT_THAT(r.err, ::testing::Not(HasSubstr("is not set"))) << args[0];
  }
  const RunResult serve = RunLinli({"serve", "--config", file}, dir.path());
  EXPECT_EQ(serve.exit_code, 1);
  EXPECT_THAT(serve.err, HasSubstr("LINLI_TEST_UNSET_TG_TOKEN is not set"));
}

// Issue 11: CLI messages follow the configured locale.
TEST(StartupTest, TheOutboxCountFollowsTheConfiguredLocale) {
  ScratchDir dir;
  const std::string zh = dir.WriteConfig("zh.json", R"("locale": "zh-CN")");
  RunResult r = RunLinli({"outbox", "--config", zh}, dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("0 条消息未送达"));
  const std::string en = dir.WriteConfig("en.json", R"("locale": "en")");
  r = RunLinli({"outbox", "--config", en, "--status", "failed"}, dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("0 message(s) failed"));
}

TEST(StartupTest, AnUnsetVariableOutsideTheChannelsIsStillAnErrorOffline) {
  ScratchDir dir;
  const std::string file = dir.WriteConfig(
      "unset_admin.json", R"("admin": {"api_token": "${LINLI_TEST_UNSET_ADMIN_TOKEN}"})");
  auto offline = LoadAndValidate(file, ::getenv, ChannelSecrets::kNotNeeded);
  ASSERT_FALSE(offline.ok());
  EXPECT_THAT(offline.status().message(),
              HasSubstr("admin.api_token: environment variable LINLI_TEST_UNSET_ADMIN_TOKEN is not set"));
}

}  // namespace
}  // namespace linli::startup_test
