#include "domain/decisions/electorate.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "domain/people/roster_import.h"
#include "storage/migrations.h"
#include "storage/sqlite_database.h"
#include "tests/dialogs/dialog_harness.h"

namespace linli::domain::decisions::electorate_test {
namespace {

std::string ReadRoster(const std::string& name) {
  std::ifstream in(std::string(LINLI_TESTDATA_DIR) + "/roster/" + name, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class ElectorateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = storage::OpenSqlite({":memory:", "OFF", 1000});
    ASSERT_TRUE(db.ok());
    db_ = std::move(db).value();
    ASSERT_TRUE(storage::Migrate(*db_).ok());
    // 1-1-101/102: one owner by phone; 1-2-201/202: one owner by owner_id; 2-1-101..103:
    // developer units.
    auto r = ImportRoster(*db_, ReadRoster("owners_developer.csv"), dialogs::DemoConfig().compound,
                          false, 1000);
    ASSERT_TRUE(r.ok() && r->errors.empty());
  }
  std::unique_ptr<storage::Database> db_;
};

TEST_F(ElectorateTest, WholeCompoundFromTheRoster) {
  auto parts = BuildElectorate(*db_, {});
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  ASSERT_EQ(parts->size(), 7u);
  EXPECT_EQ((*parts)[0].area_centi, 8950);
  EXPECT_EQ((*parts)[0].owner_key, "13812341234");
  EXPECT_EQ((*parts)[2].owner_key, "WANG-1");
  EXPECT_TRUE((*parts)[4].developer);

  // 7 parts are 3 owners (张三 by phone, 王五 by owner_id, the developer), 645.80 m².
  RuleInput in;
  in.matter = MatterClass::kOrdinary;
  in.electorate = *parts;
  in.options = {"agree", "disagree", "abstain"};
  in.ballots = {{(*parts)[0].household_id, "agree"}, {(*parts)[2].household_id, "agree"},
                {(*parts)[3].household_id, "agree"}};
  RuleResult r = Decide(in);
  EXPECT_EQ(r.electorate, (Count{3, 8950 + 7605 + 12025 + 6000 + 30000}));
  EXPECT_EQ(r.participating, (Count{2, 8950 + 12025 + 6000}));
  EXPECT_FALSE(r.participation_met);  // 269.75 of 645.80 m² is under 2/3
}

TEST_F(ElectorateTest, ChosenBuildings) {
  auto parts = BuildElectorate(*db_, {"2"});
  ASSERT_TRUE(parts.ok());
  ASSERT_EQ(parts->size(), 3u);
  for (const Part& p : *parts) EXPECT_TRUE(p.developer);
  RuleInput in;
  in.matter = MatterClass::kMajor;
  in.electorate = *parts;
  EXPECT_EQ(Decide(in).electorate, (Count{1, 30000}));

  auto empty = BuildElectorate(*db_, {"5"});
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST(ElectorateBuildingsTest, UnknownBuildingsAreNamed) {
  const config::CompoundConfig compound = dialogs::DemoConfig().compound;  // buildings 1-6
  EXPECT_TRUE(ValidateBuildings(compound, {}).ok());
  EXPECT_TRUE(ValidateBuildings(compound, {"1", "6"}).ok());
  Status st = ValidateBuildings(compound, {"1", "9"});
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(st.message(), "building 9 is not in the compound (buildings: 1, 2, 3, 4, 5, 6)");
}

TEST(PartOfTest, CopiesTheRuleFields) {
  storage::Household h;
  h.id = 42;
  h.area_centi = 9810;
  h.owner_key = "k";
  h.developer = true;
  const Part p = PartOf(h);
  EXPECT_EQ(p.household_id, 42);
  EXPECT_EQ(p.area_centi, 9810);
  EXPECT_EQ(p.owner_key, "k");
  EXPECT_TRUE(p.developer);
}

}  // namespace
}  // namespace linli::domain::decisions::electorate_test
