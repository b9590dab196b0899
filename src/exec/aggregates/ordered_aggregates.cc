// Aggregates that pick one row per group: first_value/last_value (by an order key, or by arrival
// without one) and InfluxDB's selectors selector_first/last/min/max(value, time) with their
// companions selector_*_time returning the picked row's time.
//
// first_value(x ORDER BY t) is called as first_value(x, t): the binder passes the ORDER BY key
// as a second data argument (ascending; NULL keys sort last, so they are picked by last_value).
// Ties keep the first row seen for first_value and the last for last_value. The selectors skip
// rows whose value or time is NULL; selector_first/last pick by time, ties keep the first seen;
// selector_min/max pick by value, ties go to the earliest time. `selector_max(v, t)['time']`
// is bound to selector_max_time(v, t) (we have no struct type), which picks the same row.
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#include "exec/aggregates/accumulator_support.h"

namespace strata::exec {
namespace {

enum class PickRule : uint8_t {
  kFirstSeen,  // first_value(x)
  kLastSeen,   // last_value(x)
  kMinOrder,   // first_value(x, t), selector_first
  kMaxOrder,   // last_value(x, t) (ties: later row), selector_last (ties: first row)
  kMinValue,   // selector_min
  kMaxValue,   // selector_max
};

struct PickConfig {
  PickRule rule;
  bool skip_nulls;       // selectors: ignore rows with a NULL value or time
  bool ties_take_later;  // last_value
  bool output_order;     // selector_*_time: output the order (time) column
};

// Order-preserving word of a fixed-width value's bits.
uint64_t OrderWord(TypeId type, uint64_t bits) {
  switch (type) {
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return bits ^ (uint64_t{1} << 63);
    case TypeId::kFloat64: {
      double v = std::bit_cast<double>(bits);
      if (v == 0) {
        v = 0.0;
      }
      if (std::isnan(v)) {
        v = std::numeric_limits<double>::quiet_NaN();
      }
      uint64_t b = std::bit_cast<uint64_t>(v);
      return (b & (uint64_t{1} << 63)) ? ~b : b | (uint64_t{1} << 63);
    }
    default:
      return bits;
  }
}

uint64_t BitsAt(const Column& column, int64_t row) {
  uint64_t bits = 0;
  int width = FixedWidth(column.type());
  std::memcpy(&bits, column.data<uint8_t>() + row * width, static_cast<size_t>(width));
  return bits;
}

class PickAccumulator final : public GroupsAccumulator {
 public:
  PickAccumulator(PickConfig config, TypeId value_type, TypeId order_type)
      : config_(config),
        value_type_(ValueResultType(value_type)),
        is_string_(IsStringType(value_type)),
        order_type_(order_type) {}

