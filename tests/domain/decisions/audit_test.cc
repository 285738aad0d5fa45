#include "domain/decisions/audit.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

namespace linli::domain::decisions::audit_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// A 32-hex-digit nonce per household, as the engine would draw at random.
std::string NonceOf(int64_t household) {
  std::string n = Sha256Hex("test nonce " + std::to_string(household)).substr(0, 32);
  return n;
}

// Six households: 1-1-101 and 1-1-102 one owner ("wang"), 2-1-101 and 2-1-102 developer units,
// 1-2-201 and 1-2-202 their own owners. Household 1-2-201 first voted on paper collected by
// 李楼长, then in chat.
struct Fixture {
  AuditInput in;
  std::map<int64_t, std::string> choice_of;

  explicit Fixture(bool secret, MatterClass matter = MatterClass::kOrdinary) {
    in.decision = "7";
    in.title = "宠物公约";
    in.text_sha256 = Sha256Hex("公约全文");
    in.electorate = "whole compound";
    in.secret = secret;
    in.rules.matter = matter;
    in.rules.options = {"agree", "disagree", "abstain"};
    struct H {
      const char* label;
      int64_t id;
      int64_t area;
      const char* owner;
      bool developer;
      const char* choice;  // "" = did not vote
    };
    const H hs[] = {{"1-1-101", 1, 8950, "wang", false, "agree"},
                    {"1-1-102", 2, 7605, "wang", false, "agree"},
                    {"1-2-201", 3, 12025, "13900001111", false, "agree"},
                    {"1-2-202", 4, 6000, "13900002222", false, "disagree"},
                    {"2-1-101", 5, 10000, "", true, "agree"},
                    {"2-1-102", 6, 10000, "", true, ""}};
    for (const H& h : hs) {
      AuditRow r;
      r.household = h.label;
      r.part = {h.id, h.area, h.owner, h.developer};
      r.voted = *h.choice != '\0';
      if (r.voted) {
        r.choice = h.choice;
        r.cast = {"chat", ""};
        choice_of[h.id] = h.choice;
        in.rules.ballots.push_back({h.id, h.choice});
        if (secret) {
          r.commitment = BallotCommitment(h.choice, NonceOf(h.id));
          r.receipt = BallotReceipt(NonceOf(h.id));
        }
      }
      if (h.id == 3) r.replaced = {{"paper", "李楼长"}};
      in.rules.electorate.push_back(r.part);
      in.rows.push_back(r);
    }
    // Written in reverse: the file sorts by household.
    std::reverse(in.rows.begin(), in.rows.end());
    in.announced = Decide(in.rules);
  }
};

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  const size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

TEST(AuditDigestTest, Sha256AndCommitments) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const std::string nonce = NonceOf(1);
  EXPECT_TRUE(ValidNonce(nonce));
  EXPECT_FALSE(ValidNonce("abc"));
  EXPECT_FALSE(ValidNonce(std::string(32, 'G')));
  const std::string c = BallotCommitment("agree", nonce);
  EXPECT_EQ(c, Sha256Hex("linli-ballot-v1\nagree\n" + nonce));
  EXPECT_TRUE(VerifyBallot("agree", nonce, c));
  EXPECT_FALSE(VerifyBallot("disagree", nonce, c));
  EXPECT_NE(BallotReceipt(nonce), c);
}

