// The abstract syntax tree of InfluxQL, as the parser builds it and the translator (to strata's
// logical plans) and the v1 /query API consume it. Nodes are plain structs with public members,
// owned through std::unique_ptr by their parent; a tree is immutable once parsed unless its owner
// rewrites it.
//
// Tagged node families, walked by switching on `kind` (then `As<T>()`):
//   Expr       (ExprKind)       literals, field references, *, $parameters, calls, operators
//   Source     (SourceKind)     FROM items of a SELECT: measurements and subqueries
//   Statement  (StatementKind)  SELECT, EXPLAIN and the SHOW statements
// Clauses with a fixed shape are plain structs: Field, Measurement, Dimension, Fill, OrderBy,
// TimeZone, TagKeyFilter. Every node records `position`, the byte offset of the token it came
// from (for a binary operator, the operator; for a signed literal and for `-x`, the sign;
// otherwise its first token); sql::OffsetToLineColumn (sql/source_position.h) turns it into a
// line and column.
//
// InfluxQL's meaning is kept, not SQL's: names are case-sensitive (function names are
// lower-cased, as InfluxDB does), `a.b` in an expression is one field named "a.b", durations are
// int64 nanoseconds, regular expressions keep their pattern text, and time strings compared with
// `time` stay strings (the translator converts them). Syntactic sugar is normalized at parse
// time, as influxql's parser does: `-5` is the literal -5, `-x` is `-1 * x` (`+x` is `1 * x`),
// `DISTINCT x` is the call distinct(x), `<>` is `!=`, parentheses are dropped, and
// `ORDER BY DESC` is `ORDER BY time DESC`.
//
// ToString() on any node prints canonical InfluxQL: keywords upper-case, names quoted only when
// needed, one space between tokens, and only the parentheses that precedence requires. Parsing
// the canonical text gives a tree with the same canonical text (the fuzzer checks this).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/functional/function_ref.h"
#include "common/check.h"
#include "common/syntax_tree.h"

namespace strata::influxql {

// Returns `name` as InfluxQL must spell it: bare if it matches [A-Za-z_][A-Za-z0-9_]* and is not
// a keyword (in any case), otherwise in double quotes with '\', '"' and newlines escaped.
std::string QuoteIdentifier(std::string_view name);

// Returns `value` as a string literal: in single quotes with '\', '\'' and newlines escaped.
std::string QuoteString(std::string_view value);

// Returns `pattern` as a regular expression literal: between slashes, with each '/' escaped.
std::string QuoteRegex(std::string_view pattern);

// Returns `value` as an InfluxQL number literal, which must have a '.' (InfluxQL has no
// exponents): the shortest decimal that reads back as the same double, e.g. "1.5", "2.0",
// "100000000000000000000.0".
std::string FormatFloat(double value);

// A name: a database, retention policy, measurement, tag key or alias.
struct Identifier {
  std::string name;  // Case kept, escapes of a quoted name resolved.
  size_t position = 0;

  // Returns the name as canonical InfluxQL (QuoteIdentifier(name)).
  std::string ToString() const { return QuoteIdentifier(name); }
};

// ---------------------------------------------------------------------------------------------
// Expressions

enum class ExprKind : uint8_t {
  kLiteral,         // LiteralExpr
  kVarRef,          // VarRefExpr
  kWildcard,        // WildcardExpr
  kBoundParameter,  // BoundParameterExpr
  kCall,            // CallExpr
  kBinary,          // BinaryExpr
};

// Returns the enumerator's name without the k, e.g. "VarRef".
std::string_view ExprKindName(ExprKind kind);

// The base of every expression node; see strata::TaggedNode for Is<T>() and As<T>().
struct Expr : TaggedNode<ExprKind> {
  using TaggedNode::TaggedNode;

  // Returns the expression as canonical InfluxQL.
  std::string ToString() const;
};

enum class LiteralKind : uint8_t {
  kInteger,   // 42, -7: fits int64.
  kUnsigned,  // An integer above int64's range that fits uint64 (influxql's UnsignedLiteral).
  kFloat,     // 1.5, .5, -2.0
  kString,    // 'text'; also time strings ('2016-01-01T00:00:00Z'): the translator parses them.
  kBoolean,   // true, false
  kDuration,  // 10s, 1h30m, -5m
  kRegex,     // /pattern/: only after =~ and !~, as a whole field or call argument.
};

// A constant. Which member holds the value depends on literal_kind:
//   kInteger: integer_value; kDuration: integer_value, in nanoseconds; kUnsigned: unsigned_value;
//   kFloat: float_value; kBoolean: boolean_value; kString: text (the value, unescaped);
//   kRegex: text (the pattern as written between the slashes, with `\/` resolved to `/`).
// A sign directly before a number or duration is folded into it: -5 is one literal and
// -9223372036854775808 is an integer.
struct LiteralExpr final : Expr {
  static constexpr ExprKind kKind = ExprKind::kLiteral;
  explicit LiteralExpr(size_t node_position) : Expr(kKind, node_position) {}

