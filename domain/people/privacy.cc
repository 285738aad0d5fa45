#include "domain/people/privacy.h"

#include <nlohmann/json.hpp>

#include "bot/json.h"
#include "domain/common/time_format.h"
#include "storage/personal_data.h"

namespace linli::domain {

namespace {

const storage::ExportSection* Section(const std::vector<storage::ExportSection>& all,
                                      const std::string& table) {
  for (const auto& s : all) {
    if (s.table == table) return &s;
  }
  return nullptr;
}

size_t RowsOf(const std::vector<storage::ExportSection>& all, const std::string& table) {
  const auto* s = Section(all, table);
  return s == nullptr ? 0 : s->rows.size();
}

bool IsTimeColumn(const std::string& column) {
  return column == "at" || (column.size() > 3 && column.compare(column.size() - 3, 3, "_at") == 0);
}

std::string Cell(const Deps& deps, const std::string& column, const storage::Row& row, size_t i) {
  if (row.IsNull(i)) return "-";
  if (IsTimeColumn(column)) {
    const int64_t ms = row.Int(i);
    return ms > 0 ? FormatLocalTime(ms, deps.config.timezone) : "-";
  }
  return row.Text(i);
}

}  // namespace

StatusOr<std::string> RenderPersonalSummary(storage::Database& db, const Deps& deps,
                                            int64_t person_id, const std::string& locale) {
  LINLI_ASSIGN_OR_RETURN(auto all, storage::PersonalData::Export(db, person_id));
  size_t rated = 0;
  if (const auto* t = Section(all, "tickets")) {
    for (const auto& r : t->rows) rated += r.Text(8).empty() ? 0 : 1;  // the rating column
  }
  return deps.texts.Get(locale, "privacy.summary",
                        {{"identities", std::to_string(RowsOf(all, "identities"))},
                         {"households", std::to_string(RowsOf(all, "person_households"))},
                         {"tickets", std::to_string(RowsOf(all, "tickets"))},
                         {"ratings", std::to_string(rated)},
                         {"messages", std::to_string(RowsOf(all, "outbox"))}});
}

StatusOr<std::string> RenderPersonalExport(storage::Database& db, const Deps& deps,
                                           int64_t person_id, const std::string& locale) {
  LINLI_ASSIGN_OR_RETURN(auto all, storage::PersonalData::Export(db, person_id));
  std::string out = deps.texts.Get(locale, "privacy.export_intro");
  for (const auto& s : all) {
    out += "\n\n[" + deps.texts.Get(locale, "privacy.table." + s.table) + "]";
    if (s.rows.empty()) out += "\n" + deps.texts.Get(locale, "privacy.none");
    for (const auto& row : s.rows) {
      std::string line;
      for (size_t i = 0; i < s.columns.size() && i < row.size(); ++i) {
        line += (i == 0 ? "" : "; ") + s.columns[i] + "=" + Cell(deps, s.columns[i], row, i);
      }
      out += "\n- " + line;
    }
  }
  return out;
}

StatusOr<std::string> PersonalExportJson(storage::Database& db, int64_t person_id) {
  LINLI_ASSIGN_OR_RETURN(auto all, storage::PersonalData::Export(db, person_id));
  nlohmann::json tables = nlohmann::json::object();
  for (const auto& s : all) {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& row : s.rows) {
      nlohmann::json r = nlohmann::json::object();
      for (size_t i = 0; i < s.columns.size() && i < row.size(); ++i) {
        const storage::Value& v = row.at(i);
        if (std::holds_alternative<std::nullptr_t>(v)) {
          r[s.columns[i]] = nullptr;
        } else if (std::holds_alternative<int64_t>(v)) {
          r[s.columns[i]] = std::get<int64_t>(v);
        } else if (std::holds_alternative<double>(v)) {
          r[s.columns[i]] = std::get<double>(v);
        } else {
          r[s.columns[i]] = std::get<std::string>(v);
        }
      }
      rows.push_back(std::move(r));
    }
    tables[s.table] = std::move(rows);
  }
  return DumpJson(nlohmann::json{{"person_id", person_id}, {"tables", std::move(tables)}});
}

Status ErasePerson(storage::Database& db, int64_t person_id) {
  return storage::PersonalData::Erase(db, person_id);
}

}  // namespace linli::domain
