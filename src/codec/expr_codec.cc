// Scalars, schemas, signatures and physical expressions to protobuf and back. Every decoded
// expression is rebuilt through its exec Make* factory, which checks operand types.
#include "codec/expr_codec.h"

#include <limits>
#include <utility>
#include <vector>

#include "common/status.h"
#include "fmt/format.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace strata::codec {
namespace {

using exec::BinaryOp;
using exec::PhysicalExpr;
using exec::PhysicalExprKind;
using exec::PhysicalExprPtr;
using exec::Scalar;

absl::Status TooDeep() {
  return absl::InvalidArgumentError(
      fmt::format("plan nests deeper than {} levels", kMaxNestingDepth));
}

pb::BinaryOp BinaryOpToProto(BinaryOp op) {
  // The wire values are the enum's order plus one (0 is UNSPECIFIED); see plan.proto.
  return static_cast<pb::BinaryOp>(static_cast<int>(op) + 1);
}

absl::StatusOr<BinaryOp> BinaryOpFromProto(int op) {
  if (op < pb::BINARY_OP_ADD || op > pb::BINARY_OP_REGEX_NOT_IMATCH) {
    return absl::InvalidArgumentError(fmt::format("unknown binary operator {} in plan", op));
  }
  return static_cast<BinaryOp>(op - 1);
}

// True when a value of type `have` may stand where `want` is expected: equal, both strings, or
// an untyped NULL.
bool Fits(TypeId have, TypeId want) {
  return have == want || have == TypeId::kNull || (IsStringType(have) && IsStringType(want));
}

absl::StatusOr<PhysicalExprPtr> Child(const pb::PhysicalExpr* child,
                                      bool present,
                                      const Schema& input,
                                      const DecodeContext& context,
                                      int depth,
                                      std::string_view what) {
  if (!present) {
    return absl::InvalidArgumentError(fmt::format("{} without an operand in plan", what));
  }
  return ExprFromProto(*child, input, context, depth + 1);
}

#define STRATA_DECODE_CHILD(var, message, field, what) \
  STRATA_ASSIGN_OR_RETURN(                             \
      PhysicalExprPtr var,                             \
      Child(&(message).field(), (message).has_##field(), input, context, depth, what))

absl::StatusOr<std::vector<PhysicalExprPtr>> Children(
    const google::protobuf::RepeatedPtrField<pb::PhysicalExpr>& list,
    const Schema& input,
    const DecodeContext& context,
    int depth) {
  std::vector<PhysicalExprPtr> out;
  out.reserve(static_cast<size_t>(list.size()));
  for (const pb::PhysicalExpr& child : list) {
    STRATA_ASSIGN_OR_RETURN(PhysicalExprPtr e, ExprFromProto(child, input, context, depth + 1));
    out.push_back(std::move(e));
  }
  return out;
}

absl::StatusOr<PhysicalExprPtr> ScalarFunctionFromProto(const pb::ScalarFunctionExpr& call,
                                                        const Schema& input,
                                                        const DecodeContext& context,
                                                        int depth) {
  const exec::ScalarFunction* function =
      context.functions == nullptr ? nullptr : context.functions->FindScalar(call.name());
  if (function == nullptr) {
    return absl::InvalidArgumentError(fmt::format("unknown function '{}' in plan", call.name()));
  }
  STRATA_ASSIGN_OR_RETURN(TypeId return_type, TypeFromProto(call.return_type()));
  STRATA_ASSIGN_OR_RETURN(std::vector<PhysicalExprPtr> args,
                          Children(call.args(), input, context, depth));
  // The call must be one the binder could have made: its argument types (and literal
  // arguments, for functions whose result type depends on them) resolve to a signature with
  // this result, and the arguments already have the signature's types.
  std::vector<TypeId> arg_types;
  std::vector<const Scalar*> constants;
  for (const PhysicalExprPtr& arg : args) {
    arg_types.push_back(arg->type());
    constants.push_back(arg->kind() == PhysicalExprKind::kLiteral ? &arg->literal() : nullptr);
  }
  if (!function->resolve && !function->resolve_with_constants) {
    return absl::InvalidArgumentError(fmt::format("function '{}' has no resolver", call.name()));
  }
  absl::StatusOr<exec::FunctionSignature> signature =
      exec::ResolveScalarCall(*function, arg_types, constants);
  if (!signature.ok()) {
    return absl::InvalidArgumentError(fmt::format("invalid call of '{}' in plan: {}",
                                                  call.name(),
                                                  std::string(signature.status().message())));
  }
  bool ok = signature->args.size() == args.size() && Fits(signature->result, return_type) &&
            Fits(return_type, signature->result);
  for (size_t i = 0; ok && i < args.size(); ++i) {
    ok = Fits(arg_types[i], signature->args[i]);
  }
  if (!ok) {
    return absl::InvalidArgumentError(
        fmt::format("call of '{}' in plan does not match the function's signature", call.name()));
  }
  return exec::MakeScalarFunctionExpr(function, return_type, std::move(args));
}

}  // namespace

pb::DataType TypeToProto(TypeId type) {
  return static_cast<pb::DataType>(static_cast<int>(type) + 1);
}

absl::StatusOr<TypeId> TypeFromProto(int type) {
  if (type < pb::DATA_TYPE_BOOL || type > pb::DATA_TYPE_INTERVAL) {
    return absl::InvalidArgumentError(fmt::format("unknown data type {} in plan", type));
  }
  return static_cast<TypeId>(type - 1);
}

void ScalarToProto(const Scalar& value, pb::Scalar* out) {
  out->set_type(TypeToProto(value.type()));
  if (value.is_null()) {
    return;
  }
  switch (value.type()) {
    case TypeId::kBool:
      out->set_bool_value(value.bool_value());
      break;
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      out->set_int64_value(value.int64_value());
      break;
    case TypeId::kUInt64:
      out->set_uint64_value(value.uint64_value());
      break;
    case TypeId::kFloat64:
      out->set_float64_value(value.float64_value());
      break;
    case TypeId::kString:
    case TypeId::kDictionary:
      out->set_string_value(value.string_value());
      break;
    case TypeId::kInterval: {
      pb::Interval* interval = out->mutable_interval_value();
      interval->set_months(value.interval_value().months);
      interval->set_days(value.interval_value().days);
      interval->set_nanos(value.interval_value().nanos);
      break;
    }
    case TypeId::kNull:
      break;
  }
}

absl::StatusOr<Scalar> ScalarFromProto(const pb::Scalar& value) {
  STRATA_ASSIGN_OR_RETURN(TypeId type, TypeFromProto(value.type()));
  if (type == TypeId::kDictionary) {
    return absl::InvalidArgumentError("a scalar in plan has the dictionary type");
  }
  const pb::Scalar::ValueCase have = value.value_case();
  if (have == pb::Scalar::VALUE_NOT_SET) {
    return Scalar::Null(type);
  }
  auto mismatch = [&]() {
    return absl::InvalidArgumentError(
        fmt::format("a scalar of type {} in plan carries another type's value", TypeName(type)));
  };
  switch (type) {
    case TypeId::kBool:
      if (have != pb::Scalar::kBoolValue) {
        return mismatch();
      }
      return Scalar::Bool(value.bool_value());
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      if (have != pb::Scalar::kInt64Value) {
        return mismatch();
      }
      return type == TypeId::kInt64 ? Scalar::Int64(value.int64_value())
                                    : Scalar::Timestamp(value.int64_value());
    case TypeId::kUInt64:
      if (have != pb::Scalar::kUint64Value) {
        return mismatch();
      }
      return Scalar::UInt64(value.uint64_value());
    case TypeId::kFloat64:
      if (have != pb::Scalar::kFloat64Value) {
        return mismatch();
      }
      return Scalar::Float64(value.float64_value());
    case TypeId::kString:
      if (have != pb::Scalar::kStringValue) {
        return mismatch();
      }
      return Scalar::String(value.string_value());
    case TypeId::kInterval: {
      if (have != pb::Scalar::kIntervalValue) {
        return mismatch();
      }
      const pb::Interval& v = value.interval_value();
      return Scalar::FromInterval(Interval{v.months(), v.days(), v.nanos()});
    }
    case TypeId::kNull:
    case TypeId::kDictionary:
      break;
  }
  return mismatch();
}

void SchemaToProto(const Schema& schema, pb::Schema* out) {
  for (const Field& field : schema.fields()) {
    pb::Field* f = out->add_fields();
    f->set_name(field.name);
    f->set_type(TypeToProto(field.type));
    f->set_nullable(field.nullable);
  }
}

absl::StatusOr<SchemaPtr> SchemaFromProto(const pb::Schema& schema) {
  std::vector<Field> fields;
  fields.reserve(static_cast<size_t>(schema.fields_size()));
  for (const pb::Field& f : schema.fields()) {
    STRATA_ASSIGN_OR_RETURN(TypeId type, TypeFromProto(f.type()));
    fields.push_back(Field{f.name(), type, f.nullable()});
  }
  return std::make_shared<const Schema>(std::move(fields));
}

void SignatureToProto(const exec::FunctionSignature& signature, pb::FunctionSignature* out) {
  for (TypeId arg : signature.args) {
    out->add_args(TypeToProto(arg));
  }
  out->set_result(TypeToProto(signature.result));
}

absl::StatusOr<exec::FunctionSignature> SignatureFromProto(const pb::FunctionSignature& signature) {
  exec::FunctionSignature out;
  for (int arg : signature.args()) {
    STRATA_ASSIGN_OR_RETURN(TypeId type, TypeFromProto(arg));
    out.args.push_back(type);
  }
  STRATA_ASSIGN_OR_RETURN(out.result, TypeFromProto(signature.result()));
  return out;
}

absl::Status ExprToProto(const PhysicalExpr& expr, int depth, pb::PhysicalExpr* out) {
  if (depth > kMaxNestingDepth) {
    return TooDeep();
  }
  const std::vector<PhysicalExprPtr>& children = expr.children();
  auto child = [&](size_t i, pb::PhysicalExpr* target) -> absl::Status {
    if (i >= children.size() || children[i] == nullptr) {
      return absl::InternalError(fmt::format("expression {} lacks operand {}", expr.ToString(), i));
    }
    return ExprToProto(*children[i], depth + 1, target);
  };
  switch (expr.kind()) {
    case PhysicalExprKind::kColumn: {
      pb::ColumnExpr* column = out->mutable_column();
      column->set_index(static_cast<uint32_t>(expr.column_index()));
      column->set_name(expr.name());
      column->set_type(TypeToProto(expr.type()));
      return absl::OkStatus();
    }
    case PhysicalExprKind::kLiteral:
      ScalarToProto(expr.literal(), out->mutable_literal());
      return absl::OkStatus();
    case PhysicalExprKind::kBinary: {
      pb::BinaryExpr* binary = out->mutable_binary();
      binary->set_op(BinaryOpToProto(expr.binary_op()));
      STRATA_RETURN_IF_ERROR(child(0, binary->mutable_left()));
      return child(1, binary->mutable_right());
    }
    case PhysicalExprKind::kNot:
      return child(0, out->mutable_not_expr()->mutable_operand());
    case PhysicalExprKind::kNegative:
      return child(0, out->mutable_negative()->mutable_operand());
    case PhysicalExprKind::kIsNull: {
      pb::IsNullExpr* is_null = out->mutable_is_null();
      is_null->set_negated(expr.negated());
      return child(0, is_null->mutable_operand());
    }
    case PhysicalExprKind::kIsTrue: {
      pb::IsTrueExpr* is_true = out->mutable_is_true();
      is_true->set_truth_value(expr.truth_value());
      is_true->set_negated(expr.negated());
      return child(0, is_true->mutable_operand());
    }
    case PhysicalExprKind::kInList: {
      pb::InListExpr* in_list = out->mutable_in_list();
      in_list->set_negated(expr.negated());
      STRATA_RETURN_IF_ERROR(child(0, in_list->mutable_operand()));
      for (size_t i = 1; i < children.size(); ++i) {
        STRATA_RETURN_IF_ERROR(child(i, in_list->add_list()));
      }
      return absl::OkStatus();
    }
    case PhysicalExprKind::kLike: {
      pb::LikeExpr* like = out->mutable_like();
      like->set_negated(expr.negated());
      like->set_case_insensitive(expr.case_insensitive());
      STRATA_RETURN_IF_ERROR(child(0, like->mutable_operand()));
      return child(1, like->mutable_pattern());
    }
    case PhysicalExprKind::kCase: {
      pb::CaseExpr* case_expr = out->mutable_case_expr();
      case_expr->set_type(TypeToProto(expr.type()));
      case_expr->set_has_operand(expr.case_has_operand());
      case_expr->set_has_else(expr.case_has_else());
      for (size_t i = 0; i < children.size(); ++i) {
        STRATA_RETURN_IF_ERROR(child(i, case_expr->add_children()));
      }
      return absl::OkStatus();
    }
    case PhysicalExprKind::kCast:
    case PhysicalExprKind::kTryCast: {
      pb::CastExpr* cast = out->mutable_cast();
      cast->set_type(TypeToProto(expr.type()));
      cast->set_try_cast(expr.kind() == PhysicalExprKind::kTryCast);
      return child(0, cast->mutable_operand());
    }
    case PhysicalExprKind::kScalarFunction: {
      if (expr.function() == nullptr) {
        return absl::InternalError("scalar function call without a function");
      }
      pb::ScalarFunctionExpr* call = out->mutable_scalar_function();
      call->set_name(expr.function()->name);
      call->set_return_type(TypeToProto(expr.type()));
      for (size_t i = 0; i < children.size(); ++i) {
        STRATA_RETURN_IF_ERROR(child(i, call->add_args()));
      }
      return absl::OkStatus();
    }
  }
  return absl::InternalError("unknown physical expression kind");
}

absl::StatusOr<PhysicalExprPtr> ExprFromProto(const pb::PhysicalExpr& expr,
                                              const Schema& input,
                                              const DecodeContext& context,
                                              int depth) {
  if (depth > kMaxNestingDepth) {
    return TooDeep();
  }
  switch (expr.expr_case()) {
    case pb::PhysicalExpr::kColumn: {
      const pb::ColumnExpr& column = expr.column();
      if (column.index() >= static_cast<uint32_t>(input.num_fields())) {
        return absl::InvalidArgumentError(
            fmt::format("column #{} in plan is out of range for {} input fields",
                        column.index(),
                        input.num_fields()));
      }
      const int index = static_cast<int>(column.index());
      STRATA_ASSIGN_OR_RETURN(TypeId type, TypeFromProto(column.type()));
      // Kernels rely on the type a reference claims; it must be the field's. (Strings may differ
      // in encoding: kernels take kString and kDictionary alike, and the planner references a
      // final aggregate's kString group column with its input's kDictionary type.)
      const TypeId field = input.field(index).type;
      if (type != field && !(IsStringType(type) && IsStringType(field))) {
        return absl::InvalidArgumentError(
            fmt::format("column #{} in plan claims type {}, the input field is {}",
                        index,
                        TypeName(type),
                        TypeName(field)));
      }
      return exec::MakeColumnExpr(index, column.name(), type);
    }
    case pb::PhysicalExpr::kLiteral: {
      STRATA_ASSIGN_OR_RETURN(Scalar value, ScalarFromProto(expr.literal()));
      return exec::MakeLiteralExpr(std::move(value));
    }
    case pb::PhysicalExpr::kBinary: {
      const pb::BinaryExpr& binary = expr.binary();
      STRATA_ASSIGN_OR_RETURN(BinaryOp op, BinaryOpFromProto(binary.op()));
      STRATA_DECODE_CHILD(left, binary, left, "binary operator");
      STRATA_DECODE_CHILD(right, binary, right, "binary operator");
      return exec::MakeBinaryExpr(op, std::move(left), std::move(right));
    }
    case pb::PhysicalExpr::kNotExpr: {
      STRATA_DECODE_CHILD(operand, expr.not_expr(), operand, "NOT");
      return exec::MakeNotExpr(std::move(operand));
    }
    case pb::PhysicalExpr::kNegative: {
      STRATA_DECODE_CHILD(operand, expr.negative(), operand, "negation");
      return exec::MakeNegativeExpr(std::move(operand));
    }
    case pb::PhysicalExpr::kIsNull: {
      STRATA_DECODE_CHILD(operand, expr.is_null(), operand, "IS NULL");
      return exec::MakeIsNullExpr(std::move(operand), expr.is_null().negated());
    }
    case pb::PhysicalExpr::kIsTrue: {
      const pb::IsTrueExpr& is_true = expr.is_true();
      STRATA_DECODE_CHILD(operand, is_true, operand, "IS TRUE");
      return exec::MakeIsTrueExpr(std::move(operand), is_true.truth_value(), is_true.negated());
    }
    case pb::PhysicalExpr::kInList: {
      const pb::InListExpr& in_list = expr.in_list();
      STRATA_DECODE_CHILD(operand, in_list, operand, "IN list");
      STRATA_ASSIGN_OR_RETURN(std::vector<PhysicalExprPtr> list,
                              Children(in_list.list(), input, context, depth));
      return exec::MakeInListExpr(std::move(operand), std::move(list), in_list.negated());
    }
    case pb::PhysicalExpr::kLike: {
      const pb::LikeExpr& like = expr.like();
      STRATA_DECODE_CHILD(operand, like, operand, "LIKE");
      STRATA_DECODE_CHILD(pattern, like, pattern, "LIKE");
      return exec::MakeLikeExpr(
          std::move(operand), std::move(pattern), like.negated(), like.case_insensitive());
    }
    case pb::PhysicalExpr::kCaseExpr: {
      const pb::CaseExpr& case_expr = expr.case_expr();
      STRATA_ASSIGN_OR_RETURN(TypeId type, TypeFromProto(case_expr.type()));
      STRATA_ASSIGN_OR_RETURN(std::vector<PhysicalExprPtr> children,
                              Children(case_expr.children(), input, context, depth));
      return exec::MakeCaseExpr(
          type, case_expr.has_operand(), case_expr.has_else(), std::move(children));
    }
    case pb::PhysicalExpr::kCast: {
      const pb::CastExpr& cast = expr.cast();
      STRATA_ASSIGN_OR_RETURN(TypeId type, TypeFromProto(cast.type()));
      STRATA_DECODE_CHILD(operand, cast, operand, "CAST");
      return exec::MakeCastExpr(std::move(operand), type, cast.try_cast());
    }
    case pb::PhysicalExpr::kScalarFunction:
      return ScalarFunctionFromProto(expr.scalar_function(), input, context, depth);
    case pb::PhysicalExpr::EXPR_NOT_SET:
      break;
  }
  return absl::InvalidArgumentError("an expression in plan has no kind");
}

std::string SerializeDeterministic(const google::protobuf::MessageLite& message) {
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&coded);
  }
  return out;
}

