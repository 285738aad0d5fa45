// `linli report quarterly --quarter YYYY-Qn [--csv FILE]` (issue 11 point 7), run through its
// function: offline (a channel's unset secret is no error), the list on stdout, the CSV
// written, usage errors exit 2; a confirmed list is printed as stored.
#include "bot/server/report_command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "bot/server/startup.h"
#include "storage/open_database.h"
#include "storage/report_store.h"
#include "storage/ticket_store.h"

namespace linli::report_cli_test {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

const char* NoEnv(const char*) { return nullptr; }

class ReportCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("linli_report_cli_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    config_ = (dir_ / "linli.json").string();
    std::ofstream(config_, std::ios::binary)
        << "{\n  \"locale_dir\": \"" << LINLI_SOURCE_DIR << "/config/locales\",\n"
        << "  \"timezone\": \"Asia/Shanghai\",\n"
        << "  \"channels\": [{\"name\": \"tg\", \"type\": \"telegram\", \"token\": \"${TG_TOKEN}\","
        << " \"secret_token\": \"${TG_SECRET}\"}],\n"
        << "  \"compound\": {\"name\": \"幸福里小区\", \"buildings\": [{\"id\": \"1\", \"units\": [\"1\"]},"
        << " {\"id\": \"2\", \"units\": [\"1\"]}]},\n"
        << "  \"property_companies\": [{\"id\": \"sun\", \"name\": \"阳光物业\", \"buildings\": [\"1\"]},"
        << " {\"id\": \"home\", \"name\": \"安居物业\", \"buildings\": [\"2\"]}],\n"
        << "  \"red_black\": {\"min_tickets\": 1, \"min_appraisals\": 0},\n"
        << "  \"storage\": {\"sqlite\": {\"path\": \"" << (dir_ / "linli.db").string()
        << "\"}},\n  \"logging\": {\"level\": \"error\"}\n}\n";
    auto checked = LoadAndValidate(config_, NoEnv, ChannelSecrets::kNotNeeded);
    ASSERT_TRUE(checked.ok()) << checked.status().ToString();
    auto opened = storage::OpenDatabase(DatabaseOptionsFor(checked->config.storage));
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    storage::Ticket t;
    t.category = "repair";
    t.building = "1";
    t.description = "楼道灯坏了";
    t.created_at_ms = 1783000000000;  // 2026-07-02, in 2026-Q3
    ASSERT_TRUE(storage::TicketStore::Create(*opened->db, t).ok());
  }
  void TearDown() override { fs::remove_all(dir_); }

  int Run(std::vector<std::string> args) {
    out_.str("");
    err_.str("");
    return RunReportCommand(args, NoEnv, out_, err_);
  }

  fs::path dir_;
  std::string config_;
  std::ostringstream out_, err_;
};

TEST_F(ReportCliTest, PrintsTheQuarterAndWritesCsvWithoutChannelSecrets) {
  const std::string csv = (dir_ / "q3.csv").string();
  ASSERT_EQ(Run({"quarterly", "--config", config_, "--quarter", "2026-Q3", "--csv", csv}), 0)
      << err_.str();
  const std::string text = out_.str();
  EXPECT_THAT(text, HasSubstr("【红黑榜】幸福里小区 2026-Q3"));
  EXPECT_THAT(text, HasSubstr("1. 阳光物业 0.0 分｜受理 1 件"));
  EXPECT_THAT(text, HasSubstr("未排名：安居物业——本季度受理 0 件，少于 1 件"));
  EXPECT_THAT(text, HasSubstr("评分方法"));
  EXPECT_THAT(text, Not(HasSubstr("楼道灯坏了")));
  std::ifstream in(csv, std::ios::binary);
  std::stringstream body;
  body << in.rdbuf();
  EXPECT_THAT(body.str(), HasSubstr("quarter,company_id,company,rank"));
  EXPECT_THAT(body.str(), HasSubstr("2026-Q3,sun,阳光物业,1,red,0.0,yes,,1,0,0,0.000,"));
  EXPECT_THAT(body.str(), HasSubstr("2026-Q3,home,安居物业,,,,no,tickets,0,"));
  EXPECT_THAT(err_.str(), HasSubstr("CSV 已写入"));
  // Q4 has nothing.
  ASSERT_EQ(Run({"quarterly", "--config", config_, "--quarter", "2026-Q4"}), 0) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("未排名：阳光物业——本季度受理 0 件"));
}

TEST_F(ReportCliTest, AConfirmedListIsPrintedAsStored) {
  {
    auto checked = LoadAndValidate(config_, NoEnv, ChannelSecrets::kNotNeeded);
    ASSERT_TRUE(checked.ok());
    auto opened = storage::OpenDatabase(DatabaseOptionsFor(checked->config.storage));
    ASSERT_TRUE(opened.ok());
    storage::ReportDraft d;
    d.kind = "red_black";
    d.period = "2026-Q2";
    d.body = R"({"quarter": "2026-Q2", "rule": {"min_tickets": 1, "min_appraisals": 0,
      "top_n": 1, "bottom_n": 1}, "companies": [{"id": "sun", "name": "阳光物业", "received": 9,
      "ranked": true, "score": 88.5, "rank": 1, "list": "red"}]})";
    ASSERT_TRUE(*storage::ReportStore::CreateDraftIfAbsent(*opened->db, d));
    ASSERT_TRUE(*storage::ReportStore::Confirm(*opened->db, "red_black", "2026-Q2", 1, "x", 5));
  }
  ASSERT_EQ(Run({"quarterly", "--config", config_, "--quarter", "2026-Q2"}), 0) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("红榜：阳光物业（88.5 分）"));
  EXPECT_THAT(out_.str(), HasSubstr("受理 9 件"));
  EXPECT_THAT(out_.str(), Not(HasSubstr("草稿")));
}

TEST_F(ReportCliTest, UsageErrors) {
  EXPECT_EQ(Run({}), 2);
  EXPECT_EQ(Run({"monthly", "--config", config_}), 2);
  EXPECT_EQ(Run({"quarterly", "--config", config_}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("--quarter"));
  EXPECT_EQ(Run({"quarterly", "--quarter", "2026-Q3"}), 2);
  EXPECT_EQ(Run({"quarterly", "--config", config_, "--quarter", "2026-Q3", "--bogus"}), 2);
  EXPECT_EQ(Run({"quarterly", "--config", config_, "--quarter", "2026-Q5"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("YYYY-Qn"));
  EXPECT_EQ(Run({"quarterly", "--config", (dir_ / "missing.json").string(), "--quarter", "2026-Q3"}), 1);
}

}  // namespace
}  // namespace linli::report_cli_test
