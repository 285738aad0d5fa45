#include "storage/ticket_store.h"

#include <gtest/gtest.h>

#include "tests/storage/store_test.h"

namespace linli::storage::ticket_store_test {
namespace {

class TicketStoreTest : public StoreTest {
 protected:
  static Ticket Sample(int64_t reporter, int64_t at_ms) {
    Ticket t;
    t.reporter_person_id = reporter;
    t.channel = "tg";
    t.category = "repair";
    t.building = "3";
    t.unit = "2";
    t.location_text = "3号楼2单元";
    t.description = "楼道灯坏了";
    t.photo_ref = "file-1";
    t.created_at_ms = at_ms;
    return t;
  }
};
LINLI_STORE_TEST_BACKENDS(TicketStoreTest);

TEST_P(TicketStoreTest, CreateAssignsSequentialNumbersAndStoresEveryField) {
  for (int64_t i = 1; i <= 5; ++i) {
    Ticket in = Sample(7, 1000 * i);
    in.id = 99;      // ignored
    in.number = 42;  // ignored
    auto t = TicketStore::Create(*db_, in);
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    EXPECT_EQ(t->number, i);
    EXPECT_GT(t->id, 0);
  }
  auto count = TicketStore::Count(*db_);
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 5);

  auto third = TicketStore::FindByNumber(*db_, 3);
  ASSERT_TRUE(third.ok() && third->has_value());
  const Ticket& t = **third;
  EXPECT_EQ(t.number, 3);
  EXPECT_EQ(t.reporter_person_id, 7);
  EXPECT_EQ(t.channel, "tg");
  EXPECT_EQ(t.category, "repair");
  EXPECT_EQ(t.building, "3");
  EXPECT_EQ(t.unit, "2");
  EXPECT_EQ(t.location_text, "3号楼2单元");
  EXPECT_EQ(t.description, "楼道灯坏了");
  EXPECT_EQ(t.photo_ref, "file-1");
  EXPECT_EQ(t.status, storage::TicketStatus::kNew);
  EXPECT_EQ(t.created_at_ms, 3000);
  EXPECT_EQ(t.updated_at_ms, 3000);

  auto by_id = TicketStore::FindById(*db_, t.id);
  ASSERT_TRUE(by_id.ok() && by_id->has_value());
  EXPECT_EQ((*by_id)->number, 3);

  auto missing = TicketStore::FindByNumber(*db_, 6);
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

TEST_P(TicketStoreTest, NumberIsUniqueAndCreateContinuesAfterTheMaximum) {
  ASSERT_TRUE(TicketStore::Create(*db_, Sample(1, 1)).ok());
  ASSERT_TRUE(TicketStore::Create(*db_, Sample(1, 2)).ok());
  // The unique index guards the number even against a writer that bypasses Create.
  EXPECT_EQ(db_->Exec("INSERT INTO tickets (number, reporter_person_id, channel, category, "
                      "building, unit, location_text, description, photo_ref, status, "
                      "created_at, updated_at) VALUES (2, 1, '', '', '', '', '', '', '', 'new', "
                      "0, 0)")
                .code(),
            StatusCode::kAlreadyExists);
  auto next = TicketStore::Create(*db_, Sample(1, 3));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->number, 3);
}

TEST_P(TicketStoreTest, CreateIsAtomicInsideACallersTransaction) {
  ASSERT_TRUE(db_->Begin().ok());
  auto t = TicketStore::Create(*db_, Sample(1, 1));
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(db_->in_transaction());
  ASSERT_TRUE(db_->Rollback().ok());
  auto count = TicketStore::Count(*db_);
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 0);
  auto events = db_->Query("SELECT COUNT(*) FROM ticket_events");
  ASSERT_TRUE(events.ok());
  EXPECT_EQ((*events)[0].Int(0), 0);
  auto again = TicketStore::Create(*db_, Sample(1, 2));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->number, 1);
}

TEST_P(TicketStoreTest, CreateRejectsAnUnknownStatus) {
  Ticket t = Sample(1, 1);
  t.status = static_cast<TicketStatus>(99);  // no such status (was the name "lost")
  EXPECT_EQ(TicketStore::Create(*db_, t).status().code(), StatusCode::kInvalidArgument);
}

