// People and their chat identities. A person may have identities on several channels; each
// identity remembers its last conversation reference so the person can be messaged later.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "bot/message.h"
#include "storage/database.h"

namespace linli::storage {

struct Person {
  int64_t id = 0;
  std::string role = "resident";  // resident|volunteer|staff|admin
  std::string tier;               // staff tier: grid|property|community|street, else ""
  std::string locale;             // preferred language, "" = service default
  int64_t created_at_ms = 0;
};

struct Identity {
  std::string channel;
  std::string user_id;
  int64_t person_id = 0;
  ConversationRef last_conversation;  // where the person last wrote from on this channel
  int64_t last_seen_ms = 0;
  ContactWindow window;               // the platform reply window opened by the last contact
};

class IdentityStore {
 public:
  // Returns the person owning (ref.channel, ref.user_id), creating person and identity on
  // first contact; updates last_conversation and last_seen. Idempotent.
  static StatusOr<Person> Touch(Database& db, const ConversationRef& ref, int64_t now_ms);
  static StatusOr<std::optional<Person>> FindPerson(Database& db, int64_t person_id);
  static StatusOr<std::optional<Identity>> FindIdentity(Database& db, const std::string& channel,
                                                        const std::string& user_id);
  // The identity of `person_id` seen most recently (any channel): where to push to.
  static StatusOr<std::optional<Identity>> LastUsedIdentity(Database& db, int64_t person_id);
  static Status SetRole(Database& db, int64_t person_id, const std::string& role,
                        const std::string& tier);
  static Status SetLocale(Database& db, int64_t person_id, const std::string& locale);

  // The user contacted us: a message (by_event false) or a click/follow/scan event opens that
  // kind's reply window at `now_ms` with no sends counted; the other window is kept. Clears an
  // unsubscribe. No-op for an unknown identity.
  static Status RecordContact(Database& db, const std::string& channel,
                              const std::string& user_id, int64_t now_ms, bool by_event);
  // One more send counted against the `use` window of (channel, user_id).
  static Status CountWindowSend(Database& db, const std::string& channel,
                                const std::string& user_id, WindowUse use);
  // The user unfollowed: both windows close and nothing is pushed until they contact us again.
  static Status RecordUnsubscribe(Database& db, const std::string& channel,
                                  const std::string& user_id, int64_t now_ms);

  // Makes `from_person` one with `into_person`: its identities and everything it owns move to
  // `into_person`, and the `from_person` row is deleted. Tables that reference persons must be
  // listed in the implementation (tickets, ticket events). Roles never move: `into_person`
  // keeps its role, tier and their source. kNotFound if either is missing.
  static Status MergeInto(Database& db, int64_t from_person, int64_t into_person);
  // How many identities (channels) a person has.
  static StatusOr<int64_t> CountIdentities(Database& db, int64_t person_id);
};

}  // namespace linli::storage
