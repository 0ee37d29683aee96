// uuid, as PostgreSQL has it: text underneath (TypeId::kText with scale 3, common/types.h), kept
// in the canonical lower-case 8-4-4-4-12 form, so ordering and equality of the text are those
// of the 16 bytes. Input takes PostgreSQL's spellings (upper case, braces, hyphens after any
// group of four digits, none at all).
#pragma once
#include <string>

namespace yunhe {

// The canonical text of a uuid literal; throws 22P02 "invalid input syntax for type uuid".
std::string UuidInput(const std::string& text);
// 32 lower-case hex digits as 8-4-4-4-12.
std::string UuidFromHex(const std::string& hex);
// A version 4 (random) uuid, as gen_random_uuid() returns.
std::string RandomUuid();

}  // namespace yunhe
