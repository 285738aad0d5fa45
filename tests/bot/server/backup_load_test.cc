// Issue 15 point 4, the test it names: a backup taken under webhook load restores to a
// database that passes integrity_check and holds every ticket acknowledged before the backup
// began. The real `linli serve` (the binary) on loopback with the fake Telegram Bot API;
// residents walk the report flow from several threads (each message resent until answered
// 200, as Telegram redelivers); `linli backup` runs in the middle of it; `linli restore` is
// refused while the server runs, and restores once it has stopped.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "tests/fakes/fake_telegram_api.h"

namespace linli::backup_load_test {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr char kToken[] = "123456:backup-load";
constexpr char kSecret[] = "backup-load-secret";
// The report flow as a resident types it (scripts/faults/faultlib.py REPORT_FLOW).
const std::vector<std::string> kFlow = {"报事", "2", "3号楼2单元", "楼道灯坏了", "跳过", "1"};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct CliRun {
  int exit_code = -1;
  std::string out, err;
};

CliRun RunLinli(const std::vector<std::string>& args, const std::string& scratch) {
  std::string cmd = "'" LINLI_BINARY "'";
  for (const std::string& a : args) cmd += " '" + a + "'";
  cmd += " </dev/null >'" + scratch + "/out.txt' 2>'" + scratch + "/err.txt'";
  const int status = std::system(cmd.c_str());
  CliRun r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = ReadFile(scratch + "/out.txt");
  r.err = ReadFile(scratch + "/err.txt");
  return r;
}

// `linli serve` as a child process; SIGTERM (then SIGKILL) on destruction.
class Server {
 public:
  Server(const std::string& config, const std::string& log) : log_(log) {
    // Opened before fork: between fork and exec only async-signal-safe calls (threads run).
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    const char* config_arg = config.c_str();
    pid_ = ::fork();
    if (pid_ == 0) {
      if (fd >= 0) {
        ::dup2(fd, 1);
        ::dup2(fd, 2);
      }
      ::execl(LINLI_BINARY, "linli", "serve", "--config", config_arg, nullptr);
      ::_exit(127);
    }
    if (fd >= 0) ::close(fd);
  }
  ~Server() { Stop(); }

  // The port from the start-up line, once /healthz answers; 0 after 20 s.
  int WaitReady() {
    const std::regex listening("listening on http://127\\.0\\.0\\.1:([0-9]+)");
    for (int i = 0; i < 2000; ++i) {
      std::smatch m;
      const std::string text = ReadFile(log_);
      if (std::regex_search(text, m, listening)) {
        const int port = std::stoi(m[1]);
        httplib::Client client("127.0.0.1", port);
        if (auto r = client.Get("/healthz"); r && r->status == 200) return port;
      }
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return 0;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return 0;
  }

  // SIGTERM and wait (30 s at most, then SIGKILL). Returns the exit status of a clean stop.
  int Stop() {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 3000; ++i) {
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return -1;
  }

 private:
  std::string log_;
  pid_t pid_ = -1;
};

nlohmann::json TextUpdate(int64_t update_id, int64_t user, const std::string& text) {
  return {{"update_id", update_id},
          {"message",
           {{"message_id", update_id},
            {"from", {{"id", user}, {"is_bot", false}, {"first_name", "F"}}},
            {"chat", {{"id", user}, {"first_name", "F"}, {"type", "private"}}},
            {"date", 1795568400},
            {"text", text}}}};
}

// Residents walking the report flow over `threads` connections until `stop`; each message is
// resent (same update_id) until answered 200. Records when each resident's last message (the
// confirmation that creates the ticket) was acknowledged.
class Residents {
 public:
  Residents(int port, int threads) {
    for (int t = 0; t < threads; ++t) {
      workers_.emplace_back([this, port, t] { Walk(port, t); });
    }
  }
  ~Residents() { Join(); }

  void Join() {
    stop_ = true;
    for (auto& w : workers_) {
      if (w.joinable()) w.join();
    }
  }

  int finished() const { return finished_.load(); }
  int turns() const { return turns_.load(); }  // messages answered 200
  int errors() const { return errors_.load(); }
  // Residents whose ticket was acknowledged before `t`.
  std::vector<int64_t> AcknowledgedBefore(Clock::time_point t) const {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<int64_t> out;
    for (const auto& [user, at] : acked_) {
      if (at < t) out.push_back(user);
    }
    return out;
  }
  size_t acknowledged() const {
    std::lock_guard<std::mutex> lock(mu_);
    return acked_.size();
  }

