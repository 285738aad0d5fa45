// The frozen text's hash and the audit salt of a decision (issue 10 point 2, 7): at open the
// text is frozen and its SHA-256 recorded, so anyone holding the audit export can check the
// text they were asked about; a secret ballot's export hashes each ballot with a per-decision
// salt drawn at open.
#pragma once

#include <string>
#include <string_view>

#include "storage/decision_store.h"

namespace linli::domain::decisions {

// The hash itself is domain/decisions/audit.h's Sha256Hex.
// The text that is frozen: title, body and every question with its options, in a fixed
// layout (one field per line), so the hash covers everything a voter was shown. Pure.
std::string FrozenText(const storage::Decision& d);
// 32 hex characters from the system's CSPRNG (OpenSSL RAND_bytes); kInternal if it fails.
StatusOr<std::string> RandomSalt();

}  // namespace linli::domain::decisions
