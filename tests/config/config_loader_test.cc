#include "config/config_loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace linli::config::config_loader_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kPath[] = "/etc/linli/linli.json";

// An injected environment; records which variables were looked up.
struct FakeEnv {
  std::map<std::string, std::string> vars;
  std::shared_ptr<std::vector<std::string>> lookups = std::make_shared<std::vector<std::string>>();

  GetenvFn fn() const {
    return [vars = vars, lookups = lookups](const char* name) -> const char* {
      lookups->push_back(name);
      auto it = vars.find(name);
      return it == vars.end() ? nullptr : it->second.c_str();
    };
  }
};

StatusOr<Config> Parse(const std::string& text, const FakeEnv& env = {}) {
  return ParseConfig(text, kPath, env.fn());
}

// Asserts that `text` is rejected with a message containing `expected`.
void ExpectError(const std::string& text, const std::string& expected, const FakeEnv& env = {}) {
  StatusOr<Config> cfg = Parse(text, env);
  ASSERT_FALSE(cfg.ok()) << "accepted: " << text;
  EXPECT_EQ(cfg.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(cfg.status().message(), HasSubstr(expected)) << "for: " << text;
}

Config ParseOk(const std::string& text, const FakeEnv& env = {}) {
  StatusOr<Config> cfg = Parse(text, env);
  EXPECT_TRUE(cfg.ok()) << cfg.status().ToString() << "\nfor: " << text;
  return cfg.ok() ? *cfg : Config{};
}

// ---------------------------------------------------------------- defaults

TEST(ConfigDefaultsTest, EmptyObjectGivesDocumentedDefaults) {
  const Config cfg = ParseOk("{}");
  const Config def;
  EXPECT_EQ(cfg.server.host, "127.0.0.1");
  EXPECT_EQ(cfg.server.port, 8080);
  EXPECT_EQ(cfg.server.max_body_bytes, 1 << 20);
  EXPECT_EQ(cfg.server.max_header_bytes, 16 * 1024);
  EXPECT_EQ(cfg.server.request_timeout_ms, 10000);
  EXPECT_EQ(cfg.server.max_connections, 4096);
  EXPECT_EQ(cfg.storage.backend, "sqlite");
  EXPECT_EQ(cfg.storage.sqlite.path, "linli.db");
  EXPECT_EQ(cfg.storage.sqlite.synchronous, "FULL");
  EXPECT_EQ(cfg.storage.sqlite.busy_timeout_ms, 5000);
  EXPECT_EQ(cfg.storage.group_commit_max_batch, 256);
  EXPECT_EQ(cfg.locale, "zh-CN");
  EXPECT_EQ(cfg.timezone, "Asia/Shanghai");
  EXPECT_EQ(cfg.locale_dir, "/etc/linli/locales");
  EXPECT_TRUE(cfg.channels.empty());
  EXPECT_TRUE(cfg.compound.name.empty());
  EXPECT_TRUE(cfg.compound.buildings.empty());
  EXPECT_TRUE(cfg.staff.empty());
  EXPECT_EQ(cfg.categories, def.categories);
  EXPECT_EQ(cfg.categories.size(), 8u);
  EXPECT_EQ(cfg.dialog.session_timeout_minutes, 30);
  EXPECT_EQ(cfg.outbox.max_attempts, 12);
  EXPECT_EQ(cfg.outbox.initial_backoff_ms, 1000);
  EXPECT_EQ(cfg.outbox.max_backoff_ms, 300000);
  EXPECT_EQ(cfg.outbox.poll_interval_ms, 500);
  EXPECT_EQ(cfg.outbox.lease_ms, 120000);
  EXPECT_EQ(cfg.logging.level, "info");
  EXPECT_FALSE(cfg.logging.json);
  EXPECT_EQ(cfg.source_path, kPath);
}

TEST(ConfigDefaultsTest, EmptySectionsKeepDefaults) {
  const Config cfg = ParseOk(
      R"({"server": {}, "storage": {"sqlite": {}}, "dialog": {}, "outbox": {}, "logging": {}})");
  EXPECT_EQ(cfg.server.port, 8080);
  EXPECT_EQ(cfg.storage.sqlite.synchronous, "FULL");
  EXPECT_EQ(cfg.outbox.max_attempts, 12);
}

TEST(ConfigDefaultsTest, PartialSectionKeepsOtherDefaults) {
  const Config cfg = ParseOk(R"({"server": {"port": 9000}})");
  EXPECT_EQ(cfg.server.port, 9000);
  EXPECT_EQ(cfg.server.host, "127.0.0.1");
  EXPECT_EQ(cfg.server.max_body_bytes, 1 << 20);
}

TEST(ConfigDefaultsTest, LocaleDirWithoutDirectoryPart) {
  StatusOr<Config> cfg = ParseConfig("{}", "linli.json", FakeEnv{}.fn());
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->locale_dir, "locales");
}

TEST(ConfigDefaultsTest, RelativeLocaleDirIsResolvedAgainstConfigDir) {
  EXPECT_EQ(ParseOk(R"({"locale_dir": "texts"})").locale_dir, "/etc/linli/texts");
  EXPECT_EQ(ParseOk(R"({"locale_dir": "/usr/share/linli/locales"})").locale_dir,
            "/usr/share/linli/locales");
}

TEST(ConfigDefaultsTest, ReadsEveryKey) {
  const Config cfg = ParseOk(R"({
    "server": {"host": "0.0.0.0", "port": 0, "max_body_bytes": 1024, "max_header_bytes": 2048,
               "request_timeout_ms": 5, "max_connections": 7},
    "storage": {"backend": "sqlite", "sqlite": {"path": "/var/lib/linli/x.db",
                "synchronous": "NORMAL", "busy_timeout_ms": 0}, "group_commit_max_batch": 1},
    "locale": "en", "timezone": "Europe/Berlin",
    "dialog": {"session_timeout_minutes": 5},
    "outbox": {"max_attempts": 3, "initial_backoff_ms": 10, "max_backoff_ms": 10,
               "poll_interval_ms": 20, "lease_ms": 90000},
    "logging": {"level": "debug", "json": true},
    "categories": ["a", "b_2"]
  })");
  EXPECT_EQ(cfg.server.host, "0.0.0.0");
  EXPECT_EQ(cfg.server.port, 0);
  EXPECT_EQ(cfg.server.max_body_bytes, 1024);
  EXPECT_EQ(cfg.server.max_header_bytes, 2048);
  EXPECT_EQ(cfg.server.request_timeout_ms, 5);
  EXPECT_EQ(cfg.server.max_connections, 7);
  EXPECT_EQ(cfg.storage.sqlite.path, "/var/lib/linli/x.db");
  EXPECT_EQ(cfg.storage.sqlite.synchronous, "NORMAL");
  EXPECT_EQ(cfg.storage.sqlite.busy_timeout_ms, 0);
  EXPECT_EQ(cfg.storage.group_commit_max_batch, 1);
  EXPECT_EQ(cfg.locale, "en");
  EXPECT_EQ(cfg.timezone, "Europe/Berlin");
  EXPECT_EQ(cfg.dialog.session_timeout_minutes, 5);
  EXPECT_EQ(cfg.outbox.max_attempts, 3);
  EXPECT_EQ(cfg.outbox.initial_backoff_ms, 10);
  EXPECT_EQ(cfg.outbox.max_backoff_ms, 10);
  EXPECT_EQ(cfg.outbox.poll_interval_ms, 20);
  EXPECT_EQ(cfg.outbox.lease_ms, 90000);
  EXPECT_EQ(cfg.logging.level, "debug");
  EXPECT_TRUE(cfg.logging.json);
  EXPECT_EQ(cfg.categories, (std::vector<std::string>{"a", "b_2"}));
}

