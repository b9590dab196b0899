// count, sum, avg, min, max, bool_and and bool_or as GroupsAccumulators with typed loops: each
// Update is one pass over the rows scattering into per-group arrays.
#include <cmath>
#include <limits>
#include <string>

#include "exec/aggregates/accumulator_support.h"

namespace strata::exec {
namespace {

// Creates the accumulator, wrapped for DISTINCT when asked.
absl::StatusOr<std::unique_ptr<GroupsAccumulator>> Create(
    const FunctionSignature& signature,
    const AggregateCallOptions& options,
    std::function<std::unique_ptr<GroupsAccumulator>()> make) {
  if (options.distinct && !signature.args.empty()) {
    return MakeDistinctAccumulator(signature.args[0], std::move(make));
  }
  return make();
}

// ---- count ----

class CountAccumulator final : public GroupsAccumulator {
 public:
  absl::Status Update(const std::vector<ColumnPtr>& args,
                      const SelectionVector* selection,
                      const uint32_t* group_ids,
                      uint32_t total_groups) override {
    counts_.resize(total_groups, 0);
    int64_t n = UpdateRowCount(args, selection);
    int64_t* counts = counts_.data();
    if (args.empty()) {
      for (int64_t i = 0; i < n; ++i) {
        ++counts[group_ids[i]];
      }
      return absl::OkStatus();
    }
    ForEachValidRow(*args[0], selection, n, [&](int64_t i, int64_t) { ++counts[group_ids[i]]; });
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<ColumnPtr>> State() override {
    return std::vector{Evaluate().value()};
  }
  absl::Status Merge(const std::vector<ColumnPtr>& states,
                     const uint32_t* group_ids,
                     uint32_t total_groups) override {
    counts_.resize(total_groups, 0);
    const int64_t* partial = states[0]->data<int64_t>();
    ForEachValidRow(*states[0], nullptr, states[0]->size(), [&](int64_t i, int64_t) {
      counts_[group_ids[i]] += partial[i];
    });
    return absl::OkStatus();
  }
  absl::StatusOr<ColumnPtr> Evaluate() override {
    return MakeFixedColumn<int64_t>(
        TypeId::kInt64, counts_.data(), nullptr, static_cast<int64_t>(counts_.size()));
  }
  size_t MemoryUsage() const override { return counts_.capacity() * sizeof(int64_t); }

 private:
  std::vector<int64_t> counts_;
};

// ---- sum ----

template <typename T>
class SumAccumulator final : public GroupsAccumulator {
 public:
  explicit SumAccumulator(TypeId type) : type_(type) {}

  absl::Status Update(const std::vector<ColumnPtr>& args,
                      const SelectionVector* selection,
                      const uint32_t* group_ids,
                      uint32_t total_groups) override {
    return Add(*args[0], selection, UpdateRowCount(args, selection), group_ids, total_groups);
  }
  absl::StatusOr<std::vector<ColumnPtr>> State() override {
    STRATA_ASSIGN_OR_RETURN(ColumnPtr sums, Evaluate());
    return std::vector{sums};
  }
  absl::Status Merge(const std::vector<ColumnPtr>& states,
                     const uint32_t* group_ids,
                     uint32_t total_groups) override {
    return Add(*states[0], nullptr, states[0]->size(), group_ids, total_groups);
  }
  absl::StatusOr<ColumnPtr> Evaluate() override {
    return MakeFixedColumn<T>(
        type_, sums_.data(), seen_.data(), static_cast<int64_t>(sums_.size()));
  }
  size_t MemoryUsage() const override { return sums_.capacity() * (sizeof(T) + 1); }

 private:
  absl::Status Add(const Column& column,
                   const SelectionVector* selection,
                   int64_t n,
                   const uint32_t* group_ids,
                   uint32_t total_groups) {
    sums_.resize(total_groups, T{});
    seen_.resize(total_groups, 0);
    T* sums = sums_.data();
    uint8_t* seen = seen_.data();
    const T* values = column.data<T>();
    bool overflow = false;
    ForEachValidRow(column, selection, n, [&](int64_t i, int64_t row) {
      uint32_t g = group_ids[i];
      if constexpr (std::is_floating_point_v<T>) {
        sums[g] += values[row];
      } else {
        overflow |= __builtin_add_overflow(sums[g], values[row], &sums[g]);
      }
      seen[g] = 1;
    });
    if (overflow) {
      return absl::OutOfRangeError("integer overflow");
    }
    return absl::OkStatus();
  }

