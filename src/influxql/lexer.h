// The InfluxQL lexer. InfluxQL's tokens depend on context: `/` is division after an operand but
// opens a regular expression where the grammar expects one (after =~ and !~, in FROM, GROUP BY,
// WITH KEY =~, and as a field or function argument). So the lexer scans one token at a time, at
// an offset the parser chooses, and the parser asks for a regular expression explicitly
// (ScanRegex), as influxql's scanner does.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "influxql/token.h"

namespace strata::influxql {

// The default limit on the size of one identifier, string, regular expression, number or bound
// parameter name (ParseOptions::max_literal_bytes).
inline constexpr size_t kDefaultMaxLiteralBytes = size_t{1} << 20;

// Scans tokens of one text. Lexical rules (influxql's scanner.go, with the differences noted):
//   - Whitespace is space, tab, newline and carriage return. Comments are `-- ...` to the end of
//     the line and `/* ... */`, which do not nest.
//   - Unquoted identifiers are [A-Za-z_][A-Za-z0-9_]*; a keyword spelled in any case is a
//     keyword token (all keywords are reserved). Identifiers keep their case.
//   - "Quoted identifiers" and 'strings' take the escapes \n (newline), \\, \' and \"; any other
//     backslash escape is an error, and so is a line break inside them (write \n). A quoted
//     identifier cannot be empty (InfluxDB 1.8 accepts "" and gives it no meaning).
//   - Numbers: digits (kInteger), digits with a '.' (kNumber: `1.5`, `.5`, `1.`); no exponents.
//     An integer directly followed by a letter or µ is a duration: the letters, µ and digits
//     that follow belong to it (`1h30m`); the parser checks its units.
//   - Bound parameters: '$' followed by letters, digits and '_' ($host, $1) or by a quoted
//     identifier ($"my param").
//   - Operators and punctuation: + - * / % & | ^ = != <> < <= > >= =~ !~ ( ) , ; . ::
// Errors are InvalidArgument syntax errors with the line and column (sql/source_position.h).
class Lexer {
 public:
  // `text` must outlive the lexer.
  Lexer(std::string_view text, size_t max_literal_bytes = kDefaultMaxLiteralBytes);

  // Returns an error for the first byte that is not valid UTF-8 or is a NUL character. Scan and
  // ScanRegex assume that this check passed.
  absl::Status CheckText() const;

  // Returns the first token at or after byte `offset`, skipping whitespace and comments; a
  // kEnd token at the end of the text. A '/' is always kSlash here.
  absl::StatusOr<Token> Scan(size_t offset) const;

  // Returns the regular expression literal that starts at byte `offset`, which must hold '/'
  // (as a kSlash token that Scan returned). Inside, `\/` stands for '/' and any other backslash
  // is kept with the character after it; the pattern cannot contain a line break. Errors:
  // unterminated literals and patterns longer than the literal limit. The pattern's syntax is
  // the parser's to check.
  absl::StatusOr<Token> ScanRegex(size_t offset) const;

 private:
  absl::StatusOr<size_t> SkipWhitespaceAndComments(size_t offset) const;
  Token MakeToken(TokenKind kind, size_t start, size_t end) const;
  absl::StatusOr<Token> ScanWord(size_t start) const;
  absl::StatusOr<Token> ScanNumber(size_t start) const;
  // A "quoted identifier" or 'string' starting at the quote: `what` names it in errors.
  absl::StatusOr<Token> ScanQuoted(size_t start, TokenKind kind, std::string_view what) const;
  absl::StatusOr<Token> ScanBoundParameter(size_t start) const;
  absl::Status CheckLength(size_t start, size_t bytes, std::string_view what) const;
  // The error for a backslash at `pos` in a quoted identifier or string that starts no escape.
  absl::Status InvalidEscape(size_t pos, std::string_view what) const;
  absl::Status UnexpectedCharacter(size_t pos) const;
  char At(size_t i) const { return i < text_.size() ? text_[i] : '\0'; }

  std::string_view text_;
  size_t max_literal_bytes_;
};

// Scans all of `text` with Lexer::Scan (so a '/' is always kSlash): the tokens up to and
// including the kEnd token. For tests and tools; the parser scans on demand.
absl::StatusOr<std::vector<Token>> Tokenize(std::string_view text,
                                            size_t max_literal_bytes = kDefaultMaxLiteralBytes);

}  // namespace strata::influxql
