// The write buffer scan: chunk pruning, batch assembly, filtering and limits.
#include "query/buffer_scan_exec.h"

#include <algorithm>
#include <numeric>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "absl/strings/str_join.h"
#include "catalog/schema.h"
#include "common/status.h"
#include "exec/operators/evaluation.h"
#include "exec/operators/plan_node.h"
#include "exec/take.h"
#include "fmt/format.h"

namespace strata::query {
namespace {

using buffer::ChunkSnapshot;
using buffer::ChunkSnapshotPtr;
using buffer::ColumnStatistics;
using buffer::StatisticValue;
using exec::BinaryOp;
using exec::PhysicalExpr;
using exec::PhysicalExprKind;
using exec::Scalar;

bool IsRangeComparison(BinaryOp op) {
  switch (op) {
    case BinaryOp::kEq:
    case BinaryOp::kNotEq:
    case BinaryOp::kLt:
    case BinaryOp::kLtEq:
    case BinaryOp::kGt:
    case BinaryOp::kGtEq:
      return true;
    default:
      return false;
  }
}

// A comparison of a column with a literal, normalized to `column op literal`.
struct ColumnComparison {
  int column = -1;
  BinaryOp op = BinaryOp::kEq;
  const Scalar* literal = nullptr;
};

std::optional<ColumnComparison> AsColumnComparison(const PhysicalExpr& e) {
  if (e.kind() != PhysicalExprKind::kBinary || !IsRangeComparison(e.binary_op())) {
    return std::nullopt;
  }
  const PhysicalExpr& l = *e.children()[0];
  const PhysicalExpr& r = *e.children()[1];
  if (l.kind() == PhysicalExprKind::kColumn && r.kind() == PhysicalExprKind::kLiteral) {
    return ColumnComparison{l.column_index(), e.binary_op(), &r.literal()};
  }
  if (r.kind() == PhysicalExprKind::kColumn && l.kind() == PhysicalExprKind::kLiteral) {
    return ColumnComparison{r.column_index(), exec::FlipComparison(e.binary_op()), &l.literal()};
  }
  return std::nullopt;
}

// The sign of (value - stat), or nullopt when they are of incomparable kinds.
std::optional<int> Compare(const Scalar& value, const StatisticValue& stat) {
  auto sign = [](const auto& a, const auto& b) { return a < b ? -1 : (b < a ? 1 : 0); };
  switch (value.type()) {
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      if (const auto* s = std::get_if<int64_t>(&stat)) {
        return sign(value.int64_value(), *s);
      }
      break;
    case TypeId::kUInt64:
      if (const auto* s = std::get_if<uint64_t>(&stat)) {
        return sign(value.uint64_value(), *s);
      }
      break;
    case TypeId::kFloat64:
      if (const auto* s = std::get_if<double>(&stat)) {
        return sign(value.float64_value(), *s);
      }
      break;
    case TypeId::kBool:
      if (const auto* s = std::get_if<bool>(&stat)) {
        return sign(value.bool_value(), *s);
      }
      break;
    case TypeId::kString:
    case TypeId::kDictionary:
      if (const auto* s = std::get_if<std::string>(&stat)) {
        // std::string compares bytes as unsigned, as the statistics do.
        int c = value.string_value().compare(*s);
        return c < 0 ? -1 : (c > 0 ? 1 : 0);
      }
      break;
    default:
      break;
  }
  return std::nullopt;
}

// What pruning knows about one scanned column in one chunk.
struct ColumnFacts {
  bool all_null = false;  // absent from the chunk
  ColumnStatistics stats;
};

class ChunkFacts {
 public:
  ChunkFacts(const BufferScanSpec& spec, const ChunkSnapshot& chunk) : spec_(spec), chunk_(chunk) {}

  ColumnFacts Get(int scan_column) const {
    ColumnFacts facts;
    uint32_t id = spec_.column_ids[static_cast<size_t>(scan_column)];
    if (id == catalog::kTimeColumnId) {
      facts.stats.min = chunk_.min_time();
      facts.stats.max = chunk_.max_time();
      return facts;
    }
    const buffer::ChunkColumnSnapshot* column = chunk_.FindColumn(id);
    if (column == nullptr) {
      facts.all_null = true;
      facts.stats.null_count = chunk_.row_count();
      return facts;
    }
    facts.stats = column->statistics;
    return facts;
  }
  int64_t rows() const { return chunk_.row_count(); }

