// `linli init` (issue 15 point 1): the pure rendering of the two files (init_config.h), the
// command in-process (flags, refusing to overwrite, the questions on a terminal), and the real
// binary end to end: init, then migrate, chat and serve on what it wrote.
#include "bot/server/init_command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "adapters/registry.h"
#include "bot/server/locale_dir.h"
#include "bot/server/startup.h"
#include "config/config_loader.h"
#include "config/secret_check.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/recording_http_client.h"

namespace linli::init_cli_test {
namespace {

namespace fs = std::filesystem;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

const config::Texts& Texts() {
  static const auto* const kTexts = [] {
    auto t = config::Texts::Load(std::string(LINLI_SOURCE_DIR) + "/config/locales",
                                 {"zh-CN", "en"});
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return new config::Texts(t.ok() ? *t : config::Texts());
  }();
  return *kTexts;
}

// Distinct, recognisable, alphanumeric "secrets" of the asked length.
DrawSecretFn CountingDraw() {
  auto n = std::make_shared<int>(0);
  return [n](size_t length) -> StatusOr<std::string> {
    std::string s = "Gen" + std::to_string(++*n) + "x";
    s.resize(length, 'Q');
    return s;
  };
}

InitAnswers SomeAnswers() {
  InitAnswers a;
  a.compound_name = "幸福里 \"小区\"";  // a quote: the name is escaped in the JSON
  a.buildings = {{"1", {"1", "2"}}, {"3", {"2"}}};
  a.channels = {"telegram", "wechat", "wecom", "feishu", "dingtalk"};
  a.public_url = "https://linli.example.org";
  a.database = "/var/lib/linli/linli.db";
  return a;
}

// The env file as NAME -> value (comments and blank lines skipped).
std::map<std::string, std::string> EnvLines(const std::string& env) {
  std::map<std::string, std::string> out;
  std::istringstream in(env);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const size_t eq = line.find('=');
    EXPECT_NE(eq, std::string::npos) << line;
    if (eq != std::string::npos) out[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return out;
}

// Values a platform console would give, well-formed for each adapter.
const std::map<std::string, std::string>& PlatformValues() {
  static const auto* const kValues = new std::map<std::string, std::string>{
      {"LINLI_TG_TOKEN", "123456789:AAtestTOKENvalue"},
      {"LINLI_WX_APPID", "wx0123456789abcdef"},
      {"LINLI_WX_SECRET", "wechat-app-secret"},
      {"LINLI_WECOM_CORPID", "ww0123456789abcdef"},
      {"LINLI_WECOM_AGENTID", "1000002"},
      {"LINLI_WECOM_SECRET", "wecom-app-secret"},
      {"LINLI_FEISHU_APPID", "cli_0123456789abcdef"},
      {"LINLI_FEISHU_SECRET", "feishu-app-secret"},
      {"LINLI_FEISHU_VTOKEN", "feishu-verification-token"},
      {"LINLI_FEISHU_ENCRYPT_KEY", "feishu-encrypt-key"},
      {"LINLI_DING_APP_KEY", "dingtestappkey"},
      {"LINLI_DING_APP_SECRET", "dingtalk-app-secret"},
  };
  return *kValues;
}

// --- the rendering ---

TEST(InitConfigTest, TheConfigLoadsWithTheEnvFileAndHoldsNoSecret) {
  std::vector<InitEnvValue> values;
  auto files = RenderInitFiles(SomeAnswers(), Texts(), CountingDraw(), &values);
  ASSERT_TRUE(files.ok()) << files.status().ToString();

  // Every secret is a ${...} reference, and no generated value is in the config.
  auto literal = config::LiteralSecretKeys(files->config, "linli.json");
  ASSERT_TRUE(literal.ok());
  EXPECT_THAT(*literal, ElementsAre());
  for (const InitEnvValue& v : values) {
    if (v.generated) {
      EXPECT_THAT(files->config, Not(HasSubstr(v.value))) << v.name;
    }
    EXPECT_THAT(files->config, HasSubstr("${" + v.name + "}")) << v.name;
  }

  std::map<std::string, std::string> env = EnvLines(files->env);
  for (const auto& [name, value] : PlatformValues()) {
    ASSERT_EQ(env.count(name), 1u) << name;
    EXPECT_EQ(env[name], "") << name << ": platform-issued, left to fill in";
    env[name] = value;
  }
  auto loaded = config::ParseConfig(
      files->config, "/etc/linli/linli.json",
      [&env](const char* name) -> const char* {
        auto it = env.find(name);
        return it == env.end() ? nullptr : it->second.c_str();
      });
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ASSERT_TRUE(CheckLoadedConfig(*loaded, Texts()).ok());
  const config::Config& c = *loaded;
  EXPECT_EQ(c.compound.name, "幸福里 \"小区\"");
  ASSERT_EQ(c.compound.buildings.size(), 2u);
  EXPECT_EQ(c.compound.buildings[0].id, "1");
  EXPECT_THAT(c.compound.buildings[0].units, ElementsAre("1", "2"));
  EXPECT_THAT(c.compound.buildings[1].units, ElementsAre("2"));
  EXPECT_EQ(c.web.public_url, "https://linli.example.org");
  EXPECT_EQ(c.storage.sqlite.path, "/var/lib/linli/linli.db");
  EXPECT_EQ(c.locale, "zh-CN");
  EXPECT_TRUE(c.admin.api_token.empty()) << "the admin API stays off until uncommented";
  EXPECT_TRUE(c.backup.enabled) << "daily backups from the first day";
  EXPECT_EQ(c.backup.dir, "/var/lib/linli/backups");
  EXPECT_EQ(c.backup.keep, 7);

  // The real platforms, one channel per kind named after it, and every adapter accepts its
  // entry (what `linli serve` builds).
  std::vector<std::pair<std::string, std::string>> channels;
  for (const auto& ch : c.channels) channels.emplace_back(ch.name + ":" + ch.type, ch.api_base);
  EXPECT_THAT(channels, ElementsAre(std::pair<std::string, std::string>{"telegram:telegram", "https://api.telegram.org"},
                                    std::pair<std::string, std::string>{"wechat:wechat_mp", "https://api.weixin.qq.com"},
                                    std::pair<std::string, std::string>{"wecom:wecom_app", "https://qyapi.weixin.qq.com"},
                                    std::pair<std::string, std::string>{"feishu:feishu", "https://open.feishu.cn"},
                                    std::pair<std::string, std::string>{"dingtalk:dingtalk_bot", "https://api.dingtalk.com"}));
  testing::FakeClock clock;
  testing::RecordingHttpClient http;
  for (const auto& ch : c.channels) {
    auto adapter = adapters::CreateAdapter(ch, {clock, http});
    EXPECT_TRUE(adapter.ok()) << ch.name << ": " << adapter.status().ToString();
  }
  EXPECT_EQ(c.channels[1].Field("mode"), "safe");
  EXPECT_EQ(c.channels[1].Field("encoding_aes_key").size(), 43u);
  EXPECT_TRUE(http.requests().empty()) << "rendering and loading call no platform";
}

TEST(InitConfigTest, GeneratedValuesAreFilledInAndPlatformOnesCommentedForTheConsole) {
  std::vector<InitEnvValue> values;
  InitAnswers a = SomeAnswers();
  a.channels = {"wechat", "telegram"};  // written in the fixed order anyway
  auto files = RenderInitFiles(a, Texts(), CountingDraw(), &values);
  ASSERT_TRUE(files.ok());
  std::vector<std::string> names;
  for (const InitEnvValue& v : values) names.push_back(v.name + (v.generated ? "=gen" : "="));
  EXPECT_THAT(names, ElementsAre("LINLI_TG_TOKEN=", "LINLI_TG_SECRET=gen", "LINLI_WX_APPID=",
                                 "LINLI_WX_SECRET=", "LINLI_WX_TOKEN=gen", "LINLI_WX_AESKEY=gen",
                                 "LINLI_ADMIN_TOKEN=gen"));
  const std::string& env = files->env;
  // Each variable directly under its comment, every non-variable line a comment.
  std::istringstream in(env);
  std::string line, previous;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] != '#') {
      EXPECT_EQ(previous.rfind("# ", 0), 0u) << line << " has no comment above it";
      EXPECT_NE(line.find('='), std::string::npos);
    }
    previous = line;
  }
  EXPECT_THAT(env, HasSubstr("LINLI_TG_SECRET=Gen1x" + std::string(27, 'Q') + "\n"));
  EXPECT_THAT(env, HasSubstr("LINLI_WX_AESKEY=Gen3x" + std::string(38, 'Q') + "\n"));
  // zh-CN: where each value is found, and the webhook to give the console.
  EXPECT_THAT(env, AllOf(HasSubstr("@BotFather 发送 /newbot"), HasSubstr("设置与开发 → 基本配置"),
                         HasSubstr("https://linli.example.org/webhook/wechat"),
                         HasSubstr("安全模式"), HasSubstr("set -a; . ./linli.env; set +a")));
  EXPECT_THAT(env, Not(HasSubstr("[cli.")));  // every text key exists
  EXPECT_THAT(files->config, HasSubstr("// webhook: https://linli.example.org/webhook/telegram"));

