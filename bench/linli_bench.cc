// linli_bench: end-to-end load benchmark of the Telegram webhook path (bench/README.md).
//
// Walks N simulated residents through the report flow (报事 -> category -> location ->
// description -> skip photo -> confirm) over keep-alive HTTP/1.1 on C loopback connections,
// against either
//   --mode linli  the real App (Beast server, router, dialog engine, SQLite through the group-
//                 commit write queue, outbox delivering to an in-process fake Bot API), or
//   --mode noop   the same WebhookServer whose handler answers 200 at once: the ceiling of
//                 this machine for this request mix;
// --mode both (the default) runs linli, then noop, and prints the ratio.
// --mode serve-noop only serves the noop server (for a cross-check with wrk).
//
// Honesty rules: a request counts only when its whole response (status line, headers and the
// Content-Length body) has been read; latency is measured with steady_clock from the first
// byte written to the last byte read; a resident's next message is sent only after the
// previous one got its 200; in linli mode every acknowledged turn was committed first (with
// synchronous=FULL unless --synchronous NORMAL), and tickets stored are compared with flows
// completed after the App has stopped, by reopening the database file.
#include <utility>  // before Asio: Boost 1.74 + GCC 12 (STYLE.md 10)

#include <sys/resource.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "bot/server/app.h"
#include "bot/http.h"
#include "bot/server/log.h"
#include "bot/server/outbox.h"
#include "bot/server/webhook_server.h"
#include "config/config.h"
#include "storage/outbox_store.h"
#include "storage/sqlite_database.h"
#include "storage/ticket_store.h"
#include "storage/write_queue.h"

namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
using SteadyClock = std::chrono::steady_clock;

constexpr char kChannel[] = "tg";
constexpr char kSecret[] = "bench-secret-token";
constexpr char kBotToken[] = "123456789:bench-token";
constexpr char kFakeApiReply[] = R"({"ok":true,"result":{"message_id":1}})";
// The report flow's reply with the ticket number (config/locales/zh-CN.json report.created).
constexpr std::string_view kTicketReplyMarker = "工单号 #";
constexpr int kStepsPerFlow = 6;
constexpr int kMaxFailuresPerResident = 5;

// ---------------------------------------------------------------------------------------
// Options

struct Options {
  std::string mode = "both";  // both | linli | noop | serve-noop
  int connections = 64;
  int residents = 2000;
  int active = 0;             // residents in the middle of a flow at once (0 = 4 x connections)
  double seconds = 60;        // hard limit per run
  double noop_min_seconds = 3;  // noop: keep admitting residents until this long (a few
                                // hundred ms of noop load is too short to measure)
  double drain_seconds = 120;   // linli: how long to wait for the outbox after the load
  std::string synchronous = "FULL";
  std::string db_dir;         // default: $TMPDIR or /var/tmp (must not be tmpfs for FULL)
  bool keep_db = false;
  int outbox_threads = 4;
  int group_commit_max_batch = 256;
  std::string log_level = "warn";
  std::string locale_dir;     // default: found next to the sources / the working directory
  int port = 0;               // serve-noop: port to listen on
};

[[noreturn]] void Usage(const char* argv0, int code) {
  std::fprintf(code == 0 ? stdout : stderr,
               "usage: %s [--mode both|linli|noop|serve-noop] [--connections C]\n"
               "          [--residents N] [--active A] [--seconds S] [--noop-min-seconds S]\n"
               "          [--drain-seconds S]\n"
               "          [--synchronous FULL|NORMAL] [--db-dir DIR] [--keep-db]\n"
               "          [--outbox-threads T] [--group-commit-max-batch B]\n"
               "          [--log-level warn] [--locale-dir DIR] [--port P]\n"
               "defaults: --mode both --connections 64 --residents 2000 --active 4xC\n"
               "          --seconds 60 --noop-min-seconds 3 --drain-seconds 120\n"
               "          --synchronous FULL --outbox-threads 4 --log-level warn\n",
               argv0);
  std::exit(code);
}

Options ParseArgs(int argc, char** argv) {
  Options o;
  auto need = [&](int& i) -> std::string {
    if (i + 1 >= argc) Usage(argv[0], 2);
    return argv[++i];
  };
  auto to_int = [&](const std::string& s) {
    char* end = nullptr;
    const long v = std::strtol(s.c_str(), &end, 10);
    if (end == s.c_str() || *end != '\0' || v < 0 || v > 100000000) Usage(argv[0], 2);
    return static_cast<int>(v);
  };
  auto to_double = [&](const std::string& s) {
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (end == s.c_str() || *end != '\0' || v < 0) Usage(argv[0], 2);
    return v;
  };
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--mode") o.mode = need(i);
    else if (a == "--connections") o.connections = to_int(need(i));
    else if (a == "--residents") o.residents = to_int(need(i));
    else if (a == "--active") o.active = to_int(need(i));
    else if (a == "--seconds") o.seconds = to_double(need(i));
    else if (a == "--noop-min-seconds") o.noop_min_seconds = to_double(need(i));
    else if (a == "--drain-seconds") o.drain_seconds = to_double(need(i));
    else if (a == "--synchronous") o.synchronous = need(i);
    else if (a == "--db-dir") o.db_dir = need(i);
    else if (a == "--keep-db") o.keep_db = true;
    else if (a == "--outbox-threads") o.outbox_threads = to_int(need(i));
    else if (a == "--group-commit-max-batch") o.group_commit_max_batch = to_int(need(i));
    else if (a == "--log-level") o.log_level = need(i);
    else if (a == "--locale-dir") o.locale_dir = need(i);
    else if (a == "--port") o.port = to_int(need(i));
    else if (a == "-h" || a == "--help") Usage(argv[0], 0);
    else Usage(argv[0], 2);
  }
  for (char& c : o.synchronous) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (o.mode != "both" && o.mode != "linli" && o.mode != "noop" && o.mode != "serve-noop") {
    Usage(argv[0], 2);
  }
  if (o.synchronous != "FULL" && o.synchronous != "NORMAL") Usage(argv[0], 2);
  if (o.connections < 1 || o.residents < 1 || o.outbox_threads < 1 || o.port > 65535) {
    Usage(argv[0], 2);
  }
  if (o.active == 0) o.active = 4 * o.connections;
  if (o.active < 1) o.active = 1;
  return o;
}

