#include "bot/server/blocking_pool.h"

#include <exception>
#include <utility>

#include "bot/server/log.h"

namespace linli {

BlockingPool::BlockingPool(int threads, size_t max_pending) : max_pending_(max_pending) {
  if (threads < 1) threads = 1;
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Loop(); });
}

BlockingPool::~BlockingPool() { Stop(); }

bool BlockingPool::Post(Task task) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stopped_ || tasks_.size() >= max_pending_) return false;
  tasks_.push_back(std::move(task));
  cv_.notify_one();
  return true;
}

void BlockingPool::Stop() {
  std::deque<Task> dropped;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_) return;
    stopped_ = true;
    dropped.swap(tasks_);
  }
  cv_.notify_all();
  dropped.clear();  // outside the lock: a dropped task's destructor may answer its request
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
}

void BlockingPool::Loop() {
  for (;;) {
    Task task;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopped_ || !tasks_.empty(); });
      if (stopped_) return;
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    try {
      task();
    } catch (const std::exception& e) {
      GetLogger("web")->error("blocking task threw: {}", e.what());
    }
  }
}

}  // namespace linli
