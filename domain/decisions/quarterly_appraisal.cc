#include "domain/decisions/quarterly_appraisal.h"

#include "domain/actor.h"
#include "domain/decisions/decision_service.h"

namespace linli::domain::decisions {

std::optional<AppraisalWindow> AppraisalWindowAt(const config::AppraisalScheduleConfig& cfg,
                                                 const TimeZone& zone, int64_t now_ms) {
  const CivilTime local = zone.ToLocal(now_ms / 1000);
  const int quarter = (local.month - 1) / 3 + 1;
  CivilTime open{local.year, quarter * 3, cfg.opens_day, 0, 0, 0};
  AppraisalWindow w;
  w.period = std::to_string(local.year) + "-Q" + std::to_string(quarter);
  w.opens_at_ms = zone.FromLocal(open) * 1000;
  // open_days of wall-clock days (carried over month ends by SecondsFromCivil's normalising).
  const CivilTime close = CivilFromSeconds(SecondsFromCivil(open) + int64_t{cfg.open_days} * 86400);
  w.closes_at_ms = zone.FromLocal(close) * 1000;
  if (now_ms < w.opens_at_ms || now_ms >= w.closes_at_ms) return std::nullopt;
  return w;
}

StatusOr<int64_t> EnsureQuarterlyAppraisal(storage::Database& db, const Deps& s, int64_t now_ms) {
  const auto& cfg = s.config.decisions.appraisal;
  if (!cfg.enabled) return int64_t{0};
  LINLI_ASSIGN_OR_RETURN(auto zone, LoadTimeZone(s.config.timezone));
  auto w = AppraisalWindowAt(cfg, *zone, now_ms);
  if (!w) return int64_t{0};
  DraftInput in;
  in.kind = "appraisal";
  in.period = w->period;
  in.title = s.texts.Get(s.config.locale, "decision.new.appraisal_title", {{"period", w->period}});
  in.buildings = cfg.buildings;
  in.closes_at_ms = w->closes_at_ms;
  in.once_per_period = true;
  auto d = DecisionService::Create(db, s, Actor::System(), in, now_ms);
  if (d.status().code() == StatusCode::kAlreadyExists) return int64_t{0};
  if (!d.ok()) return d.status();
  auto opened = DecisionService::Open(db, s, Actor::System(), d->id, now_ms);
  if (!opened.ok() && DecisionService::ErrorKey(opened.status()).empty()) return opened.status();
  return d->id;
}

}  // namespace linli::domain::decisions
