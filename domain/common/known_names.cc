#include "domain/common/known_names.h"

#include <algorithm>

#include "storage/roster_store.h"

namespace linli::domain {

StatusOr<std::vector<std::string>> KnownNames(storage::Database& db,
                                              const config::Config& config) {
  LINLI_ASSIGN_OR_RETURN(std::vector<std::string> names, storage::RosterStore::OwnerNames(db));
  for (const auto& m : config.staff) {
    if (!m.name.empty()) names.push_back(m.name);
  }
  // Longest first: the masking module takes the first name that matches, so "张伟国" must be
  // tried before "张伟".
  std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() > b.size() : a < b;
  });
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

StatusOr<MaskedText> MaskForPublic(storage::Database& db, const config::Config& config,
                                   std::string_view text) {
  LINLI_ASSIGN_OR_RETURN(std::vector<std::string> names, KnownNames(db, config));
  return MaskFreeText(text, names);
}

}  // namespace linli::domain
