// The public board's covenants (issue 12 point 1): GET /board/covenants - covenants put to
// the vote (open ones first, then closed ones with their result: adopted or not, and the
// result's lines), from domain/decisions/public_decision.h (no drafts, none kept off the
// board, texts masked, no voter or household).
#pragma once

#include <string>
#include <vector>

#include "bot/status.h"
#include "domain/decisions/public_decision.h"
#include "web/board_nav.h"
#include "web/web_request.h"

namespace linli::web {

inline constexpr int kBoardCovenants = 30;
inline constexpr size_t kCovenantBodyBytes = 1200;

// Pure: the page's body.
std::string RenderCovenants(const BoardView& view,
                            const std::vector<domain::decisions::PublicDecision>& covenants);

StatusOr<HttpResponse> BoardCovenants(storage::Database& db, const domain::Deps& deps,
                                      const WebRequest& request);

}  // namespace linli::web
