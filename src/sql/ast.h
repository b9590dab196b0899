// The abstract syntax tree of strata's SQL dialect, as the parser builds it and the binder
// consumes it. Nodes are plain structs with public members, owned through std::unique_ptr by
// their parent; a tree is immutable once parsed unless its owner rewrites it.
//
// Three node families carry a `kind` tag and are walked by switching on it (then `As<T>()`):
//   Expr       (ExprKind)      expressions: literals, names, operators, calls, subqueries,
//                              field access (x['name'])
//   QueryBody  (QueryBodyKind) a SELECT, a set operation (UNION/INTERSECT/EXCEPT), or a nested
//                              parenthesized Query with its own ORDER BY/LIMIT
//   TableRef   (TableRefKind)  FROM items: tables, subqueries, table functions, joins
//   Statement  (StatementKind) the top level: a query, EXPLAIN, SHOW TABLES, SHOW COLUMNS
// A Query (WITH + body + ORDER BY/LIMIT/OFFSET) is a plain struct, used wherever a subquery
// appears. Every node records `position`, the byte offset of the token it came from (for
// operators, the operator; otherwise the first token); OffsetToLineColumn (source_position.h)
// turns it into a line and column.
//
// ToString() on any node prints canonical SQL: keywords upper-case, identifiers lower-case and
// quoted only when needed, one space between tokens, and only the parentheses that precedence
// requires. Parsing the canonical text gives a tree with the same canonical text (the fuzzer
// checks this), so it is what tests compare and what EXPLAIN shows. Syntactic sugar is
// normalized at parse time: `x::t` is CAST(x AS t), `extract(f FROM x)` is date_part('f', x),
// `substring(x FROM a FOR b)` is substring(x, a, b), `trim(LEADING c FROM s)` is ltrim(s, c)
// (BOTH and plain trim(s) are btrim, TRAILING rtrim), `position(a IN s)` is strpos(s, a), `-5` is
// the literal -5, FETCH FIRST n ROWS ONLY is LIMIT n, and CURRENT_TIMESTAMP is the call
// current_timestamp().
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "common/check.h"
#include "common/syntax_tree.h"

namespace strata::sql {

struct Query;

// Returns `name` as it must be written in SQL: unquoted if it is a valid unquoted identifier that
// reads back as itself (lower-case ASCII letters, digits, '_' and '$', not starting with a digit
// or '$', not a reserved keyword), otherwise in double quotes with '"' doubled.
std::string QuoteIdentifier(std::string_view name);

// Returns `value` as a SQL string literal: in single quotes with '\'' doubled.
std::string QuoteString(std::string_view value);

// A name as written: a column, table, alias, function or CTE name, or one part of a qualified
// name. `value` is what the name means (PostgreSQL/DataFusion rule: unquoted names are folded to
// lower case, "quoted" names keep their case), so compare names by `value`.
struct Identifier {
  std::string value;     // The name: lower-cased if unquoted, exactly as written if quoted.
  std::string spelling;  // As written, without quotes ("" unescaped), for messages.
  bool quoted = false;
  size_t position = 0;

  // Returns the name as canonical SQL (QuoteIdentifier(value)).
  std::string ToString() const { return QuoteIdentifier(value); }
};

// A type name in CAST, TRY_CAST, `::` or a typed literal, kept as written for the binder to
// map: `name` is lower-case with single spaces between words ("int", "integer", "bigint",
// "double precision", "float8", "numeric", "varchar", "character varying", "text", "string",
// "boolean", "timestamp", "timestamp with time zone", "timestamp without time zone", "date",
// "interval", "bigint unsigned", or any other single word such as "float64"); `parameters` are
// the numbers in parentheses: varchar(10) -> {10}, decimal(10, 2) -> {10, 2},
// timestamp(3) with time zone -> {3}.
struct TypeName {
  std::string name;
  std::vector<int64_t> parameters;
  size_t position = 0;

