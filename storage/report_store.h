// Published reports that staff confirm before anyone sees them (结果认定, issue 11 point 7):
// the quarterly red/black list of property companies. One row per (kind, period), e.g.
// ("red_black", "2026-Q3"): drafted once, confirmed once, never edited after confirmation.
//
// Races are decided here: CreateDraftIfAbsent is a conditional INSERT (of two writers one
// gets true), Confirm a conditional UPDATE from draft to confirmed (of two confirmations one
// gets true, the second - or a later one - false and changes nothing). Both compose with the
// caller's transaction (the write-queue unit).
//
// Bodies hold no personal data (company names and figures only); confirmed_by_person_id is
// the confirming staff member (storage/personal_data.cc unlinks it on erasure).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/database.h"

namespace linli::storage {

struct ReportDraft {
  std::string kind;    // "red_black"
  std::string period;  // "2026-Q3"
  std::string body;    // the computed report as JSON (domain/reports/red_black.h)
  std::string state = "draft";  // draft | confirmed
  int64_t created_at_ms = 0;
  int64_t confirmed_by_person_id = 0;  // 0 for an API key or the system
  std::string confirmed_by_name;       // the staff member's (config) name, a key's name
  int64_t confirmed_at_ms = 0;
};

class ReportStore {
 public:
  // Inserts `d` as a draft (its state and confirmation fields ignored) unless the (kind,
  // period) has a row already. True if this call inserted it. kInvalidArgument for an
  // empty kind or period.
  static StatusOr<bool> CreateDraftIfAbsent(Database& db, const ReportDraft& d);
  static StatusOr<std::optional<ReportDraft>> Get(Database& db, const std::string& kind,
                                                  const std::string& period);
  // draft -> confirmed by the given staff at `now_ms`. True if this call confirmed it; false
  // when there is no such draft or it was confirmed already (nothing changes then).
  static StatusOr<bool> Confirm(Database& db, const std::string& kind, const std::string& period,
                                int64_t person_id, const std::string& name, int64_t now_ms);
  // The confirmed reports of `kind`, newest period first, at most `limit`.
  static StatusOr<std::vector<ReportDraft>> ListConfirmed(Database& db, const std::string& kind,
                                                          int limit);
};

}  // namespace linli::storage
