#include "domain/media/image_type.h"

namespace linli::domain::media {

std::optional<ImageType> SniffImage(std::string_view b) {
  auto starts = [&](std::string_view magic) { return b.substr(0, magic.size()) == magic; };
  if (starts("\xFF\xD8\xFF")) return ImageType{"image/jpeg", "jpg"};
  if (starts(std::string_view("\x89PNG\r\n\x1A\n", 8))) return ImageType{"image/png", "png"};
  if (starts("GIF87a") || starts("GIF89a")) return ImageType{"image/gif", "gif"};
  if (b.size() >= 12 && starts("RIFF") && b.substr(8, 4) == "WEBP") {
    return ImageType{"image/webp", "webp"};
  }
  return std::nullopt;
}

}  // namespace linli::domain::media
