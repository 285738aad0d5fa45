#include "storage/volunteer_store.h"

#include <gtest/gtest.h>

#include "storage/identity_store.h"
#include "tests/storage/store_test.h"

namespace linli::storage::volunteer_store_test {
namespace {

class VolunteerStoreTest : public StoreTest {
 protected:
  int64_t NewPerson(const std::string& user) {
    auto p = IdentityStore::Touch(*db_, {"tg", user, user, ChatType::kPrivate}, 100);
    EXPECT_TRUE(p.ok());
    return p.ok() ? p->id : 0;
  }
  Volunteer V(int64_t person, std::string name, VolunteerStatus status = VolunteerStatus::kPending) {
    Volunteer v;
    v.person_id = person;
    v.display_name = std::move(name);
    v.organisation = "区税务局党支部";
    v.skills = "水电维修";
    v.buildings = {"3", "5"};
    v.status = status;
    v.source = "chat";
    v.registered_at_ms = 1000 + person;
    return v;
  }
};
LINLI_STORE_TEST_BACKENDS(VolunteerStoreTest);

TEST_P(VolunteerStoreTest, UpsertThenFindRoundTripsEveryField) {
  const int64_t p = NewPerson("a");
  auto none = VolunteerStore::Find(*db_, p);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  Volunteer v = V(p, "小王");
  v.confirmed_at_ms = 5;
  v.confirmed_by = "王网格";
  ASSERT_TRUE(VolunteerStore::Upsert(*db_, v).ok());
  auto found = VolunteerStore::Find(*db_, p);
  ASSERT_TRUE(found.ok() && found->has_value());
  const Volunteer& f = **found;
  EXPECT_EQ(f.display_name, "小王");
  EXPECT_EQ(f.organisation, "区税务局党支部");
  EXPECT_EQ(f.skills, "水电维修");
  EXPECT_EQ(f.buildings, (std::vector<std::string>{"3", "5"}));
  EXPECT_EQ(f.status, VolunteerStatus::kPending);
  EXPECT_EQ(f.source, "chat");
  EXPECT_EQ(f.registered_at_ms, 1000 + p);
  EXPECT_EQ(f.confirmed_at_ms, 5);
  EXPECT_EQ(f.confirmed_by, "王网格");

  v.display_name = "王师傅";
  v.buildings.clear();
  v.status = VolunteerStatus::kActive;
  ASSERT_TRUE(VolunteerStore::Upsert(*db_, v).ok());
  found = VolunteerStore::Find(*db_, p);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->display_name, "王师傅");
  EXPECT_TRUE((*found)->buildings.empty());
  EXPECT_EQ((*found)->status, VolunteerStatus::kActive);
}

TEST_P(VolunteerStoreTest, UpsertRefusesAnUnknownOrInvalidPerson) {
  EXPECT_EQ(VolunteerStore::Upsert(*db_, V(0, "x")).code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(VolunteerStore::Upsert(*db_, V(999, "x")).ok());
}

TEST_P(VolunteerStoreTest, ListFiltersByStatusOldestFirst) {
  const int64_t a = NewPerson("a");
  const int64_t b = NewPerson("b");
  const int64_t c = NewPerson("c");
  ASSERT_TRUE(VolunteerStore::Upsert(*db_, V(b, "B")).ok());
  ASSERT_TRUE(VolunteerStore::Upsert(*db_, V(a, "A", VolunteerStatus::kActive)).ok());
  ASSERT_TRUE(VolunteerStore::Upsert(*db_, V(c, "C")).ok());
  auto pending = VolunteerStore::List(*db_, VolunteerStatus::kPending);
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 2u);
  EXPECT_EQ((*pending)[0].person_id, b);
  EXPECT_EQ((*pending)[1].person_id, c);
  auto all = VolunteerStore::List(*db_, std::nullopt);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].person_id, a);
  auto org = VolunteerStore::ListByOrganisation(*db_, "区税务局党支部");
  ASSERT_TRUE(org.ok());
  ASSERT_EQ(org->size(), 1u);  // active only
  EXPECT_EQ((*org)[0].person_id, a);
}