  // Returns the canonical SQL spelling: upper-case, e.g. "DOUBLE PRECISION", "VARCHAR(10)",
  // "TIMESTAMP(3) WITH TIME ZONE".
  std::string ToString() const;
};

// ---------------------------------------------------------------------------------------------
// Expressions

enum class ExprKind : uint8_t {
  kLiteral,       // LiteralExpr
  kColumnRef,     // ColumnRefExpr
  kParameter,     // ParameterExpr
  kUnary,         // UnaryExpr
  kBinary,        // BinaryExpr
  kIs,            // IsExpr
  kBetween,       // BetweenExpr
  kInList,        // InListExpr
  kInSubquery,    // InSubqueryExpr
  kExists,        // ExistsExpr
  kSubquery,      // SubqueryExpr
  kLike,          // LikeExpr
  kCase,          // CaseExpr
  kCast,          // CastExpr
  kFunctionCall,  // FunctionCallExpr
  kFieldAccess,   // FieldAccessExpr
};

// Returns the enumerator's name without the k, e.g. "FunctionCall".
std::string_view ExprKindName(ExprKind kind);

// The base of every expression node; see strata::TaggedNode for Is<T>() and As<T>().
struct Expr : TaggedNode<ExprKind> {
  using TaggedNode::TaggedNode;

  // Returns the expression as canonical SQL.
  std::string ToString() const;
};

enum class LiteralKind : uint8_t {
  kNull,         // NULL
  kBoolean,      // TRUE, FALSE
  kInteger,      // 42, -7: fits int64
  kFloat,        // 1.5, 1e3, .5; also integers that do not fit in int64 (like DataFusion's
                 // fallback to Float64), e.g. 18446744073709551616
  kString,       // 'text'
  kTypedString,  // TIMESTAMP '2016-01-01T00:00:00Z', DATE '2016-01-01', TIME '12:00:00'
  kInterval,     // INTERVAL '5 minutes', INTERVAL '5' MINUTE
};

// A constant. Which members are meaningful depends on literal_kind:
//   kBoolean: boolean_value; kInteger: integer_value; kFloat: float_value;
//   kInteger/kFloat: text is the spelling, with a leading '-' when negated (integers are
//     respelled from their value, floats keep the user's spelling, e.g. "1.50", "-2e3");
//   kString: text is the value (unescaped);
//   kTypedString: type (TIMESTAMP, TIMESTAMP WITH TIME ZONE, DATE, TIME) and text, the string,
//     unparsed: the binder parses it;
//   kInterval: type INTERVAL, text the string, unparsed ("5 minutes"), and interval_unit the
//     lower-case unit that followed it ("minute" for INTERVAL '5' MINUTE) or empty.
// A '-' directly applied to a number is folded into it (PostgreSQL does the same), so -5 is one
// literal and -9223372036854775808 is an integer.
struct LiteralExpr final : Expr {
  static constexpr ExprKind kKind = ExprKind::kLiteral;
  explicit LiteralExpr(size_t node_position) : Expr(kKind, node_position) {}

  LiteralKind literal_kind = LiteralKind::kNull;
  bool boolean_value = false;
  int64_t integer_value = 0;
  double float_value = 0;
  std::string text;
  TypeName type;
  std::string interval_unit;
};

// A column reference: `a`, `t.a`, `s.t.a` or `d.s.t.a` (1 to 4 parts, the column last).
struct ColumnRefExpr final : Expr {
  static constexpr ExprKind kKind = ExprKind::kColumnRef;
  explicit ColumnRefExpr(size_t node_position) : Expr(kKind, node_position) {}

  // Returns the column name (the last part).
  const Identifier& column() const { return parts.back(); }

  std::vector<Identifier> parts;  // Never empty.
};

// A query parameter: `$1` (name "1") or `$host` (name "host", case kept). Parameters are bound
// to values by the binder, never spliced into the text.
struct ParameterExpr final : Expr {
  static constexpr ExprKind kKind = ExprKind::kParameter;
  explicit ParameterExpr(size_t node_position) : Expr(kKind, node_position) {}

