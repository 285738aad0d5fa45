#include "bot/server/router.h"

#include <exception>
#include <future>

#include "bot/server/log.h"
#include "domain/people/abuse_limits.h"
#include "storage/conversation_store.h"
#include "storage/identity_store.h"
#include "storage/inbox_store.h"
#include "storage/outbox_store.h"
#include "storage/seen_signature_store.h"

namespace linli {

Router::Router(storage::WriteQueue& queue, dialogs::Engine& engine, const Clock& clock,
               std::function<void()> on_enqueued, config::LimitsConfig limits)
    : queue_(queue), engine_(engine), clock_(clock), on_enqueued_(std::move(on_enqueued)),
      limits_(limits) {}

Status Router::RunTurn(storage::Database& db, Adapter& adapter, const InboundMessage& message,
                       TurnOutcome* out) {
  const std::string& channel = message.conversation.channel;
  // First of all: another instance's turn of this conversation - a redelivery of this very
  // message included - commits before this one reads anything (storage/conversation_store.h).
  LINLI_RETURN_IF_ERROR(storage::ConversationStore::Lock(db, message.conversation.Key()));
  if (message.replay_claim) {
    // Before the dedupe: a forged body may carry any message id (bot/replay_claim.h).
    const ReplayClaim& claim = *message.replay_claim;
    LINLI_ASSIGN_OR_RETURN(
        auto verdict,
        storage::SeenSignatureStore::Claim(db, channel, claim.key, claim.body_digest,
                                           claim.expires_ms, clock_.NowMillis()));
    if (verdict == storage::SeenSignatureStore::Verdict::kOtherBody) {
      GetLogger("router")->warn("channel {}: replayed signature with another body refused",
                                channel);
      return Status::Unauthenticated("replayed signature with another body");
    }
  }
  LINLI_ASSIGN_OR_RETURN(auto seen,
                         storage::InboxStore::Find(db, channel, message.platform_message_id));
  if (seen) {
    out->ack = std::move(*seen);
    out->duplicate = true;
    return Status::Ok();
  }

  // Too many turns from this identity: one "please wait", then silence; nothing processed.
  LINLI_ASSIGN_OR_RETURN(domain::Admission admission,
                         domain::AdmitTurn(db, limits_, message, clock_.NowMillis()));
  if (admission != domain::Admission::kAdmit) {
    if (admission == domain::Admission::kSlowDown) {
      out->replies = {engine_.Notice(message, "dialog.slow_down")};
    }
    return Finish(db, adapter, message, out);
  }

  // The dialog's writes sit in their own savepoint: if the turn fails, they are undone and
  // the user gets an apology, while the dedupe record still commits (a poison message is not
  // redelivered forever).
  LINLI_RETURN_IF_ERROR(db.Savepoint("turn"));
  StatusOr<std::vector<OutboundMessage>> replies = Status::Internal("turn did not run");
  try {
    replies = engine_.HandleTurn(db, message);
  } catch (const std::exception& e) {
    replies = Status::Internal(std::string("exception: ") + e.what());
  } catch (...) {
    replies = Status::Internal("unknown exception");
  }
  if (replies.ok()) {
    LINLI_RETURN_IF_ERROR(db.ReleaseSavepoint("turn"));
    out->replies = std::move(replies).value();
  } else {
    if (replies.status().code() == StatusCode::kUnavailable) {
      return replies.status();  // busy database: let the platform redeliver
    }
    GetLogger("router")->error("turn failed on channel {} (message {}): {}", channel,
                               message.platform_message_id, replies.status().ToString());
    LINLI_RETURN_IF_ERROR(db.RollbackToSavepoint("turn"));
    LINLI_RETURN_IF_ERROR(db.ReleaseSavepoint("turn"));
    out->replies = {engine_.Apology(message)};
  }
  return Finish(db, adapter, message, out);
}

Status Router::Finish(storage::Database& db, Adapter& adapter, const InboundMessage& message,
                      TurnOutcome* out) {
  const std::string& channel = message.conversation.channel;
  const int64_t now = clock_.NowMillis();
  if (!message.callback_id.empty()) {
    OutboundMessage answer;
    answer.to = message.conversation;
    answer.kind = OutboundKind::kCallbackAnswer;
    answer.callback_id = message.callback_id;
    LINLI_RETURN_IF_ERROR(storage::OutboxStore::Enqueue(db, answer, now).status());
    ++out->enqueued;
  }
  bool in_ack = adapter.passive_replies();
  if (!in_ack && !out->replies.empty() && adapter.MayAnswerInAck(message, out->replies)) {
    // Only if it cannot overtake a message still queued for this chat (one enqueued by this
    // very turn included).
    LINLI_ASSIGN_OR_RETURN(bool queued, storage::OutboxStore::HasUnsent(
                                            db, channel, message.conversation.chat_id));
    in_ack = !queued;
  }
  if (in_ack) {
    out->ack = adapter.RenderAck(message, out->replies);
  } else {
    for (const auto& reply : out->replies) {
      LINLI_RETURN_IF_ERROR(storage::OutboxStore::Enqueue(db, reply, now).status());
      ++out->enqueued;
    }
    out->ack = adapter.RenderAck(message, {});
  }
  // The user just wrote: a platform reply window opens (WeChat: 5 pushes in 48 h after a
  // message, 3 in a minute after a click/follow/scan), and messages parked outside the
  // window may go now. Unsubscribes and passive platform events open nothing.
  const std::string& user_id = message.conversation.user_id;
  const bool opens_window = message.kind != InboundKind::kEvent ||
                            message.event == EventKind::kClick ||
                            message.event == EventKind::kSubscribe ||
                            message.event == EventKind::kScan;
  if (opens_window) {
    LINLI_RETURN_IF_ERROR(storage::IdentityStore::RecordContact(
        db, channel, user_id, now, message.kind == InboundKind::kEvent));
    LINLI_ASSIGN_OR_RETURN(int64_t released,
                           storage::OutboxStore::ReleaseDeferred(db, channel, user_id, now));
    out->enqueued += static_cast<int>(released);
  } else if (message.kind == InboundKind::kEvent && message.event == EventKind::kUnsubscribe) {
    // Unfollowed: stop pushing. Rows still queued for this user fail at the outbox (it checks
    // the identity before sending), so staff can see what did not reach them.
    LINLI_RETURN_IF_ERROR(storage::IdentityStore::RecordUnsubscribe(db, channel, user_id, now));
  }
  Status recorded =
      storage::InboxStore::Record(db, channel, message.platform_message_id, now, out->ack);
  // Recorded meanwhile by another connection's committed turn (the conversation lock makes
  // that a turn of another conversation key with this message id): this turn rolls back and
  // the stored answer is given instead (Submit).
  if (recorded.code() == StatusCode::kAlreadyExists) out->recorded_elsewhere = true;
  return recorded;
}

void Router::Submit(Adapter& adapter, InboundMessage message,
                    std::function<void(StatusOr<TurnOutcome>)> done) {
  auto msg = std::make_shared<InboundMessage>(std::move(message));
  auto outcome = std::make_shared<TurnOutcome>();
  queue_.Submit(
      [this, &adapter, msg, outcome](storage::Database& db) {
        *outcome = TurnOutcome{};
        return RunTurn(db, adapter, *msg, outcome.get());
      },
      [this, msg, outcome, done = std::move(done)](Status status) mutable {
        if (!status.ok() && outcome->recorded_elsewhere) {
          AnswerAsRecorded(*msg, std::move(done));
          return;
        }
        if (!status.ok()) {
          GetLogger("router")->warn("turn not committed: {}", status.ToString());
          done(status);
          return;
        }
        if (outcome->enqueued > 0 && on_enqueued_) on_enqueued_();
        done(std::move(*outcome));
      });
}

void Router::AnswerAsRecorded(const InboundMessage& message,
                              std::function<void(StatusOr<TurnOutcome>)> done) {
  auto outcome = std::make_shared<TurnOutcome>();
  queue_.Submit(
      [outcome, channel = message.conversation.channel,
       id = message.platform_message_id](storage::Database& db) -> Status {
        LINLI_ASSIGN_OR_RETURN(auto seen, storage::InboxStore::Find(db, channel, id));
        if (!seen) return Status::Unavailable("inbox: recorded elsewhere but not found");
        *outcome = TurnOutcome{};
        outcome->ack = std::move(*seen);
        outcome->duplicate = true;
        return Status::Ok();
      },
      [outcome, done = std::move(done)](Status status) {
        if (!status.ok()) {
          GetLogger("router")->warn("turn not committed: {}", status.ToString());
          done(status);
          return;
        }
        done(std::move(*outcome));
      });
}

StatusOr<Router::TurnOutcome> Router::Run(Adapter& adapter, InboundMessage message) {
  std::promise<StatusOr<TurnOutcome>> promise;
  auto future = promise.get_future();
  Submit(adapter, std::move(message),
         [&promise](StatusOr<TurnOutcome> r) { promise.set_value(std::move(r)); });
  return future.get();
}

}  // namespace linli