 private:
  void Walk(int port, int thread) {
    httplib::Client client("127.0.0.1", port);
    client.set_keep_alive(true);
    client.set_read_timeout(10, 0);
    const httplib::Headers headers = {{"X-Telegram-Bot-Api-Secret-Token", kSecret}};
    for (int64_t n = 0; !stop_; ++n) {
      const int64_t user = 7000000 + thread * 100000 + n;
      for (size_t step = 0; step < kFlow.size(); ++step) {
        const int64_t update_id = user * 10 + static_cast<int64_t>(step);
        const std::string body = TextUpdate(update_id, user, kFlow[step]).dump();
        bool acked = false;
        for (int attempt = 0; attempt < 200 && !acked; ++attempt) {
          auto r = client.Post("/webhook/tg", headers, body, "application/json");
          acked = r && r->status == 200;
          if (acked) ++turns_;
          if (!acked) {
            ++errors_;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
          }
        }
        if (!acked) return;  // the test fails on the count below
        if (step + 1 == kFlow.size()) {
          std::lock_guard<std::mutex> lock(mu_);
          acked_[user] = Clock::now();
        }
        if (stop_ && step + 1 < kFlow.size()) return;  // mid-flow: no ticket expected
      }
      ++finished_;
    }
  }

  std::atomic<bool> stop_{false};
  std::atomic<int> finished_{0};
  std::atomic<int> turns_{0};
  std::atomic<int> errors_{0};
  mutable std::mutex mu_;
  std::map<int64_t, Clock::time_point> acked_;
  std::vector<std::thread> workers_;
};

// Waits until `pred` holds; false after 60 s.
template <typename Pred>
bool Within60s(Pred pred) {
  for (int i = 0; i < 6000; ++i) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return pred();
}

TEST(BackupLoadTest, ABackupUnderWebhookLoadRestoresEveryAcknowledgedTicket) {
  char tmpl[] = "/tmp/linli_backup_load_XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  const std::string db = dir + "/linli.db";
  testing::FakeTelegramApi api(kToken);
  nlohmann::json buildings = nlohmann::json::array();
  for (int b = 1; b <= 6; ++b) buildings.push_back({{"id", std::to_string(b)}, {"units", {"1", "2", "3"}}});
  const nlohmann::json config = {
      {"server", {{"host", "127.0.0.1"}, {"port", 0}}},
      {"storage", {{"sqlite", {{"path", db}, {"synchronous", "FULL"}}}}},
      {"locale_dir", std::string(LINLI_SOURCE_DIR) + "/config/locales"},
      {"locale", "en"},
      {"channels",
       {{{"name", "tg"},
         {"type", "telegram"},
         {"token", kToken},
         {"secret_token", kSecret},
         {"api_base", api.api_base()},
         {"answer_in_webhook", false}}}},
      {"compound", {{"name", "backup-load"}, {"buildings", buildings}}},
      {"logging", {{"level", "info"}}}};
  const std::string config_path = dir + "/linli.json";
  std::ofstream(config_path) << config.dump(1);

  // Ballast (a table of the test's own, ~60 MB), so the copy takes long enough for residents
  // to go on finishing while it runs: the writer must not wait for the backup.
  {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(db.c_str(), &raw), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(raw,
                           "PRAGMA journal_mode=WAL; CREATE TABLE ballast (b BLOB); "
                           "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                           "WHERE i < 30000) INSERT INTO ballast SELECT randomblob(2000) FROM n;",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(raw);
  }
  Server server(config_path, dir + "/serve.log");
  const int port = server.WaitReady();
  ASSERT_GT(port, 0) << ReadFile(dir + "/serve.log");

  std::vector<int64_t> before;
  {
    const auto load_began = Clock::now();
    Residents residents(port, 4);
    ASSERT_TRUE(Within60s([&] { return residents.finished() >= 12; }))
        << "finished " << residents.finished() << ", errors " << residents.errors();
    // The backup, while the residents keep writing.
    const Clock::time_point began = Clock::now();
    const int finished_at_start = residents.finished();
    const int turns_at_start = residents.turns();
    CliRun backup = RunLinli({"backup", "--config", config_path, "--to", dir + "/backup.db"}, dir);
    const int finished_at_end = residents.finished();
    const int turns_at_end = residents.turns();
    const auto copy_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - began).count();
    ASSERT_EQ(backup.exit_code, 0) << backup.err;
    // Turns went on being acknowledged while the copy ran: the writer did not wait for it.
    EXPECT_GT(turns_at_end, turns_at_start) << "no webhook was acknowledged during the copy";
    EXPECT_NE(backup.out.find("integrity_check ok"), std::string::npos) << backup.out;
    before = residents.AcknowledgedBefore(began);
    ASSERT_GE(before.size(), 12u);
    // Load went on during the copy, and on after it.
    ASSERT_TRUE(Within60s([&] { return residents.finished() >= finished_at_end + 8; }));
    std::cerr << "12 residents took "
              << std::chrono::duration_cast<std::chrono::milliseconds>(began - load_began).count()
              << " ms; 8 more after the copy "
              << std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - began).count() - copy_ms
              << " ms\n";
    std::cerr << "residents done: " << finished_at_start << " before the backup, "
              << finished_at_end << " when it ended, " << copy_ms << " ms later; "
              << turns_at_end - turns_at_start << " turns acknowledged during the copy\n";

