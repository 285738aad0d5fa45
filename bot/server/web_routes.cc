#include "bot/server/web_routes.h"

#include <exception>
#include <memory>
#include <utility>

#include "bot/server/answer_after_commit.h"
#include "bot/server/blocking_pool.h"
#include "bot/server/log.h"
#include "web/board_covenants.h"
#include "web/board_red_black.h"
#include "web/board_stats.h"
#include "web/board_tickets.h"
#include "web/board_volunteers.h"
#include "web/board_wishes.h"
#include "web/console_routes.h"
#include "web/html.h"
#include "web/me_page.h"
#include "web/me_sign_in.h"
#include "web/open311/open311_api.h"

namespace linli {

namespace {

HttpResponse MachineError(const Status& st) {
  const bool busy = st.HttpStatus() == 503;
  GetLogger("web")->error("web page failed: {}", st.ToString());
  web::Page page;
  page.title = busy ? "503" : "500";
  page.body_html = busy ? "<p>Busy, try again. 忙，请稍后再试。</p>"
                        : "<p>Internal error. 内部错误。</p>";
  HttpResponse r = web::HtmlResponse(busy ? 503 : 500, web::RenderPage(page));
  if (busy) r.headers.emplace_back("Retry-After", "1");
  return r;
}

// Answers a request once: the first Answer wins; destroyed unanswered (a pool task dropped at
// Stop) it answers 503.
class OnceRespond {
 public:
  explicit OnceRespond(Respond respond) : respond_(std::move(respond)) {}
  ~OnceRespond() {
    if (respond_) respond_(MachineError(Status::Unavailable("web call dropped")));
  }
  OnceRespond(const OnceRespond&) = delete;
  OnceRespond& operator=(const OnceRespond&) = delete;
  void Answer(HttpResponse r) {
    Respond respond = std::move(respond_);
    respond_ = nullptr;
    if (respond) respond(std::move(r));
  }