// ---------------------------------------------------------------------------------------
// Small utilities

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a.empty() ? "?" : a + " " + b + " " + c;
}

struct CpuTimes {
  double user = 0;
  double sys = 0;
};

CpuTimes ProcessCpu() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return {static_cast<double>(ru.ru_utime.tv_sec) + ru.ru_utime.tv_usec / 1e6,
          static_cast<double>(ru.ru_stime.tv_sec) + ru.ru_stime.tv_usec / 1e6};
}

std::string FindLocaleDir(const std::string& flag) {
  if (!flag.empty()) return flag;
  std::vector<fs::path> candidates = {fs::current_path() / "config" / "locales"};
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (fs::path dir = exe.parent_path(); !dir.empty() && dir != dir.root_path();
         dir = dir.parent_path()) {
      candidates.push_back(dir / "config" / "locales");
    }
  }
  // The source tree this binary was built from (CMake passes absolute source paths).
  candidates.push_back(fs::path(__FILE__).parent_path().parent_path() / "config" / "locales");
  for (const auto& c : candidates) {
    if (fs::exists(c / "zh-CN.json", ec)) return c.string();
  }
  return candidates.back().string();
}

std::string FilesystemType(const std::string& dir) {
  struct statfs st{};
  if (statfs(dir.c_str(), &st) != 0) return "unknown";
  switch (static_cast<unsigned long>(st.f_type)) {
    case 0x01021994UL: return "tmpfs";
    case 0xEF53UL: return "ext2/3/4";
    case 0x58465342UL: return "xfs";
    case 0x9123683EUL: return "btrfs";
    case 0x794C7630UL: return "overlayfs";
    default: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "0x%lx", static_cast<unsigned long>(st.f_type));
      return buf;
    }
  }
}

// ---------------------------------------------------------------------------------------
// A WebhookServer on its own io_context and thread (the noop ceiling, the fake Bot API).

class LoopbackServer {
 public:
  LoopbackServer() = default;
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;
  ~LoopbackServer() { Stop(); }

  linli::Status Start(linli::WebhookServer::Handler handler, uint16_t port = 0) {
    linli::WebhookServerOptions opts;
    opts.host = "127.0.0.1";
    opts.port = port;
    server_ = std::make_unique<linli::WebhookServer>(io_, opts, std::move(handler));
    LINLI_RETURN_IF_ERROR(server_->Start());
    thread_ = std::thread([this] {
      auto guard = asio::make_work_guard(io_);
      io_.run();
    });
    return linli::Status::Ok();
  }

  uint16_t port() const { return server_ ? server_->port() : 0; }

  void Stop() {
    if (!server_) return;
    server_->Stop();
    // Let the posted closes run before the loop stops (bounded).
    for (int i = 0; i < 100 && server_->open_connections() > 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    io_.stop();
    if (thread_.joinable()) thread_.join();
    server_.reset();
  }

 private:
  asio::io_context io_{1};
  std::unique_ptr<linli::WebhookServer> server_;
  std::thread thread_;
};

// ---------------------------------------------------------------------------------------
// The load generator: one thread, C async keep-alive connections on raw Asio sockets.

struct LoadOptions {
  uint16_t port = 0;
  int connections = 64;
  int residents = 2000;
  int active = 256;
  double max_seconds = 60;
  double min_seconds = 0;
  int64_t first_user_id = 700000000;
};

struct LoadResult {
  uint64_t ok = 0;             // 200 responses: acknowledged turns
  uint64_t http_errors = 0;    // complete responses with another status
  uint64_t io_errors = 0;      // connect/read/write failures, malformed responses
  uint64_t flows_completed = 0;
  uint64_t residents_started = 0;
  uint64_t residents_abandoned = 0;
  uint64_t reconnects = 0;
  bool timed_out = false;
  double wall_seconds = 0;
  CpuTimes cpu;                // whole process, during the run
  std::map<int, uint64_t> statuses;  // non-200 statuses seen
  std::vector<int64_t> latency_ns;   // of the 200s
  // Per resident (index = user id - first_user_id): when each message's 200 was read, in
  // steady_clock nanoseconds since its epoch; 0 = not acknowledged.
  std::vector<std::array<int64_t, kStepsPerFlow>> acked_at_ns;
};

int64_t SteadyNowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             SteadyClock::now().time_since_epoch())
      .count();
}

class LoadGenerator {
 public:
  explicit LoadGenerator(LoadOptions o) : o_(std::move(o)), deadline_(io_), grace_(io_) {}

