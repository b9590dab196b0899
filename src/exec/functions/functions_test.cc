// The built-in scalar functions: resolution errors, values over columns with nulls, scalar-only
// calls returning scalars, dictionary inputs, and the time functions before 1970.
#include <cmath>

#include "exec/expr/expr_test_support.h"
#include "exec/function.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace strata::exec {
namespace {

using ::testing::ElementsAre;
using namespace ::strata::exec::testing;  // NOLINT

std::string ResolveError(std::string_view name, std::vector<TypeId> types) {
  const ScalarFunction* f = FunctionRegistry::Default().FindScalar(name);
  if (f == nullptr) {
    return "unknown";
  }
  absl::StatusOr<FunctionSignature> s = f->resolve(types);
  return s.ok() ? "ok" : std::string(s.status().message());
}

Datum Interval1(int32_t months, int32_t days, int64_t nanos) {
  return Scalar::FromInterval(Interval{months, days, nanos});
}

constexpr int64_t kSecond = 1'000'000'000;

TEST(FunctionResolveTest, ClearErrors) {
  EXPECT_EQ(ResolveError("round", {TypeId::kFloat64, TypeId::kInt64, TypeId::kInt64}),
            "function 'round' expects 1 or 2 arguments, got 3");
  EXPECT_EQ(ResolveError("lower", {TypeId::kInt64}), "function 'lower' does not accept int64");
  EXPECT_EQ(ResolveError("substr", {TypeId::kString}),
            "function 'substr' expects 2 or 3 arguments, got 1");
  EXPECT_EQ(ResolveError("coalesce", {}), "function 'coalesce' expects at least 1 argument, got 0");
  EXPECT_EQ(ResolveError("coalesce", {TypeId::kInt64, TypeId::kString}),
            "function 'coalesce': cannot find a common type for int64 and string");
  EXPECT_EQ(ResolveError("now", {TypeId::kInt64}), "function 'now' expects 0 arguments, got 1");
  EXPECT_EQ(ResolveError("date_bin", {TypeId::kInterval, TypeId::kFloat64}),
            "function 'date_bin' does not accept float64");
  EXPECT_EQ(ResolveError("sqrt", {TypeId::kString}), "function 'sqrt' does not accept string");
  EXPECT_EQ(ResolveError("concat", {TypeId::kInt64, TypeId::kDictionary}), "ok");
}

TEST(MathFunctionsTest, Values) {
  Datum x = Float64Column({-2.5, 2.5, std::nullopt, 0.4});
  EXPECT_THAT(Call("abs", {x}, 4), ElementsAre("2.5", "2.5", "NULL", "0.4"));
  EXPECT_THAT(Call("abs", {Int64Column({-3, INT64_MAX})}, 2),
              ElementsAre("3", "9223372036854775807"));
  EXPECT_THAT(Call("abs", {Int64Column({INT64_MIN})}, 1), ElementsAre("error:integer overflow"));
  EXPECT_THAT(Call("round", {x}, 4), ElementsAre("-3", "3", "NULL", "0"));
  EXPECT_THAT(Call("round", {Float64Column({1.2345, -1.2355}), Scalar::Int64(2)}, 2),
              ElementsAre("1.23", "-1.24"));
  EXPECT_THAT(Call("round", {Scalar::Float64(1234.5), Scalar::Int64(-2)}, 0),
              ElementsAre("scalar:1200"));
  EXPECT_THAT(Call("ceil", {x}, 4), ElementsAre("-2", "3", "NULL", "1"));
  EXPECT_THAT(Call("floor", {x}, 4), ElementsAre("-3", "2", "NULL", "0"));
  EXPECT_THAT(Call("trunc", {x}, 4), ElementsAre("-2", "2", "NULL", "0"));
  EXPECT_THAT(Call("sqrt", {Float64Column({4, -1})}, 2), ElementsAre("2", "NaN"));
  // glibc's cbrt is not correctly rounded (cbrt(27) is 3.0000000000000004).
  EXPECT_NEAR(std::stod(Call("cbrt", {Scalar::Float64(-27)}, 5)[0].substr(7)), -3.0, 1e-12);
  EXPECT_THAT(Call("power", {Float64Column({2, 3}), Scalar::Float64(10)}, 2),
              ElementsAre("1024", "59049"));
  EXPECT_THAT(Call("ln", {Scalar::Float64(1)}, 1), ElementsAre("scalar:0"));
  EXPECT_THAT(Call("log10", {Float64Column({1000})}, 1), ElementsAre("3"));
  EXPECT_THAT(Call("log2", {Float64Column({8})}, 1), ElementsAre("3"));
  EXPECT_THAT(Call("log", {Float64Column({100})}, 1), ElementsAre("2"));
  EXPECT_THAT(Call("log", {Scalar::Float64(2), Float64Column({8, 1024})}, 2),
              ElementsAre("3", "10"));
  EXPECT_THAT(Call("exp", {Scalar::Float64(0)}, 1), ElementsAre("scalar:1"));
  EXPECT_THAT(Call("sign", {Float64Column({-3, 0, 7})}, 3), ElementsAre("-1", "0", "1"));
  EXPECT_THAT(Call("pi", {}, 3), ElementsAre("scalar:3.141592653589793"));
  EXPECT_THAT(Call("degrees", {Scalar::Float64(M_PI)}, 1), ElementsAre("scalar:180"));
  EXPECT_THAT(Call("radians", {Scalar::Float64(180)}, 1), ElementsAre("scalar:3.141592653589793"));
  EXPECT_THAT(Call("atan2", {Scalar::Float64(1), Scalar::Float64(1)}, 1),
              ElementsAre("scalar:0.7853981633974483"));
  EXPECT_THAT(Call("cos", {Scalar::Float64(0)}, 1), ElementsAre("scalar:1"));
  EXPECT_THAT(Call("isnan", {Float64Column({std::nan(""), 1, std::nullopt})}, 3),
              ElementsAre("true", "false", "NULL"));
  EXPECT_THAT(Call("iszero", {Float64Column({0, -0.0, 1})}, 3),
              ElementsAre("true", "true", "false"));
  std::vector<std::string> random = Call("random", {}, 3);
  ASSERT_EQ(random.size(), 3u);
  for (const std::string& r : random) {
    const double v = std::stod(r);
    EXPECT_TRUE(v >= 0 && v < 1) << r;
  }
}

TEST(StringFunctionsTest, CaseAndLength) {
  Datum s = StringColumn({"Hello", "\xc3\x89t\xc3\xa9", std::nullopt, ""});
  EXPECT_THAT(Call("lower", {s}, 4), ElementsAre("hello", "\xc3\xa9t\xc3\xa9", "NULL", ""));
  EXPECT_THAT(Call("upper", {s}, 4), ElementsAre("HELLO", "\xc3\x89T\xc3\x89", "NULL", ""));
  EXPECT_THAT(Call("length", {s}, 4), ElementsAre("5", "3", "NULL", "0"));
  EXPECT_THAT(Call("character_length", {s}, 4), ElementsAre("5", "3", "NULL", "0"));
  EXPECT_THAT(Call("octet_length", {s}, 4), ElementsAre("5", "5", "NULL", "0"));
  EXPECT_THAT(Call("upper", {DictColumn({"a", "b", "a", std::nullopt})}, 4),
              ElementsAre("A", "B", "A", "NULL"));
  EXPECT_THAT(Call("lower", {Scalar::String("ABC")}, 10), ElementsAre("scalar:abc"));
  EXPECT_THAT(Call("initcap", {Scalar::String("hello wORLD-foo 1st")}, 1),
              ElementsAre("scalar:Hello World-Foo 1st"));
  EXPECT_THAT(Call("reverse", {Scalar::String("ab\xc3\xa9")}, 1),
              ElementsAre("scalar:\xc3\xa9"
                          "ba"));
}

TEST(StringFunctionsTest, ConcatAndSubstr) {
  Datum a = StringColumn({"a", std::nullopt, "c"});
  Datum b = StringColumn({"1", "2", std::nullopt});
  EXPECT_THAT(Call("concat", {a, b}, 3), ElementsAre("a1", "2", "c"));
  EXPECT_THAT(Call("concat", {Scalar::Null(TypeId::kString), Scalar::String("x")}, 3),
              ElementsAre("scalar:x"));
  EXPECT_THAT(Call("concat_ws", {Scalar::String("-"), a, b, Scalar::String("z")}, 3),
              ElementsAre("a-1-z", "2-z", "c-z"));
  EXPECT_THAT(Call("concat_ws", {Scalar::Null(TypeId::kString), a}, 3),
              ElementsAre("NULL", "NULL", "NULL"));
  Datum s = StringColumn({"abcdef", "h\xc3\xa9llo", std::nullopt});
  EXPECT_THAT(Call("substr", {s, Scalar::Int64(2), Scalar::Int64(3)}, 3),
              ElementsAre("bcd", "\xc3\xa9ll", "NULL"));
  EXPECT_THAT(Call("substr", {s, Scalar::Int64(3)}, 3), ElementsAre("cdef", "llo", "NULL"));
  // PostgreSQL: the window starts before the string.
  EXPECT_THAT(Call("substring", {Scalar::String("abcdef"), Scalar::Int64(0), Scalar::Int64(3)}, 1),
              ElementsAre("scalar:ab"));
  EXPECT_THAT(Call("substr", {Scalar::String("abcdef"), Scalar::Int64(-5), Scalar::Int64(3)}, 1),
              ElementsAre("scalar:"));
  EXPECT_THAT(Call("substr", {Scalar::String("abc"), Scalar::Int64(2), Scalar::Int64(-1)}, 1),
              ElementsAre("error:function 'substr': negative substring length not allowed"));
  EXPECT_THAT(
      Call("substr", {Scalar::String("abc"), Scalar::Int64(2), Scalar::Int64(INT64_MAX)}, 1),
      ElementsAre("scalar:bc"));
}

TEST(StringFunctionsTest, Others) {
  EXPECT_THAT(Call("left", {Scalar::String("abcde"), Int64Column({2, -2, 9})}, 3),
              ElementsAre("ab", "abc", "abcde"));
  EXPECT_THAT(Call("right", {Scalar::String("abcde"), Int64Column({2, -2, INT64_MIN})}, 3),
              ElementsAre("de", "cde", ""));
  EXPECT_THAT(Call("trim", {Scalar::String("  a b  ")}, 1), ElementsAre("scalar:a b"));
  EXPECT_THAT(Call("ltrim", {Scalar::String("xxaxx"), Scalar::String("x")}, 1),
              ElementsAre("scalar:axx"));
  EXPECT_THAT(Call("rtrim", {Scalar::String("xxaxy"), Scalar::String("xy")}, 1),
              ElementsAre("scalar:xxa"));
  EXPECT_THAT(Call("btrim", {Scalar::String("xyx")}, 1), ElementsAre("scalar:xyx"));
  EXPECT_THAT(
      Call("replace", {StringColumn({"aXbXc", ""}), Scalar::String("X"), Scalar::String("--")}, 2),
      ElementsAre("a--b--c", ""));
  EXPECT_THAT(Call("starts_with", {DictColumn({"cpu0", "mem"}), Scalar::String("cpu")}, 2),
              ElementsAre("true", "false"));
  EXPECT_THAT(Call("ends_with", {StringColumn({"cpu0", "mem"}), Scalar::String("em")}, 2),
              ElementsAre("false", "true"));
  EXPECT_THAT(Call("strpos", {StringColumn({"h\xc3\xa9llo", "abc"}), Scalar::String("l")}, 2),
              ElementsAre("3", "0"));
  EXPECT_THAT(Call("repeat", {Scalar::String("ab"), Int64Column({3, 0, -1})}, 3),
              ElementsAre("ababab", "", ""));
  EXPECT_THAT(Call("lpad", {Scalar::String("hi"), Int64Column({5, 1}), Scalar::String("xy")}, 2),
              ElementsAre("xyxhi", "h"));
  EXPECT_THAT(Call("rpad", {Scalar::String("hi"), Scalar::Int64(4)}, 1),
              ElementsAre("scalar:hi  "));
  EXPECT_THAT(Call("split_part",
                   {Scalar::String("a,b,,c"), Scalar::String(","), Int64Column({2, 3, 4, 5, -1})},
                   5),
              ElementsAre("b", "", "c", "", "c"));
  EXPECT_THAT(Call("split_part", {Scalar::String("a"), Scalar::String(","), Scalar::Int64(0)}, 1),
              ElementsAre("error:function 'split_part': field position must not be zero"));
  EXPECT_THAT(Call("to_hex", {Int64Column({255, -1})}, 2), ElementsAre("ff", "ffffffffffffffff"));
  EXPECT_THAT(
      Call("md5", {StringColumn({"abc", "", std::nullopt})}, 3),
      ElementsAre("900150983cd24fb0d6963f7d28e17f72", "d41d8cd98f00b204e9800998ecf8427e", "NULL"));
  EXPECT_THAT(Call("ascii", {StringColumn({"A", "\xc3\xa9t\xc3\xa9", "", std::nullopt})}, 4),
              ElementsAre("65", "233", "0", "NULL"));
  EXPECT_THAT(Call("chr", {Int64Column({66, 233, 0x1F600})}, 3),
              ElementsAre("B", "\xc3\xa9", "\xf0\x9f\x98\x80"));
  EXPECT_THAT(Call("chr", {Scalar::Int64(0)}, 1),
              ElementsAre("error:function 'chr': 0 is not a valid character code"));
  EXPECT_THAT(Call("chr", {Scalar::Int64(0x110000)}, 1),
              ElementsAre("error:function 'chr': 1114112 is not a valid character code"));
}

TEST(StringFunctionsTest, Regex) {
  Datum s = StringColumn({"cpu-01", "mem", std::nullopt});
  EXPECT_THAT(Call("regexp_like", {s, Scalar::String("^c.u")}, 3),
              ElementsAre("true", "false", "NULL"));
  EXPECT_THAT(Call("regexp_like", {s, Scalar::String("^C"), Scalar::String("i")}, 3),
              ElementsAre("true", "false", "NULL"));
  EXPECT_THAT(
      Call("regexp_replace", {s, Scalar::String("([a-z]+)-(\\d+)"), Scalar::String("\\2_\\1")}, 3),
      ElementsAre("01_cpu", "mem", "NULL"));
  EXPECT_THAT(
      Call("regexp_replace", {Scalar::String("aaa"), Scalar::String("a"), Scalar::String("b")}, 1),
      ElementsAre("scalar:baa"));
  EXPECT_THAT(
      Call("regexp_replace",
           {Scalar::String("aAa"), Scalar::String("a"), Scalar::String("b"), Scalar::String("gi")},
           1),
      ElementsAre("scalar:bbb"));
  EXPECT_THAT(Call("regexp_like", {s, Scalar::String("[")}, 3),
              ElementsAre("error:invalid regular expression '[': missing ]: ["));
}

TEST(ConditionalFunctionsTest, CoalesceNullifGreatestLeast) {
  Datum a = Int64Column({1, std::nullopt, std::nullopt});
  Datum b = Int64Column({5, 6, std::nullopt});
  EXPECT_THAT(Call("coalesce", {a, b, Scalar::Int64(0)}, 3), ElementsAre("1", "6", "0"));
  EXPECT_THAT(Call("coalesce", {a, b}, 3), ElementsAre("1", "6", "NULL"));
  EXPECT_THAT(Call("coalesce", {Scalar::Null(TypeId::kInt64), Scalar::Int64(3)}, 3),
              ElementsAre("scalar:3"));
  EXPECT_THAT(Call("coalesce", {DictColumn({std::nullopt, "x"}), Scalar::String("none")}, 2),
              ElementsAre("none", "x"));
  EXPECT_THAT(Call("nullif", {Int64Column({1, 2, std::nullopt}), Scalar::Int64(2)}, 3),
              ElementsAre("1", "NULL", "NULL"));
  EXPECT_THAT(Call("nullif", {Scalar::String("a"), Scalar::String("a")}, 1),
              ElementsAre("scalar:NULL"));
  EXPECT_THAT(Call("greatest", {a, b, Scalar::Int64(2)}, 3), ElementsAre("5", "6", "2"));
  EXPECT_THAT(Call("least", {a, b, Scalar::Int64(2)}, 3), ElementsAre("1", "2", "2"));
  EXPECT_THAT(Call("least", {a, Scalar::Null(TypeId::kInt64)}, 3),
              ElementsAre("1", "NULL", "NULL"));
  EXPECT_THAT(Call("greatest", {Float64Column({1, std::nan("")}), Scalar::Float64(3)}, 2),
              ElementsAre("3", "NaN"));
  EXPECT_THAT(Call("greatest", {StringColumn({"b", "a"}), DictColumn({"a", "c"})}, 2),
              ElementsAre("b", "c"));
}

TEST(TimeFunctionsTest, DateTrunc) {
  // 2016-05-18T13:45:30.123456789 and 1969-12-31T23:59:59.5 (before 1970, a Wednesday).
  Datum ts = TimestampColumn({1463579130123456789, -500000000, std::nullopt});
  auto trunc = [&](std::string unit) { return Call("date_trunc", {Scalar::String(unit), ts}, 3); };
  EXPECT_THAT(trunc("second"), ElementsAre("2016-05-18T13:45:30", "1969-12-31T23:59:59", "NULL"));
  EXPECT_THAT(trunc("millisecond"),
              ElementsAre("2016-05-18T13:45:30.123", "1969-12-31T23:59:59.500", "NULL"));
  EXPECT_THAT(trunc("microsecond"),
              ElementsAre("2016-05-18T13:45:30.123456", "1969-12-31T23:59:59.500", "NULL"));
  EXPECT_THAT(trunc("minute"), ElementsAre("2016-05-18T13:45:00", "1969-12-31T23:59:00", "NULL"));
  EXPECT_THAT(trunc("hour"), ElementsAre("2016-05-18T13:00:00", "1969-12-31T23:00:00", "NULL"));
  EXPECT_THAT(trunc("day"), ElementsAre("2016-05-18T00:00:00", "1969-12-31T00:00:00", "NULL"));
  EXPECT_THAT(trunc("week"), ElementsAre("2016-05-16T00:00:00", "1969-12-29T00:00:00", "NULL"));
  EXPECT_THAT(trunc("month"), ElementsAre("2016-05-01T00:00:00", "1969-12-01T00:00:00", "NULL"));
  EXPECT_THAT(trunc("QUARTER"), ElementsAre("2016-04-01T00:00:00", "1969-10-01T00:00:00", "NULL"));
  EXPECT_THAT(trunc("year"), ElementsAre("2016-01-01T00:00:00", "1969-01-01T00:00:00", "NULL"));
  EXPECT_THAT(Call("date_trunc", {Scalar::String("year"), TimestampColumn({INT64_MIN})}, 1),
              ElementsAre("error:function 'date_trunc': timestamp out of range"));
  EXPECT_THAT(trunc("fortnight"),
              ElementsAre("error:function 'date_trunc': unsupported unit 'fortnight'"));
  EXPECT_THAT(Call("date_trunc", {Scalar::String("hour"), Scalar::Timestamp(90 * 60 * kSecond)}, 1),
              ElementsAre("scalar:1970-01-01T01:00:00"));
}

TEST(TimeFunctionsTest, DateBin) {
  Datum ts = TimestampColumn({7 * 60 * kSecond, -1, -15 * 60 * kSecond, std::nullopt});
  EXPECT_THAT(
      Call("date_bin", {Interval1(0, 0, 15 * 60 * kSecond), ts}, 4),
      ElementsAre("1970-01-01T00:00:00", "1969-12-31T23:45:00", "1969-12-31T23:45:00", "NULL"));
  // An origin 5 minutes past: bins start at :05, :20, ...
  EXPECT_THAT(
      Call("date_bin",
           {Interval1(0, 0, 15 * 60 * kSecond), ts, Scalar::Timestamp(5 * 60 * kSecond)},
           4),
      ElementsAre("1970-01-01T00:05:00", "1969-12-31T23:50:00", "1969-12-31T23:35:00", "NULL"));
  EXPECT_THAT(Call("date_bin", {Interval1(0, 1, 0), Scalar::Timestamp(1463579130123456789)}, 1),
              ElementsAre("scalar:2016-05-18T00:00:00"));
  // Month strides count calendar months from the origin.
  EXPECT_THAT(Call("date_bin", {Interval1(3, 0, 0), TimestampColumn({1463579130123456789, -1})}, 2),
              ElementsAre("2016-04-01T00:00:00", "1969-10-01T00:00:00"));
  // Bins before the first representable timestamp.
  EXPECT_THAT(Call("date_bin", {Interval1(0, 1, 0), TimestampColumn({INT64_MIN + 1})}, 1),
              ElementsAre("error:function 'date_bin': timestamp out of range"));
  EXPECT_THAT(
      Call("date_bin",
           {Interval1(0, 0, 1000), TimestampColumn({INT64_MIN + 1}), Scalar::Timestamp(INT64_MAX)},
           1),
      ElementsAre("error:function 'date_bin': timestamp out of range"));
  EXPECT_THAT(Call("date_bin", {Interval1(0, 0, 0), ts}, 4),
              ElementsAre("error:function 'date_bin': the stride must be positive"));
  EXPECT_THAT(
      Call("date_bin", {Interval1(1, 1, 0), ts}, 4),
      ElementsAre(
          "error:function 'date_bin': a stride cannot mix months with days or smaller units"));
}

TEST(TimeFunctionsTest, DatePart) {
  // 2016-05-18T13:45:30.123456789, a Wednesday, ISO week 20, day 139.
  Datum ts = TimestampColumn({1463579130123456789, -500000000, std::nullopt});
  auto part = [&](std::string field) { return Call("date_part", {Scalar::String(field), ts}, 3); };
  EXPECT_THAT(part("year"), ElementsAre("2016", "1969", "NULL"));
  EXPECT_THAT(part("quarter"), ElementsAre("2", "4", "NULL"));
  EXPECT_THAT(part("month"), ElementsAre("5", "12", "NULL"));
  EXPECT_THAT(part("week"), ElementsAre("20", "1", "NULL"));
  EXPECT_THAT(part("day"), ElementsAre("18", "31", "NULL"));
  EXPECT_THAT(part("hour"), ElementsAre("13", "23", "NULL"));
  EXPECT_THAT(part("minute"), ElementsAre("45", "59", "NULL"));
  // DataFusion: second is the whole seconds; the smaller units count the seconds and their
  // fraction in that unit, truncated.
  EXPECT_THAT(part("second"), ElementsAre("30", "59", "NULL"));
  EXPECT_THAT(part("millisecond"), ElementsAre("30123", "59500", "NULL"));
  EXPECT_THAT(part("microsecond"), ElementsAre("30123456", "59500000", "NULL"));
  EXPECT_THAT(part("nanosecond"), ElementsAre("30123456789", "59500000000", "NULL"));
  EXPECT_THAT(part("dow"), ElementsAre("3", "3", "NULL"));
  EXPECT_THAT(part("doy"), ElementsAre("139", "365", "NULL"));
  EXPECT_THAT(part("epoch"), ElementsAre("1463579130.1234567", "-0.5", "NULL"));
  EXPECT_THAT(
      Call("date_part", {Scalar::String("week"), Scalar::Timestamp(1451606400 * kSecond)}, 1),
      ElementsAre("scalar:53"));  // 2016-01-01 belongs to week 53 of 2015
  // A constant field is checked when the call is resolved.
  EXPECT_THAT(part("century"),
              ElementsAre("resolve:function 'date_part': unsupported field 'century'"));
}

TEST(TimeFunctionsTest, DatePartResultType) {
  // int64 for every constant field but epoch (float64); a field that is not a constant may vary
  // by row, so the call is float64 and every field is computed as a float.
  const ScalarFunction* f = FunctionRegistry::Default().FindScalar("date_part");
  ASSERT_NE(f, nullptr);
  const std::vector<TypeId> types = {TypeId::kString, TypeId::kTimestamp};
  const Scalar year = Scalar::String("YEAR");
  const Scalar epoch = Scalar::String("epoch");
  EXPECT_EQ(ResolveScalarCall(*f, types, {&year, nullptr})->result, TypeId::kInt64);
  EXPECT_EQ(ResolveScalarCall(*f, types, {&epoch, nullptr})->result, TypeId::kFloat64);
  EXPECT_EQ(ResolveScalarCall(*f, types, {nullptr, nullptr})->result, TypeId::kFloat64);
  EXPECT_EQ(ResolveScalarCall(*f, types, {})->result, TypeId::kFloat64);
  Datum ts = TimestampColumn({1463579130123456789, 1463579130123456789});
  EXPECT_THAT(Call("date_part", {StringColumn({"second", "epoch"}), ts}, 2),
              ElementsAre("30", "1463579130.1234567"));
}

TEST(TimeFunctionsTest, ToTimestampAndFriends) {
  EXPECT_THAT(Call("to_timestamp", {StringColumn({"2016-01-01T00:00:00.5Z", std::nullopt})}, 2),
              ElementsAre("2016-01-01T00:00:00.500", "NULL"));
  EXPECT_THAT(Call("to_timestamp", {Int64Column({1451606400, -1})}, 2),
              ElementsAre("2016-01-01T00:00:00", "1969-12-31T23:59:59"));
  EXPECT_THAT(Call("to_timestamp", {Scalar::Float64(1.5)}, 1),
              ElementsAre("scalar:1970-01-01T00:00:01.500"));
  EXPECT_THAT(Call("to_timestamp", {Scalar::String("nope")}, 1),
              ElementsAre("error:function 'to_timestamp': cannot parse 'nope' as a timestamp"));
  EXPECT_THAT(
      Call("to_timestamp", {Scalar::Int64(INT64_MAX)}, 1),
      ElementsAre("error:function 'to_timestamp': 9223372036854775807 is out of the timestamp "
                  "range"));
  EXPECT_THAT(Call("to_timestamp_millis", {StringColumn({"2020-09-08T13:42:29.190855Z"})}, 1),
              ElementsAre("2020-09-08T13:42:29.190"));
  EXPECT_THAT(Call("to_timestamp_millis", {Int64Column({1500})}, 1),
              ElementsAre("1970-01-01T00:00:01.500"));
  EXPECT_THAT(Call("to_timestamp_micros", {Int64Column({1})}, 1),
              ElementsAre("1970-01-01T00:00:00.000001"));
  EXPECT_THAT(Call("to_timestamp_nanos", {Int64Column({1})}, 1),
              ElementsAre("1970-01-01T00:00:00.000000001"));
  EXPECT_THAT(Call("to_timestamp_seconds", {Scalar::String("1969-12-31T23:59:59.5Z")}, 1),
              ElementsAre("scalar:1969-12-31T23:59:59"));
  EXPECT_THAT(Call("from_unixtime", {Int64Column({86400})}, 1), ElementsAre("1970-01-02T00:00:00"));
  EXPECT_EQ(ResolveError("from_unixtime", {TypeId::kString}),
            "function 'from_unixtime' does not accept string");
}

TEST(TimeFunctionsTest, NowAndTypeOf) {
  const ScalarFunction* now = FunctionRegistry::Default().FindScalar("now");
  ASSERT_NE(now, nullptr);
  EXPECT_FALSE(now->deterministic);
  absl::StatusOr<Datum> value = now->execute({}, 0);
  ASSERT_TRUE(value.ok());
  ASSERT_TRUE(value->is_scalar());
  EXPECT_GT(value->scalar().int64_value(), 1'700'000'000 * kSecond);  // after 2023-11
  EXPECT_THAT(Call("arrow_typeof", {DictColumn({"a"})}, 1),
              ElementsAre("scalar:Dictionary(Int32, Utf8)"));
  EXPECT_THAT(Call("arrow_typeof", {Scalar::Timestamp(0)}, 1),
              ElementsAre("scalar:Timestamp(Nanosecond, None)"));
  EXPECT_THAT(Call("arrow_typeof", {Scalar::Float64(0)}, 1), ElementsAre("scalar:Float64"));
}

}  // namespace
}  // namespace strata::exec
