// Line protocol parser: every escaping rule, every value type, and malformed input.
#include "ingest/lineproto/line_protocol.h"

#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <random>
#include <string>
#include <vector>

namespace yunhe::lineproto {
namespace {

// Parses one line that must be valid.
Point One(const std::string& text, Precision precision = Precision::kNanoseconds) {
  static std::string keep;  // views point into the input: keep it alive for the caller
  keep = text;
  static Parser* parser = nullptr;
  delete parser;
  parser = new Parser(keep, precision);
  Point p;
  EXPECT_EQ(parser->Next(&p), Parser::kPoint) << text << ": " << parser->error();
  return p;
}

std::string ErrorOf(const std::string& text) {
  Parser parser(text);
  Point p;
  EXPECT_EQ(parser.Next(&p), Parser::kError) << text;
  return parser.error();
}

TEST(LineProtocol, FullLine) {
  Point p = One("weather,location=us-midwest,season=summer temperature=82,humidity=71.5 1465839830100400200");
  EXPECT_EQ(p.measurement, "weather");
  ASSERT_EQ(p.tags.size(), 2u);
  EXPECT_EQ(p.tags[0].key, "location");
  EXPECT_EQ(p.tags[0].value, "us-midwest");
  EXPECT_EQ(p.tags[1].key, "season");
  EXPECT_EQ(p.tags[1].value, "summer");
  ASSERT_EQ(p.fields.size(), 2u);
  EXPECT_EQ(p.fields[0].key, "temperature");
  EXPECT_EQ(p.fields[0].kind, FieldKind::kFloat);
  EXPECT_EQ(p.fields[0].f, 82.0);
  EXPECT_EQ(p.fields[1].f, 71.5);
  EXPECT_TRUE(p.has_timestamp);
  EXPECT_EQ(p.timestamp_ns, 1465839830100400200);
}

TEST(LineProtocol, NoTagsNoTimestamp) {
  Point p = One("m value=1");
  EXPECT_EQ(p.measurement, "m");
  EXPECT_TRUE(p.tags.empty());
  EXPECT_FALSE(p.has_timestamp);
}

TEST(LineProtocol, FieldTypes) {
  Point p = One("m f=-1.5e3,i=-42i,u=18446744073709551615u,s=\"x y\",t=t,T=T,tr=true,Tr=True,TR=TRUE,"
                "fa=f,Fa=F,fal=false,Fal=False,FAL=FALSE,z=.5,e=1E-2");
  ASSERT_EQ(p.fields.size(), 16u);
  EXPECT_EQ(p.fields[0].f, -1500.0);
  EXPECT_EQ(p.fields[1].kind, FieldKind::kInteger);
  EXPECT_EQ(p.fields[1].i, -42);
  EXPECT_EQ(p.fields[2].kind, FieldKind::kUnsigned);
  EXPECT_EQ(p.fields[2].u, UINT64_MAX);
  EXPECT_EQ(p.fields[3].kind, FieldKind::kString);
  EXPECT_EQ(p.fields[3].s, "x y");
  for (int k = 4; k <= 8; ++k) {
    EXPECT_EQ(p.fields[k].kind, FieldKind::kBoolean);
    EXPECT_TRUE(p.fields[k].b) << k;
  }
  for (int k = 9; k <= 13; ++k) {
    EXPECT_EQ(p.fields[k].kind, FieldKind::kBoolean);
    EXPECT_FALSE(p.fields[k].b) << k;
  }
  EXPECT_EQ(p.fields[14].f, 0.5);
  EXPECT_EQ(p.fields[15].f, 0.01);
}

TEST(LineProtocol, MeasurementEscapes) {
  EXPECT_EQ(One("my\\ measure\\,ment v=1").measurement, "my measure,ment");
  // An equals sign needs no escape in a measurement; a backslash before it stays.
  EXPECT_EQ(One("a=b v=1").measurement, "a=b");
  EXPECT_EQ(One("a\\=b v=1").measurement, "a\\=b");
  EXPECT_EQ(One("a\\\\b v=1").measurement, "a\\b");
  EXPECT_EQ(One("a\\b v=1").measurement, "a\\b");  // a lone backslash is literal
}

TEST(LineProtocol, TagAndFieldKeyEscapes) {
  Point p = One("m,tag\\ key\\,x\\=y=tag\\ value\\,2\\=3 field\\ key\\,a\\=b=1i");
  ASSERT_EQ(p.tags.size(), 1u);
  EXPECT_EQ(p.tags[0].key, "tag key,x=y");
  EXPECT_EQ(p.tags[0].value, "tag value,2=3");
  EXPECT_EQ(p.fields[0].key, "field key,a=b");
  EXPECT_EQ(p.fields[0].i, 1);
}

TEST(LineProtocol, StringFieldEscapes) {
  Point p = One(R"(m s="say \"hi\", a\\b, c\d, =, \,",n=1)");
  EXPECT_EQ(p.fields[0].s, R"(say "hi", a\b, c\d, =, \,)");
  EXPECT_EQ(p.fields[1].f, 1.0);
  // Spaces, commas and equals signs inside a string need no escape.
  Point q = One("m s=\"a b,c=d\" 5");
  EXPECT_EQ(q.fields[0].s, "a b,c=d");
  EXPECT_EQ(q.timestamp_ns, 5);
  EXPECT_EQ(One("m s=\"\"").fields[0].s, "");
}

TEST(LineProtocol, CommentsBlankLinesCrlf) {
  std::string text = "# header\n\n   \n  # indented comment\r\nm v=1 1\r\nm v=2 2\n";
  Parser parser(text);
  Point p;
  ASSERT_EQ(parser.Next(&p), Parser::kPoint);
  EXPECT_EQ(parser.line(), 5u);
  EXPECT_EQ(p.timestamp_ns, 1);
  ASSERT_EQ(parser.Next(&p), Parser::kPoint);
  EXPECT_EQ(parser.line(), 6u);
  EXPECT_EQ(p.timestamp_ns, 2);
  EXPECT_EQ(parser.Next(&p), Parser::kEnd);
}

TEST(LineProtocol, Precision) {
  EXPECT_EQ(One("m v=1 1700000000", Precision::kSeconds).timestamp_ns, 1700000000000000000);
  EXPECT_EQ(One("m v=1 1700000000123", Precision::kMilliseconds).timestamp_ns, 1700000000123000000);
  EXPECT_EQ(One("m v=1 1700000000123456", Precision::kMicroseconds).timestamp_ns, 1700000000123456000);
  EXPECT_EQ(One("m v=1 -1", Precision::kSeconds).timestamp_ns, -1000000000);
  Precision pr;
  EXPECT_TRUE(ParsePrecision("ms", &pr));
  EXPECT_EQ(pr, Precision::kMilliseconds);
  EXPECT_TRUE(ParsePrecision("u", &pr));
  EXPECT_EQ(pr, Precision::kMicroseconds);
  EXPECT_FALSE(ParsePrecision("fortnight", &pr));
}

TEST(LineProtocol, TrailingSpacesAllowed) {
  Point p = One("m v=1 123   ");
  EXPECT_EQ(p.timestamp_ns, 123);
  EXPECT_FALSE(One("m v=1   ").has_timestamp);
}

TEST(LineProtocol, MalformedLines) {
  EXPECT_EQ(ErrorOf("m"), "missing fields");
  EXPECT_EQ(ErrorOf("m,t=1"), "missing fields");
  EXPECT_EQ(ErrorOf("m "), "missing fields");
  EXPECT_EQ(ErrorOf(",t=1 v=1"), "missing measurement name");
  EXPECT_EQ(ErrorOf(" v=1").substr(0, 7), "missing");  // leading blanks are skipped: "v=1" has no fields
  EXPECT_EQ(ErrorOf("m,t v=1"), "missing \"=\" after tag key \"t\"");
  EXPECT_EQ(ErrorOf("m,t= v=1"), "missing value for tag \"t\"");
  EXPECT_EQ(ErrorOf("m,=x v=1"), "missing tag key");
  EXPECT_EQ(ErrorOf("m,t=a=b v=1"), "unescaped \"=\" in value of tag \"t\"");
  EXPECT_EQ(ErrorOf("m v"), "missing \"=\" after field key \"v\"");
  EXPECT_EQ(ErrorOf("m v="), "missing value for field \"v\"");
  EXPECT_EQ(ErrorOf("m =1"), "missing field key");
  EXPECT_EQ(ErrorOf("m v=1,"), "missing field key");
  EXPECT_EQ(ErrorOf("m v=abc"), "invalid value \"abc\" for field \"v\"");
  EXPECT_EQ(ErrorOf("m v=1.2.3"), "invalid value \"1.2.3\" for field \"v\"");
  EXPECT_EQ(ErrorOf("m v=nan"), "invalid value \"nan\" for field \"v\"");
  EXPECT_EQ(ErrorOf("m v=inf"), "invalid value \"inf\" for field \"v\"");
  EXPECT_EQ(ErrorOf("m v=1.5i"), "invalid integer value \"1.5i\" for field \"v\"");
  EXPECT_EQ(ErrorOf("m v=i"), "invalid value \"i\" for field \"v\"");
  EXPECT_EQ(ErrorOf("m v=9223372036854775808i"), "integer value 9223372036854775808i out of range for field \"v\"");
  EXPECT_EQ(ErrorOf("m v=-1u"), "unsigned value -1u out of range for field \"v\"");
  EXPECT_EQ(ErrorOf("m v=18446744073709551616u"), "unsigned value 18446744073709551616u out of range for field \"v\"");
  EXPECT_EQ(ErrorOf("m v=\"open"), "unterminated string value for field \"v\"");
  EXPECT_EQ(ErrorOf("m v=\"a\"b"), "unexpected character after value of field \"v\"");
  EXPECT_EQ(ErrorOf("m v=tru"), "invalid value \"tru\" for field \"v\"");
  EXPECT_EQ(ErrorOf("m v=1 12x"), "invalid timestamp \"12x\"");
  EXPECT_EQ(ErrorOf("m v=1 1 2"), "unexpected text after timestamp");
  EXPECT_EQ(ErrorOf("m v=1 99999999999999999999"), "timestamp 99999999999999999999 out of range");
  Parser seconds("m v=1 9300000000000", Precision::kSeconds);
  Point p;
  EXPECT_EQ(seconds.Next(&p), Parser::kError);
  EXPECT_EQ(seconds.error(), "timestamp 9300000000000 out of range");
}

TEST(LineProtocol, IntegersAtTheirBounds) {
  // Integers and timestamps are read by a parser of their own (no checks per digit below 19
  // digits); these are std::from_chars's answers.
  EXPECT_EQ(One("m v=9223372036854775807i").fields[0].i, INT64_MAX);
  EXPECT_EQ(One("m v=-9223372036854775808i").fields[0].i, INT64_MIN);
  EXPECT_EQ(One("m v=000000000000000000000042i").fields[0].i, 42);
  EXPECT_EQ(One("m v=123456789012345678i").fields[0].i, 123456789012345678);
  EXPECT_EQ(One("m v=1234567890123456789i").fields[0].i, 1234567890123456789);
  EXPECT_EQ(One("m v=-0i").fields[0].i, 0);
  EXPECT_EQ(One("m v=1 -1").timestamp_ns, -1);
  EXPECT_EQ(One("m v=1 9223372036854775807").timestamp_ns, INT64_MAX);
  EXPECT_EQ(ErrorOf("m v=-9223372036854775809i"), "integer value -9223372036854775809i out of range for field \"v\"");
  EXPECT_EQ(ErrorOf("m v=99999999999999999999999i"), "integer value 99999999999999999999999i out of range for field \"v\"");
  EXPECT_EQ(ErrorOf("m v=-i"), "invalid integer value \"-i\" for field \"v\"");
  EXPECT_EQ(ErrorOf("m v=--1i"), "invalid integer value \"--1i\" for field \"v\"");
  EXPECT_EQ(ErrorOf("m v=1-2i"), "invalid integer value \"1-2i\" for field \"v\"");
  EXPECT_EQ(ErrorOf("m v=+5i"), "invalid value \"+5i\" for field \"v\"");
  EXPECT_EQ(ErrorOf("m v=1 9223372036854775808"), "timestamp 9223372036854775808 out of range");
  EXPECT_EQ(ErrorOf("m v=1 -"), "invalid timestamp \"-\"");
}

TEST(LineProtocol, BadLineDoesNotStopTheRest) {
  std::string text = "m v=1 1\nm v= 2\nm v=3 3\nbroken\nm v=5 5";
  Parser parser(text);
  Point p;
  std::vector<int64_t> good;
  std::vector<size_t> bad;
  for (Parser::Result r; (r = parser.Next(&p)) != Parser::kEnd;) {
    if (r == Parser::kPoint) good.push_back(p.timestamp_ns);
    else bad.push_back(parser.line());
  }
  EXPECT_EQ(good, (std::vector<int64_t>{1, 3, 5}));
  EXPECT_EQ(bad, (std::vector<size_t>{2, 4}));
}

TEST(LineProtocol, ViewsSurviveUntilNextLine) {
  // Unescaped names live in a scratch buffer that must not move while the line is in use.
  std::string text = "m\\ 1,a\\ b=c\\ d,e\\ f=g\\ h x\\ y=\"q\\\"r\",z\\ z=1";
  Parser parser(text);
  Point p;
  ASSERT_EQ(parser.Next(&p), Parser::kPoint);
  EXPECT_EQ(p.measurement, "m 1");
  EXPECT_EQ(p.tags[0].key, "a b");
  EXPECT_EQ(p.tags[0].value, "c d");
  EXPECT_EQ(p.tags[1].key, "e f");
  EXPECT_EQ(p.tags[1].value, "g h");
  EXPECT_EQ(p.fields[0].key, "x y");
  EXPECT_EQ(p.fields[0].s, "q\"r");
  EXPECT_EQ(p.fields[1].key, "z z");
}

// Numbers are read word-at-a-time on the common path (plain decimals, integers, unsigned); every
// value must be the one std::from_chars gives (floats correctly rounded), and every text the
// general path refuses must still be refused: random digit counts around the fast path's limits
// (8 per word, 18 and 19 digits, 2^53 mantissas), signs, fractions, suffixes, stray characters.
TEST(LineProtocol, NumbersMatchFromChars) {
  std::mt19937_64 rng(42);
  auto digits = [&](int n) {
    std::string d;
    for (int k = 0; k < n; ++k) d.push_back(char('0' + rng() % 10));
    return d;
  };
  for (int round = 0; round < 200000; ++round) {
    std::string tok = (rng() % 4 == 0 ? "-" : "") + digits(int(rng() % 22));
    const int shape = int(rng() % 10);
    if (shape < 5) tok += "." + digits(int(rng() % 22));
    else if (shape == 5) tok += "i";
    else if (shape == 6) tok += "u";
    else if (shape == 7) tok += "e" + digits(1 + int(rng() % 2));
    else if (shape == 8) tok += std::string(1, "x.-+"[rng() % 4]) + digits(int(rng() % 3));
    const std::string line = "m v=" + tok + (rng() % 2 ? ",w=1" : "");
    Parser parser(line);
    Point p;
    const bool ok = parser.Next(&p) == Parser::kPoint;
    SCOPED_TRACE(line);
    const char* b = tok.data();
    const char* e = b + tok.size();
    if (!tok.empty() && tok.back() == 'i') {
      int64_t want;
      auto [ptr, ec] = std::from_chars(b, e - 1, want);
      const bool valid = ec == std::errc() && ptr == e - 1 && b != e - 1;
      ASSERT_EQ(ok, valid) << parser.error();
      if (ok) {
        EXPECT_EQ(p.fields[0].kind, FieldKind::kInteger);
        EXPECT_EQ(p.fields[0].i, want);
      }
    } else if (!tok.empty() && tok.back() == 'u') {
      uint64_t want;
      auto [ptr, ec] = std::from_chars(b, e - 1, want);
      const bool valid = tok[0] != '-' && ec == std::errc() && ptr == e - 1 && b != e - 1;
      ASSERT_EQ(ok, valid) << parser.error();
      if (ok) {
        EXPECT_EQ(p.fields[0].kind, FieldKind::kUnsigned);
        EXPECT_EQ(p.fields[0].u, want);
      }
    } else {
      double want;
      auto [ptr, ec] = std::from_chars(b, e, want);
      const bool starts_well = !tok.empty() && (tok[0] == '-' || tok[0] == '.' || (tok[0] >= '0' && tok[0] <= '9'));
      const bool valid = starts_well && ec == std::errc() && ptr == e;
      ASSERT_EQ(ok, valid) << parser.error();
      if (ok) {
        EXPECT_EQ(p.fields[0].kind, FieldKind::kFloat);
        EXPECT_EQ(std::signbit(p.fields[0].f), std::signbit(want));
        EXPECT_EQ(p.fields[0].f, want);
      }
    }
  }
}

}  // namespace
}  // namespace yunhe::lineproto
