#include "tests/fakes/fake_telegram_api.h"

#include <httplib.h>

#include <chrono>
#include <utility>

namespace linli::testing {

using nlohmann::json;

namespace {

constexpr char kPattern[] = R"(/bot([^/]*)/([A-Za-z]+))";

bool Authorized(const FakeExchange& e) { return !e.refused(); }

FakeTelegramApi::Request TelegramRequestOf(const FakeExchange& e) {
  FakeTelegramApi::Request r;
  r.method = e.request.matches.size() > 2 ? e.request.matches[2] : "";
  r.token = e.request.matches.size() > 1 ? e.request.matches[1] : "";
  r.http_method = e.request.method;
  r.content_type = e.request.header("Content-Type");
  r.raw_body = e.request.body;
  r.body = e.request.json;
  r.form = e.request.form;
  r.answered_status = e.response.status;
  return r;
}

}  // namespace

FakeTelegramApi::FakeTelegramApi(std::string expected_token)
    : expected_token_(std::move(expected_token)),
      server_({.name = "FakeTelegramApi",
               .error_body =
                   R"({"ok":false,"error_code":500,"description":"Internal Server Error"})"}) {
  FakeRoute route;
  route.pattern = kPattern;
  route.authorize = [this](const FakeRequest& req) -> std::optional<FakeResponse> {
    if (req.matches.size() > 1 && req.matches[1] == expected_token_) return std::nullopt;
    return FakeResponse::Json(401, R"({"ok":false,"error_code":401,"description":"Unauthorized"})");
  };
  route.answer = [this](const FakeRequest& req) { return Answer(req); };
  route.method = "POST";
  server_.AddRoute(route);
  route.method = "GET";
  server_.AddRoute(route);
  FakeRoute file;
  file.method = "GET";
  file.pattern = R"(/file/bot([^/]*)/(.+))";
  file.authorize = route.authorize;
  file.answer = [this](const FakeRequest& req) {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [id, f] : files_) {
      if (f.path == req.matches[2]) {
        FakeResponse r;
        r.status = 200;
        r.body = f.bytes;
        r.content_type = f.content_type;
        return r;
      }
    }
    return FakeResponse::Json(404, R"({"ok":false,"error_code":404,"description":"Not Found"})");
  };
  server_.AddRoute(file);
  server_.Start();
}

FakeTelegramApi::~FakeTelegramApi() { Stop(); }

std::string FakeTelegramApi::api_base() const { return server_.base_url(); }

void FakeTelegramApi::FailNext(const std::string& method, int count, int http_status,
                               std::string body) {
  server_.FailNext("/bot" + expected_token_ + "/" + method, count,
                   FakeResponse::Json(http_status, std::move(body)));
}

void FakeTelegramApi::FailNextWith500(const std::string& method, int count) {
  FailNext(method, count, 500,
           R"({"ok":false,"error_code":500,"description":"Internal Server Error"})");
}

void FakeTelegramApi::FailNextWith429(const std::string& method, int count,
                                      int retry_after_seconds) {
  const std::string s = std::to_string(retry_after_seconds);
  FailNext(method, count, 429,
           R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after )" + s +
               R"(","parameters":{"retry_after":)" + s + "}}");
}

void FakeTelegramApi::SetResponseDelay(std::chrono::milliseconds delay) {
  server_.SetResponseDelay(delay);
}

FakeTelegramApi::Webhook FakeTelegramApi::webhook() const {
  std::lock_guard<std::mutex> lock(mu_);
  return webhook_;
}

void FakeTelegramApi::SetWebhook(Webhook webhook) {
  std::lock_guard<std::mutex> lock(mu_);
  webhook_ = std::move(webhook);
}

std::string FakeTelegramApi::bot_username() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bot_username_;
}

void FakeTelegramApi::SetBotUsername(std::string username) {
  std::lock_guard<std::mutex> lock(mu_);
  bot_username_ = std::move(username);
}

FakeResponse FakeTelegramApi::WebhookCall(const std::string& method, const json& body) {
  auto ok = [](json result) {
    return FakeResponse::Json(200, json{{"ok", true}, {"result", std::move(result)}}.dump(
                                       -1, ' ', false, json::error_handler_t::replace));
  };
  auto bad = [](const std::string& description) {
    return FakeResponse::Json(
        400, json{{"ok", false}, {"error_code", 400}, {"description", description}}.dump());
  };
  std::lock_guard<std::mutex> lock(mu_);
  if (method == "getMe") {
    return ok({{"id", 4242}, {"is_bot", true}, {"first_name", "Linli"},
               {"username", bot_username_}});
  }
  if (method == "deleteWebhook") {
    webhook_ = Webhook{};
    return ok(true);
  }
  if (method == "setWebhook") {
    const std::string url =
        body.is_object() && body.contains("url") && body["url"].is_string() ? body["url"].get<std::string>() : "";
    if (url.empty()) {
      webhook_ = Webhook{};
      return ok(true);
    }
    if (url.rfind("https://", 0) != 0) {
      return bad("Bad Request: bad webhook: An HTTPS URL must be provided for webhook");
    }
    Webhook w;
    w.url = url;
    if (body.contains("secret_token") && body["secret_token"].is_string()) {
      w.secret_token = body["secret_token"].get<std::string>();
      for (char c : w.secret_token) {
        const bool allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                             (c >= '0' && c <= '9') || c == '_' || c == '-';
        if (!allowed) return bad("Bad Request: secret token contains unallowed characters");
      }
    }
    if (body.contains("allowed_updates") && body["allowed_updates"].is_array()) {
      for (const json& u : body["allowed_updates"]) {
        if (u.is_string()) w.allowed_updates.push_back(u.get<std::string>());
      }
    } else {
      w.allowed_updates = webhook_.allowed_updates;  // omitted = keep the previous setting
    }
    const bool drop = body.contains("drop_pending_updates") &&
                      body["drop_pending_updates"].is_boolean() &&
                      body["drop_pending_updates"].get<bool>();
    w.pending_update_count = drop ? 0 : webhook_.pending_update_count;
    webhook_ = std::move(w);
    return ok(true);
  }
  // getWebhookInfo
  json info = {{"url", webhook_.url},
               {"has_custom_certificate", false},
               {"pending_update_count", webhook_.pending_update_count}};
  if (!webhook_.url.empty()) info["max_connections"] = 40;
  if (!webhook_.allowed_updates.empty()) info["allowed_updates"] = webhook_.allowed_updates;
  if (!webhook_.last_error_message.empty()) {
    info["last_error_date"] = webhook_.last_error_date;
    info["last_error_message"] = webhook_.last_error_message;
  }
  return ok(std::move(info));
}

