// The result of a closed decision (issue 10 points 7 and 9), computed once at close from the
// electorate and the current ballots and stored immutably (storage/decision_store.h) as JSON:
//   covenant  the Art. 278 / informal rule (domain/decisions/rule.h): electorate,
//             participation and each option's totals by headcount and area (0.01 m²), the
//             thresholds needed and met, adopted;
//   election  plurality: each candidate's votes, the winners (several when tied: "tie": true);
//   poll, appraisal  per question: single/multi choice counts per option, a 1-5 scale's
//             count, sum and mean (as the exact fraction sum/count and a 2-decimal text),
//             free-text answers listed without who wrote them;
// plus, for every kind, "voted" / "eligible" voters and their area. Nothing in it names a
// voter or household (it is published on the board).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "config/texts.h"
#include "domain/decisions/voters.h"
#include "storage/decision_store.h"

namespace linli::domain::decisions {

// Pure. Ballots of voters outside the electorate are ignored.
nlohmann::json ComputeResult(const storage::Decision& d, const Electorate& e,
                             const std::vector<storage::Ballot>& ballots);
// Whether a stored result says adopted (covenants), else false. Pure.
bool Adopted(const nlohmann::json& result);
// The option's label: its own, else decision.option.<value> in `locale`, else the value.
std::string OptionLabel(const config::Texts& texts, const std::string& locale,
                        const storage::DecisionOption& o);
// "12.34" m² from hundredths. Pure.
std::string AreaText(int64_t area_centi);
// The result as the lines residents and staff are told (in `locale`). Pure.
std::string ResultText(const config::Texts& texts, const std::string& locale,
                       const storage::Decision& d, const nlohmann::json& result);

}  // namespace linli::domain::decisions
