// Parquet <-> strata type mapping and statistics values.
#include "parquet/type_mapping.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "common/check.h"
#include "fmt/format.h"

namespace strata::parquet {
namespace {

constexpr int64_t kNanosPerMilli = 1'000'000;
constexpr int64_t kNanosPerMicro = 1'000;
constexpr int64_t kNanosPerDay = 86'400'000'000'000;

bool ScaleChecked(int64_t factor, int64_t* value) {
  int64_t result = 0;
  if (__builtin_mul_overflow(*value, factor, &result)) {
    return false;
  }
  *value = result;
  return true;
}

std::string_view UnitName(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kMillis:
      return "MILLIS";
    case TimeUnit::kMicros:
      return "MICROS";
    case TimeUnit::kNanos:
      return "NANOS";
  }
  return "UNKNOWN_UNIT";
}

std::string DescribeLogicalType(const LogicalType& type) {
  using Kind = LogicalType::Kind;
  switch (type.kind) {
    case Kind::kString:
      return "STRING";
    case Kind::kMap:
      return "MAP";
    case Kind::kList:
      return "LIST";
    case Kind::kEnum:
      return "ENUM";
    case Kind::kDecimal:
      return fmt::format("DECIMAL({}, {})", type.precision, type.scale);
    case Kind::kDate:
      return "DATE";
    case Kind::kTime:
      return fmt::format("TIME({}{})", UnitName(type.unit), type.is_adjusted_to_utc ? ", UTC" : "");
    case Kind::kTimestamp:
      return fmt::format(
          "TIMESTAMP({}{})", UnitName(type.unit), type.is_adjusted_to_utc ? ", UTC" : "");
    case Kind::kInteger:
      return fmt::format("INTEGER({}, {})", type.bit_width, type.is_signed ? "signed" : "unsigned");
    case Kind::kUnknown:
      return "UNKNOWN";
    case Kind::kJson:
      return "JSON";
    case Kind::kBson:
      return "BSON";
    case Kind::kUuid:
      return "UUID";
    case Kind::kFloat16:
      return "FLOAT16";
  }
  return fmt::format("LogicalType({})", static_cast<int>(type.kind));
}

absl::Status Unsupported(const SchemaElement& leaf) {
  return absl::UnimplementedError(
      fmt::format("Parquet type {} is not supported", DescribeLeafType(leaf)));
}

}  // namespace

SchemaElement LeafForField(const Field& field, bool adjusted_to_utc) {
  SchemaElement leaf;
  leaf.name = field.name;
  leaf.repetition_type =
      field.nullable ? FieldRepetitionType::kOptional : FieldRepetitionType::kRequired;
  switch (field.type) {
    case TypeId::kBool:
      leaf.type = Type::kBoolean;
      break;
    case TypeId::kInt64:
      leaf.type = Type::kInt64;
      leaf.converted_type = ConvertedType::kInt64;
      leaf.logical_type = LogicalType::Integer(64, true);
      break;
    case TypeId::kUInt64:
      leaf.type = Type::kInt64;
      leaf.converted_type = ConvertedType::kUint64;
      leaf.logical_type = LogicalType::Integer(64, false);
      break;
    case TypeId::kFloat64:
      leaf.type = Type::kDouble;
      break;
    case TypeId::kString:
    case TypeId::kDictionary:
      leaf.type = Type::kByteArray;
      leaf.converted_type = ConvertedType::kUtf8;
      leaf.logical_type = LogicalType::String();
      break;
    case TypeId::kTimestamp:
      // No converted type: TIMESTAMP_MILLIS and TIMESTAMP_MICROS cannot say nanoseconds, and a
      // wrong one would make old readers scale the values.
      leaf.type = Type::kInt64;
      leaf.logical_type = LogicalType::Timestamp(adjusted_to_utc, TimeUnit::kNanos);
      break;
    case TypeId::kNull:
      // The format's "always null" column (arrow-rs writes its Null type the same way). OPTIONAL
      // whatever the field says: its rows are nulls.
      leaf.type = Type::kInt32;
      leaf.logical_type = LogicalType{.kind = LogicalType::Kind::kUnknown};
      leaf.repetition_type = FieldRepetitionType::kOptional;
      break;
    default:
      STRATA_CHECK(IsStorageType(field.type));
      break;
  }
  return leaf;
}

