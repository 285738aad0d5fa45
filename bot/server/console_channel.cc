#include "bot/server/console_channel.h"

#include <istream>
#include <ostream>
#include <random>

#include "bot/server/outbox.h"
#include "bot/server/router.h"
#include "bot/text.h"

namespace linli {

SendResult ConsoleAdapter::Send(const OutboundMessage& message) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (user_.empty() || message.to.user_id != user_) {
      return SendResult::Deferred("console user not chatting");
    }
  }
  if (message.kind == OutboundKind::kText) Print(message);
  return SendResult::Sent();
}

void ConsoleAdapter::Print(const OutboundMessage& message) {
  std::lock_guard<std::mutex> lock(mu_);
  out_ << message.text << "\n";
  if (!message.choices.empty()) {
    out_ << RenderNumberedChoices("", message.choices, {.gap = "", .indent = "  "}) << "\n";
  }
  out_ << std::flush;
}

int RunConsoleChat(Router& router, ConsoleAdapter& adapter, OutboxWorker& outbox,
                   const Clock& clock, const std::string& user_id, std::istream& in,
                   bool interactive) {
  adapter.set_user(user_id);
  // Message ids must be unique across runs (they are the dedupe key): time + a random tag.
  std::random_device rd;
  const std::string run_tag = std::to_string(clock.NowMillis()) + "-" + std::to_string(rd() % 100000);
  uint64_t counter = 0;
  std::string line;
  for (;;) {
    if (interactive) adapter.Print({.text = "> "});
    if (!std::getline(in, line)) break;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line == "/quit" || line == "/exit") break;
    if (line.empty()) continue;
    InboundMessage msg;
    msg.conversation = {"console", user_id, user_id, ChatType::kPrivate};
    msg.platform_message_id = "c-" + run_tag + "-" + std::to_string(++counter);
    msg.timestamp_ms = clock.NowMillis();
    if (line.rfind("/photo", 0) == 0) {
      msg.attachments.push_back({Attachment::Kind::kPhoto, "console-photo-" + msg.platform_message_id});
      msg.text = line.size() > 6 ? line.substr(7) : "";
    } else {
      msg.text = line;
    }
    auto outcome = router.Run(adapter, std::move(msg));
    if (!outcome.ok()) {
      adapter.Print({.text = "[error] " + outcome.status().ToString()});
      return 1;
    }
    for (const auto& reply : outcome->replies) adapter.Print(reply);
    // Pushes for this user (released by the turn) and anything else due.
    for (int pass = 0; pass < 8; ++pass) {
      auto sent = outbox.RunOnce();
      if (!sent.ok() || *sent == 0) break;
    }
  }
  return 0;
}

}  // namespace linli
