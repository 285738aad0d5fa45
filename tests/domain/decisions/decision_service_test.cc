#include "domain/decisions/decision_service.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "domain/decisions/decision_actions.h"
#include "domain/decisions/decision_result.h"
#include "domain/decisions/audit.h"
#include "domain/decisions/text_hash.h"
#include "storage/decision_store.h"
#include "storage/question_store.h"
#include "tests/domain/decisions/decision_test_util.h"

namespace linli::domain::decisions::decision_service_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class DecisionServiceTest : public DecisionFixture {};

std::string Choice(const storage::Ballot& b) { return b.answers.at(0).at(0); }

TEST_F(DecisionServiceTest, DraftIsEditableUntilOpenThenTheTextIsFrozenWithItsHash) {
  DraftInput in;
  in.title = "停车公约";
  auto d = Tx([&](storage::Database& db) { return DecisionService::Create(db, h_.deps(), Staff(), in, Now()); });
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->status, "draft");
  ASSERT_EQ(d->questions.size(), 1u);  // 同意 / 反对 / 弃权
  EXPECT_EQ(d->questions[0].options.size(), 3u);
  EXPECT_EQ(d->questions[0].options[0].value, "agree");
  // Opening needs a closing time.
  auto early = Tx([&](storage::Database& db) { return DecisionService::Open(db, h_.deps(), Staff(), d->id, Now()); });
  EXPECT_EQ(DecisionService::ErrorKey(early.status()), "decision.incomplete");
  DraftInput edit;
  edit.body = "每户限停一辆。";
  edit.closes_at_ms = Now() + 3600 * 1000;
  ASSERT_TRUE(Tx([&](storage::Database& db) { return DecisionService::Edit(db, h_.deps(), Staff(), d->id, edit, Now()); }).ok());
  auto opened = Tx([&](storage::Database& db) { return DecisionService::Open(db, h_.deps(), Staff(), d->id, Now()); });
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(opened->status, "open");
  EXPECT_EQ(opened->text_sha256, Sha256Hex(FrozenText(*opened)));
  EXPECT_EQ(opened->text_sha256.size(), 64u);
  DraftInput late;
  late.body = "改了";
  auto refused = Tx([&](storage::Database& db) { return DecisionService::Edit(db, h_.deps(), Staff(), d->id, late, Now()); });
  EXPECT_EQ(DecisionService::ErrorKey(refused.status()), "decision.not_draft");
  EXPECT_EQ(DecisionService::Get(h_.db(), d->id)->body, "每户限停一辆。");
  // Residents may not draft.
  Bind("r1", "1-1-101");
  auto resident = Tx([&](storage::Database& db) {
    return DecisionService::Create(db, h_.deps(), Actor::Person(PersonOf("r1")), in, Now());
  });
  EXPECT_EQ(DecisionService::ErrorKey(resident.status()), "decision.denied");
}

TEST_F(DecisionServiceTest, OpenNotifiesEveryBoundMemberWithAPushedQuestion) {
  Bind("a1", "1-1-101");
  Bind("a2", "1-1-101");
  Bind("b1", "2-1-101");
  h_.TakeOutbox();
  const auto d = OpenCovenant("informal", {"1"});
  auto pushes = h_.TakeOutbox();
  ASSERT_EQ(pushes.size(), 2u);  // a1 and a2 (building 1 only); b1 is outside
  for (const auto& m : pushes) {
    EXPECT_THAT(m.text, HasSubstr("文明养犬公约"));
    ASSERT_EQ(m.choices.size(), 3u);
    EXPECT_EQ(m.choices[0].payload, "/vote " + std::to_string(d.id) + " agree");
    auto q = storage::QuestionStore::Pending(h_.db(), m.to.Key(), Now());
    ASSERT_TRUE(q.ok() && q->has_value());
    EXPECT_EQ((*q)->kind, "vote");
  }
}

