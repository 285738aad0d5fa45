// The PostgreSQL backend against a real server (LINLI_PG_DSN; skipped, saying why, without
// one). The store tests run on it too (store_test.h); these pin what is PostgreSQL's own: the
// type mapping, SQLSTATE errors, aborted transactions, a broken connection, the session
// settings, and migrations under the advisory lock.
#include "storage/postgres_database.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "storage/migrations.h"
#include "storage/open_database.h"
#include "tests/storage/test_database.h"

namespace linli::storage::postgres_database_test {
namespace {

class PostgresDatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const std::string why = PgTestSkipReason(); !why.empty()) GTEST_SKIP() << why;
    schema_ = std::make_unique<TestSchema>();
    ASSERT_TRUE(schema_->status().ok()) << schema_->status().ToString();
    db_ = Open();
    ASSERT_NE(db_, nullptr);
  }
  void TearDown() override {
    db_.reset();
    schema_.reset();
  }

  std::unique_ptr<Database> Open(int statement_timeout_ms = 30000) {
    PostgresOptions o = schema_->Options();
    o.statement_timeout_ms = statement_timeout_ms;
    auto db = OpenPostgres(o);
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    return db.ok() ? std::move(db).value() : nullptr;
  }
  DatabaseOptions Options() const {
    DatabaseOptions o;
    o.backend = "postgresql";
    o.postgresql = schema_->Options();
    return o;
  }
  int64_t Count(const std::string& table) {
    auto rows = db_->Query("SELECT COUNT(*) FROM " + table);
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() ? (*rows)[0].Int(0) : -1;
  }
  // Ends this test's connection from another session, as a server restart or a network
  // failure would (and waits until the backend is gone).
  void KillConnection(Database& victim) {
    auto pid = victim.Query("SELECT pg_backend_pid()");
    ASSERT_TRUE(pid.ok()) << pid.status().ToString();
    auto other = Open();
    ASSERT_NE(other, nullptr);
    ASSERT_TRUE(other->Exec("SELECT pg_terminate_backend(CAST(? AS INTEGER), 10000)", {(*pid)[0].Int(0)}).ok());
  }

  std::unique_ptr<TestSchema> schema_;
  std::unique_ptr<Database> db_;
};

TEST_F(PostgresDatabaseTest, DialectIsPostgres) { EXPECT_EQ(db_->dialect(), "postgres"); }

TEST_F(PostgresDatabaseTest, BindsAndReturnsEveryValueType) {
  ASSERT_TRUE(db_->Exec("CREATE TABLE v (i BIGINT, d DOUBLE PRECISION, t TEXT, n TEXT)").ok());
  const int64_t big = std::numeric_limits<int64_t>::max();
  const int64_t small = std::numeric_limits<int64_t>::min();
  for (const auto& [i, d] : std::vector<std::pair<int64_t, double>>{
           {big, 0.1}, {small, -1e300}, {0, 76.29}}) {
    ASSERT_TRUE(
        db_->Exec("INSERT INTO v VALUES (?, ?, ?, ?)", {i, d, std::string("a'b\"?三"), nullptr})
            .ok());
  }
  auto rows = db_->Query("SELECT i, d, t, n FROM v ORDER BY i");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ(std::get<int64_t>((*rows)[0].at(0)), small);
  EXPECT_EQ(std::get<double>((*rows)[0].at(1)), -1e300);
  EXPECT_EQ(std::get<int64_t>((*rows)[2].at(0)), big);
  EXPECT_EQ(std::get<double>((*rows)[2].at(1)), 0.1);  // exact round trip
  EXPECT_EQ(std::get<double>((*rows)[1].at(1)), 76.29);
  EXPECT_EQ(std::get<std::string>((*rows)[0].at(2)), "a'b\"?三");
  EXPECT_TRUE((*rows)[0].IsNull(3));
}

