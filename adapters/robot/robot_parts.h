// What the three send-only group robots (wecom_robot, dingtalk_robot, feishu_robot) share:
// a long text goes out as several messages (parts, bot/text.h SplitByBytes), within the
// outbox's allowance (OutboundMessage::send_allowance), remembering how far a message got so
// a paced or failed send continues with the next part instead of repeating the sent ones.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <string_view>

#include "bot/adapter.h"
#include "bot/http_client.h"
#include "bot/message.h"
#include "bot/status.h"

namespace linli::adapters::robot {

// Parts already delivered, per message (OutboundMessage::idempotency_key). In memory: after
// a restart a message continues from its first part (the outbox logs rows in flight at a
// stop as possibly duplicated). Bounded: beyond `capacity` entries the oldest is dropped.
// Thread-safe.
class PartProgress {
 public:
  explicit PartProgress(size_t capacity = 10000) : capacity_(capacity) {}
  PartProgress(const PartProgress&) = delete;
  PartProgress& operator=(const PartProgress&) = delete;

  // 0 when unknown (or `key` is empty).
  size_t Done(const std::string& key) const;
  void Set(const std::string& key, size_t done);
  void Erase(const std::string& key);
  size_t size() const;

 private:
  const size_t capacity_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::pair<size_t, uint64_t>> done_;  // key -> (done, seq)
  uint64_t seq_ = 0;                                                   // guarded by mu_
};

// The text a robot shows for `message`: its text with its choices as numbered lines (robots
// have no buttons and no callbacks; the choices still tell staff what to answer elsewhere).
std::string RobotText(const OutboundMessage& message);

// Sends `parts` from the first not yet delivered one (progress.Done(key)), each through
// `post` (one platform request; answers Sent, Retry, RateLimited or Permanent for it), at
// most `allowance` requests when allowance > 0. Answers:
//   kSent                    every part delivered (progress forgotten); the last part's id
//   RateLimited (after 0)    the allowance ran out with parts left: progress kept
//   what `post` answered     for the first part that was not sent (progress kept; the error
//                            names the part, "part 2/3: ..."); a kPermanent gives up on the
//                            rest, progress forgotten
// `requests` is the number of `post` calls made. No parts: kPermanent "empty message".
SendResult SendParts(const std::vector<std::string>& parts, int allowance,
                     const std::string& key, PartProgress& progress,
                     const std::function<SendResult(const std::string& part)>& post);

// The bytes `s` takes inside a JSON string (without the quotes), as nlohmann::json dumps it
// (UTF-8 kept, invalid bytes replaced by U+FFFD). Additive (bot/text.h TextMeasure).
size_t JsonEscapedSize(std::string_view s);

// A robot's answer body: {"errcode":N,"errmsg":"..."} (WeCom, DingTalk) or
// {"code":N,"msg":"..."} (Feishu; older Feishu bots {"StatusCode":N,"StatusMessage":"..."}).
struct RobotReply {
  int64_t code = 0;
  std::string message;  // at most 200 bytes
};
// Reads the first of `code_keys` present as an integer, and the message of the same index
// in `message_keys`. kInvalidArgument when the body is not a JSON object with one of them.
StatusOr<RobotReply> ParseRobotReply(std::string_view body,
                                     const std::vector<std::string>& code_keys,
                                     const std::vector<std::string>& message_keys);

// A send whose request did not get an answer: kInvalidArgument (a malformed URL) -> kPermanent;
// anything else -> kRetry (a timeout is logged as a possible duplicate: robots have no
// idempotency key). `what` prefixes the error ("wecom_robot").
SendResult TransportFailure(const Status& status, const std::string& channel,
                            const std::string& what);

// The base of the send-only robots: no webhook (ParseWebhook answers kNotFound -> 404), the
// text split into parts by the platform's codec (Parts) and each part POSTed by Post, paced
// per robot: every destination of the channel shares the robot's budgets (Pace key = the
// channel name). Thread-safe when Parts and Post are.
class RobotAdapter : public Adapter {
 public:
  RobotAdapter(std::string name, std::string type, std::vector<SendBudget> budgets);

  const std::string& name() const override { return name_; }
  std::string type() const override { return type_; }
  // Always kNotFound: a robot only sends.
  StatusOr<WebhookResult> ParseWebhook(const HttpRequest& request) override;
  // Never called (no turn starts here); 404 if it were.
  HttpResponse RenderAck(const InboundMessage& message,
                         const std::vector<OutboundMessage>& replies) override;
  // kText: SendParts over Parts(RobotText(message)). kCallbackAnswer: no request, kSent.
  SendResult Send(const OutboundMessage& message) override;
  SendPace Pace(const ConversationRef& to) const override;
  // The parts still to send (0 for a callback answer).
  int RequestsFor(const OutboundMessage& message) const override;

  const PartProgress& progress() const { return progress_; }

 protected:
  // The message text cut into parts each within the platform's limit, in order.
  virtual std::vector<std::string> Parts(std::string_view text) const = 0;
  // One platform request for one part (signed afresh where the platform signs).
  virtual SendResult Post(const std::string& part) = 0;

 private:
  const std::string name_;
  const std::string type_;
  const std::vector<SendBudget> budgets_;
  PartProgress progress_;
};

// "<where>api_base" checked (http:// or https://, trailing '/' removed); `fallback` when empty.
StatusOr<std::string> ApiBaseFromConfig(const std::string& configured, const std::string& where,
                                        const std::string& fallback);

}  // namespace linli::adapters::robot
