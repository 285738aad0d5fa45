// Fuzz target: a WeChat Official Account callback - outer XML, AES decryption, message XML
// (fuzz/wechat_family.h). Seeds: tests/testdata/wechat/*.xml.
#include "fuzz/wechat_family.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return linli::fuzz::FuzzWechatFamily(data, size, "wxba5fad812f8e6fb9", "wx");
}
