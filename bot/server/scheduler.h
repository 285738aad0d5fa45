// Periodic background jobs on the io_context (inbox pruning now; digests, SLA escalation and
// vote deadlines later). A job is a tick: it reads "what is due at clock.Now()" from the
// database and acts, so state lives in the database and a restart neither skips nor repeats
// work; tests call Tick() directly with a FakeClock instead of waiting for timers.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace linli {

class Scheduler {
 public:
  using Job = std::function<void()>;

  explicit Scheduler(boost::asio::io_context& io);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Runs `job` every `interval` (first run after `interval`) on the io_context thread. The
  // job must not block: submit database work to the write queue.
  void Every(std::string name, std::chrono::milliseconds interval, Job job);
  // Runs every job once now, on the calling thread (tests).
  void TickAll();
  // Cancels the timers. Idempotent.
  void Stop();

 private:
  struct Entry;
  void Arm(const std::shared_ptr<Entry>& entry);

  boost::asio::io_context& io_;
  std::vector<std::shared_ptr<Entry>> entries_;
  bool stopped_ = false;
};

}  // namespace linli
