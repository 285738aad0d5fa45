#include "domain/people/linking.h"

#include <random>

#include "domain/tickets/ticket_service.h"
#include "storage/identity_store.h"
#include "storage/link_store.h"

namespace linli::domain {

namespace {

constexpr int64_t kFailureWindowMs = 60 * 60 * 1000;
constexpr int kMaxFailures = 5;

std::string DrawCode() {
  static thread_local std::random_device rd;
  std::uniform_int_distribution<int> digit(0, 9);
  std::string code;
  for (int i = 0; i < kLinkCodeDigits; ++i) code.push_back(static_cast<char>('0' + digit(rd)));
  return code;
}

}  // namespace

StatusOr<LinkCodeOutcome> IssueLinkCode(storage::Database& db, const config::Config& config,
                                        const ConversationRef& from, int64_t person_id,
                                        int64_t now_ms) {
  LinkCodeOutcome out;
  if (from.chat_type != ChatType::kPrivate) {
    out.result = LinkCodeOutcome::Result::kPrivateOnly;
    return out;
  }
  LINLI_ASSIGN_OR_RETURN(bool staff, TicketService::IsStaff(db, config, person_id));
  if (staff) {
    out.result = LinkCodeOutcome::Result::kStaff;
    return out;
  }
  for (int attempt = 0; attempt < 5; ++attempt) {
    std::string code = DrawCode();
    Status st = storage::LinkStore::CreateCode(db, code, person_id, now_ms, now_ms + kLinkCodeTtlMs);
    if (st.code() == StatusCode::kAlreadyExists) continue;
    LINLI_RETURN_IF_ERROR(st);
    out.code = std::move(code);
    return out;
  }
  return Status::Internal("link: could not draw a free code");
}

StatusOr<LinkOutcome> RedeemLinkCode(storage::Database& db, const config::Config& config,
                                     const ConversationRef& from, int64_t person_id,
                                     const std::string& code, int64_t now_ms) {
  const std::string& channel = from.channel;
  const std::string& user_id = from.user_id;
  LinkOutcome out;
  if (from.chat_type != ChatType::kPrivate) {
    out.result = LinkOutcome::Result::kPrivateOnly;
    return out;
  }
  if (code.size() != static_cast<size_t>(kLinkCodeDigits)) {
    out.result = LinkOutcome::Result::kInvalid;  // a typo, not a guess: not counted
    return out;
  }
  LINLI_ASSIGN_OR_RETURN(int failures, storage::LinkStore::Failures(db, channel, user_id, now_ms,
                                                                    kFailureWindowMs));
  if (failures >= kMaxFailures) {
    out.result = LinkOutcome::Result::kLocked;
    return out;
  }
  LINLI_ASSIGN_OR_RETURN(std::optional<int64_t> owner,
                         storage::LinkStore::ConsumeCode(db, code, now_ms));
  if (!owner) {
    LINLI_RETURN_IF_ERROR(
        storage::LinkStore::RecordFailure(db, channel, user_id, now_ms, kFailureWindowMs));
    out.result = LinkOutcome::Result::kInvalid;
    return out;
  }
  if (*owner == person_id) {
    out.result = LinkOutcome::Result::kSamePerson;
    return out;
  }
  LINLI_ASSIGN_OR_RETURN(bool sender_staff, TicketService::IsStaff(db, config, person_id));
  LINLI_ASSIGN_OR_RETURN(bool owner_staff, TicketService::IsStaff(db, config, *owner));
  if (sender_staff || owner_staff) {
    out.result = LinkOutcome::Result::kStaff;
    return out;
  }
  // This identity's person joins the person who showed the code.
  LINLI_RETURN_IF_ERROR(storage::IdentityStore::MergeInto(db, person_id, *owner));
  LINLI_ASSIGN_OR_RETURN(out.identities, storage::IdentityStore::CountIdentities(db, *owner));
  out.result = LinkOutcome::Result::kLinked;
  return out;
}

}  // namespace linli::domain
