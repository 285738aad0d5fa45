#include "storage/postgres_sql.h"

#include <gtest/gtest.h>

namespace linli::storage::postgres_sql_test {
namespace {

TEST(PostgresSqlTest, NumbersPlaceholdersInOrder) {
  const PlaceholderSql p = ToNumberedPlaceholders("SELECT a FROM t WHERE b = ? AND c IN (?, ?)");
  EXPECT_EQ(p.sql, "SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)");
  EXPECT_EQ(p.parameters, 3u);
  const PlaceholderSql none = ToNumberedPlaceholders("SELECT 1");
  EXPECT_EQ(none.sql, "SELECT 1");
  EXPECT_EQ(none.parameters, 0u);
  EXPECT_EQ(ToNumberedPlaceholders("?").sql, "$1");
  EXPECT_EQ(ToNumberedPlaceholders("x=?,y=?").sql, "x=$1,y=$2");
}

TEST(PostgresSqlTest, LeavesQuestionMarksInLiteralsIdentifiersAndComments) {
  struct Case {
    const char* in;
    const char* out;
    size_t n;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"SELECT '?', ?", "SELECT '?', $1", 1},
           {"SELECT 'it''s ?', ?", "SELECT 'it''s ?', $1", 1},
           {"SELECT E'a\\'?', ?", "SELECT E'a\\'?', $1", 1},
           {"SELECT 'a\\', ?", "SELECT 'a\\', $1", 1},  // no escapes in a plain literal
           {"SELECT \"odd?name\" FROM t WHERE x = ?", "SELECT \"odd?name\" FROM t WHERE x = $1", 1},
           {"SELECT ? -- why?\n, ?", "SELECT $1 -- why?\n, $2", 2},
           {"SELECT /* a /* nested? */ still? */ ?", "SELECT /* a /* nested? */ still? */ $1", 1},
           {"SELECT $$?$$, ?", "SELECT $$?$$, $1", 1},
           {"SELECT $tag$ '? $$ $tag$, ?", "SELECT $tag$ '? $$ $tag$, $1", 1},
           {"SELECT a$b, ?", "SELECT a$b, $1", 1},
           {"SELECT '?", "SELECT '?", 0},  // unterminated: left for the server to reject
       }) {
    const PlaceholderSql p = ToNumberedPlaceholders(c.in);
    EXPECT_EQ(p.sql, c.out) << c.in;
    EXPECT_EQ(p.parameters, c.n) << c.in;
  }
}

TEST(PostgresSqlTest, KeepsUtf8TextAsItIs) {
  const PlaceholderSql p = ToNumberedPlaceholders("SELECT '三号楼?' || ?, 邻里 FROM t");
  EXPECT_EQ(p.sql, "SELECT '三号楼?' || $1, 邻里 FROM t");
  EXPECT_EQ(p.parameters, 1u);
}

}  // namespace
}  // namespace linli::storage::postgres_sql_test
