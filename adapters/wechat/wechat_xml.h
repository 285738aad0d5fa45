// The WeChat family's flat XML: <xml><Field>value</Field>...</xml>, values usually in CDATA.
// Parsing is defensive (SECURITY.md "Parsers"): tinyxml2 9.0.0 has CVE-2024-50614/50615 in
// numeric character references, so those are checked before tinyxml2 sees them; documents
// with a DOCTYPE are rejected; depth is checked right after parsing.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bot/status.h"

namespace linli::adapters::wechat {

// Deeper documents are rejected. WeChat's deepest inbound shape is an event's
// SendPicsInfo/PicList/item/PicMd5Sum (5 levels, counting <xml>).
inline constexpr int kMaxXmlDepth = 8;

// Text of every direct child element of the root <xml>, by element name. A child's text is
// the concatenation of all its text and CDATA nodes (a sender splits CDATA to carry "]]>");
// children with element children of their own map to "" (callers never need them).
// Errors (kInvalidArgument, message safe to log - never echoes input): not well-formed, not
// exactly one root element, root not <xml>, DOCTYPE present, depth > kMaxXmlDepth, an
// out-of-range or unterminated numeric character reference, or a repeated top-level field.
// Unknown named entities stay literal text (tinyxml2 expands none). Never throws.
StatusOr<std::map<std::string, std::string>> ParseFlatXml(std::string_view xml);

// Wraps `text` in CDATA, splitting any "]]>" across two sections.
std::string Cdata(std::string_view text);

// Builds <xml>...</xml> with fields in the given order. `cdata` fields are wrapped with
// Cdata(); others must be digits only (numbers such as CreateTime) and are written raw.
class XmlBuilder {
 public:
  XmlBuilder& Text(std::string_view name, std::string_view value);     // CDATA
  XmlBuilder& Number(std::string_view name, std::string_view digits);  // raw
  XmlBuilder& Number(std::string_view name, long long value);
  std::string Build() const;

 private:
  std::string body_;
};

}  // namespace linli::adapters::wechat
