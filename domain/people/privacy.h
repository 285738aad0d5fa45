// Residents' rights over their data (PIPL; issue 8 point 8): see what Linli holds about them,
// export it, and erase themselves. The tables, their person columns and each one's policy are
// in storage/personal_data.h; these are the front ends' calls (chat 我的数据 / 导出我的数据 /
// 注销, the admin API and `linli privacy`), so all three show and erase the same.
#pragma once

#include <cstdint>
#include <string>

#include "bot/status.h"
#include "domain/deps.h"
#include "storage/database.h"

namespace linli::domain {

// A short overview for the person (counts of identities, households, tickets, ratings), in
// `locale`. kNotFound for an unknown person. Read-only.
StatusOr<std::string> RenderPersonalSummary(storage::Database& db, const Deps& deps,
                                            int64_t person_id, const std::string& locale);

// Everything the personal-data map exports for the person, as readable text (one block per
// table, one line per row; times in config.timezone). kNotFound for an unknown person.
StatusOr<std::string> RenderPersonalExport(storage::Database& db, const Deps& deps,
                                           int64_t person_id, const std::string& locale);

// The same as JSON: {"person_id": N, "tables": {"<table>": [{column: value, ...}, ...]}}.
StatusOr<std::string> PersonalExportJson(storage::Database& db, int64_t person_id);

// Erases the person by the map's policies, in the caller's transaction. kNotFound for an
// unknown person.
Status ErasePerson(storage::Database& db, int64_t person_id);

}  // namespace linli::domain
