// Kernel building blocks.
#include "exec/expr/datum_access.h"

#include <cstring>

#include "exec/take.h"

namespace strata::exec {

std::optional<Bitmap> IntersectValidity(const uint64_t* a, const uint64_t* b, int64_t n) {
  if (a == nullptr && b == nullptr) {
    return std::nullopt;
  }
  Bitmap out(n, false);
  uint64_t* words = out.mutable_words();
  const int64_t num_words = (n + 63) >> 6;
  if (a != nullptr && b != nullptr) {
    for (int64_t w = 0; w < num_words; ++w) {
      words[w] = a[w] & b[w];
    }
  } else {
    std::memcpy(words, a != nullptr ? a : b, static_cast<size_t>(num_words) * sizeof(uint64_t));
  }
  return out;
}

std::optional<Bitmap> CopyValidity(const uint64_t* words, int64_t n) {
  return IntersectValidity(words, nullptr, n);
}

std::shared_ptr<Column> AllocateFixedColumn(TypeId type, int64_t n) {
  auto column = std::make_shared<Column>(type);
  column->ResizeFixed(n);
  return column;
}

ColumnPtr FinishColumn(std::shared_ptr<Column> column, std::optional<Bitmap> validity) {
  if (validity.has_value()) {
    column->SetValidity(*std::move(validity));
  }
  return column;
}

ColumnPtr ScalarToColumn(const Scalar& scalar, int64_t n) {
  if (scalar.is_null()) {
    return MakeNullColumn(scalar.type(), n);
  }
  switch (scalar.type()) {
    case TypeId::kString:
    case TypeId::kDictionary: {
      auto column = std::make_shared<Column>(TypeId::kString);
      column->Reserve(n);
      for (int64_t i = 0; i < n; ++i) {
        column->AppendString(scalar.string_value());
      }
      return column;
    }
    case TypeId::kBool: {
      auto column = AllocateFixedColumn(TypeId::kBool, n);
      std::memset(column->mutable_data<uint8_t>(), scalar.bool_value() ? 1 : 0, n);
      return column;
    }
    case TypeId::kInt64:
    case TypeId::kTimestamp: {
      auto column = AllocateFixedColumn(scalar.type(), n);
      std::fill_n(column->mutable_data<int64_t>(), n, scalar.int64_value());
      return column;
    }
    case TypeId::kUInt64: {
      auto column = AllocateFixedColumn(scalar.type(), n);
      std::fill_n(column->mutable_data<uint64_t>(), n, scalar.uint64_value());
      return column;
    }
    case TypeId::kFloat64: {
      auto column = AllocateFixedColumn(scalar.type(), n);
      std::fill_n(column->mutable_data<double>(), n, scalar.float64_value());
      return column;
    }
    case TypeId::kInterval: {
      auto column = AllocateFixedColumn(scalar.type(), n);
      std::fill_n(column->mutable_data<Interval>(), n, scalar.interval_value());
      return column;
    }
    case TypeId::kNull:
      break;
  }
  return MakeNullColumn(scalar.type(), n);
}

Scalar ScalarAt(const Column& column, int64_t i) {
  if (column.IsNull(i) || column.type() == TypeId::kNull) {
    return Scalar::Null(column.type());
  }
  switch (column.type()) {
    case TypeId::kBool:
      return Scalar::Bool(column.GetBool(i));
    case TypeId::kInt64:
      return Scalar::Int64(column.GetInt64(i));
    case TypeId::kUInt64:
      return Scalar::UInt64(column.GetUInt64(i));
    case TypeId::kFloat64:
      return Scalar::Float64(column.GetFloat64(i));
    case TypeId::kString:
    case TypeId::kDictionary:
      return Scalar::String(std::string(column.GetString(i)));
    case TypeId::kTimestamp:
      return Scalar::Timestamp(column.GetInt64(i));
    case TypeId::kInterval:
      return Scalar::FromInterval(column.data<Interval>()[i]);
    case TypeId::kNull:
      break;
  }
  return Scalar::Null(column.type());
}

StringReader::StringReader(const Column& column) {
  if (column.type() == TypeId::kDictionary) {
    codes_ = column.data<int32_t>();
    dictionary_ = column.dictionary().get();
    return;
  }
  refs_ = column.data<StringRef>();
  // Column keeps its heap private; GetString(0) points into it at refs_[0].offset, which gives
  // the heap's base (every slot, null ones included, holds an in-bounds StringRef).
  if (column.size() > 0) {
    heap_ = column.GetString(0).data() - refs_[0].offset;
  }
}

DatumReader::DatumReader(const Datum& datum) {
  if (datum.is_scalar()) {
    scalar_ = &datum.scalar();
    scalar_null_ = scalar_->is_null();
    return;
  }
  column_ = datum.column().get();
  validity_ = ValidityWords(*column_);
  if (IsStringType(column_->type())) {
    strings_.emplace(*column_);
  }
}

bool AllScalars(const std::vector<Datum>& args) {
  for (const Datum& arg : args) {
    if (!arg.is_scalar()) {
      return false;
    }
  }
  return true;
}

}  // namespace strata::exec
