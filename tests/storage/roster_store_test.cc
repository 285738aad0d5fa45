#include "storage/roster_store.h"

#include <gtest/gtest.h>

#include "storage/identity_store.h"
#include "tests/storage/store_test.h"

namespace linli::storage::roster_store_test {
namespace {

Household H(std::string building, std::string unit, std::string room, double area = 80) {
  Household h;
  h.building = std::move(building);
  h.unit = std::move(unit);
  h.room = std::move(room);
  h.area_m2 = area;
  h.owner_name = "张三";
  h.phone = "13812341234";
  return h;
}

class RosterStoreTest : public StoreTest {
 protected:
  int64_t NewPerson(const std::string& user) {
    auto p = IdentityStore::Touch(*db_, {"tg", user, user, ChatType::kPrivate}, 100);
    EXPECT_TRUE(p.ok());
    return p.ok() ? p->id : 0;
  }
  int64_t Count(const std::string& sql) {
    auto rows = db_->Query(sql);
    EXPECT_TRUE(rows.ok());
    return rows.ok() ? (*rows)[0].Int(0) : -1;
  }
  std::string CodeOf(const std::string& room) {
    auto codes = RosterStore::EnsureCodes(*db_, "", 1000, [this] { return "C" + std::to_string(++drawn_) + "XXXXXX"; });
    EXPECT_TRUE(codes.ok());
    for (const auto& c : *codes) {
      if (c.household.room == room) return c.code;
    }
    return "";
  }

