// WindowExec: window functions over a materialized single partition. Each item sorts the rows
// by its PARTITION BY and ORDER BY keys (items sharing keys share the sort), computes its values
// in that order, and the values are permuted into the output order, which is the first item's.
//
// Aggregates over frames: frames starting at UNBOUNDED PRECEDING feed one accumulator as the
// frame end advances and evaluate it once per distinct end (peers share a value); other frames
// aggregate each row's frame as its own group (O(rows * frame size)). RANGE frames support
// UNBOUNDED and CURRENT ROW bounds (peer groups); RANGE with offsets is rejected.
#include <numeric>

#include "absl/strings/str_join.h"
#include "common/status.h"
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

  // The frame [start, end) of sorted position i.
  static std::pair<int64_t, int64_t> Frame(const WindowFrame& frame, const Ordering& o, int64_t i) {
    const int64_t ps = o.partition_start[static_cast<size_t>(i)];
    const int64_t pe = o.partition_end[static_cast<size_t>(i)];
    const bool rows = frame.units == WindowFrame::Units::kRows;
    auto bound = [&](Bound kind, int64_t offset, bool is_end) -> int64_t {
      switch (kind) {
        case Bound::kUnboundedPreceding:
          return ps;
        case Bound::kUnboundedFollowing:
          return pe;
        case Bound::kCurrentRow:
          if (rows) {
            return is_end ? i + 1 : i;
          }
          return is_end ? o.peer_end[static_cast<size_t>(i)] : o.peer_start[static_cast<size_t>(i)];
        case Bound::kPreceding:
          return std::max(ps, i - offset + (is_end ? 1 : 0));
        case Bound::kFollowing:
          return std::min(pe, i + offset + (is_end ? 1 : 0));
      }
      return ps;
    };
    int64_t start = bound(frame.start, frame.start_offset, false);
    int64_t end = bound(frame.end, frame.end_offset, true);
    return {start, std::max(start, end)};
  }

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
        for (int64_t i = 0; i < n; ++i) {
          auto [start, end] = Frame(item.frame, o, i);
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
    SelectionVector rows;
    std::vector<uint32_t> groups;
    if (item.frame.start == Bound::kUnboundedPreceding) {
      // Running frames: the end only grows within a partition.
      std::unique_ptr<GroupsAccumulator> accumulator;
      int64_t fed = 0;
      int64_t evaluated_end = -1;
      ColumnPtr value;
      for (int64_t i = 0; i < n; ++i) {
        auto [start, end] = Frame(item.frame, o, i);
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
        auto [start, end] = Frame(item.frame, o, i);
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
    if (frame.units == WindowFrame::Units::kRange &&
        (frame.start == Bound::kPreceding || frame.start == Bound::kFollowing ||
         frame.end == Bound::kPreceding || frame.end == Bound::kFollowing)) {
      return absl::UnimplementedError(
          "RANGE window frames with offsets are not supported; use ROWS");
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
