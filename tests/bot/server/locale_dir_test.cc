// The locale lookup (bot/server/locale_dir.h): which directory's texts App and the CLI load.
#include "bot/server/locale_dir.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace linli::locale_dir_test {
namespace {

namespace fs = std::filesystem;

// A temporary directory, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "linli_locale_dir_test.XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // Creates `<root>/<dir>` with one file per locale, each with `text` as "help.text".
  std::string MakeLocales(const std::string& dir, const std::vector<std::string>& locales,
                          const std::string& text = "hi") const {
    const fs::path p = path_ / dir;
    fs::create_directories(p);
    for (const auto& locale : locales) {
      std::ofstream(p / (locale + ".json")) << R"({"help": {"text": ")" << text << R"("}})";
    }
    return p.string();
  }
  std::string Path(const std::string& rel) const { return (path_ / rel).string(); }

 private:
  fs::path path_;
};

const std::vector<std::string> kShipped = {"zh-CN", "en"};

TEST(LocaleDirTest, BesideExecutableFollowsTheBinary) {
  EXPECT_EQ(LocaleDirBesideExecutable("/opt/linli/bin/linli", "../share/linli/locales"),
            "/opt/linli/share/linli/locales");
  EXPECT_EQ(LocaleDirBesideExecutable("/usr/bin/linli", "../share/linli/locales"),
            "/usr/share/linli/locales");
  EXPECT_EQ(LocaleDirBesideExecutable("", "../share/linli/locales"), "");
}

TEST(LocaleDirTest, OrderIsConfiguredBesideBinaryInstalledSourceWithoutRepeats) {
  LocaleDirs dirs{"/etc/linli/locales", "/opt/l/share/linli/locales",
                  "/usr/local/share/linli/locales", "/src/config/locales"};
  EXPECT_EQ(dirs.InOrder(),
            (std::vector<std::string>{"/etc/linli/locales", "/opt/l/share/linli/locales",
                                      "/usr/local/share/linli/locales", "/src/config/locales"}));
  dirs.beside_executable = "";
  dirs.installed = "/etc/linli/locales";
  EXPECT_EQ(dirs.InOrder(),
            (std::vector<std::string>{"/etc/linli/locales", "/src/config/locales"}));
}

TEST(LocaleDirTest, FirstDirectoryWithEveryFileWins) {
  TempDir tmp;
  const std::string configured = tmp.Path("etc/locales");  // absent
  const std::string only_zh = tmp.MakeLocales("partial", {"zh-CN"});
  const std::string beside = tmp.MakeLocales("prefix/share/linli/locales", kShipped);
  const std::string source = tmp.MakeLocales("src/config/locales", kShipped);
  auto dir = FindLocaleDir({configured, only_zh, beside, source}, kShipped);
  ASSERT_TRUE(dir.ok()) << dir.status().ToString();
  EXPECT_EQ(*dir, beside);

  // A configured directory with the files wins over everything.
  const std::string own = tmp.MakeLocales("etc/own", kShipped);
  dir = FindLocaleDir({own, beside, source}, kShipped);
  ASSERT_TRUE(dir.ok());
  EXPECT_EQ(*dir, own);

  // A custom locale must be there too.
  dir = FindLocaleDir({own, beside}, {"fr", "zh-CN", "en"});
  EXPECT_EQ(dir.status().code(), StatusCode::kNotFound);
}

TEST(LocaleDirTest, NoneFoundNamesEveryDirectoryTried) {
  TempDir tmp;
  auto dir = FindLocaleDir({tmp.Path("a"), tmp.Path("b")}, kShipped);
  ASSERT_EQ(dir.status().code(), StatusCode::kNotFound);
  EXPECT_NE(dir.status().message().find(tmp.Path("a")), std::string::npos);
  EXPECT_NE(dir.status().message().find(tmp.Path("b")), std::string::npos);
  EXPECT_NE(dir.status().message().find("zh-CN"), std::string::npos);
  EXPECT_EQ(FindLocaleDir({}, kShipped).status().code(), StatusCode::kNotFound);
}

TEST(LocaleDirTest, WantedLocalesAreTheConfiguredOneAndTheShippedOnes) {
  config::Config cfg;
  cfg.locale = "zh-CN";
  EXPECT_EQ(WantedLocales(cfg), (std::vector<std::string>{"zh-CN", "en"}));
  cfg.locale = "fr";
  EXPECT_EQ(WantedLocales(cfg), (std::vector<std::string>{"fr", "zh-CN", "en"}));
}

TEST(LocaleDirTest, ProcessDirsComeFromTheRunningBinaryAndTheBuild) {
  const LocaleDirs dirs = ProcessLocaleDirs("/nowhere/locales");
  EXPECT_EQ(dirs.configured, "/nowhere/locales");
  // This test binary: <build>/tests/linli_server_tests -> <build>/share/linli/locales.
  const fs::path exe = fs::read_symlink("/proc/self/exe");
  EXPECT_EQ(dirs.beside_executable,
            (exe.parent_path().parent_path() / "share" / "linli" / "locales").string());
  EXPECT_TRUE(fs::path(dirs.installed).is_absolute()) << dirs.installed;
  EXPECT_EQ(fs::path(dirs.installed).filename(), "locales");
  EXPECT_EQ(dirs.source, std::string(LINLI_SOURCE_DIR) + "/config/locales");
}

TEST(LocaleDirTest, LoadTextsUsesTheConfiguredDirectoryWhenItHasTheFiles) {
  TempDir tmp;
  config::Config cfg;
  cfg.locale_dir = tmp.MakeLocales("locales", kShipped, "configured help");
  auto texts = LoadTexts(cfg);
  ASSERT_TRUE(texts.ok()) << texts.status().ToString();
  EXPECT_EQ(texts->Get("zh-CN", "help.text"), "configured help");
}

TEST(LocaleDirTest, LoadTextsFallsBackToTheShippedTexts) {
  // A config kept elsewhere without locales/: from the build tree that is the source tree's
  // config/locales (an installed binary finds its share dir first: tests/packaging/).
  TempDir tmp;
  config::Config cfg;
  cfg.locale_dir = tmp.Path("locales");
  auto texts = LoadTexts(cfg);
  ASSERT_TRUE(texts.ok()) << texts.status().ToString();
  auto shipped = config::Texts::Load(std::string(LINLI_SOURCE_DIR) + "/config/locales", kShipped);
  ASSERT_TRUE(shipped.ok()) << shipped.status().ToString();
  ASSERT_TRUE(shipped->Has("zh-CN", "help.text"));
  EXPECT_EQ(texts->Get("zh-CN", "help.text"), shipped->Get("zh-CN", "help.text"));
  EXPECT_EQ(texts->Get("en", "help.text"), shipped->Get("en", "help.text"));
}

TEST(LocaleDirTest, BrokenFilesInTheChosenDirectoryAreAnErrorNotSkipped) {
  TempDir tmp;
  config::Config cfg;
  cfg.locale_dir = tmp.MakeLocales("locales", kShipped);
  std::ofstream(fs::path(cfg.locale_dir) / "en.json") << "{ not json";
  auto texts = LoadTexts(cfg);
  ASSERT_FALSE(texts.ok());
  EXPECT_EQ(texts.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(texts.status().message().find("en.json"), std::string::npos);
}

}  // namespace
}  // namespace linli::locale_dir_test