 private:
  const BufferScanSpec& spec_;
  const ChunkSnapshot& chunk_;
};

bool ComparisonMayMatch(const ColumnComparison& cmp, const ChunkFacts& chunk) {
  if (cmp.literal->is_null()) {
    return false;  // a comparison with NULL is never true
  }
  ColumnFacts facts = chunk.Get(cmp.column);
  if (facts.all_null || (facts.stats.null_count >= chunk.rows() && !facts.stats.has_min_max())) {
    return false;
  }
  if (!facts.stats.has_min_max()) {
    return true;
  }
  std::optional<int> vs_min = Compare(*cmp.literal, facts.stats.min);
  std::optional<int> vs_max = Compare(*cmp.literal, facts.stats.max);
  if (!vs_min || !vs_max) {
    return true;
  }
  switch (cmp.op) {
    case BinaryOp::kEq:
      return *vs_min >= 0 && *vs_max <= 0;
    case BinaryOp::kNotEq:
      return !(*vs_min == 0 && *vs_max == 0);
    case BinaryOp::kLt:  // some value < literal
      return *vs_min > 0;
    case BinaryOp::kLtEq:
      return *vs_min >= 0;
    case BinaryOp::kGt:
      return *vs_max < 0;
    case BinaryOp::kGtEq:
      return *vs_max <= 0;
    default:
      return true;
  }
}

// False only when the statistics prove that `e` is not true for any row of the chunk.
bool MayMatch(const PhysicalExpr& e, const ChunkFacts& chunk) {
  switch (e.kind()) {
    case PhysicalExprKind::kBinary:
      if (e.binary_op() == BinaryOp::kAnd) {
        return MayMatch(*e.children()[0], chunk) && MayMatch(*e.children()[1], chunk);
      }
      if (e.binary_op() == BinaryOp::kOr) {
        return MayMatch(*e.children()[0], chunk) || MayMatch(*e.children()[1], chunk);
      }
      if (std::optional<ColumnComparison> cmp = AsColumnComparison(e)) {
        return ComparisonMayMatch(*cmp, chunk);
      }
      return true;
    case PhysicalExprKind::kInList: {
      const auto& children = e.children();
      if (e.negated() || children[0]->kind() != PhysicalExprKind::kColumn) {
        return true;
      }
      for (size_t i = 1; i < children.size(); ++i) {
        if (children[i]->kind() != PhysicalExprKind::kLiteral) {
          return true;
        }
      }
      for (size_t i = 1; i < children.size(); ++i) {
        ColumnComparison cmp{children[0]->column_index(), BinaryOp::kEq, &children[i]->literal()};
        if (ComparisonMayMatch(cmp, chunk)) {
          return true;
        }
      }
      return false;
    }
    case PhysicalExprKind::kIsNull: {
      const PhysicalExpr& operand = *e.children()[0];
      if (operand.kind() != PhysicalExprKind::kColumn) {
        return true;
      }
      ColumnFacts facts = chunk.Get(operand.column_index());
      if (e.negated()) {  // IS NOT NULL
        return !facts.all_null && facts.stats.null_count < chunk.rows();
      }
      return facts.all_null || facts.stats.null_count > 0;
    }
    default:
      return true;
  }
}

// The column of `id` for `chunk`, or an all-null column of the field's type (tags stay
// kDictionary, with an empty dictionary of their own).
ColumnPtr ChunkColumn(const ChunkSnapshot& chunk, uint32_t id, TypeId type) {
  if (id == catalog::kTimeColumnId) {
    return chunk.time_column();
  }
  if (const buffer::ChunkColumnSnapshot* column = chunk.FindColumn(id)) {
    return column->column;
  }
  if (type == TypeId::kDictionary) {
    auto nulls = std::make_shared<Column>(TypeId::kDictionary);
    nulls->AppendNulls(chunk.row_count());
    return nulls;
  }
  return exec::MakeNullColumn(type, chunk.row_count());
}

// Checks that the chunk's columns have the types the scan schema claims: filters, pruning and
// every operator above rely on them, and a plan decoded from another process (src/codec) could
// claim others. One comparison per column and chunk.
absl::Status CheckColumnTypes(const BufferScanSpec& spec, const ChunkSnapshot& chunk) {
  for (size_t i = 0; i < spec.column_ids.size(); ++i) {
    const TypeId want = spec.scan_schema->field(static_cast<int>(i)).type;
    TypeId have = want;
    if (spec.column_ids[i] == catalog::kTimeColumnId) {
      have = TypeId::kTimestamp;
    } else if (const buffer::ChunkColumnSnapshot* column = chunk.FindColumn(spec.column_ids[i])) {
      have = column->column->type();
    }
    if (have != want && !(IsStringType(have) && IsStringType(want))) {
      return absl::InvalidArgumentError(
          fmt::format("BufferScanExec: column {} of {} is {}, the scan expects {}",
                      spec.column_ids[i],
                      spec.table_name,
                      TypeName(have),
                      TypeName(want)));
    }
  }
  return absl::OkStatus();
}

// The rows of `batch` where every conjunct is true, in increasing order. The conjuncts run one
// after another and stop as soon as no row is left (a tag filter, first, often leaves none in a
// chunk). A later conjunct that cannot fail on a row runs over the physical rows and is
// intersected with the kept ones; one that can (a division) runs only on a compacted copy of the
// kept rows, so that the earlier conjuncts guard it. REQUIRES: conjuncts is not empty.
absl::StatusOr<exec::SelectionVector> SelectRows(
    const exec::Batch& batch, const std::vector<exec::PhysicalExprPtr>& conjuncts) {
  const int64_t n = batch.num_rows();
  STRATA_ASSIGN_OR_RETURN(exec::SelectionVector selected,
                          exec::EvaluatePredicate(*conjuncts.front(), batch));
  for (size_t c = 1; c < conjuncts.size() && !selected.empty(); ++c) {
    const exec::PhysicalExpr& conjunct = *conjuncts[c];
    if (exec::CannotFailPerRow(conjunct)) {
      // Over every physical row: a sequential pass over the columns it reads costs less than
      // gathering the kept rows, whose values are scattered over as many cache lines.
      STRATA_ASSIGN_OR_RETURN(exec::Datum value, conjunct.Evaluate(batch));
      STRATA_ASSIGN_OR_RETURN(selected, exec::SelectTrue(value, n, &selected));
    } else {
      auto rows = std::make_shared<const exec::SelectionVector>(std::move(selected));
      const exec::Batch kept = exec::Batch(batch.schema(), batch.columns(), n, rows).Compact();
      STRATA_ASSIGN_OR_RETURN(selected, exec::EvaluatePredicate(conjunct, kept));
      for (uint32_t& row : selected) {
        row = (*rows)[row];
      }
    }
  }
  return selected;
}

// A comparison or IN list of a tag (dictionary-encoded) column with literals: evaluated on
// dictionary codes, cheap, and in time series usually the most selective filter.
bool IsTagFilter(const PhysicalExpr& e) {
  const auto& children = e.children();
  if (e.kind() == PhysicalExprKind::kBinary && IsRangeComparison(e.binary_op())) {
    std::optional<ColumnComparison> cmp = AsColumnComparison(e);
    const PhysicalExpr& column =
        children[0]->kind() == PhysicalExprKind::kColumn ? *children[0] : *children[1];
    return cmp.has_value() && column.type() == TypeId::kDictionary;
  }
  if (e.kind() == PhysicalExprKind::kInList && !children.empty() &&
      children[0]->kind() == PhysicalExprKind::kColumn &&
      children[0]->type() == TypeId::kDictionary) {
    for (size_t i = 1; i < children.size(); ++i) {
      if (children[i]->kind() != PhysicalExprKind::kLiteral) {
        return false;
      }
    }
    return true;
  }
  return false;
}

// `conjuncts` with the tag filters first (they cannot fail, so running them earlier raises no
// error the written order would not), the rest in their order.
std::vector<exec::PhysicalExprPtr> TagFiltersFirst(std::vector<exec::PhysicalExprPtr> conjuncts) {
  std::stable_partition(conjuncts.begin(), conjuncts.end(), [](const exec::PhysicalExprPtr& e) {
    return IsTagFilter(*e);
  });
  return conjuncts;
}

// The dynamic filters of a scan as published by their joins, resolved once per stream.
struct ResolvedDynamicFilters {
  bool skip_all = false;  // a join's build side has no row that can match
  // The range of a scanned column, and `column >= min AND column <= max` over the scan schema.
  struct Range {
    int column = 0;
    Scalar min;
    Scalar max;
    exec::PhysicalExprPtr filter;
  };
  std::vector<Range> ranges;

