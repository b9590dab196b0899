// Physical plan nodes to protobuf and back. Encoding reads each built-in operator through its
// exec::*ExecParams interface (exec/operators.h) and the scan through query::BufferScanExec;
// decoding rebuilds every node through its Make* factory after checking what the factory
// REQUIREs but does not check itself (expression types an operator's kernels rely on).
#include "codec/plan_codec.h"

#include <utility>
#include <vector>

#include "codec/expr_codec.h"
#include "common/status.h"
#include "exec/aggregates/accumulator_support.h"
#include "exec/operators.h"
#include "fmt/format.h"
#include "query/buffer_scan_exec.h"

namespace strata::codec {
namespace {

using exec::ExecutionPlan;
using exec::ExecutionPlanPtr;
using exec::PhysicalExprPtr;

// Scans split into at most this many partitions; a larger count in a plan is an error rather
// than thousands of streams.
constexpr int kMaxScanPartitions = 4096;
// At most this many dynamic filter references on one scan.
constexpr int kMaxDynamicFilters = 1024;

absl::Status TooDeep() {
  return absl::InvalidArgumentError(
      fmt::format("plan nests deeper than {} levels", kMaxNestingDepth));
}

bool Fits(TypeId have, TypeId want) {
  return have == want || have == TypeId::kNull || (IsStringType(have) && IsStringType(want));
}

bool SameOrBothStrings(TypeId a, TypeId b) {
  return a == b || (IsStringType(a) && IsStringType(b));
}

// ---- encoding ----

class PlanEncoder {
 public:
  explicit PlanEncoder(const PhysicalExtensionCodec* extension) : extension_(extension) {}

