#include "storage/postgres_database.h"

#include <libpq-fe.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "storage/notifier.h"
#include "storage/postgres_sql.h"
#include "storage/store_util.h"

namespace linli::storage {
namespace {

// Type OIDs of the built-in types (src/include/catalog/pg_type.dat; fixed since 7.x). The
// server's own headers are not needed for eight numbers.
constexpr Oid kBoolOid = 16;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kOidOid = 26;
constexpr Oid kFloat4Oid = 700;
constexpr Oid kFloat8Oid = 701;
constexpr Oid kNumericOid = 1700;

constexpr const char* kDefaultConnectTimeoutSeconds = "10";

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

struct ConninfoDeleter {
  void operator()(PQconninfoOption* o) const { PQconninfoFree(o); }
};
using Conninfo = std::unique_ptr<PQconninfoOption, ConninfoDeleter>;

bool IsIdentifier(std::string_view name, size_t max) {
  if (name.empty() || name.size() > max) return false;
  auto alpha = [](char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; };
  if (!alpha(name[0])) return false;
  return std::all_of(name.begin(), name.end(), [&](char c) {
    return alpha(c) || std::isdigit(static_cast<unsigned char>(c));
  });
}

// libpq's multi-line messages ("...failed: Connection refused\n\tIs the server running...")
// on one line, each run of whitespace one space.
std::string TrimmedMessage(const char* m) {
  std::string out;
  for (const char* p = m != nullptr ? m : ""; *p != '\0'; ++p) {
    const bool space = std::isspace(static_cast<unsigned char>(*p)) != 0;
    if (!space) {
      out += *p;
    } else if (!out.empty() && out.back() != ' ') {
      out += ' ';
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// What a parsed DSN names, by keyword ("" when it leaves it to libpq's defaults).
std::string Option(const PQconninfoOption* options, std::string_view keyword) {
  for (const PQconninfoOption* o = options; o != nullptr && o->keyword != nullptr; ++o) {
    if (keyword == o->keyword) return o->val != nullptr ? o->val : "";
  }
  return "";
}

std::string Describe(const std::string& db, const std::string& host, const std::string& port,
                     const std::string& user) {
  std::string out = "database";
  if (!db.empty()) out += " \"" + db + "\"";
  if (!host.empty()) out += " on host " + host;
  if (!port.empty()) out += " port " + port;
  if (!user.empty()) out += " as user \"" + user + "\"";
  return out;
}

// Where a connection points, from libpq's view of it.
std::string WhereOf(PGconn* conn) {
  return Describe(PQdb(conn) ? PQdb(conn) : "", PQhost(conn) ? PQhost(conn) : "",
                  PQport(conn) ? PQport(conn) : "", PQuser(conn) ? PQuser(conn) : "");
}

std::string FormatDouble(double d) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  if (ec != std::errc()) return "NaN";
  std::string s(buf, end);
  if (s == "inf") return "Infinity";
  if (s == "-inf") return "-Infinity";
  if (s == "nan" || s == "-nan") return "NaN";
  return s;
}

Value IntegerOrText(const char* p, int n) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(p, p + n, v);
  if (ec == std::errc() && end == p + n) return v;
  return std::string(p, static_cast<size_t>(n));
}

Value Column(const PGresult* r, int row, int col) {
  if (PQgetisnull(r, row, col)) return nullptr;
  const char* p = PQgetvalue(r, row, col);
  const int n = PQgetlength(r, row, col);
  switch (PQftype(r, col)) {
    case kInt2Oid:
    case kInt4Oid:
    case kInt8Oid:
    case kOidOid:
      return IntegerOrText(p, n);
    case kFloat4Oid:
    case kFloat8Oid:
      return std::strtod(p, nullptr);
    case kNumericOid: {
      // SUM() of integer columns is numeric: a whole number stays an integer, as in SQLite.
      Value v = IntegerOrText(p, n);
      if (std::holds_alternative<int64_t>(v)) return v;
      return std::strtod(p, nullptr);
    }
    case kBoolOid:
      return int64_t{n > 0 && p[0] == 't' ? 1 : 0};
    default:
      return std::string(p, static_cast<size_t>(n));
  }
}

// The advisory lock key of Database::LockKey and the session locks: the schema (current_schema()
// of the session's search_path), a separator, then the key ('?').
constexpr const char* kKeyHash =
    "hashtextextended(COALESCE(current_schema(), '') || ' ' || ?, 0)";

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

class PostgresDatabase final : public Database {
 public:
  PostgresDatabase(PGconn* conn, PostgresOptions options)
      : conn_(conn), options_(std::move(options)) {}
  ~PostgresDatabase() override { PQfinish(conn_); }  // the server rolls back what is open

  // Applies the session settings (again after a reset). Errors as OpenPostgres's.
  Status Setup() {
    PQsetNoticeProcessor(
        conn_,
        [](void*, const char* message) {
          internal::Logger()->debug("postgresql: {}", TrimmedMessage(message));
        },
        nullptr);
    LINLI_RETURN_IF_ERROR(
        Exec("SET statement_timeout = " + std::to_string(options_.statement_timeout_ms), {}));
    if (options_.read_only) {
      LINLI_RETURN_IF_ERROR(Exec("SET default_transaction_read_only = on", {}));
    }
    if (!options_.schema.empty()) {
      LINLI_ASSIGN_OR_RETURN(Rows found,
                             Query("SELECT 1 FROM pg_namespace WHERE nspname = ?",
                                   {options_.schema}));
      if (found.empty()) {
        return Status::FailedPrecondition("postgresql: schema \"" + options_.schema +
                                          "\" does not exist in " + Where() +
                                          " (storage.postgresql.schema)");
      }
      // The schema alone: a table not created there is not found in another one by accident.
      LINLI_RETURN_IF_ERROR(Exec("SET search_path TO \"" + options_.schema + "\"", {}));
    }
    return Status::Ok();
  }

  // Where this connection points ("database \"d\" on host h port p as user \"u\""), no password.
  std::string Where() const {
    return Describe(PQdb(conn_) ? PQdb(conn_) : "", PQhost(conn_) ? PQhost(conn_) : "",
                    PQport(conn_) ? PQport(conn_) : "", PQuser(conn_) ? PQuser(conn_) : "");
  }

  Status Exec(std::string_view sql, const std::vector<Value>& params) override {
    LINLI_ASSIGN_OR_RETURN(Result r, Run(sql, params));
    (void)r;
    return Status::Ok();
  }

  StatusOr<Rows> Query(std::string_view sql, const std::vector<Value>& params) override {
    LINLI_ASSIGN_OR_RETURN(Result r, Run(sql, params));
    Rows rows;
    if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) return rows;
    const int n = PQntuples(r.get());
    const int cols = PQnfields(r.get());
    rows.reserve(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
      std::vector<Value> values;
      values.reserve(static_cast<size_t>(cols));
      for (int c = 0; c < cols; ++c) values.push_back(Column(r.get(), i, c));
      rows.emplace_back(std::move(values));
    }
    return rows;
  }

  Status ExecScript(std::string_view sql) override {
    LINLI_RETURN_IF_ERROR(EnsureConnected());
    const bool was_in_transaction = ServerInTransaction();
    // The simple query protocol runs every ';'-separated statement (in one implicit
    // transaction when none is open); the savepoint statements still waiting go first.
    std::string script;
    for (const std::string& d : deferred_) script += d + ";\n";
    deferred_.clear();
    script += sql;
    Result r(PQexec(conn_, script.c_str()));
    Status st = Check(r.get(), sql, was_in_transaction);
    // A script changes the schema (migrations, db copy): a prepared SELECT * whose table
    // changed would fail ("cached plan must not change result type"), so they are made again.
    if (st.ok() && !prepared_.empty()) {
      Result d(PQexec(conn_, "DEALLOCATE ALL"));
      if (PQresultStatus(d.get()) == PGRES_COMMAND_OK) prepared_.clear();
    }
    return st;
  }

  int64_t changes() const override { return changes_; }

  Status Begin() override {
    if (in_transaction()) {
      return Status::FailedPrecondition("postgresql: a transaction is already open");
    }
    LINLI_RETURN_IF_ERROR(Exec("BEGIN", {}));
    wrote_in_transaction_ = false;
    full_in_transaction_ = false;
    return Status::Ok();
  }

  Status Commit() override {
    if (lost_transaction_) return LostTransaction();
    if (PQtransactionStatus(conn_) == PQTRANS_INERROR) {
      // COMMIT of an aborted transaction "succeeds" as a ROLLBACK: say what happened.
      Status st = Exec("ROLLBACK", {});
      (void)st;
      return Status::Internal(
          "postgresql: the transaction was aborted by an earlier error and is rolled back");
    }
    const bool wrote = wrote_in_transaction_;
    LINLI_RETURN_IF_ERROR(Exec("COMMIT", {}));
    if (wrote && !full_in_transaction_) full_ = false;
    return Status::Ok();
  }

  Status Rollback() override {
    deferred_.clear();  // savepoints of the transaction being rolled back
    if (lost_transaction_) {
      lost_transaction_ = false;  // the server rolled it back when the connection broke
      return Status::Ok();
    }
    if (!ServerInTransaction()) return Status::Ok();
    return Exec("ROLLBACK", {});
  }

  // Inside a healthy transaction both are sent with the next statement (Run); their error,
  // if any, is that statement's. Outside one they run at once, so the error is theirs.
  Status Savepoint(std::string_view name) override {
    if (!IsIdentifier(name, 63)) return Status::InvalidArgument("bad savepoint name");
    return Defer("SAVEPOINT " + std::string(name));
  }
  Status ReleaseSavepoint(std::string_view name) override {
    if (!IsIdentifier(name, 63)) return Status::InvalidArgument("bad savepoint name");
    return Defer("RELEASE SAVEPOINT " + std::string(name));
  }
  Status RollbackToSavepoint(std::string_view name) override {
    if (!IsIdentifier(name, 63)) return Status::InvalidArgument("bad savepoint name");
    return Exec("ROLLBACK TO SAVEPOINT " + std::string(name), {});
  }

  bool in_transaction() const override { return lost_transaction_ || ServerInTransaction(); }

  std::string write_fault() const override { return full_ ? "disk full" : ""; }

  // Advisory locks on a 64-bit hash of the schema and the key: per schema, as the seam says,
  // computed by the server so every instance agrees on it.
  Status LockKey(std::string_view key) override {
    return Exec(std::string("SELECT pg_advisory_xact_lock(") + kKeyHash + ")", {std::string(key)});
  }
  StatusOr<bool> TryLockSession(std::string_view key) override {
    LINLI_ASSIGN_OR_RETURN(
        Rows rows, Query(std::string("SELECT pg_try_advisory_lock(") + kKeyHash + ")",
                         {std::string(key)}));
    return !rows.empty() && rows[0].Int(0) == 1;
  }
  Status UnlockSession(std::string_view key) override {
    return Exec(std::string("SELECT pg_advisory_unlock(") + kKeyHash + ")", {std::string(key)});
  }
  uint64_t conflicts() const override { return conflicts_; }

  std::string dialect() const override { return "postgres"; }

 private:
  bool ServerInTransaction() const {
    const PGTransactionStatusType t = PQtransactionStatus(conn_);
    return t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
  }

  Status LostTransaction() const {
    return Status::Unavailable("postgresql: the connection to " + Where() +
                               " broke inside a transaction, which the server rolled back; "
                               "Rollback() before going on");
  }

  // A broken connection is reset here, outside a transaction only: inside one, the
  // transaction is gone and the caller must learn it (Rollback()) before statements run again.
  // A reset whose Setup() failed (say the schema went away) is set up again by the next
  // statement, so nothing ever runs with the server's default settings.
  Status EnsureConnected() {
    if (PQstatus(conn_) == CONNECTION_OK && !needs_setup_) return Status::Ok();
    if (PQstatus(conn_) != CONNECTION_OK) {
      if (lost_transaction_) return LostTransaction();
      PQreset(conn_);
      prepared_.clear();  // a new session has none
      deferred_.clear();
      if (PQstatus(conn_) != CONNECTION_OK) {
        return Status::Unavailable("postgresql: cannot reconnect to " + Where() + ": " +
                                   TrimmedMessage(PQerrorMessage(conn_)));
      }
      internal::Logger()->warn("postgresql: reconnected to {}", Where());
    }
    needs_setup_ = false;  // Setup's own statements come back through here
    Status st = Setup();
    if (!st.ok()) needs_setup_ = true;
    return st;
  }

  Status Defer(std::string statement) {
    if (lost_transaction_ || PQtransactionStatus(conn_) != PQTRANS_INTRANS ||
        deferred_.size() >= kMaxDeferred) {
      return Exec(statement, {});
    }
    deferred_.push_back(std::move(statement));
    return Status::Ok();
  }

  // One round trip (libpq's pipeline mode): the deferred savepoint statements, the Parse of
  // `sql` when this connection has not prepared it yet, its Bind/Execute, one Sync. Statements
  // are prepared once per connection and text + parameter types (kMaxPrepared of them; past
  // that, unnamed), so the server parses and plans each only once.
  StatusOr<Result> Run(std::string_view sql, const std::vector<Value>& params) {
    LINLI_RETURN_IF_ERROR(EnsureConnected());
    const PlaceholderSql converted = ToNumberedPlaceholders(sql);
    // A statement refused here sends nothing: the deferred savepoints wait for the next one.
    if (converted.parameters != params.size()) {
      return Status::InvalidArgument("postgresql: statement takes " +
                                     std::to_string(converted.parameters) + " parameters, got " +
                                     std::to_string(params.size()) + " [" +
                                     internal::AbbrevSql(sql) + "]");
    }
    std::vector<std::string> text(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    std::vector<Oid> types(params.size(), 0);
    for (size_t i = 0; i < params.size(); ++i) {
      const Value& v = params[i];
      if (auto p = std::get_if<int64_t>(&v)) {
        text[i] = std::to_string(*p);
        types[i] = kInt8Oid;
      } else if (auto p = std::get_if<double>(&v)) {
        text[i] = FormatDouble(*p);
        types[i] = kFloat8Oid;
      } else if (auto p = std::get_if<std::string>(&v)) {
        if (std::memchr(p->data(), '\0', p->size()) != nullptr) {
          return Status::InvalidArgument("postgresql: a text parameter holds a NUL byte [" +
                                         internal::AbbrevSql(sql) + "]");
        }
        text[i] = *p;
      } else {
        continue;  // NULL: values[i] stays nullptr, type unknown
      }
      values[i] = text[i].c_str();
    }
    // Parse fixes the parameter types, so they are part of the key.
    std::string key = converted.sql;
    key.push_back('\0');
    for (Oid t : types) key += std::to_string(t) + ",";
    std::string name;  // "": the unnamed statement, parsed every time
    bool parse = true;
    if (auto it = prepared_.find(key); it != prepared_.end()) {
      name = it->second;
      parse = false;
    } else if (prepared_.size() < kMaxPrepared) {
      name = "linli_" + std::to_string(++prepared_serial_);
    }
    const std::vector<std::string> deferred = std::move(deferred_);
    deferred_.clear();
    const bool was_in_transaction = ServerInTransaction();
    const int n = static_cast<int>(params.size());

    const bool pipeline = PQenterPipelineMode(conn_) == 1;
    bool sent = pipeline;
    for (const std::string& d : deferred) {
      sent = sent && PQsendQueryParams(conn_, d.c_str(), 0, nullptr, nullptr, nullptr, nullptr,
                                       0) == 1;
    }
    if (parse) {
      sent = sent && PQsendPrepare(conn_, name.c_str(), converted.sql.c_str(), n,
                                   types.data()) == 1;
    }
    sent = sent &&
           PQsendQueryPrepared(conn_, name.c_str(), n, values.data(), nullptr, nullptr, 0) == 1;
    // Synced even when a send failed, so what was queued is answered and read below and the
    // connection leaves pipeline mode idle.
    const bool synced = pipeline && PQpipelineSync(conn_) == 1;

    // The results, in order: one per command queued (the deferred statements, the Parse, the
    // statement), then the Sync's. After an error the server skips the rest
    // (PGRES_PIPELINE_ABORTED).
    Status error = Status::Ok();
    Result result;
    const size_t parse_at = deferred.size();
    const size_t statement_at = deferred.size() + (parse ? 1 : 0);
    size_t index = 0;
    int nulls = 0;
    while (synced) {
      Result r(PQgetResult(conn_));
      if (!r) {  // the end of one command's results; two in a row: nothing more is coming
        if (++nulls >= 2 || PQstatus(conn_) != CONNECTION_OK) break;
        continue;
      }
      nulls = 0;
      const ExecStatusType status = PQresultStatus(r.get());
      if (status == PGRES_PIPELINE_SYNC) break;
      if (status != PGRES_PIPELINE_ABORTED && error.ok()) {
        if (index < parse_at) {
          error = Check(r.get(), deferred[index], was_in_transaction);
        } else if (parse && index == parse_at) {
          error = Check(r.get(), sql, was_in_transaction);
          if (error.ok() && !name.empty()) prepared_.emplace(key, name);
        } else if (index == statement_at) {
          error = Check(r.get(), sql, was_in_transaction);
          result = std::move(r);
        }
      }
      ++index;
    }
    if (PQpipelineStatus(conn_) != PQ_PIPELINE_OFF) PQexitPipelineMode(conn_);
    // The server's last word (57P01 "terminating connection") can come before libpq sees the
    // connection close: the transaction is gone all the same.
    if (PQstatus(conn_) != CONNECTION_OK && was_in_transaction) lost_transaction_ = true;
    if (!sent || !synced || (error.ok() && !result)) {
      // The connection failed under the pipeline, or a result is missing: Check names it.
      return Check(nullptr, sql, was_in_transaction);
    }
    LINLI_RETURN_IF_ERROR(error);
    return result;
  }

  Status Check(const PGresult* r, std::string_view sql, bool was_in_transaction) {
    const ExecStatusType status = r != nullptr ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
      const std::string_view command = PQcmdStatus(const_cast<PGresult*>(r));
      if (StartsWith(command, "INSERT") || StartsWith(command, "UPDATE") ||
          StartsWith(command, "DELETE") || StartsWith(command, "MERGE")) {
        changes_ = std::strtoll(PQcmdTuples(const_cast<PGresult*>(r)), nullptr, 10);
        if (changes_ > 0) wrote_in_transaction_ = true;
      }
      return Status::Ok();
    }
    if (status == PGRES_EMPTY_QUERY) return Status::InvalidArgument("postgresql: empty statement");
    if (PQstatus(conn_) != CONNECTION_OK) {
      if (was_in_transaction) lost_transaction_ = true;
      return Status::Unavailable("postgresql: lost the connection to " + Where() + ": " +
                                 TrimmedMessage(PQerrorMessage(conn_)) + " [" +
                                 internal::AbbrevSql(sql) + "]");
    }
    const char* state = r != nullptr ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    const std::string sqlstate = state != nullptr ? state : "";
    // The primary message only: DETAIL quotes the values of the row ("Key (phone)=(...)").
    const char* primary = r != nullptr ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    std::string message = "postgresql: " +
                          (primary != nullptr ? std::string(primary)
                                              : TrimmedMessage(PQerrorMessage(conn_))) +
                          (sqlstate.empty() ? "" : " (SQLSTATE " + sqlstate + ")") + " [" +
                          internal::AbbrevSql(sql) + "]";
    return MapSqlState(sqlstate, std::move(message));
  }

  Status MapSqlState(const std::string& sqlstate, std::string message) {
    const std::string_view klass = std::string_view(sqlstate).substr(0, 2);
    if (klass == "23") return Status::AlreadyExists(std::move(message));
    if (sqlstate == "53100") {  // disk_full
      full_ = true;
      full_in_transaction_ = true;
      return Status::Unavailable(std::move(message));
    }
    if (sqlstate == "40001" || sqlstate == "40P01") ++conflicts_;
    if (klass == "53" || klass == "08" || sqlstate == "40001" || sqlstate == "40P01" ||
        sqlstate == "55P03" || sqlstate == "57014" || StartsWith(sqlstate, "57P0")) {
      return Status::Unavailable(std::move(message));
    }
    return Status::Internal(std::move(message));
  }

  // Prepared statements of this session: few distinct texts (the stores' SQL is fixed); a
  // text built per call (an IN list) past the limit goes unnamed.
  static constexpr size_t kMaxPrepared = 512;
  // Savepoint statements waiting for the next statement (a deep nesting runs them at once).
  static constexpr size_t kMaxDeferred = 64;

  PGconn* const conn_;
  const PostgresOptions options_;
  std::unordered_map<std::string, std::string> prepared_;  // text + types -> name
  uint64_t prepared_serial_ = 0;
  std::vector<std::string> deferred_;
  int64_t changes_ = 0;
  bool needs_setup_ = false;
  bool lost_transaction_ = false;
  bool wrote_in_transaction_ = false;
  bool full_in_transaction_ = false;
  bool full_ = false;
  uint64_t conflicts_ = 0;
};

}  // namespace

std::string DescribePostgresDsn(const std::string& dsn) {
  char* err = nullptr;
  Conninfo parsed(PQconninfoParse(dsn.c_str(), &err));
  if (err != nullptr) PQfreemem(err);
  if (!parsed) return "";
  std::string host = Option(parsed.get(), "host");
  if (host.empty()) host = Option(parsed.get(), "hostaddr");
  // A socket directory is a path: percent-encoded, the URI stays one libpq accepts.
  std::string encoded;
  for (char c : host) encoded += c == '/' ? std::string("%2F") : std::string(1, c);
  const std::string user = Option(parsed.get(), "user");
  const std::string port = Option(parsed.get(), "port");
  return "postgresql://" + (user.empty() ? "" : user + "@") + encoded +
         (port.empty() ? "" : ":" + port) + "/" + Option(parsed.get(), "dbname");
}

namespace {

// The options OpenPostgres refuses, by their config key.
Status CheckOptions(const PostgresOptions& options) {
  if (options.statement_timeout_ms < 0) {
    return Status::InvalidArgument("storage.postgresql.statement_timeout_ms: must be >= 0");
  }
  if (!options.schema.empty() && !IsIdentifier(options.schema, 63)) {
    return Status::InvalidArgument("storage.postgresql.schema: must be a plain identifier "
                                   "([A-Za-z_][A-Za-z0-9_]*, at most 63 characters), got \"" +
                                   options.schema + "\"");
  }
  // libpq's parse error may quote a piece of the string - maybe the password - so it is not
  // passed on.
  char* err = nullptr;
  Conninfo parsed(PQconninfoParse(options.dsn.c_str(), &err));
  if (err != nullptr) PQfreemem(err);
  if (!parsed) {
    return Status::InvalidArgument(
        "storage.postgresql.dsn: not a libpq connection string (key=value pairs, or a "
        "postgresql:// URI)");
  }
  return Status::Ok();
}

// A new connection (the caller owns it: PQfinish), or kUnavailable naming where it failed.
StatusOr<PGconn*> Connect(const PostgresOptions& options) {
  // Keywords before dbname are defaults the DSN may override; client_encoding after it is
  // forced (the stores read and write UTF-8).
  const char* keywords[] = {"connect_timeout", "application_name", "dbname", "client_encoding",
                            nullptr};
  const char* values[] = {kDefaultConnectTimeoutSeconds, "linli", options.dsn.c_str(), "UTF8",
                          nullptr};
  PGconn* conn = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (conn == nullptr) return Status::Unavailable("postgresql: out of memory connecting");
  if (PQstatus(conn) != CONNECTION_OK) {
    const std::string where = WhereOf(conn);
    std::string reason = TrimmedMessage(PQerrorMessage(conn));
    PQfinish(conn);
    return Status::Unavailable("postgresql: cannot connect to " + where + ": " + reason);
  }
  return conn;
}

// LISTEN on a connection of its own; Wait polls its socket beside an eventfd that
// Interrupt() writes.
class PostgresNotifier final : public Notifier {
 public:
  PostgresNotifier(PostgresOptions options, std::string channel, int wake_fd)
      : options_(std::move(options)), channel_(std::move(channel)), wake_fd_(wake_fd) {}
  ~PostgresNotifier() override {
    Drop();
    ::close(wake_fd_);
  }

