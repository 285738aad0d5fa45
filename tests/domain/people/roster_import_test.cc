#include "domain/people/roster_import.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "domain/people/invite_code.h"
#include "domain/common/masking.h"
#include "storage/migrations.h"
#include "storage/roster_store.h"
#include "storage/sqlite_database.h"
#include "tests/dialogs/dialog_harness.h"

namespace linli::dialogs::roster_import_test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string ReadTestdata(const std::string& name) {
  std::ifstream in(std::string(LINLI_TESTDATA_DIR) + "/roster/" + name, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  EXPECT_TRUE(in.good() || in.eof()) << name;
  return s.str();
}

config::CompoundConfig Compound() { return DemoConfig().compound; }  // buildings 1-6, units 1-3

std::unique_ptr<storage::Database> MigratedDb() {
  auto db = storage::OpenSqlite({":memory:", "OFF", 1000});
  EXPECT_TRUE(db.ok());
  EXPECT_TRUE(storage::Migrate(**db).ok());
  return std::move(db).value();
}

int64_t CountHouseholds(storage::Database& db) {
  auto rows = db.Query("SELECT COUNT(*) FROM households");
  EXPECT_TRUE(rows.ok());
  return rows.ok() ? (*rows)[0].Int(0) : -1;
}

// --- CSV records ---

TEST(CsvTest, QuotesCommasDoubledQuotesAndLineBreaks) {
  domain::CsvParse p = domain::ParseCsv("a,\"b,c\",\"say \"\"hi\"\"\"\n\"two\nlines\",x,\n");
  ASSERT_TRUE(p.errors.empty()) << p.errors[0];
  ASSERT_EQ(p.records.size(), 2u);
  EXPECT_THAT(p.records[0].fields, ElementsAre("a", "b,c", "say \"hi\""));
  EXPECT_EQ(p.records[0].line, 1);
  EXPECT_THAT(p.records[1].fields, ElementsAre("two\nlines", "x", ""));
  EXPECT_EQ(p.records[1].line, 2);
}

TEST(CsvTest, BomAndEveryLineEnd) {
  domain::CsvParse p = domain::ParseCsv("\xEF\xBB\xBFh1,h2\r\na,b\rc,d\ne,f");
  ASSERT_TRUE(p.errors.empty());
  ASSERT_EQ(p.records.size(), 4u);
  EXPECT_EQ(p.records[0].fields[0], "h1");  // the BOM is not part of the first header
  EXPECT_EQ(p.records[2].line, 3);
  EXPECT_THAT(p.records[3].fields, ElementsAre("e", "f"));
  EXPECT_EQ(p.records[3].line, 4);
}

TEST(CsvTest, MalformedQuotesAreLineErrorsAndParsingGoesOn) {
  domain::CsvParse p = domain::ParseCsv("a,b\"c\n\"x\"y,z\nok,1\n\"open,2\n");
  ASSERT_EQ(p.errors.size(), 3u);
  EXPECT_THAT(p.errors[0], HasSubstr("line 1: a quote inside unquoted field 2"));
  EXPECT_THAT(p.errors[1], HasSubstr("line 2: unexpected text after the closing quote of field 1"));
  EXPECT_THAT(p.errors[2], HasSubstr("line 4: a quoted field is not closed"));
  ASSERT_EQ(p.records.size(), 1u);
  EXPECT_EQ(p.records[0].line, 3);
}

// --- roster validation ---

TEST(RosterCsvTest, GoodFileParses) {
  domain::RosterParse p = domain::ParseRosterCsv(ReadTestdata("good.csv"), Compound());
  ASSERT_TRUE(p.errors.empty()) << p.errors[0];
  ASSERT_EQ(p.lines.size(), 5u);
  const auto& h = p.lines[2].household;
  EXPECT_EQ(p.lines[2].line, 4);
  EXPECT_EQ(h.building, "1");
  EXPECT_EQ(h.unit, "2");
  EXPECT_EQ(h.room, "201");
  EXPECT_DOUBLE_EQ(h.area_m2, 120.25);
  EXPECT_EQ(h.owner_name, "欧阳娜娜");
  EXPECT_EQ(h.phone, "13900001111");                       // spaces removed
  EXPECT_EQ(p.lines[3].household.owner_name, "王五, 赵六");  // quoted comma
  EXPECT_EQ(p.lines[3].household.phone, "15900002222");      // +86 removed
  EXPECT_EQ(p.lines[4].household.owner_name, "Tom \"TJ\" Jones");
  EXPECT_EQ(p.lines[1].household.phone, "");  // phone may be empty
}

TEST(RosterCsvTest, ExcelExportWithBomCrlfChineseHeaderAndBlankRows) {
  domain::RosterParse p = domain::ParseRosterCsv(ReadTestdata("excel_bom_crlf.csv"), Compound());
  ASSERT_TRUE(p.errors.empty()) << p.errors[0];
  ASSERT_EQ(p.lines.size(), 2u);
  EXPECT_EQ(p.lines[0].household.building, "2");
  EXPECT_EQ(p.lines[1].household.owner_name, "陈二");
}

TEST(RosterCsvTest, EveryBadLineGetsItsOwnMessage) {
  domain::RosterParse p = domain::ParseRosterCsv(ReadTestdata("many_errors.csv"), Compound());
  EXPECT_TRUE(p.lines.empty());  // nothing to import when anything is wrong
  EXPECT_THAT(p.errors,
              ElementsAre("line 4: building 9 is not in the compound (buildings: 1, 2, 3, 4, 5, 6)",
                          "line 5: unit 9 is not in building 3 (units: 1, 2, 3)",
                          "line 6: room is empty",
                          HasSubstr("line 7: area_m2 \"abc\" is not a positive number"),
                          HasSubstr("line 8: area_m2 \"-5\" is not a positive number"),
                          HasSubstr("line 9: area_m2 \"0\" is not a positive number"),
                          HasSubstr("line 10: phone \"12345\" is not an 11-digit mainland mobile"),
                          "line 11: building 1 unit 1 room 101 is already on line 2",
                          "line 12: expected 6 fields, found 4",
                          HasSubstr("line 13: a quoted field is not closed")));
}

TEST(RosterCsvTest, NumbersAndPhonesAreStrict) {
  const std::string header = "building,unit,room,area_m2,owner_name,phone\n";
  for (const char* bad : {"1e2", "89,5", "NaN", "inf", ".5", "5.", "1.2.3", "", "0.00", "10001"}) {
    domain::RosterParse p = domain::ParseRosterCsv(header + "1,1,101,\"" + bad + "\",x,\n", Compound());
    EXPECT_EQ(p.errors.size(), 1u) << bad;
  }
  for (const char* bad : {"12812341234", "1381234123", "138123412345", "2381234123a", "1381234123x"}) {
    domain::RosterParse p = domain::ParseRosterCsv(header + "1,1,101,80,x," + bad + "\n", Compound());
    EXPECT_EQ(p.errors.size(), 1u) << bad;
  }
  domain::RosterParse ok = domain::ParseRosterCsv(header + "1,1,101, 80.5 ,x,138-1234-1234\n", Compound());
  ASSERT_TRUE(ok.errors.empty()) << ok.errors[0];
  EXPECT_EQ(ok.lines[0].household.phone, "13812341234");
}

// Issue 10: areas are read exactly from their decimal text, never through a float.
TEST(RosterCsvTest, AreasAreExactHundredths) {
  const std::string header = "building,unit,room,area_m2,owner_name,phone\n";
  for (const auto& [text, centi] : std::vector<std::pair<std::string, int64_t>>{
           {"89.5", 8950}, {"89.50", 8950}, {"76", 7600}, {"0.01", 1}, {"76.29", 7629},
           {"0098.10", 9810}, {"10000", 1000000}, {"10000.00", 1000000}}) {
    domain::RosterParse p = domain::ParseRosterCsv(header + "1,1,101," + text + ",x,\n", Compound());
    ASSERT_TRUE(p.errors.empty()) << text << ": " << p.errors[0];
    EXPECT_EQ(p.lines[0].household.area_centi, centi) << text;
    EXPECT_DOUBLE_EQ(p.lines[0].household.area_m2, static_cast<double>(centi) / 100) << text;
  }
  EXPECT_EQ(domain::ParseAreaCenti("89.505").error, domain::AreaError::kTooPrecise);
  EXPECT_EQ(domain::ParseAreaCenti("10000.01").error, domain::AreaError::kTooLarge);
  EXPECT_EQ(domain::ParseAreaCenti("99999999999999999999").error, domain::AreaError::kTooLarge);
  EXPECT_EQ(domain::ParseAreaCenti("1,5").error, domain::AreaError::kNotANumber);
  EXPECT_EQ(domain::FormatAreaCenti(8950), "89.50");
  EXPECT_EQ(domain::FormatAreaCenti(1), "0.01");
  EXPECT_EQ(domain::FormatAreaCenti(1000000), "10000.00");
}

TEST(RosterCsvTest, MoreThanTwoDecimalsIsAnErrorNamingTheLine) {
  domain::RosterParse p = domain::ParseRosterCsv(
      "building,unit,room,area_m2,owner_name,phone\n1,1,101,80,x,\n1,1,102,89.505,y,\n", Compound());
  EXPECT_TRUE(p.lines.empty());
  EXPECT_THAT(p.errors, ElementsAre("line 3: area_m2 89.505 has more than 2 decimals (areas are "
                                    "kept exactly to 0.01 m²)"));
}

TEST(RosterCsvTest, OptionalOwnerIdAndDeveloperColumns) {
  domain::RosterParse p = domain::ParseRosterCsv(ReadTestdata("owners_developer.csv"), Compound());
  ASSERT_TRUE(p.errors.empty()) << p.errors[0];
  ASSERT_EQ(p.lines.size(), 7u);
  EXPECT_EQ(p.lines[0].household.owner_key, "");  // the store takes the phone
  EXPECT_EQ(p.lines[1].household.area_centi, 7605);
  EXPECT_EQ(p.lines[2].household.owner_key, "WANG-1");
  EXPECT_EQ(p.lines[3].household.owner_key, "WANG-1");
  for (size_t i = 0; i < 7; ++i) EXPECT_EQ(p.lines[i].household.developer, i >= 4) << i;

  // Chinese headers, in another order.
  p = domain::ParseRosterCsv("开发商,楼栋,单元,房号,面积,业主姓名,手机号,业主编号\n是,1,1,101,80,,,A\n",
                             Compound());
  ASSERT_TRUE(p.errors.empty()) << p.errors[0];
  EXPECT_TRUE(p.lines[0].household.developer);
  EXPECT_EQ(p.lines[0].household.owner_key, "A");

  // Bad values name their line; every line has the header's field count.
  p = domain::ParseRosterCsv(
      "building,unit,room,area_m2,owner_name,phone,owner_id,developer\n"
      "1,1,101,80,x,,,maybe\n"
      "1,1,102,80,x,,household:7,\n"
      "1,1,103,80,x,\n"
      "1,1,104,80,x,," + std::string(65, 'k') + ",\n",
      Compound());
  EXPECT_THAT(p.errors, ElementsAre(HasSubstr("line 2: developer \"maybe\" is not 1/0, yes/no or 是/否"),
                                    HasSubstr("line 3: owner_id \"household:7\" must not start with"),
                                    "line 4: expected 8 fields, found 6",
                                    HasSubstr("line 5: owner_id is too long")));
  EXPECT_THAT(domain::ParseRosterCsv("building,unit,room,area_m2,owner_name,phone,developer,developer\n",
                                     Compound()).errors,
              ElementsAre(HasSubstr("column \"developer\" appears twice")));
}

TEST(RosterCsvTest, HeaderProblems) {
  EXPECT_THAT(domain::ParseRosterCsv("", Compound()).errors, ElementsAre(HasSubstr("no header line")));
  EXPECT_THAT(domain::ParseRosterCsv("\n\n", Compound()).errors, ElementsAre(HasSubstr("no header line")));
  // A file that starts with data: the first line is read as the header.
  EXPECT_THAT(domain::ParseRosterCsv("1,1,101,80,x,\n", Compound()).errors[0],
              HasSubstr("line 1: unknown column \"1\" (the first line must be the header"));
  EXPECT_THAT(domain::ParseRosterCsv("building,unit,room,area_m2,owner_name\n1,1,101,80,x\n", Compound()).errors,
              ElementsAre(HasSubstr("line 1: missing column(s) phone")));
  EXPECT_THAT(domain::ParseRosterCsv("building,unit,room,area_m2,owner_name,phone\n", Compound()).errors,
              ElementsAre(HasSubstr("no household lines")));
  // Columns in another order are fine.
  domain::RosterParse p = domain::ParseRosterCsv("phone,room,unit,building,owner_name,area_m2\n,101,2,3,x,80\n", Compound());
  ASSERT_TRUE(p.errors.empty());
  EXPECT_EQ(p.lines[0].household.building, "3");
  EXPECT_EQ(p.lines[0].household.unit, "2");
}

TEST(RosterCsvTest, NonUtf8IsNamed) {
  // "张" in GBK: Excel's default "CSV" on a Chinese Windows.
  domain::RosterParse p = domain::ParseRosterCsv("building,unit,room,area_m2,owner_name,phone\n1,1,101,80,\xD5\xC5,\n",
                                 Compound());
  EXPECT_THAT(p.errors, ElementsAre(HasSubstr("line 2: owner_name is not valid UTF-8")));
}

// --- import ---

// --- the compound a roster names (linli init) ---

TEST(RosterCompoundTest, BuildingsAndUnitsInNaturalOrderFromAnyIds) {
  const std::string csv =
      "building,unit,room,area_m2,owner_name,phone\n"
      "10,2,201,80,,\n"
      "2,1,101,80,,\n"
      "10,1,101,80,,\n"
      "2,1,102,80,,\n"
      "A座,3,301,80,,\n"
      "01,1,101,80,,\n";
  const domain::RosterCompound c = domain::CompoundOfRosterCsv(csv);
  ASSERT_TRUE(c.errors.empty()) << c.errors[0];
  EXPECT_EQ(c.households, 6u);
  ASSERT_EQ(c.buildings.size(), 4u);  // "01" and "2" stay apart from each other and from "1"
  EXPECT_EQ(c.buildings[0].id, "01");
  EXPECT_EQ(c.buildings[1].id, "2");
  EXPECT_THAT(c.buildings[1].units, ElementsAre("1"));
  EXPECT_EQ(c.buildings[2].id, "10");
  EXPECT_THAT(c.buildings[2].units, ElementsAre("1", "2"));
  EXPECT_EQ(c.buildings[3].id, "A座");
}

TEST(RosterCompoundTest, TheImportParserAcceptsTheFileAgainstTheCompoundItNames) {
  const std::string csv = ReadTestdata("good.csv");
  domain::RosterCompound c = domain::CompoundOfRosterCsv(csv);
  ASSERT_TRUE(c.errors.empty());
  config::CompoundConfig compound;
  compound.buildings = c.buildings;
  const domain::RosterParse parsed = domain::ParseRosterCsv(csv, compound);
  EXPECT_TRUE(parsed.errors.empty());
  EXPECT_EQ(parsed.lines.size(), c.households);
}

TEST(RosterCompoundTest, LineErrorsAreThoseOfTheImportAndNoBuildingIsGiven) {
  const domain::RosterCompound c = domain::CompoundOfRosterCsv(
      "building,unit,room,area_m2,owner_name,phone\n1,,101,80,,\n1,1,102,abc,,\n");
  EXPECT_THAT(c.errors, ElementsAre(HasSubstr("line 2: unit is empty"),
                                    HasSubstr("line 3: area_m2 \"abc\"")));
  EXPECT_TRUE(c.buildings.empty());
  EXPECT_FALSE(domain::CompoundOfRosterCsv("room,unit\n").errors.empty());
  EXPECT_FALSE(domain::CompoundOfRosterCsv("").errors.empty());
}

TEST(RosterImportTest, ImportsEveryLine) {
  auto db = MigratedDb();
  auto r = domain::ImportRoster(*db, ReadTestdata("good.csv"), Compound(), false, 1000);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->errors.empty());
  EXPECT_EQ(r->inserted, 5);
  EXPECT_EQ(CountHouseholds(*db), 5);
}

