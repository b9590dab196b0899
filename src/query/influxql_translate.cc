#include "query/influxql_translate.h"

#include <algorithm>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/civil_time.h"
#include "influxql/duration.h"
#include "query/influxql_arithmetic.h"
#include "re2/re2.h"

namespace strata::query::influxql_select {
namespace {

using influxql::BinaryExpr;
using influxql::CallExpr;
using influxql::DataType;
using influxql::Expr;
using influxql::LiteralExpr;
using influxql::LiteralKind;
using influxql::VarRefExpr;
using influxql::WildcardExpr;

absl::Status Invalid(std::string message) {
  return absl::InvalidArgumentError(std::move(message));
}

struct FunctionInfo {
  std::string_view name;
  Function function;
};

constexpr FunctionInfo kFunctions[] = {
    {"count", Function::kCount},
    {"sum", Function::kSum},
    {"mean", Function::kMean},
    {"median", Function::kMedian},
    {"mode", Function::kMode},
    {"spread", Function::kSpread},
    {"stddev", Function::kStddev},
    {"integral", Function::kIntegral},
    {"distinct", Function::kDistinct},
    {"min", Function::kMin},
    {"max", Function::kMax},
    {"first", Function::kFirst},
    {"last", Function::kLast},
    {"percentile", Function::kPercentile},
    {"sample", Function::kSample},
    {"top", Function::kTop},
    {"bottom", Function::kBottom},
    {"derivative", Function::kDerivative},
    {"non_negative_derivative", Function::kNonNegativeDerivative},
    {"difference", Function::kDifference},
    {"non_negative_difference", Function::kNonNegativeDifference},
    {"moving_average", Function::kMovingAverage},
    {"cumulative_sum", Function::kCumulativeSum},
    {"elapsed", Function::kElapsed},
};

std::optional<Function> LookupFunction(std::string_view name) {
  for (const FunctionInfo& info : kFunctions) {
    if (info.name == name) {
      return info.function;
    }
  }
  return std::nullopt;
}

// Math functions (applied per row, to raw values or to aggregates) and their argument counts.
std::optional<size_t> MathFunctionArgs(std::string_view name) {
  static constexpr std::string_view kOne[] = {"abs",
                                              "sin",
                                              "cos",
                                              "tan",
                                              "asin",
                                              "acos",
                                              "atan",
                                              "exp",
                                              "ln",
                                              "log2",
                                              "log10",
                                              "sqrt",
                                              "floor",
                                              "ceil",
                                              "round"};
  for (std::string_view one : kOne) {
    if (one == name) {
      return 1;
    }
  }
  if (name == "atan2" || name == "pow" || name == "log") {
    return 2;
  }
  return std::nullopt;
}

// The type names of fields, as InfluxDB's messages spell them.
std::string_view FieldTypeName(TypeId type) {
  switch (type) {
    case TypeId::kFloat64:
      return "float";
    case TypeId::kInt64:
      return "integer";
    case TypeId::kUInt64:
      return "unsigned";
    case TypeId::kString:
      return "string";
    case TypeId::kBool:
      return "boolean";
    default:
      return "unknown";
  }
}

bool IsNumericType(TypeId type) {
  return type == TypeId::kFloat64 || type == TypeId::kInt64 || type == TypeId::kUInt64;
}

// Whether `function` accepts a field of `type` (a wildcard expands only to those fields).
bool AcceptsType(Function function, TypeId type) {
  switch (function) {
    case Function::kCount:
    case Function::kCountDistinct:
    case Function::kFirst:
    case Function::kLast:
    case Function::kDistinct:
    case Function::kElapsed:
    case Function::kMode:
    case Function::kSample:
    case Function::kRaw:
      return true;
    case Function::kMin:
    case Function::kMax:
      return IsNumericType(type) || type == TypeId::kBool;
    default:
      return IsNumericType(type);
  }
}

// InfluxDB's name of a field without an alias (influxql's Field.Name): a call's function name, a
// reference's name, or the names in a binary expression joined by '_'.
void CollectNames(const Expr& expr, std::vector<std::string>* names) {
  switch (expr.kind) {
    case influxql::ExprKind::kVarRef:
      names->push_back(expr.As<VarRefExpr>().name);
      return;
    case influxql::ExprKind::kCall:
      names->push_back(expr.As<CallExpr>().name);
      return;
    case influxql::ExprKind::kBinary:
      CollectNames(*expr.As<BinaryExpr>().left, names);
      CollectNames(*expr.As<BinaryExpr>().right, names);
      return;
    default:
      return;
  }
}

std::string FieldName(const Expr& expr) {
  switch (expr.kind) {
    case influxql::ExprKind::kVarRef:
      return expr.As<VarRefExpr>().name;
    case influxql::ExprKind::kCall:
      return expr.As<CallExpr>().name;
    case influxql::ExprKind::kBinary: {
      std::vector<std::string> names;
      CollectNames(expr, &names);
      return absl::StrJoin(names, "_");
    }
    default:
      return "";
  }
}

// The union of the sources' schemas, for expanding wildcards.
struct SourceSchema {
  std::map<std::string, TypeId> fields;
  std::set<std::string> tags;
};

SourceSchema UnionSchema(const std::vector<SourceTable>& sources) {
  SourceSchema schema;
  for (const SourceTable& source : sources) {
    for (const catalog::ColumnSchema& column : source.table->columns()) {
      if (column.kind == catalog::ColumnKind::kTag) {
        schema.tags.insert(column.name);
      } else if (column.kind == catalog::ColumnKind::kField) {
        schema.fields.emplace(column.name, column.type);
      }
    }
  }
  return schema;
}

// Compiles field expressions into FieldNodes, registering refs and streams, and records what
// InfluxDB's validation needs.
class FieldCompiler {
 public:
  FieldCompiler(CompiledSelect* out, const EvalContext& ctx, const SourceSchema& schema)
      : out_(out), ctx_(ctx), schema_(schema) {}

  // Number of function calls (not math), as InfluxDB counts them.
  int calls() const { return calls_; }
  bool has_aux() const { return has_aux_; }
  bool only_selectors() const { return only_selectors_; }
  bool has_distinct() const { return has_distinct_; }
  const std::string& top_bottom() const { return top_bottom_; }
  // The single call of the query, when there is exactly one.
  std::optional<Function> last_call() const { return last_call_; }

  // Compiles a top-level field expression; `arg0` replaces the first argument of a top-level
  // call (wildcard expansion).
  absl::StatusOr<FieldNode> CompileTop(const Expr& expr, const VarRefExpr* arg0) {
    if (expr.Is<CallExpr>() && arg0 != nullptr) {
      return CompileCall(expr.As<CallExpr>(), arg0, /*nested=*/false);
    }
    auto node = Compile(expr, /*in_binary=*/false);
    if (node.ok() && node->kind == FieldNode::Kind::kLiteral) {
      return Invalid("field must contain at least one variable");
    }
    return node;
  }

  // Extra output fields (top/bottom's tag arguments) to add after the current field.
  std::vector<OutputField> TakeExtraFields() { return std::move(extra_fields_); }

 private:
  int AddRef(const VarRefExpr& ref) {
    for (size_t i = 0; i < out_->refs.size(); ++i) {
      if (out_->refs[i].name == ref.name && out_->refs[i].type == ref.type) {
        return static_cast<int>(i);
      }
    }
    out_->refs.push_back(RefSpec{ref.name, ref.type});
    return static_cast<int>(out_->refs.size() - 1);
  }

