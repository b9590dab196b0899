// Tests of the SQL lexer: token kinds, values and positions, case folding, string and
// identifier escapes, numbers, parameters, comments, and every lexical error with its position.
#include "sql/lexer.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sql/source_position.h"

namespace strata::sql {
namespace {

using ::testing::HasSubstr;

std::vector<Token> Lex(std::string_view sql) {
  absl::StatusOr<std::vector<Token>> tokens = Tokenize(sql);
  EXPECT_TRUE(tokens.ok()) << sql << ": " << tokens.status();
  return tokens.ok() ? *std::move(tokens) : std::vector<Token>{};
}

std::vector<TokenKind> Kinds(std::string_view sql) {
  std::vector<TokenKind> kinds;
  for (const Token& token : Lex(sql)) {
    kinds.push_back(token.kind);
  }
  return kinds;
}

std::string LexError(std::string_view sql) {
  absl::StatusOr<std::vector<Token>> tokens = Tokenize(sql);
  if (tokens.ok()) {
    ADD_FAILURE() << "expected a lexical error for: " << sql;
    return "";
  }
  EXPECT_EQ(tokens.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(tokens.status().message());
}

TEST(LexerTest, EmptyInputIsJustTheEndToken) {
  const std::vector<Token> tokens = Lex("");
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens[0].kind, TokenKind::kEnd);
  EXPECT_EQ(tokens[0].offset, 0u);
  const std::string_view blank = " \t\r\n\f\v -- only a comment\n /* and another */ ";
  const std::vector<Token> spaces = Lex(blank);
  ASSERT_EQ(spaces.size(), 1u);
  EXPECT_EQ(spaces[0].offset, blank.size());
}

TEST(LexerTest, WordsFoldToLowerCaseAndKnowTheirKeyword) {
  const std::vector<Token> tokens = Lex("SELECT Host, time FROM Cpu_1$x");
  ASSERT_EQ(tokens.size(), 7u);
  EXPECT_EQ(tokens[0].kind, TokenKind::kWord);
  EXPECT_EQ(tokens[0].text, "select");
  EXPECT_EQ(tokens[0].keyword, Keyword::kSelect);
  EXPECT_EQ(tokens[1].text, "host");
  EXPECT_EQ(tokens[1].keyword, Keyword::kNone);
  EXPECT_EQ(tokens[1].offset, 7u);
  EXPECT_EQ(tokens[1].length, 4u);
  EXPECT_EQ(tokens[2].kind, TokenKind::kComma);
  EXPECT_EQ(tokens[3].keyword, Keyword::kTime);
  EXPECT_TRUE(tokens[3].IsIdentifier());  // `time` is not reserved.
  EXPECT_EQ(tokens[4].keyword, Keyword::kFrom);
  EXPECT_FALSE(tokens[4].IsIdentifier());  // FROM is reserved.
  EXPECT_EQ(tokens[5].text, "cpu_1$x");
  EXPECT_EQ(tokens[6].kind, TokenKind::kEnd);
}

TEST(LexerTest, NonAsciiLettersAreWordCharactersAndOnlyAsciiIsFolded) {
  const std::vector<Token> tokens = Lex("Température_É");
  ASSERT_EQ(tokens.size(), 2u);
  EXPECT_EQ(tokens[0].kind, TokenKind::kWord);
  EXPECT_EQ(tokens[0].text, "température_É");
}

TEST(LexerTest, QuotedIdentifiersKeepCaseAndUnescapeDoubledQuotes) {
  const std::vector<Token> tokens = Lex(R"("Host" "a""b" "select" " x ")");
  ASSERT_EQ(tokens.size(), 5u);
  EXPECT_EQ(tokens[0].kind, TokenKind::kQuotedIdentifier);
  EXPECT_EQ(tokens[0].text, "Host");
  EXPECT_EQ(tokens[0].length, 6u);
  EXPECT_EQ(tokens[1].text, "a\"b");
  EXPECT_EQ(tokens[2].text, "select");
  EXPECT_EQ(tokens[2].keyword, Keyword::kNone);  // Quoted: never a keyword.
  EXPECT_TRUE(tokens[2].IsIdentifier());
  EXPECT_EQ(tokens[3].text, " x ");
}

TEST(LexerTest, StringsUnescapeDoubledQuotes) {
  const std::vector<Token> tokens = Lex("'it''s' '' 'a\\nb' 'multi\nline'");
  ASSERT_EQ(tokens.size(), 5u);
  EXPECT_EQ(tokens[0].kind, TokenKind::kString);
  EXPECT_EQ(tokens[0].text, "it's");
  EXPECT_EQ(tokens[0].length, 7u);
  EXPECT_EQ(tokens[1].text, "");
  EXPECT_EQ(tokens[2].text, "a\\nb");  // Standard strings keep backslashes.
  EXPECT_EQ(tokens[3].text, "multi\nline");
}

TEST(LexerTest, EscapeStringsDecodeBackslashEscapes) {
  const std::vector<Token> tokens =
      Lex(R"(E'a\nb\tc\\d\'e''f' e'\x41\101\u00e9\U0001F600\q\b\f\r')");
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(tokens[0].kind, TokenKind::kString);
  EXPECT_EQ(tokens[0].offset, 0u);
  EXPECT_EQ(tokens[0].text, "a\nb\tc\\d'e'f");
  EXPECT_EQ(tokens[1].text, "AA\xc3\xa9\xf0\x9f\x98\x80q\b\f\r");
}

TEST(LexerTest, EscapeStringErrors) {
  EXPECT_EQ(LexError(R"(SELECT E'\xff')"),
            "syntax error at line 1, column 8: escape string is not valid UTF-8");
  EXPECT_EQ(LexError(R"(SELECT E'\0')"),
            "syntax error at line 1, column 8: escape string contains a NUL character");
  EXPECT_EQ(LexError(R"(SELECT E'a\xg')"),
            "syntax error at line 1, column 11: invalid escape \\x: expected hex digits");
  EXPECT_EQ(LexError(R"(E'\u12')"),
            "syntax error at line 1, column 3: invalid Unicode escape: \\u takes 4 hex digits");
  EXPECT_EQ(LexError(R"(E'\uD800')"),
            "syntax error at line 1, column 3: invalid Unicode escape: U+D800 is not a character "
            "allowed in a string");
  EXPECT_EQ(LexError(R"(E'\777')"),
            "syntax error at line 1, column 3: invalid octal escape: value above \\377");
  EXPECT_EQ(LexError(R"(E'abc\)"), "syntax error at line 1, column 1: unterminated string literal");
  EXPECT_EQ(LexError(R"(E'abc\')"),
            "syntax error at line 1, column 1: unterminated string literal");
}

TEST(LexerTest, Numbers) {
  const std::vector<Token> tokens = Lex("42 4.2 .5 5. 1e3 1E-3 2.5e+10 007");
  ASSERT_EQ(tokens.size(), 9u);
  const TokenKind expected_kinds[] = {TokenKind::kInteger,
                                      TokenKind::kDecimal,
                                      TokenKind::kDecimal,
                                      TokenKind::kDecimal,
                                      TokenKind::kDecimal,
                                      TokenKind::kDecimal,
                                      TokenKind::kDecimal,
                                      TokenKind::kInteger};
  const char* expected_text[] = {"42", "4.2", ".5", "5.", "1e3", "1E-3", "2.5e+10", "007"};
  for (size_t i = 0; i < 8; ++i) {
    EXPECT_EQ(tokens[i].kind, expected_kinds[i]) << i;
    EXPECT_EQ(tokens[i].text, expected_text[i]) << i;
  }
}

TEST(LexerTest, NumbersFollowedByJunkAreErrors) {
  EXPECT_EQ(LexError("SELECT 123abc"),
            "syntax error at line 1, column 8: trailing junk after numeric literal '123a'");
  EXPECT_EQ(LexError("SELECT 1e"),
            "syntax error at line 1, column 8: trailing junk after numeric literal '1e'");
  EXPECT_EQ(LexError("SELECT 1e+x"),
            "syntax error at line 1, column 8: trailing junk after numeric literal '1e+'");
  EXPECT_EQ(LexError("SELECT 1_000"),
            "syntax error at line 1, column 8: trailing junk after numeric literal '1_'");
  // The junk is quoted up to a whole character, so the message stays valid UTF-8.
  EXPECT_EQ(LexError("SELECT 1é"),
            "syntax error at line 1, column 8: trailing junk after numeric literal '1é'");
  EXPECT_EQ(LexError("SELECT 0x1F"),
            "syntax error at line 1, column 8: trailing junk after numeric literal '0x'");
}

TEST(LexerTest, DotsBetweenNamesAndNumbers) {
  EXPECT_EQ(Kinds("t.a"),
            (std::vector<TokenKind>{
                TokenKind::kWord, TokenKind::kDot, TokenKind::kWord, TokenKind::kEnd}));
  EXPECT_EQ(Kinds("t.*"),
            (std::vector<TokenKind>{
                TokenKind::kWord, TokenKind::kDot, TokenKind::kStar, TokenKind::kEnd}));
  EXPECT_EQ(Kinds("1.5.5"),
            (std::vector<TokenKind>{TokenKind::kDecimal, TokenKind::kDecimal, TokenKind::kEnd}));
}

TEST(LexerTest, Parameters) {
  const std::vector<Token> tokens = Lex("$1 $host $Host_2 $_x");
  ASSERT_EQ(tokens.size(), 5u);
  EXPECT_EQ(tokens[0].kind, TokenKind::kParameter);
  EXPECT_EQ(tokens[0].text, "1");
  EXPECT_EQ(tokens[0].length, 2u);
  EXPECT_EQ(tokens[1].text, "host");
  EXPECT_EQ(tokens[2].text, "Host_2");  // Parameter names keep their case.
  EXPECT_EQ(tokens[3].text, "_x");
  EXPECT_EQ(LexError("SELECT $"),
            "syntax error at line 1, column 8: expected a parameter name or number after '$'");
  EXPECT_EQ(LexError("SELECT $ 1"),
            "syntax error at line 1, column 8: expected a parameter name or number after '$'");
  EXPECT_EQ(LexError("SELECT $1a"),
            "syntax error at line 1, column 8: trailing junk after parameter '$1a'");
  EXPECT_EQ(LexError("SELECT $1é"),
            "syntax error at line 1, column 8: trailing junk after parameter '$1é'");
  EXPECT_EQ(LexError("SELECT $$x$$"),
            "syntax error at line 1, column 8: dollar-quoted strings ($$...$$) are not supported");
}

TEST(LexerTest, EveryOperator) {
  EXPECT_EQ(Kinds("+ - * / % || = <> != < <= > >= ~ ~* !~ !~* :: . , ( ) [ ] ;"),
            (std::vector<TokenKind>{
                TokenKind::kPlus,       TokenKind::kMinus,        TokenKind::kStar,
                TokenKind::kSlash,      TokenKind::kPercent,      TokenKind::kConcat,
                TokenKind::kEq,         TokenKind::kNotEq,        TokenKind::kNotEq,
                TokenKind::kLt,         TokenKind::kLtEq,         TokenKind::kGt,
                TokenKind::kGtEq,       TokenKind::kTilde,        TokenKind::kTildeStar,
                TokenKind::kNotTilde,   TokenKind::kNotTildeStar, TokenKind::kDoubleColon,
                TokenKind::kDot,        TokenKind::kComma,        TokenKind::kLeftParen,
                TokenKind::kRightParen, TokenKind::kLeftBracket,  TokenKind::kRightBracket,
                TokenKind::kSemicolon,  TokenKind::kEnd}));
  // Without spaces the longest operator wins.
  EXPECT_EQ(Kinds("a<=b<>c!~*d::e"),
            (std::vector<TokenKind>{TokenKind::kWord,
                                    TokenKind::kLtEq,
                                    TokenKind::kWord,
                                    TokenKind::kNotEq,
                                    TokenKind::kWord,
                                    TokenKind::kNotTildeStar,
                                    TokenKind::kWord,
                                    TokenKind::kDoubleColon,
                                    TokenKind::kWord,
                                    TokenKind::kEnd}));
  // "-" before "-" starts a comment, but "- -" is two minus signs.
  EXPECT_EQ(Kinds("1 - -2"),
            (std::vector<TokenKind>{TokenKind::kInteger,
                                    TokenKind::kMinus,
                                    TokenKind::kMinus,
                                    TokenKind::kInteger,
                                    TokenKind::kEnd}));
}

TEST(LexerTest, UnexpectedCharacters) {
  EXPECT_EQ(LexError("SELECT a ^ b"),
            "syntax error at line 1, column 10: unexpected character '^'");
  EXPECT_EQ(LexError("SELECT a | b"),
            "syntax error at line 1, column 10: unexpected character '|'");
  EXPECT_EQ(LexError("SELECT a ! b"),
            "syntax error at line 1, column 10: unexpected character '!'");
  EXPECT_EQ(LexError("SELECT a : b"),
            "syntax error at line 1, column 10: unexpected character ':'");
  EXPECT_EQ(LexError("SELECT a{1}"), "syntax error at line 1, column 9: unexpected character '{'");
  EXPECT_EQ(LexError("SELECT \x01"),
            "syntax error at line 1, column 8: unexpected character U+0001");
}

TEST(LexerTest, CommentsAreSkippedAndNest) {
  const std::vector<Token> tokens =
      Lex("SELECT -- a comment\n 1 /* block /* nested */ still comment */ + 2 --end");
  ASSERT_EQ(tokens.size(), 5u);
  EXPECT_EQ(tokens[1].text, "1");
  EXPECT_EQ(tokens[2].kind, TokenKind::kPlus);
  EXPECT_EQ(tokens[3].text, "2");
  EXPECT_EQ(Lex("/**/1").size(), 2u);
}

TEST(LexerTest, UnterminatedConstructsAreNamedAtTheirStart) {
  EXPECT_EQ(LexError("SELECT 'abc"),
            "syntax error at line 1, column 8: unterminated string literal");
  EXPECT_EQ(LexError("SELECT\n  'it''s"),
            "syntax error at line 2, column 3: unterminated string literal");
  EXPECT_EQ(LexError("SELECT \"abc"),
            "syntax error at line 1, column 8: unterminated quoted identifier");
  EXPECT_EQ(LexError("SELECT 1 /* abc"),
            "syntax error at line 1, column 10: unterminated /* comment");
  EXPECT_EQ(LexError("SELECT 1 /* a /* b */"),
            "syntax error at line 1, column 10: unterminated /* comment");
  EXPECT_EQ(LexError("SELECT 1 /*"), "syntax error at line 1, column 10: unterminated /* comment");
  EXPECT_EQ(LexError("SELECT \"\""),
            "syntax error at line 1, column 8: zero-length quoted identifier \"\"");
}

TEST(LexerTest, RejectsInvalidUtf8AndNulBytes) {
  EXPECT_EQ(LexError("SELECT 'a\xff'"), "syntax error at line 1, column 10: invalid UTF-8");
  EXPECT_EQ(LexError(std::string_view("SELECT 1\0", 9)),
            "syntax error at line 1, column 9: unexpected NUL character");
}

TEST(LexerTest, ErrorsCarryTheByteOffset) {
  absl::StatusOr<std::vector<Token>> tokens = Tokenize("SELECT é, 'x");
  ASSERT_FALSE(tokens.ok());
  // Columns count characters (é is one), the payload counts bytes.
  EXPECT_THAT(tokens.status().message(), HasSubstr("line 1, column 11"));
  EXPECT_EQ(SyntaxErrorOffset(tokens.status()), 11u);
  EXPECT_EQ(SyntaxErrorOffset(absl::InvalidArgumentError("other")), std::nullopt);
}

TEST(SourcePositionTest, OffsetToLineColumn) {
  const std::string_view sql = "ab\ncé\n\nx";
  EXPECT_EQ(OffsetToLineColumn(sql, 0).line, 1);
  EXPECT_EQ(OffsetToLineColumn(sql, 0).column, 1);
  EXPECT_EQ(OffsetToLineColumn(sql, 2).column, 3);  // The newline itself.
  EXPECT_EQ(OffsetToLineColumn(sql, 3).line, 2);
  EXPECT_EQ(OffsetToLineColumn(sql, 3).column, 1);
  EXPECT_EQ(OffsetToLineColumn(sql, 4).column, 2);  // é starts here.
  EXPECT_EQ(OffsetToLineColumn(sql, 5).column, 2);  // Inside é: still that character.
  EXPECT_EQ(OffsetToLineColumn(sql, 6).column, 3);
  EXPECT_EQ(OffsetToLineColumn(sql, 8).line, 4);
  EXPECT_EQ(OffsetToLineColumn(sql, 8).column, 1);
  EXPECT_EQ(OffsetToLineColumn(sql, 100).line, 4);  // Past the end: after the last character.
  EXPECT_EQ(OffsetToLineColumn(sql, 100).column, 2);
}

TEST(SourcePositionTest, AbbreviateCutsAtCharacterBoundaries) {
  EXPECT_EQ(AbbreviateForMessage("short"), "short");
  EXPECT_EQ(AbbreviateForMessage("abcdef", 3), "abc...");
  EXPECT_EQ(AbbreviateForMessage("aéb", 2), "a...");  // Does not split é.
}

}  // namespace
}  // namespace strata::sql