TEST_F(DecisionServiceTest, ChangeBeforeCloseCountsOnceWithTheNewChoice) {
  Bind("a1", "1-1-101");
  Bind("a2", "1-1-101");  // same household
  Bind("c1", "1-1-102");
  const auto d = OpenCovenant();
  ASSERT_TRUE(Vote("a1", d.id, "agree").ok());
  auto changed = Vote("a2", d.id, "反对");  // by label, by the other member
  ASSERT_TRUE(changed.ok()) << changed.status().ToString();
  EXPECT_TRUE(changed->replaced);
  ASSERT_TRUE(Vote("c1", d.id, "1").ok());  // by number: agree
  auto ballots = *storage::DecisionStore::Ballots(h_.db(), d.id);
  ASSERT_EQ(ballots.size(), 2u);
  EXPECT_EQ(storage::DecisionStore::History(h_.db(), d.id)->size(), 3u);
  const auto r = Close(d.id);
  EXPECT_EQ(r["voted"], 2);
  EXPECT_EQ(r["per_option"]["agree"]["owners"], 1);    // c1's household
  EXPECT_EQ(r["per_option"]["against"]["owners"], 1);  // a's household, changed: counted once
  EXPECT_EQ(r["per_option"]["abstain"]["owners"], 0);
  EXPECT_EQ(r["per_option"]["against"]["area_centi"], 10000);
  EXPECT_EQ(r["per_option"]["agree"]["area_centi"], 8050);
}

TEST_F(DecisionServiceTest, ABallotAfterCloseIsRefusedAndChangesNothing) {
  Bind("a1", "1-1-101");
  const auto d = OpenCovenant();
  ASSERT_TRUE(Vote("a1", d.id, "agree").ok());
  // At the closing instant, before the job has closed it: refused.
  h_.clock().SetMillis(d.closes_at_ms);
  auto at_close = Vote("a1", d.id, "against");
  EXPECT_EQ(DecisionService::ErrorKey(at_close.status()), "decision.closed");
  const auto r = Close(d.id);
  auto after = Vote("a1", d.id, "against");
  EXPECT_EQ(DecisionService::ErrorKey(after.status()), "decision.closed");
  auto ballots = *storage::DecisionStore::Ballots(h_.db(), d.id);
  ASSERT_EQ(ballots.size(), 1u);
  EXPECT_EQ(Choice(ballots[0]), "agree");
  EXPECT_EQ(storage::DecisionStore::History(h_.db(), d.id)->size(), 1u);
  // The stored result is never recomputed: a second close is refused.
  auto again = Tx([&](storage::Database& db) {
    return DecisionService::Close(db, h_.deps(), Actor::System(), d.id, Now());
  });
  EXPECT_EQ(DecisionService::ErrorKey(again.status()), "decision.not_open");
  EXPECT_EQ(**DecisionService::ResultOf(h_.db(), d.id), r);
}

TEST_F(DecisionServiceTest, APaperBallotReplacedByAChatVoteCountsOnceAndTheAuditShowsBoth) {
  Bind("a1", "1-1-101");
  const auto d = OpenCovenant();
  auto paper = Tx([&](storage::Database& db) {
    return DecisionService::Paper(db, h_.deps(), Staff(), d.id, "1-1-101", "同意", Now());
  });
  ASSERT_TRUE(paper.ok()) << paper.status().ToString();
  EXPECT_FALSE(paper->replaced);
  auto chat = Vote("a1", d.id, "against");
  ASSERT_TRUE(chat.ok());
  EXPECT_TRUE(chat->replaced);
  EXPECT_EQ(chat->replaced_via, "paper");
  auto history = *storage::DecisionStore::History(h_.db(), d.id);
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].via, "paper");
  EXPECT_EQ(history[0].collected_by_person_id, PersonOf("staff-1"));
  EXPECT_EQ(history[1].via, "chat");
  const auto r = Close(d.id);
  EXPECT_EQ(r["voted"], 1);
  EXPECT_EQ(r["per_option"]["against"]["owners"], 1);
  EXPECT_EQ(r["per_option"]["agree"]["owners"], 0);
}

