// IANA time zone names against the system tz database (Debian package tzdata), so a
// `timezone` such as "Beijing" - which TZ would silently read as UTC - stops start-up.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace linli::config {

// $TZDIR if set and non-empty (glibc reads zones from there), else /usr/share/zoneinfo.
std::string DefaultZoneInfoDir();

// True if `name` is a zone of the database at `zoneinfo_dir`: '/'-separated components of
// [A-Za-z0-9_+-] (none "." or ".."; no leading '/'), naming a TZif file there ("UTC",
// "Asia/Shanghai", "America/Argentina/Buenos_Aires"). Reads the file's first 4 bytes.
bool IsTimeZone(std::string_view name, const std::string& zoneinfo_dir);

// Every zone name of the database at `zoneinfo_dir` (TZif files, without the posix/ and
// right/ copies), sorted. Empty if the directory is missing.
std::vector<std::string> ListTimeZones(const std::string& zoneinfo_dir);

// The zone `name` probably means, or "" if no guess: a common Chinese city or region name
// ("Beijing", "北京", "Shenzhen", "China" -> "Asia/Shanghai", "Hong Kong" -> "Asia/Hong_Kong"),
// a zone whose name or city part matches ignoring case and ' ' vs '_' ("shanghai" ->
// "Asia/Shanghai"), or the closest by edit distance (config/did_you_mean.h) over full names
// and city parts ("Asia/Shangai" -> "Asia/Shanghai"). A guess is returned only if it is in
// `zones`.
std::string SuggestTimeZone(std::string_view name, const std::vector<std::string>& zones);

}  // namespace linli::config