 private:
  Respond respond_;
};

}  // namespace

Route WebRoute(std::vector<std::string> methods, std::string pattern, RouteAuth auth,
               web::WebHandler handler, const WebContext& context) {
  const domain::Deps* deps = &context.deps;
  storage::WriteQueue* queue = &context.queue;
  std::function<void()> on_pushes = context.on_pushes;
  RouteHandler h = [deps, queue, on_pushes, handler = std::move(handler)](
                       HttpRequest request, RouteParams params, Respond respond) {
    auto req = std::make_shared<HttpRequest>(std::move(request));
    auto prm = std::make_shared<RouteParams>(std::move(params));
    AnswerAfterCommit(
        *queue,
        [deps, req, prm, handler](storage::Database& db, HttpResponse& out) -> Status {
          const web::WebRequest wr{*req, *prm};
          LINLI_ASSIGN_OR_RETURN(out, handler(db, *deps, wr));
          return Status::Ok();
        },
        MachineError, std::move(respond), on_pushes, "web");
  };
  return Route{std::move(methods), std::move(pattern), auth, std::move(h)};
}

Route WebCallRoute(std::vector<std::string> methods, std::string pattern, RouteAuth auth,
                   web::WebCallHandler call, const WebContext& context) {
  const domain::Deps* deps = &context.deps;
  storage::WriteQueue* queue = &context.queue;
  HttpClient* http = context.http;
  BlockingPool* pool = context.blocking;
  std::function<void()> on_pushes = context.on_pushes;
  RouteHandler h = [deps, queue, http, pool, on_pushes, call = std::move(call)](
                       HttpRequest request, RouteParams params, Respond respond) {
    auto once = std::make_shared<OnceRespond>(std::move(respond));
    auto req = std::make_shared<HttpRequest>(std::move(request));
    auto prm = std::make_shared<RouteParams>(std::move(params));
    if (http == nullptr || pool == nullptr) {
      once->Answer(MachineError(Status::Unavailable("web call: no outbound client")));
      return;
    }
    const bool posted = pool->Post([deps, queue, http, on_pushes, call, once, req, prm] {
      StatusOr<web::WebHandler> unit = Status::Internal("web call: not run");
      try {
        unit = call(*deps, web::WebRequest{*req, *prm}, *http);
      } catch (const std::exception& e) {
        unit = Status::Internal(std::string("web call: ") + e.what());
      }
      if (!unit.ok()) {
        once->Answer(MachineError(unit.status()));
        return;
      }
      AnswerAfterCommit(
          *queue,
          [deps, req, prm, unit = std::move(unit).value()](storage::Database& db,
                                                           HttpResponse& out) -> Status {
            LINLI_ASSIGN_OR_RETURN(out, unit(db, *deps, web::WebRequest{*req, *prm}));
            return Status::Ok();
          },
          MachineError, [once](HttpResponse r) { once->Answer(std::move(r)); }, on_pushes, "web");
    });
    if (!posted) once->Answer(MachineError(Status::Unavailable("web call: pool full")));
  };
  return Route{std::move(methods), std::move(pattern), auth, std::move(h)};
}

std::vector<Route> WebRoutes(const WebContext& context) {
  std::vector<Route> routes;
  auto add = [&](std::vector<std::string> methods, std::string pattern, RouteAuth auth,
                 web::WebHandler handler) {
    routes.push_back(WebRoute(std::move(methods), std::move(pattern), auth, std::move(handler),
                              context));
  };
  // The public board (公开晒事): web/board_*.h. Read-only pages anyone may open.
  add({"GET"}, "/", RouteAuth::kPublic, web::BoardHome);
  add({"GET"}, "/board", RouteAuth::kPublic, web::BoardTickets);
  add({"GET"}, "/board/tickets/{n}", RouteAuth::kPublic, web::BoardTicket);
  add({"GET"}, "/board/covenants", RouteAuth::kPublic, web::BoardCovenants);
  add({"GET"}, "/board/wishes", RouteAuth::kPublic, web::BoardWishes);
  add({"GET"}, "/board/volunteers", RouteAuth::kPublic, web::BoardVolunteers);
  add({"GET"}, "/board/red-black", RouteAuth::kPublic, web::BoardRedBlack);
  add({"GET"}, "/board/stats", RouteAuth::kPublic, web::BoardStats);
  // End of the public board.
  // Open311 GeoReport v2 (web/open311/open311_api.h): public; POST requests checks its
  // api_key itself and every path answers 404 while config open311 has no key.
  {
    namespace o311 = web::open311;
    auto bind = [](auto handler) -> web::WebHandler {
      return [handler](storage::Database& db, const domain::Deps& deps,
                       const web::WebRequest& request) {
        return handler(db, deps, deps.config.open311, request);
      };
    };
    const RouteAuth pub = RouteAuth::kPublic;
    routes.push_back(WebRoute({"GET", "POST"}, "/open311/v2/{resource}", pub,
                              bind(o311::Open311Resource), context));
    routes.push_back(WebRoute({"GET"}, "/open311/v2/services/{file}", pub,
                              bind(o311::Open311Service), context));
    routes.push_back(WebRoute({"GET"}, "/open311/v2/requests/{file}", pub,
                              bind(o311::Open311Request), context));
  }
  // The resident's own page (web/me_page.h; signing in: web/me_sign_in.h).
  routes.push_back(WebRoute({"GET"}, "/me", RouteAuth::kPublic, web::MePage, context));
  routes.push_back(WebCallRoute({"GET"}, "/me/wechat", RouteAuth::kPublic, web::MeWechatReturn, context));
  routes.push_back(WebRoute({"GET"}, "/me/telegram", RouteAuth::kPublic, web::MeTelegramLaunch, context));
  routes.push_back(WebRoute({"POST"}, "/me/telegram", RouteAuth::kPublic, web::MeTelegramSignIn, context));
  routes.push_back(WebRoute({"POST"}, "/me/tickets/{n}/rate", RouteAuth::kPublic, web::MeRate, context));
  routes.push_back(WebRoute({"POST"}, "/me/logout", RouteAuth::kPublic, web::MeLogout, context));
  routes.push_back(WebRoute({"GET"}, "/me/signed-out", RouteAuth::kPublic, web::MeSignedOut, context));
  // (end of the resident's page)
  // The staff console (web/console_routes.h: login links, tickets, wishes, drafts, outbox, CSV).
  for (web::ConsoleRoute& r : web::ConsoleRoutes()) {
    routes.push_back(WebRoute(std::move(r.methods), std::move(r.pattern),
                              r.signed_in ? RouteAuth::kStaffSession : RouteAuth::kPublic,
                              std::move(r.handler), context));
  }
  return routes;
}

}  // namespace linli
