// End-to-end harness (STYLE.md 7): the real App (Beast webhook server, router, SQLite on
// disk, outbox worker, real cpp-httplib outbound client) on loopback, talking to a fake
// Telegram Bot API server (tests/fakes/fake_telegram_api.h). Tests post real Telegram Update
// JSON to http://127.0.0.1:<app port>/webhook/tg and read what the fake API received.
//
// The storage backend (issue 14): SQLite by default; with LINLI_E2E_BACKEND=postgresql (ctest
// runs the whole suite a second time so, as "pg:<test>") each harness's database is a schema
// of its own on the LINLI_PG_DSN server (tests/e2e/test_store.h), and every test is skipped, saying
// why, when that variable is not set (tests/e2e/e2e_main.cc).
//
// Every wait is bounded (kWait); servers stop in destructors (the App first, then the fake).
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "bot/server/app.h"
#include "config/config.h"
#include "storage/database.h"
#include "storage/sqlite_database.h"
#include "tests/e2e/test_store.h"
#include "tests/fakes/fake_telegram_api.h"

namespace linli::e2e {

using nlohmann::json;
using testing::FakeTelegramApi;
using namespace std::chrono_literals;

inline constexpr char kToken[] = "123:TEST";
inline constexpr char kSecret[] = "s3cret";
inline constexpr char kChannel[] = "tg";
inline constexpr char kSecretHeader[] = "X-Telegram-Bot-Api-Secret-Token";
// Upper bound of every wait for something that should happen (normally a few ms).
inline constexpr std::chrono::milliseconds kWait = 10s;
// How long to watch for something that must NOT happen (an extra send).
inline constexpr std::chrono::milliseconds kQuiet = 400ms;

// A fresh directory under $TMPDIR (or /tmp), removed with its contents at destruction.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/linli-e2e-XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    const char* made = ::mkdtemp(buf.data());
    if (made == nullptr) {
      ADD_FAILURE() << "mkdtemp failed for " << tmpl;
      return;
    }
    path_ = made;
  }
  ~TempDir() {
    if (path_.empty()) return;
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The test configuration: loopback, ephemeral port, SQLite (synchronous FULL) at `db_path`,
// the shipped locales, a compound of buildings 1..6 with units 1..3, one Telegram channel
// "tg" pointing at `api_base`, and an outbox with tiny backoffs so retries happen fast.
// A StartApp tweak for tests of the outbox's delivery (retries, 429, restarts): every reply
// goes through the outbox instead of riding in the webhook answer (answer_in_webhook false).
inline void RepliesThroughOutbox(config::Config& c) {
  for (auto& ch : c.channels) {
    if (ch.type == "telegram") ch.fields["answer_in_webhook"] = "false";
  }
}

inline config::Config MakeConfig(const std::string& db_path, const std::string& api_base) {
  config::Config c;
  c.server.host = "127.0.0.1";
  c.server.port = 0;
  c.storage.backend = "sqlite";
  c.storage.sqlite.path = db_path;
  c.storage.sqlite.synchronous = "FULL";
  c.locale = "zh-CN";
  c.locale_dir = std::string(LINLI_SOURCE_DIR) + "/config/locales";
  c.compound.name = "幸福里小区";
  for (int b = 1; b <= 6; ++b) c.compound.buildings.push_back({std::to_string(b), {"1", "2", "3"}});
  config::ChannelConfig tg;
  tg.name = kChannel;
  tg.type = "telegram";
  tg.api_base = api_base;
  tg.fields["token"] = kToken;
  tg.fields["secret_token"] = kSecret;
  tg.fields["timeout_ms"] = "5000";
  c.channels.push_back(std::move(tg));
  c.outbox.initial_backoff_ms = 50;
  c.outbox.max_backoff_ms = 400;
  c.outbox.poll_interval_ms = 20;
  c.outbox.max_attempts = 12;
  c.logging.level = "warn";
  return c;
}

struct HttpResult {
  int status = 0;  // 0: no HTTP answer (connection refused, reset, timeout)
  std::string body;
  std::string content_type;
};

// Sends `raw` (request line, headers and any body bytes) over a plain socket, half-closes
// nothing, and reads the answer until the server closes or `timeout` passes. For requests
// cpp-httplib's client will not send as they are (e.g. a Content-Length the body never
// reaches).
inline HttpResult RawExchange(uint16_t port, std::string_view raw,
                              std::chrono::milliseconds timeout = 5s) {
  HttpResult out;
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return out;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{static_cast<time_t>(timeout.count() / 1000),
             static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return out;
  }
  while (!raw.empty()) {
    const ssize_t n = ::send(fd, raw.data(), raw.size(), MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may answer and close before reading everything
    raw.remove_prefix(static_cast<size_t>(n));
  }
  std::string got;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  char buf[4096];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    got.append(buf, static_cast<size_t>(n));
    // Stop once a complete response (headers + Content-Length bytes) is here.
    const size_t end = got.find("\r\n\r\n");
    if (end != std::string::npos) {
      std::string head = got.substr(0, end);
      for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      const size_t cl = head.find("content-length:");
      if (cl != std::string::npos) {
        const size_t len = std::strtoul(head.c_str() + cl + 15, nullptr, 10);
        if (got.size() >= end + 4 + len) break;
      }
    }
  }
  ::close(fd);
  if (got.rfind("HTTP/1.", 0) == 0 && got.size() > 12) {
    out.status = std::atoi(got.c_str() + 9);
    const size_t end = got.find("\r\n\r\n");
    if (end != std::string::npos) out.body = got.substr(end + 4);
  }
  return out;
}

// Reads a SQLite file through its own connection (WAL: safe beside the running App).
inline std::unique_ptr<storage::Database> OpenDatabase(const std::string& path) {
  storage::SqliteOptions options;
  options.path = path;
  options.synchronous = "FULL";
  options.busy_timeout_ms = 5000;
  auto db = storage::OpenSqlite(options);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  return db.ok() ? std::move(db).value() : nullptr;
}

inline int64_t CountRows(storage::Database& db, const std::string& sql,
                         const std::vector<storage::Value>& params = {}) {
  auto rows = db.Query(sql, params);
  EXPECT_TRUE(rows.ok()) << sql << ": " << rows.status().ToString();
  if (!rows.ok() || rows->empty()) return -1;
  return (*rows)[0].Int(0);
}

// Text of a recorded sendMessage ("" if none).
inline std::string TextOf(const FakeTelegramApi::Request& r) {
  if (!r.body.is_object()) return "";
  auto it = r.body.find("text");
  return it != r.body.end() && it->is_string() ? it->get<std::string>() : "";
}

struct Button {
  std::string text;
  std::string callback_data;
};

// The inline keyboard of a recorded sendMessage, flattened row by row.
inline std::vector<Button> KeyboardOf(const FakeTelegramApi::Request& r) {
  std::vector<Button> out;
  if (!r.body.is_object()) return out;
  auto markup = r.body.find("reply_markup");
  if (markup == r.body.end() || !markup->is_object()) return out;
  auto rows = markup->find("inline_keyboard");
  if (rows == markup->end() || !rows->is_array()) return out;
  for (const auto& row : *rows) {
    if (!row.is_array()) continue;
    for (const auto& b : row) {
      Button button;
      if (b.contains("text") && b["text"].is_string()) button.text = b["text"];
      if (b.contains("callback_data") && b["callback_data"].is_string()) {
        button.callback_data = b["callback_data"];
      }
      out.push_back(std::move(button));
    }
  }
  return out;
}

inline bool IsToChat(const FakeTelegramApi::Request& r, int64_t chat) {
  if (!r.body.is_object()) return false;
  auto it = r.body.find("chat_id");
  if (it == r.body.end()) return false;
  if (it->is_number_integer()) return it->get<int64_t>() == chat;
  if (it->is_string()) return it->get<std::string>() == std::to_string(chat);
  return false;
}

class Harness {
 public:
  // `api` may be replaced per app start (see StartApp's api_base); by default all apps share
  // the harness's fake.
  Harness()
      : db_path_(dir_.path() + "/linli.db"),
        store_(db_path_),
        api_(std::make_unique<FakeTelegramApi>(kToken)) {}
  ~Harness() {
    StopApp();
    if (api_) api_->Stop();
  }
  Harness(const Harness&) = delete;
  Harness& operator=(const Harness&) = delete;

  // Creates and starts an App on the harness's database with a fresh ephemeral port.
  // `tweak` may change the config (e.g. another api_base); `options` carries a FakeClock.
  ::testing::AssertionResult StartApp(AppOptions options = {},
                                      const std::function<void(config::Config&)>& tweak = {}) {
    StopApp();
    config::Config cfg = MakeConfig(db_path_, api_->api_base());
    store_.Configure(cfg);
    if (tweak) tweak(cfg);
    auto created = App::Create(std::move(cfg), options);
    if (!created.ok()) {
      return ::testing::AssertionFailure() << "App::Create: " << created.status().ToString();
    }
    app_ = std::move(created).value();
    const Status st = app_->Start();
    if (!st.ok()) return ::testing::AssertionFailure() << "App::Start: " << st.ToString();
    if (app_->port() == 0) return ::testing::AssertionFailure() << "App has no port";
    return ::testing::AssertionSuccess();
  }

  // Graceful Stop() and destruction of the current App (no-op without one).
  void StopApp() {
    if (!app_) return;
    app_->Stop();
    app_.reset();
  }

  App& app() { return *app_; }
  bool has_app() const { return app_ != nullptr; }
  uint16_t port() const { return app_ ? app_->port() : 0; }
  FakeTelegramApi& api() { return *api_; }
  // The SQLite file (on PostgreSQL only the anchor of the media folder's default).
  const std::string& db_path() const { return db_path_; }
  const std::string& dir() const { return dir_.path(); }
  const TestStore& store() const { return store_; }

  // ---- inbound ----

  HttpResult Post(const std::string& path, const std::string& body, const httplib::Headers& headers,
                  const std::string& content_type = "application/json") {
    httplib::Client client("127.0.0.1", port());
    client.set_connection_timeout(5);
    client.set_read_timeout(15);
    client.set_write_timeout(15);
    client.set_tcp_nodelay(true);
    auto res = client.Post(path.c_str(), headers, body, content_type.c_str());
    return Convert(res);
  }

  HttpResult Get(const std::string& path, const httplib::Headers& headers = {}) {
    httplib::Client client("127.0.0.1", port());
    client.set_connection_timeout(5);
    client.set_read_timeout(15);
    auto res = client.Get(path.c_str(), headers);
    return Convert(res);
  }

  // POSTs `body` to /webhook/tg with the right secret, then does what Telegram does with the
  // answer: a reply given in it (a Bot API call as the response body) reaches the fake API
  // before this returns.
  HttpResult PostWebhook(const std::string& body) {
    HttpResult r = Post(std::string("/webhook/") + kChannel, body, {{kSecretHeader, kSecret}});
    api_->ExecuteWebhookAnswer(r.status, r.content_type, r.body, kToken);
    return r;
  }
  // As PostWebhook, but the answer is lost on the way back (Telegram will redeliver): a reply
  // in it is never executed.
  HttpResult PostWebhookAnswerLost(const std::string& body) {
    return Post(std::string("/webhook/") + kChannel, body, {{kSecretHeader, kSecret}});
  }

  int NextUpdateId() { return next_update_id_++; }

  // A private-chat text message from `user` (chat id = user id), as Telegram sends it.
  json TextUpdate(int64_t user, const std::string& text, int update_id = -1) {
    if (update_id < 0) update_id = NextUpdateId();
    return json{{"update_id", update_id},
                {"message",
                 {{"message_id", next_message_id_++},
                  {"from", UserJson(user)},
                  {"chat", {{"id", user}, {"first_name", "小张"}, {"type", "private"}}},
                  {"date", 1795568400},
                  {"text", text}}}};
  }

  // A tap on an inline button of the bot's message `message_id` in the private chat.
  json CallbackUpdate(int64_t user, const std::string& data, int64_t message_id,
                      int update_id = -1) {
    if (update_id < 0) update_id = NextUpdateId();
    return json{{"update_id", update_id},
                {"callback_query",
                 {{"id", "cbq-" + std::to_string(update_id)},
                  {"from", UserJson(user)},
                  {"message",
                   {{"message_id", message_id},
                    {"from", {{"id", 123}, {"is_bot", true}, {"first_name", "Linli"}}},
                    {"chat", {{"id", user}, {"first_name", "小张"}, {"type", "private"}}},
                    {"date", 1795568400},
                    {"text", "请选择问题类别："}}},
                  {"chat_instance", "-4242"},
                  {"data", data}}}};
  }

  // Posts a text message from `user`; returns the HTTP status of the webhook answer.
  int SendText(int64_t user, const std::string& text) {
    return PostWebhook(TextUpdate(user, text).dump()).status;
  }
  int Tap(int64_t user, const std::string& data, int64_t message_id) {
    return PostWebhook(CallbackUpdate(user, data, message_id).dump()).status;
  }

  // ---- outbound (what the fake Bot API received) ----

  // Successful (200) calls of `method` to `chat`, in arrival order.
  std::vector<FakeTelegramApi::Request> Delivered(int64_t chat,
                                                  const std::string& method = "sendMessage") {
    std::vector<FakeTelegramApi::Request> out;
    for (auto& r : api_->requests(method)) {
      if (r.answered_status == 200 && IsToChat(r, chat)) out.push_back(std::move(r));
    }
    return out;
  }

  // Waits until `n` more sendMessage calls to `chat` succeeded than were returned by earlier
  // calls, and returns those `n` (fewer on timeout: the caller's size check fails).
  std::vector<FakeTelegramApi::Request> WaitForReplies(int64_t chat, size_t n,
                                                       std::chrono::milliseconds timeout = kWait) {
    size_t& seen = consumed_[chat];
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::vector<FakeTelegramApi::Request> all = Delivered(chat);
    while (all.size() < seen + n && std::chrono::steady_clock::now() < deadline) {
      api_->WaitForRequests(api_->request_count() + 1, 50ms);
      all = Delivered(chat);
    }
    std::vector<FakeTelegramApi::Request> out;
    for (size_t i = seen; i < all.size() && out.size() < n; ++i) out.push_back(all[i]);
    seen += out.size();
    return out;
  }

  // The text of the next reply to `chat` ("" on timeout).
  std::string NextReplyText(int64_t chat) {
    auto replies = WaitForReplies(chat, 1);
    return replies.empty() ? "" : TextOf(replies[0]);
  }

  // True if no further sendMessage to `chat` arrives within `quiet`.
  bool NoMoreReplies(int64_t chat, std::chrono::milliseconds quiet = kQuiet) {
    std::this_thread::sleep_for(quiet);
    return Delivered(chat).size() == consumed_[chat];
  }

  // Waits until the fake has received at least `n` calls of `method` (any answer).
  std::vector<FakeTelegramApi::Request> WaitForCalls(const std::string& method, size_t n,
                                                     std::chrono::milliseconds timeout = kWait) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    auto calls = api_->requests(method);
    while (calls.size() < n && std::chrono::steady_clock::now() < deadline) {
      api_->WaitForRequests(api_->request_count() + 1, 50ms);
      calls = api_->requests(method);
    }
    return calls;
  }

  // Swaps the fake Bot API (the old one is stopped). Only while no App is running.
  void ReplaceApi() {
    if (api_) api_->Stop();
    api_ = std::make_unique<FakeTelegramApi>(kToken);
    consumed_.clear();
  }

  // ---- database ----

  std::unique_ptr<storage::Database> OpenDb() { return store_.Open(); }

  // Row counts of the tables a webhook can touch, read through a separate connection.
  std::map<std::string, int64_t> RowCounts() {
    std::map<std::string, int64_t> out;
    auto db = OpenDb();
    if (!db) return out;
    for (const char* table : {"inbox", "outbox", "tickets", "ticket_events", "conversations",
                              "identities", "persons"}) {
      out[table] = CountRows(*db, std::string("SELECT COUNT(*) FROM ") + table);
    }
    return out;
  }

 private:
  static json UserJson(int64_t user) {
    return json{
        {"id", user}, {"is_bot", false}, {"first_name", "小张"}, {"language_code", "zh-hans"}};
  }

  static HttpResult Convert(const httplib::Result& res) {
    HttpResult out;
    if (!res) return out;
    out.status = res->status;
    out.body = res->body;
    out.content_type = res->get_header_value("Content-Type");
    return out;
  }

  TempDir dir_;
  std::string db_path_;
  TestStore store_;
  std::unique_ptr<FakeTelegramApi> api_;
  std::unique_ptr<App> app_;
  // Tests send from many threads at once (concurrent ballots, claims): two updates sharing an id
  // would be one update redelivered, and the second would rightly not be processed.
  std::atomic<int> next_update_id_{700000001};
  std::atomic<int64_t> next_message_id_{1};
  std::map<int64_t, size_t> consumed_;
};

}  // namespace linli::e2e