// ---------------------------------------------------------------- syntax

TEST(ConfigSyntaxTest, CommentsAreAllowedEverywhere) {
  const Config cfg = ParseOk(R"(// leading line comment
/* block
   comment */
{
  "server": { // after a brace
    "port": /* inline */ 9001
  },
  "categories": [
    "a", // in an array
    /* "b", */
    "c"
  ]
} // trailing
)");
  EXPECT_EQ(cfg.server.port, 9001);
  EXPECT_EQ(cfg.categories, (std::vector<std::string>{"a", "c"}));
}

TEST(ConfigSyntaxTest, SyntaxErrorNamesFileLineAndColumn) {
  // Trailing comma: the error is at the '}' on line 4, column 3.
  StatusOr<Config> cfg = Parse("{\n  \"server\": {\n    \"port\": 80,\n  }\n}");
  ASSERT_FALSE(cfg.ok());
  EXPECT_EQ(cfg.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(cfg.status().message(), HasSubstr("/etc/linli/linli.json:4:3: invalid JSON"));
  EXPECT_THAT(cfg.status().message(), Not(HasSubstr("json.exception")));
}

// Issue 8: a syntax error echoed the text it read ("last read: '...'"), which on a secret's
// line is the secret. The message now says file, line and column only.
TEST(ConfigSyntaxTest, SyntaxErrorNeverEchoesTheTextRead) {
  const std::string secret = "tg-SECRET-7f3a9c1e5b";
  for (const std::string& text : {
           // an invalid literal right after the secret
           "{\n  \"channels\": [{\"name\": \"tg\", \"type\": \"telegram\",\n    \"token\": \"" +
               secret + "\" oops}]\n}",
           // the secret unquoted: an invalid literal of its own
           "{\"admin\": {\"api_token\": " + secret + "}}",
           // an unterminated string holding the secret
           "{\"admin\": {\"api_token\": \"" + secret + "\n}}",
           // a missing comma after the secret
           "{\"admin\": {\"api_token\": \"" + secret + "\" \"x\": 1}}",
       }) {
    StatusOr<Config> cfg = Parse(text);
    ASSERT_FALSE(cfg.ok()) << text;
    const std::string m = cfg.status().message();
    EXPECT_THAT(m, Not(HasSubstr("SECRET"))) << m;
    EXPECT_THAT(m, Not(HasSubstr("7f3a9c"))) << m;
    EXPECT_THAT(m, Not(HasSubstr("last read"))) << m;
    EXPECT_THAT(m, ::testing::MatchesRegex("/etc/linli/linli\\.json:[0-9]+:[0-9]+: invalid JSON"))
        << m;
  }
  // Still at the right place: the "oops" on line 3.
  EXPECT_THAT(Parse("{\n\"a\":\n \"" + secret + "\" oops}").status().message(),
              HasSubstr("linli.json:3:"));
}

TEST(ConfigSyntaxTest, ColumnCountsCharactersNotBytes) {
  // "幸福里" is 9 bytes but 3 characters: x is character 28 of line 2 (byte 34).
  StatusOr<Config> cfg = Parse("{\n\"compound\": {\"name\": \"幸福里\" x}}");
  ASSERT_FALSE(cfg.ok());
  EXPECT_THAT(cfg.status().message(), HasSubstr(":2:28:"));
}

TEST(ConfigSyntaxTest, EmptyTextIsAnError) { ExpectError("", "linli.json:1:1: invalid JSON"); }

TEST(ConfigSyntaxTest, UnterminatedBlockComment) {
  ExpectError("{} /* never closed", "invalid JSON");
}

TEST(ConfigSyntaxTest, TopLevelMustBeAnObject) {
  ExpectError("[1, 2]", "top level must be a JSON object (got array)");
  ExpectError("42", "top level must be a JSON object");
}

TEST(ConfigSyntaxTest, DuplicateKeyIsAnErrorNamingThePath) {
  ExpectError(R"({"server": {"port": 1, "port": 2}})", "server.port: duplicate key");
  ExpectError(R"({"logging": {}, "logging": {}})", "logging: duplicate key");
  ExpectError(R"({"channels": [{"name": "a", "type": "t"},
                               {"name": "b", "type": "t", "name": "c"}]})",
              "channels[1].name: duplicate key");
  ExpectError(R"({"compound": {"buildings": [{"id": "1", "units": ["1"]},
      {"id": "2", "units": ["1"], "units": ["2"]}]}})",
              "compound.buildings[1].units: duplicate key");
}

// ---------------------------------------------------------------- environment

TEST(ConfigEnvTest, SubstitutesSetVariables) {
  FakeEnv env;
  env.vars = {{"TG_TOKEN", "123:abc"}, {"HOST", "10.0.0.1"}, {"A", "x"}, {"B", "y"}};
  const Config cfg = ParseOk(R"({
    "server": {"host": "${HOST}"},
    "channels": [{"name": "tg", "type": "telegram", "token": "${TG_TOKEN}",
                  "mixed": "pre-${A}-mid-${B}-post"}]
  })",
                             env);
  EXPECT_EQ(cfg.server.host, "10.0.0.1");
  ASSERT_EQ(cfg.channels.size(), 1u);
  EXPECT_EQ(cfg.channels[0].Field("token"), "123:abc");
  EXPECT_EQ(cfg.channels[0].Field("mixed"), "pre-x-mid-y-post");
}

