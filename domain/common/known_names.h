// The names the masking module masks in published text (issue 8 point 2): every roster owner
// name and every config.staff display name. One helper for every publishing path (the public
// board, the agenda, pushes, the "masked" notice staff get), so they all mask the same names.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bot/status.h"
#include "config/config.h"
#include "domain/common/masking.h"
#include "storage/database.h"

namespace linli::domain {

// The roster's owner names and config.staff's names, empty ones left out, each once, longest
// first (so a longer name wins over its prefix), prepared for MaskFreeText. Read-only; database
// errors as is. The list is kept (process-wide, one entry) under the roster's names token
// (storage::RosterStore::NamesToken) and the staff names: while neither changes, a call costs
// one single-row query instead of reading every owner name (issue 13: a board page with 100k
// residents). Thread-safe.
StatusOr<std::shared_ptr<const MaskNames>> KnownNames(storage::Database& db,
                                                      const config::Config& config);

// MaskFreeText(text, *KnownNames(db, config)): `text` as it may be published.
StatusOr<MaskedText> MaskForPublic(storage::Database& db, const config::Config& config,
                                   std::string_view text);

}  // namespace linli::domain
