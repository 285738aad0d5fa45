// Signing in to the staff console (issue 12 point 2), without passwords: staff send 登录 to the
// bot in a private chat (dialogs/login_flow.cc) and open the one-time link it answers with
// (domain/people/web_login.h).
//
//   GET  /console/signin         public: "send 登录 to the bot" (where the guard sends strangers)
//   GET  /console/login/<token>  public: a confirmation page with one button. It does NOT use
//                                the link: chat apps and browsers fetch links ahead (previews,
//                                prefetch), and a GET that consumed the link would leave the
//                                staff member with a used link and the preview bot with a session.
//   POST /console/login/<token>  uses the link once (RedeemLoginLink), starts a staff session
//                                (web_session.h StartSession: the cookie) and answers 303 to
//                                /console; an unknown, used or expired link (or a person no
//                                longer staff) gets 410 with a page saying to send 登录 again.
//   POST /console/logout         (signed in, CSRF) revokes the session, clears the cookie, 303
//                                to the sign-in page.
// The link's token rides in the path (never a query, never logged by the router); pages carry
// Referrer-Policy: no-referrer (html.h), so it does not leak to other sites either.
#pragma once

#include "web/console_page.h"
#include "web/web_request.h"

namespace linli::web {

WebHandler ConsoleSigninPage();
WebHandler ConsoleLoginConfirmPage();
WebHandler ConsoleLoginPost();
WebHandler ConsoleLogoutPost();

}  // namespace linli::web