TEST(ConfigEnvTest, SecretsWithQuotesAndBackslashesAreSafe) {
  FakeEnv env;
  env.vars = {{"SECRET", R"(a"b\c}, "x": {)"}};
  const Config cfg =
      ParseOk(R"({"channels": [{"name": "c", "type": "t", "secret": "${SECRET}"}]})", env);
  EXPECT_EQ(cfg.channels[0].Field("secret"), R"(a"b\c}, "x": {)");
}

TEST(ConfigEnvTest, SubstitutedValuesAreNotRescanned) {
  FakeEnv env;
  env.vars = {{"A", "${B}"}, {"B", "nope"}};
  const Config cfg = ParseOk(R"({"channels": [{"name": "c", "type": "t", "k": "${A}"}]})", env);
  EXPECT_EQ(cfg.channels[0].Field("k"), "${B}");
}

TEST(ConfigEnvTest, EmptyValueIsAccepted) {
  FakeEnv env;
  env.vars = {{"EMPTY", ""}};
  const Config cfg =
      ParseOk(R"({"channels": [{"name": "c", "type": "t", "k": "[${EMPTY}]"}]})", env);
  EXPECT_EQ(cfg.channels[0].Field("k"), "[]");
}

TEST(ConfigEnvTest, UnsetVariableNamesKeyPathAndVariable) {
  StatusOr<Config> cfg = Parse(
      R"({"channels": [{"name": "tg", "type": "telegram", "token": "${LINLI_TG_TOKEN}"}]})");
  ASSERT_FALSE(cfg.ok());
  EXPECT_EQ(cfg.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(cfg.status().message(),
              HasSubstr("/etc/linli/linli.json: channels[0].token: environment variable "
                        "LINLI_TG_TOKEN is not set"));
}

TEST(ConfigEnvTest, UnsetVariableInNestedSection) {
  ExpectError(R"({"storage": {"sqlite": {"path": "${DATA}/linli.db"}}})",
              "storage.sqlite.path: environment variable DATA is not set");
}

TEST(ConfigEnvTest, EveryUnsetVariableIsReported) {
  StatusOr<Config> cfg = Parse(R"({"server": {"host": "${X1}"}, "timezone": "${X2}"})");
  ASSERT_FALSE(cfg.ok());
  EXPECT_THAT(cfg.status().message(), HasSubstr("server.host: environment variable X1"));
  EXPECT_THAT(cfg.status().message(), HasSubstr("timezone: environment variable X2"));
}

TEST(ConfigEnvTest, DoubleDollarEscapesALiteral) {
  FakeEnv env;
  const Config cfg = ParseOk(
      R"({"channels": [{"name": "c", "type": "t", "k": "$${HOME} and $${X}y", "d": "a$b$", "e": "$$"}]})",
      env);
  EXPECT_EQ(cfg.channels[0].Field("k"), "${HOME} and ${X}y");
  EXPECT_EQ(cfg.channels[0].Field("d"), "a$b$");
  EXPECT_EQ(cfg.channels[0].Field("e"), "$$");
  EXPECT_TRUE(env.lookups->empty()) << "escaped references must not be looked up";
}

TEST(ConfigEnvTest, EscapeNextToSubstitution) {
  FakeEnv env;
  env.vars = {{"V", "v"}};
  const Config cfg = ParseOk(R"({"channels": [{"name": "c", "type": "t", "k": "$${V}${V}"}]})",
                             env);
  EXPECT_EQ(cfg.channels[0].Field("k"), "${V}v");
}

TEST(ConfigEnvTest, UnterminatedReferenceIsAnError) {
  ExpectError(R"({"timezone": "${TZ"})", "timezone: unterminated \"${\"");
}

TEST(ConfigEnvTest, InvalidVariableNameIsAnError) {
  ExpectError(R"({"timezone": "${1TZ}"})", "timezone: invalid environment variable name \"1TZ\"");
  ExpectError(R"({"timezone": "${}"})", "timezone: invalid environment variable name \"\"");
  ExpectError(R"({"timezone": "${TZ:-UTC}"})", "invalid environment variable name \"TZ:-UTC\"");
}

TEST(ConfigEnvTest, ReferencesInCommentsAreIgnored) {
  FakeEnv env;
  ParseOk(R"({
    // "token": "${IN_LINE_COMMENT}"
    /* "secret": "${IN_BLOCK_COMMENT}" */
  })",
          env);
  EXPECT_TRUE(env.lookups->empty());
}

TEST(ConfigEnvTest, KeysAreNotSubstituted) {
  FakeEnv env;
  env.vars = {{"K", "server"}};
  ExpectError(R"({"${K}": {}})", "${K}: unknown key", env);
}

TEST(ConfigEnvTest, SubstitutedValuesAreValidated) {
  FakeEnv env;
  env.vars = {{"SYNC", "OFF"}};
  ExpectError(R"({"storage": {"sqlite": {"synchronous": "${SYNC}"}}})",
              "storage.sqlite.synchronous: OFF", env);
}

// ---------------------------------------------------------------- types and unknown keys

TEST(ConfigTypesTest, UnknownTopLevelKeyIsAnErrorWithSuggestion) {
  ExpectError(R"({"sever": {}})", "sever: unknown key (did you mean \"server\"?)");
  ExpectError(R"({"foo": 1})", "foo: unknown key");
  ExpectError(R"({"source_path": "x"})", "source_path: unknown key");
}

TEST(ConfigTypesTest, UnknownKeyInsideSectionsIsAnError) {
  ExpectError(R"({"server": {"prot": 1}})", "server.prot: unknown key (did you mean \"port\"?)");
  ExpectError(R"({"storage": {"sqlite": {"pth": "x"}}})", "storage.sqlite.pth: unknown key");
  ExpectError(R"({"storage": {"postgres": {}}})", "storage.postgres: unknown key");
  ExpectError(R"({"logging": {"format": "json"}})", "logging.format: unknown key");
  ExpectError(R"({"dialog": {"timeout": 1}})", "dialog.timeout: unknown key");
  ExpectError(R"({"outbox": {"retries": 1}})", "outbox.retries: unknown key");
  ExpectError(R"({"compound": {"nmae": "x"}})", "compound.nmae: unknown key");
}

TEST(ConfigTypesTest, SectionOfWrongTypeNamesTheKey) {
  ExpectError(R"({"server": 8080})", "server: must be an object (got integer 8080)");
  ExpectError(R"({"storage": "sqlite"})", "storage: must be an object (got string)");
  ExpectError(R"({"storage": {"sqlite": []}})", "storage.sqlite: must be an object (got array)");
  ExpectError(R"({"compound": null})", "compound: must be an object (got null)");
  ExpectError(R"({"channels": {}})", "channels: must be an array (got object)");
  ExpectError(R"({"staff": "x"})", "staff: must be an array (got string)");
  ExpectError(R"({"categories": "repair"})", "categories: must be an array (got string)");
}

TEST(ConfigTypesTest, ScalarOfWrongTypeNamesTheKey) {
  ExpectError(R"({"server": {"port": "8080"}})", "server.port: must be an integer (got string)");
  ExpectError(R"({"server": {"port": 80.5}})", "server.port: must be an integer (got number 80.5)");
  ExpectError(R"({"server": {"port": true}})", "server.port: must be an integer (got boolean true)");
  ExpectError(R"({"server": {"host": 1}})", "server.host: must be a string (got integer 1)");
  ExpectError(R"({"logging": {"json": "yes"}})", "logging.json: must be true or false (got string)");
  ExpectError(R"({"logging": {"level": 3}})", "logging.level: must be a string (got integer 3)");
  ExpectError(R"({"locale": null})", "locale: must be a string (got null)");
  ExpectError(R"({"timezone": 8})", "timezone: must be a string");
  ExpectError(R"({"locale_dir": []})", "locale_dir: must be a string (got array)");
}

TEST(ConfigTypesTest, StringValuesAreNotEchoedInTypeErrors) {
  FakeEnv env;
  env.vars = {{"SECRET", "hunter2"}};
  StatusOr<Config> cfg = Parse(R"({"server": {"port": "${SECRET}"}})", env);
  ASSERT_FALSE(cfg.ok());
  EXPECT_THAT(cfg.status().message(), Not(HasSubstr("hunter2")));
}

TEST(ConfigTypesTest, AllErrorsAreReportedOnePerLine) {
  StatusOr<Config> cfg =
      Parse(R"({"server": {"port": 70000}, "logging": {"level": "loud"}, "typo": 1})");
  ASSERT_FALSE(cfg.ok());
  const std::string m = cfg.status().message();  // status() returns a copy
  EXPECT_THAT(m, HasSubstr("/etc/linli/linli.json: server.port: must be 0..65535 (got 70000)\n"));
  EXPECT_THAT(m, HasSubstr("/etc/linli/linli.json: logging.level: must be one of"));
  EXPECT_THAT(m, HasSubstr("/etc/linli/linli.json: typo: unknown key"));
}

// ---------------------------------------------------------------- server

TEST(ConfigServerTest, PortRange) {
  ExpectError(R"({"server": {"port": 70000}})", "server.port: must be 0..65535 (got 70000)");
  ExpectError(R"({"server": {"port": -1}})", "server.port: must be 0..65535 (got -1)");
  ExpectError(R"({"server": {"port": 18446744073709551615}})", "server.port: must be 0..65535");
  EXPECT_EQ(ParseOk(R"({"server": {"port": 65535}})").server.port, 65535);
  EXPECT_EQ(ParseOk(R"({"server": {"port": 0}})").server.port, 0);
}

TEST(ConfigServerTest, MaxBodyBytesRange) {
  ExpectError(R"({"server": {"max_body_bytes": 1023}})",
              "server.max_body_bytes: must be 1024..67108864 (got 1023)");
  ExpectError(R"({"server": {"max_body_bytes": 67108865}})",
              "server.max_body_bytes: must be 1024..67108864 (got 67108865)");
  EXPECT_EQ(ParseOk(R"({"server": {"max_body_bytes": 67108864}})").server.max_body_bytes,
            64 << 20);
}

TEST(ConfigServerTest, OtherLimits) {
  ExpectError(R"({"server": {"max_header_bytes": 100}})", "server.max_header_bytes: must be");
  ExpectError(R"({"server": {"request_timeout_ms": -5}})",
              "server.request_timeout_ms: must be 1..3600000 (got -5)");
  ExpectError(R"({"server": {"request_timeout_ms": 0}})", "server.request_timeout_ms: must be");
  ExpectError(R"({"server": {"max_connections": 0}})", "server.max_connections: must be");
}

TEST(ConfigServerTest, HostMustNotBeEmpty) {
  ExpectError(R"({"server": {"host": ""}})", "server.host: must not be empty");
}

// ---------------------------------------------------------------- storage

TEST(ConfigStorageTest, BackendIsSqliteOrPostgresql) {
  ExpectError(R"({"storage": {"backend": "postgres"}})",
              "storage.backend: must be \"sqlite\" or \"postgresql\" (got \"postgres\"; did you "
              "mean \"postgresql\"?)");
  ExpectError(R"({"storage": {"backend": "mysql"}})",
              "storage.backend: must be \"sqlite\" or \"postgresql\" (got \"mysql\")");
}

// Issue 14: the PostgreSQL section, its defaults, and each bad value named by its key.
TEST(ConfigStorageTest, Postgresql) {
  FakeEnv env;
  env.vars["LINLI_PG_DSN"] = "host=/run/postgresql dbname=linli password=pw";
  const Config cfg = ParseOk(R"({"storage": {"backend": "postgresql",
      "postgresql": {"dsn": "${LINLI_PG_DSN}"}}})", env);
  EXPECT_EQ(cfg.storage.backend, "postgresql");
  EXPECT_EQ(cfg.storage.postgresql.dsn, "host=/run/postgresql dbname=linli password=pw");
  EXPECT_EQ(cfg.storage.postgresql.schema, "");
  EXPECT_EQ(cfg.storage.postgresql.statement_timeout_ms, 30000);
  const Config set = ParseOk(R"({"storage": {"backend": "postgresql", "postgresql": {
      "dsn": "dbname=linli", "schema": "linli_prod",
      "statement_timeout_ms": 0}}})");
  EXPECT_EQ(set.storage.postgresql.schema, "linli_prod");
  EXPECT_EQ(set.storage.postgresql.statement_timeout_ms, 0);

  ExpectError(R"({"storage": {"backend": "postgresql"}})",
              "storage.postgresql.dsn: is required with storage.backend \"postgresql\"");
  ExpectError(R"({"storage": {"backend": "postgresql", "postgresql": {"dsn": ""}}})",
              "storage.postgresql.dsn: is required");
  ExpectError(R"({"storage": {"backend": "postgresql", "postgresql": {"dsn": "${LINLI_PG_DSN}"}}})",
              "storage.postgresql.dsn: environment variable LINLI_PG_DSN is not set");
  // An instance opens its own few connections (the writer, the outbox's listener, /metrics'
  // reader): there is no pool to size.
  ExpectError(R"({"storage": {"postgresql": {"dsn": "x", "pool_size": 4}}})",
              "storage.postgresql.pool_size: unknown key");
  ExpectError(R"({"storage": {"postgresql": {"dsn": "x", "statement_timeout_ms": -5}}})",
              "storage.postgresql.statement_timeout_ms: must be 0..3600000 (got -5)");
  ExpectError(R"({"storage": {"postgresql": {"dsn": "x", "schema": "a; DROP"}}})",
              "storage.postgresql.schema: must be a plain identifier");
  ExpectError(R"({"storage": {"postgresql": {"dns": "x"}}})",
              "storage.postgresql.dns: unknown key (did you mean \"dsn\"?)");
  // The SQLite default needs no DSN.
  EXPECT_EQ(ParseOk("{}").storage.postgresql.dsn, "");
}