  absl::Status Encode(const ExecutionPlan& plan, int depth, pb::PlanNode* out) {
    if (depth > kMaxNestingDepth) {
      return TooDeep();
    }
    const std::string_view name = plan.name();
    const std::vector<ExecutionPlanPtr> children = plan.children();
    auto child = [&](size_t i, pb::PlanNode* target) -> absl::Status {
      if (i >= children.size() || children[i] == nullptr) {
        return absl::InternalError(fmt::format("{} lacks child {}", name, i));
      }
      return Encode(*children[i], depth + 1, target);
    };
    auto expr = [&](const exec::PhysicalExpr& e, pb::PhysicalExpr* target) {
      return ExprToProto(e, depth + 1, target);
    };

    if (name == "FilterExec") {
      STRATA_ASSIGN_OR_RETURN(auto* p, As<exec::FilterExecParams>(plan));
      pb::FilterExecNode* node = out->mutable_filter();
      STRATA_RETURN_IF_ERROR(child(0, node->mutable_input()));
      return expr(*p->predicate(), node->mutable_predicate());
    }
    if (name == "ProjectionExec") {
      STRATA_ASSIGN_OR_RETURN(auto* p, As<exec::ProjectionExecParams>(plan));
      pb::ProjectionExecNode* node = out->mutable_projection();
      STRATA_RETURN_IF_ERROR(child(0, node->mutable_input()));
      for (const exec::ProjectionItem& item : p->items()) {
        pb::ProjectionItem* i = node->add_items();
        i->set_name(item.name);
        STRATA_RETURN_IF_ERROR(expr(*item.expr, i->mutable_expr()));
      }
      return absl::OkStatus();
    }
    if (name == "CoalescePartitionsExec") {
      return child(0, out->mutable_coalesce_partitions()->mutable_input());
    }
    if (name == "SortExec") {
      STRATA_ASSIGN_OR_RETURN(auto* p, As<exec::SortExecParams>(plan));
      pb::SortExecNode* node = out->mutable_sort();
      STRATA_RETURN_IF_ERROR(child(0, node->mutable_input()));
      STRATA_RETURN_IF_ERROR(SortKeysToProto(p->keys(), depth, node->mutable_keys()));
      if (p->fetch()) {
        node->set_fetch(*p->fetch());
      }
      return absl::OkStatus();
    }
    if (name == "LimitExec") {
      STRATA_ASSIGN_OR_RETURN(auto* p, As<exec::LimitExecParams>(plan));
      pb::LimitExecNode* node = out->mutable_limit();
      STRATA_RETURN_IF_ERROR(child(0, node->mutable_input()));
      node->set_skip(p->skip());
      if (p->fetch()) {
        node->set_fetch(*p->fetch());
      }
      return absl::OkStatus();
    }
    if (name == "LocalLimitExec") {
      STRATA_ASSIGN_OR_RETURN(auto* p, As<exec::LimitExecParams>(plan));
      pb::LocalLimitExecNode* node = out->mutable_local_limit();
      STRATA_RETURN_IF_ERROR(child(0, node->mutable_input()));
      node->set_fetch(p->fetch().value_or(0));
      return absl::OkStatus();
    }
    if (name == "UnionExec") {
      pb::UnionExecNode* node = out->mutable_union_exec();
      for (size_t i = 0; i < children.size(); ++i) {
        STRATA_RETURN_IF_ERROR(child(i, node->add_inputs()));
      }
      return absl::OkStatus();
    }
    if (name == "ValuesExec") {
      STRATA_ASSIGN_OR_RETURN(auto* p, As<exec::ValuesExecParams>(plan));
      pb::ValuesExecNode* node = out->mutable_values();
      SchemaToProto(*plan.schema(), node->mutable_schema());
      for (const std::vector<exec::Scalar>& row : p->rows()) {
        pb::ValuesRow* r = node->add_rows();
        for (const exec::Scalar& value : row) {
          ScalarToProto(value, r->add_values());
        }
      }
      return absl::OkStatus();
    }
    if (name == "EmptyExec") {
      STRATA_ASSIGN_OR_RETURN(auto* p, As<exec::EmptyExecParams>(plan));
      pb::EmptyExecNode* node = out->mutable_empty();
      SchemaToProto(*plan.schema(), node->mutable_schema());
      node->set_produce_one_row(p->produce_one_row());
      return absl::OkStatus();
    }
    if (name == "HashAggregateExec") {
      STRATA_ASSIGN_OR_RETURN(auto* p, As<exec::HashAggregateExecParams>(plan));
      pb::HashAggregateExecNode* node = out->mutable_hash_aggregate();
      STRATA_RETURN_IF_ERROR(child(0, node->mutable_input()));
      node->set_mode(static_cast<pb::AggregateMode>(static_cast<int>(p->mode()) + 1));
      for (const exec::GroupItem& group : p->groups()) {
        pb::GroupItem* g = node->add_groups();
        g->set_name(group.name);
        STRATA_RETURN_IF_ERROR(expr(*group.expr, g->mutable_expr()));
      }
      for (const exec::AggregateItem& item : p->aggregates()) {
        pb::AggregateItem* a = node->add_aggregates();
        a->set_function(item.function->name);
        SignatureToProto(item.signature, a->mutable_signature());
        OptionsToProto(item.options, a->mutable_options());
        for (const PhysicalExprPtr& arg : item.args) {
          STRATA_RETURN_IF_ERROR(expr(*arg, a->add_args()));
        }
        if (item.filter != nullptr) {
          STRATA_RETURN_IF_ERROR(expr(*item.filter, a->mutable_filter()));
        }
        a->set_name(item.name);
      }
      return absl::OkStatus();
    }
    if (name == "HashJoinExec") {
      STRATA_ASSIGN_OR_RETURN(auto* p, As<exec::JoinExecParams>(plan));
      pb::HashJoinExecNode* node = out->mutable_hash_join();
      STRATA_RETURN_IF_ERROR(child(0, node->mutable_left()));
      STRATA_RETURN_IF_ERROR(child(1, node->mutable_right()));
      node->set_type(JoinTypeToProto(p->join_type()));
      for (const exec::JoinKey& key : p->on()) {
        pb::JoinKey* k = node->add_on();
        STRATA_RETURN_IF_ERROR(expr(*key.left, k->mutable_left()));
        STRATA_RETURN_IF_ERROR(expr(*key.right, k->mutable_right()));
        k->set_null_equal(key.null_equal);
      }
      if (p->filter() != nullptr) {
        STRATA_RETURN_IF_ERROR(expr(*p->filter(), node->mutable_filter()));
      }
      node->set_null_aware(p->null_aware());
      node->set_dynamic_filter_id(p->dynamic_filter_id());
      return absl::OkStatus();
    }
    if (name == "NestedLoopJoinExec") {
      STRATA_ASSIGN_OR_RETURN(auto* p, As<exec::JoinExecParams>(plan));
      pb::NestedLoopJoinExecNode* node = out->mutable_nested_loop_join();
      STRATA_RETURN_IF_ERROR(child(0, node->mutable_left()));
      STRATA_RETURN_IF_ERROR(child(1, node->mutable_right()));
      node->set_type(JoinTypeToProto(p->join_type()));
      if (p->filter() != nullptr) {
        STRATA_RETURN_IF_ERROR(expr(*p->filter(), node->mutable_filter()));
      }
      return absl::OkStatus();
    }
    if (name == "WindowExec") {
      STRATA_ASSIGN_OR_RETURN(auto* p, As<exec::WindowExecParams>(plan));
      pb::WindowExecNode* node = out->mutable_window();
      STRATA_RETURN_IF_ERROR(child(0, node->mutable_input()));
      for (const exec::WindowItem& item : p->items()) {
        STRATA_RETURN_IF_ERROR(WindowItemToProto(item, depth, node->add_items()));
      }
      return absl::OkStatus();
    }
    if (name == "BufferScanExec") {
      STRATA_ASSIGN_OR_RETURN(auto* scan, As<query::BufferScanExec>(plan));
      const query::BufferScanSpec& spec = scan->spec();
      pb::BufferScanExecNode* node = out->mutable_buffer_scan();
      node->set_database_id(spec.database_id);
      node->set_table_id(spec.table_id);
      node->set_table_name(spec.table_name);
      for (uint32_t id : spec.column_ids) {
        node->add_column_ids(id);
      }
      SchemaToProto(*spec.scan_schema, node->mutable_scan_schema());
      node->set_output_columns(spec.output_columns);
      for (const PhysicalExprPtr& filter : spec.filters) {
        STRATA_RETURN_IF_ERROR(expr(*filter, node->add_filters()));
      }
      if (spec.limit) {
        node->set_limit(*spec.limit);
      }
      node->set_partitions(spec.partitions);
      for (uint32_t id : spec.series_key_column_ids) {
        node->add_series_key_column_ids(id);
      }
      for (const exec::DynamicFilterRef& ref : spec.dynamic_filters) {
        pb::DynamicFilterRef* r = node->add_dynamic_filters();
        r->set_filter_id(ref.filter_id);
        r->set_key(ref.key);
        r->set_column(ref.column);
      }
      return absl::OkStatus();
    }
    if (extension_ != nullptr) {
      pb::ExtensionNode* node = out->mutable_extension();
      STRATA_RETURN_IF_ERROR(
          extension_->Encode(plan, node->mutable_name(), node->mutable_payload()));
      for (size_t i = 0; i < children.size(); ++i) {
        STRATA_RETURN_IF_ERROR(child(i, node->add_inputs()));
      }
      return absl::OkStatus();
    }
    return absl::UnimplementedError(fmt::format("the plan codec cannot encode {}", name));
  }

