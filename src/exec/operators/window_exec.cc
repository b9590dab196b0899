// WindowExec: window functions over a materialized single partition. Each item sorts the rows
// by its PARTITION BY and ORDER BY keys (items sharing keys share the sort), computes its values
// in that order, and the values are permuted into the output order, which is the first item's.
//
// Frames: ROWS bounds are row arithmetic; RANGE CURRENT ROW bounds are the current row's peer
// group; RANGE offset bounds (`x PRECEDING/FOLLOWING`, PostgreSQL's semantics: one ORDER BY key,
// NULL keys are a peer group of their own) are found by two cursors that slide forward over the
// sorted partition as the current row advances (FrameWalker), O(rows) per partition.
//
// Aggregates over frames: frames starting at UNBOUNDED PRECEDING feed one accumulator as the
// frame end advances and evaluate it once per distinct end (peers share a value); other frames
// aggregate each row's frame as its own group (O(rows * frame size)).
#include <cmath>
#include <numeric>

#include "absl/strings/str_join.h"
#include "common/status.h"
#include "exec/expr/calendar.h"
#include "exec/operators.h"
#include "exec/operators/evaluation.h"
#include "exec/operators/plan_node.h"
#include "exec/operators/row_table.h"
#include "exec/operators/sort_keys.h"
#include "exec/take.h"
#include "fmt/format.h"

namespace strata::exec {
namespace {

using Bound = WindowFrame::BoundKind;

std::string_view KindName(WindowFunctionKind kind) {
  switch (kind) {
    case WindowFunctionKind::kRowNumber:
      return "row_number";
    case WindowFunctionKind::kRank:
      return "rank";
    case WindowFunctionKind::kDenseRank:
      return "dense_rank";
    case WindowFunctionKind::kPercentRank:
      return "percent_rank";
    case WindowFunctionKind::kCumeDist:
      return "cume_dist";
    case WindowFunctionKind::kNtile:
      return "ntile";
    case WindowFunctionKind::kLag:
      return "lag";
    case WindowFunctionKind::kLead:
      return "lead";
    case WindowFunctionKind::kFirstValue:
      return "first_value";
    case WindowFunctionKind::kLastValue:
      return "last_value";
    case WindowFunctionKind::kNthValue:
      return "nth_value";
    case WindowFunctionKind::kAggregate:
      return "aggregate";
  }
  return "?";
}

// A constant argument (offset, default, n): a literal, or any expression evaluated on one row.
absl::StatusOr<Scalar> ConstantArg(const WindowItem& item, size_t i, const Batch& all) {
  if (i >= item.args.size()) {
    return Scalar();
  }
  const PhysicalExpr& expr = *item.args[i];
  if (expr.kind() == PhysicalExprKind::kLiteral) {
    return expr.literal();
  }
  if (all.num_rows() == 0) {
    return Scalar();
  }
  STRATA_ASSIGN_OR_RETURN(ColumnPtr column, EvaluateAsColumn(expr, all));
  return CellScalar(*column, 0);
}

absl::StatusOr<int64_t> IntegerArg(const WindowItem& item,
                                   size_t i,
                                   const Batch& all,
                                   int64_t fallback) {
  STRATA_ASSIGN_OR_RETURN(Scalar value, ConstantArg(item, i, all));
  if (value.is_null()) {
    return fallback;
  }
  if (value.type() == TypeId::kInt64) {
    return value.int64_value();
  }
  if (value.type() == TypeId::kUInt64) {
    return static_cast<int64_t>(value.uint64_value());
  }
  return absl::InvalidArgumentError(
      fmt::format("{}: argument {} must be an integer", KindName(item.kind), i + 1));
}

bool HasRangeOffset(const WindowFrame& frame) {
  auto offset = [](Bound kind) { return kind == Bound::kPreceding || kind == Bound::kFollowing; };
  return frame.units == WindowFrame::Units::kRange && (offset(frame.start) || offset(frame.end));
}

// PostgreSQL's in_range for float8: whether `value` is within the bound `base` - `offset` (`sub`)
// or `base` + `offset`, as `value` <= bound (`less`) or `value` >= bound. NaN is larger than every
// number and equal to NaN; an infinite offset from the infinity it would cancel reaches every
// number.
bool FloatInRange(double value, double base, double offset, bool sub, bool less) {
  if (std::isnan(value)) {
    return std::isnan(base) || !less;
  }
  if (std::isnan(base)) {
    return less;
  }
  if (std::isinf(offset) && std::isinf(base) && (sub ? base > 0 : base < 0)) {
    return true;
  }
  const double bound = sub ? base - offset : base + offset;
  return less ? value <= bound : value >= bound;
}

class WindowExec final : public PlanNode, public WindowExecParams {
 public:
  WindowExec(std::vector<WindowItem> items, ExecutionPlanPtr input, SchemaPtr schema)
      : PlanNode(std::move(schema)), items_(std::move(items)), input_(std::move(input)) {}

