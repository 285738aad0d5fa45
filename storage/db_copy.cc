#include "storage/db_copy.h"

#include <openssl/evp.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "storage/migrations.h"
#include "storage/sqlite_lock.h"
#include "storage/store_util.h"

namespace linli::storage {
namespace {

// Parameters per INSERT: under SQLite's limit (32766 since 3.32) and PostgreSQL's (65535).
constexpr size_t kMaxParamsPerInsert = 10000;

bool IsSqlite(const Database& db) { return db.dialect() == "sqlite"; }
bool IsPostgresBackend(const std::string& backend) {
  return backend == "postgresql" || backend == "postgres";
}

// ------------------------------------------------------------------------------ the catalogue

enum class Kind { kInteger, kReal, kText, kBlob, kOther };

// SQLite's affinity rules (INT first), which also read PostgreSQL's type names.
Kind KindOf(std::string type) {
  for (char& c : type) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto has = [&](const char* s) { return type.find(s) != std::string::npos; };
  if (has("INT")) return Kind::kInteger;
  if (has("BLOB") || has("BYTEA")) return Kind::kBlob;
  if (has("CHAR") || has("CLOB") || has("TEXT")) return Kind::kText;
  if (has("REAL") || has("FLOA") || has("DOUB")) return Kind::kReal;
  return Kind::kOther;
}

struct ColumnInfo {
  std::string name;
  std::string type;  // as declared (SQLite) or information_schema's data_type (PostgreSQL)
  Kind kind = Kind::kOther;
};

struct TableInfo {
  std::string name;
  std::vector<ColumnInfo> columns;
  std::vector<size_t> key;  // primary key, as indexes into columns; empty: none
  std::set<std::string> parents;  // tables its foreign keys reference (itself excluded)
};

std::string Quote(const std::string& identifier) {
  std::string out = "\"";
  for (char c : identifier) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

Status Prefixed(const std::string& what, const Status& st) {
  return Status(st.code(), what + ": " + st.message());
}

StatusOr<std::vector<std::string>> TableNames(Database& db) {
  const char* sql =
      IsSqlite(db)
          ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite!_%' "
            "ESCAPE '!' ORDER BY name"
          : "SELECT table_name FROM information_schema.tables WHERE table_schema = "
            "current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name";
  LINLI_ASSIGN_OR_RETURN(Rows rows, db.Query(sql));
  std::vector<std::string> names;
  for (const Row& r : rows) {
    if (r.Text(0) != "schema_migrations") names.push_back(r.Text(0));
  }
  return names;
}

// The relation of `table` in the current schema, for PostgreSQL's catalogue functions.
constexpr const char* kPgRelation = "to_regclass(quote_ident(current_schema()) || '.' || quote_ident(?))";

StatusOr<TableInfo> DescribeTable(Database& db, const std::string& table) {
  TableInfo t;
  t.name = table;
  std::vector<std::pair<int64_t, size_t>> key;  // (position in the key, column index)
  if (IsSqlite(db)) {
    LINLI_ASSIGN_OR_RETURN(
        Rows cols, db.Query("SELECT name, type, pk FROM pragma_table_info(?) ORDER BY cid", {table}));
    for (const Row& r : cols) {
      if (r.Int(2) > 0) key.emplace_back(r.Int(2), t.columns.size());
      t.columns.push_back({r.Text(0), r.Text(1), KindOf(r.Text(1))});
    }
    LINLI_ASSIGN_OR_RETURN(
        Rows fks, db.Query("SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?)", {table}));
    for (const Row& r : fks) t.parents.insert(r.Text(0));
  } else {
    LINLI_ASSIGN_OR_RETURN(
        Rows cols, db.Query("SELECT column_name, data_type FROM information_schema.columns WHERE "
                            "table_schema = current_schema() AND table_name = ? ORDER BY "
                            "ordinal_position",
                            {table}));
    for (const Row& r : cols) t.columns.push_back({r.Text(0), r.Text(1), KindOf(r.Text(1))});
    LINLI_ASSIGN_OR_RETURN(
        Rows pk, db.Query(std::string("SELECT a.attname, array_position(i.indkey::int2[], "
                                      "a.attnum) FROM pg_index i JOIN pg_attribute a ON "
                                      "a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
                                      "WHERE i.indisprimary AND i.indrelid = ") +
                              kPgRelation,
                          {table}));
    for (const Row& r : pk) {
      for (size_t c = 0; c < t.columns.size(); ++c) {
        if (t.columns[c].name == r.Text(0)) key.emplace_back(r.Int(1), c);
      }
    }
    LINLI_ASSIGN_OR_RETURN(
        Rows fks, db.Query(std::string("SELECT DISTINCT r.relname FROM pg_constraint c JOIN "
                                       "pg_class r ON r.oid = c.confrelid WHERE c.contype = 'f' "
                                       "AND c.conrelid = ") +
                               kPgRelation,
                           {table}));
    for (const Row& r : fks) t.parents.insert(r.Text(0));
  }
  if (t.columns.empty()) return Status::Internal("table " + table + " has no columns");
  std::sort(key.begin(), key.end());
  for (const auto& [position, column] : key) t.key.push_back(column);
  t.parents.erase(table);
  return t;
}

// Parents before children (Kahn), ties by name; tables in a cycle (none in the schema) last,
// by name.
std::vector<TableInfo> ParentsFirst(std::vector<TableInfo> tables) {
  std::map<std::string, TableInfo> pending;
  for (TableInfo& t : tables) pending.emplace(t.name, std::move(t));
  std::vector<TableInfo> ordered;
  while (!pending.empty()) {
    auto ready = std::find_if(pending.begin(), pending.end(), [&](const auto& entry) {
      return std::none_of(entry.second.parents.begin(), entry.second.parents.end(),
                          [&](const std::string& p) { return pending.count(p) > 0; });
    });
    if (ready == pending.end()) ready = pending.begin();
    ordered.push_back(std::move(ready->second));
    pending.erase(ready);
  }
  return ordered;
}

StatusOr<std::vector<TableInfo>> ReadCatalogue(Database& db) {
  LINLI_ASSIGN_OR_RETURN(std::vector<std::string> names, TableNames(db));
  std::vector<TableInfo> tables;
  for (const std::string& name : names) {
    auto t = DescribeTable(db, name);
    if (!t.ok()) return Prefixed("reading the catalogue of table " + name, t.status());
    tables.push_back(std::move(t).value());
  }
  return ParentsFirst(std::move(tables));
}

std::string ColumnNames(const TableInfo& t) {
  std::string out;
  for (const ColumnInfo& c : t.columns) out += (out.empty() ? "" : ", ") + c.name;
  return out;
}

// The source's catalogue against the target's: the same tables, columns (in order) and keys.
// "" when they agree, else what differs.
std::string CatalogueDifference(const std::vector<TableInfo>& source,
                                const std::vector<TableInfo>& target) {
  std::map<std::string, const TableInfo*> in_target;
  for (const TableInfo& t : target) in_target[t.name] = &t;
  for (const TableInfo& s : source) {
    auto it = in_target.find(s.name);
    if (it == in_target.end()) return "table " + s.name + ": only in the source";
    const TableInfo& t = *it->second;
    std::vector<std::string> sc, tc;
    for (const ColumnInfo& c : s.columns) sc.push_back(c.name);
    for (const ColumnInfo& c : t.columns) tc.push_back(c.name);
    if (sc != tc) {
      return "table " + s.name + ": columns (" + ColumnNames(s) + ") in the source, (" +
             ColumnNames(t) + ") in the target";
    }
    if (s.key != t.key) return "table " + s.name + ": another primary key in the target";
    in_target.erase(it);
  }
  if (!in_target.empty()) return "table " + in_target.begin()->first + ": only in the target";
  return "";
}

Status RefuseBlobs(const std::vector<TableInfo>& tables, const char* side) {
  for (const TableInfo& t : tables) {
    for (const ColumnInfo& c : t.columns) {
      if (c.kind == Kind::kBlob) {
        return Status::FailedPrecondition("table " + t.name + " column " + c.name + " in the " +
                                          side + " is of type " + c.type +
                                          ": byte strings cannot be copied");
      }
    }
  }
  return Status::Ok();
}

// ----------------------------------------------------------------------- canonical checksums

class RowHasher {
 public:
  RowHasher() : ctx_(EVP_MD_CTX_new()) {
    if (ctx_ != nullptr) EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr);
  }
  ~RowHasher() { EVP_MD_CTX_free(ctx_); }
  RowHasher(const RowHasher&) = delete;
  RowHasher& operator=(const RowHasher&) = delete;

  // Type and value of each field: "n;" NULL, "i<decimal>;" an integer, "r<shortest
  // round-trip>;" a double, "t<bytes>:<text>" text; "\n" ends the row.
  void Add(const Row& row) {
    buffer_.clear();
    for (size_t i = 0; i < row.size(); ++i) {
      const Value& v = row.at(i);
      if (std::holds_alternative<std::nullptr_t>(v)) {
        buffer_ += "n;";
      } else if (const auto* n = std::get_if<int64_t>(&v)) {
        buffer_ += 'i';
        buffer_ += std::to_string(*n);
        buffer_ += ';';
      } else if (const auto* d = std::get_if<double>(&v)) {
        char text[64];
        auto [end, ec] = std::to_chars(text, text + sizeof text, *d);
        buffer_ += 'r';
        buffer_.append(text, ec == std::errc() ? end : text);
        buffer_ += ';';
      } else {
        const std::string& s = std::get<std::string>(v);
        buffer_ += 't';
        buffer_ += std::to_string(s.size());
        buffer_ += ':';
        buffer_ += s;
      }
    }
    buffer_ += '\n';
    if (ctx_ != nullptr) EVP_DigestUpdate(ctx_, buffer_.data(), buffer_.size());
    ++rows_;
  }

  int64_t rows() const { return rows_; }

  std::string Hex() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (ctx_ == nullptr || EVP_DigestFinal_ex(ctx_, digest, &size) != 1) return "";
    static const char kHex[] = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < size; ++i) {
      out += kHex[digest[i] >> 4];
      out += kHex[digest[i] & 0xF];
    }
    return out;
  }

