// The public projection of a wish (the web board's wish wall, issue 12): what anyone may see.
// Never the requester, who typed it, the contact name, phone or unit, a reject reason or the
// helpers: only the number, category, building, status, the wish text through the masking
// module (known names, the requester's contact name, door numbers), the deadline, how many
// helpers it needs and the dates. The same text a group reads on the wish card.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bot/status.h"
#include "domain/deps.h"
#include "storage/database.h"
#include "storage/wish_store.h"

namespace linli::domain {

struct PublicWish {
  int64_t number = 0;
  std::string category;  // a config wishes.categories id
  std::string building;  // "" if unknown
  storage::WishStatus status = storage::WishStatus::kOpen;
  std::string text;      // masked
  std::string deadline;  // "YYYY-MM-DD" or ""
  int64_t helpers_needed = 1;
  int64_t created_at_ms = 0;
  int64_t done_at_ms = 0;  // 0 = not done
};

// The wish's text as a group or the board may read it: MaskFreeText with KnownNames and the
// requester's contact name, then MaskDoorNumbers. Database errors as is.
StatusOr<std::string> PublicWishText(storage::Database& db, const Deps& deps,
                                     const storage::Wish& wish);

// Whether a wish in `status` is on the wall: open, claimed (still open to the public eye),
// done and confirmed (fulfilled). Never pending, rejected or cancelled ones. Pure.
bool OnWishWall(storage::WishStatus status);
// Whether `status` counts as fulfilled (done or confirmed). Pure.
bool WishFulfilled(storage::WishStatus status);

// The wall: at most `limit` wishes that are OnWishWall, newest first. Database errors.
StatusOr<std::vector<PublicWish>> ListPublicWishes(storage::Database& db, const Deps& deps,
                                                   int limit);

}  // namespace linli::domain
