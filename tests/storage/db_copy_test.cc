// Copying a whole database (storage/db_copy.h, issue 14 point 4) in every direction: SQLite to
// SQLite always, and SQLite to PostgreSQL, back, and PostgreSQL to PostgreSQL when LINLI_PG_DSN
// names a server. Every table of the schema (by the test's own catalogue query) holds rows of
// every kind before the copy, so a table the copy missed, a value that changed type or content,
// or a row in another order fails here.
#include "storage/db_copy.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "storage/identity_store.h"
#include "storage/migrations.h"
#include "storage/open_database.h"
#include "storage/outbox_store.h"
#include "storage/postgres_database.h"
#include "storage/sqlite_database.h"
#include "storage/ticket_store.h"
#include "tests/storage/community_seed.h"
#include "tests/storage/test_database.h"

namespace linli::storage::db_copy_test {
namespace {

namespace fs = std::filesystem;

// One database of a test: an SQLite file in the test's folder, or a schema of its own on the
// test server.
class Side {
 public:
  Side(const std::string& backend, const fs::path& dir, const std::string& name) {
    options_.backend = backend;
    options_.sqlite.path = (dir / (name + ".db")).string();
    options_.sqlite.synchronous = "OFF";
    if (backend == "postgresql") {
      schema_ = std::make_unique<TestSchema>();
      EXPECT_TRUE(schema_->status().ok()) << schema_->status().ToString();
      options_.postgresql = schema_->Options();
    }
  }
  const DatabaseOptions& options() const { return options_; }
  bool sqlite() const { return options_.backend == "sqlite"; }

  // A migrated connection (creates the database). Close it before a copy: the copy refuses an
  // SQLite database another connection holds.
  std::unique_ptr<Database> Open() const {
    auto opened = OpenDatabase(options_);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    return opened.ok() ? std::move(opened->db) : nullptr;
  }
  // A connection without migrations.
  std::unique_ptr<Database> OpenBare() const {
    auto db = sqlite() ? OpenSqlite(options_.sqlite) : OpenPostgres(options_.postgresql);
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    return db.ok() ? std::move(db).value() : nullptr;
  }

