// Reading the file of an outgoing picture (OutboundMessage::image) at send time, for the
// adapters that upload the bytes (Telegram sendPhoto, the WeCom group robot's image message).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "bot/message.h"
#include "bot/status.h"

namespace linli {

// The bytes of `image.path`. Errors: kInvalidArgument for an empty path; kNotFound when the
// file is missing (erased by retention meanwhile) or unreadable; kResourceExhausted when it
// is larger than `max_bytes` (nothing read beyond the size check). The caller then sends the
// message's text instead (OutboundImage: never dropped). Thread-safe.
StatusOr<std::string> ReadImageFile(const OutboundImage& image, size_t max_bytes);

// "image/jpeg" or "image/png" when `bytes` starts with that format's magic number, else "".
// Pure.
std::string_view JpegOrPng(std::string_view bytes);

}  // namespace linli
