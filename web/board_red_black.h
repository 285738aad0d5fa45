// The public board's red/black list (issue 12 point 1): GET /board/red-black[?quarter=YYYY-Qn]
// - a confirmed quarterly list (domain/reports/red_black.h; drafts are never public, as for
// GET /api/public/red-black): the red and black lists and every company's figures, company
// names and figures only. Without ?quarter the newest confirmed list, with links to the
// others. A malformed quarter is a 400 page naming "quarter"; a quarter without a confirmed
// list a 404 page.
#pragma once

#include <string>
#include <vector>

#include "bot/status.h"
#include "domain/reports/red_black.h"
#include "web/board_nav.h"
#include "web/web_request.h"

namespace linli::web {

// Pure: the body for `list` (nullptr: none confirmed yet), with links to `quarters` (the
// confirmed ones, newest first).
std::string RenderRedBlack(const BoardView& view, const domain::reports::RedBlackList* list,
                           int64_t confirmed_at_ms, const std::vector<std::string>& quarters);

StatusOr<HttpResponse> BoardRedBlack(storage::Database& db, const domain::Deps& deps,
                                     const WebRequest& request);

}  // namespace linli::web
