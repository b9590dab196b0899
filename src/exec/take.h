// Gather kernels: build a column from chosen rows of another. What Batch::Compact, sort, joins
// and limits use to materialize rows.
#pragma once

#include <cstdint>

#include "columnar/record_batch.h"

namespace strata::exec {

// A new column holding rows indices[0..n) of `column`, in that order (indices may repeat). A
// kDictionary column keeps its dictionary (codes are copied, strings are not).
ColumnPtr Take(const Column& column, const uint32_t* indices, int64_t n);

// Rows [offset, offset + length) of `column` as a new column (a copy).
ColumnPtr Slice(const Column& column, int64_t offset, int64_t length);

// A column of `rows` NULLs of `type`.
ColumnPtr MakeNullColumn(TypeId type, int64_t rows);

}  // namespace strata::exec
