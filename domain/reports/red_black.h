// The quarterly red/black list of property companies (红黑榜, issue 11 point 7): pure
// computation and rendering. The articles' procedure is 采集信息 (the facts gathered from the
// stores, domain/reports/red_black_service.h), 民主评议 (the residents' quarterly appraisal,
// domain/decisions/quarterly_appraisal.h) and 结果认定 (staff confirm the draft).
//
// Per company, over the tickets of its buildings (config.property_companies):
//   received       tickets created in the quarter (duplicates merged into another excluded);
//   solved         of those, resolved (a first resolution) before the quarter's end;
//   on time        of those, first resolved by the deadline: creation + the SLA resolve hours
//                  of the ticket's category at the compound tier (sla.For(category, "compound"));
//   median hours   creation to first resolution over the solved ones (mean of the two middle
//                  values for an even count); none when nothing was solved;
//   satisfaction   ratings given in the quarter to the company's tickets: (满意 + 基本满意) / all;
//   reopen rate    solved tickets reopened (退回重办) before the quarter's end / solved;
//   appraisal      the closed appraisal of the quarter (period "YYYY-Qn"): per household of
//                  the company's buildings that answered, the mean of its 1-5 answers; the
//                  company's score is the mean over those households, `appraisals` their count.
// A company is ranked when received >= red_black.min_tickets and appraisals >=
// red_black.min_appraisals; otherwise it is listed unranked with the reason (tickets first).
//
// The score (0-100, one decimal) = 100 x the weighted mean of: appraisal (mean - 1) / 4
// (weight 40), on-time rate (30), satisfaction rate (20), 1 - reopen rate (10); a part with
// nothing to measure (no ratings, nothing solved) is left out and the others keep their
// proportions. Ranked companies are ordered by score (higher first; ties by company id); the
// red list is the first red_black.top_n, the black list the last red_black.bottom_n of the
// rest, so no company is on both and with few ranked companies the black list may be short.
//
// Nothing in a list names a person: company names (public) and figures only.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "bot/status.h"
#include "config/config.h"
#include "config/texts.h"
#include "storage/ticket_store.h"

namespace linli::domain::reports {

inline constexpr int kWeightAppraisal = 40;
inline constexpr int kWeightOnTime = 30;
inline constexpr int kWeightSatisfaction = 20;
inline constexpr int kWeightNoReopen = 10;

// One ticket received in the quarter, as the computation needs it.
struct TicketFact {
  std::string building;
  int64_t created_at_ms = 0;
  int64_t first_resolved_at_ms = 0;  // 0 = not resolved before the quarter's end
  int64_t deadline_ms = 0;           // the resolve deadline at the compound tier
  bool reopened = false;             // reopened after a resolution, before the quarter's end
};

struct RatingFact {
  std::string building;
  std::string rating;  // satisfied | basic | unsatisfied
};

// One household's answer to the quarter's appraisal: the mean of its 1-5 answers.
struct AppraisalFact {
  std::string building;
  double mean = 0;
};

struct QuarterFacts {
  std::string quarter;  // "2026-Q3"
  std::vector<TicketFact> tickets;
  std::vector<RatingFact> ratings;
  std::vector<AppraisalFact> appraisals;
};

struct CompanyFigures {
  std::string id;
  std::string name;
  int received = 0;
  int solved = 0;
  int on_time = 0;
  int reopened = 0;
  int ratings = 0;
  int good_ratings = 0;  // satisfied + basic
  int appraisals = 0;
  std::optional<double> median_hours;
  std::optional<double> on_time_rate;       // on_time / received
  std::optional<double> satisfaction_rate;  // good_ratings / ratings
  std::optional<double> reopen_rate;        // reopened / solved
  std::optional<double> appraisal_mean;     // 1..5
  bool ranked = false;
  std::string unranked_reason;  // "" | "tickets" | "appraisals"
  double score = 0;             // ranked only
  int rank = 0;                 // 1.. for ranked ones, 0 otherwise
  std::string list;             // "red" | "black" | ""
};

struct RedBlackList {
  std::string quarter;
  int min_tickets = 0;
  int min_appraisals = 0;
  int top_n = 0;
  int bottom_n = 0;
  std::vector<CompanyFigures> companies;  // ranked by rank, then the unranked in config order
};

// Pure: the median of `values` (unsorted); nullopt for none.
std::optional<double> Median(std::vector<double> values);
// Pure: whether a ticket rating counts as good for the satisfaction rate (满意 + 基本满意).
bool GoodRating(std::string_view rating);
// Pure: hours from `from_ms` to `to_ms` (creation to first resolution).
double HoursBetween(int64_t from_ms, int64_t to_ms);
// Pure: ticket id -> the instant of its first "status" event to resolved among `events`
// (oldest first). The board's statistics (domain/reports/board_stats.h) use the same.
std::map<int64_t, int64_t> FirstResolutions(const std::vector<storage::TicketEvent>& events);

// Pure: the list of `facts.quarter` for config.property_companies and config.red_black.
RedBlackList ComputeRedBlack(const config::Config& config, const QuarterFacts& facts);

// The list as stored in a draft and served by the public API, and back. FromJson:
// kInvalidArgument for a body that is not one.
nlohmann::json ToJson(const RedBlackList& list);
StatusOr<RedBlackList> RedBlackFromJson(const nlohmann::json& j);

// The message (Markdown-light text) in `locale`: title with the compound and quarter, the
// red and black lists, every company's figures, the unranked ones with their reason, and the
// method (how the score is formed, the minimums and the rule). `confirmed` false adds the
// draft line telling staff how to confirm. Pure.
std::string RenderRedBlack(const config::Texts& texts, const std::string& locale,
                           const std::string& compound, const RedBlackList& list, bool confirmed);

// CSV (RFC 4180, a header line, one row per company in list order). Pure.
std::string RedBlackCsv(const RedBlackList& list);

// "YYYY-Qn" -> [start, end) in `timezone` (local midnight of the quarter's first day and of
// the next quarter's) as epoch ms. kInvalidArgument for a malformed quarter or zone.
StatusOr<std::pair<int64_t, int64_t>> QuarterRange(const std::string& quarter,
                                                   const std::string& timezone);
// The quarter before the one containing `now_ms` in `timezone` ("2026-Q3" on 2026-10-01).
StatusOr<std::string> PreviousQuarter(int64_t now_ms, const std::string& timezone);

}  // namespace linli::domain::reports
