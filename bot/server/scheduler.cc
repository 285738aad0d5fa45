#include "bot/server/scheduler.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "bot/server/log.h"

namespace linli {

struct Scheduler::Entry {
  Entry(boost::asio::io_context& io, std::string n, std::chrono::milliseconds i, Job j)
      : name(std::move(n)), interval(i), job(std::move(j)), timer(io) {}
  std::string name;
  std::chrono::milliseconds interval;
  Job job;
  boost::asio::steady_timer timer;
  bool cancelled = false;
};

Scheduler::Scheduler(boost::asio::io_context& io) : io_(io) {}

Scheduler::~Scheduler() { Stop(); }

void Scheduler::Every(std::string name, std::chrono::milliseconds interval, Job job) {
  auto entry = std::make_shared<Entry>(io_, std::move(name), interval, std::move(job));
  entries_.push_back(entry);
  Arm(entry);
}

void Scheduler::Arm(const std::shared_ptr<Entry>& entry) {
  entry->timer.expires_after(entry->interval);
  std::weak_ptr<Entry> weak = entry;
  entry->timer.async_wait([this, weak](const boost::system::error_code& ec) {
    auto e = weak.lock();
    if (ec || !e || e->cancelled) return;
    try {
      e->job();
    } catch (const std::exception& ex) {
      GetLogger("scheduler")->error("job {} threw: {}", e->name, ex.what());
    }
    Arm(e);
  });
}

void Scheduler::TickAll() {
  for (auto& e : entries_) e->job();
}

void Scheduler::Stop() {
  if (stopped_) return;
  stopped_ = true;
  for (auto& e : entries_) {
    e->cancelled = true;
    e->timer.cancel();
  }
}

}  // namespace linli
