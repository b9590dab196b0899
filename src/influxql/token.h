// Tokens of InfluxQL as InfluxDB 1.8 defines it: the kinds the lexer produces and the keywords.
// Unlike SQL, every InfluxQL keyword is reserved: a name spelled like one (`"name"`, `"key"`,
// `"field"`) must be double-quoted. Keywords are case-insensitive; names are case-sensitive.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace strata::influxql {

// The kind of a token.
enum class TokenKind : uint8_t {
  kEnd,             // End of input; its offset is the text's size.
  kIdentifier,      // A name: `cpu`, `usage_idle`, `"my field"` (Token::quoted says which).
  kKeyword,         // A keyword, any case: `SELECT`, `from`; Token::keyword says which.
  kString,          // A single-quoted string: `'host_1'`, `'it\'s'`.
  kInteger,         // Digits only: `42`.
  kNumber,          // A number with a '.': `1.5`, `.5`, `1.` (InfluxQL has no exponents).
  kDuration,        // An integer followed by units: `10s`, `1h30m`, `5µ` (checked by the parser).
  kRegex,           // `/pattern/`. Scanned only where the grammar allows one (Lexer::ScanRegex).
  kBoundParameter,  // `$name`, `$1`, `$"a name"`.
  kPlus,            // +
  kMinus,           // -
  kStar,            // *
  kSlash,           // /
  kPercent,         // %
  kAmpersand,       // &
  kPipe,            // |
  kCaret,           // ^
  kEq,              // =
  kNotEq,           // != or <>
  kEqRegex,         // =~
  kNotEqRegex,      // !~
  kLt,              // <
  kLtEq,            // <=
  kGt,              // >
  kGtEq,            // >=
  kLeftParen,       // (
  kRightParen,      // )
  kComma,           // ,
  kSemicolon,       // ;
  kDot,             // .
  kDoubleColon,     // ::
  kInvalid,         // Never produced by the lexer: the parser's mark for text that failed to scan.
};

// Returns a short description of a token kind for error messages: "end of input", "identifier",
// "')'", ...
std::string_view TokenKindName(TokenKind kind);

// InfluxDB 1.8's keywords (influxql's token.go), all reserved, plus AND, OR, IN, TRUE and FALSE.
// The X-macro lists each keyword's enumerator and lower-case spelling.
#define STRATA_INFLUXQL_KEYWORDS(X)  \
  X(kAll, "all")                     \
  X(kAlter, "alter")                 \
  X(kAnalyze, "analyze")             \
  X(kAnd, "and")                     \
  X(kAny, "any")                     \
  X(kAs, "as")                       \
  X(kAsc, "asc")                     \
  X(kBegin, "begin")                 \
  X(kBy, "by")                       \
  X(kCardinality, "cardinality")     \
  X(kContinuous, "continuous")       \
  X(kCreate, "create")               \
  X(kDatabase, "database")           \
  X(kDatabases, "databases")         \
  X(kDefault, "default")             \
  X(kDelete, "delete")               \
  X(kDesc, "desc")                   \
  X(kDestinations, "destinations")   \
  X(kDiagnostics, "diagnostics")     \
  X(kDistinct, "distinct")           \
  X(kDrop, "drop")                   \
  X(kDuration, "duration")           \
  X(kEnd, "end")                     \
  X(kEvery, "every")                 \
  X(kExact, "exact")                 \
  X(kExplain, "explain")             \
  X(kFalse, "false")                 \
  X(kField, "field")                 \
  X(kFor, "for")                     \
  X(kFrom, "from")                   \
  X(kGrant, "grant")                 \
  X(kGrants, "grants")               \
  X(kGroup, "group")                 \
  X(kGroups, "groups")               \
  X(kIn, "in")                       \
  X(kInf, "inf")                     \
  X(kInsert, "insert")               \
  X(kInto, "into")                   \
  X(kKey, "key")                     \
  X(kKeys, "keys")                   \
  X(kKill, "kill")                   \
  X(kLimit, "limit")                 \
  X(kMeasurement, "measurement")     \
  X(kMeasurements, "measurements")   \
  X(kName, "name")                   \
  X(kOffset, "offset")               \
  X(kOn, "on")                       \
  X(kOr, "or")                       \
  X(kOrder, "order")                 \
  X(kPassword, "password")           \
  X(kPolicies, "policies")           \
  X(kPolicy, "policy")               \
  X(kPrivileges, "privileges")       \
  X(kQueries, "queries")             \
  X(kQuery, "query")                 \
  X(kRead, "read")                   \
  X(kReplication, "replication")     \
  X(kResample, "resample")           \
  X(kRetention, "retention")         \
  X(kRevoke, "revoke")               \
  X(kSelect, "select")               \
  X(kSeries, "series")               \
  X(kSet, "set")                     \
  X(kShard, "shard")                 \
  X(kShards, "shards")               \
  X(kShow, "show")                   \
  X(kSlimit, "slimit")               \
  X(kSoffset, "soffset")             \
  X(kStats, "stats")                 \
  X(kSubscription, "subscription")   \
  X(kSubscriptions, "subscriptions") \
  X(kTag, "tag")                     \
  X(kTo, "to")                       \
  X(kTrue, "true")                   \
  X(kUser, "user")                   \
  X(kUsers, "users")                 \
  X(kValues, "values")               \
  X(kWhere, "where")                 \
  X(kWith, "with")                   \
  X(kWrite, "write")

// A keyword; kNone for a word that is not one.
enum class Keyword : uint8_t {
  kNone,
#define STRATA_INFLUXQL_KEYWORD_ENUMERATOR(name, spelling) name,
  STRATA_INFLUXQL_KEYWORDS(STRATA_INFLUXQL_KEYWORD_ENUMERATOR)
#undef STRATA_INFLUXQL_KEYWORD_ENUMERATOR
};

// Returns the keyword spelled `word` in any case, or Keyword::kNone.
Keyword LookupKeyword(std::string_view word);

// Returns the upper-case spelling of a keyword ("SELECT"); "" for kNone.
std::string_view KeywordName(Keyword keyword);

// One token. `offset` and `length` delimit its source text (for error messages and positions);
// `text` is its value:
//   kIdentifier:                    the name, with escapes of a quoted name resolved
//   kKeyword:                       the spelling as written
//   kString:                        the value, escapes resolved
//   kInteger, kNumber, kDuration:   the spelling
//   kRegex:                         the pattern between the slashes, `\/` resolved to `/` (other
//                                   backslashes are kept: they belong to the pattern)
//   kBoundParameter:                the name after '$'
//   others:                         empty
struct Token {
  TokenKind kind = TokenKind::kEnd;
  Keyword keyword = Keyword::kNone;  // Set for kKeyword tokens.
  bool quoted = false;               // A kIdentifier written in double quotes.
  size_t offset = 0;
  size_t length = 0;
  std::string text;

  // Returns the offset just past the token.
  size_t end() const { return offset + length; }
  // Returns true if this is the keyword `k`.
  bool Is(Keyword k) const { return kind == TokenKind::kKeyword && keyword == k; }
};

}  // namespace strata::influxql
