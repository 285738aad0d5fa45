#include "domain/people/roster_import.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "bot/text.h"
#include "domain/common/masking.h"

namespace linli::domain {
namespace {

constexpr int64_t kMaxAreaCenti = 1'000'000;  // 10,000 m²
constexpr size_t kMaxRoomChars = 20;
constexpr size_t kMaxNameChars = 40;
constexpr size_t kMaxOwnerIdChars = 64;
constexpr const char* kExpectedHeader =
    "building,unit,room,area_m2,owner_name,phone (optional: owner_id,developer)";
constexpr std::string_view kReservedOwnerKeyPrefix = "household:";

// The six required columns, then the optional ones.
enum Column { kBuilding, kUnit, kRoom, kArea, kOwner, kPhone, kOwnerId, kDeveloper, kColumnCount };
constexpr int kRequiredColumns = kOwnerId;

constexpr std::array<const char*, kColumnCount> kColumnNames = {
    "building", "unit", "room", "area_m2", "owner_name", "phone", "owner_id", "developer"};

// Header names accepted for each column (compared after trimming and ASCII lower-casing).
std::optional<Column> ColumnOf(const std::string& name) {
  static const auto* const kAliases = new std::map<std::string, Column>{
      {"building", kBuilding}, {"楼栋", kBuilding},     {"楼号", kBuilding},
      {"unit", kUnit},         {"单元", kUnit},         {"room", kRoom},
      {"房号", kRoom},         {"房间号", kRoom},       {"室", kRoom},
      {"area_m2", kArea},      {"area", kArea},         {"面积", kArea},
      {"专有面积", kArea},     {"owner_name", kOwner},  {"owner", kOwner},
      {"业主", kOwner},        {"业主姓名", kOwner},    {"phone", kPhone},
      {"电话", kPhone},        {"手机", kPhone},        {"手机号", kPhone},
      {"联系电话", kPhone},     {"owner_id", kOwnerId},  {"业主编号", kOwnerId},
      {"业主id", kOwnerId},    {"developer", kDeveloper}, {"开发商", kDeveloper},
      {"开发商持有", kDeveloper}};
  auto it = kAliases->find(name);
  if (it == kAliases->end()) return std::nullopt;
  return it->second;
}

std::string AsciiLower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

bool ValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t len = 0;
    unsigned cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07u;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xC0u) != 0x80u) return false;
      cp = (cp << 6) | (b & 0x3Fu);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
      return false;
    }
    i += len;
  }
  return true;
}

size_t RosterCodePoints(std::string_view s) {
  size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0u) != 0x80u) ++n;
  }
  return n;
}

bool HasControl(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7F;
  });
}

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string JoinIds(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ", ") + id;
  return out;
}

}  // namespace