std::string DescribeLeafType(const SchemaElement& leaf) {
  std::string out = leaf.type.has_value() ? ToString(*leaf.type) : "group";
  if (leaf.type == Type::kFixedLenByteArray && leaf.type_length.has_value()) {
    out += fmt::format("({})", *leaf.type_length);
  }
  if (leaf.logical_type.has_value()) {
    out += " " + DescribeLogicalType(*leaf.logical_type);
  } else if (leaf.converted_type.has_value()) {
    out += " " + ToString(*leaf.converted_type);
  }
  return out;
}

absl::StatusOr<LeafMapping> MapLeaf(const SchemaElement& leaf) {
  if (!leaf.type.has_value()) {
    return Unsupported(leaf);
  }
  using Kind = LogicalType::Kind;
  LeafMapping mapping;
  mapping.physical = *leaf.type;
  // The logical type wins over the converted type when both are present (writers set both; the
  // converted type cannot express everything, e.g. TIMESTAMP(NANOS)).
  const std::optional<LogicalType>& logical = leaf.logical_type;
  const std::optional<ConvertedType>& converted =
      logical.has_value() ? std::nullopt : leaf.converted_type;
  if (logical.has_value() && logical->kind == Kind::kUnknown) {
    // Always null, whatever the physical type: the values, if any, are never read.
    mapping.type = TypeId::kNull;
    return mapping;
  }
  switch (*leaf.type) {
    case Type::kBoolean:
      if (logical.has_value() || converted.has_value()) {
        return Unsupported(leaf);
      }
      mapping.type = TypeId::kBool;
      return mapping;
    case Type::kFloat:
    case Type::kDouble:
      if (logical.has_value() || converted.has_value()) {
        return Unsupported(leaf);
      }
      mapping.type = TypeId::kFloat64;
      mapping.conversion = *leaf.type == Type::kFloat ? Conversion::kFloat : Conversion::kNone;
      return mapping;
    case Type::kInt32: {
      bool is_signed = true;
      if (logical.has_value()) {
        if (logical->kind == Kind::kDate) {
          mapping.type = TypeId::kTimestamp;
          mapping.conversion = Conversion::kDate;
          return mapping;
        }
        if (logical->kind != Kind::kInteger || logical->bit_width > 32) {
          return Unsupported(leaf);
        }
        is_signed = logical->is_signed;
      } else if (converted.has_value()) {
        switch (*converted) {
          case ConvertedType::kInt8:
          case ConvertedType::kInt16:
          case ConvertedType::kInt32:
            break;
          case ConvertedType::kUint8:
          case ConvertedType::kUint16:
          case ConvertedType::kUint32:
            is_signed = false;
            break;
          case ConvertedType::kDate:
            mapping.type = TypeId::kTimestamp;
            mapping.conversion = Conversion::kDate;
            return mapping;
          default:
            return Unsupported(leaf);
        }
      }
      mapping.type = is_signed ? TypeId::kInt64 : TypeId::kUInt64;
      mapping.conversion = is_signed ? Conversion::kInt32 : Conversion::kUInt32;
      return mapping;
    }
    case Type::kInt64: {
      if (logical.has_value()) {
        if (logical->kind == Kind::kTimestamp) {
          mapping.type = TypeId::kTimestamp;
          switch (logical->unit) {
            case TimeUnit::kMillis:
              mapping.conversion = Conversion::kTimestampMillis;
              return mapping;
            case TimeUnit::kMicros:
              mapping.conversion = Conversion::kTimestampMicros;
              return mapping;
            case TimeUnit::kNanos:
              return mapping;
          }
          return Unsupported(leaf);
        }
        if (logical->kind != Kind::kInteger) {
          return Unsupported(leaf);
        }
        mapping.type = logical->is_signed ? TypeId::kInt64 : TypeId::kUInt64;
        return mapping;
      }
      if (converted.has_value()) {
        switch (*converted) {
          case ConvertedType::kInt64:
            mapping.type = TypeId::kInt64;
            return mapping;
          case ConvertedType::kUint64:
            mapping.type = TypeId::kUInt64;
            return mapping;
          case ConvertedType::kTimestampMillis:
            mapping.type = TypeId::kTimestamp;
            mapping.conversion = Conversion::kTimestampMillis;
            return mapping;
          case ConvertedType::kTimestampMicros:
            mapping.type = TypeId::kTimestamp;
            mapping.conversion = Conversion::kTimestampMicros;
            return mapping;
          default:
            return Unsupported(leaf);
        }
      }
      mapping.type = TypeId::kInt64;
      return mapping;
    }
    case Type::kByteArray:
      if (logical.has_value()) {
        if (logical->kind != Kind::kString && logical->kind != Kind::kEnum &&
            logical->kind != Kind::kJson) {
          return Unsupported(leaf);
        }
      } else if (converted.has_value() && *converted != ConvertedType::kUtf8 &&
                 *converted != ConvertedType::kEnum && *converted != ConvertedType::kJson) {
        return Unsupported(leaf);
      }
      mapping.type = TypeId::kString;
      return mapping;
    default:
      return Unsupported(leaf);
  }
}

