#include "bot/server/outbox.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <future>
#include <memory>
#include <random>

#include "bot/server/log.h"
#include "bot/server/server_metrics.h"
#include "storage/card_store.h"
#include "storage/identity_store.h"
#include "storage/outbox_store.h"

namespace linli {

namespace {
constexpr int kOutboxClaimBatch = 32;

// 64 random bits as 16 hex digits: two instances never share one (and a restarted process
// gets a new one, so its predecessor's claims are another owner's).
std::string NewInstanceId() {
  std::random_device random;
  const uint64_t bits = (static_cast<uint64_t>(random()) << 32) ^ random();
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(bits));
  return text;
}

}  // namespace

OutboxWorker::OutboxWorker(storage::WriteQueue& queue, const Clock& clock,
                           config::OutboxConfig options, AdapterLookup lookup, int threads,
                           ServerMetrics* metrics, std::unique_ptr<storage::Notifier> wake)
    : queue_(queue), clock_(clock), options_(options), lookup_(std::move(lookup)),
      thread_count_(std::max(1, threads)), metrics_(metrics), wake_(std::move(wake)),
      instance_id_(NewInstanceId()) {}

OutboxWorker::~OutboxWorker() { Stop(); }

Status OutboxWorker::Start() {
  int64_t recovered = 0;
  LINLI_RETURN_IF_ERROR(queue_.Run([&](storage::Database& db) -> Status {
    LINLI_ASSIGN_OR_RETURN(recovered, storage::OutboxStore::RecoverInFlight(db, clock_.NowMillis()));
    return Status::Ok();
  }));
  if (recovered > 0) {
    // The process stopped while these were being sent: they may have been delivered. Sending
    // again is the lesser evil (nothing lost); platforms without idempotency keys may show a
    // duplicate.
    GetLogger("outbox")->warn("{} message(s) were in flight at the last stop; resending "
                              "(a duplicate is possible on platforms without idempotency keys)",
                              recovered);
  }
  auto log = GetLogger("outbox");
  log->info("outbox instance {} (pid {}): claims leased for {} ms{}", instance_id_, ::getpid(),
            options_.lease_ms, wake_ ? "; woken by other instances' enqueues" : "");
  bool listening = false;
  if (wake_) {
    // Before the threads: what another instance enqueues from here on wakes them.
    const Status st = wake_->Listen();
    listening = st.ok();
    if (!st.ok()) {
      log->warn("outbox: cannot listen for other instances' enqueues ({}); polling every {} ms "
                "until it works",
                st.ToString(), options_.poll_interval_ms);
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  stopping_ = false;
  for (int i = 0; i < thread_count_; ++i) threads_.emplace_back([this] { Loop(); });
  if (wake_) listener_ = std::thread([this, listening] { ListenLoop(!listening); });
  return Status::Ok();
}

void OutboxWorker::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (wake_) wake_->Interrupt();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
  if (listener_.joinable()) listener_.join();
}

void OutboxWorker::Notify() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++wakeups_;
  }
  cv_.notify_all();
}

bool OutboxWorker::ChannelAnswers(const std::string& channel, bool answers) {
  std::lock_guard<std::mutex> lock(failing_mu_);
  if (!answers) {
    failing_.insert(channel);
    return false;
  }
  return failing_.erase(channel) > 0;
}

int64_t OutboxWorker::BackoffMs(int attempts) const {
  int64_t delay = options_.initial_backoff_ms;
  for (int i = 1; i < attempts && delay < options_.max_backoff_ms; ++i) delay *= 2;
  return std::min<int64_t>(delay, options_.max_backoff_ms);
}

void OutboxWorker::RecordLeftovers() {
  std::vector<Unrecorded> left;
  {
    std::lock_guard<std::mutex> lock(unrecorded_mu_);
    left.swap(unrecorded_);
  }
  if (left.empty()) return;
  std::vector<Unrecorded> kept;
  for (Unrecorded& u : left) {
    const Status st = queue_.Run(u.work);
    if (st.ok()) {
      GetLogger("outbox")->info("outbox message {}: outcome recorded late", u.id);
    } else if (st.code() == StatusCode::kUnavailable) {
      kept.push_back(std::move(u));
    } else {
      GetLogger("outbox")->error("outbox message {}: could not record the outcome: {}", u.id,
                                 st.ToString());
    }
  }
  std::lock_guard<std::mutex> lock(unrecorded_mu_);
  for (Unrecorded& u : kept) unrecorded_.push_back(std::move(u));
}