// The open export re-counts to the announced result, and a hand count of its lines agrees.
TEST(AuditTest, OpenBallotRecountsToTheAnnouncedResult) {
  Fixture f(false);
  // 4 owners (wang, two single owners, the developer); all 4 took part.
  ASSERT_EQ(f.in.announced.electorate, (Count{4, 54580}));
  ASSERT_EQ(f.in.announced.participating, (Count{4, 44580}));
  const std::string csv = WriteAuditCsv(f.in);

  // By hand: the rows and the totals are there as a person reads them.
  EXPECT_THAT(csv, HasSubstr("linli decision audit,v1\n"));
  EXPECT_THAT(csv, HasSubstr("ballot,open\n"));
  EXPECT_THAT(csv, HasSubstr("text_sha256," + Sha256Hex("公约全文") + "\n"));
  EXPECT_THAT(csv, HasSubstr("\n1-1-101,89.50,1,0,chat,,,agree,\n1-1-102,76.05,1,0,chat,,,agree,\n"
                             "1-2-201,120.25,2,0,chat,,paper by 李楼长,agree,\n"
                             "1-2-202,60.00,3,0,chat,,,disagree,\n2-1-101,100.00,4,1,chat,,,agree,\n"
                             "2-1-102,100.00,4,1,,,,,\n"));
  EXPECT_THAT(csv, HasSubstr("option:agree,3,385.80,4\n"));
  EXPECT_THAT(csv, HasSubstr("option:disagree,1,60.00,1\n"));
  EXPECT_THAT(csv, Not(HasSubstr("receipt")));
  EXPECT_THAT(csv, Not(HasSubstr("wang")));  // owner keys are numbered, never shown
  EXPECT_THAT(csv, Not(HasSubstr("13900001111")));

  auto report = Recount(csv);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->ok()) << report->mismatches[0];
  EXPECT_FALSE(report->secret);
  EXPECT_TRUE(report->per_option_recounted);
  EXPECT_EQ(report->text_sha256, Sha256Hex("公约全文"));
  EXPECT_EQ(report->recounted.electorate, f.in.announced.electorate);
  EXPECT_EQ(report->recounted.participating, f.in.announced.participating);
  EXPECT_EQ(report->recounted.per_option, f.in.announced.per_option);
  EXPECT_EQ(report->recounted.adopted, f.in.announced.adopted);
  EXPECT_EQ(report->announced.adopted, f.in.announced.adopted);
  EXPECT_EQ(report->ballots.at("agree"), 4);
}

TEST(AuditTest, AChangedChoiceOrTotalIsAMismatch) {
  Fixture f(false);
  const std::string csv = WriteAuditCsv(f.in);
  // One household's choice changed in the file: the totals no longer re-count.
  auto report = Recount(Replace(csv, "1-2-202,60.00,3,0,chat,,,disagree,", "1-2-202,60.00,3,0,chat,,,agree,"));
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_FALSE(report->ok());
  EXPECT_THAT(report->mismatches, testing::Contains(HasSubstr("option agree owners: announced 3, re-counted 4")));
  // An announced total changed.
  report = Recount(Replace(csv, "option:agree,3,385.80,4", "option:agree,3,385.81,4"));
  ASSERT_TRUE(report.ok());
  EXPECT_THAT(report->mismatches,
              testing::Contains("option agree area: announced 385.81 m², re-counted 385.80 m²"));
}

TEST(AuditTest, NotAnAuditFile) {
  EXPECT_EQ(Recount("").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Recount("a,b\n").status().code(), StatusCode::kInvalidArgument);
  Fixture f(false);
  const std::string csv = WriteAuditCsv(f.in);
  auto bad = Recount(Replace(csv, "1-1-101,89.50", "1-1-101,89.5"));
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("is not a number with 2 decimals"));
  EXPECT_THAT(bad.status().message(), HasSubstr("line "));
}

