// The InfluxQL parser: a hand-written recursive descent parser, with precedence climbing for
// expressions, for InfluxQL as InfluxDB 1.8 defines it (its spec and influxql's parser.go). It
// turns text into the AST of ast.h; names are not resolved and types not checked (that is the
// translator's job). The v1 /query API and the translator to logical plans consume it.
//
// Grammar ([x] optional, {x} zero or more, a | b alternatives; keywords in capitals are
// case-insensitive and reserved; `fill`, `tz`, `time` and `now` are ordinary names that the
// grammar gives a meaning where noted):
//
//   statements  := statement { ';' statement } [';']       (empty statements are skipped)
//   statement   := select
//                | EXPLAIN [ANALYZE] select
//                | SHOW DATABASES
//                | SHOW RETENTION POLICIES [on]
//                | SHOW MEASUREMENTS [on] [WITH MEASUREMENT ('=' | '=~') measurement] [where]
//                  [limit] [offset]
//                | SHOW TAG KEYS [on] [from] [where] [limit] [offset]
//                | SHOW TAG VALUES [on] [from] WITH KEY tag_keys [where] [limit] [offset]
//                | SHOW FIELD KEYS [on] [from] [limit] [offset]
//                | SHOW SERIES [on] [from] [where] [limit] [offset]
//   select      := SELECT field {',' field} FROM source {',' source} [where]
//                  [GROUP BY dimension {',' dimension}] [fill '(' fill_option ')']
//                  [ORDER BY (time [ASC | DESC] | ASC | DESC)] [LIMIT int] [OFFSET int]
//                  [SLIMIT int] [SOFFSET int] [tz '(' string ')']
//   field       := (regex | expr) [AS identifier]
//   source      := measurement | '(' select ')'
//   measurement := [[database] '.'] [retention_policy '.'] (identifier | regex)
//                  (`db.rp.m`, `rp.m`, `db..m`, `db.rp./re/`, `/re/`)
//   dimension   := time '(' duration [',' (duration | now '(' ')')] ')' | identifier | '*' | regex
//   fill_option := null | none | previous | linear | ['+' | '-'] (int | float)
//   tag_keys    := ('=' | '!=') identifier | ('=~' | '!~') regex | IN '(' identifier {',' ...} ')'
//   on          := ON identifier
//   from        := FROM measurement {',' measurement}
//   where       := WHERE expr
//
// Expressions: all binary operators are left-associative; by precedence from lowest to highest
// (influxql's token.go):
//
//   1  OR
//   2  AND
//   3  = != <> =~ !~ < <= > >=       (the right side of =~ and !~ starts with a regex or $param)
//   4  + - | ^
//   5  * / % &
//
//   operand := int | float | 'string' | true | false | duration | $param | '*' ['::' (field | tag)]
//            | name {'.' [name]} ['::' type]       (one field reference: `a.b` is "a.b")
//            | name '(' [arg {',' arg}] ')'         (a call; the name is lower-cased)
//            | DISTINCT name | DISTINCT '(' arg {',' arg} ')'     (the call distinct(...))
//            | '(' expr ')'
//            | ('+' | '-') (int | float | duration)                (a signed literal)
//            | ('+' | '-') (name | call | '(' expr ')')             (`-x` is `-1 * x`)
//   arg     := regex | expr
//   type    := float | integer | unsigned | string | boolean | field | tag
//
// A regular expression (/.../) is read only where the grammar above allows one; elsewhere '/'
// is division. Time strings ('2016-01-01T00:00:00Z') stay string literals, and `now()` is a call.
//
// Checked here, as InfluxDB's parser does: comparison and logical operators are rejected in the
// SELECT list; ORDER BY sorts by time only; GROUP BY time() takes a positive duration interval
// and a duration or now() offset; LIMIT, OFFSET, SLIMIT and SOFFSET take non-negative int64
// integers; regular expressions must compile (RE2 syntax, which is Go's).
//
// Not supported: SELECT ... INTO fails with "SELECT ... INTO is not supported: ..." at INTO,
// and every other InfluxQL statement (CREATE, DROP, ALTER, GRANT, REVOKE, DELETE, KILL, SET,
// SHOW USERS, SHOW CONTINUOUS QUERIES, SHOW ... CARDINALITY, ...) with "... is not supported by
// strata" at its first token. ORDER BY, SLIMIT and SOFFSET on SHOW statements, `ON *` (every
// database) and bound parameters outside expressions (as names) are not supported either.
//
// Errors are InvalidArgument: "syntax error at line L, column C: expected X, found Y", with the
// byte offset attached (sql::SyntaxErrorOffset in sql/source_position.h, shared with the SQL
// parser so an API reports positions of both languages the same way). Nesting is bounded
// (ParseOptions::max_depth) so deep input fails cleanly instead of exhausting the stack, and so is
// the size of each literal (ParseOptions::max_literal_bytes).
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "influxql/ast.h"
#include "influxql/lexer.h"

namespace strata::influxql {

// The default of ParseOptions::max_depth.
inline constexpr int kDefaultMaxParseDepth = 1000;

// Limits of one parse.
struct ParseOptions {
  // The deepest nesting accepted. Each level of expression nesting counts one (a parenthesis, a
  // call's arguments, a sign applied to an operand, a subquery), and so does each operator in a
  // chain such as `a + b + c` or `x OR y OR z`, because each makes the tree one level deeper.
  // Input beyond it fails with "query nested too deeply"; the parser, the printer and the
  // translator's recursion stay within the stack.
  int max_depth = kDefaultMaxParseDepth;
  // The largest identifier, string, regular expression, number or parameter name, in bytes.
  size_t max_literal_bytes = kDefaultMaxLiteralBytes;
};

// Parses one or more ';'-separated statements; a trailing ';' (and empty statements) are
// allowed. Fails if there is no statement.
absl::StatusOr<std::vector<std::unique_ptr<Statement>>> ParseStatements(
    std::string_view text, const ParseOptions& options = {});

// Parses exactly one statement (with an optional trailing ';').
absl::StatusOr<std::unique_ptr<Statement>> ParseStatement(std::string_view text,
                                                          const ParseOptions& options = {});

// Parses one expression that spans all of `text`, e.g. "host = 'a' AND time > now() - 1h".
absl::StatusOr<std::unique_ptr<Expr>> ParseExpression(std::string_view text,
                                                      const ParseOptions& options = {});

}  // namespace strata::influxql