  std::string name;
};

enum class UnaryOperator : uint8_t { kNot, kNegate, kPlus };

// Returns "NOT", "-" or "+".
std::string_view UnaryOperatorName(UnaryOperator op);

// NOT x, -x, +x. (-5 on a number literal is folded into the literal; NOT EXISTS is an
// ExistsExpr with negated set.)
struct UnaryExpr final : Expr {
  static constexpr ExprKind kKind = ExprKind::kUnary;
  explicit UnaryExpr(size_t node_position) : Expr(kKind, node_position) {}

  UnaryOperator op = UnaryOperator::kNot;
  std::unique_ptr<Expr> operand;
};

enum class BinaryOperator : uint8_t {
  kOr,
  kAnd,
  kEq,                 // =
  kNotEq,              // <> (also written !=)
  kLt,                 // <
  kLtEq,               // <=
  kGt,                 // >
  kGtEq,               // >=
  kIsDistinctFrom,     // IS DISTINCT FROM
  kIsNotDistinctFrom,  // IS NOT DISTINCT FROM
  kConcat,             // ||
  kRegexMatch,         // ~
  kRegexIMatch,        // ~*
  kRegexNotMatch,      // !~
  kRegexNotIMatch,     // !~*
  kAdd,                // +
  kSubtract,           // -
  kMultiply,           // *
  kDivide,             // /
  kModulo,             // %
};

// Returns the operator as written in canonical SQL: "OR", "=", "<>", "IS DISTINCT FROM", "~*".
std::string_view BinaryOperatorName(BinaryOperator op);

// left op right.
struct BinaryExpr final : Expr {
  static constexpr ExprKind kKind = ExprKind::kBinary;
  explicit BinaryExpr(size_t node_position) : Expr(kKind, node_position) {}

  BinaryOperator op = BinaryOperator::kEq;
  std::unique_ptr<Expr> left;
  std::unique_ptr<Expr> right;
};

enum class IsPredicate : uint8_t { kNull, kTrue, kFalse, kUnknown };

// operand IS [NOT] NULL | TRUE | FALSE | UNKNOWN. (IS [NOT] DISTINCT FROM is a BinaryExpr.)
struct IsExpr final : Expr {
  static constexpr ExprKind kKind = ExprKind::kIs;
  explicit IsExpr(size_t node_position) : Expr(kKind, node_position) {}

  std::unique_ptr<Expr> operand;
  IsPredicate predicate = IsPredicate::kNull;
  bool negated = false;  // IS NOT ...
};

// operand [NOT] BETWEEN low AND high.
struct BetweenExpr final : Expr {
  static constexpr ExprKind kKind = ExprKind::kBetween;
  explicit BetweenExpr(size_t node_position) : Expr(kKind, node_position) {}

  std::unique_ptr<Expr> operand;
  std::unique_ptr<Expr> low;
  std::unique_ptr<Expr> high;
  bool negated = false;
};

// operand [NOT] IN (e1, e2, ...); the list is never empty.
struct InListExpr final : Expr {
  static constexpr ExprKind kKind = ExprKind::kInList;
  explicit InListExpr(size_t node_position) : Expr(kKind, node_position) {}

  std::unique_ptr<Expr> operand;
  std::vector<std::unique_ptr<Expr>> list;
  bool negated = false;
};

// operand [NOT] IN (subquery).
struct InSubqueryExpr final : Expr {
  static constexpr ExprKind kKind = ExprKind::kInSubquery;
  explicit InSubqueryExpr(size_t node_position) : Expr(kKind, node_position) {}
  ~InSubqueryExpr() override;  // Defined where Query is complete.

  std::unique_ptr<Expr> operand;
  std::unique_ptr<Query> subquery;
  bool negated = false;
};

// [NOT] EXISTS (subquery).
struct ExistsExpr final : Expr {
  static constexpr ExprKind kKind = ExprKind::kExists;
  explicit ExistsExpr(size_t node_position) : Expr(kKind, node_position) {}
  ~ExistsExpr() override;  // Defined where Query is complete.

  std::unique_ptr<Query> subquery;
  bool negated = false;
};

// A scalar subquery: (SELECT ...), which must return at most one row of one column.
struct SubqueryExpr final : Expr {
  static constexpr ExprKind kKind = ExprKind::kSubquery;
  explicit SubqueryExpr(size_t node_position) : Expr(kKind, node_position) {}
  ~SubqueryExpr() override;  // Defined where Query is complete.