  // False when the chunk's statistics prove no row is inside some range.
  bool ChunkMayMatch(const ChunkFacts& facts) const {
    for (const Range& range : ranges) {
      ColumnFacts column = facts.Get(range.column);
      if (column.all_null) {
        return false;  // NULL keys never match
      }
      if (!column.stats.has_min_max()) {
        continue;
      }
      std::optional<int> max_vs_chunk_min = Compare(range.max, column.stats.min);
      std::optional<int> min_vs_chunk_max = Compare(range.min, column.stats.max);
      if ((max_vs_chunk_min && *max_vs_chunk_min < 0) ||
          (min_vs_chunk_max && *min_vs_chunk_max > 0)) {
        return false;
      }
    }
    return true;
  }

  // The range filters a chunk's rows need: those whose column the statistics do not show to be
  // non-null and inside the range.
  std::vector<exec::PhysicalExprPtr> RowFilters(const ChunkFacts& facts) const {
    std::vector<exec::PhysicalExprPtr> filters;
    for (const Range& range : ranges) {
      ColumnFacts column = facts.Get(range.column);
      bool inside = false;
      if (!column.all_null && column.stats.has_min_max() && column.stats.null_count == 0) {
        std::optional<int> min_vs_chunk_min = Compare(range.min, column.stats.min);
        std::optional<int> max_vs_chunk_max = Compare(range.max, column.stats.max);
        inside = min_vs_chunk_min && *min_vs_chunk_min <= 0 && max_vs_chunk_max &&
                 *max_vs_chunk_max >= 0;
      }
      if (!inside) {
        filters.push_back(range.filter);
      }
    }
    return filters;
  }
};

// Reads the values the scan's dynamic filters have been published with; filters not published
// (yet) or without a usable range are left out.
absl::StatusOr<ResolvedDynamicFilters> ResolveDynamicFilters(const BufferScanSpec& spec,
                                                             const exec::TaskContext& context) {
  ResolvedDynamicFilters resolved;
  for (const exec::DynamicFilterRef& ref : spec.dynamic_filters) {
    std::shared_ptr<const exec::DynamicFilterValue> value =
        context.dynamic_filters().Get(ref.filter_id);
    if (value == nullptr) {
      continue;
    }
    if (value->no_rows) {
      resolved.skip_all = true;
      return resolved;
    }
    if (ref.key < 0 || static_cast<size_t>(ref.key) >= value->keys.size() ||
        !value->keys[static_cast<size_t>(ref.key)]) {
      continue;
    }
    const exec::DynamicFilterValue::Range& range = *value->keys[static_cast<size_t>(ref.key)];
    const Field& field = spec.scan_schema->field(ref.column);
    // Float keys are left out: a range test and hash equality disagree on NaN and -0.
    bool comparable = range.min.type() == range.max.type() &&
                      (range.min.type() == field.type ||
                       (IsStringType(range.min.type()) && IsStringType(field.type))) &&
                      field.type != TypeId::kFloat64;
    if (!comparable) {
      continue;
    }
    ResolvedDynamicFilters::Range resolved_range;
    resolved_range.column = ref.column;
    resolved_range.min = range.min;
    resolved_range.max = range.max;
    exec::PhysicalExprPtr column = exec::MakeColumnExpr(ref.column, field.name, field.type);
    STRATA_ASSIGN_OR_RETURN(
        exec::PhysicalExprPtr lower,
        exec::MakeBinaryExpr(BinaryOp::kGtEq, column, exec::MakeLiteralExpr(range.min)));
    STRATA_ASSIGN_OR_RETURN(
        exec::PhysicalExprPtr upper,
        exec::MakeBinaryExpr(BinaryOp::kLtEq, column, exec::MakeLiteralExpr(range.max)));
    STRATA_ASSIGN_OR_RETURN(resolved_range.filter,
                            exec::MakeBinaryExpr(BinaryOp::kAnd, lower, upper));
    resolved.ranges.push_back(std::move(resolved_range));
  }
  return resolved;
}

// One partition's stream: its chunks in order, one batch per chunk (or per kMaxBatchRows of a
// larger chunk).
class BufferScanStream : public exec::BatchStream {
 public:
  BufferScanStream(const BufferScanExec* node,
                   std::shared_ptr<const std::vector<ChunkSnapshotPtr>> chunks,
                   int partition,
                   std::shared_ptr<exec::TaskContext> context)
      : node_(node),
        chunks_(std::move(chunks)),
        next_chunk_(static_cast<size_t>(partition)),
        context_(std::move(context)) {
    if (node_->spec().limit) {
      remaining_ = *node_->spec().limit;
    }
  }

