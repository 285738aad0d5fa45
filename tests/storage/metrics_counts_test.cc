// storage/metrics_counts.h: the scrape-time counts of GET /metrics - the outbox rows not sent
// by status and channel, the tickets not closed by state and tier with those past a deadline,
// and a reader connection that cannot write.
#include "storage/metrics_counts.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "storage/open_database.h"
#include "storage/outbox_store.h"
#include "storage/ticket_store.h"
#include "tests/storage/store_test.h"

namespace linli::storage::metrics_counts_test {
namespace {

constexpr int64_t kNow = 1795568400000;

class MetricsCountsTest : public StoreTest {
 protected:
  int64_t Enqueue(const std::string& channel, const std::string& user) {
    OutboundMessage m;
    m.to = {channel, user, user, ChatType::kPrivate};
    m.text = "hi";
    auto id = OutboxStore::Enqueue(*db_, m, kNow);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : 0;
  }
  void SetStatus(int64_t id, const std::string& status) {
    ASSERT_TRUE(db_->Exec("UPDATE outbox SET status = ? WHERE id = ?", {status, id}).ok());
  }
  void Ticket(TicketStatus status, Tier tier, int64_t accept_due, int64_t resolve_due) {
    storage::Ticket t;
    t.reporter_person_id = 1;
    t.channel = "tg";
    t.category = "repair";
    t.building = "3";
    t.location_text = "3号楼";
    t.description = "灯坏了";
    t.status = status;
    t.tier = tier;
    t.accept_due_at_ms = accept_due;
    t.resolve_due_at_ms = resolve_due;
    t.created_at_ms = t.updated_at_ms = kNow - 1000;
    ASSERT_TRUE(TicketStore::Create(*db_, t).ok());
  }
};
LINLI_STORE_TEST_BACKENDS(MetricsCountsTest);

TEST_P(MetricsCountsTest, OutboxDepthCountsWhatIsNotSent) {
  Enqueue("tg", "a");                    // pending
  Enqueue("tg", "b");                    // pending
  SetStatus(Enqueue("tg", "c"), "failed");
  SetStatus(Enqueue("wx", "d"), "deferred");
  SetStatus(Enqueue("wx", "e"), "sent");  // not depth
  SetStatus(Enqueue("tg", "f"), "sending");
  auto depth = CountOutboxDepth(*db_);
  ASSERT_TRUE(depth.ok()) << depth.status().ToString();
  ASSERT_EQ(depth->size(), 4u);
  EXPECT_EQ((*depth)[0].status, "deferred");
  EXPECT_EQ((*depth)[0].channel, "wx");
  EXPECT_EQ((*depth)[0].messages, 1);
  EXPECT_EQ((*depth)[1].status, "failed");
  EXPECT_EQ((*depth)[1].messages, 1);
  EXPECT_EQ((*depth)[2].status, "pending");
  EXPECT_EQ((*depth)[2].channel, "tg");
  EXPECT_EQ((*depth)[2].messages, 2);
  EXPECT_EQ((*depth)[3].status, "sending");
}

TEST_P(MetricsCountsTest, OpenTicketsByStateAndTierWithOverdue) {
  using S = TicketStatus;
  Ticket(S::kNew, Tier::kCompound, kNow + 60'000, kNow + 120'000);   // in time
  Ticket(S::kNew, Tier::kCompound, kNow - 1, kNow + 120'000);        // not accepted in time
  Ticket(S::kAccepted, Tier::kCompound, kNow - 1, kNow + 120'000);   // accepted: in time
  Ticket(S::kInProgress, Tier::kStreet, 0, kNow);                    // resolve due now: overdue
  Ticket(S::kResolved, Tier::kStreet, kNow - 5, kNow - 5);           // resolved: not overdue
  Ticket(S::kClosed, Tier::kStreet, kNow - 5, kNow - 5);             // closed: not counted
  Ticket(S::kDeferred, Tier::kCommunity, 0, 0);
  auto open = CountOpenTickets(*db_, kNow);
  ASSERT_TRUE(open.ok()) << open.status().ToString();
  ASSERT_EQ(open->size(), 5u);
  auto find = [&](const std::string& state, const std::string& tier) {
    for (const auto& c : *open) {
      if (c.state == state && c.tier == tier) return c;
    }
    return OpenTicketCount{};
  };
  EXPECT_EQ(find("new", "compound").tickets, 2);
  EXPECT_EQ(find("new", "compound").overdue, 1);
  EXPECT_EQ(find("accepted", "compound").tickets, 1);
  EXPECT_EQ(find("accepted", "compound").overdue, 0);
  EXPECT_EQ(find("in_progress", "street").overdue, 1);
  EXPECT_EQ(find("resolved", "street").tickets, 1);
  EXPECT_EQ(find("resolved", "street").overdue, 0);
  EXPECT_EQ(find("deferred", "community").tickets, 1);
  EXPECT_EQ(find("closed", "street").tickets, 0);
}

TEST(OpenReaderTest, ReadsCommittedRowsAndRefusesWrites) {
  char tmpl[] = "/tmp/linli_reader_XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  DatabaseOptions options;
  options.sqlite.path = dir + "/linli.db";
  {
    auto writer = OpenDatabase(options);
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    OutboundMessage m;
    m.to = {"tg", "u", "u", ChatType::kPrivate};
    ASSERT_TRUE(OutboxStore::Enqueue(*writer->db, m, kNow).ok());
    auto reader = OpenReader(options);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    auto depth = CountOutboxDepth(**reader);
    ASSERT_TRUE(depth.ok()) << depth.status().ToString();
    ASSERT_EQ(depth->size(), 1u);
    EXPECT_EQ((*depth)[0].messages, 1);
    EXPECT_FALSE((*reader)->Exec("DELETE FROM outbox").ok());
    auto still = CountOutboxDepth(*writer->db);
    ASSERT_TRUE(still.ok());
    EXPECT_EQ((*still)[0].messages, 1);
  }
  options.sqlite.path = ":memory:";
  EXPECT_EQ(OpenReader(options).status().code(), StatusCode::kFailedPrecondition);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace linli::storage::metrics_counts_test
