#include "domain/wishes/wish_service.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "bot/text.h"
#include "domain/common/durations.h"
#include "domain/common/known_names.h"
#include "domain/common/location.h"
#include "domain/common/masking.h"
#include "domain/common/time_format.h"
#include "domain/common/user_error.h"
#include "domain/people/building_heads.h"
#include "domain/people/private_conversation.h"
#include "domain/tickets/authority.h"
#include "domain/volunteers/notice.h"
#include "domain/volunteers/volunteers.h"
#include "domain/wishes/public_wish.h"
#include "domain/wishes/wish_rules.h"
#include "storage/card_store.h"
#include "storage/identity_store.h"
#include "storage/outbox_store.h"
#include "storage/points_store.h"
#include "storage/question_store.h"
#include "storage/roster_store.h"

namespace linli::domain {

namespace {

using storage::ClaimStatus;
using storage::Wish;
using storage::WishStatus;
using storage::WishStore;

constexpr int kWishTickBatch = 100;

// A user-facing error: the message is "<text key>;name=value;..." (see ErrorKey).
StatusOr<Wish> LoadWish(storage::Database& db, int64_t number) {
  LINLI_ASSIGN_OR_RETURN(auto w, WishStore::Find(db, number));
  if (!w) return UserError(StatusCode::kNotFound, "wish.not_found", {{"number", std::to_string(number)}});
  return *w;
}

Status BadState(const Wish& w) {
  return UserError(StatusCode::kFailedPrecondition, "wish.bad_state",
                   {{"number", std::to_string(w.number)}, {"status", storage::NameOf(w.status)}});
}

// The acting staff member's name; kPermissionDenied "wish.denied" for anyone not staff.
StatusOr<std::string> RequireWishStaff(storage::Database& db, const Deps& s, const Actor& actor) {
  LINLI_ASSIGN_OR_RETURN(auto standing, StandingOf(db, s.config, actor));
  if (!standing) return UserError(StatusCode::kPermissionDenied, "wish.denied");
  return standing->name;
}

Status Event(storage::Database& db, const Wish& w, const std::string& kind, int64_t actor_person,
             const std::string& actor_name, const std::string& note, int64_t now_ms) {
  return WishStore::AddEvent(db, {0, w.number, kind, actor_person, actor_name, note, now_ms});
}

struct WishRecipient {
  ConversationRef to;
  std::string locale;
};

bool KnownWishLocale(const Deps& s, const std::string& locale) {
  const auto ls = s.texts.locales();
  return !locale.empty() && std::find(ls.begin(), ls.end(), locale) != ls.end();
}

// The person's private conversation (where they were seen last), in their language.
StatusOr<std::optional<WishRecipient>> PersonRecipient(storage::Database& db, const Deps& s,
                                                   int64_t person_id) {
  if (person_id <= 0) return std::optional<WishRecipient>();
  LINLI_ASSIGN_OR_RETURN(auto identity, storage::IdentityStore::LastUsedIdentity(db, person_id));
  if (!identity) return std::optional<WishRecipient>();
  LINLI_ASSIGN_OR_RETURN(auto person, storage::IdentityStore::FindPerson(db, person_id));
  std::string locale = s.config.locale;
  if (person && KnownWishLocale(s, person->locale)) locale = person->locale;
  return std::optional<WishRecipient>(WishRecipient{PrivateRef(*identity), locale});
}

// Who hears about the wish on the requester's side: the requester when the bot can reach
// them, else the staff member who posted it for them.
StatusOr<std::optional<WishRecipient>> RequesterSide(storage::Database& db, const Deps& s,
                                                 const Wish& w) {
  LINLI_ASSIGN_OR_RETURN(auto r, PersonRecipient(db, s, w.requester_person_id));
  if (r) return r;
  return PersonRecipient(db, s, w.posted_by_person_id);
}

Status Push(storage::Database& db, const WishRecipient& r, std::string text, int64_t number,
            int64_t now_ms, std::vector<Choice> choices = {}) {
  OutboundMessage m;
  m.to = r.to;
  m.text = std::move(text);
  m.choices = std::move(choices);
  m.notice = "wish_status";
  m.notice_fields = {{"number", std::to_string(number)}};
  return storage::OutboxStore::Enqueue(db, m, now_ms).status();
}

// Pushes text `key` (args + number) to `person_id`, if the bot can reach them.
Status PushTo(storage::Database& db, const Deps& s, int64_t person_id, const std::string& key,
              config::TextArgs args, int64_t number, int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(auto r, PersonRecipient(db, s, person_id));
  if (!r) return Status::Ok();
  args["number"] = std::to_string(number);
  return Push(db, *r, s.texts.Get(r->locale, key, args), number, now_ms);
}

Status PushRequesterSide(storage::Database& db, const Deps& s, const Wish& w,
                         const std::string& key, config::TextArgs args, int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(auto r, RequesterSide(db, s, w));
  if (!r) return Status::Ok();
  args["number"] = std::to_string(w.number);
  return Push(db, *r, s.texts.Get(r->locale, key, args), w.number, now_ms);
}

// Display names of the helpers holding the wish (active, done or confirmed claims).
StatusOr<std::vector<std::string>> Holders(storage::Database& db, int64_t number) {
  LINLI_ASSIGN_OR_RETURN(auto claims,
                         WishStore::Claims(db, number, {ClaimStatus::kActive, ClaimStatus::kDone,
                                                        ClaimStatus::kConfirmed}));
  std::vector<std::string> out;
  for (const auto& c : claims) {
    LINLI_ASSIGN_OR_RETURN(std::string name, VolunteerDisplayName(db, c.person_id));
    out.push_back(std::move(name));
  }
  return out;
}

ConversationRef WishGroupRef(const std::string& channel, const std::string& chat_id) {
  return {channel, chat_id, chat_id, ChatType::kGroup};
}

// Tells every staff member privately that wish `w` waits for review (通过 N / 驳回 N 原因):
// its number, category and building - the review itself shows the rest (心愿管理).
Status TellReviewers(storage::Database& db, const Deps& s, const Wish& w, int64_t now_ms) {
  // The staff of the config (once they have written to the bot or were synced at start) and
  // those granted the role in the database.
  std::vector<int64_t> staff;
  for (const auto& m : s.config.staff) {
    LINLI_ASSIGN_OR_RETURN(auto id, storage::IdentityStore::FindIdentity(db, m.channel, m.user_id));
    if (id) staff.push_back(id->person_id);
  }
  LINLI_ASSIGN_OR_RETURN(storage::Rows granted,
                         db.Query("SELECT id FROM persons WHERE role IN ('staff', 'admin')"));
  for (const auto& row : granted) staff.push_back(row.Int(0));
  std::sort(staff.begin(), staff.end());
  staff.erase(std::unique(staff.begin(), staff.end()), staff.end());
  for (const int64_t person : staff) {
    LINLI_ASSIGN_OR_RETURN(std::string locale, PersonLocale(db, s, person));
    LINLI_RETURN_IF_ERROR(TellPerson(
        db, s, person, "wish.review_request",
        {{"number", std::to_string(w.number)},
         {"category", s.texts.Get(locale, "wish.category." + w.category)},
         {"building", w.building.empty() ? std::string("-")
                                         : FormatLocation(w.building, "", locale)}},
        now_ms));
  }
  return Status::Ok();
}

// Posts the card to every configured group that takes wishes of the wish's building. The
// outbox records each sent card (storage/card_store.h), so replies to it reach the wish flow.
Status PostCards(storage::Database& db, const Deps& s, const Wish& w, int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(std::string masked, PublicWishText(db, s, w));
  const std::string text = WishCardText(s, s.config.locale, w, masked, {});
  for (const auto& g : s.config.groups) {
    if (!g.Posts("wishes") || !g.Serves(w.building)) continue;
    OutboundMessage m;
    m.to = WishGroupRef(g.channel, g.chat_id);
    m.text = text;
    m.card_kind = kWishCardKind;
    m.card_ref = std::to_string(w.number);
    LINLI_RETURN_IF_ERROR(storage::OutboxStore::Enqueue(db, m, now_ms).status());
  }
  return Status::Ok();
}

// Updates the card in every group it went to: an edit of the recorded card (platforms that
// cannot edit get `follow_up_key` as one short post instead), or the short post where no card
// was recorded (a platform that returns no message id).
Status UpdateCards(storage::Database& db, const Deps& s, const Wish& w,
                   const std::string& follow_up_key, int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(std::string masked, PublicWishText(db, s, w));
  LINLI_ASSIGN_OR_RETURN(std::vector<std::string> holders, Holders(db, w.number));
  const std::string& l = s.config.locale;
  const std::string text = WishCardText(s, l, w, masked, holders);
  std::string names;
  for (const auto& h : holders) names += (names.empty() ? "" : "、") + h;
  const std::string follow_up = s.texts.Get(
      l, follow_up_key,
      {{"number", std::to_string(w.number)},
       {"names", names},
       {"count", std::to_string(static_cast<int64_t>(holders.size()))},
       {"helpers", std::to_string(w.helpers_needed)}});
  LINLI_ASSIGN_OR_RETURN(auto cards, storage::CardStore::ForRef(db, kWishCardKind, std::to_string(w.number)));
  for (const auto& g : s.config.groups) {
    if (!g.Posts("wishes") || !g.Serves(w.building)) continue;
    OutboundMessage m;
    m.to = WishGroupRef(g.channel, g.chat_id);
    m.text = follow_up;
    for (const auto& c : cards) {
      if (c.channel == g.channel && c.chat_id == g.chat_id) {
        m.text = text;
        m.edit_of = c.platform_message_id;
        m.follow_up = follow_up;
      }
    }
    LINLI_RETURN_IF_ERROR(storage::OutboxStore::Enqueue(db, m, now_ms).status());
  }
  return Status::Ok();
}

// The household's "3号楼2单元301".
std::string Address(const storage::Household& h) {
  return FormatLocation(h.building, h.unit, "zh-CN") + h.room;
}

// Fills building and the contact from the roster: the household the wish is for, or the
// requester's first bound household.
Status FillFromRoster(storage::Database& db, Wish& w) {
  std::optional<storage::Household> h;
  if (w.requester_household_id > 0) {
    LINLI_ASSIGN_OR_RETURN(h, storage::RosterStore::GetHousehold(db, w.requester_household_id));
    if (!h) {
      return UserError(StatusCode::kNotFound, "wish.no_household",
                       {{"household", std::to_string(w.requester_household_id)}});
    }
  } else if (w.requester_person_id > 0) {
    LINLI_ASSIGN_OR_RETURN(auto bindings, storage::RosterStore::BindingsOf(db, w.requester_person_id));
    if (!bindings.empty()) h = bindings.front().household;
  }
  if (!h) return Status::Ok();
  w.requester_household_id = h->id;
  w.building = h->building;
  if (w.contact_name.empty()) w.contact_name = h->owner_name;
  if (w.contact_phone.empty()) w.contact_phone = h->phone;
  if (w.contact_unit.empty()) w.contact_unit = Address(*h);
  return Status::Ok();
}

// Tells the claimer, privately, how to reach the requester.
Status SendContact(storage::Database& db, const Deps& s, const Wish& w, int64_t claimer,
                   int64_t now_ms) {
  auto dash = [](const std::string& v) { return v.empty() ? std::string("-") : v; };
  return PushTo(db, s, claimer, "wish.contact",
                {{"name", dash(w.contact_name)},
                 {"phone", dash(w.contact_phone)},
                 {"unit", dash(w.contact_unit)},
                 {"text", w.text},
                 {"deadline", dash(w.deadline)}},
                w.number, now_ms);
}

// Asks the requester (or the poster) to confirm a done wish: a pushed question answered by
// button, number or label.
Status AskConfirm(storage::Database& db, const Deps& s, const Wish& w,
                  const std::vector<std::string>& names, int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(auto r, RequesterSide(db, s, w));
  if (!r) return Status::Ok();
  const std::string& l = r->locale;
  std::string who;
  for (const auto& n : names) who += (who.empty() ? "" : "、") + n;
  const std::string text = s.texts.Get(
      l, "wish.confirm_ask",
      {{"number", std::to_string(w.number)}, {"names", who}, {"days", std::to_string(s.config.wishes.auto_confirm_days)}});
  storage::PendingQuestion q;
  q.conversation_key = r->to.Key();
  q.kind = kWishConfirmQuestion;
  q.ref = std::to_string(w.number);
  std::vector<Choice> choices;
  for (const char* v : {kWishConfirmYes, kWishConfirmNo}) {
    const std::string label = s.texts.Get(l, std::string("wish.confirm_") + v);
    const std::string payload = "/wishconfirm " + q.ref + " " + v;
    q.options.push_back({v, label, payload});
    choices.push_back({label, payload});
  }
  q.asked_at_ms = now_ms;
  q.expires_at_ms = now_ms + std::max(1, s.config.wishes.auto_confirm_days) * kDayMs;
  LINLI_RETURN_IF_ERROR(Push(db, *r, text, w.number, now_ms, std::move(choices)));
  return storage::QuestionStore::Ask(db, q);
}

// The rating question for wish `number`, recorded on `to_key`: 1..5 (in that order, so the
// number typed is the score) and 跳过, answered by button, number or label.
StatusOr<RateQuestion> RecordRateQuestion(storage::Database& db, const Deps& s, int64_t number,
                                          const std::string& to_key, const std::string& locale,
                                          int64_t now_ms) {
  storage::PendingQuestion q;
  q.conversation_key = to_key;
  q.kind = kWishRateQuestion;
  q.ref = std::to_string(number);
  RateQuestion out;
  out.text = s.texts.Get(locale, "wish.rate_ask", {{"number", std::to_string(number)}});
  for (const std::string v : {"1", "2", "3", "4", "5", kWishRateSkip}) {
    const std::string label = s.texts.Get(locale, "wish.rate_" + v);
    const std::string payload = "/wishrate " + q.ref + " " + v;
    q.options.push_back({v, label, payload});
    out.choices.push_back({label, payload});
  }
  q.asked_at_ms = now_ms;
  q.expires_at_ms = now_ms + std::max(1, s.config.wishes.auto_confirm_days) * kDayMs;
  LINLI_RETURN_IF_ERROR(storage::QuestionStore::Ask(db, q));
  return out;
}

// Pushes the rating question to the requester side (when staff confirmed for them).
Status PushRateQuestion(storage::Database& db, const Deps& s, const Wish& w, int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(auto r, RequesterSide(db, s, w));
  if (!r) return Status::Ok();
  LINLI_ASSIGN_OR_RETURN(RateQuestion q,
                         RecordRateQuestion(db, s, w.number, r->to.Key(), r->locale, now_ms));
  return Push(db, *r, std::move(q.text), w.number, now_ms, std::move(q.choices));
}

// Whether `actor` may confirm or dispute `w`: the requester, the poster, or staff. Returns the
// name recorded on the event.
StatusOr<std::string> RequireRequesterSide(storage::Database& db, const Deps& s,
                                           const Actor& actor, const Wish& w) {
  if (actor.trusted) return std::string("system");
  if (actor.person_id > 0 &&
      (actor.person_id == w.requester_person_id || actor.person_id == w.posted_by_person_id)) {
    LINLI_ASSIGN_OR_RETURN(auto standing, StandingOf(db, s.config, actor));
    return standing ? standing->name : std::string();
  }
  LINLI_ASSIGN_OR_RETURN(auto standing, StandingOf(db, s.config, actor));
  if (!standing) {
    return UserError(StatusCode::kPermissionDenied, "wish.not_requester", {{"number", std::to_string(w.number)}});
  }
  return standing->name;
}

// After a claim went away: claimed -> open while there is room again.
Status Reopen(storage::Database& db, Wish& w, int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(auto holding, WishStore::Claims(db, w.number, {ClaimStatus::kActive,
                                                                       ClaimStatus::kDone}));
  if (static_cast<int64_t>(holding.size()) < w.helpers_needed) {
    LINLI_ASSIGN_OR_RETURN(bool moved, WishStore::Transition(db, w.number, {WishStatus::kClaimed},
                                                             WishStatus::kOpen, now_ms));
    if (moved) w.status = WishStatus::kOpen;
  }
  return Status::Ok();
}

// Releases one active claim (放弃 or the release job) and updates the cards.
Status ReleaseClaim(storage::Database& db, const Deps& s, Wish& w, int64_t person_id,
                    const std::string& actor_name, const std::string& note, int64_t now_ms) {
  LINLI_RETURN_IF_ERROR(Reopen(db, w, now_ms));
  LINLI_RETURN_IF_ERROR(Event(db, w, "released", person_id, actor_name, note, now_ms));
  return UpdateCards(db, s, w, "wish.card_released", now_ms);
}

}  // namespace

std::string WishCardText(const Deps& s, const std::string& l, const Wish& w,
                         const std::string& masked_text, const std::vector<std::string>& holders) {
  std::string names;
  for (const auto& h : holders) names += (names.empty() ? "" : "、") + h;
  std::string text = s.texts.Get(
      l, "wish.card",
      {{"number", std::to_string(w.number)},
       {"category", s.texts.Get(l, "wish.category." + w.category)},
       {"building", w.building.empty() ? "-" : FormatLocation(w.building, "", l)},
       {"text", masked_text},
       {"deadline", w.deadline.empty() ? s.texts.Get(l, "wish.no_deadline") : w.deadline},
       {"helpers", std::to_string(w.helpers_needed)}});
  const config::TextArgs state = {{"names", names},
                                  {"count", std::to_string(static_cast<int64_t>(holders.size()))},
                                  {"helpers", std::to_string(w.helpers_needed)},
                                  {"number", std::to_string(w.number)}};
  switch (w.status) {
    case WishStatus::kOpen:
      text += "\n" + s.texts.Get(l, "wish.card_how", state);
      if (!holders.empty()) text += "\n" + s.texts.Get(l, "wish.card_state_partly", state);
      break;
    case WishStatus::kClaimed:
      text += "\n" + s.texts.Get(l, "wish.card_state_claimed", state);
      break;
    case WishStatus::kDone:
      text += "\n" + s.texts.Get(l, "wish.card_state_done", state);
      break;
    case WishStatus::kConfirmed:
      text += "\n" + s.texts.Get(l, "wish.card_state_confirmed", state);
      break;
    case WishStatus::kCancelled:
      text += "\n" + s.texts.Get(l, "wish.card_state_cancelled", state);
      break;
    default:
      break;
  }
  return text;
}

StatusOr<Wish> WishService::Post(storage::Database& db, const Deps& s, Actor actor,
                                 const WishDraft& d, int64_t now_ms) {
  if (actor.person_id <= 0 && !actor.trusted && actor.key_name.empty()) {
    return UserError(StatusCode::kPermissionDenied, "wish.denied");
  }
  const bool acting_for = d.for_person_id > 0 || d.for_household_id > 0 || actor.person_id <= 0;
  // 代许愿: staff for anyone; a building head only for their buildings (checked once the
  // requester's building is known, below).
  std::string actor_name;
  std::optional<HeadStanding> head;
  if (acting_for) {
    LINLI_ASSIGN_OR_RETURN(auto standing, StandingOf(db, s.config, actor));
    if (standing) {
      actor_name = standing->name;
    } else {
      LINLI_ASSIGN_OR_RETURN(head, BuildingHeadOf(db, s.config, actor));
      if (!head) return UserError(StatusCode::kPermissionDenied, "wish.denied");
      actor_name = head->name;
    }
  }
  if (acting_for && d.for_person_id <= 0 && d.for_household_id <= 0) {
    return UserError(StatusCode::kInvalidArgument, "wish.usage.for");
  }
  const auto& cats = s.config.wishes.categories;
  if (std::find(cats.begin(), cats.end(), d.category) == cats.end()) {
    return UserError(StatusCode::kInvalidArgument, "wish.bad_category");
  }
  const size_t n = CountChars(d.text);
  if (n < kMinWishChars || n > kMaxWishChars) {
    return UserError(StatusCode::kInvalidArgument, "wish.bad_text", {{"max", std::to_string(kMaxWishChars)}});
  }
  if (d.helpers_needed < 1 || d.helpers_needed > kMaxHelpers) {
    return UserError(StatusCode::kInvalidArgument, "wish.bad_helpers", {{"max", std::to_string(kMaxHelpers)}});
  }
  if (!d.deadline.empty() &&
      !ValidDeadline(d.deadline, FormatLocalTime(now_ms, s.config.timezone).substr(0, 10))) {
    return UserError(StatusCode::kInvalidArgument, "wish.bad_deadline", {{"date", d.deadline}});
  }
  Wish w;
  w.requester_person_id = acting_for ? d.for_person_id : actor.person_id;
  w.requester_household_id = d.for_household_id;
  w.posted_by_person_id = actor.person_id;
  if (w.requester_person_id > 0) {
    LINLI_ASSIGN_OR_RETURN(auto person, storage::IdentityStore::FindPerson(db, w.requester_person_id));
    if (!person) {
      return UserError(StatusCode::kNotFound, "wish.no_person", {{"person", std::to_string(w.requester_person_id)}});
    }
  }
  w.channel = d.channel;
  w.category = d.category;
  w.text = d.text;
  w.deadline = d.deadline;
  w.helpers_needed = d.helpers_needed;
  w.status = s.config.wishes.require_approval ? WishStatus::kPending : WishStatus::kOpen;
  w.created_at_ms = w.updated_at_ms = now_ms;
  LINLI_RETURN_IF_ERROR(FillFromRoster(db, w));
  if (head && !head->Serves(w.building)) {
    return UserError(StatusCode::kPermissionDenied, "wish.not_your_building");
  }
  LINLI_ASSIGN_OR_RETURN(w, WishStore::Create(db, w));
  LINLI_RETURN_IF_ERROR(Event(db, w, "posted", actor.person_id, actor_name,
                              acting_for ? "acting_for" : "", now_ms));
  if (w.status == WishStatus::kOpen) LINLI_RETURN_IF_ERROR(PostCards(db, s, w, now_ms));
  if (w.status == WishStatus::kPending) LINLI_RETURN_IF_ERROR(TellReviewers(db, s, w, now_ms));
  return w;
}

StatusOr<Wish> WishService::Approve(storage::Database& db, const Deps& s, Actor actor,
                                    int64_t number, int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(std::string name, RequireWishStaff(db, s, actor));
  LINLI_ASSIGN_OR_RETURN(Wish w, LoadWish(db, number));
  LINLI_ASSIGN_OR_RETURN(bool moved, WishStore::Transition(db, number, {WishStatus::kPending},
                                                           WishStatus::kOpen, now_ms));
  if (!moved) return BadState(w);
  w.status = WishStatus::kOpen;
  LINLI_RETURN_IF_ERROR(Event(db, w, "approved", actor.person_id, name, "", now_ms));
  LINLI_RETURN_IF_ERROR(PostCards(db, s, w, now_ms));
  LINLI_RETURN_IF_ERROR(PushRequesterSide(db, s, w, "wish.push_approved", {}, now_ms));
  return w;
}

StatusOr<Wish> WishService::Reject(storage::Database& db, const Deps& s, Actor actor,
                                   int64_t number, const std::string& reason, int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(std::string name, RequireWishStaff(db, s, actor));
  LINLI_ASSIGN_OR_RETURN(Wish w, LoadWish(db, number));
  const std::string r = TrimText(reason);
  if (r.empty()) return UserError(StatusCode::kInvalidArgument, "wish.usage.reject");
  LINLI_ASSIGN_OR_RETURN(bool moved, WishStore::Transition(db, number, {WishStatus::kPending},
                                                           WishStatus::kRejected, now_ms, &r));
  if (!moved) return BadState(w);
  w.status = WishStatus::kRejected;
  w.reject_reason = r;
  LINLI_RETURN_IF_ERROR(Event(db, w, "rejected", actor.person_id, name, r, now_ms));
  LINLI_ASSIGN_OR_RETURN(MaskedText masked, MaskForPublic(db, s.config, r));
  LINLI_RETURN_IF_ERROR(
      PushRequesterSide(db, s, w, "wish.push_rejected", {{"reason", masked.text}}, now_ms));
  return w;
}

StatusOr<Wish> WishService::Cancel(storage::Database& db, const Deps& s, Actor actor,
                                   int64_t number, int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(std::string name, RequireWishStaff(db, s, actor));
  LINLI_ASSIGN_OR_RETURN(Wish w, LoadWish(db, number));
  const WishStatus before = w.status;
  LINLI_ASSIGN_OR_RETURN(
      bool moved, WishStore::Transition(db, number,
                                        {WishStatus::kPending, WishStatus::kOpen, WishStatus::kClaimed},
                                        WishStatus::kCancelled, now_ms));
  if (!moved) return BadState(w);
  w.status = WishStatus::kCancelled;
  LINLI_ASSIGN_OR_RETURN(auto claims, WishStore::Claims(db, number, {ClaimStatus::kActive}));
  for (const auto& c : claims) {
    LINLI_RETURN_IF_ERROR(WishStore::SetClaim(db, number, c.person_id, {ClaimStatus::kActive},
                                              ClaimStatus::kReleased, now_ms)
                              .status());
    LINLI_RETURN_IF_ERROR(PushTo(db, s, c.person_id, "wish.push_cancelled", {}, number, now_ms));
  }
  LINLI_RETURN_IF_ERROR(Event(db, w, "cancelled", actor.person_id, name, "", now_ms));
  if (before != WishStatus::kPending) {
    LINLI_RETURN_IF_ERROR(UpdateCards(db, s, w, "wish.card_cancelled", now_ms));
  }
  return w;
}

StatusOr<ClaimOutcome> WishService::Claim(storage::Database& db, const Deps& s, int64_t person_id,
                                          int64_t number, int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(Wish w, LoadWish(db, number));
  ClaimOutcome out;
  out.wish = w;
  LINLI_ASSIGN_OR_RETURN(bool volunteer, IsVolunteer(db, person_id));
  if (!volunteer) {
    out.kind = ClaimOutcome::Kind::kNotVolunteer;
    return out;
  }
  if (person_id == w.requester_person_id) {
    out.kind = ClaimOutcome::Kind::kOwnWish;
    return out;
  }
  LINLI_ASSIGN_OR_RETURN(storage::ClaimResult r, WishStore::Claim(db, number, person_id, now_ms));
  LINLI_ASSIGN_OR_RETURN(out.holders, Holders(db, number));
  switch (r) {
    case storage::ClaimResult::kFull:
      out.kind = ClaimOutcome::Kind::kTaken;
      return out;
    case storage::ClaimResult::kAlready:
      out.kind = ClaimOutcome::Kind::kAlready;
      return out;
    case storage::ClaimResult::kNotOpen:
      out.kind = ClaimOutcome::Kind::kNotOpen;
      return out;
    case storage::ClaimResult::kClaimed:
      break;
  }
  out.kind = ClaimOutcome::Kind::kClaimed;
  if (static_cast<int64_t>(out.holders.size()) >= w.helpers_needed) {
    LINLI_ASSIGN_OR_RETURN(bool moved, WishStore::Transition(db, number, {WishStatus::kOpen},
                                                             WishStatus::kClaimed, now_ms));
    if (moved) w.status = WishStatus::kClaimed;
  }
  out.wish = w;
  LINLI_ASSIGN_OR_RETURN(std::string me, VolunteerDisplayName(db, person_id));
  LINLI_RETURN_IF_ERROR(Event(db, w, "claimed", person_id, me, "", now_ms));
  LINLI_RETURN_IF_ERROR(UpdateCards(db, s, w, "wish.card_claimed", now_ms));
  LINLI_RETURN_IF_ERROR(SendContact(db, s, w, person_id, now_ms));
  LINLI_RETURN_IF_ERROR(PushRequesterSide(db, s, w, "wish.push_claimed", {{"name", me}}, now_ms));
  return out;
}

StatusOr<Wish> WishService::Release(storage::Database& db, const Deps& s, int64_t person_id,
                                    int64_t number, int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(Wish w, LoadWish(db, number));
  LINLI_ASSIGN_OR_RETURN(bool released,
                         WishStore::SetClaim(db, number, person_id, {ClaimStatus::kActive},
                                             ClaimStatus::kReleased, now_ms));
  if (!released) {
    return UserError(StatusCode::kPermissionDenied, "wish.not_yours", {{"number", std::to_string(number)}});
  }
  LINLI_ASSIGN_OR_RETURN(std::string me, VolunteerDisplayName(db, person_id));
  LINLI_RETURN_IF_ERROR(ReleaseClaim(db, s, w, person_id, me, "", now_ms));
  LINLI_RETURN_IF_ERROR(PushRequesterSide(db, s, w, "wish.push_released", {}, now_ms));
  return w;
}

StatusOr<Wish> WishService::Complete(storage::Database& db, const Deps& s, int64_t person_id,
                                     int64_t number, int64_t hours_tenths,
                                     const std::string& photo_ref, int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(Wish w, LoadWish(db, number));
  if (hours_tenths < 0 || hours_tenths > kMaxHoursTenths) {
    return UserError(StatusCode::kInvalidArgument, "wish.usage.done");
  }
  LINLI_ASSIGN_OR_RETURN(bool done, WishStore::SetClaim(db, number, person_id, {ClaimStatus::kActive},
                                                        ClaimStatus::kDone, now_ms, hours_tenths,
                                                        photo_ref));
  if (!done) {
    return UserError(StatusCode::kPermissionDenied, "wish.not_yours", {{"number", std::to_string(number)}});
  }
  LINLI_ASSIGN_OR_RETURN(std::string me, VolunteerDisplayName(db, person_id));
  LINLI_RETURN_IF_ERROR(Event(db, w, "done", person_id, me,
                              hours_tenths > 0 ? FormatHoursTenths(hours_tenths) + "h" : "", now_ms));
  LINLI_ASSIGN_OR_RETURN(auto active, WishStore::Claims(db, number, {ClaimStatus::kActive}));
  if (!active.empty()) return w;  // other helpers are still at it
  LINLI_ASSIGN_OR_RETURN(bool moved,
                         WishStore::Transition(db, number, {WishStatus::kOpen, WishStatus::kClaimed},
                                               WishStatus::kDone, now_ms));
  if (!moved) return w;
  w.status = WishStatus::kDone;
  w.done_at_ms = now_ms;
  LINLI_ASSIGN_OR_RETURN(std::vector<std::string> holders, Holders(db, number));
  LINLI_RETURN_IF_ERROR(UpdateCards(db, s, w, "wish.card_done", now_ms));
  LINLI_RETURN_IF_ERROR(AskConfirm(db, s, w, holders, now_ms));
  return w;
}

StatusOr<Wish> WishService::Confirm(storage::Database& db, const Deps& s, Actor actor,
                                    int64_t number, int64_t now_ms, bool auto_confirmed) {
  LINLI_ASSIGN_OR_RETURN(Wish w, LoadWish(db, number));
  LINLI_ASSIGN_OR_RETURN(std::string name, RequireRequesterSide(db, s, actor, w));
  LINLI_ASSIGN_OR_RETURN(bool moved, WishStore::Transition(db, number, {WishStatus::kDone},
                                                           WishStatus::kConfirmed, now_ms));
  if (!moved) return BadState(w);
  w.status = WishStatus::kConfirmed;
  LINLI_RETURN_IF_ERROR(Event(db, w, auto_confirmed ? "auto_confirmed" : "confirmed",
                              actor.person_id, name, "", now_ms));
  LINLI_ASSIGN_OR_RETURN(auto done, WishStore::Claims(db, number, {ClaimStatus::kDone}));
  const auto& cfg = s.config.wishes;
  const std::string actor_name = auto_confirmed ? "system" : (name.empty() ? "requester" : name);
  for (const auto& c : done) {
    LINLI_RETURN_IF_ERROR(WishStore::SetClaim(db, number, c.person_id, {ClaimStatus::kDone},
                                              ClaimStatus::kConfirmed, now_ms)
                              .status());
    int64_t credited = 0;
    const std::string key = "wish:" + std::to_string(number) + ":person:" + std::to_string(c.person_id);
    const int64_t hour_points = cfg.points_per_hour * c.hours_tenths / 10;
    if (cfg.points_per_wish > 0) {
      storage::PointsEntry e;
      // The hours ride on the "hours" entry when there is one, else on this one (the service
      // record sums hours_centi of both: domain/volunteers/service_record.h).
      if (hour_points <= 0) e.hours_centi = c.hours_tenths * 10;
      e.person_id = c.person_id;
      e.amount = cfg.points_per_wish;
      e.reason = "wish";
      e.ref = std::to_string(number);
      e.actor = actor_name;
      e.idem_key = key;
      e.created_at_ms = now_ms;
      LINLI_ASSIGN_OR_RETURN(auto r, storage::PointsStore::Append(db, e));
      if (r.appended) credited += e.amount;
    }
    if (hour_points > 0) {
      storage::PointsEntry e;
      e.hours_centi = c.hours_tenths * 10;
      e.person_id = c.person_id;
      e.amount = hour_points;
      e.reason = "hours";
      e.ref = std::to_string(number);
      e.note = FormatHoursTenths(c.hours_tenths) + "h";
      e.actor = actor_name;
      e.idem_key = key + ":hours";
      e.created_at_ms = now_ms;
      LINLI_ASSIGN_OR_RETURN(auto r, storage::PointsStore::Append(db, e));
      if (r.appended) credited += e.amount;
    }
    LINLI_RETURN_IF_ERROR(Event(db, w, "credited", c.person_id, "", std::to_string(credited), now_ms));
    LINLI_RETURN_IF_ERROR(PushTo(db, s, c.person_id,
                                 auto_confirmed ? "wish.push_auto_confirmed" : "wish.push_confirmed",
                                 {{"points", std::to_string(credited)}}, number, now_ms));
  }
  LINLI_RETURN_IF_ERROR(UpdateCards(db, s, w, "wish.card_confirmed", now_ms));
  // The requester side confirming themselves is asked in the flow's reply (AskRate); when
  // staff confirm for them the question is pushed.
  const bool self = actor.person_id > 0 && (actor.person_id == w.requester_person_id ||
                                            actor.person_id == w.posted_by_person_id);
  if (!auto_confirmed && !self) LINLI_RETURN_IF_ERROR(PushRateQuestion(db, s, w, now_ms));
  return w;
}

StatusOr<RateQuestion> WishService::AskRate(storage::Database& db, const Deps& s, int64_t number,
                                            const ConversationRef& to, const std::string& locale,
                                            int64_t now_ms) {
  return RecordRateQuestion(db, s, number, to.Key(), locale, now_ms);
}

StatusOr<Wish> WishService::Rate(storage::Database& db, const Deps& s, Actor actor,
                                 int64_t number, int64_t score, int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(Wish w, LoadWish(db, number));
  const bool requester_side =
      actor.person_id > 0 &&
      (actor.person_id == w.requester_person_id || actor.person_id == w.posted_by_person_id);
  if (!requester_side) {
    return UserError(StatusCode::kPermissionDenied, "wish.rate_denied", {{"number", std::to_string(number)}});
  }
  if (score < 1 || score > 5) return UserError(StatusCode::kInvalidArgument, "wish.bad_args");
  if (w.status != WishStatus::kConfirmed) return BadState(w);
  LINLI_ASSIGN_OR_RETURN(int64_t rated, WishStore::Rate(db, number, score, now_ms));
  if (rated == 0) {
    return UserError(StatusCode::kFailedPrecondition, "wish.already_rated", {{"number", std::to_string(number)}});
  }
  LINLI_RETURN_IF_ERROR(Event(db, w, "rated", actor.person_id, "", std::to_string(score), now_ms));
  LINLI_ASSIGN_OR_RETURN(auto claims, WishStore::Claims(db, number, {ClaimStatus::kConfirmed}));
  for (const auto& c : claims) {
    LINLI_RETURN_IF_ERROR(
        PushTo(db, s, c.person_id, "wish.push_rated", {{"score", std::to_string(score)}}, number, now_ms));
  }
  return w;
}

StatusOr<Wish> WishService::Dispute(storage::Database& db, const Deps& s, Actor actor,
                                    int64_t number, int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(Wish w, LoadWish(db, number));
  LINLI_ASSIGN_OR_RETURN(std::string name, RequireRequesterSide(db, s, actor, w));
  LINLI_ASSIGN_OR_RETURN(bool moved, WishStore::Transition(db, number, {WishStatus::kDone},
                                                           WishStatus::kClaimed, now_ms));
  if (!moved) return BadState(w);
  w.status = WishStatus::kClaimed;
  LINLI_ASSIGN_OR_RETURN(auto done, WishStore::Claims(db, number, {ClaimStatus::kDone}));
  for (const auto& c : done) {
    LINLI_RETURN_IF_ERROR(WishStore::SetClaim(db, number, c.person_id, {ClaimStatus::kDone},
                                              ClaimStatus::kActive, now_ms)
                              .status());
    LINLI_RETURN_IF_ERROR(PushTo(db, s, c.person_id, "wish.push_disputed", {}, number, now_ms));
  }
  LINLI_RETURN_IF_ERROR(Event(db, w, "disputed", actor.person_id, name, "", now_ms));
  return w;
}

StatusOr<WishTickResult> WishService::Tick(storage::Database& db, const Deps& s, int64_t now_ms) {
  WishTickResult result;
  const auto& cfg = s.config.wishes;
  LINLI_ASSIGN_OR_RETURN(auto done,
                         WishStore::DoneBefore(db, now_ms - cfg.auto_confirm_days * kDayMs, kWishTickBatch));
  for (const auto& w : done) {
    LINLI_RETURN_IF_ERROR(Confirm(db, s, Actor::System(), w.number, now_ms, true).status());
    ++result.auto_confirmed;
  }
  LINLI_ASSIGN_OR_RETURN(
      auto stale, WishStore::StaleClaims(db, now_ms - cfg.claim_reminder_days * kDayMs, kWishTickBatch));
  for (const auto& c : stale) {
    if (c.progress_at_ms < now_ms - cfg.claim_release_days * kDayMs) {
      LINLI_ASSIGN_OR_RETURN(bool released,
                             WishStore::SetClaim(db, c.wish_number, c.person_id, {ClaimStatus::kActive},
                                                 ClaimStatus::kReleased, now_ms));
      if (!released) continue;
      LINLI_ASSIGN_OR_RETURN(Wish w, LoadWish(db, c.wish_number));
      LINLI_RETURN_IF_ERROR(ReleaseClaim(db, s, w, c.person_id, "system", "no progress", now_ms));
      LINLI_RETURN_IF_ERROR(PushTo(db, s, c.person_id, "wish.push_auto_released",
                                   {{"days", std::to_string(cfg.claim_release_days)}}, c.wish_number, now_ms));
      ++result.released;
    } else if (c.reminded_at_ms == 0) {
      LINLI_RETURN_IF_ERROR(WishStore::MarkReminded(db, c.id, now_ms));
      LINLI_ASSIGN_OR_RETURN(Wish w, LoadWish(db, c.wish_number));
      LINLI_RETURN_IF_ERROR(Event(db, w, "reminded", c.person_id, "system", "", now_ms));
      LINLI_RETURN_IF_ERROR(PushTo(db, s, c.person_id, "wish.push_reminder",
                                   {{"days", std::to_string(cfg.claim_release_days - cfg.claim_reminder_days)}},
                                   c.wish_number, now_ms));
      ++result.reminded;
    }
  }
  return result;
}

StatusOr<std::vector<storage::WishEvent>> WishService::History(storage::Database& db,
                                                              int64_t number) {
  return WishStore::Events(db, number);
}

std::string WishService::ErrorKey(const Status& status) {
  switch (status.code()) {
    case StatusCode::kPermissionDenied:
    case StatusCode::kNotFound:
    case StatusCode::kFailedPrecondition:
    case StatusCode::kInvalidArgument:
      break;
    default:
      return "";
  }
  const std::string& m = status.message();
  if (m.rfind("wish.", 0) != 0) return "";
  return m.substr(0, m.find(';'));
}

config::TextArgs WishService::ErrorArgs(const Status& status) {
  config::TextArgs args;
  const std::string& m = status.message();
  size_t pos = m.find(';');
  while (pos != std::string::npos) {
    const size_t next = m.find(';', pos + 1);
    const std::string part = m.substr(pos + 1, next == std::string::npos ? std::string::npos : next - pos - 1);
    const size_t eq = part.find('=');
    if (eq != std::string::npos) args[part.substr(0, eq)] = part.substr(eq + 1);
    pos = next;
  }
  return args;
}

}  // namespace linli::domain