TEST_P(VolunteerStoreTest, TransitionIsConditionalOnTheCurrentStatus) {
  const int64_t p = NewPerson("a");
  ASSERT_TRUE(VolunteerStore::Upsert(*db_, V(p, "A")).ok());
  auto confirmed = VolunteerStore::Transition(*db_, p, VolunteerStatus::kPending,
                                              VolunteerStatus::kActive, "王网格", 7000);
  ASSERT_TRUE(confirmed.ok());
  EXPECT_TRUE(*confirmed);
  auto twice = VolunteerStore::Transition(*db_, p, VolunteerStatus::kPending,
                                          VolunteerStatus::kActive, "李四", 8000);
  ASSERT_TRUE(twice.ok());
  EXPECT_FALSE(*twice);
  auto f = VolunteerStore::Find(*db_, p);
  ASSERT_TRUE(f.ok() && f->has_value());
  EXPECT_EQ((*f)->status, VolunteerStatus::kActive);
  EXPECT_EQ((*f)->confirmed_by, "王网格");
  EXPECT_EQ((*f)->confirmed_at_ms, 7000);
  auto none = VolunteerStore::Transition(*db_, NewPerson("z"), VolunteerStatus::kPending,
                                         VolunteerStatus::kActive, "x", 1);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(*none);
}

TEST_P(VolunteerStoreTest, ConfigSyncCreatesActivatesAndRemoves) {
  const int64_t chat = NewPerson("chatty");
  Volunteer registered = V(chat, "自己填的名字");
  ASSERT_TRUE(VolunteerStore::Upsert(*db_, registered).ok());
  std::vector<ConfigVolunteer> entries = {{"tg", "new1", "小张", "社区党支部"},
                                          {"tg", "chatty", "配置名", "某单位"}};
  auto r = VolunteerStore::SyncConfigVolunteers(*db_, entries, 5000);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->persons_created, 1);
  EXPECT_EQ(r->activated, 2);
  EXPECT_EQ(r->removed, 0);
  auto id = IdentityStore::FindIdentity(*db_, "tg", "new1");
  ASSERT_TRUE(id.ok() && id->has_value());
  auto created = VolunteerStore::Find(*db_, (*id)->person_id);
  ASSERT_TRUE(created.ok() && created->has_value());
  EXPECT_EQ((*created)->display_name, "小张");
  EXPECT_EQ((*created)->organisation, "社区党支部");
  EXPECT_EQ((*created)->status, VolunteerStatus::kActive);
  EXPECT_EQ((*created)->source, "config");
  auto kept = VolunteerStore::Find(*db_, chat);
  ASSERT_TRUE(kept.ok() && kept->has_value());
  EXPECT_EQ((*kept)->display_name, "自己填的名字");  // the person's own details stay
  EXPECT_EQ((*kept)->status, VolunteerStatus::kActive);

  auto again = VolunteerStore::SyncConfigVolunteers(*db_, entries, 6000);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->persons_created, 0);
  EXPECT_EQ(again->activated, 0);
  EXPECT_EQ(again->removed, 0);

  auto dropped = VolunteerStore::SyncConfigVolunteers(*db_, {entries[1]}, 7000);
  ASSERT_TRUE(dropped.ok());
  EXPECT_EQ(dropped->removed, 1);
  created = VolunteerStore::Find(*db_, (*id)->person_id);
  ASSERT_TRUE(created.ok() && created->has_value());
  EXPECT_EQ((*created)->status, VolunteerStatus::kRemoved);
  kept = VolunteerStore::Find(*db_, chat);
  ASSERT_TRUE(kept.ok() && kept->has_value());
  EXPECT_EQ((*kept)->status, VolunteerStatus::kActive);  // not config-sourced: left alone

  EXPECT_EQ(VolunteerStore::SyncConfigVolunteers(*db_, {{"", "x", "n", "o"}}, 1).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_P(VolunteerStoreTest, StatusNamesRoundTrip) {
  for (auto s : {VolunteerStatus::kPending, VolunteerStatus::kActive, VolunteerStatus::kRemoved}) {
    auto parsed = ParseVolunteerStatus(VolunteerStatusName(s));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, s);
  }
  EXPECT_FALSE(ParseVolunteerStatus("gone").ok());
}

}  // namespace
}  // namespace linli::storage::volunteer_store_test
