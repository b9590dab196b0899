// The write buffer scan: chunk pruning, batch assembly, filtering and limits.
#include "query/buffer_scan_exec.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <numeric>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <variant>

#include "absl/container/btree_map.h"
#include "absl/strings/str_join.h"
#include "catalog/schema.h"
#include "common/status.h"
#include "exec/operators/evaluation.h"
#include "exec/operators/plan_node.h"
#include "exec/operators/row_table.h"
#include "exec/take.h"
#include "fmt/format.h"
#include "observe/trace.h"

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

// What pruning knows about one scanned column in one source of rows.
struct ColumnFacts {
  bool all_null = false;  // absent from the source
  // False when the source does not say how many nulls it has (stats.null_count is then 0).
  bool null_count_known = true;
  ColumnStatistics stats;
};

// The statistics of one source of rows (a buffer chunk, a Parquet file, a row group of one), by
// scan column.
class SourceFacts {
 public:
  virtual ~SourceFacts() = default;
  virtual ColumnFacts Get(int scan_column) const = 0;
  virtual int64_t rows() const = 0;
};

class ChunkFacts final : public SourceFacts {
 public:
  ChunkFacts(const BufferScanSpec& spec, const ChunkSnapshot& chunk) : spec_(spec), chunk_(chunk) {}

  ColumnFacts Get(int scan_column) const override {
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
  int64_t rows() const override { return chunk_.row_count(); }

 private:
  const BufferScanSpec& spec_;
  const ChunkSnapshot& chunk_;
};

// A Parquet file, from its entry in the file index (no read needed).
class FileFacts final : public SourceFacts {
 public:
  FileFacts(const BufferScanSpec& spec, const persist::ParquetFileInfo& file)
      : spec_(spec), file_(file) {}

  ColumnFacts Get(int scan_column) const override {
    ColumnFacts facts;
    uint32_t id = spec_.column_ids[static_cast<size_t>(scan_column)];
    if (id == catalog::kTimeColumnId) {
      facts.stats.min = file_.min_time;
      facts.stats.max = file_.max_time;
      return facts;
    }
    for (const persist::ColumnStats& column : file_.columns) {
      if (column.column_id == id) {
        facts.stats.null_count = column.null_count;
        facts.stats.min = column.min;
        facts.stats.max = column.max;
        return facts;
      }
    }
    facts.all_null = true;  // the file has no value for it
    facts.stats.null_count = file_.row_count;
    return facts;
  }
  int64_t rows() const override { return file_.row_count; }

 private:
  const BufferScanSpec& spec_;
  const persist::ParquetFileInfo& file_;
};

StatisticValue ToStatistic(const parquet::Value& value) {
  return std::visit([](const auto& v) -> StatisticValue { return v; }, value);
}

// One row group of an opened Parquet file, from the footer's statistics.
class RowGroupFacts final : public SourceFacts {
 public:
  RowGroupFacts(const BufferScanSpec& spec, const persist::OpenedFile& file, int row_group)
      : spec_(spec), file_(file), row_group_(row_group) {}

  ColumnFacts Get(int scan_column) const override {
    ColumnFacts facts;
    const int column = file_.ColumnOf(spec_.column_ids[static_cast<size_t>(scan_column)]);
    if (column < 0) {
      facts.all_null = true;
      facts.stats.null_count = rows();
      return facts;
    }
    parquet::ColumnChunkStatistics stats = file_.reader->Statistics(row_group_, column);
    if (stats.null_count) {
      facts.stats.null_count = *stats.null_count;
    } else {
      facts.null_count_known = false;
    }
    if (stats.min && stats.max) {
      facts.stats.min = ToStatistic(*stats.min);
      facts.stats.max = ToStatistic(*stats.max);
    }
    return facts;
  }
  int64_t rows() const override { return file_.reader->row_group_rows(row_group_); }

 private:
  const BufferScanSpec& spec_;
  const persist::OpenedFile& file_;
  int row_group_;
};

// The values one series key column (a tag) takes in one piece of a table (a file, or a buffer
// partition's chunks): whether some row lacks it, and the range of the others.
struct KeyColumnRange {
  bool has_null = false;
  bool has_values = false;
  bool unbounded = false;  // values without known bounds
  StatisticValue min;
  StatisticValue max;

  void Add(int64_t null_count, int64_t rows, const StatisticValue& lo, const StatisticValue& hi) {
    has_null = has_null || null_count > 0;
    if (null_count >= rows) {
      return;
    }
    has_values = true;
    if (std::holds_alternative<std::monostate>(lo) || std::holds_alternative<std::monostate>(hi)) {
      unbounded = true;
      return;
    }
    if (std::holds_alternative<std::monostate>(min) || lo < min) {
      min = lo;
    }
    if (std::holds_alternative<std::monostate>(max) || max < hi) {
      max = hi;
    }
  }
  void AddAbsent() { has_null = true; }
};

// False when no series key can be in both pieces: for some key column, the two pieces have
// neither a row without it in common nor a value range in common.
bool SeriesMayBeShared(const std::vector<KeyColumnRange>& a, const std::vector<KeyColumnRange>& b) {
  for (size_t k = 0; k < a.size() && k < b.size(); ++k) {
    const KeyColumnRange& x = a[k];
    const KeyColumnRange& y = b[k];
    if (x.has_null && y.has_null) {
      continue;
    }
    if (!x.has_values || !y.has_values) {
      return false;
    }
    if (x.unbounded || y.unbounded || x.min.index() != y.min.index()) {
      continue;
    }
    if (x.max < y.min || y.max < x.min) {
      return false;
    }
  }
  return true;
}

bool ComparisonMayMatch(const ColumnComparison& cmp, const SourceFacts& chunk) {
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
bool MayMatch(const PhysicalExpr& e, const SourceFacts& chunk) {
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
      return facts.all_null || !facts.null_count_known || facts.stats.null_count > 0;
    }
    default:
      return true;
  }
}