 private:
  // The parameters interface of a node whose name() promised it.
  template <typename T>
  static absl::StatusOr<const T*> As(const ExecutionPlan& plan) {
    const T* p = dynamic_cast<const T*>(&plan);
    if (p == nullptr) {
      return absl::UnimplementedError(
          fmt::format("the plan codec cannot encode this {} implementation", plan.name()));
    }
    return p;
  }

  static pb::JoinType JoinTypeToProto(exec::JoinType type) {
    return static_cast<pb::JoinType>(static_cast<int>(type) + 1);
  }

  static void OptionsToProto(const exec::AggregateCallOptions& options,
                             pb::AggregateCallOptions* out) {
    out->set_distinct(options.distinct);
    for (const exec::Scalar& value : options.constant_args) {
      ScalarToProto(value, out->add_constant_args());
    }
  }

  static absl::Status SortKeysToProto(const std::vector<exec::SortKey>& keys,
                                      int depth,
                                      google::protobuf::RepeatedPtrField<pb::SortKey>* out) {
    for (const exec::SortKey& key : keys) {
      pb::SortKey* k = out->Add();
      k->set_ascending(key.ascending);
      k->set_nulls_first(key.nulls_first);
      STRATA_RETURN_IF_ERROR(ExprToProto(*key.expr, depth + 1, k->mutable_expr()));
    }
    return absl::OkStatus();
  }

  static absl::Status WindowItemToProto(const exec::WindowItem& item,
                                        int depth,
                                        pb::WindowItem* out) {
    out->set_kind(static_cast<pb::WindowFunctionKind>(static_cast<int>(item.kind) + 1));
    if (item.kind == exec::WindowFunctionKind::kAggregate) {
      // Only aggregates have a signature (other kinds leave it unset).
      if (item.aggregate == nullptr) {
        return absl::InternalError(fmt::format("window aggregate {} has no function", item.name));
      }
      out->set_aggregate(item.aggregate->name);
      SignatureToProto(item.signature, out->mutable_signature());
      OptionsToProto(item.options, out->mutable_options());
    }
    for (const PhysicalExprPtr& arg : item.args) {
      STRATA_RETURN_IF_ERROR(ExprToProto(*arg, depth + 1, out->add_args()));
    }
    for (const PhysicalExprPtr& key : item.partition_by) {
      STRATA_RETURN_IF_ERROR(ExprToProto(*key, depth + 1, out->add_partition_by()));
    }
    STRATA_RETURN_IF_ERROR(SortKeysToProto(item.order_by, depth, out->mutable_order_by()));
    pb::WindowFrame* frame = out->mutable_frame();
    frame->set_units(static_cast<pb::WindowFrameUnits>(static_cast<int>(item.frame.units) + 1));
    frame->set_start(static_cast<pb::WindowFrameBound>(static_cast<int>(item.frame.start) + 1));
    frame->set_start_offset(item.frame.start_offset);
    frame->set_end(static_cast<pb::WindowFrameBound>(static_cast<int>(item.frame.end) + 1));
    frame->set_end_offset(item.frame.end_offset);
    if (item.frame.start_range_offset.type() != TypeId::kNull) {
      ScalarToProto(item.frame.start_range_offset, frame->mutable_start_range_offset());
    }
    if (item.frame.end_range_offset.type() != TypeId::kNull) {
      ScalarToProto(item.frame.end_range_offset, frame->mutable_end_range_offset());
    }
    out->set_type(TypeToProto(item.type));
    out->set_name(item.name);
    return absl::OkStatus();
  }