  std::string_view name() const override { return "WindowExec"; }
  const std::vector<WindowItem>& items() const override { return items_; }
  int output_partitions() const override { return input_->output_partitions(); }
  std::vector<ExecutionPlanPtr> children() const override { return {input_}; }
  absl::StatusOr<ExecutionPlanPtr> WithChildren(
      std::vector<ExecutionPlanPtr> children) const override {
    if (children.size() != 1) {
      return absl::InvalidArgumentError("WindowExec takes one child");
    }
    return MakeWindowExec(items_, std::move(children[0]));
  }
  std::string ToString() const override {
    return "WindowExec: [" +
           absl::StrJoin(items_,
                         ", ",
                         [](std::string* out, const WindowItem& item) { out->append(item.name); }) +
           "]";
  }

 protected:
  absl::StatusOr<std::unique_ptr<BatchStream>> ExecutePartition(
      int partition, const std::shared_ptr<TaskContext>& context) const override {
    STRATA_ASSIGN_OR_RETURN(std::unique_ptr<BatchStream> input,
                            input_->Execute(partition, context));
    return std::make_unique<Stream>(this, std::move(input), context);
  }

 private:
  struct Ordering {
    std::vector<uint32_t> perm;            // sorted position -> table row
    std::vector<int64_t> partition_start;  // sorted position -> start of its partition
    std::vector<int64_t> partition_end;
    std::vector<int64_t> peer_start;  // sorted position -> first peer
    std::vector<int64_t> peer_end;    // one past its last peer
  };

  static absl::StatusOr<Ordering> Order(const WindowItem& item, const Batch& all) {
    const int64_t n = all.num_rows();
    Ordering o;
    std::vector<ColumnPtr> partition_keys;
    std::vector<ColumnPtr> order_keys;
    std::vector<SortOrder> partition_orders;
    std::vector<SortOrder> order_orders;
    for (const PhysicalExprPtr& expr : item.partition_by) {
      STRATA_ASSIGN_OR_RETURN(ColumnPtr key, EvaluateAsColumn(*expr, all));
      partition_keys.push_back(std::move(key));
      partition_orders.push_back(SortOrder{true, false});
    }
    for (const SortKey& key : item.order_by) {
      STRATA_ASSIGN_OR_RETURN(ColumnPtr column, EvaluateAsColumn(*key.expr, all));
      order_keys.push_back(std::move(column));
      order_orders.push_back(SortOrder{key.ascending, key.nulls_first});
    }
    std::vector<ColumnPtr> keys = partition_keys;
    keys.insert(keys.end(), order_keys.begin(), order_keys.end());
    std::vector<SortOrder> orders = partition_orders;
    orders.insert(orders.end(), order_orders.begin(), order_orders.end());
    o.perm.resize(static_cast<size_t>(n));
    std::iota(o.perm.begin(), o.perm.end(), 0u);
    EncodedKeys partition_encoded;
    EncodedKeys order_encoded;
    if (!keys.empty()) {
      EncodedKeys encoded;
      encoded.Encode(keys, orders, nullptr, n, true);
      std::stable_sort(o.perm.begin(), o.perm.end(), [&](uint32_t a, uint32_t b) {
        return encoded.Compare(a, b) < 0;
      });
      SelectionVector sorted(o.perm.begin(), o.perm.end());
      partition_encoded.Encode(partition_keys, partition_orders, &sorted, n, true);
      order_encoded.Encode(order_keys, order_orders, &sorted, n, true);
    }
    o.partition_start.resize(static_cast<size_t>(n));
    o.partition_end.resize(static_cast<size_t>(n));
    o.peer_start.resize(static_cast<size_t>(n));
    o.peer_end.resize(static_cast<size_t>(n));
    int64_t p_start = 0;
    int64_t q_start = 0;
    for (int64_t i = 0; i < n; ++i) {
      bool new_partition =
          i > 0 && !partition_keys.empty() && partition_encoded.Compare(i - 1, i) != 0;
      if (i > 0 && new_partition) {
        p_start = i;
      }
      if (i > 0 &&
          (new_partition || (!order_keys.empty() && order_encoded.Compare(i - 1, i) != 0))) {
        q_start = i;
      }
      o.partition_start[static_cast<size_t>(i)] = p_start;
      o.peer_start[static_cast<size_t>(i)] = q_start;
    }
    int64_t p_end = n;
    int64_t q_end = n;
    for (int64_t i = n - 1; i >= 0; --i) {
      if (i + 1 < n && o.partition_start[static_cast<size_t>(i + 1)] == i + 1) {
        p_end = i + 1;
      }
      if (i + 1 < n && o.peer_start[static_cast<size_t>(i + 1)] == i + 1) {
        q_end = i + 1;
      }
      o.partition_end[static_cast<size_t>(i)] = p_end;
      o.peer_end[static_cast<size_t>(i)] = q_end;
    }
    return o;
  }