  int AddStream(StreamSpec spec, const std::string& key) {
    auto it = stream_keys_.find(key);
    if (it != stream_keys_.end()) {
      return it->second;
    }
    out_->streams.push_back(std::move(spec));
    const int index = static_cast<int>(out_->streams.size() - 1);
    stream_keys_.emplace(key, index);
    return index;
  }

  absl::StatusOr<FieldNode> Compile(const Expr& expr, bool in_binary) {
    FieldNode node;
    switch (expr.kind) {
      case influxql::ExprKind::kLiteral: {
        const auto& literal = expr.As<LiteralExpr>();
        node.kind = FieldNode::Kind::kLiteral;
        switch (literal.literal_kind) {
          case LiteralKind::kInteger:
          case LiteralKind::kDuration:
            node.literal = literal.integer_value;
            break;
          case LiteralKind::kUnsigned:
            node.literal = literal.unsigned_value;
            break;
          case LiteralKind::kFloat:
            node.literal = literal.float_value;
            break;
          case LiteralKind::kString:
            node.literal = literal.text;
            break;
          case LiteralKind::kBoolean:
            node.literal = literal.boolean_value;
            break;
          case LiteralKind::kRegex:
            return Invalid("unable to use regex in a binary expression");
        }
        return node;
      }
      case influxql::ExprKind::kBoundParameter: {
        auto literal = ResolveParameter(expr.As<influxql::BoundParameterExpr>(), ctx_);
        if (!literal.ok()) {
          return literal.status();
        }
        return Compile(**literal, in_binary);
      }
      case influxql::ExprKind::kVarRef:
        has_aux_ = true;
        node.kind = FieldNode::Kind::kRef;
        node.index = AddRef(expr.As<VarRefExpr>());
        return node;
      case influxql::ExprKind::kWildcard:
        return Invalid(in_binary ? "unable to use wildcard in a binary expression"
                                 : "unsupported wildcard in the field list");
      case influxql::ExprKind::kCall:
        return CompileCall(expr.As<CallExpr>(), nullptr, /*nested=*/false);
      case influxql::ExprKind::kBinary: {
        const auto& binary = expr.As<BinaryExpr>();
        auto left = Compile(*binary.left, /*in_binary=*/true);
        if (!left.ok()) {
          return left.status();
        }
        auto right = Compile(*binary.right, /*in_binary=*/true);
        if (!right.ok()) {
          return right.status();
        }
        // Constant parts are computed once, as InfluxDB reduces them before compiling.
        if (left->kind == FieldNode::Kind::kLiteral && right->kind == FieldNode::Kind::kLiteral) {
          node.kind = FieldNode::Kind::kLiteral;
          node.literal = EvalBinary(binary.op, left->literal, right->literal);
          return node;
        }
        node.kind = FieldNode::Kind::kBinary;
        node.op = binary.op;
        node.children.push_back(*std::move(left));
        node.children.push_back(*std::move(right));
        return node;
      }
    }
    return Invalid("unsupported expression");
  }

  // The field argument of a function: a reference (wildcards were expanded before).
  absl::StatusOr<const VarRefExpr*> FieldArgument(const CallExpr& call, const VarRefExpr* arg0) {
    if (arg0 != nullptr) {
      return arg0;
    }
    if (call.args.empty()) {
      return Invalid(absl::StrCat("expected field argument in ", call.name, "()"));
    }
    const Expr& arg = *call.args[0];
    if (arg.Is<VarRefExpr>()) {
      return &arg.As<VarRefExpr>();
    }
    if (arg.Is<WildcardExpr>() ||
        (arg.Is<LiteralExpr>() && arg.As<LiteralExpr>().literal_kind == LiteralKind::kRegex)) {
      return Invalid(absl::StrCat("unsupported expression with ",
                                  arg.Is<WildcardExpr>() ? "wildcard" : "regex field",
                                  ": ",
                                  call.name,
                                  "()"));
    }
    return Invalid(absl::StrCat("expected field argument in ", call.name, "()"));
  }

  absl::Status CheckArgs(const CallExpr& call, size_t min, size_t max) {
    const size_t got = call.args.size();
    if (got >= min && got <= max) {
      return absl::OkStatus();
    }
    if (min == max) {
      return Invalid(absl::StrCat(
          "invalid number of arguments for ", call.name, ", expected ", min, ", got ", got));
    }
    return Invalid(absl::StrCat("invalid number of arguments for ",
                                call.name,
                                ", expected at least ",
                                min,
                                " but no more than ",
                                max,
                                ", got ",
                                got));
  }

  absl::StatusOr<int64_t> DurationArgument(const CallExpr& call, size_t index, int64_t unset) {
    if (call.args.size() <= index) {
      return unset;
    }
    const Expr& arg = *call.args[index];
    if (!arg.Is<LiteralExpr>() || arg.As<LiteralExpr>().literal_kind != LiteralKind::kDuration) {
      if (call.name == "integral") {
        return Invalid("second argument must be a duration");
      }
      return Invalid(absl::StrCat("second argument to ",
                                  call.name,
                                  " must be a duration, got ",
                                  arg.Is<LiteralExpr>() ? "a literal" : "an expression"));
    }
    const int64_t value = arg.As<LiteralExpr>().integer_value;
    if (value <= 0) {
      return Invalid(absl::StrCat("duration argument must be positive, got ", arg.ToString()));
    }
    return value;
  }

