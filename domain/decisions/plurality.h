// Elections of people (issue 10 point 9: 最美楼栋长, 最美业主, 最美报到党员): after nominations, a
// vote among the candidates; the most votes win, and a tie is reported as a tie - never broken
// by order, id or chance. Pure.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace linli::domain::decisions {

// One voter's vote. The voter key is the unit the election counts - a person or a household,
// as the engine chose; one vote per voter key (the last one listed counts).
struct ElectionVote {
  std::string voter;
  std::string candidate;
};

struct CandidateTotal {
  std::string candidate;
  int64_t votes = 0;
  friend bool operator==(const CandidateTotal&, const CandidateTotal&) = default;
};

struct PluralityResult {
  std::vector<CandidateTotal> totals;  // every candidate, in the order given, zeros included
  int64_t ballots = 0;                 // votes counted (one per voter, valid candidates only)
  // Elected outright: more votes than every candidate not elected, within `seats`.
  std::vector<std::string> elected;
  // Candidates tied for the remaining seats (more of them than seats left); empty when the
  // result is decided. Those seats stay open: staff decide (a run-off, a draw in public).
  std::vector<std::string> tied;
  int64_t seats_in_tie = 0;  // seats the tied candidates compete for
  bool tie() const { return !tied.empty(); }
};

// Counts `votes` for `candidates` (ids, display order; duplicates ignored). Votes for a
// candidate not listed, with an empty voter or candidate, are ignored. `seats` (at least 1)
// candidates are elected: those with the most votes; a candidate with no votes is never
// elected. When the last seats fall among candidates with equal votes, more than fit, they
// are `tied` and `elected` holds only those above them. No votes at all: nothing elected, no tie.
// `elected` and `tied` are in the order of `candidates`.
PluralityResult CountPlurality(const std::vector<std::string>& candidates,
                               const std::vector<ElectionVote>& votes, int seats = 1);

}  // namespace linli::domain::decisions
