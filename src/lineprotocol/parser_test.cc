// Tests of the line protocol parser: every grammar rule and escape, each error message, timestamp
// precision, comments/blank lines/CRLF, line numbers, limits and the reuse of a ParseResult.
#include "lineprotocol/parser.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <deque>
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "fmt/format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace strata::lineprotocol {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// Keeps a test body alive (at a stable address) until the end of the test program, so that the
// views of a returned ParseResult stay valid.
const std::string& Keep(std::string body) {
  static auto* bodies = new std::deque<std::string>();
  return bodies->emplace_back(std::move(body));
}

// Parses `body` with `options`.
ParseResult ParseBody(std::string body, ParseOptions options = {}) {
  ParseResult result;
  Parse(Keep(std::move(body)), options, &result);
  return result;
}

// Parses a body that must hold exactly one valid line and returns it (with its result).
struct OneLine {
  ParseResult result;
  Line line;
  std::span<const Tag> tags() const { return result.TagsOf(line); }
  std::span<const FieldEntry> fields() const { return result.FieldsOf(line); }
  const FieldValue& value(size_t i = 0) const { return fields()[i].value; }
};

OneLine ParseValid(std::string text, ParseOptions options = {}) {
  OneLine one;
  const std::string& body = Keep(std::move(text));
  Parse(body, options, &one.result);
  EXPECT_EQ(one.result.errors.size(), 0u)
      << body << " -> " << (one.result.errors.empty() ? "" : one.result.errors[0].message);
  EXPECT_EQ(one.result.lines.size(), 1u) << body;
  if (!one.result.lines.empty()) {
    one.line = one.result.lines[0];
  }
  return one;
}

// Parses a body that must hold exactly one bad line and returns the error message.
std::string ErrorOf(const std::string& body, ParseOptions options = {}) {
  ParseResult result;
  Parse(body, options, &result);
  EXPECT_EQ(result.lines.size(), 0u) << body;
  EXPECT_EQ(result.errors.size(), 1u) << body;
  return result.errors.empty() ? "" : result.errors[0].message;
}

bool PointsInto(std::string_view view, std::string_view body) {
  return view.data() >= body.data() && view.data() + view.size() <= body.data() + body.size();
}

// ---------------------------------------------------------------------------------------------
// Structure of a line.

TEST(ParserTest, ParsesMeasurementTagsFieldsAndTimestamp) {
  const std::string body = "cpu,host=A,region=west usage_system=64.2,count=3i 1590488773254420000";
  OneLine one = ParseValid(body, {.precision = Precision::kNanosecond});
  EXPECT_EQ(one.line.measurement, "cpu");
  ASSERT_EQ(one.tags().size(), 2u);
  EXPECT_EQ(one.tags()[0].key, "host");
  EXPECT_EQ(one.tags()[0].value, "A");
  EXPECT_EQ(one.tags()[1].key, "region");
  EXPECT_EQ(one.tags()[1].value, "west");
  ASSERT_EQ(one.fields().size(), 2u);
  EXPECT_EQ(one.fields()[0].key, "usage_system");
  EXPECT_EQ(one.value(0).type, FieldType::kFloat);
  EXPECT_EQ(one.value(0).f, 64.2);
  EXPECT_EQ(one.fields()[1].key, "count");
  EXPECT_EQ(one.value(1).type, FieldType::kInteger);
  EXPECT_EQ(one.value(1).i, 3);
  EXPECT_EQ(one.line.time_ns, 1590488773254420000);
  EXPECT_EQ(one.line.line_number, 1);
  EXPECT_EQ(one.line.text, body);
  // Nothing was escaped, so every view points into the body.
  EXPECT_TRUE(PointsInto(one.line.measurement, one.line.text));
  EXPECT_TRUE(PointsInto(one.tags()[1].value, one.line.text));
  EXPECT_TRUE(PointsInto(one.fields()[1].key, one.line.text));
  EXPECT_FALSE(one.result.OwnsView(one.fields()[1].key));
}

TEST(ParserTest, KeepsTagsAndFieldsInTheOrderWritten) {
  OneLine one = ParseValid("m,z=1,a=2,m=3 y=1,b=2,n=3");
  ASSERT_EQ(one.tags().size(), 3u);
  EXPECT_EQ(one.tags()[0].key, "z");
  EXPECT_EQ(one.tags()[2].key, "m");
  EXPECT_EQ(one.fields()[0].key, "y");
  EXPECT_EQ(one.fields()[2].key, "n");
}

TEST(ParserTest, LineWithoutTimestampGetsTheDefaultTime) {
  OneLine one = ParseValid("m f=1", {.default_time_ns = 1234});
  EXPECT_EQ(one.line.time_ns, 1234);
  EXPECT_EQ(one.tags().size(), 0u);
}

TEST(ParserTest, AllowsRepeatedSpacesLeadingAndTrailingWhitespace) {
  OneLine one = ParseValid("  \t measurement  a=1i  123  ", {.precision = Precision::kNanosecond});
  EXPECT_EQ(one.line.measurement, "measurement");
  EXPECT_EQ(one.value().i, 1);
  EXPECT_EQ(one.line.time_ns, 123);
  OneLine no_timestamp = ParseValid("m a=1i   ", {.default_time_ns = 5});
  EXPECT_EQ(no_timestamp.line.time_ns, 5);
}

TEST(ParserTest, MeasurementMayContainEqualsAndQuotes) {
  EXPECT_EQ(ParseValid("tag1=1 field=1 1234").line.measurement, "tag1=1");
  EXPECT_EQ(ParseValid("a\"b f=1").line.measurement, "a\"b");
}

TEST(ParserTest, TagKeysMayContainCommasAndTagValuesEquals) {
  // InfluxDB 3's parser only ends a tag key at '=' and a tag value at ','.
  OneLine one = ParseValid("m,a,b=x=y f=1");
  ASSERT_EQ(one.tags().size(), 1u);
  EXPECT_EQ(one.tags()[0].key, "a,b");
  EXPECT_EQ(one.tags()[0].value, "x=y");
}