TEST(ConfigStorageTest, SqlitePathMustNotBeEmpty) {
  ExpectError(R"({"storage": {"sqlite": {"path": ""}}})", "storage.sqlite.path: must not be empty");
}

TEST(ConfigStorageTest, Synchronous) {
  ExpectError(R"({"storage": {"sqlite": {"synchronous": "OFF"}}})",
              "storage.sqlite.synchronous: OFF can lose acknowledged webhooks");
  ExpectError(R"({"storage": {"sqlite": {"synchronous": "off"}}})",
              "storage.sqlite.synchronous: OFF");
  ExpectError(R"({"storage": {"sqlite": {"synchronous": "EXTRA"}}})",
              "storage.sqlite.synchronous: must be FULL or NORMAL (got \"EXTRA\")");
  EXPECT_EQ(ParseOk(R"({"storage": {"sqlite": {"synchronous": "normal"}}})")
                .storage.sqlite.synchronous,
            "NORMAL");
}

TEST(ConfigStorageTest, Numbers) {
  ExpectError(R"({"storage": {"sqlite": {"busy_timeout_ms": -1}}})",
              "storage.sqlite.busy_timeout_ms: must be 0..600000 (got -1)");
  ExpectError(R"({"storage": {"group_commit_max_batch": 0}})",
              "storage.group_commit_max_batch: must be 1..100000 (got 0)");
}