TEST_F(PostgresDatabaseTest, ColumnsMapByTheirType) {
  auto rows = db_->Query(
      "SELECT CAST(7 AS SMALLINT), CAST(8 AS INTEGER), CAST(9 AS BIGINT), CAST(1.5 AS REAL), "
      "CAST(2.5 AS DOUBLE PRECISION), CAST(12 AS NUMERIC), CAST(12.25 AS NUMERIC), 1 = 1, "
      "1 = 2, CAST('x' AS TEXT), CAST('y' AS VARCHAR(3)), CAST(NULL AS BIGINT)");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  const Row& r = (*rows)[0];
  EXPECT_EQ(std::get<int64_t>(r.at(0)), 7);
  EXPECT_EQ(std::get<int64_t>(r.at(1)), 8);
  EXPECT_EQ(std::get<int64_t>(r.at(2)), 9);
  EXPECT_EQ(std::get<double>(r.at(3)), 1.5);
  EXPECT_EQ(std::get<double>(r.at(4)), 2.5);
  EXPECT_EQ(std::get<int64_t>(r.at(5)), 12);  // a whole numeric (SUM of integers) is an integer
  EXPECT_EQ(std::get<double>(r.at(6)), 12.25);
  EXPECT_EQ(std::get<int64_t>(r.at(7)), 1);   // booleans are 0/1, as in SQLite
  EXPECT_EQ(std::get<int64_t>(r.at(8)), 0);
  EXPECT_EQ(std::get<std::string>(r.at(9)), "x");
  EXPECT_EQ(std::get<std::string>(r.at(10)), "y");
  EXPECT_TRUE(r.IsNull(11));
}

TEST_F(PostgresDatabaseTest, SumOfBigintsIsAnInteger) {
  ASSERT_TRUE(db_->Exec("CREATE TABLE s (x BIGINT)").ok());
  ASSERT_TRUE(db_->Exec("INSERT INTO s VALUES (?), (?)", {int64_t{4000000000}, int64_t{3}}).ok());
  auto rows = db_->Query("SELECT SUM(x), AVG(x), COUNT(*) FROM s");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(std::get<int64_t>((*rows)[0].at(0)), 4000000003);
  EXPECT_DOUBLE_EQ(std::get<double>((*rows)[0].at(1)), 2000000001.5);
  EXPECT_EQ(std::get<int64_t>((*rows)[0].at(2)), 2);
}

TEST_F(PostgresDatabaseTest, QuestionMarksInLiteralsAreNotParameters) {
  auto rows = db_->Query("SELECT '?' AS q, ? AS p -- and ?\n", {std::string("x")});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ((*rows)[0].Text(0), "?");
  EXPECT_EQ((*rows)[0].Text(1), "x");
}

TEST_F(PostgresDatabaseTest, ParameterCountMismatchIsInvalidArgument) {
  auto st = db_->Exec("SELECT ?, ?", {int64_t{1}});
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("takes 2 parameters, got 1"), std::string::npos) << st.message();
}