TEST(RosterImportTest, ABadLastLineImportsNothing) {
  auto db = MigratedDb();
  auto r = domain::ImportRoster(*db, ReadTestdata("bad_last_line.csv"), Compound(), false, 1000);
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(r->errors, ElementsAre("line 5: unit 9 is not in building 3 (units: 1, 2, 3)"));
  EXPECT_EQ(r->inserted, 0);
  EXPECT_EQ(CountHouseholds(*db), 0);
}

TEST(RosterImportTest, ReimportIsAnErrorUnlessUpdate) {
  auto db = MigratedDb();
  ASSERT_TRUE(domain::ImportRoster(*db, ReadTestdata("good.csv"), Compound(), false, 1000).ok());
  const std::string again =
      "building,unit,room,area_m2,owner_name,phone\n"
      "6,3,601,70,新户,\n"
      "1,1,101,90,张三丰,13812340000\n";
  auto r = domain::ImportRoster(*db, again, Compound(), false, 2000);
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(r->errors, ElementsAre("line 3: building 1 unit 1 room 101 is already in the roster "
                                     "(use --update to replace its area, owner and phone)"));
  EXPECT_EQ(CountHouseholds(*db), 5);  // 6-3-601 was not added either

  r = domain::ImportRoster(*db, again, Compound(), true, 2000);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->errors.empty());
  EXPECT_EQ(r->inserted, 1);
  EXPECT_EQ(r->updated, 1);
  auto h = storage::RosterStore::FindHousehold(*db, "1", "1", "101");
  ASSERT_TRUE(h.ok() && h->has_value());
  EXPECT_EQ((*h)->owner_name, "张三丰");
  EXPECT_DOUBLE_EQ((*h)->area_m2, 90);
}

