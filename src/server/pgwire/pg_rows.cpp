#include "server/pgwire/pg_rows.h"

#include <arpa/inet.h>

#include <cstring>

#include "server/pgwire/pg_messages.h"
#include "server/pgwire/pg_values.h"

namespace yunhe::pgwire {

int32_t BodyInt32(const std::string& body, size_t pos) {
  uint32_t v;
  memcpy(&v, body.data() + pos, 4);
  return int32_t(ntohl(v));
}

// Result format of column c from the Bind message's codes (none: text; one: all; else each).
int16_t FormatOf(const std::vector<int16_t>& formats, size_t c) {
  if (formats.empty()) return 0;
  return formats.size() == 1 ? formats[0] : (c < formats.size() ? formats[c] : 0);
}

void AppendRowDescription(const std::vector<std::string>& names, const std::vector<LogicalType>& types,
                          const std::vector<int16_t>& formats, std::string* out) {
  MessageBuilder desc('T');
  desc.Int16(int16_t(names.size()));
  for (size_t c = 0; c < names.size(); ++c)
    desc.Str(names[c]).Int32(0).Int16(0).Int32(PgTypeOid(types[c])).Int16(TypeLength(types[c])).Int32(PgTypmod(types[c]))
        .Int16(FormatOf(formats, c) == 1 && BinaryEncodable(types[c]) ? 1 : 0);
  desc.AppendTo(out);
}

void AppendDataRows(const DataChunk& chunk, const std::vector<int16_t>& formats, std::string* out) {
  std::string bin;
  {
    for (size_t row = 0; row < chunk.count; ++row) {
      MessageBuilder m('D');
      m.Int16(int16_t(chunk.columns.size()));
      for (size_t c = 0; c < chunk.columns.size(); ++c) {
        const Vector& v = chunk.columns[c];
        if (v.IsNull(row)) {
          m.Int32(-1);
          continue;
        }
        Value value = v.GetValue(row);
        bin.clear();
        if (FormatOf(formats, c) == 1 && BinaryEncodable(v.type()) && EncodeBinary(value, &bin)) {
          m.Int32(int32_t(bin.size())).Raw(bin);
          continue;
        }
        std::string text = EncodeText(value);
        m.Int32(int32_t(text.size())).Raw(text);
      }
      m.AppendTo(out);
    }
  }
}

}  // namespace yunhe::pgwire