  LoadResult Run() {
    endpoint_ = tcp::endpoint(asio::ip::make_address_v4("127.0.0.1"), o_.port);
    host_header_ = "127.0.0.1:" + std::to_string(o_.port);
    result_.latency_ns.reserve(static_cast<size_t>(o_.residents) * kStepsPerFlow + 1024);
    const CpuTimes cpu0 = ProcessCpu();
    start_ = SteadyClock::now();
    last_response_ = start_;
    for (int i = 0; i < o_.active && MayAdmit(); ++i) Admit();

    deadline_.expires_after(std::chrono::duration_cast<SteadyClock::duration>(
        std::chrono::duration<double>(o_.max_seconds)));
    deadline_.async_wait([this](const error_code& ec) {
      if (ec) return;
      result_.timed_out = true;
      stopping_ = true;
      for (Conn* c : idle_) CloseConn(*c);
      idle_.clear();
      MaybeFinish();
      // In-flight requests get a grace period, then everything is abandoned.
      grace_.expires_after(std::chrono::seconds(10));
      grace_.async_wait([this](const error_code& gec) {
        if (!gec) Finish();
      });
    });

    conns_.reserve(static_cast<size_t>(o_.connections));
    for (int i = 0; i < o_.connections; ++i) {
      conns_.push_back(std::make_unique<Conn>(io_));
      Connect(*conns_.back());
    }
    io_.run();
    const CpuTimes cpu1 = ProcessCpu();
    result_.cpu = {cpu1.user - cpu0.user, cpu1.sys - cpu0.sys};
    result_.wall_seconds = std::chrono::duration<double>(last_response_ - start_).count();
    result_.residents_started = residents_.size();
    result_.acked_at_ns.reserve(residents_.size());
    for (const Resident& r : residents_) result_.acked_at_ns.push_back(r.acked_at_ns);
    return std::move(result_);
  }

 private:
  struct Resident {
    int64_t index = 0;
    int step = 0;       // next message to send, 0..5
    int failures = 0;
    std::array<int64_t, kStepsPerFlow> acked_at_ns{};
  };

  struct Conn {
    explicit Conn(asio::io_context& io) : socket(io), retry(io) {}
    tcp::socket socket;
    asio::steady_timer retry;
    std::string request;
    std::string in;              // bytes received and not yet consumed
    std::array<char, 16384> chunk;
    int64_t resident = -1;       // the resident whose message is in flight
    SteadyClock::time_point sent_at;
    bool connected = false;
    bool closed = false;
  };

  enum class Parse { kNeedMore, kDone, kMalformed };

  bool MayAdmit() const {
    if (stopping_) return false;
    if (static_cast<int64_t>(residents_.size()) < o_.residents) return true;
    return std::chrono::duration<double>(SteadyClock::now() - start_).count() < o_.min_seconds;
  }

  void Admit() {
    Resident r;
    r.index = static_cast<int64_t>(residents_.size());
    residents_.push_back(r);
    ++active_;
    MakeReady(r.index);
  }

  void MakeReady(int64_t resident) {
    ready_.push_back(resident);
    if (!idle_.empty()) {
      Conn* c = idle_.back();
      idle_.pop_back();
      asio::post(io_, [this, c] { Next(*c); });
    }
  }

  // May grow residents_ (a deque: references to other residents stay valid).
  void Retire(bool completed) {
    --active_;
    if (completed) {
      ++result_.flows_completed;
    } else {
      ++result_.residents_abandoned;
    }
    if (MayAdmit()) Admit();
  }

  void Connect(Conn& c) {
    if (stopping_) {
      CloseConn(c);
      return MaybeFinish();
    }
    c.in.clear();
    c.connected = false;
    c.socket.async_connect(endpoint_, [this, &c](const error_code& ec) {
      if (ec) {
        ++result_.io_errors;
        error_code ignored;
        c.socket.close(ignored);
        c.retry.expires_after(std::chrono::milliseconds(20));
        c.retry.async_wait([this, &c](const error_code& wec) {
          if (!wec) Connect(c);
        });
        return;
      }
      error_code ignored;
      c.socket.set_option(tcp::no_delay(true), ignored);
      c.connected = true;
      Next(c);
    });
  }

  void Reconnect(Conn& c) {
    ++result_.reconnects;
    error_code ignored;
    c.socket.close(ignored);
    Connect(c);
  }

  void CloseConn(Conn& c) {
    if (c.closed) return;
    c.closed = true;
    error_code ignored;
    c.socket.close(ignored);
    c.retry.cancel();
  }

  // The connection is free: give it the next ready resident, or park it.
  void Next(Conn& c) {
    if (c.closed) return;
    if (stopping_) {
      CloseConn(c);
      return MaybeFinish();
    }
    if (ready_.empty()) {
      if (active_ == 0 && !MayAdmit()) {
        stopping_ = true;
        CloseConn(c);
        return MaybeFinish();
      }
      idle_.push_back(&c);
      return;
    }
    c.resident = ready_.front();
    ready_.pop_front();
    BuildRequest(c, residents_[static_cast<size_t>(c.resident)]);
    Send(c);
  }