// Issue 10: owner_id groups units into one owner; without it the phone does, and a
// household with neither is its own owner.
TEST(RosterImportTest, OwnerKeysAndDeveloperFlagsAreStored) {
  auto db = MigratedDb();
  auto r = domain::ImportRoster(*db, ReadTestdata("owners_developer.csv"), Compound(), false, 1000);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(r->errors.empty()) << r->errors[0];
  auto get = [&](const std::string& b, const std::string& u, const std::string& room) {
    auto h = storage::RosterStore::FindHousehold(*db, b, u, room);
    EXPECT_TRUE(h.ok() && h->has_value()) << b << "-" << u << "-" << room;
    return h.ok() && h->has_value() ? **h : storage::Household{};
  };
  EXPECT_EQ(get("1", "1", "101").owner_key, "13812341234");
  EXPECT_EQ(get("1", "1", "102").owner_key, "13812341234");
  EXPECT_EQ(get("1", "1", "102").area_centi, 7605);
  EXPECT_EQ(get("1", "2", "201").owner_key, "WANG-1");
  EXPECT_EQ(get("1", "2", "202").owner_key, "WANG-1");
  const storage::Household dev = get("2", "1", "101");
  EXPECT_TRUE(dev.developer);
  EXPECT_EQ(dev.owner_key, "household:" + std::to_string(dev.id));
  EXPECT_FALSE(get("1", "1", "101").developer);
}