FakeResponse FakeTelegramApi::Answer(const FakeRequest& req) {
  const std::string& method = req.matches[2];
  const json& body = req.json;
  if (method == "getMe" || method == "setWebhook" || method == "deleteWebhook" ||
      method == "getWebhookInfo") {
    return WebhookCall(method, body);
  }
  json result = true;
  if (method == "getFile") {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = files_.find(req.param("file_id"));
    if (it == files_.end()) {
      return FakeResponse::Json(
          400, R"({"ok":false,"error_code":400,"description":"Bad Request: invalid file_id"})");
    }
    const File& f = it->second;
    result = {{"file_id", it->first},
              {"file_unique_id", "u" + it->first},
              {"file_size", f.reported_size >= 0 ? f.reported_size
                                                 : static_cast<int64_t>(f.bytes.size())},
              {"file_path", f.path}};
    return FakeResponse::Json(200, json{{"ok", true}, {"result", result}}.dump());
  }
  if (method == "sendMessage" || method == "editMessageText" || method == "sendPhoto") {
    int64_t id = 0;
    {
      std::lock_guard<std::mutex> lock(mu_);
      id = next_message_id_++;
      last_message_id_ = id;
    }
    const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    json chat = json::object();
    if (const FakeFormPart* part = req.part("chat_id")) {  // an upload
      chat["id"] = part->content;
      chat["type"] = !part->content.empty() && part->content[0] == '-' ? "supergroup" : "private";
    } else if (body.is_object() && body.contains("chat_id")) {
      chat["id"] = body["chat_id"];
      const bool negative =
          body["chat_id"].is_number_integer() && body["chat_id"].get<int64_t>() < 0;
      chat["type"] = negative ? "supergroup" : "private";
    }
    result = {{"message_id", id}, {"date", now}, {"chat", chat}};
    if (body.is_object() && body.contains("text") && body["text"].is_string()) {
      result["text"] = body["text"];
    }
    if (method == "sendPhoto") {
      result["photo"] = json::array({{{"file_id", "sent" + std::to_string(id)},
                                      {"file_unique_id", "usent" + std::to_string(id)},
                                      {"width", 1},
                                      {"height", 1}}});
    }
  }
  return FakeResponse::Json(200, json{{"ok", true}, {"result", result}}.dump(
                                     -1, ' ', false, json::error_handler_t::replace));
}

void FakeTelegramApi::AddFile(const std::string& file_id, std::string bytes,
                              std::string content_type, int64_t reported_size) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string path = "photos/file_" + std::to_string(files_.size()) + ".jpg";
  files_[file_id] = File{std::move(bytes), std::move(content_type), reported_size, path};
}

size_t FakeTelegramApi::download_count() const {
  return server_.Count([](const FakeExchange& e) {
    return !e.refused() && e.request.path.rfind("/file/bot", 0) == 0;
  });
}

std::vector<FakeTelegramApi::Request> FakeTelegramApi::requests() const {
  return MapExchanges(server_.exchanges(Authorized), TelegramRequestOf);
}

std::vector<FakeTelegramApi::Request> FakeTelegramApi::requests(std::string_view method) const {
  return MapExchanges(server_.exchanges([method](const FakeExchange& e) {
    return Authorized(e) && e.request.matches.size() > 2 && e.request.matches[2] == method;
  }),
                      TelegramRequestOf);
}

size_t FakeTelegramApi::request_count() const { return server_.Count(Authorized); }

size_t FakeTelegramApi::unauthorized_count() const {
  return server_.Count([](const FakeExchange& e) { return e.refused(); });
}

bool FakeTelegramApi::WaitForRequests(size_t n, std::chrono::milliseconds timeout) const {
  return server_.WaitForRequests(n, Authorized, timeout);
}

int64_t FakeTelegramApi::last_message_id() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_message_id_;
}

bool FakeTelegramApi::ExecuteWebhookAnswer(int status, const std::string& content_type,
                                           const std::string& body, const std::string& token) {
  if (status != 200 || content_type.rfind("application/json", 0) != 0) return false;
  json call = json::parse(body, nullptr, false);
  if (!call.is_object()) return false;
  auto method = call.find("method");
  if (method == call.end() || !method->is_string()) return false;
  const std::string name = method->get<std::string>();
  call.erase("method");
  httplib::Client client("127.0.0.1", port());
  client.set_connection_timeout(5);
  client.set_read_timeout(15);
  auto res = client.Post(("/bot" + token + "/" + name).c_str(), call.dump(), "application/json");
  return static_cast<bool>(res);
}

}  // namespace linli::testing
