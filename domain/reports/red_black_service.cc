#include "domain/reports/red_black_service.h"

#include <cstdlib>
#include <map>
#include <set>

#include "domain/common/durations.h"
#include "domain/people/private_conversation.h"
#include "domain/tickets/authority.h"
#include "storage/decision_store.h"
#include "storage/identity_store.h"
#include "storage/outbox_store.h"
#include "storage/report_store.h"
#include "storage/roster_store.h"
#include "storage/ticket_store.h"

namespace linli::domain::reports {

namespace {

constexpr int64_t kDraftWindowMs = int64_t{31} * 24 * kHourMs;

// The mean of a ballot's answers to the scale questions (1-5); nullopt without any.
std::optional<double> BallotMean(const storage::Decision& d, const storage::Ballot& b) {
  double sum = 0;
  int n = 0;
  for (size_t q = 0; q < d.questions.size() && q < b.answers.size(); ++q) {
    if (d.questions[q].kind != "scale" || b.answers[q].empty()) continue;
    const int v = std::atoi(b.answers[q][0].c_str());
    if (v < 1 || v > 5) continue;
    sum += v;
    ++n;
  }
  if (n == 0) return std::nullopt;
  return sum / n;
}

}  // namespace

StatusOr<QuarterFacts> GatherFacts(storage::Database& db, const config::Config& config,
                                   const std::string& quarter) {
  LINLI_ASSIGN_OR_RETURN(auto range, QuarterRange(quarter, config.timezone));
  const auto [from, to] = range;
  QuarterFacts facts;
  facts.quarter = quarter;

  // Tickets received, their first resolution and reopening before the quarter's end.
  LINLI_ASSIGN_OR_RETURN(auto created, storage::TicketStore::ListCreatedBetween(db, from, to));
  LINLI_ASSIGN_OR_RETURN(auto events, storage::TicketStore::EventsBetween(db, from, to));
  const std::map<int64_t, int64_t> first_resolved = FirstResolutions(events);
  std::set<int64_t> reopened;
  std::map<int64_t, std::string> building_of;  // ticket id -> building
  for (const auto& t : created) building_of[t.id] = t.building;
  for (const auto& e : events) {
    // Reopened after a resolution that came earlier (events are oldest first).
    auto first = first_resolved.find(e.ticket_id);
    if (e.kind == "status" && e.to_status == storage::Name(storage::TicketStatus::kReopened) &&
        first != first_resolved.end() && first->second <= e.at_ms) {
      reopened.insert(e.ticket_id);
    }
  }
  for (const auto& t : created) {
    if (t.merged_into != 0) continue;
    TicketFact f;
    f.building = t.building;
    f.created_at_ms = t.created_at_ms;
    if (auto it = first_resolved.find(t.id); it != first_resolved.end()) {
      f.first_resolved_at_ms = it->second;
    }
    f.deadline_ms = t.created_at_ms +
                    int64_t{config.sla.For(t.category, "compound").resolve_hours} * kHourMs;
    f.reopened = reopened.count(t.id) > 0;
    facts.tickets.push_back(std::move(f));
  }
  // Ratings given in the quarter (each rating event once), to whichever ticket.
  for (const auto& e : events) {
    if (e.rating.empty()) continue;
    auto it = building_of.find(e.ticket_id);
    if (it == building_of.end()) {
      LINLI_ASSIGN_OR_RETURN(auto t, storage::TicketStore::FindById(db, e.ticket_id));
      it = building_of.emplace(e.ticket_id, t ? t->building : std::string()).first;
    }
    facts.ratings.push_back({it->second, e.rating});
  }

  // The quarter's closed appraisal (民主评议): one mean per answering household.
  LINLI_ASSIGN_OR_RETURN(auto appraisals, storage::DecisionStore::List(db, "appraisal", "closed", 1000));
  std::map<int64_t, std::string> household_building;
  for (const auto& d : appraisals) {
    if (d.period != quarter) continue;
    LINLI_ASSIGN_OR_RETURN(auto ballots, storage::DecisionStore::Ballots(db, d.id));
    for (const auto& b : ballots) {
      if (b.household_id == 0) continue;
      auto mean = BallotMean(d, b);
      if (!mean) continue;
      auto it = household_building.find(b.household_id);
      if (it == household_building.end()) {
        LINLI_ASSIGN_OR_RETURN(auto h, storage::RosterStore::GetHousehold(db, b.household_id));
        it = household_building.emplace(b.household_id, h ? h->building : std::string()).first;
      }
      facts.appraisals.push_back({it->second, *mean});
    }
    break;  // one appraisal per quarter (newest first)
  }
  return facts;
}

StatusOr<RedBlackList> ComputeQuarter(storage::Database& db, const config::Config& config,
                                      const std::string& quarter) {
  LINLI_ASSIGN_OR_RETURN(QuarterFacts facts, GatherFacts(db, config, quarter));
  return ComputeRedBlack(config, facts);
}

StatusOr<bool> EnsureQuarterDraft(storage::Database& db, const Deps& s, int64_t now_ms) {
  if (s.config.property_companies.empty()) return false;
  LINLI_ASSIGN_OR_RETURN(std::string quarter, PreviousQuarter(now_ms, s.config.timezone));
  LINLI_ASSIGN_OR_RETURN(auto range, QuarterRange(quarter, s.config.timezone));
  if (now_ms - range.second > kDraftWindowMs) return false;  // long past: not "at quarter end"
  LINLI_ASSIGN_OR_RETURN(auto existing, storage::ReportStore::Get(db, kRedBlackKind, quarter));
  if (existing) return false;
  LINLI_ASSIGN_OR_RETURN(RedBlackList list, ComputeQuarter(db, s.config, quarter));
  storage::ReportDraft draft;
  draft.kind = kRedBlackKind;
  draft.period = quarter;
  draft.body = ToJson(list).dump();
  draft.created_at_ms = now_ms;
  LINLI_ASSIGN_OR_RETURN(bool made, storage::ReportStore::CreateDraftIfAbsent(db, draft));
  if (!made) return false;
  // The draft goes to the staff who may confirm it, privately.
  for (const auto& m : s.config.staff) {
    const auto tier = ParseStaffTier(m.role == "admin" ? "admin" : m.tier);
    if (!tier || *tier < StaffTier::kCommunity) continue;
    LINLI_ASSIGN_OR_RETURN(auto identity, storage::IdentityStore::FindIdentity(db, m.channel, m.user_id));
    OutboundMessage msg;
    msg.to = identity ? PrivateRef(*identity)
                      : ConversationRef{m.channel, m.user_id, m.user_id, ChatType::kPrivate};
    msg.text = RenderRedBlack(s.texts, s.config.locale, s.config.compound.name, list, false);
    LINLI_RETURN_IF_ERROR(storage::OutboxStore::Enqueue(db, msg, now_ms).status());
  }
  return true;
}

StatusOr<ConfirmResult> ConfirmRedBlack(storage::Database& db, const Deps& s, Actor actor,
                                        const std::string& quarter, int64_t now_ms) {
  LINLI_RETURN_IF_ERROR(QuarterRange(quarter, s.config.timezone).status());
  LINLI_ASSIGN_OR_RETURN(auto standing, StandingOf(db, s.config, actor));
  if (!standing || standing->tier < StaffTier::kCommunity) {
    return Status::PermissionDenied("confirming the red/black list needs community or street staff");
  }
  LINLI_ASSIGN_OR_RETURN(auto draft, storage::ReportStore::Get(db, kRedBlackKind, quarter));
  if (!draft) return Status::NotFound("no red/black list drafted for " + quarter);
  LINLI_ASSIGN_OR_RETURN(bool confirmed,
                         storage::ReportStore::Confirm(db, kRedBlackKind, quarter, actor.person_id,
                                                       standing->name, now_ms));
  ConfirmResult r;
  if (!confirmed) return r;
  r.confirmed = true;
  auto parsed = RedBlackFromJson(nlohmann::json::parse(draft->body, nullptr, false));
  if (!parsed.ok()) return parsed.status();
  const std::string text =
      RenderRedBlack(s.texts, s.config.locale, s.config.compound.name, *parsed, true);
  for (const auto& g : s.config.groups) {
    if (!g.Posts("reports")) continue;
    OutboundMessage msg;
    msg.to = {g.channel, g.chat_id, g.chat_id, ChatType::kGroup};
    msg.text = text;
    LINLI_RETURN_IF_ERROR(storage::OutboxStore::Enqueue(db, msg, now_ms).status());
    ++r.posted;
  }
  return r;
}

std::string ConfirmErrorKey(const Status& status) {
  switch (status.code()) {
    case StatusCode::kPermissionDenied:
      return "red_black.denied";
    case StatusCode::kNotFound:
      return "red_black.no_draft";
    case StatusCode::kInvalidArgument:
      return "red_black.bad_quarter";
    default:
      return "";
  }
}

}  // namespace linli::domain::reports