  a.locale = "en";
  a.channels = {"wecom", "feishu", "dingtalk"};
  files = RenderInitFiles(a, Texts(), CountingDraw());
  ASSERT_TRUE(files.ok());
  EXPECT_THAT(files->env, AllOf(HasSubstr("我的企业 → 企业信息"), HasSubstr("凭证与基础信息"),
                                HasSubstr("Client ID (formerly AppKey)"), HasSubstr("LINLI_WECOM_AGENTID=\n"),
                                HasSubstr("LINLI_FEISHU_ENCRYPT_KEY=\n"), Not(HasSubstr("[cli."))));
  EXPECT_THAT(files->config, Not(HasSubstr("\"telegram\"")));
}

// A new user's first `linli wechat menu push` refused an init-written config ("has no menu");
// the secret_token's comment did not say which command registers it.
TEST(InitConfigTest, TheWechatChannelHasAMenuToPushAndTheSecretTokenNamesSetWebhook) {
  for (const std::string locale : {"zh-CN", "en"}) {
    InitAnswers a = SomeAnswers();
    a.locale = locale;
    a.channels = {"telegram", "wechat", "wecom"};
    auto files = RenderInitFiles(a, Texts(), CountingDraw());
    ASSERT_TRUE(files.ok()) << files.status().ToString();
    std::map<std::string, std::string> env = EnvLines(files->env);
    for (const auto& [name, value] : PlatformValues()) env[name] = value;
    auto loaded = config::ParseConfig(files->config, "/etc/linli/linli.json",
                                      [&env](const char* name) -> const char* {
                                        auto it = env.find(name);
                                        return it == env.end() ? nullptr : it->second.c_str();
                                      });
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    ASSERT_TRUE(CheckLoadedConfig(*loaded, Texts()).ok()) << "within WeChat's menu limits";
    ASSERT_EQ(loaded->channels.size(), 3u);
    EXPECT_TRUE(loaded->channels[0].menu.empty()) << "telegram";
    EXPECT_TRUE(loaded->channels[2].menu.empty()) << "wecom: its menu is written by hand";

    // The commands are the chat's triggers (every locale); the names are the config's locale.
    const std::vector<config::MenuButton>& menu = loaded->channels[1].menu;
    std::vector<std::string> shape;
    for (const auto& b : menu) {
      shape.push_back(b.name + "=" + b.command);
      for (const auto& s : b.sub_buttons) shape.push_back(" " + s.name + "=" + s.command + s.url);
    }
    if (locale == "zh-CN") {
      EXPECT_THAT(shape, ElementsAre("报事=报事", "进度=进度", "更多=", " 心愿=心愿", " 投票=投票",
                                     " 公示栏=https://linli.example.org/board",
                                     " 我的=https://linli.example.org/me"));
      EXPECT_THAT(files->env, HasSubstr("由 linli telegram set-webhook 连同 Webhook 地址"));
    } else {
      EXPECT_THAT(shape, ElementsAre("Report=报事", "Progress=进度", "More=", " Wishes=心愿",
                                     " Vote=投票", " Board=https://linli.example.org/board",
                                     " My page=https://linli.example.org/me"));
      EXPECT_THAT(files->env, HasSubstr("`linli telegram set-webhook` registers it with Telegram"));
    }
    EXPECT_EQ(menu[0].key, config::DefaultMenuKey("报事"));
    EXPECT_THAT(files->env, Not(HasSubstr("setWebhook url=")));
  }
}

