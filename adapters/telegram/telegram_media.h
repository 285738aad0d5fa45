// Pure mapping of Telegram's file download (telegram_adapter.cc does the I/O):
//   1. getFile: GET {api_base}/bot<token>/getFile?file_id=<id> -> {"ok":true,"result":
//      {"file_id","file_unique_id","file_size"?,"file_path"?}}
//   2. GET {api_base}/file/bot<token>/<file_path> -> the bytes.
// Bot API facts (core.telegram.org/bots/api#getfile, not in ../shared/protocols/telegram.md):
// a bot may download files up to 20 MB; the download link is valid for at least an hour
// (fetch again with getFile after that).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "bot/http_client.h"
#include "bot/media.h"

namespace linli::adapters::telegram {

// The getFile call for `file_id` (percent-encoded into the query).
HttpClientRequest GetFileRequest(std::string_view api_base, std::string_view token,
                                 std::string_view file_id);

// What getFile said.
struct TelegramFile {
  std::string file_path;  // relative path for the download URL
  size_t file_size = 0;   // 0 = unknown
};

// Reads a getFile answer. Returns the file, or a MediaFetchResult when there is nothing to
// download: ok:false / 4xx -> kPermanent "telegram getFile: HTTP 400: <description>"
// (a wrong or foreign file_id); 429 and 5xx -> kRetry; a 2xx that is not a Bot API answer,
// or a result without file_path -> kRetry (Telegram may not have it ready); file_size over
// max_bytes -> kTooLarge (nothing is downloaded). A file_path containing "..", a backslash or
// a control character, or starting with '/' -> kPermanent (never put into a URL).
struct GetFileOutcome {
  bool ok = false;
  TelegramFile file;        // when ok
  MediaFetchResult failed;  // when !ok
};
GetFileOutcome ParseGetFile(const HttpResponse& response, size_t max_bytes);

// The download of `file_path` (from ParseGetFile).
HttpClientRequest FileDownloadRequest(std::string_view api_base, std::string_view token,
                                      std::string_view file_path);

}  // namespace linli::adapters::telegram