 private:
  EVP_MD_CTX* ctx_;
  std::string buffer_;
  int64_t rows_ = 0;
};

// --------------------------------------------------------------------------- reading in pages

// Reads a table in key order, `page` rows at a time: by a keyset cursor on the primary key, or
// (no key) by OFFSET over the order of all columns. Text keys compare by bytes on both
// dialects (PostgreSQL: COLLATE "C"; SQLite's default BINARY).
class PageReader {
 public:
  PageReader(Database& db, const TableInfo& t, int page) : db_(db), t_(t), page_(page) {
    const bool pg = !IsSqlite(db);
    std::string select = "SELECT ";
    for (size_t c = 0; c < t.columns.size(); ++c) {
      select += (c == 0 ? "" : ", ") + Quote(t.columns[c].name);
    }
    select += " FROM " + Quote(t.name);
    std::vector<size_t> order = t.key;
    if (order.empty()) {
      for (size_t c = 0; c < t.columns.size(); ++c) order.push_back(c);
    }
    auto term = [&](size_t c) {
      return Quote(t.columns[c].name) +
             (pg && t.columns[c].kind == Kind::kText ? " COLLATE \"C\"" : "");
    };
    std::string order_by, left, right;
    for (size_t i = 0; i < order.size(); ++i) {
      const std::string sep = i == 0 ? "" : ", ";
      // NULLs first on both (SQLite's default; PostgreSQL's is last). Keys are never NULL.
      order_by += sep + term(order[i]) + (pg && t.key.empty() ? " NULLS FIRST" : "");
      left += sep + term(order[i]);
      right += sep + "?";
    }
    const std::string limit = " LIMIT " + std::to_string(page);
    first_sql_ = select + " ORDER BY " + order_by + limit;
    if (t.key.empty()) {
      next_sql_ = first_sql_ + " OFFSET ?";
    } else if (order.size() == 1) {
      next_sql_ = select + " WHERE " + left + " > ? ORDER BY " + order_by + limit;
    } else {
      next_sql_ = select + " WHERE (" + left + ") > (" + right + ") ORDER BY " + order_by + limit;
    }
  }

