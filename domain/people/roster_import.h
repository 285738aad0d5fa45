// The compound roster as staff handle it at the console: CSV import with per-line errors
// (`linli roster import`), the listing (`linli roster list`) and the invite-code sheet
// (`linli roster codes`). Parsing, validation and formatting are pure; ImportRoster is the one
// function that touches the database.
//
// CSV format (RFC 4180): UTF-8 with or without a BOM, CRLF, LF or CR line ends, fields
// optionally quoted ("" inside quotes is a quote; quoted fields may hold commas and line
// breaks). The first non-empty line is the header naming the six required columns and the
// two optional ones, in any order:
//   building,unit,room,area_m2,owner_name,phone[,owner_id][,developer]
// (Chinese headers 楼栋,单元,房号,面积,业主姓名,手机号,业主编号,开发商 are accepted too; "area"
// for area_m2). Every line has as many fields as the header. Empty lines and lines of empty
// fields are skipped. Each household line must have: a building and unit that exist in the
// config's compound (exact ids), a non-empty room, a positive area in m² read exactly from its
// decimal text with at most 2 decimals ("89.5" = 8950 hundredths; "89.505" is an error naming
// the line; at most 10,000 m²), and a phone that is empty or an 11-digit mainland mobile
// (1[3-9] + 9 digits; spaces, '-' and a +86 prefix are tolerated and removed). Owner name is
// optional. owner_id (optional, at most 64 characters, not starting with "household:") groups
// one owner's several units into one head for the decision rule (domain/decisions/rule.h);
// empty, the phone does, and a household with neither is its own owner. developer (optional):
// 1/yes/是 for a unit still held by the developer; empty, 0/no/否 otherwise. A (building, unit,
// room) may appear once.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bot/status.h"
#include "config/config.h"
#include "config/texts.h"
#include "storage/database.h"
#include "storage/roster_store.h"

namespace linli::domain {

// One CSV record and the (1-based) line it starts on.
struct CsvRecord {
  int line = 0;
  std::vector<std::string> fields;
};

struct CsvParse {
  std::vector<CsvRecord> records;   // well-formed records, empty ones included
  std::vector<std::string> errors;  // "line N: ..." for records that could not be read
};

// An area in m² read exactly as integer hundredths ("89.5" -> 8950, "76" -> 7600, "0.01" ->
// 1): digits, optionally '.' and one or two more digits. No sign, exponent or spaces.
enum class AreaError { kNone, kNotANumber, kTooPrecise, kTooLarge };  // too large: > 10,000 m²
struct AreaParse {
  int64_t centi = 0;  // valid when error == kNone (may be 0: callers require a positive area)
  AreaError error = AreaError::kNone;
};
AreaParse ParseAreaCenti(std::string_view text);
// Hundredths of a m² as a decimal with two places: 8950 -> "89.50".
std::string FormatAreaCenti(int64_t centi);

// Splits `text` into records (RFC 4180, see above). Never throws.
CsvParse ParseCsv(std::string_view text);

// A validated household line.
struct RosterLine {
  int line = 0;
  storage::Household household;
};

struct RosterParse {
  std::vector<RosterLine> lines;
  std::vector<std::string> errors;  // every problem found, "line N: ..." in file order
};

// Parses and validates a roster CSV against `compound`. Valid only if `errors` is empty.
RosterParse ParseRosterCsv(std::string_view text, const config::CompoundConfig& compound);

// The buildings and units a roster names, for `linli init` (bot/server/init_command.h) before
// there is a compound: the file read and checked exactly as ParseRosterCsv does, except that
// any building and unit id is accepted. Buildings, and the units of each, in natural order
// ("2" before "10", "A" before "B").
struct RosterCompound {
  std::vector<config::Building> buildings;  // empty when errors is not
  size_t households = 0;                    // household lines read
  std::vector<std::string> errors;          // as RosterParse::errors
};
RosterCompound CompoundOfRosterCsv(std::string_view text);

struct ImportReport {
  int64_t inserted = 0;
  int64_t updated = 0;
  std::vector<std::string> errors;  // non-empty: nothing was imported
};

// Validates `text` (ParseRosterCsv, plus: a household already in the database is an error
// unless `update`) and, only if every line is good, imports all lines in one transaction.
// With `update`, households already present get the file's area, owner and phone. Errors in
// the file are reported in ImportReport::errors; the Status fails for database errors only.
StatusOr<ImportReport> ImportRoster(storage::Database& db, std::string_view text,
                                    const config::CompoundConfig& compound, bool update,
                                    int64_t now_ms);

// Sorts households in compound order: buildings and units in config order (ids not in the
// config last), rooms in natural order ("301" before "1201").
void SortHouseholds(const config::CompoundConfig& compound, std::vector<storage::HouseholdListing>& list);

// The roster grouped by building and unit, one line per household with room, area, owner,
// phone and bound persons, in `locale` (texts "cli.roster_list_*"). Owner names and phones are
// masked (张*, 138****1234) unless `full`.
std::string FormatRosterList(const config::CompoundConfig& compound,
                             std::vector<storage::HouseholdListing> list, bool full,
                             const config::Texts& texts, const std::string& locale);

// The invite-code sheet: tab-separated "building unit room code" with a header line, in
// compound order (pastes into a spreadsheet for printing).
std::string FormatInviteCodes(const config::CompoundConfig& compound,
                              const std::vector<storage::HouseholdCode>& codes);

}  // namespace linli::domain