  std::unique_ptr<Query> subquery;
};

// operand [NOT] LIKE|ILIKE pattern [ESCAPE escape].
struct LikeExpr final : Expr {
  static constexpr ExprKind kKind = ExprKind::kLike;
  explicit LikeExpr(size_t node_position) : Expr(kKind, node_position) {}

  std::unique_ptr<Expr> operand;
  std::unique_ptr<Expr> pattern;
  std::unique_ptr<Expr> escape;  // Null when there is no ESCAPE clause.
  bool negated = false;
  bool case_insensitive = false;  // ILIKE
};

// One WHEN ... THEN ... of a CASE.
struct WhenClause {
  std::unique_ptr<Expr> condition;  // With a CASE operand, the value compared to it.
  std::unique_ptr<Expr> result;
};

// CASE [operand] WHEN condition THEN result ... [ELSE else_result] END. With an operand, each
// condition is a value compared with `operand =`; without, a boolean.
struct CaseExpr final : Expr {
  static constexpr ExprKind kKind = ExprKind::kCase;
  explicit CaseExpr(size_t node_position) : Expr(kKind, node_position) {}

  std::unique_ptr<Expr> operand;         // May be null.
  std::vector<WhenClause> when_clauses;  // Never empty.
  std::unique_ptr<Expr> else_result;     // May be null (ELSE NULL).
};

// CAST(operand AS type), operand::type (same node), or TRY_CAST(operand AS type), which gives
// NULL instead of an error when the value does not convert.
struct CastExpr final : Expr {
  static constexpr ExprKind kKind = ExprKind::kCast;
  explicit CastExpr(size_t node_position) : Expr(kKind, node_position) {}

  std::unique_ptr<Expr> operand;
  TypeName type;
  bool try_cast = false;
};

// operand['field']: reads one field of a struct value, e.g. selector_max(usage, time)['value']
// (InfluxDB 3's selector functions return a struct of value and time). Only a string literal
// may name the field; whether the operand is a struct with that field is the binder's question.
// `position` is that of the '['.
struct FieldAccessExpr final : Expr {
  static constexpr ExprKind kKind = ExprKind::kFieldAccess;
  explicit FieldAccessExpr(size_t node_position) : Expr(kKind, node_position) {}

  std::unique_ptr<Expr> operand;
  std::string field;  // The field name: the literal's value, unescaped and case kept.
};

enum class SortDirection : uint8_t { kUnspecified, kAscending, kDescending };
enum class NullsOrder : uint8_t { kUnspecified, kNullsFirst, kNullsLast };

// One ORDER BY key: expr [ASC|DESC] [NULLS FIRST|LAST], as written. An integer literal key is an
// output column ordinal (ORDER BY 1) for the binder to resolve.
struct OrderByItem {
  std::unique_ptr<Expr> expr;
  SortDirection direction = SortDirection::kUnspecified;
  NullsOrder nulls = NullsOrder::kUnspecified;
  size_t position = 0;

  // Returns the direction with PostgreSQL's default applied: ascending unless DESC.
  bool ascending() const { return direction != SortDirection::kDescending; }
  // Returns the NULLS placement with PostgreSQL's default applied: NULLs sort as larger than
  // any value, so last when ascending and first when descending.
  bool nulls_first() const {
    return nulls == NullsOrder::kUnspecified ? !ascending() : nulls == NullsOrder::kNullsFirst;
  }

