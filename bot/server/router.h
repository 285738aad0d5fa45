// The router runs one turn per inbound message: dedupe, dialog engine, outbox, and the
// acknowledgement - all in one transaction on the write queue, so a webhook is answered only
// after its effects are committed, and a redelivery gets the first answer without being
// processed again.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bot/adapter.h"
#include "bot/clock.h"
#include "bot/message.h"
#include "config/config.h"
#include "dialogs/engine.h"
#include "storage/write_queue.h"

namespace linli {

class Router {
 public:
  struct TurnOutcome {
    HttpResponse ack;                       // what to answer the platform
    std::vector<OutboundMessage> replies;   // the turn's replies (for console/tests)
    bool duplicate = false;                 // a redelivery: nothing was processed
    int enqueued = 0;                       // outbox rows written
    // Set by a turn whose dedupe record another connection committed first (it rolls back).
    bool recorded_elsewhere = false;
  };

  // Borrowed; all outlive the router. `on_enqueued` is called (on the write thread) after a
  // commit that added outbox rows - it should only wake the outbox.
  // `limits`: the per-identity message limit (domain/people/abuse_limits.h).
  Router(storage::WriteQueue& queue, dialogs::Engine& engine, const Clock& clock,
         std::function<void()> on_enqueued, config::LimitsConfig limits = {});

  // Queues the turn; `done` runs on the write thread after the commit with the outcome, or
  // with a non-OK status when nothing was committed: kUnauthenticated when the message's
  // ReplayClaim was already recorded with another body (a replay: answer 401), otherwise the
  // platform should redeliver (503).
  //
  // Several instances on one database (issue 14): the turn first takes the conversation's
  // lock (storage::ConversationStore::Lock), so turns of one conversation on two instances
  // run one after the other; a redelivery that reaches the other instance - also at the same
  // moment - waits for the first copy's commit, then finds its dedupe record and gets its
  // answer (duplicate). Should another connection commit the record between this turn's
  // lookup and its own record anyway, the turn rolls back and the stored answer is given.
  void Submit(Adapter& adapter, InboundMessage message,
              std::function<void(StatusOr<TurnOutcome>)> done);
  // Blocking variant (console, tests). Must not be called on the write thread.
  StatusOr<TurnOutcome> Run(Adapter& adapter, InboundMessage message);

 private:
  Status RunTurn(storage::Database& db, Adapter& adapter, const InboundMessage& message,
                 TurnOutcome* out);
  // The end of every turn that was not a redelivery: the replies into the outbox (or the
  // acknowledgement), the contact window, the dedupe record.
  Status Finish(storage::Database& db, Adapter& adapter, const InboundMessage& message,
                TurnOutcome* out);
  // Answers `done` with the dedupe record another connection committed for `message`.
  void AnswerAsRecorded(const InboundMessage& message,
                        std::function<void(StatusOr<TurnOutcome>)> done);

  storage::WriteQueue& queue_;
  dialogs::Engine& engine_;
  const Clock& clock_;
  std::function<void()> on_enqueued_;
  const config::LimitsConfig limits_;
};

}  // namespace linli
