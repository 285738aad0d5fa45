#include "domain/decisions/text_hash.h"

#include <openssl/rand.h>

namespace linli::domain::decisions {

namespace {

std::string Hex(const unsigned char* p, size_t n) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out.push_back(kDigits[p[i] >> 4]);
    out.push_back(kDigits[p[i] & 15]);
  }
  return out;
}

}  // namespace

std::string FrozenText(const storage::Decision& d) {
  std::string t = "title: " + d.title + "\nbody: " + d.body + "\nkind: " + d.kind +
                  "\nmatter: " + d.matter + "\n";
  for (const auto& q : d.questions) {
    t += "question: " + q.kind + " " + q.text + "\n";
    for (const auto& o : q.options) t += "option: " + o.value + " " + o.label + "\n";
  }
  return t;
}

StatusOr<std::string> RandomSalt() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return Status::Internal("decisions: RAND_bytes failed");
  return Hex(bytes, sizeof bytes);
}

}  // namespace linli::domain::decisions
