// Volunteers (志愿者, issue 9): who may claim wishes and earn points. One row per person
// (table `volunteers`, migration 15). A record is created pending by 报到 (source "chat"), active
// by staff (设为志愿者, source "staff") or by the config's `volunteers` list (source "config"),
// and a staff confirmation turns pending into active. Removal keeps the row (status "removed")
// so the history of who served stays readable.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/database.h"

namespace linli::storage {

enum class VolunteerStatus { kPending, kActive, kRemoved };  // "pending"|"active"|"removed"

const char* VolunteerStatusName(VolunteerStatus s);
// kInvalidArgument for any other name.
StatusOr<VolunteerStatus> ParseVolunteerStatus(const std::string& name);

struct Volunteer {
  int64_t person_id = 0;
  std::string display_name;   // what groups and other people see (never a phone or a room)
  std::string organisation;   // workplace / party branch / team (e.g. "区税务局党支部")
  std::string skills;         // free text
  std::vector<std::string> buildings;  // building ids they can serve; empty = any
  VolunteerStatus status = VolunteerStatus::kPending;
  std::string source;         // "config" | "chat" (报到) | "staff" (设为志愿者)
  int64_t registered_at_ms = 0, confirmed_at_ms = 0;
  std::string confirmed_by;   // actor name
};

// One config `volunteers` entry (config/config.h), synced at start.
struct ConfigVolunteer {
  std::string channel;
  std::string user_id;
  std::string name;
  std::string organisation;
};

struct VolunteerSyncResult {
  int64_t persons_created = 0;  // identities not seen before: person + identity created
  int64_t activated = 0;        // records created or changed to match the config
  int64_t removed = 0;          // config-sourced records no longer listed: status removed
};

class VolunteerStore {
 public:
  // Writes `v` as the person's whole record (insert, or replace every column). kInvalidArgument
  // for person_id <= 0; an unknown person id is kAlreadyExists (the foreign key). In the
  // caller's transaction.
  static Status Upsert(Database&, const Volunteer&);
  // The person's record, nullopt when there is none. Read-only.
  static StatusOr<std::optional<Volunteer>> Find(Database&, int64_t person_id);
  // Records with `status` (all when nullopt), oldest registration first. Read-only.
  static StatusOr<std::vector<Volunteer>> List(Database&, std::optional<VolunteerStatus> status);

  // Active records of one organisation (exact match), by display name. Read-only.
  static StatusOr<std::vector<Volunteer>> ListByOrganisation(Database&,
                                                             const std::string& organisation);
  // Moves the record from `from` to `to`, stamping confirmed_at/confirmed_by when `to` is
  // active. Returns false (nothing written) when the person has no record in state `from` -
  // decided by the affected-row count of one conditional UPDATE.
  static StatusOr<bool> Transition(Database&, int64_t person_id, VolunteerStatus from,
                                   VolunteerStatus to, const std::string& actor, int64_t now_ms);
  // Makes the config-sourced volunteers agree with `entries` in one transaction (like
  // RoleStore::SyncConfigRoles): each (channel, user_id) gets a person (created unseen when
  // unknown) and an active record with source "config", name and organisation from the
  // entry; a person with a record of another source keeps its details but becomes active.
  // Config-sourced records no longer listed become removed. Idempotent. kInvalidArgument
  // for an entry without channel or user_id.
  static StatusOr<VolunteerSyncResult> SyncConfigVolunteers(
      Database&, const std::vector<ConfigVolunteer>& entries, int64_t now_ms);
};

}  // namespace linli::storage