 private:
  DatabaseOptions options_;
  std::unique_ptr<TestSchema> schema_;
};

// ------------------------------------------------ the test's own view of the catalogue

std::vector<std::string> SchemaTables(Database& db) {
  const char* sql = db.dialect() == "sqlite"
                        ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                          "'sqlite%' ORDER BY name"
                        : "SELECT table_name FROM information_schema.tables WHERE table_schema = "
                          "current_schema() ORDER BY table_name";
  auto rows = db.Query(sql);
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  std::vector<std::string> out;
  if (!rows.ok()) return out;
  for (const Row& r : *rows) {
    if (r.Text(0) != "schema_migrations") out.push_back(r.Text(0));
  }
  return out;
}

struct TestColumn {
  std::string name;
  std::string type;  // upper case
  bool nullable = false;
  bool key = false;      // part of the primary key
  bool foreign = false;  // part of a foreign key
};

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::vector<TestColumn> ColumnsOf(Database& db, const std::string& table) {
  std::vector<TestColumn> out;
  std::set<std::string> keys, foreign;
  if (db.dialect() == "sqlite") {
    auto cols = db.Query("SELECT name, type, \"notnull\", pk FROM pragma_table_info(?)", {table});
    auto fks = db.Query("SELECT \"from\" FROM pragma_foreign_key_list(?)", {table});
    EXPECT_TRUE(cols.ok() && fks.ok());
    if (!cols.ok() || !fks.ok()) return out;
    for (const Row& r : *fks) foreign.insert(r.Text(0));
    for (const Row& r : *cols) {
      out.push_back({r.Text(0), Upper(r.Text(1)), r.Int(2) == 0 && r.Int(3) == 0, r.Int(3) > 0,
                     foreign.count(r.Text(0)) > 0});
    }
    return out;
  }
  auto cols = db.Query(
      "SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE "
      "table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
      {table});
  auto constraints = db.Query(
      "SELECT kcu.column_name, tc.constraint_type FROM information_schema.table_constraints tc "
      "JOIN information_schema.key_column_usage kcu ON kcu.constraint_schema = "
      "tc.constraint_schema AND kcu.constraint_name = tc.constraint_name WHERE tc.table_schema "
      "= current_schema() AND tc.table_name = ?",
      {table});
  EXPECT_TRUE(cols.ok() && constraints.ok());
  if (!cols.ok() || !constraints.ok()) return out;
  for (const Row& r : *constraints) {
    if (r.Text(1) == "PRIMARY KEY") keys.insert(r.Text(0));
    if (r.Text(1) == "FOREIGN KEY") foreign.insert(r.Text(0));
  }
  for (const Row& r : *cols) {
    out.push_back({r.Text(0), Upper(r.Text(1)), r.Text(2) == "YES", keys.count(r.Text(0)) > 0,
                   foreign.count(r.Text(0)) > 0});
  }
  return out;
}

// Values of every kind, row `r` (1..3) of column `c`: keys and foreign keys 1..3 (so children
// find their parents), 64-bit integers past 2^53, NULL in nullable columns, inexact doubles,
// text whose byte order is not a locale's ("B" < "a" by bytes), quotes, newlines, '?', "$1"
// and a character outside the BMP.
Value SeedValue(const TestColumn& c, int r) {
  if (r == 2 && c.nullable) return nullptr;
  const bool integer = c.type.find("INT") != std::string::npos;
  if (integer && (c.key || c.foreign)) return int64_t{r};
  if (integer && c.type.find("BIG") != std::string::npos) {
    const int64_t values[] = {1, -9007199254740993LL, 4611686018427387911LL};
    return values[r - 1];
  }
  if (integer) {
    const int64_t values[] = {1, -2, 2147483647};
    return values[r - 1];
  }
  if (c.type.find("REAL") != std::string::npos || c.type.find("DOUB") != std::string::npos) {
    const double values[] = {1.5, -0.25, 0.1};
    return values[r - 1];
  }
  const std::string texts[] = {"a-", "B-", "引号 ' \" \n 😀 ? $1 -"};
  return texts[r - 1] + c.name;
}

// Three rows in every table (ON CONFLICT DO NOTHING: migration 27's row 1 of
// roster_names_token stays), parents before children by retrying what a foreign key refused.
void SeedEveryTable(Database& db) {
  std::vector<std::string> pending = SchemaTables(db);
  for (int pass = 0; pass < 10 && !pending.empty(); ++pass) {
    std::vector<std::string> later;
    for (const std::string& table : pending) {
      const std::vector<TestColumn> cols = ColumnsOf(db, table);
      std::string names, marks;
      for (const TestColumn& c : cols) {
        names += (names.empty() ? "\"" : ", \"") + c.name + "\"";
        marks += marks.empty() ? "?" : ", ?";
      }
      bool refused = false;
      for (int r = 1; r <= 3 && !refused; ++r) {
        std::vector<Value> values;
        for (const TestColumn& c : cols) values.push_back(SeedValue(c, r));
        Status st = db.Exec("INSERT INTO \"" + table + "\" (" + names + ") VALUES (" + marks +
                                ") ON CONFLICT DO NOTHING",
                            values);
        if (st.code() == StatusCode::kAlreadyExists) {
          refused = true;  // a parent is missing yet
        } else {
          ASSERT_TRUE(st.ok()) << table << ": " << st.ToString();
        }
      }
      if (refused) later.push_back(table);
    }
    pending = later;
  }
  EXPECT_TRUE(pending.empty()) << pending.front() << " could not be seeded";
}

int64_t Count(Database& db, const std::string& table) {
  auto rows = db.Query("SELECT COUNT(*) FROM \"" + table + "\"");
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  return rows.ok() ? (*rows)[0].Int(0) : -1;
}

std::vector<TableSum> Sums(Database& db) {
  auto sums = SumTables(db);
  EXPECT_TRUE(sums.ok()) << sums.status().ToString();
  return sums.ok() ? *sums : std::vector<TableSum>{};
}

bool SameSums(const std::vector<TableSum>& a, const std::vector<TableSum>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].table != b[i].table || a[i].rows != b[i].rows || a[i].checksum != b[i].checksum) {
      ADD_FAILURE() << a[i].table << ": " << a[i].rows << " " << a[i].checksum << " vs "
                    << b[i].table << ": " << b[i].rows << " " << b[i].checksum;
      return false;
    }
  }
  return true;
}

