// The SQL parser: a hand-written recursive descent parser, with precedence climbing (Pratt) for
// expressions, for the PostgreSQL/DataFusion dialect that InfluxDB 3 users write. It turns text
// into the AST of ast.h; names are not resolved and types not checked (that is the binder's job).
//
// Grammar summary ([x] optional, {x} zero or more, a | b alternatives; keywords in capitals are
// case-insensitive):
//
//   statements   := statement { ';' statement } [';']          (empty statements are skipped)
//   statement    := query
//                 | EXPLAIN [ANALYZE] [VERBOSE] query
//                 | SHOW TABLES
//                 | SHOW COLUMNS (FROM | IN) name
//   query        := [WITH cte {',' cte}] body [ORDER BY order_item {',' order_item}]
//                   { LIMIT (expr | ALL) | OFFSET expr [ROW | ROWS]
//                   | FETCH (FIRST | NEXT) [expr] (ROW | ROWS) ONLY }   (each at most once)
//   cte          := identifier ['(' identifier {',' identifier} ')'] AS '(' query ')'
//   body         := primary { (UNION | EXCEPT | INTERSECT) [ALL | DISTINCT] primary }
//                   (INTERSECT binds tighter than UNION and EXCEPT; all left-associative)
//   primary      := select | '(' query ')'
//   select       := SELECT [DISTINCT | ALL] select_item {',' select_item}
//                   [FROM table_ref {',' table_ref}] [WHERE expr]
//                   [GROUP BY expr {',' expr}] [HAVING expr]
//   select_item  := '*' | name '.' '*' | expr [[AS] alias]
//   order_item   := expr [ASC | DESC] [NULLS (FIRST | LAST)]
//   table_ref    := table_primary { join }
//   table_primary:= name [table_alias]                          (name: 1 to 3 dotted parts)
//                 | identifier '(' [expr {',' expr}] ')' [table_alias]   (table function)
//                 | '(' query ')' [table_alias]
//                 | '(' table_ref ')'
//   table_alias  := [AS] identifier ['(' identifier {',' identifier} ')']
//   join         := CROSS JOIN table_primary
//                 | [INNER | LEFT [OUTER] | RIGHT [OUTER] | FULL [OUTER]] JOIN table_primary
//                   (ON expr | USING '(' identifier {',' identifier} ')')
//
// Expressions, by precedence from lowest to highest (PostgreSQL's table):
//
//   level  operators                                   associativity
//   1      OR                                          left
//   2      AND                                         left
//   3      NOT                                         prefix
//   4      IS [NOT] NULL|TRUE|FALSE|UNKNOWN,           non-associative
//          IS [NOT] DISTINCT FROM
//   5      = <> != < <= > >=                           non-associative
//   6      [NOT] BETWEEN .. AND .., [NOT] IN,          non-associative
//          [NOT] LIKE|ILIKE .. [ESCAPE ..]
//   7      || ~ ~* !~ !~*                              left
//   8      + -                                         left
//   9      * / %                                       left
//   10     - + (unary)                                 prefix
//   11     :: type, ['field']                          left (postfix)
//
// Non-associative operators do not chain: `a = b = c` and `a IS NULL IS NULL` are errors (write
// parentheses). So `NOT a = b` is NOT (a = b), `a = b IS NULL` is (a = b) IS NULL, `-a::int` is
// -(a::int), `-x['a']` is -(x['a']) (as PostgreSQL's subscripts), `x['a']::int` is
// CAST(x['a'] AS INT), `a || b = c` is (a || b) = c, and `x BETWEEN 1 AND 2 AND y` is
// (x BETWEEN 1 AND 2) AND y.
//
//   primary := integer | decimal | 'string' | E'string' | TRUE | FALSE | NULL | $name | $1
//            | INTERVAL 'string' [YEAR|MONTH|WEEK|DAY|HOUR|MINUTE|SECOND|MILLISECOND|
//                                 MICROSECOND|NANOSECOND]
//            | (TIMESTAMP | TIME) [(WITH | WITHOUT) TIME ZONE] 'string' | DATE 'string'
//            | name                                      (column: 1 to 4 dotted parts)
//            | '(' expr ')' | '(' query ')'                (scalar subquery)
//            | EXISTS '(' query ')'
//            | expr [NOT] IN '(' (query | expr {',' expr}) ')'
//            | CASE [expr] WHEN expr THEN expr {WHEN expr THEN expr} [ELSE expr] END
//            | (CAST | TRY_CAST) '(' expr AS type ')' | expr '::' type
//            | expr '[' 'string' ']'                     (struct field access; chains:
//                                                         selector_max(v, time)['value'])
//            | EXTRACT '(' field FROM expr ')'           (= date_part('field', expr))
//            | SUBSTRING '(' expr [FROM expr] [FOR expr] ')'   (= substring(expr, from, for))
//            | TRIM '(' [BOTH | LEADING | TRAILING] [expr] FROM expr ')'
//            | TRIM '(' [BOTH | LEADING | TRAILING] expr [',' expr] ')'
//                          (= btrim | ltrim | rtrim(string[, characters]): the string first)
//            | POSITION '(' expr IN expr ')'             (= strpos(string, substring); the
//                                                         operands bind tighter than IN)
//            | CURRENT_DATE | CURRENT_TIME | CURRENT_TIMESTAMP   (= current_timestamp() etc.)
//            | function '(' [DISTINCT | ALL] [ '*' | expr {',' expr} [ORDER BY order_item {...}] ]
//              ')' [FILTER '(' WHERE expr ')'] [OVER window]
//   window  := '(' [PARTITION BY expr {',' expr}] [ORDER BY order_item {',' order_item}]
//              [(ROWS | RANGE | GROUPS) (bound | BETWEEN bound AND bound)] ')'
//   bound   := UNBOUNDED PRECEDING | expr PRECEDING | CURRENT ROW | expr FOLLOWING
//            | UNBOUNDED FOLLOWING
//   type    := word [PRECISION | VARYING | UNSIGNED | (WITH | WITHOUT) TIME ZONE]
//              ['(' integer {',' integer} ')']       e.g. DOUBLE PRECISION, VARCHAR(10),
//                                                     TIMESTAMP(3) WITH TIME ZONE, BIGINT UNSIGNED
//
// Identifiers: unquoted names fold to lower case, "quoted" names keep their case. Reserved
// keywords (token.h) must be quoted to be names; every other keyword works as a name where the
// grammar allows it, so `time`, `timestamp`, `interval`, `date`, `value`, `name`, `first`,
// `range` are ordinary column names. After AS, a column alias may be any word. `left`, `right`
// and the CURRENT_ keywords also work as function names. `both`, `leading` and `trailing` are
// names too, except directly after `trim(` when an operand or FROM follows them.
//
// Not supported (each fails with a syntax error): INSERT/UPDATE/DELETE/DDL and other statement
// types, VALUES lists, NATURAL joins, LATERAL, named windows (WINDOW w AS, OVER w), GROUPING
// SETS/ROLLUP/CUBE, DISTINCT ON, WITH RECURSIVE, row constructors ((a, b) IN ...), arrays and
// subscripts other than field access by a string literal (x['name'] is supported; x[1], x[i]
// and slices are not), ANY/ALL/SOME comparisons, SIMILAR TO, OVERLAY(... PLACING ...), AT TIME
// ZONE, COLLATE, the ^ operator, dollar-quoted, U&'' and X'' strings, and a parenthesized set
// operation as an expression: `x IN ((SELECT 1) UNION (SELECT 2))` (write
// `x IN (SELECT 1 UNION SELECT 2)`). Words such as rollup, lateral or any are still names where
// they are not followed by their special syntax.
//
// Errors are InvalidArgument: "syntax error at line L, column C: expected X, found Y", with the
// byte offset attached (SyntaxErrorOffset in source_position.h). Nesting is bounded
// (ParseOptions::max_depth) so deep input fails cleanly instead of exhausting the stack.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "sql/ast.h"