  LiteralKind literal_kind = LiteralKind::kInteger;
  int64_t integer_value = 0;
  uint64_t unsigned_value = 0;
  double float_value = 0;
  bool boolean_value = false;
  std::string text;
};

// The type in a `::type` cast of a field reference or wildcard.
enum class DataType : uint8_t {
  kUnspecified,  // No cast.
  kFloat,        // ::float
  kInteger,      // ::integer
  kUnsigned,     // ::unsigned
  kString,       // ::string
  kBoolean,      // ::boolean
  kField,        // ::field: any field, never a tag.
  kTag,          // ::tag
};

// Returns the cast's spelling: "float", "integer", ..., "field", "tag"; "" for kUnspecified.
std::string_view DataTypeName(DataType type);

// A reference to a field, a tag or `time`: `usage_idle`, `"host"::tag`, `value::float`.
// Dotted names are one name, as in InfluxDB 1.8: `cpu.usage` refers to the field "cpu.usage".
struct VarRefExpr final : Expr {
  static constexpr ExprKind kKind = ExprKind::kVarRef;
  explicit VarRefExpr(size_t node_position) : Expr(kKind, node_position) {}

  std::string name;
  DataType type = DataType::kUnspecified;
};

// `*`, `*::field` or `*::tag`: all fields and tags, all fields, or all tags (type is
// kUnspecified, kField or kTag).
struct WildcardExpr final : Expr {
  static constexpr ExprKind kKind = ExprKind::kWildcard;
  explicit WildcardExpr(size_t node_position) : Expr(kKind, node_position) {}

  DataType type = DataType::kUnspecified;
};

// A bound parameter: `$host`, `$1`, `$"a name"`. Its value comes with the request (the v1 API's
// `params`); the parser never substitutes it.
struct BoundParameterExpr final : Expr {
  static constexpr ExprKind kKind = ExprKind::kBoundParameter;
  explicit BoundParameterExpr(size_t node_position) : Expr(kKind, node_position) {}

  std::string name;
};

// A function call: `mean(usage)`, `count(*)`, `top(x, 3)`, `derivative(mean(x), 1s)`, `now()`.
// Any name parses; which functions exist is the translator's question. `DISTINCT x` and
// `distinct(x)` are both the call distinct(x).
struct CallExpr final : Expr {
  static constexpr ExprKind kKind = ExprKind::kCall;
  explicit CallExpr(size_t node_position) : Expr(kKind, node_position) {}

  std::string name;  // Lower-cased (ASCII), as InfluxDB matches function names.
  std::vector<std::unique_ptr<Expr>> args;
};

// Binary operators. Precedence (BinaryOperatorPrecedence), lowest first, all left-associative:
//   1  OR
//   2  AND
//   3  = != =~ !~ < <= > >=
//   4  + - | ^
//   5  * / % &
// This is influxql's table (token.go): `|` and `^` bind like `+`, and `&` like `*`.
enum class BinaryOperator : uint8_t {
  kOr,
  kAnd,
  kEq,          // =
  kNotEq,       // != (also written <>)
  kEqRegex,     // =~
  kNotEqRegex,  // !~
  kLt,          // <
  kLtEq,        // <=
  kGt,          // >
  kGtEq,        // >=
  kAdd,         // +
  kSubtract,    // -
  kBitwiseOr,   // |
  kBitwiseXor,  // ^
  kMultiply,    // *
  kDivide,      // /
  kModulo,      // %
  kBitwiseAnd,  // &
};

// Returns the operator as written in canonical InfluxQL: "OR", "=", "!=", "=~", "&".
std::string_view BinaryOperatorName(BinaryOperator op);

// Returns the operator's precedence, 1 (OR) to 5 (* / % &); see BinaryOperator.
int BinaryOperatorPrecedence(BinaryOperator op);

// Returns true for = != =~ !~ < <= > >=.
bool IsComparisonOperator(BinaryOperator op);

// Returns the comparison with its operands swapped: `5 < x` is `x > 5`, so < and > (and <= and >=)
// trade places; every other operator is returned as it is.
BinaryOperator MirrorComparison(BinaryOperator op);

// left op right. The right operand of =~ and !~ starts with a regular expression literal or a
// bound parameter.
struct BinaryExpr final : Expr {
  static constexpr ExprKind kKind = ExprKind::kBinary;
  explicit BinaryExpr(size_t node_position) : Expr(kKind, node_position) {}

