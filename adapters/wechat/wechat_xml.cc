#include "adapters/wechat/wechat_xml.h"

#include <tinyxml2.h>

#include <cstdint>
#include <vector>

namespace linli::adapters::wechat {

namespace {

bool StartsWith(std::string_view s, size_t at, std::string_view prefix) {
  return s.size() - at >= prefix.size() && s.compare(at, prefix.size(), prefix) == 0;
}

// tinyxml2 9.0.0 overflows on long numeric character references and asserts on values above
// U+10FFFF (CVE-2024-50614/50615; fixed in 10.1.0). Validate every "&#...;" outside CDATA
// and comments (where tinyxml2 does not decode them) before it parses anything.
Status CheckCharacterReferences(std::string_view xml) {
  for (size_t i = 0; i < xml.size(); ++i) {
    if (xml[i] == '<') {
      if (StartsWith(xml, i, "<![CDATA[")) {
        const size_t end = xml.find("]]>", i + 9);
        if (end == std::string_view::npos) return Status::InvalidArgument("xml: bad CDATA");
        i = end + 2;
      } else if (StartsWith(xml, i, "<!--")) {
        const size_t end = xml.find("-->", i + 4);
        if (end == std::string_view::npos) return Status::InvalidArgument("xml: bad comment");
        i = end + 2;
      } else if (StartsWith(xml, i, "<!")) {
        return Status::InvalidArgument("xml: DOCTYPE not allowed");
      }
      continue;
    }
    if (xml[i] != '&' || !StartsWith(xml, i, "&#")) continue;
    size_t j = i + 2;
    const bool hex = j < xml.size() && (xml[j] == 'x');
    if (hex) ++j;
    uint32_t value = 0;
    size_t digits = 0;
    for (; j < xml.size() && xml[j] != ';'; ++j) {
      const char c = xml[j];
      int d = -1;
      if (c >= '0' && c <= '9')
        d = c - '0';
      else if (hex && c >= 'a' && c <= 'f')
        d = c - 'a' + 10;
      else if (hex && c >= 'A' && c <= 'F')
        d = c - 'A' + 10;
      if (d < 0 || ++digits > 16) return Status::InvalidArgument("xml: bad character reference");
      value = value * (hex ? 16 : 10) + static_cast<uint32_t>(d);
      if (value > 0x10FFFF) return Status::InvalidArgument("xml: bad character reference");
    }
    if (j >= xml.size() || digits == 0 || value == 0 || (value >= 0xD800 && value <= 0xDFFF)) {
      return Status::InvalidArgument("xml: bad character reference");
    }
    i = j;
  }
  return Status::Ok();
}

// Iterative (no recursion on attacker-shaped input) maximum element depth; <xml> is 1.
int MaxDepth(const tinyxml2::XMLElement* root) {
  int max_depth = 0;
  std::vector<std::pair<const tinyxml2::XMLElement*, int>> stack{{root, 1}};
  while (!stack.empty()) {
    auto [e, d] = stack.back();
    stack.pop_back();
    if (d > max_depth) max_depth = d;
    if (max_depth > kMaxXmlDepth) return max_depth;
    for (auto* c = e->FirstChildElement(); c != nullptr; c = c->NextSiblingElement()) {
      stack.emplace_back(c, d + 1);
    }
  }
  return max_depth;
}

}  // namespace

StatusOr<std::map<std::string, std::string>> ParseFlatXml(std::string_view xml) {
  LINLI_RETURN_IF_ERROR(CheckCharacterReferences(xml));
  tinyxml2::XMLDocument doc(/*processEntities=*/true, tinyxml2::PRESERVE_WHITESPACE);
  if (doc.Parse(xml.data(), xml.size()) != tinyxml2::XML_SUCCESS) {
    return Status::InvalidArgument("xml: not well-formed");
  }
  int roots = 0;
  for (auto* n = doc.FirstChild(); n != nullptr; n = n->NextSibling()) {
    if (n->ToUnknown() != nullptr) return Status::InvalidArgument("xml: DOCTYPE not allowed");
    if (n->ToElement() != nullptr) ++roots;
  }
  if (roots != 1) return Status::InvalidArgument("xml: not exactly one root element");
  const tinyxml2::XMLElement* root = doc.RootElement();
  if (root == nullptr || std::string_view(root->Name()) != "xml") {
    return Status::InvalidArgument("xml: root is not <xml>");
  }
  // Check depth right after parsing, before anything reads the tree.
  if (MaxDepth(root) > kMaxXmlDepth) return Status::InvalidArgument("xml: too deep");

  std::map<std::string, std::string> fields;
  for (auto* e = root->FirstChildElement(); e != nullptr; e = e->NextSiblingElement()) {
    std::string value;
    if (e->FirstChildElement() == nullptr) {
      for (auto* c = e->FirstChild(); c != nullptr; c = c->NextSibling()) {
        if (const auto* t = c->ToText()) value += t->Value();
      }
    }
    if (!fields.emplace(e->Name(), std::move(value)).second) {
      return Status::InvalidArgument("xml: repeated field");
    }
  }
  return fields;
}

std::string Cdata(std::string_view text) {
  std::string out = "<![CDATA[";
  size_t pos = 0;
  while (true) {
    const size_t hit = text.find("]]>", pos);
    if (hit == std::string_view::npos) break;
    // "]]" ends this section; ">" starts the next one.
    out.append(text.substr(pos, hit + 2 - pos));
    out.append("]]><![CDATA[");
    pos = hit + 2;
  }
  out.append(text.substr(pos));
  out.append("]]>");
  return out;
}

XmlBuilder& XmlBuilder::Text(std::string_view name, std::string_view value) {
  body_.append("<").append(name).append(">");
  body_.append(Cdata(value));
  body_.append("</").append(name).append(">");
  return *this;
}

XmlBuilder& XmlBuilder::Number(std::string_view name, std::string_view digits) {
  body_.append("<").append(name).append(">");
  for (char c : digits) {
    if (c >= '0' && c <= '9') body_.push_back(c);  // numbers only, nothing to escape
  }
  body_.append("</").append(name).append(">");
  return *this;
}

XmlBuilder& XmlBuilder::Number(std::string_view name, long long value) {
  body_.append("<").append(name).append(">");
  body_.append(std::to_string(value));
  body_.append("</").append(name).append(">");
  return *this;
}

std::string XmlBuilder::Build() const { return "<xml>" + body_ + "</xml>"; }

}  // namespace linli::adapters::wechat