  void BuildRequest(Conn& c, const Resident& r) {
    static const char* const kDescriptions[] = {"楼道灯坏了，晚上很黑", "电梯按钮失灵",
                                                "垃圾桶满了没人清理", "楼下有车堵住消防通道"};
    const int64_t user_id = o_.first_user_id + r.index;
    const int64_t update_id = 1 + r.index * kStepsPerFlow + r.step;
    std::string text;
    switch (r.step) {
      case 0: text = "报事"; break;
      case 1: text = "2"; break;  // the second category (repair)
      case 2:
        text = std::to_string(r.index % 6 + 1) + "号楼" + std::to_string(r.index % 3 + 1) + "单元";
        break;
      case 3: text = std::string(kDescriptions[r.index % 4]) + "（住户" + std::to_string(r.index) + "）"; break;
      case 4: text = "跳过"; break;
      default: text = "1"; break;  // confirm
    }
    const std::string uid = std::to_string(user_id);
    std::string body;
    body.reserve(320);
    body += R"({"update_id":)";
    body += std::to_string(update_id);
    body += R"(,"message":{"message_id":)";
    body += std::to_string(r.step + 1);
    body += R"(,"from":{"id":)";
    body += uid;
    body += R"(,"is_bot":false,"first_name":"住户"},"chat":{"id":)";
    body += uid;
    body += R"(,"first_name":"住户","type":"private"},"date":1700000000,"text":")";
    body += text;
    body += R"("}})";

    c.request.clear();
    c.request += "POST /webhook/";
    c.request += kChannel;
    c.request += " HTTP/1.1\r\nHost: ";
    c.request += host_header_;
    c.request += "\r\nContent-Type: application/json\r\nX-Telegram-Bot-Api-Secret-Token: ";
    c.request += kSecret;
    c.request += "\r\nContent-Length: ";
    c.request += std::to_string(body.size());
    c.request += "\r\n\r\n";
    c.request += body;
  }

  void Send(Conn& c) {
    c.sent_at = SteadyClock::now();
    ++in_flight_;
    asio::async_write(c.socket, asio::buffer(c.request), [this, &c](const error_code& ec, size_t) {
      if (ec) return Fail(c);
      Read(c);
    });
  }

  void Read(Conn& c) {
    c.socket.async_read_some(asio::buffer(c.chunk), [this, &c](const error_code& ec, size_t n) {
      if (ec) return Fail(c);
      c.in.append(c.chunk.data(), n);
      int status = 0;
      bool close = false;
      switch (ParseResponse(c, &status, &close)) {
        case Parse::kNeedMore: return Read(c);
        case Parse::kMalformed: return Fail(c);
        case Parse::kDone: return OnResponse(c, status, close);
      }
    });
  }

  static bool IEquals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(a[i])) !=
          std::tolower(static_cast<unsigned char>(b[i]))) {
        return false;
      }
    }
    return true;
  }

  // A whole response is in c.in: status line, headers, Content-Length body. Consumes it.
  Parse ParseResponse(Conn& c, int* status, bool* close) {
    const size_t end = c.in.find("\r\n\r\n");
    if (end == std::string::npos) return c.in.size() > 65536 ? Parse::kMalformed : Parse::kNeedMore;
    std::string_view head(c.in.data(), end);
    if (head.size() < 12 || head.substr(0, 7) != "HTTP/1.") return Parse::kMalformed;
    *status = std::atoi(std::string(head.substr(9, 3)).c_str());
    if (*status < 100 || *status > 599) return Parse::kMalformed;
    std::optional<size_t> length;
    *close = head.substr(0, 8) == "HTTP/1.0";
    size_t pos = head.find("\r\n");
    while (pos != std::string_view::npos) {
      const size_t start = pos + 2;
      const size_t next = head.find("\r\n", start);
      std::string_view line = head.substr(start, next == std::string_view::npos ? std::string_view::npos
                                                                                : next - start);
      const size_t colon = line.find(':');
      if (colon == std::string_view::npos) return Parse::kMalformed;
      std::string_view name = line.substr(0, colon);
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
      if (IEquals(name, "content-length")) {
        length = static_cast<size_t>(std::strtoull(std::string(value).c_str(), nullptr, 10));
      } else if (IEquals(name, "transfer-encoding")) {
        return Parse::kMalformed;  // never sent by the server for these answers
      } else if (IEquals(name, "connection")) {
        if (IEquals(value, "close")) *close = true;
        if (IEquals(value, "keep-alive")) *close = false;
      }
      pos = next;
    }
    if (!length) {
      if (*status != 204 && *status != 304) return Parse::kMalformed;
      length = 0;
    }
    const size_t total = end + 4 + *length;
    if (c.in.size() < total) return Parse::kNeedMore;
    c.in.erase(0, total);
    return Parse::kDone;
  }

  void OnResponse(Conn& c, int status, bool close) {
    const auto now = SteadyClock::now();
    --in_flight_;
    last_response_ = now;
    Resident& r = residents_[static_cast<size_t>(c.resident)];
    c.resident = -1;
    if (status == 200) {
      ++result_.ok;
      result_.latency_ns.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(now - c.sent_at).count());
      r.acked_at_ns[static_cast<size_t>(r.step)] =
          std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
      if (++r.step == kStepsPerFlow) {
        Retire(/*completed=*/true);
      } else {
        MakeReady(r.index);
      }
    } else {
      ++result_.http_errors;
      ++result_.statuses[status];
      RetryOrAbandon(r);
    }
    if (!c.in.empty()) {  // bytes nobody asked for
      ++result_.io_errors;
      close = true;
    }
    if (close && !stopping_) return Reconnect(c);
    Next(c);
  }

  // A transport failure: the message may or may not have been processed. Resending the same
  // update_id is what Telegram does; the service answers a redelivery from its dedupe record.
  void Fail(Conn& c) {
    --in_flight_;
    ++result_.io_errors;
    if (c.resident >= 0) {
      Resident& r = residents_[static_cast<size_t>(c.resident)];
      c.resident = -1;
      RetryOrAbandon(r);
    }
    if (stopping_) {
      CloseConn(c);
      return MaybeFinish();
    }
    Reconnect(c);
  }

  void RetryOrAbandon(Resident& r) {
    if (++r.failures > kMaxFailuresPerResident || stopping_) {
      Retire(/*completed=*/false);
    } else {
      ready_.push_front(r.index);
    }
  }

  void MaybeFinish() {
    if (!stopping_ || in_flight_ > 0) return;
    Finish();
  }

  void Finish() {
    if (finished_) return;
    finished_ = true;
    for (auto& c : conns_) CloseConn(*c);
    deadline_.cancel();
    grace_.cancel();
    io_.stop();
  }

  const LoadOptions o_;
  asio::io_context io_{1};
  asio::steady_timer deadline_;
  asio::steady_timer grace_;
  tcp::endpoint endpoint_;
  std::string host_header_;
  std::vector<std::unique_ptr<Conn>> conns_;
  std::deque<Resident> residents_;
  std::deque<int64_t> ready_;
  std::vector<Conn*> idle_;
  int64_t active_ = 0;
  int64_t in_flight_ = 0;
  bool stopping_ = false;
  bool finished_ = false;
  SteadyClock::time_point start_;
  SteadyClock::time_point last_response_;
  LoadResult result_;
};