  // The frames of one item's rows, visited in sorted order. RANGE offset bounds are two cursors
  // over the partition's rows with a non-NULL key, the frame's first row and one past its last,
  // that move forward as the current row does (its key only grows, or only shrinks for DESC), so
  // a partition costs O(rows) key comparisons however wide its frames are. A cursor also steps
  // back over rows it passed that are in range after all, so a bound that did not move
  // monotonically would still be exact.
  class FrameWalker {
   public:
    // REQUIRES: MakeWindowExec accepted `item`; `o` is its ordering of `all`.
    static absl::StatusOr<FrameWalker> Make(const WindowItem& item,
                                            const Ordering& o,
                                            const Batch& all) {
      FrameWalker walker(item.frame, o);
      if (!HasRangeOffset(item.frame)) {
        return walker;
      }
      const SortKey& key = item.order_by[0];
      STRATA_ASSIGN_OR_RETURN(walker.key_, EvaluateAsColumn(*key.expr, all));
      walker.ascending_ = key.ascending;
      switch (walker.key_->type()) {
        case TypeId::kUInt64:
          walker.key_kind_ = KeyKind::kUnsigned;
          break;
        case TypeId::kFloat64:
          walker.key_kind_ = KeyKind::kFloat;
          break;
        case TypeId::kTimestamp:
          walker.key_kind_ = KeyKind::kTimestamp;
          break;
        default:
          walker.key_kind_ = KeyKind::kSigned;
          break;
      }
      walker.start_ = RangeOffset(item.frame.start_range_offset);
      walker.end_ = RangeOffset(item.frame.end_range_offset);
      return walker;
    }

    // The frame [start, end) of sorted position i (end >= start). REQUIRES: i is larger than at
    // the previous call.
    std::pair<int64_t, int64_t> Frame(int64_t i) {
      const int64_t ps = o_->partition_start[static_cast<size_t>(i)];
      if (key_ != nullptr && ps != partition_) {
        EnterPartition(ps, o_->partition_end[static_cast<size_t>(i)]);
      }
      const int64_t start = BoundPosition(frame_->start, frame_->start_offset, start_, false, i);
      const int64_t end = BoundPosition(frame_->end, frame_->end_offset, end_, true, i);
      return {start, std::max(start, end)};
    }

   private:
    enum class KeyKind : uint8_t { kSigned, kUnsigned, kFloat, kTimestamp };
    // A RANGE offset in the form the key's comparisons take.
    struct Offset {
      __int128 integer = 0;  // int64 and uint64 keys
      double number = 0;     // float64 keys
      Interval interval;     // timestamp keys
    };

    FrameWalker(const WindowFrame& frame, const Ordering& o) : frame_(&frame), o_(&o) {}

    static Offset RangeOffset(const Scalar& value) {
      Offset offset;
      if (value.is_null()) {
        return offset;  // the bound has no offset
      }
      if (value.type() == TypeId::kInterval) {
        offset.interval = value.interval_value();
      } else if (value.type() == TypeId::kUInt64) {
        offset.integer = value.uint64_value();
        offset.number = static_cast<double>(value.uint64_value());
      } else if (value.type() == TypeId::kInt64) {
        offset.integer = value.int64_value();
        offset.number = static_cast<double>(value.int64_value());
      } else {
        // An integer key is within x of the current one exactly when it is within floor(x); any
        // offset of 2^64 or more reaches every uint64 and int64 key.
        offset.number = value.float64_value();
        offset.integer = offset.number >= 0x1p64 ? (static_cast<__int128>(1) << 65)
                                                 : static_cast<__int128>(std::floor(offset.number));
      }
      return offset;
    }

    // The key of sorted position j. REQUIRES: an integer or timestamp key.
    __int128 IntegerKey(int64_t j) const {
      const uint32_t row = o_->perm[static_cast<size_t>(j)];
      return key_kind_ == KeyKind::kUnsigned ? static_cast<__int128>(key_->GetUInt64(row))
                                             : static_cast<__int128>(key_->GetInt64(row));
    }

    // Resets the cursors for the partition [ps, pe) and finds its rows with a non-NULL key: NULLs
    // sort together, first or last, so they are the first or the last peer group.
    void EnterPartition(int64_t ps, int64_t pe) {
      partition_ = ps;
      keys_begin_ = ps;
      keys_end_ = pe;
      if (key_->has_nulls() && ps < pe) {
        if (key_->IsNull(o_->perm[static_cast<size_t>(ps)])) {
          keys_begin_ = o_->peer_end[static_cast<size_t>(ps)];
        } else if (key_->IsNull(o_->perm[static_cast<size_t>(pe - 1)])) {
          keys_end_ = o_->peer_start[static_cast<size_t>(pe - 1)];
        }
      }
      start_cursor_ = keys_begin_;
      end_cursor_ = keys_begin_;
    }