  const PhysicalExtensionCodec* extension_;
};

// ---- decoding ----

// An enum value from the wire: `value` must lie in [first, last] of the proto enum, which maps
// to the engine's enum at value - 1.
template <typename E>
absl::StatusOr<E> EnumFromProto(int value, int first, int last, std::string_view what) {
  if (value < first || value > last) {
    return absl::InvalidArgumentError(fmt::format("unknown {} {} in plan", what, value));
  }
  return static_cast<E>(value - 1);
}

SchemaPtr Concat(const Schema& left, const Schema& right) {
  std::vector<Field> fields = left.fields();
  fields.insert(fields.end(), right.fields().begin(), right.fields().end());
  return std::make_shared<const Schema>(std::move(fields));
}

absl::Status CheckPredicate(const PhysicalExprPtr& predicate, std::string_view what) {
  if (predicate != nullptr && predicate->type() != TypeId::kBool &&
      predicate->type() != TypeId::kNull) {
    return absl::InvalidArgumentError(
        fmt::format("{} in plan must be boolean, got {}", what, TypeName(predicate->type())));
  }
  return absl::OkStatus();
}

class PlanDecoder {
 public:
  explicit PlanDecoder(const DecodeContext& context) : context_(context) {}

  absl::StatusOr<ExecutionPlanPtr> Decode(const pb::PlanNode& node, int depth) {
    if (depth > kMaxNestingDepth) {
      return TooDeep();
    }
    switch (node.node_case()) {
      case pb::PlanNode::kFilter: {
        const pb::FilterExecNode& n = node.filter();
        STRATA_ASSIGN_OR_RETURN(ExecutionPlanPtr input, Input(n, depth));
        STRATA_ASSIGN_OR_RETURN(PhysicalExprPtr predicate,
                                Required(n.has_predicate(), n.predicate(), *input, depth));
        return exec::MakeFilterExec(std::move(predicate), std::move(input));
      }
      case pb::PlanNode::kProjection: {
        const pb::ProjectionExecNode& n = node.projection();
        STRATA_ASSIGN_OR_RETURN(ExecutionPlanPtr input, Input(n, depth));
        std::vector<exec::ProjectionItem> items;
        for (const pb::ProjectionItem& item : n.items()) {
          STRATA_ASSIGN_OR_RETURN(PhysicalExprPtr e,
                                  Required(item.has_expr(), item.expr(), *input, depth));
          items.push_back(exec::ProjectionItem{std::move(e), item.name()});
        }
        return exec::MakeProjectionExec(std::move(items), std::move(input));
      }
      case pb::PlanNode::kCoalescePartitions: {
        STRATA_ASSIGN_OR_RETURN(ExecutionPlanPtr input, Input(node.coalesce_partitions(), depth));
        return exec::MakeCoalescePartitionsExec(std::move(input));
      }
      case pb::PlanNode::kSort: {
        const pb::SortExecNode& n = node.sort();
        STRATA_ASSIGN_OR_RETURN(ExecutionPlanPtr input, Input(n, depth));
        STRATA_ASSIGN_OR_RETURN(std::vector<exec::SortKey> keys,
                                SortKeys(n.keys(), *input->schema(), depth));
        std::optional<int64_t> fetch;
        if (n.has_fetch()) {
          fetch = n.fetch();
        }
        return exec::MakeSortExec(std::move(keys), fetch, std::move(input));
      }
      case pb::PlanNode::kLimit: {
        const pb::LimitExecNode& n = node.limit();
        STRATA_ASSIGN_OR_RETURN(ExecutionPlanPtr input, Input(n, depth));
        std::optional<int64_t> fetch;
        if (n.has_fetch()) {
          fetch = n.fetch();
        }
        return exec::MakeLimitExec(n.skip(), fetch, std::move(input));
      }
      case pb::PlanNode::kLocalLimit: {
        const pb::LocalLimitExecNode& n = node.local_limit();
        if (n.fetch() < 0) {
          return absl::InvalidArgumentError("LocalLimitExec in plan has a negative fetch");
        }
        STRATA_ASSIGN_OR_RETURN(ExecutionPlanPtr input, Input(n, depth));
        return exec::MakeLocalLimitExec(n.fetch(), std::move(input));
      }
      case pb::PlanNode::kUnionExec: {
        std::vector<ExecutionPlanPtr> inputs;
        for (const pb::PlanNode& input : node.union_exec().inputs()) {
          STRATA_ASSIGN_OR_RETURN(ExecutionPlanPtr decoded, Decode(input, depth + 1));
          inputs.push_back(std::move(decoded));
        }
        return exec::MakeUnionExec(std::move(inputs));
      }
      case pb::PlanNode::kValues: {
        const pb::ValuesExecNode& n = node.values();
        STRATA_ASSIGN_OR_RETURN(SchemaPtr schema, SchemaFromProto(n.schema()));
        std::vector<std::vector<exec::Scalar>> rows;
        rows.reserve(static_cast<size_t>(n.rows_size()));
        for (const pb::ValuesRow& row : n.rows()) {
          std::vector<exec::Scalar> values;
          values.reserve(static_cast<size_t>(row.values_size()));
          for (const pb::Scalar& value : row.values()) {
            STRATA_ASSIGN_OR_RETURN(exec::Scalar v, ScalarFromProto(value));
            values.push_back(std::move(v));
          }
          rows.push_back(std::move(values));
        }
        return exec::MakeValuesExec(std::move(schema), std::move(rows));
      }
      case pb::PlanNode::kEmpty: {
        STRATA_ASSIGN_OR_RETURN(SchemaPtr schema, SchemaFromProto(node.empty().schema()));
        return exec::MakeEmptyExec(std::move(schema), node.empty().produce_one_row());
      }
      case pb::PlanNode::kHashAggregate:
        return HashAggregate(node.hash_aggregate(), depth);
      case pb::PlanNode::kHashJoin: {
        const pb::HashJoinExecNode& n = node.hash_join();
        STRATA_ASSIGN_OR_RETURN(exec::JoinType type, JoinType(n.type()));
        STRATA_ASSIGN_OR_RETURN(ExecutionPlanPtr left, Side(n.has_left(), n.left(), depth));
        STRATA_ASSIGN_OR_RETURN(ExecutionPlanPtr right, Side(n.has_right(), n.right(), depth));
        std::vector<exec::JoinKey> on;
        for (const pb::JoinKey& key : n.on()) {
          STRATA_ASSIGN_OR_RETURN(PhysicalExprPtr l,
                                  Required(key.has_left(), key.left(), *left, depth));
          STRATA_ASSIGN_OR_RETURN(PhysicalExprPtr r,
                                  Required(key.has_right(), key.right(), *right, depth));
          on.push_back(exec::JoinKey{std::move(l), std::move(r), key.null_equal()});
        }
        STRATA_ASSIGN_OR_RETURN(PhysicalExprPtr filter, JoinFilter(n, *left, *right, depth));
        return exec::MakeHashJoinExec(type,
                                      std::move(on),
                                      std::move(filter),
                                      n.null_aware(),
                                      std::move(left),
                                      std::move(right),
                                      n.dynamic_filter_id());
      }
      case pb::PlanNode::kNestedLoopJoin: {
        const pb::NestedLoopJoinExecNode& n = node.nested_loop_join();
        STRATA_ASSIGN_OR_RETURN(exec::JoinType type, JoinType(n.type()));
        STRATA_ASSIGN_OR_RETURN(ExecutionPlanPtr left, Side(n.has_left(), n.left(), depth));
        STRATA_ASSIGN_OR_RETURN(ExecutionPlanPtr right, Side(n.has_right(), n.right(), depth));
        STRATA_ASSIGN_OR_RETURN(PhysicalExprPtr filter, JoinFilter(n, *left, *right, depth));
        return exec::MakeNestedLoopJoinExec(
            type, std::move(filter), std::move(left), std::move(right));
      }
      case pb::PlanNode::kWindow:
        return Window(node.window(), depth);
      case pb::PlanNode::kBufferScan:
        return BufferScan(node.buffer_scan(), depth);
      case pb::PlanNode::kExtension: {
        const pb::ExtensionNode& n = node.extension();
        if (context_.extension == nullptr) {
          return absl::InvalidArgumentError(fmt::format(
              "plan has an extension node '{}' and no extension codec to decode it", n.name()));
        }
        std::vector<ExecutionPlanPtr> inputs;
        for (const pb::PlanNode& input : n.inputs()) {
          STRATA_ASSIGN_OR_RETURN(ExecutionPlanPtr decoded, Decode(input, depth + 1));
          inputs.push_back(std::move(decoded));
        }
        STRATA_ASSIGN_OR_RETURN(
            ExecutionPlanPtr decoded,
            context_.extension->Decode(n.name(), n.payload(), std::move(inputs), context_));
        if (decoded == nullptr) {
          return absl::InvalidArgumentError(
              fmt::format("extension node '{}' decoded to nothing", n.name()));
        }
        return decoded;
      }
      case pb::PlanNode::NODE_NOT_SET:
        break;
    }
    return absl::InvalidArgumentError("a node in plan has no kind");
  }

