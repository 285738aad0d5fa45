#include "domain/wishes/public_wish.h"

#include <algorithm>

#include "domain/common/known_names.h"
#include "domain/common/masking.h"

namespace linli::domain {

using storage::WishStatus;

StatusOr<std::string> PublicWishText(storage::Database& db, const Deps& deps,
                                     const storage::Wish& w) {
  LINLI_ASSIGN_OR_RETURN(const auto names_list, KnownNames(db, deps.config));
  return MaskDoorNumbers(MaskFreeText(w.text, *names_list, MaskNames({w.contact_name})).text);
}

bool OnWishWall(WishStatus status) {
  return status == WishStatus::kOpen || status == WishStatus::kClaimed || WishFulfilled(status);
}

bool WishFulfilled(WishStatus status) {
  return status == WishStatus::kDone || status == WishStatus::kConfirmed;
}

StatusOr<std::vector<PublicWish>> ListPublicWishes(storage::Database& db, const Deps& deps,
                                                   int limit) {
  storage::WishFilter filter;
  for (WishStatus s : storage::kAllWishStatuses) {
    if (OnWishWall(s)) filter.statuses.push_back(s);
  }
  filter.limit = limit;
  LINLI_ASSIGN_OR_RETURN(auto wishes, storage::WishStore::List(db, filter));
  std::vector<PublicWish> out;
  for (const auto& w : wishes) {
    PublicWish p;
    p.number = w.number;
    p.category = w.category;
    p.building = w.building;
    p.status = w.status;
    LINLI_ASSIGN_OR_RETURN(p.text, PublicWishText(db, deps, w));
    p.deadline = w.deadline;
    p.helpers_needed = w.helpers_needed;
    p.created_at_ms = w.created_at_ms;
    p.done_at_ms = w.done_at_ms;
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace linli::domain
