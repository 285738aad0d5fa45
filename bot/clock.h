// Injected time source (STYLE.md 2). Production uses SystemClock; tests use FakeClock
// (tests/fakes/fake_clock.h) and advance it to test deadlines, digests and escalations.
#pragma once

#include <chrono>
#include <cstdint>

namespace linli {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time. Thread-safe.
  virtual std::chrono::system_clock::time_point Now() const = 0;

  int64_t NowMillis() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Now().time_since_epoch())
        .count();
  }
  int64_t NowSeconds() const { return NowMillis() / 1000; }
};

class SystemClock final : public Clock {
 public:
  std::chrono::system_clock::time_point Now() const override {
    return std::chrono::system_clock::now();
  }
};

}  // namespace linli
