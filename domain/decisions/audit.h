// The audit export of a decision (issue 10 point 7, `linli covenant export <id>`) and its
// re-count: a CSV anyone holding the file can count again by hand or with Recount. Pure.
//
// The file is blocks separated by one empty line, each starting with its own header row
// (RFC 4180, UTF-8, LF):
//   1. "linli decision audit,v1" then key,value rows: decision, title, matter, ballot
//      (secret|open), electorate, text_sha256, approve, abstain, min_turnout_percent, one
//      "option" row per option value (display order), and "secrecy" - the rule below in words.
//   2. household,area_m2,owner,developer,cast,collected_by,replaced,choice,commitment - one row
//      per household of the electorate, sorted by household label: area exactly (2 decimals);
//      owner a number shared by the households of one owner (the roster's owner key, never
//      shown; all developer units one number) so headcount can be re-counted; developer 0/1;
//      cast chat|paper, empty if the household did not vote; collected_by who recorded a paper
//      ballot; replaced the earlier ballots of the household that a later one replaced, oldest
//      first, as "via[ by collector]" joined by "; " (never their choices); choice: open ballots
//      only; commitment: secret ballots only.
//   3. secret ballots only: receipt,choice - one row per counted ballot, sorted by receipt.
//   4. count,owners,area_m2,ballots - electorate, participating, needed:participation,
//      needed:approval, then option:<value> for each option (ballots = households).
//   5. result,value - participation_met, approval_met, adopted (yes|no).
//
// Secrecy (secret ballots). Nothing in the file links a household to a choice, for anyone -
// staff included - who does not hold the voter's nonce:
//   - When a household casts (or changes) a secret ballot the engine draws a fresh random
//     nonce (at least 128 bits, as hex), gives it privately to the voter only (paper ballots:
//     on the slip handed back by the collector) and stores only the commitment
//     BallotCommitment(choice, nonce) and the receipt BallotReceipt(nonce) - never the nonce.
//     A salt kept by Linli would not do: with 3 options anyone holding the salt (staff, the
//     operator's database) would recompute the 3 hashes of every household and read its
//     choice. With the nonce only the voter can open their commitment.
//   - Block 2 shows per household that it voted, how, and its commitment: the voter checks
//     their row with VerifyBallot(choice, nonce, commitment).
//   - Block 3 lists the counted choices under receipts, in receipt order (random): anyone
//     counts the ballots per option from it, and the voter finds their receipt
//     (BallotReceipt(nonce)) with their choice - without a way for anyone else to tie a receipt
//     to a household row (the two hashes share only the secret nonce).
//   - Area and owner headcount per option cannot be re-counted from a secret file without
//     linking households to choices (an area is nearly an address): Recount checks them for
//     consistency (they add up to the participation, they decide as announced) and counts
//     everything else itself; an informal matter (one household, one head) re-counts whole.
// A voter holding their nonce can prove their choice to others; that is the price of being
// able to check it (receipt-freeness is not a goal here). Open ballots show the choice in
// block 2 and have no commitments or receipts.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "bot/status.h"
#include "domain/common/sha256.h"
#include "domain/decisions/rule.h"

namespace linli::domain::decisions {

// SHA-256 of `data`, 64 lower-case hex digits (also the covenant text hash).
using domain::Sha256Hex;
// Sha256Hex("linli-ballot-v1\n" + choice + "\n" + nonce).
std::string BallotCommitment(std::string_view choice, std::string_view nonce);
// Sha256Hex("linli-receipt-v1\n" + nonce).
std::string BallotReceipt(std::string_view nonce);
// Whether `commitment` is BallotCommitment(choice, nonce): the voter's check of their row.
bool VerifyBallot(std::string_view choice, std::string_view nonce, std::string_view commitment);
// A nonce fit for the above: at least 32 hex digits (128 bits), lower case.
bool ValidNonce(std::string_view nonce);

// How one ballot was cast.
struct AuditCast {
  std::string via;           // "chat" | "paper"
  std::string collected_by;  // paper: who recorded it (a staff display name); chat: empty
};

// One household of the electorate.
struct AuditRow {
  std::string household;  // label, e.g. "3-2-301"
  Part part;              // area, owner key (not printed: numbered), developer flag
  bool voted = false;
  std::string choice;  // the counted choice; printed for open ballots only
  AuditCast cast;      // how the counted ballot was cast
  std::vector<AuditCast> replaced;  // earlier ballots a later one replaced, oldest first
  std::string commitment;           // secret: BallotCommitment(choice, nonce)
  std::string receipt;              // secret: BallotReceipt(nonce)
};

struct AuditInput {
  std::string decision;     // its number or id
  std::string title;
  std::string text_sha256;  // the frozen text's hash
  std::string electorate;   // "whole compound" or "buildings 1, 3"
  bool secret = true;
  // The rule: matter, approve_value, abstain_value, options, informal_min_turnout_percent
  // (its electorate and ballots are not read: the rows are).
  RuleInput rules;
  RuleResult announced;  // the stored, announced result
  std::vector<AuditRow> rows;
};

// The audit CSV of `in` (format and secrecy above). Rows are sorted by household label;
// receipts by receipt. Free-text fields that a spreadsheet would run as a formula (starting
// with = + - @) are written with a leading apostrophe. With in.secret, no choice appears in
// block 2 and block 3 holds the rows' receipts; without, commitments and receipts are left out.
std::string WriteAuditCsv(const AuditInput& in);

struct RecountReport {
  bool secret = true;
  MatterClass matter = MatterClass::kInformal;
  std::string text_sha256;
  RuleResult announced;  // as the file states it
  // Counted from the rows: electorate and participation always; per-option totals from the
  // choices (open) or - secret - the announced owners/area with the ballots counted from the
  // receipts; thresholds applied by the rule (ApplyRule).
  RuleResult recounted;
  std::map<std::string, int64_t> ballots;  // per option, counted from the file
  // True when the per-option totals the rule decides on were recounted from the file: open
  // ballots (area and headcount from the choices) and secret informal matters (headcount =
  // the receipts' ballots; area is not part of that rule). False: secret Art. 278 matters,
  // whose per-option area and headcount are the announced ones, checked for consistency.
  bool per_option_recounted = false;
  std::vector<std::string> mismatches;  // each difference in words; empty: re-counts as announced
  bool ok() const { return mismatches.empty(); }
};

// Reads a file written by WriteAuditCsv and counts it again. kInvalidArgument ("line N: ...")
// if it is not such a file; otherwise the report, whose mismatches name every count, total or
// flag that differs from the announced one (and, secret: a voted row without a commitment, a
// receipt count other than the voted rows, a repeated receipt, option totals that do not add
// up to the participation).
StatusOr<RecountReport> Recount(std::string_view csv);

}  // namespace linli::domain::decisions