  absl::StatusOr<bool> Next(exec::Batch* out) override {
    const BufferScanSpec& spec = node_->spec();
    if (!dynamic_resolved_) {
      // The joins publish once their build sides are complete, which is before they first
      // pull from this stream.
      dynamic_resolved_ = true;
      if (!spec.dynamic_filters.empty()) {
        STRATA_ASSIGN_OR_RETURN(ResolvedDynamicFilters resolved,
                                ResolveDynamicFilters(spec, *context_));
        if (resolved.skip_all) {
          int64_t skipped = 0;
          for (size_t i = next_chunk_; i < chunks_->size();
               i += static_cast<size_t>(spec.partitions)) {
            ++skipped;
          }
          node_->metrics().Add("chunks_pruned_by_dynamic_filter", skipped);
          return false;
        }
        if (!resolved.ranges.empty()) {
          dynamic_ = std::make_unique<ResolvedDynamicFilters>(std::move(resolved));
        }
      }
    }
    while (remaining_ > 0) {
      STRATA_RETURN_IF_ERROR(context_->CheckCancelled());
      if (current_ == nullptr) {
        if (next_chunk_ >= chunks_->size()) {
          return false;
        }
        const ChunkSnapshot& chunk = *(*chunks_)[next_chunk_];
        next_chunk_ += static_cast<size_t>(spec.partitions);
        STRATA_RETURN_IF_ERROR(CheckColumnTypes(spec, chunk));
        if (!node_->ChunkMayMatch(chunk)) {
          node_->metrics().Add("chunks_pruned_by_stats", 1);
          continue;
        }
        if (dynamic_ != nullptr && !dynamic_->ChunkMayMatch(ChunkFacts(spec, chunk))) {
          node_->metrics().Add("chunks_pruned_by_dynamic_filter", 1);
          continue;
        }
        node_->metrics().Add("chunks_scanned", 1);
        node_->metrics().Add("rows_scanned", chunk.row_count());
        STRATA_RETURN_IF_ERROR(StartChunk(chunk));
      }
      if (offset_ >= current_->row_count()) {
        current_ = nullptr;
        continue;
      }
      STRATA_ASSIGN_OR_RETURN(bool produced, NextSlice(out));
      if (produced) {
        return true;
      }
    }
    return false;
  }

