#include "domain/tickets/public_ticket_search.h"

#include <algorithm>

namespace linli::domain {

namespace {

// "?, ?, ?" for `n` values.
std::string Placeholders(size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += i == 0 ? "?" : ", ?";
  return out;
}

}  // namespace

StatusOr<std::vector<PublicTicket>> FindPublicTickets(storage::Database& db, const Deps& deps,
                                                      const PublicTicketQuery& query) {
  std::string sql = "SELECT number FROM tickets WHERE ";
  std::vector<storage::Value> params;
  if (!query.numbers.empty()) {
    sql += "number IN (" + Placeholders(query.numbers.size()) + ")";
    for (int64_t n : query.numbers) params.emplace_back(n);
  } else {
    sql += "created_at >= ? AND created_at <= ?";
    params.emplace_back(query.created_from_ms);
    params.emplace_back(query.created_to_ms);
    if (!query.categories.empty()) {
      sql += " AND category IN (" + Placeholders(query.categories.size()) + ")";
      for (const auto& c : query.categories) params.emplace_back(c);
    }
    if (!query.statuses.empty()) {
      sql += " AND status IN (" + Placeholders(query.statuses.size()) + ")";
      for (auto s : query.statuses) params.emplace_back(storage::NameOf(s));
    }
  }
  // id orders like number (numbers are given in id order) and is in every index.
  sql += " ORDER BY created_at DESC, id DESC LIMIT ?";
  params.emplace_back(int64_t{std::max(1, query.limit)});
  LINLI_ASSIGN_OR_RETURN(storage::Rows rows, db.Query(sql, params));
  std::vector<int64_t> numbers;
  numbers.reserve(rows.size());
  for (const auto& row : rows) numbers.push_back(row.Int(0));
  return LoadPublicTickets(db, deps, numbers);
}

}  // namespace linli::domain
