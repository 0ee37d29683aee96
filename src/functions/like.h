// SQL LIKE / ILIKE matching with % and _ wildcards and backslash escape (PostgreSQL 9.7.1).
#pragma once
#include <string>

namespace yunhe {
bool LikeMatch(const std::string& text, const std::string& pattern, bool case_insensitive);
}
