// A Datum is what evaluating an expression over a batch yields: a column with one value per row,
// or a single scalar standing for every row. Kernels take and return Datums so that
// column-vs-scalar cases (`usage > 90`, `host = 'a'`) never materialize the scalar side.
#pragma once

#include <utility>
#include <variant>

#include "columnar/record_batch.h"
#include "exec/scalar.h"

namespace strata::exec {

class Datum {
 public:
  Datum() : value_(Scalar()) {}
  Datum(ColumnPtr column) : value_(std::move(column)) {}  // NOLINT: implicit by design
  Datum(Scalar scalar) : value_(std::move(scalar)) {}     // NOLINT: implicit by design

  bool is_column() const { return std::holds_alternative<ColumnPtr>(value_); }
  bool is_scalar() const { return std::holds_alternative<Scalar>(value_); }
  const ColumnPtr& column() const { return std::get<ColumnPtr>(value_); }
  const Scalar& scalar() const { return std::get<Scalar>(value_); }
  TypeId type() const { return is_column() ? column()->type() : scalar().type(); }

 private:
  std::variant<ColumnPtr, Scalar> value_;
};

}  // namespace strata::exec
