#include "query/influxql_fields.h"

#include <deque>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
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

bool IsNumericType(TypeId type) {
  return type == TypeId::kFloat64 || type == TypeId::kInt64 || type == TypeId::kUInt64;
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

// Compiles field expressions into FieldNodes, registering refs and streams, and records what
// InfluxDB's validation needs.
class FieldCompiler {
 public:
  FieldCompiler(CompiledSelect* out, const EvalContext& ctx) : out_(out), ctx_(ctx) {}

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

}  // namespace

std::optional<Function> LookupFunction(std::string_view name) {
  for (const FunctionInfo& info : kFunctions) {
    if (info.name == name) {
      return info.function;
    }
  }
  return std::nullopt;
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

absl::StatusOr<FieldFacts> CompileFields(const influxql::SelectStatement& statement,
                                         const SourceSchema& schema,
                                         const std::set<std::string>& group_tags,
                                         const EvalContext& ctx,
                                         CompiledSelect* out) {
  FieldCompiler compiler(out, ctx);
  std::deque<VarRefExpr> expansions;  // references made by wildcard expansion
  std::vector<bool> has_alias;
  auto add_field = [&](std::string name, bool alias, FieldNode node) {
    out->fields.push_back(OutputField{std::move(name), std::move(node)});
    has_alias.push_back(alias);
    for (OutputField& extra : compiler.TakeExtraFields()) {
      out->fields.push_back(std::move(extra));
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
        out->time_column = field.alias->name;
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
  AssignColumnNames(&out->fields, has_alias);
  FieldFacts facts;
  facts.calls = compiler.calls();
  facts.has_aux = compiler.has_aux();
  facts.only_selectors = compiler.only_selectors();
  facts.has_distinct = compiler.has_distinct();
  facts.top_bottom = compiler.top_bottom();
  facts.last_call = compiler.last_call();
  return facts;
}

}  // namespace strata::query::influxql_select
