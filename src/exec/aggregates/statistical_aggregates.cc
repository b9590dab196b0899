// stddev/variance (Welford's online algorithm, states merged with Chan et al.'s formula),
// median/approx_percentile_cont (exact: the values are kept and the percentile interpolated
// linearly between the two nearest ranks, as PostgreSQL's percentile_cont), and InfluxQL's
// stddev as InfluxDB 1.x computes it, influxql_stddev(value, time).
#include <algorithm>
#include <cmath>
#include <cstring>

#include "exec/aggregates/accumulator_support.h"

namespace strata::exec {
namespace {

enum class VarianceKind : uint8_t {
  kSampleVariance,
  kPopulationVariance,
  kSampleStddev,
  kPopulationStddev
};

class VarianceAccumulator final : public GroupsAccumulator {
 public:
  explicit VarianceAccumulator(VarianceKind kind) : kind_(kind) {}

  absl::Status Update(const std::vector<ColumnPtr>& args,
                      const SelectionVector* selection,
                      const uint32_t* group_ids,
                      uint32_t total_groups) override {
    Resize(total_groups);
    const double* values = args[0]->data<double>();
    ForEachValidRow(
        *args[0], selection, UpdateRowCount(args, selection), [&](int64_t i, int64_t row) {
          uint32_t g = group_ids[i];
          double x = values[row];
          int64_t n = ++counts_[g];
          double delta = x - means_[g];
          means_[g] += delta / static_cast<double>(n);
          m2s_[g] += delta * (x - means_[g]);
        });
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<ColumnPtr>> State() override {
    int64_t n = static_cast<int64_t>(counts_.size());
    return std::vector{MakeFixedColumn<int64_t>(TypeId::kInt64, counts_.data(), nullptr, n),
                       MakeFixedColumn<double>(TypeId::kFloat64, means_.data(), nullptr, n),
                       MakeFixedColumn<double>(TypeId::kFloat64, m2s_.data(), nullptr, n)};
  }
  absl::Status Merge(const std::vector<ColumnPtr>& states,
                     const uint32_t* group_ids,
                     uint32_t total_groups) override {
    Resize(total_groups);
    const int64_t* counts = states[0]->data<int64_t>();
    const double* means = states[1]->data<double>();
    const double* m2s = states[2]->data<double>();
    ForEachValidRow(*states[0], nullptr, states[0]->size(), [&](int64_t i, int64_t) {
      if (counts[i] == 0) {
        return;
      }
      uint32_t g = group_ids[i];
      double na = static_cast<double>(counts_[g]);
      double nb = static_cast<double>(counts[i]);
      double n = na + nb;
      double delta = means[i] - means_[g];
      means_[g] += delta * nb / n;
      m2s_[g] += m2s[i] + delta * delta * na * nb / n;
      counts_[g] += counts[i];
    });
    return absl::OkStatus();
  }
  absl::StatusOr<ColumnPtr> Evaluate() override {
    size_t n = counts_.size();
    std::vector<double> out(n, 0);
    std::vector<uint8_t> valid(n, 0);
    bool sample = kind_ == VarianceKind::kSampleVariance || kind_ == VarianceKind::kSampleStddev;
    bool stddev = kind_ == VarianceKind::kSampleStddev || kind_ == VarianceKind::kPopulationStddev;
    for (size_t g = 0; g < n; ++g) {
      int64_t count = counts_[g];
      if (count == 0 || (sample && count == 1)) {
        continue;
      }
      double variance = std::max(0.0, m2s_[g]) / static_cast<double>(sample ? count - 1 : count);
      out[g] = stddev ? std::sqrt(variance) : variance;
      valid[g] = 1;
    }
    return MakeFixedColumn<double>(
        TypeId::kFloat64, out.data(), valid.data(), static_cast<int64_t>(n));
  }
  size_t MemoryUsage() const override { return counts_.capacity() * 24; }

 private:
  void Resize(uint32_t total_groups) {
    counts_.resize(total_groups, 0);
    means_.resize(total_groups, 0);
    m2s_.resize(total_groups, 0);
  }
  VarianceKind kind_;
  std::vector<int64_t> counts_;
  std::vector<double> means_;
  std::vector<double> m2s_;
};

// The state of accumulators that keep every value of a group: one string column, a group's
// values as the raw bytes of its vector (T trivially copyable).
template <typename T>
ColumnPtr GroupVectorsState(const std::vector<std::vector<T>>& groups) {
  auto column = std::make_shared<Column>(TypeId::kString);
  for (const std::vector<T>& group : groups) {
    column->AppendString(
        std::string_view(reinterpret_cast<const char*>(group.data()), group.size() * sizeof(T)));
  }
  return column;
}

// Appends the values of GroupVectorsState's `state` to `groups` (grown to total_groups); adds
// their number to `count`.
template <typename T>
void MergeGroupVectors(const Column& state,
                       const uint32_t* group_ids,
                       uint32_t total_groups,
                       std::vector<std::vector<T>>* groups,
                       size_t* count) {
  groups->resize(total_groups);
  ForEachValidRow(state, nullptr, state.size(), [&](int64_t i, int64_t row) {
    const std::string_view blob = state.GetString(row);
    const size_t n = blob.size() / sizeof(T);
    if (n == 0) {
      return;  // an empty group (memcpy must not see an empty vector's null data)
    }
    std::vector<T>& group = (*groups)[group_ids[i]];
    const size_t old = group.size();
    group.resize(old + n);
    std::memcpy(group.data() + old, blob.data(), n * sizeof(T));
    *count += n;
  });
}

// The values of each group, kept whole (exact percentiles). Float64 whatever the input (median
// and approx_percentile_cont of integers take them as float64, as DuckDB and DataFusion 54+ do:
// the median of an even count of integers may be a half).
class PercentileAccumulator final : public GroupsAccumulator {
  using T = double;