TEST(ParserTest, AcceptsNulInTagsFieldKeysAndStrings) {
  const std::string body("m,t\0g=o\0e f\0k=\"v\0\"", 18);
  OneLine one = ParseValid(body);
  EXPECT_EQ(one.tags()[0].key, std::string_view("t\0g", 3));
  EXPECT_EQ(one.tags()[0].value, std::string_view("o\0e", 3));
  EXPECT_EQ(one.fields()[0].key, std::string_view("f\0k", 3));
  EXPECT_EQ(one.value().s, std::string_view("v\0", 2));
}

TEST(ParserTest, AcceptsUtf8Names) {
  OneLine one = ParseValid("mesure,lieu=Zürich température=21.5,note=\"très chaud ☀\"");
  EXPECT_EQ(one.tags()[0].value, "Zürich");
  EXPECT_EQ(one.fields()[0].key, "température");
  EXPECT_EQ(one.value(1).s, "très chaud ☀");
}

TEST(ParserTest, RejectsInvalidUtf8) {
  EXPECT_EQ(ErrorOf("m,t=a\xff f=1"), "invalid UTF-8 at column 6");
  EXPECT_EQ(ErrorOf("m f=\"\xc3\x28\""), "invalid UTF-8 at column 6");
  // Overlong encoding and UTF-16 surrogates are invalid too.
  EXPECT_EQ(ErrorOf("m\xc0\xaf f=1"), "invalid UTF-8 at column 2");
  EXPECT_EQ(ErrorOf("m\xed\xa0\x80 f=1"), "invalid UTF-8 at column 2");
}

// ---------------------------------------------------------------------------------------------
// Escapes.

TEST(ParserTest, MeasurementEscapes) {
  EXPECT_EQ(ParseValid(R"(wea\,ther f=1)").line.measurement, "wea,ther");
  EXPECT_EQ(ParseValid(R"(wea\ ther f=1)").line.measurement, "wea ther");
  EXPECT_EQ(ParseValid(R"(\\wea\\ther f=1)").line.measurement, R"(\wea\ther)");
  // A backslash before another character is literal; in a measurement '=' is not escapable.
  EXPECT_EQ(ParseValid(R"(\wea\ther f=1)").line.measurement, R"(\wea\ther)");
  EXPECT_EQ(ParseValid(R"(wea\=ther f=1)").line.measurement, R"(wea\=ther)");
}

TEST(ParserTest, TagAndFieldKeyEscapes) {
  OneLine one = ParseValid(R"(m,k\\x\,1\=\ y=v\\x\,1\=\ y f\\x\,1\=\ y=1)");
  EXPECT_EQ(one.tags()[0].key, R"(k\x,1= y)");
  EXPECT_EQ(one.tags()[0].value, R"(v\x,1= y)");
  EXPECT_EQ(one.fields()[0].key, R"(f\x,1= y)");
  // Unescaped copies live in the result's own storage.
  EXPECT_TRUE(one.result.OwnsView(one.tags()[0].key));
  EXPECT_TRUE(one.result.OwnsView(one.tags()[0].value));
  EXPECT_TRUE(one.result.OwnsView(one.fields()[0].key));
  EXPECT_FALSE(one.result.OwnsView(one.line.measurement));
}

TEST(ParserTest, UnknownEscapesStayLiteral) {
  OneLine one = ParseValid(R"(m,t\a=v\b f\c=1)");
  EXPECT_EQ(one.tags()[0].key, R"(t\a)");
  EXPECT_EQ(one.tags()[0].value, R"(v\b)");
  EXPECT_EQ(one.fields()[0].key, R"(f\c)");
}

TEST(ParserTest, EscapedNewlineContinuesTheName) {
  ParseResult result = ParseBody("m\\\nx f=1\nn f=2");
  ASSERT_EQ(result.lines.size(), 2u);
  EXPECT_EQ(result.lines[0].measurement, "m\\\nx");
  EXPECT_EQ(result.lines[1].line_number, 3);
}

TEST(ParserTest, NamesMayNotEndWithABackslash) {
  const std::string message =
      "Measurements, tag keys and values, and field keys may not end with a backslash";
  EXPECT_THAT(ErrorOf(R"(m\)"), StartsWith(message));
  EXPECT_THAT(ErrorOf(R"(m,t=v\\ f=1)"), StartsWith(message));
  EXPECT_THAT(ErrorOf(R"(m,t\\=v f=1)"), StartsWith(message));
  EXPECT_THAT(ErrorOf(R"(m f\\=1)"), StartsWith(message));
}

TEST(ParserTest, StringFieldEscapes) {
  const std::pair<std::string, std::string> cases[] = {
      {R"(m f="")", ""},
      {R"(m f="str val")", "str val"},
      {R"(m f="The \"string\" val")", R"(The "string" val)"},
      {R"(m f="too hot\cold")", R"(too hot\cold)"},
      {R"(m f="too hot\\cold")", R"(too hot\cold)"},
      {R"(m f="too hot\\\cold")", R"(too hot\\cold)"},
      {R"(m f="too hot\\\\cold")", R"(too hot\\cold)"},
      {R"(m f="too hot\\\\\cold")", R"(too hot\\\cold)"},
      {R"(m f="a,b=c d")", "a,b=c d"},
      {R"(m f="ends with\\")", R"(ends with\)"},
  };
  for (const auto& [body, expected] : cases) {
    OneLine one = ParseValid(body);
    EXPECT_EQ(one.value().type, FieldType::kString) << body;
    EXPECT_EQ(one.value().s, expected) << body;
  }
}

TEST(ParserTest, StringFieldMaySpanLines) {
  ParseResult result = ParseBody("m f=\"a\nb\",g=1\nm f=\"c\"\n");
  ASSERT_EQ(result.errors.size(), 0u);
  ASSERT_EQ(result.lines.size(), 2u);
  EXPECT_EQ(result.fields[0].value.s, "a\nb");
  EXPECT_EQ(result.lines[0].text, "m f=\"a\nb\",g=1");
  EXPECT_EQ(result.lines[1].line_number, 3);
}

// ---------------------------------------------------------------------------------------------
// Field values.