  absl::StatusOr<FieldNode> CompileCall(const CallExpr& call, const VarRefExpr* arg0, bool nested) {
    FieldNode node;
    if (auto args = MathFunctionArgs(call.name)) {
      if (call.args.size() != *args) {
        return Invalid(absl::StrCat("invalid number of arguments for ",
                                    call.name,
                                    ", expected ",
                                    *args,
                                    ", got ",
                                    call.args.size()));
      }
      node.kind = FieldNode::Kind::kFunction;
      node.function = call.name;
      bool constant = true;
      std::vector<influxql::ResultValue> values;
      for (const auto& arg : call.args) {
        auto child = Compile(*arg, /*in_binary=*/true);
        if (!child.ok()) {
          return child.status();
        }
        constant = constant && child->kind == FieldNode::Kind::kLiteral;
        values.push_back(child->literal);
        node.children.push_back(*std::move(child));
      }
      if (constant) {
        FieldNode folded;
        folded.kind = FieldNode::Kind::kLiteral;
        folded.literal = EvalMath(call.name, values);
        return folded;
      }
      return node;
    }
    if (call.name == "now") {
      return Invalid("now() is not supported in the field list");
    }
    std::optional<Function> function = LookupFunction(call.name);
    if (!function.has_value()) {
      return Invalid(absl::StrCat("undefined function ", call.name, "()"));
    }
    ++calls_;
    last_call_ = *function;
    StreamSpec spec;
    spec.function = *function;
    spec.name = call.name;
    node.kind = FieldNode::Kind::kStream;
    const bool has_interval = out_->interval != 0;

    if (IsTransformation(*function)) {
      only_selectors_ = false;
      switch (*function) {
        case Function::kDerivative:
        case Function::kNonNegativeDerivative: {
          absl::Status status = CheckArgs(call, 1, 2);
          if (!status.ok()) {
            return status;
          }
          auto unit = DurationArgument(call, 1, influxql::kSecond);
          if (!unit.ok()) {
            return unit.status();
          }
          spec.unit = *unit;
          break;
        }
        case Function::kElapsed: {
          absl::Status status = CheckArgs(call, 1, 2);
          if (!status.ok()) {
            return status;
          }
          auto unit = DurationArgument(call, 1, 1);
          if (!unit.ok()) {
            return unit.status();
          }
          spec.unit = *unit;
          break;
        }
        case Function::kDifference:
        case Function::kNonNegativeDifference:
        case Function::kCumulativeSum: {
          absl::Status status = CheckArgs(call, 1, 1);
          if (!status.ok()) {
            return status;
          }
          break;
        }
        case Function::kMovingAverage: {
          absl::Status status = CheckArgs(call, 2, 2);
          if (!status.ok()) {
            return status;
          }
          const Expr& n = *call.args[1];
          if (!n.Is<LiteralExpr>() || n.As<LiteralExpr>().literal_kind != LiteralKind::kInteger) {
            return Invalid("second argument for moving_average must be an integer");
          }
          if (n.As<LiteralExpr>().integer_value <= 1) {
            return Invalid(absl::StrCat("moving_average window must be greater than 1, got ",
                                        n.As<LiteralExpr>().integer_value));
          }
          spec.count = n.As<LiteralExpr>().integer_value;
          break;
        }
        default:
          break;
      }
      const Expr& input = *call.args[0];
      if (input.Is<CallExpr>() && arg0 == nullptr) {
        if (!has_interval) {
          return Invalid(absl::StrCat(call.name, " aggregate requires a GROUP BY interval"));
        }
        auto child = CompileCall(input.As<CallExpr>(), nullptr, /*nested=*/true);
        if (!child.ok()) {
          return child.status();
        }
        if (child->kind != FieldNode::Kind::kStream) {
          return Invalid(absl::StrCat("expected field argument in ", call.name, "()"));
        }
        spec.input = child->index;
      } else {
        if (has_interval && !out_->inherited_interval) {
          return Invalid(
              absl::StrCat("aggregate function required inside the call to ", call.name));
        }
        auto ref = FieldArgument(call, arg0);
        if (!ref.ok()) {
          return ref.status();
        }
        StreamSpec raw;
        raw.function = Function::kRaw;
        raw.name = "raw";
        raw.ref = AddRef(**ref);
        spec.input = AddStream(std::move(raw), absl::StrCat("raw:", raw.ref));
      }
      node.index = AddStream(
          spec, absl::StrCat(call.name, "(#", spec.input, ",", spec.unit, ",", spec.count, ")"));
      return node;
    }

    // Aggregates and selectors.
    switch (*function) {
      case Function::kCount:
      case Function::kSum:
      case Function::kMean:
      case Function::kMedian:
      case Function::kMode:
      case Function::kSpread:
      case Function::kStddev:
        only_selectors_ = false;
        [[fallthrough]];
      case Function::kMin:
      case Function::kMax:
      case Function::kFirst:
      case Function::kLast: {
        absl::Status status = CheckArgs(call, 1, 1);
        if (!status.ok()) {
          return status;
        }
        if (*function == Function::kCount && arg0 == nullptr && call.args[0]->Is<CallExpr>() &&
            call.args[0]->As<CallExpr>().name == "distinct") {
          const CallExpr& distinct = call.args[0]->As<CallExpr>();
          if (distinct.args.size() != 1 || !distinct.args[0]->Is<VarRefExpr>()) {
            return Invalid("expected field argument in distinct()");
          }
          spec.function = Function::kCountDistinct;
          spec.name = "count";
          spec.ref = AddRef(distinct.args[0]->As<VarRefExpr>());
          node.index =
              AddStream(spec, absl::StrCat("count_distinct:", spec.ref, nested ? ":input" : ""));
          return node;
        }
        break;
      }
      case Function::kPercentile: {
        absl::Status status = CheckArgs(call, 2, 2);
        if (!status.ok()) {
          return status;
        }
        const Expr& p = *call.args[1];
        if (!p.Is<LiteralExpr>() || (p.As<LiteralExpr>().literal_kind != LiteralKind::kInteger &&
                                     p.As<LiteralExpr>().literal_kind != LiteralKind::kFloat)) {
          return Invalid("expected float argument in percentile()");
        }
        const auto& literal = p.As<LiteralExpr>();
        spec.percentile = literal.literal_kind == LiteralKind::kInteger
                              ? static_cast<double>(literal.integer_value)
                              : literal.float_value;
        break;
      }
      case Function::kSample: {
        absl::Status status = CheckArgs(call, 2, 2);
        if (!status.ok()) {
          return status;
        }
        const Expr& n = *call.args[1];
        if (!n.Is<LiteralExpr>() || n.As<LiteralExpr>().literal_kind != LiteralKind::kInteger) {
          return Invalid("expected integer argument in sample()");
        }
        if (n.As<LiteralExpr>().integer_value <= 0) {
          return Invalid(absl::StrCat("sample window must be greater than 1, got ",
                                      n.As<LiteralExpr>().integer_value));
        }
        spec.count = n.As<LiteralExpr>().integer_value;
        break;
      }
      case Function::kDistinct: {
        if (call.args.empty()) {
          return Invalid("distinct function requires at least one argument");
        }
        if (call.args.size() != 1) {
          return Invalid("distinct function can only have one argument");
        }
        if (arg0 == nullptr && !call.args[0]->Is<VarRefExpr>()) {
          return Invalid("expected field argument in distinct()");
        }
        if (!nested) {
          has_distinct_ = true;
        }
        only_selectors_ = false;
        break;
      }
      case Function::kIntegral: {
        absl::Status status = CheckArgs(call, 1, 2);
        if (!status.ok()) {
          return status;
        }
        auto unit = DurationArgument(call, 1, influxql::kSecond);
        if (!unit.ok()) {
          return unit.status();
        }
        spec.unit = *unit;
        only_selectors_ = false;
        break;
      }
      case Function::kTop:
      case Function::kBottom: {
        if (!top_bottom_.empty()) {
          return Invalid(absl::StrCat(
              "selector function ", top_bottom_, "() cannot be combined with other functions"));
        }
        if (call.args.size() < 2) {
          return Invalid(absl::StrCat("invalid number of arguments for ",
                                      call.name,
                                      ", expected at least 2, got ",
                                      call.args.size()));
        }
        const Expr& n = *call.args.back();
        if (!n.Is<LiteralExpr>() || n.As<LiteralExpr>().literal_kind != LiteralKind::kInteger) {
          return Invalid(absl::StrCat(
              "expected integer as last argument in ", call.name, "(), found ", n.ToString()));
        }
        const int64_t limit = n.As<LiteralExpr>().integer_value;
        if (limit <= 0) {
          return Invalid(
              absl::StrCat("limit (", limit, ") in ", call.name, " function must be at least 1"));
        }
        if (out_->limit > 0 && limit > out_->limit) {
          return Invalid(absl::StrCat("limit (",
                                      limit,
                                      ") in ",
                                      call.name,
                                      " function can not be larger than the LIMIT (",
                                      out_->limit,
                                      ") in the select statement"));
        }
        if (arg0 == nullptr && !call.args[0]->Is<VarRefExpr>()) {
          return Invalid(absl::StrCat("expected first argument to be a field in ",
                                      call.name,
                                      "(), found ",
                                      call.args[0]->ToString()));
        }
        spec.count = limit;
        for (size_t i = 1; i + 1 < call.args.size(); ++i) {
          const Expr& tag = *call.args[i];
          if (!tag.Is<VarRefExpr>()) {
            return Invalid(absl::StrCat(
                "only fields or tags are allowed in ", call.name, "(), found ", tag.ToString()));
          }
          const int ref = AddRef(tag.As<VarRefExpr>());
          spec.tag_refs.push_back(ref);
          has_aux_ = true;
          OutputField extra;
          extra.name = tag.As<VarRefExpr>().name;
          extra.expr.kind = FieldNode::Kind::kRef;
          extra.expr.index = ref;
          extra_fields_.push_back(std::move(extra));
        }
        top_bottom_ = call.name;
        break;
      }
      default:
        break;
    }
    auto ref = FieldArgument(call, arg0);
    if (!ref.ok()) {
      return ref.status();
    }
    spec.ref = AddRef(**ref);
    // A function read by a transformation covers more intervals than the same function in a
    // field of its own, so the two are separate streams.
    std::string key = absl::StrCat(call.name,
                                   ":",
                                   spec.ref,
                                   ":",
                                   spec.count,
                                   ":",
                                   spec.unit,
                                   ":",
                                   spec.percentile,
                                   nested ? ":input" : "");
    for (int tag : spec.tag_refs) {
      absl::StrAppend(&key, ":", tag);
    }
    node.index = AddStream(std::move(spec), key);
    return node;
  }

