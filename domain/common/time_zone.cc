#include "domain/common/time_zone.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

namespace linli::domain {

// Howard Hinnant's civil-from-days algorithms (public domain).
int64_t DaysFromCivil(int year, int month, int day) {
  int64_t y = year;
  int64_t m = month;
  // Carry month overflow into the year first.
  y += (m - 1 >= 0 ? (m - 1) / 12 : -((12 - m) / 12));
  m = ((m - 1) % 12 + 12) % 12 + 1;
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468 + (day - 1);
}

CivilTime CivilFromSeconds(int64_t seconds) {
  int64_t days = seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
  int64_t rem = seconds - days * 86400;
  CivilTime t;
  t.hour = static_cast<int>(rem / 3600);
  t.minute = static_cast<int>(rem % 3600 / 60);
  t.second = static_cast<int>(rem % 60);
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t doe = days - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  t.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  t.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  t.year = static_cast<int>(yoe + era * 400 + (t.month <= 2));
  return t;
}

int64_t SecondsFromCivil(const CivilTime& t) {
  return DaysFromCivil(t.year, t.month, t.day) * 86400 + t.hour * 3600 + t.minute * 60 + t.second;
}

int DaysInMonth(int year, int month) {
  return static_cast<int>(DaysFromCivil(year, month + 1, 1) - DaysFromCivil(year, month, 1));
}

int WeekdayFromDays(int64_t days) { return static_cast<int>(((days % 7) + 11) % 7); }

// ---- POSIX TZ rules ----

namespace {

class TzLexer {
 public:
  explicit TzLexer(std::string_view s) : s_(s) {}
  bool done() const { return i_ >= s_.size(); }
  char peek() const { return done() ? '\0' : s_[i_]; }
  bool Eat(char c) {
    if (peek() != c) return false;
    ++i_;
    return true;
  }
  bool Name() {
    if (Eat('<')) {
      size_t close = s_.find('>', i_);
      if (close == std::string_view::npos) return false;
      i_ = close + 1;
      return true;
    }
    size_t start = i_;
    while (!done() && std::isalpha(static_cast<unsigned char>(peek()))) ++i_;
    return i_ - start >= 3;
  }
  bool Number(int* out, int max) {
    size_t start = i_;
    int v = 0;
    while (!done() && std::isdigit(static_cast<unsigned char>(peek()))) {
      v = v * 10 + (s_[i_++] - '0');
      if (v > max) return false;
    }
    *out = v;
    return i_ > start;
  }
  // [+-]hh[:mm[:ss]] as seconds.
  bool Time(int* out, int max_hours) {
    int sign = 1;
    if (Eat('-')) {
      sign = -1;
    } else {
      Eat('+');
    }
    int h = 0, m = 0, s = 0;
    if (!Number(&h, max_hours)) return false;
    if (Eat(':')) {
      if (!Number(&m, 59)) return false;
      if (Eat(':') && !Number(&s, 59)) return false;
    }
    *out = sign * (h * 3600 + m * 60 + s);
    return true;
  }