namespace strata::sql {

// The default of ParseOptions::max_depth.
inline constexpr int kDefaultMaxParseDepth = 1000;

// Limits of one parse.
struct ParseOptions {
  // The deepest nesting accepted. Each level of expression or query nesting counts one (a
  // parenthesis, an operand of a prefix operator, a subquery, a nested join), and so does each
  // operator in a chain such as `a + b + c` or `x OR y OR z` and each join and set operation,
  // because each makes the tree one level deeper. Input beyond it fails with "query nested too
  // deeply"; the parser, the printer and the binder's recursion stay within the stack.
  int max_depth = kDefaultMaxParseDepth;
};

// Parses one or more ';'-separated statements; a trailing ';' (and empty statements) are
// allowed. Fails if there is no statement.
absl::StatusOr<std::vector<std::unique_ptr<Statement>>> ParseStatements(
    std::string_view sql, const ParseOptions& options = {});

// Parses exactly one statement (with an optional trailing ';').
absl::StatusOr<std::unique_ptr<Statement>> ParseStatement(std::string_view sql,
                                                          const ParseOptions& options = {});

// Parses one expression that spans all of `sql`, e.g. "usage_user > 90 AND host = 'a'".
absl::StatusOr<std::unique_ptr<Expr>> ParseExpression(std::string_view sql,
                                                      const ParseOptions& options = {});

}  // namespace strata::sql
