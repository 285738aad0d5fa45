// "Did you mean ...?" for configuration errors: the closest known name to a misspelt one.
// Pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace linli::config {

// Levenshtein distance over bytes, ASCII letters compared case-insensitively (so
// "asia/shanghai" is 0 from "Asia/Shanghai").
size_t EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `word` if it is close enough to be a likely typo: at most 1 edit
// for words of up to 3 bytes, else max(2, |word| / 4) edits and never more than 3; ties go to
// the earlier candidate. Empty if none is close enough (or `word` is itself a candidate).
std::string ClosestMatch(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace linli::config
