// HashJoinExec: the left input is collected once per query (all its partitions merged) into a
// GroupTable of its keys with per-key row chains; each right partition probes it. Left rows'
// match flags are shared by the probes, and the last probe to finish emits the left rows that
// depend on every probe (unmatched rows of LEFT/FULL joins, semi and anti joins).
#include <algorithm>
#include <atomic>
#include <mutex>
#include <numeric>
#include <optional>

#include "absl/strings/str_join.h"
#include "common/status.h"
#include "exec/expr/datum_access.h"
#include "exec/function.h"
#include "exec/operators.h"
#include "exec/operators/evaluation.h"
#include "exec/operators/group_table.h"
#include "exec/operators/partition_merge.h"
#include "exec/operators/plan_node.h"
#include "exec/operators/row_table.h"
#include "exec/take.h"
#include "fmt/format.h"

namespace strata::exec {

std::string_view JoinTypeName(JoinType type) {
  switch (type) {
    case JoinType::kInner:
      return "Inner";
    case JoinType::kLeft:
      return "Left";
    case JoinType::kRight:
      return "Right";
    case JoinType::kFull:
      return "Full";
    case JoinType::kLeftSemi:
      return "LeftSemi";
    case JoinType::kLeftAnti:
      return "LeftAnti";
  }
  return "?";
}

namespace {

bool OutputsRightColumns(JoinType type) {
  return type != JoinType::kLeftSemi && type != JoinType::kLeftAnti;
}

SchemaPtr JoinSchema(JoinType type, const Schema& left, const Schema& right) {
  std::vector<Field> fields = left.fields();
  if (OutputsRightColumns(type)) {
    for (const Field& field : right.fields()) {
      fields.push_back(field);
    }
  }
  for (Field& field : fields) {
    field.nullable = field.nullable || type != JoinType::kInner;
  }
  return std::make_shared<Schema>(std::move(fields));
}

// The collected left side, shared by the probes of one query.
struct JoinBuild {
  std::mutex mu;
  bool built = false;   // guarded by mu
  absl::Status status;  // guarded by mu

  // Immutable once built.
  RowTable table;
  std::unique_ptr<GroupTable> keys;
  std::vector<int32_t> first;                 // group -> first left row, or -1
  std::vector<int32_t> next;                  // left row -> next row of its key, or -1
  std::vector<uint8_t> null_key;              // left row -> its key has a NULL
  std::vector<std::atomic<uint8_t>> matched;  // left row -> matched by some probe
  MemoryReservation reservation;              // the rows and the index above

