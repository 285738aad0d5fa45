#include "domain/reports/digest.h"

#include <cstdio>

namespace linli::domain {

namespace {

// Storage names in display order (storage/ticket_state.h).
constexpr const char* kOpenStates[] = {"new", "accepted", "in_progress", "escalated", "reopened",
                                       "deferred"};
constexpr const char* kTiers[] = {"compound", "community", "street"};

}  // namespace

bool IsQuiet(const DigestSnapshot& s) {
  int ratings = 0;
  for (const auto& [k, n] : s.ratings) ratings += n;
  return s.created.empty() && s.open.empty() && s.deferred_due.empty() && ratings == 0 &&
         s.unclaimed.empty() && s.claimed.empty() && s.fulfilled.empty() && s.decisions.empty();
}

std::string RenderDigest(const DigestSnapshot& s, const config::Texts& texts,
                         const std::string& locale) {
  auto T = [&](const std::string& key, const config::TextArgs& args = {}) {
    return texts.Get(locale, key, args);
  };
  const config::TextArgs head{{"compound", s.compound}, {"date", s.date}};
  if (IsQuiet(s)) return T("digest.quiet", head) + "\n";

  auto place = [&](const std::string& p) { return p.empty() ? std::string("-") : p; };
  auto ticket_args = [&](const DigestTicket& t) {
    return config::TextArgs{{"number", std::to_string(t.number)},
                            {"category", T("category." + t.category)},
                            {"place", place(t.place)},
                            {"status", T("ticket.status." + t.status)},
                            {"tier", T("push.tier." + t.tier)},
                            {"date", t.deferred_until.empty() ? "-" : t.deferred_until}};
  };
  auto wish_args = [&](const DigestWish& w) {
    return config::TextArgs{{"number", std::to_string(w.number)},
                            {"category", T("wish.category." + w.category)},
                            {"place", place(w.place)},
                            {"days", std::to_string(w.age_days)}};
  };

  std::string out = T("digest.title", head);
  out += "\n";
  // Appended piecewise: `"\n" + T(...)` trips GCC 12's -Werror=restrict (GCC bug 105329).
  auto section = [&out](const std::string& title) {
    out += "\n";
    out += title;
    out += "\n";
  };
  auto tickets = [&](const std::string& key, const std::vector<DigestTicket>& list,
                     const std::string& item_key) {
    if (list.empty()) return;
    section(T(key, {{"n", std::to_string(list.size())}}));
    for (const auto& t : list) out += T(item_key, ticket_args(t)) + "\n";
  };

  tickets("digest.created", s.created, "digest.ticket_item");

  if (!s.open.empty()) {
    auto counted = [&](const char* const* names, size_t count, bool tier) {
      std::string parts;
      for (size_t i = 0; i < count; ++i) {
        int n = 0;
        for (const auto& t : s.open) n += (tier ? t.tier : t.status) == names[i];
        if (n == 0) continue;
        if (!parts.empty()) parts += T("digest.separator");
        parts += T("digest.count", {{"label", T((tier ? "push.tier." : "ticket.status.") +
                                                 std::string(names[i]))},
                                    {"n", std::to_string(n)}});
      }
      return parts;
    };
    section(T("digest.open", {{"n", std::to_string(s.open.size())},
                              {"states", counted(kOpenStates, std::size(kOpenStates), false)},
                              {"tiers", counted(kTiers, std::size(kTiers), true)}}));
    std::vector<DigestTicket> overdue, escalated;
    for (const auto& t : s.open) {
      if (t.overdue) overdue.push_back(t);
      if (t.escalated) escalated.push_back(t);
    }
    tickets("digest.overdue", overdue, "digest.ticket_item");
    tickets("digest.escalated", escalated, "digest.ticket_item");
  }
  tickets("digest.deferred_due", s.deferred_due, "digest.deferred_item");

  int ratings = 0;
  for (const auto& [k, n] : s.ratings) ratings += n;
  if (ratings > 0) {
    auto count = [&](const char* k) {
      auto it = s.ratings.find(k);
      return it == s.ratings.end() ? 0 : it->second;
    };
    char rate[16];
    std::snprintf(rate, sizeof rate, "%.0f%%",
                  100.0 * (count("satisfied") + count("basic")) / static_cast<double>(ratings));
    section(T("digest.satisfaction", {{"n", std::to_string(ratings)},
                                      {"satisfied", std::to_string(count("satisfied"))},
                                      {"basic", std::to_string(count("basic"))},
                                      {"unsatisfied", std::to_string(count("unsatisfied"))},
                                      {"rate", rate}}));
  }

  auto wishes = [&](const std::string& key, const std::vector<DigestWish>& list,
                    const std::string& item_key) {
    if (list.empty()) return;
    section(T(key, {{"n", std::to_string(list.size())}}));
    for (const auto& w : list) out += T(item_key, wish_args(w)) + "\n";
  };
  wishes("digest.unclaimed", s.unclaimed, "digest.wish_waiting");
  wishes("digest.claimed", s.claimed, "digest.wish_item");
  wishes("digest.fulfilled", s.fulfilled, "digest.wish_item");

  if (!s.decisions.empty()) {
    section(T("digest.decisions", {{"n", std::to_string(s.decisions.size())}}));
    for (const auto& d : s.decisions) {
      out += T("digest.decision_item",
               {{"id", std::to_string(d.id)},
                {"kind", T("decision.kind." + d.kind)},
                {"title", d.title},
                {"voted", std::to_string(d.voted)},
                {"eligible", std::to_string(d.eligible)},
                {"closes", d.closes.empty() ? "-" : d.closes}}) +
             "\n";
    }
  }
  section(T("digest.footer"));
  return out;
}

}  // namespace linli::domain