 public:
  explicit PercentileAccumulator(double percentile) : percentile_(percentile) {}

  absl::Status Update(const std::vector<ColumnPtr>& args,
                      const SelectionVector* selection,
                      const uint32_t* group_ids,
                      uint32_t total_groups) override {
    values_.resize(total_groups);
    const T* values = args[0]->data<T>();
    ForEachValidRow(
        *args[0], selection, UpdateRowCount(args, selection), [&](int64_t i, int64_t row) {
          values_[group_ids[i]].push_back(values[row]);
          ++value_count_;
        });
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<ColumnPtr>> State() override {
    return std::vector<ColumnPtr>{GroupVectorsState(values_)};
  }
  absl::Status Merge(const std::vector<ColumnPtr>& states,
                     const uint32_t* group_ids,
                     uint32_t total_groups) override {
    MergeGroupVectors(*states[0], group_ids, total_groups, &values_, &value_count_);
    return absl::OkStatus();
  }
  absl::StatusOr<ColumnPtr> Evaluate() override {
    size_t n = values_.size();
    std::vector<T> out(n, 0);
    std::vector<uint8_t> valid(n, 0);
    for (size_t g = 0; g < n; ++g) {
      std::vector<T>& v = values_[g];
      if (v.empty()) {
        continue;
      }
      // NaN sorts above every number, as in ORDER BY.
      std::sort(
          v.begin(), v.end(), [](T a, T b) { return std::isnan(b) ? !std::isnan(a) : a < b; });
      double position = percentile_ * static_cast<double>(v.size() - 1);
      size_t lower = static_cast<size_t>(std::floor(position));
      size_t upper = std::min(lower + 1, v.size() - 1);
      double fraction = position - static_cast<double>(lower);
      out[g] = fraction == 0 ? v[lower] : v[lower] + (v[upper] - v[lower]) * fraction;
      valid[g] = 1;
    }
    return MakeFixedColumn<T>(TypeId::kFloat64, out.data(), valid.data(), static_cast<int64_t>(n));
  }
  // The values themselves, not the slack of their vectors (at most as much again).
  size_t MemoryUsage() const override {
    return values_.capacity() * sizeof(std::vector<T>) + value_count_ * sizeof(T);
  }

 private:
  double percentile_;
  std::vector<std::vector<T>> values_;
  size_t value_count_ = 0;  // values held, over all groups
};

std::unique_ptr<GroupsAccumulator> MakePercentileAccumulator(double percentile) {
  return std::make_unique<PercentileAccumulator>(percentile);
}

// influxql_stddev(value, time): the sample standard deviation as InfluxDB 1.x's reducer
// computes it, so that InfluxQL's stddev() matches InfluxDB to the last bit: the points of a group
// in time order, their mean computed incrementally (mean += (v - mean) / n), then
// sqrt(sum((v - mean)^2) / (n - 1)); NULL for fewer than two points. Its rounding depends on the
// order of the points, which Welford's stddev_samp and a merge of partial states do not keep, so
// the (time, value) pairs are kept and sorted at the end (equal times by value, so the result
// does not depend on how the rows were split between partial states). Rows whose value or time
// is NULL are skipped.
class InfluxQLStddevAccumulator final : public GroupsAccumulator {
 public:
  absl::Status Update(const std::vector<ColumnPtr>& args,
                      const SelectionVector* selection,
                      const uint32_t* group_ids,
                      uint32_t total_groups) override {
    points_.resize(total_groups);
    const Column& times = *args[1];
    if (times.type() == TypeId::kNull) {
      return absl::OkStatus();
    }
    const double* values = args[0]->data<double>();
    const int64_t* time_values = times.data<int64_t>();
    ForEachValidRow(
        *args[0], selection, UpdateRowCount(args, selection), [&](int64_t i, int64_t row) {
          if (times.IsNull(row)) {
            return;
          }
          points_[group_ids[i]].push_back(Point{time_values[row], values[row]});
          ++point_count_;
        });
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<ColumnPtr>> State() override {
    return std::vector<ColumnPtr>{GroupVectorsState(points_)};
  }
  absl::Status Merge(const std::vector<ColumnPtr>& states,
                     const uint32_t* group_ids,
                     uint32_t total_groups) override {
    MergeGroupVectors(*states[0], group_ids, total_groups, &points_, &point_count_);
    return absl::OkStatus();
  }
  absl::StatusOr<ColumnPtr> Evaluate() override {
    const size_t n = points_.size();
    std::vector<double> out(n, 0);
    std::vector<uint8_t> valid(n, 0);
    for (size_t g = 0; g < n; ++g) {
      std::vector<Point>& points = points_[g];
      if (points.size() < 2) {
        continue;
      }
      std::sort(points.begin(), points.end(), [](const Point& a, const Point& b) {
        if (a.time != b.time) {
          return a.time < b.time;
        }
        // NaN sorts above every number, as in ORDER BY.
        return std::isnan(b.value) ? !std::isnan(a.value) : a.value < b.value;
      });
      double mean = 0;
      int64_t count = 0;
      for (const Point& point : points) {
        ++count;
        mean += (point.value - mean) / static_cast<double>(count);
      }
      double sum_of_squares = 0;
      for (const Point& point : points) {
        const double deviation = point.value - mean;
        sum_of_squares += deviation * deviation;
      }
      out[g] = std::sqrt(sum_of_squares / static_cast<double>(count - 1));
      valid[g] = 1;
    }
    return MakeFixedColumn<double>(
        TypeId::kFloat64, out.data(), valid.data(), static_cast<int64_t>(n));
  }
  // The points themselves, not the slack of their vectors (at most as much again).
  size_t MemoryUsage() const override {
    return points_.capacity() * sizeof(std::vector<Point>) + point_count_ * sizeof(Point);
  }

 private:
  struct Point {
    int64_t time;
    double value;
  };
  static_assert(sizeof(Point) == 16, "states hold Points as raw bytes");

  std::vector<std::vector<Point>> points_;  // per group, in arrival order until Evaluate
  size_t point_count_ = 0;                  // points held, over all groups
};

// Numeric input, cast to float64 by the binder.
absl::StatusOr<FunctionSignature> ResolveNumeric(std::string_view name,
                                                 const std::vector<TypeId>& args,
                                                 size_t min_args,
                                                 size_t max_args,
                                                 std::string_view expected) {
  if (args.size() < min_args || args.size() > max_args) {
    return ArgCountError(name, expected, args.size());
  }
  std::vector<TypeId> cast;
  for (TypeId type : args) {
    if (!IsNumericType(type) && type != TypeId::kNull) {
      return ArgTypeError(name, type);
    }
    cast.push_back(TypeId::kFloat64);
  }
  if (args.size() == 3) {
    cast[2] = TypeId::kInt64;  // approx_percentile_cont's centroid count (ignored: exact)
  }
  return FunctionSignature{cast, TypeId::kFloat64};
}

void RegisterVariance(FunctionRegistry* registry, std::string name, VarianceKind kind) {
  AggregateFunction f;
  f.name = name;
  f.resolve = [name](const std::vector<TypeId>& args) {
    return ResolveNumeric(name, args, 1, 1, "1");
  };
  f.state_types = [](const FunctionSignature&) {
    return std::vector<TypeId>{TypeId::kInt64, TypeId::kFloat64, TypeId::kFloat64};
  };
  f.create = [kind](const FunctionSignature& s, const AggregateCallOptions& options)
      -> absl::StatusOr<std::unique_ptr<GroupsAccumulator>> {
    auto make = [kind]() -> std::unique_ptr<GroupsAccumulator> {
      return std::make_unique<VarianceAccumulator>(kind);
    };
    if (options.distinct) {
      return MakeDistinctAccumulator(s.args[0], make);
    }
    return make();
  };
  registry->Register(std::move(f));
}

absl::StatusOr<double> PercentileArgument(const AggregateCallOptions& options) {
  if (options.constant_args.empty() || options.constant_args[0].is_null()) {
    return absl::InvalidArgumentError(
        "approx_percentile_cont: the percentile must be a constant between 0 and 1");
  }
  const Scalar& p = options.constant_args[0];
  double value = p.type() == TypeId::kFloat64  ? p.float64_value()
                 : p.type() == TypeId::kInt64  ? static_cast<double>(p.int64_value())
                 : p.type() == TypeId::kUInt64 ? static_cast<double>(p.uint64_value())
                                               : -1;
  if (!(value >= 0 && value <= 1)) {
    return absl::InvalidArgumentError(fmt::format(
        "approx_percentile_cont: percentile must be between 0 and 1, got {}", p.ToString()));
  }
  return value;
}

}  // namespace

void RegisterStatisticalAggregates(FunctionRegistry* registry) {
  RegisterVariance(registry, "stddev", VarianceKind::kSampleStddev);
  RegisterVariance(registry, "stddev_samp", VarianceKind::kSampleStddev);
  RegisterVariance(registry, "stddev_pop", VarianceKind::kPopulationStddev);
  RegisterVariance(registry, "var", VarianceKind::kSampleVariance);
  RegisterVariance(registry, "variance", VarianceKind::kSampleVariance);
  RegisterVariance(registry, "var_samp", VarianceKind::kSampleVariance);
  RegisterVariance(registry, "var_pop", VarianceKind::kPopulationVariance);
  {
    AggregateFunction f;
    f.name = "median";
    // Float64 whatever the numeric input (DuckDB; DataFusion since 54, which used to keep an
    // integer input's type and truncate the average of the two middle values).
    f.resolve = [](const std::vector<TypeId>& args) {
      return ResolveNumeric("median", args, 1, 1, "1");
    };
    f.state_types = [](const FunctionSignature&) { return std::vector<TypeId>{TypeId::kString}; };
    f.create = [](const FunctionSignature& s, const AggregateCallOptions& options)
        -> absl::StatusOr<std::unique_ptr<GroupsAccumulator>> {
      auto make = []() -> std::unique_ptr<GroupsAccumulator> {
        return MakePercentileAccumulator(0.5);
      };
      if (options.distinct) {
        return MakeDistinctAccumulator(s.args[0], make);
      }
      return make();
    };
    registry->Register(std::move(f));
  }
  {
    AggregateFunction f;
    f.name = "influxql_stddev";
    f.resolve = [](const std::vector<TypeId>& args) -> absl::StatusOr<FunctionSignature> {
      if (args.size() != 2) {
        return ArgCountError("influxql_stddev", "2", args.size());
      }
      if (!IsNumericType(args[0]) && args[0] != TypeId::kNull) {
        return ArgTypeError("influxql_stddev", args[0]);
      }
      if (args[1] != TypeId::kTimestamp && args[1] != TypeId::kNull) {
        return absl::InvalidArgumentError(fmt::format(
            "function 'influxql_stddev' expects a timestamp as its second argument, got {}",
            TypeName(args[1])));
      }
      return FunctionSignature{{TypeId::kFloat64, TypeId::kTimestamp}, TypeId::kFloat64};
    };
    f.state_types = [](const FunctionSignature&) { return std::vector<TypeId>{TypeId::kString}; };
    f.create = [](const FunctionSignature&, const AggregateCallOptions& options)
        -> absl::StatusOr<std::unique_ptr<GroupsAccumulator>> {
      if (options.distinct) {
        return absl::InvalidArgumentError("function 'influxql_stddev' does not take DISTINCT");
      }
      return std::make_unique<InfluxQLStddevAccumulator>();
    };
    f.data_args = 2;
    registry->Register(std::move(f));
  }
  {
    AggregateFunction f;
    f.name = "approx_percentile_cont";
    f.resolve = [](const std::vector<TypeId>& args) {
      return ResolveNumeric("approx_percentile_cont", args, 2, 3, "2 or 3");
    };
    f.state_types = [](const FunctionSignature&) { return std::vector<TypeId>{TypeId::kString}; };
    f.create = [](const FunctionSignature& s, const AggregateCallOptions& options)
        -> absl::StatusOr<std::unique_ptr<GroupsAccumulator>> {
      STRATA_ASSIGN_OR_RETURN(double percentile, PercentileArgument(options));
      auto make = [percentile]() -> std::unique_ptr<GroupsAccumulator> {
        return MakePercentileAccumulator(percentile);
      };
      if (options.distinct) {
        return MakeDistinctAccumulator(s.args[0], make);
      }
      return make();
    };
    f.data_args = 1;
    registry->Register(std::move(f));
  }
}

}  // namespace strata::exec