    // The position of a frame bound of sorted position i: the frame's first row (!is_end) or one
    // past its last.
    int64_t BoundPosition(Bound kind, int64_t rows, const Offset& offset, bool is_end, int64_t i) {
      const auto at = static_cast<size_t>(i);
      const int64_t ps = o_->partition_start[at];
      const int64_t pe = o_->partition_end[at];
      const bool range = frame_->units == WindowFrame::Units::kRange;
      switch (kind) {
        case Bound::kUnboundedPreceding:
          return ps;
        case Bound::kUnboundedFollowing:
          return pe;
        case Bound::kCurrentRow:
          if (range) {
            return is_end ? o_->peer_end[at] : o_->peer_start[at];
          }
          return is_end ? i + 1 : i;
        case Bound::kPreceding:
        case Bound::kFollowing:
          if (range) {
            return RangeBound(kind == Bound::kPreceding, offset, is_end, i);
          }
          if (kind == Bound::kPreceding) {
            return rows > i - ps ? ps : i - rows + (is_end ? 1 : 0);
          }
          return rows >= pe - i ? pe : std::min(pe, i + rows + (is_end ? 1 : 0));
      }
      return ps;
    }

    // A RANGE offset bound of sorted position i: the first row whose key is within `offset`
    // before (`preceding`) or after the current key in the ORDER BY direction (frame start), or
    // one past the last such row (frame end). A NULL key's frame is its peer group: NULLs are
    // within any offset of each other and of nothing else.
    int64_t RangeBound(bool preceding, const Offset& offset, bool is_end, int64_t i) {
      const auto at = static_cast<size_t>(i);
      const uint32_t row = o_->perm[at];
      if (key_->IsNull(row)) {
        return is_end ? o_->peer_end[at] : o_->peer_start[at];
      }
      // PostgreSQL's in_range flags: subtract the offset (else add it); keys in range are <= the
      // bound (else >=). A frame start keeps the keys from the bound on, an end those up to it.
      bool sub = preceding;
      bool less = is_end;
      if (!ascending_) {
        sub = !sub;
        less = !less;
      }
      int64_t* cursor = is_end ? &end_cursor_ : &start_cursor_;
      // In range, the frame start is the first row whose key is; the end the first that is not.
      auto seek = [&](auto in_range) {
        auto found = [&](int64_t j) { return in_range(j) != is_end; };
        int64_t& c = *cursor;
        while (c < keys_end_ && !found(c)) {
          ++c;
        }
        while (c > keys_begin_ && found(c - 1)) {
          --c;
        }
        return c;
      };
      switch (key_kind_) {
        case KeyKind::kFloat: {
          const double base = key_->GetFloat64(row);
          return seek([&](int64_t j) {
            return FloatInRange(
                key_->GetFloat64(o_->perm[static_cast<size_t>(j)]), base, offset.number, sub, less);
          });
        }
        case KeyKind::kSigned:
        case KeyKind::kUnsigned:
        case KeyKind::kTimestamp: {
          __int128 bound;
          if (key_kind_ == KeyKind::kTimestamp) {
            const int64_t base = key_->GetInt64(row);
            const std::optional<int64_t> shifted =
                sub ? SubtractInterval(base, offset.interval) : AddInterval(base, offset.interval);
            // Past the int64 range the bound is beyond every key.
            constexpr __int128 kBeyond = static_cast<__int128>(1) << 64;
            bound = shifted.has_value() ? *shifted : (sub ? -kBeyond : kBeyond);
          } else {
            bound = sub ? IntegerKey(i) - offset.integer : IntegerKey(i) + offset.integer;
          }
          return seek([&](int64_t j) {
            const __int128 value = IntegerKey(j);
            return less ? value <= bound : value >= bound;
          });
        }
      }
      return keys_begin_;
    }

    const WindowFrame* frame_;
    const Ordering* o_;
    // RANGE offset frames only.
    ColumnPtr key_;  // the ORDER BY key, by table row
    KeyKind key_kind_ = KeyKind::kSigned;
    bool ascending_ = true;
    Offset start_;
    Offset end_;
    int64_t partition_ = -1;  // start of the partition the cursors are in
    int64_t keys_begin_ = 0;  // the partition's rows with a non-NULL key
    int64_t keys_end_ = 0;
    int64_t start_cursor_ = 0;
    int64_t end_cursor_ = 0;
  };

