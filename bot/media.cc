#include "bot/media.h"

namespace linli {

MediaFetchResult MediaTransportFailure(const Status& status, std::string_view what) {
  const std::string where(what);
  switch (status.code()) {
    case StatusCode::kUnavailable:
      return MediaFetchResult::Retry(where + ": unavailable");
    case StatusCode::kDeadlineExceeded:
      return MediaFetchResult::Retry(where + ": timed out");
    case StatusCode::kResourceExhausted:
      return MediaFetchResult::TooLarge(where + ": response too large");
    default:
      return MediaFetchResult::Permanent(where + ": " + std::string(StatusCodeName(status.code())) +
                                         " (check api_base)");
  }
}

MediaFetchResult MediaDownloadAnswer(const HttpResponse& response, std::string_view what) {
  if (response.status >= 200 && response.status < 300) {
    return MediaFetchResult::Fetched(response.body, response.content_type);
  }
  const std::string error = std::string(what) + ": HTTP " + std::to_string(response.status);
  if (response.status == 429 || response.status >= 500) return MediaFetchResult::Retry(error);
  return MediaFetchResult::Permanent(error);
}

}  // namespace linli
