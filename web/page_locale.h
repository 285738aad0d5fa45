// Which language a web page is shown in (issue 12): `?lang=` when it names a loaded locale
// ("en", "zh-CN"), else the first loaded locale the browser's Accept-Language names (exact
// tag, or its language: "zh" / "zh-TW" match "zh-CN", "en-GB" matches "en"), else the config's
// locale. Links within a page keep an explicit ?lang (WithLang). Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "bot/http.h"
#include "config/texts.h"

namespace linli::web {

std::string PageLocale(const config::Texts& texts, std::string_view config_locale,
                       const HttpRequest& request);

// `path` (which may carry a query) with "lang=<locale>" appended when the request chose the
// language by ?lang; `path` unchanged otherwise.
std::string WithLang(std::string_view path, const HttpRequest& request);

}  // namespace linli::web
