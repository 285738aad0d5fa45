#include "storage/volunteer_store.h"

#include <nlohmann/json.hpp>

#include <exception>
#include <map>
#include <string>
#include <utility>

#include "storage/store_util.h"

namespace linli::storage {
namespace {

using nlohmann::json;

constexpr const char* kVolunteerColumns =
    "person_id, display_name, organisation, skills, buildings, status, source, registered_at, "
    "confirmed_at, confirmed_by";

std::string EncodeBuildings(const std::vector<std::string>& buildings) {
  json a = json::array();
  for (const auto& b : buildings) a.push_back(b);
  return a.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::vector<std::string> DecodeBuildings(const std::string& text) {
  std::vector<std::string> out;
  const json a = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!a.is_array()) return out;
  for (const json& b : a) {
    if (b.is_string()) out.push_back(b.get<std::string>());
  }
  return out;
}

Volunteer VolunteerFromRow(const Row& r) {
  Volunteer v;
  v.person_id = r.Int(0);
  v.display_name = r.Text(1);
  v.organisation = r.Text(2);
  v.skills = r.Text(3);
  v.buildings = DecodeBuildings(r.Text(4));
  auto status = ParseVolunteerStatus(r.Text(5));
  v.status = status.ok() ? *status : VolunteerStatus::kRemoved;
  v.source = r.Text(6);
  v.registered_at_ms = r.Int(7);
  v.confirmed_at_ms = r.Int(8);
  v.confirmed_by = r.Text(9);
  return v;
}

StatusOr<std::vector<Volunteer>> ListWhere(Database& db, const std::string& where,
                                           const std::vector<Value>& params,
                                           const std::string& order) {
  LINLI_ASSIGN_OR_RETURN(Rows rows, db.Query(std::string("SELECT ") + kVolunteerColumns +
                                                 " FROM volunteers" + where + " ORDER BY " + order,
                                             params));
  std::vector<Volunteer> out;
  out.reserve(rows.size());
  for (const Row& r : rows) out.push_back(VolunteerFromRow(r));
  return out;
}

}  // namespace

const char* VolunteerStatusName(VolunteerStatus s) {
  switch (s) {
    case VolunteerStatus::kPending:
      return "pending";
    case VolunteerStatus::kActive:
      return "active";
    case VolunteerStatus::kRemoved:
      return "removed";
  }
  return "removed";
}

StatusOr<VolunteerStatus> ParseVolunteerStatus(const std::string& name) {
  if (name == "pending") return VolunteerStatus::kPending;
  if (name == "active") return VolunteerStatus::kActive;
  if (name == "removed") return VolunteerStatus::kRemoved;
  return Status::InvalidArgument("volunteers: unknown status '" + name + "'");
}

Status VolunteerStore::Upsert(Database& db, const Volunteer& v) {
  if (v.person_id <= 0) return Status::InvalidArgument("volunteers: person_id must be positive");
  return db.Exec(
      "INSERT INTO volunteers (person_id, display_name, organisation, skills, buildings, status, "
      "source, registered_at, confirmed_at, confirmed_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (person_id) DO UPDATE SET display_name = excluded.display_name, "
      "organisation = excluded.organisation, skills = excluded.skills, "
      "buildings = excluded.buildings, status = excluded.status, source = excluded.source, "
      "registered_at = excluded.registered_at, confirmed_at = excluded.confirmed_at, "
      "confirmed_by = excluded.confirmed_by",
      {v.person_id, v.display_name, v.organisation, v.skills, EncodeBuildings(v.buildings),
       std::string(VolunteerStatusName(v.status)), v.source, v.registered_at_ms,
       v.confirmed_at_ms, v.confirmed_by});
}

StatusOr<std::optional<Volunteer>> VolunteerStore::Find(Database& db, int64_t person_id) {
  LINLI_ASSIGN_OR_RETURN(
      Rows rows, db.Query(std::string("SELECT ") + kVolunteerColumns + " FROM volunteers WHERE person_id = ?",
                          {person_id}));
  if (rows.empty()) return std::optional<Volunteer>();
  return std::optional<Volunteer>(VolunteerFromRow(rows[0]));
}

StatusOr<std::vector<Volunteer>> VolunteerStore::List(Database& db,
                                                      std::optional<VolunteerStatus> status) {
  if (!status) return ListWhere(db, "", {}, "registered_at, person_id");
  return ListWhere(db, " WHERE status = ?", {std::string(VolunteerStatusName(*status))},
                   "registered_at, person_id");
}

StatusOr<std::vector<Volunteer>> VolunteerStore::ListByOrganisation(
    Database& db, const std::string& organisation) {
  return ListWhere(db, " WHERE status = 'active' AND organisation = ?", {organisation},
                   "display_name, person_id");
}

StatusOr<bool> VolunteerStore::Transition(Database& db, int64_t person_id, VolunteerStatus from,
                                          VolunteerStatus to, const std::string& actor,
                                          int64_t now_ms) {
  if (to == VolunteerStatus::kActive) {
    LINLI_RETURN_IF_ERROR(db.Exec(
        "UPDATE volunteers SET status = ?, confirmed_at = ?, confirmed_by = ? "
        "WHERE person_id = ? AND status = ?",
        {std::string(VolunteerStatusName(to)), now_ms, actor, person_id,
         std::string(VolunteerStatusName(from))}));
  } else {
    LINLI_RETURN_IF_ERROR(db.Exec("UPDATE volunteers SET status = ? WHERE person_id = ? AND status = ?",
                                  {std::string(VolunteerStatusName(to)), person_id,
                                   std::string(VolunteerStatusName(from))}));
  }
  return db.changes() == 1;
}

StatusOr<VolunteerSyncResult> VolunteerStore::SyncConfigVolunteers(
    Database& db, const std::vector<ConfigVolunteer>& entries, int64_t now_ms) {
  for (const ConfigVolunteer& e : entries) {
    if (e.channel.empty() || e.user_id.empty()) {
      return Status::InvalidArgument("volunteers: channel and user_id are required");
    }
  }
  internal::TxScope scope(db, "volunteers_sync");
  LINLI_RETURN_IF_ERROR(scope.status());
  VolunteerSyncResult result;
  std::map<int64_t, const ConfigVolunteer*> wanted;  // person -> first entry
  for (const ConfigVolunteer& e : entries) {
    bool created = false;
    LINLI_ASSIGN_OR_RETURN(int64_t person,
                           internal::PersonForIdentity(db, e.channel, e.user_id, now_ms, &created));
    if (created) ++result.persons_created;
    wanted.emplace(person, &e);
  }
  for (const auto& [person, e] : wanted) {
    LINLI_ASSIGN_OR_RETURN(std::optional<Volunteer> existing, Find(db, person));
    if (existing && existing->source != "config") {
      // Registered by chat or by staff: the person's own details stay; the config makes them
      // active.
      LINLI_ASSIGN_OR_RETURN(bool changed,
                             Transition(db, person, existing->status, VolunteerStatus::kActive,
                                        "config", now_ms));
      if (changed && existing->status != VolunteerStatus::kActive) ++result.activated;
      continue;
    }
    if (existing && existing->status == VolunteerStatus::kActive &&
        existing->display_name == e->name && existing->organisation == e->organisation) {
      continue;
    }
    Volunteer v = existing.value_or(Volunteer{});
    v.person_id = person;
    v.display_name = e->name;
    v.organisation = e->organisation;
    v.status = VolunteerStatus::kActive;
    v.source = "config";
    if (!existing) v.registered_at_ms = now_ms;
    v.confirmed_at_ms = now_ms;
    v.confirmed_by = "config";
    LINLI_RETURN_IF_ERROR(Upsert(db, v));
    ++result.activated;
  }
  LINLI_ASSIGN_OR_RETURN(
      Rows listed,
      db.Query("SELECT person_id FROM volunteers WHERE source = 'config' AND status <> 'removed'"));
  for (const Row& row : listed) {
    const int64_t person = row.Int(0);
    if (wanted.count(person) != 0) continue;
    LINLI_RETURN_IF_ERROR(
        db.Exec("UPDATE volunteers SET status = 'removed' WHERE person_id = ?", {person}));
    ++result.removed;
  }
  LINLI_RETURN_IF_ERROR(scope.Commit());
  return result;
}

}  // namespace linli::storage
