// The public board's wish wall (issue 12 point 1): GET /board/wishes - open and fulfilled
// wishes from domain/wishes/public_wish.h (number, category, building, masked text,
// deadline, helpers needed, dates): never the requester, a contact, a unit or room.
#pragma once

#include <string>
#include <vector>

#include "bot/status.h"
#include "domain/wishes/public_wish.h"
#include "web/board_nav.h"
#include "web/web_request.h"

namespace linli::web {

inline constexpr int kBoardWishes = 60;

// Pure: the page's body (open ones, then fulfilled ones).
std::string RenderWishes(const BoardView& view, const std::vector<domain::PublicWish>& wishes);

StatusOr<HttpResponse> BoardWishes(storage::Database& db, const domain::Deps& deps,
                                   const WebRequest& request);

}  // namespace linli::web
