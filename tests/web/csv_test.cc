// CSV quoting (issue 12 point 4): RFC 4180 and the formula-injection guard.
#include "web/csv.h"

#include <gtest/gtest.h>

namespace linli::web::csv_test {
namespace {

TEST(CsvTest, PlainFieldsStayAsTheyAre) {
  EXPECT_EQ(CsvField(""), "");
  EXPECT_EQ(CsvField("楼道灯坏了"), "楼道灯坏了");
  EXPECT_EQ(CsvField("12"), "12");
  EXPECT_EQ(CsvField("a b"), "a b");
}

TEST(CsvTest, CommasQuotesAndLineBreaksAreQuoted) {
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("line1\nline2"), "\"line1\nline2\"");
  EXPECT_EQ(CsvField("a\r\nb"), "\"a\r\nb\"");
}

TEST(CsvTest, FormulasAreDefused) {
  EXPECT_EQ(CsvField("=1+1"), "'=1+1");
  EXPECT_EQ(CsvField("+86 138"), "'+86 138");
  EXPECT_EQ(CsvField("-2"), "'-2");
  EXPECT_EQ(CsvField("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(CsvField("\t=cmd"), "'\t=cmd");
  EXPECT_EQ(CsvField("=HYPERLINK(\"http://x\",\"y\")"), "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
  EXPECT_EQ(CsvField("\r=cmd"), "\"'\r=cmd\"");
  EXPECT_EQ(CsvField("a=b"), "a=b");  // only a leading character counts
}

TEST(CsvTest, RecordsEndWithCrlf) {
  EXPECT_EQ(CsvRecord({"number", "描述", "a,b", ""}), "number,描述,\"a,b\",\r\n");
  EXPECT_EQ(CsvRecord({}), "\r\n");
  EXPECT_EQ(std::string(kUtf8Bom), "\xEF\xBB\xBF");
}

}  // namespace
}  // namespace linli::web::csv_test