  BinaryOperator op = BinaryOperator::kEq;
  std::unique_ptr<Expr> left;
  std::unique_ptr<Expr> right;
};

// Calls `visit` on each direct child of `expr` in source order: the arguments of a call, the
// operands of a binary operator; leaves have none.
void ForEachChild(const Expr& expr, absl::FunctionRef<void(const Expr&)> visit);

// Like ForEachChild, passing the owning pointer so `visit` may replace the child.
void ForEachMutableChild(Expr& expr, absl::FunctionRef<void(std::unique_ptr<Expr>&)> visit);

// Calls `visit` on `expr` and then on every descendant, parents before children, in source
// order. The recursion is as deep as the tree, which the parser bounds (ParseOptions::max_depth).
void WalkExpr(const Expr& expr, absl::FunctionRef<void(const Expr&)> visit);

// Returns true if `expr` is a reference to `time` (in any case, as InfluxDB treats it).
bool IsTimeRef(const Expr& expr);

// Returns true if `expr` is a call to `name` (lower-case): IsCallTo(expr, "now").
bool IsCallTo(const Expr& expr, std::string_view name);

// ---------------------------------------------------------------------------------------------
// Clauses

struct SelectStatement;

// One item of the SELECT list: an expression with an optional alias.
struct Field {
  std::unique_ptr<Expr> expr;
  std::optional<Identifier> alias;  // `expr AS alias`.
  size_t position = 0;

  // Returns the field as canonical InfluxQL: "mean(usage) AS m".
  std::string ToString() const;
};

// A measurement, or a regular expression over measurement names, with an optional database and
// retention policy: `cpu`, `autogen.cpu`, `telegraf.autogen.cpu`, `telegraf..cpu`, `/^cpu/`,
// `telegraf.autogen./^cpu/`. Exactly one of `name` and `regex` is set.
struct Measurement {
  std::string database;          // Empty: the database of the request.
  std::string retention_policy;  // Empty: the database's default retention policy.
  std::string name;              // Empty when `regex` is set.
  std::optional<std::string> regex;
  size_t position = 0;

  // Returns the measurement as canonical InfluxQL: "telegraf..cpu", "/^cpu/".
  std::string ToString() const;
};

enum class SourceKind : uint8_t {
  kMeasurement,  // MeasurementSource
  kSubquery,     // SubquerySource
};

// The base of FROM items of a SELECT; see strata::TaggedNode for Is<T>() and As<T>().
struct Source : TaggedNode<SourceKind> {
  using TaggedNode::TaggedNode;

  // Returns the source as canonical InfluxQL.
  std::string ToString() const;
};

// FROM measurement (or regular expression).
struct MeasurementSource final : Source {
  static constexpr SourceKind kKind = SourceKind::kMeasurement;
  explicit MeasurementSource(size_t node_position) : Source(kKind, node_position) {}

  Measurement measurement;
};

// FROM (SELECT ...).
struct SubquerySource final : Source {
  static constexpr SourceKind kKind = SourceKind::kSubquery;
  explicit SubquerySource(size_t node_position) : Source(kKind, node_position) {}
  ~SubquerySource() override;  // Defined where SelectStatement is complete.

  std::unique_ptr<SelectStatement> select;
};

// The offset argument of GROUP BY time(interval, offset).
struct TimeOffset {
  bool now = false;         // time(interval, now()): the offset is the query's now().
  int64_t nanoseconds = 0;  // Otherwise the offset, possibly negative.
  size_t position = 0;
};

// One GROUP BY item.
struct Dimension {
  enum class Kind : uint8_t {
    kTime,      // time(interval[, offset])
    kTag,       // a tag key
    kWildcard,  // *: every tag
    kRegex,     // /pattern/: the tags whose keys match
  };

  Kind kind = Kind::kTag;
  int64_t interval = 0;              // kTime: nanoseconds, > 0.
  std::optional<TimeOffset> offset;  // kTime: the second argument, if any.
  std::string tag;                   // kTag: the tag key.
  std::string regex;                 // kRegex: the pattern.
  size_t position = 0;