 private:
  std::string_view s_;
  size_t i_ = 0;
};

bool ParseRuleDate(TzLexer& lx, TimeZone::Rule::Date* d) {
  if (lx.Eat('M')) {
    d->kind = 'M';
    if (!lx.Number(&d->month, 12) || d->month < 1 || !lx.Eat('.') || !lx.Number(&d->week, 5) ||
        d->week < 1 || !lx.Eat('.') || !lx.Number(&d->weekday, 6)) {
      return false;
    }
  } else if (lx.Eat('J')) {
    d->kind = 'J';
    if (!lx.Number(&d->day, 365) || d->day < 1) return false;
  } else {
    d->kind = 'D';
    if (!lx.Number(&d->day, 365)) return false;
  }
  d->time = 7200;
  if (lx.Eat('/') && !lx.Time(&d->time, 167)) return false;
  return true;
}

// Local midnight (as seconds since the epoch, read as UTC) of a rule date in `year`, plus its time.
int64_t RuleLocalSeconds(const TimeZone::Rule::Date& d, int year) {
  int64_t days = 0;
  if (d.kind == 'M') {
    const int64_t first = DaysFromCivil(year, d.month, 1);
    int day = 1 + (d.weekday - WeekdayFromDays(first) + 7) % 7 + (d.week - 1) * 7;
    while (day > DaysInMonth(year, d.month)) day -= 7;
    days = first + day - 1;
  } else if (d.kind == 'J') {
    const bool leap = DaysInMonth(year, 2) == 29;
    days = DaysFromCivil(year, 1, 1) + d.day - 1 + (leap && d.day >= 60 ? 1 : 0);
  } else {
    days = DaysFromCivil(year, 1, 1) + d.day;
  }
  return days * 86400 + d.time;
}

uint32_t Be32(std::string_view b, size_t at) {
  return (static_cast<uint32_t>(static_cast<unsigned char>(b[at])) << 24) |
         (static_cast<uint32_t>(static_cast<unsigned char>(b[at + 1])) << 16) |
         (static_cast<uint32_t>(static_cast<unsigned char>(b[at + 2])) << 8) |
         static_cast<uint32_t>(static_cast<unsigned char>(b[at + 3]));
}

int64_t Be64(std::string_view b, size_t at) {
  return static_cast<int64_t>((static_cast<uint64_t>(Be32(b, at)) << 32) | Be32(b, at + 4));
}

struct TzifHeader {
  char version = 0;
  uint32_t isutcnt = 0, isstdcnt = 0, leapcnt = 0, timecnt = 0, typecnt = 0, charcnt = 0;
  size_t DataSize(size_t time_size) const {
    return timecnt * time_size + timecnt + typecnt * 6 + charcnt + leapcnt * (time_size + 4) +
           isstdcnt + isutcnt;
  }
};

bool ReadHeader(std::string_view b, size_t at, TzifHeader* h) {
  if (b.size() < at + 44 || b.substr(at, 4) != "TZif") return false;
  h->version = b[at + 4];
  h->isutcnt = Be32(b, at + 20);
  h->isstdcnt = Be32(b, at + 24);
  h->leapcnt = Be32(b, at + 28);
  h->timecnt = Be32(b, at + 32);
  h->typecnt = Be32(b, at + 36);
  h->charcnt = Be32(b, at + 40);
  return h->typecnt >= 1 && h->typecnt <= 256 && h->timecnt < (1u << 20);
}

}  // namespace

StatusOr<TimeZone::Rule> ParsePosixTz(std::string_view text) {
  auto bad = [&] { return Status::InvalidArgument("bad POSIX TZ string '" + std::string(text) + "'"); };
  TzLexer lx(text);
  TimeZone::Rule r;
  int off = 0;
  if (!lx.Name() || !lx.Time(&off, 24)) return bad();
  r.std_offset = -off;  // POSIX offsets are west of UTC
  if (lx.done()) return r;
  if (!lx.Name()) return bad();
  r.has_dst = true;
  r.dst_offset = r.std_offset + 3600;
  if (lx.peek() != ',' && !lx.done()) {
    if (!lx.Time(&off, 24)) return bad();
    r.dst_offset = -off;
  }
  if (!lx.Eat(',')) {
    // No rule: POSIX leaves it implementation-defined; glibc uses the US rules.
    r.start = {'M', 3, 2, 0, 0, 7200};
    r.end = {'M', 11, 1, 0, 0, 7200};
  } else if (!ParseRuleDate(lx, &r.start) || !lx.Eat(',') || !ParseRuleDate(lx, &r.end)) {
    return bad();
  }
  if (!lx.done()) return bad();
  return r;
}

TimeZone TimeZone::Fixed(std::string name, int offset_seconds) {
  TimeZone z;
  z.name_ = std::move(name);
  z.initial_offset_ = offset_seconds;
  return z;
}

StatusOr<TimeZone> TimeZone::FromTzif(std::string name, std::string_view b) {
  auto bad = [&](const char* what) {
    return Status::InvalidArgument("time zone " + name + ": " + what);
  };
  TzifHeader h;
  if (!ReadHeader(b, 0, &h)) return bad("not a TZif file");
  size_t at = 44;
  size_t time_size = 4;
  if (h.version >= '2') {
    at += h.DataSize(4);
    if (!ReadHeader(b, at, &h)) return bad("truncated TZif v2 header");
    at += 44;
    time_size = 8;
  }
  if (b.size() < at + h.DataSize(time_size)) return bad("truncated TZif data");

  TimeZone z;
  z.name_ = std::move(name);
  std::vector<int64_t> times(h.timecnt);
  std::vector<int> index(h.timecnt);
  for (uint32_t i = 0; i < h.timecnt; ++i) {
    times[i] = time_size == 8 ? Be64(b, at + i * 8)
                              : static_cast<int32_t>(Be32(b, at + i * 4));
  }
  at += h.timecnt * time_size;
  for (uint32_t i = 0; i < h.timecnt; ++i) {
    index[i] = static_cast<unsigned char>(b[at + i]);
    if (index[i] >= static_cast<int>(h.typecnt)) return bad("bad local time type index");
  }
  at += h.timecnt;
  std::vector<int> type_offsets(h.typecnt);
  for (uint32_t i = 0; i < h.typecnt; ++i) {
    type_offsets[i] = static_cast<int32_t>(Be32(b, at + i * 6));
  }
  at += h.DataSize(time_size) - h.timecnt * (time_size + 1);
  for (uint32_t i = 0; i < h.timecnt; ++i) {
    if (i > 0 && times[i] <= times[i - 1]) return bad("transitions out of order");
    z.transitions_.push_back(times[i]);
    z.offsets_.push_back(type_offsets[index[i]]);
  }
  z.initial_offset_ = type_offsets[0];  // RFC 8536 3.2: type 0 applies before the first transition
  if (time_size == 8 && at < b.size() && b[at] == '\n') {
    size_t end = b.find('\n', at + 1);
    if (end == std::string_view::npos) return bad("unterminated footer");
    std::string_view footer = b.substr(at + 1, end - at - 1);
    if (!footer.empty()) {
      auto rule = ParsePosixTz(footer);
      if (!rule.ok()) return bad("bad footer TZ string");
      z.rule_ = *rule;
    }
  }
  return z;
}

int TimeZone::RuleOffsetAt(int64_t t) const {
  const Rule& r = *rule_;
  if (!r.has_dst) return r.std_offset;
  const int year = CivilFromSeconds(t + r.std_offset).year;
  // The start time is given in standard time, the end time in daylight time.
  const int64_t start = RuleLocalSeconds(r.start, year) - r.std_offset;
  const int64_t end = RuleLocalSeconds(r.end, year) - r.dst_offset;
  const bool dst = start < end ? (t >= start && t < end) : (t < end || t >= start);
  return dst ? r.dst_offset : r.std_offset;
}

int TimeZone::OffsetAt(int64_t t) const {
  if (transitions_.empty() || t < transitions_.front()) {
    if (transitions_.empty() && rule_) return RuleOffsetAt(t);
    return initial_offset_;
  }
  if (t >= transitions_.back() && rule_) return RuleOffsetAt(t);
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), t);
  return offsets_[static_cast<size_t>(it - transitions_.begin()) - 1];
}

