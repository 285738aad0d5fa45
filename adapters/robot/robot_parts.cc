#include "adapters/robot/robot_parts.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "bot/text.h"

namespace linli::adapters::robot {

size_t PartProgress::Done(const std::string& key) const {
  if (key.empty()) return 0;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = done_.find(key);
  return it == done_.end() ? 0 : it->second.first;
}

void PartProgress::Set(const std::string& key, size_t done) {
  if (key.empty()) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (done_.find(key) == done_.end() && done_.size() >= capacity_ && !done_.empty()) {
    auto oldest = std::min_element(done_.begin(), done_.end(), [](const auto& a, const auto& b) {
      return a.second.second < b.second.second;
    });
    done_.erase(oldest);
  }
  done_[key] = {done, ++seq_};
}

void PartProgress::Erase(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  done_.erase(key);
}

size_t PartProgress::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return done_.size();
}

std::string RobotText(const OutboundMessage& message) {
  return RenderNumberedChoices(message.text, message.choices);
}

SendResult SendParts(const std::vector<std::string>& parts, int allowance,
                     const std::string& key, PartProgress& progress,
                     const std::function<SendResult(const std::string& part)>& post) {
  if (parts.empty()) {
    SendResult r = SendResult::Permanent("empty message");
    r.requests = 0;
    return r;
  }
  const size_t n = parts.size();
  size_t i = std::min(progress.Done(key), n - 1);
  int made = 0;
  SendResult last = SendResult::Sent();
  for (; i < n; ++i) {
    if (allowance > 0 && made >= allowance) {
      progress.Set(key, i);
      SendResult r = SendResult::RateLimited("part " + std::to_string(i + 1) + "/" +
                                             std::to_string(n) + " waits for the send budget");
      r.requests = made;
      return r;
    }
    last = post(parts[i]);
    ++made;
    if (last.outcome != SendResult::Outcome::kSent) {
      if (n > 1) last.error = "part " + std::to_string(i + 1) + "/" + std::to_string(n) + ": " + last.error;
      if (last.outcome == SendResult::Outcome::kPermanent) {
        progress.Erase(key);
      } else {
        progress.Set(key, i);
      }
      last.requests = made;
      return last;
    }
  }
  progress.Erase(key);
  last.requests = made;
  return last;
}

// Counted without building the string (SplitByBytes asks once per character). nlohmann's
// serializer (dump_escaped, ensure_ascii off, error_handler replace) writes: the two-character
// escapes for \b \t \n \f \r \" \\, \u00XX for the other controls, a well-formed UTF-8
// sequence (Unicode table 3-7) as it is, and U+FFFD (3 bytes) for each ill-formed start - a
// byte that cannot lead, or a lead and the continuation bytes before the byte that broke the
// sequence (that byte is read again) or before the end of the text.
size_t JsonEscapedSize(std::string_view s) {
  size_t n = 0;
  size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      switch (b) {
        case '\b': case '\t': case '\n': case '\f': case '\r': case '"': case '\\':
          n += 2;
          break;
        default:
          n += b <= 0x1F ? 6 : 1;
      }
      ++i;
      continue;
    }
    size_t continuations = 0;
    unsigned char lo = 0x80;  // the second byte's range; later ones are always 80..BF
    unsigned char hi = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) {
      continuations = 1;
    } else if (b >= 0xE0 && b <= 0xEF) {
      continuations = 2;
      if (b == 0xE0) lo = 0xA0;  // no overlong form
      if (b == 0xED) hi = 0x9F;  // no surrogate
    } else if (b >= 0xF0 && b <= 0xF4) {
      continuations = 3;
      if (b == 0xF0) lo = 0x90;  // no overlong form
      if (b == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
    } else {
      n += 3;  // 80..C1, F5..FF never lead
      ++i;
      continue;
    }
    size_t k = 1;  // bytes of the sequence read so far
    while (k <= continuations && i + k < s.size()) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if (c < lo || c > hi) break;
      lo = 0x80;
      hi = 0xBF;
      ++k;
    }
    n += k > continuations ? k : 3;
    i += k;
  }
  return n;
}

StatusOr<RobotReply> ParseRobotReply(std::string_view body,
                                     const std::vector<std::string>& code_keys,
                                     const std::vector<std::string>& message_keys) {
  const nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object()) return Status::InvalidArgument("robot answer is not a JSON object");
  for (size_t i = 0; i < code_keys.size(); ++i) {
    auto code = j.find(code_keys[i]);
    if (code == j.end() || !code->is_number_integer()) continue;
    RobotReply reply;
    reply.code = code->get<int64_t>();
    if (i < message_keys.size()) {
      auto msg = j.find(message_keys[i]);
      if (msg != j.end() && msg->is_string()) reply.message = msg->get<std::string>();
    }
    if (reply.message.size() > 200) reply.message = SplitByBytes(reply.message, 200).front();
    return reply;
  }
  return Status::InvalidArgument("robot answer has no error code");
}

SendResult TransportFailure(const Status& status, const std::string& channel,
                            const std::string& what) {
  if (status.code() == StatusCode::kInvalidArgument) {
    return SendResult::Permanent(what + ": bad request URL");
  }
  if (status.code() == StatusCode::kDeadlineExceeded) {
    auto log = spdlog::get(what);
    (log ? log : spdlog::default_logger())
        ->warn("channel {}: the send timed out; retrying may duplicate the message", channel);
  }
  return SendResult::Retry(what + ": " + StatusCodeName(status.code()));
}

RobotAdapter::RobotAdapter(std::string name, std::string type, std::vector<SendBudget> budgets)
    : name_(std::move(name)), type_(std::move(type)), budgets_(std::move(budgets)) {}

StatusOr<WebhookResult> RobotAdapter::ParseWebhook(const HttpRequest& /*request*/) {
  return Status::NotFound(type_ + " is send-only: it has no webhook");
}

HttpResponse RobotAdapter::RenderAck(const InboundMessage& /*message*/,
                                     const std::vector<OutboundMessage>& /*replies*/) {
  return HttpResponse::Text(404, "send-only channel");
}

SendResult RobotAdapter::Send(const OutboundMessage& message) {
  if (message.kind == OutboundKind::kCallbackAnswer) {
    SendResult r = SendResult::Sent();
    r.requests = 0;
    return r;
  }
  return SendParts(Parts(RobotText(message)), message.send_allowance, message.idempotency_key,
                   progress_, [this](const std::string& part) { return Post(part); });
}

SendPace RobotAdapter::Pace(const ConversationRef& /*to*/) const { return {name_, budgets_}; }

int RobotAdapter::RequestsFor(const OutboundMessage& message) const {
  if (message.kind == OutboundKind::kCallbackAnswer) return 0;
  const size_t parts = Parts(RobotText(message)).size();
  const size_t done = std::min(progress_.Done(message.idempotency_key), parts);
  return static_cast<int>(std::max<size_t>(1, parts - done));
}

StatusOr<std::string> ApiBaseFromConfig(const std::string& configured, const std::string& where,
                                        const std::string& fallback) {
  std::string base = configured;
  if (base.empty()) return fallback;
  if (base.rfind("https://", 0) != 0 && base.rfind("http://", 0) != 0) {
    return Status::InvalidArgument(where + "api_base: must start with https:// or http://");
  }
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

}  // namespace linli::adapters::robot