// True when the statistics show the column has no NULL in the source.
bool HasNoNulls(const ColumnFacts& facts) {
  return !facts.all_null && facts.null_count_known && facts.stats.null_count == 0;
}

// True only when the statistics prove that `e` is true for every row of the source: a filter
// the scan need not evaluate there (IS NOT NULL of a column without nulls, as InfluxQL's raw
// reads and TSBS's data have; a comparison every value passes). Comparisons are decided for
// integers, timestamps and booleans only (float statistics leave NaN out, string statistics may
// be truncated); a NULL makes a comparison not true, so the column must have none.
bool AlwaysTrue(const PhysicalExpr& e, const SourceFacts& source) {
  switch (e.kind()) {
    case PhysicalExprKind::kBinary: {
      if (e.binary_op() == BinaryOp::kAnd) {
        return AlwaysTrue(*e.children()[0], source) && AlwaysTrue(*e.children()[1], source);
      }
      if (e.binary_op() == BinaryOp::kOr) {
        return AlwaysTrue(*e.children()[0], source) || AlwaysTrue(*e.children()[1], source);
      }
      std::optional<ColumnComparison> cmp = AsColumnComparison(e);
      if (!cmp.has_value() || cmp->literal->is_null()) {
        return false;
      }
      const TypeId type = cmp->literal->type();
      if (type != TypeId::kInt64 && type != TypeId::kUInt64 && type != TypeId::kTimestamp &&
          type != TypeId::kBool) {
        return false;
      }
      const ColumnFacts facts = source.Get(cmp->column);
      if (!HasNoNulls(facts) || !facts.stats.has_min_max()) {
        return false;
      }
      const std::optional<int> vs_min = Compare(*cmp->literal, facts.stats.min);
      const std::optional<int> vs_max = Compare(*cmp->literal, facts.stats.max);
      if (!vs_min || !vs_max) {
        return false;
      }
      switch (cmp->op) {
        case BinaryOp::kEq:
          return *vs_min == 0 && *vs_max == 0;
        case BinaryOp::kNotEq:
          return *vs_min < 0 || *vs_max > 0;
        case BinaryOp::kLt:  // every value < literal
          return *vs_max > 0;
        case BinaryOp::kLtEq:
          return *vs_max >= 0;
        case BinaryOp::kGt:
          return *vs_min < 0;
        case BinaryOp::kGtEq:
          return *vs_min <= 0;
        default:
          return false;
      }
    }
    case PhysicalExprKind::kIsNull: {
      const PhysicalExpr& operand = *e.children()[0];
      if (!e.negated() || operand.kind() != PhysicalExprKind::kColumn) {
        return false;
      }
      return HasNoNulls(source.Get(operand.column_index()));
    }
    default:
      return false;
  }
}

