#include "config/time_zones.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace linli::config::time_zones_test {
namespace {

namespace fs = std::filesystem;

// A tiny tz database: TZif files for a few zones, a posix/ copy, and files that are not zones.
class FakeZoneInfo {
 public:
  FakeZoneInfo() : dir_(fs::temp_directory_path() / ("linli_tz_" + std::to_string(::getpid()))) {
    fs::remove_all(dir_);
    for (const char* z : {"UTC", "Asia/Shanghai", "Asia/Hong_Kong", "Asia/Tokyo",
                          "America/New_York", "America/Argentina/Buenos_Aires", "posix/Asia/Tokyo",
                          "right/UTC"}) {
      Write(z, "TZif2 fake zone data");
    }
    Write("zone1970.tab", "# not a zone\n");
    Write("Asia/README", "not TZif either");
  }
  ~FakeZoneInfo() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string dir() const { return dir_.string(); }

 private:
  void Write(const std::string& rel, const std::string& content) {
    fs::create_directories((dir_ / rel).parent_path());
    std::ofstream(dir_ / rel, std::ios::binary) << content;
  }
  fs::path dir_;
};

TEST(TimeZonesTest, IsTimeZoneNeedsAWellFormedNameOfATzifFile) {
  FakeZoneInfo tz;
  EXPECT_TRUE(IsTimeZone("UTC", tz.dir()));
  EXPECT_TRUE(IsTimeZone("Asia/Shanghai", tz.dir()));
  EXPECT_TRUE(IsTimeZone("America/Argentina/Buenos_Aires", tz.dir()));
  EXPECT_FALSE(IsTimeZone("Beijing", tz.dir()));        // no such file
  EXPECT_FALSE(IsTimeZone("Asia", tz.dir()));           // a directory
  EXPECT_FALSE(IsTimeZone("zone1970.tab", tz.dir()));   // not TZif
  EXPECT_FALSE(IsTimeZone("Asia/README", tz.dir()));
  EXPECT_FALSE(IsTimeZone("", tz.dir()));
  EXPECT_FALSE(IsTimeZone("/Asia/Shanghai", tz.dir()));
  EXPECT_FALSE(IsTimeZone("Asia//Shanghai", tz.dir()));
  EXPECT_FALSE(IsTimeZone("Asia/../UTC", tz.dir()));
  EXPECT_FALSE(IsTimeZone("Asia/Shanghai ", tz.dir()));
  EXPECT_FALSE(IsTimeZone("UTC", tz.dir() + "/missing"));
}

TEST(TimeZonesTest, ListSkipsThePosixAndRightCopiesAndNonZones) {
  FakeZoneInfo tz;
  EXPECT_EQ(ListTimeZones(tz.dir()),
            (std::vector<std::string>{"America/Argentina/Buenos_Aires", "America/New_York",
                                      "Asia/Hong_Kong", "Asia/Shanghai", "Asia/Tokyo", "UTC"}));
  EXPECT_TRUE(ListTimeZones(tz.dir() + "/missing").empty());
}

TEST(TimeZonesTest, SuggestsForCityNamesCaseSpacesAndTypos) {
  FakeZoneInfo tz;
  const std::vector<std::string> zones = ListTimeZones(tz.dir());
  EXPECT_EQ(SuggestTimeZone("Beijing", zones), "Asia/Shanghai");    // alias
  EXPECT_EQ(SuggestTimeZone("beijing", zones), "Asia/Shanghai");
  EXPECT_EQ(SuggestTimeZone("北京", zones), "Asia/Shanghai");
  EXPECT_EQ(SuggestTimeZone("Shenzhen", zones), "Asia/Shanghai");
  EXPECT_EQ(SuggestTimeZone("China", zones), "Asia/Shanghai");
  EXPECT_EQ(SuggestTimeZone("Hong Kong", zones), "Asia/Hong_Kong");
  EXPECT_EQ(SuggestTimeZone("HongKong", zones), "Asia/Hong_Kong");
  EXPECT_EQ(SuggestTimeZone("asia/shanghai", zones), "Asia/Shanghai");  // case
  EXPECT_EQ(SuggestTimeZone("Shanghai", zones), "Asia/Shanghai");       // city part
  EXPECT_EQ(SuggestTimeZone("New York", zones), "America/New_York");
  EXPECT_EQ(SuggestTimeZone("Asia/Shangai", zones), "Asia/Shanghai");   // typo
  EXPECT_EQ(SuggestTimeZone("Tokio", zones), "Asia/Tokyo");             // typo in the city
  EXPECT_EQ(SuggestTimeZone("Mars/Olympus", zones), "");
  // An alias is only offered if the database has its zone.
  EXPECT_EQ(SuggestTimeZone("Beijing", {"UTC"}), "");
}

// The real database (Debian package tzdata, installed by scripts/install-deps.sh).
TEST(TimeZonesTest, TheSystemDatabaseKnowsShanghaiAndNotBeijing) {
  const std::string dir = DefaultZoneInfoDir();
  ASSERT_TRUE(fs::is_directory(dir)) << dir << ": install tzdata";
  EXPECT_TRUE(IsTimeZone("Asia/Shanghai", dir));
  EXPECT_TRUE(IsTimeZone("UTC", dir));
  EXPECT_TRUE(IsTimeZone("America/New_York", dir));
  EXPECT_FALSE(IsTimeZone("Beijing", dir));
  EXPECT_EQ(SuggestTimeZone("Beijing", ListTimeZones(dir)), "Asia/Shanghai");
}

}  // namespace
}  // namespace linli::config::time_zones_test
