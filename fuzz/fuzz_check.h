// Shared by the libFuzzer targets in fuzz/: a checked invariant that stops the run with a
// message (libFuzzer saves the input as crash-<sha1> and reports it), and a reader that
// splits one fuzz input into a few typed values.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

// An invariant of the code under test. abort() is what libFuzzer reports as a crash.
#define FUZZ_CHECK(cond, what)                                                    \
  do {                                                                            \
    if (!(cond)) {                                                                \
      std::fprintf(stderr, "%s:%d: invariant broken: %s (%s)\n", __FILE__,        \
                   __LINE__, what, #cond);                                        \
      std::abort();                                                               \
    }                                                                             \
  } while (0)

namespace linli::fuzz {

// Consumes a fuzz input front to back. Every read succeeds: past the end it yields zeros and
// empty strings, so a target never needs to check sizes.
class InputReader {
 public:
  InputReader(const uint8_t* data, size_t size)
      : data_(reinterpret_cast<const char*>(data), size) {}

  uint8_t Byte() {
    if (pos_ >= data_.size()) return 0;
    return static_cast<uint8_t>(data_[pos_++]);
  }
  // A little-endian integer of `bytes` bytes (1..8).
  uint64_t Uint(int bytes) {
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v |= static_cast<uint64_t>(Byte()) << (8 * i);
    return v;
  }
  // Up to `max` bytes, ending early at a '\0' (consumed, not returned).
  std::string String(size_t max) {
    std::string s;
    while (pos_ < data_.size() && s.size() < max) {
      const char c = data_[pos_++];
      if (c == '\0') break;
      s.push_back(c);
    }
    return s;
  }
  // Everything not read yet.
  std::string_view Rest() {
    std::string_view r = data_.substr(pos_);
    pos_ = data_.size();
    return r;
  }
  bool empty() const { return pos_ >= data_.size(); }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

// Whether `s` is well-formed UTF-8 (no overlongs, surrogates or code points above U+10FFFF).
inline bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = 0;
    uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    for (size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return false;
      const unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

}  // namespace linli::fuzz
