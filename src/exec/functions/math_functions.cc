// Math functions. Following DataFusion, everything but abs works in float64 (integer arguments
// are cast by the binder) and follows IEEE: sqrt(-1) and ln(-1) are NaN, not errors.
#include <cmath>
#include <numbers>
#include <random>

#include "exec/functions/builtin_functions.h"

namespace strata::exec {
namespace {

using Resolve = decltype(ScalarFunction::resolve);

// Resolution for f(x1..xk) over numerics, computed in float64.
Resolve FloatArgs(std::string name, size_t min, size_t max) {
  return [name, min, max](const std::vector<TypeId>& args) -> absl::StatusOr<FunctionSignature> {
    absl::Status arity = CheckArity(name, args.size(), min, max);
    if (!arity.ok()) {
      return arity;
    }
    for (TypeId t : args) {
      if (!IsNumericOrNull(t)) {
        return NotAccepted(name, t);
      }
    }
    return FunctionSignature{std::vector<TypeId>(args.size(), TypeId::kFloat64), TypeId::kFloat64};
  };
}

void RegisterUnary(FunctionRegistry* registry, const std::string& name, double (*fn)(double)) {
  ScalarFunction f;
  f.name = name;
  f.resolve = FloatArgs(name, 1, 1);
  f.execute = [fn](const std::vector<Datum>& args, int64_t) -> absl::StatusOr<Datum> {
    return MapFloat64(args[0], fn);
  };
  registry->Register(std::move(f));
}

void RegisterBinary(FunctionRegistry* registry,
                    const std::string& name,
                    double (*fn)(double, double)) {
  ScalarFunction f;
  f.name = name;
  f.resolve = FloatArgs(name, 2, 2);
  f.execute = [fn](const std::vector<Datum>& args, int64_t num_rows) -> absl::StatusOr<Datum> {
    return MapRows(args,
                   num_rows,
                   TypeId::kFloat64,
                   [fn](const std::vector<DatumReader>& r, int64_t i, Column* out) {
                     out->AppendFloat64(fn(r[0].Float64(i), r[1].Float64(i)));
                     return absl::OkStatus();
                   });
  };
  registry->Register(std::move(f));
}

absl::StatusOr<Datum> Abs(const std::vector<Datum>& args, int64_t num_rows) {
  const Datum& x = args[0];
  switch (x.type()) {
    case TypeId::kFloat64:
      return MapFloat64(x, [](double v) { return std::fabs(v); });
    case TypeId::kUInt64:
      return x;
    case TypeId::kInt64:
      return MapRows(args,
                     num_rows,
                     TypeId::kInt64,
                     [](const std::vector<DatumReader>& r, int64_t i, Column* out) -> absl::Status {
                       const int64_t v = r[0].Int64(i);
                       if (v == INT64_MIN) {
                         return absl::InvalidArgumentError("integer overflow");
                       }
                       out->AppendInt64(v < 0 ? -v : v);
                       return absl::OkStatus();
                     });
    default:
      return Datum(Scalar::Null(x.type() == TypeId::kNull ? TypeId::kFloat64 : x.type()));
  }
}

// round(x, digits) as DataFusion: half away from zero at 10^-digits.
double RoundDigits(double x, int64_t digits) {
  const double scale = std::pow(10.0, static_cast<double>(digits));
  return std::round(x * scale) / scale;
}

double Sign(double x) {
  if (std::isnan(x)) {
    return x;
  }
  return x > 0 ? 1.0 : (x < 0 ? -1.0 : 0.0);
}

}  // namespace

void RegisterMathFunctions(FunctionRegistry* registry) {
  {
    ScalarFunction f;
    f.name = "abs";
    f.resolve = [](const std::vector<TypeId>& args) -> absl::StatusOr<FunctionSignature> {
      absl::Status arity = CheckArity("abs", args.size(), 1, 1);
      if (!arity.ok()) {
        return arity;
      }
      if (!IsNumericOrNull(args[0])) {
        return NotAccepted("abs", args[0]);
      }
      const TypeId t = args[0] == TypeId::kNull ? TypeId::kFloat64 : args[0];
      return FunctionSignature{{t}, t};
    };
    f.execute = Abs;
    registry->Register(std::move(f));
  }
  RegisterUnary(registry, "ceil", [](double x) { return std::ceil(x); });
  RegisterUnary(registry, "floor", [](double x) { return std::floor(x); });
  RegisterUnary(registry, "trunc", [](double x) { return std::trunc(x); });
  RegisterUnary(registry, "sqrt", [](double x) { return std::sqrt(x); });
  RegisterUnary(registry, "cbrt", [](double x) { return std::cbrt(x); });
  RegisterUnary(registry, "exp", [](double x) { return std::exp(x); });
  RegisterUnary(registry, "ln", [](double x) { return std::log(x); });
  RegisterUnary(registry, "log10", [](double x) { return std::log10(x); });
  RegisterUnary(registry, "log2", [](double x) { return std::log2(x); });
  RegisterUnary(registry, "sin", [](double x) { return std::sin(x); });
  RegisterUnary(registry, "cos", [](double x) { return std::cos(x); });
  RegisterUnary(registry, "tan", [](double x) { return std::tan(x); });
  RegisterUnary(registry, "asin", [](double x) { return std::asin(x); });
  RegisterUnary(registry, "acos", [](double x) { return std::acos(x); });
  RegisterUnary(registry, "atan", [](double x) { return std::atan(x); });
  RegisterUnary(registry, "degrees", [](double x) { return x * (180.0 / std::numbers::pi); });
  RegisterUnary(registry, "radians", [](double x) { return x * (std::numbers::pi / 180.0); });
  RegisterUnary(registry, "sign", Sign);
  RegisterUnary(registry, "signum", Sign);
  RegisterBinary(registry, "power", [](double x, double y) { return std::pow(x, y); });
  RegisterBinary(registry, "pow", [](double x, double y) { return std::pow(x, y); });
  RegisterBinary(registry, "atan2", [](double y, double x) { return std::atan2(y, x); });
  {
    // round(x) and round(x, digits).
    ScalarFunction f;
    f.name = "round";
    f.resolve = [](const std::vector<TypeId>& args) -> absl::StatusOr<FunctionSignature> {
      absl::Status arity = CheckArity("round", args.size(), 1, 2);
      if (!arity.ok()) {
        return arity;
      }
      for (TypeId t : args) {
        if (!IsNumericOrNull(t)) {
          return NotAccepted("round", t);
        }
      }
      if (args.size() == 2 && args[1] == TypeId::kFloat64) {
        return NotAccepted("round", args[1]);  // the digit count is an integer
      }
      FunctionSignature signature{{TypeId::kFloat64}, TypeId::kFloat64};
      if (args.size() == 2) {
        signature.args.push_back(TypeId::kInt64);
      }
      return signature;
    };
    f.execute = [](const std::vector<Datum>& args, int64_t num_rows) -> absl::StatusOr<Datum> {
      if (args.size() == 1) {
        return MapFloat64(args[0], [](double x) { return std::round(x); });
      }
      if (args[1].is_scalar() && !args[1].scalar().is_null()) {
        const int64_t digits = args[1].scalar().int64_value();
        return MapFloat64(args[0], [digits](double x) { return RoundDigits(x, digits); });
      }
      return MapRows(args,
                     num_rows,
                     TypeId::kFloat64,
                     [](const std::vector<DatumReader>& r, int64_t i, Column* out) {
                       out->AppendFloat64(RoundDigits(r[0].Float64(i), r[1].Int64(i)));
                       return absl::OkStatus();
                     });
    };
    registry->Register(std::move(f));
  }
  {
    // log(x) is log10 (PostgreSQL, DataFusion); log(base, x).
    ScalarFunction f;
    f.name = "log";
    f.resolve = FloatArgs("log", 1, 2);
    f.execute = [](const std::vector<Datum>& args, int64_t num_rows) -> absl::StatusOr<Datum> {
      if (args.size() == 1) {
        return MapFloat64(args[0], [](double x) { return std::log10(x); });
      }
      return MapRows(args,
                     num_rows,
                     TypeId::kFloat64,
                     [](const std::vector<DatumReader>& r, int64_t i, Column* out) {
                       out->AppendFloat64(std::log(r[1].Float64(i)) / std::log(r[0].Float64(i)));
                       return absl::OkStatus();
                     });
    };
    registry->Register(std::move(f));
  }
  {
    ScalarFunction f;
    f.name = "pi";
    f.resolve = FloatArgs("pi", 0, 0);
    f.execute = [](const std::vector<Datum>&, int64_t) -> absl::StatusOr<Datum> {
      return Datum(Scalar::Float64(std::numbers::pi));
    };
    registry->Register(std::move(f));
  }
  {
    // One value per row (DataFusion): a column even though there are no arguments.
    ScalarFunction f;
    f.name = "random";
    f.deterministic = false;
    f.resolve = FloatArgs("random", 0, 0);
    f.execute = [](const std::vector<Datum>&, int64_t num_rows) -> absl::StatusOr<Datum> {
      thread_local std::mt19937_64 engine{std::random_device{}()};
      std::uniform_real_distribution<double> uniform(0.0, 1.0);
      auto out = AllocateFixedColumn(TypeId::kFloat64, num_rows);
      double* dst = out->mutable_data<double>();
      for (int64_t i = 0; i < num_rows; ++i) {
        dst[i] = uniform(engine);
      }
      return Datum(ColumnPtr(std::move(out)));
    };
    registry->Register(std::move(f));
  }
  for (const char* name : {"isnan", "iszero"}) {
    ScalarFunction f;
    f.name = name;
    const bool is_nan = std::string_view(name) == "isnan";
    f.resolve = [name = std::string(name)](
                    const std::vector<TypeId>& args) -> absl::StatusOr<FunctionSignature> {
      absl::Status arity = CheckArity(name, args.size(), 1, 1);
      if (!arity.ok()) {
        return arity;
      }
      if (!IsNumericOrNull(args[0])) {
        return NotAccepted(name, args[0]);
      }
      return FunctionSignature{{TypeId::kFloat64}, TypeId::kBool};
    };
    f.execute = [is_nan](const std::vector<Datum>& args,
                         int64_t num_rows) -> absl::StatusOr<Datum> {
      return MapRows(args,
                     num_rows,
                     TypeId::kBool,
                     [is_nan](const std::vector<DatumReader>& r, int64_t i, Column* out) {
                       const double x = r[0].Float64(i);
                       out->AppendBool(is_nan ? std::isnan(x) : x == 0.0);
                       return absl::OkStatus();
                     });
    };
    registry->Register(std::move(f));
  }
}

}  // namespace strata::exec