size_t OutboxWorker::unrecorded() const {
  std::lock_guard<std::mutex> lock(unrecorded_mu_);
  return unrecorded_.size();
}

StatusOr<int> OutboxWorker::RunOnce() {
  // Outcomes a full disk kept from being written go first: their rows hold their
  // destinations back until then.
  RecordLeftovers();
  std::vector<storage::OutboxItem> items;
  std::vector<ContactWindow> windows;  // each recipient's reply window, read with the claim
  std::vector<std::string> card_replies;  // the card a reply_card_kind message replies to
  // Also the claimed rows' updated_at: what failed in an earlier pass was claimed before it.
  const int64_t claimed_at = clock_.NowMillis();
  std::vector<int64_t> taken_back;  // other instances' claims whose lease ran out
  LINLI_RETURN_IF_ERROR(queue_.Run([&](storage::Database& db) -> Status {
    LINLI_ASSIGN_OR_RETURN(taken_back,
                           storage::OutboxStore::RecoverExpired(db, claimed_at, instance_id_));
    LINLI_ASSIGN_OR_RETURN(items, storage::OutboxStore::ClaimDue(db, claimed_at, kOutboxClaimBatch,
                                                                 instance_id_, options_.lease_ms));
    windows.assign(items.size(), ContactWindow{});
    card_replies.assign(items.size(), std::string());
    for (size_t i = 0; i < items.size(); ++i) {
      const auto& m = items[i].message;
      const auto& to = m.to;
      LINLI_ASSIGN_OR_RETURN(auto identity,
                             storage::IdentityStore::FindIdentity(db, to.channel, to.user_id));
      if (identity) windows[i] = identity->window;
      if (m.reply_to.empty() && !m.reply_card_kind.empty()) {
        // The card went earlier to this destination, so it is sent (and recorded) by now.
        const std::string& chat = to.chat_id.empty() ? to.user_id : to.chat_id;
        LINLI_ASSIGN_OR_RETURN(auto cards,
                               storage::CardStore::ForRef(db, m.reply_card_kind, m.reply_card_ref));
        for (const auto& c : cards) {  // the first: the card as posted, not a later one
          if (c.channel == to.channel && c.chat_id == chat) {
            card_replies[i] = c.platform_message_id;
            break;
          }
        }
      }
    }
    return Status::Ok();
  }));
  auto log = GetLogger("outbox");
  for (int64_t id : taken_back) {
    log->warn("outbox message {}: the instance sending it let its lease run out (killed or "
              "hung); sending it again (a duplicate is possible on platforms without "
              "idempotency keys)",
              id);
  }
  // Outcomes are recorded asynchronously, each as soon as its send returns: they join the
  // write queue's next group commit instead of costing this thread a round trip per message.
  // The next message of a destination cannot be claimed before its predecessor's outcome is
  // committed (ClaimDue), and this pass waits for all of them before returning.
  struct Pending {
    int64_t id = 0;
    std::future<Status> done;
    storage::WriteQueue::Work work;  // kept to try again if the write fails (disk full)
  };
  std::vector<Pending> pending;
  auto record = [&](storage::WriteQueue::Work work) {
    auto promise = std::make_shared<std::promise<Status>>();
    pending.push_back(Pending{0, promise->get_future(), work});
    queue_.Submit(std::move(work), [promise](Status st) { promise->set_value(std::move(st)); });
  };
  for (const auto& item : items) {
    Adapter* adapter = lookup_(item.message.to.channel);
    SendResult result;
    SendPace pace;
    if (adapter == nullptr) {
      result = SendResult::Permanent("no such channel: " + item.message.to.channel);
    } else {
      pace = adapter->Pace(item.message.to);
      // Stable per outbox row, so a retried send can be recognised by platforms that
      // deduplicate (Feishu uuid).
      OutboundMessage message = item.message;
      if (message.idempotency_key.empty()) message.idempotency_key = "linli-ob-" + std::to_string(item.id);
      message.window = windows[&item - items.data()];
      if (message.reply_to.empty()) message.reply_to = card_replies[&item - items.data()];
      // An edit where the platform cannot edit: the short follow-up post instead, or nothing.
      bool skip = false;
      if (!message.edit_of.empty() && !adapter->can_edit()) {
        message.text = message.follow_up;
        message.choices.clear();
        message.edit_of.clear();
        skip = message.text.empty();
      }
      if (skip) {
        result = SendResult::Sent();
      } else if (message.window.unsubscribed) {
        result = SendResult::Permanent("the recipient unsubscribed");
      } else {
        const int wanted = pace.key.empty() ? 0 : adapter->RequestsFor(message);
        const int64_t reserved_at = clock_.NowMillis();
        SendPacer::Grant grant{0, reserved_at};
        if (wanted > 0) grant = pacer_.Reserve(pace, reserved_at, wanted);
        if (wanted > 0 && grant.granted == 0) {
          // Over budget: not sent now, due when the budget has room.
          ++paced_;
          const int64_t due = grant.next_free_ms;
          record([=](storage::Database& db) {
            return storage::OutboxStore::MarkPaced(db, item, due, "waiting for the send budget");
          });
          pending.back().id = item.id;
          continue;
        }
        message.send_allowance = wanted > 0 ? grant.granted : 0;
        try {
          result = adapter->Send(message);
        } catch (const std::exception& e) {
          result = SendResult::Retry(std::string("adapter threw: ") + e.what());
        }
        if (wanted > 0) {
          pacer_.Settle(pace.key, reserved_at, grant.granted, std::max(0, result.requests),
                        clock_.NowMillis());
        }
      }
    }
    const int64_t now = clock_.NowMillis();
    if (result.outcome == SendResult::Outcome::kRetry && result.rate_limited) {
      // Not a failure: the platform's (or our) rate limit. Wait, never drop, never count it.
      ++paced_;
      int64_t due = now + std::max<int64_t>(0, result.retry_after.count());
      if (!pace.key.empty()) {
        if (result.retry_after.count() > 0) pacer_.Block(pace.key, due);
        due = std::max(due, pacer_.NextFree(pace, now));
      }
      // "Too fast" without a time and with room in the budget: the first backoff step, so a
      // platform that keeps refusing is not hammered.
      if (due <= now) due = now + BackoffMs(1);
      // A platform's refusal is worth a warning; a long text waiting for its budget is not.
      log->log(result.retry_after.count() > 0 ? spdlog::level::warn : spdlog::level::info,
               "outbox message {} to channel {} rate limited ({}); due again in {} ms, not "
               "counted as an attempt",
               item.id, item.message.to.channel, result.error, due - now);
      record([=](storage::Database& db) {
        return storage::OutboxStore::MarkPaced(db, item, due, result.error);
      });
      pending.back().id = item.id;
      continue;
    }
    switch (result.outcome) {
      case SendResult::Outcome::kSent: {
        ++sent_;
        // The channel answers again after failures: what waits out a backoff goes now.
        const bool recovered = ChannelAnswers(item.message.to.channel, true);
        if (recovered) {
          log->info("channel {} answers again: messages that failed before are due now",
                    item.message.to.channel);
          record([=](storage::Database& db) -> Status {
            return storage::OutboxStore::RetryBackoffNow(db, item.message.to.channel,
                                                         claimed_at, now)
                .status();
          });
        }
        record([=, this](storage::Database& db) -> Status {
          LINLI_RETURN_IF_ERROR(
              storage::OutboxStore::MarkSent(db, item, result.platform_message_id, now));
          // A card: remember which sent message shows it, so a reply to it finds its flow.
          // Platforms that return no message id (WeChat customer-service sends) record none.
          if (!item.message.card_kind.empty() && item.message.edit_of.empty() &&
              !result.platform_message_id.empty()) {
            LINLI_RETURN_IF_ERROR(storage::CardStore::Record(
                db, {item.message.to.channel,
                     item.message.to.chat_id.empty() ? item.message.to.user_id
                                                     : item.message.to.chat_id,
                     result.platform_message_id, item.message.card_kind, item.message.card_ref,
                     now}));
          }
          return storage::IdentityStore::CountWindowSend(db, item.message.to.channel,
                                                         item.message.to.user_id,
                                                         result.window_use);
        });
        break;
      }
      case SendResult::Outcome::kRetry:
        ChannelAnswers(item.message.to.channel, false);
        if (metrics_) {
          metrics_->SendFailed(item.message.to.channel, adapter ? adapter->type() : "",
                               result.error, item.attempts >= options_.max_attempts);
        }
        if (item.attempts >= options_.max_attempts) {
          ++failed_;
          log->error("outbox message {} to channel {} failed after {} attempts: {}", item.id,
                     item.message.to.channel, item.attempts, result.error);
          record([=, this](storage::Database& db) {
            return storage::OutboxStore::MarkFailed(db, item, result.error);
          });
        } else {
          ++retried_;
          const int64_t delay = result.retry_after.count() > 0 ? result.retry_after.count()
                                                               : BackoffMs(item.attempts);
          log->warn("outbox message {} to channel {}: attempt {} failed ({}); retry in {} ms",
                    item.id, item.message.to.channel, item.attempts, result.error, delay);
          record([=, this](storage::Database& db) {
            return storage::OutboxStore::MarkRetry(db, item, now + delay, result.error,
                                                   /*backoff=*/result.retry_after.count() <= 0);
          });
        }
        break;
      case SendResult::Outcome::kPermanent:
        ++failed_;
        if (metrics_) {
          metrics_->SendFailed(item.message.to.channel, adapter ? adapter->type() : "",
                               result.error, /*dead_letter=*/true);
        }
        log->error("outbox message {} to channel {} failed permanently: {}", item.id,
                   item.message.to.channel, result.error);
        record([=, this](storage::Database& db) {
          return storage::OutboxStore::MarkFailed(db, item, result.error);
        });
        break;
      case SendResult::Outcome::kDeferred:
        if (metrics_) metrics_->Deferred(item.message.to.channel);
        log->info("outbox message {} to channel {} waits for the user's next contact: {}",
                  item.id, item.message.to.channel, result.error);
        record([=, this](storage::Database& db) {
          return storage::OutboxStore::MarkDeferred(db, item, result.error);
        });
        break;
    }
    pending.back().id = item.id;
  }
  for (Pending& p : pending) {
    const Status st = p.done.get();
    if (st.ok()) continue;
    if (st.code() == StatusCode::kUnavailable) {
      // The disk is full (or the database busy): the row stays 'sending' and the outcome is
      // written by a later pass (RecordLeftovers), or the row is resent after a restart.
      log->warn("outbox message {}: outcome not recorded yet ({}); trying again later", p.id,
                st.ToString());
      std::lock_guard<std::mutex> lock(unrecorded_mu_);
      unrecorded_.push_back(Unrecorded{p.id, std::move(p.work)});
    } else {
      // The row stays 'sending' and is recovered (resent) at the next start.
      log->error("outbox message {}: could not record the outcome: {}", p.id, st.ToString());
    }
  }
  return static_cast<int>(items.size());
}