// ---------------------------------------------------------------- locale, timezone

TEST(ConfigLocaleTest, BuiltInLocalesAreAccepted) {
  EXPECT_EQ(ParseOk(R"({"locale": "en"})").locale, "en");
  EXPECT_EQ(ParseOk(R"({"locale": "zh-CN"})").locale, "zh-CN");
}

TEST(ConfigLocaleTest, OtherLocaleNeedsAFile) {
  ExpectError(R"({"locale": "fr"})",
              "locale: must be \"zh-CN\" or \"en\", or have a locale file (no "
              "/etc/linli/locales/fr.json)");
  const std::string dir = LINLI_TESTDATA_DIR "/config/locales";
  const Config cfg = ParseOk(R"({"locale": "fr", "locale_dir": ")" + dir + R"("})");
  EXPECT_EQ(cfg.locale, "fr");
  EXPECT_EQ(cfg.locale_dir, dir);
}

TEST(ConfigLocaleTest, MalformedLocaleIsRejectedWithoutTouchingTheDisk) {
  ExpectError(R"({"locale": "../../etc/passwd"})", "locale: must be \"zh-CN\" or \"en\"");
  ExpectError(R"({"locale": "zh_CN"})", "locale: must be");
  ExpectError(R"({"locale": ""})", "locale: must not be empty");
}

TEST(ConfigLocaleTest, LocaleDirMustNotBeEmpty) {
  ExpectError(R"({"locale_dir": ""})", "locale_dir: must not be empty");
}

TEST(ConfigLocaleTest, Timezone) {
  ExpectError(R"({"timezone": ""})", "timezone: must not be empty");
  ExpectError(R"({"timezone": "Asia Shanghai"})", "timezone: must be an IANA name");
  EXPECT_EQ(ParseOk(R"({"timezone": "UTC"})").timezone, "UTC");
}

TEST(ConfigLocaleTest, WellFormedLocale) {
  EXPECT_TRUE(IsWellFormedLocale("zh-CN"));
  EXPECT_TRUE(IsWellFormedLocale("en"));
  EXPECT_TRUE(IsWellFormedLocale("zh-Hant-TW"));
  EXPECT_FALSE(IsWellFormedLocale("e"));
  EXPECT_FALSE(IsWellFormedLocale("-en"));
  EXPECT_FALSE(IsWellFormedLocale("en-"));
  EXPECT_FALSE(IsWellFormedLocale("en--US"));
  EXPECT_FALSE(IsWellFormedLocale("1en"));
  EXPECT_FALSE(IsWellFormedLocale("en/US"));
  EXPECT_FALSE(IsWellFormedLocale("en.json"));
}

// ---------------------------------------------------------------- channels

TEST(ConfigChannelsTest, ParsesNameTypeApiBaseAndFields) {
  const Config cfg = ParseOk(R"({"channels": [
    {"name": "tg", "type": "telegram", "api_base": "https://api.telegram.org",
     "token": "1:a", "timeout_ms": 5000, "negative": -3, "ratio": 0.5, "enabled": true,
     "off": false},
    {"name": "wx-2_b", "type": "wechat_mp"}
  ]})");
  ASSERT_EQ(cfg.channels.size(), 2u);
  const ChannelConfig& tg = cfg.channels[0];
  EXPECT_EQ(tg.name, "tg");
  EXPECT_EQ(tg.type, "telegram");
  EXPECT_EQ(tg.api_base, "https://api.telegram.org");
  EXPECT_EQ(tg.fields.count("name"), 0u);
  EXPECT_EQ(tg.fields.count("type"), 0u);
  EXPECT_EQ(tg.fields.count("api_base"), 0u);
  EXPECT_EQ(tg.Field("token"), "1:a");
  EXPECT_EQ(tg.Field("timeout_ms"), "5000");
  EXPECT_EQ(tg.Field("negative"), "-3");
  EXPECT_EQ(tg.Field("ratio"), "0.5");
  EXPECT_EQ(tg.Field("enabled"), "true");
  EXPECT_EQ(tg.Field("off"), "false");
  EXPECT_EQ(tg.Field("absent"), "");
  EXPECT_EQ(cfg.channels[1].name, "wx-2_b");
  EXPECT_TRUE(cfg.channels[1].api_base.empty());
  EXPECT_TRUE(cfg.channels[1].fields.empty());
}

TEST(ConfigChannelsTest, ElementMustBeAnObject) {
  ExpectError(R"({"channels": ["tg"]})", "channels[0]: must be an object (got string)");
}

TEST(ConfigChannelsTest, NameIsRequiredAndWellFormed) {
  ExpectError(R"({"channels": [{"type": "telegram"}]})", "channels[0].name: is required");
  ExpectError(R"({"channels": [{"name": "", "type": "t"}]})", "channels[0].name: must not be empty");
  ExpectError(R"({"channels": [{"name": "TG", "type": "t"}]})",
              "channels[0].name: must be 1-32 characters of a-z 0-9 _ - (got \"TG\")");
  ExpectError(R"({"channels": [{"name": "a b", "type": "t"}]})", "channels[0].name: must be");
  ExpectError(R"({"channels": [{"name": 5, "type": "t"}]})",
              "channels[0].name: must be a string (got integer 5)");
  const std::string n32(32, 'a');
  ParseOk(R"({"channels": [{"name": ")" + n32 + R"(", "type": "t"}]})");
  ExpectError(R"({"channels": [{"name": ")" + n32 + R"(a", "type": "t"}]})",
              "channels[0].name: must be 1-32 characters");
}

TEST(ConfigChannelsTest, DuplicateNameNamesBothEntries) {
  ExpectError(R"({"channels": [{"name": "tg", "type": "telegram"},
                               {"name": "tg", "type": "telegram"}]})",
              "channels[1].name: duplicate \"tg\" (also channels[0])");
}

TEST(ConfigChannelsTest, TypeIsRequired) {
  ExpectError(R"({"channels": [{"name": "tg"}]})", "channels[0].type: is required");
  ExpectError(R"({"channels": [{"name": "tg", "type": ""}]})", "channels[0].type: must not be empty");
  ExpectError(R"({"channels": [{"name": "tg", "type": "Tele gram"}]})", "channels[0].type: must be");
}

