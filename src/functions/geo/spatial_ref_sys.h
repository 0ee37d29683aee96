// PostGIS's spatial_ref_sys, from PROJ's EPSG database (offline, proj-data): the WKT 1 text
// (srtext) and PROJ.4 string (proj4text) of a coordinate reference system by SRID. PROJ builds
// each in about a millisecond; results are kept for the life of the process.
#pragma once
#include <string>
#include <vector>

namespace yunhe::geo {

struct SpatialRef {
  int srid = 0;
  std::string srtext, proj4text;
};

// The SRIDs listed by default: WGS 84, web mercator, the Chinese and common national datums,
// every UTM zone on WGS 84 (PostGIS lists all of EPSG; clients look theirs up by SRID).
const std::vector<int>& CommonSrids();
// The rows for these SRIDs, in the order given; unknown SRIDs are left out.
std::vector<SpatialRef> SpatialRefs(const std::vector<int>& srids);

}  // namespace yunhe::geo