TEST(ParserTest, FloatValues) {
  const std::pair<std::string, double> cases[] = {
      {"1", 1.0},
      {"-1", -1.0},
      {"44", 44.0},
      {"3.74", 3.74},
      {"-1.5", -1.5},
      {"-1.5E-3", -1.5e-3},
      {"1e5", 1e5},
      {"1E+5", 1e5},
      {"-1e-0", -1.0},
      {"-1.234456e+06", -1.234456e+06},
      {"1.234456E-16", 1.234456e-16},
      {"0.000123", 0.000123},
      {"007.50", 7.5},
      {"1.7976931348623157e308", 1.7976931348623157e308},
      {"4.9e-324", 4.9e-324},
      {"9007199254740993", 9007199254740993.0},
      {"123456789012345678901234567890", 123456789012345678901234567890.0},
      {"0.1000000000000000055511151231257827", 0.1},
  };
  for (const auto& [text, expected] : cases) {
    OneLine one = ParseValid("m f=" + text);
    EXPECT_EQ(one.value().type, FieldType::kFloat) << text;
    EXPECT_EQ(one.value().f, expected) << text;
  }
  // Zero keeps its sign; underflow rounds to zero like InfluxDB.
  EXPECT_TRUE(std::signbit(ParseValid("m f=-0").value().f));
  EXPECT_TRUE(std::signbit(ParseValid("m f=-0.0").value().f));
  EXPECT_EQ(ParseValid("m f=1e-400").value().f, 0.0);
  EXPECT_TRUE(std::signbit(ParseValid("m f=-1e-400").value().f));
  // Very long mantissas still parse.
  const std::string nines(200, '9');
  EXPECT_DOUBLE_EQ(ParseValid("m f=" + nines + "." + nines).value().f, 1e200);
}

TEST(ParserTest, FloatsAreCorrectlyRounded) {
  // Compare against std::from_chars (correctly rounded) on random decimal strings that exercise
  // the exact fast path and the fallback.
  std::mt19937_64 random(42);
  for (int i = 0; i < 20000; ++i) {
    std::string text = (random() % 2) ? "-" : "";
    const int int_digits = 1 + random() % 20;
    for (int d = 0; d < int_digits; ++d) {
      text += static_cast<char>('0' + random() % 10);
    }
    if (random() % 2) {
      text += '.';
      const int fraction_digits = 1 + random() % 20;
      for (int d = 0; d < fraction_digits; ++d) {
        text += static_cast<char>('0' + random() % 10);
      }
    }
    if (random() % 2) {
      text += fmt::format("e{}", static_cast<int>(random() % 80) - 40);
    }
    double expected = 0;
    std::from_chars(text.data(), text.data() + text.size(), expected);
    OneLine one = ParseValid("m f=" + text);
    ASSERT_EQ(one.value().f, expected) << text;
    ASSERT_EQ(std::signbit(one.value().f), std::signbit(expected)) << text;
  }
}

TEST(ParserTest, RejectsMalformedFloats) {
  for (const std::string text :
       {"1.", ".5", "+1", "1.5.3", "1e", "1e+", "1E-", "1.e5", "--1", "1-", "0x10", "-", "1e5e5"}) {
    const std::string message = ErrorOf("m f=" + text);
    EXPECT_THAT(message, StartsWith("Unable to parse floating-point value")) << text;
  }
  EXPECT_EQ(ErrorOf("m f=1."),
            "Unable to parse floating-point value '1.' for field 'f' at column 5");
  EXPECT_EQ(ErrorOf("m f=.5"),
            "Unable to parse floating-point value '.5' for field 'f' at column 5");
  EXPECT_EQ(ErrorOf("m f=x1"),
            "invalid field value 'x1' for field 'f' at column 5: expected a number (1.5, 1i, "
            "1u), a string in double quotes, or a boolean (t, true, f, false, ...)");
}

TEST(ParserTest, RejectsNanAndInfinity) {
  for (const std::string text : {"NaN", "nan", "Inf", "inf", "-inf", "Infinity"}) {
    EXPECT_THAT(ErrorOf("m f=" + text), HasSubstr("value")) << text;
  }
  EXPECT_EQ(ErrorOf("m f=1e400"),
            "Unable to parse floating-point value '1e400' for field 'f' at column 5: out of range "
            "for a 64-bit float");
  EXPECT_THAT(ErrorOf("m f=-" + std::string(400, '9')), HasSubstr("out of range"));
}

TEST(ParserTest, IntegerValues) {
  EXPECT_EQ(ParseValid("m f=1i").value().i, 1);
  EXPECT_EQ(ParseValid("m f=-1i").value().i, -1);
  EXPECT_EQ(ParseValid("m f=0i").value().i, 0);
  EXPECT_EQ(ParseValid("m f=007i").value().i, 7);
  EXPECT_EQ(ParseValid("m f=9223372036854775807i").value().i, std::numeric_limits<int64_t>::max());
  EXPECT_EQ(ParseValid("m f=-9223372036854775808i").value().i, std::numeric_limits<int64_t>::min());
  EXPECT_EQ(ParseValid("m f=1i").value().type, FieldType::kInteger);
}

TEST(ParserTest, RejectsBadIntegers) {
  // Values are quoted as written, with their suffix.
  EXPECT_EQ(ErrorOf("m f=9223372036854775808i"),
            "Unable to parse integer value '9223372036854775808i' for field 'f' at column 5: "
            "out of range for a signed 64-bit integer");
  EXPECT_EQ(ErrorOf("m f=-9223372036854775809i"),
            "Unable to parse integer value '-9223372036854775809i' for field 'f' at column 5: "
            "out of range for a signed 64-bit integer");
  EXPECT_THAT(ErrorOf("m f=99999999999999999999999999999999i"),
              HasSubstr("'99999999999999999999999999999999i' for field 'f' at column 5: out of "
                        "range"));
  EXPECT_EQ(ErrorOf("m f=1ix"), "Unable to parse integer value '1ix' for field 'f' at column 5");
  // A malformed number with an `i` suffix is reported as a bad integer, not a bad float.
  EXPECT_EQ(ErrorOf("m f=1.5i"), "Unable to parse integer value '1.5i' for field 'f' at column 5");
  EXPECT_EQ(ErrorOf("m f=1e3i"), "Unable to parse integer value '1e3i' for field 'f' at column 5");
  EXPECT_EQ(ErrorOf("m f=+1i"), "Unable to parse integer value '+1i' for field 'f' at column 5");
  EXPECT_EQ(ErrorOf("m f=-i"), "Unable to parse integer value '-i' for field 'f' at column 5");
  // Only if what comes before the suffix looks like a number.
  EXPECT_EQ(ErrorOf("m f=1\"i"),
            "Unable to parse floating-point value '1\"i' for field 'f' at column 5");
  EXPECT_EQ(ErrorOf("m f=1xi"),
            "Unable to parse floating-point value '1xi' for field 'f' at column 5");
  // Out of range is told before trailing content.
  EXPECT_THAT(ErrorOf("m f=9223372036854775808i\t1"), HasSubstr("out of range"));
}

