#include "storage/ticket_store.h"

#include <string>
#include <vector>

#include "storage/store_util.h"

namespace linli::storage {
namespace {

constexpr const char* kTicketColumns =
    "id, number, reporter_person_id, channel, category, building, unit, location_text, "
    "description, photo_ref, status, created_at, updated_at, notify_channel";
constexpr const char* kEventColumns =
    "id, ticket_id, at, actor_person_id, kind, from_status, to_status, note, is_public";

bool ValidStatus(const std::string& s) {
  return s == "new" || s == "accepted" || s == "in_progress" || s == "resolved" ||
         s == "closed" || s == "deferred" || s == "escalated" || s == "reopened";
}

Ticket ToTicket(const Row& r) {
  Ticket t;
  t.id = r.Int(0);
  t.number = r.Int(1);
  t.reporter_person_id = r.Int(2);
  t.channel = r.Text(3);
  t.category = r.Text(4);
  t.building = r.Text(5);
  t.unit = r.Text(6);
  t.location_text = r.Text(7);
  t.description = r.Text(8);
  t.photo_ref = r.Text(9);
  t.status = r.Text(10);
  t.created_at_ms = r.Int(11);
  t.updated_at_ms = r.Int(12);
  t.notify_channel = r.Text(13);
  return t;
}

TicketEvent ToEvent(const Row& r) {
  TicketEvent e;
  e.id = r.Int(0);
  e.ticket_id = r.Int(1);
  e.at_ms = r.Int(2);
  e.actor_person_id = r.Int(3);
  e.kind = r.Text(4);
  e.from_status = r.Text(5);
  e.to_status = r.Text(6);
  e.note = r.Text(7);
  e.is_public = r.Int(8) != 0;
  return e;
}

Status InsertEvent(Database& db, const TicketEvent& e) {
  return db.Exec(
      "INSERT INTO ticket_events (ticket_id, at, actor_person_id, kind, from_status, to_status, "
      "note, is_public) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      {e.ticket_id, e.at_ms, e.actor_person_id, e.kind, e.from_status, e.to_status, e.note,
       int64_t{e.is_public ? 1 : 0}});
}

StatusOr<std::optional<Ticket>> FindWhere(Database& db, const char* where, int64_t arg) {
  LINLI_ASSIGN_OR_RETURN(
      Rows rows,
      db.Query(std::string("SELECT ") + kTicketColumns + " FROM tickets WHERE " + where, {arg}));
  if (rows.empty()) return std::optional<Ticket>();
  return std::optional<Ticket>(ToTicket(rows[0]));
}

}  // namespace

StatusOr<Ticket> TicketStore::Create(Database& db, Ticket ticket) {
  if (!ValidStatus(ticket.status)) {
    return Status::InvalidArgument("ticket: unknown status '" + ticket.status + "'");
  }
  if (ticket.updated_at_ms == 0) ticket.updated_at_ms = ticket.created_at_ms;

  internal::TxScope scope(db, "ticket_create");
  LINLI_RETURN_IF_ERROR(scope.status());
  // Inside the transaction, so two creators cannot take the same number (the unique index
  // guards it anyway: a clash is kAlreadyExists, retryable by the caller).
  LINLI_ASSIGN_OR_RETURN(Rows next, db.Query("SELECT COALESCE(MAX(number), 0) + 1 FROM tickets"));
  ticket.number = next.empty() ? 1 : next[0].Int(0);
  LINLI_ASSIGN_OR_RETURN(
      Rows ids,
      db.Query("INSERT INTO tickets (number, reporter_person_id, channel, category, building, "
               "unit, location_text, description, photo_ref, status, created_at, updated_at, "
               "notify_channel) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
               {ticket.number, ticket.reporter_person_id, ticket.channel, ticket.category,
                ticket.building, ticket.unit, ticket.location_text, ticket.description,
                ticket.photo_ref, ticket.status, ticket.created_at_ms, ticket.updated_at_ms,
                ticket.notify_channel.empty() ? ticket.channel : ticket.notify_channel}));
  if (ids.empty()) return Status::Internal("ticket: INSERT RETURNING gave no row");
  ticket.id = ids[0].Int(0);

  TicketEvent created;
  created.ticket_id = ticket.id;
  created.at_ms = ticket.created_at_ms;
  created.actor_person_id = ticket.reporter_person_id;
  created.kind = "created";
  created.to_status = ticket.status;
  created.is_public = true;
  LINLI_RETURN_IF_ERROR(InsertEvent(db, created));
  LINLI_RETURN_IF_ERROR(scope.Commit());
  return ticket;
}

