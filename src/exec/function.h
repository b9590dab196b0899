// Scalar and aggregate functions: their names, type resolution (used by the binder) and
// vectorized implementations (used by the operators). One process-wide registry holds them all.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "exec/batch.h"
#include "exec/datum.h"

namespace strata::exec {

// The argument types a call must be cast to, and its result type.
struct FunctionSignature {
  std::vector<TypeId> args;
  TypeId result;
};

// A scalar function: one output value per input row.
struct ScalarFunction {
  std::string name;  // lower case, as written in SQL
  // Resolves a call with argument types `args` (kNull for an untyped NULL literal). Errors are
  // InvalidArgument naming the function: "function 'round' expects 1 or 2 arguments, got 3",
  // "function 'lower' does not accept int64".
  std::function<absl::StatusOr<FunctionSignature>(const std::vector<TypeId>& args)> resolve;
  // Evaluates a call over `num_rows` rows; `args` have the resolved types (a string argument may
  // be kString or kDictionary). Returns a column of num_rows values or a scalar; when every
  // argument is a scalar, must return a scalar.
  std::function<absl::StatusOr<Datum>(const std::vector<Datum>& args, int64_t num_rows)> execute;
  // False for now() and random(): never constant-folded. (now() is replaced by the query's start
  // time at planning, so its execute is only a fallback.)
  bool deterministic = true;

  // Optional, for a function whose result type depends on the value of a constant argument
  // (DataFusion's return_type_from_args): date_part is int64 for every field but epoch, which is
  // float64. `constants[i]` is argument i's value when it is a literal, else null. Callers go
  // through ResolveScalarCall, which falls back to `resolve`.
  std::function<absl::StatusOr<FunctionSignature>(const std::vector<TypeId>& args,
                                                  const std::vector<const Scalar*>& constants)>
      resolve_with_constants;
  // Optional: execute, also told the result type the call was resolved to (DataFusion's
  // invoke_with_args gets it too). Set by the functions with resolve_with_constants, whose
  // result type the arguments' types alone do not say. Used instead of `execute` when set.
  std::function<absl::StatusOr<Datum>(
      const std::vector<Datum>& args, int64_t num_rows, TypeId result)>
      execute_with_result_type;
};

// Resolves a call of `function`: by its resolve_with_constants when it has one (constants as
// there; may be shorter than args, missing entries meaning "not a constant"), else by resolve.
// The binder resolves every scalar call through this.
absl::StatusOr<FunctionSignature> ResolveScalarCall(const ScalarFunction& function,
                                                    const std::vector<TypeId>& args,
                                                    const std::vector<const Scalar*>& constants);

// Accumulates one aggregate for many groups at once (DataFusion's GroupsAccumulator): the hash
// aggregate operator maps each input row to a dense group index and hands whole batches over.
class GroupsAccumulator {
 public:
  virtual ~GroupsAccumulator() = default;

  // Adds rows. `args` are columns of the batch's physical rows, cast to the signature's types;
  // `selection` (may be null: all rows) lists the rows to add, and group_ids[i] is the group of
  // the i-th of those rows. total_groups is the number of groups so far (every group id is less).
  virtual absl::Status Update(const std::vector<ColumnPtr>& args,
                              const SelectionVector* selection,
                              const uint32_t* group_ids,
                              uint32_t total_groups) = 0;

  // Partial aggregation: the intermediate state of every group, as columns of total_groups rows
  // (types: state_types of the AggregateFunction), e.g. sum and count for avg.
  virtual absl::StatusOr<std::vector<ColumnPtr>> State() = 0;
  // Final aggregation: merges states produced by State() of other accumulators;
  // states[k] has one row per row of the input batch, group_ids as in Update (no selection).
  virtual absl::Status Merge(const std::vector<ColumnPtr>& states,
                             const uint32_t* group_ids,
                             uint32_t total_groups) = 0;
  // The final value of every group (total_groups rows, the signature's result type).
  virtual absl::StatusOr<ColumnPtr> Evaluate() = 0;

  // Heap bytes held, for memory accounting. Called after every input batch, so it must be cheap:
  // O(1), not a walk over the groups (keep running totals of variable-size state).
  virtual size_t MemoryUsage() const = 0;
};

// Options of one aggregate call.
struct AggregateCallOptions {
  bool distinct = false;  // count(DISTINCT x)
  // Constant arguments after the first (e.g. the percentile of approx_percentile_cont), already
  // evaluated by the planner.
  std::vector<Scalar> constant_args;
};

struct AggregateFunction {
  std::string name;  // lower case
  // As ScalarFunction::resolve, for the non-constant arguments plus the constant ones' types.
  std::function<absl::StatusOr<FunctionSignature>(const std::vector<TypeId>& args)> resolve;
  // The types of the partial state columns for a resolved signature.
  std::function<std::vector<TypeId>(const FunctionSignature& signature)> state_types;
  std::function<absl::StatusOr<std::unique_ptr<GroupsAccumulator>>(
      const FunctionSignature& signature, const AggregateCallOptions& options)>
      create;
  // Number of leading arguments that are data columns; the rest must be constants (e.g. 1 for
  // approx_percentile_cont(x, 0.9)).
  int data_args = 1;
};

// Every built-in function. Thread-safe (immutable after construction).
class FunctionRegistry {
 public:
  static const FunctionRegistry& Default();

  // Looks a function up by lower-case name; nullptr when unknown.
  const ScalarFunction* FindScalar(std::string_view name) const;
  const AggregateFunction* FindAggregate(std::string_view name) const;
  // All names (scalar and aggregate), for "did you mean" suggestions.
  std::vector<std::string> Names() const;

  void Register(ScalarFunction function);
  void Register(AggregateFunction function);

 private:
  std::vector<std::unique_ptr<ScalarFunction>> scalars_;
  std::vector<std::unique_ptr<AggregateFunction>> aggregates_;
};

}  // namespace strata::exec
