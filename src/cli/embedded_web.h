// The web console's files built into the yunhe binary (generated at build time from web/dist by
// scripts/embed_web_assets.cmake), so an installed binary serves its console without the
// source tree; `yunhe serve --web-dir DIR` still serves a directory instead.
#pragma once
#include <vector>

#include "server/http/web_assets.h"

namespace yunhe {

const std::vector<http::WebAsset>& EmbeddedWebAssets();

}  // namespace yunhe