TEST_P(TicketStoreTest, ListByReporterIsNewestFirstAndLimited) {
  for (int64_t i = 1; i <= 4; ++i) ASSERT_TRUE(TicketStore::Create(*db_, Sample(10, i)).ok());
  ASSERT_TRUE(TicketStore::Create(*db_, Sample(11, 5)).ok());
  auto list = TicketStore::ListByReporter(*db_, 10, 3);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].number, 4);
  EXPECT_EQ((*list)[1].number, 3);
  EXPECT_EQ((*list)[2].number, 2);
  auto other = TicketStore::ListByReporter(*db_, 11, 10);
  ASSERT_TRUE(other.ok());
  ASSERT_EQ(other->size(), 1u);
  EXPECT_EQ((*other)[0].number, 5);
  auto none = TicketStore::ListByReporter(*db_, 10, 0);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST_P(TicketStoreTest, EventsAreRecordedOldestFirst) {
  auto t = TicketStore::Create(*db_, Sample(3, 100));
  ASSERT_TRUE(t.ok());
  TicketEvent note;
  note.ticket_id = t->id;
  note.at_ms = 200;
  note.actor_person_id = 0;
  note.kind = "note";
  note.note = "已派单";
  note.is_public = false;
  ASSERT_TRUE(TicketStore::AddEvent(*db_, note).ok());

  auto moved = TicketStore::SetStatus(*db_, t->id, TicketStatus::kAccepted, 9, "物业已接单", true, 300);
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  EXPECT_EQ(moved->status, storage::TicketStatus::kAccepted);
  EXPECT_EQ(moved->updated_at_ms, 300);
  auto stored = TicketStore::FindByNumber(*db_, t->number);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->status, storage::TicketStatus::kAccepted);
  EXPECT_EQ((*stored)->updated_at_ms, 300);
  EXPECT_EQ((*stored)->created_at_ms, 100);

  auto events = TicketStore::Events(*db_, t->id);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 3u);
  const auto& e = *events;
  EXPECT_EQ(e[0].kind, "created");
  EXPECT_EQ(e[0].to_status, "new");
  EXPECT_EQ(e[0].actor_person_id, 3);
  EXPECT_EQ(e[0].at_ms, 100);
  EXPECT_EQ(e[1].kind, "note");
  EXPECT_EQ(e[1].note, "已派单");
  EXPECT_FALSE(e[1].is_public);
  EXPECT_EQ(e[1].ticket_id, t->id);
  EXPECT_EQ(e[2].kind, "status");
  EXPECT_EQ(e[2].from_status, "new");
  EXPECT_EQ(e[2].to_status, "accepted");
  EXPECT_EQ(e[2].actor_person_id, 9);
  EXPECT_EQ(e[2].note, "物业已接单");
  EXPECT_TRUE(e[2].is_public);
  EXPECT_LT(e[0].id, e[1].id);
  EXPECT_LT(e[1].id, e[2].id);
}

TEST_P(TicketStoreTest, EventAndStatusChangeNeedAnExistingTicket) {
  TicketEvent e;
  e.ticket_id = 12345;
  e.kind = "note";
  EXPECT_EQ(TicketStore::AddEvent(*db_, e).code(), StatusCode::kNotFound);
  EXPECT_EQ(TicketStore::SetStatus(*db_, 12345, TicketStatus::kClosed, 0, "", false, 1).status().code(),
            StatusCode::kNotFound);
  auto t = TicketStore::Create(*db_, Sample(1, 1));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(TicketStore::SetStatus(*db_, t->id, static_cast<TicketStatus>(42), 0, "", false, 1).status().code(),
            StatusCode::kInvalidArgument);
  e.ticket_id = t->id;
  e.kind = "";
  EXPECT_EQ(TicketStore::AddEvent(*db_, e).code(), StatusCode::kInvalidArgument);
  auto events = TicketStore::Events(*db_, t->id);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events->size(), 1u);
}

}  // namespace
}  // namespace linli::storage::ticket_store_test
