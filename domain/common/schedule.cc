#include "domain/common/schedule.h"

#include <cctype>
#include <limits>
#include <vector>

namespace linli::domain {
namespace {

constexpr int64_t kForever = std::numeric_limits<int64_t>::max();

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// The fire instant (ms) of a daily schedule on local date (y, m, d).
int64_t DailyFire(const Schedule& s, const TimeZone& z, int y, int m, int d) {
  return z.FromLocal({y, m, d, s.hour, s.minute, 0}) * 1000;
}

// The fire instant (ms) of a monthly schedule in local month (y, m); m may leave 1..12.
int64_t MonthlyFire(const Schedule& s, const TimeZone& z, int y, int m) {
  const int carry = static_cast<int>(FloorDiv(m - 1, 12));
  y += carry;
  m -= carry * 12;
  const int day = std::min(s.day, DaysInMonth(y, m));
  return z.FromLocal({y, m, day, s.hour, s.minute, 0}) * 1000;
}

std::vector<std::string_view> Split(std::string_view text) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    size_t start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i > start) out.push_back(text.substr(start, i - start));
  }
  return out;
}

// Reads exactly `digits` digits at s[*at], advancing *at.
bool Digits(std::string_view s, size_t* at, int digits, int* out) {
  if (*at + digits > s.size()) return false;
  int v = 0;
  for (int k = 0; k < digits; ++k) {
    char c = s[*at + k];
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    v = v * 10 + (c - '0');
  }
  *at += digits;
  *out = v;
  return true;
}

bool ParseClock(std::string_view s, int* hour, int* minute) {
  size_t at = 0;
  if (!Digits(s, &at, 2, hour) || at >= s.size() || s[at++] != ':' ||
      !Digits(s, &at, 2, minute) || at != s.size()) {
    return false;
  }
  return *hour <= 23 && *minute <= 59;
}

bool ParseDay(std::string_view s, int* day) {
  if (s.empty() || s.size() > 2) return false;
  int v = 0;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    v = v * 10 + (c - '0');
  }
  *day = v;
  return v >= 1 && v <= 31;
}

// YYYY-MM-DDTHH:MM[:SS](Z|+HH:MM|-HH:MM) -> epoch ms.
bool ParseInstant(std::string_view s, int64_t* ms) {
  size_t at = 0;
  CivilTime t;
  if (!Digits(s, &at, 4, &t.year) || at >= s.size() || s[at++] != '-' ||
      !Digits(s, &at, 2, &t.month) || at >= s.size() || s[at++] != '-' ||
      !Digits(s, &at, 2, &t.day) || at >= s.size() || (s[at] != 'T' && s[at] != 't') ||
      !Digits(s, &++at, 2, &t.hour) || at >= s.size() || s[at++] != ':' ||
      !Digits(s, &at, 2, &t.minute)) {
    return false;
  }
  if (at < s.size() && s[at] == ':') {
    ++at;
    if (!Digits(s, &at, 2, &t.second)) return false;
  }
  if (t.month < 1 || t.month > 12 || t.day < 1 || t.day > DaysInMonth(t.year, t.month) ||
      t.hour > 23 || t.minute > 59 || t.second > 59 || at >= s.size()) {
    return false;
  }
  int offset = 0;
  if (s[at] == 'Z' || s[at] == 'z') {
    ++at;
  } else if (s[at] == '+' || s[at] == '-') {
    const int sign = s[at++] == '-' ? -1 : 1;
    int oh = 0, om = 0;
    if (!Digits(s, &at, 2, &oh) || at >= s.size() || s[at++] != ':' || !Digits(s, &at, 2, &om) ||
        oh > 23 || om > 59) {
      return false;
    }
    offset = sign * (oh * 3600 + om * 60);
  } else {
    return false;
  }
  if (at != s.size()) return false;
  *ms = (SecondsFromCivil(t) - offset) * 1000;
  return true;
}

std::string Two(int v) { return (v < 10 ? "0" : "") + std::to_string(v); }

}  // namespace

Schedule Schedule::Every(std::chrono::milliseconds interval) {
  Schedule s;
  s.kind = Kind::kEvery;
  s.every_ms = interval.count();
  return s;
}

Schedule Schedule::Daily(int hour, int minute) {
  Schedule s;
  s.kind = Kind::kDaily;
  s.hour = hour;
  s.minute = minute;
  return s;
}

Schedule Schedule::Monthly(int day, int hour, int minute) {
  Schedule s = Daily(hour, minute);
  s.kind = Kind::kMonthly;
  s.day = day;
  return s;
}

Schedule Schedule::Once(int64_t at_ms) {
  Schedule s;
  s.kind = Kind::kOnce;
  s.at_ms = at_ms;
  return s;
}

