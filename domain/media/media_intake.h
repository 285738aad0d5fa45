// What the media worker (bot/server/media_worker.h) does with a fetch: the pure rules (size
// cap, image check, the file's name, the retry delay) and the one file write.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "bot/status.h"
#include "config/config.h"
#include "domain/common/sha256.h"

namespace linli::domain::media {

// The verdict on fetched bytes.
struct Judgement {
  bool keep = false;
  std::string content_type;  // when keep: from the magic number
  std::string extension;     // when keep
  std::string refusal;       // when !keep: "too large: 12000000 bytes over 10485760",
                             // "not an image (JPEG/PNG/GIF/WebP)"
};
// Over max_bytes -> refused (too large); empty or not JPEG/PNG/GIF/WebP -> refused.
Judgement JudgeFetched(std::string_view bytes, int64_t max_bytes);

// The file name of media row `media_id` of ticket `ticket_id`: "ticket-<id>-<media id>.<ext>".
// Only digits, letters, '-' and '.': never anything from the platform.
std::string MediaFileName(int64_t ticket_id, int64_t media_id, std::string_view extension);

// Lowercase hex SHA-256 of `bytes`.
using domain::Sha256Hex;

// Delay before fetch attempt `attempts` + 1 after `attempts` failed ones: 30 s doubled per
// attempt, at most one hour (WeChat/WeCom temporary media stays fetchable for 3 days).
int64_t FetchBackoffMs(int attempts);

// Writes `bytes` to media.dir/`name` (creating the folder, mode 0750) through a temporary
// file renamed into place, so a reader never sees half a file. kInternal on I/O errors
// (the message names the path, not the bytes).
Status WriteMediaFile(const config::MediaConfig& config, const std::string& name,
                      std::string_view bytes);
// Removes media.dir/`name`; a missing file is fine. kInternal on other I/O errors.
Status RemoveMediaFile(const config::MediaConfig& config, const std::string& name);

}  // namespace linli::domain::media