  // Returns the key as canonical SQL.
  std::string ToString() const;
};

enum class FrameUnits : uint8_t { kRows, kRange, kGroups };

enum class FrameBoundKind : uint8_t {
  kUnboundedPreceding,
  kPreceding,  // offset PRECEDING
  kCurrentRow,
  kFollowing,  // offset FOLLOWING
  kUnboundedFollowing,
};

// One end of a window frame.
struct FrameBound {
  FrameBoundKind kind = FrameBoundKind::kCurrentRow;
  std::unique_ptr<Expr> offset;  // Set for kPreceding and kFollowing only.
};

// ROWS|RANGE|GROUPS BETWEEN start AND end. The short form `ROWS start` has end CURRENT ROW.
// The parser rejects a start of UNBOUNDED FOLLOWING and an end of UNBOUNDED PRECEDING; the
// other rules (e.g. start not after end) are the binder's.
struct WindowFrame {
  FrameUnits units = FrameUnits::kRows;
  FrameBound start;
  FrameBound end;
};

// OVER ([PARTITION BY ...] [ORDER BY ...] [frame]). Named windows are not supported.
struct WindowSpec {
  std::vector<std::unique_ptr<Expr>> partition_by;
  std::vector<OrderByItem> order_by;
  std::optional<WindowFrame> frame;  // Unset: the SQL default frame.
  size_t position = 0;

  // Returns the parenthesized specification as canonical SQL: "(PARTITION BY a ORDER BY b)".
  std::string ToString() const;
};

// A function call: name(args), name(*) (count(*)), name(DISTINCT args), with an optional
// ORDER BY inside the parentheses (ordered aggregates: first_value(x ORDER BY time)), FILTER
// (WHERE ...) and OVER (...). Whether the function is scalar, aggregate or window is the
// binder's question: the parser only records the syntax. Special forms arrive as calls:
// extract(f FROM x) -> date_part('f', x), substring(x FROM a FOR b) -> substring(x, a, b),
// trim([BOTH | LEADING | TRAILING] c FROM s) -> btrim | ltrim | rtrim(s, c), position(a IN s) ->
// strpos(s, a), CURRENT_DATE/CURRENT_TIME/CURRENT_TIMESTAMP -> current_date() etc. (`name.value`
// is the function called, `name.spelling` the word written).
struct FunctionCallExpr final : Expr {
  static constexpr ExprKind kKind = ExprKind::kFunctionCall;
  explicit FunctionCallExpr(size_t node_position) : Expr(kKind, node_position) {}

  Identifier name;
  std::vector<std::unique_ptr<Expr>> args;  // Empty for f() and f(*).
  bool star = false;                        // f(*)
  bool distinct = false;                    // f(DISTINCT ...)
  std::vector<OrderByItem> order_by;        // f(x ORDER BY y)
  std::unique_ptr<Expr> filter;             // FILTER (WHERE filter); may be null.
  std::unique_ptr<WindowSpec> over;         // OVER (...); null for a plain call.
};

// Calls `visit` on each direct child expression of `expr` in source order: operands, list items,
// arguments, CASE parts, and for function calls also the ORDER BY keys, the FILTER condition,
// PARTITION BY and window ORDER BY keys and frame offsets. Subqueries (IN, EXISTS, scalar) are
// Query trees, not expressions, and are not entered: walk them with their own code.
void ForEachChild(const Expr& expr, absl::FunctionRef<void(const Expr&)> visit);

// Like ForEachChild, passing the owning pointer so `visit` may replace the child.
void ForEachMutableChild(Expr& expr, absl::FunctionRef<void(std::unique_ptr<Expr>&)> visit);

// ---------------------------------------------------------------------------------------------
// Queries

// One item of a SELECT list: an expression with an optional alias, or a wildcard (`*`, `t.*`).
struct SelectItem {
  enum class Kind : uint8_t { kExpression, kWildcard };

  Kind kind = Kind::kExpression;
  std::unique_ptr<Expr> expr;         // kExpression.
  std::optional<Identifier> alias;    // kExpression: `expr [AS] alias`.
  std::vector<Identifier> qualifier;  // kWildcard: empty for `*`, {t} for `t.*`, {s, t} ...
  size_t position = 0;

  // Returns the item as canonical SQL: "a + 1 AS b", "t.*".
  std::string ToString() const;
};

enum class TableRefKind : uint8_t {
  kTable,          // NamedTableRef
  kSubquery,       // SubqueryTableRef
  kTableFunction,  // TableFunctionRef
  kJoin,           // JoinTableRef
};

// An alias of a FROM item: `[AS] name [(column, ...)]`; the columns rename the item's columns
// in order.
struct TableAlias {
  Identifier name;
  std::vector<Identifier> columns;
};

// The base of FROM items; see strata::TaggedNode for Is<T>() and As<T>().
struct TableRef : TaggedNode<TableRefKind> {
  using TaggedNode::TaggedNode;

