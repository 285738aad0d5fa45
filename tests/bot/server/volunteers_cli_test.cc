// `linli volunteers report --org NAME --from --to` (issue 9 point 6), run as the binary: CSV on
// stdout with one row per active volunteer of the organisation; bad arguments are usage errors.
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

#include "bot/server/startup.h"
#include "storage/identity_store.h"
#include "storage/open_database.h"
#include "storage/points_store.h"
#include "storage/volunteer_store.h"

namespace linli::volunteers_cli_test {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class VolunteersCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("linli_volunteers_cli_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    config_ = (dir_ / "linli.json").string();
    std::ofstream(config_, std::ios::binary)
        << "{\n  \"locale_dir\": \"" << LINLI_SOURCE_DIR << "/config/locales\",\n"
        << "  \"timezone\": \"Asia/Shanghai\",\n"
        << "  \"storage\": {\"sqlite\": {\"path\": \"" << (dir_ / "linli.db").string()
        << "\"}},\n  \"logging\": {\"level\": \"error\"}\n}\n";
    auto checked = LoadAndValidate(config_);
    ASSERT_TRUE(checked.ok()) << checked.status().ToString();
    auto opened = storage::OpenDatabase(DatabaseOptionsFor(checked->config.storage));
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    storage::Database& db = *opened->db;
    auto person = storage::IdentityStore::Touch(db, {"tg", "u-1", "u-1", ChatType::kPrivate}, 10);
    ASSERT_TRUE(person.ok());
    storage::Volunteer v;
    v.person_id = person->id;
    v.display_name = "王师傅";
    v.organisation = "区税务局党支部";
    v.status = storage::VolunteerStatus::kActive;
    ASSERT_TRUE(storage::VolunteerStore::Upsert(db, v).ok());
    storage::PointsEntry e;
    e.person_id = person->id;
    e.amount = 10;
    e.reason = "wish";
    e.ref = "12";
    e.hours_centi = 150;
    e.created_at_ms = 1796875200000;  // 2026-12-10 12:00 +08:00
    ASSERT_TRUE(storage::PointsStore::Append(db, e).ok());
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  struct Result {
    int exit_code = -1;
    std::string out, err;
  };
  Result Report(std::vector<std::string> args) {
    std::string cmd = "'" LINLI_BINARY "' volunteers report --config '" + config_ + "'";
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

  fs::path dir_;
  std::string config_;
};

TEST_F(VolunteersCliTest, PrintsOneCsvRowPerVolunteerOfTheOrganisation) {
  const Result r = Report({"--org", "区税务局党支部", "--from", "2026-12-01", "--to", "2026-12-31"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "display_name,organisation,wishes_fulfilled,hours,points_earned,mean_rating\r\n"
            "王师傅,区税务局党支部,1,1.50,10,\r\n");
  const Result before = Report({"--org", "区税务局党支部", "--from", "2026-11-01", "--to", "2026-12-09"});
  ASSERT_EQ(before.exit_code, 0) << before.err;
  EXPECT_THAT(before.out, HasSubstr("王师傅,区税务局党支部,0,0.00,0,"));
  const Result other = Report({"--org", "别的单位", "--from", "2026-12-01", "--to", "2026-12-31"});
  ASSERT_EQ(other.exit_code, 0);
  EXPECT_EQ(other.out, "display_name,organisation,wishes_fulfilled,hours,points_earned,mean_rating\r\n");
}

TEST_F(VolunteersCliTest, BadArgumentsAreUsageErrors) {
  EXPECT_EQ(Report({"--from", "2026-12-01", "--to", "2026-12-31"}).exit_code, 2);
  const Result bad = Report({"--org", "x", "--from", "2026/12/01", "--to", "2026-12-31"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("--from must be YYYY-MM-DD"));
  EXPECT_EQ(Report({"--org", "x", "--from", "2026-12-01"}).exit_code, 2);
}

}  // namespace
}  // namespace linli::volunteers_cli_test
