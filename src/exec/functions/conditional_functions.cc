// coalesce, nullif, greatest, least: values of a common type (exec::CommonType) combined row by
// row; greatest/least ignore NULLs as PostgreSQL does.
#include <cmath>

#include "common/status.h"
#include "exec/expr/binary_kernels.h"
#include "exec/functions/builtin_functions.h"
#include "exec/type_coercion.h"
#include "fmt/format.h"

namespace strata::exec {
namespace {

using Resolve = decltype(ScalarFunction::resolve);

Resolve CommonTypeArgs(std::string name, size_t min, size_t max) {
  return [name, min, max](const std::vector<TypeId>& args) -> absl::StatusOr<FunctionSignature> {
    STRATA_RETURN_IF_ERROR(CheckArity(name, args.size(), min, max));
    absl::StatusOr<TypeId> common = CommonType(args);
    if (!common.ok()) {
      return absl::InvalidArgumentError(
          fmt::format("function '{}': {}", name, std::string(common.status().message())));
    }
    return FunctionSignature{std::vector<TypeId>(args.size(), *common), *common};
  };
}

// A column of `type` whose row i copies row i of argument pick[i] (-1: NULL).
absl::StatusOr<ColumnPtr> Gather(TypeId type,
                                 const std::vector<DatumReader>& readers,
                                 const std::vector<int32_t>& pick) {
  const auto n = static_cast<int64_t>(pick.size());
  if (type == TypeId::kString || type == TypeId::kDictionary) {
    auto out = std::make_shared<Column>(TypeId::kString);
    out->Reserve(n);
    for (int64_t i = 0; i < n; ++i) {
      const int32_t k = pick[static_cast<size_t>(i)];
      if (k < 0) {
        out->AppendNull();
      } else {
        out->AppendString(readers[static_cast<size_t>(k)].String(i));
      }
    }
    return ColumnPtr(std::move(out));
  }
  if (type == TypeId::kNull) {
    return ScalarToColumn(Scalar(), n);
  }
  auto out = AllocateFixedColumn(type, n);
  Bitmap validity(n, false);
  for (int64_t i = 0; i < n; ++i) {
    const int32_t k = pick[static_cast<size_t>(i)];
    if (k < 0) {
      continue;
    }
    const DatumReader& r = readers[static_cast<size_t>(k)];
    validity.Set(i, true);
    switch (type) {
      case TypeId::kBool:
        out->mutable_data<uint8_t>()[i] = r.Bool(i) ? 1 : 0;
        break;
      case TypeId::kInt64:
      case TypeId::kTimestamp:
        out->mutable_data<int64_t>()[i] = r.Int64(i);
        break;
      case TypeId::kUInt64:
        out->mutable_data<uint64_t>()[i] = r.UInt64(i);
        break;
      case TypeId::kFloat64:
        out->mutable_data<double>()[i] = r.Float64(i);
        break;
      case TypeId::kInterval:
        out->mutable_data<Interval>()[i] = r.IntervalValue(i);
        break;
      default:
        return absl::InvalidArgumentError(
            fmt::format("no kernel for values of type {}", TypeName(type)));
    }
  }
  return FinishColumn(std::move(out), std::move(validity));
}

// Runs `choose(readers, i) -> argument index or -1` per row and gathers the chosen values.
template <typename Choose>
absl::StatusOr<Datum> Select(const std::vector<Datum>& args,
                             int64_t num_rows,
                             TypeId type,
                             Choose choose) {
  return EvaluateScalarAware(
      args, num_rows, [&](const std::vector<Datum>& a, int64_t rows) -> absl::StatusOr<ColumnPtr> {
        std::vector<DatumReader> readers(a.begin(), a.end());
        std::vector<int32_t> pick(static_cast<size_t>(rows));
        for (int64_t i = 0; i < rows; ++i) {
          pick[static_cast<size_t>(i)] = choose(readers, i);
        }
        return Gather(type, readers, pick);
      });
}

// Orders row i of two non-null arguments: negative, zero or positive. Floats order NaN last.
int CompareRows(TypeId type, const DatumReader& a, const DatumReader& b, int64_t i) {
  auto three_way = [](auto x, auto y) { return x < y ? -1 : (y < x ? 1 : 0); };
  switch (type) {
    case TypeId::kBool:
      return three_way(a.Bool(i), b.Bool(i));
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return three_way(a.Int64(i), b.Int64(i));
    case TypeId::kUInt64:
      return three_way(a.UInt64(i), b.UInt64(i));
    case TypeId::kFloat64: {
      const double x = a.Float64(i);
      const double y = b.Float64(i);
      if (std::isnan(x) || std::isnan(y)) {
        return std::isnan(x) - std::isnan(y);
      }
      return three_way(x, y);
    }
    case TypeId::kString:
    case TypeId::kDictionary:
      return three_way(a.String(i), b.String(i));
    default:
      return 0;
  }
}

}  // namespace

void RegisterConditionalFunctions(FunctionRegistry* registry) {
  {
    ScalarFunction f;
    f.name = "coalesce";
    f.resolve = CommonTypeArgs("coalesce", 1, kVariadic);
    f.execute = [](const std::vector<Datum>& args, int64_t num_rows) -> absl::StatusOr<Datum> {
      // Leading scalars decide alone when they are non-null.
      if (args[0].is_scalar() && !args[0].scalar().is_null()) {
        return args[0];
      }
      TypeId type = TypeId::kNull;
      for (const Datum& a : args) {
        if (a.type() != TypeId::kNull) {
          type = a.type();
        }
      }
      return Select(args, num_rows, type, [](const std::vector<DatumReader>& r, int64_t i) {
        for (size_t k = 0; k < r.size(); ++k) {
          if (!r[k].IsNull(i)) {
            return static_cast<int32_t>(k);
          }
        }
        return int32_t{-1};
      });
    };
    registry->Register(std::move(f));
  }
  {
    ScalarFunction f;
    f.name = "nullif";
    f.resolve = CommonTypeArgs("nullif", 2, 2);
    f.execute = [](const std::vector<Datum>& args, int64_t num_rows) -> absl::StatusOr<Datum> {
      STRATA_ASSIGN_OR_RETURN(Datum equal, EvaluateComparison(BinaryOp::kEq, args[0], args[1]));
      std::vector<Datum> with_equal = {args[0], equal};
      const TypeId type = args[0].type();
      return Select(with_equal, num_rows, type, [](const std::vector<DatumReader>& r, int64_t i) {
        if (r[0].IsNull(i) || (!r[1].IsNull(i) && r[1].Bool(i))) {
          return int32_t{-1};
        }
        return int32_t{0};
      });
    };
    registry->Register(std::move(f));
  }
  for (const bool greatest : {true, false}) {
    const std::string name = greatest ? "greatest" : "least";
    ScalarFunction f;
    f.name = name;
    f.resolve = CommonTypeArgs(name, 1, kVariadic);
    f.execute = [greatest](const std::vector<Datum>& args,
                           int64_t num_rows) -> absl::StatusOr<Datum> {
      TypeId type = TypeId::kNull;
      for (const Datum& a : args) {
        if (a.type() != TypeId::kNull) {
          type = a.type();
        }
      }
      return Select(
          args, num_rows, type, [type, greatest](const std::vector<DatumReader>& r, int64_t i) {
            int32_t best = -1;
            for (size_t k = 0; k < r.size(); ++k) {
              if (r[k].IsNull(i)) {
                continue;
              }
              if (best < 0) {
                best = static_cast<int32_t>(k);
                continue;
              }
              const int c = CompareRows(type, r[k], r[static_cast<size_t>(best)], i);
              if (greatest ? c > 0 : c < 0) {
                best = static_cast<int32_t>(k);
              }
            }
            return best;
          });
    };
    registry->Register(std::move(f));
  }
}

}  // namespace strata::exec