  std::atomic<int> unfinished_probes{0};
  std::atomic<bool> right_has_null_key{false};
  std::atomic<bool> right_has_rows{false};
};

// The smallest and largest non-null value of `column` over `rows` (null: every row), through
// the min and max aggregates; nullopt when every such value is NULL.
absl::StatusOr<std::optional<DynamicFilterValue::Range>> KeyRange(const ColumnPtr& column,
                                                                  const SelectionVector* rows) {
  const int64_t n = rows != nullptr ? static_cast<int64_t>(rows->size()) : column->size();
  std::vector<uint32_t> group_ids(static_cast<size_t>(n), 0);
  Scalar bounds[2];
  const char* names[2] = {"min", "max"};
  for (int i = 0; i < 2; ++i) {
    const AggregateFunction* function = FunctionRegistry::Default().FindAggregate(names[i]);
    if (function == nullptr) {
      return absl::InternalError(fmt::format("aggregate {} is not registered", names[i]));
    }
    STRATA_ASSIGN_OR_RETURN(FunctionSignature signature, function->resolve({column->type()}));
    if (signature.args.size() != 1 || signature.args[0] != column->type()) {
      return std::nullopt;  // would need a cast: no range
    }
    STRATA_ASSIGN_OR_RETURN(std::unique_ptr<GroupsAccumulator> accumulator,
                            function->create(signature, AggregateCallOptions{}));
    STRATA_RETURN_IF_ERROR(accumulator->Update({column}, rows, group_ids.data(), 1));
    STRATA_ASSIGN_OR_RETURN(ColumnPtr result, accumulator->Evaluate());
    bounds[i] = ScalarAt(*result, 0);
    if (bounds[i].is_null()) {
      return std::nullopt;
    }
  }
  return DynamicFilterValue::Range{std::move(bounds[0]), std::move(bounds[1])};
}

// Columns of `table` for rows `rows` (-1: a NULL row).
std::vector<ColumnPtr> GatherLeft(const RowTable& table, const std::vector<int32_t>& rows) {
  std::vector<ColumnPtr> columns;
  bool any_null = false;
  for (int32_t r : rows) {
    any_null = any_null || r < 0;
  }
  for (int c = 0; c < static_cast<int>(table.columns.size()); ++c) {
    const ColumnPtr& column = table.columns[static_cast<size_t>(c)];
    if (!any_null) {
      columns.push_back(Take(*column,
                             reinterpret_cast<const uint32_t*>(rows.data()),
                             static_cast<int64_t>(rows.size())));
      continue;
    }
    TypeId type = column->type();
    auto out = std::make_shared<Column>(type, column->dictionary());
    out->Reserve(static_cast<int64_t>(rows.size()));
    for (int32_t r : rows) {
      if (r < 0) {
        out->AppendNull();
      } else {
        AppendRowTo(*column, r, out.get());
      }
    }
    columns.push_back(std::move(out));
  }
  return columns;
}

class HashJoinExec final : public PlanNode, public JoinExecParams {
 public:
  HashJoinExec(bool nested_loop,
               JoinType type,
               std::vector<JoinKey> on,
               PhysicalExprPtr filter,
               bool null_aware,
               ExecutionPlanPtr left,
               ExecutionPlanPtr right,
               int dynamic_filter_id)
      : PlanNode(JoinSchema(type, *left->schema(), *right->schema())),
        nested_loop_(nested_loop),
        type_(type),
        on_(std::move(on)),
        filter_(std::move(filter)),
        null_aware_(null_aware),
        left_(std::move(left)),
        right_(std::move(right)),
        dynamic_filter_id_(dynamic_filter_id) {
    for (const JoinKey& key : on_) {
      left_keys_.push_back(key.left);
      right_keys_.push_back(key.right);
      null_equal_.push_back(key.null_equal ? 1 : 0);
      any_null_equal_ = any_null_equal_ || key.null_equal;
    }
    joined_schema_ = JoinSchema(JoinType::kInner, *left_->schema(), *right_->schema());
  }

  std::string_view name() const override {
    return nested_loop_ ? "NestedLoopJoinExec" : "HashJoinExec";
  }
  int output_partitions() const override { return right_->output_partitions(); }
  JoinType join_type() const override { return type_; }
  const std::vector<JoinKey>& on() const override { return on_; }
  const PhysicalExprPtr& filter() const override { return filter_; }
  bool null_aware() const override { return null_aware_; }
  int dynamic_filter_id() const override { return dynamic_filter_id_; }
  std::vector<ExecutionPlanPtr> children() const override { return {left_, right_}; }
  absl::StatusOr<ExecutionPlanPtr> WithChildren(
      std::vector<ExecutionPlanPtr> children) const override {
    if (children.size() != 2) {
      return absl::InvalidArgumentError("HashJoinExec takes two children");
    }
    if (nested_loop_) {
      return MakeNestedLoopJoinExec(type_, filter_, std::move(children[0]), std::move(children[1]));
    }
    return MakeHashJoinExec(type_,
                            on_,
                            filter_,
                            null_aware_,
                            std::move(children[0]),
                            std::move(children[1]),
                            dynamic_filter_id_);
  }
  std::string ToString() const override {
    if (nested_loop_) {
      return fmt::format("NestedLoopJoinExec: type={}{}",
                         JoinTypeName(type_),
                         filter_ ? ", filter=" + filter_->ToString() : std::string());
    }
    std::string text =
        fmt::format("HashJoinExec: type={}, on=[{}]",
                    JoinTypeName(type_),
                    absl::StrJoin(on_, ", ", [](std::string* out, const JoinKey& key) {
                      out->append(fmt::format("({}, {}{})",
                                              key.left->ToString(),
                                              key.right->ToString(),
                                              key.null_equal ? ", nulls equal" : ""));
                    }));
    if (filter_) {
      text += ", filter=" + filter_->ToString();
    }
    if (null_aware_) {
      text += ", null_aware";
    }
    if (dynamic_filter_id_ != 0) {
      text += fmt::format(", dynamic_filter={}", dynamic_filter_id_);
    }
    return text;
  }