  // The next page; empty at the end.
  StatusOr<Rows> Next() {
    if (done_) return Rows{};
    StatusOr<Rows> rows = read_ == 0         ? db_.Query(first_sql_)
                          : t_.key.empty() ? db_.Query(next_sql_, {read_})
                                           : db_.Query(next_sql_, last_key_);
    if (!rows.ok()) return rows.status();
    if (rows->size() < static_cast<size_t>(page_)) done_ = true;
    if (!rows->empty()) {
      read_ += static_cast<int64_t>(rows->size());
      last_key_.clear();
      for (size_t c : t_.key) last_key_.push_back(rows->back().at(c));
    }
    return rows;
  }

 private:
  Database& db_;
  const TableInfo& t_;
  const int page_;
  std::string first_sql_, next_sql_;
  std::vector<Value> last_key_;
  int64_t read_ = 0;
  bool done_ = false;
};

StatusOr<int64_t> CountRows(Database& db, const TableInfo& t) {
  LINLI_ASSIGN_OR_RETURN(Rows rows, db.Query("SELECT COUNT(*) FROM " + Quote(t.name)));
  return rows.empty() ? 0 : rows[0].Int(0);
}

// Rows and checksum of one table, read in key order.
StatusOr<TableSum> SumTable(Database& db, const TableInfo& t, int page,
                            const std::function<void(int64_t)>& on_page = nullptr) {
  RowHasher hasher;
  PageReader reader(db, t, page);
  for (;;) {
    LINLI_ASSIGN_OR_RETURN(Rows rows, reader.Next());
    if (rows.empty()) break;
    for (const Row& r : rows) hasher.Add(r);
    if (on_page) on_page(static_cast<int64_t>(rows.size()));
  }
  return TableSum{t.name, hasher.rows(), hasher.Hex()};
}

