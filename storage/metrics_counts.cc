#include "storage/metrics_counts.h"

#include "storage/ticket_state.h"

namespace linli::storage {

std::vector<std::string> UnfinishedOutboxStatuses() {
  return {"pending", "sending", "failed", "deferred"};
}

StatusOr<std::vector<OutboxDepth>> CountOutboxDepth(Database& db) {
  // status IN (...) rather than <> 'sent': the outbox_due index (status, next_attempt_at)
  // then skips the sent rows, which are most of the table.
  const std::vector<std::string> statuses = UnfinishedOutboxStatuses();
  std::string sql = "SELECT status, channel, COUNT(*) FROM outbox WHERE status IN (";
  std::vector<Value> params;
  for (size_t i = 0; i < statuses.size(); ++i) {
    sql += i == 0 ? "?" : ", ?";
    params.emplace_back(statuses[i]);
  }
  sql += ") GROUP BY status, channel ORDER BY status, channel";
  LINLI_ASSIGN_OR_RETURN(Rows rows, db.Query(sql, params));
  std::vector<OutboxDepth> out;
  out.reserve(rows.size());
  for (const Row& r : rows) out.push_back({r.Text(0), r.Text(1), r.Int(2)});
  return out;
}

StatusOr<std::vector<OpenTicketCount>> CountOpenTickets(Database& db, int64_t now_ms) {
  using S = TicketStatus;
  std::string open_list;
  std::vector<Value> params;
  // The overdue rule first (its parameters come first in the statement), as ListOverdue has it.
  for (S s : {S::kNew, S::kEscalated, S::kReopened}) params.emplace_back(NameOf(s));
  params.emplace_back(now_ms);
  for (S s : {S::kNew, S::kAccepted, S::kInProgress, S::kEscalated, S::kReopened}) {
    params.emplace_back(NameOf(s));
  }
  params.emplace_back(now_ms);
  for (S s : kAllTicketStatuses) {
    if (s == S::kClosed) continue;
    open_list += open_list.empty() ? "?" : ", ?";
    params.emplace_back(NameOf(s));
  }
  const std::string sql =
      "SELECT status, tier, COUNT(*), SUM(CASE WHEN "
      "(status IN (?, ?, ?) AND accept_due_at > 0 AND accept_due_at <= ?) OR "
      "(status IN (?, ?, ?, ?, ?) AND resolve_due_at > 0 AND resolve_due_at <= ?) "
      "THEN 1 ELSE 0 END) FROM tickets WHERE status IN (" +
      open_list + ") GROUP BY status, tier ORDER BY status, tier";
  LINLI_ASSIGN_OR_RETURN(Rows rows, db.Query(sql, params));
  std::vector<OpenTicketCount> out;
  out.reserve(rows.size());
  for (const Row& r : rows) out.push_back({r.Text(0), r.Text(1), r.Int(2), r.Int(3)});
  return out;
}

StatusOr<std::vector<TicketCount>> CountTickets(Database& db) {
  LINLI_ASSIGN_OR_RETURN(
      Rows rows,
      db.Query("SELECT status, tier, COUNT(*) FROM tickets GROUP BY status, tier "
               "ORDER BY status, tier"));
  std::vector<TicketCount> out;
  out.reserve(rows.size());
  for (const Row& r : rows) out.push_back({r.Text(0), r.Text(1), r.Int(2)});
  return out;
}

StatusOr<PostgresSize> MeasurePostgres(Database& db) {
  if (db.dialect() != "postgres") {
    return Status::FailedPrecondition("the database size by query is for postgresql");
  }
  LINLI_ASSIGN_OR_RETURN(
      Rows rows,
      db.Query("SELECT pg_database_size(current_database()), "
               "(SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
               "JOIN pg_namespace n ON n.oid = c.relnamespace "
               "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'm', 'p')), "
               "COALESCE(current_schema(), '')"));
  if (rows.empty()) return Status::Internal("postgresql: the size query returned no row");
  return PostgresSize{rows[0].Int(0), rows[0].Int(1), rows[0].Text(2)};
}

}  // namespace linli::storage
