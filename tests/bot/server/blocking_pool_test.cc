#include "bot/server/blocking_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <thread>

namespace linli::blocking_pool_test {
namespace {

using namespace std::chrono_literals;

TEST(BlockingPoolTest, RunsTasksOffTheCallersThread) {
  BlockingPool pool(2, 8);
  std::promise<std::thread::id> ran;
  ASSERT_TRUE(pool.Post([&ran] { ran.set_value(std::this_thread::get_id()); }));
  auto f = ran.get_future();
  ASSERT_EQ(f.wait_for(5s), std::future_status::ready);
  EXPECT_NE(f.get(), std::this_thread::get_id());
}

// A flag that says whether the task holding it was destroyed (run or not).
struct Witness {
  explicit Witness(std::atomic<int>& destroyed) : destroyed_(destroyed) {}
  ~Witness() { ++destroyed_; }
  std::atomic<int>& destroyed_;
};

TEST(BlockingPoolTest, RefusesWhenFullAndDropsWaitingTasksAtStop) {
  BlockingPool pool(1, 2);
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::atomic<bool> started{false};
  ASSERT_TRUE(pool.Post([gate, &started] {
    started = true;
    gate.wait();
  }));
  for (int i = 0; i < 500 && !started; ++i) std::this_thread::sleep_for(2ms);
  ASSERT_TRUE(started.load());
  std::atomic<int> ran{0};
  std::atomic<int> destroyed{0};
  for (int i = 0; i < 2; ++i) {
    auto w = std::make_shared<Witness>(destroyed);
    ASSERT_TRUE(pool.Post([w, &ran] { ++ran; }));
  }
  // Two wait: a third is refused at once (not run, not queued).
  EXPECT_FALSE(pool.Post([&ran] { ++ran; }));
  std::thread stopper([&pool] { pool.Stop(); });
  // The waiting tasks are dropped unrun (their captures destroyed), the running one finishes.
  for (int i = 0; i < 500 && destroyed < 2; ++i) std::this_thread::sleep_for(2ms);
  EXPECT_EQ(destroyed.load(), 2);
  release.set_value();
  stopper.join();
  EXPECT_EQ(ran.load(), 0);
  EXPECT_FALSE(pool.Post([] {}));  // stopped
}

}  // namespace
}  // namespace linli::blocking_pool_test
