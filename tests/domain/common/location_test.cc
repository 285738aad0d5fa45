#include "domain/common/location.h"

#include <gtest/gtest.h>

namespace linli::dialogs::location_test {
namespace {

config::CompoundConfig Roster() {
  config::CompoundConfig c;
  c.name = "幸福里小区";
  for (int b = 1; b <= 6; ++b) c.buildings.push_back({std::to_string(b), {"1", "2", "3"}});
  c.buildings.push_back({"12", {"1"}});
  return c;
}

TEST(ParseLocationTest, AcceptsCommonWritings) {
  const auto roster = Roster();
  for (const char* text : {"3号楼2单元", "3-2", "3栋2单元", "３号楼２单元", "三号楼二单元",
                           "3幢2", "building 3 unit 2", "3号楼2单元301", "3-2-301", " 3 - 2 "}) {
    SCOPED_TRACE(text);
    const domain::ParsedLocation p = domain::ParseLocation(text, roster);
    EXPECT_EQ(p.result, domain::ParsedLocation::Result::kOk);
    EXPECT_EQ(p.building, "3");
    EXPECT_EQ(p.unit, "2");
  }
}

TEST(ParseLocationTest, BuildingAloneIsAccepted) {
  const domain::ParsedLocation p = domain::ParseLocation("5号楼", Roster());
  EXPECT_EQ(p.result, domain::ParsedLocation::Result::kOk);
  EXPECT_EQ(p.building, "5");
  EXPECT_EQ(p.unit, "");
}

TEST(ParseLocationTest, ChineseTensAreRead) {
  const domain::ParsedLocation p = domain::ParseLocation("十二号楼一单元", Roster());
  EXPECT_EQ(p.result, domain::ParsedLocation::Result::kOk);
  EXPECT_EQ(p.building, "12");
  EXPECT_EQ(p.unit, "1");
}

TEST(ParseLocationTest, UnknownBuildingAndUnitAreReported) {
  const auto roster = Roster();
  domain::ParsedLocation p = domain::ParseLocation("9号楼1单元", roster);
  EXPECT_EQ(p.result, domain::ParsedLocation::Result::kUnknownBuilding);
  EXPECT_EQ(p.building, "9");
  p = domain::ParseLocation("3号楼7单元", roster);
  EXPECT_EQ(p.result, domain::ParsedLocation::Result::kUnknownUnit);
  EXPECT_EQ(p.unit, "7");
  p = domain::ParseLocation("楼下花园", roster);
  EXPECT_EQ(p.result, domain::ParsedLocation::Result::kNoBuilding);
}

TEST(ParseLocationTest, HostileInputDoesNotOverflow) {
  const domain::ParsedLocation p = domain::ParseLocation(std::string(5000, '9') + "\xff\xfe" + "号楼", Roster());
  EXPECT_EQ(p.result, domain::ParsedLocation::Result::kUnknownBuilding);
}

// Regression (issue 13, found by fuzz/location_parser_fuzz.cc): a run of Chinese numerals grew
// by a factor of 10 per numeral without bound - digits stop growing past 6, numerals did not - so
// a room typed "伍伍伍伍伍伍伍" was stored as 5555555 while RoomOf read the stored "5555555室"
// back as 555555, and a longer run ("三三三...") overflowed `long`: undefined behaviour.
TEST(ParseLocationTest, LongRunsOfChineseNumeralsDoNotOverflow) {
  const domain::ParsedLocation room = domain::ParseLocation("1号楼3单元伍伍伍伍伍伍伍", Roster());
  ASSERT_EQ(room.result, domain::ParsedLocation::Result::kOk);
  EXPECT_EQ(room.room, domain::ParseLocation("1号楼3单元5555555", Roster()).room);
  EXPECT_EQ(domain::RoomOf(domain::FormatLocationWithRoom("1", "3", room.room, "zh-CN"), Roster()),
            room.room);

  std::string numerals;
  for (int i = 0; i < 40; ++i) numerals += "三";
  EXPECT_EQ(domain::ParseLocation(numerals + "号楼", Roster()).result,
            domain::ParsedLocation::Result::kUnknownBuilding);
  std::string tens;
  for (int i = 0; i < 40; ++i) tens += "九十";
  EXPECT_EQ(domain::ParseLocation(tens, Roster()).result,
            domain::ParsedLocation::Result::kUnknownBuilding);
}

TEST(FormatLocationTest, Locales) {
  EXPECT_EQ(domain::FormatLocation("3", "2", "zh-CN"), "3号楼2单元");
  EXPECT_EQ(domain::FormatLocation("3", "", "zh-CN"), "3号楼");
  EXPECT_EQ(domain::FormatLocation("3", "2", "en"), "Bldg 3 Unit 2");
}

}  // namespace
}  // namespace linli::dialogs::location_test

namespace linli::dialogs::location_test {
namespace {

// Issue 11: a room number typed after the unit was silently dropped.
TEST(ParseLocationTest, ARoomAfterTheUnitIsKept) {
  const auto roster = Roster();
  for (const char* text : {"3号楼2单元301", "3-2-301", "3栋2单元301室", "building 3 unit 2 room 301"}) {
    SCOPED_TRACE(text);
    const domain::ParsedLocation p = domain::ParseLocation(text, roster);
    EXPECT_EQ(p.result, domain::ParsedLocation::Result::kOk);
    EXPECT_EQ(p.room, "301");
  }
  EXPECT_EQ(domain::ParseLocation("3号楼2单元", roster).room, "");
  EXPECT_EQ(domain::FormatLocationWithRoom("3", "2", "301", "zh-CN"), "3号楼2单元301室");
  EXPECT_EQ(domain::FormatLocationWithRoom("3", "2", "301", "en"), "Bldg 3 Unit 2 Room 301");
  EXPECT_EQ(domain::FormatLocationWithRoom("3", "2", "", "zh-CN"), "3号楼2单元");
  EXPECT_EQ(domain::RoomOf("3号楼2单元301室", roster), "301");
  EXPECT_EQ(domain::RoomOf("3号楼2单元", roster), "");
}

// Issue 11: a problem at the south gate or the car park could not be reported.
TEST(ParseLocationTest, NamedPlacesOfTheCompoundAreLocations) {
  auto roster = Roster();
  roster.places = {{"south_gate", "南门"}, {"car_park", "停车场"}, {"car_park_b", "地下停车场"}};
  for (const auto& [text, id] : std::vector<std::pair<std::string, std::string>>{
           {"南门", "south_gate"}, {" 南门口 ", "south_gate"}, {"south_gate", "south_gate"},
           {"停车场B2区", "car_park"}, {"地下停车场", "car_park_b"}}) {
    SCOPED_TRACE(text);
    const domain::ParsedLocation p = domain::ParseLocation(text, roster);
    EXPECT_EQ(p.result, domain::ParsedLocation::Result::kOk);
    EXPECT_EQ(p.place, id);
    EXPECT_EQ(p.building, "");
    EXPECT_EQ(p.unit, "");
  }
  EXPECT_EQ(domain::ParseLocation("北门", roster).result, domain::ParsedLocation::Result::kNoBuilding);
  EXPECT_EQ(domain::ParseLocation("3号楼", roster).building, "3");
  EXPECT_EQ(domain::ParseLocation("3号楼", roster).place, "");
}

}  // namespace
}  // namespace linli::dialogs::location_test