// --- listing, codes (masking: tests/domain/common/masking_test.cc) ---

config::Texts ShippedTexts() {
  auto t = config::Texts::Load(std::string(LINLI_SOURCE_DIR) + "/config/locales", {"zh-CN", "en"});
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return t.ok() ? *t : config::Texts();
}

TEST(RosterListTest, GroupedSortedAndMaskedByDefault) {
  auto db = MigratedDb();
  ASSERT_TRUE(domain::ImportRoster(*db, ReadTestdata("good.csv"), Compound(), false, 1000).ok());
  auto list = storage::RosterStore::List(*db);
  ASSERT_TRUE(list.ok());
  const config::Texts texts = ShippedTexts();
  const std::string masked = domain::FormatRosterList(Compound(), *list, false, texts, "en");
  EXPECT_THAT(masked, HasSubstr("5 households, 0 bound persons"));
  EXPECT_THAT(masked, HasSubstr("Building 1\n  Unit 1\n    101  89.50 m²  owner 张*  phone 138****1234  bound 0\n"));
  EXPECT_THAT(masked, HasSubstr("    102  76.00 m²  owner 李*  phone -  bound 0\n"));
  EXPECT_THAT(masked, HasSubstr("owner 欧***"));
  // Natural room order: 301 before 1201.
  EXPECT_LT(masked.find("    301 "), masked.find("    1201 "));
  for (const char* secret : {"张三", "13812341234", "欧阳", "王五", "15900002222"}) {
    EXPECT_EQ(masked.find(secret), std::string::npos) << secret;
  }
  const std::string full = domain::FormatRosterList(Compound(), *list, true, texts, "en");
  EXPECT_THAT(full, HasSubstr("owner 张三  phone 13812341234"));
  EXPECT_THAT(full, HasSubstr("UNMASKED"));
}