 protected:
  absl::StatusOr<std::unique_ptr<BatchStream>> ExecutePartition(
      int partition, const std::shared_ptr<TaskContext>& context) const override {
    STRATA_ASSIGN_OR_RETURN(std::unique_ptr<BatchStream> right,
                            right_->Execute(partition, context));
    return std::make_unique<ProbeStream>(this, SharedBuild(context), std::move(right), context);
  }

 private:
  // The build of this query: created by the first partition executed, shared by the others
  // (DataFusion's CollectLeft). Keyed by the context so that a later query gets its own.
  std::shared_ptr<JoinBuild> SharedBuild(const std::shared_ptr<TaskContext>& context) const {
    std::lock_guard<std::mutex> lock(build_mu_);
    if (build_context_ == context.get()) {
      if (std::shared_ptr<JoinBuild> build = build_.lock()) {
        return build;
      }
    }
    auto build = std::make_shared<JoinBuild>();
    build->unfinished_probes = right_->output_partitions();
    build_ = build;
    build_context_ = context.get();
    return build;
  }

  absl::Status Build(JoinBuild* build, const std::shared_ptr<TaskContext>& context) const {
    std::unique_ptr<BatchStream> input;
    if (left_->output_partitions() == 1) {
      STRATA_ASSIGN_OR_RETURN(input, left_->Execute(0, context));
    } else {
      input = MergePartitions(left_, context);
    }
    build->reservation = MemoryReservation(context->memory_pool(), std::string(name()));
    STRATA_ASSIGN_OR_RETURN(build->table,
                            ReadAll(input.get(), left_->schema(), *context, &build->reservation));
    input.reset();
    const RowTable& table = build->table;
    Batch all(table.schema, table.columns, table.num_rows);
    std::vector<ColumnPtr> keys;
    std::vector<TypeId> key_types;
    for (const PhysicalExprPtr& expr : left_keys_) {
      STRATA_ASSIGN_OR_RETURN(ColumnPtr key, EvaluateAsColumn(*expr, all));
      keys.push_back(std::move(key));
      key_types.push_back(expr->type());
    }
    build->keys = std::make_unique<GroupTable>(key_types);
    std::vector<uint32_t> groups;
    build->keys->Insert(keys, table.num_rows, nullptr, &groups);
    const uint32_t num_groups = build->keys->num_groups();
    build->first.assign(num_groups, -1);
    build->next.assign(static_cast<size_t>(table.num_rows), -1);
    build->null_key.assign(static_cast<size_t>(table.num_rows), 0);
    // A group that cannot match: a NULL in a key that is not null-equal.
    std::vector<uint8_t> group_null(num_groups);
    for (uint32_t g = 0; g < num_groups; ++g) {
      if (!any_null_equal_) {
        group_null[g] = build->keys->GroupHasNull(g);
        continue;
      }
      for (size_t k = 0; k < on_.size() && !group_null[g]; ++k) {
        group_null[g] = !on_[k].null_equal && build->keys->GroupKeyIsNull(g, k);
      }
    }
    // Chains in reverse so that each key's rows come out in input order.
    for (int64_t row = table.num_rows - 1; row >= 0; --row) {
      uint32_t g = groups[static_cast<size_t>(row)];
      if (group_null[g]) {
        build->null_key[static_cast<size_t>(row)] = 1;
        continue;
      }
      build->next[static_cast<size_t>(row)] = build->first[g];
      build->first[g] = static_cast<int32_t>(row);
    }
    build->matched = std::vector<std::atomic<uint8_t>>(build->next.size());
    STRATA_RETURN_IF_ERROR(build->reservation.TryGrow(static_cast<int64_t>(
        build->keys->MemoryUsage() + build->first.capacity() * sizeof(int32_t) +
        build->next.capacity() * (sizeof(int32_t) + 2))));
    metrics().Add("peak_mem_bytes", build->reservation.peak());
    metrics().Add("build_rows", table.num_rows);
    if (dynamic_filter_id_ != 0) {
      STRATA_RETURN_IF_ERROR(PublishKeyRanges(keys, build->null_key, *context));
    }
    return absl::OkStatus();
  }

