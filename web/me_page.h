// The resident's own page (/me, issue 12 point 3), for a signed-in resident session
// (web/web_session.h; signing in is web/me_sign_in.h): their own tickets with the history a
// reporter reads in chat (进度 N: domain/tickets/ticket_history.h, audience kResident - no
// internal notes, assignments or staff names), a rating form on each resolved one (the chat's
// TicketService::Rate with the same rules: only the reporter, only once resolved), their own
// wishes, and their household's ballots (DecisionService::OwnBallot: the vote their household
// or they cast, as the chat shows it; never anyone else's; open decisions not yet answered
// say so). Nothing of anyone else: every query is by the session's person.
//
// Without a valid session: GET /me starts a sign-in (MeSignInStart); the POSTs answer 401.
// Every POST carries the session's CSRF token in the field "csrf" (403 without it).
#pragma once

#include "bot/status.h"
#include "domain/deps.h"
#include "storage/database.h"
#include "web/web_request.h"

namespace linli::web {

// GET /me.
StatusOr<HttpResponse> MePage(storage::Database& db, const domain::Deps& deps,
                              const WebRequest& request);
// POST /me/tickets/{n}/rate (fields csrf, rating = satisfied|basic|unsatisfied, comment):
// 303 /me after the rating; the chat's refusal text with 409 (not resolved) / 404 (not theirs).
StatusOr<HttpResponse> MeRate(storage::Database& db, const domain::Deps& deps,
                              const WebRequest& request);
// POST /me/logout (field csrf): revokes the session, clears its cookie, 303 /me/signed-out.
StatusOr<HttpResponse> MeLogout(storage::Database& db, const domain::Deps& deps,
                                const WebRequest& request);
// GET /me/signed-out: says so, with a link to sign in again.
StatusOr<HttpResponse> MeSignedOut(storage::Database& db, const domain::Deps& deps,
                                   const WebRequest& request);

}  // namespace linli::web