  Status Listen() override {
    if (conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK) return Status::Ok();
    Drop();
    LINLI_ASSIGN_OR_RETURN(conn_, Connect(options_));
    PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
    // The schema as the senders' sessions have it (their search_path is set the same way).
    const std::string set_path =
        options_.schema.empty() ? "" : "SET search_path TO \"" + options_.schema + "\"; ";
    Result r(PQexec(conn_, (set_path + "SELECT COALESCE(current_schema(), '')").c_str()));
    if (PQresultStatus(r.get()) != PGRES_TUPLES_OK || PQntuples(r.get()) != 1) {
      return Failed("cannot read the schema");
    }
    schema_ = PQgetvalue(r.get(), 0, 0);
    Result listen(PQexec(conn_, ("LISTEN " + channel_).c_str()));
    if (PQresultStatus(listen.get()) != PGRES_COMMAND_OK) return Failed("LISTEN failed");
    return Status::Ok();
  }

  StatusOr<bool> Wait(std::chrono::milliseconds timeout) override {
    if (TakeInterrupt()) return false;
    LINLI_RETURN_IF_ERROR(Listen());
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (TakeNotifications()) return true;
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd fds[2] = {{PQsocket(conn_), POLLIN, 0}, {wake_fd_, POLLIN, 0}};
      const int n = ::poll(fds, 2, static_cast<int>(std::min<int64_t>(left.count(), INT_MAX)));
      if (n < 0) {
        if (errno == EINTR) continue;
        return Failed("poll failed");
      }
      if ((fds[1].revents & POLLIN) != 0 && TakeInterrupt()) return false;
      if (fds[0].revents != 0 && PQconsumeInput(conn_) == 0) return Failed("lost the connection");
    }
  }