  // Publishes the range of each key over the build rows whose keys are all non-null (the only
  // ones that can match) as this join's dynamic filter.
  absl::Status PublishKeyRanges(const std::vector<ColumnPtr>& keys,
                                const std::vector<uint8_t>& null_key,
                                TaskContext& context) const {
    auto value = std::make_shared<DynamicFilterValue>();
    // The rows to range over: every row unless some key is NULL (no copy in the common case).
    SelectionVector rows;
    const bool any_null = std::find(null_key.begin(), null_key.end(), 1) != null_key.end();
    if (any_null) {
      for (size_t row = 0; row < null_key.size(); ++row) {
        if (!null_key[row]) {
          rows.push_back(static_cast<uint32_t>(row));
        }
      }
    }
    value->no_rows = any_null ? rows.empty() : null_key.empty();
    if (!value->no_rows) {
      for (size_t k = 0; k < keys.size(); ++k) {
        const ColumnPtr& key = keys[k];
        bool matches_null = false;
        if (on_[k].null_equal && (key->has_nulls() || key->type() == TypeId::kNull)) {
          // A NULL that can match: probe rows with a NULL key must not be filtered out.
          for (int64_t row = 0; row < key->size() && !matches_null; ++row) {
            matches_null = !null_key[static_cast<size_t>(row)] && key->IsNull(row);
          }
        }
        if (matches_null) {
          value->keys.push_back(std::nullopt);
          continue;
        }
        STRATA_ASSIGN_OR_RETURN(std::optional<DynamicFilterValue::Range> range,
                                KeyRange(key, any_null ? &rows : nullptr));
        value->keys.push_back(std::move(range));
      }
    }
    context.dynamic_filters().Publish(dynamic_filter_id_, std::move(value));
    return absl::OkStatus();
  }

  absl::Status EnsureBuilt(JoinBuild* build, const std::shared_ptr<TaskContext>& context) const {
    std::lock_guard<std::mutex> lock(build->mu);
    if (!build->built) {
      build->status = Build(build, context);
      build->built = true;
    }
    return build->status;
  }

  class ProbeStream final : public BatchStream {
   public:
    ProbeStream(const HashJoinExec* plan,
                std::shared_ptr<JoinBuild> build,
                std::unique_ptr<BatchStream> right,
                std::shared_ptr<TaskContext> context)
        : plan_(plan),
          build_(std::move(build)),
          right_(std::move(right)),
          context_(std::move(context)) {}

    absl::StatusOr<bool> Next(Batch* out) override {
      if (!built_) {
        STRATA_RETURN_IF_ERROR(plan_->EnsureBuilt(build_.get(), context_));
        built_ = true;
      }
      const int64_t batch_size = std::clamp<int64_t>(context_->batch_size(), 1, kMaxBatchRows);
      for (;;) {
        if (!pending_.empty()) {
          *out = std::move(pending_.back());
          pending_.pop_back();
          return true;
        }
        if (finished_) {
          return false;
        }
        if (probe_index_ >= probe_rows_) {
          if (have_probe_) {
            FinishProbeBatch();
            have_probe_ = false;
            probe_ = Batch();
            probe_rows_ = 0;
            probe_index_ = 0;
            continue;
          }
          STRATA_RETURN_IF_ERROR(context_->CheckCancelled());
          Batch batch;
          STRATA_ASSIGN_OR_RETURN(bool more, right_->Next(&batch));
          if (!more) {
            right_.reset();
            FinishProbes();
            finished_ = true;
            continue;
          }
          if (batch.length() == 0) {
            continue;
          }
          STRATA_RETURN_IF_ERROR(StartProbeBatch(std::move(batch)));
          continue;
        }
        STRATA_RETURN_IF_ERROR(ProbeSome(batch_size));
      }
    }

