// The public board's volunteer leaderboard (issue 12 point 1): GET /board/volunteers - the
// month's 最美志愿者 from domain/volunteers/points_service.h MonthlyLeaderboard (the same rows
// as the chat's /leaderboard): rank, the volunteer's display name and points. Display names
// pass the masking module as in the chat (phones, ID numbers), and here also the known names
// (a volunteer who registered under their roster name is shown masked).
#pragma once

#include <string>
#include <vector>

#include "bot/status.h"
#include "domain/volunteers/points_service.h"
#include "web/board_nav.h"
#include "web/web_request.h"

namespace linli::web {

// Pure: the page's body; `month` is "YYYY-MM"; names are shown as given (already masked).
std::string RenderVolunteers(const BoardView& view, const std::string& month,
                             const std::vector<domain::LeaderboardRow>& rows);

StatusOr<HttpResponse> BoardVolunteers(storage::Database& db, const domain::Deps& deps,
                                       const WebRequest& request);

}  // namespace linli::web
