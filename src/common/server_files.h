// Files of the server that SQL may name (COPY ... FROM/TO 'file', read_nmea('file')): when the
// server runs with `--file-dir DIR`, only paths inside DIR, checked after resolving symlinks and
// "..", as the process sees them. Without it (the shell, embedded use) any path the process can
// reach; who may name files at all is a privilege check (sql/privileges.h).
#pragma once
#include <string>

namespace yunhe {

// Process-wide; "" = no confinement. Throws 58P01 when DIR does not exist.
void SetServerFileDirectory(const std::string& dir);
std::string ServerFileDirectory();
// The path to open for `path` (relative paths are taken inside the directory when one is set);
// throws 42501 naming the path when it leads outside the directory.
std::string ResolveServerFile(const std::string& path, bool write);

}  // namespace yunhe