TEST_F(PostgresDatabaseTest, SyntaxErrorIsInternalWithTheServersMessageAndSqlstate) {
  auto st = db_->Exec("SELEC 1");
  EXPECT_EQ(st.code(), StatusCode::kInternal);
  EXPECT_NE(st.message().find("syntax error"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("SQLSTATE 42601"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("[SELEC 1]"), std::string::npos) << st.message();
}

TEST_F(PostgresDatabaseTest, ConstraintViolationsAreAlreadyExistsWithoutTheRowsValues) {
  ASSERT_TRUE(db_->Exec("CREATE TABLE parent (x BIGINT PRIMARY KEY)").ok());
  ASSERT_TRUE(db_->Exec("CREATE TABLE u (phone TEXT PRIMARY KEY, n BIGINT NOT NULL, "
                        "p BIGINT REFERENCES parent(x))")
                  .ok());
  ASSERT_TRUE(db_->Exec("INSERT INTO u (phone, n) VALUES (?, 1)", {std::string("13812345678")}).ok());
  auto dup = db_->Exec("INSERT INTO u (phone, n) VALUES (?, 2)", {std::string("13812345678")});
  EXPECT_EQ(dup.code(), StatusCode::kAlreadyExists) << dup.ToString();
  EXPECT_NE(dup.message().find("SQLSTATE 23505"), std::string::npos) << dup.message();
  // PostgreSQL's DETAIL would say "Key (phone)=(13812345678) already exists".
  EXPECT_EQ(dup.message().find("13812345678"), std::string::npos) << dup.message();
  EXPECT_EQ(db_->Exec("INSERT INTO u (phone, n) VALUES ('x', NULL)").code(),
            StatusCode::kAlreadyExists);  // not null (23502)
  EXPECT_EQ(db_->Exec("INSERT INTO u (phone, n, p) VALUES ('y', 1, 99)").code(),
            StatusCode::kAlreadyExists);  // foreign key (23503)
}

TEST_F(PostgresDatabaseTest, ReturningOnConflictAndChanges) {
  ASSERT_TRUE(db_->Exec("CREATE TABLE k (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
                        "name TEXT UNIQUE, n BIGINT NOT NULL DEFAULT 0)")
                  .ok());
  auto first = db_->Query("INSERT INTO k (name) VALUES (?) RETURNING id", {std::string("a")});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(first->size(), 1u);
  EXPECT_EQ(db_->changes(), 1);
  auto again =
      db_->Query("INSERT INTO k (name) VALUES (?) ON CONFLICT DO NOTHING RETURNING id", {std::string("a")});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->empty());
  EXPECT_EQ(db_->changes(), 0);
  ASSERT_TRUE(db_->Exec("INSERT INTO k (name) VALUES ('b'), ('c')").ok());
  ASSERT_TRUE(db_->Exec("UPDATE k SET n = n + ? WHERE name <> ?", {int64_t{1}, std::string("a")}).ok());
  EXPECT_EQ(db_->changes(), 2);
  ASSERT_TRUE(db_->Query("SELECT * FROM k").ok());
  EXPECT_EQ(db_->changes(), 2);  // a SELECT leaves it, as in SQLite
  ASSERT_TRUE(db_->Exec("INSERT INTO k (name, n) VALUES ('a', 5) ON CONFLICT (name) DO UPDATE "
                        "SET n = excluded.n")
                  .ok());
  EXPECT_EQ(db_->changes(), 1);
}

TEST_F(PostgresDatabaseTest, TransactionsAndSavepoints) {
  ASSERT_TRUE(db_->Exec("CREATE TABLE t (x BIGINT)").ok());
  EXPECT_FALSE(db_->in_transaction());
  ASSERT_TRUE(db_->Begin().ok());
  EXPECT_TRUE(db_->in_transaction());
  EXPECT_EQ(db_->Begin().code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(db_->Exec("INSERT INTO t VALUES (1)").ok());
  ASSERT_TRUE(db_->Savepoint("sp1").ok());
  ASSERT_TRUE(db_->Exec("INSERT INTO t VALUES (2)").ok());
  ASSERT_TRUE(db_->RollbackToSavepoint("sp1").ok());
  ASSERT_TRUE(db_->ReleaseSavepoint("sp1").ok());
  ASSERT_TRUE(db_->Commit().ok());
  EXPECT_FALSE(db_->in_transaction());
  EXPECT_EQ(Count("t"), 1);

  ASSERT_TRUE(db_->Begin().ok());
  ASSERT_TRUE(db_->Exec("INSERT INTO t VALUES (3)").ok());
  ASSERT_TRUE(db_->Rollback().ok());
  EXPECT_EQ(Count("t"), 1);
  EXPECT_TRUE(db_->Rollback().ok());  // none open: a no-op
  EXPECT_EQ(db_->Savepoint("bad name").code(), StatusCode::kInvalidArgument);
}

// Unlike SQLite, one failed statement aborts PostgreSQL's whole transaction: a savepoint is
// how a caller goes on (the write queue's units, TxScope), and a COMMIT after an unhandled
// error says it rolled back instead of pretending to commit.
TEST_F(PostgresDatabaseTest, AFailedStatementAbortsTheTransactionUnlessASavepointCatchesIt) {
  ASSERT_TRUE(db_->Exec("CREATE TABLE t (x BIGINT PRIMARY KEY)").ok());
  ASSERT_TRUE(db_->Begin().ok());
  ASSERT_TRUE(db_->Exec("INSERT INTO t VALUES (1)").ok());
  ASSERT_TRUE(db_->Savepoint("unit").ok());
  EXPECT_EQ(db_->Exec("INSERT INTO t VALUES (1)").code(), StatusCode::kAlreadyExists);
  ASSERT_TRUE(db_->RollbackToSavepoint("unit").ok());
  ASSERT_TRUE(db_->ReleaseSavepoint("unit").ok());
  ASSERT_TRUE(db_->Exec("INSERT INTO t VALUES (2)").ok());
  ASSERT_TRUE(db_->Commit().ok());
  EXPECT_EQ(Count("t"), 2);

  ASSERT_TRUE(db_->Begin().ok());
  ASSERT_TRUE(db_->Exec("INSERT INTO t VALUES (3)").ok());
  EXPECT_EQ(db_->Exec("INSERT INTO t VALUES (1)").code(), StatusCode::kAlreadyExists);
  EXPECT_TRUE(db_->in_transaction());
  auto commit = db_->Commit();
  EXPECT_EQ(commit.code(), StatusCode::kInternal);
  EXPECT_NE(commit.message().find("rolled back"), std::string::npos) << commit.message();
  EXPECT_FALSE(db_->in_transaction());
  EXPECT_EQ(Count("t"), 2);  // 3 went with the transaction
}

TEST_F(PostgresDatabaseTest, ExecScriptRunsEveryStatement) {
  ASSERT_TRUE(db_->ExecScript("CREATE TABLE a (x BIGINT); CREATE TABLE b (y BIGINT);\n"
                              "INSERT INTO a VALUES (1); INSERT INTO b VALUES (2);")
                  .ok());
  EXPECT_EQ(Count("a"), 1);
  EXPECT_EQ(Count("b"), 1);
  EXPECT_EQ(db_->ExecScript("CREATE TABLE c (x BIGINT); SELEC 1").code(), StatusCode::kInternal);
  EXPECT_FALSE(db_->Query("SELECT * FROM c").ok());  // one implicit transaction: all or nothing
}

TEST_F(PostgresDatabaseTest, TheStatementTimeoutCancelsAsUnavailable) {
  auto quick = Open(/*statement_timeout_ms=*/50);
  ASSERT_NE(quick, nullptr);
  auto st = quick->Exec("SELECT pg_sleep(5)");
  EXPECT_EQ(st.code(), StatusCode::kUnavailable) << st.ToString();
  EXPECT_NE(st.message().find("SQLSTATE 57014"), std::string::npos) << st.message();
  EXPECT_TRUE(quick->Exec("SELECT 1").ok());  // the connection goes on
}

TEST_F(PostgresDatabaseTest, TablesLiveInTheConfiguredSchemaOnly) {
  ASSERT_TRUE(db_->Exec("CREATE TABLE mine (x BIGINT)").ok());
  auto where = db_->Query("SELECT table_schema FROM information_schema.tables WHERE table_name = 'mine'");
  ASSERT_TRUE(where.ok());
  ASSERT_EQ(where->size(), 1u);
  EXPECT_EQ((*where)[0].Text(0), schema_->name());
  PostgresOptions o = schema_->Options();
  o.schema = "linli_no_such_schema";
  auto missing = OpenPostgres(o);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(missing.status().message().find("schema \"linli_no_such_schema\" does not exist"),
            std::string::npos)
      << missing.status().message();
  o.schema = "x; DROP TABLE mine";
  EXPECT_EQ(OpenPostgres(o).status().code(), StatusCode::kInvalidArgument);
}

// A connection that broke outside a transaction is reset by the next statement, with its
// session settings (the schema) again.
TEST_F(PostgresDatabaseTest, ABrokenConnectionIsResetByTheNextStatement) {
  ASSERT_TRUE(db_->Exec("CREATE TABLE t (x BIGINT)").ok());
  KillConnection(*db_);
  EXPECT_EQ(db_->Exec("INSERT INTO t VALUES (1)").code(), StatusCode::kUnavailable);
  ASSERT_TRUE(db_->Exec("INSERT INTO t VALUES (2)").ok());
  EXPECT_EQ(Count("t"), 1);
}

// Inside a transaction the break is not papered over: until Rollback() every statement fails,
// so the rest of the transaction is never committed piecemeal on a new connection.
TEST_F(PostgresDatabaseTest, ATransactionLostWithItsConnectionFailsUntilRolledBack) {
  ASSERT_TRUE(db_->Exec("CREATE TABLE t (x BIGINT)").ok());
  ASSERT_TRUE(db_->Begin().ok());
  ASSERT_TRUE(db_->Exec("INSERT INTO t VALUES (1)").ok());
  KillConnection(*db_);
  EXPECT_EQ(db_->Exec("INSERT INTO t VALUES (2)").code(), StatusCode::kUnavailable);
  EXPECT_TRUE(db_->in_transaction());
  EXPECT_EQ(db_->Exec("INSERT INTO t VALUES (3)").code(), StatusCode::kUnavailable);
  EXPECT_EQ(db_->Commit().code(), StatusCode::kUnavailable);
  ASSERT_TRUE(db_->Rollback().ok());
  EXPECT_FALSE(db_->in_transaction());
  EXPECT_EQ(Count("t"), 0);
}

// A statement text is parsed once per connection (and per parameter types): the server holds
// one prepared statement for it however often it runs, and a schema change by a script or a
// new connection makes it again.
TEST_F(PostgresDatabaseTest, AStatementIsPreparedOncePerConnection) {
  ASSERT_TRUE(db_->Exec("CREATE TABLE t (x BIGINT)").ok());
  for (int64_t i = 0; i < 5; ++i) ASSERT_TRUE(db_->Exec("INSERT INTO t VALUES (?)", {i}).ok());
  for (int i = 0; i < 3; ++i) {
    auto rows = db_->Query("SELECT * FROM t WHERE x >= ?", {int64_t{3}});
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    EXPECT_EQ(rows->size(), 2u);
  }
  auto prepared = [&](const std::string& like) {
    auto rows = db_->Query("SELECT COUNT(*) FROM pg_prepared_statements WHERE statement LIKE ?",
                           {like});
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() ? (*rows)[0].Int(0) : -1;
  };
  EXPECT_EQ(prepared("INSERT INTO t VALUES ($1)"), 1);
  EXPECT_EQ(prepared("SELECT * FROM t WHERE x >= $1"), 1);
  // A NULL in the slot is another parameter type: a statement of its own, still correct.
  ASSERT_TRUE(db_->Exec("INSERT INTO t VALUES (?)", {Value{}}).ok());
  EXPECT_EQ(prepared("INSERT INTO t VALUES ($1)"), 2);
  EXPECT_EQ(Count("t"), 6);
  // After a script changed the table, SELECT * answers with the new column.
  ASSERT_TRUE(db_->ExecScript("ALTER TABLE t ADD COLUMN y TEXT DEFAULT 'new'").ok());
  auto rows = db_->Query("SELECT * FROM t WHERE x >= ?", {int64_t{4}});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].Text(1), "new");
  // A statement that fails to parse is not kept: it fails the same way again.
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(db_->Exec("SELEC 1").code(), StatusCode::kInternal);
  }
  // A new session (the old one killed) prepares again.
  KillConnection(*db_);
  EXPECT_EQ(db_->Exec("INSERT INTO t VALUES (?)", {int64_t{9}}).code(), StatusCode::kUnavailable);
  ASSERT_TRUE(db_->Exec("INSERT INTO t VALUES (?)", {int64_t{9}}).ok());
  EXPECT_EQ(Count("t"), 7);
}

