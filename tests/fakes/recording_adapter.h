// An adapter for tests: records what it is asked to send and answers with scripted outcomes.
#pragma once

#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "bot/adapter.h"

namespace linli::testing {

class RecordingAdapter final : public Adapter {
 public:
  explicit RecordingAdapter(std::string name, bool passive = false)
      : name_(std::move(name)), passive_(passive) {}

  const std::string& name() const override { return name_; }
  std::string type() const override { return "recording"; }
  StatusOr<WebhookResult> ParseWebhook(const HttpRequest&) override {
    return Status::NotFound("recording adapter has no webhook");
  }
  bool passive_replies() const override { return passive_; }
  // When set: a single reply may ride in the ack (as Telegram's answer-in-response).
  void set_answers_one_in_ack(bool on) { one_in_ack_ = on; }
  bool MayAnswerInAck(const InboundMessage&,
                      const std::vector<OutboundMessage>& replies) const override {
    return one_in_ack_ && replies.size() == 1;
  }
  HttpResponse RenderAck(const InboundMessage&, const std::vector<OutboundMessage>& replies) override {
    std::string body;
    for (const auto& r : replies) body += r.text + "\n";
    return HttpResponse::Text(200, body.empty() ? "ok" : body);
  }
  SendResult Send(const OutboundMessage& message) override {
    std::lock_guard<std::mutex> lock(mu_);
    attempts_.push_back(message);
    if (!script_.empty()) {
      SendResult r = script_.front();
      script_.pop_front();
      if (r.outcome == SendResult::Outcome::kSent) sent_.push_back(message);
      return r;
    }
    sent_.push_back(message);
    return SendResult::Sent("pm-" + std::to_string(sent_.size()));
  }

  // The next sends answer these outcomes, in order; afterwards every send succeeds.
  void Script(std::vector<SendResult> outcomes) {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& o : outcomes) script_.push_back(std::move(o));
  }
  std::vector<OutboundMessage> attempts() const {
    std::lock_guard<std::mutex> lock(mu_);
    return attempts_;
  }
  std::vector<OutboundMessage> sent() const {
    std::lock_guard<std::mutex> lock(mu_);
    return sent_;
  }

 private:
  const std::string name_;
  const bool passive_;
  bool one_in_ack_ = false;
  mutable std::mutex mu_;
  std::deque<SendResult> script_;
  std::vector<OutboundMessage> attempts_;
  std::vector<OutboundMessage> sent_;
};

}  // namespace linli::testing
