// `linli export tickets --from --to [--events]` (issue 12 point 4), run through its function:
// offline (a channel's unset secret is no error), the CSV with BOM on stdout or in a file, only
// the tickets created in the range (dates in config.timezone), no phone number, usage errors
// exit 2.
#include "bot/server/export_command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "bot/server/startup.h"
#include "storage/open_database.h"
#include "storage/ticket_store.h"

namespace linli::export_cli_test {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

const char* NoEnv(const char*) { return nullptr; }

class ExportCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("linli_export_cli_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    config_ = (dir_ / "linli.json").string();
    std::ofstream(config_, std::ios::binary)
        << "{\n  \"locale_dir\": \"" << LINLI_SOURCE_DIR << "/config/locales\",\n"
        << "  \"timezone\": \"Asia/Shanghai\",\n"
        << "  \"channels\": [{\"name\": \"tg\", \"type\": \"telegram\", \"token\": \"${TG_TOKEN}\","
        << " \"secret_token\": \"${TG_SECRET}\"}],\n"
        << "  \"compound\": {\"name\": \"幸福里小区\", \"buildings\": [{\"id\": \"1\", \"units\": [\"1\"]}]},\n"
        << "  \"storage\": {\"sqlite\": {\"path\": \"" << (dir_ / "linli.db").string()
        << "\"}},\n  \"logging\": {\"level\": \"error\"}\n}\n";
    auto checked = LoadAndValidate(config_, NoEnv, ChannelSecrets::kNotNeeded);
    ASSERT_TRUE(checked.ok()) << checked.status().ToString();
    auto opened = storage::OpenDatabase(DatabaseOptionsFor(checked->config.storage));
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    for (const auto& [at, text] : {std::pair<int64_t, const char*>{1783000000000, "=楼道灯坏了 13812345678"},
                                   {1790000000000, "十月的事"}}) {
      storage::Ticket t;
      t.category = "repair";
      t.building = "1";
      t.unit = "1";
      t.description = text;
      t.created_at_ms = at;  // 2026-07-02 and 2026-09-21 (Asia/Shanghai)
      ASSERT_TRUE(storage::TicketStore::Create(*opened->db, t).ok());
    }
  }
  void TearDown() override { fs::remove_all(dir_); }

  int Run(std::vector<std::string> args) {
    out_.str("");
    err_.str("");
    return RunExportCommand(args, NoEnv, out_, err_);
  }

  fs::path dir_;
  std::string config_;
  std::ostringstream out_, err_;
};

TEST_F(ExportCliTest, WritesTheRangeAsCsvWithoutChannelSecrets) {
  ASSERT_EQ(Run({"tickets", "--config", config_, "--from", "2026-07-01", "--to", "2026-07-31"}), 0)
      << err_.str();
  const std::string csv = out_.str();
  EXPECT_THAT(csv, StartsWith("\xEF\xBB\xBF" "number,created_at,"));
  EXPECT_THAT(csv, HasSubstr("\r\n1,2026-07-02"));
  EXPECT_THAT(csv, HasSubstr(",'=楼道灯坏了 138****5678,"));  // defused and masked
  EXPECT_THAT(csv, Not(HasSubstr("13812345678")));
  EXPECT_THAT(csv, Not(HasSubstr("十月的事")));

  const std::string file = (dir_ / "all.csv").string();
  ASSERT_EQ(Run({"tickets", "--config", config_, "--out", file}), 0) << err_.str();
  std::ifstream in(file, std::ios::binary);
  std::stringstream all;
  all << in.rdbuf();
  EXPECT_THAT(all.str(), HasSubstr("十月的事"));

  ASSERT_EQ(Run({"tickets", "--config", config_, "--events", "--from", "2026-07-01"}), 0);
  EXPECT_THAT(out_.str(), StartsWith("\xEF\xBB\xBF" "number,at,kind,"));
  EXPECT_THAT(out_.str(), HasSubstr(",created,"));
}

TEST_F(ExportCliTest, UsageErrorsExitTwo) {
  EXPECT_EQ(Run({}), 2);
  EXPECT_EQ(Run({"wishes", "--config", config_}), 2);
  EXPECT_EQ(Run({"tickets"}), 2);
  EXPECT_EQ(Run({"tickets", "--config", config_, "--from", "2026-13-01"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("from"));
  EXPECT_EQ(Run({"tickets", "--config", config_, "--from", "2026-08-01", "--to", "2026-07-01"}), 2);
  EXPECT_EQ(Run({"tickets", "--config", config_, "--bogus"}), 2);
}

}  // namespace
}  // namespace linli::export_cli_test