 private:
  // The `input` child of a single-input node.
  template <typename Node>
  absl::StatusOr<ExecutionPlanPtr> Input(const Node& node, int depth) {
    return Side(node.has_input(), node.input(), depth);
  }

  absl::StatusOr<ExecutionPlanPtr> Side(bool present, const pb::PlanNode& node, int depth) {
    if (!present) {
      return absl::InvalidArgumentError("a node in plan lacks an input");
    }
    return Decode(node, depth + 1);
  }

  absl::StatusOr<PhysicalExprPtr> Expr(const pb::PhysicalExpr& expr,
                                       const Schema& schema,
                                       int depth) {
    return ExprFromProto(expr, schema, context_, depth + 1);
  }

  absl::StatusOr<PhysicalExprPtr> Required(bool present,
                                           const pb::PhysicalExpr& expr,
                                           const ExecutionPlan& input,
                                           int depth) {
    if (!present) {
      return absl::InvalidArgumentError("a node in plan lacks an expression");
    }
    return Expr(expr, *input.schema(), depth);
  }

  absl::StatusOr<std::vector<PhysicalExprPtr>> Exprs(
      const google::protobuf::RepeatedPtrField<pb::PhysicalExpr>& list,
      const Schema& schema,
      int depth) {
    std::vector<PhysicalExprPtr> out;
    out.reserve(static_cast<size_t>(list.size()));
    for (const pb::PhysicalExpr& e : list) {
      STRATA_ASSIGN_OR_RETURN(PhysicalExprPtr decoded, Expr(e, schema, depth));
      out.push_back(std::move(decoded));
    }
    return out;
  }

