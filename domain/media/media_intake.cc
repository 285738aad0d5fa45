#include "domain/media/media_intake.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "domain/media/image_type.h"

namespace linli::domain::media {

namespace fs = std::filesystem;

Judgement JudgeFetched(std::string_view bytes, int64_t max_bytes) {
  Judgement j;
  if (static_cast<int64_t>(bytes.size()) > max_bytes) {
    j.refusal = "too large: " + std::to_string(bytes.size()) + " bytes over " +
                std::to_string(max_bytes);
    return j;
  }
  auto type = SniffImage(bytes);
  if (!type) {
    j.refusal = "not an image (JPEG/PNG/GIF/WebP)";
    return j;
  }
  j.keep = true;
  j.content_type = type->content_type;
  j.extension = type->extension;
  return j;
}

std::string MediaFileName(int64_t ticket_id, int64_t media_id, std::string_view extension) {
  std::string ext;
  for (char c : extension) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) ext += c;
  }
  if (ext.empty()) ext = "bin";
  return "ticket-" + std::to_string(ticket_id) + "-" + std::to_string(media_id) + "." + ext;
}

int64_t FetchBackoffMs(int attempts) {
  constexpr int64_t kFirst = 30 * 1000;
  constexpr int64_t kMax = 3600 * 1000;
  int64_t delay = kFirst;
  for (int i = 1; i < attempts && delay < kMax; ++i) delay *= 2;
  return std::min(delay, kMax);
}

Status WriteMediaFile(const config::MediaConfig& config, const std::string& name,
                      std::string_view bytes) {
  const fs::path dir(config.dir);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::Internal("media: cannot create " + dir.string() + ": " + ec.message());
  fs::permissions(dir, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec,
                  fs::perm_options::replace, ec);
  const fs::path final_path = dir / name;
  const fs::path tmp = dir / (name + ".part");
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return Status::Internal("media: cannot write " + tmp.string());
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) {
      out.close();
      fs::remove(tmp, ec);
      return Status::Internal("media: cannot write " + tmp.string());
    }
  }
  fs::rename(tmp, final_path, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    return Status::Internal("media: cannot rename into " + final_path.string() + ": " + ec.message());
  }
  return Status::Ok();
}

Status RemoveMediaFile(const config::MediaConfig& config, const std::string& name) {
  if (name.empty()) return Status::Ok();
  std::error_code ec;
  fs::remove(fs::path(config.dir) / name, ec);
  if (ec) return Status::Internal("media: cannot remove " + name + ": " + ec.message());
  return Status::Ok();
}

}  // namespace linli::domain::media