// ---------------------------------------------------------------------------------------
// Reporting

struct Summary {
  std::string name;
  int connections = 0;
  uint64_t requests = 0;
  uint64_t errors = 0;
  double seconds = 0;
  double rps = 0;
  double p50_ms = 0, p99_ms = 0, p999_ms = 0, max_ms = 0, mean_ms = 0;
};

double PercentileMs(std::vector<int64_t>& sorted, double q) {
  if (sorted.empty()) return 0;
  size_t idx = static_cast<size_t>(q * static_cast<double>(sorted.size()));
  if (idx >= sorted.size()) idx = sorted.size() - 1;
  return static_cast<double>(sorted[idx]) / 1e6;
}

Summary Summarize(const std::string& name, int connections, LoadResult& r) {
  Summary s;
  s.name = name;
  s.connections = connections;
  s.requests = r.ok;
  s.errors = r.http_errors + r.io_errors;
  s.seconds = r.wall_seconds;
  s.rps = r.wall_seconds > 0 ? static_cast<double>(r.ok) / r.wall_seconds : 0;
  std::sort(r.latency_ns.begin(), r.latency_ns.end());
  s.p50_ms = PercentileMs(r.latency_ns, 0.50);
  s.p99_ms = PercentileMs(r.latency_ns, 0.99);
  s.p999_ms = PercentileMs(r.latency_ns, 0.999);
  s.max_ms = r.latency_ns.empty() ? 0 : static_cast<double>(r.latency_ns.back()) / 1e6;
  double sum = 0;
  for (int64_t v : r.latency_ns) sum += static_cast<double>(v);
  s.mean_ms = r.latency_ns.empty() ? 0 : sum / static_cast<double>(r.latency_ns.size()) / 1e6;
  return s;
}

void PrintRunDetails(const LoadResult& r) {
  std::printf("  requests ok %" PRIu64 ", http errors %" PRIu64 ", io errors %" PRIu64
              ", reconnects %" PRIu64 "%s\n",
              r.ok, r.http_errors, r.io_errors, r.reconnects, r.timed_out ? "  (TIME LIMIT HIT)" : "");
  for (const auto& [status, n] : r.statuses) std::printf("  status %d: %" PRIu64 "\n", status, n);
  std::printf("  residents started %" PRIu64 ", flows completed %" PRIu64 ", abandoned %" PRIu64
              "\n",
              r.residents_started, r.flows_completed, r.residents_abandoned);
  const double cores = r.wall_seconds > 0 ? (r.cpu.user + r.cpu.sys) / r.wall_seconds : 0;
  std::printf("  process CPU %.2f s user + %.2f s sys over %.2f s wall = %.2f cores busy"
              " (generator included)\n",
              r.cpu.user, r.cpu.sys, r.wall_seconds, cores);
}

void PrintTable(const std::vector<Summary>& rows) {
  std::printf("\n%-22s %5s %9s %6s %8s %10s %8s %8s %8s %8s\n", "run", "conns", "requests",
              "errors", "wall s", "req/s", "p50 ms", "p99 ms", "p99.9 ms", "max ms");
  for (const auto& s : rows) {
    std::printf("%-22s %5d %9" PRIu64 " %6" PRIu64 " %8.2f %10.1f %8.3f %8.3f %8.3f %8.3f\n",
                s.name.c_str(), s.connections, s.requests, s.errors, s.seconds, s.rps, s.p50_ms,
                s.p99_ms, s.p999_ms, s.max_ms);
  }
}

// One machine-readable line per run for scripts/bench.sh.
void PrintResultLine(const Summary& s, const std::string& extra) {
  std::printf("RESULT run=%s conns=%d requests=%" PRIu64 " errors=%" PRIu64
              " rps=%.1f p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f%s\n",
              s.name.c_str(), s.connections, s.requests, s.errors, s.rps, s.p50_ms, s.p99_ms,
              s.p999_ms, extra.c_str());
}

