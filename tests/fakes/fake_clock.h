// A clock tests set and advance by hand.
#pragma once

#include <atomic>
#include <chrono>

#include "bot/clock.h"

namespace linli::testing {

class FakeClock final : public Clock {
 public:
  // Default start: 2026-11-25 09:00:00 Asia/Shanghai (01:00 UTC).
  explicit FakeClock(int64_t start_ms = 1795568400000) : now_ms_(start_ms) {}
  std::chrono::system_clock::time_point Now() const override {
    return std::chrono::system_clock::time_point(std::chrono::milliseconds(now_ms_.load()));
  }
  void Advance(std::chrono::milliseconds d) { now_ms_ += d.count(); }
  void SetMillis(int64_t ms) { now_ms_ = ms; }

 private:
  std::atomic<int64_t> now_ms_;
};

}  // namespace linli::testing