  // Returns the dimension as canonical InfluxQL: "time(1m, -30s)", "host", "*", "/^h/".
  std::string ToString() const;
};

// fill(...): what a GROUP BY time() interval without points reports.
enum class FillMode : uint8_t {
  kNull,      // fill(null), InfluxQL's default: a null value.
  kNone,      // fill(none): no row.
  kPrevious,  // fill(previous): the previous interval's value.
  kLinear,    // fill(linear): linear interpolation.
  kValue,     // fill(<number>): a constant.
};

// fill(...) of a SELECT: the mode, and the constant of fill(<number>).
struct Fill {
  FillMode mode = FillMode::kNull;
  std::variant<int64_t, double> value;  // kValue: fill(5) holds int64 5, fill(5.0) double 5.
  size_t position = 0;

  // Returns the clause as canonical InfluxQL: "fill(previous)", "fill(-1)", "fill(0.5)".
  std::string ToString() const;
};

// ORDER BY time [ASC|DESC] (InfluxQL sorts by time only; `ORDER BY DESC` means time).
struct OrderBy {
  bool ascending = true;
  size_t position = 0;
};

// tz('America/Chicago'): the time zone of GROUP BY time() boundaries and of returned times. The
// name is not checked here: the translator looks it up.
struct TimeZone {
  std::string name;
  size_t position = 0;
};

// WITH KEY ... of SHOW TAG VALUES: which tag keys to list the values of.
enum class TagKeyOperator : uint8_t {
  kEq,             // WITH KEY = key
  kNotEq,          // WITH KEY != key
  kRegexMatch,     // WITH KEY =~ /regex/
  kRegexNotMatch,  // WITH KEY !~ /regex/
  kIn,             // WITH KEY IN (key1, key2)
};

// The WITH KEY clause of SHOW TAG VALUES (required there).
struct TagKeyFilter {
  TagKeyOperator op = TagKeyOperator::kEq;
  std::vector<Identifier> keys;  // kEq, kNotEq: one key; kIn: one or more.
  std::string regex;             // kRegexMatch, kRegexNotMatch: the pattern.
  size_t position = 0;

  // Returns the clause as canonical InfluxQL: "WITH KEY IN (host, region)".
  std::string ToString() const;
};

// ---------------------------------------------------------------------------------------------
// Statements

// The statements strata answers. Other InfluxQL statements (CREATE, DROP, GRANT, SHOW USERS, ...)
// fail to parse with "... is not supported by strata".
enum class StatementKind : uint8_t {
  kSelect,                 // SelectStatement
  kExplain,                // ExplainStatement
  kShowDatabases,          // ShowDatabasesStatement
  kShowRetentionPolicies,  // ShowRetentionPoliciesStatement
  kShowMeasurements,       // ShowMeasurementsStatement
  kShowTagKeys,            // ShowTagKeysStatement
  kShowTagValues,          // ShowTagValuesStatement
  kShowFieldKeys,          // ShowFieldKeysStatement
  kShowSeries,             // ShowSeriesStatement
};

// The base of statements; see strata::TaggedNode for Is<T>() and As<T>().
struct Statement : TaggedNode<StatementKind> {
  using TaggedNode::TaggedNode;

  // Returns the statement as canonical InfluxQL, without a trailing ';'.
  std::string ToString() const;
};

// SELECT fields FROM sources [WHERE condition] [GROUP BY dimensions] [fill(...)]
// [ORDER BY time ASC|DESC] [LIMIT n] [OFFSET n] [SLIMIT n] [SOFFSET n] [tz('zone')]. LIMIT and
// OFFSET count points per series, SLIMIT and SOFFSET series. Also a subquery (SubquerySource).
struct SelectStatement final : Statement {
  static constexpr StatementKind kKind = StatementKind::kSelect;
  explicit SelectStatement(size_t node_position) : Statement(kKind, node_position) {}

  // Returns the time(...) dimension, or null if GROUP BY has none.
  const Dimension* TimeDimension() const;
  // Returns true if no field contains a call: the query returns raw points (influxql's
  // IsRawQuery), not aggregates or selectors.
  bool IsRawQuery() const;