  static absl::StatusOr<ColumnPtr> Compute(const WindowItem& item,
                                           const Ordering& o,
                                           const Batch& all) {
    const int64_t n = all.num_rows();
    auto out =
        std::make_shared<Column>(item.type == TypeId::kDictionary ? TypeId::kString : item.type);
    out->Reserve(n);
    auto append_int = [&](int64_t v) { out->AppendInt64(v); };
    switch (item.kind) {
      case WindowFunctionKind::kRowNumber:
        for (int64_t i = 0; i < n; ++i) {
          append_int(i - o.partition_start[static_cast<size_t>(i)] + 1);
        }
        return out;
      case WindowFunctionKind::kRank:
        for (int64_t i = 0; i < n; ++i) {
          append_int(o.peer_start[static_cast<size_t>(i)] -
                     o.partition_start[static_cast<size_t>(i)] + 1);
        }
        return out;
      case WindowFunctionKind::kDenseRank: {
        int64_t rank = 0;
        for (int64_t i = 0; i < n; ++i) {
          if (o.partition_start[static_cast<size_t>(i)] == i) {
            rank = 0;
          }
          if (o.peer_start[static_cast<size_t>(i)] == i) {
            ++rank;
          }
          append_int(rank);
        }
        return out;
      }
      case WindowFunctionKind::kPercentRank:
        for (int64_t i = 0; i < n; ++i) {
          int64_t size =
              o.partition_end[static_cast<size_t>(i)] - o.partition_start[static_cast<size_t>(i)];
          int64_t rank =
              o.peer_start[static_cast<size_t>(i)] - o.partition_start[static_cast<size_t>(i)];
          out->AppendFloat64(size <= 1 ? 0.0
                                       : static_cast<double>(rank) / static_cast<double>(size - 1));
        }
        return out;
      case WindowFunctionKind::kCumeDist:
        for (int64_t i = 0; i < n; ++i) {
          int64_t size =
              o.partition_end[static_cast<size_t>(i)] - o.partition_start[static_cast<size_t>(i)];
          int64_t upto =
              o.peer_end[static_cast<size_t>(i)] - o.partition_start[static_cast<size_t>(i)];
          out->AppendFloat64(static_cast<double>(upto) / static_cast<double>(size));
        }
        return out;
      case WindowFunctionKind::kNtile: {
        STRATA_ASSIGN_OR_RETURN(int64_t buckets, IntegerArg(item, 0, all, 1));
        if (buckets <= 0) {
          return absl::InvalidArgumentError("ntile: the number of buckets must be positive");
        }
        for (int64_t i = 0; i < n; ++i) {
          int64_t size =
              o.partition_end[static_cast<size_t>(i)] - o.partition_start[static_cast<size_t>(i)];
          int64_t j = i - o.partition_start[static_cast<size_t>(i)];
          int64_t per = size / buckets;
          int64_t extra = size % buckets;  // the first `extra` buckets have per + 1 rows
          int64_t bucket = j < extra * (per + 1)
                               ? j / (per + 1)
                               : extra + (j - extra * (per + 1)) / std::max<int64_t>(per, 1);
          append_int(bucket + 1);
        }
        return out;
      }
      case WindowFunctionKind::kLag:
      case WindowFunctionKind::kLead: {
        if (item.args.empty()) {
          return absl::InvalidArgumentError("lag/lead need an argument");
        }
        STRATA_ASSIGN_OR_RETURN(ColumnPtr x, EvaluateAsColumn(*item.args[0], all));
        STRATA_ASSIGN_OR_RETURN(int64_t offset, IntegerArg(item, 1, all, 1));
        STRATA_ASSIGN_OR_RETURN(Scalar fallback, ConstantArg(item, 2, all));
        if (item.kind == WindowFunctionKind::kLag) {
          offset = -offset;
        }
        for (int64_t i = 0; i < n; ++i) {
          int64_t source = i + offset;
          if (source >= o.partition_start[static_cast<size_t>(i)] &&
              source < o.partition_end[static_cast<size_t>(i)]) {
            AppendRowTo(*x, o.perm[static_cast<size_t>(source)], out.get());
          } else {
            AppendCell(fallback, out.get());
          }
        }
        return out;
      }
      case WindowFunctionKind::kFirstValue:
      case WindowFunctionKind::kLastValue:
      case WindowFunctionKind::kNthValue: {
        if (item.args.empty()) {
          return absl::InvalidArgumentError("first_value/last_value/nth_value need an argument");
        }
        STRATA_ASSIGN_OR_RETURN(ColumnPtr x, EvaluateAsColumn(*item.args[0], all));
        STRATA_ASSIGN_OR_RETURN(int64_t nth, IntegerArg(item, 1, all, 1));
        if (item.kind == WindowFunctionKind::kNthValue && nth <= 0) {
          return absl::InvalidArgumentError("nth_value: n must be positive");
        }
        STRATA_ASSIGN_OR_RETURN(FrameWalker frames, FrameWalker::Make(item, o, all));
        for (int64_t i = 0; i < n; ++i) {
          auto [start, end] = frames.Frame(i);
          int64_t pick = item.kind == WindowFunctionKind::kFirstValue  ? start
                         : item.kind == WindowFunctionKind::kLastValue ? end - 1
                                                                       : start + nth - 1;
          if (pick >= start && pick < end) {
            AppendRowTo(*x, o.perm[static_cast<size_t>(pick)], out.get());
          } else {
            out->AppendNull();
          }
        }
        return out;
      }
      case WindowFunctionKind::kAggregate:
        return ComputeAggregate(item, o, all, out);
    }
    return absl::InternalError("unknown window function");
  }

