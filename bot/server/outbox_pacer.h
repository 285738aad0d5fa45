// The outbox's pacing per destination (bot/server/outbox.h): each adapter declares the rate
// limits of a destination (Adapter::Pace: budgets of N requests per rolling window, shared by
// every destination with the same pace key); the pacer remembers the requests made per key
// and any block a platform's rate-limit answer imposed, and tells the outbox how many requests
// a message may make now or, if none, when the first one may go. A message over budget waits;
// nothing is dropped here.
//
// In memory: after a restart the history starts empty, so a destination may get up to one
// budget's worth of requests that the platform still counts from before; its rate-limit
// answer then defers the rest (not counted as failures). Thread-safe (one mutex; every call
// is a few map and set operations).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>

#include "bot/adapter.h"

namespace linli {

class SendPacer {
 public:
  struct Grant {
    int granted = 0;           // requests reserved now (0: none, wait)
    int64_t next_free_ms = 0;  // with granted == 0: the earliest time one may go
  };

  SendPacer() = default;
  SendPacer(const SendPacer&) = delete;
  SendPacer& operator=(const SendPacer&) = delete;

  // Reserves up to `wanted` (>= 1) requests at `now_ms` within every budget of `pace` and
  // outside any block of its key; they count from `now_ms` until Settle. A pace without a key
  // is never limited (granted = wanted).
  Grant Reserve(const SendPace& pace, int64_t now_ms, int wanted);
  // After the send: of the `granted` requests reserved at `reserved_at_ms`, `used` were made;
  // they count from `done_ms` (the send's end: the later, the safer).
  void Settle(const std::string& key, int64_t reserved_at_ms, int granted, int used,
              int64_t done_ms);
  // The platform answered "too fast": nothing for `key` before `until_ms`.
  void Block(const std::string& key, int64_t until_ms);
  // The earliest time a request for `pace` may go: `now_ms` if one may go now.
  int64_t NextFree(const SendPace& pace, int64_t now_ms);

 private:
  struct KeyState {
    std::multiset<int64_t> requests;  // times of requests made (or reserved)
    int64_t blocked_until_ms = 0;
  };
  int64_t NextFreeLocked(const KeyState& state, const SendPace& pace, int64_t now_ms) const;
  static void Trim(KeyState& state, const SendPace& pace, int64_t now_ms);

  std::mutex mu_;
  std::map<std::string, KeyState> keys_;  // guarded by mu_
};

}  // namespace linli
