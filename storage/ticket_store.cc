#include "storage/ticket_store.h"

#include <algorithm>
#include <string>
#include <vector>

#include "storage/store_util.h"

namespace linli::storage {
namespace {

constexpr const char* kTicketColumns =
    "id, number, reporter_person_id, channel, category, building, unit, location_text, "
    "description, photo_ref, status, created_at, updated_at, notify_channel, tier, "
    "assignee_person_id, public_summary, deferred_reason, deferred_plan, deferred_until, "
    "accept_due_at, resolve_due_at, resolved_at, rating, rating_comment, rated_at, merged_into, "
    "escalations, overdue_flagged_at";
constexpr const char* kEventColumns =
    "id, ticket_id, at, actor_person_id, kind, from_status, to_status, note, is_public, photo_ref, actor_name, rating";

bool ValidTier(Tier t) { return !Name(t).empty(); }
bool ValidStatus(TicketStatus s) { return !Name(s).empty(); }
std::string Bad(TicketStatus s) { return std::to_string(static_cast<int>(s)); }
std::string Bad(Tier t) { return std::to_string(static_cast<int>(t)); }

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
  // Only this store writes these columns, from the enums; a name written by hand that is
  // none of them reads as the default.
  t.status = ParseTicketStatus(r.Text(10)).value_or(TicketStatus::kNew);
  t.created_at_ms = r.Int(11);
  t.updated_at_ms = r.Int(12);
  t.notify_channel = r.Text(13);
  t.tier = ParseTier(r.Text(14)).value_or(Tier::kCompound);
  t.assignee_person_id = r.Int(15);
  t.public_summary = r.Text(16);
  t.deferred_reason = r.Text(17);
  t.deferred_plan = r.Text(18);
  t.deferred_until = r.Text(19);
  t.accept_due_at_ms = r.Int(20);
  t.resolve_due_at_ms = r.Int(21);
  t.resolved_at_ms = r.Int(22);
  t.rating = r.Text(23);
  t.rating_comment = r.Text(24);
  t.rated_at_ms = r.Int(25);
  t.merged_into = r.Int(26);
  t.escalations = static_cast<int>(r.Int(27));
  t.overdue_flagged_at_ms = r.Int(28);
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
  e.photo_ref = r.Text(9);
  e.actor_name = r.Text(10);
  e.rating = r.Text(11);
  return e;
}

Status InsertEvent(Database& db, const TicketEvent& e) {
  return db.Exec(
      "INSERT INTO ticket_events (ticket_id, at, actor_person_id, kind, from_status, to_status, "
      "note, is_public, photo_ref, actor_name, rating) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {e.ticket_id, e.at_ms, e.actor_person_id, e.kind, e.from_status, e.to_status, e.note,
       int64_t{e.is_public ? 1 : 0}, e.photo_ref, e.actor_name, e.rating});
}

// Adds `delta` to the tally of (status, category, building): every write of those columns
// goes through here, so ticket_tallies always sums to the tickets.
Status AddToTally(Database& db, const std::string& status, const std::string& category,
                  const std::string& building, int64_t delta) {
  return db.Exec(
      "INSERT INTO ticket_tallies (status, category, building, tickets) VALUES (?, ?, ?, ?) "
      "ON CONFLICT (status, category, building) DO UPDATE SET "
      "tickets = ticket_tallies.tickets + excluded.tickets",
      {status, category, building, delta});
}

// Moves ticket `id` from its stored status to `to` in the tallies (nothing when equal).
Status MoveTally(Database& db, int64_t id, const std::string& to) {
  LINLI_ASSIGN_OR_RETURN(
      Rows rows, db.Query("SELECT status, category, building FROM tickets WHERE id = ?", {id}));
  if (rows.empty() || rows[0].Text(0) == to) return Status::Ok();
  LINLI_RETURN_IF_ERROR(AddToTally(db, rows[0].Text(0), rows[0].Text(1), rows[0].Text(2), -1));
  return AddToTally(db, to, rows[0].Text(1), rows[0].Text(2), 1);
}

