// Fuzz target: a WeCom self-built app callback - outer XML, AES decryption checked against
// the CorpID, message XML (fuzz/wechat_family.h; adapters/wecom/wecom_adapter.cc runs the same
// steps). Seeds: tests/testdata/wecom/*.xml.
#include "fuzz/wechat_family.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return linli::fuzz::FuzzWechatFamily(data, size, "wwcorp0123456789", "wecom");
}
