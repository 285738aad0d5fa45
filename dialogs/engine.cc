#include "dialogs/engine.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "domain/people/private_conversation.h"
#include "storage/card_store.h"
#include "storage/conversation_store.h"
#include "storage/identity_store.h"
#include "storage/question_store.h"

namespace linli::dialogs {

namespace {

using nlohmann::json;

// ASCII only, as std::tolower in the "C" locale, without its call per byte (a turn lowers
// every trigger it tries).
char AsciiLowerChar(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string AsciiLower(std::string s) {
  for (char& c : s) c = AsciiLowerChar(c);
  return s;
}

// Whether `lower` (already lowered) starts with `word` lowered.
bool StartsWithLowered(const std::string& lower, const std::string& word) {
  if (lower.size() < word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (lower[i] != AsciiLowerChar(word[i])) return false;
  }
  return true;
}

bool Contains(const std::vector<std::string>& words, const std::string& lower_text) {
  return std::find(words.begin(), words.end(), lower_text) != words.end();
}

std::string SlotsToJson(const Slots& slots) {
  json j = json::object();
  for (const auto& [k, v] : slots) j[k] = v;
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Slots SlotsFromJson(const std::string& text) {
  Slots slots;
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return slots;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.value().is_string()) slots[it.key()] = it.value().get<std::string>();
  }
  return slots;
}

// Button payloads of a step's options are "s:<step>:<value>", so a button tapped on an old
// message is recognised instead of being taken as an answer to the current step.
std::string StepPayload(const std::string& step, const std::string& value) {
  return "s:" + step + ":" + value;
}

bool ParseStepPayload(const std::string& payload, std::string* step, std::string* value) {
  if (payload.rfind("s:", 0) != 0) return false;
  const size_t colon = payload.find(':', 2);
  if (colon == std::string::npos) return false;
  *step = payload.substr(2, colon - 2);
  *value = payload.substr(colon + 1);
  return true;
}

// Parses "1", "１", "1.", "1、", "(1)" as a 1-based number; 0 if it is not one.
int ParseChoiceNumber(const std::string& text) {
  std::string digits;
  size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= '0' && c <= '9') {
      digits.push_back(static_cast<char>(c));
      ++i;
    } else if (c == 0xEF && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0xBC &&
               static_cast<unsigned char>(text[i + 2]) >= 0x90 &&
               static_cast<unsigned char>(text[i + 2]) <= 0x99) {
      digits.push_back(static_cast<char>('0' + (static_cast<unsigned char>(text[i + 2]) - 0x90)));
      i += 3;
    } else if (c == '.' || c == '(' || c == ')' || c == ' ') {
      ++i;
    } else if (text.compare(i, 3, "、") == 0) {
      i += 3;
    } else {
      return 0;
    }
  }
  if (digits.empty() || digits.size() > 3) return 0;
  return std::stoi(digits);
}

}  // namespace

int MatchOption(const std::string& input, const std::vector<std::string>& payloads,
                const std::vector<std::string>& labels) {
  for (size_t i = 0; i < payloads.size(); ++i) {
    if (payloads[i] == input) return static_cast<int>(i);
  }
  const int n = ParseChoiceNumber(input);
  if (n >= 1 && static_cast<size_t>(n) <= labels.size()) return n - 1;
  const std::string lower = AsciiLower(input);
  for (size_t i = 0; i < labels.size(); ++i) {
    if (AsciiLower(labels[i]) == lower) return static_cast<int>(i);
  }
  return -1;
}

const std::vector<std::string>& HelpTriggers() {
  static const auto* const k = new std::vector<std::string>{"/help", "帮助", "help", "?", "？"};
  return *k;
}
const std::vector<std::string>& CancelTriggers() {
  static const auto* const k = new std::vector<std::string>{"/cancel", "取消", "cancel", "退出"};
  return *k;
}
const std::vector<std::string>& MenuTriggers() {
  static const auto* const k =
      new std::vector<std::string>{"/menu", "菜单", "menu", "/start", "你好", "您好", "hi", "hello"};
  return *k;
}
const std::vector<std::string>& SkipWords() {
  static const auto* const k = new std::vector<std::string>{"跳过", "skip", "/skip", "无", "没有"};
  return *k;
}

