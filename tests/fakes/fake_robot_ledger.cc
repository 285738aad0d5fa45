#include "tests/fakes/fake_robot_ledger.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>

namespace linli::testing {

std::string FakeHmacSha256Base64(std::string_view key, std::string_view message) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac.data(), &len);
  std::array<unsigned char, 2 * EVP_MAX_MD_SIZE> b64{};
  const int n = EVP_EncodeBlock(b64.data(), mac.data(), static_cast<int>(len));
  return std::string(reinterpret_cast<const char*>(b64.data()), static_cast<size_t>(n));
}

int FakeRobotLedger::CountWithin(std::chrono::milliseconds window) const {
  const int64_t since = clock_.NowMillis() - window.count();
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(std::count_if(deliveries_.begin(), deliveries_.end(),
                                        [&](const RobotDelivery& d) { return d.at_ms > since; }));
}

void FakeRobotLedger::Accept(std::string text, std::string raw_body) {
  const int64_t now = clock_.NowMillis();
  std::lock_guard<std::mutex> lock(mu_);
  deliveries_.push_back({std::move(text), std::move(raw_body), now});
}

std::vector<RobotDelivery> FakeRobotLedger::deliveries() const {
  std::lock_guard<std::mutex> lock(mu_);
  return deliveries_;
}

int FakeRobotLedger::refusals() const {
  std::lock_guard<std::mutex> lock(mu_);
  return refusals_;
}

void FakeRobotLedger::CountRefusal() {
  std::lock_guard<std::mutex> lock(mu_);
  ++refusals_;
}

int FakeRobotLedger::MaxWithinAnyWindow(std::chrono::milliseconds window) const {
  std::lock_guard<std::mutex> lock(mu_);
  int best = 0;
  for (size_t i = 0; i < deliveries_.size(); ++i) {
    int n = 0;
    for (size_t j = i; j < deliveries_.size(); ++j) {
      if (deliveries_[j].at_ms - deliveries_[i].at_ms < window.count()) ++n;
    }
    best = std::max(best, n);
  }
  return best;
}

}  // namespace linli::testing