  absl::StatusOr<std::vector<exec::SortKey>> SortKeys(
      const google::protobuf::RepeatedPtrField<pb::SortKey>& keys,
      const Schema& schema,
      int depth) {
    std::vector<exec::SortKey> out;
    for (const pb::SortKey& key : keys) {
      if (!key.has_expr()) {
        return absl::InvalidArgumentError("a sort key in plan lacks an expression");
      }
      STRATA_ASSIGN_OR_RETURN(PhysicalExprPtr e, Expr(key.expr(), schema, depth));
      out.push_back(exec::SortKey{std::move(e), key.ascending(), key.nulls_first()});
    }
    return out;
  }

  static absl::StatusOr<exec::JoinType> JoinType(int type) {
    return EnumFromProto<exec::JoinType>(
        type, pb::JOIN_TYPE_INNER, pb::JOIN_TYPE_LEFT_ANTI, "join type");
  }

  template <typename Node>
  absl::StatusOr<PhysicalExprPtr> JoinFilter(const Node& n,
                                             const ExecutionPlan& left,
                                             const ExecutionPlan& right,
                                             int depth) {
    if (!n.has_filter()) {
      return PhysicalExprPtr();
    }
    SchemaPtr joined = Concat(*left.schema(), *right.schema());
    STRATA_ASSIGN_OR_RETURN(PhysicalExprPtr filter, Expr(n.filter(), *joined, depth));
    STRATA_RETURN_IF_ERROR(CheckPredicate(filter, "a join filter"));
    return filter;
  }

  static absl::StatusOr<exec::AggregateCallOptions> Options(
      const pb::AggregateCallOptions& options) {
    exec::AggregateCallOptions out;
    out.distinct = options.distinct();
    for (const pb::Scalar& value : options.constant_args()) {
      STRATA_ASSIGN_OR_RETURN(exec::Scalar v, ScalarFromProto(value));
      out.constant_args.push_back(std::move(v));
    }
    return out;
  }

  // An aggregate call as the binder would have made it: the function resolves the signature's
  // argument types to the same signature, the data arguments and constants have those types.
  absl::StatusOr<const exec::AggregateFunction*> AggregateCall(
      std::string_view name,
      const exec::FunctionSignature& signature,
      const exec::AggregateCallOptions& options,
      const std::vector<PhysicalExprPtr>& args) {
    const exec::AggregateFunction* function =
        context_.functions == nullptr ? nullptr : context_.functions->FindAggregate(name);
    if (function == nullptr) {
      return absl::InvalidArgumentError(fmt::format("unknown function '{}' in plan", name));
    }
    if (!function->resolve || !function->create || !function->state_types) {
      return absl::InvalidArgumentError(fmt::format("function '{}' cannot aggregate", name));
    }
    absl::StatusOr<exec::FunctionSignature> resolved = function->resolve(signature.args);
    if (!resolved.ok()) {
      return absl::InvalidArgumentError(fmt::format(
          "invalid call of '{}' in plan: {}", name, std::string(resolved.status().message())));
    }
    bool ok = resolved->args == signature.args && resolved->result == signature.result &&
              args.size() <= signature.args.size() &&
              options.constant_args.size() <= signature.args.size();
    for (size_t i = 0; ok && i < args.size(); ++i) {
      ok = Fits(args[i]->type(), signature.args[i]);
    }
    const size_t first_constant = signature.args.size() - options.constant_args.size();
    for (size_t i = 0; ok && i < options.constant_args.size(); ++i) {
      ok = Fits(options.constant_args[i].type(), signature.args[first_constant + i]);
    }
    if (!ok) {
      return absl::InvalidArgumentError(
          fmt::format("call of '{}' in plan does not match the function's signature", name));
    }
    return function;
  }

