// Tests of the name rules for databases, tables and columns.
#include "catalog/names.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace strata::catalog {
namespace {

using ::testing::HasSubstr;

std::string Message(const absl::Status& status) {
  return std::string(status.message());
}

TEST(DatabaseNameTest, AcceptsInfluxDbNames) {
  for (const char* name : {"mydb",
                           "sensor_data",
                           "prod-metrics",
                           "logs/application",
                           "webserver123",
                           "0db",
                           "a",
                           "DB_1-x/rp_2"}) {
    EXPECT_TRUE(ValidateDatabaseName(name).ok()) << name;
  }
  EXPECT_TRUE(ValidateDatabaseName(std::string(64, 'a')).ok());
}

TEST(DatabaseNameTest, RejectsWithReason) {
  struct Case {
    std::string name;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {"", "database name must not be empty"},
           {std::string(65, 'a'), "65 characters long, the limit is 64 characters"},
           {"my database", "contains ' ' at position 2"},
           {"sensor.data", "contains '.' at position 6"},
           {"app@server", "contains '@' at position 3"},
           {"_internal", "must start with an ASCII letter or digit"},
           {"-x", "must start with an ASCII letter or digit"},
           {"/mydb", "must start with an ASCII letter or digit"},
           {"mydb/", "must not end with '/'"},
           {"mydb/rp/extra", "contains more than one '/'"},
           {"caf\xC3\xA9", "contains byte 0xC3 at position 3"},
           {std::string("a\0b", 3), "contains byte 0x00 at position 1"},
       }) {
    absl::Status status = ValidateDatabaseName(c.name);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.name;
    EXPECT_THAT(Message(status), HasSubstr(c.message)) << c.name;
  }
  EXPECT_EQ(Message(ValidateDatabaseName("sensor.data")),
            "invalid database name 'sensor.data': contains '.' at position 6; only ASCII "
            "letters, digits, '_', '-' and one '/' are allowed");
}

TEST(TableNameTest, AcceptsUnicodeAndPunctuation) {
  for (const char* name : {"cpu",
                           "http-requests",
                           "my table",
                           "cpu.usage",
                           "a,b=c",
                           "\xEC\x9B\xB9\xEC\x84\x9C\xEB\xB2\x84",
                           "_internal",
                           "\"quoted\"",
                           "\xF0\x9F\x98\x80"}) {
    EXPECT_TRUE(ValidateTableName(name).ok()) << name;
    EXPECT_TRUE(ValidateColumnName(name).ok()) << name;
  }
  EXPECT_TRUE(ValidateTableName(std::string(kMaxTableNameLength, 'x')).ok());
}

TEST(TableNameTest, RejectsWithReason) {
  struct Case {
    std::string name;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {"", "table name must not be empty"},
           {std::string(513, 'x'), "513 bytes long, the limit is 512 bytes"},
           {"a\nb", "contains the control character U+000A at byte 1"},
           {"tab\t", "contains the control character U+0009 at byte 3"},
           {std::string("nul\0", 4), "contains the control character U+0000 at byte 3"},
           {"del\x7F", "contains the control character U+007F at byte 3"},
           {"c1\xC2\x85", "contains the control character U+0085 at byte 2"},
           {"bad\xFF", "not valid UTF-8 at byte 3"},
           {"trunc\xE2\x82", "not valid UTF-8 at byte 5"},
           {"overlong\xC0\xAF", "not valid UTF-8 at byte 8"},
           {"surrogate\xED\xA0\x80", "not valid UTF-8 at byte 9"},
           {"big\xF4\x90\x80\x80", "not valid UTF-8 at byte 3"},
       }) {
    absl::Status status = ValidateTableName(c.name);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.name;
    EXPECT_THAT(Message(status), HasSubstr(c.message)) << c.name;
  }
  EXPECT_EQ(Message(ValidateTableName("a\nb")),
            "invalid table name 'a\\x0Ab': contains the control character U+000A at byte 1");
}

TEST(ColumnNameTest, TimeIsReserved) {
  absl::Status status = ValidateColumnName("time");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(status), HasSubstr("'time' is a reserved column"));
  EXPECT_TRUE(ValidateColumnName("Time").ok());
  EXPECT_TRUE(ValidateColumnName("time_").ok());
  EXPECT_THAT(Message(ValidateColumnName(std::string(513, 'c'))), HasSubstr("invalid column name"));
}

TEST(QuoteNameTest, EscapesAndTruncates) {
  EXPECT_EQ(QuoteName("cpu"), "'cpu'");
  EXPECT_EQ(QuoteName("a\x01\xFF"), "'a\\x01\\xFF'");
  EXPECT_EQ(QuoteName("\xC3\xA9"), "'\xC3\xA9'");
  std::string long_name(300, 'x');
  EXPECT_EQ(QuoteName(long_name), "'" + std::string(100, 'x') + "...'");
}

}  // namespace
}  // namespace strata::catalog
