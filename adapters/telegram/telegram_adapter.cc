#include "adapters/telegram/telegram_adapter.h"

#include "adapters/telegram/telegram_media.h"
#include "bot/image_file.h"

#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

namespace linli::adapters::telegram {

namespace {

bool IsSecretChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

// "<digits>:<A-Za-z0-9_->": nothing that could change the URL path.
bool IsValidToken(const std::string& token) {
  const size_t colon = token.find(':');
  if (colon == 0 || colon == std::string::npos || colon + 1 == token.size()) return false;
  for (size_t i = 0; i < colon; ++i) {
    if (token[i] < '0' || token[i] > '9') return false;
  }
  return std::all_of(token.begin() + colon + 1, token.end(), IsSecretChar);
}

bool ConstantTimeEquals(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

StatusOr<std::unique_ptr<TelegramAdapter>> TelegramAdapter::Create(
    const config::ChannelConfig& channel, const AdapterDeps& deps) {
  const std::string where = "channels[" + channel.name + "].";
  const std::string& token = channel.Field("token");
  if (token.empty()) return Status::InvalidArgument(where + "token: missing");
  if (!IsValidToken(token)) {
    return Status::InvalidArgument(where + "token: not a bot token (<digits>:<secret>)");
  }
  const std::string& secret = channel.Field("secret_token");
  if (secret.empty()) return Status::InvalidArgument(where + "secret_token: missing");
  if (secret.size() > 256 || !std::all_of(secret.begin(), secret.end(), IsSecretChar)) {
    return Status::InvalidArgument(where +
                                   "secret_token: must be 1-256 characters of A-Z a-z 0-9 _ -");
  }
  std::string api_base = channel.api_base.empty() ? kDefaultApiBase : channel.api_base;
  while (!api_base.empty() && api_base.back() == '/') api_base.pop_back();
  if (api_base.rfind("https://", 0) != 0 && api_base.rfind("http://", 0) != 0) {
    return Status::InvalidArgument(where + "api_base: must start with https:// or http://");
  }
  const std::string& bot_username = channel.Field("bot_username");
  std::string username = bot_username.rfind('@', 0) == 0 ? bot_username.substr(1) : bot_username;
  std::chrono::milliseconds timeout{10000};
  if (const std::string& t = channel.Field("timeout_ms"); !t.empty()) {
    int64_t ms = 0;
    if (!ParseInt64(t, &ms) || ms <= 0 || ms > 600000) {
      return Status::InvalidArgument(where + "timeout_ms: must be an integer in 1..600000");
    }
    timeout = std::chrono::milliseconds(ms);
  }
  // Read by the resident's page (web/me_channels.h): how old a Mini App's initData may be.
  if (const std::string& t = channel.Field("webapp_max_age_s"); !t.empty()) {
    int64_t s = 0;
    if (!ParseInt64(t, &s) || s < 60 || s > 7 * 86400) {
      return Status::InvalidArgument(where + "webapp_max_age_s: must be an integer in 60..604800");
    }
  }
  bool answer_in_webhook = true;
  if (const std::string& a = channel.Field("answer_in_webhook"); !a.empty()) {
    if (a != "true" && a != "false") {
      return Status::InvalidArgument(where + "answer_in_webhook: must be true or false");
    }
    answer_in_webhook = a == "true";
  }
  return std::unique_ptr<TelegramAdapter>(
      new TelegramAdapter(channel.name, token, secret, std::move(api_base), std::move(username),
                          timeout, answer_in_webhook, deps.http));
}

TelegramAdapter::TelegramAdapter(std::string name, std::string token, std::string secret,
                                 std::string api_base, std::string bot_username,
                                 std::chrono::milliseconds timeout, bool answer_in_webhook,
                                 HttpClient& http)
    : name_(std::move(name)),
      token_(std::move(token)),
      secret_(std::move(secret)),
      api_base_(std::move(api_base)),
      decode_options_{name_, std::move(bot_username)},
      timeout_(timeout),
      answer_in_webhook_(answer_in_webhook),
      http_(http) {
  log_ = spdlog::get("telegram");
  if (!log_) log_ = spdlog::default_logger()->clone("telegram");
}

StatusOr<WebhookResult> TelegramAdapter::ParseWebhook(const HttpRequest& request) {
  if (request.method != "POST") return Status::NotFound("telegram webhooks are POST only");
  if (!ConstantTimeEquals(request.Header(kSecretHeader), secret_)) {
    return Status::Unauthenticated("telegram: missing or wrong secret token");
  }
  return DecodeUpdate(request.body, decode_options_);
}

bool TelegramAdapter::MayAnswerInAck(const InboundMessage& message,
                                     const std::vector<OutboundMessage>& replies) const {
  if (!answer_in_webhook_ || replies.size() != 1) return false;
  const ConversationRef& from = message.conversation;
  const OutboundMessage& reply = replies.front();
  return from.chat_type == ChatType::kPrivate && reply.kind == OutboundKind::kText &&
         reply.to.channel == from.channel && reply.to.chat_id == from.chat_id &&
         !reply.to.chat_id.empty() && !reply.text.empty() && reply.card_kind.empty() &&
         reply.edit_of.empty() && reply.follow_up.empty() && !reply.image &&
         reply.reply_card_kind.empty() && reply.notice.empty() && CheckChoices(reply.choices).ok();
}

HttpResponse TelegramAdapter::RenderAck(const InboundMessage& /*message*/,
                                        const std::vector<OutboundMessage>& replies) {
  if (replies.size() != 1) return IgnoredResponse();
  auto answer = EncodeWebhookAnswer(replies.front());
  if (!answer.ok()) {
    log_->error("[{}] reply not answerable in the webhook response: {}", name_,
                answer.status().ToString());
    return IgnoredResponse();
  }
  return std::move(answer).value();
}

StatusOr<HttpResponse> TelegramAdapter::Post(const ApiCall& call) {
  HttpClientRequest request;
  request.method = "POST";
  request.url = api_base_ + "/bot" + token_ + "/" + call.method;
  request.content_type = call.content_type;
  request.body = call.body;
  request.timeout = call.method == "sendPhoto" ? timeout_ * 3 : timeout_;
  return http_.Send(request);
}

SendResult TelegramAdapter::Call(const ApiCall& call) {
  return DecodeSendResponse(call.method, Post(call));
}

ApiAnswer<BotUser> TelegramAdapter::GetMe() { return DecodeGetMe(Post(EncodeGetMe())); }

ApiAnswer<WebhookInfo> TelegramAdapter::GetWebhookInfo() {
  return DecodeWebhookInfo(Post(EncodeGetWebhookInfo()));
}

ApiAnswer<bool> TelegramAdapter::SetWebhook(const std::string& url, bool drop_pending_updates) {
  return DecodeSetWebhook(Post(EncodeSetWebhook(url, secret_, drop_pending_updates)));
}

ProbeResult TelegramAdapter::Probe(const ProbeRequest& request) {
  const ApiAnswer<BotUser> me = GetMe();
  if (!me.ok()) return JudgeBot(me, nullptr, request.webhook_url);
  const ApiAnswer<WebhookInfo> info = GetWebhookInfo();
  return JudgeBot(me, &info, request.webhook_url);
}

std::optional<SendResult> TelegramAdapter::SendPhoto(const OutboundMessage& message) {
  const OutboundImage& image = *message.image;
  int requests = 0;
  if (!image.platform_ref.empty() && image.ref_channel == name_) {
    // The photo came in over this bot: its file id is valid here, nothing to upload.
    auto call = EncodeSendPhotoById(message);
    if (call.ok()) {
      SendResult result = Call(*call);
      ++requests;
      if (result.outcome != SendResult::Outcome::kPermanent) return result;
      log_->warn("[{}] sendPhoto by file id refused ({}); uploading the file instead", name_,
                 result.error);
    }
  }
  auto bytes = ReadImageFile(image, kMaxPhotoUploadBytes);
  if (!bytes.ok()) {
    log_->warn("[{}] photo not sent ({}); sending its text instead", name_,
               bytes.status().message());
    return std::nullopt;
  }
  auto call = EncodeSendPhotoUpload(message, *bytes);
  if (!call.ok()) {
    log_->warn("[{}] photo not sent ({}); sending its text instead", name_,
               call.status().message());
    return std::nullopt;
  }
  SendResult result = Call(*call);
  result.requests = requests + 1;
  return result;
}

SendResult TelegramAdapter::Send(const OutboundMessage& message) {
  if (message.image && message.kind == OutboundKind::kText && message.edit_of.empty()) {
    if (std::optional<SendResult> sent = SendPhoto(message)) return *sent;
  }
  auto call = EncodeSend(message);
  if (!call.ok()) {
    // A bug in the flow that built the message; retrying cannot help.
    return SendResult::Permanent("telegram: invalid message: " + call.status().message());
  }
  const StatusOr<HttpResponse> response = Post(*call);
  SendResult result = DecodeSendResponse(call->method, response);

  // Only the ambiguous case is logged here (the outbox logs every outcome once); never the
  // URL, token or text.
  if (!response.ok() && response.status().code() == StatusCode::kDeadlineExceeded &&
      call->method == "sendMessage") {
    log_->warn("[{}] sendMessage timed out; the retry may deliver a duplicate (chat {})", name_,
               message.to.chat_id);
  }
  return result;
}

MediaFetchResult TelegramAdapter::FetchMedia(const MediaFetchRequest& request) {
  HttpClientRequest get_file = GetFileRequest(api_base_, token_, request.ref);
  get_file.timeout = timeout_;
  const StatusOr<HttpResponse> answer = http_.Send(get_file);
  if (!answer.ok()) return MediaTransportFailure(answer.status(), "telegram getFile");
  GetFileOutcome file = ParseGetFile(*answer, request.max_bytes);
  if (!file.ok) return file.failed;
  HttpClientRequest download = FileDownloadRequest(api_base_, token_, file.file.file_path);
  download.timeout = timeout_ * 3;  // a photo is bigger than an API answer
  const StatusOr<HttpResponse> bytes = http_.Send(download);
  if (!bytes.ok()) return MediaTransportFailure(bytes.status(), "telegram file download");
  return MediaDownloadAnswer(*bytes, "telegram file download");
}

StatusOr<std::unique_ptr<Adapter>> CreateTelegramAdapter(const config::ChannelConfig& channel,
                                                         const AdapterDeps& deps) {
  LINLI_ASSIGN_OR_RETURN(auto adapter, TelegramAdapter::Create(channel, deps));
  return std::unique_ptr<Adapter>(std::move(adapter));
}

SendPace TelegramAdapter::Pace(const ConversationRef& to) const {
  if (to.chat_type != ChatType::kGroup || to.chat_id.empty()) return {};
  return {name_ + "|" + to.chat_id, {{kGroupMessagesPerMinute, std::chrono::minutes(1)}}};
}

}  // namespace linli::adapters::telegram
