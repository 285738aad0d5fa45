#include "domain/common/known_names.h"

#include <algorithm>
#include <mutex>
#include <utility>

#include "storage/roster_store.h"

namespace linli::domain {
namespace {

std::vector<std::string> StaffNames(const config::Config& config) {
  std::vector<std::string> out;
  for (const auto& m : config.staff) {
    if (!m.name.empty()) out.push_back(m.name);
  }
  return out;
}

// The last list built, with what it was built from.
struct Cached {
  int64_t token = 0;
  std::vector<std::string> staff;
  std::shared_ptr<const MaskNames> names;
};

std::mutex& CacheMutex() {
  static std::mutex m;
  return m;
}

Cached& Cache() {
  static Cached c;
  return c;
}

}  // namespace

StatusOr<std::shared_ptr<const MaskNames>> KnownNames(storage::Database& db,
                                                      const config::Config& config) {
  // The token first: names read after it are at least as new, so a list kept under it is never
  // older than what the token stands for (a change in between only makes the next call reload).
  LINLI_ASSIGN_OR_RETURN(const int64_t token, storage::RosterStore::NamesToken(db));
  std::vector<std::string> staff = StaffNames(config);
  if (token != 0) {
    std::lock_guard<std::mutex> lock(CacheMutex());
    const Cached& c = Cache();
    if (c.names != nullptr && c.token == token && c.staff == staff) return c.names;
  }
  LINLI_ASSIGN_OR_RETURN(std::vector<std::string> names, storage::RosterStore::OwnerNames(db));
  names.insert(names.end(), staff.begin(), staff.end());
  // Longest first: the masking module takes the first name that matches, so "张伟国" must be
  // tried before "张伟".
  std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() > b.size() : a < b;
  });
  names.erase(std::unique(names.begin(), names.end()), names.end());
  auto built = std::make_shared<const MaskNames>(std::move(names));
  // Token 0 (no Import yet, or households written another way, e.g. a seeding script) is not a
  // key: every database starts with it.
  if (token != 0) {
    std::lock_guard<std::mutex> lock(CacheMutex());
    Cache() = Cached{token, std::move(staff), built};
  }
  return built;
}

StatusOr<MaskedText> MaskForPublic(storage::Database& db, const config::Config& config,
                                   std::string_view text) {
  LINLI_ASSIGN_OR_RETURN(std::shared_ptr<const MaskNames> names, KnownNames(db, config));
  return MaskFreeText(text, *names);
}

}  // namespace linli::domain