bool ParseBounded(std::string_view bytes, google::protobuf::MessageLite* message) {
  if (bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return false;
  }
  google::protobuf::io::CodedInputStream coded(reinterpret_cast<const uint8_t*>(bytes.data()),
                                               static_cast<int>(bytes.size()));
  // Every level of plan or expression nesting is two message levels (the oneof wrapper and the
  // node), plus a few for the envelope and item messages.
  coded.SetRecursionLimit(2 * kMaxNestingDepth + 16);
  return message->ParseFromCodedStream(&coded) && coded.ConsumedEntireMessage();
}

absl::StatusOr<std::string> EncodeExpr(const PhysicalExpr& expr) {
  pb::Expr message;
  message.set_version(kPlanFormatVersion);
  STRATA_RETURN_IF_ERROR(ExprToProto(expr, 0, message.mutable_expr()));
  return SerializeDeterministic(message);
}

absl::StatusOr<PhysicalExprPtr> DecodeExpr(std::string_view bytes,
                                           const Schema& input_schema,
                                           const DecodeContext& context) {
  pb::Expr message;
  if (!ParseBounded(bytes, &message)) {
    return absl::InvalidArgumentError("malformed expression bytes");
  }
  if (message.version() > kPlanFormatVersion) {
    return absl::InvalidArgumentError(fmt::format(
        "expression format version {} is newer than {}", message.version(), kPlanFormatVersion));
  }
  if (!message.has_expr()) {
    return absl::InvalidArgumentError("encoded expression is empty");
  }
  return ExprFromProto(message.expr(), input_schema, context, 0);
}

}  // namespace strata::codec