  CompiledSelect* out_;
  const EvalContext& ctx_;
  const SourceSchema& schema_;
  absl::flat_hash_map<std::string, int> stream_keys_;
  int calls_ = 0;
  bool has_aux_ = false;
  bool only_selectors_ = true;
  bool has_distinct_ = false;
  std::string top_bottom_;
  std::optional<Function> last_call_;
  std::vector<OutputField> extra_fields_;
};

bool IsRegexLiteral(const Expr& expr) {
  return expr.Is<LiteralExpr>() && expr.As<LiteralExpr>().literal_kind == LiteralKind::kRegex;
}

// The schema of a subquery's result: its GROUP BY tags are tags, its columns are fields typed by
// their first value (float when they have none).
std::shared_ptr<const catalog::TableSchema> SubquerySchema(
    const std::vector<influxql::Series>& series) {
  std::vector<catalog::ColumnSchema> columns;
  columns.push_back(catalog::ColumnSchema{catalog::kTimeColumnId,
                                          std::string(catalog::kTimeColumnName),
                                          catalog::ColumnKind::kTime,
                                          TypeId::kTimestamp});
  std::map<std::string, size_t> index;
  auto add = [&](const std::string& name, catalog::ColumnKind kind) -> catalog::ColumnSchema* {
    if (name == catalog::kTimeColumnName) {
      return nullptr;
    }
    auto [it, inserted] = index.emplace(name, columns.size());
    if (inserted) {
      columns.push_back(catalog::ColumnSchema{
          static_cast<uint32_t>(columns.size()),
          name,
          kind,
          kind == catalog::ColumnKind::kTag ? TypeId::kDictionary : TypeId::kFloat64});
      return &columns.back();
    }
    return nullptr;
  };
  for (const influxql::Series& s : series) {
    for (const auto& [key, value] : s.tags) {
      add(key, catalog::ColumnKind::kTag);
    }
  }
  std::set<std::string> typed;
  for (const influxql::Series& s : series) {
    for (size_t c = 1; c < s.columns.size(); ++c) {
      add(s.columns[c], catalog::ColumnKind::kField);
      auto it = index.find(s.columns[c]);
      if (it == index.end() || columns[it->second].kind != catalog::ColumnKind::kField ||
          typed.contains(s.columns[c])) {
        continue;
      }
      for (const auto& row : s.values) {
        const influxql::ResultValue& value = row[c];
        std::optional<TypeId> type;
        if (std::holds_alternative<double>(value)) {
          type = TypeId::kFloat64;
        } else if (std::holds_alternative<int64_t>(value) ||
                   std::holds_alternative<influxql::ResultTime>(value)) {
          type = TypeId::kInt64;
        } else if (std::holds_alternative<uint64_t>(value)) {
          type = TypeId::kUInt64;
        } else if (std::holds_alternative<std::string>(value)) {
          type = TypeId::kString;
        } else if (std::holds_alternative<bool>(value)) {
          type = TypeId::kBool;
        }
        if (type.has_value()) {
          columns[it->second].type = *type;
          typed.insert(s.columns[c]);
          break;
        }
      }
    }
  }
  return std::make_shared<const catalog::TableSchema>(0, "(subquery)", std::move(columns));
}

absl::Status ResolveSources(const influxql::SelectStatement& statement,
                            const QueryEngine& engine,
                            const InfluxQLRequest& request,
                            const ParentQuery& self,
                            const SubqueryRunner& run_subquery,
                            std::vector<SourceTable>* sources) {
  auto snapshot = engine.catalog()->snapshot();
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& source : statement.sources) {
    if (source->Is<influxql::SubquerySource>()) {
      const influxql::SelectStatement& inner = *source->As<influxql::SubquerySource>().select;
      auto series = run_subquery(inner, self);
      if (!series.ok()) {
        return series.status();
      }
      SourceTable table;
      table.database = request.database;
      table.table = SubquerySchema(*series);
      table.subquery = std::make_shared<const std::vector<influxql::Series>>(*std::move(series));
      sources->push_back(std::move(table));
      continue;
    }
    const influxql::Measurement& m = source->As<influxql::MeasurementSource>().measurement;
    const std::string& database = m.database.empty() ? request.database : m.database;
    if (database.empty()) {
      return Invalid("database name required");
    }
    const catalog::DatabaseSchema* db = snapshot->FindDatabase(database);
    if (db == nullptr) {
      return Invalid(absl::StrCat("database not found: ", database));
    }
    auto add = [&](const std::shared_ptr<const catalog::TableSchema>& table) {
      if (seen.emplace(database, table->name()).second) {
        sources->push_back(SourceTable{database, table});
      }
    };
    if (m.regex.has_value()) {
      RE2 re(*m.regex, RE2::Quiet);
      if (!re.ok()) {
        return Invalid(absl::StrCat("invalid regular expression /", *m.regex, "/: ", re.error()));
      }
      for (const auto& table : db->tables()) {
        if (RE2::PartialMatch(table->name(), re)) {
          add(table);
        }
      }
    } else if (const catalog::TableSchema* table = db->FindTable(m.name)) {
      add(db->tables()[table->id()]);
    }
  }
  std::stable_sort(
      sources->begin(), sources->end(), [](const SourceTable& a, const SourceTable& b) {
        return std::tie(a.table->name(), a.database) < std::tie(b.table->name(), b.database);
      });
  return absl::OkStatus();
}

// InfluxDB's column names: aliases first, then generated names, with `_N` suffixes for
// duplicates.
void AssignColumnNames(std::vector<OutputField>* fields, const std::vector<bool>& has_alias) {
  std::map<std::string, int> used;
  for (size_t i = 0; i < fields->size(); ++i) {
    if (has_alias[i]) {
      used[(*fields)[i].name] = 1;
    }
  }
  for (size_t i = 0; i < fields->size(); ++i) {
    if (has_alias[i]) {
      continue;
    }
    std::string name = (*fields)[i].name;
    auto it = used.find(name);
    if (it != used.end()) {
      int count = it->second;
      while (true) {
        std::string resolved = absl::StrCat(name, "_", count);
        if (used.find(resolved) == used.end()) {
          used[name] = count + 1;
          name = resolved;
          break;
        }
        ++count;
      }
    }
    used[name]++;
    (*fields)[i].name = name;
  }
}

// The zone's UTC offset (nanoseconds) at `nanos`.
int64_t ZoneOffset(const absl::TimeZone& zone, int64_t nanos) {
  return static_cast<int64_t>(zone.At(absl::FromUnixNanos(nanos)).offset) * kNanosPerSecond;
}

// True if `zone` keeps one UTC offset over [min, max].
bool FixedOffset(const absl::TimeZone& zone, int64_t min, int64_t max) {
  absl::TimeZone::CivilTransition transition;
  return !zone.NextTransition(absl::FromUnixNanos(min), &transition) ||
         absl::ToUnixNanos(zone.At(transition.from).pre) > max;
}

// Whether the streams can all be computed by SQL aggregates over the sources.
bool SqlComputable(const CompiledSelect& select) {
  if (select.mode != QueryMode::kAggregate || select.multi_point) {
    return false;
  }
  for (const SourceTable& source : select.sources) {
    if (source.subquery != nullptr) {
      return false;
    }
  }
  for (const StreamSpec& stream : select.streams) {
    switch (stream.function) {
      case Function::kCount:
      case Function::kCountDistinct:
      case Function::kSum:
      case Function::kMean:
      case Function::kMedian:
      case Function::kSpread:
      case Function::kStddev:
      case Function::kFirst:
      case Function::kLast:
        break;
      case Function::kMin:
      case Function::kMax:
        // SQL has no min/max of booleans in InfluxDB's sense; the executor computes those.
        for (const SourceTable& source : select.sources) {
          const catalog::ColumnSchema* column =
              source.table->FindColumn(select.refs[stream.ref].name);
          if (column != nullptr && column->type == TypeId::kBool) {
            return false;
          }
        }
        break;
      default:
        if (!IsTransformation(stream.function)) {
          return false;
        }
    }
  }
  if (select.zone.has_value() && select.interval != 0) {
    // date_bin's origin can carry a fixed zone offset only.
    if (!select.read_range.has_min() ||
        !FixedOffset(*select.zone, select.read_range.min, select.read_range.max)) {
      return false;
    }
  }
  return true;
}

// Checks the field types functions need (InfluxDB fails such queries when it builds iterators).
absl::Status CheckTypes(const CompiledSelect& select) {
  for (const StreamSpec& stream : select.streams) {
    if (stream.ref < 0 || stream.function == Function::kRaw) {
      continue;
    }
    for (const SourceTable& source : select.sources) {
      const catalog::ColumnSchema* column = source.table->FindColumn(select.refs[stream.ref].name);
      if (column == nullptr || column->kind != catalog::ColumnKind::kField) {
        continue;
      }
      const DataType cast = select.refs[stream.ref].type;
      TypeId type = column->type;
      if (cast == DataType::kFloat && IsNumericType(type)) {
        type = TypeId::kFloat64;
      } else if (cast == DataType::kInteger && IsNumericType(type)) {
        type = TypeId::kInt64;
      } else if (cast == DataType::kUnsigned && IsNumericType(type)) {
        type = TypeId::kUInt64;
      }
      if (!AcceptsType(stream.function, type)) {
        return Invalid(absl::StrCat("unsupported ",
                                    stream.name,
                                    " iterator type: ",
                                    std::string(FieldTypeName(type)),
                                    " field ",
                                    select.refs[stream.ref].name));
      }
    }
  }
  // Transformations over raw fields need numbers, except elapsed.
  for (const StreamSpec& stream : select.streams) {
    if (!IsTransformation(stream.function) || stream.function == Function::kElapsed) {
      continue;
    }
    const StreamSpec& input = select.streams[stream.input];
    if (input.function != Function::kRaw) {
      continue;
    }
    for (const SourceTable& source : select.sources) {
      const catalog::ColumnSchema* column = source.table->FindColumn(select.refs[input.ref].name);
      if (column != nullptr && column->kind == catalog::ColumnKind::kField &&
          !IsNumericType(column->type)) {
        return Invalid(absl::StrCat("unsupported ",
                                    stream.name,
                                    " iterator type: ",
                                    std::string(FieldTypeName(column->type)),
                                    " field ",
                                    select.refs[input.ref].name));
      }
    }
  }
  return absl::OkStatus();
}

// How a ref reads from one table, as SQL.
struct RefColumn {
  std::string sql;  // "NULL" when the table has no such field or tag
  bool is_field = false;
  bool is_tag = false;
  TypeId type = TypeId::kFloat64;
};

RefColumn ResolveRef(const catalog::TableSchema& table, const RefSpec& ref) {
  RefColumn out;
  out.sql = "NULL";
  const catalog::ColumnSchema* column = table.FindColumn(ref.name);
  if (column == nullptr || column->kind == catalog::ColumnKind::kTime) {
    return out;
  }
  const std::string name = SqlIdentifier(ref.name);
  if (column->kind == catalog::ColumnKind::kTag) {
    if (ref.type == DataType::kUnspecified || ref.type == DataType::kTag) {
      out.sql = name;
      out.is_tag = true;
      out.type = TypeId::kString;
    }
    return out;
  }
  const TypeId type = column->type;
  auto field = [&](std::string sql, TypeId result) {
    out.sql = std::move(sql);
    out.is_field = true;
    out.type = result;
  };
  switch (ref.type) {
    case DataType::kUnspecified:
    case DataType::kField:
      field(name, type);
      break;
    case DataType::kTag:
      break;
    case DataType::kFloat:
      if (type == TypeId::kFloat64) {
        field(name, type);
      } else if (IsNumericType(type)) {
        field(absl::StrCat("CAST(", name, " AS double)"), TypeId::kFloat64);
      }
      break;
    case DataType::kInteger:
      if (type == TypeId::kInt64) {
        field(name, type);
      } else if (IsNumericType(type)) {
        field(absl::StrCat("TRY_CAST(", name, " AS bigint)"), TypeId::kInt64);
      }
      break;
    case DataType::kUnsigned:
      if (type == TypeId::kUInt64) {
        field(name, type);
      } else if (IsNumericType(type)) {
        field(absl::StrCat("TRY_CAST(", name, " AS bigint unsigned)"), TypeId::kUInt64);
      }
      break;
    case DataType::kString:
      if (type == TypeId::kString) {
        field(name, type);
      }
      break;
    case DataType::kBoolean:
      if (type == TypeId::kBool) {
        field(name, type);
      }
      break;
  }
  return out;
}

std::string TimeBoundsSql(const TimeRange& range) {
  std::string sql;
  if (range.has_min()) {
    sql = absl::StrCat("\"time\" >= ", SqlTimestamp(range.min));
  }
  if (range.has_max()) {
    absl::StrAppend(&sql, sql.empty() ? "" : " AND ", "\"time\" <= ", SqlTimestamp(range.max));
  }
  return sql;
}

}  // namespace

