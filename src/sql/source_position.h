// Positions in SQL text and the syntax errors that name them. Every AST node and token records a
// byte offset into the statement text; these functions turn an offset into the line and column a
// user sees, and build the InvalidArgument errors of the lexer and parser, which carry the offset
// as a status payload so an API can report it as data.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace strata::sql {

// A 1-based line and column. Lines are separated by '\n'; columns count characters (UTF-8 code
// points), so a column matches what an editor shows.
struct LineColumn {
  int64_t line = 1;
  int64_t column = 1;
};

// Returns the line and column of byte `offset` in `sql`. An offset past the end maps to the
// position just after the last character; an offset inside a multi-byte character maps to that
// character.
LineColumn OffsetToLineColumn(std::string_view sql, size_t offset);

// Returns InvalidArgument "syntax error at line L, column C: <message>" for byte `offset` of
// `sql`, with the offset attached as the payload kSyntaxErrorOffsetUrl (decimal text).
absl::Status SyntaxError(std::string_view sql, size_t offset, std::string_view message);

// The type URL of the payload that SyntaxError attaches.
inline constexpr std::string_view kSyntaxErrorOffsetUrl = "type.strata.dev/sql.syntax_error_offset";

// Returns the byte offset carried by an error from SyntaxError, or nullopt for any other status.
std::optional<size_t> SyntaxErrorOffset(const absl::Status& status);

// Returns `text` shortened for an error message: at most `max_bytes` bytes, cut at a character
// boundary with "..." appended when cut.
std::string AbbreviateForMessage(std::string_view text, size_t max_bytes = 40);

}  // namespace strata::sql