  std::vector<Field> fields;                     // Never empty.
  std::vector<std::unique_ptr<Source>> sources;  // Never empty.
  std::unique_ptr<Expr> condition;               // WHERE; may be null.
  std::vector<Dimension> dimensions;             // GROUP BY.
  std::optional<Fill> fill;                      // Unset: fill(null).
  std::optional<OrderBy> order_by;               // Unset: ascending time.
  std::optional<int64_t> limit;                  // Each >= 0. InfluxDB 1.8 treats 0 as unset.
  std::optional<int64_t> offset;
  std::optional<int64_t> series_limit;   // SLIMIT
  std::optional<int64_t> series_offset;  // SOFFSET
  std::optional<TimeZone> time_zone;     // tz('...')
};

// EXPLAIN [ANALYZE] select: show the plan, or with ANALYZE run the query and show the plan with
// per-operator metrics.
struct ExplainStatement final : Statement {
  static constexpr StatementKind kKind = StatementKind::kExplain;
  explicit ExplainStatement(size_t node_position) : Statement(kKind, node_position) {}

  bool analyze = false;
  std::unique_ptr<SelectStatement> select;
};

// SHOW DATABASES.
struct ShowDatabasesStatement final : Statement {
  static constexpr StatementKind kKind = StatementKind::kShowDatabases;
  explicit ShowDatabasesStatement(size_t node_position) : Statement(kKind, node_position) {}
};

// SHOW RETENTION POLICIES [ON database].
struct ShowRetentionPoliciesStatement final : Statement {
  static constexpr StatementKind kKind = StatementKind::kShowRetentionPolicies;
  explicit ShowRetentionPoliciesStatement(size_t node_position) : Statement(kKind, node_position) {}

  std::optional<Identifier> database;  // Unset: the database of the request.
};

// SHOW MEASUREMENTS [ON database] [WITH MEASUREMENT = name | =~ /regex/] [WHERE condition]
// [LIMIT n] [OFFSET n].
struct ShowMeasurementsStatement final : Statement {
  static constexpr StatementKind kKind = StatementKind::kShowMeasurements;
  explicit ShowMeasurementsStatement(size_t node_position) : Statement(kKind, node_position) {}

  std::optional<Identifier> database;
  std::optional<Measurement> with_measurement;
  std::unique_ptr<Expr> condition;  // May be null.
  std::optional<int64_t> limit;
  std::optional<int64_t> offset;
};

// SHOW TAG KEYS [ON database] [FROM measurements] [WHERE condition] [LIMIT n] [OFFSET n].
struct ShowTagKeysStatement final : Statement {
  static constexpr StatementKind kKind = StatementKind::kShowTagKeys;
  explicit ShowTagKeysStatement(size_t node_position) : Statement(kKind, node_position) {}

  std::optional<Identifier> database;
  std::vector<Measurement> from;    // Empty: every measurement.
  std::unique_ptr<Expr> condition;  // May be null.
  std::optional<int64_t> limit;
  std::optional<int64_t> offset;
};

// SHOW TAG VALUES [ON database] [FROM measurements] WITH KEY ... [WHERE condition] [LIMIT n]
// [OFFSET n].
struct ShowTagValuesStatement final : Statement {
  static constexpr StatementKind kKind = StatementKind::kShowTagValues;
  explicit ShowTagValuesStatement(size_t node_position) : Statement(kKind, node_position) {}

  std::optional<Identifier> database;
  std::vector<Measurement> from;
  TagKeyFilter key;
  std::unique_ptr<Expr> condition;  // May be null.
  std::optional<int64_t> limit;
  std::optional<int64_t> offset;
};

// SHOW FIELD KEYS [ON database] [FROM measurements] [LIMIT n] [OFFSET n].
struct ShowFieldKeysStatement final : Statement {
  static constexpr StatementKind kKind = StatementKind::kShowFieldKeys;
  explicit ShowFieldKeysStatement(size_t node_position) : Statement(kKind, node_position) {}

  std::optional<Identifier> database;
  std::vector<Measurement> from;
  std::optional<int64_t> limit;
  std::optional<int64_t> offset;
};

// SHOW SERIES [ON database] [FROM measurements] [WHERE condition] [LIMIT n] [OFFSET n].
struct ShowSeriesStatement final : Statement {
  static constexpr StatementKind kKind = StatementKind::kShowSeries;
  explicit ShowSeriesStatement(size_t node_position) : Statement(kKind, node_position) {}

  std::optional<Identifier> database;
  std::vector<Measurement> from;
  std::unique_ptr<Expr> condition;  // May be null.
  std::optional<int64_t> limit;
  std::optional<int64_t> offset;
};

}  // namespace strata::influxql