  int drawn_ = 0;
};
LINLI_STORE_TEST_BACKENDS(RosterStoreTest);

TEST_P(RosterStoreTest, OwnerNamesAreDistinctNonEmptyAndSorted) {
  auto none = RosterStore::OwnerNames(*db_);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  Household a = H("1", "1", "101");
  a.owner_name = "王五";
  Household b = H("1", "1", "102");  // 张三
  Household c = H("1", "1", "103");  // 张三 again
  Household d = H("1", "1", "104");
  d.owner_name = "";
  ASSERT_TRUE(RosterStore::Import(*db_, {a, b, c, d}, false, 10, nullptr, nullptr).ok());
  auto names = RosterStore::OwnerNames(*db_);
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, (std::vector<std::string>{"张三", "王五"}));
}

// The key domain::KnownNames keeps the owner names under: new with every import that adds or
// changes a household, the same after one that fails.
TEST_P(RosterStoreTest, NamesTokenChangesWithEveryImportThatChangesTheRoster) {
  auto fresh = RosterStore::NamesToken(*db_);
  ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
  EXPECT_EQ(*fresh, 0);  // an empty roster at migration
  ASSERT_TRUE(RosterStore::Import(*db_, {H("3", "2", "301")}, false, 10, nullptr, nullptr).ok());
  const int64_t first = RosterStore::NamesToken(*db_).value();
  EXPECT_NE(first, 0);
  EXPECT_EQ(RosterStore::Import(*db_, {H("3", "2", "302"), H("3", "2", "301")}, false, 20, nullptr,
                                nullptr)
                .code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(RosterStore::NamesToken(*db_).value(), first);  // rolled back with the import
  Household renamed = H("3", "2", "301");
  renamed.owner_name = "赵六六";
  ASSERT_TRUE(RosterStore::Import(*db_, {renamed}, true, 30, nullptr, nullptr).ok());
  const int64_t second = RosterStore::NamesToken(*db_).value();
  EXPECT_NE(second, first);
  EXPECT_NE(second, 0);
  ASSERT_TRUE(RosterStore::Import(*db_, {}, true, 40, nullptr, nullptr).ok());
  EXPECT_EQ(RosterStore::NamesToken(*db_).value(), second);  // nothing imported, nothing changed
}

TEST_P(RosterStoreTest, ImportIsAllOrNothing) {
  ASSERT_TRUE(RosterStore::Import(*db_, {H("3", "2", "301")}, false, 10, nullptr, nullptr).ok());
  // The second household of this batch collides: the first must not stay behind.
  Status st = RosterStore::Import(*db_, {H("3", "2", "302"), H("3", "2", "301")}, false, 20, nullptr,
                                  nullptr);
  EXPECT_EQ(st.code(), StatusCode::kAlreadyExists);
  EXPECT_NE(st.message().find("building 3 unit 2 room 301"), std::string::npos);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM households"), 1);
  EXPECT_FALSE(db_->in_transaction());

  int64_t inserted = -1;
  int64_t updated = -1;
  ASSERT_TRUE(RosterStore::Import(*db_, {H("3", "2", "302"), H("3", "2", "301", 99.5)}, true, 30,
                                  &inserted, &updated)
                  .ok());
  EXPECT_EQ(inserted, 1);
  EXPECT_EQ(updated, 1);
  auto h = RosterStore::FindHousehold(*db_, "3", "2", "301");
  ASSERT_TRUE(h.ok() && h->has_value());
  EXPECT_DOUBLE_EQ((*h)->area_m2, 99.5);
  EXPECT_EQ((*h)->created_at_ms, 10);
}

// Issue 10: the exact area, the owner key and the developer flag round-trip; the owner key
// defaults to the phone, or "household:<id>" without one; an update recomputes it.
TEST_P(RosterStoreTest, ExactAreaOwnerKeyAndDeveloperFlag) {
  Household exact = H("1", "1", "101");
  exact.area_centi = 8951;  // wins over area_m2
  exact.area_m2 = 1;
  Household from_m2 = H("1", "1", "102", 76.29);  // 76.29 * 100 is 7628.999...: rounded
  Household keyed = H("1", "1", "103");
  keyed.owner_key = "WANG-01";
  Household nophone = H("1", "1", "104");
  nophone.phone = "";
  nophone.developer = true;
  ASSERT_TRUE(RosterStore::Import(*db_, {exact, from_m2, keyed, nophone}, false, 10, nullptr, nullptr).ok());

  auto a = RosterStore::FindHousehold(*db_, "1", "1", "101");
  ASSERT_TRUE(a.ok() && a->has_value());
  EXPECT_EQ((*a)->area_centi, 8951);
  EXPECT_DOUBLE_EQ((*a)->area_m2, 89.51);
  EXPECT_EQ((*a)->owner_key, "13812341234");
  EXPECT_FALSE((*a)->developer);
  auto b = RosterStore::FindHousehold(*db_, "1", "1", "102");
  ASSERT_TRUE(b.ok() && b->has_value());
  EXPECT_EQ((*b)->area_centi, 7629);
  auto c = RosterStore::FindHousehold(*db_, "1", "1", "103");
  ASSERT_TRUE(c.ok() && c->has_value());
  EXPECT_EQ((*c)->owner_key, "WANG-01");
  auto d = RosterStore::FindHousehold(*db_, "1", "1", "104");
  ASSERT_TRUE(d.ok() && d->has_value());
  EXPECT_EQ((*d)->owner_key, "household:" + std::to_string((*d)->id));
  EXPECT_TRUE((*d)->developer);

  // --update: a phone now given becomes the key; the flag can be cleared.
  nophone.phone = "13900001111";
  nophone.developer = false;
  keyed.owner_key = "";
  ASSERT_TRUE(RosterStore::Import(*db_, {nophone, keyed}, true, 20, nullptr, nullptr).ok());
  d = RosterStore::FindHousehold(*db_, "1", "1", "104");
  ASSERT_TRUE(d.ok() && d->has_value());
  EXPECT_EQ((*d)->owner_key, "13900001111");
  EXPECT_FALSE((*d)->developer);
  c = RosterStore::FindHousehold(*db_, "1", "1", "103");
  ASSERT_TRUE(c.ok() && c->has_value());
  EXPECT_EQ((*c)->owner_key, "13812341234");
}

TEST_P(RosterStoreTest, HouseholdsInChosenBuildingsOrAll) {
  ASSERT_TRUE(RosterStore::Import(*db_, {H("1", "1", "101"), H("2", "1", "101"), H("3", "1", "101"),
                                         H("1", "2", "201")},
                                  false, 10, nullptr, nullptr)
                  .ok());
  auto all = RosterStore::HouseholdsIn(*db_, {});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 4u);
  auto some = RosterStore::HouseholdsIn(*db_, {"1", "3"});
  ASSERT_TRUE(some.ok());
  ASSERT_EQ(some->size(), 3u);
  EXPECT_EQ((*some)[0].building, "1");
  EXPECT_EQ((*some)[1].building, "3");
  EXPECT_EQ((*some)[2].room, "201");  // by id
  auto none = RosterStore::HouseholdsIn(*db_, {"9"});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST_P(RosterStoreTest, RedeemBindsOnceAndRecordsWhoActed) {
  ASSERT_TRUE(RosterStore::Import(*db_, {H("3", "2", "301")}, false, 10, nullptr, nullptr).ok());
  const std::string code = CodeOf("301");
  const int64_t resident = NewPerson("r");
  const int64_t staff = NewPerson("s");
  Household bound;
  auto r = RosterStore::RedeemCode(*db_, code, resident, staff, 500, &bound);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, RedeemResult::kBound);
  EXPECT_EQ(bound.room, "301");
  auto again = RosterStore::RedeemCode(*db_, code, NewPerson("other"), 0, 600, nullptr);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, RedeemResult::kInvalid);
  auto missing = RosterStore::RedeemCode(*db_, "NOPENOPE", resident, 0, 600, nullptr);
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(*missing, RedeemResult::kInvalid);