 private:
  absl::Status StartChunk(const ChunkSnapshot& chunk) {
    const BufferScanSpec& spec = node_->spec();
    current_ = &chunk;
    offset_ = 0;
    columns_.clear();
    for (size_t i = 0; i < spec.column_ids.size(); ++i) {
      columns_.push_back(ChunkColumn(
          chunk, spec.column_ids[i], spec.scan_schema->field(static_cast<int>(i)).type));
    }
    const TimeBounds& bounds = node_->time_bounds();
    bool inside = chunk.min_time() >= bounds.min_time && chunk.max_time() <= bounds.max_time;
    conjuncts_ = inside ? node_->conjuncts_without_time() : node_->conjuncts();
    if (dynamic_ != nullptr) {
      for (exec::PhysicalExprPtr& term : dynamic_->RowFilters(ChunkFacts(spec, chunk))) {
        conjuncts_.push_back(std::move(term));
      }
    }
    return absl::OkStatus();
  }

  // Produces the batch of rows [offset_, offset_ + kMaxBatchRows) of the current chunk; false
  // when no row of it passes the filters.
  absl::StatusOr<bool> NextSlice(exec::Batch* out) {
    const BufferScanSpec& spec = node_->spec();
    int64_t rows = current_->row_count();
    std::vector<ColumnPtr> columns;
    int64_t length = std::min(rows - offset_, exec::kMaxBatchRows);
    if (offset_ == 0 && length == rows) {
      columns = columns_;
    } else {
      for (const ColumnPtr& c : columns_) {
        columns.push_back(exec::Slice(*c, offset_, length));
      }
    }
    offset_ += length;
    exec::Batch batch(spec.scan_schema, std::move(columns), length);
    std::shared_ptr<exec::SelectionVector> selection;
    if (!conjuncts_.empty()) {
      STRATA_ASSIGN_OR_RETURN(exec::SelectionVector selected, SelectRows(batch, conjuncts_));
      if (selected.empty()) {
        return false;
      }
      if (static_cast<int64_t>(selected.size()) < length) {
        selection = std::make_shared<exec::SelectionVector>(std::move(selected));
      }
    }
    int64_t selected_rows = selection ? static_cast<int64_t>(selection->size()) : length;
    if (selected_rows > remaining_) {
      if (selection == nullptr) {
        selection = std::make_shared<exec::SelectionVector>(static_cast<size_t>(remaining_));
        std::iota(selection->begin(), selection->end(), 0u);
      } else {
        selection->resize(static_cast<size_t>(remaining_));
      }
      selected_rows = remaining_;
    }
    remaining_ -= selected_rows;
    std::vector<ColumnPtr> output(batch.columns().begin(),
                                  batch.columns().begin() + spec.output_columns);
    *out = exec::Batch(node_->schema(), std::move(output), length, std::move(selection));
    return true;
  }

