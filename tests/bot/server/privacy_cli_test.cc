// `linli privacy export|erase` (issue 8 point 8), run as the binary: export prints what the
// personal-data map holds about a person; erase refuses without --yes and changes nothing,
// erases with it; the person is found by id or by channel and user.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bot/server/startup.h"
#include "config/config_loader.h"
#include "domain/tickets/ticket_service.h"
#include "storage/identity_store.h"
#include "storage/open_database.h"
#include "storage/ticket_store.h"

namespace linli::privacy_cli_test {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

class PrivacyCliTest : public ::testing::Test {
 protected:
  // The CLI speaks the configured locale (issue 11); these tests read its English.
  virtual std::string Locale() const { return "en"; }
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("linli_privacy_cli_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    config_ = (dir_ / "linli.json").string();
    std::ofstream(config_, std::ios::binary)
        << "{\n  \"locale_dir\": \"" << LINLI_SOURCE_DIR << "/config/locales\",\n"
        << "  \"storage\": {\"sqlite\": {\"path\": \"" << (dir_ / "linli.db").string()
        << "\"}},\n  \"logging\": {\"level\": \"error\"},\n  \"locale\": \"" << Locale()
        << "\"\n}\n";
    // A resident with one ticket.
    auto checked = LoadAndValidate(config_);
    ASSERT_TRUE(checked.ok()) << checked.status().ToString();
    auto opened = storage::OpenDatabase(DatabaseOptionsFor(checked->config.storage));
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    storage::Database& db = *opened->db;
    auto person = storage::IdentityStore::Touch(db, {"tg", "u-77", "u-77", ChatType::kPrivate}, 10);
    ASSERT_TRUE(person.ok());
    person_ = person->id;
    storage::Ticket t;
    t.reporter_person_id = person_;
    t.channel = "tg";
    t.notify_channel = "tg";
    t.category = "repair";
    t.building = "3";
    t.unit = std::string("2");
    t.description = std::string("楼道灯坏了PRIVATEWORDS");
    domain::TicketService::PrepareNew(checked->config, t, 20);
    t.created_at_ms = 20;
    t.updated_at_ms = 20;
    ASSERT_TRUE(storage::TicketStore::Create(db, t).ok());
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Runs `linli privacy <args> --config FILE` (stdin empty).
  RunResult Privacy(std::vector<std::string> args) {
    std::string cmd = "'" LINLI_BINARY "' privacy";
    args.push_back("--config");
    args.push_back(config_);
    for (const std::string& a : args) cmd += " '" + a + "'";
    const std::string out = (dir_ / "out.txt").string();
    const std::string err = (dir_ / "err.txt").string();
    cmd += " </dev/null >'" + out + "' 2>'" + err + "'";
    const int status = std::system(cmd.c_str());
    RunResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = ReadFile(out);
    r.err = ReadFile(err);
    return r;
  }

  fs::path dir_;
  std::string config_;
  int64_t person_ = 0;
};

TEST_F(PrivacyCliTest, ExportListsThePersonsTicketByIdOrByUser) {
  const RunResult r = Privacy({"export", "--person", std::to_string(person_)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  EXPECT_EQ(j["person_id"], person_);
  ASSERT_EQ(j["tables"]["tickets"].size(), 1u) << r.out;
  EXPECT_EQ(j["tables"]["tickets"][0]["description"], "楼道灯坏了PRIVATEWORDS");

  const RunResult by_user = Privacy({"export", "--channel", "tg", "--user", "u-77"});
  ASSERT_EQ(by_user.exit_code, 0) << by_user.err;
  EXPECT_EQ(by_user.out, r.out);

  const RunResult nobody = Privacy({"export", "--channel", "tg", "--user", "nobody"});
  EXPECT_EQ(nobody.exit_code, 1);
  EXPECT_THAT(nobody.err, HasSubstr("no person"));
  const RunResult unknown = Privacy({"export", "--person", "9999"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_THAT(unknown.err, HasSubstr("no person 9999"));
}

TEST_F(PrivacyCliTest, EraseRefusesWithoutYesThenErases) {
  const std::string id = std::to_string(person_);
  const RunResult refused = Privacy({"erase", "--person", id});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_THAT(refused.err, HasSubstr("--yes"));
  EXPECT_THAT(refused.err, HasSubstr("Nothing was changed"));
  // Still there.
  const RunResult still = Privacy({"export", "--person", id});
  ASSERT_EQ(still.exit_code, 0) << still.err;
  EXPECT_THAT(still.out, HasSubstr("PRIVATEWORDS"));

  const RunResult erased = Privacy({"erase", "--channel", "tg", "--user", "u-77", "--yes"});
  ASSERT_EQ(erased.exit_code, 0) << erased.err;
  EXPECT_THAT(erased.out, HasSubstr("person " + id + " erased"));
  const RunResult gone = Privacy({"export", "--person", id});
  EXPECT_EQ(gone.exit_code, 1);
  EXPECT_EQ(Privacy({"erase", "--person", id, "--yes"}).exit_code, 1);

  // The ticket is kept without the link to the person or their words.
  auto checked = LoadAndValidate(config_);
  ASSERT_TRUE(checked.ok());
  auto opened = storage::OpenDatabase(DatabaseOptionsFor(checked->config.storage));
  ASSERT_TRUE(opened.ok());
  auto t = storage::TicketStore::FindByNumber(*opened->db, 1);
  ASSERT_TRUE(t.ok() && t->has_value());
  EXPECT_EQ((*t)->reporter_person_id, 0);
  EXPECT_EQ((*t)->description, "");
}

TEST_F(PrivacyCliTest, UsageErrorsExplain) {
  EXPECT_EQ(Privacy({"show", "--person", "1"}).exit_code, 2);
  const RunResult none = Privacy({"export"});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_THAT(none.err, HasSubstr("--person ID or --channel C --user U"));
  EXPECT_EQ(Privacy({"export", "--person", "1", "--user", "u-77"}).exit_code, 2);
  EXPECT_EQ(Privacy({"export", "--person", "x"}).exit_code, 2);
  EXPECT_EQ(Privacy({"export", "--person", "1", "--yes"}).exit_code, 2);
}

// Issue 11: the CLI's messages follow the configured locale.
class PrivacyCliZhTest : public PrivacyCliTest {
 protected:
  std::string Locale() const override { return "zh-CN"; }
};

TEST_F(PrivacyCliZhTest, MessagesFollowTheConfiguredLocale) {
  const std::string id = std::to_string(person_);
  const RunResult refused = Privacy({"erase", "--person", id});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_THAT(refused.err, HasSubstr("本次未做任何更改"));
  EXPECT_THAT(refused.err, HasSubstr("--yes"));
  EXPECT_THAT(refused.err, Not(HasSubstr("Nothing was changed")));
  const RunResult unknown = Privacy({"export", "--person", "9999"});
  EXPECT_THAT(unknown.err, HasSubstr("没有编号为 9999 的人员"));
  const RunResult erased = Privacy({"erase", "--person", id, "--yes"});
  ASSERT_EQ(erased.exit_code, 0) << erased.err;
  EXPECT_THAT(erased.out, HasSubstr("人员 " + id + " 已删除"));
}

}  // namespace
}  // namespace linli::privacy_cli_test
