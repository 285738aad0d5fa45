// Wish tests' setup on top of the dialog harness: a volunteers' group configured for wishes, a
// resident bound to a roster household (owner name and phone known), volunteers made active.
#pragma once

#include <string>
#include <vector>

#include "storage/identity_store.h"
#include "storage/points_store.h"
#include "storage/roster_store.h"
#include "storage/volunteer_store.h"
#include "storage/wish_store.h"
#include "tests/dialogs/dialog_harness.h"

namespace linli::dialogs {

inline constexpr char kWishGroup[] = "-100777";
inline constexpr char kOwnerName[] = "张三丰";
inline constexpr char kOwnerPhone[] = "13812345678";

inline config::Config WishConfig(bool require_approval = true) {
  config::Config c = DemoConfig();
  c.wishes.require_approval = require_approval;
  c.wishes.points_per_wish = 10;
  c.wishes.points_per_hour = 4;
  config::GroupConfig g;
  g.name = "volunteers";
  g.channel = "tg";
  g.chat_id = kWishGroup;
  g.posts = {"wishes"};
  c.groups.push_back(g);
  return c;
}

class WishHarness : public DialogHarness {
 public:
  explicit WishHarness(config::Config c = WishConfig()) : DialogHarness(std::move(c)) {}

  // The person behind `user` (created by a first message if needed).
  int64_t PersonOf(const std::string& user) {
    auto id = storage::IdentityStore::FindIdentity(db(), "tg", user);
    if (!id.ok() || !id->has_value()) {
      Say("心愿列表", user);
      id = storage::IdentityStore::FindIdentity(db(), "tg", user);
    }
    EXPECT_TRUE(id.ok() && id->has_value());
    return id.ok() && id->has_value() ? (*id)->person_id : 0;
  }
  // Binds `user` to household 3-2-301 (owner kOwnerName, phone kOwnerPhone).
  void BindResident(const std::string& user) {
    const int64_t person = PersonOf(user);
    storage::Household h;
    h.building = "3";
    h.unit = "2";
    h.room = "301";
    h.owner_name = kOwnerName;
    h.phone = kOwnerPhone;
    ASSERT_TRUE(storage::RosterStore::Import(db(), {h}, false, 1, nullptr, nullptr).ok());
    auto codes = storage::RosterStore::EnsureCodes(db(), "3", 1, [] { return std::string("12345678"); });
    ASSERT_TRUE(codes.ok() && codes->size() == 1u);
    auto r = storage::RosterStore::RedeemCode(db(), (*codes)[0].code, person, 0, 2, nullptr);
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(*r, storage::RedeemResult::kBound);
  }
  void MakeVolunteer(const std::string& user, const std::string& display_name) {
    storage::Volunteer v;
    v.person_id = PersonOf(user);
    v.display_name = display_name;
    v.status = storage::VolunteerStatus::kActive;
    v.source = "staff";
    ASSERT_TRUE(storage::VolunteerStore::Upsert(db(), v).ok());
  }
  // Posts a wish through the 心愿 flow as `user` (text, category 1, no deadline, `helpers`,
  // confirm). Returns the newest wish's number.
  int64_t PostWish(const std::string& user, const std::string& text, const std::string& helpers = "跳过") {
    for (const std::string& s : {std::string("心愿"), text, std::string("1"), std::string("跳过"),
                                helpers, std::string("1")}) {
      Say(s, user);
    }
    storage::WishFilter f;
    f.limit = 1;
    auto list = storage::WishStore::List(db(), f);
    return list.ok() && !list->empty() ? (*list)[0].number : 0;
  }
  storage::Wish Wish(int64_t number) {
    auto w = storage::WishStore::Find(db(), number);
    EXPECT_TRUE(w.ok() && w->has_value());
    return w.ok() && w->has_value() ? **w : storage::Wish{};
  }
  int64_t Balance(const std::string& user) {
    auto b = storage::PointsStore::Balance(db(), PersonOf(user));
    EXPECT_TRUE(b.ok());
    return b.ok() ? *b : -1;
  }
  // Outbox rows (since the last TakeOutbox) addressed to the wish group.
  std::vector<OutboundMessage> GroupPosts() {
    std::vector<OutboundMessage> out;
    for (auto& m : TakeOutbox()) {
      if (m.to.chat_id == kWishGroup) out.push_back(std::move(m));
    }
    return out;
  }
  // A message from `user` in the wish group (optionally replying to platform message `reply_to`).
  std::vector<OutboundMessage> SayInGroup(const std::string& text, const std::string& user,
                                          const std::string& reply_to = "") {
    InboundMessage in;
    in.conversation = {"tg", user, kWishGroup, ChatType::kGroup};
    in.text = text;
    in.reply_to = reply_to;
    return Send(in);
  }
};

}  // namespace linli::dialogs
