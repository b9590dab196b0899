// Logical plans: the binder's output and the optimizer's input (DataFusion's LogicalPlan). A tree
// of relational nodes; each node has an output schema of qualified, typed fields, and its
// expressions refer to its input's fields by index (for joins: left fields, then right fields).
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "columnar/schema.h"
#include "plan/expr.h"
#include "plan/table_provider.h"

namespace strata::plan {

// One output field of a plan node. `qualifier` is the table name or alias that qualifies it in
// SQL (`cpu.usage`, `t.x`), empty for computed columns.
struct PlanField {
  std::string qualifier;
  std::string name;
  TypeId type = TypeId::kNull;
  bool nullable = true;
};

enum class PlanKind : uint8_t {
  kScan,        // table: provider; projection, filters, fetch set by the optimizer
  kFilter,      // predicate over input
  kProjection,  // exprs over input; output names in schema
  kAggregate,   // group_exprs then aggregate_exprs; output = groups then aggregates
  kSort,        // sort_exprs; fetch = TopK limit
  kLimit,       // skip, fetch
  kJoin,        // join_type, left_keys/right_keys (equi), filter (over left ++ right)
  kUnion,       // UNION ALL of inputs (UNION = Aggregate over it with every column a group)
  kWindow,      // input fields then one per window_exprs
  kValues,      // rows of literal expressions (SELECT without FROM: one row, zero fields)
  kEmpty,       // no rows (a WHERE false) or one row of zero fields (produce_one_row)
  kExplain,     // the plan of `inputs[0]` as text; analyze: run it and show metrics
};

struct LogicalPlan {
  PlanKind kind = PlanKind::kEmpty;
  std::vector<PlanField> schema;
  std::vector<LogicalPlanPtr> inputs;

  // kScan
  TableProviderPtr table;
  std::string table_name;        // as written/aliased (the fields' qualifier)
  std::vector<int> projection;   // table field indices; output schema follows it
  std::vector<ExprPtr> filters;  // over the table's fields (not the projection)
  std::optional<int64_t> fetch;  // kScan, kSort (TopK), kLimit

  // kFilter
  ExprPtr predicate;
  // kProjection (exprs), kAggregate (group_exprs, aggregate_exprs), kWindow (window_exprs),
  // kValues (values: rows of exprs)
  std::vector<ExprPtr> exprs;
  std::vector<ExprPtr> group_exprs;
  std::vector<ExprPtr> aggregate_exprs;
  std::vector<ExprPtr> window_exprs;
  std::vector<std::vector<ExprPtr>> values;
  // kSort
  std::vector<SortExpr> sort_exprs;
  // kLimit
  int64_t skip = 0;
  // kJoin
  exec::JoinType join_type = exec::JoinType::kInner;
  std::vector<ExprPtr> left_keys;   // over the left input
  std::vector<ExprPtr> right_keys;  // over the right input
  // Per key, whether it is `IS NOT DISTINCT FROM` (NULL matches NULL); empty or shorter than the
  // keys: the others are `=`. (null_equal_key(i) reads it.)
  std::vector<bool> null_equal_keys;
  ExprPtr join_filter;      // over left ++ right, or null
  bool null_aware = false;  // NOT IN anti join
  bool null_equal_key(size_t i) const { return i < null_equal_keys.size() && null_equal_keys[i]; }
  bool any_null_equal_key() const {
    return std::find(null_equal_keys.begin(), null_equal_keys.end(), true) != null_equal_keys.end();
  }
  // kEmpty
  bool produce_one_row = false;
  // kExplain
  bool analyze = false;
  bool verbose = false;

  // The schema as a columnar Schema (names only, no qualifiers).
  SchemaPtr ToSchema() const;
  // The plan as an indented tree, one node a line:
  //   Projection: cpu.host, avg(cpu.usage)
  //     Aggregate: groupBy=[cpu.host], aggr=[avg(cpu.usage)]
  //       TableScan: cpu projection=[host, usage] filters=[time >= ...]
  std::string ToString() const;
};

// Builders that compute the output schema. Each REQUIRES well-typed input (binder's job).
LogicalPlanPtr MakeScan(TableProviderPtr table, std::string table_name);
LogicalPlanPtr MakeFilter(ExprPtr predicate, LogicalPlanPtr input);
// `names[i]` names exprs[i] (the qualifier of a plain column reference is kept).
LogicalPlanPtr MakeProjection(std::vector<ExprPtr> exprs,
                              std::vector<std::string> names,
                              LogicalPlanPtr input);
LogicalPlanPtr MakeAggregate(std::vector<ExprPtr> group_exprs,
                             std::vector<ExprPtr> aggregate_exprs,
                             LogicalPlanPtr input);
LogicalPlanPtr MakeSort(std::vector<SortExpr> keys,
                        std::optional<int64_t> fetch,
                        LogicalPlanPtr input);
LogicalPlanPtr MakeLimit(int64_t skip, std::optional<int64_t> fetch, LogicalPlanPtr input);

// A copy of `plan` with other inputs.
LogicalPlanPtr WithInputs(const LogicalPlan& plan, std::vector<LogicalPlanPtr> inputs);

}  // namespace strata::plan