LoadOptions MakeLoadOptions(const Options& o, uint16_t port, double min_seconds) {
  LoadOptions lo;
  lo.port = port;
  lo.connections = o.connections;
  lo.residents = o.residents;
  lo.active = o.active;
  lo.max_seconds = o.seconds;
  lo.min_seconds = min_seconds;
  return lo;
}

// ---------------------------------------------------------------------------------------
// The runs

struct LinliRun {
  bool ok = false;            // set up, ran, and checks passed
  bool checks_passed = false;
  Summary summary;
};

linli::config::Config MakeConfig(const Options& o, const std::string& db_path,
                                 uint16_t fake_api_port) {
  linli::config::Config cfg;
  cfg.server.host = "127.0.0.1";
  cfg.server.port = 0;
  cfg.storage.sqlite.path = db_path;
  cfg.storage.sqlite.synchronous = o.synchronous;
  cfg.storage.group_commit_max_batch = o.group_commit_max_batch;
  cfg.locale = "zh-CN";
  cfg.locale_dir = FindLocaleDir(o.locale_dir);
  cfg.compound.name = "幸福里小区";
  for (int b = 1; b <= 6; ++b) cfg.compound.buildings.push_back({std::to_string(b), {"1", "2", "3"}});
  linli::config::ChannelConfig tg;
  tg.name = kChannel;
  tg.type = "telegram";
  tg.api_base = "http://127.0.0.1:" + std::to_string(fake_api_port);
  tg.fields["token"] = kBotToken;
  tg.fields["secret_token"] = kSecret;
  cfg.channels.push_back(tg);
  cfg.logging.level = o.log_level;
  cfg.source_path = "(linli_bench)";
  return cfg;
}

template <typename T>
std::optional<T> RunOnQueue(linli::storage::WriteQueue& queue,
                            const std::function<linli::StatusOr<T>(linli::storage::Database&)>& f) {
  std::optional<T> out;
  linli::Status st = queue.Run([&](linli::storage::Database& db) -> linli::Status {
    LINLI_ASSIGN_OR_RETURN(T v, f(db));
    out = v;
    return linli::Status::Ok();
  });
  if (!st.ok()) return std::nullopt;
  return out;
}