// ------------------------------------------------------------------------------ the fixture

struct Direction {
  std::string from, to;
};
void PrintTo(const Direction& d, std::ostream* os) { *os << d.from << " -> " << d.to; }

class DbCopyTest : public ::testing::TestWithParam<Direction> {
 protected:
  void SetUp() override {
    if ((GetParam().from == "postgresql" || GetParam().to == "postgresql")) {
      if (const std::string why = PgTestSkipReason(); !why.empty()) GTEST_SKIP() << why;
    }
    static std::atomic<int> counter{0};
    dir_ = fs::temp_directory_path() /
           ("linli_db_copy_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    from_ = std::make_unique<Side>(GetParam().from, dir_, "from");
    to_ = std::make_unique<Side>(GetParam().to, dir_, "to");
  }
  void TearDown() override {
    from_.reset();
    to_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  fs::path dir_;
  std::unique_ptr<Side> from_, to_;
};

TEST_P(DbCopyTest, EveryTableIsCopiedWithItsValuesAndVerified) {
  std::vector<std::string> tables;
  std::vector<TableSum> before;
  {
    auto source = from_->Open();
    ASSERT_TRUE(source);
    SeedEveryTable(*source);
    tables = SchemaTables(*source);
    before = Sums(*source);
  }
  std::vector<CopyProgress> seen;
  CopyOptions options;
  options.page_rows = 2;  // several pages per table, keyset cursors on every key shape
  options.progress = [&seen](const CopyProgress& p) { seen.push_back(p); };
  auto outcome = CopyDatabase(from_->options(), to_->options(), options);
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  ASSERT_TRUE(outcome->copied()) << static_cast<int>(outcome->refusal) << " " << outcome->table
                                 << " " << outcome->detail;
  EXPECT_EQ(outcome->schema_version, LatestSchemaVersion());

  // Every table of the schema, each with its rows, each verified.
  std::set<std::string> copied;
  int64_t rows = 0;
  for (const TableCheck& c : outcome->tables) {
    copied.insert(c.table);
    EXPECT_TRUE(c.ok()) << c.table;
    EXPECT_GE(c.source_rows, 3) << c.table << " was not seeded";
    EXPECT_EQ(c.source_checksum.size(), 64u) << c.table;
    rows += c.source_rows;
  }
  EXPECT_EQ(copied, std::set<std::string>(tables.begin(), tables.end()));
  EXPECT_EQ(outcome->rows_copied, rows);

  // Progress: both phases end at every row, never going back.
  ASSERT_FALSE(seen.empty());
  int64_t last = 0;
  CopyProgress::Phase phase = CopyProgress::Phase::kCopy;
  for (const CopyProgress& p : seen) {
    if (p.phase != phase) {
      EXPECT_EQ(last, rows);
      phase = p.phase;
      last = 0;
    }
    EXPECT_GE(p.rows_done, last);
    EXPECT_EQ(p.rows, rows);
    EXPECT_EQ(p.tables, tables.size());
    last = p.rows_done;
  }
  EXPECT_EQ(phase, CopyProgress::Phase::kVerify);
  EXPECT_EQ(last, rows);
  EXPECT_TRUE(seen.back().table_done);

  // The target reads as the source did, and the values kept their types.
  auto target = to_->Open();
  ASSERT_TRUE(target);
  EXPECT_TRUE(SameSums(before, Sums(*target)));
  auto big = target->Query("SELECT amount, hours_centi FROM points_ledger ORDER BY id");
  ASSERT_TRUE(big.ok()) << big.status().ToString();
  ASSERT_EQ(big->size(), 3u);
  EXPECT_EQ((*big)[1].at(0), Value(int64_t{-9007199254740993LL}));
  EXPECT_EQ((*big)[2].at(0), Value(int64_t{4611686018427387911LL}));
  auto areas = target->Query("SELECT area_m2, owner_name, phone FROM households ORDER BY id");
  ASSERT_TRUE(areas.ok()) << areas.status().ToString();
  ASSERT_EQ(areas->size(), 3u);
  EXPECT_EQ((*areas)[0].at(0), Value(1.5));
  EXPECT_EQ((*areas)[2].at(0), Value(0.1));
  EXPECT_EQ((*areas)[2].at(1), Value(std::string("引号 ' \" \n 😀 ? $1 -owner_name")));
  auto nulls = target->Query("SELECT used_at FROM invite_codes ORDER BY code");
  ASSERT_TRUE(nulls.ok()) << nulls.status().ToString();
  size_t null_count = 0;
  for (const Row& r : *nulls) null_count += r.IsNull(0) ? 1 : 0;
  EXPECT_EQ(null_count, 1u);
}

TEST_P(DbCopyTest, ACommunityGoesThereAndBackUnchanged) {
  std::vector<TableSum> original;
  std::vector<std::string> descriptions;
  testing::SeededCommunity seeded;
  {
    auto source = from_->Open();
    ASSERT_TRUE(source);
    seeded = testing::SeedCommunity(*source);
    original = Sums(*source);
    auto mine = TicketStore::ListByReporter(*source, seeded.resident, 10);
    ASSERT_TRUE(mine.ok());
    for (const Ticket& t : *mine) descriptions.push_back(t.description);
  }
  ASSERT_EQ(descriptions.size(), 2u);
  auto there = CopyDatabase(from_->options(), to_->options());
  ASSERT_TRUE(there.ok()) << there.status().ToString();
  ASSERT_TRUE(there->copied()) << static_cast<int>(there->refusal) << " " << there->table;
  // And back, into a new database of the source's backend.
  Side back(GetParam().from, dir_, "back");
  auto returned = CopyDatabase(to_->options(), back.options());
  ASSERT_TRUE(returned.ok()) << returned.status().ToString();
  ASSERT_TRUE(returned->copied()) << static_cast<int>(returned->refusal) << " " << returned->table;
  for (size_t i = 0; i < there->tables.size(); ++i) {
    EXPECT_EQ(there->tables[i].source_checksum, returned->tables[i].target_checksum)
        << there->tables[i].table;
  }
  auto target = to_->Open();
  auto home = back.Open();
  ASSERT_TRUE(target && home);
  EXPECT_TRUE(SameSums(original, Sums(*target)));
  EXPECT_TRUE(SameSums(original, Sums(*home)));
  for (Database* db : {target.get(), home.get()}) {
    auto mine = TicketStore::ListByReporter(*db, seeded.resident, 10);
    ASSERT_TRUE(mine.ok()) << mine.status().ToString();
    std::vector<std::string> got;
    for (const Ticket& t : *mine) got.push_back(t.description);
    EXPECT_EQ(got, descriptions) << db->dialect();
  }
}

// Without the sequences moved past the copied ids, PostgreSQL's identity columns would hand
// out id 1 again: the next ticket would collide with the copied ticket 1.
TEST_P(DbCopyTest, NewRowsAfterTheCopyGetFreshIdsAndNumbers) {
  testing::SeededCommunity seeded;
  {
    auto source = from_->Open();
    ASSERT_TRUE(source);
    seeded = testing::SeedCommunity(*source);
  }
  auto outcome = CopyDatabase(from_->options(), to_->options());
  ASSERT_TRUE(outcome.ok() && outcome->copied()) << outcome.status().ToString();
  auto target = to_->Open();
  ASSERT_TRUE(target);
  Ticket t;
  t.reporter_person_id = seeded.resident;
  t.channel = "console";
  t.category = "repair";
  t.building = "3";
  t.description = "copied, then reported";
  t.created_at_ms = 1'765'000'000'000;
  auto created = TicketStore::Create(*target, t);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->number, seeded.tickets + 1);
  EXPECT_EQ(created->id, seeded.last_ticket_id + 1);
  auto person = IdentityStore::Touch(*target, {"tg", "new", "new", ChatType::kPrivate}, 1);
  ASSERT_TRUE(person.ok()) << person.status().ToString();
  EXPECT_GT(person->id, std::max(seeded.resident, seeded.neighbour));
  OutboundMessage m;
  m.to = {"tg", "new", "new", ChatType::kPrivate};
  m.text = "hello";
  auto queued = OutboxStore::Enqueue(*target, m, 2);
  ASSERT_TRUE(queued.ok()) << queued.status().ToString();
  EXPECT_EQ(*queued, 2);
}

TEST_P(DbCopyTest, ANonEmptyTargetIsRefusedAndNothingIsWritten) {
  {
    auto source = from_->Open();
    ASSERT_TRUE(source);
    testing::SeedCommunity(*source);
  }
  std::vector<TableSum> target_before;
  {
    auto target = to_->Open();
    ASSERT_TRUE(target);
    ASSERT_TRUE(IdentityStore::Touch(*target, {"tg", "7", "7", ChatType::kPrivate}, 5).ok());
    target_before = Sums(*target);
  }
  auto outcome = CopyDatabase(from_->options(), to_->options());
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_EQ(outcome->refusal, CopyRefusal::kTargetNotEmpty);
  EXPECT_EQ(outcome->table, "persons");  // identities' parent: checked first
  EXPECT_EQ(outcome->rows, 1);
  {
    auto target = to_->Open();
    ASSERT_TRUE(target);
    EXPECT_TRUE(SameSums(target_before, Sums(*target)));
  }

  // A row a migration inserted counts once it is no longer as the migration left it.
  Side other(GetParam().to, dir_, "other");
  {
    auto target = other.Open();
    ASSERT_TRUE(target);
    ASSERT_TRUE(target->Exec("UPDATE roster_names_token SET token = 7").ok());
  }
  outcome = CopyDatabase(from_->options(), other.options());
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_EQ(outcome->refusal, CopyRefusal::kTargetNotEmpty);
  EXPECT_EQ(outcome->table, "roster_names_token");
  auto target = other.Open();
  ASSERT_TRUE(target);
  EXPECT_EQ(Count(*target, "tickets"), 0);
}

TEST_P(DbCopyTest, AnOlderSourceIsRefusedBeforeTheTargetIsTouched) {
  {
    auto source = from_->OpenBare();
    ASSERT_TRUE(source);
    auto version = MigrateTo(*source, LatestSchemaVersion() - 1);
    ASSERT_TRUE(version.ok()) << version.status().ToString();
  }
  auto outcome = CopyDatabase(from_->options(), to_->options());
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_EQ(outcome->refusal, CopyRefusal::kSourceOlderSchema);
  EXPECT_EQ(outcome->schema_version, LatestSchemaVersion() - 1);
  if (to_->sqlite()) {
    EXPECT_FALSE(fs::exists(to_->options().sqlite.path));
  } else {
    auto target = to_->OpenBare();
    ASSERT_TRUE(target);
    EXPECT_TRUE(SchemaTables(*target).empty());
  }
  // The source was not migrated by the copy.
  auto source = from_->OpenBare();
  ASSERT_TRUE(source);
  auto version = SchemaVersion(*source);
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(*version, LatestSchemaVersion() - 1);
}

TEST_P(DbCopyTest, TheSameDatabaseIsRefused) {
  std::vector<TableSum> before;
  {
    auto source = from_->Open();
    ASSERT_TRUE(source);
    testing::SeedCommunity(*source);
    before = Sums(*source);
  }
  auto outcome = CopyDatabase(from_->options(), from_->options());
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_EQ(outcome->refusal, CopyRefusal::kSameDatabase);
  if (from_->sqlite()) {
    // Under another name too.
    const fs::path link = dir_ / "link.db";
    fs::create_symlink(from_->options().sqlite.path, link);
    DatabaseOptions alias = from_->options();
    alias.sqlite.path = link.string();
    outcome = CopyDatabase(from_->options(), alias);
    ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
    EXPECT_EQ(outcome->refusal, CopyRefusal::kSameDatabase);
  }
  auto source = from_->Open();
  ASSERT_TRUE(source);
  EXPECT_TRUE(SameSums(before, Sums(*source)));
}

TEST_P(DbCopyTest, AnSqliteDatabaseInUseIsRefused) {
  if (!from_->sqlite() && !to_->sqlite()) GTEST_SKIP() << "SQLite only: its use lock";
  {
    auto source = from_->Open();
    ASSERT_TRUE(source);
    testing::SeedCommunity(*source);
  }
  if (from_->sqlite()) {
    auto running = from_->Open();  // as `linli serve` holds it
    ASSERT_TRUE(running);
    auto outcome = CopyDatabase(from_->options(), to_->options());
    ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
    EXPECT_EQ(outcome->refusal, CopyRefusal::kSourceInUse);
  }
  if (to_->sqlite()) {
    auto running = to_->Open();
    ASSERT_TRUE(running);
    auto outcome = CopyDatabase(from_->options(), to_->options());
    ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
    EXPECT_EQ(outcome->refusal, CopyRefusal::kTargetInUse);
    EXPECT_EQ(Count(*running, "tickets"), 0);
  }
}

// A target that changes what it is given (here: the text of the tickets' rows): the
// verification sees it, and nothing stays written.
class TamperingDatabase final : public Database {
 public:
  TamperingDatabase(Database& inner, std::string table, bool fail)
      : inner_(inner), insert_("INSERT INTO \"" + std::move(table) + "\""), fail_(fail) {}
  Status Exec(std::string_view sql, const std::vector<Value>& params) override {
    if (sql.substr(0, insert_.size()) != insert_) return inner_.Exec(sql, params);
    if (fail_) return Status::Internal("disk on fire");
    std::vector<Value> changed = params;
    for (Value& v : changed) {
      if (auto* s = std::get_if<std::string>(&v)) {
        *s += " (changed)";
        break;
      }
    }
    return inner_.Exec(sql, changed);
  }
  StatusOr<Rows> Query(std::string_view sql, const std::vector<Value>& params) override {
    return inner_.Query(sql, params);
  }
  Status ExecScript(std::string_view sql) override { return inner_.ExecScript(sql); }
  int64_t changes() const override { return inner_.changes(); }
  Status Begin() override { return inner_.Begin(); }
  Status Commit() override { return inner_.Commit(); }
  Status Rollback() override { return inner_.Rollback(); }
  Status Savepoint(std::string_view n) override { return inner_.Savepoint(n); }
  Status ReleaseSavepoint(std::string_view n) override { return inner_.ReleaseSavepoint(n); }
  Status RollbackToSavepoint(std::string_view n) override { return inner_.RollbackToSavepoint(n); }
  bool in_transaction() const override { return inner_.in_transaction(); }
  std::string dialect() const override { return inner_.dialect(); }