// Savepoints inside a transaction travel with the next statement; one that fails reports its
// error there, and the transaction rolls back as after any error.
TEST_F(PostgresDatabaseTest, ADeferredSavepointsErrorIsTheNextStatements) {
  ASSERT_TRUE(db_->Exec("CREATE TABLE t (x BIGINT)").ok());
  ASSERT_TRUE(db_->Begin().ok());
  ASSERT_TRUE(db_->Savepoint("first_level").ok());
  ASSERT_TRUE(db_->Savepoint("second_level").ok());
  Status first = db_->Exec("INSERT INTO t VALUES (1)");
  ASSERT_TRUE(first.ok()) << first.ToString();
  ASSERT_TRUE(db_->ReleaseSavepoint("second_level").ok());
  ASSERT_TRUE(db_->ReleaseSavepoint("nosuch").ok());  // not sent yet
  Status st = db_->Exec("INSERT INTO t VALUES (2)");
  EXPECT_EQ(st.code(), StatusCode::kInternal);
  EXPECT_THAT(st.message(), ::testing::HasSubstr("RELEASE SAVEPOINT nosuch"));
  ASSERT_TRUE(db_->Rollback().ok());
  EXPECT_EQ(Count("t"), 0);
  // The nesting of a write-queue unit: each level undone or kept as it says.
  ASSERT_TRUE(db_->Begin().ok());
  ASSERT_TRUE(db_->Savepoint("unit").ok());
  ASSERT_TRUE(db_->Exec("INSERT INTO t VALUES (1)").ok());
  ASSERT_TRUE(db_->Savepoint("step").ok());
  ASSERT_TRUE(db_->Exec("INSERT INTO t VALUES (2)").ok());
  ASSERT_TRUE(db_->RollbackToSavepoint("step").ok());
  ASSERT_TRUE(db_->ReleaseSavepoint("step").ok());
  ASSERT_TRUE(db_->ReleaseSavepoint("unit").ok());
  ASSERT_TRUE(db_->Commit().ok());  // carries the two releases
  auto rows = db_->Query("SELECT x FROM t ORDER BY x");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].Int(0), 1);
  // A statement refused before anything is sent leaves the waiting savepoint in place.
  ASSERT_TRUE(db_->Begin().ok());
  ASSERT_TRUE(db_->Exec("INSERT INTO t VALUES (5)").ok());
  ASSERT_TRUE(db_->Savepoint("guard").ok());
  EXPECT_EQ(db_->Exec("INSERT INTO t VALUES (?)").code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(db_->RollbackToSavepoint("guard").ok());
  ASSERT_TRUE(db_->Commit().ok());
  EXPECT_EQ(Count("t"), 2);
  // Outside a transaction a savepoint is refused at once.
  EXPECT_FALSE(db_->Savepoint("loose").ok());
}