TEST(InitConfigTest, AFailingRandomGeneratorFailsTheRendering) {
  auto files = RenderInitFiles(SomeAnswers(), Texts(), [](size_t) -> StatusOr<std::string> {
    return Status::Internal("no entropy");
  });
  EXPECT_EQ(files.status().code(), StatusCode::kInternal);
}

TEST(InitConfigTest, DrawSecretIsAlphanumericOfTheLengthAndFresh) {
  auto a = DrawSecret(43);
  auto b = DrawSecret(43);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->size(), 43u);
  EXPECT_NE(*a, *b);
  std::set<char> seen;
  for (int i = 0; i < 50; ++i) {
    auto s = DrawSecret(40);
    ASSERT_TRUE(s.ok());
    for (char c : *s) {
      ASSERT_TRUE((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) << c;
      seen.insert(c);
    }
  }
  EXPECT_GT(seen.size(), 55u) << "2000 draws cover (nearly) all 62 characters";
}

TEST(InitConfigTest, AnswersAreNormalizedOrRefused) {
  auto kinds = ParseChannelKinds(" WeChat, telegram  wechat_mp,");
  ASSERT_TRUE(kinds.ok());
  EXPECT_THAT(*kinds, ElementsAre("telegram", "wechat"));
  EXPECT_THAT(ParseChannelKinds("telegram,qq").status().message(), HasSubstr("\"qq\""));
  EXPECT_FALSE(ParseChannelKinds(" , ").ok());

  EXPECT_EQ(NormalizePublicUrl(" https://linli.example.org/ ").value(), "https://linli.example.org");
  EXPECT_EQ(NormalizePublicUrl("http://127.0.0.1:8080").value(), "http://127.0.0.1:8080");
  for (const char* bad : {"linli.example.org", "https://", "https:///x", "https://a b", "https://x?y",
                          "ftp://x"}) {
    EXPECT_FALSE(NormalizePublicUrl(bad).ok()) << bad;
  }
  EXPECT_EQ(NormalizeCompoundName("  幸福里小区\u3000").value(), "幸福里小区");
  EXPECT_FALSE(NormalizeCompoundName("  ").ok());
  EXPECT_FALSE(NormalizeCompoundName("a\nb").ok());
  EXPECT_FALSE(NormalizeCompoundName("\xff\xfe").ok());
}