  TypeId type_;
  std::vector<T> sums_;
  std::vector<uint8_t> seen_;
};

// ---- avg ----

template <typename T>
class AvgAccumulator final : public GroupsAccumulator {
 public:
  absl::Status Update(const std::vector<ColumnPtr>& args,
                      const SelectionVector* selection,
                      const uint32_t* group_ids,
                      uint32_t total_groups) override {
    Resize(total_groups);
    const T* __restrict values = args[0]->data<T>();
    double* __restrict sums = sums_.data();
    int64_t* __restrict counts = counts_.data();
    const int64_t n = UpdateRowCount(args, selection);
    if (selection == nullptr && !args[0]->has_nulls()) {
      // The common case, a run of rows of one group at a time: input sorted by the group keys
      // (Parquet files are sorted by series) puts long runs of one group together, and adding
      // them in a register avoids a chain of loads and stores to the same sum. Integers add up
      // exactly within a run (in 128 bits), then once into the double.
      for (int64_t i = 0; i < n;) {
        const uint32_t g = group_ids[i];
        const int64_t begin = i;
        if constexpr (std::is_integral_v<T>) {
          __int128 run = 0;
          do {
            run += values[i];
            ++i;
          } while (i < n && group_ids[i] == g);
          sums[g] += static_cast<double>(run);
        } else {
          double run = 0;
          do {
            run += static_cast<double>(values[i]);
            ++i;
          } while (i < n && group_ids[i] == g);
          sums[g] += run;
        }
        counts[g] += i - begin;
      }
      return absl::OkStatus();
    }
    ForEachValidRow(*args[0], selection, n, [&](int64_t i, int64_t row) {
      uint32_t g = group_ids[i];
      sums[g] += static_cast<double>(values[row]);
      ++counts[g];
    });
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<ColumnPtr>> State() override {
    int64_t n = static_cast<int64_t>(sums_.size());
    return std::vector{MakeFixedColumn<double>(TypeId::kFloat64, sums_.data(), nullptr, n),
                       MakeFixedColumn<int64_t>(TypeId::kInt64, counts_.data(), nullptr, n)};
  }
  absl::Status Merge(const std::vector<ColumnPtr>& states,
                     const uint32_t* group_ids,
                     uint32_t total_groups) override {
    Resize(total_groups);
    const double* sums = states[0]->data<double>();
    const int64_t* counts = states[1]->data<int64_t>();
    ForEachValidRow(*states[1], nullptr, states[1]->size(), [&](int64_t i, int64_t) {
      sums_[group_ids[i]] += sums[i];
      counts_[group_ids[i]] += counts[i];
    });
    return absl::OkStatus();
  }
  absl::StatusOr<ColumnPtr> Evaluate() override {
    size_t n = sums_.size();
    std::vector<double> averages(n);
    std::vector<uint8_t> valid(n);
    for (size_t g = 0; g < n; ++g) {
      valid[g] = counts_[g] > 0;
      averages[g] = counts_[g] > 0 ? sums_[g] / static_cast<double>(counts_[g]) : 0;
    }
    return MakeFixedColumn<double>(
        TypeId::kFloat64, averages.data(), valid.data(), static_cast<int64_t>(n));
  }
  size_t MemoryUsage() const override { return sums_.capacity() * 16; }

 private:
  void Resize(uint32_t total_groups) {
    sums_.resize(total_groups, 0);
    counts_.resize(total_groups, 0);
  }
  std::vector<double> sums_;
  std::vector<int64_t> counts_;
};

// ---- min / max ----

// Floats order NaN above every number (as PostgreSQL): max is NaN if any value is, min only if
// every value is.
template <typename T, bool kMax>
class MinMaxAccumulator final : public GroupsAccumulator {
 public:
  explicit MinMaxAccumulator(TypeId type) : type_(type) {}

