// Test-only helpers for the expression and function tests: columns from literal vectors (with
// std::nullopt for NULL), batches over them, and results rendered as text rows so assertions
// compare exact values in one line.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "columnar/column.h"
#include "exec/batch.h"
#include "exec/datum.h"
#include "exec/expr/cast.h"
#include "exec/function.h"
#include "exec/physical_expr.h"
#include "fmt/format.h"

namespace strata::exec::testing {

template <typename T>
using Values = std::vector<std::optional<T>>;

inline ColumnPtr Int64Column(const Values<int64_t>& values, TypeId type = TypeId::kInt64) {
  auto c = std::make_shared<Column>(type);
  for (const auto& v : values) {
    if (v.has_value()) {
      c->AppendInt64(*v);
    } else {
      c->AppendNull();
    }
  }
  return c;
}
inline ColumnPtr TimestampColumn(const Values<int64_t>& values) {
  return Int64Column(values, TypeId::kTimestamp);
}
inline ColumnPtr UInt64Column(const Values<uint64_t>& values) {
  auto c = std::make_shared<Column>(TypeId::kUInt64);
  for (const auto& v : values) {
    if (v.has_value()) {
      c->AppendUInt64(*v);
    } else {
      c->AppendNull();
    }
  }
  return c;
}
inline ColumnPtr Float64Column(const Values<double>& values) {
  auto c = std::make_shared<Column>(TypeId::kFloat64);
  for (const auto& v : values) {
    if (v.has_value()) {
      c->AppendFloat64(*v);
    } else {
      c->AppendNull();
    }
  }
  return c;
}
inline ColumnPtr BoolColumn(const Values<bool>& values) {
  auto c = std::make_shared<Column>(TypeId::kBool);
  for (const auto& v : values) {
    if (v.has_value()) {
      c->AppendBool(*v);
    } else {
      c->AppendNull();
    }
  }
  return c;
}
inline ColumnPtr StringColumn(const Values<std::string>& values,
                              TypeId type = TypeId::kString,
                              std::shared_ptr<StringDictionary> dictionary = nullptr) {
  auto c = std::make_shared<Column>(type, std::move(dictionary));
  for (const auto& v : values) {
    if (v.has_value()) {
      c->AppendString(*v);
    } else {
      c->AppendNull();
    }
  }
  return c;
}
inline ColumnPtr DictColumn(const Values<std::string>& values,
                            std::shared_ptr<StringDictionary> dictionary = nullptr) {
  return StringColumn(values, TypeId::kDictionary, std::move(dictionary));
}

// A batch of the given columns named c0, c1, ...
inline Batch MakeBatch(const std::vector<ColumnPtr>& columns) {
  std::vector<Field> fields;
  for (size_t i = 0; i < columns.size(); ++i) {
    fields.push_back(Field{fmt::format("c{}", i), columns[i]->type()});
  }
  const int64_t rows = columns.empty() ? 0 : columns[0]->size();
  return Batch(std::make_shared<Schema>(std::move(fields)), columns, rows);
}

inline std::string CellText(const Column& c, int64_t i) {
  if (c.type() == TypeId::kNull || c.IsNull(i)) {
    return "NULL";
  }
  switch (c.type()) {
    case TypeId::kBool:
      return c.GetBool(i) ? "true" : "false";
    case TypeId::kInt64:
      return fmt::format("{}", c.GetInt64(i));
    case TypeId::kUInt64:
      return fmt::format("{}", c.GetUInt64(i));
    case TypeId::kFloat64:
      return FormatFloat64(c.GetFloat64(i));
    case TypeId::kString:
    case TypeId::kDictionary:
      return std::string(c.GetString(i));
    case TypeId::kTimestamp:
      return FormatTimestampText(c.GetInt64(i));
    case TypeId::kInterval:
      return FormatIntervalText(c.data<Interval>()[i]);
    case TypeId::kNull:
      break;
  }
  return "?";
}

inline std::string ScalarText(const Scalar& s) {
  if (s.is_null()) {
    return "NULL";
  }
  switch (s.type()) {
    case TypeId::kFloat64:
      return FormatFloat64(s.float64_value());
    case TypeId::kString:
      return s.string_value();
    case TypeId::kTimestamp:
      return FormatTimestampText(s.int64_value());
    case TypeId::kInterval:
      return FormatIntervalText(s.interval_value());
    default:
      return s.ToString();
  }
}

// One text per row; a scalar result is "scalar:<text>" so tests see that no column was built.
inline std::vector<std::string> Rows(const Datum& d) {
  if (d.is_scalar()) {
    return {"scalar:" + ScalarText(d.scalar())};
  }
  std::vector<std::string> rows;
  for (int64_t i = 0; i < d.column()->size(); ++i) {
    rows.push_back(CellText(*d.column(), i));
  }
  return rows;
}

inline std::vector<std::string> Rows(const absl::StatusOr<Datum>& d) {
  if (!d.ok()) {
    return {"error:" + std::string(d.status().message())};
  }
  return Rows(*d);
}

inline PhysicalExprPtr Col(const Batch& batch, int i) {
  return MakeColumnExpr(i, batch.schema()->field(i).name, batch.column(i)->type());
}
inline PhysicalExprPtr Lit(Scalar s) {
  return MakeLiteralExpr(std::move(s));
}

// Evaluates an expression that must build; its construction error shows as "build:<message>".
inline std::vector<std::string> Eval(const absl::StatusOr<PhysicalExprPtr>& expr,
                                     const Batch& batch) {
  if (!expr.ok()) {
    return {"build:" + std::string(expr.status().message())};
  }
  return Rows((*expr)->Evaluate(batch));
}

// Calls a registered function directly (resolve, then execute) over `args`.
inline std::vector<std::string> Call(std::string_view name,
                                     const std::vector<Datum>& args,
                                     int64_t num_rows) {
  const ScalarFunction* f = FunctionRegistry::Default().FindScalar(name);
  if (f == nullptr) {
    return {"unknown function"};
  }
  std::vector<TypeId> types;
  std::vector<const Scalar*> constants;
  for (const Datum& a : args) {
    types.push_back(a.type());
    constants.push_back(a.is_scalar() ? &a.scalar() : nullptr);
  }
  absl::StatusOr<FunctionSignature> signature = ResolveScalarCall(*f, types, constants);
  if (!signature.ok()) {
    return {"resolve:" + std::string(signature.status().message())};
  }
  absl::StatusOr<Datum> result =
      f->execute_with_result_type ? f->execute_with_result_type(args, num_rows, signature->result)
                                  : f->execute(args, num_rows);
  if (result.ok() && result->type() != signature->result && result->type() != TypeId::kNull &&
      !(IsStringType(result->type()) && IsStringType(signature->result))) {
    return {fmt::format(
        "type:{} resolved, {} returned", TypeName(signature->result), TypeName(result->type()))};
  }
  return Rows(result);
}

}  // namespace strata::exec::testing