  absl::StatusOr<ExecutionPlanPtr> HashAggregate(const pb::HashAggregateExecNode& n, int depth) {
    STRATA_ASSIGN_OR_RETURN(
        exec::AggregateMode mode,
        EnumFromProto<exec::AggregateMode>(
            n.mode(), pb::AGGREGATE_MODE_PARTIAL, pb::AGGREGATE_MODE_SINGLE, "aggregate mode"));
    STRATA_ASSIGN_OR_RETURN(ExecutionPlanPtr input, Input(n, depth));
    const Schema& schema = *input->schema();
    std::vector<exec::GroupItem> groups;
    for (const pb::GroupItem& group : n.groups()) {
      STRATA_ASSIGN_OR_RETURN(PhysicalExprPtr e,
                              Required(group.has_expr(), group.expr(), *input, depth));
      groups.push_back(exec::GroupItem{std::move(e), group.name()});
    }
    std::vector<exec::AggregateItem> aggregates;
    int state_column = static_cast<int>(groups.size());
    for (const pb::AggregateItem& a : n.aggregates()) {
      exec::AggregateItem item;
      STRATA_ASSIGN_OR_RETURN(item.signature, SignatureFromProto(a.signature()));
      STRATA_ASSIGN_OR_RETURN(item.options, Options(a.options()));
      if (mode == exec::AggregateMode::kFinal && (a.args_size() > 0 || a.has_filter())) {
        return absl::InvalidArgumentError(fmt::format(
            "final aggregate {} in plan has arguments; its input holds partial states", a.name()));
      }
      STRATA_ASSIGN_OR_RETURN(item.args, Exprs(a.args(), schema, depth));
      STRATA_ASSIGN_OR_RETURN(item.function,
                              AggregateCall(a.function(), item.signature, item.options, item.args));
      if (a.has_filter()) {
        STRATA_ASSIGN_OR_RETURN(item.filter, Expr(a.filter(), schema, depth));
        STRATA_RETURN_IF_ERROR(CheckPredicate(item.filter, "an aggregate FILTER"));
      }
      item.name = a.name();
      if (mode == exec::AggregateMode::kFinal) {
        // The final mode merges the partial states it reads from its input's columns.
        for (TypeId state :
             exec::AggregateStateTypes(*item.function, item.signature, item.options)) {
          if (state_column >= schema.num_fields() ||
              !SameOrBothStrings(schema.field(state_column).type, state)) {
            return absl::InvalidArgumentError(fmt::format(
                "the input of final aggregate {} in plan lacks its state columns", item.name));
          }
          ++state_column;
        }
      }
      aggregates.push_back(std::move(item));
    }
    return exec::MakeHashAggregateExec(
        mode, std::move(groups), std::move(aggregates), std::move(input));
  }

  absl::StatusOr<ExecutionPlanPtr> Window(const pb::WindowExecNode& n, int depth) {
    using Kind = exec::WindowFunctionKind;
    using Bound = exec::WindowFrame::BoundKind;
    STRATA_ASSIGN_OR_RETURN(ExecutionPlanPtr input, Input(n, depth));
    const Schema& schema = *input->schema();
    std::vector<exec::WindowItem> items;
    for (const pb::WindowItem& w : n.items()) {
      exec::WindowItem item;
      STRATA_ASSIGN_OR_RETURN(item.kind,
                              EnumFromProto<Kind>(w.kind(),
                                                  pb::WINDOW_FUNCTION_KIND_ROW_NUMBER,
                                                  pb::WINDOW_FUNCTION_KIND_AGGREGATE,
                                                  "window function kind"));
      if (item.kind == Kind::kAggregate) {
        STRATA_ASSIGN_OR_RETURN(item.signature, SignatureFromProto(w.signature()));
        STRATA_ASSIGN_OR_RETURN(item.options, Options(w.options()));
      }
      STRATA_ASSIGN_OR_RETURN(item.args, Exprs(w.args(), schema, depth));
      STRATA_ASSIGN_OR_RETURN(item.partition_by, Exprs(w.partition_by(), schema, depth));
      STRATA_ASSIGN_OR_RETURN(item.order_by, SortKeys(w.order_by(), schema, depth));
      const pb::WindowFrame& frame = w.frame();
      STRATA_ASSIGN_OR_RETURN(item.frame.units,
                              EnumFromProto<exec::WindowFrame::Units>(frame.units(),
                                                                      pb::WINDOW_FRAME_UNITS_ROWS,
                                                                      pb::WINDOW_FRAME_UNITS_RANGE,
                                                                      "window frame unit"));
      STRATA_ASSIGN_OR_RETURN(item.frame.start,
                              EnumFromProto<Bound>(frame.start(),
                                                   pb::WINDOW_FRAME_BOUND_UNBOUNDED_PRECEDING,
                                                   pb::WINDOW_FRAME_BOUND_UNBOUNDED_FOLLOWING,
                                                   "window frame bound"));
      STRATA_ASSIGN_OR_RETURN(item.frame.end,
                              EnumFromProto<Bound>(frame.end(),
                                                   pb::WINDOW_FRAME_BOUND_UNBOUNDED_PRECEDING,
                                                   pb::WINDOW_FRAME_BOUND_UNBOUNDED_FOLLOWING,
                                                   "window frame bound"));
      item.frame.start_offset = frame.start_offset();
      item.frame.end_offset = frame.end_offset();
      if (frame.has_start_range_offset()) {
        STRATA_ASSIGN_OR_RETURN(item.frame.start_range_offset,
                                ScalarFromProto(frame.start_range_offset()));
      }
      if (frame.has_end_range_offset()) {
        STRATA_ASSIGN_OR_RETURN(item.frame.end_range_offset,
                                ScalarFromProto(frame.end_range_offset()));
      }
      STRATA_ASSIGN_OR_RETURN(item.type, TypeFromProto(w.type()));
      item.name = w.name();
      STRATA_RETURN_IF_ERROR(CheckWindowItem(w, &item));
      items.push_back(std::move(item));
    }
    return exec::MakeWindowExec(std::move(items), std::move(input));
  }

