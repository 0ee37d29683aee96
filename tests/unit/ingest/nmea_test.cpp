// NMEA 0183: sentence framing, field decoding, epoch assembly, dates, and the messy input real
// receivers produce (u-blox / Unicore / Quectel-style BeiDou output, fused sentences, noise).
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "common/time_util.h"
#include "ingest/nmea/nmea_reader.h"
#include "ingest/nmea/nmea_sentence.h"

namespace yunhe::nmea {
namespace {

// Appends "*hh" to a sentence body written without its checksum.
std::string Cs(const std::string& body) {
  unsigned sum = 0;
  for (size_t k = 1; k < body.size(); ++k) sum ^= (unsigned char)body[k];
  char buf[8];
  snprintf(buf, sizeof buf, "*%02X", sum);
  return body + buf;
}

int64_t Ts(int y, unsigned m, unsigned d, int hh, int mm, double ss) {
  return DaysFromCivil(y, m, d) * 86400LL * 1000000000LL + (hh * 3600LL + mm * 60LL) * 1000000000LL + int64_t(ss * 1e9 + 0.5);
}

TEST(NmeaSentence, ClassicExamplesAndChecksums) {
  Sentence s;
  EXPECT_EQ(ParseSentence("$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47", &s), "");
  EXPECT_EQ(s.talker, "GP");
  EXPECT_EQ(s.type, "GGA");
  EXPECT_EQ(s.fields.size(), 14u);
  EXPECT_EQ(s.fields[12], "");
  EXPECT_TRUE(s.has_checksum);
  EXPECT_EQ(ParseSentence("$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A\r\n", &s), "");
  EXPECT_EQ(ParseSentence("$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*48", &s),
            "checksum mismatch (computed 47, sentence says 48)");
  EXPECT_EQ(ParseSentence("$GPGGA,123519*ZZ", &s), "malformed checksum");
  const std::string no_address = Cs("$,1,2");
  EXPECT_EQ(ParseSentence(no_address, &s), "missing address");
  // Proprietary sentences keep their whole address.
  const std::string pubx = Cs("$PUBX,00,081350.00,4717.113210,N");
  EXPECT_EQ(ParseSentence(pubx, &s), "");
  EXPECT_TRUE(s.proprietary);
  EXPECT_EQ(s.type, "UBX");
}

TEST(NmeaSentence, FieldDecoders) {
  double d;
  bool bad = false;
  ASSERT_TRUE(FieldLatLon("4807.038", "N", true, &d, &bad));
  EXPECT_NEAR(d, 48.1173, 1e-9);
  ASSERT_TRUE(FieldLatLon("01131.000", "W", false, &d, &bad));
  EXPECT_NEAR(d, -11.516666666666667, 1e-12);
  // A sign together with the hemisphere: the hemisphere decides.
  ASSERT_TRUE(FieldLatLon("-3150.7822", "S", true, &d, &bad));
  EXPECT_NEAR(d, -31.846370, 1e-6);
  EXPECT_FALSE(FieldLatLon("", "", true, &d, &bad));
  EXPECT_FALSE(bad);  // empty is NULL, not an error
  EXPECT_FALSE(FieldLatLon("4807.038", "", true, &d, &bad));
  EXPECT_TRUE(bad);  // never guess a hemisphere
  bad = false;
  EXPECT_FALSE(FieldLatLon("4867.038", "N", true, &d, &bad));  // 67 minutes
  EXPECT_TRUE(bad);
  int64_t ns;
  bad = false;
  ASSERT_TRUE(FieldTime("235959.50", &ns, &bad));
  EXPECT_EQ(ns, (23 * 3600 + 59 * 60 + 59) * 1000000000LL + 500000000LL);
  ASSERT_TRUE(FieldTime("235960", &ns, &bad));  // leap second
  EXPECT_EQ(ns, (23 * 3600 + 59 * 60 + 60) * 1000000000LL - 1);
  EXPECT_FALSE(FieldTime("25000", &ns, &bad));
  EXPECT_TRUE(bad);
  int64_t days;
  bad = false;
  ASSERT_TRUE(FieldDate("230394", &days, &bad));
  EXPECT_EQ(days, DaysFromCivil(1994, 3, 23));
  ASSERT_TRUE(FieldDate("290224", &days, &bad));
  EXPECT_EQ(days, DaysFromCivil(2024, 2, 29));
  EXPECT_FALSE(FieldDate("300223", &days, &bad));
  EXPECT_TRUE(bad);
  int64_t n;
  bad = false;
  ASSERT_TRUE(FieldInt("08.0", &n, &bad));  // some receivers print counts with a decimal
  EXPECT_EQ(n, 8);
}

TEST(NmeaReader, UbloxStyleEpochs) {
  // u-blox M8 (NMEA 4.10): RMC, VTG, GGA, GSA per system, GSV per signal, GLL.
  std::string text;
  for (int sec = 0; sec < 3; ++sec) {
    char t[16];
    snprintf(t, sizeof t, "0929%02d.00", 58 + sec - (sec >= 2 ? 60 : 0));
    std::string tm = sec >= 2 ? "093000.00" : t;
    text += Cs("$GNRMC," + tm + ",A,3114.2280,N,12128.0960,E,0.015,,290224,,,A,V") + "\r\n";
    text += Cs("$GNVTG,,T,,M,0.015,N,0.028,K,A") + "\r\n";
    text += Cs("$GNGGA," + tm + ",3114.2280,N,12128.0960,E,1,12,0.70,15.3,M,9.8,M,,") + "\r\n";
    text += Cs("$GNGSA,A,3,10,12,25,32,,,,,,,,,1.20,0.70,0.97,1") + "\r\n";
    text += Cs("$GNGSA,A,3,19,20,21,22,23,,,,,,,,1.20,0.70,0.97,4") + "\r\n";
    text += Cs("$GPGSV,2,1,05,10,45,120,40,12,30,200,38,25,60,045,44,32,10,300,20,1") + "\r\n";
    text += Cs("$GPGSV,2,2,05,31,05,100,,1") + "\r\n";
    text += Cs("$GBGSV,1,1,04,19,70,010,45,20,55,100,43,21,40,200,41,22,35,300,39,1") + "\r\n";
    text += Cs("$GNGLL,3114.2280,N,12128.0960,E," + tm + ",A,A") + "\r\n";
  }
  Reader r;
  r.Feed(text);
  r.Finish();
  EXPECT_TRUE(r.problems.empty()) << r.problems[0].line << ": " << r.problems[0].reason;
  ASSERT_EQ(r.fixes.size(), 3u);
  const Fix& f = r.fixes[0];
  EXPECT_EQ(f.ts_ns, Ts(2024, 2, 29, 9, 29, 58));
  EXPECT_NEAR(*f.lat, 31 + 14.2280 / 60, 1e-12);
  EXPECT_NEAR(*f.lon, 121 + 28.0960 / 60, 1e-12);
  EXPECT_EQ(*f.alt, 15.3);
  EXPECT_EQ(*f.geoid_sep, 9.8);
  EXPECT_EQ(*f.quality, 1);
  EXPECT_EQ(*f.sats_used, 12);
  EXPECT_EQ(*f.fix_type, 3);
  EXPECT_EQ(*f.pdop, 1.20);
  EXPECT_EQ(*f.vdop, 0.97);
  EXPECT_EQ(f.status, "A");
  EXPECT_EQ(f.mode, "A");
  EXPECT_NEAR(*f.speed_mps, 0.015 * 1852 / 3600, 1e-12);
  EXPECT_FALSE(f.course.has_value());  // empty course is NULL, not 0
  EXPECT_EQ(f.used_by_system[kGps], 4);
  EXPECT_EQ(f.used_by_system[kBeidou], 5);
  EXPECT_FALSE(f.diff_age.has_value());
  EXPECT_EQ(r.fixes[2].ts_ns, Ts(2024, 2, 29, 9, 30, 0));
  // Satellites: 5 GPS + 4 BeiDou per epoch; used flags from GSA.
  ASSERT_EQ(r.satellites.size(), 27u);
  int used = 0, beidou = 0;
  for (int k = 0; k < 9; ++k) {
    used += r.satellites[k].used;
    beidou += r.satellites[k].constellation == kBeidou;
  }
  EXPECT_EQ(used, 8);  // 10, 12, 25, 32 (GPS) and 19..22 (BeiDou); 31 is in view, not used
  EXPECT_EQ(beidou, 4);
  EXPECT_EQ(*r.satellites[0].signal_id, 1);
  EXPECT_FALSE(r.satellites[4].snr.has_value());  // satellite 31 has no SNR: NULL
}

TEST(NmeaReader, BeidouTalkersAndNmea23) {
  // Quectel/Unicore-style: BD talker (older) and GB talker for BeiDou, NMEA 2.3 GSA without system id.
  std::string text = Cs("$BDGGA,000001.00,3954.7000,N,11623.5000,E,1,06,1.1,50.0,M,-8.0,M,,") + "\n" +
                     Cs("$BDGSA,A,3,01,02,03,04,05,06,,,,,,,2.0,1.1,1.6") + "\n" +
                     Cs("$BDGSV,2,1,06,01,40,140,36,02,50,230,38,03,45,190,40,04,30,100,33") + "\n" +
                     Cs("$BDGSV,2,2,06,05,25,300,30,06,60,010,42") + "\n" +
                     Cs("$GNZDA,000001.00,01,03,2024,00,00") + "\n";
  Reader r;
  r.Feed(text);
  r.Finish();
  ASSERT_TRUE(r.problems.empty()) << r.problems[0].reason;
  ASSERT_EQ(r.fixes.size(), 1u);
  EXPECT_EQ(r.fixes[0].ts_ns, Ts(2024, 3, 1, 0, 0, 1));
  EXPECT_EQ(r.fixes[0].talker, "BD");
  EXPECT_EQ(r.fixes[0].used_by_system[kBeidou], 6);
  ASSERT_EQ(r.satellites.size(), 6u);
  for (auto& s : r.satellites) {
    EXPECT_EQ(s.constellation, kBeidou);
    EXPECT_TRUE(s.used);
  }
}

TEST(NmeaReader, DateRolloverAndLateDate) {
  // Time-only sentences before the first RMC take their date from it; midnight rolls the day.
  std::string text = Cs("$GPGGA,235958.00,0130.0000,S,03650.0000,E,1,05,1.0,1700.0,M,-10.0,M,,") + "\n" +
                     Cs("$GPGGA,235959.00,0130.0000,S,03650.0000,E,1,05,1.0,1700.0,M,-10.0,M,,") + "\n" +
                     Cs("$GPRMC,235959.00,A,0130.0000,S,03650.0000,E,0.0,,311224,,,A") + "\n" +
                     Cs("$GPGGA,000000.00,0130.0000,S,03650.0000,E,1,05,1.0,1700.0,M,-10.0,M,,") + "\n" +
                     Cs("$GPGGA,000001.00,0130.0000,S,03650.0000,E,1,05,1.0,1700.0,M,-10.0,M,,") + "\n";
  Reader r;
  r.Feed(text);
  r.Finish();
  ASSERT_EQ(r.fixes.size(), 4u);
  EXPECT_EQ(r.fixes[0].ts_ns, Ts(2024, 12, 31, 23, 59, 58));
  EXPECT_EQ(r.fixes[1].ts_ns, Ts(2024, 12, 31, 23, 59, 59));
  EXPECT_EQ(r.fixes[2].ts_ns, Ts(2025, 1, 1, 0, 0, 0));
  EXPECT_EQ(r.fixes[3].ts_ns, Ts(2025, 1, 1, 0, 0, 1));
  EXPECT_NEAR(*r.fixes[0].lat, -1.5, 1e-12);
}

TEST(NmeaReader, NoDateNeedsOne) {
  std::string text = Cs("$GPGGA,120000.00,0000.0000,N,00000.0000,E,1,05,1.0,0.0,M,0.0,M,,") + "\n";
  Reader r;
  r.Feed(text);
  r.Finish();
  EXPECT_TRUE(r.fixes.empty());
  ASSERT_EQ(r.problems.size(), 1u);
  ReaderOptions o;
  o.date_days = DaysFromCivil(2024, 6, 1);
  Reader with_date(o);
  with_date.Feed(text);
  with_date.Finish();
  ASSERT_EQ(with_date.fixes.size(), 1u);
  EXPECT_EQ(with_date.fixes[0].ts_ns, Ts(2024, 6, 1, 12, 0, 0));
}

TEST(NmeaReader, BadInputIsReportedAndSkipped) {
  std::string good1 = Cs("$GPRMC,100000.00,A,4807.0380,N,01131.0000,E,1.0,90.0,010524,,,A");
  std::string good2 = Cs("$GPRMC,100001.00,A,4807.0390,N,01131.0010,E,1.0,90.0,010524,,,A");
  std::string bad_sum = "$GPRMC,100002.00,A,4807.0400,N,01131.0020,E,1.0,90.0,010524,,,A*00";
  std::string no_fix = Cs("$GPGGA,100003.00,,,,,0,00,99.99,,,,,,");
  std::string text = "garbage before\n" + good1 + "\n" + bad_sum + "\n" +
                     "!AIVDM,1,1,,A,13aEOK?P00PD2wVMdLDRhgvL289?,0*26\n" +
                     good2 + "$GPGGA,1000" + "\n" +  // a sentence fused with a cut-off one
                     no_fix + "\n" + Cs("$GPRMC,100004.00,A,4807.038,X,01131.000,E,,,010524,,,A") + "\n" +
                     Cs("$PQTMVER,MODULE_L76KB,QUECTEL") + "\n";
  Reader r;
  r.Feed(text);
  r.Finish();
  // Lines: 1 garbage, 3 bad checksum, 4 AIS, 5 the cut-off GGA, 7 bad hemisphere.
  ASSERT_EQ(r.problems.size(), 5u);
  EXPECT_EQ(r.problems[0].line, 1u);
  EXPECT_EQ(r.problems[1].line, 3u);
  EXPECT_EQ(r.problems[1].reason, "checksum mismatch (computed 68, sentence says 00)");
  EXPECT_EQ(r.problems[2].line, 4u);
  EXPECT_EQ(r.problems[3].line, 5u);
  EXPECT_EQ(r.problems[4].line, 7u);
  EXPECT_EQ(r.problems[4].reason, "GPRMC: bad latitude \"4807.038,X\"");
  ASSERT_EQ(r.fixes.size(), 3u);  // 10:00:00, 10:00:01 and the no-fix GGA at 10:00:03
  EXPECT_FALSE(r.fixes[2].lat.has_value());
  EXPECT_EQ(*r.fixes[2].quality, 0);
  EXPECT_EQ(r.fixes[2].ts_ns, Ts(2024, 5, 1, 10, 0, 3));
  ASSERT_EQ(r.raw.size(), 1u);  // the proprietary sentence is kept raw
  EXPECT_EQ(r.raw[0].type, "QTMVER");
}

TEST(NmeaReader, IncompleteGsvGroupIsReported) {
  std::string text = Cs("$GPRMC,100000.00,A,4807.0380,N,01131.0000,E,1.0,90.0,010524,,,A") + "\n" +
                     Cs("$GPGSV,3,1,09,01,40,140,36,02,50,230,38,03,45,190,40,04,30,100,33") + "\n" +
                     Cs("$GPGSV,3,3,09,09,25,300,30") + "\n";
  Reader r;
  r.Feed(text);
  r.Finish();
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].reason, "incomplete GPGSV group: 2 of 3 messages");
  EXPECT_EQ(r.satellites.size(), 5u);  // the satellites that did arrive are kept
}

// Found by fuzz_nmea (UBSan): a ZDA year far from the GNSS era made the epoch's timestamp
// overflow. The sentence is reported and its date not used.
TEST(Nmea, ZdaYearOutsideTheTimestampRangeIsRefused) {
  const std::string text = Cs("$GNGGA,000001.00,3954.7,N,11623.2,E,1,06,1.1,50.0,M,-8.0,M,,") + "\n" +
                           Cs("$GNZDA,000001.00,01,03,0003,00,00") + "\n";
  Reader r;
  r.Feed(text);
  r.Finish();
  ASSERT_FALSE(r.problems.empty());
  bool reported = false;
  for (auto& p : r.problems) reported = reported || p.reason.find("bad ZDA date") != std::string::npos;
  EXPECT_TRUE(reported);
  for (auto& f : r.fixes) EXPECT_GT(f.ts_ns, 0);
}

}  // namespace
}  // namespace yunhe::nmea