 private:
  Database& inner_;
  const std::string insert_;
  const bool fail_;
};

TEST_P(DbCopyTest, AMismatchOrAnErrorRollsTheTargetBack) {
  auto source = from_->Open();
  ASSERT_TRUE(source);
  testing::SeedCommunity(*source);
  auto target = to_->Open();
  ASSERT_TRUE(target);
  const std::vector<TableSum> fresh = Sums(*target);

  TamperingDatabase changing(*target, "tickets", /*fail=*/false);
  auto outcome = CopyContents(*source, changing);
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_EQ(outcome->refusal, CopyRefusal::kMismatch);
  for (const TableCheck& c : outcome->tables) {
    EXPECT_EQ(c.ok(), c.table != "tickets") << c.table;
    if (c.table == "tickets") {
      EXPECT_EQ(c.source_rows, c.target_rows);
    }
  }
  EXPECT_FALSE(target->in_transaction());
  EXPECT_FALSE(source->in_transaction());
  EXPECT_TRUE(SameSums(fresh, Sums(*target)));

  TamperingDatabase failing(*target, "wishes", /*fail=*/true);
  auto failed = CopyContents(*source, failing);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().message(), "copying table wishes: disk on fire");
  EXPECT_FALSE(target->in_transaction());
  EXPECT_TRUE(SameSums(fresh, Sums(*target)));

