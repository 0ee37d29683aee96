// ingest/csv/delimited.h: where records end (the cut points COPY uses to split input into rounds
// and parallel segments) agrees with what RecordReader parses.
#include "ingest/csv/delimited.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace yunhe {
namespace {

std::vector<size_t> Ends(const std::string& data, const DelimitedFormat& f) {
  std::vector<size_t> ends;
  RecordBoundaries b(f);
  for (size_t k = 0; k < data.size(); ++k)
    if (b.Step(data[k])) ends.push_back(k + 1);
  return ends;
}

TEST(RecordBoundaries, TextFormatBackslashNewlineIsData) {
  DelimitedFormat text;
  // Row 1's second field holds a newline written as backslash + newline; "\\\\" is a backslash.
  const std::string data = "1\ta\\\nb\n2\tc\\\\\n3\td\n";
  EXPECT_EQ(Ends(data, text), (std::vector<size_t>{7, 13, 17}));
  RecordReader reader(data, text);
  Record rec;
  ASSERT_TRUE(reader.Next(&rec));
  EXPECT_EQ(rec.fields[1], "a\nb");
  EXPECT_EQ(reader.position(), 7u);
  ASSERT_TRUE(reader.Next(&rec));
  EXPECT_EQ(rec.fields[1], "c\\");
  EXPECT_EQ(reader.position(), 13u);
}

TEST(RecordBoundaries, CsvNewlinesInsideQuotesAreData) {
  DelimitedFormat csv;
  csv.csv = true;
  csv.delimiter = ',';
  const std::string data = "1,\"x\ny\"\n2,\"\"\"q\"\"\"\n";
  EXPECT_EQ(Ends(data, csv), (std::vector<size_t>{8, 18}));
}

}  // namespace
}  // namespace yunhe