  void Interrupt() override {
    const uint64_t one = 1;
    ssize_t written = ::write(wake_fd_, &one, sizeof one);
    (void)written;  // a full counter (2^64 - 2) already wakes
  }

 private:
  // Whether an Interrupt() was pending (and clears it).
  bool TakeInterrupt() {
    uint64_t count = 0;
    return ::read(wake_fd_, &count, sizeof count) == static_cast<ssize_t>(sizeof count) &&
           count > 0;
  }

  // Whether a notification of this schema has arrived; consumes every one received.
  bool TakeNotifications() {
    bool mine = false;
    while (PGnotify* n = PQnotifies(conn_)) {
      if (n->extra != nullptr && schema_ == n->extra) mine = true;
      PQfreemem(n);
    }
    return mine;
  }

  Status Failed(const std::string& what) {
    std::string message = "postgresql: " + what + " (listening on " + WhereOf(conn_) +
                          "): " + TrimmedMessage(PQerrorMessage(conn_));
    Drop();
    return Status::Unavailable(std::move(message));
  }

  void Drop() {
    if (conn_ != nullptr) PQfinish(conn_);
    conn_ = nullptr;
  }

  const PostgresOptions options_;
  const std::string channel_;
  const int wake_fd_;
  PGconn* conn_ = nullptr;
  std::string schema_;
};

}  // namespace

StatusOr<std::unique_ptr<Database>> OpenPostgres(const PostgresOptions& options) {
  LINLI_RETURN_IF_ERROR(CheckOptions(options));
  LINLI_ASSIGN_OR_RETURN(PGconn* conn, Connect(options));
  auto db = std::make_unique<PostgresDatabase>(conn, options);
  Status st = db->Setup();
  if (!st.ok()) return st;
  return std::unique_ptr<Database>(std::move(db));
}

StatusOr<std::unique_ptr<Notifier>> OpenPostgresNotifier(const PostgresOptions& options,
                                                         std::string_view topic) {
  LINLI_RETURN_IF_ERROR(CheckOptions(options));
  if (!IsNotifierTopic(topic)) {
    return Status::InvalidArgument("notifier: bad topic \"" + std::string(topic) + "\"");
  }
  const int wake_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd < 0) return Status::Internal("notifier: eventfd failed");
  return std::unique_ptr<Notifier>(std::make_unique<PostgresNotifier>(
      options, "linli_" + std::string(topic), wake_fd));
}

}  // namespace linli::storage