// Secret: no household row carries a choice, nothing a staff member holds opens a commitment,
// and the receipts cannot be matched to rows - yet the file re-counts.
TEST(AuditTest, SecretBallotNeverLinksAHouseholdToAChoice) {
  Fixture f(true);
  const std::string csv = WriteAuditCsv(f.in);
  EXPECT_THAT(csv, HasSubstr("ballot,secret\n"));
  EXPECT_THAT(csv, HasSubstr("nonce is random, given only to the voter and never stored"));

  std::istringstream lines(csv);
  std::string line;
  bool in_households = false;
  bool in_receipts = false;
  std::vector<std::string> receipts;
  while (std::getline(lines, line)) {
    if (line.rfind("household,", 0) == 0) {
      in_households = true;
      continue;
    }
    if (line.rfind("receipt,", 0) == 0) {
      in_receipts = true;
      continue;
    }
    if (line.empty()) {
      in_households = in_receipts = false;
      continue;
    }
    if (in_households) {
      // No option value anywhere in a household row.
      for (const char* option : {"agree", "disagree", "abstain"}) {
        EXPECT_THAT(line, Not(HasSubstr(std::string(",") + option + ","))) << line;
      }
      // Without the voter's nonce the commitment opens to no option: not with an empty salt,
      // the household label, the text hash or the receipt (what else the file or staff hold).
      const std::string commitment = line.substr(line.rfind(',') + 1);
      for (const char* option : {"agree", "disagree", "abstain"}) {
        for (const std::string& guess :
             {std::string(), line.substr(0, 7), Sha256Hex("公约全文"), std::string("7")}) {
          EXPECT_FALSE(VerifyBallot(option, guess, commitment)) << line;
        }
      }
    }
    if (in_receipts) {
      EXPECT_THAT(line, Not(HasSubstr("-")));  // no household label
      receipts.push_back(line.substr(0, line.find(',')));
    }
  }
  ASSERT_EQ(receipts.size(), 5u);
  EXPECT_TRUE(std::is_sorted(receipts.begin(), receipts.end()));
  for (const auto& [id, nonce] : std::map<int64_t, std::string>{{1, NonceOf(1)}, {4, NonceOf(4)}}) {
    EXPECT_THAT(csv, Not(HasSubstr(nonce)));
    // The voter, holding their nonce, finds their commitment and their receipt with its choice.
    EXPECT_THAT(csv, HasSubstr(BallotCommitment(f.choice_of[id], nonce) + "\n"));
    EXPECT_THAT(csv, HasSubstr(BallotReceipt(nonce) + "," + f.choice_of[id] + "\n"));
  }

  auto report = Recount(csv);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->ok()) << report->mismatches[0];
  EXPECT_TRUE(report->secret);
  EXPECT_FALSE(report->per_option_recounted);  // Art. 278 area per option: checked, not counted
  EXPECT_EQ(report->recounted.participating, f.in.announced.participating);
  EXPECT_EQ(report->recounted.adopted, f.in.announced.adopted);
  EXPECT_EQ(report->ballots.at("agree"), 4);
  EXPECT_EQ(report->ballots.at("disagree"), 1);
}

TEST(AuditTest, SecretTamperingIsFound) {
  Fixture f(true);
  const std::string csv = WriteAuditCsv(f.in);
  // A receipt's choice changed: the ballots per option no longer match.
  const std::string receipt = BallotReceipt(NonceOf(4));
  auto report = Recount(Replace(csv, receipt + ",disagree", receipt + ",agree"));
  ASSERT_TRUE(report.ok());
  EXPECT_THAT(report->mismatches, testing::Contains("option agree ballots: announced 4, re-counted 5"));
  // Announced option areas that do not add up to the participation.
  report = Recount(Replace(csv, "option:disagree,1,60.00,1", "option:disagree,1,50.00,1"));
  ASSERT_TRUE(report.ok());
  EXPECT_THAT(report->mismatches, testing::Contains(HasSubstr("option areas add up to 435.80 m²")));
  // A receipt dropped.
  const size_t at = csv.find(receipt);
  report = Recount(csv.substr(0, at) + csv.substr(csv.find('\n', at) + 1));
  ASSERT_TRUE(report.ok());
  EXPECT_THAT(report->mismatches, testing::Contains("receipts: 4 for 5 households that voted"));
}

// An informal secret matter counts households: the receipts re-count it whole.
TEST(AuditTest, SecretInformalRecountsWhole) {
  Fixture f(true, MatterClass::kInformal);
  ASSERT_EQ(f.in.announced.per_option.at("agree").owners, 4);
  const std::string csv = WriteAuditCsv(f.in);
  auto report = Recount(csv);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->ok()) << report->mismatches[0];
  EXPECT_TRUE(report->per_option_recounted);
  EXPECT_EQ(report->recounted.per_option.at("agree").owners, 4);
  EXPECT_TRUE(report->recounted.adopted);
  // Informal owners are households: every row its own number.
  EXPECT_THAT(csv, HasSubstr("1-1-102,76.05,2,0,chat"));
}

TEST(AuditTest, SpreadsheetFormulasAreDefused) {
  Fixture f(false);
  f.in.title = "=HYPERLINK(\"x\")";
  const std::string csv = WriteAuditCsv(f.in);
  EXPECT_THAT(csv, HasSubstr("title,\"'=HYPERLINK(\"\"x\"\")\"\n"));
  EXPECT_TRUE(Recount(csv).ok());
}

}  // namespace
}  // namespace linli::domain::decisions::audit_test
