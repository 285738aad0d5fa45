// The media seam: how a photo a resident attached (Attachment::ref, a platform file id) is
// fetched from its platform. Each adapter implements Adapter::FetchMedia with its platform's
// download protocol (Telegram getFile + /file/bot<token>/<path>; WeChat/WeCom media/get;
// Feishu message resources; DingTalk robot messageFiles/download) against its api_base;
// bot/server/media_worker.h calls it off the event loop and the write-queue thread, and
// domain/media/ decides what is kept (size cap, image check) and where.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace linli {

// What to fetch.
struct MediaFetchRequest {
  std::string ref;         // Attachment::ref: Telegram file_id, WeChat/WeCom MediaId, Feishu
                           // image_key, DingTalk downloadCode
  std::string message_id;  // Attachment::message_id: the platform message carrying it
                           // (needed by Feishu's message-resource API); may be empty
  // Bytes beyond which the media is refused: an adapter that learns the size before the
  // download (Telegram getFile's file_size) answers kTooLarge without downloading. The
  // caller checks the downloaded size again.
  size_t max_bytes = 0;
};

// The outcome of one fetch attempt.
struct MediaFetchResult {
  enum class Outcome {
    kFetched,    // `bytes` holds the media; `content_type` as the platform said (may be empty)
    kRetry,      // transient: network, timeout, 5xx, 429, token refresh - try again later
    kPermanent,  // will never succeed: unknown/expired id (WeChat 40007 after 3 days), no
                 // permission, not supported on this channel
    kTooLarge,   // over max_bytes (known before the download); permanent, nothing stored
  };
  Outcome outcome = Outcome::kPermanent;
  std::string bytes;
  std::string content_type;
  // For logs and the media row: the platform's error code and message ("telegram 400: Bad
  // Request: wrong file_id", "wechat errcode 40007"). Never a token, URL with a token, or
  // personal data.
  std::string error;

  static MediaFetchResult Fetched(std::string bytes, std::string content_type) {
    return {Outcome::kFetched, std::move(bytes), std::move(content_type), {}};
  }
  static MediaFetchResult Retry(std::string error) {
    return {Outcome::kRetry, {}, {}, std::move(error)};
  }
  static MediaFetchResult Permanent(std::string error) {
    return {Outcome::kPermanent, {}, {}, std::move(error)};
  }
  static MediaFetchResult TooLarge(std::string error) {
    return {Outcome::kTooLarge, {}, {}, std::move(error)};
  }
};

}  // namespace linli

#include "bot/http.h"
#include "bot/status.h"

namespace linli {

// Shared by the adapters' pure media mapping.
// A failed transport (HttpClient::Send's error) as a fetch outcome: kUnavailable and
// kDeadlineExceeded -> kRetry; kResourceExhausted (the body is over the client's limit) ->
// kTooLarge; anything else (a malformed URL: check api_base) -> kPermanent. `what` names the
// call ("telegram getFile") in the error.
MediaFetchResult MediaTransportFailure(const Status& status, std::string_view what);
// A download answer that carries the bytes on success: 2xx -> kFetched with the body and
// content type; 429 and 5xx -> kRetry; other statuses -> kPermanent ("<what>: HTTP 404").
MediaFetchResult MediaDownloadAnswer(const HttpResponse& response, std::string_view what);

}  // namespace linli
