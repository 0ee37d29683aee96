#pragma once
// Object OIDs that survive a restart. The catalog file is DDL, and running it again numbers the
// objects in the order it lists them (by name), not in the order they were made; PostgreSQL's
// OIDs never change, and clients rely on that: a regclass column stores them, drivers and tools
// cache them. So the catalog file also carries each object's id as comment lines
// ("-- oid table 7 public_key"), which recovery applies after re-running the DDL.
#include <string>

#include "storage/catalog.h"

namespace yunhe {

// The id lines for every persistent object (tables, views, indexes, sequences, schemas, roles)
// and the next free id, under a header line: the catalog file's last block.
std::string OidsDdl(const Catalog& cat);

// Takes the id block off the end of a catalog file's text (returned without it) into `*lines`.
std::string SplitOidLines(const std::string& ddl, std::string* lines);

// Gives the objects the DDL made their ids back. A catalog file written before these lines
// existed has none: its objects keep the numbering the replay gave them.
void RestoreOids(const std::string& lines, Catalog* cat);

}  // namespace yunhe