  const BufferScanExec* node_;
  std::shared_ptr<const std::vector<ChunkSnapshotPtr>> chunks_;
  size_t next_chunk_;
  std::shared_ptr<exec::TaskContext> context_;
  int64_t remaining_ = INT64_MAX;

  const ChunkSnapshot* current_ = nullptr;  // owned by chunks_
  int64_t offset_ = 0;
  std::vector<ColumnPtr> columns_;
  std::vector<exec::PhysicalExprPtr> conjuncts_;  // the current chunk's row filters
  bool dynamic_resolved_ = false;
  std::unique_ptr<ResolvedDynamicFilters> dynamic_;  // null: no dynamic filter applies
};

std::string TimeText(int64_t t, bool unbounded, std::string_view infinity) {
  return unbounded ? std::string(infinity) : Scalar::Timestamp(t).ToString();
}

}  // namespace

TimeBounds DeriveTimeBounds(const std::vector<exec::PhysicalExprPtr>& conjuncts, int time_index) {
  TimeBounds bounds;
  bounds.captured.assign(conjuncts.size(), false);
  if (time_index < 0) {
    return bounds;
  }
  for (size_t i = 0; i < conjuncts.size(); ++i) {
    std::optional<ColumnComparison> cmp = AsColumnComparison(*conjuncts[i]);
    if (!cmp || cmp->column != time_index || cmp->literal->type() != TypeId::kTimestamp) {
      continue;
    }
    if (cmp->literal->is_null()) {
      bounds.min_time = INT64_MAX;  // never true: nothing can match
      bounds.max_time = INT64_MIN;
      bounds.captured[i] = true;
      continue;
    }
    int64_t v = cmp->literal->int64_value();
    switch (cmp->op) {
      case BinaryOp::kEq:
        bounds.min_time = std::max(bounds.min_time, v);
        bounds.max_time = std::min(bounds.max_time, v);
        break;
      case BinaryOp::kGtEq:
        bounds.min_time = std::max(bounds.min_time, v);
        break;
      case BinaryOp::kGt:
        if (v == INT64_MAX) {
          bounds.min_time = INT64_MAX;
          bounds.max_time = INT64_MIN;
        } else {
          bounds.min_time = std::max(bounds.min_time, v + 1);
        }
        break;
      case BinaryOp::kLtEq:
        bounds.max_time = std::min(bounds.max_time, v);
        break;
      case BinaryOp::kLt:
        if (v == INT64_MIN) {
          bounds.min_time = INT64_MAX;
          bounds.max_time = INT64_MIN;
        } else {
          bounds.max_time = std::min(bounds.max_time, v - 1);
        }
        break;
      default:
        continue;  // <> is not a range
    }
    bounds.captured[i] = true;
  }
  return bounds;
}

BufferScanExec::BufferScanExec(const buffer::WriteBuffer* buffer,
                               BufferScanSpec spec,
                               SchemaPtr output_schema,
                               TimeBounds bounds,
                               std::vector<exec::PhysicalExprPtr> conjuncts,
                               std::vector<exec::PhysicalExprPtr> conjuncts_without_time)
    : buffer_(buffer),
      spec_(std::move(spec)),
      output_schema_(std::move(output_schema)),
      bounds_(std::move(bounds)),
      conjuncts_(std::move(conjuncts)),
      conjuncts_without_time_(std::move(conjuncts_without_time)) {}

absl::StatusOr<exec::ExecutionPlanPtr> BufferScanExec::WithChildren(
    std::vector<exec::ExecutionPlanPtr> children) const {
  if (!children.empty()) {
    return absl::InvalidArgumentError("BufferScanExec has no children");
  }
  return MakeBufferScanExec(buffer_, spec_);
}

exec::ExecutionPlanPtr BufferScanExec::WithDynamicFilters(
    const std::vector<exec::DynamicFilterRef>& refs) const {
  if (spec_.limit) {
    return nullptr;  // filtering under a limit would change which rows it keeps
  }
  BufferScanSpec spec = spec_;
  for (const exec::DynamicFilterRef& ref : refs) {
    if (std::find(spec.dynamic_filters.begin(), spec.dynamic_filters.end(), ref) ==
        spec.dynamic_filters.end()) {
      spec.dynamic_filters.push_back(ref);
    }
  }
  absl::StatusOr<exec::ExecutionPlanPtr> scan = MakeBufferScanExec(buffer_, std::move(spec));
  return scan.ok() ? *scan : nullptr;
}

std::shared_ptr<const std::vector<ChunkSnapshotPtr>> BufferScanExec::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (snapshot_ == nullptr) {
    auto chunks = std::make_shared<std::vector<ChunkSnapshotPtr>>();
    if (!bounds_.empty()) {
      // The table's chunk count comes from a separate call, so under concurrent writes the
      // pruned count is approximate (never negative).
      std::optional<buffer::TableStats> stats =
          buffer_->table_stats(spec_.database_id, spec_.table_id);
      *chunks = buffer_->SnapshotTable(
          spec_.database_id, spec_.table_id, bounds_.min_time, bounds_.max_time);
      int64_t total = stats ? stats->chunks : 0;
      metrics().Add("chunks_pruned_by_time",
                    std::max<int64_t>(0, total - static_cast<int64_t>(chunks->size())));
    } else if (std::optional<buffer::TableStats> stats =
                   buffer_->table_stats(spec_.database_id, spec_.table_id)) {
      metrics().Add("chunks_pruned_by_time", stats->chunks);
    }
    snapshot_ = std::move(chunks);
  }
  return snapshot_;
}