  static absl::StatusOr<ColumnPtr> ComputeAggregate(const WindowItem& item,
                                                    const Ordering& o,
                                                    const Batch& all,
                                                    std::shared_ptr<Column> out) {
    const int64_t n = all.num_rows();
    std::vector<ColumnPtr> args;
    size_t data_args = std::min(item.args.size(), static_cast<size_t>(item.aggregate->data_args));
    if (item.signature.args.empty()) {
      data_args = 0;  // count(*)
    }
    for (size_t a = 0; a < data_args; ++a) {
      STRATA_ASSIGN_OR_RETURN(ColumnPtr column, EvaluateAsColumn(*item.args[a], all));
      args.push_back(std::move(column));
    }
    STRATA_ASSIGN_OR_RETURN(FrameWalker frames, FrameWalker::Make(item, o, all));
    SelectionVector rows;
    std::vector<uint32_t> groups;
    if (item.frame.start == Bound::kUnboundedPreceding) {
      // Running frames: the end only grows within a partition.
      std::unique_ptr<GroupsAccumulator> accumulator;
      int64_t fed = 0;
      int64_t evaluated_end = -1;
      ColumnPtr value;
      for (int64_t i = 0; i < n; ++i) {
        auto [start, end] = frames.Frame(i);
        if (i == o.partition_start[static_cast<size_t>(i)]) {
          STRATA_ASSIGN_OR_RETURN(accumulator,
                                  item.aggregate->create(item.signature, item.options));
          fed = start;
          evaluated_end = -1;
        }
        if (end != evaluated_end) {
          rows.clear();
          for (; fed < end; ++fed) {
            rows.push_back(o.perm[static_cast<size_t>(fed)]);
          }
          groups.assign(rows.size(), 0);
          STRATA_RETURN_IF_ERROR(accumulator->Update(args, &rows, groups.data(), 1));
          STRATA_ASSIGN_OR_RETURN(value, accumulator->Evaluate());
          evaluated_end = end;
        }
        AppendRowTo(*value, 0, out.get());
      }
      return out;
    }
    // General frames: each row's frame is its own group, a chunk of rows at a time.
    constexpr int64_t kChunk = 1024;
    for (int64_t chunk = 0; chunk < n; chunk += kChunk) {
      int64_t chunk_end = std::min(n, chunk + kChunk);
      rows.clear();
      groups.clear();
      for (int64_t i = chunk; i < chunk_end; ++i) {
        auto [start, end] = frames.Frame(i);
        for (int64_t f = start; f < end; ++f) {
          rows.push_back(o.perm[static_cast<size_t>(f)]);
          groups.push_back(static_cast<uint32_t>(i - chunk));
        }
      }
      // Selections must be increasing: sort (row, group) pairs by row.
      std::vector<uint32_t> order(rows.size());
      std::iota(order.begin(), order.end(), 0u);
      std::stable_sort(
          order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return rows[a] < rows[b]; });
      SelectionVector sorted_rows(rows.size());
      std::vector<uint32_t> sorted_groups(rows.size());
      for (size_t k = 0; k < order.size(); ++k) {
        sorted_rows[k] = rows[order[k]];
        sorted_groups[k] = groups[order[k]];
      }
      STRATA_ASSIGN_OR_RETURN(std::unique_ptr<GroupsAccumulator> accumulator,
                              item.aggregate->create(item.signature, item.options));
      STRATA_RETURN_IF_ERROR(accumulator->Update(
          args, &sorted_rows, sorted_groups.data(), static_cast<uint32_t>(chunk_end - chunk)));
      STRATA_ASSIGN_OR_RETURN(ColumnPtr values, accumulator->Evaluate());
      for (int64_t i = 0; i < values->size(); ++i) {
        AppendRowTo(*values, i, out.get());
      }
    }
    return out;
  }

  class Stream final : public BatchStream {
   public:
    Stream(const WindowExec* plan,
           std::unique_ptr<BatchStream> input,
           std::shared_ptr<TaskContext> context)
        : plan_(plan),
          input_(std::move(input)),
          context_(std::move(context)),
          reservation_(context_->memory_pool(), std::string(plan->name())) {}

