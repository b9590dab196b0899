// Tokens of strata's SQL dialect (PostgreSQL/DataFusion as InfluxDB 3 users write it): the kinds
// the lexer produces, the keywords the parser gives a meaning to, and which of those keywords are
// reserved (cannot be used as an unquoted identifier).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace strata::sql {

// The kind of a token. Words (keywords and unquoted identifiers) are all kWord; Token::keyword
// says which keyword, if any, a word is.
enum class TokenKind : uint8_t {
  kEnd,               // End of input; the last token of every token list.
  kWord,              // An unquoted identifier or keyword: `select`, `Host`, `time`.
  kQuotedIdentifier,  // A double-quoted identifier: `"Host"`, `"a""b"`.
  kString,            // A string literal: `'abc'`, `'it''s'`, `E'a\nb'`.
  kInteger,           // A number spelled with digits only: `42`.
  kDecimal,           // A number with a '.' or an exponent: `1.5`, `.5`, `1.`, `1e-3`.
  kParameter,         // A placeholder: `$1`, `$host`.
  kPlus,              // +
  kMinus,             // -
  kStar,              // *
  kSlash,             // /
  kPercent,           // %
  kConcat,            // ||
  kEq,                // =
  kNotEq,             // <> or !=
  kLt,                // <
  kLtEq,              // <=
  kGt,                // >
  kGtEq,              // >=
  kTilde,             // ~   regex match
  kTildeStar,         // ~*  case-insensitive regex match
  kNotTilde,          // !~  regex non-match
  kNotTildeStar,      // !~* case-insensitive regex non-match
  kDoubleColon,       // ::
  kDot,               // .
  kComma,             // ,
  kLeftParen,         // (
  kRightParen,        // )
  kLeftBracket,       // [
  kRightBracket,      // ]
  kSemicolon,         // ;
};

// Returns a short description of a token kind for error messages: "end of input", "identifier",
// "')'", ...
std::string_view TokenKindName(TokenKind kind);

// The keywords of the grammar. The X-macro lists each keyword's enumerator, its lower-case
// spelling and whether it is reserved. A reserved keyword cannot be an unquoted column, table or
// alias name (quote it: "order"); a non-reserved one can wherever the grammar is not ambiguous,
// so InfluxDB's ubiquitous `time` column, `timestamp`, `interval`, `date`, `first`, `last`,
// `range`, `filter` and the rest work unquoted. Words that are not keywords (e.g. `count`, `host`)
// are plain identifiers.
#define STRATA_SQL_KEYWORDS(X)                    \
  X(kAll, "all", true)                            \
  X(kAnalyze, "analyze", false)                   \
  X(kAnd, "and", true)                            \
  X(kAs, "as", true)                              \
  X(kAsc, "asc", true)                            \
  X(kBetween, "between", true)                    \
  X(kBoth, "both", false)                         \
  X(kBy, "by", true)                              \
  X(kCase, "case", true)                          \
  X(kCast, "cast", true)                          \
  X(kColumns, "columns", false)                   \
  X(kCross, "cross", true)                        \
  X(kCurrent, "current", false)                   \
  X(kCurrentDate, "current_date", true)           \
  X(kCurrentTime, "current_time", true)           \
  X(kCurrentTimestamp, "current_timestamp", true) \
  X(kDate, "date", false)                         \
  X(kDesc, "desc", true)                          \
  X(kDistinct, "distinct", true)                  \
  X(kElse, "else", true)                          \
  X(kEnd, "end", true)                            \
  X(kEscape, "escape", false)                     \
  X(kExcept, "except", true)                      \
  X(kExists, "exists", true)                      \
  X(kExplain, "explain", false)                   \
  X(kExtract, "extract", false)                   \
  X(kFalse, "false", true)                        \
  X(kFetch, "fetch", true)                        \
  X(kFilter, "filter", false)                     \
  X(kFirst, "first", false)                       \
  X(kFollowing, "following", false)               \
  X(kFor, "for", true)                            \
  X(kFrom, "from", true)                          \
  X(kFull, "full", true)                          \
  X(kGroup, "group", true)                        \
  X(kGroups, "groups", false)                     \
  X(kHaving, "having", true)                      \
  X(kIlike, "ilike", true)                        \
  X(kIn, "in", true)                              \
  X(kInner, "inner", true)                        \
  X(kIntersect, "intersect", true)                \
  X(kInterval, "interval", false)                 \
  X(kIs, "is", true)                              \
  X(kJoin, "join", true)                          \
  X(kLast, "last", false)                         \
  X(kLeading, "leading", false)                   \
  X(kLeft, "left", true)                          \
  X(kLike, "like", true)                          \
  X(kLimit, "limit", true)                        \
  X(kNatural, "natural", true)                    \
  X(kNext, "next", false)                         \
  X(kNot, "not", true)                            \
  X(kNull, "null", true)                          \
  X(kNulls, "nulls", false)                       \
  X(kOffset, "offset", true)                      \
  X(kOn, "on", true)                              \
  X(kOnly, "only", false)                         \
  X(kOr, "or", true)                              \
  X(kOrder, "order", true)                        \
  X(kOuter, "outer", true)                        \
  X(kOver, "over", false)                         \
  X(kPartition, "partition", false)               \
  X(kPosition, "position", false)                 \
  X(kPreceding, "preceding", false)               \
  X(kPrecision, "precision", false)               \
  X(kRange, "range", false)                       \
  X(kRecursive, "recursive", false)               \
  X(kRight, "right", true)                        \
  X(kRow, "row", false)                           \
  X(kRows, "rows", false)                         \
  X(kSelect, "select", true)                      \
  X(kShow, "show", false)                         \
  X(kSubstring, "substring", false)               \
  X(kTables, "tables", false)                     \
  X(kThen, "then", true)                          \
  X(kTime, "time", false)                         \
  X(kTimestamp, "timestamp", false)               \
  X(kTrailing, "trailing", false)                 \
  X(kTrim, "trim", false)                         \
  X(kTrue, "true", true)                          \
  X(kTryCast, "try_cast", false)                  \
  X(kUnbounded, "unbounded", false)               \
  X(kUnion, "union", true)                        \
  X(kUnknown, "unknown", false)                   \
  X(kUnsigned, "unsigned", false)                 \
  X(kUsing, "using", true)                        \
  X(kVarying, "varying", false)                   \
  X(kVerbose, "verbose", false)                   \
  X(kWhen, "when", true)                          \
  X(kWhere, "where", true)                        \
  X(kWindow, "window", true)                      \
  X(kWith, "with", true)                          \
  X(kWithout, "without", false)                   \
  X(kZone, "zone", false)