StatusOr<std::optional<Ticket>> TicketStore::FindByNumber(Database& db, int64_t number) {
  return FindWhere(db, "number = ?", number);
}

StatusOr<std::optional<Ticket>> TicketStore::FindById(Database& db, int64_t id) {
  return FindWhere(db, "id = ?", id);
}

StatusOr<std::vector<Ticket>> TicketStore::ListByReporter(Database& db, int64_t person_id,
                                                          int limit) {
  std::vector<Ticket> out;
  if (limit <= 0) return out;
  LINLI_ASSIGN_OR_RETURN(
      Rows rows, db.Query(std::string("SELECT ") + kTicketColumns +
                              " FROM tickets WHERE reporter_person_id = ? ORDER BY id DESC LIMIT ?",
                          {person_id, int64_t{limit}}));
  out.reserve(rows.size());
  for (const Row& r : rows) out.push_back(ToTicket(r));
  return out;
}

Status TicketStore::AddEvent(Database& db, const TicketEvent& event) {
  if (event.kind.empty()) return Status::InvalidArgument("ticket event: kind is required");
  LINLI_ASSIGN_OR_RETURN(Rows rows,
                         db.Query("SELECT 1 FROM tickets WHERE id = ?", {event.ticket_id}));
  if (rows.empty()) {
    return Status::NotFound("ticket: no ticket with id " + std::to_string(event.ticket_id));
  }
  return InsertEvent(db, event);
}

StatusOr<std::vector<TicketEvent>> TicketStore::Events(Database& db, int64_t ticket_id) {
  LINLI_ASSIGN_OR_RETURN(Rows rows,
                         db.Query(std::string("SELECT ") + kEventColumns +
                                      " FROM ticket_events WHERE ticket_id = ? ORDER BY id",
                                  {ticket_id}));
  std::vector<TicketEvent> out;
  out.reserve(rows.size());
  for (const Row& r : rows) out.push_back(ToEvent(r));
  return out;
}

StatusOr<int64_t> TicketStore::Count(Database& db) {
  LINLI_ASSIGN_OR_RETURN(Rows rows, db.Query("SELECT COUNT(*) FROM tickets"));
  return rows.empty() ? int64_t{0} : rows[0].Int(0);
}

StatusOr<Ticket> TicketStore::SetStatus(Database& db, int64_t ticket_id,
                                        const std::string& to_status, int64_t actor_person_id,
                                        const std::string& note, bool is_public, int64_t now_ms) {
  if (!ValidStatus(to_status)) {
    return Status::InvalidArgument("ticket: unknown status '" + to_status + "'");
  }
  internal::TxScope scope(db, "ticket_status");
  LINLI_RETURN_IF_ERROR(scope.status());
  LINLI_ASSIGN_OR_RETURN(std::optional<Ticket> found, FindById(db, ticket_id));
  if (!found) return Status::NotFound("ticket: no ticket with id " + std::to_string(ticket_id));
  Ticket ticket = std::move(*found);

  TicketEvent event;
  event.ticket_id = ticket_id;
  event.at_ms = now_ms;
  event.actor_person_id = actor_person_id;
  event.kind = "status";
  event.from_status = ticket.status;
  event.to_status = to_status;
  event.note = note;
  event.is_public = is_public;

  LINLI_RETURN_IF_ERROR(db.Exec("UPDATE tickets SET status = ?, updated_at = ? WHERE id = ?",
                                {to_status, now_ms, ticket_id}));
  LINLI_RETURN_IF_ERROR(InsertEvent(db, event));
  LINLI_RETURN_IF_ERROR(scope.Commit());
  ticket.status = to_status;
  ticket.updated_at_ms = now_ms;
  return ticket;
}

Status TicketStore::SetNotifyChannel(Database& db, int64_t ticket_id, const std::string& channel) {
  return db.Exec("UPDATE tickets SET notify_channel = ? WHERE id = ?", {channel, ticket_id});
}

}  // namespace linli::storage