  // Returns the FROM item as canonical SQL.
  std::string ToString() const;
};

// A table by name: `cpu`, `information_schema.tables`, `db.schema.table` (1 to 3 parts).
struct NamedTableRef final : TableRef {
  static constexpr TableRefKind kKind = TableRefKind::kTable;
  explicit NamedTableRef(size_t node_position) : TableRef(kKind, node_position) {}

  std::vector<Identifier> name;  // Never empty; the table name is the last part.
  std::optional<TableAlias> alias;
};

// A subquery in FROM: `(SELECT ...) [AS] alias [(columns)]` (the alias is optional).
struct SubqueryTableRef final : TableRef {
  static constexpr TableRefKind kKind = TableRefKind::kSubquery;
  explicit SubqueryTableRef(size_t node_position) : TableRef(kKind, node_position) {}
  ~SubqueryTableRef() override;  // Defined where Query is complete.

  std::unique_ptr<Query> subquery;
  std::optional<TableAlias> alias;
};

// A table-valued function in FROM: `last_cache('cpu') [AS] alias`.
struct TableFunctionRef final : TableRef {
  static constexpr TableRefKind kKind = TableRefKind::kTableFunction;
  explicit TableFunctionRef(size_t node_position) : TableRef(kKind, node_position) {}

  Identifier name;
  std::vector<std::unique_ptr<Expr>> args;
  std::optional<TableAlias> alias;
};

enum class JoinType : uint8_t { kInner, kLeft, kRight, kFull, kCross };

// left JOIN right ON condition | USING (columns). Joins nest to the left: `a JOIN b ON x JOIN c
// ON y` is Join(Join(a, b), c). A CROSS JOIN has neither condition nor USING columns; the other
// types have exactly one of them.
struct JoinTableRef final : TableRef {
  static constexpr TableRefKind kKind = TableRefKind::kJoin;
  explicit JoinTableRef(size_t node_position) : TableRef(kKind, node_position) {}

  JoinType join_type = JoinType::kInner;
  std::unique_ptr<TableRef> left;
  std::unique_ptr<TableRef> right;
  std::unique_ptr<Expr> condition;        // ON condition; null with USING and for CROSS JOIN.
  std::vector<Identifier> using_columns;  // USING (a, b).
};

enum class QueryBodyKind : uint8_t {
  kSelect,        // Select
  kSetOperation,  // SetOperation
  kNestedQuery,   // NestedQuery
};

// The base of query bodies; see strata::TaggedNode for Is<T>() and As<T>().
struct QueryBody : TaggedNode<QueryBodyKind> {
  using TaggedNode::TaggedNode;

  // Returns the body as canonical SQL.
  std::string ToString() const;
};

// SELECT [DISTINCT] items [FROM from] [WHERE where] [GROUP BY group_by] [HAVING having].
// Several FROM items are joined as a cross product (comma join). GROUP BY keys are expressions;
// an integer literal key is an output column ordinal and a bare name may be an output alias,
// both for the binder to resolve.
struct Select final : QueryBody {
  static constexpr QueryBodyKind kKind = QueryBodyKind::kSelect;
  explicit Select(size_t node_position) : QueryBody(kKind, node_position) {}

  bool distinct = false;
  std::vector<SelectItem> items;                // Never empty.
  std::vector<std::unique_ptr<TableRef>> from;  // Empty for SELECT without FROM.
  std::unique_ptr<Expr> where;                  // May be null.
  std::vector<std::unique_ptr<Expr>> group_by;
  std::unique_ptr<Expr> having;  // May be null.
};

enum class SetOperator : uint8_t { kUnion, kIntersect, kExcept };

// left UNION|INTERSECT|EXCEPT [ALL] right. INTERSECT binds tighter than UNION and EXCEPT, which
// associate to the left.
struct SetOperation final : QueryBody {
  static constexpr QueryBodyKind kKind = QueryBodyKind::kSetOperation;
  explicit SetOperation(size_t node_position) : QueryBody(kKind, node_position) {}

