#include "domain/volunteers/service_record.h"

#include <cstdio>
#include <map>
#include <set>

#include "domain/common/time_zone.h"
#include "storage/points_store.h"
#include "storage/volunteer_store.h"
#include "storage/wish_store.h"

namespace linli::domain {

namespace {

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string Centi(int64_t v) {
  const bool negative = v < 0;
  const int64_t a = negative ? -v : v;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%lld.%02lld", negative ? "-" : "", static_cast<long long>(a / 100),
                static_cast<long long>(a % 100));
  return buf;
}

// "YYYY-MM-DD" -> its civil midnight; false when malformed or not a real date.
bool ParseDate(const std::string& s, CivilTime* out) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  const int y = std::stoi(s.substr(0, 4));
  const int m = std::stoi(s.substr(5, 2));
  const int d = std::stoi(s.substr(8, 2));
  if (m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, m)) return false;
  *out = CivilTime{y, m, d, 0, 0, 0};
  return true;
}

}  // namespace

StatusOr<std::pair<int64_t, int64_t>> ReportPeriod(const std::string& from, const std::string& to,
                                                   const std::string& timezone) {
  CivilTime f, t;
  if (!ParseDate(from, &f)) return Status::InvalidArgument("--from must be YYYY-MM-DD");
  if (!ParseDate(to, &t)) return Status::InvalidArgument("--to must be YYYY-MM-DD");
  if (to < from) return Status::InvalidArgument("--to is before --from");
  LINLI_ASSIGN_OR_RETURN(auto zone, LoadTimeZone(timezone));
  // The day after `to`, carried through the month and year by the civil arithmetic.
  const CivilTime after = CivilFromSeconds((DaysFromCivil(t.year, t.month, t.day) + 1) * 86400);
  return std::make_pair(zone->FromLocal(f) * 1000, zone->FromLocal(after) * 1000);
}

StatusOr<std::vector<ServiceRecord>> ServiceRecords(storage::Database& db, const std::string& org,
                                                    int64_t from_ms, int64_t to_ms) {
  LINLI_ASSIGN_OR_RETURN(auto volunteers, storage::VolunteerStore::ListByOrganisation(db, org));
  LINLI_ASSIGN_OR_RETURN(auto entries, storage::PointsStore::Between(db, from_ms, to_ms));
  std::map<int64_t, std::vector<const storage::PointsEntry*>> by_person;
  std::map<std::string, const storage::PointsEntry*> by_id;
  for (const auto& e : entries) {
    by_person[e.person_id].push_back(&e);
    by_id[std::to_string(e.id)] = &e;
  }
  std::vector<ServiceRecord> out;
  for (const auto& v : volunteers) {
    ServiceRecord r;
    r.person_id = v.person_id;
    r.display_name = v.display_name.empty() ? "志愿者" + std::to_string(v.person_id) : v.display_name;
    r.organisation = v.organisation;
    std::map<std::string, int64_t> wish_net;  // wish number -> wish entries minus reversals
    for (const storage::PointsEntry* e : by_person[v.person_id]) {
      const std::string& reason = e->reason;
      if (reason == "wish" || reason == "hours" || reason == "award" || reason == "reversal") {
        r.points_earned += e->amount;
      }
      if (reason == "wish" || reason == "hours" || reason == "reversal") r.hours_centi += e->hours_centi;
      if (reason == "wish") ++wish_net[e->ref];
      if (reason == "reversal") {
        auto it = by_id.find(e->ref);
        if (it != by_id.end() && it->second->reason == "wish") --wish_net[it->second->ref];
      }
    }
    for (const auto& [wish, net] : wish_net) r.wishes_fulfilled += net > 0 ? 1 : 0;
    // Confirmed claims the ledger does not show (no points per wish or per hour configured).
    std::set<std::string> hours_refs;
    for (const storage::PointsEntry* e : by_person[v.person_id]) {
      if ((e->reason == "wish" || e->reason == "hours") && e->hours_centi != 0) hours_refs.insert(e->ref);
    }
    LINLI_ASSIGN_OR_RETURN(auto claims,
                           storage::WishStore::ConfirmedClaimsOf(db, v.person_id, from_ms, to_ms));
    for (const auto& c : claims) {
      const std::string ref = std::to_string(c.wish_number);
      if (wish_net.count(ref) == 0) ++r.wishes_fulfilled;
      if (hours_refs.count(ref) == 0) r.hours_centi += c.hours_tenths * 10;
    }
    LINLI_ASSIGN_OR_RETURN(auto ratings, storage::WishStore::RatingsOf(db, v.person_id, from_ms, to_ms));
    r.rating_count = ratings.count;
    r.rating_sum = ratings.sum;
    out.push_back(std::move(r));
  }
  return out;
}

std::string ServiceRecordsCsv(const std::vector<ServiceRecord>& records) {
  std::string out =
      "display_name,organisation,wishes_fulfilled,hours,points_earned,mean_rating\r\n";
  for (const auto& r : records) {
    const std::string mean =
        r.rating_count > 0 ? Centi((r.rating_sum * 100 + r.rating_count / 2) / r.rating_count) : "";
    out += CsvField(r.display_name) + "," + CsvField(r.organisation) + "," +
           std::to_string(r.wishes_fulfilled) + "," + Centi(r.hours_centi) + "," +
           std::to_string(r.points_earned) + "," + mean + "\r\n";
  }
  return out;
}

}  // namespace linli::domain
