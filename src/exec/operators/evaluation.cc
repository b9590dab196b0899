// Expression evaluation helpers for operators.
#include "exec/operators/evaluation.h"

#include <numeric>

#include "common/check.h"
#include "fmt/format.h"

namespace strata::exec {

void AppendCell(const Scalar& value, Column* column) {
  if (value.is_null()) {
    column->AppendNull();
    return;
  }
  switch (column->type()) {
    case TypeId::kBool:
      column->AppendBool(value.bool_value());
      return;
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      column->AppendInt64(value.int64_value());
      return;
    case TypeId::kUInt64:
      column->AppendUInt64(value.uint64_value());
      return;
    case TypeId::kFloat64:
      column->AppendFloat64(value.float64_value());
      return;
    case TypeId::kString:
    case TypeId::kDictionary:
      column->AppendString(value.string_value());
      return;
    case TypeId::kInterval: {
      column->ResizeFixed(column->size() + 1);
      column->mutable_data<Interval>()[column->size() - 1] = value.interval_value();
      return;
    }
    case TypeId::kNull:
      column->AppendNull();
      return;
  }
}

Scalar CellScalar(const Column& column, int64_t row) {
  if (column.IsNull(row)) {
    return Scalar::Null(column.type());
  }
  switch (column.type()) {
    case TypeId::kBool:
      return Scalar::Bool(column.GetBool(row));
    case TypeId::kInt64:
      return Scalar::Int64(column.GetInt64(row));
    case TypeId::kTimestamp:
      return Scalar::Timestamp(column.GetInt64(row));
    case TypeId::kUInt64:
      return Scalar::UInt64(column.GetUInt64(row));
    case TypeId::kFloat64:
      return Scalar::Float64(column.GetFloat64(row));
    case TypeId::kString:
    case TypeId::kDictionary:
      return Scalar::String(std::string(column.GetString(row)));
    case TypeId::kInterval:
      return Scalar::FromInterval(column.data<Interval>()[row]);
    case TypeId::kNull:
      return Scalar();
  }
  return Scalar();
}

ColumnPtr RepeatScalar(const Scalar& value, TypeId type, int64_t rows) {
  if (value.is_null()) {
    auto column = std::make_shared<Column>(type == TypeId::kDictionary ? TypeId::kString : type);
    column->AppendNulls(rows);
    return column;
  }
  TypeId column_type = value.type() == TypeId::kNull ? type : value.type();
  if (column_type == TypeId::kDictionary) {
    column_type = TypeId::kString;
  }
  auto column = std::make_shared<Column>(column_type);
  switch (column_type) {
    case TypeId::kBool:
      column->ResizeFixed(rows);
      std::fill_n(column->mutable_data<uint8_t>(), rows, value.bool_value() ? 1 : 0);
      break;
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      column->ResizeFixed(rows);
      std::fill_n(column->mutable_data<int64_t>(), rows, value.int64_value());
      break;
    case TypeId::kUInt64:
      column->ResizeFixed(rows);
      std::fill_n(column->mutable_data<uint64_t>(), rows, value.uint64_value());
      break;
    case TypeId::kFloat64:
      column->ResizeFixed(rows);
      std::fill_n(column->mutable_data<double>(), rows, value.float64_value());
      break;
    case TypeId::kInterval:
      column->ResizeFixed(rows);
      std::fill_n(column->mutable_data<Interval>(), rows, value.interval_value());
      break;
    default:
      column->Reserve(rows);
      for (int64_t i = 0; i < rows; ++i) {
        AppendCell(value, column.get());
      }
      break;
  }
  return column;
}

absl::StatusOr<ColumnPtr> EvaluateAsColumn(const PhysicalExpr& expr, const Batch& batch) {
  if (expr.kind() == PhysicalExprKind::kColumn) {
    return batch.column(expr.column_index());
  }
  absl::StatusOr<Datum> datum = expr.Evaluate(batch);
  if (!datum.ok()) {
    return datum.status();
  }
  if (datum->is_column()) {
    return datum->column();
  }
  return RepeatScalar(datum->scalar(), expr.type(), batch.num_rows());
}

bool CannotFailPerRow(const PhysicalExpr& expr) {
  switch (expr.kind()) {
    case PhysicalExprKind::kColumn:
    case PhysicalExprKind::kLiteral:
    case PhysicalExprKind::kNot:
    case PhysicalExprKind::kIsNull:
    case PhysicalExprKind::kIsTrue:
    case PhysicalExprKind::kInList:
    case PhysicalExprKind::kLike:
      break;
    case PhysicalExprKind::kBinary:
      switch (expr.binary_op()) {
        case BinaryOp::kAdd:
        case BinaryOp::kSubtract:
        case BinaryOp::kMultiply:
        case BinaryOp::kDivide:
        case BinaryOp::kModulo:
          return false;
        default:
          break;
      }
      break;
    default:
      return false;
  }
  for (const PhysicalExprPtr& child : expr.children()) {
    if (!CannotFailPerRow(*child)) {
      return false;
    }
  }
  return true;
}

absl::StatusOr<EvaluatedColumns> EvaluateColumns(const std::vector<PhysicalExprPtr>& exprs,
                                                 const Batch& batch) {
  EvaluatedColumns out;
  out.columns.reserve(exprs.size());
  bool all_refs = true;
  for (const PhysicalExprPtr& expr : exprs) {
    all_refs = all_refs && expr->kind() == PhysicalExprKind::kColumn;
  }
  if (all_refs) {
    for (const PhysicalExprPtr& expr : exprs) {
      out.columns.push_back(batch.column(expr->column_index()));
    }
    out.num_rows = batch.num_rows();
    out.selection = batch.selection();
    return out;
  }
  Batch dense = batch.Compact();
  for (const PhysicalExprPtr& expr : exprs) {
    absl::StatusOr<ColumnPtr> column = EvaluateAsColumn(*expr, dense);
    if (!column.ok()) {
      return column.status();
    }
    out.columns.push_back(std::move(column).value());
  }
  out.num_rows = dense.num_rows();
  return out;
}

absl::StatusOr<SelectionVector> SelectTrue(const Datum& value,
                                           int64_t num_rows,
                                           const SelectionVector* within) {
  SelectionVector out;
  if (value.is_scalar()) {
    const Scalar& scalar = value.scalar();
    if (!scalar.is_null() && scalar.type() != TypeId::kBool) {
      return absl::InvalidArgumentError(
          fmt::format("predicate must be bool, got {}", TypeName(scalar.type())));
    }
    if (scalar.is_null() || !scalar.bool_value()) {
      return out;
    }
    if (within != nullptr) {
      return *within;
    }
    out.resize(static_cast<size_t>(num_rows));
    std::iota(out.begin(), out.end(), 0u);
    return out;
  }
  const Column& column = *value.column();
  if (column.type() == TypeId::kNull) {
    return out;
  }
  if (column.type() != TypeId::kBool) {
    return absl::InvalidArgumentError(
        fmt::format("predicate must be bool, got {}", TypeName(column.type())));
  }
  const uint8_t* bits = column.data<uint8_t>();
  bool nulls = column.has_nulls();
  if (within != nullptr) {
    out.reserve(within->size());
    for (uint32_t row : *within) {
      if (bits[row] != 0 && (!nulls || column.IsValid(row))) {
        out.push_back(row);
      }
    }
    return out;
  }
  out.resize(static_cast<size_t>(num_rows));
  size_t n = 0;
  if (!nulls) {
    // Branch-free compaction: write every index, advance only on true.
    for (int64_t row = 0; row < num_rows; ++row) {
      out[n] = static_cast<uint32_t>(row);
      n += bits[row] != 0 ? 1 : 0;
    }
  } else {
    for (int64_t row = 0; row < num_rows; ++row) {
      out[n] = static_cast<uint32_t>(row);
      n += (bits[row] != 0 && column.IsValid(row)) ? 1 : 0;
    }
  }
  out.resize(n);
  return out;
}

}  // namespace strata::exec
