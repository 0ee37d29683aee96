// to_char(number, template) and to_number(text, template): PostgreSQL's numeric template
// patterns (9.8, Table 9.28): 9 and 0 digit positions, . / D the decimal point, , / G group
// separators, S / MI / PL / SG / PR signs, EEEE scientific notation, RN Roman numerals, TH / th
// ordinal suffixes, V (times 10 to the digits after it), FM fill mode, "quoted" text. The
// locale is C: D is '.', G is ','.
#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "common/decimal.h"
#include "functions/function.h"
#include "functions/kernel_util.h"
#include "functions/template_text.h"

namespace yunhe {
namespace {

using Args = const std::vector<const Vector*>&;

struct Token {
  enum Kind { kDigit9, kDigit0, kPoint, kGroup, kSign, kMinus, kPlus, kSignAnywhere, kBrackets, kExponent, kRoman,
              kOrdinal, kShift, kCurrency, kText } kind;
  std::string text;  // kText: what is printed; kOrdinal: "th" or "TH"
};

struct Template {
  std::vector<Token> tokens;
  bool fill = false;  // FM
  int int_digits = 0, frac_digits = 0, shift = 0;
  bool point = false, exponent = false, roman = false, roman_lower = false, explicit_sign = false, brackets = false;
};

Template Compile(const std::string& f) {
  Template t;
  bool after_point = false, after_shift = false;
  for (size_t i = 0; i < f.size();) {
    auto add = [&](Token::Kind k, size_t len, std::string text = "") {
      t.tokens.push_back(Token{k, std::move(text)});
      i += len;
    };
    const char c = f[i];
    if (StartsCaseless(f, i, "FM")) {
      t.fill = true;
      i += 2;
    } else if (c == '9' || c == '0') {
      // Digits after V are integer positions for the value times 10^(their count).
      if (after_shift) ++t.shift, ++t.int_digits;
      else if (after_point) ++t.frac_digits;
      else ++t.int_digits;
      add(c == '9' ? Token::kDigit9 : Token::kDigit0, 1);
    } else if ((c == '.' || c == 'D' || c == 'd') && !after_point) {
      after_point = t.point = true;
      add(Token::kPoint, 1);
    } else if (c == ',' || c == 'G' || c == 'g') {
      add(Token::kGroup, 1);
    } else if (StartsCaseless(f, i, "PR")) {
      t.brackets = t.explicit_sign = true;
      add(Token::kBrackets, 2);
    } else if (StartsCaseless(f, i, "PL")) {
      add(Token::kPlus, 2);
    } else if (StartsCaseless(f, i, "SG")) {
      t.explicit_sign = true;
      add(Token::kSignAnywhere, 2);
    } else if (StartsCaseless(f, i, "MI")) {
      t.explicit_sign = true;
      add(Token::kMinus, 2);
    } else if (c == 'S' || c == 's') {
      t.explicit_sign = true;
      add(Token::kSign, 1);
    } else if (StartsCaseless(f, i, "EEEE")) {
      t.exponent = true;
      add(Token::kExponent, 4);
    } else if (StartsCaseless(f, i, "RN")) {
      t.roman = true;
      t.roman_lower = c == 'r';
      add(Token::kRoman, 2);
    } else if (StartsCaseless(f, i, "TH")) {
      add(Token::kOrdinal, 2, f.substr(i, 2));
    } else if (c == 'V' || c == 'v') {
      after_shift = true;
      add(Token::kShift, 1);
    } else if (c == 'L' || c == 'l') {
      add(Token::kCurrency, 1);
    } else if (c == '"') {
      std::string text;
      for (++i; i < f.size() && f[i] != '"'; ++i) {
        if (f[i] == '\\' && i + 1 < f.size()) ++i;
        text += f[i];
      }
      ++i;
      t.tokens.push_back(Token{Token::kText, text});
    } else {
      add(Token::kText, 1, std::string(1, c));
    }
  }
  return t;
}

std::string Roman(int64_t v) {
  static const struct { int value; const char* text; } kParts[] = {
      {1000, "M"}, {900, "CM"}, {500, "D"}, {400, "CD"}, {100, "C"}, {90, "XC"}, {50, "L"}, {40, "XL"}, {10, "X"},
      {9, "IX"}, {5, "V"}, {4, "IV"}, {1, "I"}};
  std::string out;
  for (const auto& p : kParts)
    while (v >= p.value) out += p.text, v -= p.value;
  return out;
}

// The digits of |d| before and after the point (d already rounded to the template's decimals).
void Digits(const Decimal& d, int frac, std::string* whole, std::string* fraction) {
  const __int128 m = d.v < 0 ? -d.v : d.v;
  std::string all;
  for (__int128 x = m; x > 0; x /= 10) all.insert(all.begin(), char('0' + int(x % 10)));
  if (int(all.size()) < frac + 1) all.insert(all.begin(), size_t(frac + 1) - all.size(), '0');
  *whole = all.substr(0, all.size() - size_t(frac));
  *fraction = all.substr(all.size() - size_t(frac));
  while (whole->size() > 0 && (*whole)[0] == '0') whole->erase(0, 1);  // "" for a zero integer part
}

// Scientific notation, as PostgreSQL's numeric_out_sci: the exponent from the unrounded value's
// first digit, then the mantissa rounded to `frac` decimals (99.99 with two is 10.00e+01).
std::string Scientific(const Decimal& d, int frac) {
  const long double v = fabsl(static_cast<long double>(d.v) / powl(10.0L, d.scale));
  const int exponent = v == 0 ? 0 : int(floorl(log10l(v)));
  const long double mantissa = roundl(v / powl(10.0L, exponent) * powl(10.0L, frac)) / powl(10.0L, frac);
  return fmt::format("{:.{}f}e{}{:02}", double(mantissa), frac, exponent < 0 ? '-' : '+', exponent < 0 ? -exponent : exponent);
}

std::string Format(Decimal value, const Template& t) {
  std::string out;
  if (t.roman) {
    int64_t v = 0;
    const bool ok = DecimalToInt64(DecimalRescale(value, 0), &v, true) && v >= 1 && v <= 3999;
    std::string r = ok ? Roman(v) : std::string(15, '#');
    if (t.roman_lower)
      for (char& c : r) c = char(tolower(uint8_t(c)));
    if (!t.fill) r.insert(0, 15 - r.size(), ' ');
    return r;
  }
  for (int k = 0; k < t.shift; ++k) value = DecimalMul(value, Decimal{10, 0});
  if (!t.exponent) value = DecimalRescale(value, t.frac_digits);
  const bool negative = value.v < 0;  // of the rounded value: -0.1 shown with no decimals is 0
  std::string whole, fraction;
  Digits(value, t.frac_digits, &whole, &fraction);
  const bool overflow = !t.exponent && int(whole.size()) > t.int_digits;
  // The body: digit positions, point, groups, text; signs where the template puts them.
  int first_zero = t.int_digits;  // integer positions from here on print 0 when the number has no digit there
  {
    int pos = 0;
    for (const Token& tok : t.tokens) {
      if (tok.kind == Token::kPoint) break;
      if (tok.kind == Token::kDigit0 && pos < first_zero) first_zero = pos;
      if (tok.kind == Token::kDigit0 || tok.kind == Token::kDigit9) ++pos;
    }
  }
  const bool zero_whole = whole.empty();
  std::string body;
  int int_pos = 0, frac_pos = 0;
  bool after_point = false, printed = false, sign_placed = false;
  size_t sign_at = std::string::npos;  // where the anchored sign goes (before the first printed digit)
  auto anchor = [&] {
    if (sign_at == std::string::npos) sign_at = body.size();
  };
  for (size_t n = 0; n < t.tokens.size(); ++n) {
    const Token& tok = t.tokens[n];
    switch (tok.kind) {
      case Token::kDigit9:
      case Token::kDigit0:
        if (t.exponent) break;
        if (after_point) {
          const char d = overflow ? '#' : fraction[size_t(frac_pos)];
          ++frac_pos;
          body += d;
          break;
        }
        {
          const int from_right = t.int_digits - 1 - int_pos;
          char d = ' ';
          if (overflow) d = '#';
          else if (from_right < int(whole.size())) d = whole[whole.size() - 1 - size_t(from_right)];
          else if (int_pos >= first_zero) d = '0';
          else if (from_right == 0 && zero_whole && !t.point) d = '0';  // a zero integer part shows one 0
          ++int_pos;
          if (d != ' ' && !printed) anchor(), printed = true;
          body += d;
        }
        break;
      case Token::kPoint:
        after_point = true;
        if (t.exponent) break;
        if (!printed) anchor();
        body += '.';
        break;
      case Token::kGroup:
        body += after_point || printed ? ',' : ' ';
        break;
      case Token::kExponent: {
        anchor();
        body += overflow ? "#" : Scientific(value, t.frac_digits);
        printed = true;
        break;
      }
      case Token::kSign:
        // S before the digits anchors to them; after them it follows the last one.
        if (printed || after_point) body += negative ? '-' : '+';
        else sign_placed = true;
        break;
      case Token::kMinus: body += negative ? '-' : ' '; break;
      case Token::kPlus: body += negative ? ' ' : '+'; break;
      case Token::kSignAnywhere: body += negative ? '-' : '+'; break;
      case Token::kBrackets: body += negative ? '>' : ' '; break;
      case Token::kOrdinal: {
        int64_t v = 0;
        if (!overflow && !negative && DecimalToInt64(DecimalRescale(value, 0), &v, true)) body += Ordinal(v, tok.text[0] == 'T');
        break;
      }
      case Token::kCurrency: body += ' '; break;
      case Token::kShift:
      case Token::kRoman: break;
      case Token::kText: body += tok.text; break;
    }
  }
  if (sign_at == std::string::npos) sign_at = body.size();
  // The sign slot: S anchored, or (no sign pattern) '-' / ' ' before the digits; PR's '<'.
  std::string sign;
  if (sign_placed) sign = negative ? "-" : "+";
  else if (t.brackets) sign = negative ? "<" : " ";
  else if (!t.explicit_sign) sign = negative ? "-" : " ";
  out = body.substr(0, sign_at) + sign + body.substr(sign_at);
  // The sign goes right before the digits: move the blanks in front of it.
  size_t lead = 0;
  while (lead < sign_at && out[lead] == ' ') ++lead;
  if (!sign.empty() && lead == sign_at) out = std::string(lead, ' ') + out.substr(lead);
  if (t.fill) {
    // FM: no padding blanks, no trailing zeros of 9 positions after the point.
    size_t b = out.find_first_not_of(' ');
    out = b == std::string::npos ? "" : out.substr(b);
    if (t.point && !t.exponent) {
      // Fraction digits printed by 9 positions are dropped from the right while they are 0; with
      // no fraction positions at all the point goes too; a number left without any digit is "0.".
      const size_t point = out.find('.');
      if (point != std::string::npos) {
        std::vector<bool> nines;  // the fraction positions, left to right: a 9 (true) or a 0
        bool seen_point = false;
        for (const Token& tok : t.tokens) {
          if (tok.kind == Token::kPoint) seen_point = true;
          else if (seen_point && (tok.kind == Token::kDigit9 || tok.kind == Token::kDigit0)) nines.push_back(tok.kind == Token::kDigit9);
        }
        size_t keep = nines.size();
        while (keep > 0 && nines[keep - 1] && point + keep < out.size() && out[point + keep] == '0') --keep;
        out.erase(point + 1 + keep, nines.size() - keep);
        if (nines.empty() && !overflow) out.erase(point, 1);
        if (out.find_first_of("0123456789#") == std::string::npos) out.insert(out.find('.') == std::string::npos ? out.size() : out.find('.'), "0");
      }
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
  }
  return out;
}

// to_number: the digits, point and sign the template's positions read; group separators,
// currency and text skipped. The result has the template's decimals (extra input digits dropped).
Decimal Parse(const std::string& s, const Template& t) {
  std::string digits;
  bool negative = false, point = false;
  int frac = 0;
  size_t i = 0;
  for (const Token& tok : t.tokens) {
    while (i < s.size() && s[i] == ' ' && tok.kind != Token::kText) ++i;
    switch (tok.kind) {
      case Token::kDigit9:
      case Token::kDigit0:
        if (i < s.size() && (s[i] == '-' || s[i] == '+') && digits.empty() && !point) negative = s[i] == '-', ++i;
        if (i < s.size() && s[i] == '<' && t.brackets && digits.empty()) negative = true, ++i;
        if (i < s.size() && isdigit(uint8_t(s[i]))) {
          if (point) {
            if (frac < t.frac_digits) digits += s[i], ++frac;
          } else {
            digits += s[i];
          }
          ++i;
        }
        break;
      case Token::kPoint:
        if (i < s.size() && s[i] == '.') ++i;
        point = true;
        break;
      case Token::kGroup:
        if (i < s.size() && s[i] == ',') ++i;
        break;
      case Token::kSign: case Token::kMinus: case Token::kSignAnywhere: case Token::kPlus:
        if (i < s.size() && (s[i] == '-' || s[i] == '+')) negative = s[i] == '-', ++i;
        break;
      case Token::kBrackets:
        if (i < s.size() && s[i] == '>') ++i;
        break;
      case Token::kCurrency:
        if (i < s.size() && !isdigit(uint8_t(s[i])) && s[i] != '-' && s[i] != '.') ++i;
        break;
      case Token::kText:
        i = std::min(s.size(), i + tok.text.size());
        break;
      default: break;
    }
  }
  if (digits.empty()) throw Error(SqlState::kInvalidTextRepresentation, "invalid input syntax for type numeric: \" \"");
  Decimal d;
  const std::string text = (negative ? "-" : "") + digits.substr(0, digits.size() - size_t(frac)) + (frac ? "." + digits.substr(digits.size() - size_t(frac)) : "");
  if (!ParseDecimal(text, &d)) throw Error(SqlState::kNumericValueOutOfRange, "value overflows numeric format");
  return d;
}

Decimal ToDecimalArg(const Vector& v, size_t r) {
  switch (v.type().id) {
    case TypeId::kNumeric: return v.dec()[r];
    case TypeId::kFloat32:
    case TypeId::kFloat64: return DecimalFromDouble(v.f64()[r]);
    default: return DecimalFromInt(v.i64()[r]);
  }
}

}  // namespace

void RegisterNumberFormatFunctions(FunctionRegistry& r) {
  const TypeId T = TypeId::kText, N = TypeId::kNumeric;
  for (TypeId t : {TypeId::kInt32, TypeId::kInt64, N, TypeId::kFloat32, TypeId::kFloat64})
    AddScalar(r, "to_char", {t, T}, T, [](Args a, size_t n, Vector& o) {
      ForEachValid(o, n, [&](size_t k) { o.str()[k] = Format(ToDecimalArg(*a[0], k), Compile(a[1]->str()[k])); });
    }, "format a number with a template", "to_char(-1234.5, 'FM9,999.00') → -1,234.50");
  {
    ScalarFunction f;
    f.name = "to_number";
    f.arg_types = {T, T};
    f.return_type = N;
    f.kernel = [](Args a, size_t n, Vector& o) {
      ForEachValid(o, n, [&](size_t k) { o.dec()[k] = Parse(a[0]->str()[k], Compile(a[1]->str()[k])); });
    };
    f.infer_return = [](const std::vector<LogicalType>&) { return LogicalType(TypeId::kNumeric); };
    f.description = "number read with a template";
    f.example = "to_number('12,454.8-', '99G999D9S') → -12454.8";
    r.AddScalar(f);
  }
}

}  // namespace yunhe