StatusOr<std::vector<Ticket>> ListWhere(Database& db, const std::string& where_and_order,
                                        const std::vector<Value>& params) {
  LINLI_ASSIGN_OR_RETURN(Rows rows, db.Query(std::string("SELECT ") + kTicketColumns +
                                                 " FROM tickets WHERE " + where_and_order,
                                             params));
  std::vector<Ticket> out;
  out.reserve(rows.size());
  for (const Row& r : rows) out.push_back(ToTicket(r));
  return out;
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
    return Status::InvalidArgument("ticket: unknown status " + Bad(ticket.status));
  }
  if (ticket.updated_at_ms == 0) ticket.updated_at_ms = ticket.created_at_ms;
  if (!ValidTier(ticket.tier)) {
    return Status::InvalidArgument("ticket: unknown tier " + Bad(ticket.tier));
  }

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
               "notify_channel, tier, accept_due_at, resolve_due_at) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
               {ticket.number, ticket.reporter_person_id, ticket.channel, ticket.category,
                ticket.building, ticket.unit, ticket.location_text, ticket.description,
                ticket.photo_ref, NameOf(ticket.status), ticket.created_at_ms, ticket.updated_at_ms,
                ticket.notify_channel.empty() ? ticket.channel : ticket.notify_channel,
                NameOf(ticket.tier),
                ticket.accept_due_at_ms, ticket.resolve_due_at_ms}));
  if (ids.empty()) return Status::Internal("ticket: INSERT RETURNING gave no row");
  ticket.id = ids[0].Int(0);
  LINLI_RETURN_IF_ERROR(
      AddToTally(db, NameOf(ticket.status), ticket.category, ticket.building, 1));

  TicketEvent created;
  created.ticket_id = ticket.id;
  created.at_ms = ticket.created_at_ms;
  created.actor_person_id = ticket.reporter_person_id;
  created.kind = "created";
  created.to_status = NameOf(ticket.status);
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

StatusOr<int64_t> TicketStore::Tally(Database& db, const std::string& status,
                                     const std::string& category, const std::string& building) {
  std::string sql = "SELECT COALESCE(SUM(tickets), 0) FROM ticket_tallies WHERE 1 = 1";
  std::vector<Value> params;
  for (const auto& [column, value] : {std::pair<const char*, const std::string*>{"status", &status},
                                      {"category", &category},
                                      {"building", &building}}) {
    if (value->empty()) continue;
    sql += std::string(" AND ") + column + " = ?";
    params.emplace_back(*value);
  }
  LINLI_ASSIGN_OR_RETURN(Rows rows, db.Query(sql, params));
  return rows.empty() ? int64_t{0} : rows[0].Int(0);
}

