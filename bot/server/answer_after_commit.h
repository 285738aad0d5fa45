// The one way an HTTP handler that writes answers: its work runs as a unit on the write queue
// and the answer goes out after the commit (nothing half-written: a failed unit rolls back).
// Each API names how its failures read (a ticket, points, wish or decision refusal).
#pragma once

#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "bot/http.h"
#include "bot/status.h"
#include "storage/database.h"
#include "storage/write_queue.h"

namespace linli {

using ApiWork = std::function<Status(storage::Database&, HttpResponse&)>;

// Runs `work` on `queue`; then `respond`s with the response `work` filled, after `after_ok`
// (e.g. waking the outbox), or with `on_error(status)` when the unit failed (an exception in
// `work` is kInternal named by `what`). Callbacks run on the write queue's completion thread.
inline void AnswerAfterCommit(storage::WriteQueue& queue, ApiWork work,
                              std::function<HttpResponse(const Status&)> on_error,
                              std::function<void(HttpResponse)> respond,
                              std::function<void()> after_ok = {}, std::string what = "api") {
  auto out = std::make_shared<HttpResponse>();
  queue.Submit(
      [work = std::move(work), out, what = std::move(what)](storage::Database& db) -> Status {
        try {
          return work(db, *out);
        } catch (const std::exception& e) {
          return Status::Internal(what + ": " + e.what());
        }
      },
      [out, on_error = std::move(on_error), respond = std::move(respond),
       after_ok = std::move(after_ok)](Status st) {
        if (!st.ok()) {
          respond(on_error(st));
          return;
        }
        if (after_ok) after_ok();
        respond(std::move(*out));
      });
}

}  // namespace linli