    absl::StatusOr<bool> Next(Batch* out) override {
      if (input_ != nullptr) {
        STRATA_RETURN_IF_ERROR(Run());
      }
      return output_->Next(out);
    }

   private:
    // Bytes of an ordering's vectors for n rows (the permutation and four offsets per row).
    static int64_t OrderingBytes(int64_t n) {
      return n * static_cast<int64_t>(sizeof(uint32_t) + 4 * sizeof(int64_t));
    }

    absl::Status Run() {
      STRATA_ASSIGN_OR_RETURN(
          RowTable table, ReadAll(input_.get(), plan_->input_->schema(), *context_, &reservation_));
      input_.reset();
      Batch all(table.schema, table.columns, table.num_rows);
      const int64_t n = table.num_rows;
      // Held besides the table while the items are computed: the output order, the current
      // ordering and its inverse, the sort keys being encoded (about 25 bytes a row and key,
      // counted as one key), and the result columns so far.
      const int64_t table_bytes = reservation_.size();
      const int64_t working_bytes =
          n * static_cast<int64_t>(2 * sizeof(uint32_t) + 25) + OrderingBytes(n);
      STRATA_RETURN_IF_ERROR(reservation_.TryResize(table_bytes + working_bytes));
      std::vector<uint32_t> output_order;
      std::vector<ColumnPtr> results;
      const WindowItem* previous = nullptr;
      Ordering ordering;
      std::vector<uint32_t> position;  // table row -> sorted position of the current ordering
      for (const WindowItem& item : plan_->items_) {
        if (previous == nullptr || !SameKeys(*previous, item)) {
          STRATA_ASSIGN_OR_RETURN(ordering, Order(item, all));
          position.assign(static_cast<size_t>(n), 0);
          for (int64_t p = 0; p < n; ++p) {
            position[ordering.perm[static_cast<size_t>(p)]] = static_cast<uint32_t>(p);
          }
        }
        if (previous == nullptr) {
          output_order = ordering.perm;
        }
        previous = &item;
        STRATA_ASSIGN_OR_RETURN(ColumnPtr values, Compute(item, ordering, all));
        // values[p] belongs to table row perm[p]; output row q is table row output_order[q].
        std::vector<uint32_t> gather(static_cast<size_t>(n));
        for (int64_t q = 0; q < n; ++q) {
          gather[static_cast<size_t>(q)] = position[output_order[static_cast<size_t>(q)]];
        }
        results.push_back(Take(*values, gather.data(), n));
        STRATA_RETURN_IF_ERROR(
            reservation_.TryResize(table_bytes + working_bytes + ColumnsBytes(results)));
      }
      plan_->metrics().Add("peak_mem_bytes", reservation_.peak());
      // The output is gathered from the table, the output order and the results as it is pulled.
      STRATA_RETURN_IF_ERROR(
          reservation_.TryResize(table_bytes + ColumnsBytes(results) +
                                 static_cast<int64_t>(output_order.size() * sizeof(uint32_t))));
      output_ = std::make_unique<GatherStream>(plan_->schema_,
                                               std::move(table),
                                               std::move(output_order),
                                               std::move(results),
                                               context_->batch_size(),
                                               std::move(reservation_));
      return absl::OkStatus();
    }

    static bool SameKeys(const WindowItem& a, const WindowItem& b) {
      if (a.partition_by.size() != b.partition_by.size() ||
          a.order_by.size() != b.order_by.size()) {
        return false;
      }
      for (size_t i = 0; i < a.partition_by.size(); ++i) {
        if (a.partition_by[i] != b.partition_by[i]) {
          return false;
        }
      }
      for (size_t i = 0; i < a.order_by.size(); ++i) {
        if (a.order_by[i].expr != b.order_by[i].expr ||
            a.order_by[i].ascending != b.order_by[i].ascending ||
            a.order_by[i].nulls_first != b.order_by[i].nulls_first) {
          return false;
        }
      }
      return true;
    }

    const WindowExec* plan_;
    std::unique_ptr<BatchStream> input_;
    std::shared_ptr<TaskContext> context_;
    MemoryReservation reservation_;
    // Empty until the input has been processed (and after a failure).
    std::unique_ptr<BatchStream> output_ = std::make_unique<VectorStream>(std::vector<Batch>{});
  };

  std::vector<WindowItem> items_;
  ExecutionPlanPtr input_;
};

}  // namespace

bool IsDefaultWindowFrame(const WindowFrame& frame, bool ordered) {
  return frame.units == WindowFrame::Units::kRange && frame.start == Bound::kUnboundedPreceding &&
         frame.end == (ordered ? Bound::kCurrentRow : Bound::kUnboundedFollowing);
}

