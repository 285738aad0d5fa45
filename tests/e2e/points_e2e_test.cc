// Points end to end (issue 9 point 5) against the real App on loopback with the fake Telegram
// Bot API: concurrent redemption webhooks are decided by the database (a balance for 3 ->
// exactly 3 of 20 succeed), the ledger sums to every balance, and the admin points API
// (built from domain/volunteers/points_actions.h) awards, reads and cancels with the bearer
// key as the ledger's actor.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/e2e/e2e_harness.h"

namespace linli::e2e::points_e2e_test {
namespace {

constexpr int64_t kUser = 5550991;
constexpr char kAdminToken[] = "test-admin-token-0123456789abcdef";

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

httplib::Headers Bearer() { return {{"Authorization", std::string("Bearer ") + kAdminToken}}; }

void Configure(config::Config& c) {
  c.admin.api_token = kAdminToken;
  c.limits.messages_per_minute = 1000;  // 20 requests in a burst are the point here
  config::CatalogueItem soap;
  soap.id = "soap";
  soap.labels = {{"zh-CN", "洗衣皂"}, {"en", "Soap"}};
  soap.cost = 5;
  soap.stock = 100;
  c.points.catalogue.push_back(soap);
}

int64_t PersonOf(Harness& h, int64_t user) {
  auto db = h.OpenDb();
  if (!db) return 0;
  auto rows = db->Query("SELECT person_id FROM identities WHERE channel = 'tg' AND user_id = ?",
                        {std::to_string(user)});
  return rows.ok() && !rows->empty() ? (*rows)[0].Int(0) : 0;
}

// Every person's balance equals the sum of their ledger entries, and none is negative.
void ExpectLedgerSumsToEveryBalance(Harness& h) {
  auto db = h.OpenDb();
  ASSERT_TRUE(db);
  auto sums = db->Query("SELECT person_id, SUM(amount) FROM points_ledger GROUP BY person_id");
  ASSERT_TRUE(sums.ok());
  ASSERT_FALSE(sums->empty());
  for (const auto& row : *sums) {
    const int64_t person = row.Int(0);
    EXPECT_GE(row.Int(1), 0) << "person " << person << " overdrawn";
    auto r = h.Get("/api/admin/points/" + std::to_string(person), Bearer());
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(json::parse(r.body)["balance"].get<int64_t>(), row.Int(1)) << "person " << person;
  }
  // Holds and their redemptions agree: one hold per redemption, each for its cost.
  auto holds = db->Query(
      "SELECT COUNT(*) FROM redemptions r JOIN points_ledger l ON l.id = r.hold_entry_id "
      "WHERE l.reason = 'redeem_hold' AND l.amount = -r.cost");
  auto all = db->Query("SELECT COUNT(*) FROM redemptions");
  ASSERT_TRUE(holds.ok() && all.ok());
  EXPECT_EQ((*holds)[0].Int(0), (*all)[0].Int(0));
}

TEST(PointsE2eTest, TwentyConcurrentRedemptionsAgainstABalanceForThree) {
  Harness h;
  ASSERT_TRUE(h.StartApp({}, Configure));
  ASSERT_EQ(h.SendText(kUser, "积分"), 200);
  ASSERT_TRUE(Contains(h.NextReplyText(kUser), "您的积分：0 分"));
  const int64_t person = PersonOf(h, kUser);
  ASSERT_GT(person, 0);

  // Staff award through the admin API: 15 points = 3 bars of soap at 5.
  auto award = h.Post("/api/admin/points/" + std::to_string(person),
                      R"({"amount": 15, "reason": "春节慰问活动"})", Bearer());
  ASSERT_EQ(award.status, 200) << award.body;
  json awarded = json::parse(award.body);
  EXPECT_EQ(awarded["balance"], 15);
  EXPECT_EQ(awarded["action"], "award");
  EXPECT_EQ(awarded["entry"]["actor"], "admin");  // the bearer key's name
  EXPECT_TRUE(Contains(h.NextReplyText(kUser), "您获得 15 积分"));  // told privately

  std::vector<std::string> bodies;
  for (int i = 0; i < 20; ++i) bodies.push_back(h.TextUpdate(kUser, "兑换 soap").dump());
  std::vector<int> statuses(bodies.size(), 0);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < bodies.size(); ++i) {
    threads.emplace_back([&, i] { statuses[i] = h.PostWebhook(bodies[i]).status; });
  }
  for (auto& t : threads) t.join();
  for (int s : statuses) EXPECT_EQ(s, 200);

