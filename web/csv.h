// CSV for spreadsheets (issue 12 point 4): RFC 4180 fields and records, the UTF-8 byte order
// mark Excel needs to read Chinese correctly, and a guard against formula injection (a cell a
// resident typed as "=HYPERLINK(...)" must not run as a formula when staff open the file).
// Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace linli::web {

// The UTF-8 byte order mark a CSV file starts with.
inline constexpr char kUtf8Bom[] = "\xEF\xBB\xBF";

// One field: a value starting with = + - @ (or a tab or carriage return, which some
// spreadsheets skip before such a character) gets a leading ' so it is shown as text; a value
// containing , " CR or LF (or one so prefixed) is enclosed in double quotes with each " doubled.
std::string CsvField(std::string_view value);

// One record: the fields joined by commas, ended by CRLF.
std::string CsvRecord(const std::vector<std::string>& fields);

}  // namespace linli::web