StatusOr<Ticket> TicketStore::SetStatus(Database& db, int64_t ticket_id,
                                        TicketStatus to_status, int64_t actor_person_id,
                                        const std::string& note, bool is_public, int64_t now_ms) {
  if (!ValidStatus(to_status)) {
    return Status::InvalidArgument("ticket: unknown status " + Bad(to_status));
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
  event.from_status = NameOf(ticket.status);
  event.to_status = NameOf(to_status);
  event.note = note;
  event.is_public = is_public;

  LINLI_RETURN_IF_ERROR(MoveTally(db, ticket_id, NameOf(to_status)));
  LINLI_RETURN_IF_ERROR(db.Exec("UPDATE tickets SET status = ?, updated_at = ? WHERE id = ?",
                                {NameOf(to_status), now_ms, ticket_id}));
  LINLI_RETURN_IF_ERROR(InsertEvent(db, event));
  LINLI_RETURN_IF_ERROR(scope.Commit());
  ticket.status = to_status;
  ticket.updated_at_ms = now_ms;
  return ticket;
}

Status TicketStore::SetNotifyChannel(Database& db, int64_t ticket_id, const std::string& channel) {
  return db.Exec("UPDATE tickets SET notify_channel = ? WHERE id = ?", {channel, ticket_id});
}

Status TicketStore::Update(Database& db, const Ticket& t) {
  if (!ValidStatus(t.status)) return Status::InvalidArgument("ticket: unknown status " + Bad(t.status));
  if (!ValidTier(t.tier)) return Status::InvalidArgument("ticket: unknown tier " + Bad(t.tier));
  LINLI_RETURN_IF_ERROR(MoveTally(db, t.id, NameOf(t.status)));
  LINLI_RETURN_IF_ERROR(db.Exec(
      "UPDATE tickets SET status = ?, updated_at = ?, tier = ?, assignee_person_id = ?, "
      "public_summary = ?, deferred_reason = ?, deferred_plan = ?, deferred_until = ?, "
      "accept_due_at = ?, resolve_due_at = ?, resolved_at = ?, rating = ?, rating_comment = ?, "
      "rated_at = ?, merged_into = ?, escalations = ?, overdue_flagged_at = ?, "
      "notify_channel = ? WHERE id = ?",
      {NameOf(t.status), t.updated_at_ms, NameOf(t.tier), t.assignee_person_id, t.public_summary,
       t.deferred_reason, t.deferred_plan, t.deferred_until, t.accept_due_at_ms,
       t.resolve_due_at_ms, t.resolved_at_ms, t.rating, t.rating_comment, t.rated_at_ms,
       t.merged_into, int64_t{t.escalations}, t.overdue_flagged_at_ms, t.notify_channel, t.id}));
  if (db.changes() == 0) return Status::NotFound("ticket: no ticket with id " + std::to_string(t.id));
  return Status::Ok();
}

namespace {

// WaitingDeadline in SQL: keep the two in step.
constexpr char kWaitingDeadline[] =
    "(CASE WHEN status IN ('new', 'escalated', 'reopened') THEN accept_due_at "
    "WHEN status IN ('accepted', 'in_progress') THEN resolve_due_at ELSE 0 END)";
constexpr char kWaitingStatuses[] =
    "status IN ('new', 'escalated', 'reopened', 'accepted', 'in_progress')";

// "<conditions>" of `f` (always bounded on created_at, so the created_at index or a
// (column, created_at) index is searched); appends their parameters.
std::string FilterWhere(const TicketFilter& f, std::vector<Value>& params) {
  std::string where = "created_at >= ?";
  params.emplace_back(f.created_from_ms);
  if (f.created_to_ms != INT64_MAX) {
    where += " AND created_at < ?";
    params.emplace_back(f.created_to_ms);
  }
  if (!f.statuses.empty()) {
    where += " AND status IN (";
    for (size_t i = 0; i < f.statuses.size(); ++i) {
      where += i == 0 ? "?" : ", ?";
      params.emplace_back(f.statuses[i]);
    }
    where += ")";
  }
  for (const auto& [column, value] :
       {std::pair<const char*, const std::string*>{"building", &f.building},
        {"category", &f.category},
        {"tier", &f.tier}}) {
    if (value->empty()) continue;
    where += std::string(" AND ") + column + " = ?";
    params.emplace_back(*value);
  }
  return where;
}

// Digits only, into `out`; false for anything else (or an overflow).
bool ParseCount(const std::string& text, int64_t& out) {
  if (text.empty() || text.size() > 18) return false;
  int64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

}  // namespace

int64_t WaitingDeadline(const Ticket& t) {
  if (In(t.status, {TicketStatus::kNew, TicketStatus::kEscalated, TicketStatus::kReopened})) {
    return t.accept_due_at_ms;
  }
  if (In(t.status, {TicketStatus::kAccepted, TicketStatus::kInProgress})) return t.resolve_due_at_ms;
  return 0;
}

std::string TicketCursor::Encode(TicketOrder order) const {
  std::string out = std::to_string(created_at_ms) + "." + std::to_string(id);
  return order == TicketOrder::kDeadline ? std::to_string(deadline_ms) + "." + out : out;
}

std::optional<TicketCursor> TicketCursor::Decode(TicketOrder order, const std::string& text) {
  std::vector<std::string> parts(1);
  for (char c : text) {
    if (c == '.') {
      parts.emplace_back();
    } else {
      parts.back() += c;
    }
  }
  const size_t want = order == TicketOrder::kDeadline ? 3 : 2;
  if (parts.size() != want) return std::nullopt;
  TicketCursor c;
  size_t i = 0;
  if (order == TicketOrder::kDeadline && !ParseCount(parts[i++], c.deadline_ms)) return std::nullopt;
  if (!ParseCount(parts[i++], c.created_at_ms) || !ParseCount(parts[i], c.id)) return std::nullopt;
  return c;
}

StatusOr<std::vector<Ticket>> TicketStore::List(Database& db, const TicketFilter& filter) {
  LINLI_ASSIGN_OR_RETURN(TicketPage page, Page(db, filter, TicketOrder::kOldestFirst, std::nullopt));
  return std::move(page.tickets);
}

StatusOr<TicketPage> TicketStore::Page(Database& db, const TicketFilter& filter, TicketOrder order,
                                       const std::optional<TicketCursor>& after) {
  const int64_t limit = std::max(1, filter.limit);
  std::vector<Ticket> got;
  // Up to `want` more tickets where `where` holds, in `order_by`.
  const auto fetch = [&](const std::string& where, std::vector<Value> params,
                         const char* order_by, int64_t want) -> Status {
    params.emplace_back(want);
    LINLI_ASSIGN_OR_RETURN(std::vector<Ticket> rows,
                           ListWhere(db, where + " ORDER BY " + order_by + " LIMIT ?", params));
    for (auto& t : rows) got.push_back(std::move(t));
    return Status::Ok();
  };
  // After (created_at, id) in ascending or descending order: the cursor narrows the filter's
  // created_at range (one range the index is searched by, not two bounds the planner must
  // choose from), and the id breaks the tie at its edge.
  const auto after_created = [&](bool ascending, std::vector<Value>& p) -> std::string {
    TicketFilter f = filter;
    std::string tie;
    if (after && ascending) {
      f.created_from_ms = std::max(f.created_from_ms, after->created_at_ms);
      tie = " AND (created_at > ? OR id > ?)";
    } else if (after) {
      f.created_to_ms = std::min(f.created_to_ms, after->created_at_ms + 1);
      tie = " AND (created_at < ? OR id < ?)";
    }
    std::string w = FilterWhere(f, p) + tie;
    if (after) p.insert(p.end(), {after->created_at_ms, after->id});
    return w;
  };
  std::vector<Value> params;
  const std::string where = FilterWhere(filter, params);
  if (order == TicketOrder::kOldestFirst || order == TicketOrder::kNewestFirst) {
    const bool asc = order == TicketOrder::kOldestFirst;
    std::vector<Value> p;
    const std::string w = after_created(asc, p);
    LINLI_RETURN_IF_ERROR(
        fetch(w, p, asc ? "created_at, id" : "created_at DESC, id DESC", limit + 1));
  } else {
    // First the tickets waiting on a deadline (the open backlog, read through the status
    // index and sorted), then the others by creation, newest first.
    const std::string deadline = kWaitingDeadline;
    if (!after || after->deadline_ms > 0) {
      std::vector<Value> p = params;
      std::string w = where + " AND " + kWaitingStatuses + " AND " + deadline + " > 0";
      if (after) {
        w += " AND (" + deadline + " > ? OR (" + deadline +
             " = ? AND (created_at < ? OR (created_at = ? AND id < ?))))";
        p.insert(p.end(), {after->deadline_ms, after->deadline_ms, after->created_at_ms,
                           after->created_at_ms, after->id});
      }
      LINLI_RETURN_IF_ERROR(fetch(w, p, (deadline + ", created_at DESC, id DESC").c_str(), limit + 1));
    }
    if (static_cast<int64_t>(got.size()) <= limit) {
      std::vector<Value> p;
      std::string w = (after && after->deadline_ms == 0) ? after_created(false, p)
                                                         : FilterWhere(filter, p);
      w += std::string(" AND NOT (") + kWaitingStatuses + " AND " + deadline + " > 0)";
      LINLI_RETURN_IF_ERROR(fetch(w, p, "created_at DESC, id DESC",
                                  limit + 1 - static_cast<int64_t>(got.size())));
    }
  }
  TicketPage page;
  if (static_cast<int64_t>(got.size()) > limit) {
    got.resize(static_cast<size_t>(limit));
    const Ticket& last = got.back();
    page.next = TicketCursor{order == TicketOrder::kDeadline ? WaitingDeadline(last) : 0,
                             last.created_at_ms, last.id};
  }
  page.tickets = std::move(got);
  return page;
}

StatusOr<int64_t> TicketStore::CountUpTo(Database& db, const TicketFilter& filter, int64_t cap) {
  std::vector<Value> params;
  const std::string where = FilterWhere(filter, params);
  params.emplace_back(std::max<int64_t>(cap, 0));
  LINLI_ASSIGN_OR_RETURN(
      Rows rows,
      db.Query("SELECT COUNT(*) FROM (SELECT 1 FROM tickets WHERE " + where + " LIMIT ?) AS t",
               params));
  return rows.empty() ? int64_t{0} : rows[0].Int(0);
}

StatusOr<std::vector<Ticket>> TicketStore::ListOverdue(Database& db, int64_t now_ms, int limit) {
  using S = TicketStatus;
  return ListWhere(
      db,
      "overdue_flagged_at = 0 AND ("
      "(status IN (?, ?, ?) AND accept_due_at > 0 AND accept_due_at <= ?) "
      "OR (status IN (?, ?, ?, ?, ?) "
      "AND resolve_due_at > 0 AND resolve_due_at <= ?)) ORDER BY id LIMIT ?",
      {NameOf(S::kNew), NameOf(S::kEscalated), NameOf(S::kReopened), now_ms, NameOf(S::kNew),
       NameOf(S::kAccepted), NameOf(S::kInProgress), NameOf(S::kEscalated), NameOf(S::kReopened),
       now_ms, int64_t{limit}});
}

namespace {
// No "reminder" event for the ticket's current deferral (since its last status event to
// deferred; events are in id order). `?` = the ticket id column expression's params follow.
constexpr char kNotRemindedSinceDeferral[] =
    "NOT EXISTS (SELECT 1 FROM ticket_events r WHERE r.ticket_id = tickets.id AND "
    "r.kind = 'reminder' AND r.note = tickets.deferred_until AND r.id > "
    "(SELECT COALESCE(MAX(d.id), 0) FROM ticket_events d WHERE d.ticket_id = tickets.id AND "
    "d.kind = 'status' AND d.to_status = 'deferred'))";
}  // namespace

StatusOr<std::vector<Ticket>> TicketStore::ListDeferredDueUnreminded(Database& db,
                                                                     const std::string& due_by,
                                                                     int limit) {
  return ListWhere(db,
                   std::string("status = ? AND deferred_until <> '' AND deferred_until <= ? AND ") +
                       kNotRemindedSinceDeferral + " ORDER BY id LIMIT ?",
                   {NameOf(TicketStatus::kDeferred), due_by, int64_t{limit}});
}

StatusOr<bool> TicketStore::AddReminderOnce(Database& db, const TicketEvent& e) {
  LINLI_RETURN_IF_ERROR(db.Exec(
      std::string("INSERT INTO ticket_events (ticket_id, at, actor_person_id, kind, from_status, "
                  "to_status, note, is_public, photo_ref, actor_name, rating) "
                  "SELECT id, ?, ?, 'reminder', ?, ?, ?, 0, '', ?, '' FROM tickets WHERE id = ? "
                  "AND status = 'deferred' AND deferred_until = ? AND ") +
          kNotRemindedSinceDeferral,
      {e.at_ms, e.actor_person_id, e.from_status, e.to_status, e.note, e.actor_name, e.ticket_id,
       e.note}));
  return db.changes() == 1;
}

StatusOr<std::vector<Ticket>> TicketStore::ListUnratedResolvedBefore(Database& db,
                                                                     int64_t resolved_before_ms,
                                                                     int limit) {
  return ListWhere(db,
                   "status = ? AND rated_at < resolved_at AND resolved_at <= ? "
                   "ORDER BY id LIMIT ?",
                   {NameOf(TicketStatus::kResolved), resolved_before_ms, int64_t{limit}});
}

StatusOr<std::optional<std::string>> TicketStore::ReporterUserId(Database& db,
                                                                 const Ticket& ticket) {
  const std::string& channel = ticket.notify_channel.empty() ? ticket.channel : ticket.notify_channel;
  LINLI_ASSIGN_OR_RETURN(Rows rows, db.Query("SELECT user_id FROM identities WHERE person_id = ? "
                                             "AND channel = ? ORDER BY last_seen_at DESC LIMIT 1",
                                             {ticket.reporter_person_id, channel}));
  if (rows.empty()) return std::optional<std::string>();
  return std::optional<std::string>(rows[0].Text(0));
}

StatusOr<std::vector<Ticket>> TicketStore::ListCreatedBetween(Database& db, int64_t from_ms,
                                                              int64_t to_ms) {
  return ListWhere(db, "created_at >= ? AND created_at < ? ORDER BY id", {from_ms, to_ms});
}

StatusOr<std::vector<Ticket>> TicketStore::ListRatedBetween(Database& db, int64_t from_ms,
                                                            int64_t to_ms) {
  return ListWhere(db, "rated_at >= ? AND rated_at < ? AND rating <> '' ORDER BY id",
                   {from_ms, to_ms});
}

StatusOr<std::vector<TicketEvent>> TicketStore::EventsBetween(Database& db, int64_t from_ms,
                                                              int64_t to_ms) {
  LINLI_ASSIGN_OR_RETURN(Rows rows, db.Query(std::string("SELECT ") + kEventColumns +
                                                 " FROM ticket_events WHERE at >= ? AND at < ? "
                                                 "ORDER BY at, id",
                                             {from_ms, to_ms}));
  std::vector<TicketEvent> out;
  out.reserve(rows.size());
  for (const Row& r : rows) out.push_back(ToEvent(r));
  return out;
}

StatusOr<int64_t> TicketStore::CountCreatedSince(Database& db, int64_t person_id,
                                                 int64_t since_ms, bool household_members) {
  LINLI_ASSIGN_OR_RETURN(
      Rows rows,
      household_members
          ? db.Query("SELECT COUNT(*) FROM tickets WHERE created_at >= ? AND reporter_person_id IN "
                     "(SELECT m.person_id FROM person_households m WHERE m.household_id IN "
                     "(SELECT household_id FROM person_households WHERE person_id = ?))",
                     {since_ms, person_id})
          : db.Query("SELECT COUNT(*) FROM tickets WHERE reporter_person_id = ? AND created_at >= ?",
                     {person_id, since_ms}));
  return rows.empty() ? int64_t{0} : rows[0].Int(0);
}

}  // namespace linli::storage