   private:
    absl::Status StartProbeBatch(Batch batch) {
      STRATA_ASSIGN_OR_RETURN(EvaluatedColumns keys, EvaluateColumns(plan_->right_keys_, batch));
      if (keys.selection != batch.selection() || keys.num_rows != batch.num_rows()) {
        batch = batch.Compact();
      }
      probe_ = std::move(batch);
      have_probe_ = true;
      probe_rows_ = probe_.length();
      probe_index_ = 0;
      chain_ = -1;
      build_->right_has_rows.store(true, std::memory_order_relaxed);
      build_->keys->Lookup(keys.columns,
                           keys.num_rows,
                           keys.selection.get(),
                           &groups_,
                           plan_->any_null_equal_ ? &plan_->null_equal_ : nullptr);
      probe_matched_.assign(static_cast<size_t>(probe_rows_), 0);
      if (plan_->null_aware_ && !build_->right_has_null_key.load(std::memory_order_relaxed)) {
        for (const ColumnPtr& key : keys.columns) {
          for (int64_t i = 0; i < probe_rows_; ++i) {
            int64_t row = PhysicalRow(i);
            if (key->type() == TypeId::kNull || key->IsNull(row)) {
              build_->right_has_null_key.store(true, std::memory_order_relaxed);
              break;
            }
          }
        }
      }
      return absl::OkStatus();
    }

    int64_t PhysicalRow(int64_t i) const {
      return probe_.has_selection() ? (*probe_.selection())[static_cast<size_t>(i)] : i;
    }

    // Produces up to batch_size candidate pairs, filters them, records matches.
    absl::Status ProbeSome(int64_t batch_size) {
      left_rows_.clear();
      right_rows_.clear();
      probe_of_pair_.clear();
      JoinBuild& build = *build_;
      while (probe_index_ < probe_rows_ && static_cast<int64_t>(left_rows_.size()) < batch_size) {
        if (chain_ < 0) {
          int32_t g = groups_[static_cast<size_t>(probe_index_)];
          chain_ = g < 0 ? -1 : build.first[static_cast<size_t>(g)];
          if (chain_ < 0) {
            ++probe_index_;
            continue;
          }
        }
        left_rows_.push_back(chain_);
        right_rows_.push_back(static_cast<uint32_t>(PhysicalRow(probe_index_)));
        probe_of_pair_.push_back(static_cast<uint32_t>(probe_index_));
        chain_ = build.next[static_cast<size_t>(chain_)];
        if (chain_ < 0) {
          ++probe_index_;
        }
      }
      if (left_rows_.empty()) {
        return absl::OkStatus();
      }
      int64_t n = static_cast<int64_t>(left_rows_.size());
      std::vector<ColumnPtr> columns = GatherLeft(build.table, left_rows_);
      for (const ColumnPtr& column : probe_.columns()) {
        columns.push_back(Take(*column, right_rows_.data(), n));
      }
      Batch joined(plan_->joined_schema_, std::move(columns), n);
      SelectionVector keep;
      const SelectionVector* kept = nullptr;
      if (plan_->filter_) {
        STRATA_ASSIGN_OR_RETURN(Datum value, plan_->filter_->Evaluate(joined));
        STRATA_ASSIGN_OR_RETURN(keep, SelectTrue(value, n, nullptr));
        kept = &keep;
      }
      int64_t kept_count = kept ? static_cast<int64_t>(kept->size()) : n;
      for (int64_t k = 0; k < kept_count; ++k) {
        int64_t pair = kept ? (*kept)[static_cast<size_t>(k)] : k;
        probe_matched_[probe_of_pair_[static_cast<size_t>(pair)]] = 1;
        build.matched[static_cast<size_t>(left_rows_[static_cast<size_t>(pair)])].store(
            1, std::memory_order_relaxed);
      }
      if (kept_count == 0 || !OutputsRightColumns(plan_->type_)) {
        return absl::OkStatus();
      }
      std::vector<ColumnPtr> out_columns = joined.columns();
      Batch result(plan_->schema_, std::move(out_columns), n);
      if (kept && kept_count < n) {
        result = Batch(plan_->schema_,
                       result.columns(),
                       n,
                       std::make_shared<const SelectionVector>(std::move(keep)));
      }
      pending_.push_back(std::move(result));
      return absl::OkStatus();
    }