std::string WindowFrameText(const WindowFrame& frame) {
  const bool range = frame.units == WindowFrame::Units::kRange;
  auto bound = [&](Bound kind, int64_t rows, const Scalar& offset) -> std::string {
    switch (kind) {
      case Bound::kUnboundedPreceding:
        return "UNBOUNDED PRECEDING";
      case Bound::kPreceding:
        return (range ? offset.ToString() : std::to_string(rows)) + " PRECEDING";
      case Bound::kCurrentRow:
        return "CURRENT ROW";
      case Bound::kFollowing:
        return (range ? offset.ToString() : std::to_string(rows)) + " FOLLOWING";
      case Bound::kUnboundedFollowing:
        return "UNBOUNDED FOLLOWING";
    }
    return "?";
  };
  return fmt::format("{} BETWEEN {} AND {}",
                     range ? "RANGE" : "ROWS",
                     bound(frame.start, frame.start_offset, frame.start_range_offset),
                     bound(frame.end, frame.end_offset, frame.end_range_offset));
}

absl::Status CheckRangeFrameOffset(TypeId key_type, const Scalar& offset) {
  const bool numeric_key =
      key_type == TypeId::kInt64 || key_type == TypeId::kUInt64 || key_type == TypeId::kFloat64;
  if (!numeric_key && key_type != TypeId::kTimestamp) {
    return absl::InvalidArgumentError(
        fmt::format("RANGE with offset PRECEDING/FOLLOWING is not supported for ORDER BY type {}",
                    TypeName(key_type)));
  }
  if (offset.is_null()) {
    return absl::InvalidArgumentError("frame offset must not be NULL");
  }
  const bool numeric_offset = offset.type() == TypeId::kInt64 || offset.type() == TypeId::kUInt64 ||
                              offset.type() == TypeId::kFloat64;
  if (numeric_key ? !numeric_offset : offset.type() != TypeId::kInterval) {
    return absl::InvalidArgumentError(
        fmt::format("RANGE frame offset for an ORDER BY key of type {} must be {}, got {}",
                    TypeName(key_type),
                    numeric_key ? "a number" : "an interval",
                    TypeName(offset.type())));
  }
  bool negative = false;
  switch (offset.type()) {
    case TypeId::kInt64:
      negative = offset.int64_value() < 0;
      break;
    case TypeId::kFloat64:
      if (std::isnan(offset.float64_value())) {
        return absl::InvalidArgumentError("frame offset must not be NaN");
      }
      negative = offset.float64_value() < 0;
      break;
    case TypeId::kInterval: {
      const Interval& v = offset.interval_value();
      negative = (static_cast<__int128>(v.months) * 30 + v.days) * kNanosPerDay + v.nanos < 0;
      break;
    }
    default:
      break;
  }
  if (negative) {
    return absl::InvalidArgumentError("frame offset must not be negative");
  }
  return absl::OkStatus();
}

absl::StatusOr<ExecutionPlanPtr> MakeWindowExec(std::vector<WindowItem> items,
                                                ExecutionPlanPtr input) {
  if (items.empty()) {
    return absl::InvalidArgumentError("WindowExec needs at least one window function");
  }
  std::vector<Field> fields = input->schema()->fields();
  for (const WindowItem& item : items) {
    if (item.kind == WindowFunctionKind::kAggregate && item.aggregate == nullptr) {
      return absl::InvalidArgumentError(
          fmt::format("WindowExec: {} has no aggregate function", item.name));
    }
    const WindowFrame& frame = item.frame;
    if (HasRangeOffset(frame)) {
      if (item.order_by.size() != 1) {
        return absl::InvalidArgumentError(
            fmt::format("WindowExec: {}: RANGE with offset PRECEDING/FOLLOWING requires exactly "
                        "one ORDER BY column",
                        item.name));
      }
      const TypeId key_type = item.order_by[0].expr->type();
      for (const auto& [kind, offset] : {std::pair(frame.start, &frame.start_range_offset),
                                         std::pair(frame.end, &frame.end_range_offset)}) {
        if (kind == Bound::kPreceding || kind == Bound::kFollowing) {
          if (absl::Status status = CheckRangeFrameOffset(key_type, *offset); !status.ok()) {
            return absl::InvalidArgumentError(
                fmt::format("WindowExec: {}: {}", item.name, std::string(status.message())));
          }
        }
      }
    }
    if (frame.start == Bound::kUnboundedFollowing || frame.end == Bound::kUnboundedPreceding ||
        frame.start_offset < 0 || frame.end_offset < 0) {
      return absl::InvalidArgumentError(fmt::format("WindowExec: invalid frame for {}", item.name));
    }
    fields.push_back(Field{item.name, item.type, true});
  }
  auto schema = std::make_shared<Schema>(std::move(fields));
  return std::make_shared<WindowExec>(std::move(items), std::move(input), std::move(schema));
}

}  // namespace strata::exec