  const auto replies = h.WaitForReplies(kUser, 20);
  ASSERT_EQ(replies.size(), 20u);
  int reserved = 0;
  int refused = 0;
  for (const auto& r : replies) {
    const std::string text = TextOf(r);
    if (Contains(text, "已为您预留")) {
      ++reserved;
      EXPECT_TRUE(Contains(text, "每月 15 日兑换日")) << text;  // handed out on the exchange day
    }
    if (Contains(text, "积分不足")) ++refused;
  }
  EXPECT_EQ(reserved, 3);
  EXPECT_EQ(refused, 17);

  auto got = h.Get("/api/admin/points/" + std::to_string(person), Bearer());
  ASSERT_EQ(got.status, 200) << got.body;
  json points = json::parse(got.body);
  EXPECT_EQ(points["balance"], 0);
  ASSERT_EQ(points["pending_redemptions"].size(), 3u);
  ExpectLedgerSumsToEveryBalance(h);
  {
    auto db = h.OpenDb();
    ASSERT_TRUE(db);
    auto stock = db->Query("SELECT stock FROM catalogue_stock WHERE item_id = 'soap'");
    ASSERT_TRUE(stock.ok() && !stock->empty());
    EXPECT_EQ((*stock)[0].Int(0), 97);
  }

  // Cancelling one through the API releases its hold with a compensating entry.
  const int64_t first = points["pending_redemptions"][0]["id"].get<int64_t>();
  auto cancel = h.Post("/api/admin/redemptions/" + std::to_string(first) + "/cancel", "", Bearer());
  ASSERT_EQ(cancel.status, 200) << cancel.body;
  EXPECT_EQ(json::parse(cancel.body)["balance"], 5);
  auto again = h.Post("/api/admin/redemptions/" + std::to_string(first) + "/cancel", "", Bearer());
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(json::parse(again.body)["code"], "points.refused.not_pending");
  ExpectLedgerSumsToEveryBalance(h);
}

TEST(PointsE2eTest, TheAdminApiRefusesBadBodiesAndOverdraws) {
  Harness h;
  ASSERT_TRUE(h.StartApp({}, Configure));
  ASSERT_EQ(h.SendText(kUser, "积分"), 200);
  ASSERT_EQ(h.WaitForReplies(kUser, 1).size(), 1u);
  const std::string path = "/api/admin/points/" + std::to_string(PersonOf(h, kUser));
  EXPECT_EQ(h.Get(path).status, 401);
  EXPECT_EQ(h.Post(path, R"({"amount": 5})", Bearer()).status, 400);
  EXPECT_EQ(h.Post(path, R"({"amount": 0, "reason": "x"})", Bearer()).status, 400);
  auto overdraw = h.Post(path + "/deduct", R"({"amount": 1, "reason": "罚"})", Bearer());
  EXPECT_EQ(overdraw.status, 409) << overdraw.body;
  EXPECT_EQ(json::parse(overdraw.body)["code"], "points.refused.insufficient");
  EXPECT_EQ(h.Get("/api/admin/points/999999", Bearer()).status, 404);
  auto got = h.Get(path, Bearer());
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(json::parse(got.body)["balance"], 0);
  EXPECT_TRUE(json::parse(got.body)["entries"].empty());
}

}  // namespace
}  // namespace linli::e2e::points_e2e_test
