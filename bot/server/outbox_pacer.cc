#include "bot/server/outbox_pacer.h"

#include <algorithm>
#include <iterator>

namespace linli {

void SendPacer::Trim(KeyState& state, const SendPace& pace, int64_t now_ms) {
  int64_t longest = 0;
  for (const SendBudget& b : pace.budgets) longest = std::max<int64_t>(longest, b.window.count());
  // A request counts while t > now - window.
  state.requests.erase(state.requests.begin(), state.requests.upper_bound(now_ms - longest));
}

int64_t SendPacer::NextFreeLocked(const KeyState& state, const SendPace& pace,
                                  int64_t now_ms) const {
  int64_t next = std::max(now_ms, state.blocked_until_ms);
  for (const SendBudget& b : pace.budgets) {
    if (b.messages <= 0) continue;
    // The requests inside this budget's window, oldest first.
    auto first = state.requests.upper_bound(now_ms - b.window.count());
    const auto in_window = std::distance(first, state.requests.end());
    if (in_window < b.messages) continue;
    // Room appears when the (in_window - messages + 1)-th oldest leaves the window.
    std::advance(first, in_window - b.messages);
    next = std::max(next, *first + b.window.count());
  }
  return next;
}

SendPacer::Grant SendPacer::Reserve(const SendPace& pace, int64_t now_ms, int wanted) {
  wanted = std::max(1, wanted);
  if (pace.key.empty()) return {wanted, now_ms};
  std::lock_guard<std::mutex> lock(mu_);
  KeyState& state = keys_[pace.key];
  Trim(state, pace, now_ms);
  if (state.blocked_until_ms > now_ms) return {0, NextFreeLocked(state, pace, now_ms)};
  int room = wanted;
  for (const SendBudget& b : pace.budgets) {
    if (b.messages <= 0) continue;
    const auto in_window = std::distance(state.requests.upper_bound(now_ms - b.window.count()),
                                         state.requests.end());
    room = std::min<int>(room, b.messages - static_cast<int>(in_window));
  }
  if (room <= 0) return {0, NextFreeLocked(state, pace, now_ms)};
  for (int i = 0; i < room; ++i) state.requests.insert(now_ms);
  return {room, now_ms};
}

void SendPacer::Settle(const std::string& key, int64_t reserved_at_ms, int granted, int used,
                       int64_t done_ms) {
  if (key.empty()) return;
  std::lock_guard<std::mutex> lock(mu_);
  KeyState& state = keys_[key];
  for (int i = 0; i < granted; ++i) {
    auto it = state.requests.find(reserved_at_ms);
    if (it == state.requests.end()) break;
    state.requests.erase(it);
  }
  for (int i = 0; i < used; ++i) state.requests.insert(std::max(done_ms, reserved_at_ms));
}

void SendPacer::Block(const std::string& key, int64_t until_ms) {
  if (key.empty()) return;
  std::lock_guard<std::mutex> lock(mu_);
  KeyState& state = keys_[key];
  state.blocked_until_ms = std::max(state.blocked_until_ms, until_ms);
}

int64_t SendPacer::NextFree(const SendPace& pace, int64_t now_ms) {
  if (pace.key.empty()) return now_ms;
  std::lock_guard<std::mutex> lock(mu_);
  KeyState& state = keys_[pace.key];
  Trim(state, pace, now_ms);
  return NextFreeLocked(state, pace, now_ms);
}

}  // namespace linli