// False only when the statistics prove that some filter is not true for any row of the source.
bool FiltersMayMatch(const std::vector<exec::PhysicalExprPtr>& filters, const SourceFacts& facts) {
  for (const exec::PhysicalExprPtr& filter : filters) {
    if (!MayMatch(*filter, facts)) {
      return false;
    }
  }
  return true;
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
  bool SourceMayMatch(const SourceFacts& facts) const {
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
  std::vector<exec::PhysicalExprPtr> RowFilters(const SourceFacts& facts) const {
    std::vector<exec::PhysicalExprPtr> filters;
    for (const Range& range : ranges) {
      ColumnFacts column = facts.Get(range.column);
      bool inside = false;
      if (!column.all_null && column.stats.has_min_max() && column.null_count_known &&
          column.stats.null_count == 0) {
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

// The all-null column of `type` for `rows` rows (tags stay kDictionary, with an empty dictionary).
ColumnPtr NullColumn(TypeId type, int64_t rows) {
  if (type == TypeId::kDictionary) {
    auto nulls = std::make_shared<Column>(TypeId::kDictionary);
    nulls->AppendNulls(rows);
    return nulls;
  }
  return exec::MakeNullColumn(type, rows);
}

// A column read from a Parquet file as `type` (the scan schema's). DataLoss when the file's
// column has another type than the table's.
absl::StatusOr<ColumnPtr> ConvertFileColumn(ColumnPtr column,
                                            TypeId type,
                                            const persist::OpenedFile& file,
                                            int file_column,
                                            const persist::ParquetFileInfo& info,
                                            uint32_t column_id) {
  if (column->type() == type) {
    return column;
  }
  if (type == TypeId::kDictionary && column->type() == TypeId::kString) {
    return ToDictionary(*column);
  }
  if (IsStringType(type) && IsStringType(column->type())) {
    return column;
  }
  return absl::DataLossError(
      fmt::format("Parquet file {}: column {} ('{}') is {}, the table's is {}",
                  info.path,
                  column_id,
                  file.reader->schema()->field(file_column).name,
                  TypeName(column->type()),
                  TypeName(type)));
}

// `scalar` as a Parquet statistics value, when it has one.
std::optional<parquet::Value> ToParquetValue(const Scalar& scalar) {
  if (scalar.is_null()) {
    return std::nullopt;
  }
  switch (scalar.type()) {
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return parquet::Value(scalar.int64_value());
    case TypeId::kUInt64:
      return parquet::Value(scalar.uint64_value());
    case TypeId::kFloat64:
      return parquet::Value(scalar.float64_value());
    case TypeId::kBool:
      return parquet::Value(scalar.bool_value());
    case TypeId::kString:
    case TypeId::kDictionary:
      return parquet::Value(std::string(scalar.string_value()));
    default:
      return std::nullopt;
  }
}

// The rows both range lists hold (each sorted and disjoint).
std::vector<parquet::RowRange> Intersect(const std::vector<parquet::RowRange>& a,
                                         const std::vector<parquet::RowRange>& b) {
  std::vector<parquet::RowRange> out;
  size_t i = 0;
  size_t j = 0;
  while (i < a.size() && j < b.size()) {
    const int64_t begin = std::max(a[i].begin, b[j].begin);
    const int64_t end = std::min(a[i].end, b[j].end);
    if (begin < end) {
      out.push_back(parquet::RowRange{begin, end});
    }
    if (a[i].end < b[j].end) {
      ++i;
    } else {
      ++j;
    }
  }
  return out;
}

// One partition's stream: its units in order (see ScanUnit). A buffer chunk gives one batch (or
// one per kMaxBatchRows of a larger chunk), a Parquet file one per row group, a merge unit one
// for its merged rows.
class BufferScanStream : public exec::BatchStream {
 public:
  BufferScanStream(const BufferScanExec* node,
                   std::shared_ptr<const ScanSnapshot> snapshot,
                   int partition,
                   std::shared_ptr<exec::TaskContext> context)
      : node_(node),
        snapshot_(std::move(snapshot)),
        next_unit_(static_cast<size_t>(partition)),
        context_(std::move(context)) {
    if (node_->spec().limit) {
      remaining_ = *node_->spec().limit;
    }
  }
  ~BufferScanStream() override { EndSource(); }

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
          for (size_t i = next_unit_; i < snapshot_->units.size();
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
      if (!has_current_) {
        STRATA_ASSIGN_OR_RETURN(bool more, Advance());
        if (!more) {
          return false;
        }
        continue;
      }
      if (offset_ >= current_rows_) {
        has_current_ = false;
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
  // Sets up the next rows to return: the next row group of the current file, or the next unit
  // that is not pruned. False when the partition has nothing left.
  absl::StatusOr<bool> Advance() {
    const BufferScanSpec& spec = node_->spec();
    for (;;) {
      if (file_ != nullptr) {
        while (next_row_group_ < file_->reader->num_row_groups()) {
          STRATA_RETURN_IF_ERROR(context_->CheckCancelled());
          STRATA_ASSIGN_OR_RETURN(bool started, StartRowGroup(next_row_group_++));
          if (started) {
            return true;
          }
        }
        file_ = nullptr;
        file_info_ = nullptr;
      }
      if (next_unit_ >= snapshot_->units.size()) {
        EndSource();
        return false;
      }
      const ScanUnit& unit = snapshot_->units[next_unit_];
      next_unit_ += static_cast<size_t>(spec.partitions);
      switch (unit.kind) {
        case ScanUnit::Kind::kChunk: {
          const ChunkSnapshot& chunk = *unit.chunk;
          STRATA_RETURN_IF_ERROR(CheckColumnTypes(spec, chunk));
          ChunkFacts facts(spec, chunk);
          if (!FiltersMayMatch(spec.filters, facts)) {
            node_->metrics().Add("chunks_pruned_by_stats", 1);
            continue;
          }
          if (dynamic_ != nullptr && !dynamic_->SourceMayMatch(facts)) {
            node_->metrics().Add("chunks_pruned_by_dynamic_filter", 1);
            continue;
          }
          node_->metrics().Add("chunks_scanned", 1);
          node_->metrics().Add("rows_scanned", chunk.row_count());
          BeginSource("scan_chunk",
                      fmt::format("partition {} chunk {}", chunk.partition_id(), chunk.chunk_id()));
          CountSource("rows", chunk.row_count());
          StartChunk(chunk);
          return true;
        }
        case ScanUnit::Kind::kFile: {
          FileFacts facts(spec, *unit.file);
          if (!FiltersMayMatch(spec.filters, facts)) {
            node_->metrics().Add("files_pruned_by_stats", 1);
            continue;
          }
          if (dynamic_ != nullptr && !dynamic_->SourceMayMatch(facts)) {
            node_->metrics().Add("files_pruned_by_dynamic_filter", 1);
            continue;
          }
          if (CountedFromIndex(*unit.file)) {
            return true;
          }
          BeginSource("read_file", unit.file->path);
          STRATA_ASSIGN_OR_RETURN(file_, node_->sources().files->Open(*unit.file));
          file_info_ = unit.file;
          next_row_group_ = 0;
          node_->metrics().Add("files_scanned", 1);
          continue;  // to its row groups
        }
        case ScanUnit::Kind::kMerge: {
          BeginSource("merge_sources", fmt::format("{} overlapping sources", unit.sources.size()));
          STRATA_ASSIGN_OR_RETURN(bool started, StartMerge(unit));
          if (started) {
            return true;
          }
          continue;
        }
      }
    }
  }

  // Starts returning `rows` rows of `columns`, filtered by `conjuncts` (RemainingConjuncts') and
  // the dynamic filters.
  void StartColumns(std::vector<ColumnPtr> columns,
                    int64_t rows,
                    std::vector<exec::PhysicalExprPtr> conjuncts,
                    const SourceFacts* facts) {
    columns_ = std::move(columns);
    current_rows_ = rows;
    offset_ = 0;
    has_current_ = true;
    conjuncts_ = std::move(conjuncts);
    if (dynamic_ != nullptr) {
      if (facts != nullptr) {
        for (exec::PhysicalExprPtr& term : dynamic_->RowFilters(*facts)) {
          conjuncts_.push_back(std::move(term));
        }
      } else {
        for (const ResolvedDynamicFilters::Range& range : dynamic_->ranges) {
          conjuncts_.push_back(range.filter);
        }
      }
    }
  }

  // The conjuncts rows of a source with times in [min_time, max_time] and `facts` (null: none
  // known) must be checked against: not those its time range or statistics make true for all of
  // them (the latter counted in filters_skipped_by_stats).
  std::vector<exec::PhysicalExprPtr> RemainingConjuncts(int64_t min_time,
                                                        int64_t max_time,
                                                        const SourceFacts* facts) const {
    const TimeBounds& bounds = node_->time_bounds();
    const bool inside = min_time >= bounds.min_time && max_time <= bounds.max_time;
    std::vector<exec::PhysicalExprPtr> conjuncts =
        inside ? node_->conjuncts_without_time() : node_->conjuncts();
    if (facts != nullptr) {
      const size_t before = conjuncts.size();
      std::erase_if(conjuncts,
                    [facts](const exec::PhysicalExprPtr& e) { return AlwaysTrue(*e, *facts); });
      if (conjuncts.size() < before) {
        node_->metrics().Add("filters_skipped_by_stats",
                             static_cast<int64_t>(before - conjuncts.size()));
      }
    }
    return conjuncts;
  }

  // Per scan column: true for a column only filters read (not an output column) that none of
  // `conjuncts` reads, so a row group need not read it (IS NOT NULL filters that the statistics
  // skip, say).
  std::vector<bool> UnreadFilterColumns(const std::vector<exec::PhysicalExprPtr>& conjuncts) const {
    const BufferScanSpec& spec = node_->spec();
    const auto count = static_cast<size_t>(spec.scan_schema->num_fields());
    std::vector<bool> unread(count, false);
    for (size_t i = static_cast<size_t>(spec.output_columns); i < count; ++i) {
      unread[i] = true;
    }
    auto mark = [&unread](const exec::PhysicalExpr& e, const auto& self) -> void {
      if (e.kind() == exec::PhysicalExprKind::kColumn) {
        const auto column = static_cast<size_t>(e.column_index());
        if (column < unread.size()) {
          unread[column] = false;
        }
        return;
      }
      for (const exec::PhysicalExprPtr& child : e.children()) {
        self(*child, self);
      }
    };
    for (const exec::PhysicalExprPtr& conjunct : conjuncts) {
      mark(*conjunct, mark);
    }
    return unread;
  }

  // A column of `rows` nulls of scan column `i`'s type, standing for a column that is not read;
  // one per type, reused while the row count is the same (row groups mostly have one size).
  ColumnPtr UnreadColumn(size_t i, int64_t rows) {
    const TypeId type = node_->spec().scan_schema->field(static_cast<int>(i)).type;
    for (ColumnPtr& column : unread_columns_) {
      if (column->type() == type) {
        if (column->size() != rows) {
          column = NullColumn(type, rows);
        }
        return column;
      }
    }
    unread_columns_.push_back(NullColumn(type, rows));
    return unread_columns_.back();
  }

  // When the scan needs only how many rows there are (count(*)), the file lies wholly inside the
  // time bounds and no other filter applies, its rows are counted from its index entry without
  // opening it: starts that many rows of no columns, and returns true.
  bool CountedFromIndex(const persist::ParquetFileInfo& file) {
    const BufferScanSpec& spec = node_->spec();
    const TimeBounds& bounds = node_->time_bounds();
    if (spec.output_columns != 0 || dynamic_ != nullptr ||
        !node_->conjuncts_without_time().empty() || file.min_time < bounds.min_time ||
        file.max_time > bounds.max_time || file.row_count <= 0) {
      return false;
    }
    node_->metrics().Add("files_counted_from_index", 1);
    BeginSource("count_file_from_index", file.path);
    CountSource("rows", file.row_count);
    std::vector<ColumnPtr> columns;
    for (int i = 0; i < spec.scan_schema->num_fields(); ++i) {
      columns.push_back(NullColumn(spec.scan_schema->field(i).type, file.row_count));
    }
    StartColumns(std::move(columns),
                 file.row_count,
                 RemainingConjuncts(file.min_time, file.max_time, nullptr),
                 nullptr);
    return true;
  }

  void StartChunk(const ChunkSnapshot& chunk) {
    const BufferScanSpec& spec = node_->spec();
    std::vector<ColumnPtr> columns;
    columns.reserve(spec.column_ids.size());
    for (size_t i = 0; i < spec.column_ids.size(); ++i) {
      columns.push_back(ChunkColumn(
          chunk, spec.column_ids[i], spec.scan_schema->field(static_cast<int>(i)).type));
    }
    ChunkFacts facts(spec, chunk);
    StartColumns(std::move(columns),
                 chunk.row_count(),
                 RemainingConjuncts(chunk.min_time(), chunk.max_time(), &facts),
                 &facts);
  }

  // The rows of row group `row_group` of file_ that may pass the filters, by the page index of
  // the time column (against the time bounds) and of columns compared for equality with a
  // literal. Empty when none may.
  std::vector<parquet::RowRange> CandidateRows(int row_group) const {
    const BufferScanSpec& spec = node_->spec();
    const parquet::FileReader& reader = *file_->reader;
    std::vector<parquet::RowRange> rows{parquet::RowRange{0, reader.row_group_rows(row_group)}};
    const TimeBounds& bounds = node_->time_bounds();
    const int time_column = file_->ColumnOf(catalog::kTimeColumnId);
    if (time_column >= 0 && (bounds.min_time != INT64_MIN || bounds.max_time != INT64_MAX)) {
      rows = Intersect(rows,
                       reader.CandidateRows(row_group,
                                            time_column,
                                            parquet::Value(bounds.min_time),
                                            parquet::Value(bounds.max_time)));
    }
    for (const exec::PhysicalExprPtr& filter : spec.filters) {
      if (rows.empty()) {
        break;
      }
      std::optional<ColumnComparison> cmp = AsColumnComparison(*filter);
      if (!cmp || cmp->op != BinaryOp::kEq) {
        continue;
      }
      const int column = file_->ColumnOf(spec.column_ids[static_cast<size_t>(cmp->column)]);
      std::optional<parquet::Value> value = ToParquetValue(*cmp->literal);
      if (column < 0 || !value || column == time_column) {
        continue;
      }
      rows = Intersect(rows, reader.CandidateRows(row_group, column, *value, *value));
    }
    return rows;
  }

  // Reads the columns `ids` (as `types`) of rows `rows` (null: all) of a row group of `file`,
  // through the file cache (which keeps decoded columns of hot files).
  absl::StatusOr<std::vector<ColumnPtr>> ReadFileColumns(
      const persist::OpenedFile& file,
      const persist::ParquetFileInfo& info,
      int row_group,
      const std::vector<uint32_t>& ids,
      const std::vector<TypeId>& types,
      const std::vector<parquet::RowRange>* rows,
      int64_t* num_rows,
      const std::vector<bool>* unread = nullptr) {
    std::vector<int> read;
    std::vector<int> position(ids.size(), -1);
    for (size_t i = 0; i < ids.size(); ++i) {
      if (unread != nullptr && (*unread)[i]) {
        continue;
      }
      const int column = file.ColumnOf(ids[i]);
      if (column >= 0) {
        position[i] = static_cast<int>(read.size());
        read.push_back(column);
      }
    }
    STRATA_ASSIGN_OR_RETURN(std::vector<ColumnPtr> whole,
                            node_->sources().files->ReadColumns(file, info, row_group, read));
    std::vector<uint32_t> indices;
    if (rows != nullptr) {
      for (const parquet::RowRange& range : *rows) {
        for (int64_t r = range.begin; r < range.end; ++r) {
          indices.push_back(static_cast<uint32_t>(r));
        }
      }
    }
    *num_rows = rows != nullptr ? static_cast<int64_t>(indices.size())
                                : file.reader->row_group_rows(row_group);
    std::vector<ColumnPtr> columns;
    columns.reserve(ids.size());
    for (size_t i = 0; i < ids.size(); ++i) {
      if (unread != nullptr && (*unread)[i]) {
        columns.push_back(UnreadColumn(i, *num_rows));
        continue;
      }
      if (position[i] < 0) {
        columns.push_back(NullColumn(types[i], *num_rows));
        continue;
      }
      ColumnPtr column = whole[static_cast<size_t>(position[i])];
      if (column->size() != file.reader->row_group_rows(row_group)) {
        return absl::DataLossError(
            fmt::format("Parquet file {}, row group {}: column {} has {} rows, the row group {}",
                        info.path,
                        row_group,
                        read[static_cast<size_t>(position[i])],
                        column->size(),
                        file.reader->row_group_rows(row_group)));
      }
      if (rows != nullptr) {
        column = exec::Take(*column, indices.data(), *num_rows);
      }
      STRATA_ASSIGN_OR_RETURN(column,
                              ConvertFileColumn(std::move(column),
                                                types[i],
                                                file,
                                                read[static_cast<size_t>(position[i])],
                                                info,
                                                ids[i]));
      columns.push_back(std::move(column));
    }
    return columns;
  }

  // The time range of a row group from its statistics (the whole int64 range when it has none).
  static std::pair<int64_t, int64_t> RowGroupTimeRange(const persist::OpenedFile& file,
                                                       int row_group) {
    const int time_column = file.ColumnOf(catalog::kTimeColumnId);
    if (time_column >= 0) {
      parquet::ColumnChunkStatistics stats = file.reader->Statistics(row_group, time_column);
      if (stats.min && stats.max && std::holds_alternative<int64_t>(*stats.min) &&
          std::holds_alternative<int64_t>(*stats.max)) {
        return {std::get<int64_t>(*stats.min), std::get<int64_t>(*stats.max)};
      }
    }
    return {INT64_MIN, INT64_MAX};
  }

  absl::StatusOr<bool> StartRowGroup(int row_group) {
    const BufferScanSpec& spec = node_->spec();
    RowGroupFacts facts(spec, *file_, row_group);
    const auto [min_time, max_time] = RowGroupTimeRange(*file_, row_group);
    const TimeBounds& bounds = node_->time_bounds();
    if (min_time > bounds.max_time || max_time < bounds.min_time ||
        !FiltersMayMatch(spec.filters, facts) ||
        (dynamic_ != nullptr && !dynamic_->SourceMayMatch(facts))) {
      node_->metrics().Add("row_groups_pruned_by_stats", 1);
      return false;
    }
    const int64_t group_rows = file_->reader->row_group_rows(row_group);
    std::vector<parquet::RowRange> rows = CandidateRows(row_group);
    if (rows.empty()) {
      node_->metrics().Add("row_groups_pruned_by_page_index", 1);
      return false;
    }
    const bool whole = rows.size() == 1 && rows[0].begin == 0 && rows[0].end == group_rows;
    std::vector<TypeId> types;
    for (int i = 0; i < spec.scan_schema->num_fields(); ++i) {
      types.push_back(spec.scan_schema->field(i).type);
    }
    // Columns only filters read are not read when the filters that read them are skipped here.
    std::vector<exec::PhysicalExprPtr> conjuncts = RemainingConjuncts(min_time, max_time, &facts);
    const std::vector<bool> unread = UnreadFilterColumns(conjuncts);
    if (const auto not_read = std::count(unread.begin(), unread.end(), true); not_read > 0) {
      node_->metrics().Add("filter_columns_not_read", static_cast<int64_t>(not_read));
    }
    int64_t read_rows = 0;
    STRATA_ASSIGN_OR_RETURN(std::vector<ColumnPtr> columns,
                            ReadFileColumns(*file_,
                                            *file_info_,
                                            row_group,
                                            spec.column_ids,
                                            types,
                                            whole ? nullptr : &rows,
                                            &read_rows,
                                            &unread));
    node_->metrics().Add("row_groups_scanned", 1);
    node_->metrics().Add("rows_scanned", read_rows);
    CountSource("row_groups", 1);
    CountSource("rows", read_rows);
    if (!whole) {
      node_->metrics().Add("rows_pruned_by_page_index", group_rows - read_rows);
    }
    StartColumns(std::move(columns), read_rows, std::move(conjuncts), &facts);
    return read_rows > 0;
  }

  // Reads every source of a merge unit, merges rows of the same point (series key and time) with
  // the later source winning per non-null field, as the write buffer merges duplicates, and
  // starts the merged rows. Sources are only pruned by time here: the field values of a later
  // source can change whether a point passes a filter.
  absl::StatusOr<bool> StartMerge(const ScanUnit& unit) {
    const BufferScanSpec& spec = node_->spec();
    const TimeBounds& bounds = node_->time_bounds();
    // The scan columns, then the key columns the scan does not read.
    std::vector<uint32_t> ids = spec.column_ids;
    std::vector<TypeId> types;
    for (int i = 0; i < spec.scan_schema->num_fields(); ++i) {
      types.push_back(spec.scan_schema->field(i).type);
    }
    auto position_of = [&](uint32_t id, TypeId type) {
      auto it = std::find(ids.begin(), ids.end(), id);
      if (it != ids.end()) {
        return static_cast<int>(it - ids.begin());
      }
      ids.push_back(id);
      types.push_back(type);
      return static_cast<int>(ids.size() - 1);
    };
    const int time_position = position_of(catalog::kTimeColumnId, TypeId::kTimestamp);
    std::vector<int> key_positions;
    for (uint32_t id : spec.series_key_column_ids) {
      key_positions.push_back(position_of(id, TypeId::kDictionary));
    }

    // Every source's rows, oldest source first.
    std::vector<std::vector<ColumnPtr>> parts(ids.size());
    int64_t total = 0;
    auto add_part = [&](std::vector<ColumnPtr> columns, int64_t rows) {
      for (size_t c = 0; c < columns.size(); ++c) {
        parts[c].push_back(std::move(columns[c]));
      }
      total += rows;
    };
    for (const ScanUnit::Source& source : unit.sources) {
      STRATA_RETURN_IF_ERROR(context_->CheckCancelled());
      if (source.file != nullptr) {
        STRATA_ASSIGN_OR_RETURN(std::shared_ptr<const persist::OpenedFile> file,
                                node_->sources().files->Open(*source.file));
        node_->metrics().Add("files_scanned", 1);
        for (int rg = 0; rg < file->reader->num_row_groups(); ++rg) {
          const auto [min_time, max_time] = RowGroupTimeRange(*file, rg);
          if (min_time > bounds.max_time || max_time < bounds.min_time) {
            node_->metrics().Add("row_groups_pruned_by_stats", 1);
            continue;
          }
          int64_t rows = 0;
          STRATA_ASSIGN_OR_RETURN(
              std::vector<ColumnPtr> columns,
              ReadFileColumns(*file, *source.file, rg, ids, types, nullptr, &rows));
          node_->metrics().Add("row_groups_scanned", 1);
          add_part(std::move(columns), rows);
        }
        continue;
      }
      for (const ChunkSnapshotPtr& chunk : source.chunks) {
        STRATA_RETURN_IF_ERROR(CheckColumnTypes(spec, *chunk));
        std::vector<ColumnPtr> columns;
        for (size_t c = 0; c < ids.size(); ++c) {
          columns.push_back(ChunkColumn(*chunk, ids[c], types[c]));
        }
        node_->metrics().Add("chunks_scanned", 1);
        add_part(std::move(columns), chunk->row_count());
      }
    }
    node_->metrics().Add("rows_scanned", total);
    node_->metrics().Add("overlapping_sources_merged", static_cast<int64_t>(unit.sources.size()));
    CountSource("rows", total);
    if (total == 0) {
      return false;
    }
    if (total > std::numeric_limits<uint32_t>::max()) {
      return absl::ResourceExhaustedError(fmt::format(
          "scan of {}: {} overlapping rows to merge in one time window", spec.table_name, total));
    }
    std::vector<ColumnPtr> all(ids.size());
    for (size_t c = 0; c < ids.size(); ++c) {
      all[c] = exec::Concatenate(parts[c]);
    }

    // Sort by series key (a null tag first, then values by their bytes) and time; stable, so
    // rows of one point stay in source order.
    std::vector<uint32_t> order(static_cast<size_t>(total));
    std::iota(order.begin(), order.end(), 0u);
    const Column& time = *all[static_cast<size_t>(time_position)];
    auto compare_keys = [&](uint32_t a, uint32_t b) -> int {
      for (int k : key_positions) {
        const Column& column = *all[static_cast<size_t>(k)];
        const bool null_a = column.IsNull(a);
        const bool null_b = column.IsNull(b);
        if (null_a || null_b) {
          if (null_a != null_b) {
            return null_a ? -1 : 1;
          }
          continue;
        }
        const int c = column.GetString(a).compare(column.GetString(b));
        if (c != 0) {
          return c < 0 ? -1 : 1;
        }
      }
      const int64_t ta = time.GetInt64(a);
      const int64_t tb = time.GetInt64(b);
      return ta < tb ? -1 : (ta > tb ? 1 : 0);
    };
    std::stable_sort(
        order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return compare_keys(a, b) < 0; });

    // One output row per point: per column, the value of the latest row of the point that has
    // one.
    const size_t scan_columns = spec.column_ids.size();
    std::vector<std::vector<uint32_t>> take(scan_columns);
    int64_t points = 0;
    for (size_t begin = 0; begin < order.size();) {
      size_t end = begin + 1;
      while (end < order.size() && compare_keys(order[begin], order[end]) == 0) {
        ++end;
      }
      for (size_t c = 0; c < scan_columns; ++c) {
        const Column& column = *all[c];
        uint32_t chosen = order[end - 1];
        for (size_t r = end; r > begin; --r) {
          if (!column.IsNull(order[r - 1])) {
            chosen = order[r - 1];
            break;
          }
        }
        take[c].push_back(chosen);
      }
      ++points;
      begin = end;
    }
    node_->metrics().Add("duplicate_rows_merged", total - points);
    std::vector<ColumnPtr> columns;
    for (size_t c = 0; c < scan_columns; ++c) {
      ColumnPtr column = exec::Take(*all[c], take[c].data(), points);
      if (types[c] == TypeId::kDictionary && column->type() != TypeId::kDictionary) {
        column = ToDictionary(*column);
      }
      columns.push_back(std::move(column));
    }
    StartColumns(
        std::move(columns), points, RemainingConjuncts(INT64_MIN, INT64_MAX, nullptr), nullptr);
    return true;
  }

  // Produces the batch of rows [offset_, offset_ + kMaxBatchRows) of the current rows; false
  // when no row of it passes the filters.
  absl::StatusOr<bool> NextSlice(exec::Batch* out) {
    const BufferScanSpec& spec = node_->spec();
    const int64_t rows = current_rows_;
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

  // The read of the current source, for the trace (see exec::SourceSpan): opened when a unit
  // starts, recorded when the next one starts or the stream ends.
  void BeginSource(std::string name, std::string source) {
    EndSource();
    source_ = exec::SourceSpan{.name = std::move(name),
                               .source = std::move(source),
                               .start_unix_nanos = observe::UnixNanosNow(),
                               .end_unix_nanos = 0,
                               .counts = {}};
  }
  void CountSource(const char* name, int64_t value) {
    if (!source_.has_value()) {
      return;
    }
    for (auto& [key, count] : source_->counts) {
      if (key == name) {
        count += value;
        return;
      }
    }
    source_->counts.emplace_back(name, value);
  }
  void EndSource() {
    if (source_.has_value()) {
      source_->end_unix_nanos = observe::UnixNanosNow();
      node_->metrics().AddSourceSpan(*std::move(source_));
      source_.reset();
    }
  }

  const BufferScanExec* node_;
  std::optional<exec::SourceSpan> source_;
  std::shared_ptr<const ScanSnapshot> snapshot_;
  size_t next_unit_;
  std::shared_ptr<exec::TaskContext> context_;
  int64_t remaining_ = INT64_MAX;

  // The file whose row groups are being read (null: none).
  std::shared_ptr<const persist::OpenedFile> file_;
  const persist::ParquetFileInfo* file_info_ = nullptr;  // owned by snapshot_
  int next_row_group_ = 0;

  // The rows being returned.
  bool has_current_ = false;
  std::vector<ColumnPtr> columns_;
  int64_t current_rows_ = 0;
  int64_t offset_ = 0;
  std::vector<exec::PhysicalExprPtr> conjuncts_;  // their row filters
  std::vector<ColumnPtr> unread_columns_;         // UnreadColumn's, one per type
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

BufferScanExec::BufferScanExec(ScanSources sources,
                               BufferScanSpec spec,
                               SchemaPtr output_schema,
                               TimeBounds bounds,
                               std::vector<exec::PhysicalExprPtr> conjuncts,
                               std::vector<exec::PhysicalExprPtr> conjuncts_without_time)
    : sources_(sources),
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
  return MakeBufferScanExec(sources_, spec_);
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
  absl::StatusOr<exec::ExecutionPlanPtr> scan = MakeBufferScanExec(sources_, std::move(spec));
  return scan.ok() ? *scan : nullptr;
}

ColumnPtr ToDictionary(const Column& column) {
  auto dictionary = std::make_shared<StringDictionary>();
  auto out = std::make_shared<Column>(TypeId::kDictionary, dictionary);
  out->Reserve(column.size());
  for (int64_t i = 0; i < column.size(); ++i) {
    if (column.IsNull(i)) {
      out->AppendNull();
    } else {
      out->AppendDictionaryCode(dictionary->GetOrInsert(column.GetString(i)));
    }
  }
  return out;
}

void BufferScanExec::UseSnapshot(std::shared_ptr<const ScanSnapshot> snapshot) const {
  std::lock_guard<std::mutex> lock(mu_);
  snapshot_ = std::move(snapshot);
}

absl::StatusOr<std::shared_ptr<const ScanSnapshot>> BufferScanExec::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (snapshot_ != nullptr) {
    return snapshot_;
  }
  auto snapshot = std::make_shared<ScanSnapshot>();
  const bool with_files = sources_.persister != nullptr && sources_.files != nullptr;
  // The table's chunk count comes from a separate call, so under concurrent writes the pruned
  // count is approximate (never negative).
  std::optional<buffer::TableStats> stats =
      sources_.buffer->table_stats(spec_.database_id, spec_.table_id);
  const int64_t total_chunks = stats ? stats->chunks : 0;
  std::vector<ChunkSnapshotPtr> chunks;
  if (!bounds_.empty()) {
    if (with_files) {
      persist::Persister::TableView view = sources_.persister->ViewTable(
          spec_.database_id, spec_.table_id, bounds_.min_time, bounds_.max_time);
      chunks = std::move(view.chunks);
      snapshot->index = std::move(view.index);
    } else {
      chunks = sources_.buffer->SnapshotTable(
          spec_.database_id, spec_.table_id, bounds_.min_time, bounds_.max_time);
    }
  } else if (with_files) {
    snapshot->index = sources_.persister->index();
  }
  metrics().Add("chunks_pruned_by_time",
                std::max<int64_t>(0, total_chunks - static_cast<int64_t>(chunks.size())));

  // The pieces of the table that may hold rows in the time bounds: each file, and each buffer
  // partition (its chunks). Pieces whose time ranges overlap may hold the same point.
  struct Piece {
    int64_t min_time = INT64_MAX;
    int64_t max_time = INT64_MIN;
    // Which of two pieces holds the later writes: files by snapshot, then file id; every buffer
    // partition after every file (it holds rows written after the files' snapshots), by id.
    std::tuple<int, uint64_t, uint64_t> age;
    const persist::ParquetFileInfo* file = nullptr;
    std::vector<ChunkSnapshotPtr> chunks;
    // By series key column (spec_.series_key_column_ids).
    std::vector<KeyColumnRange> keys;
  };
  std::vector<Piece> pieces;
  if (snapshot->index != nullptr) {
    int64_t pruned = 0;
    for (const persist::ParquetFileInfo* file :
         snapshot->index->TableFiles(spec_.database_id, spec_.table_id)) {
      if (file->max_time < bounds_.min_time || file->min_time > bounds_.max_time) {
        ++pruned;
        continue;
      }
      Piece piece;
      piece.min_time = file->min_time;
      piece.max_time = file->max_time;
      piece.age = {0, file->snapshot_sequence, file->file_id};
      piece.file = file;
      piece.keys.resize(spec_.series_key_column_ids.size());
      for (size_t k = 0; k < spec_.series_key_column_ids.size(); ++k) {
        auto column = std::find_if(
            file->columns.begin(), file->columns.end(), [&](const persist::ColumnStats& c) {
              return c.column_id == spec_.series_key_column_ids[k];
            });
        if (column == file->columns.end()) {
          piece.keys[k].AddAbsent();
        } else {
          piece.keys[k].Add(column->null_count, file->row_count, column->min, column->max);
        }
      }
      pieces.push_back(std::move(piece));
    }
    metrics().Add("files_pruned_by_time", pruned);
    metrics().Add("files_scanned", 0);
    if (sources_.file_limit > 0 && static_cast<int64_t>(pieces.size()) > sources_.file_limit) {
      snapshot_ = nullptr;
      return absl::InvalidArgumentError(
          fmt::format("query would read {} Parquet files of table '{}', more than the limit of {} "
                      "(--query-file-limit): narrow its time range or raise the limit",
                      pieces.size(),
                      spec_.table_name,
                      sources_.file_limit));
    }
  }
  {
    absl::btree_map<uint64_t, size_t> piece_of_partition;
    for (ChunkSnapshotPtr& chunk : chunks) {
      auto [it, inserted] = piece_of_partition.emplace(chunk->partition_id(), pieces.size());
      if (inserted) {
        Piece piece;
        piece.age = {1, chunk->partition_id(), 0};
        piece.keys.resize(spec_.series_key_column_ids.size());
        pieces.push_back(std::move(piece));
      }
      Piece& piece = pieces[it->second];
      piece.min_time = std::min(piece.min_time, chunk->min_time());
      piece.max_time = std::max(piece.max_time, chunk->max_time());
      for (size_t k = 0; k < spec_.series_key_column_ids.size(); ++k) {
        const buffer::ChunkColumnSnapshot* column =
            chunk->FindColumn(spec_.series_key_column_ids[k]);
        if (column == nullptr) {
          piece.keys[k].AddAbsent();
        } else {
          piece.keys[k].Add(column->statistics.null_count,
                            chunk->row_count(),
                            column->statistics.min,
                            column->statistics.max);
        }
      }
      piece.chunks.push_back(std::move(chunk));
    }
  }
  std::stable_sort(pieces.begin(), pieces.end(), [](const Piece& a, const Piece& b) {
    return a.min_time < b.min_time;
  });
  // Pieces that may hold the same point (their time ranges overlap and so may their series keys)
  // are merged per point; groups of such pieces are the connected components of that relation.
  std::vector<size_t> parent(pieces.size());
  std::iota(parent.begin(), parent.end(), size_t{0});
  auto root = [&](size_t i) {
    while (parent[i] != i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  std::vector<size_t> active;  // earlier pieces whose time range reaches the current one
  for (size_t i = 0; i < pieces.size(); ++i) {
    std::erase_if(active, [&](size_t j) { return pieces[j].max_time < pieces[i].min_time; });
    for (size_t j : active) {
      if (root(i) != root(j) && SeriesMayBeShared(pieces[i].keys, pieces[j].keys)) {
        parent[root(j)] = root(i);
      }
    }
    active.push_back(i);
  }
  // Units in the order of their earliest piece.
  std::vector<std::vector<size_t>> groups;
  std::vector<size_t> group_of_root(pieces.size(), SIZE_MAX);
  for (size_t i = 0; i < pieces.size(); ++i) {
    size_t& group = group_of_root[root(i)];
    if (group == SIZE_MAX) {
      group = groups.size();
      groups.emplace_back();
    }
    groups[group].push_back(i);
  }
  for (std::vector<size_t>& group : groups) {
    if (group.size() == 1) {
      Piece& piece = pieces[group[0]];
      if (piece.file != nullptr) {
        ScanUnit unit;
        unit.kind = ScanUnit::Kind::kFile;
        unit.file = piece.file;
        snapshot->units.push_back(std::move(unit));
      } else {
        for (ChunkSnapshotPtr& chunk : piece.chunks) {
          ScanUnit unit;
          unit.kind = ScanUnit::Kind::kChunk;
          unit.chunk = std::move(chunk);
          snapshot->units.push_back(std::move(unit));
        }
      }
      continue;
    }
    std::sort(group.begin(), group.end(), [&](size_t a, size_t b) {
      return pieces[a].age < pieces[b].age;
    });
    ScanUnit unit;
    unit.kind = ScanUnit::Kind::kMerge;
    for (size_t i : group) {
      unit.sources.push_back(ScanUnit::Source{pieces[i].file, std::move(pieces[i].chunks)});
    }
    snapshot->units.push_back(std::move(unit));
  }
  snapshot_ = std::move(snapshot);
  return snapshot_;
}

bool BufferScanExec::ChunkMayMatch(const ChunkSnapshot& chunk) const {
  return FiltersMayMatch(spec_.filters, ChunkFacts(spec_, chunk));
}

absl::StatusOr<std::unique_ptr<exec::BatchStream>> BufferScanExec::Execute(
    int partition, const std::shared_ptr<exec::TaskContext>& context) const {
  if (partition < 0 || partition >= spec_.partitions) {
    return absl::InvalidArgumentError(fmt::format(
        "BufferScanExec: partition {} out of range (0..{})", partition, spec_.partitions));
  }
  STRATA_ASSIGN_OR_RETURN(std::shared_ptr<const ScanSnapshot> snapshot, Snapshot());
  std::unique_ptr<exec::BatchStream> stream =
      std::make_unique<BufferScanStream>(this, std::move(snapshot), partition, context);
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
  return MakeBufferScanExec(ScanSources{.buffer = buffer}, std::move(spec));
}

absl::StatusOr<exec::ExecutionPlanPtr> MakeBufferScanExec(ScanSources sources,
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
  return std::make_shared<BufferScanExec>(sources,
                                          std::move(spec),
                                          std::move(output_schema),
                                          std::move(bounds),
                                          std::move(conjuncts),
                                          std::move(without_time));
}

}  // namespace strata::query