  // And then the real copy still goes through.
  outcome = CopyContents(*source, *target);
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_TRUE(outcome->copied());
  CopyOptions bad;
  bad.page_rows = 0;
  EXPECT_EQ(CopyContents(*source, *target, bad).status().code(), StatusCode::kInvalidArgument);
}

// Text keys are read in byte order on both sides: a PostgreSQL column in a locale's collation
// ("a" before "B") would otherwise be read in another order than SQLite's (and the fresh
// target's) and fail the verification.
TEST_P(DbCopyTest, TextKeysInALocaleCollationAreReadInByteOrder) {
  if (from_->sqlite()) GTEST_SKIP() << "a PostgreSQL source's collation";
  auto source = from_->Open();
  ASSERT_TRUE(source);
  auto icu = source->Query("SELECT 1 FROM pg_collation WHERE collname = 'und-x-icu'");
  ASSERT_TRUE(icu.ok());
  if (icu->empty()) GTEST_SKIP() << "this PostgreSQL has no ICU collation und-x-icu";
  ASSERT_TRUE(
      source->Exec("ALTER TABLE conversations ALTER COLUMN key TYPE TEXT COLLATE \"und-x-icu\"").ok());
  for (const char* key : {"a|1|1", "B|1|1", "b|1|1", "A|1|1"}) {
    ASSERT_TRUE(ConversationStore::Save(*source, key, {"", "", "{}", "", 1}).ok());
  }
  auto locale_order = source->Query("SELECT key FROM conversations ORDER BY key");
  ASSERT_TRUE(locale_order.ok());
  ASSERT_EQ((*locale_order)[0].Text(0), "a|1|1");  // the locale's order, not the bytes'
  source.reset();
  CopyOptions options;
  options.page_rows = 1;
  auto outcome = CopyDatabase(from_->options(), to_->options(), options);
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_TRUE(outcome->copied()) << static_cast<int>(outcome->refusal);
}

INSTANTIATE_TEST_SUITE_P(, DbCopyTest,
                         ::testing::Values(Direction{"sqlite", "sqlite"},
                                           Direction{"sqlite", "postgresql"},
                                           Direction{"postgresql", "sqlite"},
                                           Direction{"postgresql", "postgresql"}),
                         [](const ::testing::TestParamInfo<Direction>& info) {
                           return info.param.from + "_to_" + info.param.to;
                         });

}  // namespace
}  // namespace linli::storage::db_copy_test