  absl::Status Update(const std::vector<ColumnPtr>& args,
                      const SelectionVector* selection,
                      const uint32_t* group_ids,
                      uint32_t total_groups) override {
    Resize(total_groups);
    const Column& value = *args[0];
    const Column* order = args.size() > 1 ? args[1].get() : nullptr;
    int64_t n = UpdateRowCount(args, selection);
    for (int64_t i = 0; i < n; ++i) {
      int64_t row = selection ? (*selection)[static_cast<size_t>(i)] : i;
      Offer(group_ids[i], value, row, order, row);
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<ColumnPtr>> State() override {
    auto set = std::make_shared<Column>(TypeId::kBool);
    for (uint8_t s : set_) {
      set->AppendBool(s != 0);
    }
    return std::vector<ColumnPtr>{ValueColumn(), OrderColumn(), set};
  }

  absl::Status Merge(const std::vector<ColumnPtr>& states,
                     const uint32_t* group_ids,
                     uint32_t total_groups) override {
    Resize(total_groups);
    const Column& set = *states[2];
    for (int64_t i = 0; i < set.size(); ++i) {
      if (set.IsValid(i) && set.GetBool(i)) {
        Offer(group_ids[i], *states[0], i, states[1].get(), i);
      }
    }
    return absl::OkStatus();
  }

  absl::StatusOr<ColumnPtr> Evaluate() override {
    return config_.output_order ? OrderColumn() : ValueColumn();
  }

  size_t MemoryUsage() const override {
    return set_.capacity() * 19 + strings_.capacity() * sizeof(std::string) + string_bytes_;
  }

 private:
  void Resize(uint32_t total_groups) {
    set_.resize(total_groups, 0);
    value_null_.resize(total_groups, 0);
    order_null_.resize(total_groups, 0);
    order_bits_.resize(total_groups, 0);
    if (is_string_) {
      strings_.resize(total_groups);
    } else {
      value_bits_.resize(total_groups, 0);
    }
  }

  // Considers row `row` of `value` (and `order`, may be null) for group g.
  void Offer(uint32_t g, const Column& value, int64_t row, const Column* order, int64_t order_row) {
    const bool value_null = value.type() == TypeId::kNull || value.IsNull(row);
    const bool order_null =
        order == nullptr || order->type() == TypeId::kNull || order->IsNull(order_row);
    if (config_.skip_nulls && (value_null || order_null)) {
      return;
    }
    const uint64_t order_bits = order_null ? 0 : BitsAt(*order, order_row);
    if (set_[g] && !Better(g, value, row, value_null, order_null, order_bits)) {
      return;
    }
    set_[g] = 1;
    value_null_[g] = value_null;
    order_null_[g] = order_null;
    order_bits_[g] = order_bits;
    if (value_null) {
      return;
    }
    if (is_string_) {
      std::string_view text = value.GetString(row);
      std::string& kept = strings_[g];
      const size_t before = kept.capacity();
      kept.assign(text.data(), text.size());
      string_bytes_ += kept.capacity() - before;
    } else {
      value_bits_[g] = BitsAt(value, row);
    }
  }

  // Compares order keys with NULL above every value: <0, 0, >0.
  int CompareOrder(uint32_t g, bool order_null, uint64_t order_bits) const {
    if (order_null || order_null_[g]) {
      return order_null == order_null_[g] ? 0 : (order_null ? 1 : -1);
    }
    uint64_t a = OrderWord(order_type_, order_bits);
    uint64_t b = OrderWord(order_type_, order_bits_[g]);
    return a == b ? 0 : (a < b ? -1 : 1);
  }

  bool Better(uint32_t g,
              const Column& value,
              int64_t row,
              bool value_null,
              bool order_null,
              uint64_t order_bits) const {
    switch (config_.rule) {
      case PickRule::kFirstSeen:
        return false;
      case PickRule::kLastSeen:
        return true;
      case PickRule::kMinOrder: {
        return CompareOrder(g, order_null, order_bits) < 0;
      }
      case PickRule::kMaxOrder: {
        int c = CompareOrder(g, order_null, order_bits);
        return c > 0 || (c == 0 && config_.ties_take_later);
      }
      case PickRule::kMinValue:
      case PickRule::kMaxValue: {
        (void)value_null;  // selectors skip NULL values
        int c;
        if (is_string_) {
          c = value.GetString(row).compare(strings_[g]);
        } else {
          uint64_t a = OrderWord(value_type_, BitsAt(value, row));
          uint64_t b = OrderWord(value_type_, value_bits_[g]);
          c = a == b ? 0 : (a < b ? -1 : 1);
        }
        if (config_.rule == PickRule::kMaxValue) {
          c = -c;
        }
        return c < 0 || (c == 0 && CompareOrder(g, order_null, order_bits) < 0);
      }
    }
    return false;
  }

  ColumnPtr ValueColumn() const {
    const int64_t n = static_cast<int64_t>(set_.size());
    std::vector<uint8_t> valid(set_.size());
    for (size_t g = 0; g < set_.size(); ++g) {
      valid[g] = set_[g] && !value_null_[g];
    }
    if (is_string_) {
      auto column = std::make_shared<Column>(TypeId::kString);
      for (int64_t g = 0; g < n; ++g) {
        if (valid[static_cast<size_t>(g)]) {
          column->AppendString(strings_[static_cast<size_t>(g)]);
        } else {
          column->AppendNull();
        }
      }
      return column;
    }
    return FixedFromBits(value_type_, value_bits_, valid);
  }

  ColumnPtr OrderColumn() const {
    std::vector<uint8_t> valid(set_.size());
    for (size_t g = 0; g < set_.size(); ++g) {
      valid[g] = set_[g] && !order_null_[g];
    }
    return FixedFromBits(order_type_, order_bits_, valid);
  }

  static ColumnPtr FixedFromBits(TypeId type,
                                 const std::vector<uint64_t>& bits,
                                 const std::vector<uint8_t>& valid) {
    const int64_t n = static_cast<int64_t>(bits.size());
    if (type == TypeId::kNull) {
      auto column = std::make_shared<Column>(TypeId::kNull);
      column->AppendNulls(n);
      return column;
    }
    auto column = std::make_shared<Column>(type);
    column->ResizeFixed(n);
    const size_t width = static_cast<size_t>(FixedWidth(type));
    for (int64_t g = 0; g < n; ++g) {
      std::memcpy(column->mutable_data<uint8_t>() + static_cast<size_t>(g) * width,
                  &bits[static_cast<size_t>(g)],
                  width);
    }
    Bitmap validity(n, true);
    for (int64_t g = 0; g < n; ++g) {
      validity.Set(g, valid[static_cast<size_t>(g)] != 0);
    }
    column->SetValidity(std::move(validity));
    return column;
  }

  PickConfig config_;
  TypeId value_type_;
  bool is_string_;
  TypeId order_type_;
  std::vector<uint8_t> set_;
  std::vector<uint8_t> value_null_;
  std::vector<uint8_t> order_null_;
  std::vector<uint64_t> order_bits_;
  std::vector<uint64_t> value_bits_;
  std::vector<std::string> strings_;
  size_t string_bytes_ = 0;  // capacity the strings_ gained beyond their inline buffer
};

bool IsFixedOrderType(TypeId type) {
  return type == TypeId::kInt64 || type == TypeId::kUInt64 || type == TypeId::kFloat64 ||
         type == TypeId::kTimestamp || type == TypeId::kBool;
}

void RegisterFirstLast(FunctionRegistry* registry, std::string name, bool last) {
  AggregateFunction f;
  f.name = name;
  f.resolve = [name](const std::vector<TypeId>& args) -> absl::StatusOr<FunctionSignature> {
    if (args.empty() || args.size() > 2) {
      return ArgCountError(name, "1 or 2", args.size());
    }
    if (!IsOrderableType(args[0]) && args[0] != TypeId::kNull) {
      return ArgTypeError(name, args[0]);
    }
    if (args.size() == 2 && !IsFixedOrderType(args[1]) && args[1] != TypeId::kNull) {
      return absl::InvalidArgumentError(
          fmt::format("function '{}' cannot order by {}", name, TypeName(args[1])));
    }
    std::vector<TypeId> cast = args;
    if (cast[0] == TypeId::kNull) {
      cast[0] = TypeId::kInt64;
    }
    if (cast.size() == 2 && cast[1] == TypeId::kNull) {
      cast[1] = TypeId::kInt64;
    }
    return FunctionSignature{cast, ValueResultType(cast[0])};
  };
  f.state_types = [](const FunctionSignature& s) {
    TypeId order = s.args.size() > 1 ? s.args[1] : TypeId::kInt64;
    return std::vector<TypeId>{s.result, order, TypeId::kBool};
  };
  f.create =
      [last](const FunctionSignature& s,
             const AggregateCallOptions&) -> absl::StatusOr<std::unique_ptr<GroupsAccumulator>> {
    bool ordered = s.args.size() > 1;
    PickConfig config{ordered ? (last ? PickRule::kMaxOrder : PickRule::kMinOrder)
                              : (last ? PickRule::kLastSeen : PickRule::kFirstSeen),
                      false,
                      last,
                      false};
    return std::make_unique<PickAccumulator>(
        config, s.args[0], ordered ? s.args[1] : TypeId::kInt64);
  };
  f.data_args = 2;
  registry->Register(std::move(f));
}

void RegisterSelector(FunctionRegistry* registry, std::string name, PickRule rule, bool time) {
  AggregateFunction f;
  f.name = name;
  f.resolve = [name, time](const std::vector<TypeId>& args) -> absl::StatusOr<FunctionSignature> {
    if (args.size() != 2) {
      return ArgCountError(name, "2", args.size());
    }
    TypeId value = args[0] == TypeId::kNull ? TypeId::kFloat64 : args[0];
    if (!IsOrderableType(value)) {
      return ArgTypeError(name, value);
    }
    if (args[1] != TypeId::kTimestamp && args[1] != TypeId::kNull) {
      return absl::InvalidArgumentError(
          fmt::format("function '{}' expects a timestamp as its second argument, got {}",
                      name,
                      TypeName(args[1])));
    }
    return FunctionSignature{{value, TypeId::kTimestamp},
                             time ? TypeId::kTimestamp : ValueResultType(value)};
  };
  f.state_types = [](const FunctionSignature& s) {
    return std::vector<TypeId>{ValueResultType(s.args[0]), TypeId::kTimestamp, TypeId::kBool};
  };
  f.create = [rule, time](const FunctionSignature& s, const AggregateCallOptions&)
      -> absl::StatusOr<std::unique_ptr<GroupsAccumulator>> {
    PickConfig config{rule, true, false, time};
    return std::make_unique<PickAccumulator>(config, s.args[0], TypeId::kTimestamp);
  };
  f.data_args = 2;
  registry->Register(std::move(f));
}

}  // namespace

void RegisterOrderedAggregates(FunctionRegistry* registry) {
  RegisterFirstLast(registry, "first_value", false);
  RegisterFirstLast(registry, "last_value", true);
  for (bool time : {false, true}) {
    std::string suffix = time ? "_time" : "";
    RegisterSelector(registry, "selector_first" + suffix, PickRule::kMinOrder, time);
    RegisterSelector(registry, "selector_last" + suffix, PickRule::kMaxOrder, time);
    RegisterSelector(registry, "selector_min" + suffix, PickRule::kMinValue, time);
    RegisterSelector(registry, "selector_max" + suffix, PickRule::kMaxValue, time);
  }
}

}  // namespace strata::exec