  absl::Status Update(const std::vector<ColumnPtr>& args,
                      const SelectionVector* selection,
                      const uint32_t* group_ids,
                      uint32_t total_groups) override {
    Add(*args[0], selection, UpdateRowCount(args, selection), group_ids, total_groups);
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<ColumnPtr>> State() override {
    STRATA_ASSIGN_OR_RETURN(ColumnPtr values, Evaluate());
    return std::vector{values};
  }
  absl::Status Merge(const std::vector<ColumnPtr>& states,
                     const uint32_t* group_ids,
                     uint32_t total_groups) override {
    Add(*states[0], nullptr, states[0]->size(), group_ids, total_groups);
    return absl::OkStatus();
  }
  absl::StatusOr<ColumnPtr> Evaluate() override {
    return MakeFixedColumn<T>(
        type_, values_.data(), seen_.data(), static_cast<int64_t>(values_.size()));
  }
  size_t MemoryUsage() const override { return values_.capacity() * (sizeof(T) + 1); }

 private:
  static constexpr T Initial() {
    if constexpr (std::is_floating_point_v<T>) {
      return kMax ? -std::numeric_limits<T>::infinity() : std::numeric_limits<T>::quiet_NaN();
    } else {
      return kMax ? std::numeric_limits<T>::lowest() : std::numeric_limits<T>::max();
    }
  }

  void Add(const Column& column,
           const SelectionVector* selection,
           int64_t n,
           const uint32_t* group_ids,
           uint32_t total_groups) {
    values_.resize(total_groups, Initial());
    seen_.resize(total_groups, 0);
    T* values = values_.data();
    uint8_t* seen = seen_.data();
    const T* input = column.data<T>();
    auto combine = [](T v, T x) {
      if constexpr (std::is_floating_point_v<T>) {
        if constexpr (kMax) {
          return (x > v || x != x) ? x : v;
        } else {
          return (x < v || v != v) ? x : v;
        }
      } else {
        return kMax ? std::max(v, x) : std::min(v, x);
      }
    };
    if (selection == nullptr && !column.has_nulls()) {
      // A run of rows of one group at a time, in a register (see AvgAccumulator::Update).
      for (int64_t i = 0; i < n;) {
        const uint32_t g = group_ids[i];
        T v = values[g];
        do {
          v = combine(v, input[i]);
          ++i;
        } while (i < n && group_ids[i] == g);
        values[g] = v;
        seen[g] = 1;
      }
      return;
    }
    ForEachValidRow(column, selection, n, [&](int64_t i, int64_t row) {
      uint32_t g = group_ids[i];
      values[g] = combine(values[g], input[row]);
      seen[g] = 1;
    });
  }

  TypeId type_;
  std::vector<T> values_;
  std::vector<uint8_t> seen_;
};

template <bool kMax>
class StringMinMaxAccumulator final : public GroupsAccumulator {
 public:
  absl::Status Update(const std::vector<ColumnPtr>& args,
                      const SelectionVector* selection,
                      const uint32_t* group_ids,
                      uint32_t total_groups) override {
    Add(*args[0], selection, UpdateRowCount(args, selection), group_ids, total_groups);
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<ColumnPtr>> State() override {
    STRATA_ASSIGN_OR_RETURN(ColumnPtr values, Evaluate());
    return std::vector{values};
  }
  absl::Status Merge(const std::vector<ColumnPtr>& states,
                     const uint32_t* group_ids,
                     uint32_t total_groups) override {
    Add(*states[0], nullptr, states[0]->size(), group_ids, total_groups);
    return absl::OkStatus();
  }
  absl::StatusOr<ColumnPtr> Evaluate() override {
    auto column = std::make_shared<Column>(TypeId::kString);
    column->Reserve(static_cast<int64_t>(values_.size()));
    for (size_t g = 0; g < values_.size(); ++g) {
      if (seen_[g]) {
        column->AppendString(values_[g]);
      } else {
        column->AppendNull();
      }
    }
    return column;
  }
  size_t MemoryUsage() const override {
    return values_.capacity() * (sizeof(std::string) + 1) + string_bytes_;
  }

 private:
  void Add(const Column& column,
           const SelectionVector* selection,
           int64_t n,
           const uint32_t* group_ids,
           uint32_t total_groups) {
    values_.resize(total_groups);
    seen_.resize(total_groups, 0);
    ForEachValidRow(column, selection, n, [&](int64_t i, int64_t row) {
      uint32_t g = group_ids[i];
      std::string_view x = column.GetString(row);
      if (!seen_[g] || (kMax ? x > values_[g] : x < values_[g])) {
        std::string& value = values_[g];
        const size_t before = value.capacity();
        value.assign(x.data(), x.size());
        string_bytes_ += value.capacity() - before;
        seen_[g] = 1;
      }
    });
  }

  std::vector<std::string> values_;
  std::vector<uint8_t> seen_;
  size_t string_bytes_ = 0;  // capacity the values_ strings gained beyond their inline buffer
};

template <bool kMax>
std::unique_ptr<GroupsAccumulator> MakeMinMax(TypeId type) {
  switch (type) {
    case TypeId::kBool:
      return std::make_unique<MinMaxAccumulator<uint8_t, kMax>>(type);
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return std::make_unique<MinMaxAccumulator<int64_t, kMax>>(type);
    case TypeId::kUInt64:
      return std::make_unique<MinMaxAccumulator<uint64_t, kMax>>(type);
    case TypeId::kFloat64:
      return std::make_unique<MinMaxAccumulator<double, kMax>>(type);
    default:
      return std::make_unique<StringMinMaxAccumulator<kMax>>();
  }
}

// ---- registration ----

absl::StatusOr<TypeId> OneArg(std::string_view name, const std::vector<TypeId>& args) {
  if (args.size() != 1) {
    return ArgCountError(name, "1", args.size());
  }
  return args[0];
}

AggregateFunction MinMaxFunction(std::string name, bool is_max, bool bool_only) {
  AggregateFunction f;
  f.name = name;
  f.resolve = [name,
               bool_only](const std::vector<TypeId>& args) -> absl::StatusOr<FunctionSignature> {
    STRATA_ASSIGN_OR_RETURN(TypeId type, OneArg(name, args));
    if (type == TypeId::kNull) {
      type = bool_only ? TypeId::kBool : TypeId::kInt64;
    }
    if (bool_only ? type != TypeId::kBool : !IsOrderableType(type)) {
      return ArgTypeError(name, type);
    }
    return FunctionSignature{{type}, ValueResultType(type)};
  };
  f.state_types = [](const FunctionSignature& s) { return std::vector<TypeId>{s.result}; };
  f.create = [is_max](const FunctionSignature& s, const AggregateCallOptions& options) {
    TypeId type = s.args[0];
    return Create(s, options, [is_max, type]() -> std::unique_ptr<GroupsAccumulator> {
      return is_max ? MakeMinMax<true>(type) : MakeMinMax<false>(type);
    });
  };
  return f;
}

}  // namespace

void RegisterBasicAggregates(FunctionRegistry* registry) {
  {
    AggregateFunction f;
    f.name = "count";
    f.resolve = [](const std::vector<TypeId>& args) -> absl::StatusOr<FunctionSignature> {
      if (args.size() > 1) {
        return ArgCountError("count", "0 or 1", args.size());
      }
      return FunctionSignature{args, TypeId::kInt64};
    };
    f.state_types = [](const FunctionSignature&) { return std::vector<TypeId>{TypeId::kInt64}; };
    f.create = [](const FunctionSignature& s, const AggregateCallOptions& options) {
      return Create(s, options, [] { return std::make_unique<CountAccumulator>(); });
    };
    f.data_args = 1;
    registry->Register(std::move(f));
  }
  {
    AggregateFunction f;
    f.name = "sum";
    f.resolve = [](const std::vector<TypeId>& args) -> absl::StatusOr<FunctionSignature> {
      STRATA_ASSIGN_OR_RETURN(TypeId type, OneArg("sum", args));
      if (type == TypeId::kNull) {
        type = TypeId::kInt64;
      }
      if (!IsNumericType(type)) {
        return ArgTypeError("sum", type);
      }
      return FunctionSignature{{type}, type};
    };
    f.state_types = [](const FunctionSignature& s) { return std::vector<TypeId>{s.result}; };
    f.create = [](const FunctionSignature& s, const AggregateCallOptions& options) {
      TypeId type = s.args[0];
      return Create(s, options, [type]() -> std::unique_ptr<GroupsAccumulator> {
        switch (type) {
          case TypeId::kInt64:
            return std::make_unique<SumAccumulator<int64_t>>(type);
          case TypeId::kUInt64:
            return std::make_unique<SumAccumulator<uint64_t>>(type);
          default:
            return std::make_unique<SumAccumulator<double>>(type);
        }
      });
    };
    registry->Register(std::move(f));
  }
  {
    AggregateFunction f;
    f.name = "avg";
    f.resolve = [](const std::vector<TypeId>& args) -> absl::StatusOr<FunctionSignature> {
      STRATA_ASSIGN_OR_RETURN(TypeId type, OneArg("avg", args));
      if (type == TypeId::kNull) {
        type = TypeId::kFloat64;
      }
      if (!IsNumericType(type)) {
        return ArgTypeError("avg", type);
      }
      return FunctionSignature{{type}, TypeId::kFloat64};
    };
    f.state_types = [](const FunctionSignature&) {
      return std::vector<TypeId>{TypeId::kFloat64, TypeId::kInt64};
    };
    f.create = [](const FunctionSignature& s, const AggregateCallOptions& options) {
      TypeId type = s.args[0];
      return Create(s, options, [type]() -> std::unique_ptr<GroupsAccumulator> {
        switch (type) {
          case TypeId::kInt64:
            return std::make_unique<AvgAccumulator<int64_t>>();
          case TypeId::kUInt64:
            return std::make_unique<AvgAccumulator<uint64_t>>();
          default:
            return std::make_unique<AvgAccumulator<double>>();
        }
      });
    };
    registry->Register(std::move(f));
  }
  registry->Register(MinMaxFunction("min", false, false));
  registry->Register(MinMaxFunction("max", true, false));
  // bool_and is min over booleans (false < true), bool_or is max.
  registry->Register(MinMaxFunction("bool_and", false, true));
  registry->Register(MinMaxFunction("bool_or", true, true));
}

}  // namespace strata::exec
