// Household invite codes (邀请码): printed on paper by `linli roster codes`, typed by residents
// after 绑定. Eight characters from an alphabet without look-alikes (no 0/O, 1/I/L), so a code
// read aloud or copied by hand survives; 31^8 (about 8.5e11) codes make guessing hopeless
// with the per-identity guess limit of dialogs/bind_flow.cc.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace linli::domain {

inline constexpr std::string_view kInviteCodeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
inline constexpr size_t kInviteCodeLength = 8;

// A fresh random code (std::random_device). Thread-safe.
std::string DrawInviteCode();

// The canonical form of what a user typed: ASCII and full-width letters and digits,
// upper-cased, with spaces and '-' removed. nullopt unless that is kInviteCodeLength
// characters of kInviteCodeAlphabet.
std::optional<std::string> NormalizeInviteCode(std::string_view typed);

}  // namespace linli::domain
