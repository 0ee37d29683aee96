#include "functions/geo/proj_library.h"

#include <dlfcn.h>
#include <fmt/format.h>

#include <string>

#include "common/status.h"

#ifndef YH_PROJ_SONAME
#error "YH_PROJ_SONAME (the PROJ library's file name, e.g. libproj.so.25) comes from CMakeLists.txt"
#endif

namespace yunhe::geo {
namespace {

struct Loaded {
  ProjLibrary lib{};
  std::string error;  // empty: loaded
};

template <class Fn>
void Find(void* handle, const char* name, Fn* out, std::string* error) {
  *out = reinterpret_cast<Fn>(::dlsym(handle, name));
  if (!*out && error->empty()) *error = fmt::format("symbol {} not found in {}", name, YH_PROJ_SONAME);
}

Loaded Load() {
  Loaded l;
  void* handle = ::dlopen(YH_PROJ_SONAME, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = ::dlerror();
    l.error = why ? why : "dlopen failed";
    return l;
  }
  ProjLibrary& p = l.lib;
  Find(handle, "proj_context_create", &p.context_create, &l.error);
  Find(handle, "proj_context_destroy", &p.context_destroy, &l.error);
  Find(handle, "proj_context_errno", &p.context_errno, &l.error);
  Find(handle, "proj_context_errno_string", &p.context_errno_string, &l.error);
  Find(handle, "proj_create", &p.create, &l.error);
  Find(handle, "proj_create_crs_to_crs", &p.create_crs_to_crs, &l.error);
  Find(handle, "proj_normalize_for_visualization", &p.normalize_for_visualization, &l.error);
  Find(handle, "proj_destroy", &p.destroy, &l.error);
  Find(handle, "proj_trans", &p.trans, &l.error);
  Find(handle, "proj_as_wkt", &p.as_wkt, &l.error);
  Find(handle, "proj_as_proj_string", &p.as_proj_string, &l.error);
  Find(handle, "proj_info", &p.info, &l.error);
  return l;  // the library stays loaded for the life of the process
}

}  // namespace

const ProjLibrary& Proj() {
  static const Loaded loaded = Load();
  if (!loaded.error.empty())
    throw Error(SqlState::kUndefinedFile, fmt::format("could not load the PROJ library \"{}\": {}", YH_PROJ_SONAME, loaded.error));
  return loaded.lib;
}

}  // namespace yunhe::geo