// ---------------------------------------------------------------------------------- writing

Status InsertRows(Database& db, const TableInfo& t, const Rows& rows) {
  const size_t columns = t.columns.size();
  const size_t per_statement = std::max<size_t>(1, kMaxParamsPerInsert / columns);
  std::string head = "INSERT INTO " + Quote(t.name) + " (";
  for (size_t c = 0; c < columns; ++c) head += (c == 0 ? "" : ", ") + Quote(t.columns[c].name);
  head += ") VALUES ";
  std::string tuple = "(";
  for (size_t c = 0; c < columns; ++c) tuple += c == 0 ? "?" : ", ?";
  tuple += ")";
  for (size_t begin = 0; begin < rows.size(); begin += per_statement) {
    const size_t end = std::min(rows.size(), begin + per_statement);
    std::string sql = head;
    std::vector<Value> params;
    params.reserve((end - begin) * columns);
    for (size_t i = begin; i < end; ++i) {
      sql += (i == begin ? "" : ", ") + tuple;
      for (size_t c = 0; c < columns; ++c) params.push_back(rows[i].at(c));
    }
    LINLI_RETURN_IF_ERROR(db.Exec(sql, params));
  }
  return Status::Ok();
}

// PostgreSQL: every sequence a column of `t` owns (identity or serial) restarts past the
// largest value copied. ALTER SEQUENCE is transactional (setval is not): a rollback undoes it.
Status AdvanceSequences(Database& db, const TableInfo& t) {
  LINLI_ASSIGN_OR_RETURN(
      Rows owned,
      db.Query(std::string("SELECT a.attname, pg_get_serial_sequence(c.oid::regclass::text, "
                           "a.attname) FROM pg_attribute a JOIN pg_class c ON c.oid = "
                           "a.attrelid WHERE a.attnum > 0 AND NOT a.attisdropped AND c.oid = ") +
                   kPgRelation,
               {t.name}));
  for (const Row& r : owned) {
    if (r.IsNull(1)) continue;
    LINLI_ASSIGN_OR_RETURN(
        Rows max, db.Query("SELECT MAX(" + Quote(r.Text(0)) + ") FROM " + Quote(t.name)));
    if (max.empty() || max[0].IsNull(0)) continue;
    const int64_t next = std::max<int64_t>(1, max[0].Int(0) + 1);
    // The name is the server's own, quoted where it needs to be.
    LINLI_RETURN_IF_ERROR(
        db.Exec("ALTER SEQUENCE " + r.Text(1) + " RESTART WITH " + std::to_string(next)));
  }
  return Status::Ok();
}

// --------------------------------------------------------------------------- transactions

// The source's one read-only snapshot, ended (rolled back) when the guard goes.
class Snapshot {
 public:
  explicit Snapshot(Database& db) : db_(db) {}
  ~Snapshot() {
    if (open_) {
      Status st = db_.Rollback();
      if (!st.ok()) internal::Logger()->warn("db copy: ending the read snapshot: {}", st.ToString());
    }
  }
  Snapshot(const Snapshot&) = delete;
  Snapshot& operator=(const Snapshot&) = delete;