bool IsTransformation(Function function) {
  switch (function) {
    case Function::kDerivative:
    case Function::kNonNegativeDerivative:
    case Function::kDifference:
    case Function::kNonNegativeDifference:
    case Function::kMovingAverage:
    case Function::kCumulativeSum:
    case Function::kElapsed:
      return true;
    default:
      return false;
  }
}

bool IsSelector(Function function) {
  switch (function) {
    case Function::kMin:
    case Function::kMax:
    case Function::kFirst:
    case Function::kLast:
    case Function::kPercentile:
    case Function::kSample:
    case Function::kTop:
    case Function::kBottom:
      return true;
    default:
      return false;
  }
}

absl::StatusOr<CompiledSelect> CompileSelect(const influxql::SelectStatement& statement,
                                             const QueryEngine& engine,
                                             const InfluxQLRequest& request,
                                             const EvalContext& ctx,
                                             const ParentQuery* parent,
                                             const SubqueryRunner& run_subquery) {
  CompiledSelect out;
  out.statement = &statement;

  // Time range, GROUP BY time(), tz, fill, order and limits.
  if (statement.time_zone.has_value()) {
    absl::TimeZone zone;
    if (!absl::LoadTimeZone(statement.time_zone->name, &zone)) {
      return Invalid(absl::StrCat("unable to find time zone ", statement.time_zone->name));
    }
    out.zone = zone;
  }
  EvalContext zoned = ctx;
  if (out.zone.has_value()) {
    zoned.zone = &*out.zone;
  }
  auto range = ExtractTimeRange(statement.condition.get(), zoned);
  if (!range.ok()) {
    return range.status();
  }
  out.range = *range;
  for (const influxql::Dimension& dimension : statement.dimensions) {
    if (dimension.kind != influxql::Dimension::Kind::kTime) {
      continue;
    }
    if (out.interval != 0) {
      return Invalid("multiple time dimensions not allowed");
    }
    out.interval = dimension.interval;
    if (dimension.offset.has_value()) {
      const int64_t offset = dimension.offset->now ? ctx.now_ns : dimension.offset->nanoseconds;
      out.offset = FloorMod(offset, dimension.interval);
    }
  }
  if (statement.fill.has_value()) {
    out.fill = statement.fill->mode;
    out.fill_value = statement.fill->value;
  }
  out.ascending = !statement.order_by.has_value() || statement.order_by->ascending;
  out.limit = statement.limit.value_or(0);
  out.offset_rows = statement.offset.value_or(0);
  out.series_limit = statement.series_limit.value_or(0);
  out.series_offset = statement.series_offset.value_or(0);
  if (parent != nullptr) {
    if (statement.order_by.has_value() && out.ascending != parent->ascending) {
      return Invalid("subqueries must be ordered in the same direction as the query itself");
    }
    out.ascending = parent->ascending;
    out.range.min = std::max(out.range.min, parent->range.min);
    out.range.max = std::min(out.range.max, parent->range.max);
    if (out.interval == 0 && parent->interval != 0) {
      out.interval = parent->interval;
      out.offset = parent->offset;
      out.inherited_interval = true;
    }
    // Empty intervals of a subquery are not filled with nulls (compile.go).
    if (out.interval != 0 && out.fill == influxql::FillMode::kNull) {
      out.fill = influxql::FillMode::kNone;
    }
  }
  // GROUP BY time() without an upper bound ends at now().
  if (out.interval != 0 && !out.range.has_max()) {
    out.range.max = ctx.now_ns;
  }

  // Sources (subqueries run now: their columns are the fields this statement reads), then the
  // GROUP BY tags, which may expand against them.
  const ParentQuery self{out.range, out.interval, out.offset, out.ascending};
  absl::Status status =
      ResolveSources(statement, engine, request, self, run_subquery, &out.sources);
  if (!status.ok()) {
    return status;
  }
  const SourceSchema schema = UnionSchema(out.sources);
  std::set<std::string> group_tags;
  for (const influxql::Dimension& dimension : statement.dimensions) {
    switch (dimension.kind) {
      case influxql::Dimension::Kind::kTime:
        break;
      case influxql::Dimension::Kind::kTag:
        if (dimension.tag == "time") {
          return Invalid("time() is a function and expects at least one argument");
        }
        group_tags.insert(dimension.tag);
        break;
      case influxql::Dimension::Kind::kWildcard:
        group_tags.insert(schema.tags.begin(), schema.tags.end());
        break;
      case influxql::Dimension::Kind::kRegex: {
        RE2 re(dimension.regex, RE2::Quiet);
        if (!re.ok()) {
          return Invalid(
              absl::StrCat("invalid regular expression /", dimension.regex, "/: ", re.error()));
        }
        for (const std::string& tag : schema.tags) {
          if (RE2::PartialMatch(tag, re)) {
            group_tags.insert(tag);
          }
        }
        break;
      }
    }
  }
  out.group_tags.assign(group_tags.begin(), group_tags.end());

  // Fields: drop `time` (its alias names the time column), expand wildcards, compile.
  FieldCompiler compiler(&out, ctx, schema);
  std::deque<VarRefExpr> expansions;  // references made by wildcard expansion
  std::vector<bool> has_alias;
  auto add_field = [&](std::string name, bool alias, FieldNode node) {
    out.fields.push_back(OutputField{std::move(name), std::move(node)});
    has_alias.push_back(alias);
    for (OutputField& extra : compiler.TakeExtraFields()) {
      out.fields.push_back(std::move(extra));
      has_alias.push_back(false);
    }
  };
  auto make_ref = [&](const std::string& name, DataType type) -> const VarRefExpr* {
    expansions.emplace_back(0);
    expansions.back().name = name;
    expansions.back().type = type;
    return &expansions.back();
  };
  for (const influxql::Field& field : statement.fields) {
    const Expr& expr = *field.expr;
    if (influxql::IsTimeRef(expr)) {
      if (field.alias.has_value()) {
        out.time_column = field.alias->name;
      }
      continue;
    }
    // `*`, `*::field`, `*::tag` and `/regex/` as a field.
    if (expr.Is<WildcardExpr>() || IsRegexLiteral(expr)) {
      std::optional<RE2> re;
      DataType only = DataType::kUnspecified;
      if (expr.Is<WildcardExpr>()) {
        only = expr.As<WildcardExpr>().type;
      } else {
        re.emplace(expr.As<LiteralExpr>().text, RE2::Quiet);
      }
      std::map<std::string, DataType> names;
      if (only != DataType::kTag) {
        for (const auto& [name, type] : schema.fields) {
          names.emplace(name, DataType::kField);
        }
      }
      if (only != DataType::kField) {
        for (const std::string& tag : schema.tags) {
          if (!group_tags.contains(tag)) {
            names.emplace(tag, DataType::kTag);
          }
        }
      }
      for (const auto& [name, type] : names) {
        if (re.has_value() && !RE2::PartialMatch(name, *re)) {
          continue;
        }
        auto node = compiler.CompileTop(*make_ref(name, type), nullptr);
        if (!node.ok()) {
          return node.status();
        }
        add_field(name, false, *std::move(node));
      }
      continue;
    }
    // function(*) and function(/regex/): one field per matching field.
    if (expr.Is<CallExpr>() && !expr.As<CallExpr>().args.empty() &&
        (expr.As<CallExpr>().args[0]->Is<WildcardExpr>() ||
         IsRegexLiteral(*expr.As<CallExpr>().args[0]))) {
      const CallExpr& call = expr.As<CallExpr>();
      std::optional<Function> function = LookupFunction(call.name);
      if (!function.has_value() || IsTransformation(*function)) {
        return Invalid(absl::StrCat("unsupported expression with ",
                                    call.args[0]->Is<WildcardExpr>() ? "wildcard" : "regex field",
                                    ": ",
                                    call.name,
                                    "()"));
      }
      std::optional<RE2> re;
      if (IsRegexLiteral(*call.args[0])) {
        re.emplace(call.args[0]->As<LiteralExpr>().text, RE2::Quiet);
      }
      const std::string prefix = field.alias.has_value() ? field.alias->name : call.name;
      for (const auto& [name, type] : schema.fields) {
        if ((re.has_value() && !RE2::PartialMatch(name, *re)) || !AcceptsType(*function, type)) {
          continue;
        }
        auto node = compiler.CompileTop(expr, make_ref(name, DataType::kUnspecified));
        if (!node.ok()) {
          return node.status();
        }
        add_field(absl::StrCat(prefix, "_", name), false, *std::move(node));
      }
      continue;
    }
    auto node = compiler.CompileTop(expr, nullptr);
    if (!node.ok()) {
      return node.status();
    }
    const bool alias = field.alias.has_value();
    add_field(alias ? field.alias->name : FieldName(expr), alias, *std::move(node));
  }
  AssignColumnNames(&out.fields, has_alias);

  // InfluxDB's checks of the field list (query/compile.go validateFields).
  if (out.fields.empty() && !statement.fields.empty()) {
    bool only_time = true;
    for (const influxql::Field& field : statement.fields) {
      only_time = only_time && influxql::IsTimeRef(*field.expr);
    }
    if (only_time) {
      return Invalid("at least 1 non-time field must be queried");
    }
  }
  if (compiler.calls() > 1 && !compiler.top_bottom().empty()) {
    return Invalid(absl::StrCat(
        "selector function ", compiler.top_bottom(), "() cannot be combined with other functions"));
  }
  if (compiler.calls() == 0) {
    if (out.fill == influxql::FillMode::kNone && statement.fill.has_value()) {
      return Invalid("fill(none) must be used with a function");
    }
    if (out.fill == influxql::FillMode::kLinear) {
      return Invalid("fill(linear) must be used with a function");
    }
    if (out.interval != 0 && !out.inherited_interval) {
      return Invalid("GROUP BY requires at least one aggregate function");
    }
  }
  if (compiler.has_distinct() && (compiler.calls() != 1 || compiler.has_aux())) {
    return Invalid(
        "aggregate function distinct() cannot be combined with other functions or fields");
  }
  if (compiler.has_aux() && compiler.calls() > 0) {
    if (!compiler.only_selectors()) {
      return Invalid("mixing aggregate and non-aggregate queries is not supported");
    }
    if (compiler.calls() > 1) {
      return Invalid("mixing multiple selector functions with tags or fields is not supported");
    }
  }
  out.mode = compiler.calls() == 0 ? QueryMode::kRaw
             : compiler.has_aux()  ? QueryMode::kSelector
                                   : QueryMode::kAggregate;
  if (compiler.calls() == 1 && compiler.last_call().has_value()) {
    const Function only = *compiler.last_call();
    out.multi_point = only == Function::kTop || only == Function::kBottom ||
                      only == Function::kDistinct || only == Function::kSample;
  }
  status = CheckTypes(out);
  if (!status.ok()) {
    return status;
  }

  // Transformations read the interval before the range.
  out.read_range = out.range;
  if (out.interval != 0) {
    // InfluxDB reads one interval more for each of these (moving_average too: its larger shift
    // applies after its input is built, query/select.go).
    int64_t extra = 0;
    for (const StreamSpec& stream : out.streams) {
      if (IsTransformation(stream.function) && stream.function != Function::kCumulativeSum) {
        extra = 1;
      }
    }
    if (extra > 0) {
      if (out.ascending && out.read_range.has_min()) {
        const double shifted = static_cast<double>(out.read_range.min) -
                               static_cast<double>(extra) * static_cast<double>(out.interval);
        out.read_range.min = shifted <= static_cast<double>(kMinTime)
                                 ? kMinTime
                                 : out.read_range.min - extra * out.interval;
      } else if (!out.ascending && out.read_range.has_max()) {
        const double shifted = static_cast<double>(out.read_range.max) +
                               static_cast<double>(extra) * static_cast<double>(out.interval);
        out.read_range.max = shifted >= static_cast<double>(kMaxTime)
                                 ? kMaxTime
                                 : out.read_range.max + extra * out.interval;
      }
    }
  }
  out.sql_aggregates = SqlComputable(out);
  return out;
}

