// The personal-data map (PIPL; issue 8 point 8): for every table of the schema, how its rows
// belong to a person, which columns are personal, and what export and erasure do with them.
// tests/storage/personal_data_test.cc fails when a migration adds a table this map does not
// list, so a new table cannot hold personal data unnoticed.
//
// Erasure keeps what statistics need without a link to the person: tickets stay with their
// category, building, status, dates and rating, but lose their reporter, unit, room, the
// resident's words and photos; the person's identities, conversations, codes, counters and
// queued messages are deleted, so the next message from the same account is a new, empty
// person. The household roster (owner names and phones) is the property company's register,
// kept by staff with `linli roster`; erasure unbinds the person from it but does not edit it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "storage/database.h"

namespace linli::storage {

struct PersonalTable {
  std::string table;
  // How a row belongs to a person ("persons.id", "reporter_person_id", "identity" for rows
  // keyed by the person's (channel, user_id), ...); "" = rows never name a person.
  std::string person_link;
  std::vector<std::string> personal_columns;  // columns that may hold personal data
  // SELECT of the person's rows for export; every '?' is the person id. "" = not exported.
  std::string export_sql;
  // Statements run in map order by Erase; every '?' is the person id.
  std::vector<std::string> erase_sql;
  std::string note;  // the policy in words (shown by `linli privacy map`)
};

// Every table of the schema, in erasure order (rows that are found through the person's
// identities come before the identities).
const std::vector<PersonalTable>& PersonalDataMap();

struct ExportSection {
  std::string table;
  std::vector<std::string> columns;
  Rows rows;
};

class PersonalData {
 public:
  // Everything the map exports for `person_id`, one section per exporting table (empty
  // sections included). kNotFound for an unknown person. Read-only.
  static StatusOr<std::vector<ExportSection>> Export(Database& db, int64_t person_id);
  // Runs every erase statement of the map for `person_id` in the caller's transaction (in a
  // savepoint: all or nothing). kNotFound for an unknown person.
  static Status Erase(Database& db, int64_t person_id);
};

}  // namespace linli::storage
