// The console's ticket filters (issue 12 points 2 and 4): strict parsing, the query kept in
// links, dates in the configured time zone, and the three orders.
#include "web/console_filter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>

#include "storage/migrations.h"
#include "storage/sqlite_database.h"
#include "tests/fakes/fake_clock.h"

namespace linli::web::console_filter_test {
namespace {

using ::testing::HasSubstr;

class ConsoleFilterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.compound.buildings = {{"1", {"1"}}, {"3", {"1", "2"}}};
    auto db = storage::OpenSqlite({":memory:", "OFF", 1000});
    ASSERT_TRUE(db.ok());
    db_ = std::move(db).value();
    ASSERT_TRUE(storage::Migrate(*db_).ok());
  }
  domain::Deps deps() const { return {config_, texts_, clock_}; }
  StatusOr<ConsoleFilter> Parse(std::map<std::string, std::string> query) {
    HttpRequest r;
    r.query = std::move(query);
    return ParseConsoleFilter(deps(), r);
  }
  void Add(int64_t created, storage::TicketStatus status, int64_t accept_due, int64_t resolve_due) {
    storage::Ticket t;
    t.category = "repair";
    t.building = "3";
    t.description = "x";
    t.created_at_ms = created;
    auto made = storage::TicketStore::Create(*db_, t);
    ASSERT_TRUE(made.ok());
    made->status = status;
    made->accept_due_at_ms = accept_due;
    made->resolve_due_at_ms = resolve_due;
    ASSERT_TRUE(storage::TicketStore::Update(*db_, *made).ok());
  }
  std::vector<int64_t> Numbers(const std::map<std::string, std::string>& query) {
    auto f = Parse(query);
    EXPECT_TRUE(f.ok()) << f.status().ToString();
    if (!f.ok()) return {};
    auto list = FilteredTickets(*db_, deps(), *f);
    EXPECT_TRUE(list.ok());
    std::vector<int64_t> out;
    for (const auto& t : *list) out.push_back(t.number);
    return out;
  }

  config::Config config_;
  config::Texts texts_;
  linli::testing::FakeClock clock_;
  std::unique_ptr<storage::Database> db_;
};

TEST_F(ConsoleFilterTest, ParsesKnownValuesAndRefusesOthers) {
  auto f = Parse({{"status", "new"}, {"category", "repair"}, {"building", "3"},
                  {"tier", "community"}, {"sort", "deadline"}, {"from", "2026-02-28"},
                  {"to", "2026-03-01"}, {"after", "9000.1000.5"}});
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->status, "new");
  EXPECT_EQ(f->sort, "deadline");
  EXPECT_EQ(f->after, "9000.1000.5");
  EXPECT_EQ(FilterQuery(*f),
            "status=new&category=repair&building=3&tier=community&sort=deadline&from=2026-02-28"
            "&to=2026-03-01");
  auto plain = Parse({});
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->sort, "newest");
  EXPECT_EQ(FilterQuery(*plain), "");
  for (const auto& [k, v] : std::map<std::string, std::string>{
           {"status", "open"}, {"category", "cats"}, {"building", "9"}, {"tier", "city"},
           {"sort", "random"}, {"from", "2026-02-30"}, {"to", "26-01-01"}, {"after", "12"}}) {
    auto bad = Parse({{k, v}});
    ASSERT_FALSE(bad.ok()) << k << "=" << v;
    EXPECT_THAT(bad.status().message(), HasSubstr(k));
  }
  EXPECT_FALSE(Parse({{"from", "2026-03-02"}, {"to", "2026-03-01"}}).ok());
  // A cursor belongs to its order: the deadline order's has three parts.
  EXPECT_TRUE(Parse({{"after", "1000.5"}}).ok());
  EXPECT_FALSE(Parse({{"after", "1000.5"}, {"sort", "deadline"}}).ok());
}

TEST_F(ConsoleFilterTest, DatesAreWholeLocalDays) {
  config_.timezone = "Asia/Shanghai";
  auto f = Parse({{"from", "2026-12-01"}, {"to", "2026-12-01"}});
  ASSERT_TRUE(f.ok());
  auto r = RangeOf(deps(), *f);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->from_ms, 1796054400000);  // 2026-12-01 00:00 +08:00
  EXPECT_EQ(r->to_ms, 1796054400000 + 86400000);
  auto year_end = Parse({{"to", "2026-12-31"}});
  ASSERT_TRUE(year_end.ok());
  auto r2 = RangeOf(deps(), *year_end);
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2->from_ms, 0);
  EXPECT_EQ(r2->to_ms, 1798732800000);  // 2027-01-01 00:00 +08:00
}

TEST_F(ConsoleFilterTest, OrdersNewestOldestAndByDeadline) {
  using S = storage::TicketStatus;
  Add(1000, S::kNew, 9000, 0);         // #1 waits to be accepted by 9000
  Add(2000, S::kAccepted, 100, 5000);  // #2 waits to be resolved by 5000
  Add(3000, S::kClosed, 0, 0);         // #3 waits for nothing
  Add(4000, S::kNew, 7000, 0);         // #4 accept by 7000
  EXPECT_EQ(Numbers({}), (std::vector<int64_t>{4, 3, 2, 1}));
  EXPECT_EQ(Numbers({{"sort", "oldest"}}), (std::vector<int64_t>{1, 2, 3, 4}));
  EXPECT_EQ(Numbers({{"sort", "deadline"}}), (std::vector<int64_t>{2, 4, 1, 3}));
  EXPECT_EQ(Numbers({{"status", "new"}}), (std::vector<int64_t>{4, 1}));
}

// Issue 13: the list pages with a cursor; walking every page of each order gives the whole
// list once, in order, whatever the page size (the deadline order across its two parts).
TEST_F(ConsoleFilterTest, PagesWalkTheWholeListOnce) {
  using S = storage::TicketStatus;
  const S kinds[] = {S::kNew, S::kAccepted, S::kClosed, S::kDeferred, S::kInProgress, S::kResolved};
  for (int i = 0; i < 23; ++i) {
    // Equal creation times and equal deadlines among them, to exercise the ties.
    Add(1000 + (i / 3) * 100, kinds[i % 6], 5000 + (i % 4) * 10, 8000 + (i % 5) * 10);
  }
  for (const char* sort : {"newest", "oldest", "deadline"}) {
    const std::vector<int64_t> all = Numbers({{"sort", sort}});
    ASSERT_EQ(all.size(), 23u) << sort;
    for (int per_page : {1, 4, 7, 23, 50}) {
      auto f = Parse({{"sort", sort}});
      ASSERT_TRUE(f.ok());
      std::vector<int64_t> walked;
      for (int guard = 0; guard < 100; ++guard) {
        auto page = FilteredPage(*db_, deps(), *f, per_page);
        ASSERT_TRUE(page.ok()) << page.status().ToString();
        EXPECT_LE(static_cast<int>(page->tickets.size()), per_page);
        for (const auto& t : page->tickets) walked.push_back(t.number);
        if (!page->next) break;
        f->after = page->next->Encode(OrderOf(*f));
        ASSERT_TRUE(Parse({{"sort", sort}, {"after", f->after}}).ok()) << f->after;
      }
      EXPECT_EQ(walked, all) << sort << " per page " << per_page;
    }
  }
  auto count = CountFiltered(*db_, deps(), ConsoleFilter{}, 10);
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 10);  // capped
  ConsoleFilter closed;
  closed.status = "closed";
  EXPECT_EQ(CountFiltered(*db_, deps(), closed, 100).value(), 4);
}

}  // namespace
}  // namespace linli::web::console_filter_test