TEST(RosterListTest, SpeaksTheConfiguredLocale) {
  auto db = MigratedDb();
  const config::Texts texts = ShippedTexts();
  auto empty = storage::RosterStore::List(*db);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(domain::FormatRosterList(Compound(), *empty, false, texts, "zh-CN"),
            "花名册为空。导入：linli roster import FILE.csv --config FILE\n");
  ASSERT_TRUE(domain::ImportRoster(*db, ReadTestdata("good.csv"), Compound(), false, 1000).ok());
  auto list = storage::RosterStore::List(*db);
  ASSERT_TRUE(list.ok());
  const std::string zh = domain::FormatRosterList(Compound(), *list, false, texts, "zh-CN");
  EXPECT_THAT(zh, HasSubstr("5 户，已绑定 0 人（业主姓名和电话已打码；加 --full 显示全文）\n"));
  EXPECT_THAT(zh, HasSubstr("\n1号楼\n  1单元\n    101  89.50 平方米  业主 张*  电话 138****1234  已绑定 0 人\n"));
  for (const char* english : {"Building", "Unit", "owner", "phone", "bound", "households"}) {
    EXPECT_EQ(zh.find(english), std::string::npos) << english;
  }
  EXPECT_EQ(zh.find("13812341234"), std::string::npos);
}

