// Gather kernels.
#include "exec/take.h"

#include <cstring>
#include <numeric>
#include <vector>

namespace strata::exec {
namespace {

template <typename T>
void TakeFixed(const Column& column, const uint32_t* indices, int64_t n, Column* out) {
  out->ResizeFixedForOverwrite(n);
  const T* in = column.data<T>();
  T* dst = out->mutable_data<T>();
  for (int64_t i = 0; i < n; ++i) {
    dst[i] = in[indices[i]];
  }
}

}  // namespace

ColumnPtr Take(const Column& column, const uint32_t* indices, int64_t n) {
  auto out = std::make_shared<Column>(column.type(), column.dictionary());
  switch (column.type()) {
    case TypeId::kBool:
      TakeFixed<uint8_t>(column, indices, n, out.get());
      break;
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      TakeFixed<int64_t>(column, indices, n, out.get());
      break;
    case TypeId::kUInt64:
      TakeFixed<uint64_t>(column, indices, n, out.get());
      break;
    case TypeId::kFloat64:
      TakeFixed<double>(column, indices, n, out.get());
      break;
    case TypeId::kDictionary:
      TakeFixed<int32_t>(column, indices, n, out.get());
      break;
    case TypeId::kInterval:
      TakeFixed<Interval>(column, indices, n, out.get());
      break;
    case TypeId::kNull:
      out->AppendNulls(n);
      return out;
    case TypeId::kString: {
      out->Reserve(n);
      if (!column.has_nulls()) {
        for (int64_t i = 0; i < n; ++i) {
          out->AppendString(column.GetString(indices[i]));
        }
        return out;
      }
      for (int64_t i = 0; i < n; ++i) {
        if (column.IsNull(indices[i])) {
          out->AppendNull();
        } else {
          out->AppendString(column.GetString(indices[i]));
        }
      }
      return out;
    }
  }
  if (column.has_nulls()) {
    Bitmap validity(n, true);
    for (int64_t i = 0; i < n; ++i) {
      if (column.IsNull(indices[i])) {
        validity.Set(i, false);
      }
    }
    out->SetValidity(std::move(validity));
  }
  return out;
}

ColumnPtr Slice(const Column& column, int64_t offset, int64_t length) {
  std::vector<uint32_t> indices(static_cast<size_t>(length));
  std::iota(indices.begin(), indices.end(), static_cast<uint32_t>(offset));
  return Take(column, indices.data(), length);
}

ColumnPtr MakeNullColumn(TypeId type, int64_t rows) {
  auto out = std::make_shared<Column>(type == TypeId::kDictionary ? TypeId::kString : type);
  out->AppendNulls(rows);
  return out;
}

}  // namespace strata::exec
