// What kind of image a file is, from its first bytes (magic numbers), never from a platform's
// word or a file name: a fetched "photo" is kept only when it is a JPEG, PNG, GIF or WebP.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace linli::domain::media {

struct ImageType {
  std::string content_type;  // "image/jpeg", "image/png", "image/gif", "image/webp"
  std::string extension;     // "jpg", "png", "gif", "webp"
};

// JPEG: FF D8 FF; PNG: 89 50 4E 47 0D 0A 1A 0A; GIF: "GIF87a" / "GIF89a"; WebP: "RIFF" + 4
// bytes + "WEBP". nullopt for anything else (HTML error pages, JSON, videos, empty).
std::optional<ImageType> SniffImage(std::string_view bytes);

}  // namespace linli::domain::media