// A keyword; kNone for a word that is not one.
enum class Keyword : uint8_t {
  kNone,
#define STRATA_SQL_KEYWORD_ENUMERATOR(name, spelling, reserved) name,
  STRATA_SQL_KEYWORDS(STRATA_SQL_KEYWORD_ENUMERATOR)
#undef STRATA_SQL_KEYWORD_ENUMERATOR
};

// Returns the keyword spelled `lower_case_word` (already lower-cased), or Keyword::kNone.
Keyword LookupKeyword(std::string_view lower_case_word);

// Returns the upper-case spelling of a keyword ("SELECT"); "" for kNone.
std::string_view KeywordName(Keyword keyword);

// Returns true if `keyword` is reserved: it cannot be used unquoted as an identifier.
bool IsReservedKeyword(Keyword keyword);

// One token. `offset` and `length` delimit its source text (for error messages and AST
// positions); `text` is its value:
//   kWord:             the word lower-cased (ASCII letters only, as PostgreSQL and DataFusion do)
//   kQuotedIdentifier: the name between the quotes with "" unescaped, case kept
//   kString:           the value with '' (and in E'...' strings, backslash escapes) unescaped
//   kInteger/kDecimal: the spelling
//   kParameter:        the name after '$' ("1" for $1, "host" for $host)
//   others:            empty
struct Token {
  TokenKind kind = TokenKind::kEnd;
  Keyword keyword = Keyword::kNone;  // Set for kWord tokens that are keywords.
  size_t offset = 0;
  size_t length = 0;
  std::string text;

  // Returns true if this is the unquoted keyword `k`.
  bool Is(Keyword k) const { return kind == TokenKind::kWord && keyword == k; }
  bool Is(TokenKind k) const { return kind == k; }
  // Returns true if this token can be an identifier: a quoted identifier or an unquoted word
  // that is not a reserved keyword.
  bool IsIdentifier() const {
    return kind == TokenKind::kQuotedIdentifier ||
           (kind == TokenKind::kWord && !IsReservedKeyword(keyword));
  }
};

}  // namespace strata::sql