LinliRun RunLinli(const Options& o) {
  LinliRun run;
  // Database location: a fresh directory on a real disk (FULL means nothing on tmpfs).
  std::string base = o.db_dir;
  if (base.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    base = tmp && *tmp ? tmp : "/var/tmp";
  }
  std::string templ = (fs::path(base) / "linli-bench-XXXXXX").string();
  if (mkdtemp(templ.data()) == nullptr) {
    std::fprintf(stderr, "linli_bench: cannot create a directory in %s: %s\n", base.c_str(),
                 std::strerror(errno));
    return run;
  }
  const std::string dir = templ;
  const std::string db_path = (fs::path(dir) / "linli.db").string();
  const std::string fstype = FilesystemType(dir);

  // The fake Bot API: answers every call with a sent message.
  std::atomic<uint64_t> api_calls{0}, api_ticket_replies{0};
  std::mutex deliveries_mu;
  std::vector<std::pair<int64_t, int64_t>> deliveries;  // (chat_id, steady ns) per sendMessage
  deliveries.reserve(static_cast<size_t>(o.residents) * kStepsPerFlow + 1024);
  LoopbackServer fake_api;
  linli::Status st = fake_api.Start([&](linli::HttpRequest req, linli::WebhookServer::Respond respond) {
    const int64_t at = SteadyNowNs();
    ++api_calls;
    if (req.body.find(kTicketReplyMarker) != std::string::npos) ++api_ticket_replies;
    static constexpr std::string_view kChatId = "\"chat_id\":";
    const size_t pos = req.body.find(kChatId);
    if (req.path.size() > 12 && req.path.compare(req.path.size() - 12, 12, "/sendMessage") == 0 &&
        pos != std::string::npos) {
      const int64_t chat = std::strtoll(req.body.c_str() + pos + kChatId.size(), nullptr, 10);
      std::lock_guard<std::mutex> lock(deliveries_mu);
      deliveries.emplace_back(chat, at);
    }
    respond(linli::HttpResponse::Json(200, kFakeApiReply));
  });
  if (!st.ok()) {
    std::fprintf(stderr, "linli_bench: fake Bot API: %s\n", st.ToString().c_str());
    return run;
  }

  linli::AppOptions app_options;
  app_options.outbox_threads = o.outbox_threads;
  auto created = linli::App::Create(MakeConfig(o, db_path, fake_api.port()), app_options);
  if (!created.ok()) {
    std::fprintf(stderr, "linli_bench: App::Create: %s\n", created.status().ToString().c_str());
    return run;
  }
  std::unique_ptr<linli::App> app = std::move(created).value();
  st = app->Start();
  if (!st.ok()) {
    std::fprintf(stderr, "linli_bench: App::Start: %s\n", st.ToString().c_str());
    return run;
  }

  const std::string name = "linli " + o.synchronous;
  std::printf("\n== %s: App on 127.0.0.1:%u, SQLite %s (%s), synchronous=%s, fake Bot API on :%u\n",
              name.c_str(), app->port(), db_path.c_str(), fstype.c_str(), o.synchronous.c_str(),
              fake_api.port());
  if (fstype == "tmpfs") {
    std::printf("  WARNING: the database is on tmpfs: fsync is free, FULL proves nothing here\n");
  }
  std::printf("  load average before: %s\n", LoadAverage().c_str());
  std::fflush(stdout);

  const uint64_t commits0 = app->write_queue().commits();
  const uint64_t sent0 = app->outbox().sent();
  LoadGenerator gen(MakeLoadOptions(o, app->port(), /*min_seconds=*/0));
  LoadResult r = gen.Run();
  const uint64_t commits_load = app->write_queue().commits() - commits0;
  const uint64_t sent_load = app->outbox().sent() - sent0;

  // Let the outbox deliver what the turns enqueued (not part of the timed window).
  auto count_undelivered = [&app]() -> int64_t {
    auto pending = RunOnQueue<int64_t>(app->write_queue(), [](linli::storage::Database& db) {
      return linli::storage::OutboxStore::CountByStatus(db, "pending");
    });
    auto sending = RunOnQueue<int64_t>(app->write_queue(), [](linli::storage::Database& db) {
      return linli::storage::OutboxStore::CountByStatus(db, "sending");
    });
    return pending && sending ? *pending + *sending : -1;
  };
  const int64_t backlog = count_undelivered();
  const uint64_t sent_before_drain = app->outbox().sent();
  const auto drain_start = SteadyClock::now();
  int64_t undelivered = backlog;
  while (undelivered != 0 &&
         std::chrono::duration<double>(SteadyClock::now() - drain_start).count() < o.drain_seconds) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    undelivered = count_undelivered();
  }
  const double drain_s = std::chrono::duration<double>(SteadyClock::now() - drain_start).count();
  const uint64_t drained = app->outbox().sent() - sent_before_drain;
  const uint64_t commits_total = app->write_queue().commits();
  const uint64_t sent = app->outbox().sent();
  const uint64_t retried = app->outbox().retried();
  const uint64_t failed = app->outbox().failed();
  app->Stop();
  app.reset();
  fake_api.Stop();

  // Durability check from the file itself, after the App has closed it.
  int64_t tickets = -1, inbox_rows = -1;
  {
    linli::storage::SqliteOptions so;
    so.path = db_path;
    so.synchronous = o.synchronous;
    auto db = linli::storage::OpenSqlite(so);
    if (db.ok()) {
      auto count = linli::storage::TicketStore::Count(**db);
      if (count.ok()) tickets = *count;
      auto rows = (*db)->Query("SELECT count(*) FROM inbox");
      if (rows.ok() && !rows->empty()) inbox_rows = (*rows)[0].Int(0);
    } else {
      std::fprintf(stderr, "linli_bench: reopening %s: %s\n", db_path.c_str(),
                   db.status().ToString().c_str());
    }
  }

  // What a resident waits for: from the webhook's 200 until the reply reaches the Bot API.
  // Each turn of the report flow sends exactly one message, in order per chat, so the k-th
  // sendMessage to a chat answers the resident's k-th acknowledged message.
  std::vector<int64_t> reply_delay_ns;
  {
    std::map<int64_t, std::vector<int64_t>> by_chat;
    for (const auto& [chat, at] : deliveries) by_chat[chat].push_back(at);
    const int64_t first_user_id = MakeLoadOptions(o, 0, 0).first_user_id;
    for (size_t i = 0; i < r.acked_at_ns.size(); ++i) {
      auto it = by_chat.find(first_user_id + static_cast<int64_t>(i));
      if (it == by_chat.end()) continue;
      for (size_t k = 0; k < it->second.size() && k < kStepsPerFlow; ++k) {
        if (r.acked_at_ns[i][k] == 0) break;
        reply_delay_ns.push_back(std::max<int64_t>(0, it->second[k] - r.acked_at_ns[i][k]));
      }
    }
    std::sort(reply_delay_ns.begin(), reply_delay_ns.end());
  }

  run.summary = Summarize(name, o.connections, r);
  PrintRunDetails(r);
  const double turns = static_cast<double>(r.ok);
  std::printf("  write queue: %" PRIu64 " commits during the load for %" PRIu64
              " acknowledged turns = %.1f turns per commit (the outbox's claims and results share"
              " the queue: %" PRIu64 " outbox sends recorded during the load)\n",
              commits_load, r.ok, commits_load > 0 ? turns / static_cast<double>(commits_load) : 0.0,
              sent_load);
  std::printf("  write queue: %" PRIu64 " commits in all, including start-up and the outbox drain\n",
              commits_total);
  std::printf("  outbox: %" PRIu64 " replies delivered during the load, %" PRId64
              " waiting when it ended; the drain delivered %" PRIu64 " in %.2f s (%.0f/s), %" PRId64
              " still undelivered\n",
              sent_load, backlog, drained, drain_s,
              drain_s > 0 ? static_cast<double>(drained) / drain_s : 0.0, undelivered);
  std::printf("  outbox: %" PRIu64 " sent, %" PRIu64 " retried, %" PRIu64
              " failed in all; the fake Bot API saw %" PRIu64 " calls, %" PRIu64
              " ticket-number replies\n",
              sent, retried, failed, api_calls.load(), api_ticket_replies.load());
  if (!reply_delay_ns.empty()) {
    std::printf("  reply delivered to the fake Bot API after the webhook's 200 (%zu replies):"
                " p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
                reply_delay_ns.size(), PercentileMs(reply_delay_ns, 0.5),
                PercentileMs(reply_delay_ns, 0.99),
                static_cast<double>(reply_delay_ns.back()) / 1e6);
  }
  std::printf("  load average after: %s\n", LoadAverage().c_str());

  const bool tickets_ok = tickets == static_cast<int64_t>(r.flows_completed);
  // Every acknowledged turn wrote one dedupe row (retried requests are answered from it).
  const bool inbox_ok = inbox_rows >= static_cast<int64_t>(r.ok);
  std::printf("  CHECK tickets stored == flows completed: %" PRId64 " == %" PRIu64 " -> %s\n",
              tickets, r.flows_completed, tickets_ok ? "OK" : "FAILED");
  std::printf("  CHECK inbox rows >= acknowledged turns: %" PRId64 " >= %" PRIu64 " -> %s\n",
              inbox_rows, r.ok, inbox_ok ? "OK" : "FAILED");
  if (api_ticket_replies.load() != r.flows_completed) {
    std::printf("  note: ticket-number replies seen by the fake API (%" PRIu64
                ") differ from flows completed (locale text changed, or undelivered)\n",
                api_ticket_replies.load());
  }
  char extra[512];
  std::snprintf(extra, sizeof extra,
                " reply_p50_ms=%.1f reply_p99_ms=%.1f flows=%" PRIu64 " tickets=%" PRId64 " commits=%" PRIu64 " turns_per_commit=%.2f"
                " outbox_sent_during_load=%" PRIu64 " outbox_backlog=%" PRId64 " check=%s",
                PercentileMs(reply_delay_ns, 0.5), PercentileMs(reply_delay_ns, 0.99),
                r.flows_completed, tickets, commits_load,
                commits_load > 0 ? turns / static_cast<double>(commits_load) : 0.0, sent_load,
                backlog,
                tickets_ok && inbox_ok ? "OK" : "FAILED");
  PrintResultLine(run.summary, extra);

  if (!o.keep_db) {
    std::error_code ec;
    fs::remove_all(dir, ec);
  } else {
    std::printf("  database kept: %s\n", db_path.c_str());
  }
  run.checks_passed = tickets_ok && inbox_ok;
  run.ok = true;
  return run;
}