    // RIGHT and FULL joins: the probe rows nothing matched, with NULL left columns.
    void FinishProbeBatch() {
      if (plan_->type_ != JoinType::kRight && plan_->type_ != JoinType::kFull) {
        return;
      }
      std::vector<uint32_t> rows;
      for (int64_t i = 0; i < probe_rows_; ++i) {
        if (!probe_matched_[static_cast<size_t>(i)]) {
          rows.push_back(static_cast<uint32_t>(PhysicalRow(i)));
        }
      }
      if (rows.empty()) {
        return;
      }
      int64_t n = static_cast<int64_t>(rows.size());
      std::vector<ColumnPtr> columns;
      for (const Field& field : plan_->left_->schema()->fields()) {
        columns.push_back(MakeNullColumn(field.type, n));
      }
      for (const ColumnPtr& column : probe_.columns()) {
        columns.push_back(Take(*column, rows.data(), n));
      }
      pending_.insert(pending_.begin(), Batch(plan_->schema_, std::move(columns), n));
    }

    // The last probe emits the left rows whose fate depends on every probe.
    void FinishProbes() {
      if (build_->unfinished_probes.fetch_sub(1) != 1) {
        return;
      }
      const JoinType type = plan_->type_;
      if (type == JoinType::kInner || type == JoinType::kRight) {
        return;
      }
      const JoinBuild& build = *build_;
      const bool right_null = build.right_has_null_key.load();
      const bool right_rows = build.right_has_rows.load();
      std::vector<uint32_t> rows;
      for (int64_t row = 0; row < build.table.num_rows; ++row) {
        bool matched = build.matched[static_cast<size_t>(row)].load(std::memory_order_relaxed) != 0;
        bool keep = false;
        switch (type) {
          case JoinType::kLeft:
          case JoinType::kFull:
            keep = !matched;
            break;
          case JoinType::kLeftSemi:
            keep = matched;
            break;
          case JoinType::kLeftAnti:
            if (plan_->null_aware_ && right_rows) {
              // x NOT IN (...): unknown (not kept) when x is NULL or the list holds a NULL.
              keep = !matched && !right_null && !build.null_key[static_cast<size_t>(row)];
            } else {
              keep = !matched;
            }
            break;
          default:
            break;
        }
        if (keep) {
          rows.push_back(static_cast<uint32_t>(row));
        }
      }
      const int64_t batch_size = std::clamp<int64_t>(context_->batch_size(), 1, kMaxBatchRows);
      std::vector<Batch> batches =
          TakeBatches(build.table, rows.data(), static_cast<int64_t>(rows.size()), batch_size);
      for (Batch& batch : batches) {
        std::vector<ColumnPtr> columns = batch.columns();
        if (OutputsRightColumns(type)) {
          for (const Field& field : plan_->right_->schema()->fields()) {
            columns.push_back(MakeNullColumn(field.type, batch.num_rows()));
          }
        }
        int64_t n = batch.num_rows();
        pending_.insert(pending_.begin(), Batch(plan_->schema_, std::move(columns), n));
      }
    }