TEST(ConfigChannelsTest, ApiBaseMustBeHttpUrl) {
  ExpectError(R"({"channels": [{"name": "tg", "type": "t", "api_base": "ftp://x"}]})",
              "channels[0].api_base: must start with http:// or https://");
  ExpectError(R"({"channels": [{"name": "tg", "type": "t", "api_base": "api.telegram.org"}]})",
              "channels[0].api_base: must start with http:// or https://");
  ExpectError(R"({"channels": [{"name": "tg", "type": "t", "api_base": ""}]})",
              "channels[0].api_base: must start with");
  ExpectError(R"({"channels": [{"name": "tg", "type": "t", "api_base": "https://"}]})",
              "channels[0].api_base: must start with");
  EXPECT_EQ(ParseOk(R"({"channels": [{"name": "tg", "type": "t",
                                      "api_base": "http://127.0.0.1:9000"}]})")
                .channels[0]
                .api_base,
            "http://127.0.0.1:9000");
}

TEST(ConfigChannelsTest, NestedOrNullFieldsAreErrors) {
  ExpectError(R"({"channels": [{"name": "tg", "type": "t", "extra": {"a": 1}}]})",
              "channels[0].extra: must be a string, number or boolean (got object)");
  ExpectError(R"({"channels": [{"name": "tg", "type": "t", "ids": [1, 2]}]})",
              "channels[0].ids: must be a string, number or boolean (got array)");
  ExpectError(R"({"channels": [{"name": "tg", "type": "t", "token": null}]})",
              "channels[0].token: must be a string, number or boolean (got null)");
}

// ---------------------------------------------------------------- compound

TEST(ConfigCompoundTest, ParsesBuildings) {
  const Config cfg = ParseOk(R"({"compound": {"name": "幸福里小区", "buildings": [
      {"id": "1", "units": ["1", "2"]}, {"id": "A座", "units": ["东"]}]}})");
  EXPECT_EQ(cfg.compound.name, "幸福里小区");
  ASSERT_EQ(cfg.compound.buildings.size(), 2u);
  EXPECT_EQ(cfg.compound.buildings[0].id, "1");
  EXPECT_EQ(cfg.compound.buildings[0].units, (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(cfg.compound.buildings[1].id, "A座");
  EXPECT_EQ(cfg.compound.buildings[1].units, (std::vector<std::string>{"东"}));
}

TEST(ConfigCompoundTest, UnitsMustBeANonEmptyArray) {
  const std::string two = R"({"id": "1", "units": ["1"]}, {"id": "2", "units": ["1"]}, )";
  ExpectError(R"({"compound": {"buildings": [)" + two + R"({"id": "3"}]}})",
              "compound.buildings[2].units: must be a non-empty array");
  ExpectError(R"({"compound": {"buildings": [)" + two + R"({"id": "3", "units": []}]}})",
              "compound.buildings[2].units: must be a non-empty array");
  ExpectError(R"({"compound": {"buildings": [{"id": "3", "units": "1,2"}]}})",
              "compound.buildings[0].units: must be a non-empty array (got string)");
}

TEST(ConfigCompoundTest, UnitElements) {
  ExpectError(R"({"compound": {"buildings": [{"id": "3", "units": ["1", 2]}]}})",
              "compound.buildings[0].units[1]: must be a string (got integer 2)");
  ExpectError(R"({"compound": {"buildings": [{"id": "3", "units": ["1", ""]}]}})",
              "compound.buildings[0].units[1]: must not be empty");
  ExpectError(R"({"compound": {"buildings": [{"id": "3", "units": ["1", "1"]}]}})",
              "compound.buildings[0].units[1]: duplicate \"1\"");
}

TEST(ConfigCompoundTest, BuildingIds) {
  ExpectError(R"({"compound": {"buildings": [{"units": ["1"]}]}})",
              "compound.buildings[0].id: is required");
  ExpectError(R"({"compound": {"buildings": [{"id": 3, "units": ["1"]}]}})",
              "compound.buildings[0].id: must be a string (got integer 3)");
  ExpectError(R"({"compound": {"buildings": [{"id": "3", "units": ["1"]},
                                             {"id": "3", "units": ["1"]}]}})",
              "compound.buildings[1].id: duplicate \"3\" (also compound.buildings[0])");
}

TEST(ConfigCompoundTest, OtherShapes) {
  ExpectError(R"({"compound": {"buildings": ["1"]}})",
              "compound.buildings[0]: must be an object (got string)");
  ExpectError(R"({"compound": {"buildings": {}}})", "compound.buildings: must be an array");
  ExpectError(R"({"compound": {"buildings": [{"id": "1", "units": ["1"], "floors": 6}]}})",
              "compound.buildings[0].floors: unknown key");
  ExpectError(R"({"compound": {"name": ""}})", "compound.name: must not be empty");
}

// ---------------------------------------------------------------- staff

TEST(ConfigStaffTest, ParsesMembersWithDefaults) {
  const Config cfg = ParseOk(R"({
    "channels": [{"name": "tg", "type": "telegram"}],
    "staff": [{"channel": "console", "user_id": "admin", "name": "小李", "tier": "street",
               "role": "admin"},
              {"channel": "tg", "user_id": "42"}]})");
  ASSERT_EQ(cfg.staff.size(), 2u);
  EXPECT_EQ(cfg.staff[0].channel, "console");
  EXPECT_EQ(cfg.staff[0].user_id, "admin");
  EXPECT_EQ(cfg.staff[0].name, "小李");
  EXPECT_EQ(cfg.staff[0].tier, "street");
  EXPECT_EQ(cfg.staff[0].role, "admin");
  EXPECT_EQ(cfg.staff[1].channel, "tg");
  EXPECT_EQ(cfg.staff[1].tier, "grid");
  EXPECT_EQ(cfg.staff[1].role, "staff");
}

TEST(ConfigStaffTest, ChannelMustBeConfigured) {
  ExpectError(R"({"staff": [{"channel": "tg", "user_id": "1"}]})",
              "staff[0].channel: no channel named \"tg\"");
  ExpectError(R"({"staff": [{"user_id": "1"}]})", "staff[0].channel: is required");
}

TEST(ConfigStaffTest, UserIdIsRequired) {
  ExpectError(R"({"staff": [{"channel": "console"}]})", "staff[0].user_id: is required");
  ExpectError(R"({"staff": [{"channel": "console", "user_id": ""}]})",
              "staff[0].user_id: must not be empty");
  ExpectError(R"({"staff": [{"channel": "console", "user_id": 42}]})",
              "staff[0].user_id: must be a string (got integer 42)");
}

TEST(ConfigStaffTest, TierAndRole) {
  ExpectError(R"({"staff": [{"channel": "console", "user_id": "1", "tier": "city"}]})",
              "staff[0].tier: must be one of grid|property|community|street (got \"city\")");
  ExpectError(R"({"staff": [{"channel": "console", "user_id": "1", "role": "root"}]})",
              "staff[0].role: must be one of staff|admin (got \"root\")");
}

TEST(ConfigStaffTest, DuplicateAndUnknownKeys) {
  ExpectError(R"({"staff": [{"channel": "console", "user_id": "1"},
                            {"channel": "console", "user_id": "1"}]})",
              "staff[1].user_id: duplicate staff member (also staff[0])");
  ExpectError(R"({"staff": [{"channel": "console", "user_id": "1", "phone": "138"}]})",
              "staff[0].phone: unknown key");
  ExpectError(R"({"staff": [7]})", "staff[0]: must be an object (got integer 7)");
}