TEST_F(PostgresDatabaseTest, TheReaderRefusesWrites) {
  auto opened = OpenDatabase(Options());
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  ASSERT_TRUE(opened->db->Exec("INSERT INTO job_runs VALUES ('j', 1, 2, 3)").ok());
  auto reader = OpenReader(Options());
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  auto rows = (*reader)->Query("SELECT runs FROM job_runs WHERE name = 'j'");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].Int(0), 3);
  auto write = (*reader)->Exec("DELETE FROM job_runs");
  EXPECT_FALSE(write.ok());
  EXPECT_NE(write.message().find("SQLSTATE 25006"), std::string::npos) << write.message();
}

// --- Migrations on PostgreSQL ---

TEST_F(PostgresDatabaseTest, MigratesEveryVersionOnceAndAgainIsANoOp) {
  auto opened = OpenDatabase(Options());
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(opened->schema_version, LatestSchemaVersion());
  auto again = Migrate(*opened->db);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  auto rows = opened->db->Query("SELECT COUNT(*), MAX(version) FROM schema_migrations");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].Int(0), static_cast<int64_t>(SchemaVersions().size()));
  EXPECT_EQ((*rows)[0].Int(1), LatestSchemaVersion());
  // {ID} is an identity column and {REAL} an 8-byte float (PostgreSQL's REAL is 4 bytes).
  auto types = opened->db->Query(
      "SELECT column_name, data_type, is_identity FROM information_schema.columns WHERE "
      "table_schema = current_schema() AND table_name = 'households' AND column_name IN "
      "('id', 'area_m2') ORDER BY column_name");
  ASSERT_TRUE(types.ok()) << types.status().ToString();
  ASSERT_EQ(types->size(), 2u);
  EXPECT_EQ((*types)[0].Text(1), "double precision");
  EXPECT_EQ((*types)[1].Text(1), "bigint");
  EXPECT_EQ((*types)[1].Text(2), "YES");
}