void OutboxWorker::ListenLoop(bool failing) {
  auto log = GetLogger("outbox");
  const auto interval = std::chrono::milliseconds(options_.poll_interval_ms);
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
    }
    // Stop() ends the wait with Interrupt(); the timeout is only an upper bound.
    const StatusOr<bool> woken = wake_->Wait(std::max(interval, std::chrono::milliseconds(1000)));
    if (woken.ok()) {
      if (failing) {
        // Enqueues while the connection was down were not signalled: one pass looks.
        log->info("outbox: listening for other instances' enqueues again");
        failing = false;
        Notify();
      }
      if (*woken) Notify();
      continue;
    }
    if (!failing) {
      log->warn("outbox: lost the wake-up connection ({}); polling every {} ms and reconnecting",
                woken.status().ToString(), options_.poll_interval_ms);
      failing = true;
    }
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, interval, [&] { return stopping_; });
  }
}

void OutboxWorker::Loop() {
  auto log = GetLogger("outbox");
  std::string last_error;
  for (;;) {
    uint64_t seen;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
      seen = wakeups_;
    }
    auto attempted = RunOnce();
    ++passes_;
    // Logged when it starts failing and when it works again, not every poll (a full disk
    // fails every pass until space returns).
    if (!attempted.ok() && attempted.status().ToString() != last_error) {
      last_error = attempted.status().ToString();
      log->error("outbox pass failed: {}", last_error);
    } else if (attempted.ok() && !last_error.empty()) {
      log->info("outbox passes work again (they failed: {})", last_error);
      last_error.clear();
    }
    if (attempted.ok() && *attempted > 0) continue;  // more may be due right away
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(options_.poll_interval_ms),
                 [&] { return stopping_ || wakeups_ != seen; });
  }
}

}  // namespace linli
