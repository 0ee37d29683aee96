// PieceParser (ingest/lineproto/parse_ahead.h): pieces parsed on a second thread give the same
// points, bad lines and line numbers as one Parser over the whole input, at any piece size;
// the shape flags name runs of points a writer may take in bulk; an exception from the
// consumer stops the helper and reaches the caller.
#include "ingest/lineproto/parse_ahead.h"

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace yunhe::lineproto {
namespace {

// One entry as text: "line: measurement tags fields ts" or "line: error".
std::string Describe(size_t line, const Point* p, const std::string& error) {
  std::string out = std::to_string(line) + ": ";
  if (!p) return out + "error " + error;
  out += std::string(p->measurement);
  for (const Tag& t : p->tags) out += " " + std::string(t.key) + "=" + std::string(t.value);
  for (const Field& f : p->fields) {
    out += " " + std::string(f.key) + "=";
    switch (f.kind) {
      case FieldKind::kFloat: out += std::to_string(f.f); break;
      case FieldKind::kInteger: out += std::to_string(f.i) + "i"; break;
      case FieldKind::kUnsigned: out += std::to_string(f.u) + "u"; break;
      case FieldKind::kBoolean: out += f.b ? "true" : "false"; break;
      case FieldKind::kString: out += "\"" + std::string(f.s) + "\""; break;
    }
  }
  return out + (p->has_timestamp ? " @" + std::to_string(p->timestamp_ns) : " @now");
}

std::vector<std::string> Sequential(const std::string& text) {
  std::vector<std::string> out;
  Parser parser(text, Precision::kMilliseconds);
  Point p;
  for (Parser::Result r; (r = parser.Next(&p)) != Parser::kEnd;)
    out.push_back(Describe(parser.line(), r == Parser::kPoint ? &p : nullptr, parser.error()));
  return out;
}

std::vector<std::string> Ahead(const std::string& text, size_t piece_bytes) {
  std::vector<std::string> out;
  Point p;
  std::string error;
  PieceParser(text, Precision::kMilliseconds, piece_bytes).Consume([&](const ParsedPiece& piece, size_t lines_before) {
    for (size_t i = 0; i < piece.size(); ++i) {
      size_t line;
      const bool ok = piece.Get(i, &p, &error, &line);
      out.push_back(Describe(lines_before + line, ok ? &p : nullptr, error));
    }
  });
  return out;
}

std::string MixedInput(int lines) {
  std::string text;
  for (int i = 0; i < lines; ++i) {
    switch (i % 11) {
      case 0: text += "# a comment\n"; break;
      case 1: text += "\n"; break;
      case 2: text += "fix,device=d" + std::to_string(i % 7) + " lon=116." + std::to_string(i) + ",speed=" + std::to_string(i) + "i " + std::to_string(1000 + i) + "\r\n"; break;
      case 3: text += "my\\ m,tag\\,k=v\\=1\\ x note=\"say \\\"hi\\\" " + std::to_string(i) + "\",ok=t\n"; break;
      case 4: text += "fix,device=d1 lon=abc 5\n"; break;  // bad value
      case 5: text += "fix,device=d" + std::to_string(i % 5) + " lon=1e3,up=" + std::to_string(i) + "u,on=FALSE\n"; break;
      case 6: text += "w temp=-" + std::to_string(i) + ".5 " + std::to_string(i) + "\n"; break;
      case 7: text += "bad line without fields\n"; break;
      case 8: text += "w,\xff=1 v=1\n"; break;  // not UTF-8
      default: text += "fix,device=d" + std::to_string(i % 3) + " lon=" + std::to_string(i) + ".25,speed=" + std::to_string(i) + "i " + std::to_string(i) + "\n"; break;
    }
  }
  return text;
}

TEST(ParseAhead, SameEntriesAndLinesAsOneParserAtAnyPieceSize) {
  const std::string text = MixedInput(5000);
  const std::vector<std::string> want = Sequential(text);
  ASSERT_GT(want.size(), 4000u);
  for (size_t piece_bytes : {size_t(1), size_t(64), size_t(1000), size_t(4096), size_t(1) << 20}) {
    SCOPED_TRACE("piece_bytes " + std::to_string(piece_bytes));
    EXPECT_EQ(Ahead(text, piece_bytes), want);
  }
  // The last line without its newline, and an empty input.
  const std::string unterminated = text + "w temp=1 7";
  EXPECT_EQ(Ahead(unterminated, 100), Sequential(unterminated));
  EXPECT_TRUE(Ahead("", 100).empty());
}

TEST(ParseAhead, ShapeRunsFollowMeasurementKeysAndKinds) {
  const std::string text =
      "m,a=1 x=1,y=2i 1\n"
      "m,a=2 x=3,y=4i 2\n"     // same shape
      "m,a=3 x=5,y=6 3\n"      // y is a float now
      "m,a=3 x=5,y=6 3\n"      // same shape again
      "m,b=3 x=5,y=6 3\n"      // another tag key
      "n,b=3 x=5,y=6 3\n"      // another measurement
      "n,b=3 x=5,y=6\n"        // no timestamp: the same shape (the time is a value)
      "n,b=3 x=5\n"            // fewer fields
      "broken\n"
      "n,b=3 x=5\n";           // after a bad line: a run starts again
  std::vector<bool> same;
  PieceParser(text, Precision::kNanoseconds, 1 << 20).Consume([&](const ParsedPiece& piece, size_t) {
    for (size_t i = 0; i < piece.size(); ++i) same.push_back(piece.SameShapeAsPrevious(i));
  });
  EXPECT_EQ(same, (std::vector<bool>{false, true, false, true, false, false, true, false, false, false}));
}

TEST(ParseAhead, AnExceptionFromTheConsumerReachesTheCaller) {
  const std::string text = MixedInput(20000);
  int pieces = 0;
  EXPECT_THROW(PieceParser(text, Precision::kNanoseconds, 256).Consume([&](const ParsedPiece&, size_t) {
                 if (++pieces == 3) throw std::runtime_error("stop");
               }),
               std::runtime_error);
  EXPECT_EQ(pieces, 3);
}

// A server builds the parser before it waits for the database: the helper runs ahead (up to
// its ring of pieces) meanwhile, and a parser dropped without being consumed (the write failed
// before it got the database) stops its helper.
TEST(ParseAhead, ParsingStartsBeforeConsumeAndStopsWhenDropped) {
  const std::string text = MixedInput(20000);
  const std::vector<std::string> want = Sequential(text);
  {
    PieceParser parsed(text, Precision::kMilliseconds, 1000);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the helper fills its ring and waits
    std::vector<std::string> got;
    Point p;
    std::string error;
    parsed.Consume([&](const ParsedPiece& piece, size_t lines_before) {
      for (size_t i = 0; i < piece.size(); ++i) {
        size_t line;
        const bool ok = piece.Get(i, &p, &error, &line);
        got.push_back(Describe(lines_before + line, ok ? &p : nullptr, error));
      }
    });
    EXPECT_EQ(got, want);
  }
  for (int k = 0; k < 20; ++k) {
    PieceParser dropped(text, Precision::kMilliseconds, 500);  // destroyed at once, or after a wait
    if (k % 2) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

}  // namespace
}  // namespace yunhe::lineproto
