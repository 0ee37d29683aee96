// PROJ, loaded on first use: linking it made every start of the binary map and relocate PROJ and
// the ~35 libraries it pulls in (curl, GnuTLS, Kerberos, LDAP, libtiff, SQLite, ...), about half
// of the process's start-up, for the few statements that transform coordinates or read
// spatial_ref_sys. The functions yunhe calls are looked up once (dlopen/dlsym) from the library
// the build found (YH_PROJ_SONAME).
#pragma once
#include <proj.h>

namespace yunhe::geo {

struct ProjLibrary {
  decltype(&proj_context_create) context_create;
  decltype(&proj_context_destroy) context_destroy;
  decltype(&proj_context_errno) context_errno;
  decltype(&proj_context_errno_string) context_errno_string;
  decltype(&proj_create) create;
  decltype(&proj_create_crs_to_crs) create_crs_to_crs;
  decltype(&proj_normalize_for_visualization) normalize_for_visualization;
  decltype(&proj_destroy) destroy;
  decltype(&proj_trans) trans;
  decltype(&proj_as_wkt) as_wkt;
  decltype(&proj_as_proj_string) as_proj_string;
  decltype(&proj_info) info;
};

// The loaded library; throws (SQLSTATE 58P01, naming the file and dlerror) when it cannot be.
const ProjLibrary& Proj();

}  // namespace yunhe::geo