  Status Begin() {
    if (db_.in_transaction()) {
      return Status::FailedPrecondition("db copy: the source connection is in a transaction");
    }
    // A deferred BEGIN on SQLite: the snapshot is taken by the first read and held to the end
    // (IMMEDIATE, the seam's Begin, would take the write lock of a read-only database).
    LINLI_RETURN_IF_ERROR(db_.Exec(IsSqlite(db_) ? "BEGIN"
                                                 : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
    open_ = true;
    return Status::Ok();
  }

 private:
  Database& db_;
  bool open_ = false;
};

// The target's transaction, rolled back unless committed.
class TargetTransaction {
 public:
  explicit TargetTransaction(Database& db) : db_(db) {}
  ~TargetTransaction() {
    if (open_) {
      Status st = db_.Rollback();
      if (!st.ok()) internal::Logger()->error("db copy: rolling the target back: {}", st.ToString());
    }
  }
  TargetTransaction(const TargetTransaction&) = delete;
  TargetTransaction& operator=(const TargetTransaction&) = delete;

  Status Begin() {
    if (db_.in_transaction()) {
      return Status::FailedPrecondition("db copy: the target connection is in a transaction");
    }
    LINLI_RETURN_IF_ERROR(db_.Begin());
    open_ = true;
    return Status::Ok();
  }
  Status Commit() {
    open_ = false;
    return db_.Commit();
  }

 private:
  Database& db_;
  bool open_ = false;
};

// The rows a fresh migration inserts, per table (roster_names_token's one row, ...): what a
// target may hold and still be empty. Read from an in-memory SQLite database migrated here,
// with the target's column order.
StatusOr<std::map<std::string, TableSum>> MigrationRows(const std::vector<TableInfo>& tables,
                                                        int page) {
  SqliteOptions o;
  o.path = ":memory:";
  o.synchronous = "OFF";
  LINLI_ASSIGN_OR_RETURN(std::unique_ptr<Database> fresh, OpenSqlite(o));
  LINLI_RETURN_IF_ERROR(Migrate(*fresh).status());
  LINLI_ASSIGN_OR_RETURN(std::vector<std::string> names, TableNames(*fresh));
  const std::set<std::string> present(names.begin(), names.end());
  std::map<std::string, TableSum> out;
  for (const TableInfo& t : tables) {
    if (present.count(t.name) == 0) continue;
    LINLI_ASSIGN_OR_RETURN(int64_t rows, CountRows(*fresh, t));
    if (rows == 0) continue;
    LINLI_ASSIGN_OR_RETURN(TableSum sum, SumTable(*fresh, t, page));
    out.emplace(t.name, std::move(sum));
  }
  return out;
}

// kSourceOlderSchema / kSourceNewerSchema, or kNone.
StatusOr<CopyRefusal> CheckVersion(Database& source, int* version) {
  LINLI_ASSIGN_OR_RETURN(*version, SchemaVersion(source));
  if (*version < LatestSchemaVersion()) return CopyRefusal::kSourceOlderSchema;
  if (*version > LatestSchemaVersion()) return CopyRefusal::kSourceNewerSchema;
  return CopyRefusal::kNone;
}

// What makes a PostgreSQL connection's schema the one it is: the server (its port and start
// time), the database and the schema.
StatusOr<std::string> PostgresPlace(Database& db) {
  LINLI_ASSIGN_OR_RETURN(Rows rows,
                         db.Query("SELECT current_setting('port') || ' ' || "
                                  "pg_postmaster_start_time()::text || ' ' || current_database() "
                                  "|| ' ' || COALESCE(current_schema(), '')"));
  return rows.empty() ? std::string() : rows[0].Text(0);
}

bool IsFilePath(const std::string& path) {
  return path != ":memory:" && path.rfind("file:", 0) != 0 && !path.empty();
}

// The (device, inode) of an existing file.
std::optional<std::pair<dev_t, ino_t>> FileId(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return std::make_pair(st.st_dev, st.st_ino);
}

// Whether another connection has the SQLite file open: its use lock cannot be taken
// exclusively (kUnavailable). A lock that cannot be tried at all (a read-only folder: no lock
// file can be created there, so no service writes there either) counts as not in use.
bool InUse(const std::string& path) {
  auto lock = SqliteUseLock::Acquire(path, SqliteUseLock::Mode::kExclusive);
  if (lock.ok()) return false;  // released at once
  if (lock.status().code() == StatusCode::kUnavailable) return true;
  internal::Logger()->warn("db copy: cannot tell whether {} is in use: {}", path,
                           lock.status().ToString());
  return false;
}

}  // namespace

StatusOr<CopyOutcome> CopyContents(Database& source, Database& target, const CopyOptions& options) {
  if (options.page_rows < 1) return Status::InvalidArgument("db copy: page_rows must be >= 1");
  const int page = options.page_rows;
  CopyOutcome outcome;
  Snapshot snapshot(source);
  LINLI_RETURN_IF_ERROR(snapshot.Begin());
  LINLI_ASSIGN_OR_RETURN(CopyRefusal version, CheckVersion(source, &outcome.schema_version));
  if (version != CopyRefusal::kNone) {
    outcome.refusal = version;
    return outcome;
  }
  LINLI_ASSIGN_OR_RETURN(std::vector<TableInfo> tables, ReadCatalogue(source));
  LINLI_RETURN_IF_ERROR(RefuseBlobs(tables, "source"));

  TargetTransaction tx(target);
  LINLI_RETURN_IF_ERROR(tx.Begin());
  {
    LINLI_ASSIGN_OR_RETURN(std::vector<TableInfo> target_tables, ReadCatalogue(target));
    LINLI_RETURN_IF_ERROR(RefuseBlobs(target_tables, "target"));
    if (std::string diff = CatalogueDifference(tables, target_tables); !diff.empty()) {
      outcome.refusal = CopyRefusal::kSchemaDiffers;
      outcome.detail = diff;
      return outcome;
    }
  }

  // Empty but for what the migrations insert, which makes way for the source's rows.
  LINLI_ASSIGN_OR_RETURN(auto migration_rows, MigrationRows(tables, page));
  std::vector<const TableInfo*> to_clear;
  for (const TableInfo& t : tables) {
    auto rows = CountRows(target, t);
    if (!rows.ok()) return Prefixed("reading target table " + t.name, rows.status());
    if (*rows == 0) continue;
    auto fresh = migration_rows.find(t.name);
    if (fresh != migration_rows.end() && fresh->second.rows == *rows) {
      auto sum = SumTable(target, t, page);
      if (!sum.ok()) return Prefixed("reading target table " + t.name, sum.status());
      if (sum->checksum == fresh->second.checksum) {
        to_clear.push_back(&t);
        continue;
      }
    }
    outcome.refusal = CopyRefusal::kTargetNotEmpty;
    outcome.table = t.name;
    outcome.rows = *rows;
    return outcome;
  }
  for (const TableInfo* t : to_clear) {
    Status st = target.Exec("DELETE FROM " + Quote(t->name));
    if (!st.ok()) return Prefixed("clearing target table " + t->name, st);
  }

  CopyProgress progress;
  progress.tables = tables.size();
  std::vector<int64_t> counts;
  for (const TableInfo& t : tables) {
    auto rows = CountRows(source, t);
    if (!rows.ok()) return Prefixed("reading table " + t.name, rows.status());
    counts.push_back(*rows);
    progress.rows += *rows;
  }
  auto report = [&](const TableInfo& t, size_t index, bool done) {
    if (!options.progress) return;
    progress.table = t.name;
    progress.table_index = index;
    progress.table_rows = counts[index];
    progress.table_done = done;
    options.progress(progress);
  };

  // Copy, hashing the source's rows as read.
  for (size_t i = 0; i < tables.size(); ++i) {
    const TableInfo& t = tables[i];
    TableCheck check;
    check.table = t.name;
    RowHasher hasher;
    PageReader reader(source, t, page);
    progress.table_rows_done = 0;
    for (;;) {
      auto rows = reader.Next();
      if (!rows.ok()) return Prefixed("copying table " + t.name, rows.status());
      if (rows->empty()) break;
      for (const Row& r : *rows) hasher.Add(r);
      Status st = InsertRows(target, t, *rows);
      if (!st.ok()) return Prefixed("copying table " + t.name, st);
      progress.table_rows_done += static_cast<int64_t>(rows->size());
      progress.rows_done += static_cast<int64_t>(rows->size());
      report(t, i, false);
    }
    check.source_rows = hasher.rows();
    check.source_checksum = hasher.Hex();
    outcome.rows_copied += check.source_rows;
    outcome.tables.push_back(std::move(check));
    report(t, i, true);
  }
  if (!IsSqlite(target)) {
    for (const TableInfo& t : tables) {
      Status st = AdvanceSequences(target, t);
      if (!st.ok()) return Prefixed("advancing the sequences of table " + t.name, st);
    }
  }

  // Verify: the target's rows read back inside its transaction.
  progress.phase = CopyProgress::Phase::kVerify;
  progress.rows_done = 0;
  bool all_ok = true;
  for (size_t i = 0; i < tables.size(); ++i) {
    const TableInfo& t = tables[i];
    progress.table_rows_done = 0;
    auto sum = SumTable(target, t, page, [&](int64_t n) {
      progress.table_rows_done += n;
      progress.rows_done += n;
      report(t, i, false);
    });
    if (!sum.ok()) return Prefixed("verifying table " + t.name, sum.status());
    TableCheck& check = outcome.tables[i];
    check.target_rows = sum->rows;
    check.target_checksum = sum->checksum;
    all_ok = all_ok && check.ok();
    report(t, i, true);
  }
  if (!all_ok) {
    outcome.refusal = CopyRefusal::kMismatch;
    outcome.rows_copied = 0;
    return outcome;  // `tx` rolls back
  }
  Status committed = tx.Commit();
  if (!committed.ok()) return Prefixed("committing the target", committed);
  return outcome;
}

StatusOr<std::vector<TableSum>> SumTables(Database& db) {
  Snapshot snapshot(db);
  LINLI_RETURN_IF_ERROR(snapshot.Begin());
  LINLI_ASSIGN_OR_RETURN(std::vector<TableInfo> tables, ReadCatalogue(db));
  std::vector<TableSum> out;
  for (const TableInfo& t : tables) {
    auto sum = SumTable(db, t, 500);
    if (!sum.ok()) return Prefixed("reading table " + t.name, sum.status());
    out.push_back(std::move(sum).value());
  }
  return out;
}

StatusOr<CopyOutcome> CopyDatabase(const DatabaseOptions& from, const DatabaseOptions& to,
                                   const CopyOptions& options) {
  CopyOutcome outcome;
  auto refuse = [&outcome](CopyRefusal why) {
    outcome.refusal = why;
    return outcome;
  };
  const bool source_sqlite = from.backend == "sqlite";
  const bool target_sqlite = to.backend == "sqlite";
  if (source_sqlite) {
    if (!IsFilePath(from.sqlite.path)) {
      return Status::FailedPrecondition("storage.sqlite.path: \"" + from.sqlite.path +
                                        "\" is not a file: db copy needs a database file");
    }
    if (!FileId(from.sqlite.path)) return refuse(CopyRefusal::kSourceMissing);
    if (InUse(from.sqlite.path)) return refuse(CopyRefusal::kSourceInUse);
  }
  DatabaseOptions reader_options = from;
  reader_options.sqlite.read_only = true;  // never creates, changes or migrates the source
  LINLI_ASSIGN_OR_RETURN(std::unique_ptr<Database> source, OpenReader(reader_options));
  LINLI_ASSIGN_OR_RETURN(CopyRefusal version, CheckVersion(*source, &outcome.schema_version));
  if (version != CopyRefusal::kNone) return refuse(version);

  if (target_sqlite) {
    if (!IsFilePath(to.sqlite.path)) {
      return Status::FailedPrecondition("storage.sqlite.path: \"" + to.sqlite.path +
                                        "\" is not a file: db copy needs a database file");
    }
    if (auto target_file = FileId(to.sqlite.path)) {
      if (source_sqlite && target_file == FileId(from.sqlite.path)) {
        return refuse(CopyRefusal::kSameDatabase);
      }
      if (InUse(to.sqlite.path)) return refuse(CopyRefusal::kTargetInUse);
    }
  } else if (IsPostgresBackend(from.backend) && IsPostgresBackend(to.backend)) {
    // Before the target is migrated: it may be the source itself.
    LINLI_ASSIGN_OR_RETURN(std::unique_ptr<Database> peek, OpenReader(to));
    LINLI_ASSIGN_OR_RETURN(std::string target_place, PostgresPlace(*peek));
    LINLI_ASSIGN_OR_RETURN(std::string source_place, PostgresPlace(*source));
    if (target_place == source_place) return refuse(CopyRefusal::kSameDatabase);
  }
  LINLI_ASSIGN_OR_RETURN(OpenedDatabase target, OpenDatabase(to));
  return CopyContents(*source, *target.db, options);
}

}  // namespace linli::storage