TEST_F(DecisionServiceTest, PaperBallotsOnlyByStaffOrTheBuildingsHead) {
  Bind("a1", "1-1-101");
  const auto d = OpenCovenant();
  auto resident = Tx([&](storage::Database& db) {
    return DecisionService::Paper(db, h_.deps(), Actor::Person(PersonOf("a1")), d.id, "1-1-102",
                                  "agree", Now());
  });
  EXPECT_EQ(DecisionService::ErrorKey(resident.status()), "decision.denied");
  auto unknown = Tx([&](storage::Database& db) {
    return DecisionService::Paper(db, h_.deps(), Staff(), d.id, "9-9-999", "agree", Now());
  });
  EXPECT_EQ(DecisionService::ErrorKey(unknown.status()), "decision.bad_household");
}

TEST_F(DecisionServiceTest, AResidentBoundToNoHouseholdIsToldHowToBind) {
  h_.Say("你好", "stranger");
  const auto d = OpenCovenant();
  auto r = Vote("stranger", d.id, "agree");
  EXPECT_EQ(DecisionService::ErrorKey(r.status()), "decision.bind_first");
  Bind("b1", "2-1-101");
  const auto only1 = OpenCovenant("informal", {"1"});
  EXPECT_EQ(DecisionService::ErrorKey(Vote("b1", only1.id, "agree").status()), "decision.not_eligible");
}

