#include "domain/decisions/rule.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace linli::domain::decisions::rule_test {
namespace {

// `n` parts of `area_centi` each, households 1..n, each its own owner.
std::vector<Part> Equal(int n, int64_t area_centi) {
  std::vector<Part> parts;
  for (int i = 1; i <= n; ++i) parts.push_back({i, area_centi, "owner" + std::to_string(i), false});
  return parts;
}

// Households from..to (inclusive) cast `choice`.
void Vote(RuleInput& in, int from, int to, const std::string& choice) {
  for (int i = from; i <= to; ++i) in.ballots.push_back({i, choice});
}

RuleInput Input(MatterClass matter, std::vector<Part> parts) {
  RuleInput in;
  in.matter = matter;
  in.electorate = std::move(parts);
  in.options = {"agree", "disagree", "abstain"};
  return in;
}

// --- names ---

TEST(MatterClassTest, NamesRoundTrip) {
  for (MatterClass m : {MatterClass::kInformal, MatterClass::kOrdinary, MatterClass::kMajor}) {
    ASSERT_EQ(ParseMatterClass(MatterClassName(m)), m);
  }
  EXPECT_EQ(MatterClassName(MatterClass::kOrdinary), "ordinary");
  EXPECT_EQ(ParseMatterClass("Major"), std::nullopt);
  EXPECT_EQ(ParseMatterClass(""), std::nullopt);
}

TEST(CeilFractionTest, ExactAndLarge) {
  EXPECT_EQ(CeilFraction(300, 2, 3), 200);
  EXPECT_EQ(CeilFraction(301, 2, 3), 201);  // 200.67 -> 201
  EXPECT_EQ(CeilFraction(210, 3, 4), 158);  // 157.5 -> 158
  EXPECT_EQ(CeilFraction(0, 3, 4), 0);
  // No overflow where value * num exceeds 64 bits.
  EXPECT_EQ(CeilFraction(9'000'000'000'000'000'000, 3, 4), 6'750'000'000'000'000'000);
}

// --- the worked example of the issue ---

// 300 owners / 30,000 m² (100 m² each): participation >= 200 owners and >= 20,000 m²; with
// 210 owners and 21,000 m² participating, ordinary needs > 105 owners and > 10,500 m² (106
// and 10,500.01 m² at 0.01 m² precision); major needs >= 158 owners and >= 15,750 m².
TEST(RuleTest, WorkedExampleNeededCounts) {
  RuleInput in = Input(MatterClass::kOrdinary, Equal(300, 10000));
  Vote(in, 1, 106, "agree");
  Vote(in, 107, 200, "disagree");
  Vote(in, 201, 210, "abstain");
  RuleResult r = Decide(in);
  EXPECT_EQ(r.electorate, (Count{300, 3'000'000}));
  EXPECT_EQ(r.participating, (Count{210, 2'100'000}));
  EXPECT_EQ(r.participation_needed, (Count{200, 2'000'000}));
  EXPECT_TRUE(r.participation_met);
  EXPECT_EQ(r.approval_needed, (Count{106, 1'050'001}));
  EXPECT_EQ(r.per_option.at("agree"), (Count{106, 1'060'000}));
  EXPECT_EQ(r.per_option.at("disagree"), (Count{94, 940'000}));
  EXPECT_EQ(r.per_option.at("abstain"), (Count{10, 100'000}));
  EXPECT_TRUE(r.approval_met);
  EXPECT_TRUE(r.adopted);

  in.matter = MatterClass::kMajor;
  r = Decide(in);
  EXPECT_EQ(r.participation_needed, (Count{200, 2'000'000}));
  EXPECT_EQ(r.approval_needed, (Count{158, 1'575'000}));
  EXPECT_FALSE(r.approval_met);
  EXPECT_FALSE(r.adopted);
}

TEST(RuleTest, WorkedExampleOrdinaryBoundIs105Versus106) {
  for (int agree : {105, 106}) {
    RuleInput in = Input(MatterClass::kOrdinary, Equal(300, 10000));
    Vote(in, 1, agree, "agree");
    Vote(in, agree + 1, 210, "disagree");
    RuleResult r = Decide(in);
    EXPECT_EQ(r.adopted, agree == 106) << agree;
  }
}

TEST(RuleTest, WorkedExampleMajorBoundIs157Versus158) {
  for (int agree : {157, 158}) {
    RuleInput in = Input(MatterClass::kMajor, Equal(300, 10000));
    Vote(in, 1, agree, "agree");
    Vote(in, agree + 1, 210, "disagree");
    RuleResult r = Decide(in);
    EXPECT_EQ(r.participating, (Count{210, 2'100'000}));
    EXPECT_EQ(r.adopted, agree == 158) << agree;
  }
}

// 158 owners in favour holding exactly 15,750 m² pass a major matter; 0.01 m² less fails.
TEST(RuleTest, WorkedExampleMajorAreaBound) {
  for (int64_t shift : {0, 1}) {
    std::vector<Part> parts = Equal(300, 10000);
    // In favour: households 1-158, 5,000 hundredths moved to a disagreeing part (and `shift`
    // more), so the participating area stays 21,000 m².
    parts[0].area_centi -= 5000 + shift;
    parts[209].area_centi += 5000 + shift;
    RuleInput in = Input(MatterClass::kMajor, parts);
    Vote(in, 1, 158, "agree");
    Vote(in, 159, 210, "disagree");
    RuleResult r = Decide(in);
    ASSERT_EQ(r.participating, (Count{210, 2'100'000}));
    EXPECT_EQ(r.per_option.at("agree"), (Count{158, 1'575'000 - shift}));
    EXPECT_EQ(r.approval_needed, (Count{158, 1'575'000}));
    EXPECT_EQ(r.adopted, shift == 0) << shift;
  }
}

// --- participation: exactly 2/3 passes; one owner or 0.01 m² less fails ---

TEST(RuleTest, ParticipationExactlyTwoThirdsPasses) {
  RuleInput in = Input(MatterClass::kOrdinary, Equal(300, 10000));
  Vote(in, 1, 200, "agree");
  RuleResult r = Decide(in);
  EXPECT_EQ(r.participating, (Count{200, 2'000'000}));
  EXPECT_TRUE(r.participation_met);
  EXPECT_TRUE(r.adopted);
}

TEST(RuleTest, ParticipationOneOwnerLessFails) {
  // 199 owners hold exactly 2/3 of the area (the non-voters' parts are smaller), but 199 of
  // 300 owners is less than 2/3.
  std::vector<Part> parts = Equal(300, 10000);
  // 199 * a = 2/3 * (199 * a + 101 * b): with a = 10100, b = 9950 -> 2,009,900 of 3,014,850.
  for (int i = 0; i < 199; ++i) parts[i].area_centi = 10100;
  for (int i = 199; i < 300; ++i) parts[i].area_centi = 9950;
  RuleInput in = Input(MatterClass::kOrdinary, parts);
  Vote(in, 1, 199, "agree");
  RuleResult r = Decide(in);
  ASSERT_EQ(r.participating.area_centi * 3, r.electorate.area_centi * 2);  // area exactly 2/3
  EXPECT_EQ(r.participating.owners, 199);
  EXPECT_EQ(r.participation_needed.owners, 200);
  EXPECT_FALSE(r.participation_met);
  EXPECT_TRUE(r.approval_met);
  EXPECT_FALSE(r.adopted);
}

TEST(RuleTest, ParticipationOneHundredthOfASquareMetreLessFails) {
  // 2 of 3 owners (exactly 2/3 by headcount) holding 199.99 of 300 m².
  for (int64_t shift : {0, 1}) {
    std::vector<Part> parts = Equal(3, 10000);
    parts[0].area_centi -= shift;
    parts[2].area_centi += shift;
    RuleInput in = Input(MatterClass::kOrdinary, parts);
    Vote(in, 1, 2, "agree");
    RuleResult r = Decide(in);
    EXPECT_EQ(r.participating, (Count{2, 20000 - shift}));
    EXPECT_EQ(r.participation_needed, (Count{2, 20000}));
    EXPECT_EQ(r.participation_met, shift == 0) << shift;
    EXPECT_EQ(r.adopted, shift == 0) << shift;
  }
}

// --- ordinary: exactly 1/2 fails (过半数 is strict) ---

TEST(RuleTest, OrdinaryExactlyHalfFailsByHeadcount) {
  // 2 of 4 owners in favour, holding more than half the area.
  std::vector<Part> parts = Equal(4, 10000);
  parts[0].area_centi = 20000;
  RuleInput in = Input(MatterClass::kOrdinary, parts);
  Vote(in, 1, 2, "agree");
  Vote(in, 3, 4, "disagree");
  RuleResult r = Decide(in);
  EXPECT_TRUE(r.participation_met);
  EXPECT_EQ(r.per_option.at("agree"), (Count{2, 30000}));
  EXPECT_EQ(r.approval_needed.owners, 3);
  EXPECT_FALSE(r.approval_met);
  EXPECT_FALSE(r.adopted);
}

TEST(RuleTest, OrdinaryExactlyHalfFailsByArea) {
  // 3 of 5 owners in favour, holding exactly half the participating area.
  std::vector<Part> parts = {{1, 5000, "a", false},
                             {2, 5000, "b", false},
                             {3, 10000, "c", false},
                             {4, 10000, "d", false},
                             {5, 10000, "e", false}};
  RuleInput in = Input(MatterClass::kOrdinary, parts);
  Vote(in, 1, 3, "agree");
  Vote(in, 4, 5, "disagree");
  RuleResult r = Decide(in);
  EXPECT_EQ(r.per_option.at("agree"), (Count{3, 20000}));
  EXPECT_EQ(r.participating.area_centi, 40000);
  EXPECT_EQ(r.approval_needed, (Count{3, 20001}));
  EXPECT_FALSE(r.approval_met);

  // 0.01 m² more in favour passes.
  in.electorate[0].area_centi += 1;
  r = Decide(in);
  EXPECT_TRUE(r.approval_met);
  EXPECT_TRUE(r.adopted);
}

TEST(RuleTest, AbstentionsCountAsParticipatingNotInFavour) {
  // 3 agree, 2 disagree, 2 abstain: 3 of 7 participating is not more than half.
  RuleInput in = Input(MatterClass::kOrdinary, Equal(7, 10000));
  Vote(in, 1, 3, "agree");
  Vote(in, 4, 5, "disagree");
  Vote(in, 6, 7, "abstain");
  RuleResult r = Decide(in);
  EXPECT_EQ(r.participating.owners, 7);
  EXPECT_FALSE(r.approval_met);
}

// --- major: exactly 3/4 passes (以上 includes the bound) ---

TEST(RuleTest, MajorExactlyThreeQuartersPasses) {
  RuleInput in = Input(MatterClass::kMajor, Equal(4, 10000));
  Vote(in, 1, 3, "agree");
  Vote(in, 4, 4, "disagree");
  RuleResult r = Decide(in);
  EXPECT_EQ(r.approval_needed, (Count{3, 30000}));
  EXPECT_TRUE(r.approval_met);
  EXPECT_TRUE(r.adopted);
}

TEST(RuleTest, MajorJustUnderThreeQuartersFails) {
  // By headcount: 5 of 7 (< 3/4) with plenty of area.
  {
    std::vector<Part> parts = Equal(7, 10000);
    parts[0].area_centi = 100000;
    RuleInput in = Input(MatterClass::kMajor, parts);
    Vote(in, 1, 5, "agree");
    Vote(in, 6, 7, "disagree");
    RuleResult r = Decide(in);
    EXPECT_EQ(r.approval_needed.owners, 6);
    EXPECT_FALSE(r.adopted);
  }
  // By area: 3 of 4 owners holding 0.01 m² under 3/4 of the area.
  {
    std::vector<Part> parts = Equal(4, 10000);
    parts[0].area_centi -= 1;
    parts[3].area_centi += 1;
    RuleInput in = Input(MatterClass::kMajor, parts);
    Vote(in, 1, 3, "agree");
    Vote(in, 4, 4, "disagree");
    RuleResult r = Decide(in);
    EXPECT_EQ(r.per_option.at("agree").area_centi, 29999);
    EXPECT_EQ(r.approval_needed.area_centi, 30000);
    EXPECT_FALSE(r.adopted);
  }
}

// --- headcount ---

TEST(RuleTest, MultiUnitOwnerCountedOnce) {
  // Owner "wang" holds parts 1-3; parts 4 and 5 are other owners: 3 owners, 5 parts.
  std::vector<Part> parts = {{1, 10000, "wang", false},
                             {2, 10000, "wang", false},
                             {3, 10000, "wang", false},
                             {4, 10000, "li", false},
                             {5, 10000, "zhao", false}};
  RuleInput in = Input(MatterClass::kOrdinary, parts);
  Vote(in, 1, 1, "agree");  // only one of wang's parts votes
  Vote(in, 4, 4, "agree");
  RuleResult r = Decide(in);
  EXPECT_EQ(r.electorate, (Count{3, 50000}));
  EXPECT_EQ(r.participating, (Count{2, 20000}));  // area only of the parts that voted
  EXPECT_EQ(r.per_option.at("agree"), (Count{2, 20000}));
  EXPECT_EQ(r.participation_needed.owners, 2);  // 2 of 3 owners is enough by headcount...
  EXPECT_FALSE(r.participation_met);           // ...but 200 of 500 m² is not
}

TEST(RuleTest, MultiUnitOwnerTurnsHeadcountButNotArea) {
  // Without deduplication 2 of 5 parts would be under 2/3; as owners 2 of 3 reach it - and with
  // wang's three parts all voting the area is there too.
  std::vector<Part> parts = {{1, 10000, "wang", false},
                             {2, 10000, "wang", false},
                             {3, 10000, "wang", false},
                             {4, 10000, "li", false},
                             {5, 10000, "zhao", false}};
  RuleInput in = Input(MatterClass::kOrdinary, parts);
  Vote(in, 1, 4, "agree");
  RuleResult r = Decide(in);
  EXPECT_EQ(r.participating, (Count{2, 40000}));
  EXPECT_EQ(r.per_option.at("agree"), (Count{2, 40000}));
  EXPECT_TRUE(r.participation_met);
  EXPECT_TRUE(r.adopted);
}

TEST(RuleTest, DeveloperUnitsCountAsOneOwner) {
  // 4 unsold developer parts (whatever their keys) + 2 owners = 3 owners.
  std::vector<Part> parts = {{1, 10000, "dev-a", true},  {2, 10000, "", true},
                             {3, 10000, "dev-b", true},  {4, 10000, "dev-a", true},
                             {5, 10000, "dev-a", false}, {6, 10000, "", false}};
  RuleInput in = Input(MatterClass::kOrdinary, parts);
  Vote(in, 1, 4, "agree");
  RuleResult r = Decide(in);
  EXPECT_EQ(r.electorate, (Count{3, 60000}));  // "dev-a" on part 5 is a separate, sold part
  EXPECT_EQ(r.participating, (Count{1, 40000}));
  EXPECT_EQ(r.per_option.at("agree"), (Count{1, 40000}));
  EXPECT_FALSE(r.participation_met);  // 1 of 3 owners, despite 2/3 of the area
}

TEST(RuleTest, EmptyOwnerKeyIsItsOwnOwner) {
  std::vector<Part> parts = {{1, 10000, "", false}, {2, 10000, "", false}, {3, 10000, "", false}};
  RuleResult r = Decide(Input(MatterClass::kOrdinary, parts));
  EXPECT_EQ(r.electorate.owners, 3);
  EXPECT_EQ(HeadcountKey(parts[0]), "household:1");
  EXPECT_EQ(HeadcountKey({7, 0, "developer", false}), "owner:developer");
  EXPECT_EQ(HeadcountKey({7, 0, "x", true}), "developer");
}

// An owner whose parts voted differently is one participating owner counted for no option;
// each part's area follows its own ballot.
TEST(RuleTest, SplitOwnerParticipatesButCountsForNoOption) {
  std::vector<Part> parts = {{1, 10000, "wang", false},
                             {2, 8000, "wang", false},
                             {3, 10000, "li", false},
                             {4, 10000, "zhao", false}};
  RuleInput in = Input(MatterClass::kOrdinary, parts);
  in.ballots = {{1, "agree"}, {2, "disagree"}, {3, "agree"}, {4, "disagree"}};
  RuleResult r = Decide(in);
  EXPECT_EQ(r.electorate, (Count{3, 38000}));
  EXPECT_EQ(r.participating, (Count{3, 38000}));
  EXPECT_EQ(r.per_option.at("agree"), (Count{1, 20000}));
  EXPECT_EQ(r.per_option.at("disagree"), (Count{1, 18000}));
  EXPECT_FALSE(r.approval_met);  // 1 of 3 owners

  // The same owner voting the same way with both parts counts once for it.
  in.ballots = {{1, "agree"}, {2, "agree"}, {3, "agree"}, {4, "disagree"}};
  r = Decide(in);
  EXPECT_EQ(r.per_option.at("agree"), (Count{2, 28000}));
  EXPECT_TRUE(r.adopted);
}

// --- ballots ---

TEST(RuleTest, BallotsOutsideTheElectorateInvalidOrRepeatedAreHandled) {
  RuleInput in = Input(MatterClass::kOrdinary, Equal(3, 10000));
  in.ballots = {{1, "disagree"}, {1, "agree"},  // the last one counts
                {2, "agree"},    {3, "maybe"},  // not an option: ignored
                {9, "agree"},    {3, ""}};      // outside the electorate; empty choice
  RuleResult r = Decide(in);
  EXPECT_EQ(r.participating, (Count{2, 20000}));
  EXPECT_EQ(r.per_option.at("agree"), (Count{2, 20000}));
  EXPECT_EQ(r.per_option.at("disagree"), (Count{}));
  EXPECT_EQ(r.per_option.count("maybe"), 0u);
  EXPECT_EQ(r.per_option.size(), 3u);  // every option, zeros included
  EXPECT_TRUE(r.adopted);
}

TEST(RuleTest, NothingAdoptedWithoutElectorateOrBallots) {
  for (MatterClass m : {MatterClass::kInformal, MatterClass::kOrdinary, MatterClass::kMajor}) {
    RuleResult empty = Decide(Input(m, {}));
    EXPECT_FALSE(empty.participation_met) << MatterClassName(m);
    EXPECT_FALSE(empty.adopted) << MatterClassName(m);
    RuleResult silent = Decide(Input(m, Equal(3, 10000)));
    EXPECT_FALSE(silent.adopted) << MatterClassName(m);
    EXPECT_GE(silent.approval_needed.owners, 1) << MatterClassName(m);
  }
}

TEST(RuleTest, HugeAreasCompareExactly) {
  // Products past 64 bits: 3 parts of 3e18 hundredths; 2 of them are exactly 2/3.
  const int64_t big = 3'000'000'000'000'000'000;
  for (int64_t shift : {0, 1}) {
    std::vector<Part> parts = Equal(3, big);
    parts[0].area_centi -= shift;
    RuleInput in = Input(MatterClass::kMajor, parts);
    Vote(in, 1, 2, "agree");
    RuleResult r = Decide(in);
    EXPECT_EQ(r.participation_met, shift == 0) << shift;
    EXPECT_TRUE(r.approval_met);
  }
}

// --- informal: simple majority of votes cast, optional minimum turnout ---

TEST(RuleTest, InformalSimpleMajorityWithoutMinimumTurnout) {
  RuleInput in = Input(MatterClass::kInformal, Equal(100, 10000));
  Vote(in, 1, 2, "agree");
  Vote(in, 3, 3, "disagree");
  RuleResult r = Decide(in);
  EXPECT_EQ(r.participating.owners, 3);
  EXPECT_EQ(r.participation_needed, (Count{1, 0}));
  EXPECT_TRUE(r.participation_met);  // no minimum turnout: 3 of 100 households is enough
  EXPECT_EQ(r.approval_needed, (Count{2, 0}));
  EXPECT_TRUE(r.adopted);

  // A tie fails.
  in.ballots.push_back({4, "disagree"});
  r = Decide(in);
  EXPECT_FALSE(r.approval_met);
  EXPECT_FALSE(r.adopted);
}

TEST(RuleTest, InformalAbstentionsAreNotVotesCast) {
  RuleInput in = Input(MatterClass::kInformal, Equal(10, 10000));
  Vote(in, 1, 2, "agree");
  Vote(in, 3, 3, "disagree");
  Vote(in, 4, 8, "abstain");
  RuleResult r = Decide(in);
  EXPECT_EQ(r.participating.owners, 8);
  EXPECT_EQ(r.approval_needed.owners, 2);  // more than half of 3 votes cast
  EXPECT_TRUE(r.adopted);
}

TEST(RuleTest, InformalMinimumTurnout) {
  for (int voting : {4, 5}) {
    RuleInput in = Input(MatterClass::kInformal, Equal(10, 10000));
    in.informal_min_turnout_percent = 50;
    Vote(in, 1, voting, "agree");
    RuleResult r = Decide(in);
    EXPECT_EQ(r.participation_needed.owners, 5);
    EXPECT_EQ(r.participation_met, voting == 5) << voting;
    EXPECT_TRUE(r.approval_met);
    EXPECT_EQ(r.adopted, voting == 5) << voting;
  }
  // Abstentions count for turnout.
  RuleInput in = Input(MatterClass::kInformal, Equal(10, 10000));
  in.informal_min_turnout_percent = 50;
  Vote(in, 1, 1, "agree");
  Vote(in, 2, 5, "abstain");
  EXPECT_TRUE(Decide(in).adopted);
  // 33% of 10 needs 4 (3.3 rounded up).
  in.informal_min_turnout_percent = 33;
  EXPECT_EQ(Decide(in).participation_needed.owners, 4);
}

TEST(RuleTest, InformalCountsHouseholdsNotOwners) {
  // One owner's three households are three votes in a micro-covenant.
  std::vector<Part> parts = {{1, 10000, "wang", false},
                             {2, 10000, "wang", false},
                             {3, 10000, "wang", false},
                             {4, 10000, "li", false}};
  RuleInput in = Input(MatterClass::kInformal, parts);
  Vote(in, 1, 3, "agree");
  Vote(in, 4, 4, "disagree");
  RuleResult r = Decide(in);
  EXPECT_EQ(r.electorate, (Count{4, 40000}));
  EXPECT_EQ(r.per_option.at("agree"), (Count{3, 30000}));
  EXPECT_TRUE(r.adopted);
}

}  // namespace
}  // namespace linli::domain::decisions::rule_test

namespace linli::domain::decisions::rule_test {
namespace {

// ApplyRule is Decide's thresholds half: from Decide's counts it gives Decide's result, and it
// ignores whatever needed/met values the counts came with.
TEST(ApplyRuleTest, SameAsDecideFromItsCounts) {
  for (MatterClass m : {MatterClass::kInformal, MatterClass::kOrdinary, MatterClass::kMajor}) {
    for (int agree : {100, 106, 158, 200}) {
      RuleInput in = Input(m, Equal(300, 10000));
      Vote(in, 1, agree, "agree");
      Vote(in, agree + 1, 210, "disagree");
      const RuleResult decided = Decide(in);
      RuleResult counts;
      counts.electorate = decided.electorate;
      counts.participating = decided.participating;
      counts.per_option = decided.per_option;
      counts.adopted = !decided.adopted;
      counts.approval_needed = Count{1, 1};
      const RuleResult applied = ApplyRule(in, counts);
      EXPECT_EQ(applied.participation_needed, decided.participation_needed);
      EXPECT_EQ(applied.approval_needed, decided.approval_needed);
      EXPECT_EQ(applied.participation_met, decided.participation_met);
      EXPECT_EQ(applied.approval_met, decided.approval_met);
      EXPECT_EQ(applied.adopted, decided.adopted) << MatterClassName(m) << " " << agree;
    }
  }
}

}  // namespace
}  // namespace linli::domain::decisions::rule_test