const Attachment* UserInput::Find(Attachment::Kind kind) const {
  for (const auto& a : attachments) {
    if (a.kind == kind) return &a;
  }
  return nullptr;
}

bool TurnContext::is_staff() const {
  if (person_.role == "staff" || person_.role == "admin") return true;
  for (const auto& s : config().staff) {
    if (s.channel == in_.conversation.channel && s.user_id == in_.conversation.user_id) {
      return true;
    }
  }
  return false;
}

void TurnContext::Reply(std::string text, std::vector<Choice> choices) {
  OutboundMessage m;
  m.to = in_.conversation;
  m.text = std::move(text);
  m.choices = std::move(choices);
  replies_.push_back(std::move(m));
}

Status ValidateFlows(const std::vector<FlowSpec>& flows) {
  std::set<std::string> names;
  std::set<std::string> triggers;
  std::set<std::string> card_kinds;
  std::set<std::string> question_kinds;
  std::set<EventKind> events;
  for (const auto* global : {&HelpTriggers(), &CancelTriggers(), &MenuTriggers()}) {
    for (const auto& t : *global) triggers.insert(AsciiLower(t));
  }
  for (const auto& flow : flows) {
    if (flow.name.empty()) return Status::InvalidArgument("a flow has no name");
    if (!names.insert(flow.name).second) {
      return Status::InvalidArgument("flow \"" + flow.name + "\" is declared twice");
    }
    const EntryPoints& entry = flow.entry;
    const bool has_entry =
        !entry.card_kinds.empty() || !entry.question_kinds.empty() || !entry.events.empty();
    if (flow.triggers.empty() && !has_entry) {
      return Status::InvalidArgument("flow \"" + flow.name + "\" has no trigger");
    }
    if (has_entry && !flow.on_entry) {
      return Status::InvalidArgument("flow \"" + flow.name + "\" has entry points but no on_entry");
    }
    for (const auto& k : entry.card_kinds) {
      if (k.empty() || !card_kinds.insert(k).second) {
        return Status::InvalidArgument("flow \"" + flow.name + "\": card kind \"" + k +
                                       "\" is empty or declared by another flow");
      }
    }
    for (const auto& k : entry.question_kinds) {
      if (k.empty() || !question_kinds.insert(k).second) {
        return Status::InvalidArgument("flow \"" + flow.name + "\": question kind \"" + k +
                                       "\" is empty or declared by another flow");
      }
    }
    for (EventKind e : entry.events) {
      if (e == EventKind::kNone || !events.insert(e).second) {
        return Status::InvalidArgument("flow \"" + flow.name + "\": event \"" +
                                       std::string(EventKindName(e)) +
                                       "\" is none or declared by another flow");
      }
    }
    for (const auto& t : flow.triggers) {
      if (!triggers.insert(AsciiLower(t)).second) {
        return Status::InvalidArgument("flow \"" + flow.name + "\": trigger \"" + t +
                                       "\" collides with another flow or a global command");
      }
    }
    if (flow.steps.empty()) {
      if (!flow.triggers.empty() && !flow.on_start) {
        return Status::InvalidArgument("flow \"" + flow.name + "\" has neither steps nor on_start");
      }
      continue;
    }
    if (!flow.on_complete) {
      return Status::InvalidArgument("flow \"" + flow.name + "\" has steps but no on_complete");
    }
    std::set<std::string> steps;
    for (const auto& step : flow.steps) {
      if (step.name.empty() || step.name.find(':') != std::string::npos) {
        return Status::InvalidArgument("flow \"" + flow.name + "\": a step has an invalid name");
      }
      if (!steps.insert(step.name).second) {
        return Status::InvalidArgument("flow \"" + flow.name + "\": step \"" + step.name +
                                       "\" is declared twice");
      }
    }
    for (const auto& step : flow.steps) {
      const std::string where = "flow \"" + flow.name + "\", step \"" + step.name + "\": ";
      if (!step.next.empty() && steps.count(step.next) == 0) {
        return Status::InvalidArgument(where + "next step \"" + step.next + "\" does not exist");
      }
      for (const auto& target : step.may_goto) {
        if (steps.count(target) == 0) {
          return Status::InvalidArgument(where + "goto step \"" + target + "\" does not exist");
        }
      }
      if (step.route && step.may_goto.empty()) {
        return Status::InvalidArgument(where + "a route needs may_goto");
      }
      if (step.prompt_key.empty()) return Status::InvalidArgument(where + "no prompt");
      switch (step.input) {
        case InputKind::kChoice:
          if (!step.options || step.slot.empty()) {
            return Status::InvalidArgument(where + "a choice step needs options and a slot");
          }
          break;
        case InputKind::kText:
          if (!step.accept) return Status::InvalidArgument(where + "a text step needs accept");
          break;
        case InputKind::kConfirm:
          if (!step.next.empty() || !step.may_goto.empty()) {
            return Status::InvalidArgument(where + "a confirm step completes the flow; no next");
          }
          break;
      }
    }
  }
  // Last, so the structural problems above are reported first.
  for (const auto& flow : flows) {
    if (flow.where == Where::kUndeclared) {
      return Status::InvalidArgument("flow \"" + flow.name +
                                     "\" does not declare where it runs (private only or anywhere)");
    }
    if (flow.private_when && flow.where != Where::kAnywhere) {
      return Status::InvalidArgument("flow \"" + flow.name + "\": private_when needs kAnywhere");
    }
  }
  return Status::Ok();
}