  SetOperator op = SetOperator::kUnion;
  bool all = false;  // UNION ALL keeps duplicates; without ALL they are removed.
  std::unique_ptr<QueryBody> left;
  std::unique_ptr<QueryBody> right;
};

// A parenthesized query that has its own WITH, ORDER BY, LIMIT or OFFSET, used as an operand of
// a set operation or as the body of an outer query: `(SELECT ... LIMIT 5) UNION ALL ...`.
// Parentheses around a plain body are dropped: `(SELECT 1) UNION (SELECT 2)` has two Selects.
struct NestedQuery final : QueryBody {
  static constexpr QueryBodyKind kKind = QueryBodyKind::kNestedQuery;
  explicit NestedQuery(size_t node_position) : QueryBody(kKind, node_position) {}
  ~NestedQuery() override;  // Defined where Query is complete.

  std::unique_ptr<Query> query;
};

// WITH name [(columns)] AS (query).
struct CommonTableExpr {
  Identifier name;
  std::vector<Identifier> columns;
  std::unique_ptr<Query> query;
  size_t position = 0;
};

// A complete query: [WITH ctes] body [ORDER BY ...] [LIMIT limit] [OFFSET offset]. The ORDER BY
// and LIMIT apply to the whole body (after any set operation). LIMIT and OFFSET are expressions
// (a number or a $parameter; the binder requires a constant); LIMIT ALL is no limit.
struct Query {
  size_t position = 0;
  std::vector<CommonTableExpr> with;
  std::unique_ptr<QueryBody> body;
  std::vector<OrderByItem> order_by;
  std::unique_ptr<Expr> limit;   // May be null.
  std::unique_ptr<Expr> offset;  // May be null.

  // Returns the query as canonical SQL.
  std::string ToString() const;
};

// ---------------------------------------------------------------------------------------------
// Statements

// The kinds of statement. New statements (INSERT, CREATE ..., SET, DESCRIBE) get a new kind and
// struct here and a branch in the parser's statement dispatch; until then the parser rejects
// them by name ("INSERT statements are not supported").
enum class StatementKind : uint8_t {
  kQuery,        // QueryStatement
  kExplain,      // ExplainStatement
  kShowTables,   // ShowTablesStatement
  kShowColumns,  // ShowColumnsStatement
};

// The base of statements; see strata::TaggedNode for Is<T>() and As<T>().
struct Statement : TaggedNode<StatementKind> {
  using TaggedNode::TaggedNode;

  // Returns the statement as canonical SQL, without a trailing ';'.
  std::string ToString() const;
};

// A query.
struct QueryStatement final : Statement {
  static constexpr StatementKind kKind = StatementKind::kQuery;
  explicit QueryStatement(size_t node_position) : Statement(kKind, node_position) {}

  std::unique_ptr<Query> query;
};

// EXPLAIN [ANALYZE] [VERBOSE] query: show the plan, or with ANALYZE run the query and show the
// plan with per-operator metrics.
struct ExplainStatement final : Statement {
  static constexpr StatementKind kKind = StatementKind::kExplain;
  explicit ExplainStatement(size_t node_position) : Statement(kKind, node_position) {}

  bool analyze = false;
  bool verbose = false;
  std::unique_ptr<Query> query;
};

// SHOW TABLES: the tables of the current database (information_schema.tables).
struct ShowTablesStatement final : Statement {
  static constexpr StatementKind kKind = StatementKind::kShowTables;
  explicit ShowTablesStatement(size_t node_position) : Statement(kKind, node_position) {}
};

// SHOW COLUMNS FROM table (or IN table): the columns of one table.
struct ShowColumnsStatement final : Statement {
  static constexpr StatementKind kKind = StatementKind::kShowColumns;
  explicit ShowColumnsStatement(size_t node_position) : Statement(kKind, node_position) {}

  std::vector<Identifier> table;  // 1 to 3 parts, the table name last.
};

}  // namespace strata::sql
