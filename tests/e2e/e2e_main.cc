// main() of the end-to-end tests: GoogleTest's, plus one rule - run on PostgreSQL
// (LINLI_E2E_BACKEND=postgresql, ctest's "pg:" copy of the suite) without a server to run on,
// every test is skipped, saying why, rather than run on SQLite under the PostgreSQL name or
// failed for a missing server on a developer's machine. scripts/test.sh always provides one.
#include <gtest/gtest.h>

#include <string>

#include "tests/e2e/test_store.h"

namespace {

// Records a skip on each test as it starts: GoogleTest then neither constructs-and-runs its
// body nor counts it as passed (each is reported "[  SKIPPED ]", which ctest shows as skipped;
// a skipping global Environment would print no such line and pass in ctest).
class SkipEveryTest : public ::testing::EmptyTestEventListener {
 public:
  explicit SkipEveryTest(std::string why) : why_(std::move(why)) {}
  void OnTestStart(const ::testing::TestInfo&) override { GTEST_SKIP() << why_; }

 private:
  std::string why_;
};

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (linli::e2e::E2eBackend() == "postgresql") {
    if (const std::string why = linli::storage::PgTestSkipReason(); !why.empty()) {
      // The listeners own it.
      ::testing::UnitTest::GetInstance()->listeners().Append(new SkipEveryTest(why));
    }
  }
  return RUN_ALL_TESTS();
}
