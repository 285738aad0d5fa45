// The JSON HTTP API under /api/ (issue 4, points 4 and 8):
//
//   GET  /api/public/tickets?page=N&per_page=M     the public board (no personal data)
//   GET  /api/public/tickets/<number>
//   GET  /api/admin/tickets?status=&building=&category=&tier=&limit=   (bearer token)
//   GET  /api/admin/tickets/<number>
//   POST /api/admin/tickets/<number>/<action>      accept|start|note|resolve|defer|escalate|
//                                                  assign|merge|summary, JSON body
//   GET  /api/admin/outbox?status=deferred
//
// Every database access goes through the write queue; responses are sent from its `done`
// callback, never blocking the io thread. Times are epoch milliseconds (UTC); dates chosen by
// staff (deferred_until) are "YYYY-MM-DD" in config.timezone.
#pragma once

#include <functional>
#include <string>

#include "bot/http.h"

namespace linli {

namespace config {
struct Config;
}
namespace domain {
struct Deps;
}
namespace storage {
class WriteQueue;
}

class HttpApi {
 public:
  using Respond = std::function<void(HttpResponse)>;

  // `on_pushes` is called after an admin action committed (wakes the outbox).
  HttpApi(const config::Config& config, const domain::Deps& services,
          storage::WriteQueue& queue, std::function<void()> on_pushes);

  // True for paths this API serves ("/api" and below).
  static bool Owns(const std::string& path);
  void Handle(HttpRequest request, Respond respond);

 private:
  void HandlePublic(const HttpRequest& request, const std::string& rest, Respond respond);
  void HandleAdmin(const HttpRequest& request, const std::string& rest, Respond respond);
  bool Authorized(const HttpRequest& request) const;

  const config::Config& config_;
  const domain::Deps& services_;
  storage::WriteQueue& queue_;
  std::function<void()> on_pushes_;
};

}  // namespace linli
