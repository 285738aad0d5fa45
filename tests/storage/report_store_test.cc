// Report drafts (storage/report_store.h): drafted once per (kind, period), confirmed once -
// the second confirmation changes nothing - and only confirmed ones are listed.
#include "storage/report_store.h"

#include <gtest/gtest.h>

#include "tests/storage/store_test.h"

namespace linli::storage::report_store_test {
namespace {

class ReportStoreTest : public StoreTest {};
LINLI_STORE_TEST_BACKENDS(ReportStoreTest);

ReportDraft Draft(const std::string& period, const std::string& body) {
  ReportDraft d;
  d.kind = "red_black";
  d.period = period;
  d.body = body;
  d.created_at_ms = 1000;
  return d;
}

TEST_P(ReportStoreTest, DraftedOncePerPeriod) {
  auto first = ReportStore::CreateDraftIfAbsent(*db_, Draft("2026-Q3", "{\"a\":1}"));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(*first);
  auto second = ReportStore::CreateDraftIfAbsent(*db_, Draft("2026-Q3", "{\"a\":2}"));
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(*second);
  auto got = ReportStore::Get(*db_, "red_black", "2026-Q3");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->body, "{\"a\":1}");  // the first draft stays
  EXPECT_EQ((*got)->state, "draft");
  EXPECT_EQ((*got)->created_at_ms, 1000);
  EXPECT_FALSE(ReportStore::Get(*db_, "red_black", "2026-Q4")->has_value());
  EXPECT_EQ(ReportStore::CreateDraftIfAbsent(*db_, Draft("", "{}")).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_P(ReportStoreTest, ConfirmedOnceTheSecondChangesNothing) {
  ASSERT_TRUE(*ReportStore::CreateDraftIfAbsent(*db_, Draft("2026-Q3", "{}")));
  auto none = ReportStore::Confirm(*db_, "red_black", "2026-Q2", 7, "李社区", 2000);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(*none);  // no such draft
  auto list = ReportStore::ListConfirmed(*db_, "red_black", 10);
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->empty());

  auto first = ReportStore::Confirm(*db_, "red_black", "2026-Q3", 7, "李社区", 2000);
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(*first);
  auto second = ReportStore::Confirm(*db_, "red_black", "2026-Q3", 8, "赵街道", 3000);
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(*second);
  auto got = ReportStore::Get(*db_, "red_black", "2026-Q3");
  EXPECT_EQ((*got)->state, "confirmed");
  EXPECT_EQ((*got)->confirmed_by_person_id, 7);
  EXPECT_EQ((*got)->confirmed_by_name, "李社区");
  EXPECT_EQ((*got)->confirmed_at_ms, 2000);

  ASSERT_TRUE(*ReportStore::CreateDraftIfAbsent(*db_, Draft("2026-Q4", "{}")));
  ASSERT_TRUE(*ReportStore::CreateDraftIfAbsent(*db_, Draft("2026-Q2", "{}")));
  ASSERT_TRUE(*ReportStore::Confirm(*db_, "red_black", "2026-Q2", 7, "李社区", 4000));
  list = ReportStore::ListConfirmed(*db_, "red_black", 10);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);  // the Q4 draft is not listed
  EXPECT_EQ((*list)[0].period, "2026-Q3");
  EXPECT_EQ((*list)[1].period, "2026-Q2");
}

}  // namespace
}  // namespace linli::storage::report_store_test
