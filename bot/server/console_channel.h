// The console channel: `linli chat` - a REPL on stdin/stdout speaking to the same dialogs and
// database as the server. Works with piped stdin, so a scripted conversation can be fed to it.
// Replies are "passive" (printed at once); choices are numbered, as on WeChat.
#pragma once

#include <iosfwd>
#include <mutex>
#include <string>

#include "bot/adapter.h"
#include "bot/clock.h"

namespace linli {

class OutboxWorker;
class Router;

class ConsoleAdapter final : public Adapter {
 public:
  explicit ConsoleAdapter(std::ostream& out) : out_(out) {}
  const std::string& name() const override { return name_; }
  std::string type() const override { return "console"; }
  // The console has no webhook.
  StatusOr<WebhookResult> ParseWebhook(const HttpRequest&) override {
    return Status::NotFound("the console channel has no webhook");
  }
  bool passive_replies() const override { return true; }
  HttpResponse RenderAck(const InboundMessage&, const std::vector<OutboundMessage>&) override {
    return HttpResponse::Text(200, "");
  }
  // Prints a push to the console if it is for the user chatting now; pushes for anyone else
  // wait in the outbox (deferred) until that user's next console turn releases them.
  SendResult Send(const OutboundMessage& message) override;
  // The console user of this process ("" = nobody: every push waits).
  void set_user(std::string user_id) {
    std::lock_guard<std::mutex> lock(mu_);
    user_ = std::move(user_id);
  }

  // Prints one reply: its text, then its choices numbered ("  1. 环境卫生").
  void Print(const OutboundMessage& message);

 private:
  const std::string name_ = "console";
  std::ostream& out_;
  std::mutex mu_;
  std::string user_;  // guarded by mu_
};

// Reads lines from `in` until EOF or "/quit", runs each as a turn from console user `user_id`
// and prints the replies, then delivers what the outbox has due (so the user sees pushes, e.g.
// a ticket's status changing; this process delivers other channels' due messages too, as any
// outbox worker would). A line "/photo" attaches a placeholder photo (to try the photo step).
// Returns the process exit code.
int RunConsoleChat(Router& router, ConsoleAdapter& adapter, OutboxWorker& outbox,
                   const Clock& clock, const std::string& user_id, std::istream& in,
                   bool interactive);

}  // namespace linli
