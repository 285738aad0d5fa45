// Web sign-in state (issue 12): the sessions of the staff console (kind "staff") and of a
// resident's own page (kind "resident"), and the one-time login links staff get in chat.
// Tokens never reach the database: callers pass the token's hash (domain/common/web_token.h hashes
// them), so a copy of the database cannot be used to sign in.
//
// A session is valid at `now` while it is not revoked, now < expires_at (the absolute
// expiry) and now < last_seen_at + idle_ms (the idle expiry, given by the caller from config).
// A login link is used once: ConsumeLink decides it with a conditional UPDATE, so two
// browsers opening the same link get one session between them.
//
// Every call runs in the caller's open transaction; database errors as is. Thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "storage/database.h"

namespace linli::storage {

inline constexpr char kStaffSession[] = "staff";
inline constexpr char kResidentSession[] = "resident";

struct WebSession {
  int64_t id = 0;
  std::string token_hash;
  std::string kind;  // kStaffSession or kResidentSession
  int64_t person_id = 0;
  std::string csrf_token;  // compared with each form's hidden field
  int64_t created_at_ms = 0;
  int64_t last_seen_at_ms = 0;
  int64_t expires_at_ms = 0;  // absolute expiry
  int64_t revoked_at_ms = 0;  // 0 = not revoked (logout)
};

class WebSessionStore {
 public:
  // Stores `s` (all fields but id and revoked_at) and returns it with its id.
  // kInvalidArgument for an empty token hash, csrf token or kind, or a person id <= 0;
  // kAlreadyExists when the token hash is taken.
  static StatusOr<WebSession> Create(Database& db, const WebSession& s);
  // The session with `token_hash` if it is valid at `now_ms` with idle expiry `idle_ms`
  // (see above); nullopt otherwise (unknown, revoked, idle too long, past its expiry).
  static StatusOr<std::optional<WebSession>> FindValid(Database& db, const std::string& token_hash,
                                                       int64_t now_ms, int64_t idle_ms);
  // Moves last_seen_at of session `id` to `now_ms` (never backwards).
  static Status Touch(Database& db, int64_t id, int64_t now_ms);
  // Revokes session `id` (logout); true when this call did.
  static StatusOr<bool> Revoke(Database& db, int64_t id, int64_t now_ms);
  // Deletes sessions past their absolute expiry or revoked before `now_ms`; returns how many.
  static StatusOr<int64_t> DeleteEnded(Database& db, int64_t now_ms);

  // Records a login link for `person_id` valid until `expires_at_ms`.
  // kInvalidArgument for an empty hash or person id <= 0; kAlreadyExists for a taken hash.
  static Status CreateLink(Database& db, const std::string& token_hash, int64_t person_id,
                           int64_t now_ms, int64_t expires_at_ms);
  // Uses the link with `token_hash` once: the person it was made for when it is unused and
  // now_ms < its expiry (it is then marked used); nullopt for an unknown, used or expired link.
  static StatusOr<std::optional<int64_t>> ConsumeLink(Database& db, const std::string& token_hash,
                                                      int64_t now_ms);
};

}  // namespace linli::storage