// Two instances starting together: the advisory lock makes one wait while the other
// migrates; both end at the latest version and each migration is recorded once.
TEST_F(PostgresDatabaseTest, TwoInstancesStartingTogetherMigrateOnce) {
  constexpr int kInstances = 3;
  std::vector<StatusOr<OpenedDatabase>> results;
  for (int i = 0; i < kInstances; ++i) results.emplace_back(Status::Internal("not run"));
  std::vector<std::thread> threads;
  const DatabaseOptions o = Options();
  for (int i = 0; i < kInstances; ++i) {
    threads.emplace_back([&results, &o, i] { results[i] = OpenDatabase(o); });
  }
  for (auto& t : threads) t.join();
  for (const auto& r : results) {
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->schema_version, LatestSchemaVersion());
  }
  auto rows = db_->Query("SELECT version, COUNT(*) FROM schema_migrations GROUP BY version "
                         "HAVING COUNT(*) > 1");
  ASSERT_TRUE(rows.ok());
  EXPECT_TRUE(rows->empty());
  EXPECT_EQ(Count("schema_migrations"), static_cast<int64_t>(SchemaVersions().size()));
}

TEST_F(PostgresDatabaseTest, ADatabaseFromANewerBinaryIsRefusedByName) {
  ASSERT_TRUE(OpenDatabase(Options()).ok());
  const int newer = LatestSchemaVersion() + 5;
  ASSERT_TRUE(db_->Exec("INSERT INTO schema_migrations VALUES (?, 1)", {int64_t{newer}}).ok());
  auto opened = OpenDatabase(Options());
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(opened.status().message().find("schema version " + std::to_string(newer) +
                                           " is newer than this binary's " +
                                           std::to_string(LatestSchemaVersion())),
            std::string::npos)
      << opened.status().message();
}

