// Result rows as protocol messages: RowDescription for a result's columns and DataRow for each
// row of a chunk, in text or binary per column as a Bind message asked.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "common/vector.h"

namespace yunhe::pgwire {

// Result format of column c from the Bind message's codes (none: text; one: all; else each).
int16_t FormatOf(const std::vector<int16_t>& formats, size_t c);
void AppendRowDescription(const std::vector<std::string>& names, const std::vector<LogicalType>& types,
                          const std::vector<int16_t>& formats, std::string* out);
void AppendDataRows(const DataChunk& chunk, const std::vector<int16_t>& formats, std::string* out);
// A big-endian int32 at body[pos].
int32_t BodyInt32(const std::string& body, size_t pos);

}  // namespace yunhe::pgwire
