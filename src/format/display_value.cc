// Display text of fixed-width values.
#include "format/display_value.h"

#include <charconv>
#include <cstring>

#include "format/float_format.h"
#include "format/timestamp_format.h"

namespace strata::format {

static_assert(kMaxDisplayValueLength >= kMaxFloatLength);
static_assert(kMaxDisplayValueLength >= kMaxTimestampLength);

char* WriteDisplayValue(const Column& column, int64_t row, char* out) {
  switch (column.type()) {
    case TypeId::kBool:
      if (column.GetBool(row)) {
        std::memcpy(out, "true", 4);
        return out + 4;
      }
      std::memcpy(out, "false", 5);
      return out + 5;
    case TypeId::kInt64:
      return std::to_chars(out, out + kMaxDisplayValueLength, column.GetInt64(row)).ptr;
    case TypeId::kUInt64:
      return std::to_chars(out, out + kMaxDisplayValueLength, column.GetUInt64(row)).ptr;
    case TypeId::kFloat64:
      return WriteFloat(column.GetFloat64(row), FloatNotation::kDisplay, out);
    case TypeId::kTimestamp:
      return WriteTimestamp(column.GetInt64(row), out);
    default:
      STRATA_CHECK(false && "WriteDisplayValue: not a fixed-width value type");
  }
  return out;
}

}  // namespace strata::format