// Migration 17 on PostgreSQL: the same rounding as on SQLite (tests/storage/migrations_test.cc).
TEST_F(PostgresDatabaseTest, Migration17RoundsAreasAsOnSqlite) {
  ASSERT_TRUE(MigrateTo(*db_, 16).ok());
  for (const auto& [room, area, phone] :
       std::vector<std::tuple<std::string, double, std::string>>{
           {"101", 89.5, "13812341234"}, {"102", 76.29, ""}, {"103", 120.125, "13812341234"}}) {
    ASSERT_TRUE(db_->Exec("INSERT INTO households (building, unit, room, area_m2, owner_name, phone, "
                          "created_at) VALUES ('1', '1', ?, ?, 'x', ?, 1)",
                          {room, area, phone})
                    .ok());
  }
  ASSERT_TRUE(Migrate(*db_).ok());
  auto rows = db_->Query("SELECT id, area_centi, owner_key FROM households ORDER BY room");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].Int(1), 8950);
  EXPECT_EQ((*rows)[1].Int(1), 7629);
  EXPECT_EQ((*rows)[1].Text(2), "household:" + std::to_string((*rows)[1].Int(0)));
  EXPECT_EQ((*rows)[2].Int(1), 12013);  // half away from zero, not PostgreSQL's half to even
}

// The shape of a one-row token table seeded from a count (the roster-names migration): an
// INTEGER id given explicitly and a COUNT(*) into BIGINT.
TEST_F(PostgresDatabaseTest, AOneRowTableSeededFromACountMigrates) {
  ASSERT_TRUE(Migrate(*db_).ok());
  ASSERT_TRUE(db_->Exec("INSERT INTO households (building, unit, room, area_m2, owner_name, phone, "
                        "created_at) VALUES ('1', '1', '101', 1, 'x', '', 1)")
                  .ok());
  ASSERT_TRUE(db_->Begin().ok());
  ASSERT_TRUE(db_->ExecScript("CREATE TABLE roster_names_token_shape (id INTEGER PRIMARY KEY, "
                              "token BIGINT NOT NULL);\nINSERT INTO roster_names_token_shape (id, "
                              "token) SELECT 1, COUNT(*) FROM households;")
                  .ok());
  ASSERT_TRUE(db_->Commit().ok());
  ASSERT_TRUE(db_->Exec("UPDATE roster_names_token_shape SET token = token + 1 WHERE id = 1").ok());
  auto rows = db_->Query("SELECT id, token FROM roster_names_token_shape");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].Int(0), 1);
  EXPECT_EQ((*rows)[0].Int(1), 2);
}

}  // namespace
}  // namespace linli::storage::postgres_database_test
