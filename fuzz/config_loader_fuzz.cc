// Fuzz target: the config loader on a JSON-with-comments string (config/config_loader.h
// ParseConfig), in either environment policy, with an environment where ${A...} names are set
// and every other name is not. Seeds: config/linli.example.json, tests/testdata/config/*.json.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "config/config_loader.h"
#include "fuzz/fuzz_check.h"

namespace {

const char* FakeGetenv(const char* name) {
  return name[0] == 'A' ? "fuzz-secret-value-0123456789abcdef" : nullptr;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace cfg = linli::config;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string source = "/nonexistent/linli.json";
  // One policy per input (the length's parity picks it): both are covered, each run parses once.
  const cfg::EnvPolicy policy =
      size % 2 == 0 ? cfg::EnvPolicy::kStrict : cfg::EnvPolicy::kChannelSecretsOptional;
  auto config = cfg::ParseConfig(text, source, FakeGetenv, policy);
  if (!config.ok()) {
    FUZZ_CHECK(config.status().code() == linli::StatusCode::kInvalidArgument,
               "ParseConfig fails only with kInvalidArgument");
    FUZZ_CHECK(config.status().message().rfind(source, 0) == 0,
               "every error message starts with the source path");
    return 0;
  }
  FUZZ_CHECK(config->source_path == source, "source_path is set on success");
  FUZZ_CHECK(!config->locale_dir.empty(), "locale_dir is resolved on success");
  return 0;
}