bool BufferScanExec::ChunkMayMatch(const ChunkSnapshot& chunk) const {
  ChunkFacts facts(spec_, chunk);
  for (const exec::PhysicalExprPtr& filter : spec_.filters) {
    if (!MayMatch(*filter, facts)) {
      return false;
    }
  }
  return true;
}

absl::StatusOr<std::unique_ptr<exec::BatchStream>> BufferScanExec::Execute(
    int partition, const std::shared_ptr<exec::TaskContext>& context) const {
  if (partition < 0 || partition >= spec_.partitions) {
    return absl::InvalidArgumentError(fmt::format(
        "BufferScanExec: partition {} out of range (0..{})", partition, spec_.partitions));
  }
  std::unique_ptr<exec::BatchStream> stream =
      std::make_unique<BufferScanStream>(this, Snapshot(), partition, context);
  return exec::MakeMeteredStream(*this, std::move(stream));
}

std::string BufferScanExec::ToString() const {
  std::vector<std::string> columns;
  for (int i = 0; i < spec_.output_columns; ++i) {
    columns.push_back(spec_.scan_schema->field(i).name);
  }
  std::string text = fmt::format(
      "BufferScanExec: table={}, projection=[{}]", spec_.table_name, absl::StrJoin(columns, ", "));
  if (!spec_.filters.empty()) {
    std::vector<std::string> filters;
    for (const exec::PhysicalExprPtr& f : spec_.filters) {
      filters.push_back(f->ToString());
    }
    text += fmt::format(", filters=[{}]", absl::StrJoin(filters, ", "));
  }
  if (bounds_.min_time != INT64_MIN || bounds_.max_time != INT64_MAX) {
    text += fmt::format(", time=[{}, {}]",
                        TimeText(bounds_.min_time, bounds_.min_time == INT64_MIN, "-inf"),
                        TimeText(bounds_.max_time, bounds_.max_time == INT64_MAX, "+inf"));
  }
  if (spec_.limit) {
    text += fmt::format(", limit={}", *spec_.limit);
  }
  if (!spec_.dynamic_filters.empty()) {
    text += fmt::format(
        ", dynamic_filters=[{}]",
        absl::StrJoin(spec_.dynamic_filters,
                      ", ",
                      [this](std::string* out, const exec::DynamicFilterRef& ref) {
                        out->append(fmt::format("{} from join {} key {}",
                                                spec_.scan_schema->field(ref.column).name,
                                                ref.filter_id,
                                                ref.key));
                      }));
  }
  text += fmt::format(", partitions={}", spec_.partitions);
  return text;
}