AreaParse ParseAreaCenti(std::string_view s) {
  const size_t dot = s.find('.');
  const std::string_view whole = s.substr(0, dot);
  const std::string_view fraction = dot == std::string_view::npos ? "" : s.substr(dot + 1);
  auto digits = [](std::string_view d) {
    return !d.empty() && std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (!digits(whole) || (dot != std::string_view::npos && !digits(fraction))) {
    return {0, AreaError::kNotANumber};
  }
  if (fraction.size() > 2) return {0, AreaError::kTooPrecise};
  std::string_view significant = whole;
  while (significant.size() > 1 && significant.front() == '0') significant.remove_prefix(1);
  if (significant.size() > 12) return {0, AreaError::kTooLarge};
  int64_t centi = 0;
  for (char c : significant) centi = centi * 10 + (c - '0');
  centi *= 100;
  if (!fraction.empty()) centi += (fraction[0] - '0') * 10;
  if (fraction.size() == 2) centi += fraction[1] - '0';
  if (centi > kMaxAreaCenti) return {0, AreaError::kTooLarge};
  return {centi, AreaError::kNone};
}

std::string FormatAreaCenti(int64_t centi) {
  const std::string sign = centi < 0 ? "-" : "";
  const uint64_t a = centi < 0 ? 0 - static_cast<uint64_t>(centi) : static_cast<uint64_t>(centi);
  const uint64_t hundredths = a % 100;
  return sign + std::to_string(a / 100) + "." + (hundredths < 10 ? "0" : "") +
         std::to_string(hundredths);
}

namespace {

// The developer column: empty, 0, no, n, false, 否 -> false; 1, yes, y, true, 是 -> true
// (ASCII case-insensitive); nullopt for anything else.
std::optional<bool> ParseDeveloper(const std::string& lowered) {
  static const auto* const kValues = new std::map<std::string, bool>{
      {"", false},  {"0", false},    {"no", false}, {"n", false},   {"false", false},
      {"否", false}, {"1", true},     {"yes", true}, {"y", true},    {"true", true},
      {"是", true}};
  auto it = kValues->find(lowered);
  if (it == kValues->end()) return std::nullopt;
  return it->second;
}

// "138 1234-1234", "+86 13812341234" -> "13812341234"; nullopt unless a mainland mobile.
std::optional<std::string> NormalizePhone(const std::string& s) {
  std::string digits;
  for (char c : s) {
    if (c == ' ' || c == '-') continue;
    digits.push_back(c);
  }
  if (digits.rfind("+86", 0) == 0) digits.erase(0, 3);
  if (digits.size() != 11 || digits[0] != '1' || digits[1] < '3' || digits[1] > '9') {
    return std::nullopt;
  }
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  return digits;
}

const config::Building* FindBuilding(const config::CompoundConfig& compound, const std::string& id) {
  for (const auto& b : compound.buildings) {
    if (b.id == id) return &b;
  }
  return nullptr;
}

std::string Where(const storage::Household& h) {
  return "building " + h.building + " unit " + h.unit + " room " + h.room;
}

// Collects "line N: ..." messages and returns them in line order.
class Errors {
 public:
  void Add(int line, std::string message) {
    errors_.emplace_back(line, "line " + std::to_string(line) + ": " + std::move(message));
  }
  void AddRaw(int line, std::string message) { errors_.emplace_back(line, std::move(message)); }
  bool empty() const { return errors_.empty(); }
  std::vector<std::string> Sorted() {
    std::stable_sort(errors_.begin(), errors_.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::string> out;
    out.reserve(errors_.size());
    for (auto& e : errors_) out.push_back(std::move(e.second));
    return out;
  }

 private:
  std::vector<std::pair<int, std::string>> errors_;
};

int LineOf(const std::string& error) {
  int line = 0;
  if (std::sscanf(error.c_str(), "line %d:", &line) != 1) return 0;
  return line;
}

// Natural order: digit runs compare by value, everything else byte-wise.
bool NaturalLess(const std::string& a, const std::string& b) {
  size_t i = 0;
  size_t j = 0;
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  while (i < a.size() && j < b.size()) {
    if (is_digit(a[i]) && is_digit(b[j])) {
      size_t ie = i;
      size_t je = j;
      while (ie < a.size() && is_digit(a[ie])) ++ie;
      while (je < b.size() && is_digit(b[je])) ++je;
      std::string_view da(a.data() + i, ie - i);
      std::string_view db(b.data() + j, je - j);
      while (da.size() > 1 && da.front() == '0') da.remove_prefix(1);
      while (db.size() > 1 && db.front() == '0') db.remove_prefix(1);
      if (da.size() != db.size()) return da.size() < db.size();
      if (da != db) return da < db;
      i = ie;
      j = je;
    } else {
      if (a[i] != b[j]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]);
      ++i;
      ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

// Sort key position of a building / unit in the config (unknown ones after all known).
size_t BuildingRank(const config::CompoundConfig& compound, const std::string& id) {
  for (size_t i = 0; i < compound.buildings.size(); ++i) {
    if (compound.buildings[i].id == id) return i;
  }
  return compound.buildings.size();
}

size_t UnitRank(const config::CompoundConfig& compound, const std::string& building,
                const std::string& unit) {
  const config::Building* b = FindBuilding(compound, building);
  if (b == nullptr) return 0;
  auto it = std::find(b->units.begin(), b->units.end(), unit);
  return static_cast<size_t>(it - b->units.begin());
}

bool HouseholdLess(const config::CompoundConfig& compound, const storage::Household& a,
                   const storage::Household& b) {
  const size_t ba = BuildingRank(compound, a.building);
  const size_t bb = BuildingRank(compound, b.building);
  if (ba != bb) return ba < bb;
  if (a.building != b.building) return NaturalLess(a.building, b.building);
  const size_t ua = UnitRank(compound, a.building, a.unit);
  const size_t ub = UnitRank(compound, b.building, b.unit);
  if (ua != ub) return ua < ub;
  if (a.unit != b.unit) return NaturalLess(a.unit, b.unit);
  return NaturalLess(a.room, b.room);
}

}  // namespace

CsvParse ParseCsv(std::string_view text) {
  CsvParse out;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  const size_t n = text.size();
  size_t i = 0;
  int line = 1;
  while (i < n) {
    CsvRecord record;
    record.line = line;
    std::string error;
    for (;;) {  // one field per iteration
      std::string field;
      const size_t field_number = record.fields.size() + 1;
      if (i < n && text[i] == '"') {
        ++i;
        bool closed = false;
        while (i < n) {
          const char c = text[i];
          if (c == '"') {
            if (i + 1 < n && text[i + 1] == '"') {
              field.push_back('"');
              i += 2;
              continue;
            }
            ++i;
            closed = true;
            break;
          }
          if (c == '\r' || c == '\n') {  // a line break inside quotes belongs to the field
            if (c == '\r' && i + 1 < n && text[i + 1] == '\n') ++i;
            ++i;
            ++line;
            field.push_back('\n');
            continue;
          }
          field.push_back(c);
          ++i;
        }
        if (!closed) {
          error = "a quoted field is not closed (missing \")";
          break;
        }
        while (i < n && (text[i] == ' ' || text[i] == '\t')) ++i;
        if (i < n && text[i] != ',' && text[i] != '\r' && text[i] != '\n') {
          error = "unexpected text after the closing quote of field " + std::to_string(field_number);
          break;
        }
      } else {
        while (i < n && text[i] != ',' && text[i] != '\r' && text[i] != '\n') {
          if (text[i] == '"') {
            error = "a quote inside unquoted field " + std::to_string(field_number) +
                    " (quote the whole field and double the quotes inside it)";
            break;
          }
          field.push_back(text[i]);
          ++i;
        }
        if (!error.empty()) break;
      }
      record.fields.push_back(std::move(field));
      if (i < n && text[i] == ',') {
        ++i;
        continue;
      }
      break;  // end of line or of the text
    }
    if (!error.empty()) {
      out.errors.push_back("line " + std::to_string(record.line) + ": " + error);
      while (i < n && text[i] != '\r' && text[i] != '\n') ++i;  // skip the rest of the line
    } else {
      out.records.push_back(std::move(record));
    }
    if (i < n && text[i] == '\r') {
      ++i;
      if (i < n && text[i] == '\n') ++i;
    } else if (i < n && text[i] == '\n') {
      ++i;
    }
    ++line;
  }
  return out;
}

namespace {

// ParseRosterCsv; a null `compound` accepts every building and unit id.
RosterParse ParseRoster(std::string_view text, const config::CompoundConfig* compound) {
  RosterParse out;
  Errors errors;
  CsvParse csv = ParseCsv(text);
  for (auto& e : csv.errors) {
    const int line = LineOf(e);  // before the move: argument order is unspecified
    errors.AddRaw(line, std::move(e));
  }

  auto blank = [](const CsvRecord& r) {
    return std::all_of(r.fields.begin(), r.fields.end(),
                       [](const std::string& f) { return TrimText(f).empty(); });
  };
  auto record = csv.records.begin();
  while (record != csv.records.end() && blank(*record)) ++record;
  if (record == csv.records.end()) {
    if (errors.empty()) {
      errors.AddRaw(0, std::string("the file has no header line (expected: ") + kExpectedHeader + ")");
    }
    out.errors = errors.Sorted();
    return out;
  }

  // Header.
  const int header_line = record->line;
  std::array<int, kColumnCount> index;
  index.fill(-1);
  bool header_ok = true;
  for (size_t f = 0; f < record->fields.size(); ++f) {
    const std::string name = AsciiLower(TrimText(record->fields[f]));
    const auto column = ColumnOf(name);
    if (!column) {
      errors.Add(header_line, "unknown column " + Quote(name) + " (the first line must be the header: " +
                                  kExpectedHeader + ")");
      header_ok = false;
    } else if (index[*column] >= 0) {
      errors.Add(header_line, std::string("column \"") + kColumnNames[*column] + "\" appears twice");
      header_ok = false;
    } else {
      index[*column] = static_cast<int>(f);
    }
  }
  std::string missing;
  for (int c = 0; c < kRequiredColumns; ++c) {
    if (index[c] < 0) missing += (missing.empty() ? "" : ", ") + std::string(kColumnNames[c]);
  }
  if (!missing.empty()) {
    errors.Add(header_line, "missing column(s) " + missing + " (expected: " + kExpectedHeader + ")");
  }
  if (!missing.empty() || !header_ok) {
    out.errors = errors.Sorted();
    return out;
  }
  const size_t field_count = record->fields.size();

  std::map<std::string, int> seen;  // building/unit/room -> line
  for (++record; record != csv.records.end(); ++record) {
    if (blank(*record)) continue;
    const int line = record->line;
    if (record->fields.size() != field_count) {
      errors.Add(line, "expected " + std::to_string(field_count) + " fields, found " +
                           std::to_string(record->fields.size()));
      continue;
    }
    std::array<std::string, kColumnCount> v;
    bool readable = true;
    for (int c = 0; c < kColumnCount; ++c) {
      if (index[c] < 0) continue;  // an optional column the file does not have
      v[c] = TrimText(record->fields[static_cast<size_t>(index[c])]);
      if (!ValidUtf8(v[c])) {
        errors.Add(line, std::string(kColumnNames[c]) +
                             " is not valid UTF-8 (save the file as \"CSV UTF-8\")");
        readable = false;
      } else if (HasControl(v[c])) {
        errors.Add(line, std::string(kColumnNames[c]) + " contains a line break or control character");
        readable = false;
      }
    }
    if (!readable) continue;

    bool ok = true;
    storage::Household h;
    h.building = v[kBuilding];
    h.unit = v[kUnit];
    h.room = v[kRoom];
    h.owner_name = v[kOwner];
    const config::Building* building = nullptr;
    if (h.building.empty()) {
      errors.Add(line, "building is empty");
      ok = false;
    } else if (compound != nullptr && (building = FindBuilding(*compound, h.building)) == nullptr) {
      std::vector<std::string> ids;
      for (const auto& b : compound->buildings) ids.push_back(b.id);
      errors.Add(line, "building " + h.building + " is not in the compound (buildings: " +
                           JoinIds(ids) + ")");
      ok = false;
    }
    if (h.unit.empty()) {
      errors.Add(line, "unit is empty");
      ok = false;
    } else if (building != nullptr &&
               std::find(building->units.begin(), building->units.end(), h.unit) ==
                   building->units.end()) {
      errors.Add(line, "unit " + h.unit + " is not in building " + h.building + " (units: " +
                           JoinIds(building->units) + ")");
      ok = false;
    }
    if (h.room.empty()) {
      errors.Add(line, "room is empty");
      ok = false;
    } else if (RosterCodePoints(h.room) > kMaxRoomChars) {
      errors.Add(line, "room " + Quote(h.room) + " is too long (at most " +
                           std::to_string(kMaxRoomChars) + " characters)");
      ok = false;
    }
    if (const AreaParse area = ParseAreaCenti(v[kArea]);
        area.error == AreaError::kNotANumber || (area.error == AreaError::kNone && area.centi <= 0)) {
      errors.Add(line, "area_m2 " + Quote(v[kArea]) + " is not a positive number of m² (e.g. 89.5)");
      ok = false;
    } else if (area.error == AreaError::kTooPrecise) {
      errors.Add(line, "area_m2 " + v[kArea] +
                           " has more than 2 decimals (areas are kept exactly to 0.01 m²)");
      ok = false;
    } else if (area.error == AreaError::kTooLarge) {
      errors.Add(line, "area_m2 " + v[kArea] + " is implausibly large (more than " +
                           FormatAreaCenti(kMaxAreaCenti) + " m²)");
      ok = false;
    } else {
      h.area_centi = area.centi;
      h.area_m2 = static_cast<double>(area.centi) / 100.0;
    }
    if (RosterCodePoints(h.owner_name) > kMaxNameChars) {
      errors.Add(line, "owner_name is too long (at most " + std::to_string(kMaxNameChars) +
                           " characters)");
      ok = false;
    }
    if (RosterCodePoints(v[kOwnerId]) > kMaxOwnerIdChars) {
      errors.Add(line, "owner_id is too long (at most " + std::to_string(kMaxOwnerIdChars) +
                           " characters)");
      ok = false;
    } else if (std::string_view(v[kOwnerId]).substr(0, kReservedOwnerKeyPrefix.size()) ==
               kReservedOwnerKeyPrefix) {
      errors.Add(line, "owner_id " + Quote(v[kOwnerId]) + " must not start with \"" +
                           std::string(kReservedOwnerKeyPrefix) + "\" (reserved)");
      ok = false;
    } else {
      h.owner_key = v[kOwnerId];  // empty: the store uses the phone (RosterStore::Import)
    }
    if (const auto developer = ParseDeveloper(AsciiLower(v[kDeveloper]))) {
      h.developer = *developer;
    } else {
      errors.Add(line, "developer " + Quote(v[kDeveloper]) +
                           " is not 1/0, yes/no or 是/否 (empty means no)");
      ok = false;
    }
    if (!v[kPhone].empty()) {
      if (const auto phone = NormalizePhone(v[kPhone])) {
        h.phone = *phone;
      } else {
        errors.Add(line, "phone " + Quote(v[kPhone]) +
                             " is not an 11-digit mainland mobile number (1[3-9] and 9 more "
                             "digits); leave it empty if unknown");
        ok = false;
      }
    }
    if (!h.building.empty() && !h.unit.empty() && !h.room.empty()) {
      const std::string key = h.building + "\x1F" + h.unit + "\x1F" + h.room;
      if (auto [it, inserted] = seen.emplace(key, line); !inserted) {
        errors.Add(line, Where(h) + " is already on line " + std::to_string(it->second));
        ok = false;
      }
    }
    if (ok) out.lines.push_back({line, std::move(h)});
  }
  if (out.lines.empty() && errors.empty()) {
    errors.AddRaw(header_line, "the file has no household lines after the header");
  }
  out.errors = errors.Sorted();
  if (!out.errors.empty()) out.lines.clear();
  return out;
}

}  // namespace

RosterParse ParseRosterCsv(std::string_view text, const config::CompoundConfig& compound) {
  return ParseRoster(text, &compound);
}

RosterCompound CompoundOfRosterCsv(std::string_view text) {
  RosterCompound out;
  RosterParse parsed = ParseRoster(text, nullptr);
  if (!parsed.errors.empty()) {
    out.errors = std::move(parsed.errors);
    return out;
  }
  // Natural order, then bytes: "01" and "1" are different ids.
  struct IdLess {
    bool operator()(const std::string& a, const std::string& b) const {
      return NaturalLess(a, b) || (!NaturalLess(b, a) && a < b);
    }
  };
  std::map<std::string, std::set<std::string, IdLess>, IdLess> units;
  for (const RosterLine& l : parsed.lines) units[l.household.building].insert(l.household.unit);
  for (const auto& [building, its_units] : units) {
    out.buildings.push_back({building, {its_units.begin(), its_units.end()}});
  }
  out.households = parsed.lines.size();
  return out;
}

StatusOr<ImportReport> ImportRoster(storage::Database& db, std::string_view text,
                                    const config::CompoundConfig& compound, bool update,
                                    int64_t now_ms) {
  ImportReport report;
  RosterParse parsed = ParseRosterCsv(text, compound);
  if (!parsed.errors.empty()) {
    report.errors = std::move(parsed.errors);
    return report;
  }
  if (!update) {
    for (const RosterLine& l : parsed.lines) {
      const auto& h = l.household;
      LINLI_ASSIGN_OR_RETURN(auto existing,
                             storage::RosterStore::FindHousehold(db, h.building, h.unit, h.room));
      if (existing) {
        report.errors.push_back("line " + std::to_string(l.line) + ": " + Where(h) +
                                " is already in the roster (use --update to replace its area, "
                                "owner and phone)");
      }
    }
    if (!report.errors.empty()) return report;
  }
  std::vector<storage::Household> households;
  households.reserve(parsed.lines.size());
  for (RosterLine& l : parsed.lines) households.push_back(std::move(l.household));
  Status st = storage::RosterStore::Import(db, households, update, now_ms, &report.inserted,
                                           &report.updated);
  if (st.code() == StatusCode::kAlreadyExists) {  // added by someone else meanwhile
    report.errors.push_back(st.message());
    return report;
  }
  LINLI_RETURN_IF_ERROR(st);
  return report;
}

void SortHouseholds(const config::CompoundConfig& compound,
                    std::vector<storage::HouseholdListing>& list) {
  std::stable_sort(list.begin(), list.end(), [&](const auto& a, const auto& b) {
    return HouseholdLess(compound, a.household, b.household);
  });
}

std::string FormatRosterList(const config::CompoundConfig& compound,
                             std::vector<storage::HouseholdListing> list, bool full,
                             const config::Texts& texts, const std::string& locale) {
  auto say = [&](const std::string& key, const config::TextArgs& args = {}) {
    return texts.Get(locale, "cli.roster_list_" + key, args);
  };
  if (list.empty()) return say("empty") + "\n";
  SortHouseholds(compound, list);
  int64_t bound = 0;
  for (const auto& l : list) bound += l.bound_persons;
  std::string out =
      say("header", {{"compound", compound.name.empty() ? say("roster") : compound.name},
                     {"households", std::to_string(list.size())},
                     {"bound", std::to_string(bound)}}) +
      say(full ? "unmasked" : "masked") + "\n";
  const std::string* building = nullptr;
  const std::string* unit = nullptr;
  for (const auto& l : list) {
    const storage::Household& h = l.household;
    if (building == nullptr || *building != h.building) {
      out += "\n" + say("building", {{"building", h.building}}) + "\n";
      building = &h.building;
      unit = nullptr;
    }
    if (unit == nullptr || *unit != h.unit) {
      out += "  " + say("unit", {{"unit", h.unit}}) + "\n";
      unit = &h.unit;
    }
    const std::string owner = full ? h.owner_name : MaskName(h.owner_name);
    const std::string phone = full ? h.phone : MaskPhone(h.phone);
    out += "    " + say("household", {{"room", h.room},
                                      {"area", FormatAreaCenti(h.area_centi)},
                                      {"owner", owner.empty() ? "-" : owner},
                                      {"phone", phone.empty() ? "-" : phone},
                                      {"bound", std::to_string(l.bound_persons)}}) +
           "\n";
  }
  return out;
}

std::string FormatInviteCodes(const config::CompoundConfig& compound,
                              const std::vector<storage::HouseholdCode>& codes) {
  std::vector<const storage::HouseholdCode*> sorted;
  sorted.reserve(codes.size());
  for (const auto& c : codes) sorted.push_back(&c);
  std::stable_sort(sorted.begin(), sorted.end(), [&](const auto* a, const auto* b) {
    return HouseholdLess(compound, a->household, b->household);
  });
  std::string out = "building\tunit\troom\tcode\n";
  for (const auto* c : sorted) {
    out += c->household.building + "\t" + c->household.unit + "\t" + c->household.room + "\t" +
           c->code + "\n";
  }
  return out;
}

}  // namespace linli::domain