TEST_F(DecisionServiceTest, TheJobOpensRemindsAndClosesEachOnce) {
  Bind("a1", "1-1-101");
  Bind("c1", "1-1-102");
  DraftInput in;
  in.title = "噪音公约";
  in.opens_at_ms = Now() + 60'000;
  in.closes_at_ms = Now() + 48 * 3600'000LL;
  auto d = Tx([&](storage::Database& db) { return DecisionService::Create(db, h_.deps(), Staff(), in, Now()); });
  ASSERT_TRUE(d.ok());
  auto tick = [&] {
    auto r = Tx([&](storage::Database& db) { return DecisionService::Tick(db, h_.deps(), Now()); });
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : TickCounts{};
  };
  EXPECT_EQ(tick().opened, 0);
  h_.clock().Advance(std::chrono::minutes(1));
  h_.TakeOutbox();
  EXPECT_EQ(tick().opened, 1);
  EXPECT_EQ(h_.TakeOutbox().size(), 2u);
  EXPECT_EQ(tick().opened, 0);  // once
  ASSERT_TRUE(Vote("a1", d->id, "agree").ok());
  // 24 hours before the close (reminder_hours default 24): only c1's household is reminded.
  h_.clock().SetMillis(in.closes_at_ms.value() - 24 * 3600'000LL);
  auto t = tick();
  EXPECT_EQ(t.reminded, 1);
  auto reminders = h_.TakeOutbox();
  ASSERT_EQ(reminders.size(), 1u);
  EXPECT_EQ(reminders[0].to.user_id, "c1");
  EXPECT_EQ(tick().reminded, 0);
  h_.clock().SetMillis(in.closes_at_ms.value());
  // A group that takes results (groups[].posts "decisions") and one that takes wishes only.
  h_.mutable_config().groups.push_back({"board", "tg", "-100777", {"decisions"}, {}});
  h_.mutable_config().groups.push_back({"helpers", "tg", "-100888", {"wishes"}, {}});
  EXPECT_EQ(tick().closed, 1);
  auto announced = h_.TakeOutbox();
  // a1's household voted: a1 is told; the configured staff member, privately; and the group
  // that takes results, with totals and no voter.
  ASSERT_EQ(announced.size(), 3u);
  EXPECT_EQ(announced[0].to.user_id, "a1");
  EXPECT_EQ(announced[1].to.user_id, "staff-1");
  EXPECT_EQ(announced[1].to.chat_type, ChatType::kPrivate);
  EXPECT_EQ(announced[2].to.chat_id, "-100777");
  EXPECT_EQ(announced[2].to.chat_type, ChatType::kGroup);
  EXPECT_NE(announced[2].text.find("噪音公约"), std::string::npos);
  EXPECT_EQ(announced[2].text.find("a1"), std::string::npos);
  EXPECT_EQ(tick().closed, 0);
  EXPECT_EQ(DecisionService::Get(h_.db(), d->id)->status, "closed");
}

TEST_F(DecisionServiceTest, Art278OrdinaryMatterOverTheRoster) {
  // 5 households, 450.75 m²; 4 vote (370.50 m² >= 2/3 of both), 3 agree.
  Bind("a", "1-1-101");
  Bind("b", "1-1-102");
  Bind("c", "1-2-201");
  Bind("d", "2-1-101");
  const auto dec = OpenCovenant("ordinary");
  ASSERT_TRUE(Vote("a", dec.id, "agree").ok());
  ASSERT_TRUE(Vote("b", dec.id, "agree").ok());
  ASSERT_TRUE(Vote("c", dec.id, "agree").ok());
  ASSERT_TRUE(Vote("d", dec.id, "against").ok());
  const auto r = Close(dec.id);
  EXPECT_EQ(r["electorate"]["owners"], 5);
  EXPECT_EQ(r["electorate"]["area_centi"], 45075);
  EXPECT_EQ(r["participating"]["owners"], 4);
  EXPECT_EQ(r["participating"]["area_centi"], 39050);
  EXPECT_TRUE(r["participation_met"]);
  EXPECT_TRUE(r["approval_met"]);
  EXPECT_TRUE(r["adopted"]);
  auto adopted = DecisionService::Adopted(h_.db());
  ASSERT_TRUE(adopted.ok());
  ASSERT_EQ(adopted->size(), 1u);
  EXPECT_EQ((*adopted)[0].decision.id, dec.id);
}

TEST_F(DecisionServiceTest, TheResultOfASecretBallotNamesNoVoterOrHousehold) {
  Bind("a1", "1-1-101");
  Bind("c1", "1-1-102");
  const auto d = OpenCovenant();
  ASSERT_TRUE(Vote("a1", d.id, "agree").ok());
  ASSERT_TRUE(Vote("c1", d.id, "against").ok());
  const std::string dumped = Close(d.id).dump();
  for (const auto& [where, id] : household_) {
    EXPECT_THAT(dumped, Not(HasSubstr("h:" + std::to_string(id))));
    EXPECT_THAT(dumped, Not(HasSubstr(where)));
  }
  EXPECT_THAT(dumped, Not(HasSubstr("household")));
  EXPECT_TRUE(DecisionService::VotesAfterClose(h_.db(), *DecisionService::Get(h_.db(), d.id))->empty());
  // An open ballot shows who voted what after close.
  const auto open = OpenCovenant("informal", {}, /*secret=*/false);
  ASSERT_TRUE(Vote("a1", open.id, "agree").ok());
  EXPECT_TRUE(DecisionService::VotesAfterClose(h_.db(), *DecisionService::Get(h_.db(), open.id))->empty());
  Close(open.id);
  auto named = DecisionService::VotesAfterClose(h_.db(), *DecisionService::Get(h_.db(), open.id));
  ASSERT_EQ(named->size(), 1u);
  EXPECT_EQ((*named)[0].household, "1-1-101");
}

TEST_F(DecisionServiceTest, AThreeQuestionPollToTwoBuildingsMatchesAHandCount) {
  for (const auto& [user, where] : std::vector<std::pair<std::string, std::string>>{
           {"a", "1-1-101"}, {"b", "1-1-102"}, {"c", "1-2-201"}, {"d", "2-1-101"}, {"e", "2-1-102"}}) {
    Bind(user, where);
  }
  DraftInput in;
  in.kind = "poll";
  in.title = "充电桩选址";
  in.buildings = std::vector<std::string>{"1", "2"};
  in.questions = std::vector<storage::DecisionQuestion>{
      {"single", "装在哪里？", {{"", "东门"}, {"", "西门"}}},
      {"multi", "需要哪些？", {{"", "快充"}, {"", "慢充"}, {"", "电动自行车"}}},
      {"scale", "有多需要？", {}}};
  in.closes_at_ms = Now() + 3600'000;
  auto d = Tx([&](storage::Database& db) { return DecisionService::Create(db, h_.deps(), Staff(), in, Now()); });
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  ASSERT_TRUE(Tx([&](storage::Database& db) { return DecisionService::Open(db, h_.deps(), Staff(), d->id, Now()); }).ok());
  auto answer = [&](const std::string& user, std::vector<std::vector<std::string>> a) {
    auto r = Tx([&](storage::Database& db) {
      return DecisionService::Vote(db, h_.deps(), PersonOf(user), d->id, a, Now());
    });
    EXPECT_TRUE(r.ok()) << user << ": " << r.status().ToString();
  };
  answer("a", {{"1"}, {"1", "2"}, {"5"}});
  answer("b", {{"东门"}, {"3"}, {"4"}});
  answer("c", {{"2"}, {"1", "3", "1"}, {"2"}});
  answer("d", {{"1"}, {"2"}, {"5"}});
  // A bad scale is refused.
  auto bad = Tx([&](storage::Database& db) {
    return DecisionService::Vote(db, h_.deps(), PersonOf("e"), d->id, {{"1"}, {"1"}, {"6"}}, Now());
  });
  EXPECT_EQ(DecisionService::ErrorKey(bad.status()), "decision.bad_answer");
  const auto r = Close(d->id);
  EXPECT_EQ(r["voted"], 4);
  EXPECT_EQ(r["eligible"], 5);
  const auto& q = r["questions"];
  EXPECT_EQ(q[0]["options"][0]["count"], 3);  // 东门: a, b, d
  EXPECT_EQ(q[0]["options"][1]["count"], 1);
  EXPECT_EQ(q[1]["options"][0]["count"], 2);  // 快充: a, c (c's repeat counts once)
  EXPECT_EQ(q[1]["options"][1]["count"], 2);  // 慢充: a, d
  EXPECT_EQ(q[1]["options"][2]["count"], 2);  // 电动自行车: b, c
  EXPECT_EQ(q[2]["sum"], 16);
  EXPECT_EQ(q[2]["mean_num"], 4);  // 16/4
  EXPECT_EQ(q[2]["mean_den"], 1);
  EXPECT_EQ(q[2]["mean"], "4.00");
}

TEST_F(DecisionServiceTest, AnElectionTakesItsNomineesAndReportsATieAsATie) {
  Bind("a", "1-1-101");
  Bind("b", "1-1-102");
  DraftInput in;
  in.kind = "election";
  in.title = "最美楼栋长";
  in.closes_at_ms = Now() + 3600'000;
  auto d = Tx([&](storage::Database& db) { return DecisionService::Create(db, h_.deps(), Staff(), in, Now()); });
  ASSERT_TRUE(d.ok());
  for (const char* name : {"王阿姨", "李师傅"}) {
    ASSERT_TRUE(Tx([&](storage::Database& db) {
                  return DecisionService::Nominate(db, h_.deps(), PersonOf("a"), d->id, name, Now());
                }).ok());
  }
  auto twice = Tx([&](storage::Database& db) {
    return DecisionService::Nominate(db, h_.deps(), PersonOf("b"), d->id, "王阿姨", Now());
  });
  EXPECT_EQ(DecisionService::ErrorKey(twice.status()), "decision.nominated_already");
  auto opened = Tx([&](storage::Database& db) { return DecisionService::Open(db, h_.deps(), Staff(), d->id, Now()); });
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  ASSERT_EQ(opened->questions[0].options.size(), 2u);
  std::set<std::string> labels;
  for (const auto& o : opened->questions[0].options) labels.insert(o.label);
  EXPECT_EQ(labels, (std::set<std::string>{"王阿姨", "李师傅"}));
  ASSERT_TRUE(Vote("a", d->id, "王阿姨").ok());  // by name
  const std::string li = opened->questions[0].options[0].label == "李师傅" ? "1" : "2";
  ASSERT_TRUE(Vote("b", d->id, li).ok());       // by number
  const auto r = Close(d->id);
  EXPECT_TRUE(r["tie"]);
  EXPECT_EQ(r["winners"].size(), 2u);
  EXPECT_THAT(ResultText(h_.deps().texts, "zh-CN", *DecisionService::Get(h_.db(), d->id), r),
              HasSubstr("平票"));
}

TEST_F(DecisionServiceTest, AQuarterlyAppraisalRatesTheConfiguredCriteria) {
  Bind("a", "1-1-101");
  Bind("b", "2-1-101");
  DraftInput in;
  in.kind = "appraisal";
  in.title = "2026年第四季度物业服务民主评议";
  in.period = "2026-Q4";
  in.closes_at_ms = Now() + 3600'000;
  auto d = Tx([&](storage::Database& db) { return DecisionService::Create(db, h_.deps(), Staff(), in, Now()); });
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->questions.size(), h_.config().decisions.appraisal_criteria.size());
  EXPECT_EQ(d->questions[0].kind, "scale");
  EXPECT_EQ(d->questions[0].text, "服务态度");
  ASSERT_TRUE(Tx([&](storage::Database& db) { return DecisionService::Open(db, h_.deps(), Staff(), d->id, Now()); }).ok());
  auto rate = [&](const std::string& user, std::vector<std::string> scores) {
    std::vector<std::vector<std::string>> a;
    for (auto& s : scores) a.push_back({s});
    auto r = Tx([&](storage::Database& db) {
      return DecisionService::Vote(db, h_.deps(), PersonOf(user), d->id, a, Now());
    });
    EXPECT_TRUE(r.ok()) << r.status().ToString();
  };
  rate("a", {"5", "4", "3", "2", "1"});
  rate("b", {"4", "4", "4", "4", "2"});
  const auto r = Close(d->id);
  EXPECT_EQ(r["questions"][0]["mean"], "4.50");
  EXPECT_EQ(r["questions"][0]["mean_num"], 9);
  EXPECT_EQ(r["questions"][0]["mean_den"], 2);
  EXPECT_EQ(r["questions"][2]["mean"], "3.50");
  EXPECT_EQ(r["questions"][4]["mean"], "1.50");
  EXPECT_EQ(DecisionService::Get(h_.db(), d->id)->period, "2026-Q4");
}