  auto bindings = RosterStore::BindingsOf(*db_, resident);
  ASSERT_TRUE(bindings.ok());
  ASSERT_EQ(bindings->size(), 1u);
  EXPECT_EQ((*bindings)[0].bound_by_person_id, staff);
  EXPECT_EQ((*bindings)[0].bound_at_ms, 500);
  auto listing = RosterStore::List(*db_);
  ASSERT_TRUE(listing.ok());
  ASSERT_EQ(listing->size(), 1u);
  EXPECT_EQ((*listing)[0].bound_persons, 1);

  // A new code for the household; the bound person redeeming it leaves it unused.
  const std::string second = CodeOf("301");
  EXPECT_NE(second, code);
  auto dup = RosterStore::RedeemCode(*db_, second, resident, 0, 700, nullptr);
  ASSERT_TRUE(dup.ok());
  EXPECT_EQ(*dup, RedeemResult::kAlreadyBound);
  auto peek = RosterStore::PeekCode(*db_, second);
  ASSERT_TRUE(peek.ok());
  EXPECT_TRUE(peek->has_value());
}

TEST_P(RosterStoreTest, UnbindAndVerification) {
  ASSERT_TRUE(RosterStore::Import(*db_, {H("3", "2", "301")}, false, 10, nullptr, nullptr).ok());
  const int64_t p = NewPerson("r");
  auto before = RosterStore::IsVerified(*db_, p);
  ASSERT_TRUE(before.ok());
  EXPECT_FALSE(*before);
  Household h;
  ASSERT_TRUE(RosterStore::RedeemCode(*db_, CodeOf("301"), p, 0, 500, &h).ok());
  auto after = RosterStore::IsVerified(*db_, p);
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(*after);
  ASSERT_TRUE(RosterStore::Unbind(*db_, p, h.id).ok());
  EXPECT_EQ(RosterStore::Unbind(*db_, p, h.id).code(), StatusCode::kNotFound);
  auto gone = RosterStore::IsVerified(*db_, p);
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(*gone);
}

TEST_P(RosterStoreTest, DeletedPersonTakesItsBindingsAlong) {
  // Person ids may be reused by SQLite; a binding left behind would verify a stranger.
  ASSERT_TRUE(RosterStore::Import(*db_, {H("3", "2", "301")}, false, 10, nullptr, nullptr).ok());
  const int64_t p = NewPerson("r");
  ASSERT_TRUE(RosterStore::RedeemCode(*db_, CodeOf("301"), p, 0, 500, nullptr).ok());
  ASSERT_TRUE(db_->Exec("DELETE FROM identities WHERE person_id = ?", {p}).ok());
  ASSERT_TRUE(db_->Exec("DELETE FROM persons WHERE id = ?", {p}).ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM person_households"), 0);
}

TEST_P(RosterStoreTest, FailuresCountWithinAWindow) {
  constexpr int64_t kHour = 3600000;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(RosterStore::RecordFailure(*db_, "tg", "x", 1000 + i, kHour).ok());
  auto n = RosterStore::Failures(*db_, "tg", "x", 2000, kHour);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 3);
  auto other = RosterStore::Failures(*db_, "wx", "x", 2000, kHour);
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(*other, 0);
  auto later = RosterStore::Failures(*db_, "tg", "x", 1000 + kHour, kHour);
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(*later, 0);
  ASSERT_TRUE(RosterStore::RecordFailure(*db_, "tg", "x", 1000 + kHour, kHour).ok());
  auto restarted = RosterStore::Failures(*db_, "tg", "x", 1001 + kHour, kHour);
  ASSERT_TRUE(restarted.ok());
  EXPECT_EQ(*restarted, 1);
}

}  // namespace
}  // namespace linli::storage::roster_store_test
