// SHA-256 as 64 lower-case hex digits: the one implementation behind the covenant text hash and
// ballot commitments (domain/decisions/audit.h), media checksums (domain/media/media_intake.h)
// and the stored form of web tokens (domain/common/web_token.h). Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace linli::domain {

std::string Sha256Hex(std::string_view data);

}  // namespace linli::domain