absl::StatusOr<SourceSql> BuildSourceSql(const CompiledSelect& select,
                                         const SourceTable& source,
                                         const EvalContext& ctx) {
  const catalog::TableSchema& table = *source.table;
  SourceSql out;
  EvalContext zoned = ctx;
  if (select.zone.has_value()) {
    zoned.zone = &*select.zone;
  }
  auto condition = ConditionToSql(select.statement->condition.get(), table, zoned);
  if (!condition.ok()) {
    return condition.status();
  }
  std::vector<std::string> where;
  std::string bounds = TimeBoundsSql(select.read_range);
  if (!bounds.empty()) {
    where.push_back(std::move(bounds));
  }
  if (*condition != "TRUE") {
    where.push_back(*condition);
  }
  std::vector<std::string> tag_columns;
  for (const std::string& tag : select.group_tags) {
    const catalog::ColumnSchema* column = table.FindColumn(tag);
    tag_columns.push_back(column != nullptr && column->kind == catalog::ColumnKind::kTag
                              ? SqlIdentifier(tag)
                              : std::string("NULL"));
  }
  std::vector<RefColumn> refs;
  refs.reserve(select.refs.size());
  for (const RefSpec& ref : select.refs) {
    refs.push_back(ResolveRef(table, ref));
  }
  const std::string from = SqlIdentifier(table.name());
  const size_t tags = select.group_tags.size();

  if (select.sql_aggregates) {
    // A point exists where one of the functions' fields has a value.
    std::vector<std::string> present;
    std::vector<std::string> columns;
    if (select.interval != 0) {
      int64_t origin = select.offset;
      if (select.zone.has_value()) {
        origin -= ZoneOffset(*select.zone, select.read_range.min);
      }
      origin = FloorMod(origin, select.interval);
      columns.push_back(absl::StrCat("date_bin(",
                                     SqlInterval(select.interval),
                                     ", \"time\", ",
                                     SqlTimestamp(origin),
                                     ") AS \"__time\""));
    }
    out.has_time_column = select.interval != 0;
    for (size_t i = 0; i < tag_columns.size(); ++i) {
      columns.push_back(absl::StrCat(tag_columns[i], " AS \"__tag", i, "\""));
    }
    out.first_value_column = static_cast<int>(columns.size());
    out.stream_value_column.assign(select.streams.size(), -1);
    out.stream_time_column.assign(select.streams.size(), -1);
    // Selectors keep their point's time when they are the query's only function and there is
    // no GROUP BY time().
    const bool lone_selector = select.interval == 0 && select.streams.size() == 1 &&
                               IsSelector(select.streams[0].function);
    std::set<std::string> present_set;
    for (size_t i = 0; i < select.streams.size(); ++i) {
      const StreamSpec& stream = select.streams[i];
      if (IsTransformation(stream.function)) {
        continue;
      }
      const RefColumn& ref = refs[stream.ref];
      if (!ref.is_field) {
        continue;
      }
      if (present_set.insert(ref.sql).second) {
        present.push_back(absl::StrCat(ref.sql, " IS NOT NULL"));
      }
      std::string value;
      std::string time;
      const std::string& x = ref.sql;
      switch (stream.function) {
        case Function::kCount:
          value = absl::StrCat("count(", x, ")");
          break;
        case Function::kCountDistinct:
          value = absl::StrCat("count(DISTINCT ", x, ")");
          break;
        case Function::kSum:
          value = absl::StrCat("sum(", x, ")");
          break;
        case Function::kMean:
          value = absl::StrCat("avg(CAST(", x, " AS double))");
          break;
        case Function::kMedian:
          value = absl::StrCat("median(CAST(", x, " AS double))");
          break;
        case Function::kSpread:
          value = absl::StrCat("max(", x, ") - min(", x, ")");
          break;
        case Function::kStddev:
          value = absl::StrCat("stddev_samp(CAST(", x, " AS double))");
          break;
        case Function::kMin:
        case Function::kMax:
        case Function::kFirst:
        case Function::kLast: {
          const char* selector = stream.function == Function::kMin     ? "selector_min"
                                 : stream.function == Function::kMax   ? "selector_max"
                                 : stream.function == Function::kFirst ? "selector_first"
                                                                       : "selector_last";
          if (lone_selector) {
            value = absl::StrCat(selector, "(", x, ", \"time\")['value']");
            time = absl::StrCat(selector, "(", x, ", \"time\")['time']");
          } else if (stream.function == Function::kMin || stream.function == Function::kMax) {
            value = absl::StrCat(stream.function == Function::kMin ? "min(" : "max(", x, ")");
          } else {
            value = absl::StrCat(selector, "(", x, ", \"time\")['value']");
          }
          break;
        }
        default:
          return absl::InternalError("not an SQL aggregate");
      }
      out.stream_value_column[i] = static_cast<int>(columns.size());
      columns.push_back(absl::StrCat(value, " AS \"__value", i, "\""));
      if (!time.empty()) {
        out.stream_time_column[i] = static_cast<int>(columns.size());
        columns.push_back(absl::StrCat(time, " AS \"__time", i, "\""));
      }
    }
    if (present.empty()) {
      return out;  // no field the functions read: no series
    }
    where.push_back(absl::StrCat("(", absl::StrJoin(present, " OR "), ")"));
    std::string sql = absl::StrCat("SELECT ",
                                   absl::StrJoin(columns, ", "),
                                   " FROM ",
                                   from,
                                   " WHERE ",
                                   absl::StrJoin(where, " AND "));
    const size_t keys = tags + (select.interval != 0 ? 1 : 0);
    if (keys > 0) {
      std::vector<std::string> positions;
      for (size_t i = 1; i <= keys; ++i) {
        positions.push_back(std::to_string(i));
      }
      absl::StrAppend(&sql, " GROUP BY ", absl::StrJoin(positions, ", "));
    }
    out.sql = std::move(sql);
    return out;
  }

  // Raw rows: time, tags, refs. A row is read when one of the fields the query reads has a
  // value (InfluxDB has no point where all of them are missing).
  std::vector<std::string> columns = {"\"time\""};
  for (size_t i = 0; i < tag_columns.size(); ++i) {
    columns.push_back(absl::StrCat(tag_columns[i], " AS \"__tag", i, "\""));
  }
  out.first_value_column = static_cast<int>(columns.size());
  std::vector<bool> reads(select.refs.size(), select.mode == QueryMode::kRaw);
  if (select.mode != QueryMode::kRaw) {
    for (const StreamSpec& stream : select.streams) {
      if (stream.ref >= 0) {
        reads[stream.ref] = true;
      }
    }
  }
  std::vector<std::string> present;
  for (size_t i = 0; i < refs.size(); ++i) {
    columns.push_back(absl::StrCat(refs[i].sql, " AS \"__ref", i, "\""));
    if (reads[i] && refs[i].is_field) {
      present.push_back(absl::StrCat(refs[i].sql, " IS NOT NULL"));
    }
  }
  if (present.empty()) {
    return out;
  }
  where.push_back(absl::StrCat("(", absl::StrJoin(present, " OR "), ")"));
  // Raw rows come in the query's order, ties by the series' tags as InfluxDB merges series; the
  // functions computed in the executor read each series in ascending time.
  const bool descending = select.mode == QueryMode::kRaw && !select.ascending;
  const std::string time_order = descending ? "\"time\" DESC" : "\"time\"";
  // Rows of one series come together (the executor splits them into series as they arrive); raw
  // rows at the same time are ordered by their series' tags, as InfluxDB merges series.
  std::string by_series;
  for (size_t i = 0; i < tag_columns.size(); ++i) {
    absl::StrAppend(&by_series, "\"__tag", i, "\", ");
  }
  std::string tiebreak;
  if (select.mode == QueryMode::kRaw) {
    std::vector<std::string> table_tags;
    for (const catalog::ColumnSchema& column : table.columns()) {
      if (column.kind == catalog::ColumnKind::kTag) {
        table_tags.push_back(column.name);
      }
    }
    std::sort(table_tags.begin(), table_tags.end());
    for (const std::string& tag : table_tags) {
      absl::StrAppend(&tiebreak, ", ", SqlIdentifier(tag), " NULLS FIRST");
    }
  }
  const std::string select_list = absl::StrJoin(columns, ", ");
  const std::string filter = absl::StrJoin(where, " AND ");
  // LIMIT per series is pushed into the SQL: a LIMIT without GROUP BY tags, else a row number per
  // series.
  const bool push_limit = select.mode == QueryMode::kRaw && select.limit > 0;
  const int64_t wanted = select.limit + select.offset_rows;
  if (push_limit && tags > 0) {
    out.sql = absl::StrCat("SELECT * FROM (SELECT ",
                           select_list,
                           ", row_number() OVER (PARTITION BY ",
                           absl::StrJoin(tag_columns, ", "),
                           " ORDER BY ",
                           time_order,
                           tiebreak,
                           ") AS \"__row\" FROM ",
                           from,
                           " WHERE ",
                           filter,
                           ") AS \"__rows\" WHERE \"__row\" <= ",
                           wanted,
                           " ORDER BY ",
                           by_series,
                           time_order);
    return out;
  }
  out.sql = absl::StrCat("SELECT ",
                         select_list,
                         " FROM ",
                         from,
                         " WHERE ",
                         filter,
                         " ORDER BY ",
                         by_series,
                         time_order,
                         tiebreak);
  if (push_limit) {
    absl::StrAppend(&out.sql, " LIMIT ", wanted);
  }
  return out;
}

}  // namespace strata::query::influxql_select
