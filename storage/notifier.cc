#include "storage/notifier.h"

#include <algorithm>
#include <string>

namespace linli::storage {

bool IsNotifierTopic(std::string_view topic) {
  if (topic.empty() || topic.size() > 40) return false;
  if (topic[0] >= '0' && topic[0] <= '9') return false;
  return std::all_of(topic.begin(), topic.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

Status Signal(Database& db, std::string_view topic) {
  if (!IsNotifierTopic(topic)) {
    return Status::InvalidArgument("notifier: bad topic \"" + std::string(topic) + "\"");
  }
  if (db.dialect() != "postgres") return Status::Ok();
  // The payload names the schema, so listeners of another schema (another deployment in the
  // same database) can tell the signal is not theirs.
  return db.Exec("SELECT pg_notify(?, COALESCE(current_schema(), ''))",
                 {"linli_" + std::string(topic)});
}

}  // namespace linli::storage