// ---------------------------------------------------------------- categories

TEST(ConfigCategoriesTest, Rules) {
  ExpectError(R"({"categories": []})", "categories: must be a non-empty array");
  ExpectError(R"({"categories": ["repair", "Noise"]})",
              "categories[1]: must be 1-32 characters of a-z 0-9 _ (got \"Noise\")");
  ExpectError(R"({"categories": ["repair", "bad-id"]})", "categories[1]: must be");
  ExpectError(R"({"categories": [""]})", "categories[0]: must be");
  ExpectError(R"({"categories": ["repair", "repair"]})", "categories[1]: duplicate \"repair\"");
  ExpectError(R"({"categories": ["repair", 1]})", "categories[1]: must be a string (got integer 1)");
}

// ---------------------------------------------------------------- dialog, outbox, logging

TEST(ConfigSmallSectionsTest, Dialog) {
  ExpectError(R"({"dialog": {"session_timeout_minutes": 0}})",
              "dialog.session_timeout_minutes: must be 1..10080 (got 0)");
  ExpectError(R"({"dialog": {"session_timeout_minutes": -30}})",
              "dialog.session_timeout_minutes: must be");
}

TEST(ConfigSmallSectionsTest, Outbox) {
  ExpectError(R"({"outbox": {"initial_backoff_ms": -1}})", "outbox.initial_backoff_ms: must be");
  ExpectError(R"({"outbox": {"max_attempts": 0}})", "outbox.max_attempts: must be 1..1000");
  ExpectError(R"({"outbox": {"poll_interval_ms": -500}})", "outbox.poll_interval_ms: must be");
  ExpectError(R"({"outbox": {"max_backoff_ms": -1}})", "outbox.max_backoff_ms: must be");
  // A lease shorter than a send could take would let another instance send it twice.
  ExpectError(R"({"outbox": {"lease_ms": 4999}})", "outbox.lease_ms: must be 5000..3600000");
  ExpectError(R"({"outbox": {"lease_ms": "2m"}})", "outbox.lease_ms: must be an integer");
  ExpectError(R"({"outbox": {"initial_backoff_ms": 5000, "max_backoff_ms": 1000}})",
              "outbox.max_backoff_ms: must be >= outbox.initial_backoff_ms (5000) (got 1000)");
}

TEST(ConfigSmallSectionsTest, Logging) {
  ExpectError(R"({"logging": {"level": "verbose"}})",
              "logging.level: must be one of trace|debug|info|warn|error (got \"verbose\")");
  for (const char* level : {"trace", "debug", "info", "warn", "error"}) {
    EXPECT_EQ(ParseOk(std::string(R"({"logging": {"level": ")") + level + "\"}}").logging.level,
              level);
  }
}

// ---------------------------------------------------------------- files

