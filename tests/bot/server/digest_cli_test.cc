// `linli digest --preview [--group NAME]` (issue 11 point 5), run as the binary: what each
// digest group would get now, offline (the channel's secret is an unset ${ENV}), sending nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "bot/server/startup.h"
#include "storage/open_database.h"
#include "storage/outbox_store.h"
#include "storage/ticket_store.h"

namespace linli::digest_cli_test {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class DigestCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("linli_digest_cli_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    config_ = (dir_ / "linli.json").string();
    std::ofstream(config_, std::ios::binary)
        << "{\n  \"locale_dir\": \"" << LINLI_SOURCE_DIR << "/config/locales\",\n"
        << "  \"timezone\": \"Asia/Shanghai\",\n"
        << "  \"compound\": {\"name\": \"幸福里小区\", \"buildings\": [{\"id\": \"3\", \"units\": [\"2\"]}, "
           "{\"id\": \"5\", \"units\": [\"1\"]}]},\n"
        << "  \"channels\": [{\"name\": \"wr\", \"type\": \"wecom_robot\", \"key\": "
           "\"${LINLI_DIGEST_TEST_UNSET_KEY}\"}],\n"
        << "  \"groups\": [{\"name\": \"property\", \"channel\": \"wr\", \"chat_id\": \"p\", "
           "\"posts\": [\"digest\"], \"buildings\": [\"3\"]},\n"
        << "             {\"name\": \"street\", \"channel\": \"wr\", \"chat_id\": \"s\", "
           "\"posts\": [\"digest\"], \"buildings\": [\"5\"]},\n"
        << "             {\"name\": \"volunteers\", \"channel\": \"wr\", \"chat_id\": \"v\", "
           "\"posts\": [\"wishes\"]}],\n"
        << "  \"storage\": {\"sqlite\": {\"path\": \"" << (dir_ / "linli.db").string()
        << "\"}},\n  \"logging\": {\"level\": \"error\"}\n}\n";
    ::unsetenv("LINLI_DIGEST_TEST_UNSET_KEY");
    auto checked = LoadAndValidate(config_, ::getenv, ChannelSecretsFor("digest"));
    ASSERT_TRUE(checked.ok()) << checked.status().ToString();
    auto opened = storage::OpenDatabase(DatabaseOptionsFor(checked->config.storage));
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    storage::Ticket t;
    t.reporter_person_id = 1;
    t.channel = "wr";
    t.category = "repair";
    t.building = "3";
    t.unit = "2";
    t.location_text = "3号楼2单元301室";
    t.description = "张三 13812345678 漏水";
    t.created_at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count() -
                      3600'000;
    ASSERT_TRUE(storage::TicketStore::Create(*opened->db, t).ok());
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  struct Result {
    int exit_code = -1;
    std::string out, err;
  };
  Result Run(std::vector<std::string> args) {
    std::string cmd = "'" LINLI_BINARY "' digest --config '" + config_ + "'";
    for (const std::string& a : args) cmd += " '" + a + "'";
    const std::string out = (dir_ / "out.txt").string();
    const std::string err = (dir_ / "err.txt").string();
    cmd += " </dev/null >'" + out + "' 2>'" + err + "'";
    const int status = std::system(cmd.c_str());
    Result r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = ReadAll(out);
    r.err = ReadAll(err);
    return r;
  }
  int64_t OutboxRows() {
    storage::DatabaseOptions o;
    o.sqlite.path = (dir_ / "linli.db").string();
    auto opened = storage::OpenDatabase(o);
    if (!opened.ok()) return -1;
    auto rows = opened->db->Query("SELECT COUNT(*) FROM outbox");
    return rows.ok() ? (*rows)[0].Int(0) : -1;
  }

  fs::path dir_;
  std::string config_;
};

TEST_F(DigestCliTest, PreviewsEachDigestGroupOfflineAndSendsNothing) {
  const Result r = Run({"--preview"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("=== property ===\n**幸福里小区 每日简报 "));
  EXPECT_THAT(r.out, HasSubstr("- 工单 1 · "));
  EXPECT_THAT(r.out, HasSubstr("=== street ===\n幸福里小区 每日简报 "));  // quiet: building 5
  EXPECT_THAT(r.out, Not(HasSubstr("volunteers")));
  for (const char* secret : {"张三", "13812345678", "301", "漏水"}) {
    EXPECT_THAT(r.out, Not(HasSubstr(secret))) << secret;
  }
  const Result one = Run({"--preview", "--group", "street"});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_THAT(one.out, HasSubstr("=== street ==="));
  EXPECT_THAT(one.out, Not(HasSubstr("property")));
  EXPECT_EQ(OutboxRows(), 0);
}

TEST_F(DigestCliTest, BadArgumentsAreUsageErrors) {
  const Result unknown = Run({"--preview", "--group", "nope"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.err, HasSubstr("nope"));
  EXPECT_THAT(unknown.err, HasSubstr("property"));
  EXPECT_EQ(Run({}).exit_code, 2);  // the command only previews
  EXPECT_EQ(Run({"--preview", "--month", "2026-11"}).exit_code, 2);
}

}  // namespace
}  // namespace linli::digest_cli_test