CivilTime TimeZone::ToLocal(int64_t t) const { return CivilFromSeconds(t + OffsetAt(t)); }

int64_t TimeZone::FromLocal(const CivilTime& local) const {
  const int64_t wall = SecondsFromCivil(local);
  // Offsets change at most once within a couple of days in every real zone, so the offsets in
  // effect a day before and a day after are the only candidates.
  const int before = OffsetAt(wall - 86400 * 2);
  const int after = OffsetAt(wall + 86400 * 2);
  std::optional<int64_t> best;
  for (int off : {before, after, OffsetAt(wall)}) {
    const int64_t u = wall - off;
    if (OffsetAt(u) == off && (!best || u < *best)) best = u;
  }
  if (best) return *best;
  return wall - before;  // in a gap: keep the old offset, i.e. move forward by the gap
}

// ---- loading ----

namespace {

bool FixedZone(std::string_view tz, int* seconds) {
  static constexpr std::string_view kUtc8[] = {"Asia/Shanghai", "Asia/Chongqing", "Asia/Harbin",
                                               "Asia/Hong_Kong", "Asia/Macau", "Asia/Taipei",
                                               "PRC"};
  for (auto z : kUtc8) {
    if (tz == z) {
      *seconds = 8 * 3600;
      return true;
    }
  }
  if (tz == "UTC" || tz == "Etc/UTC" || tz == "GMT") {
    *seconds = 0;
    return true;
  }
  return false;
}

bool SafeName(const std::string& name) {
  if (name.empty() || name.front() == '/' || name.find("..") != std::string::npos) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' ||
           c == '+';
  });
}

StatusOr<TimeZone> ReadZone(const std::string& name) {
  if (!SafeName(name)) return Status::InvalidArgument("'" + name + "' is not an IANA time zone name");
  const char* dir = std::getenv("TZDIR");  // NOLINT(concurrency-mt-unsafe): read only
  const std::string path = std::string(dir && *dir ? dir : "/usr/share/zoneinfo") + "/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    int fixed = 0;
    if (FixedZone(name, &fixed)) return TimeZone::Fixed(name, fixed);
    return Status::InvalidArgument("'" + name + "' is not an IANA time zone name (no " + path + ")");
  }
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return TimeZone::FromTzif(name, bytes.str());
}

}  // namespace

StatusOr<std::shared_ptr<const TimeZone>> LoadTimeZone(const std::string& name) {
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<const TimeZone>> cache;
  std::lock_guard<std::mutex> lock(mu);
  if (auto it = cache.find(name); it != cache.end()) return it->second;
  LINLI_ASSIGN_OR_RETURN(TimeZone zone, ReadZone(name));
  auto shared = std::make_shared<const TimeZone>(std::move(zone));
  cache.emplace(name, shared);
  return shared;
}

}  // namespace linli::domain
