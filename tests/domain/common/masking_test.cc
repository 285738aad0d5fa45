#include "domain/common/masking.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace linli::domain::masking_test {
namespace {

TEST(MaskingTest, NamesKeepTheFirstCharacter) {
  EXPECT_EQ(MaskName("张三"), "张*");
  EXPECT_EQ(MaskName("张"), "张*");
  EXPECT_EQ(MaskName("欧阳娜娜"), "欧***");
  EXPECT_EQ(MaskName("Tom"), "T**");
  EXPECT_EQ(MaskName(""), "");
}

TEST(MaskingTest, PhonesKeepThreeAndFour) {
  EXPECT_EQ(MaskPhone("13812341234"), "138****1234");
  EXPECT_EQ(MaskPhone("1234"), "****");
  EXPECT_EQ(MaskPhone(""), "");
}

TEST(MaskingTest, IdNumbersKeepThreeAndTwo) {
  EXPECT_EQ(MaskIdNumber("110105199001011234"), "110*************34");
  EXPECT_EQ(MaskIdNumber("11010519900101123X"), "110*************3X");
  EXPECT_EQ(MaskIdNumber(""), "");
}

TEST(MaskingTest, PlatformIdsKeepFourAsciiCharacters) {
  EXPECT_EQ(MaskPlatformId("oLinAbcdef123"), "oLin****");
  EXPECT_EQ(MaskPlatformId("700000001"), "7000****");
  EXPECT_EQ(MaskPlatformId("1234"), "****");
  EXPECT_EQ(MaskPlatformId(""), "****");
}

// At one position the longest matching name wins, in whatever order the names come; `more`
// (a wish's contact name) joins for one call.
TEST(MaskingTest, LongestNameWinsAndMoreNamesJoinForOneCall) {
  EXPECT_EQ(MaskFreeText("张伟国来了", {"张伟", "张伟国"}).text, "张**来了");
  EXPECT_EQ(MaskFreeText("张伟来了", {"张伟", "张伟国"}).text, "张*来了");
  const MaskNames roster({"张伟"});
  EXPECT_EQ(MaskFreeText("联系李四或张伟国", roster, MaskNames({"李四", "张伟国"})).text,
            "联系李*或张**");
  EXPECT_EQ(MaskFreeText("联系张伟", roster, MaskNames({""})).text, "联系张*");
}

// The index finds exactly the names a pass over all of them would (those of two code points or
// more whose first two bytes occur next to each other in the text), in their order.
TEST(MaskingTest, CandidatesAreWhatAPassOverEveryNameFinds) {
  std::vector<std::string> names;
  const char* surnames[] = {"张", "王", "李", "欧阳", "A", "赵"};
  const char* given[] = {"", "伟", "娜娜", "b", "国强", "x"};
  for (const char* s : surnames) {
    for (const char* g : given) names.push_back(std::string(s) + g);
  }
  names.push_back("");
  const MaskNames index(names);
  for (const std::string text :
       {"", "张", "张伟和李娜娜", "欧阳国强说Ab没来", "赵x", "王王王", "abc", "李"}) {
    std::vector<const std::string*> expected;
    for (const std::string& n : index.names()) {
      if (n.size() < 2 || n == "张" || n == "王" || n == "李" || n == "A" || n == "赵") continue;
      if (text.find(n.substr(0, 2)) != std::string::npos) expected.push_back(&n);
    }
    EXPECT_EQ(index.Candidates(text), expected) << text;
  }
}

// The finding of issue 8: a public note published a name and a phone number as typed.
TEST(MaskingTest, FreeTextMasksPhonesIdsAndKnownNames) {
  const MaskedText m = MaskFreeText("已联系业主张伟国 13812345678", {"张伟国"});
  EXPECT_EQ(m.text, "已联系业主张** 138****5678");
  EXPECT_TRUE(m.changed);

  EXPECT_EQ(MaskFreeText("电话138-1234-5678，身份证110105199001011234").text,
            "电话138****5678，身份证110*************34");
  EXPECT_EQ(MaskFreeText("请拨 010-12345678").text, "请拨 010-******78");
  EXPECT_EQ(MaskFreeText("tel:13912345678.").text, "tel:139****5678.");
}

// Regression (issue 13, found by fuzz/masking_fuzz.cc): numbers written one after another with
// a single space or dash were read as one long number, which is no phone, and kept - so both
// phones of "13812341234 13912341234" were published as typed.
TEST(MaskingTest, FreeTextMasksNumbersWrittenOneAfterAnother) {
  EXPECT_EQ(MaskFreeText("电话 13812341234 13912341234").text, "电话 138****1234 139****1234");
  EXPECT_EQ(MaskFreeText("3 13812341234").text, "3 138****1234");
  EXPECT_EQ(MaskFreeText("2026-12-31 13812341234").text, "2026-12-31 138****1234");
  EXPECT_EQ(MaskFreeText("110105199001011234 13812341234").text,
            "110*************34 138****1234");
  EXPECT_EQ(MaskFreeText("138 1234 1234 5").text, "138****1234 5");
  EXPECT_EQ(MaskFreeText("010-12345678 13812341234").text, "010-******78 138****1234");
  EXPECT_EQ(MaskFreeText("011-11010519900101123X").text, "011-110*************3X");
  EXPECT_EQ(MaskFreeText("105-19900111123X").text, "105-199****1123X");
  EXPECT_EQ(MaskFreeText("2026-12-31 12:00").text, "2026-12-31 12:00");
  EXPECT_FALSE(MaskFreeText("第 3 2 1 号").changed);
}

// Regression (issue 13, found by fuzz/masking_fuzz.cc): a malformed byte was copied as the lead
// of a 3- or 4-byte character, swallowing the bytes after it, so "\xff@all" kept its mention
// and in "\xf013812341234" the phone no longer started a number and was published as typed.
TEST(MaskingTest, FreeTextMalformedBytesSwallowNothing) {
  EXPECT_EQ(MaskFreeText("\xff@all").text, "\xff" "\uFF20all");
  EXPECT_EQ(MaskFreeText("\xf0" "13812341234").text, "\xf0" "138****1234");
  EXPECT_EQ(MaskFreeText("\xe4\xbd" "13812341234").text, "\xe4\xbd" "138****1234");
  EXPECT_EQ(MaskFreeText("你好 13812341234").text, "你好 138****1234");
}

TEST(MaskingTest, FreeTextLeavesOrdinaryNumbersAlone) {
  for (const char* s : {"3号楼2单元301室", "工单 #12 已处理", "订单号 1381234567890123",
                        "2026-12-31 前完成", "价格 12.5 元", ""}) {
    const MaskedText m = MaskFreeText(s, {"张"});  // one-character names are ignored
    EXPECT_EQ(m.text, s);
    EXPECT_FALSE(m.changed) << s;
  }
}

TEST(MaskingTest, FreeTextKeepsInvalidUtf8Bytes) {
  const std::string bad = "a\xff\xfe 13812345678";
  EXPECT_EQ(MaskFreeText(bad).text, "a\xff\xfe 138****5678");
}

// Issue 9: a wish card shows the building only.
TEST(MaskingTest, FreeTextDefusesMassMentions) {
  const MaskedText m = MaskFreeText(
      "快来 @all @ALL @所有人 @everyone <at user_id=\"all\">所有人</at> <@all> 看看 a@b.cn");
  EXPECT_TRUE(m.changed);
  EXPECT_EQ(m.text,
            "快来 ＠all ＠ALL ＠所有人 ＠everyone ＜at user_id=\"all\">所有人</at> ＜@all> 看看 a@b.cn");
  EXPECT_FALSE(MaskFreeText("邮件 a@b.cn，价格 <5 元").changed);
}

TEST(MaskingTest, DoorNumbersAreMaskedTheBuildingKept) {
  EXPECT_EQ(MaskDoorNumbers("住3号楼2单元301"), "住3号楼*单元***");
  EXPECT_EQ(MaskDoorNumbers("3栋1202室"), "3栋****室");
  EXPECT_EQ(MaskDoorNumbers("地址3-2-301"), "地址*-*-***");
  EXPECT_EQ(MaskDoorNumbers("5号的老人"), "*号的老人");
  EXPECT_EQ(MaskDoorNumbers("买2盒药，10点前"), "买2盒药，10点前");
  EXPECT_EQ(MaskDoorNumbers("138****5678"), "***********");
  EXPECT_EQ(MaskDoorNumbers(""), "");
}

TEST(MaskingTest, YearsAndDatesAreNoDoorNumbers) {
  EXPECT_EQ(MaskDoorNumbers("预计2027年3月完成"), "预计2027年3月完成");
  EXPECT_EQ(MaskDoorNumbers("2026-12-01 前更换"), "2026-12-01 前更换");
  EXPECT_EQ(MaskDoorNumbers("2026-12 排期"), "2026-12 排期");
  // Not dates: a month 13, a building-unit-room, a room written alone.
  EXPECT_EQ(MaskDoorNumbers("2026-13"), "****-**");
  EXPECT_EQ(MaskDoorNumbers("1-2-2026"), "*-*-****");
  EXPECT_EQ(MaskDoorNumbers("住2026"), "住****");
}

// Found by the fuzz campaign (fuzz/masking_fuzz.cc, 6.6 million runs in): a name whose first
// byte is malformed (0xFF, or a lead byte without its continuation bytes) kept the next two
// bytes with it, so a roster name "\xFF<@all..." left WeCom's "<@" mention markup in the
// masked text. The first character kept is now the one free text copies: the malformed byte
// alone.
TEST(MaskingTest, AMalformedFirstByteOfANameKeepsNothingAfterIt) {
  EXPECT_EQ(MaskName("\xFF<@all"), "\xFF*****");
  EXPECT_EQ(MaskName("\xE4<@x"), "\xE4***");
  EXPECT_EQ(MaskName("\xF8<at"), "\xF8***");
  const std::string crash_text("\0\0l\xDA\xFF<@all@a<ll\xFF<@all\x19\0\0\0ll\"l\"", 31);
  const MaskedText masked =
      MaskFreeText(crash_text, MaskNames({"\xFF<@all@a<ll\xFF", "<@all\x19"}));
  EXPECT_EQ(masked.text.find("<@"), std::string::npos) << masked.text;
  EXPECT_EQ(masked.text.find("<at"), std::string::npos) << masked.text;
  EXPECT_TRUE(masked.changed);
}

}  // namespace
}  // namespace linli::domain::masking_test
