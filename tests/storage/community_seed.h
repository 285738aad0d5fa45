// A small community written through the real stores (issue 14 point 4: `linli db copy` is
// tested on what the service itself writes): residents on two channels, a roster with codes
// and a binding, tickets with events, a wish with a claim, a covenant with a ballot, a
// volunteer with points, an outbox row, a dialog state, a media row. For the copy tests of
// tests/storage/ and tests/bot/server/.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>

#include "bot/message.h"
#include "storage/conversation_store.h"
#include "storage/database.h"
#include "storage/decision_store.h"
#include "storage/identity_store.h"
#include "storage/media_store.h"
#include "storage/outbox_store.h"
#include "storage/points_store.h"
#include "storage/roster_store.h"
#include "storage/ticket_store.h"
#include "storage/volunteer_store.h"
#include "storage/wish_store.h"

namespace linli::storage::testing {

// What SeedCommunity wrote, for the tests' own checks.
struct SeededCommunity {
  int64_t resident = 0;        // the person of ("console", "u1"): tickets 1 and 3 are theirs
  int64_t neighbour = 0;       // ("tg", "42"): ticket 2
  int64_t tickets = 0;
  int64_t last_ticket_id = 0;  // the largest ticket id
};

// Writes the community into `db` (migrated, empty). Fails the calling test on an error.
inline SeededCommunity SeedCommunity(Database& db) {
  SeededCommunity s;
  const int64_t t0 = 1'764'000'000'000;  // 2025-11-24
  auto resident = IdentityStore::Touch(db, {"console", "u1", "u1", ChatType::kPrivate}, t0);
  EXPECT_TRUE(resident.ok()) << resident.status().ToString();
  auto neighbour = IdentityStore::Touch(db, {"tg", "42", "42", ChatType::kPrivate}, t0 + 1);
  EXPECT_TRUE(neighbour.ok()) << neighbour.status().ToString();
  if (!resident.ok() || !neighbour.ok()) return s;
  s.resident = resident->id;
  s.neighbour = neighbour->id;
  EXPECT_TRUE(IdentityStore::SetLocale(db, s.neighbour, "en").ok());

  Household h1;
  h1.building = "3";
  h1.unit = "2";
  h1.room = "301";
  h1.area_centi = 8950;
  h1.owner_name = "张三";
  h1.phone = "13812345678";
  Household h2 = h1;
  h2.room = "302";
  h2.area_m2 = 101.25;
  h2.area_centi = 0;
  h2.owner_name = "O'Brien \"李\"";
  h2.phone = "";
  EXPECT_TRUE(RosterStore::Import(db, {h1, h2}, false, t0 + 2, nullptr, nullptr).ok());
  int drawn = 0;
  auto codes = RosterStore::EnsureCodes(db, "3", t0 + 3,
                                        [&drawn] { return "CODE" + std::to_string(++drawn); });
  EXPECT_TRUE(codes.ok()) << codes.status().ToString();
  if (codes.ok() && !codes->empty()) {
    auto bound = RosterStore::RedeemCode(db, (*codes)[0].code, s.resident, 0, t0 + 4,
                                         nullptr);
    EXPECT_TRUE(bound.ok()) << bound.status().ToString();
  }

  const char* descriptions[] = {"楼道灯坏了，晚上很黑", "Water leaking from the ceiling\nsince Monday",
                                "电梯异响 'clunk' ? $1 😀"};
  for (int i = 0; i < 3; ++i) {
    Ticket t;
    t.reporter_person_id = i == 1 ? s.neighbour : s.resident;
    t.channel = i == 1 ? "tg" : "console";
    t.category = i == 1 ? "safety" : "repair";
    t.building = "3";
    t.unit = "2";
    t.location_text = "3号楼2单元";
    t.description = descriptions[i];
    t.created_at_ms = t0 + 10'000 * (i + 1);
    t.updated_at_ms = t.created_at_ms;
    t.accept_due_at_ms = t.created_at_ms + 3'600'000;
    auto created = TicketStore::Create(db, t);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    if (!created.ok()) continue;
    ++s.tickets;
    s.last_ticket_id = std::max(s.last_ticket_id, created->id);
    if (i == 0) {
      EXPECT_TRUE(TicketStore::SetStatus(db, created->id, TicketStatus::kAccepted, 0, "已派维修工",
                                         true, t.created_at_ms + 60'000)
                      .ok());
      EXPECT_TRUE(MediaStore::Enqueue(db, created->id, "console", "photo-1", "m1",
                                      t.created_at_ms)
                      .ok());
    }
  }

  Wish w;
  w.requester_person_id = s.resident;
  w.posted_by_person_id = s.resident;
  w.channel = "console";
  w.category = "errand";
  w.text = "帮忙取快递";
  w.building = "3";
  w.contact_name = "张三";
  w.created_at_ms = t0 + 50'000;
  w.updated_at_ms = w.created_at_ms;
  auto wish = WishStore::Create(db, w);
  EXPECT_TRUE(wish.ok()) << wish.status().ToString();
  if (wish.ok()) {
    EXPECT_TRUE(WishStore::Transition(db, wish->number, {WishStatus::kPending}, WishStatus::kOpen,
                                      t0 + 51'000)
                    .ok());
    EXPECT_TRUE(WishStore::Claim(db, wish->number, s.neighbour, t0 + 52'000).ok());
  }

  Volunteer v;
  v.person_id = s.neighbour;
  v.display_name = "小李";
  v.organisation = "区税务局党支部";
  v.buildings = {"3"};
  v.status = VolunteerStatus::kActive;
  v.source = "staff";
  v.registered_at_ms = t0 + 53'000;
  EXPECT_TRUE(VolunteerStore::Upsert(db, v).ok());
  PointsEntry award;
  award.person_id = s.neighbour;
  award.amount = 15;
  award.reason = "hours";
  award.actor = "system";
  award.idem_key = "hours:1";
  award.hours_centi = 150;
  award.created_at_ms = t0 + 54'000;
  EXPECT_TRUE(PointsStore::Append(db, award).ok());

  Decision d;
  d.title = "文明养犬公约";
  d.body = "遛狗牵绳";
  d.questions = {DecisionQuestion{"single", "", {}}};
  d.created_by_name = "居委会";
  d.created_at_ms = t0 + 60'000;
  d.updated_at_ms = d.created_at_ms;
  auto decision = DecisionStore::Create(db, d);
  EXPECT_TRUE(decision.ok()) << decision.status().ToString();
  if (decision.ok()) {
    EXPECT_TRUE(DecisionStore::AddComment(db, {0, *decision, s.resident, "支持", t0 + 61'000}).ok());
    EXPECT_TRUE(DecisionStore::Invite(db, *decision, s.neighbour, t0 + 62'000).ok());
  }

  OutboundMessage m;
  m.to = {"tg", "42", "42", ChatType::kPrivate};
  m.text = "您的工单 #2 已受理";
  EXPECT_TRUE(OutboxStore::Enqueue(db, m, t0 + 70'000).ok());
  EXPECT_TRUE(ConversationStore::Save(db, "console|u1|u1",
                                      {"report", "describe", "{\"building\":\"3\"}", "zh-CN",
                                       t0 + 80'000})
                  .ok());
  return s;
}

}  // namespace linli::storage::testing