TEST(InviteCodeTest, CodesUseTheUnambiguousAlphabet) {
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) {
    const std::string code = domain::DrawInviteCode();
    ASSERT_EQ(code.size(), domain::kInviteCodeLength);
    for (char c : code) {
      EXPECT_EQ(std::string("0O1IL").find(c), std::string::npos) << code;
      EXPECT_NE(domain::kInviteCodeAlphabet.find(c), std::string_view::npos) << code;
    }
    seen.insert(code);
  }
  EXPECT_EQ(seen.size(), 2000u);  // 31^8 codes: a repeat here would mean a broken generator
}

TEST(InviteCodeTest, TypedCodesAreNormalized) {
  EXPECT_EQ(domain::NormalizeInviteCode("abcd2345"), "ABCD2345");
  EXPECT_EQ(domain::NormalizeInviteCode(" ABCD-2345 "), "ABCD2345");
  EXPECT_EQ(domain::NormalizeInviteCode("ＡＢＣＤ２３４５"), "ABCD2345");  // full-width input method
  EXPECT_EQ(domain::NormalizeInviteCode("ABCD 2345"), "ABCD2345");
  EXPECT_FALSE(domain::NormalizeInviteCode("ABCD234"));
  EXPECT_FALSE(domain::NormalizeInviteCode("ABCD23456"));
  EXPECT_FALSE(domain::NormalizeInviteCode("ABCD0123"));  // 0 and 1 are never in a code
  EXPECT_FALSE(domain::NormalizeInviteCode("绑定ABCD2345"));
}

TEST(RosterCodesTest, OneUnusedCodePerHouseholdStableUntilUsed) {
  auto db = MigratedDb();
  ASSERT_TRUE(domain::ImportRoster(*db, ReadTestdata("good.csv"), Compound(), false, 1000).ok());
  auto first = storage::RosterStore::EnsureCodes(*db, "", 2000, domain::DrawInviteCode);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(first->size(), 5u);
  std::set<std::string> codes;
  for (const auto& c : *first) {
    EXPECT_TRUE(c.created);
    codes.insert(c.code);
  }
  EXPECT_EQ(codes.size(), 5u);
  // Shown again, not redrawn.
  auto second = storage::RosterStore::EnsureCodes(*db, "", 3000, domain::DrawInviteCode);
  ASSERT_TRUE(second.ok());
  for (const auto& c : *second) {
    EXPECT_FALSE(c.created);
    EXPECT_EQ(codes.count(c.code), 1u);
  }
  // --building filters.
  auto b3 = storage::RosterStore::EnsureCodes(*db, "3", 3000, domain::DrawInviteCode);
  ASSERT_TRUE(b3.ok());
  EXPECT_EQ(b3->size(), 2u);
  const std::string sheet = domain::FormatInviteCodes(Compound(), *b3);
  EXPECT_THAT(sheet, HasSubstr("building\tunit\troom\tcode\n3\t2\t301\t"));
  EXPECT_LT(sheet.find("\t301\t"), sheet.find("\t1201\t"));
}

TEST(RosterCodesTest, ATakenCandidateIsRedrawn) {
  auto db = MigratedDb();
  ASSERT_TRUE(domain::ImportRoster(*db, ReadTestdata("good.csv"), Compound(), false, 1000).ok());
  // A generator that repeats itself: each household must still get a distinct code.
  int calls = 0;
  auto sticky = [&calls] { return std::string(++calls % 2 == 0 ? "AAAAAAAA" : "BBBBBBB") + "A"; };
  auto r = storage::RosterStore::EnsureCodes(*db, "1", 1000, sticky);
  EXPECT_FALSE(r.ok());  // 3 households, only 2 distinct candidates: gives up, nothing kept
  EXPECT_EQ(r.status().code(), StatusCode::kInternal);
  auto rows = db->Query("SELECT COUNT(*) FROM invite_codes");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].Int(0), 0);
}

}  // namespace
}  // namespace linli::dialogs::roster_import_test
