#include "domain/decisions/plurality.h"

#include <algorithm>
#include <map>
#include <set>

namespace linli::domain::decisions {

PluralityResult CountPlurality(const std::vector<std::string>& candidates,
                               const std::vector<ElectionVote>& votes, int seats) {
  PluralityResult r;
  std::map<std::string, size_t> index;
  for (const std::string& c : candidates) {
    if (c.empty() || !index.emplace(c, r.totals.size()).second) continue;
    r.totals.push_back({c, 0});
  }
  std::map<std::string, std::string> last;  // voter -> candidate
  for (const ElectionVote& v : votes) {
    if (v.voter.empty() || !index.count(v.candidate)) continue;
    last[v.voter] = v.candidate;
  }
  for (const auto& [voter, candidate] : last) ++r.totals[index[candidate]].votes;
  r.ballots = static_cast<int64_t>(last.size());

  const size_t wanted = static_cast<size_t>(std::max(seats, 1));
  std::vector<int64_t> counts;
  for (const auto& t : r.totals) {
    if (t.votes > 0) counts.push_back(t.votes);
  }
  if (counts.empty()) return r;
  std::sort(counts.rbegin(), counts.rend());
  if (counts.size() <= wanted) {  // every candidate with votes fits
    for (const auto& t : r.totals) {
      if (t.votes > 0) r.elected.push_back(t.candidate);
    }
    return r;
  }
  const int64_t cut = counts[wanted - 1];  // the votes of the last seat
  size_t above = 0;
  size_t at = 0;
  for (int64_t c : counts) {
    above += c > cut ? 1 : 0;
    at += c == cut ? 1 : 0;
  }
  const bool tie = above + at > wanted;
  for (const auto& t : r.totals) {
    if (t.votes > cut || (!tie && t.votes == cut)) {
      r.elected.push_back(t.candidate);
    } else if (tie && t.votes == cut) {
      r.tied.push_back(t.candidate);
    }
  }
  if (tie) r.seats_in_tie = static_cast<int64_t>(wanted - above);
  return r;
}

}  // namespace linli::domain::decisions