// --- the command in-process ---

class InitCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("linli_init_cli_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    roster_ = (dir_ / "roster.csv").string();
    std::ofstream(roster_, std::ios::binary) << "building,unit,room,area_m2,owner_name,phone\n"
                                                "1,1,101,89.5,张三,13812341234\n"
                                                "1,2,201,76,李四,\n"
                                                "12,1,101,100,王五,\n";
  }
  void TearDown() override { fs::remove_all(dir_); }

  int Run(std::vector<std::string> args, const std::string& input = "", bool terminal = false) {
    std::istringstream in(input);
    out_.str("");
    err_.str("");
    return RunInitCommand(args, in, terminal, out_, err_, CountingDraw());
  }

  std::vector<std::string> AllFlags() const {
    return {"--name",       "幸福里小区",
            "--roster",     roster_,
            "--channels",   "telegram,wechat",
            "--public-url", "https://linli.example.org",
            "--database",   (dir_ / "linli.db").string(),
            "--out",        (dir_ / "linli.json").string()};
  }

  bool Wrote(const std::string& name) const { return fs::exists(dir_ / name); }

  fs::path dir_;
  std::string roster_;
  std::ostringstream out_, err_;
};

TEST_F(InitCliTest, FlagsWriteBothFilesTheEnvFilePrivate) {
  ASSERT_EQ(Run(AllFlags()), 0) << err_.str();
  EXPECT_THAT(out_.str(), AllOf(HasSubstr("2 栋楼、3 个单元（3 户）"), HasSubstr("LINLI_TG_TOKEN, LINLI_WX_APPID, LINLI_WX_SECRET"),
                                HasSubstr("wechat: https://linli.example.org/webhook/wechat")));
  struct stat st;
  ASSERT_EQ(::stat((dir_ / "linli.env").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // No temporary file is left behind.
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir_)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  EXPECT_THAT(names, ElementsAre("linli.env", "linli.json", "roster.csv"));

  const std::map<std::string, std::string> env = EnvLines(ReadFile(dir_ / "linli.env"));
  auto checked = LoadAndValidate((dir_ / "linli.json").string(), [&env](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  });
  ASSERT_TRUE(checked.ok()) << checked.status().ToString();
  ASSERT_EQ(checked->config.compound.buildings.size(), 2u);
  EXPECT_EQ(checked->config.compound.buildings[1].id, "12");
}

TEST_F(InitCliTest, NeverOverwritesAndWritesNothingThen) {
  for (const char* existing : {"linli.json", "linli.env"}) {
    SCOPED_TRACE(existing);
    fs::remove(dir_ / "linli.json");
    fs::remove(dir_ / "linli.env");
    std::ofstream(dir_ / existing) << "mine";
    EXPECT_EQ(Run(AllFlags()), 1);
    EXPECT_THAT(err_.str(), AllOf(HasSubstr((dir_ / existing).string()), HasSubstr("从不覆盖")));
    EXPECT_EQ(ReadFile(dir_ / existing), "mine");
    EXPECT_FALSE(Wrote(std::string(existing) == "linli.json" ? "linli.env" : "linli.json"));
  }
  // Refused before any question is asked.
  EXPECT_EQ(Run({"--out", (dir_ / "linli.json").string()}, "x\n", /*terminal=*/true), 1);
  EXPECT_EQ(out_.str(), "");
  // A dangling symlink is not written through either.
  fs::remove(dir_ / "linli.json");
  fs::remove(dir_ / "linli.env");
  fs::create_symlink(dir_ / "elsewhere.json", dir_ / "linli.json");
  EXPECT_EQ(Run(AllFlags()), 1);
  EXPECT_FALSE(fs::exists(dir_ / "elsewhere.json"));
  EXPECT_FALSE(Wrote("linli.env"));
}

TEST_F(InitCliTest, WithoutATerminalAMissingValueIsAUsageErrorNamingTheFlag) {
  for (const std::string flag : {"--name", "--roster", "--channels", "--public-url"}) {
    std::vector<std::string> args = AllFlags();
    auto it = std::find(args.begin(), args.end(), flag);
    args.erase(it, it + 2);
    EXPECT_EQ(Run(args, "answer\n"), 2) << flag;
    EXPECT_THAT(err_.str(), HasSubstr("init needs " + flag)) << flag;
    EXPECT_FALSE(Wrote("linli.json"));
    EXPECT_FALSE(Wrote("linli.env"));
  }
  EXPECT_EQ(Run({"--bogus"}), 2);
  EXPECT_EQ(Run({"--port", "http"}), 2);
  std::vector<std::string> args = AllFlags();
  args.insert(args.end(), {"--timezone", "Asia/Shangai"});
  EXPECT_EQ(Run(args), 2);
  EXPECT_THAT(err_.str(), HasSubstr("did you mean Asia/Shanghai?"));
  args = AllFlags();
  args.insert(args.end(), {"--channels", "telegram,qq"});
  EXPECT_EQ(Run(args), 2);
  EXPECT_THAT(err_.str(), HasSubstr("\"qq\""));
  EXPECT_FALSE(Wrote("linli.json"));
}

TEST_F(InitCliTest, ARosterWithErrorsIsReportedByLineAndNothingIsWritten) {
  std::ofstream(roster_, std::ios::binary | std::ios::trunc)
      << "building,unit,room,area_m2,owner_name,phone\n1,1,101,89.5,张三,12345\n1,,102,80,,\n";
  EXPECT_EQ(Run(AllFlags()), 1);
  EXPECT_THAT(err_.str(), AllOf(HasSubstr(roster_ + ": line 2: phone"), HasSubstr(roster_ + ": line 3: unit is empty"),
                                HasSubstr("2 处问题")));
  EXPECT_FALSE(Wrote("linli.json"));
  EXPECT_FALSE(Wrote("linli.env"));
  std::vector<std::string> args = AllFlags();
  args[3] = (dir_ / "missing.csv").string();
  EXPECT_EQ(Run(args), 1);
  EXPECT_THAT(err_.str(), HasSubstr("missing.csv"));
}

TEST_F(InitCliTest, OnATerminalMissingValuesAreAskedAndBadAnswersAskedAgain) {
  const std::string input = std::string("\n") +  // an empty name
                            "  Happy Garden  \n" +
                            (dir_ / "nosuch.csv").string() + "\n" + roster_ + "\n" +
                            "telegram,qq\n" + "wechat dingtalk\r\n" +
                            "linli.example.org\n" + "https://linli.example.org/\n";
  ASSERT_EQ(Run({"--out", (dir_ / "linli.json").string(), "--locale", "en", "--database",
                 (dir_ / "linli.db").string()},
                input, /*terminal=*/true),
            0)
      << err_.str();
  const std::string out = out_.str();
  // Each question, asked again after each bad answer.
  auto count = [&](const std::string& what) {
    size_t n = 0;
    for (size_t at = out.find(what); at != std::string::npos; at = out.find(what, at + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count("The compound's name"), 2u);
  EXPECT_EQ(count("The roster CSV"), 2u);
  EXPECT_EQ(count("Channels, separated by commas (telegram, wechat, wecom, feishu, dingtalk)"), 2u);
  EXPECT_EQ(count("The public https URL"), 2u);
  EXPECT_THAT(err_.str(), AllOf(HasSubstr("must not be empty"), HasSubstr("cannot read"),
                                HasSubstr("\"qq\""), HasSubstr("https://HOST")));
  EXPECT_THAT(out, HasSubstr("wrote " + (dir_ / "linli.json").string() + ": Happy Garden, 2 building(s)"));
  const std::string config = ReadFile(dir_ / "linli.json");
  EXPECT_THAT(config, AllOf(HasSubstr("\"name\": \"Happy Garden\""), HasSubstr("\"type\": \"wechat_mp\""),
                            HasSubstr("\"type\": \"dingtalk_bot\""), Not(HasSubstr("\"type\": \"telegram\"")),
                            HasSubstr("\"public_url\": \"https://linli.example.org\""),
                            HasSubstr("\"locale\": \"en\"")));
  EXPECT_THAT(ReadFile(dir_ / "linli.env"), HasSubstr("Client ID (formerly AppKey)"));
}

TEST_F(InitCliTest, EndOfInputBeforeAnAnswerWritesNothing) {
  EXPECT_EQ(Run({"--out", (dir_ / "linli.json").string()}, "Happy Garden\n", /*terminal=*/true), 2);
  EXPECT_THAT(err_.str(), HasSubstr("--roster"));
  EXPECT_FALSE(Wrote("linli.json"));
  EXPECT_FALSE(Wrote("linli.env"));
}

// --- the real binary, end to end ---

// A free loopback port (bound and released: the server binds it right after).
int FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  ::close(fd);
  return ntohs(addr.sin_port);
}

int System(const std::string& command) {
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST_F(InitCliTest, TheBinaryWritesAConfigThatMigratesChatsAndServes) {
  const std::string linli = "'" LINLI_BINARY "'";
  const std::string config = (dir_ / "linli.json").string();
  const std::string env_file = (dir_ / "linli.env").string();
  const int port = FreePort();
  ASSERT_EQ(System("cd '" + dir_.string() + "' && " + linli +
                   " init --roster roster.csv --name 幸福里小区 --channels telegram,wechat"
                   " --public-url https://linli.example.org --database '" +
                   (dir_ / "linli.db").string() + "' --port " + std::to_string(port) +
                   " </dev/null >init.out 2>init.err"),
            0)
      << ReadFile(dir_ / "init.err");
  EXPECT_THAT(ReadFile(dir_ / "init.out"), HasSubstr("linli.env"));
  // Run again: refused, both files unchanged.
  const std::string written = ReadFile(config);
  EXPECT_EQ(System("cd '" + dir_.string() + "' && " + linli +
                   " init --roster roster.csv --name x --channels telegram --public-url https://x.org"
                   " </dev/null >/dev/null 2>again.err"),
            1);
  EXPECT_THAT(ReadFile(dir_ / "again.err"), HasSubstr("linli.json"));
  EXPECT_EQ(ReadFile(config), written);

  // No secret in the config; buildings and units from the roster.
  auto literal = config::LiteralSecretKeys(written, config);
  ASSERT_TRUE(literal.ok());
  EXPECT_THAT(*literal, ElementsAre());
  EXPECT_THAT(written, HasSubstr("{\"id\": \"1\", \"units\": [\"1\", \"2\"]},\n      {\"id\": \"12\", \"units\": [\"1\"]}"));

  // Offline commands need no environment file at all.
  EXPECT_EQ(System(linli + " migrate --config '" + config + "' >/dev/null 2>&1"), 0);
  // The roster it was made from imports, here from standard input: `-` is how a root-owned
  // roster gets to `runuser -u linli -- linli roster import` (docs/DEPLOY.md section 2; the
  // service's user could not open /root/roster.csv, nor a pipe's /dev/stdin).
  EXPECT_EQ(System("cd '" + dir_.string() + "' && " + linli + " roster import - --config '" +
                   config + "' <roster.csv >import.out 2>&1"),
            0)
      << ReadFile(dir_ / "import.out");
  EXPECT_THAT(ReadFile(dir_ / "import.out"), HasSubstr("导入 3 户"));
  EXPECT_EQ(System("cd '" + dir_.string() + "' && " + linli + " roster list --config '" + config +
                   "' >list.out 2>&1 && grep -q '：3 户，已绑定 0 人' list.out"),
            0)
      << ReadFile(dir_ / "list.out");

  // The environment file as systemd or a shell reads it, the platform values filled in.
  std::string exports = "set -a; . '" + env_file + "';";
  for (const auto& [name, value] : PlatformValues()) exports += " " + name + "='" + value + "';";
  exports += " set +a;";
  // `chat` builds the whole App (every adapter) as serve does; with the platform values still
  // empty it stops naming the first one.
  EXPECT_EQ(System("sh -c \"set -a; . '" + env_file + "'; set +a; " + linli + " chat --config '" +
                   config + "' --user me </dev/null >/dev/null 2>'" + (dir_ / "empty.err").string() + "'\""),
            1);
  EXPECT_THAT(ReadFile(dir_ / "empty.err"), HasSubstr("channels[telegram].token: missing"));
  EXPECT_EQ(System("cd '" + dir_.string() + "' && sh -c \"" + exports + " " + linli +
                   " chat --config '" + config + "' --user me </dev/null >/dev/null 2>chat.err\""),
            0)
      << ReadFile(dir_ / "chat.err");

  // serve: the webhook server answers on the configured port; SIGTERM stops it cleanly.
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const std::string script = exports + " exec " + linli + " serve --config '" + config +
                               "' >'" + (dir_ / "serve.log").string() + "' 2>&1";
    ::execl("/bin/sh", "sh", "-c", script.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(1);
  int health = 0;
  std::string body;
  int status = 0;
  bool exited = false;
  for (int i = 0; i < 200 && health != 200 && !exited; ++i) {  // up to ~20 s on a loaded machine
    exited = ::waitpid(pid, &status, WNOHANG) == pid;          // it stopped on a config error
    if (exited) break;
    if (auto r = client.Get("/healthz")) {
      health = r->status;
      body = r->body;
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  // The Telegram webhook is there and checks the generated secret: a wrong one is refused.
  auto refused = client.Post("/webhook/telegram", {{"X-Telegram-Bot-Api-Secret-Token", "wrong"}},
                             "{\"update_id\": 1}", "application/json");
  if (!exited) {
    ::kill(pid, SIGTERM);
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  }
  EXPECT_EQ(health, 200) << ReadFile(dir_ / "serve.log");
  EXPECT_THAT(body, HasSubstr("ok"));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 401);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << ReadFile(dir_ / "serve.log");
}

}  // namespace
}  // namespace linli::init_cli_test