TEST(ConfigFileTest, MissingFileIsNotFoundNamingThePath) {
  StatusOr<Config> cfg = LoadConfigFile("/nonexistent/dir/linli.json", FakeEnv{}.fn());
  ASSERT_FALSE(cfg.ok());
  EXPECT_EQ(cfg.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(cfg.status().message(), HasSubstr("/nonexistent/dir/linli.json"));
}

TEST(ConfigFileTest, DirectoryIsNotAConfigFile) {
  StatusOr<Config> cfg = LoadConfigFile(LINLI_TESTDATA_DIR "/config", FakeEnv{}.fn());
  ASSERT_FALSE(cfg.ok());
  EXPECT_EQ(cfg.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(cfg.status().message(), HasSubstr("is a directory"));
}

TEST(ConfigFileTest, MinimalFileLoadsWithDefaults) {
  StatusOr<Config> cfg = LoadConfigFile(LINLI_TESTDATA_DIR "/config/minimal.json", FakeEnv{}.fn());
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->source_path, LINLI_TESTDATA_DIR "/config/minimal.json");
  EXPECT_EQ(cfg->locale_dir, LINLI_TESTDATA_DIR "/config/locales");
  EXPECT_EQ(cfg->server.port, 8080);
}

TEST(ConfigFileTest, SyntaxErrorInFileNamesThePath) {
  const std::string path =
      (std::filesystem::temp_directory_path() / "linli_config_test_bad.json").string();
  {
    std::ofstream out(path);
    out << "{\n  \"server\": {\"port\": 1}\n  \"logging\": {}\n}\n";
  }
  StatusOr<Config> cfg = LoadConfigFile(path, FakeEnv{}.fn());
  std::filesystem::remove(path);
  ASSERT_FALSE(cfg.ok());
  // Missing comma: reported at the end of the token that cannot follow, "logging".
  EXPECT_THAT(cfg.status().message(), HasSubstr(path + ":3:11: invalid JSON"));
}

// ---------------------------------------------------------------- the shipped example

constexpr char kExamplePath[] = LINLI_SOURCE_DIR "/config/linli.example.json";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(ConfigExampleTest, LoadsWithoutAnyEnvironmentVariable) {
  FakeEnv env;  // nothing set
  StatusOr<Config> cfg = LoadConfigFile(kExamplePath, env.fn());
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_TRUE(env.lookups->empty());
  EXPECT_EQ(cfg->server.host, "127.0.0.1");
  EXPECT_EQ(cfg->server.port, 8080);
  EXPECT_EQ(cfg->storage.backend, "sqlite");
  EXPECT_EQ(cfg->storage.sqlite.path, "linli.db");
  EXPECT_EQ(cfg->storage.sqlite.synchronous, "FULL");
  EXPECT_EQ(cfg->locale, "zh-CN");
  EXPECT_EQ(cfg->timezone, "Asia/Shanghai");
  EXPECT_EQ(cfg->locale_dir, LINLI_SOURCE_DIR "/config/locales");
  EXPECT_TRUE(cfg->channels.empty());
  EXPECT_EQ(cfg->compound.name, "幸福里小区");
  ASSERT_EQ(cfg->compound.buildings.size(), 6u);
  for (size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(cfg->compound.buildings[i].id, std::to_string(i + 1));
    EXPECT_EQ(cfg->compound.buildings[i].units, (std::vector<std::string>{"1", "2", "3"}));
  }
  ASSERT_EQ(cfg->staff.size(), 1u);
  EXPECT_EQ(cfg->staff[0].channel, "console");
  EXPECT_EQ(cfg->categories, Config{}.categories);
}

// The example shows every documented default: parsing it must equal parsing "{}" except for
// the compound and staff it adds.
TEST(ConfigExampleTest, ShowsTheDocumentedDefaults) {
  StatusOr<Config> ex = LoadConfigFile(kExamplePath, FakeEnv{}.fn());
  ASSERT_TRUE(ex.ok()) << ex.status().ToString();
  StatusOr<Config> def = ParseConfig("{}", kExamplePath, FakeEnv{}.fn());
  ASSERT_TRUE(def.ok());
  EXPECT_EQ(ex->server.max_body_bytes, def->server.max_body_bytes);
  EXPECT_EQ(ex->server.max_header_bytes, def->server.max_header_bytes);
  EXPECT_EQ(ex->server.request_timeout_ms, def->server.request_timeout_ms);
  EXPECT_EQ(ex->server.max_connections, def->server.max_connections);
  EXPECT_EQ(ex->storage.sqlite.busy_timeout_ms, def->storage.sqlite.busy_timeout_ms);
  EXPECT_EQ(ex->storage.group_commit_max_batch, def->storage.group_commit_max_batch);
  EXPECT_EQ(ex->dialog.session_timeout_minutes, def->dialog.session_timeout_minutes);
  EXPECT_EQ(ex->outbox.max_attempts, def->outbox.max_attempts);
  EXPECT_EQ(ex->outbox.initial_backoff_ms, def->outbox.initial_backoff_ms);
  EXPECT_EQ(ex->outbox.max_backoff_ms, def->outbox.max_backoff_ms);
  EXPECT_EQ(ex->outbox.poll_interval_ms, def->outbox.poll_interval_ms);
  EXPECT_EQ(ex->logging.level, def->logging.level);
  EXPECT_EQ(ex->logging.json, def->logging.json);
  EXPECT_EQ(ex->locale_dir, def->locale_dir);
}

// The group-robot samples (the second commented block of channels) parse once both blocks
// are uncommented, with their secrets from the environment, and each secret is named when
// its variable is missing.
TEST(ConfigExampleTest, CommentedRobotSamplesAreValid) {
  std::string text = ReadFile(kExamplePath);
  size_t from = text.find("\"channels\": [");
  ASSERT_NE(from, std::string::npos);
  for (int block = 0; block < 2; ++block) {
    const size_t open = text.find("/*", from);
    ASSERT_NE(open, std::string::npos);
    text.erase(open, 2);
    const size_t close = text.find("*/", open);
    ASSERT_NE(close, std::string::npos);
    text.erase(close, 2);
    from = close;
  }
  FakeEnv env;
  for (const char* var :
       {"LINLI_TG_TOKEN", "LINLI_TG_SECRET", "LINLI_WX_APPID", "LINLI_WX_SECRET",
        "LINLI_WX_TOKEN", "LINLI_WX_AESKEY", "LINLI_WECOM_CORPID", "LINLI_WECOM_SECRET",
        "LINLI_WECOM_TOKEN", "LINLI_WECOM_AESKEY", "LINLI_FEISHU_APPID", "LINLI_FEISHU_SECRET",
        "LINLI_FEISHU_VTOKEN", "LINLI_FEISHU_ENCRYPT_KEY", "LINLI_DING_APP_KEY",
        "LINLI_DING_APP_SECRET", "LINLI_WECOM_ROBOT_KEY", "LINLI_DING_ROBOT_TOKEN",
        "LINLI_DING_ROBOT_SECRET", "LINLI_FEISHU_ROBOT_TOKEN", "LINLI_FEISHU_ROBOT_SECRET"}) {
    env.vars[var] = std::string("value-of-") + var;
  }
  StatusOr<Config> cfg = ParseConfig(text, kExamplePath, env.fn());
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  ASSERT_EQ(cfg->channels.size(), 8u);
  EXPECT_EQ(cfg->channels[5].type, "wecom_robot");
  EXPECT_EQ(cfg->channels[5].Field("key"), "value-of-LINLI_WECOM_ROBOT_KEY");
  EXPECT_EQ(cfg->channels[5].api_base, "https://qyapi.weixin.qq.com");
  EXPECT_EQ(cfg->channels[6].type, "dingtalk_robot");
  EXPECT_EQ(cfg->channels[6].Field("access_token"), "value-of-LINLI_DING_ROBOT_TOKEN");
  EXPECT_EQ(cfg->channels[6].Field("secret"), "value-of-LINLI_DING_ROBOT_SECRET");
  EXPECT_EQ(cfg->channels[7].type, "feishu_robot");
  EXPECT_EQ(cfg->channels[7].Field("token"), "value-of-LINLI_FEISHU_ROBOT_TOKEN");
  EXPECT_EQ(cfg->channels[7].api_base, "https://open.feishu.cn");

  env.vars.erase("LINLI_WECOM_ROBOT_KEY");
  StatusOr<Config> missing = ParseConfig(text, kExamplePath, env.fn());
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.status().message(),
              HasSubstr("channels[5].key: environment variable LINLI_WECOM_ROBOT_KEY is not set"));
}

// The commented-out channel samples must be valid once uncommented and their secrets set.
TEST(ConfigExampleTest, CommentedChannelSamplesAreValid) {
  std::string text = ReadFile(kExamplePath);
  const size_t channels = text.find("\"channels\": [");
  ASSERT_NE(channels, std::string::npos);
  const size_t open = text.find("/*", channels);
  const size_t close = text.find("*/", open);
  ASSERT_NE(open, std::string::npos);
  ASSERT_NE(close, std::string::npos);
  text.erase(close, 2);
  text.erase(open, 2);

  FakeEnv env;
  for (const char* var :
       {"LINLI_TG_TOKEN", "LINLI_TG_SECRET", "LINLI_WX_APPID", "LINLI_WX_SECRET",
        "LINLI_WX_TOKEN", "LINLI_WX_AESKEY", "LINLI_WECOM_CORPID", "LINLI_WECOM_SECRET",
        "LINLI_WECOM_TOKEN", "LINLI_WECOM_AESKEY", "LINLI_FEISHU_APPID", "LINLI_FEISHU_SECRET",
        "LINLI_FEISHU_VTOKEN", "LINLI_FEISHU_ENCRYPT_KEY", "LINLI_DING_APP_KEY",
        "LINLI_DING_APP_SECRET"}) {
    env.vars[var] = std::string("value-of-") + var;
  }
  StatusOr<Config> cfg = ParseConfig(text, kExamplePath, env.fn());
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  ASSERT_EQ(cfg->channels.size(), 5u);
  std::set<std::string> types;
  for (const ChannelConfig& c : cfg->channels) {
    types.insert(c.type);
    EXPECT_FALSE(c.api_base.empty()) << c.name;
  }
  EXPECT_EQ(types, (std::set<std::string>{"telegram", "wechat_mp", "wecom_app", "feishu",
                                          "dingtalk_bot"}));
  EXPECT_EQ(cfg->channels[0].Field("token"), "value-of-LINLI_TG_TOKEN");
  EXPECT_EQ(cfg->channels[2].Field("agent_id"), "1000002");

  // Without the environment each secret is reported by key path and variable.
  StatusOr<Config> missing = ParseConfig(text, kExamplePath, FakeEnv{}.fn());
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.status().message(),
              HasSubstr("channels[0].token: environment variable LINLI_TG_TOKEN is not set"));
}

}  // namespace
}  // namespace linli::config::config_loader_test
