// Pure SQL text rewriting for the PostgreSQL backend (storage/postgres_database.h), apart from
// libpq so it is tested without a server.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace linli::storage {

struct PlaceholderSql {
  std::string sql;        // the statement with $1..$n
  size_t parameters = 0;  // n
};

// Rewrites the seam's '?' placeholders to $1, $2, ... in order. A '?' inside a string literal
// ('...', with '' inside; E'...' with backslash escapes), a quoted identifier ("..."), a
// dollar-quoted string ($tag$...$tag$) or a comment (-- to the end of the line, nested /* */)
// is left as it is. An unterminated literal or comment runs to the end (the server then
// reports the syntax error).
PlaceholderSql ToNumberedPlaceholders(std::string_view sql);

}  // namespace linli::storage
