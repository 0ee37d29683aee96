// A file of the web console held in memory (embedded in the binary: cli/embedded_web.h).
#pragma once
#include <cstddef>

namespace yunhe::http {

struct WebAsset {
  const char* path;  // "/index.html", "/vendor/maplibre-gl.mjs"
  const char* data;  // lives as long as the program
  size_t size;
};

}  // namespace yunhe::http
