#include "domain/decisions/decision_actions.h"

#include <algorithm>
#include <cctype>

#include "bot/json.h"
#include "bot/text.h"
#include "domain/common/schedule.h"
#include "domain/common/time_zone.h"
#include "domain/tickets/ticket_actions.h"

namespace linli::domain::decisions {

namespace {

using nlohmann::json;

Status BadField(const std::string& f) {
  return Status(StatusCode::kInvalidArgument,
                "decision.bad_field;field=" + f);
}

// "a/b/c", "a、b、c", "a,b,c" or "a，b" -> {a, b, c}.
std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (size_t i = 0; i < s.size();) {
    if (s[i] == '/' || s[i] == ',' || s[i] == '|') {
      out.push_back(TrimText(cur));
      cur.clear();
      ++i;
    } else if (s.compare(i, 3, "、") == 0 || s.compare(i, 3, "，") == 0 ||
               s.compare(i, 3, "／") == 0) {
      out.push_back(TrimText(cur));
      cur.clear();
      i += 3;
    } else {
      cur.push_back(s[i++]);
    }
  }
  out.push_back(TrimText(cur));
  out.erase(std::remove(out.begin(), out.end(), std::string()), out.end());
  return out;
}

std::optional<bool> ParseYesNo(const std::string& v) {
  if (v == "是" || v == "yes" || v == "true" || v == "1") return true;
  if (v == "否" || v == "no" || v == "false" || v == "0") return false;
  return std::nullopt;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

Status ReadField(const Deps& deps, const std::string& word, const std::string& value,
                 DraftInput& d) {
  const std::string w = Lower(word);
  if (w == "标题" || w == "title") {
    d.title = value;
  } else if (w == "正文" || w == "全文" || w == "body") {
    d.body = value;
  } else if (w == "类别" || w == "matter") {
    if (value == "非正式" || value == "微公约" || value == "informal") {
      d.matter = "informal";
    } else if (value == "一般" || value == "ordinary") {
      d.matter = "ordinary";
    } else if (value == "重大" || value == "major") {
      d.matter = "major";
    } else {
      return BadField("matter");
    }
  } else if (w == "范围" || w == "buildings") {
    if (value == "全部" || value == "all" || value == "全小区") {
      d.buildings = std::vector<std::string>{};
    } else {
      std::vector<std::string> ids;
      for (std::string b : SplitList(value)) {
        for (const char* suffix : {"号楼", "栋", "幢"}) {
          const std::string s = suffix;
          if (b.size() > s.size() && b.compare(b.size() - s.size(), s.size(), s) == 0) {
            b = b.substr(0, b.size() - s.size());
          }
        }
        ids.push_back(b);
      }
      if (ids.empty()) return BadField("buildings");
      d.buildings = ids;
    }
  } else if (w == "选项" || w == "options") {
    d.options = SplitList(value);
  } else if (w == "开始" || w == "opens_at") {
    auto t = ParseTime(deps, value);
    if (!t) return BadField("opens_at");
    d.opens_at_ms = *t;
  } else if (w == "结束" || w == "截止" || w == "closes_at") {
    auto t = ParseTime(deps, value);
    if (!t) return BadField("closes_at");
    d.closes_at_ms = *t;
  } else if (w == "记名" || w == "secret") {
    if (value == "无记名" || value == "secret" || value == "秘密") {
      d.secret = true;
    } else if (value == "记名" || value == "公开" || value == "open") {
      d.secret = false;
    } else {
      return BadField("secret");
    }
  } else if (w == "门槛" || w == "min_turnout_percent") {
    const std::string v = value.size() > 1 && value.back() == '%' ? value.substr(0, value.size() - 1) : value;
    if (v.empty() || v.size() > 3 || v.find_first_not_of("0123456789") != std::string::npos) {
      return BadField("min_turnout_percent");
    }
    d.min_turnout_percent = std::stoi(v);
  } else if (w == "公示" || w == "on_board") {
    auto b = ParseYesNo(value);
    if (!b) return BadField("on_board");
    d.on_board = *b;
  } else {
    return Status(StatusCode::kInvalidArgument, "decision.usage.edit");
  }
  return Status::Ok();
}

std::vector<DecisionAction> Build() {
  using P = DecisionParam;
  std::vector<DecisionAction> a;
  a.push_back({"edit", P::kFields,
               {"decision_edit", {"/editdecision", "修改公约", "修改"}, "decision.usage.edit",
                "decision.done.edit"},
               [](storage::Database& db, const Deps& s, Actor actor, int64_t id,
                  const DecisionArgs& x, int64_t now) -> StatusOr<ActionOutcome> {
                 LINLI_ASSIGN_OR_RETURN(auto d, DecisionService::Edit(db, s, actor, id, x.draft, now));
                 return ActionOutcome{std::move(d), false, "", ""};
               }});
  a.push_back({"invite", P::kInvitee,
               {"decision_invite", {"/invite", "邀请意见", "邀请"}, "decision.usage.invite",
                "decision.done.invite"},
               [](storage::Database& db, const Deps& s, Actor actor, int64_t id,
                  const DecisionArgs& x, int64_t now) -> StatusOr<ActionOutcome> {
                 LINLI_ASSIGN_OR_RETURN(auto d, DecisionService::Invite(db, s, actor, id, x.invitee, now));
                 return ActionOutcome{std::move(d), false, "", ""};
               }});
  a.push_back({"open", P::kNone,
               {"decision_open", {"/opendecision", "开始投票"}, "decision.usage.open",
                "decision.done.open"},
               [](storage::Database& db, const Deps& s, Actor actor, int64_t id,
                  const DecisionArgs&, int64_t now) -> StatusOr<ActionOutcome> {
                 LINLI_ASSIGN_OR_RETURN(auto d, DecisionService::Open(db, s, actor, id, now));
                 return ActionOutcome{std::move(d), false, "", ""};
               }});
  a.push_back({"close", P::kNone,
               {"decision_close", {"/closedecision", "结束投票"}, "decision.usage.close",
                "decision.done.close"},
               [](storage::Database& db, const Deps& s, Actor actor, int64_t id,
                  const DecisionArgs&, int64_t now) -> StatusOr<ActionOutcome> {
                 LINLI_ASSIGN_OR_RETURN(auto d, DecisionService::Close(db, s, actor, id, now));
                 return ActionOutcome{std::move(d), false, "", ""};
               }});
  a.push_back({"paper", P::kPaper,
               {"decision_paper", {"/paper", "代投"}, "decision.usage.paper", "decision.done.paper"},
               [](storage::Database& db, const Deps& s, Actor actor, int64_t id,
                  const DecisionArgs& x, int64_t now) -> StatusOr<ActionOutcome> {
                 LINLI_ASSIGN_OR_RETURN(auto o, DecisionService::Paper(db, s, actor, id, x.household,
                                                                       x.choice, now));
                 return ActionOutcome{std::move(o.decision), o.replaced, o.replaced_via, o.nonce};
               }});
  return a;
}

std::optional<std::vector<std::string>> StringArray(const json& body, const std::string& key,
                                                    bool* bad) {
  auto it = body.find(key);
  if (it == body.end()) return std::nullopt;
  if (!it->is_array()) {
    *bad = true;
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (const auto& e : *it) {
    if (!e.is_string()) {
      *bad = true;
      return std::nullopt;
    }
    out.push_back(e.get<std::string>());
  }
  return out;
}

}  // namespace

const std::vector<DecisionAction>& DecisionActions() {
  static const auto* const k = new std::vector<DecisionAction>(Build());
  return *k;
}

const DecisionAction* FindDecisionAction(std::string_view name) {
  for (const auto& a : DecisionActions()) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

std::optional<int64_t> ParseTime(const Deps& deps, const std::string& text) {
  const std::string t = TrimText(text);
  // With an offset: the schedule grammar's instant.
  if (t.find('T') != std::string::npos) {
    auto s = ParseSchedule("once " + t);
    if (s.ok() && s->kind == Schedule::Kind::kOnce) return s->at_ms;
    return std::nullopt;
  }
  // "YYYY-MM-DD HH:MM" local.
  int y = 0, mo = 0, d = 0, h = 0, mi = 0;
  char tail = 0;
  if (std::sscanf(t.c_str(), "%4d-%2d-%2d %2d:%2d%c", &y, &mo, &d, &h, &mi, &tail) != 5) {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > DaysInMonth(y, mo) || h > 23 || mi > 59 || h < 0 || mi < 0) {
    return std::nullopt;
  }
  auto zone = LoadTimeZone(deps.config.timezone);
  if (!zone.ok()) return std::nullopt;
  return (*zone)->FromLocal(CivilTime{y, mo, d, h, mi, 0}) * 1000;
}

StatusOr<DecisionArgs> DecisionArgsFromChat(const Deps& deps, const DecisionAction& action,
                                            const std::string& rest) {
  DecisionArgs args;
  const Status usage(StatusCode::kInvalidArgument, action.chat.usage_key);
  switch (action.param) {
    case DecisionParam::kNone:
      return args;
    case DecisionParam::kFields: {
      auto [word, value] = [&] {
        const std::string t = TrimText(rest);
        size_t end = 0;
        while (end < t.size() && t[end] != ' ' && t.compare(end, 3, "\u3000") != 0) ++end;
        return std::make_pair(t.substr(0, end), TrimText(t.substr(end)));
      }();
      if (word.empty() || value.empty()) return usage;
      LINLI_RETURN_IF_ERROR(ReadField(deps, word, value, args.draft));
      return args;
    }
    case DecisionParam::kInvitee: {
      const auto words = ChatWords(rest);
      if (words.size() != 1) return usage;
      args.invitee = words[0];
      return args;
    }
    case DecisionParam::kPaper: {
      const auto words = ChatWords(rest);
      if (words.size() != 2) return usage;
      args.household = words[0];
      args.choice = words[1];
      return args;
    }
  }
  return args;
}

StatusOr<DraftInput> DraftFromJson(const Deps& deps, const json& body) {
  DraftInput d;
  auto str = [&](const char* key, std::optional<std::string>& out) -> Status {
    auto it = body.find(key);
    if (it == body.end()) return Status::Ok();
    if (!it->is_string()) return Status::InvalidArgument(std::string("bad field: ") + key);
    out = it->get<std::string>();
    return Status::Ok();
  };
  auto flag = [&](const char* key, std::optional<bool>& out) -> Status {
    auto it = body.find(key);
    if (it == body.end()) return Status::Ok();
    if (!it->is_boolean()) return Status::InvalidArgument(std::string("bad field: ") + key);
    out = it->get<bool>();
    return Status::Ok();
  };
  auto when = [&](const char* key, std::optional<int64_t>& out) -> Status {
    auto it = body.find(key);
    if (it == body.end()) return Status::Ok();
    if (it->is_number_integer()) {
      out = it->get<int64_t>();
    } else if (it->is_string()) {
      auto t = ParseTime(deps, it->get<std::string>());
      if (!t) return Status::InvalidArgument(std::string("bad field: ") + key);
      out = *t;
    } else {
      return Status::InvalidArgument(std::string("bad field: ") + key);
    }
    return Status::Ok();
  };
  LINLI_RETURN_IF_ERROR(str("kind", d.kind));
  LINLI_RETURN_IF_ERROR(str("title", d.title));
  LINLI_RETURN_IF_ERROR(str("body", d.body));
  LINLI_RETURN_IF_ERROR(str("matter", d.matter));
  LINLI_RETURN_IF_ERROR(str("period", d.period));
  LINLI_RETURN_IF_ERROR(flag("per_person", d.per_person));
  LINLI_RETURN_IF_ERROR(flag("secret", d.secret));
  LINLI_RETURN_IF_ERROR(flag("on_board", d.on_board));
  LINLI_RETURN_IF_ERROR(when("opens_at", d.opens_at_ms));
  LINLI_RETURN_IF_ERROR(when("closes_at", d.closes_at_ms));
  if (auto it = body.find("min_turnout_percent"); it != body.end()) {
    if (!it->is_number_integer()) return Status::InvalidArgument("bad field: min_turnout_percent");
    d.min_turnout_percent = it->get<int>();
  }
  bool bad = false;
  d.buildings = StringArray(body, "buildings", &bad);
  if (bad) return Status::InvalidArgument("bad field: buildings");
  d.options = StringArray(body, "options", &bad);
  if (bad) return Status::InvalidArgument("bad field: options");
  if (auto it = body.find("questions"); it != body.end()) {
    if (!it->is_array()) return Status::InvalidArgument("bad field: questions");
    std::vector<storage::DecisionQuestion> qs;
    for (const auto& q : *it) {
      if (!q.is_object()) return Status::InvalidArgument("bad field: questions");
      storage::DecisionQuestion dq;
      auto kind = GetString(q, "kind");
      auto text = GetString(q, "text");
      if (!kind || !text) return Status::InvalidArgument("bad field: questions");
      dq.kind = *kind;
      dq.text = *text;
      auto labels = StringArray(q, "options", &bad);
      if (bad) return Status::InvalidArgument("bad field: questions");
      if (labels) {
        for (size_t i = 0; i < labels->size(); ++i) {
          dq.options.push_back({std::to_string(i + 1), (*labels)[i]});
        }
      }
      qs.push_back(std::move(dq));
    }
    d.questions = std::move(qs);
  }
  return d;
}

StatusOr<DecisionArgs> DecisionArgsFromJson(const Deps& deps, const DecisionAction& action,
                                            const json& body) {
  DecisionArgs args;
  switch (action.param) {
    case DecisionParam::kNone:
      break;
    case DecisionParam::kFields: {
      LINLI_ASSIGN_OR_RETURN(args.draft, DraftFromJson(deps, body));
      break;
    }
    case DecisionParam::kInvitee: {
      if (auto user = GetString(body, "user"); user && !user->empty()) {
        args.invitee = *user;
      } else if (auto id = GetInt64(body, "person_id"); id && *id > 0) {
        args.invitee = std::to_string(*id);
      } else {
        return Status::InvalidArgument("missing field: person_id");
      }
      break;
    }
    case DecisionParam::kPaper: {
      auto h = GetString(body, "household");
      auto c = GetString(body, "choice");
      if (!h || h->empty()) return Status::InvalidArgument("missing field: household");
      if (!c || c->empty()) return Status::InvalidArgument("missing field: choice");
      args.household = *h;
      args.choice = *c;
      break;
    }
  }
  return args;
}

std::optional<DecisionRefusal> DescribeDecisionRefusal(const config::Texts& texts,
                                                       const std::string& locale,
                                                       const Status& status) {
  const std::string key = DecisionService::ErrorKey(status);
  if (key.empty()) return std::nullopt;
  return DecisionRefusal{key, texts.Get(locale, key, DecisionService::ErrorArgs(status))};
}

}  // namespace linli::domain::decisions
