// The SQL lexer: splits statement text into tokens (see token.h), skipping whitespace and
// comments. Identifier case folding, string unescaping and number spelling checks happen here,
// so the parser sees values, not raw text.
#pragma once

#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "sql/token.h"

namespace strata::sql {

// Splits `sql` into tokens; the result always ends with one TokenKind::kEnd token whose offset is
// sql.size(). Lexical rules (PostgreSQL's, as DataFusion applies them):
//   - Whitespace is space, tab, newline, carriage return, form feed and vertical tab. Comments
//     are `-- ...` to the end of the line and `/* ... */`, which nest as in PostgreSQL.
//   - Unquoted words start with a letter, '_' or a non-ASCII character and continue with those,
//     digits and '$'; their text is lower-cased (ASCII letters only). Keywords are recognized
//     here (Token::keyword) but stay kWord tokens.
//   - "Quoted identifiers" keep their case; "" inside stands for one '"'. They cannot be empty.
//   - 'Strings' use '' for a quote. E'...' strings also take backslash escapes: \b \f \n \r \t,
//     \\, \', \ooo (octal), \xhh (hex), \uXXXX and \UXXXXXXXX (code points); any other escaped
//     character stands for itself. The value must be valid UTF-8 without NUL characters.
//   - Numbers: digits (kInteger), or digits with a '.' and/or an exponent e[+-]digits
//     (kDecimal): 42, 4.2, .5, 5., 1e-3. A letter, digit or '_' directly after a number is an
//     error ("trailing junk"), as in PostgreSQL 15. Values are converted by the parser.
//   - Parameters: $ followed by digits ($1) or by a name ([A-Za-z_][A-Za-z0-9_]*, case kept).
//   - Operators and punctuation: + - * / % || = <> != < <= > >= ~ ~* !~ !~* :: . , ( ) ;
// Errors are InvalidArgument syntax errors with the line and column (see source_position.h):
// unterminated strings, quoted identifiers and comments are named as such; invalid UTF-8 and NUL
// bytes anywhere in the text are rejected.
absl::StatusOr<std::vector<Token>> Tokenize(std::string_view sql);

}  // namespace strata::sql
