// The one mapping of ticket status and tier to and from their stored names.
#include "storage/ticket_state.h"

#include <set>
#include <string>

#include <gtest/gtest.h>

namespace linli::storage::ticket_state_test {
namespace {

TEST(TicketStateTest, EveryStatusRoundTripsThroughItsName) {
  std::set<std::string> names;
  for (TicketStatus s : kAllTicketStatuses) {
    const std::string name(Name(s));
    EXPECT_FALSE(name.empty());
    names.insert(name);
    ASSERT_TRUE(ParseTicketStatus(name).has_value()) << name;
    EXPECT_EQ(*ParseTicketStatus(name), s) << name;
  }
  EXPECT_EQ(names.size(), kAllTicketStatuses.size());  // no two share a name
  EXPECT_EQ(names, (std::set<std::string>{"new", "accepted", "in_progress", "resolved", "closed",
                                          "deferred", "escalated", "reopened"}));
}

TEST(TicketStateTest, EveryTierRoundTripsThroughItsName) {
  std::set<std::string> names;
  for (Tier t : kAllTiers) {
    const std::string name(Name(t));
    names.insert(name);
    ASSERT_TRUE(ParseTier(name).has_value()) << name;
    EXPECT_EQ(*ParseTier(name), t) << name;
  }
  EXPECT_EQ(names, (std::set<std::string>{"compound", "community", "street"}));
}

TEST(TicketStateTest, UnknownNamesAreRejected) {
  for (const char* bad : {"", "lost", "New", "RESOLVED", "in progress", "resolved ", "street"}) {
    EXPECT_FALSE(ParseTicketStatus(bad).has_value()) << bad;
  }
  for (const char* bad : {"", "city", "Street", "grid", "property", "new"}) {
    EXPECT_FALSE(ParseTier(bad).has_value()) << bad;
  }
  EXPECT_EQ(Name(static_cast<TicketStatus>(99)), "");
  EXPECT_EQ(Name(static_cast<Tier>(99)), "");
}

TEST(TicketStateTest, TiersEscalateCompoundCommunityStreet) {
  EXPECT_EQ(NextTier(Tier::kCompound), Tier::kCommunity);
  EXPECT_EQ(NextTier(Tier::kCommunity), Tier::kStreet);
  EXPECT_FALSE(NextTier(Tier::kStreet).has_value());
}

}  // namespace
}  // namespace linli::storage::ticket_state_test