  // The result type a window function writes its values as must be the one it computes.
  absl::Status CheckWindowItem(const pb::WindowItem& w, exec::WindowItem* item) {
    using Kind = exec::WindowFunctionKind;
    auto mismatch = [&]() {
      return absl::InvalidArgumentError(
          fmt::format("window function {} in plan has an inconsistent type", item->name));
    };
    switch (item->kind) {
      case Kind::kRowNumber:
      case Kind::kRank:
      case Kind::kDenseRank:
      case Kind::kNtile:
        // Written with AppendInt64: any 64-bit integer column (the binder says kUInt64).
        return item->type == TypeId::kInt64 || item->type == TypeId::kUInt64 ? absl::OkStatus()
                                                                             : mismatch();
      case Kind::kPercentRank:
      case Kind::kCumeDist:
        return item->type == TypeId::kFloat64 ? absl::OkStatus() : mismatch();
      case Kind::kLag:
      case Kind::kLead:
      case Kind::kFirstValue:
      case Kind::kLastValue:
      case Kind::kNthValue:
        if (item->args.empty() || !Fits(item->args[0]->type(), item->type)) {
          return mismatch();
        }
        // lag/lead(x, offset, default): the default is appended to the result column.
        if ((item->kind == Kind::kLag || item->kind == Kind::kLead) && item->args.size() > 2 &&
            !Fits(item->args[2]->type(), item->type)) {
          return mismatch();
        }
        return absl::OkStatus();
      case Kind::kAggregate: {
        STRATA_ASSIGN_OR_RETURN(
            item->aggregate,
            AggregateCall(w.aggregate(), item->signature, item->options, item->args));
        return SameOrBothStrings(item->signature.result, item->type) ? absl::OkStatus()
                                                                     : mismatch();
      }
    }
    return mismatch();
  }

  absl::StatusOr<ExecutionPlanPtr> BufferScan(const pb::BufferScanExecNode& n, int depth) {
    if (context_.write_buffer == nullptr) {
      return absl::InvalidArgumentError(
          "plan scans the write buffer and the decode context has none");
    }
    query::BufferScanSpec spec;
    spec.database_id = n.database_id();
    spec.table_id = n.table_id();
    spec.table_name = n.table_name();
    spec.column_ids.assign(n.column_ids().begin(), n.column_ids().end());
    spec.series_key_column_ids.assign(n.series_key_column_ids().begin(),
                                      n.series_key_column_ids().end());
    STRATA_ASSIGN_OR_RETURN(spec.scan_schema, SchemaFromProto(n.scan_schema()));
    spec.output_columns = n.output_columns();
    STRATA_ASSIGN_OR_RETURN(spec.filters, Exprs(n.filters(), *spec.scan_schema, depth));
    for (const PhysicalExprPtr& filter : spec.filters) {
      STRATA_RETURN_IF_ERROR(CheckPredicate(filter, "a scan filter"));
    }
    if (n.has_limit()) {
      if (n.limit() < 0) {
        return absl::InvalidArgumentError("BufferScanExec in plan has a negative limit");
      }
      spec.limit = n.limit();
    }
    if (n.partitions() < 1 || n.partitions() > kMaxScanPartitions) {
      return absl::InvalidArgumentError(fmt::format(
          "BufferScanExec in plan has {} partitions (1..{})", n.partitions(), kMaxScanPartitions));
    }
    spec.partitions = n.partitions();
    if (n.dynamic_filters_size() > kMaxDynamicFilters) {
      return absl::InvalidArgumentError(
          fmt::format("BufferScanExec in plan has {} dynamic filters", n.dynamic_filters_size()));
    }
    for (const pb::DynamicFilterRef& ref : n.dynamic_filters()) {
      spec.dynamic_filters.push_back(
          exec::DynamicFilterRef{ref.filter_id(), ref.key(), ref.column()});
    }
    return query::MakeBufferScanExec(query::ScanSources{.buffer = context_.write_buffer,
                                                        .persister = context_.persister,
                                                        .files = context_.files,
                                                        .file_limit = context_.file_limit},
                                     std::move(spec));
  }

  const DecodeContext& context_;
};

}  // namespace

absl::StatusOr<std::string> EncodePlan(const ExecutionPlan& plan,
                                       const PhysicalExtensionCodec* extension) {
  pb::Plan message;
  message.set_version(kPlanFormatVersion);
  PlanEncoder encoder(extension);
  STRATA_RETURN_IF_ERROR(encoder.Encode(plan, 0, message.mutable_root()));
  return SerializeDeterministic(message);
}

absl::StatusOr<ExecutionPlanPtr> DecodePlan(std::string_view bytes, const DecodeContext& context) {
  pb::Plan message;
  if (!ParseBounded(bytes, &message)) {
    return absl::InvalidArgumentError("malformed plan bytes");
  }
  if (message.version() > kPlanFormatVersion) {
    return absl::InvalidArgumentError(fmt::format(
        "plan format version {} is newer than {}", message.version(), kPlanFormatVersion));
  }
  if (!message.has_root()) {
    return absl::InvalidArgumentError("encoded plan is empty");
  }
  PlanDecoder decoder(context);
  return decoder.Decode(message.root(), 0);
}

}  // namespace strata::codec
