#include "bot/image_file.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>

namespace linli {

StatusOr<std::string> ReadImageFile(const OutboundImage& image, size_t max_bytes) {
  if (image.path.empty()) return Status::InvalidArgument("image: no file");
  std::error_code ec;
  const auto size = std::filesystem::file_size(image.path, ec);
  if (ec) return Status::NotFound("image: file missing");
  if (size > max_bytes) {
    return Status::ResourceExhausted("image: " + std::to_string(size) + " bytes, over " +
                                     std::to_string(max_bytes));
  }
  std::ifstream in(image.path, std::ios::binary);
  if (!in) return Status::NotFound("image: file unreadable");
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.size() > max_bytes) return Status::ResourceExhausted("image: grew over the cap");
  return bytes;
}

std::string_view JpegOrPng(std::string_view bytes) {
  if (bytes.size() >= 3 && static_cast<unsigned char>(bytes[0]) == 0xFF &&
      static_cast<unsigned char>(bytes[1]) == 0xD8 && static_cast<unsigned char>(bytes[2]) == 0xFF) {
    return "image/jpeg";
  }
  if (bytes.size() >= 8 && bytes.substr(0, 8) == std::string_view("\x89PNG\r\n\x1a\n", 8)) {
    return "image/png";
  }
  return "";
}

}  // namespace linli
