#include "domain/decisions/decision_audit.h"

#include <nlohmann/json.hpp>

#include "domain/decisions/audit.h"
#include "domain/decisions/decision_service.h"
#include "domain/decisions/voters.h"
#include "storage/decision_store.h"

namespace linli::domain::decisions {

namespace {

using nlohmann::json;

Count CountOf(const json& j) {
  return Count{j.value("owners", int64_t{0}), j.value("area_centi", int64_t{0})};
}

}  // namespace

StatusOr<std::string> ExportAudit(storage::Database& db, const Deps& s, int64_t id) {
  LINLI_ASSIGN_OR_RETURN(storage::Decision d, DecisionService::Get(db, id));
  LINLI_ASSIGN_OR_RETURN(auto stored, DecisionService::ResultOf(db, id));
  if (d.kind != "covenant" || d.status != "closed" || !stored) {
    return Status(StatusCode::kFailedPrecondition, "decision.not_closed_covenant;id=" + std::to_string(id));
  }
  const json& r = *stored;
  AuditInput in;
  in.decision = std::to_string(id);
  in.title = d.title;
  in.text_sha256 = d.text_sha256;
  if (d.buildings.empty()) {
    in.electorate = "whole compound";
  } else {
    in.electorate = "buildings";
    for (size_t i = 0; i < d.buildings.size(); ++i) in.electorate += (i ? ", " : " ") + d.buildings[i];
  }
  in.secret = d.secret;
  in.rules.matter = ParseMatterClass(d.matter).value_or(MatterClass::kInformal);
  if (!d.questions.empty()) {
    for (const auto& o : d.questions[0].options) in.rules.options.push_back(o.value);
  }
  in.rules.informal_min_turnout_percent = d.min_turnout_percent;
  in.announced.electorate = CountOf(r.value("electorate", json::object()));
  in.announced.participating = CountOf(r.value("participating", json::object()));
  const json per = r.value("per_option", json::object());
  for (auto it = per.begin(); it != per.end(); ++it) in.announced.per_option[it.key()] = CountOf(*it);
  in.announced.participation_needed = CountOf(r.value("participation_needed", json::object()));
  in.announced.approval_needed = CountOf(r.value("approval_needed", json::object()));
  in.announced.participation_met = r.value("participation_met", false);
  in.announced.approval_met = r.value("approval_met", false);
  in.announced.adopted = r.value("adopted", false);

  LINLI_ASSIGN_OR_RETURN(Electorate e, LoadElectorate(db, d));
  LINLI_ASSIGN_OR_RETURN(auto ballots, storage::DecisionStore::Ballots(db, id));
  LINLI_ASSIGN_OR_RETURN(auto history, storage::DecisionStore::History(db, id));
  std::map<std::string, const storage::Ballot*> current;
  for (const auto& b : ballots) current[b.voter_key] = &b;
  std::map<std::string, std::vector<AuditCast>> earlier;
  std::map<std::string, size_t> seen;
  for (const auto& b : history) ++seen[b.voter_key];
  std::map<std::string, size_t> at;
  for (const auto& b : history) {
    if (++at[b.voter_key] < seen[b.voter_key]) earlier[b.voter_key].push_back({b.via, b.collected_by_name});
  }
  for (size_t i = 0; i < e.households.size(); ++i) {
    const auto& h = e.households[i];
    AuditRow row;
    row.household = h.building + "-" + h.unit + "-" + h.room;
    row.part = e.parts[i];
    const std::string key = HouseholdVoterKey(h.id);
    if (auto it = current.find(key); it != current.end()) {
      const storage::Ballot& b = *it->second;
      row.voted = true;
      row.choice = b.answers.empty() || b.answers[0].empty() ? "" : b.answers[0][0];
      row.cast = {b.via, b.collected_by_name};
      row.commitment = b.commitment;
      row.receipt = b.receipt;
    }
    row.replaced = earlier[key];
    in.rows.push_back(std::move(row));
  }
  (void)s;
  return WriteAuditCsv(in);
}

}  // namespace linli::domain::decisions
