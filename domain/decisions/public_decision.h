// The public projection of a decision (the web board's covenants page, issue 12; the same rule
// as GET /api/public/decisions): no drafts, nothing with on_board off; staff texts through the
// masking module; the result (closed ones) as the lines residents are told, masked too. Never
// a voter, a household or a ballot.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bot/status.h"
#include "domain/deps.h"
#include "storage/database.h"

namespace linli::domain::decisions {

struct PublicDecision {
  int64_t id = 0;
  std::string kind;    // covenant | poll | appraisal | election
  std::string matter;  // informal | ordinary | major
  std::string status;  // open | closed
  std::string title;   // masked
  std::string body;    // masked
  int64_t opens_at_ms = 0;
  int64_t closes_at_ms = 0;
  int64_t closed_at_ms = 0;
  bool has_result = false;
  bool adopted = false;      // covenants: the stored result says adopted
  std::string result_text;   // ResultText in the locale asked for, masked; "" before close
};

// Public decisions of `kind` ("" = every kind), newest first, at most `limit`: open ones
// first, then closed ones; results in `locale`. Database errors.
StatusOr<std::vector<PublicDecision>> ListPublicDecisions(storage::Database& db, const Deps& deps,
                                                          const std::string& kind,
                                                          const std::string& locale, int limit);

}  // namespace linli::domain::decisions