TEST_F(DecisionServiceTest, InvitedRepresentativesCommentOnADraft) {
  Bind("rep", "1-1-101");
  DraftInput in;
  in.title = "草案";
  auto d = Tx([&](storage::Database& db) { return DecisionService::Create(db, h_.deps(), Staff(), in, Now()); });
  ASSERT_TRUE(d.ok());
  auto uninvited = Tx([&](storage::Database& db) {
    return DecisionService::Comment(db, h_.deps(), PersonOf("rep"), d->id, "意见", Now());
  });
  EXPECT_EQ(DecisionService::ErrorKey(uninvited.status()), "decision.not_invited");
  h_.TakeOutbox();
  ASSERT_TRUE(Tx([&](storage::Database& db) {
                return DecisionService::Invite(db, h_.deps(), Staff(), d->id, "tg:rep", Now());
              }).ok());
  auto invitation = h_.TakeOutbox();
  ASSERT_EQ(invitation.size(), 1u);
  EXPECT_EQ(invitation[0].to.user_id, "rep");
  ASSERT_TRUE(Tx([&](storage::Database& db) {
                return DecisionService::Comment(db, h_.deps(), PersonOf("rep"), d->id, "建议加上时段", Now());
              }).ok());
  auto comments = *storage::DecisionStore::Comments(h_.db(), d->id);
  ASSERT_EQ(comments.size(), 1u);
  EXPECT_EQ(comments[0].text, "建议加上时段");
}

TEST(DecisionActionsTest, EveryActionHasAUniqueNameAndFlowAndReadsItsArguments) {
  std::set<std::string> names, flows;
  for (const auto& a : DecisionActions()) {
    EXPECT_TRUE(names.insert(a.name).second) << a.name;
    EXPECT_TRUE(flows.insert(a.chat.flow).second) << a.chat.flow;
    EXPECT_FALSE(a.chat.words.empty());
  }
  EXPECT_NE(FindDecisionAction("paper"), nullptr);
  EXPECT_EQ(FindDecisionAction("nope"), nullptr);
}

}  // namespace
}  // namespace linli::domain::decisions::decision_service_test