absl::StatusOr<exec::ExecutionPlanPtr> MakeBufferScanExec(const buffer::WriteBuffer* buffer,
                                                          BufferScanSpec spec) {
  if (spec.scan_schema == nullptr ||
      static_cast<size_t>(spec.scan_schema->num_fields()) != spec.column_ids.size() ||
      spec.output_columns < 0 || spec.output_columns > spec.scan_schema->num_fields()) {
    return absl::InvalidArgumentError("BufferScanExec: column ids do not match the scan schema");
  }
  for (const exec::PhysicalExprPtr& filter : spec.filters) {
    if (filter->type() != TypeId::kBool && filter->type() != TypeId::kNull) {
      return absl::InvalidArgumentError(
          fmt::format("BufferScanExec: filter {} is not boolean", filter->ToString()));
    }
  }
  for (const exec::DynamicFilterRef& ref : spec.dynamic_filters) {
    if (ref.filter_id <= 0 || ref.key < 0 || ref.column < 0 || ref.column >= spec.output_columns) {
      return absl::InvalidArgumentError(
          fmt::format("BufferScanExec: invalid dynamic filter (join {}, key {}, column {})",
                      ref.filter_id,
                      ref.key,
                      ref.column));
    }
  }
  spec.partitions = std::max(spec.partitions, 1);
  int time_index = -1;
  for (size_t i = 0; i < spec.column_ids.size(); ++i) {
    if (spec.column_ids[i] == catalog::kTimeColumnId) {
      time_index = static_cast<int>(i);
    }
  }
  TimeBounds bounds = DeriveTimeBounds(spec.filters, time_index);
  std::vector<exec::PhysicalExprPtr> uncaptured;
  for (size_t i = 0; i < spec.filters.size(); ++i) {
    if (!bounds.captured[i]) {
      uncaptured.push_back(spec.filters[i]);
    }
  }
  std::vector<exec::PhysicalExprPtr> conjuncts = TagFiltersFirst(spec.filters);
  std::vector<exec::PhysicalExprPtr> without_time = TagFiltersFirst(std::move(uncaptured));
  std::vector<Field> output_fields(spec.scan_schema->fields().begin(),
                                   spec.scan_schema->fields().begin() + spec.output_columns);
  auto output_schema = std::make_shared<const Schema>(std::move(output_fields));
  return std::make_shared<BufferScanExec>(buffer,
                                          std::move(spec),
                                          std::move(output_schema),
                                          std::move(bounds),
                                          std::move(conjuncts),
                                          std::move(without_time));
}

}  // namespace strata::query