TEST(ParserTest, UnsignedValues) {
  EXPECT_EQ(ParseValid("m f=0u").value().u, 0u);
  EXPECT_EQ(ParseValid("m f=23u").value().u, 23u);
  EXPECT_EQ(ParseValid("m f=18446744073709551615u").value().u,
            std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(ParseValid("m f=1u").value().type, FieldType::kUInteger);
  EXPECT_EQ(ErrorOf("m f=18446744073709551616u"),
            "Unable to parse unsigned integer value '18446744073709551616u' for field 'f' at "
            "column 5: out of range for an unsigned 64-bit integer");
  EXPECT_EQ(ErrorOf("m f=-1u"),
            "Unable to parse unsigned integer value '-1u' for field 'f' at column 5");
  EXPECT_EQ(ErrorOf("m f=1.0u"),
            "Unable to parse unsigned integer value '1.0u' for field 'f' at column 5");
  EXPECT_EQ(ErrorOf("m f=1ux"),
            "Unable to parse unsigned integer value '1ux' for field 'f' at column 5");
}

TEST(ParserTest, BooleanValues) {
  for (const std::string text : {"t", "T", "true", "True", "TRUE"}) {
    OneLine one = ParseValid("m f=" + text);
    EXPECT_EQ(one.value().type, FieldType::kBoolean) << text;
    EXPECT_TRUE(one.value().b) << text;
  }
  for (const std::string text : {"f", "F", "false", "False", "FALSE"}) {
    OneLine one = ParseValid("m f=" + text + ",g=1");
    EXPECT_EQ(one.value().type, FieldType::kBoolean) << text;
    EXPECT_FALSE(one.value().b) << text;
  }
  for (const std::string text : {"tru", "TRue", "truee", "fals", "yes"}) {
    EXPECT_THAT(ErrorOf("m f=" + text), HasSubstr("'" + text + "'")) << text;
  }
  EXPECT_EQ(ErrorOf("m f=tru"),
            "invalid boolean value 'tru' for field 'f' at column 5: expected t, T, true, True, "
            "TRUE, f, F, false, False or FALSE");
}

TEST(ParserTest, StringValueLimit) {
  const std::string exactly(kMaxStringFieldBytes, 'x');
  OneLine one = ParseValid("m f=\"" + exactly + "\"");
  EXPECT_EQ(one.value().s.size(), kMaxStringFieldBytes);
  EXPECT_EQ(ErrorOf("m f=\"" + exactly + "x\""),
            "string value for field 'f' is 1048577 bytes, more than the limit of 1048576 bytes");
  // The limit applies to the unescaped value: 2^20 escaped quotes are 2^20 bytes.
  std::string escaped;
  for (size_t i = 0; i < kMaxStringFieldBytes; ++i) {
    escaped += "\\\"";
  }
  EXPECT_EQ(ParseValid("m f=\"" + escaped + "\"").value().s.size(), kMaxStringFieldBytes);
}

TEST(ParserTest, RejectsBadStrings) {
  EXPECT_EQ(ErrorOf("m f=\"abc"), "unterminated string value for field 'f' starting at column 5");
  EXPECT_EQ(ErrorOf("m f=\"abc\"x"),
            "Could not parse entire line. Found trailing content: 'x' after the string value of "
            "field 'f' at column 10");
  // The trailing content is the rest of the line, as after a timestamp.
  EXPECT_EQ(ErrorOf("m f=\"abc\"x 12\r\n"),
            "Could not parse entire line. Found trailing content: 'x 12' after the string value "
            "of field 'f' at column 10");
}

TEST(ParserTest, RejectsTrailingContentAfterEachValueType) {
  // A tab or a CR ends a value's token but may not follow a value: the value is good, and what
  // follows it is trailing content (InfluxDB: "Found trailing content: '\t9'").
  const std::pair<std::string, std::string> cases[] = {
      {"1.5", "floating-point"},
      {"1", "floating-point"},
      {"-1e3", "floating-point"},
      {"1i", "integer"},
      {"-1i", "integer"},
      {"1u", "unsigned integer"},
      {"\"x\"", "string"},
      {"t", "boolean"},
      {"FALSE", "boolean"},
  };
  for (const auto& [value, type_name] : cases) {
    const int64_t column = 5 + static_cast<int64_t>(value.size());
    EXPECT_EQ(ErrorOf("m f=" + value + "\t9"),
              fmt::format("Could not parse entire line. Found trailing content: '\t9' after the "
                          "{} value of field 'f' at column {}",
                          type_name,
                          column))
        << value;
    // A CR that is not part of a CRLF is an ordinary byte, here trailing content.
    EXPECT_EQ(ErrorOf("m f=" + value + "\rx 1\r\n"),
              fmt::format("Could not parse entire line. Found trailing content: '\rx 1' after "
                          "the {} value of field 'f' at column {}",
                          type_name,
                          column))
        << value;
  }
  EXPECT_EQ(ErrorOf("m f=1,g=2\t,h=3"),
            "Could not parse entire line. Found trailing content: '\t,h=3' after the "
            "floating-point value of field 'g' at column 10");
  // A bad token is still reported as a bad value.
  EXPECT_EQ(ErrorOf("m f=1.5x\t9"),
            "Unable to parse floating-point value '1.5x' for field 'f' at column 5");
  EXPECT_EQ(ErrorOf("m f=1e400\t9"),
            "Unable to parse floating-point value '1e400' for field 'f' at column 5: out of "
            "range for a 64-bit float");
  EXPECT_EQ(ErrorOf("m f=\t9"), "missing value for field 'f' at column 5");
}

TEST(ParserTest, MixedFieldTypes) {
  OneLine one = ParseValid(R"(foo asdf=23.1,bar=-5i,qux=9u,baz="the string",frab=false 1234)");
  ASSERT_EQ(one.fields().size(), 5u);
  EXPECT_EQ(one.value(0).type, FieldType::kFloat);
  EXPECT_EQ(one.value(1).type, FieldType::kInteger);
  EXPECT_EQ(one.value(2).type, FieldType::kUInteger);
  EXPECT_EQ(one.value(3).type, FieldType::kString);
  EXPECT_EQ(one.value(4).type, FieldType::kBoolean);
  EXPECT_EQ(FieldTypeName(FieldType::kFloat), "float");
  EXPECT_EQ(FieldTypeName(FieldType::kInteger), "integer");
  EXPECT_EQ(FieldTypeName(FieldType::kUInteger), "uinteger");
  EXPECT_EQ(FieldTypeName(FieldType::kString), "string");
  EXPECT_EQ(FieldTypeName(FieldType::kBoolean), "boolean");
}

// ---------------------------------------------------------------------------------------------
// Structural errors.

TEST(ParserTest, MeasurementErrors) {
  EXPECT_EQ(ErrorOf(",tag1=1 value=1 123"), "Invalid measurement was provided");
  EXPECT_EQ(ErrorOf(std::string("\0 f=1", 5)), "Invalid measurement was provided");
  EXPECT_EQ(ErrorOf(std::string("m\0 f=1", 6)),
            "Invalid measurement was provided: NUL byte at column 2");
}

TEST(ParserTest, TagSetErrors) {
  EXPECT_EQ(ErrorOf("m, f=1"), "Tag Set Malformed: empty tag key at column 3");
  EXPECT_EQ(ErrorOf("m,=v f=1"), "Tag Set Malformed: empty tag key at column 3");
  EXPECT_EQ(ErrorOf("m,t f=1"), "Tag Set Malformed: missing '=' after tag key 't' at column 4");
  EXPECT_EQ(ErrorOf("m,t= f=1"), "Tag Set Malformed: empty value for tag key 't' at column 5");
  EXPECT_EQ(ErrorOf("m,t=v, f=1"), "Tag Set Malformed: empty tag key at column 7");
  EXPECT_EQ(ErrorOf("m,t=v\tf=1"), "expected a space before the field set at column 6, found '\t'");
}

TEST(ParserTest, FieldSetErrors) {
  EXPECT_EQ(ErrorOf("m"), "No fields were provided");
  EXPECT_EQ(ErrorOf("m "), "No fields were provided");
  EXPECT_EQ(ErrorOf("m,t=v"), "No fields were provided");
  EXPECT_EQ(ErrorOf("foo 1234"), "No fields were provided");
  EXPECT_EQ(ErrorOf("m =1"), "Field Set Malformed: empty field key at column 3");
  EXPECT_EQ(ErrorOf("m f=1,"), "Field Set Malformed: empty field key at column 7");
  EXPECT_EQ(ErrorOf("m f=1,g"), "Field Set Malformed: missing '=' after field key 'g' at column 8");
  EXPECT_EQ(ErrorOf("m f="), "missing value for field 'f' at column 5");
  EXPECT_EQ(ErrorOf("m f=,g=1"), "missing value for field 'f' at column 5");
  EXPECT_THAT(ErrorOf("m\tf=1"), HasSubstr("column 2"));
  EXPECT_EQ(ErrorOf("m f=1\tg=2"),
            "Could not parse entire line. Found trailing content: '\tg=2' after the "
            "floating-point value of field 'f' at column 6");
}

TEST(ParserTest, DuplicateKeys) {
  EXPECT_EQ(ErrorOf("m,tag=1,tag=2 f=1"),
            "Must not contain duplicate tags, but \"tag\" was repeated");
  EXPECT_EQ(ErrorOf("m f=1,g=2,f=3"), "duplicate field key 'f'");
  EXPECT_EQ(ErrorOf("m,a=1 a=2"), "field key 'a' is also a tag key of this line");
  // Escaped and unescaped spellings of the same key are the same key.
  EXPECT_EQ(ErrorOf(R"(m a\ b=1,a\ b=2)"), "duplicate field key 'a b'");
}

TEST(ParserTest, DuplicateKeysInLinesWithManyKeys) {
  std::string line = "m";
  for (int i = 0; i < 200; ++i) {
    line += fmt::format(",t{}=v", i);
  }
  line += " ";
  for (int i = 0; i < 300; ++i) {
    line += fmt::format("{}f{}=1i", i == 0 ? "" : ",", i);
  }
  OneLine one = ParseValid(line);
  EXPECT_EQ(one.tags().size(), 200u);
  EXPECT_EQ(one.fields().size(), 300u);
  EXPECT_EQ(ErrorOf(line + ",f150=2i"), "duplicate field key 'f150'");
  EXPECT_EQ(ErrorOf(line + ",t150=2i"), "field key 't150' is also a tag key of this line");
  EXPECT_EQ(ErrorOf("m,t7=x" + line.substr(1)),
            "Must not contain duplicate tags, but \"t7\" was repeated");
}

// ---------------------------------------------------------------------------------------------
// Timestamps and precision.

TEST(ParserTest, TimestampsInEachPrecision) {
  const std::pair<Precision, int64_t> cases[] = {
      {Precision::kNanosecond, 7},
      {Precision::kMicrosecond, 7'000},
      {Precision::kMillisecond, 7'000'000},
      {Precision::kSecond, 7'000'000'000},
      {Precision::kMinute, 420'000'000'000},
      {Precision::kHour, 25'200'000'000'000},
  };
  for (const auto& [precision, expected] : cases) {
    EXPECT_EQ(ParseValid("m f=1 7", {.precision = precision}).line.time_ns, expected);
    EXPECT_EQ(ParseValid("m f=1 -7", {.precision = precision}).line.time_ns, -expected);
  }
}

TEST(ParserTest, AutoPrecisionGuessesFromMagnitude) {
  const ParseOptions options = {.precision = Precision::kAuto};
  EXPECT_EQ(ParseValid("m f=1 1708976567", options).line.time_ns, 1'708'976'567'000'000'000);
  EXPECT_EQ(ParseValid("m f=1 4999999999", options).line.time_ns, 4'999'999'999'000'000'000);
  EXPECT_EQ(ParseValid("m f=1 5000000000", options).line.time_ns, 5'000'000'000'000'000);
  EXPECT_EQ(ParseValid("m f=1 1708976567123", options).line.time_ns, 1'708'976'567'123'000'000);
  EXPECT_EQ(ParseValid("m f=1 4999999999999", options).line.time_ns, 4'999'999'999'999'000'000);
  EXPECT_EQ(ParseValid("m f=1 5000000000000", options).line.time_ns, 5'000'000'000'000'000);
  EXPECT_EQ(ParseValid("m f=1 4999999999999999", options).line.time_ns, 4'999'999'999'999'999'000);
  EXPECT_EQ(ParseValid("m f=1 5000000000000000", options).line.time_ns, 5'000'000'000'000'000);
  EXPECT_EQ(ParseValid("m f=1 1708976567123456789", options).line.time_ns,
            1'708'976'567'123'456'789);
  EXPECT_EQ(ParseValid("m f=1 -1708976567", options).line.time_ns, -1'708'976'567'000'000'000);
  EXPECT_EQ(ParseValid("m f=1 0", options).line.time_ns, 0);
}

TEST(ParserTest, TimestampLimits) {
  const ParseOptions ns = {.precision = Precision::kNanosecond};
  EXPECT_EQ(ParseValid("m f=1 9223372036854775807", ns).line.time_ns,
            std::numeric_limits<int64_t>::max());
  EXPECT_EQ(ParseValid("m f=1 -9223372036854775808", ns).line.time_ns,
            std::numeric_limits<int64_t>::min());
  EXPECT_EQ(ErrorOf("m f=1 9223372036854775808", ns),
            "Unable to parse timestamp value '9223372036854775808' at column 7: out of range for "
            "a signed 64-bit integer");
  EXPECT_THAT(ErrorOf("m f=1 99999999999999999999999999999999", ns), HasSubstr("out of range"));
  EXPECT_EQ(ErrorOf("m f=1 9223372036854775807", {.precision = Precision::kSecond}),
            "timestamp, 9223372036854775807, out of range for precision: Second");
  EXPECT_EQ(ErrorOf("m f=1 -9223372036854775", {.precision = Precision::kMillisecond}),
            "timestamp, -9223372036854775, out of range for precision: Millisecond");
  // The largest second timestamp that fits.
  EXPECT_EQ(ParseValid("m f=1 9223372036", {.precision = Precision::kSecond}).line.time_ns,
            9'223'372'036'000'000'000);
  EXPECT_THAT(ErrorOf("m f=1 9223372037", {.precision = Precision::kSecond}),
              StartsWith("timestamp, 9223372037, out of range"));
}

TEST(ParserTest, RejectsBadTimestamps) {
  EXPECT_EQ(ErrorOf("m f=1 +123"), "Unable to parse timestamp value '+123' at column 7");
  EXPECT_EQ(ErrorOf("m f=1 123abc"), "Unable to parse timestamp value '123abc' at column 7");
  EXPECT_EQ(ErrorOf("m f=1 1.5"), "Unable to parse timestamp value '1.5' at column 7");
  EXPECT_EQ(ErrorOf("m f=1 -"), "Unable to parse timestamp value '-' at column 7");
  EXPECT_EQ(ErrorOf("m f=1 12 34"),
            "Could not parse entire line. Found trailing content: '34' at column 10");
  EXPECT_EQ(ErrorOf("m f=1 12 34 56\r\n"),
            "Could not parse entire line. Found trailing content: '34 56' at column 10");
  EXPECT_EQ(ErrorOf("m f=1 12\t"),
            "Could not parse entire line. Found trailing content: '\t' at column 9");
  EXPECT_EQ(ErrorOf("m f=1 12,3"),
            "Could not parse entire line. Found trailing content: ',3' at column 9");
  // Only a tab or a CR where the timestamp would start is trailing content too.
  EXPECT_EQ(ErrorOf("m f=1 \t12"),
            "Could not parse entire line. Found trailing content: '\t12' at column 7");
  EXPECT_EQ(ErrorOf("m f=1 -\t"), "Unable to parse timestamp value '-' at column 7");
}

// ---------------------------------------------------------------------------------------------
// Lines: comments, blank lines, CRLF, line numbers, error recovery.

TEST(ParserTest, SkipsCommentsAndBlankLines) {
  const std::string body =
      "# comment\n"
      "\n"
      "   \n"
      "\t\n"
      "  # indented comment with \"quotes\" and a=1\n"
      "m f=1\n"
      "\n"
      "m f=2\n"
      "#last";
  ParseResult result = ParseBody(body);
  EXPECT_EQ(result.errors.size(), 0u);
  ASSERT_EQ(result.lines.size(), 2u);
  EXPECT_EQ(result.lines[0].line_number, 6);
  EXPECT_EQ(result.lines[1].line_number, 8);
  EXPECT_EQ(ParseBody("").lines.size(), 0u);
  EXPECT_EQ(ParseBody("\n\n\n").lines.size(), 0u);
}

TEST(ParserTest, AcceptsCrlfLineEndings) {
  const std::string body = "m,t=a f=1i 10\r\nm f=\"x\"\r\n\r\nm f=t\r\nm f=2\r\n";
  ParseResult result = ParseBody(body, {.precision = Precision::kNanosecond});
  ASSERT_EQ(result.errors.size(), 0u) << result.errors[0].message;
  ASSERT_EQ(result.lines.size(), 4u);
  EXPECT_EQ(result.lines[0].text, "m,t=a f=1i 10");
  EXPECT_EQ(result.lines[0].time_ns, 10);
  EXPECT_EQ(result.lines[1].text, "m f=\"x\"");
  EXPECT_EQ(result.lines[2].line_number, 4);
  EXPECT_EQ(result.lines[3].text, "m f=2");
  EXPECT_EQ(result.fields[3].value.f, 2.0);
  // A CR not followed by a newline is an ordinary byte.
  EXPECT_EQ(ParseValid("m,t=a\rb f=1").tags()[0].value, "a\rb");
}

TEST(ParserTest, LoneCrAtTheEndOfTheBodyIsNotALineEnding) {
  // As in the middle of the body, a CR without a newline after it is an ordinary byte: after a
  // value or a timestamp it is trailing content, and it stays in original_line.
  const std::pair<std::string, std::string> cases[] = {
      {"m f=1 12\r", "Could not parse entire line. Found trailing content: '\r' at column 9"},
      {"m f=1 12 \r", "Could not parse entire line. Found trailing content: '\r' at column 10"},
      {"m f=1 \r", "Could not parse entire line. Found trailing content: '\r' at column 7"},
      {"m f=2\r",
       "Could not parse entire line. Found trailing content: '\r' after the floating-point "
       "value of field 'f' at column 6"},
      {"m f=\"x\"\r",
       "Could not parse entire line. Found trailing content: '\r' after the string value of "
       "field 'f' at column 8"},
      {"m f=t\r",
       "Could not parse entire line. Found trailing content: '\r' after the boolean value of "
       "field 'f' at column 6"},
      {"m,t=a\r", "No fields were provided"},
  };
  for (const auto& [line, message] : cases) {
    ParseResult result = ParseBody("ok f=1\r\n" + line);
    ASSERT_EQ(result.lines.size(), 1u) << line;
    ASSERT_EQ(result.errors.size(), 1u) << line;
    EXPECT_EQ(result.errors[0].line_number, 2) << line;
    EXPECT_EQ(result.errors[0].original_line, line) << line;
    EXPECT_EQ(result.errors[0].message, message) << line;
  }
  // A last line of only a CR is not blank: the CR would be a measurement.
  ParseResult only_cr = ParseBody("m f=1\n\r");
  ASSERT_EQ(only_cr.errors.size(), 1u);
  EXPECT_EQ(only_cr.errors[0].line_number, 2);
  EXPECT_EQ(only_cr.errors[0].original_line, "\r");
  EXPECT_EQ(only_cr.errors[0].message, "No fields were provided");
  // A comment may end with one.
  EXPECT_EQ(ParseBody("m f=1\n# comment\r").errors.size(), 0u);
}

TEST(ParserTest, ReportsErrorsWithLineNumbersAndContinues) {
  const std::string body =
      "m f=1\n"
      "\n"
      "bad\n"
      "# comment\n"
      "m f=2\n"
      "m f=1x\n"
      "m f=3";
  ParseResult result = ParseBody(body);
  ASSERT_EQ(result.lines.size(), 3u);
  EXPECT_EQ(result.lines[0].line_number, 1);
  EXPECT_EQ(result.lines[1].line_number, 5);
  EXPECT_EQ(result.lines[2].line_number, 7);
  ASSERT_EQ(result.errors.size(), 2u);
  EXPECT_EQ(result.error_count, 2);
  EXPECT_EQ(result.errors[0].line_number, 3);
  EXPECT_EQ(result.errors[0].original_line, "bad");
  EXPECT_EQ(result.errors[0].message, "No fields were provided");
  EXPECT_EQ(result.errors[1].line_number, 6);
  EXPECT_EQ(result.errors[1].original_line, "m f=1x");
  // A bad line's entries do not leak into the result.
  EXPECT_EQ(result.fields.size(), 3u);
  EXPECT_EQ(result.fields[2].value.f, 3.0);
}

TEST(ParserTest, BadLineEndsWhereInfluxDbSplitsLines) {
  // An unbalanced quote in the field set swallows the next physical line, as in InfluxDB.
  const std::string body = "m f=1x\"\nm g=2\"\nm h=3";
  ParseResult result = ParseBody(body);
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].original_line, "m f=1x\"\nm g=2\"");
  ASSERT_EQ(result.lines.size(), 1u);
  EXPECT_EQ(result.lines[0].line_number, 3);
  EXPECT_EQ(result.lines[0].measurement, "m");
}

TEST(ParserTest, UnterminatedStringSwallowsTheRestOfTheBody) {
  // As in InfluxDB, the lines after an unterminated string are part of it, so they are not
  // written; the error shows the line only up to the end of the line where the string starts.
  ParseResult rest = ParseBody("ok f=1\r\nm f=\"abc\r\nm f=1\nm f=2\n");
  ASSERT_EQ(rest.lines.size(), 1u);
  ASSERT_EQ(rest.errors.size(), 1u);
  EXPECT_EQ(rest.errors[0].line_number, 2);
  EXPECT_EQ(rest.errors[0].original_line, "m f=\"abc");
  EXPECT_EQ(rest.errors[0].message, "unterminated string value for field 'f' starting at column 5");
  // A line continued by an escaped newline before the string keeps its first part.
  ParseResult continued = ParseBody("m,t=a\\\nb f=\"abc\nm f=1");
  ASSERT_EQ(continued.errors.size(), 1u);
  EXPECT_EQ(continued.errors[0].line_number, 1);
  EXPECT_EQ(continued.errors[0].original_line, "m,t=a\\\nb f=\"abc");
  EXPECT_EQ(continued.lines.size(), 0u);
  // A string that starts after an earlier multi-line string keeps that one too.
  ParseResult after = ParseBody("m a=\"x\ny\",b=\"abc\nm f=1");
  ASSERT_EQ(after.errors.size(), 1u);
  EXPECT_EQ(after.errors[0].original_line, "m a=\"x\ny\",b=\"abc");
  EXPECT_EQ(after.errors[0].message,
            "unterminated string value for field 'b' starting at column 13");
  // The original_line is cut as any other.
  const std::string long_line = "m f=\"" + std::string(300, 'x');
  ParseResult cut = ParseBody(long_line + "\nm f=1");
  ASSERT_EQ(cut.errors.size(), 1u);
  EXPECT_EQ(cut.errors[0].original_line, long_line.substr(0, kMaxErrorLineBytes) + "...");
}

TEST(ParserTest, MultiLineStringOnlyWhereInfluxDbSplitsThatWay) {
  // InfluxDB's splitter opens a quote only when more '=' than ',' were seen in the field set;
  // with a comma in the field key it does not, so the newline ends the line.
  ParseResult result = ParseBody("m a,b=\"x\ny\"\nm c=1");
  ASSERT_EQ(result.errors.size(), 2u);
  EXPECT_EQ(result.errors[0].line_number, 1);
  EXPECT_EQ(result.errors[0].original_line, "m a,b=\"x");
  EXPECT_EQ(result.errors[0].message,
            "unterminated string value for field 'a,b' starting at column 7");
  EXPECT_EQ(result.errors[1].line_number, 2);
  ASSERT_EQ(result.lines.size(), 1u);
  EXPECT_EQ(result.lines[0].line_number, 3);
  // The same when the string is not terminated at all, or an error follows it: the error is
  // the one of the line InfluxDB's splitter sees, and the lines after it are parsed.
  ParseResult unterminated = ParseBody("m a,b=\"x\ny\nm c=1");
  ASSERT_EQ(unterminated.errors.size(), 2u);
  EXPECT_EQ(unterminated.errors[0].original_line, "m a,b=\"x");
  EXPECT_EQ(unterminated.errors[0].message,
            "unterminated string value for field 'a,b' starting at column 7");
  EXPECT_EQ(unterminated.errors[1].line_number, 2);
  EXPECT_EQ(unterminated.errors[1].original_line, "y");
  ASSERT_EQ(unterminated.lines.size(), 1u);
  EXPECT_EQ(unterminated.lines[0].line_number, 3);
  ParseResult later_error = ParseBody("m a,b=\"x\ny\",c=1x\nm c=1");
  ASSERT_EQ(later_error.errors.size(), 2u);
  EXPECT_EQ(later_error.errors[0].original_line, "m a,b=\"x");
  EXPECT_EQ(later_error.errors[0].message,
            "unterminated string value for field 'a,b' starting at column 7");
  ASSERT_EQ(later_error.lines.size(), 1u);
  EXPECT_EQ(later_error.lines[0].line_number, 3);
  // Without the comma the string spans both lines.
  ParseResult spanning = ParseBody("m ab=\"x\ny\"\nm c=1");
  EXPECT_EQ(spanning.errors.size(), 0u);
  ASSERT_EQ(spanning.lines.size(), 2u);
  EXPECT_EQ(spanning.fields[0].value.s, "x\ny");
}

TEST(ParserTest, TruncatesOriginalLineOfErrors) {
  const std::string bad = "m " + std::string(1000, 'x');
  ParseResult result = ParseBody(bad + "\nm f=1");
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].original_line, bad.substr(0, kMaxErrorLineBytes) + "...");
  EXPECT_EQ(result.lines.size(), 1u);
  // A long token is echoed shortened in the message too.
  const std::string message = ErrorOf("m f=" + std::string(1000, '1') + "x");
  EXPECT_LT(message.size(), 200u);
  EXPECT_THAT(message, HasSubstr("...'"));
}

TEST(ParserTest, OriginalLineIsValidUtf8) {
  // Cutting must not split a multi-byte character, and invalid bytes become U+FFFD.
  const std::string bad = "m " + std::string(255, 'x') + "é" + std::string(100, 'y');
  ParseResult result = ParseBody(bad);
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].original_line, "m " + std::string(254, 'x') + "...");
  ParseResult invalid = ParseBody("m\xff f=1");
  ASSERT_EQ(invalid.errors.size(), 1u);
  EXPECT_EQ(invalid.errors[0].original_line, "m\xEF\xBF\xBD f=1");
}

TEST(ParserTest, MakeLineErrorAppliesTheOriginalLineRules) {
  // The same rules as for errors the parser reports itself; later stages build theirs with it.
  LineError error = MakeLineError(7, "m " + std::string(300, 'x'), "bad \xff");
  EXPECT_EQ(error.line_number, 7);
  EXPECT_EQ(error.original_line, "m " + std::string(254, 'x') + "...");
  EXPECT_EQ(error.message, "bad \xEF\xBF\xBD");
  EXPECT_EQ(MakeLineError(1, "m\xff f=1", "ok").original_line, "m\xEF\xBF\xBD f=1");
}

TEST(ParserTest, LimitsTheNumberOfReportedErrors) {
  std::string body;
  for (int i = 0; i < 10; ++i) {
    body += "bad\nm f=1\n";
  }
  ParseResult result = ParseBody(body, {.max_reported_errors = 3});
  EXPECT_EQ(result.lines.size(), 10u);
  EXPECT_EQ(result.errors.size(), 3u);
  EXPECT_EQ(result.error_count, 10);
  EXPECT_EQ(result.errors[2].line_number, 5);
}

TEST(ParserTest, ReusesResultAndClearsIt) {
  ParseResult result;
  const std::string first = R"(a\ b,t\=1=x f="q\"q" 1)";
  Parse(first, {}, &result);
  ASSERT_EQ(result.lines.size(), 1u);
  EXPECT_EQ(result.lines[0].measurement, "a b");
  const std::string second = "bad\nm2 g=2i\nm3 h=3u";
  Parse(second, {}, &result);
  ASSERT_EQ(result.lines.size(), 2u);
  EXPECT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.tags.size(), 0u);
  EXPECT_EQ(result.fields.size(), 2u);
  EXPECT_EQ(result.lines[1].measurement, "m3");
  EXPECT_EQ(result.FieldsOf(result.lines[1])[0].value.u, 3u);
  const std::string third = R"(e\,x,k=v\ v f=1)";
  Parse(third, {}, &result);
  ASSERT_EQ(result.lines.size(), 1u);
  EXPECT_EQ(result.errors.size(), 0u);
  EXPECT_EQ(result.error_count, 0);
  EXPECT_EQ(result.lines[0].measurement, "e,x");
  EXPECT_EQ(result.tags[0].value, "v v");
  EXPECT_TRUE(result.OwnsView(result.tags[0].value));
}

TEST(ParserTest, ManyLines) {
  std::string body;
  for (int i = 0; i < 5000; ++i) {
    body += fmt::format("cpu,host=h{} v={}i,w=\"s{}\" {}\n", i % 7, i, i, 1000 + i);
  }
  ParseResult result = ParseBody(body, {.precision = Precision::kNanosecond});
  ASSERT_EQ(result.lines.size(), 5000u);
  for (int i = 0; i < 5000; ++i) {
    const Line& line = result.lines[i];
    ASSERT_EQ(line.line_number, i + 1);
    ASSERT_EQ(line.time_ns, 1000 + i);
    ASSERT_EQ(result.FieldsOf(line)[0].value.i, i);
    ASSERT_EQ(result.FieldsOf(line)[1].value.s, fmt::format("s{}", i));
    ASSERT_EQ(result.TagsOf(line)[0].value, fmt::format("h{}", i % 7));
  }
}

}  // namespace
}  // namespace strata::lineprotocol