std::optional<Summary> RunNoop(const Options& o) {
  LoopbackServer noop;
  linli::Status st = noop.Start([](linli::HttpRequest, linli::WebhookServer::Respond respond) {
    respond(linli::HttpResponse::Text(200, ""));  // what the Telegram adapter acknowledges with
  });
  if (!st.ok()) {
    std::fprintf(stderr, "linli_bench: noop server: %s\n", st.ToString().c_str());
    return std::nullopt;
  }
  std::printf("\n== noop: the same WebhookServer answering 200 at once, on 127.0.0.1:%u\n",
              noop.port());
  std::printf("  load average before: %s\n", LoadAverage().c_str());
  std::fflush(stdout);
  LoadGenerator gen(MakeLoadOptions(o, noop.port(), o.noop_min_seconds));
  LoadResult r = gen.Run();
  noop.Stop();
  Summary s = Summarize("noop", o.connections, r);
  PrintRunDetails(r);
  std::printf("  load average after: %s\n", LoadAverage().c_str());
  PrintResultLine(s, "");
  return s;
}

int ServeNoop(const Options& o) {
  LoopbackServer noop;
  linli::Status st = noop.Start(
      [](linli::HttpRequest, linli::WebhookServer::Respond respond) {
        respond(linli::HttpResponse::Text(200, ""));
      },
      static_cast<uint16_t>(o.port));
  if (!st.ok()) {
    std::fprintf(stderr, "linli_bench: noop server: %s\n", st.ToString().c_str());
    return 1;
  }
  std::printf("LISTENING port=%u\n", noop.port());
  std::fflush(stdout);
  std::this_thread::sleep_for(std::chrono::duration<double>(o.seconds));
  noop.Stop();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = ParseArgs(argc, argv);
  linli::SetupLogging(o.log_level, false);
  if (o.mode == "serve-noop") return ServeNoop(o);

  std::printf("linli_bench: %d connections, %d residents x %d messages (report flow), "
              "%d residents mid-flow at once, limit %.0f s, %u hardware threads\n",
              o.connections, o.residents, kStepsPerFlow, o.active, o.seconds,
              std::thread::hardware_concurrency());

  int rc = 0;
  std::optional<LinliRun> linli;
  std::optional<Summary> noop;
  if (o.mode == "both" || o.mode == "linli") {
    linli = RunLinli(o);
    if (!linli->ok || !linli->checks_passed) rc = 1;
  }
  if (o.mode == "both" || o.mode == "noop") {
    noop = RunNoop(o);
    if (!noop) rc = 1;
  }

  std::vector<Summary> rows;
  if (linli && linli->ok) rows.push_back(linli->summary);
  if (noop) rows.push_back(*noop);
  if (!rows.empty()) PrintTable(rows);
  if (linli && linli->ok && noop && noop->rps > 0) {
    const double ratio = linli->summary.rps / noop->rps;
    std::printf("\nratio %s/noop: req/s %.3f (%.1f vs %.1f); p99 %.3f ms vs %.3f ms\n",
                linli->summary.name.c_str(), ratio, linli->summary.rps, noop->rps,
                linli->summary.p99_ms, noop->p99_ms);
    std::printf("RESULT run=ratio conns=%d rps_ratio=%.3f linli_p99_ms=%.3f noop_p99_ms=%.3f\n",
                o.connections, ratio, linli->summary.p99_ms, noop->p99_ms);
  }
  return rc;
}