    const HashJoinExec* plan_;
    std::shared_ptr<JoinBuild> build_;
    std::unique_ptr<BatchStream> right_;
    std::shared_ptr<TaskContext> context_;
    bool built_ = false;
    bool finished_ = false;
    Batch probe_;
    bool have_probe_ = false;
    int64_t probe_rows_ = 0;
    int64_t probe_index_ = 0;
    int32_t chain_ = -1;
    std::vector<int32_t> groups_;
    std::vector<uint8_t> probe_matched_;
    std::vector<int32_t> left_rows_;
    std::vector<uint32_t> right_rows_;
    std::vector<uint32_t> probe_of_pair_;
    std::vector<Batch> pending_;  // emitted from the back
  };

  bool nested_loop_;
  JoinType type_;
  std::vector<JoinKey> on_;
  PhysicalExprPtr filter_;
  bool null_aware_;
  ExecutionPlanPtr left_;
  ExecutionPlanPtr right_;
  int dynamic_filter_id_;
  std::vector<PhysicalExprPtr> left_keys_;
  std::vector<PhysicalExprPtr> right_keys_;
  std::vector<uint8_t> null_equal_;  // per key: JoinKey::null_equal
  bool any_null_equal_ = false;
  SchemaPtr joined_schema_;
  mutable std::mutex build_mu_;
  mutable std::weak_ptr<JoinBuild> build_;              // guarded by build_mu_
  mutable const TaskContext* build_context_ = nullptr;  // guarded by build_mu_
};

}  // namespace

absl::StatusOr<ExecutionPlanPtr> MakeHashJoinExec(JoinType type,
                                                  std::vector<JoinKey> on,
                                                  PhysicalExprPtr filter,
                                                  bool null_aware,
                                                  ExecutionPlanPtr left,
                                                  ExecutionPlanPtr right,
                                                  int dynamic_filter_id) {
  if (on.empty()) {
    return absl::InvalidArgumentError("HashJoinExec needs at least one key");
  }
  for (const JoinKey& key : on) {
    if (key.left == nullptr || key.right == nullptr) {
      return absl::InvalidArgumentError("HashJoinExec: missing key expression");
    }
    TypeId a = key.left->type();
    TypeId b = key.right->type();
    if (a != b && !(IsStringType(a) && IsStringType(b)) && a != TypeId::kNull &&
        b != TypeId::kNull) {
      return absl::InvalidArgumentError(
          fmt::format("HashJoinExec: key types differ: {} and {}", TypeName(a), TypeName(b)));
    }
  }
  if (null_aware && type != JoinType::kLeftAnti) {
    return absl::InvalidArgumentError("HashJoinExec: null_aware applies to anti joins only");
  }
  if (dynamic_filter_id < 0 || (dynamic_filter_id != 0 && !JoinMayFilterProbe(type, null_aware))) {
    return absl::InvalidArgumentError(
        fmt::format("HashJoinExec: a {}{} join cannot publish dynamic filter {}",
                    JoinTypeName(type),
                    null_aware ? " null-aware" : "",
                    dynamic_filter_id));
  }
  return std::make_shared<HashJoinExec>(false,
                                        type,
                                        std::move(on),
                                        std::move(filter),
                                        null_aware,
                                        std::move(left),
                                        std::move(right),
                                        dynamic_filter_id);
}

bool JoinMayFilterProbe(JoinType type, bool null_aware) {
  switch (type) {
    case JoinType::kInner:
    case JoinType::kLeft:
    case JoinType::kLeftSemi:
      return true;
    case JoinType::kLeftAnti:
      return !null_aware;
    case JoinType::kRight:
    case JoinType::kFull:
      return false;
  }
  return false;
}

absl::StatusOr<ExecutionPlanPtr> MakeNestedLoopJoinExec(JoinType type,
                                                        PhysicalExprPtr filter,
                                                        ExecutionPlanPtr left,
                                                        ExecutionPlanPtr right) {
  if (filter != nullptr && filter->type() != TypeId::kBool && filter->type() != TypeId::kNull) {
    return absl::InvalidArgumentError("NestedLoopJoinExec: the filter must be bool");
  }
  return std::make_shared<HashJoinExec>(true,
                                        type,
                                        std::vector<JoinKey>{},
                                        std::move(filter),
                                        false,
                                        std::move(left),
                                        std::move(right),
                                        0);
}

}  // namespace strata::exec
