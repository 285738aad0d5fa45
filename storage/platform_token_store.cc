#include "storage/platform_token_store.h"

namespace linli::storage {

StatusOr<std::optional<PlatformToken>> PlatformTokenStore::Find(Database& db,
                                                                const std::string& channel,
                                                                const std::string& kind) {
  LINLI_ASSIGN_OR_RETURN(Rows rows,
                         db.Query("SELECT token, expires_at FROM platform_tokens "
                                  "WHERE channel = ? AND kind = ? AND token <> ''",
                                  {channel, kind}));
  if (rows.empty()) return std::optional<PlatformToken>();
  return std::optional<PlatformToken>(PlatformToken{rows[0].Text(0), rows[0].Int(1)});
}

StatusOr<bool> PlatformTokenStore::ClaimFetch(Database& db, const std::string& channel,
                                              const std::string& kind, int64_t now_ms,
                                              int64_t lease_ms) {
  // On PostgreSQL a second connection's upsert waits for the first's commit, then finds its
  // claim live and changes nothing.
  LINLI_RETURN_IF_ERROR(db.Exec(
      "INSERT INTO platform_tokens (channel, kind, fetch_claimed_until, updated_at) "
      "VALUES (?, ?, ?, ?) "
      "ON CONFLICT (channel, kind) DO UPDATE SET fetch_claimed_until = "
      "excluded.fetch_claimed_until WHERE platform_tokens.fetch_claimed_until <= ?",
      {channel, kind, now_ms + lease_ms, now_ms, now_ms}));
  return db.changes() == 1;
}

Status PlatformTokenStore::Save(Database& db, const std::string& channel, const std::string& kind,
                                const PlatformToken& token, int64_t now_ms) {
  if (channel.empty() || token.token.empty()) {
    return Status::InvalidArgument("platform token: channel and token are required");
  }
  return db.Exec(
      "INSERT INTO platform_tokens (channel, kind, token, expires_at, fetch_claimed_until, "
      "updated_at) VALUES (?, ?, ?, ?, 0, ?) "
      "ON CONFLICT (channel, kind) DO UPDATE SET token = excluded.token, "
      "expires_at = excluded.expires_at, fetch_claimed_until = 0, updated_at = excluded.updated_at",
      {channel, kind, token.token, token.expires_at_ms, now_ms});
}

Status PlatformTokenStore::ReleaseFetch(Database& db, const std::string& channel,
                                        const std::string& kind) {
  return db.Exec(
      "UPDATE platform_tokens SET fetch_claimed_until = 0 WHERE channel = ? AND kind = ?",
      {channel, kind});
}

StatusOr<bool> PlatformTokenStore::Drop(Database& db, const std::string& channel,
                                        const std::string& kind, const std::string& token) {
  LINLI_RETURN_IF_ERROR(db.Exec(
      "UPDATE platform_tokens SET token = '', expires_at = 0 "
      "WHERE channel = ? AND kind = ? AND token = ?",
      {channel, kind, token}));
  return db.changes() == 1;
}

}  // namespace linli::storage
