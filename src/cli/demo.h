// The demo database `make run` opens: deterministic sensor readings and electricity prices
// (later issues add GNSS tracks). Created once; an existing database is left alone.
#pragma once
#include <string>

#include "common/status.h"

namespace yunhe {
Status CreateDemoDatabase(const std::string& dir);
}
