#include "storage/seen_signature_store.h"

namespace linli::storage {

StatusOr<SeenSignatureStore::Verdict> SeenSignatureStore::Claim(
    Database& db, const std::string& channel, const std::string& key,
    const std::string& body_digest, int64_t expires_ms, int64_t now_ms) {
  LINLI_RETURN_IF_ERROR(db.Exec("DELETE FROM seen_signatures WHERE expires_at < ?", {now_ms}));
  // The insert decides: of two connections claiming one key at the same moment (two
  // instances), the second waits for the first's commit and then inserts nothing - no
  // constraint error, which would abort the turn's transaction on PostgreSQL.
  LINLI_RETURN_IF_ERROR(db.Exec(
      "INSERT INTO seen_signatures (channel, signature_key, body_digest, expires_at) "
      "VALUES (?, ?, ?, ?) ON CONFLICT (channel, signature_key) DO NOTHING",
      {channel, key, body_digest, expires_ms}));
  if (db.changes() == 1) return Verdict::kFirst;
  LINLI_ASSIGN_OR_RETURN(Rows rows,
                         db.Query("SELECT body_digest FROM seen_signatures "
                                  "WHERE channel = ? AND signature_key = ?",
                                  {channel, key}));
  if (rows.empty()) return Status::Unavailable("seen signatures: claim neither new nor found");
  // The digest is of a body the sender chose; no secret is compared here (the key's sign
  // was verified before the claim was made).
  return rows[0].Text(0) == body_digest ? Verdict::kSameBody : Verdict::kOtherBody;
}

StatusOr<int64_t> SeenSignatureStore::Count(Database& db) {
  LINLI_ASSIGN_OR_RETURN(Rows rows, db.Query("SELECT COUNT(*) FROM seen_signatures"));
  return rows.empty() ? int64_t{0} : rows[0].Int(0);
}

}  // namespace linli::storage