StatusOr<Schedule> ParseSchedule(std::string_view text) {
  const std::vector<std::string_view> w = Split(text);
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("schedule '" + std::string(text) + "': " + why);
  };
  if (w.empty()) return bad("empty");
  if (w[0] == "every") {
    if (w.size() != 2) return bad("expected 'every <N><s|m|h|d>'");
    std::string_view n = w[1];
    const char unit = n.back();
    n.remove_suffix(1);
    int64_t unit_ms = unit == 's' ? 1000 : unit == 'm' ? 60'000 : unit == 'h' ? 3'600'000
                    : unit == 'd' ? 86'400'000 : 0;
    if (unit_ms == 0) return bad("unit must be s, m, h or d");
    if (n.empty() || n.size() > 6) return bad("expected a count such as 'every 5m'");
    int64_t count = 0;
    for (char c : n) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return bad("expected a count such as 'every 5m'");
      count = count * 10 + (c - '0');
    }
    if (count == 0) return bad("the interval must be positive");
    return Schedule::Every(std::chrono::milliseconds(count * unit_ms));
  }
  if (w[0] == "daily") {
    int h = 0, m = 0;
    if (w.size() != 2 || !ParseClock(w[1], &h, &m)) return bad("expected 'daily HH:MM'");
    return Schedule::Daily(h, m);
  }
  if (w[0] == "monthly") {
    int d = 0, h = 0, m = 0;
    if (w.size() != 3 || !ParseDay(w[1], &d) || !ParseClock(w[2], &h, &m)) {
      return bad("expected 'monthly D HH:MM' with D in 1..31");
    }
    return Schedule::Monthly(d, h, m);
  }
  if (w[0] == "once") {
    int64_t at = 0;
    if (w.size() != 2 || !ParseInstant(w[1], &at)) {
      return bad("expected 'once YYYY-MM-DDTHH:MM[:SS]' with Z or an offset such as +08:00");
    }
    return Schedule::Once(at);
  }
  return bad("unknown kind '" + std::string(w[0]) + "' (every, daily, monthly, once)");
}

std::string FormatSchedule(const Schedule& s) {
  switch (s.kind) {
    case Schedule::Kind::kEvery: {
      for (auto [unit, ms] : {std::pair{'d', 86'400'000LL}, {'h', 3'600'000LL}, {'m', 60'000LL}}) {
        if (s.every_ms % ms == 0) return "every " + std::to_string(s.every_ms / ms) + unit;
      }
      return "every " + std::to_string(s.every_ms / 1000) + "s";
    }
    case Schedule::Kind::kDaily:
      return "daily " + Two(s.hour) + ":" + Two(s.minute);
    case Schedule::Kind::kMonthly:
      return "monthly " + std::to_string(s.day) + " " + Two(s.hour) + ":" + Two(s.minute);
    case Schedule::Kind::kOnce: {
      const CivilTime t = CivilFromSeconds(FloorDiv(s.at_ms, 1000));
      return "once " + std::to_string(t.year) + "-" + Two(t.month) + "-" + Two(t.day) + "T" +
             Two(t.hour) + ":" + Two(t.minute) + ":" + Two(t.second) + "Z";
    }
  }
  return "";
}

std::optional<Period> PeriodAt(const Schedule& s, const TimeZone& z, int64_t now_ms) {
  switch (s.kind) {
    case Schedule::Kind::kEvery: {
      const int64_t step = s.every_ms > 0 ? s.every_ms : 1;
      const int64_t start = FloorDiv(now_ms, step) * step;
      return Period{start, start + step};
    }
    case Schedule::Kind::kDaily: {
      const CivilTime today = z.ToLocal(FloorDiv(now_ms, 1000));
      const int64_t days = DaysFromCivil(today.year, today.month, today.day);
      auto fire_on = [&](int64_t d) {
        const CivilTime c = CivilFromSeconds(d * 86400);
        return DailyFire(s, z, c.year, c.month, c.day);
      };
      // Walk from the day before to find fire(d) <= now < fire(d + 1); two steps suffice.
      for (int64_t d = days + 1; d >= days - 2; --d) {
        const int64_t f = fire_on(d);
        if (f <= now_ms) return Period{f, fire_on(d + 1)};
      }
      return std::nullopt;  // unreachable for real zones
    }
    case Schedule::Kind::kMonthly: {
      const CivilTime today = z.ToLocal(FloorDiv(now_ms, 1000));
      for (int m = today.month + 1; m >= today.month - 1; --m) {
        const int64_t f = MonthlyFire(s, z, today.year, m);
        if (f <= now_ms) return Period{f, MonthlyFire(s, z, today.year, m + 1)};
      }
      return std::nullopt;  // unreachable
    }
    case Schedule::Kind::kOnce:
      if (now_ms < s.at_ms) return std::nullopt;
      return Period{s.at_ms, kForever};
  }
  return std::nullopt;
}

std::optional<int64_t> NextRun(const Schedule& s, const TimeZone& z,
                               std::optional<int64_t> last_period_start_ms, int64_t now_ms) {
  const std::optional<Period> current = PeriodAt(s, z, now_ms);
  if (current && (!last_period_start_ms || current->start_ms > *last_period_start_ms)) {
    return now_ms;
  }
  // The next period that starts after both now and the recorded one.
  const int64_t after =
      last_period_start_ms && *last_period_start_ms > now_ms ? *last_period_start_ms : now_ms;
  if (!current && s.kind == Schedule::Kind::kOnce) {
    return s.at_ms > after ? std::optional<int64_t>(s.at_ms) : std::nullopt;
  }
  const std::optional<Period> p = PeriodAt(s, z, after);
  if (!p || p->end_ms == kForever) return std::nullopt;
  return p->end_ms;
}

}  // namespace linli::domain
