#include "storage/report_store.h"

namespace linli::storage {

namespace {

constexpr const char* kReportColumns =
    "kind, period, body, state, created_at, confirmed_by_person_id, confirmed_by_name, "
    "confirmed_at";

ReportDraft ReportFromRow(const Row& r) {
  ReportDraft d;
  d.kind = r.Text(0);
  d.period = r.Text(1);
  d.body = r.Text(2);
  d.state = r.Text(3);
  d.created_at_ms = r.Int(4);
  d.confirmed_by_person_id = r.Int(5);
  d.confirmed_by_name = r.Text(6);
  d.confirmed_at_ms = r.Int(7);
  return d;
}

}  // namespace

StatusOr<bool> ReportStore::CreateDraftIfAbsent(Database& db, const ReportDraft& d) {
  if (d.kind.empty() || d.period.empty()) {
    return Status::InvalidArgument("report: kind and period are required");
  }
  LINLI_RETURN_IF_ERROR(db.Exec(
      "INSERT INTO report_drafts (kind, period, body, state, created_at) VALUES (?, ?, ?, "
      "'draft', ?) ON CONFLICT (kind, period) DO NOTHING",
      {d.kind, d.period, d.body, d.created_at_ms}));
  return db.changes() == 1;
}

StatusOr<std::optional<ReportDraft>> ReportStore::Get(Database& db, const std::string& kind,
                                                      const std::string& period) {
  LINLI_ASSIGN_OR_RETURN(
      Rows rows, db.Query(std::string("SELECT ") + kReportColumns +
                              " FROM report_drafts WHERE kind = ? AND period = ?",
                          {kind, period}));
  if (rows.empty()) return std::optional<ReportDraft>();
  return std::optional<ReportDraft>(ReportFromRow(rows[0]));
}

StatusOr<bool> ReportStore::Confirm(Database& db, const std::string& kind,
                                    const std::string& period, int64_t person_id,
                                    const std::string& name, int64_t now_ms) {
  LINLI_RETURN_IF_ERROR(db.Exec(
      "UPDATE report_drafts SET state = 'confirmed', confirmed_by_person_id = ?, "
      "confirmed_by_name = ?, confirmed_at = ? WHERE kind = ? AND period = ? AND state = 'draft'",
      {person_id, name, now_ms, kind, period}));
  return db.changes() == 1;
}

StatusOr<std::vector<ReportDraft>> ReportStore::ListConfirmed(Database& db,
                                                              const std::string& kind,
                                                              int limit) {
  LINLI_ASSIGN_OR_RETURN(
      Rows rows, db.Query(std::string("SELECT ") + kReportColumns +
                              " FROM report_drafts WHERE kind = ? AND state = 'confirmed' "
                              "ORDER BY period DESC LIMIT ?",
                          {kind, int64_t{limit}}));
  std::vector<ReportDraft> out;
  for (const Row& r : rows) out.push_back(ReportFromRow(r));
  return out;
}

}  // namespace linli::storage
