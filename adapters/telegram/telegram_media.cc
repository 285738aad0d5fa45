#include "adapters/telegram/telegram_media.h"

#include <nlohmann/json.hpp>

#include "bot/json.h"

namespace linli::adapters::telegram {

using nlohmann::json;

HttpClientRequest GetFileRequest(std::string_view api_base, std::string_view token,
                                 std::string_view file_id) {
  HttpClientRequest r;
  r.method = "GET";
  r.url = std::string(api_base) + "/bot" + std::string(token) +
          "/getFile?file_id=" + PercentEncode(file_id);
  r.content_type.clear();
  return r;
}

namespace {

bool SafeFilePath(const std::string& path) {
  if (path.empty() || path.front() == '/' || path.find("..") != std::string::npos) return false;
  for (unsigned char c : path) {
    if (c < 0x20 || c == 0x7f || c == '\\' || c == '?' || c == '#') return false;
  }
  return true;
}

}  // namespace

GetFileOutcome ParseGetFile(const HttpResponse& response, size_t max_bytes) {
  const std::string what = "telegram getFile";
  GetFileOutcome out;
  auto parsed = ParseUntrustedJson(response.body);
  const json body = parsed.ok() ? std::move(parsed).value() : json();
  const auto ok = GetBool(body, "ok");
  int64_t code = response.status;
  if (response.status >= 200 && response.status < 300) {
    if (ok == true) {
      const json* result = FindObject(body, "result");
      const std::string path = result ? GetString(*result, "file_path").value_or("") : "";
      if (path.empty()) {
        out.failed = MediaFetchResult::Retry(what + ": no file_path yet");
        return out;
      }
      if (!SafeFilePath(path)) {
        out.failed = MediaFetchResult::Permanent(what + ": unusable file_path");
        return out;
      }
      out.file.file_path = path;
      const int64_t size = GetInt64(*result, "file_size").value_or(0);
      out.file.file_size = size > 0 ? static_cast<size_t>(size) : 0;
      if (max_bytes > 0 && out.file.file_size > max_bytes) {
        out.failed = MediaFetchResult::TooLarge(what + ": file_size " + std::to_string(size) +
                                                " over " + std::to_string(max_bytes));
        return out;
      }
      out.ok = true;
      return out;
    }
    if (ok != false) {
      out.failed = MediaFetchResult::Retry(what + ": HTTP " + std::to_string(response.status) +
                                           " without a Bot API response");
      return out;
    }
    code = GetInt64(body, "error_code").value_or(400);
  }
  std::string error = what + ": HTTP " + std::to_string(code);
  if (auto description = GetString(body, "description")) error += ": " + description->substr(0, 200);
  out.failed = (code == 429 || code >= 500) ? MediaFetchResult::Retry(error)
                                            : MediaFetchResult::Permanent(error);
  return out;
}

HttpClientRequest FileDownloadRequest(std::string_view api_base, std::string_view token,
                                      std::string_view file_path) {
  HttpClientRequest r;
  r.method = "GET";
  r.url = std::string(api_base) + "/file/bot" + std::string(token) + "/" + std::string(file_path);
  r.content_type.clear();
  return r;
}

}  // namespace linli::adapters::telegram