bool ConvertInt64(Conversion conversion, int64_t* value) {
  switch (conversion) {
    case Conversion::kTimestampMillis:
      return ScaleChecked(kNanosPerMilli, value);
    case Conversion::kTimestampMicros:
      return ScaleChecked(kNanosPerMicro, value);
    case Conversion::kDate:
      return ScaleChecked(kNanosPerDay, value);
    case Conversion::kUInt32:
      *value = static_cast<int64_t>(static_cast<uint32_t>(*value));
      return true;
    default:
      return true;
  }
}

std::optional<Value> DecodeStatisticsValue(std::string_view bytes, const LeafMapping& mapping) {
  switch (mapping.physical) {
    case Type::kBoolean:
      if (bytes.size() != 1) {
        return std::nullopt;
      }
      return Value(bool{(bytes[0] & 1) != 0});
    case Type::kInt32: {
      if (bytes.size() != 4) {
        return std::nullopt;
      }
      int32_t raw = 0;
      std::memcpy(&raw, bytes.data(), 4);
      int64_t value = raw;
      if (!ConvertInt64(mapping.conversion, &value)) {
        return std::nullopt;
      }
      if (mapping.type == TypeId::kUInt64) {
        return Value(static_cast<uint64_t>(value));
      }
      return Value(value);
    }
    case Type::kInt64: {
      if (bytes.size() != 8) {
        return std::nullopt;
      }
      int64_t value = 0;
      std::memcpy(&value, bytes.data(), 8);
      if (mapping.type == TypeId::kUInt64) {
        return Value(static_cast<uint64_t>(value));
      }
      if (!ConvertInt64(mapping.conversion, &value)) {
        return std::nullopt;
      }
      return Value(value);
    }
    case Type::kFloat: {
      if (bytes.size() != 4) {
        return std::nullopt;
      }
      float value = 0;
      std::memcpy(&value, bytes.data(), 4);
      if (std::isnan(value)) {
        return std::nullopt;
      }
      return Value(static_cast<double>(value));
    }
    case Type::kDouble: {
      if (bytes.size() != 8) {
        return std::nullopt;
      }
      double value = 0;
      std::memcpy(&value, bytes.data(), 8);
      if (std::isnan(value)) {
        return std::nullopt;
      }
      return Value(value);
    }
    case Type::kByteArray:
      return Value(std::string(bytes));
    default:
      return std::nullopt;
  }
}

int CompareValues(const Value& a, const Value& b) {
  if (a.index() != b.index()) {
    return 0;
  }
  return std::visit(
      [&b](const auto& left) -> int {
        using T = std::decay_t<decltype(left)>;
        const T& right = std::get<T>(b);
        if constexpr (std::is_same_v<T, std::string>) {
          const int c = std::string_view(left).compare(right);
          return c < 0 ? -1 : (c > 0 ? 1 : 0);
        } else {
          return left < right ? -1 : (right < left ? 1 : 0);
        }
      },
      a);
}

size_t ValueIndexForType(TypeId type) {
  switch (type) {
    case TypeId::kUInt64:
      return 1;
    case TypeId::kFloat64:
      return 2;
    case TypeId::kBool:
      return 3;
    case TypeId::kString:
    case TypeId::kDictionary:
      return 4;
    default:
      return 0;
  }
}

std::string ValueToString(const Value& value) {
  return std::visit(
      [](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string>) {
          return fmt::format("\"{}\"", v);
        } else {
          return fmt::format("{}", v);
        }
      },
      value);
}

}  // namespace strata::parquet
