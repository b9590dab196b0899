// Tests of the InfluxQL lexer: token kinds and values, escapes, durations, regular expressions
// scanned on request, comments, and lexical errors with their positions.
#include "influxql/lexer.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "influxql/token.h"
#include "sql/source_position.h"

namespace strata::influxql {
namespace {

using ::testing::ElementsAre;

// Renders tokens as "kind:text" for compact comparisons (keywords by name, operators by kind).
std::vector<std::string> Render(std::string_view text) {
  absl::StatusOr<std::vector<Token>> tokens = Tokenize(text);
  if (!tokens.ok()) {
    ADD_FAILURE() << text << "\n  " << tokens.status();
    return {};
  }
  std::vector<std::string> out;
  for (const Token& token : *tokens) {
    switch (token.kind) {
      case TokenKind::kIdentifier:
        out.push_back((token.quoted ? "qid:" : "id:") + token.text);
        break;
      case TokenKind::kKeyword:
        out.push_back(std::string(KeywordName(token.keyword)));
        break;
      case TokenKind::kString:
        out.push_back("str:" + token.text);
        break;
      case TokenKind::kInteger:
        out.push_back("int:" + token.text);
        break;
      case TokenKind::kNumber:
        out.push_back("num:" + token.text);
        break;
      case TokenKind::kDuration:
        out.push_back("dur:" + token.text);
        break;
      case TokenKind::kBoundParameter:
        out.push_back("$" + token.text);
        break;
      default:
        out.push_back(std::string(TokenKindName(token.kind)));
        break;
    }
  }
  return out;
}

std::string Error(std::string_view text) {
  absl::StatusOr<std::vector<Token>> tokens = Tokenize(text);
  if (tokens.ok()) {
    ADD_FAILURE() << "expected a lexical error for: " << text;
    return "";
  }
  EXPECT_EQ(tokens.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(sql::SyntaxErrorOffset(tokens.status()).has_value());
  return std::string(tokens.status().message());
}

TEST(LexerTest, WordsKeywordsAndIdentifiers) {
  EXPECT_THAT(Render("SELECT select SeLeCt cpu Cpu _x x1 \"quoted id\" \"SELECT\""),
              ElementsAre("SELECT",
                          "SELECT",
                          "SELECT",
                          "id:cpu",
                          "id:Cpu",
                          "id:_x",
                          "id:x1",
                          "qid:quoted id",
                          "qid:SELECT",
                          "end of input"));
  // time, fill, tz and now are names, not keywords.
  EXPECT_THAT(
      Render("time fill tz now true FALSE"),
      ElementsAre("id:time", "id:fill", "id:tz", "id:now", "TRUE", "FALSE", "end of input"));
}

TEST(LexerTest, KeywordLookupIgnoresCaseOnly) {
  EXPECT_EQ(LookupKeyword("Measurements"), Keyword::kMeasurements);
  EXPECT_EQ(LookupKeyword("SUBSCRIPTIONS"), Keyword::kSubscriptions);
  EXPECT_EQ(LookupKeyword("measurementsx"), Keyword::kNone);
  EXPECT_EQ(LookupKeyword(""), Keyword::kNone);
  EXPECT_EQ(LookupKeyword("time"), Keyword::kNone);
  EXPECT_EQ(KeywordName(Keyword::kSlimit), "SLIMIT");
}

TEST(LexerTest, StringsAndQuotedIdentifiersTakeBackslashEscapes) {
  EXPECT_THAT(
      Render(R"('it\'s' 'a\\b' 'line\nbreak' 'say \"hi\"' '')"),
      ElementsAre(
          "str:it's", "str:a\\b", "str:line\nbreak", "str:say \"hi\"", "str:", "end of input"));
  EXPECT_THAT(Render(R"("a \"b\"" "c\'d" "e\\f")"),
              ElementsAre("qid:a \"b\"", "qid:c'd", "qid:e\\f", "end of input"));
  // Other characters, UTF-8 included, stand for themselves.
  EXPECT_THAT(Render("'héllo\tworld' \"日本\""),
              ElementsAre("str:héllo\tworld", "qid:日本", "end of input"));
}

TEST(LexerTest, Numbers) {
  EXPECT_THAT(
      Render("0 42 1.5 .5 1. 007"),
      ElementsAre("int:0", "int:42", "num:1.5", "num:.5", "num:1.", "int:007", "end of input"));
  // No exponents in InfluxQL: 1e5 is a (malformed) duration, for the parser to reject.
  EXPECT_THAT(Render("1e5"), ElementsAre("dur:1e5", "end of input"));
  // A number then a name: 1.5e3 is 1.5 and e3.
  EXPECT_THAT(Render("1.5e3"), ElementsAre("num:1.5", "id:e3", "end of input"));
}

TEST(LexerTest, Durations) {
  EXPECT_THAT(Render("1ns 5u 5µ 10ms 1s 1m 1h 1d 1w 1h30m 2d12h"),
              ElementsAre("dur:1ns",
                          "dur:5u",
                          "dur:5µ",
                          "dur:10ms",
                          "dur:1s",
                          "dur:1m",
                          "dur:1h",
                          "dur:1d",
                          "dur:1w",
                          "dur:1h30m",
                          "dur:2d12h",
                          "end of input"));
  EXPECT_THAT(Render("5m)"), ElementsAre("dur:5m", "')'", "end of input"));
}

TEST(LexerTest, OperatorsAndPunctuation) {
  EXPECT_THAT(Render("+ - * / % & | ^ = != <> < <= > >= =~ !~ ( ) , ; . ::"),
              ElementsAre("'+'",
                          "'-'",
                          "'*'",
                          "'/'",
                          "'%'",
                          "'&'",
                          "'|'",
                          "'^'",
                          "'='",
                          "'!='",
                          "'!='",
                          "'<'",
                          "'<='",
                          "'>'",
                          "'>='",
                          "'=~'",
                          "'!~'",
                          "'('",
                          "')'",
                          "','",
                          "';'",
                          "'.'",
                          "'::'",
                          "end of input"));
  EXPECT_THAT(Render("a<=b"), ElementsAre("id:a", "'<='", "id:b", "end of input"));
  EXPECT_THAT(Render("x::field"), ElementsAre("id:x", "'::'", "FIELD", "end of input"));
}

TEST(LexerTest, BoundParameters) {
  EXPECT_THAT(Render("$host $1 $_x $\"my param\" $select"),
              ElementsAre("$host", "$1", "$_x", "$my param", "$select", "end of input"));
}

TEST(LexerTest, CommentsAndWhitespaceAreSkipped) {
  EXPECT_THAT(Render("a -- comment\r\n\tb /* multi\nline */ c--x"),
              ElementsAre("id:a", "id:b", "id:c", "end of input"));
  // Comments do not nest: the first */ ends this one.
  EXPECT_THAT(Render("/* a /* b */ c"), ElementsAre("id:c", "end of input"));
  EXPECT_THAT(Render("a - -1"), ElementsAre("id:a", "'-'", "'-'", "int:1", "end of input"));
}

TEST(LexerTest, OffsetsAndLengths) {
  absl::StatusOr<std::vector<Token>> tokens = Tokenize("SELECT \"a b\" FROM 'x'");
  ASSERT_TRUE(tokens.ok()) << tokens.status();
  ASSERT_EQ(tokens->size(), 5u);
  EXPECT_EQ((*tokens)[1].offset, 7u);
  EXPECT_EQ((*tokens)[1].length, 5u);
  EXPECT_EQ((*tokens)[3].offset, 18u);
  EXPECT_EQ((*tokens)[3].length, 3u);
  EXPECT_EQ((*tokens)[4].kind, TokenKind::kEnd);
  EXPECT_EQ((*tokens)[4].offset, 21u);
}

TEST(LexerTest, RegexesAreScannedOnRequest) {
  const std::string text = R"(/a\/b\d+/ rest)";
  const Lexer lexer(text);
  ASSERT_TRUE(lexer.CheckText().ok());
  absl::StatusOr<Token> slash = lexer.Scan(0);
  ASSERT_TRUE(slash.ok());
  EXPECT_EQ(slash->kind, TokenKind::kSlash);  // As an operator by default.
  absl::StatusOr<Token> regex = lexer.ScanRegex(0);
  ASSERT_TRUE(regex.ok()) << regex.status();
  EXPECT_EQ(regex->kind, TokenKind::kRegex);
  EXPECT_EQ(regex->text, R"(a/b\d+)");  // \/ resolved, other escapes kept for the regex.
  EXPECT_EQ(regex->end(), 9u);
  absl::StatusOr<Token> rest = lexer.Scan(regex->end());
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(rest->text, "rest");

  // `\\/` is a backslash, then an escaped slash (influxql's scanner reads it so).
  const std::string quirk = R"(/a\\/b/)";
  absl::StatusOr<Token> quirky = Lexer(quirk).ScanRegex(0);
  ASSERT_TRUE(quirky.ok()) << quirky.status();
  EXPECT_EQ(quirky->text, R"(a\/b)");
  // An empty regex.
  absl::StatusOr<Token> empty = Lexer("//").ScanRegex(0);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->text, "");
}

TEST(LexerTest, RegexErrors) {
  absl::StatusOr<Token> unterminated = Lexer("x =~ /abc").ScanRegex(5);
  ASSERT_FALSE(unterminated.ok());
  EXPECT_EQ(unterminated.status().message(),
            "syntax error at line 1, column 6: unterminated regular expression");
  absl::StatusOr<Token> line_break = Lexer("/ab\nc/").ScanRegex(0);
  ASSERT_FALSE(line_break.ok());
  EXPECT_EQ(line_break.status().message(),
            "syntax error at line 1, column 4: line break in regular expression");
  absl::StatusOr<Token> escaped_end = Lexer(R"(/abc\/)").ScanRegex(0);
  ASSERT_FALSE(escaped_end.ok());
  EXPECT_EQ(escaped_end.status().message(),
            "syntax error at line 1, column 1: unterminated regular expression");
}

TEST(LexerTest, Errors) {
  EXPECT_EQ(Error("'abc"), "syntax error at line 1, column 1: unterminated string literal");
  EXPECT_EQ(Error("x \"abc"), "syntax error at line 1, column 3: unterminated quoted identifier");
  EXPECT_EQ(Error("'ab\\"), "syntax error at line 1, column 1: unterminated string literal");
  EXPECT_EQ(Error("'ab\ncd'"),
            "syntax error at line 1, column 4: line break in string literal (write \\n for a "
            "newline)");
  EXPECT_EQ(Error(R"('a\tb')"),
            "syntax error at line 1, column 3: invalid escape sequence \\t in string literal (the "
            "escapes are \\n, \\\\, \\' and \\\")");
  EXPECT_EQ(Error("\"\""), "syntax error at line 1, column 1: empty quoted identifier");
  EXPECT_EQ(Error("$\"\""), "syntax error at line 1, column 2: empty quoted parameter name");
  EXPECT_EQ(Error("a $ b"),
            "syntax error at line 1, column 3: expected a parameter name after '$'");
  EXPECT_EQ(Error("a /* b"), "syntax error at line 1, column 3: unterminated /* comment");
  EXPECT_EQ(Error("a # b"), "syntax error at line 1, column 3: unexpected character '#'");
  EXPECT_EQ(Error("a : b"), "syntax error at line 1, column 3: unexpected character ':'");
  EXPECT_EQ(Error("a ! b"), "syntax error at line 1, column 3: unexpected character '!'");
  EXPECT_EQ(Error("a\n  é"), "syntax error at line 2, column 3: unexpected character 'é'");
  EXPECT_EQ(Error("a\x01"), "syntax error at line 1, column 2: unexpected character U+0001");
  EXPECT_EQ(Error("a \xff"), "syntax error at line 1, column 3: invalid UTF-8");
  EXPECT_EQ(Error(std::string("a \0 b", 5)),
            "syntax error at line 1, column 3: unexpected NUL character");
}

TEST(LexerTest, LiteralSizeLimit) {
  EXPECT_TRUE(Tokenize("'" + std::string(10, 'x') + "'", 10).ok());
  absl::StatusOr<std::vector<Token>> tokens = Tokenize("a '" + std::string(11, 'x') + "'", 10);
  ASSERT_FALSE(tokens.ok());
  EXPECT_EQ(tokens.status().message(),
            "syntax error at line 1, column 3: string literal is too long (11 bytes; the limit is "
            "10)");
  tokens = Tokenize(std::string(11, 'x'), 10);
  ASSERT_FALSE(tokens.ok());
  EXPECT_EQ(tokens.status().message(),
            "syntax error at line 1, column 1: identifier is too long (11 bytes; the limit is 10)");
  tokens = Tokenize(std::string(11, '1'), 10);
  ASSERT_FALSE(tokens.ok());
  EXPECT_EQ(tokens.status().message(),
            "syntax error at line 1, column 1: number is too long (11 bytes; the limit is 10)");
  absl::StatusOr<Token> regex = Lexer("/" + std::string(11, 'x') + "/", 10).ScanRegex(0);
  ASSERT_FALSE(regex.ok());
  EXPECT_EQ(regex.status().message(),
            "syntax error at line 1, column 1: regular expression is too long (11 bytes; the limit "
            "is 10)");
}

}  // namespace
}  // namespace strata::influxql
