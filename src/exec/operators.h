// Constructors of the built-in physical operators (implemented in exec/operators/). Table scans
// are not here: each table provider brings its own scan node (src/query/buffer_scan_exec.h).
//
// Partitioning: unless noted, an operator has as many output partitions as its input and works
// on each partition independently. Operators marked "single partition" REQUIRE an input with one
// partition; the physical planner puts a CoalescePartitionsExec below them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "exec/execution_plan.h"
#include "exec/function.h"
#include "exec/physical_expr.h"

namespace strata::exec {

// Keeps the rows where `predicate` (bool) is true; refines the batch's selection, copies nothing.
absl::StatusOr<ExecutionPlanPtr> MakeFilterExec(PhysicalExprPtr predicate, ExecutionPlanPtr input);

struct ProjectionItem {
  PhysicalExprPtr expr;
  std::string name;  // output field name
};
// Computes one output column per item. Plain column references pass the input column through
// (and keep a selection); other expressions compact the batch first.
absl::StatusOr<ExecutionPlanPtr> MakeProjectionExec(std::vector<ProjectionItem> items,
                                                    ExecutionPlanPtr input);

// Merges all input partitions into one (single output partition). Input partitions run in
// parallel on the scheduler; order across partitions is arbitrary.
ExecutionPlanPtr MakeCoalescePartitionsExec(ExecutionPlanPtr input);

struct SortKey {
  PhysicalExprPtr expr;
  bool ascending = true;
  // PostgreSQL's default: NULLs sort as larger than every value (last when ascending).
  bool nulls_first = false;
};
// Sorts each partition (stable). With `fetch`, keeps only the first `fetch` rows (TopK: a bounded
// heap, never sorting the whole input). To sort a whole result, sort a single partition.
absl::StatusOr<ExecutionPlanPtr> MakeSortExec(std::vector<SortKey> keys,
                                              std::optional<int64_t> fetch,
                                              ExecutionPlanPtr input);

// Skips `skip` rows, then passes at most `fetch` rows (all when nullopt) and stops pulling its
// input. Single partition.
absl::StatusOr<ExecutionPlanPtr> MakeLimitExec(int64_t skip,
                                               std::optional<int64_t> fetch,
                                               ExecutionPlanPtr input);
// Passes at most `fetch` rows of each partition (the per-partition half of a pushed-down limit).
ExecutionPlanPtr MakeLocalLimitExec(int64_t fetch, ExecutionPlanPtr input);

// Concatenates its inputs' partitions (output partitions = the sum). REQUIRES: equal schemas in
// number and types of fields (string fields may differ between kString and kDictionary); the
// output uses the first input's names.
absl::StatusOr<ExecutionPlanPtr> MakeUnionExec(std::vector<ExecutionPlanPtr> inputs);

// Literal rows (SELECT 1; VALUES). One partition. An empty `rows` with no fields and
// `produce_one_row` yields one row of zero columns (SELECT without FROM).
// `source`, when set, says in EXPLAIN where the rows come from (a cache a scan reads).
absl::StatusOr<ExecutionPlanPtr> MakeValuesExec(SchemaPtr schema,
                                                std::vector<std::vector<Scalar>> rows,
                                                std::string source = "");
// The same from rows already in columns (`batch`, whose schema is `schema`): what a scan of a
// cache builds, without a Scalar per cell. Encodes (plan codec) as the rows it holds.
absl::StatusOr<ExecutionPlanPtr> MakeValuesExec(SchemaPtr schema, Batch batch, std::string source);
ExecutionPlanPtr MakeEmptyExec(SchemaPtr schema, bool produce_one_row);

enum class AggregateMode : uint8_t {
  kPartial,  // per input partition: groups + partial state columns
  kFinal,    // merges partial states (single partition input, or hash-partitioned by group)
  kSingle,   // raw input to final values in one step (single partition)
};

struct AggregateItem {
  const AggregateFunction* function = nullptr;
  FunctionSignature signature;
  AggregateCallOptions options;
  // Data arguments over the input schema (kPartial/kSingle). In kFinal mode unused: the states
  // are read from the input columns after the group columns, in item order.
  std::vector<PhysicalExprPtr> args;
  // FILTER (WHERE ...) of the call, or null.
  PhysicalExprPtr filter;
  std::string name;  // output field name
};

struct GroupItem {
  PhysicalExprPtr expr;  // over the input schema; in kFinal mode, the group column of the input
  std::string name;
};

// Hash aggregation. Output schema: one column per group (dictionary groups stay kDictionary in
// kPartial mode), then per aggregate its state columns (kPartial) or its value (kFinal, kSingle).
// No groups: exactly one output row, even for empty input (count 0, sum NULL). Dictionary-encoded
// group keys are hashed by code within a batch and translated once per distinct code.
absl::StatusOr<ExecutionPlanPtr> MakeHashAggregateExec(AggregateMode mode,
                                                       std::vector<GroupItem> groups,
                                                       std::vector<AggregateItem> aggregates,
                                                       ExecutionPlanPtr input);

enum class JoinType : uint8_t { kInner, kLeft, kRight, kFull, kLeftSemi, kLeftAnti };
std::string_view JoinTypeName(JoinType type);

struct JoinKey {
  PhysicalExprPtr left;   // over the left input's schema
  PhysicalExprPtr right;  // over the right input's schema (same type as left after casts)
  // `left IS NOT DISTINCT FROM right`: NULL matches NULL (else a NULL key never matches).
  bool null_equal = false;
};

// Equi-join: builds a hash table of the whole left (build) input, then probes it with each right
// partition. NULL keys never match, except in keys that are `null_equal`. `filter` (may be null) is
// an extra condition over the joined schema (left fields then right fields). Output schema: left
// fields then right fields (semi and anti joins: left fields only). kLeftAnti implements NOT IN /
// NOT EXISTS
// (`null_aware`: NOT IN semantics, where a NULL on the right makes every row unknown).
// `dynamic_filter_id` (0: none) publishes the build keys' ranges under that id once the build
// is complete (exec/dynamic_filter.h); only for joins that may drop unmatched probe rows
// (JoinMayFilterProbe).
absl::StatusOr<ExecutionPlanPtr> MakeHashJoinExec(JoinType type,
                                                  std::vector<JoinKey> on,
                                                  PhysicalExprPtr filter,
                                                  bool null_aware,
                                                  ExecutionPlanPtr left,
                                                  ExecutionPlanPtr right,
                                                  int dynamic_filter_id = 0);
// True when a hash join of this kind never outputs nor depends on a probe (right) row whose key
// matches no build key: inner, left, semi and anti joins that are not null-aware.
bool JoinMayFilterProbe(JoinType type, bool null_aware);
// Any join condition (or none: cross join), by nested loops over a buffered left input.
absl::StatusOr<ExecutionPlanPtr> MakeNestedLoopJoinExec(JoinType type,
                                                        PhysicalExprPtr filter,
                                                        ExecutionPlanPtr left,
                                                        ExecutionPlanPtr right);

enum class WindowFunctionKind : uint8_t {
  kRowNumber,
  kRank,
  kDenseRank,
  kPercentRank,
  kCumeDist,
  kNtile,
  kLag,
  kLead,
  kFirstValue,
  kLastValue,
  kNthValue,
  kAggregate,  // an aggregate function over the frame
};

struct WindowFrame {
  enum class Units : uint8_t { kRows, kRange };
  enum class BoundKind : uint8_t {
    kUnboundedPreceding,
    kPreceding,
    kCurrentRow,
    kFollowing,
    kUnboundedFollowing
  };
  Units units = Units::kRange;
  BoundKind start = BoundKind::kUnboundedPreceding;
  int64_t start_offset = 0;  // ROWS kPreceding/kFollowing: a number of rows
  BoundKind end = BoundKind::kCurrentRow;
  int64_t end_offset = 0;
  // RANGE kPreceding/kFollowing: how far the bound's ORDER BY value is from the current row's
  // (PostgreSQL's semantics; the item has exactly one ORDER BY key): a non-negative number for a
  // numeric key, a non-negative interval for a timestamp key (CheckRangeFrameOffset).
  Scalar start_range_offset;
  Scalar end_range_offset;
  // SQL's default frame when there is an ORDER BY (RANGE UNBOUNDED PRECEDING..CURRENT ROW, peers
  // share values); without ORDER BY the planner sets end = kUnboundedFollowing.
};

// Whether `frame` is SQL's default frame for a window with (`ordered`) or without an ORDER BY.
bool IsDefaultWindowFrame(const WindowFrame& frame, bool ordered);
// The frame as SQL, e.g. "RANGE BETWEEN INTERVAL '1 hour' PRECEDING AND CURRENT ROW".
std::string WindowFrameText(const WindowFrame& frame);
// OK when `offset` may bound a RANGE frame over an ORDER BY key of type `key_type`: a non-NULL,
// non-negative, non-NaN int64, uint64 or float64 for an int64, uint64 or float64 key, a
// non-NULL interval that is not negative (30-day months, as PostgreSQL compares intervals) for a
// timestamp key. InvalidArgument naming the problem otherwise.
absl::Status CheckRangeFrameOffset(TypeId key_type, const Scalar& offset);

struct WindowItem {
  WindowFunctionKind kind = WindowFunctionKind::kRowNumber;
  // kAggregate: the function and its resolved signature.
  const AggregateFunction* aggregate = nullptr;
  FunctionSignature signature;
  AggregateCallOptions options;
  std::vector<PhysicalExprPtr> args;  // lag(x, offset, default): x, then constant offset/default
  std::vector<PhysicalExprPtr> partition_by;
  std::vector<SortKey> order_by;
  WindowFrame frame;
  TypeId type = TypeId::kInt64;  // result type
  std::string name;
};

// Appends one column per window item to its input's columns. Single partition; sorts its input
// by (partition_by, order_by) of the first item (items with other keys are evaluated in further
// passes).
absl::StatusOr<ExecutionPlanPtr> MakeWindowExec(std::vector<WindowItem> items,
                                                ExecutionPlanPtr input);

// Read access to the parameters the built-in operators were made with, for the plan codec
// (src/codec) and optimizer rules: DataFusion's downcast plus accessors. Each operator class
// implements the interface of its kind; find it with dynamic_cast on the ExecutionPlan, e.g.
// `dynamic_cast<const FilterExecParams*>(&plan)`. CoalescePartitionsExec and UnionExec have no
// parameters besides their children.
class FilterExecParams {
 public:
  virtual ~FilterExecParams() = default;
  virtual const PhysicalExprPtr& predicate() const = 0;
};

class ProjectionExecParams {
 public:
  virtual ~ProjectionExecParams() = default;
  virtual const std::vector<ProjectionItem>& items() const = 0;
};

class SortExecParams {
 public:
  virtual ~SortExecParams() = default;
  virtual const std::vector<SortKey>& keys() const = 0;
  virtual std::optional<int64_t> fetch() const = 0;
};

// LimitExec and LocalLimitExec (skip is 0 and fetch is set for the local one).
class LimitExecParams {
 public:
  virtual ~LimitExecParams() = default;
  virtual int64_t skip() const = 0;
  virtual std::optional<int64_t> fetch() const = 0;
};

class ValuesExecParams {
 public:
  virtual ~ValuesExecParams() = default;
  virtual const std::vector<std::vector<Scalar>>& rows() const = 0;
};

class EmptyExecParams {
 public:
  virtual ~EmptyExecParams() = default;
  virtual bool produce_one_row() const = 0;
};

class HashAggregateExecParams {
 public:
  virtual ~HashAggregateExecParams() = default;
  virtual AggregateMode mode() const = 0;
  virtual const std::vector<GroupItem>& groups() const = 0;
  virtual const std::vector<AggregateItem>& aggregates() const = 0;
};

// HashJoinExec and NestedLoopJoinExec (no keys, never null-aware).
class JoinExecParams {
 public:
  virtual ~JoinExecParams() = default;
  virtual JoinType join_type() const = 0;
  virtual const std::vector<JoinKey>& on() const = 0;
  virtual const PhysicalExprPtr& filter() const = 0;  // null: none
  virtual bool null_aware() const = 0;
  // HashJoinExec: the id its build keys' ranges are published under (0: none).
  virtual int dynamic_filter_id() const = 0;
};

class WindowExecParams {
 public:
  virtual ~WindowExecParams() = default;
  virtual const std::vector<WindowItem>& items() const = 0;
};

}  // namespace strata::exec