    // `linli status` beside the running server (issue 15 point 7): read-only, it answers.
    CliRun status = RunLinli({"status", "--config", config_path}, dir);
    EXPECT_EQ(status.exit_code, 0) << status.err;
    EXPECT_NE(status.out.find("Tickets by state and tier"), std::string::npos) << status.out;
    EXPECT_NE(status.out.find("\n  new "), std::string::npos) << status.out;

    // No restore under a running server: refused, nothing changed.
    CliRun refused = RunLinli({"restore", "--config", config_path, "--from", dir + "/backup.db"}, dir);
    EXPECT_EQ(refused.exit_code, 1);
    EXPECT_NE(refused.err.find("is in use"), std::string::npos) << refused.err;
    residents.Join();
    EXPECT_GT(residents.acknowledged(), before.size());
  }
  EXPECT_EQ(server.Stop(), 0) << ReadFile(dir + "/serve.log");
  for (const auto& entry : fs::directory_iterator(dir)) {
    EXPECT_EQ(entry.path().filename().string().find("before-restore"), std::string::npos);
  }

  CliRun restored = RunLinli({"restore", "--config", config_path, "--from", dir + "/backup.db"}, dir);
  ASSERT_EQ(restored.exit_code, 0) << restored.err;
  EXPECT_NE(restored.out.find("restored " + dir + "/backup.db"), std::string::npos) << restored.out;

  // The restored database: intact, and every ticket acknowledged before the backup began.
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open_v2(db.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  auto one = [&](const std::string& sql, int64_t bind = -1) -> std::string {
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(raw, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sql;
    if (bind >= 0) sqlite3_bind_text(stmt, 1, std::to_string(bind).c_str(), -1, SQLITE_TRANSIENT);
    std::string out;
    if (sqlite3_step(stmt) == SQLITE_ROW) {
      const unsigned char* t = sqlite3_column_text(stmt, 0);
      out = t != nullptr ? reinterpret_cast<const char*>(t) : "";
    }
    sqlite3_finalize(stmt);
    return out;
  };
  EXPECT_EQ(one("PRAGMA integrity_check"), "ok");
  int missing = 0;
  for (int64_t user : before) {
    const std::string n = one(
        "SELECT COUNT(*) FROM tickets t JOIN identities i ON i.person_id = t.reporter_person_id "
        "WHERE i.channel = 'tg' AND i.user_id = ?",
        user);
    if (n != "1") {
      ++missing;
      ADD_FAILURE() << "resident " << user << " was acknowledged before the backup; tickets: " << n;
    }
  }
  EXPECT_EQ(missing, 0);
  const int64_t tickets = std::stoll(one("SELECT COUNT(*) FROM tickets"));
  EXPECT_GE(tickets, static_cast<int64_t>(before.size()));
  sqlite3_close(raw);
  std::cerr << before.size() << " tickets acknowledged before the backup; " << tickets
            << " in the restored database\n";
  fs::remove_all(dir);
}

}  // namespace
}  // namespace linli::backup_load_test