StatusOr<std::unique_ptr<Engine>> Engine::Create(const domain::Deps& services,
                                                 std::vector<FlowSpec> flows) {
  LINLI_RETURN_IF_ERROR(ValidateFlows(flows));
  return std::unique_ptr<Engine>(new Engine(services, std::move(flows)));
}

Engine::Engine(const domain::Deps& services, std::vector<FlowSpec> flows)
    : services_(services), flows_(std::move(flows)) {}

const FlowSpec* Engine::FindFlow(const std::string& name) const {
  for (const auto& f : flows_) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

const StepSpec* Engine::FindStep(const FlowSpec& flow, const std::string& name) const {
  for (const auto& s : flow.steps) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

const FlowSpec* Engine::MatchTrigger(const std::string& text, std::string* args) const {
  const std::string lower = AsciiLower(text);
  for (const auto& flow : flows_) {
    for (const auto& trigger : flow.triggers) {
      if (!StartsWithLowered(lower, trigger)) continue;
      if (lower.size() == trigger.size()) {
        args->clear();
        return &flow;
      }
      // The trigger must end a word: followed by a space, '#', or a digit ("进度12").
      const unsigned char next = static_cast<unsigned char>(lower[trigger.size()]);
      if (std::isspace(next) || next == '#' || std::isdigit(next)) {
        *args = TrimText(text.substr(trigger.size()));
        if (!args->empty() && (*args)[0] == '#') *args = TrimText(args->substr(1));
        return &flow;
      }
    }
  }
  return nullptr;
}

std::string Engine::PickLocale(const InboundMessage& in, const storage::Person& person,
                               const std::string& state_locale) const {
  const auto known = [&](const std::string& l) {
    const auto ls = services_.texts.locales();
    return !l.empty() && std::find(ls.begin(), ls.end(), l) != ls.end();
  };
  if (known(state_locale)) return state_locale;
  if (known(person.locale)) return person.locale;
  if (in.language.rfind("en", 0) == 0 && known("en")) return "en";
  if (in.language.rfind("zh", 0) == 0 && known("zh-CN")) return "zh-CN";
  return services_.config.locale;
}

void Engine::SendMenu(TurnContext& ctx, const std::string& intro_key) const {
  std::vector<Choice> choices;
  for (const auto& flow : flows_) {
    if (flow.menu_label_key.empty()) continue;
    choices.push_back({ctx.T(flow.menu_label_key), flow.triggers.front()});
  }
  choices.push_back({ctx.T("menu.help"), HelpTriggers().front()});
  ctx.Reply(ctx.T(intro_key, {{"compound", services_.config.compound.name}}), std::move(choices));
}

std::vector<Choice> Engine::ChoicesFor(const TurnContext& ctx, const StepSpec& step) const {
  std::vector<Choice> choices;
  switch (step.input) {
    case InputKind::kChoice:
      for (const auto& o : step.options(ctx)) {
        choices.push_back({ctx.T(o.label_key), StepPayload(step.name, o.value)});
      }
      break;
    case InputKind::kConfirm:
      choices.push_back({ctx.T("dialog.confirm"), StepPayload(step.name, "confirm")});
      choices.push_back({ctx.T("dialog.cancel"), StepPayload(step.name, "cancel")});
      break;
    case InputKind::kText:
      if (step.skippable) choices.push_back({ctx.T("dialog.skip"), StepPayload(step.name, "skip")});
      break;
  }
  return choices;
}

void Engine::Prompt(TurnContext& ctx, const StepSpec& step, const Slots& slots,
                    const std::string& hint) const {
  TextArgs args;
  if (step.prompt_args) args = step.prompt_args(ctx, slots);
  std::string text = ctx.T(step.prompt_key, args);
  if (!hint.empty()) text = hint + "\n" + text;
  ctx.Reply(std::move(text), ChoicesFor(ctx, step));
}

StatusOr<std::string> Engine::Enter(TurnContext& ctx, const FlowSpec& flow, std::string step_name,
                                    Slots& slots) const {
  // Bounded by the number of steps: skip_if chains cannot loop past the end.
  for (size_t guard = 0; guard <= flow.steps.size(); ++guard) {
    if (step_name.empty()) {
      LINLI_RETURN_IF_ERROR(flow.on_complete(ctx, slots));
      return std::string();
    }
    const StepSpec* step = FindStep(flow, step_name);
    if (step == nullptr) return Status::Internal("unknown step " + step_name);
    if (step->skip_if && step->skip_if(slots)) {
      step_name = step->next;
      continue;
    }
    if (step->private_only && ctx.in_group()) {
      // Its prompt would show the group what is personal: the flow ends here, unsaved.
      ReplyPrivateOnly(ctx, flow);
      slots.clear();
      return std::string();
    }
    Prompt(ctx, *step, slots, "");
    return step_name;
  }
  return Status::Internal("flow " + flow.name + " loops through skipped steps");
}

OutboundMessage Engine::Apology(const InboundMessage& in) const {
  OutboundMessage m;
  m.to = in.conversation;
  m.text = services_.texts.Get(services_.config.locale, "dialog.error");
  return m;
}

OutboundMessage Engine::Notice(const InboundMessage& in, std::string_view key) const {
  OutboundMessage m;
  m.to = in.conversation;
  const std::string locale =
      in.language.rfind("en", 0) == 0 && services_.texts.Has("en", key) ? "en" : services_.config.locale;
  m.text = services_.texts.Get(locale, key);
  return m;
}

// One turn's state, from LoadState to Save.
struct Engine::Turn {
  Turn(storage::Database& d, const InboundMessage& m, int64_t t) : db(d), in(m), now(t) {}
  storage::Database& db;
  const InboundMessage& in;
  const int64_t now;
  std::string key;     // the conversation's dialog-state key
  bool had_state = false;
  std::string locale;
  Slots slots;
  const FlowSpec* flow = nullptr;  // the flow the user is in (null = idle or expired)
  const StepSpec* step = nullptr;  // its current step
  bool expired = false;            // a flow was abandoned by the session timeout
  UserInput input;
  std::optional<storage::PendingQuestion> question;  // pending on this conversation
};

StatusOr<storage::Person> Engine::LoadState(Turn& turn) const {
  const InboundMessage& in = turn.in;
  LINLI_ASSIGN_OR_RETURN(storage::Person person,
                         storage::IdentityStore::Touch(turn.db, in.conversation, turn.now));
  turn.key = in.conversation.Key();
  LINLI_ASSIGN_OR_RETURN(std::optional<storage::DialogState> loaded,
                         storage::ConversationStore::Load(turn.db, turn.key));
  turn.had_state = loaded.has_value();
  storage::DialogState state = loaded.value_or(storage::DialogState{});
  turn.locale = PickLocale(in, person, state.locale);
  turn.slots = SlotsFromJson(state.slots_json.empty() ? "{}" : state.slots_json);
  turn.flow = state.flow.empty() ? nullptr : FindFlow(state.flow);
  turn.step = turn.flow ? FindStep(*turn.flow, state.step) : nullptr;
  if (turn.flow != nullptr && turn.step == nullptr) turn.flow = nullptr;  // changed by a deploy
  const int64_t timeout_ms =
      static_cast<int64_t>(services_.config.dialog.session_timeout_minutes) * 60 * 1000;
  if (turn.flow != nullptr && turn.now - state.updated_at_ms > timeout_ms) {
    turn.expired = true;
    turn.flow = nullptr;
    turn.step = nullptr;
  }
  if (in.kind != InboundKind::kEvent) {
    LINLI_ASSIGN_OR_RETURN(turn.question,
                           storage::QuestionStore::Pending(turn.db, turn.key, turn.now));
  }
  turn.input.from_button = in.kind == InboundKind::kButton;
  turn.input.text = TrimText(turn.input.from_button ? in.payload : in.text);
  turn.input.attachments = in.attachments;
  return person;
}

Status Engine::Save(const Turn& turn, const Outcome& outcome) const {
  // The next message after a push answers its question or drops it (events do neither).
  if (turn.question && !outcome.answered) {
    // Only the question this turn saw: one asked by this turn itself stays.
    LINLI_RETURN_IF_ERROR(
        storage::QuestionStore::Drop(turn.db, turn.key, turn.question->asked_at_ms + 1));
  }
  if (outcome.keep_state) return Status::Ok();
  if (outcome.flow == nullptr || outcome.step.empty()) {
    if (turn.had_state) return storage::ConversationStore::Clear(turn.db, turn.key);
    return Status::Ok();
  }
  storage::DialogState next;
  next.flow = outcome.flow->name;
  next.step = outcome.step;
  next.slots_json = SlotsToJson(turn.slots);
  next.locale = turn.locale;
  next.updated_at_ms = turn.now;
  return storage::ConversationStore::Save(turn.db, turn.key, next);
}

StatusOr<std::vector<OutboundMessage>> Engine::HandleTurn(storage::Database& db,
                                                          const InboundMessage& in) {
  Turn turn(db, in, services_.clock.NowMillis());
  LINLI_ASSIGN_OR_RETURN(storage::Person person, LoadState(turn));
  TurnContext ctx(db, services_, in, std::move(person), turn.locale);
  LINLI_ASSIGN_OR_RETURN(Outcome outcome, Dispatch(ctx, turn));
  LINLI_RETURN_IF_ERROR(Save(turn, outcome));
  return ctx.TakeReplies();
}

bool Engine::PrivateHere(const TurnContext& ctx, const FlowSpec& flow,
                         const std::string& args) const {
  if (!ctx.in_group()) return false;
  if (flow.where == Where::kPrivateOnly) return true;
  return flow.private_when && flow.private_when(ctx, args);
}

void Engine::ReplyPrivateOnly(TurnContext& ctx, const FlowSpec& flow) const {
  // The start parameter names the flow: tapped, the private chat starts it (StartParameter).
  const auto url = domain::PrivateChatUrl(ctx.config(), ctx.in().conversation, flow.name);
  ctx.Reply(url ? ctx.T("dialog.private_only_link", {{"url", *url}}) : ctx.T("dialog.private_only"));
}

bool Engine::RefuseHere(TurnContext& ctx, const FlowSpec& flow, const std::string& args) const {
  if (!PrivateHere(ctx, flow, args)) return false;
  ReplyPrivateOnly(ctx, flow);
  return true;
}

void Engine::StartParameter(const TurnContext& ctx, Turn& turn) const {
  if (ctx.in_group()) return;
  const std::string lower = AsciiLower(turn.input.text);
  const std::string prefix = "/start ";
  if (lower.rfind(prefix, 0) != 0) return;
  const FlowSpec* flow = FindFlow(TrimText(turn.input.text.substr(prefix.size())));
  if (flow != nullptr && !flow->triggers.empty()) turn.input.text = flow->triggers.front();
}

StatusOr<Engine::Outcome> Engine::Dispatch(TurnContext& ctx, Turn& turn) const {
  // A private-only flow left running in a group (state from before a deploy) is not resumed
  // there: the message goes on as in an idle conversation, and Save drops the state.
  if (turn.flow != nullptr &&
      (PrivateHere(ctx, *turn.flow, "") || (ctx.in_group() && turn.step->private_only))) {
    turn.flow = nullptr;
    turn.step = nullptr;
  }
  StartParameter(ctx, turn);
  if (turn.in.kind == InboundKind::kEvent) {
    LINLI_ASSIGN_OR_RETURN(std::optional<Outcome> handled, HandleEvent(ctx, turn));
    if (handled) return *handled;
  }
  if (turn.expired) ctx.Reply(ctx.T("dialog.expired"));
  if (std::optional<Outcome> handled = GlobalCommand(ctx, turn)) return *handled;
  LINLI_ASSIGN_OR_RETURN(std::optional<Outcome> picked, PickFlow(ctx, turn));
  if (picked) return *picked;
  if (turn.flow == nullptr) {
    if (!turn.expired) ctx.Reply(ctx.T("dialog.unknown"));
    SendMenu(ctx, "menu.intro");
    return Outcome::Idle();
  }
  return JudgeStep(ctx, turn);
}

StatusOr<std::optional<Engine::Outcome>> Engine::HandleEvent(TurnContext& ctx, Turn& turn) const {
  const InboundMessage& in = turn.in;
  for (const auto& flow : flows_) {
    const auto& events = flow.entry.events;
    if (std::find(events.begin(), events.end(), in.event) == events.end()) continue;
    Entry entry;
    entry.kind = Entry::Kind::kEvent;
    entry.ref = in.payload;
    entry.value = in.payload;
    entry.event = in.event;
    turn.slots.clear();
    LINLI_ASSIGN_OR_RETURN(Outcome o, RunEntry(ctx, turn, flow, entry));
    return std::optional<Outcome>(o);
  }
  if (in.event == EventKind::kSubscribe) {
    SendMenu(ctx, "event.welcome");
    return std::optional<Outcome>(Outcome::Idle());
  }
  if (in.event != EventKind::kClick && in.event != EventKind::kScan) {
    return std::optional<Outcome>(Outcome::Keep());  // nothing to say
  }
  turn.input.text = TrimText(in.payload);  // a menu key names a command, e.g. "/report"
  return std::optional<Outcome>();
}

std::optional<Engine::Outcome> Engine::GlobalCommand(TurnContext& ctx, Turn& turn) const {
  const std::string lower = AsciiLower(turn.input.text);
  if (Contains(CancelTriggers(), lower)) {
    ctx.Reply(ctx.T(turn.flow ? "dialog.cancelled" : "dialog.nothing_to_cancel"));
    SendMenu(ctx, "menu.intro");
    return Outcome::Idle();
  }
  if (Contains(HelpTriggers(), lower)) {
    ctx.Reply(ctx.T("help.text"));
    if (ctx.is_staff()) ctx.Reply(ctx.T("staff.help"));  // staff also see their commands
    if (turn.flow != nullptr) {
      Prompt(ctx, *turn.step, turn.slots, ctx.T("dialog.resume"));
      return Outcome::At(turn.flow, turn.step->name);
    }
    SendMenu(ctx, "menu.intro");
    return Outcome::Idle();
  }
  if (Contains(MenuTriggers(), lower)) {
    SendMenu(ctx, "menu.intro");
    return Outcome::Idle();
  }
  return std::nullopt;
}

StatusOr<std::optional<Engine::Outcome>> Engine::PickFlow(TurnContext& ctx, Turn& turn) const {
  const InboundMessage& in = turn.in;
  const UserInput& input = turn.input;
  // A reply to a card the database knows goes to the flow of that card kind.
  if (!in.reply_to.empty()) {
    const std::string& chat_id =
        in.conversation.chat_id.empty() ? in.conversation.user_id : in.conversation.chat_id;
    LINLI_ASSIGN_OR_RETURN(std::optional<storage::CardRef> card,
                           storage::CardStore::Find(turn.db, in.conversation.channel, chat_id,
                                                    in.reply_to));
    if (card) {
      if (const FlowSpec* flow = FlowForCard(card->kind)) {
        Entry entry;
        entry.kind = Entry::Kind::kCardReply;
        entry.name = card->kind;
        entry.ref = card->ref;
        entry.value = input.text;
        turn.slots.clear();
        LINLI_ASSIGN_OR_RETURN(Outcome o, RunEntry(ctx, turn, *flow, entry));
        return std::optional<Outcome>(o);
      }
    }
  }

  std::string args;
  const FlowSpec* triggered = MatchTrigger(input.text, &args);
  if (triggered == nullptr && turn.flow == nullptr && turn.question && !input.text.empty()) {
    // Idle after a push that asked something: its number, label or button answers it.
    LINLI_ASSIGN_OR_RETURN(std::optional<Outcome> answered, Answer(ctx, turn));
    if (answered) return answered;
  }
  if (triggered == nullptr && turn.flow == nullptr && !input.text.empty()) {
    // Idle: a number or a label picks from the main menu (WeChat has no buttons).
    std::vector<std::string> payloads;
    std::vector<std::string> labels;
    std::vector<const FlowSpec*> menu;
    for (const auto& f : flows_) {
      if (f.menu_label_key.empty()) continue;
      payloads.push_back(f.triggers.front());
      labels.push_back(ctx.T(f.menu_label_key));
      menu.push_back(&f);
    }
    const int picked = MatchOption(input.text, payloads, labels);
    if (picked >= 0) triggered = menu[picked];
  }
  if (triggered == nullptr) return std::optional<Outcome>();

  turn.slots.clear();
  if (RefuseHere(ctx, *triggered, args)) return std::optional<Outcome>(Outcome::Idle());
  if (triggered->refuse_start) {
    if (const std::string key = triggered->refuse_start(ctx); !key.empty()) {
      ctx.Reply(ctx.T(key));
      return std::optional<Outcome>(Outcome::Idle());
    }
  }
  if (triggered->steps.empty()) {
    LINLI_RETURN_IF_ERROR(triggered->on_start(ctx, args));
    return std::optional<Outcome>(Outcome::Idle());
  }
  LINLI_ASSIGN_OR_RETURN(std::string entered,
                         Enter(ctx, *triggered, triggered->steps.front().name, turn.slots));
  return std::optional<Outcome>(Outcome::At(triggered, entered));
}

StatusOr<std::optional<Engine::Outcome>> Engine::Answer(TurnContext& ctx, Turn& turn) const {
  const storage::PendingQuestion& q = *turn.question;
  const FlowSpec* flow = FlowForQuestion(q.kind);
  if (flow == nullptr) return std::optional<Outcome>();  // no flow answers it (any more)
  std::vector<std::string> payloads;
  std::vector<std::string> labels;
  for (const auto& o : q.options) {
    // An option without a button matches by number and label only.
    payloads.push_back(o.payload.empty() ? std::string("\x01") : o.payload);
    labels.push_back(o.label);
  }
  const int idx = MatchOption(turn.input.text, payloads, labels);
  if (idx < 0) return std::optional<Outcome>();
  Entry entry;
  entry.kind = Entry::Kind::kAnswer;
  entry.name = q.kind;
  entry.ref = q.ref;
  entry.value = q.options[static_cast<size_t>(idx)].value;
  turn.slots.clear();
  // Dropped first: the answering flow may ask a new question.
  LINLI_RETURN_IF_ERROR(storage::QuestionStore::Drop(turn.db, turn.key, q.asked_at_ms + 1));
  LINLI_ASSIGN_OR_RETURN(Outcome o, RunEntry(ctx, turn, *flow, entry));
  o.answered = true;
  return std::optional<Outcome>(o);
}

StatusOr<Engine::Outcome> Engine::RunEntry(TurnContext& ctx, Turn& turn, const FlowSpec& flow,
                                           const Entry& entry) const {
  if (RefuseHere(ctx, flow, entry.value)) return Outcome::Idle();
  LINLI_ASSIGN_OR_RETURN(std::string step, flow.on_entry(ctx, entry, turn.slots));
  if (step.empty()) return Outcome::Idle();
  if (FindStep(flow, step) == nullptr) {
    return Status::Internal("flow " + flow.name + ": entry point chose unknown step " + step);
  }
  LINLI_ASSIGN_OR_RETURN(std::string entered, Enter(ctx, flow, step, turn.slots));
  return Outcome::At(&flow, entered);
}

StatusOr<Engine::Outcome> Engine::JudgeStep(TurnContext& ctx, Turn& turn) const {
  const FlowSpec* flow = turn.flow;
  const StepSpec* step = turn.step;
  Slots& slots = turn.slots;
  UserInput& input = turn.input;
  if (input.from_button) {
    std::string button_step;
    std::string value;
    if (ParseStepPayload(input.text, &button_step, &value)) {
      if (button_step != step->name) {
        Prompt(ctx, *step, slots, ctx.T("dialog.stale_button"));
        return Outcome::At(flow, step->name);
      }
      input.text = value;
    }
  }
  const std::string input_lower = AsciiLower(input.text);
  StepVerdict verdict;
  switch (step->input) {
    case InputKind::kChoice: {
      std::vector<std::string> values;
      std::vector<std::string> labels;
      for (const auto& o : step->options(ctx)) {
        values.push_back(o.value);
        labels.push_back(ctx.T(o.label_key));
      }
      const int idx = MatchOption(input.text, values, labels);
      if (idx < 0) {
        verdict = StepVerdict::Reject("dialog.invalid_choice");
      } else {
        slots[step->slot] = values[idx];
        verdict = StepVerdict::Accept();
      }
      break;
    }
    case InputKind::kConfirm: {
      const int idx = MatchOption(input_lower, {"confirm", "cancel"},
                                  {ctx.T("dialog.confirm"), ctx.T("dialog.cancel")});
      const bool yes = idx == 0 || input_lower == "yes" || input_lower == "y" ||
                       input.text == "是" || input.text == "确认" || input.text == "提交";
      const bool no = idx == 1 || input_lower == "no" || input_lower == "n" || input.text == "否";
      if (no) {
        ctx.Reply(ctx.T("dialog.cancelled"));
        SendMenu(ctx, "menu.intro");
        return Outcome::Idle();
      }
      verdict = yes ? StepVerdict::Accept() : StepVerdict::Reject("dialog.confirm_hint");
      break;
    }
    case InputKind::kText:
      // The skip choice is shown numbered ("1. 跳过"), so its number skips too.
      if (step->skippable && (Contains(SkipWords(), input_lower) ||
                              MatchOption(input.text, {"skip"}, {ctx.T("dialog.skip")}) == 0)) {
        if (!step->slot.empty()) slots[step->slot] = "";
        verdict = StepVerdict::Accept();
      } else {
        verdict = step->accept(ctx, input, slots);
      }
      break;
  }

  if (!verdict.accepted) {
    Prompt(ctx, *step, slots, ctx.T(verdict.hint_key, verdict.hint_args));
    return Outcome::At(flow, step->name);
  }
  LINLI_ASSIGN_OR_RETURN(std::string next, NextStep(ctx, *flow, *step, verdict, slots));
  LINLI_ASSIGN_OR_RETURN(std::string entered, Enter(ctx, *flow, next, slots));
  return Outcome::At(flow, entered);
}

StatusOr<std::string> Engine::NextStep(const TurnContext& ctx, const FlowSpec& flow,
                                       const StepSpec& step, const StepVerdict& verdict,
                                       const Slots& slots) const {
  if (step.input == InputKind::kConfirm) return std::string();
  std::string chosen = verdict.goto_step;
  if (chosen.empty() && step.route) chosen = step.route(ctx, slots);
  if (chosen.empty()) return step.next;
  if (std::find(step.may_goto.begin(), step.may_goto.end(), chosen) == step.may_goto.end()) {
    return Status::Internal("flow " + flow.name + ", step " + step.name + ": goto \"" + chosen +
                            "\" is not in may_goto");
  }
  return chosen;
}

const FlowSpec* Engine::FlowForCard(const std::string& kind) const {
  for (const auto& f : flows_) {
    if (Contains(f.entry.card_kinds, kind)) return &f;
  }
  return nullptr;
}

const FlowSpec* Engine::FlowForQuestion(const std::string& kind) const {
  for (const auto& f : flows_) {
    if (Contains(f.entry.question_kinds, kind)) return &f;
  }
  return nullptr;
}

}  // namespace linli::dialogs
