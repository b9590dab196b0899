// The binder's statement half: queries, SELECT layout, FROM, joins, set operations, ORDER BY and
// LIMIT, SHOW statements.
#include "plan/binder.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_join.h"
#include "exec/type_coercion.h"
#include "fmt/format.h"
#include "plan/binder_expr.h"
#include "plan/binder_internal.h"
#include "sql/parser.h"
#include "sql/source_position.h"

namespace strata::plan {
namespace {

using exec::Scalar;

bool ContainsKind(const ExprPtr& expr, ExprKind kind) {
  bool found = false;
  VisitExpr(expr, [&](const Expr& e) { found |= e.kind == kind; });
  return found;
}

void CollectKind(const ExprPtr& expr, ExprKind kind, std::vector<ExprPtr>* out) {
  if (expr->kind == kind) {
    for (const ExprPtr& seen : *out) {
      if (seen->Equals(*expr)) {
        return;
      }
    }
    out->push_back(expr);
    return;
  }
  for (const ExprPtr& arg : expr->args) {
    CollectKind(arg, kind, out);
  }
  if (expr->filter != nullptr) {
    CollectKind(expr->filter, kind, out);
  }
  for (const ExprPtr& p : expr->partition_by) {
    CollectKind(p, kind, out);
  }
  for (const SortExpr& o : expr->order_by) {
    CollectKind(o.expr, kind, out);
  }
}

// The AND-ed terms of a condition as written, left to right.
std::vector<const sql::Expr*> SplitAstConjuncts(const sql::Expr& condition) {
  std::vector<const sql::Expr*> conjuncts;
  std::vector<const sql::Expr*> stack = {&condition};
  while (!stack.empty()) {
    const sql::Expr* e = stack.back();
    stack.pop_back();
    if (e->Is<sql::BinaryExpr>() && e->As<sql::BinaryExpr>().op == sql::BinaryOperator::kAnd) {
      stack.push_back(e->As<sql::BinaryExpr>().right.get());
      stack.push_back(e->As<sql::BinaryExpr>().left.get());
    } else {
      conjuncts.push_back(e);
    }
  }
  return conjuncts;
}

// The output name of an unaliased select expression: a column's own name, otherwise the
// expression as canonical SQL ("avg(usage)", "usage * 2").
std::string OutputName(const sql::Expr& expr) {
  if (expr.Is<sql::ColumnRefExpr>()) {
    return expr.As<sql::ColumnRefExpr>().column().value;
  }
  if (expr.Is<sql::FunctionCallExpr>()) {
    const auto& call = expr.As<sql::FunctionCallExpr>();
    if (call.star && call.args.empty() && call.filter == nullptr && call.over == nullptr) {
      return call.name.value + "(*)";
    }
  }
  return expr.ToString();
}

// The statement binder: one per BindStatement call.
class StatementBinder final : public BinderContext {
 public:
  StatementBinder(const SchemaProvider* schema, std::string_view text, const BindOptions* opts)
      : schema_(schema) {
    sql = text;
    options = opts;
  }

  absl::Status ErrorAt(size_t position, std::string_view message) const override {
    auto lc = sql::OffsetToLineColumn(sql, position);
    return absl::InvalidArgumentError(
        fmt::format("{} at line {}, column {}", message, lc.line, lc.column));
  }

  absl::StatusOr<SubqueryValues> RunSubquery(const sql::Query& query,
                                             const BindScope* outer,
                                             size_t position,
                                             int64_t max_rows) const override;
  absl::StatusOr<Scalar> EvaluateConstant(const ExprPtr& expr) const override;
  absl::StatusOr<int64_t> ConstantInt(const sql::Expr& expr, std::string_view what) const override;

  absl::StatusOr<LogicalPlanPtr> BindStatement(const sql::Statement& statement);
  absl::StatusOr<LogicalPlanPtr> BindQuery(const sql::Query& query, const BindScope* outer) const;

 private:
  absl::StatusOr<LogicalPlanPtr> BindBody(const sql::QueryBody& body,
                                          const std::vector<sql::OrderByItem>* order_by,
                                          const BindScope* outer,
                                          bool* order_applied) const;
  absl::StatusOr<LogicalPlanPtr> BindSelect(const sql::Select& select,
                                            const std::vector<sql::OrderByItem>* order_by,
                                            const BindScope* outer) const;
  absl::StatusOr<LogicalPlanPtr> BindSetOperation(const sql::SetOperation& op,
                                                  const BindScope* outer) const;
  absl::StatusOr<LogicalPlanPtr> BindFrom(const std::vector<std::unique_ptr<sql::TableRef>>& from,
                                          const BindScope* outer,
                                          std::map<std::string, int>* using_columns) const;
  absl::StatusOr<LogicalPlanPtr> BindTableRef(const sql::TableRef& ref,
                                              const BindScope* outer,
                                              std::map<std::string, int>* using_columns) const;
  absl::StatusOr<LogicalPlanPtr> BindJoin(const sql::JoinTableRef& join,
                                          const BindScope* outer,
                                          std::map<std::string, int>* using_columns) const;
  absl::StatusOr<LogicalPlanPtr> ApplyOrderAndLimit(const sql::Query& query,
                                                    LogicalPlanPtr plan,
                                                    bool order_applied) const;
  // Decorrelation (subqueries that read columns of the enclosing query).
  bool IsCorrelated(const sql::Query& query, const BindScope* outer) const;
  struct CorrelatedParts {
    LogicalPlanPtr inner;             // the subquery's FROM with its uncorrelated WHERE terms
    std::vector<ExprPtr> conditions;  // correlated terms over [outer fields, inner fields]
    const sql::Select* select = nullptr;
  };
  absl::StatusOr<CorrelatedParts> SplitCorrelated(const sql::Query& query,
                                                  const BindScope* outer,
                                                  size_t position) const;
  absl::StatusOr<LogicalPlanPtr> SemiJoin(const sql::Expr& conjunct,
                                          LogicalPlanPtr plan,
                                          const BindScope* scope) const;
  absl::StatusOr<ExprPtr> CorrelatedScalar(const sql::Query& query,
                                           size_t position,
                                           LogicalPlanPtr* plan,
                                           BindScope* scope) const;
  // The table `name` ([catalog.][schema.]table; a bare name is a table of schema "iox"), or a
  // "not found" error naming the part that was not found. Sets `*schema_name` (if not null) to
  // the table's schema.
  absl::StatusOr<TableProviderPtr> ResolveTable(const std::vector<sql::Identifier>& name,
                                                std::string* schema_name) const;
  // SHOW TABLES and SHOW COLUMNS are queries over information_schema, as in DataFusion.
  absl::StatusOr<LogicalPlanPtr> ShowTables(const sql::Statement& statement) const;
  absl::StatusOr<LogicalPlanPtr> ShowColumns(const sql::ShowColumnsStatement& statement) const;
  // Binds `query_text`, a query the binder wrote itself (errors point into it).
  absl::StatusOr<LogicalPlanPtr> BindGeneratedQuery(const std::string& query_text) const;
  LogicalPlanPtr Alias(LogicalPlanPtr plan,
                       const std::string& name,
                       const std::vector<sql::Identifier>& columns) const;

  const SchemaProvider* schema_;
  // CTEs visible while binding, innermost last.
  mutable std::vector<std::map<std::string, LogicalPlanPtr>> ctes_;
};

// Rewrites an expression bound over the FROM scope so that it reads the output of an Aggregate
// node: group expressions and aggregate calls become column references; any other column
// reference is an error (it is neither grouped nor aggregated).
class AggregateRewriter {
 public:
  AggregateRewriter(const StatementBinder* binder,
                    const std::vector<ExprPtr>* groups,
                    const std::vector<ExprPtr>* aggregates,
                    const std::vector<PlanField>* output)
      : binder_(binder), groups_(groups), aggregates_(aggregates), output_(output) {}

  absl::StatusOr<ExprPtr> Rewrite(const ExprPtr& expr, size_t position) const {
    for (size_t i = 0; i < groups_->size(); ++i) {
      if ((*groups_)[i]->Equals(*expr)) {
        return Column(i);
      }
    }
    if (expr->kind == ExprKind::kAggregate) {
      for (size_t i = 0; i < aggregates_->size(); ++i) {
        if ((*aggregates_)[i]->Equals(*expr)) {
          return Column(groups_->size() + i);
        }
      }
      return absl::InternalError("aggregate not collected: " + expr->ToString());
    }
    if (expr->kind == ExprKind::kColumn) {
      return binder_->ErrorAt(
          position,
          fmt::format("column '{}' must appear in the GROUP BY clause or be used in "
                      "an aggregate function",
                      expr->name));
    }
    bool changed = false;
    auto copy = std::make_shared<Expr>(*expr);
    for (ExprPtr& arg : copy->args) {
      auto r = Rewrite(arg, position);
      if (!r.ok()) {
        return r.status();
      }
      changed |= *r != arg;
      arg = *r;
    }
    for (ExprPtr& p : copy->partition_by) {
      auto r = Rewrite(p, position);
      if (!r.ok()) {
        return r.status();
      }
      changed |= *r != p;
      p = *r;
    }
    for (SortExpr& o : copy->order_by) {
      auto r = Rewrite(o.expr, position);
      if (!r.ok()) {
        return r.status();
      }
      changed |= *r != o.expr;
      o.expr = *r;
    }
    return changed ? ExprPtr(copy) : expr;
  }

 private:
  ExprPtr Column(size_t i) const {
    const PlanField& f = (*output_)[i];
    return MakeColumn(
        static_cast<int>(i), f.qualifier.empty() ? f.name : f.qualifier + "." + f.name, f.type);
  }

  const StatementBinder* binder_;
  const std::vector<ExprPtr>* groups_;
  const std::vector<ExprPtr>* aggregates_;
  const std::vector<PlanField>* output_;
};

// Replaces window expressions (collected in `windows`) by references to the Window node's
// appended columns, which start at `first`.
ExprPtr RewriteWindows(const ExprPtr& expr,
                       const std::vector<ExprPtr>& windows,
                       int first,
                       const std::vector<PlanField>& output) {
  return RewriteExpr(expr, [&](const ExprPtr& e) -> ExprPtr {
    if (e->kind != ExprKind::kWindow) {
      return e;
    }
    for (size_t i = 0; i < windows.size(); ++i) {
      if (windows[i].get() == e.get() || windows[i]->ToString() == e->ToString()) {
        int index = first + static_cast<int>(i);
        return MakeColumn(index, output[static_cast<size_t>(index)].name, e->type);
      }
    }
    return e;
  });
}

LogicalPlanPtr MakeEmpty(bool produce_one_row) {
  auto plan = std::make_shared<LogicalPlan>();
  plan->kind = PlanKind::kEmpty;
  plan->produce_one_row = produce_one_row;
  return plan;
}

absl::StatusOr<LogicalPlanPtr> StatementBinder::BindStatement(const sql::Statement& statement) {
  switch (statement.kind) {
    case sql::StatementKind::kQuery:
      return BindQuery(*statement.As<sql::QueryStatement>().query, nullptr);
    case sql::StatementKind::kExplain: {
      const auto& explain = statement.As<sql::ExplainStatement>();
      auto inner = BindQuery(*explain.query, nullptr);
      if (!inner.ok()) {
        return inner.status();
      }
      auto plan = std::make_shared<LogicalPlan>();
      plan->kind = PlanKind::kExplain;
      plan->analyze = explain.analyze;
      plan->verbose = explain.verbose;
      plan->schema = {PlanField{"", "plan_type", TypeId::kString, false},
                      PlanField{"", "plan", TypeId::kString, false}};
      plan->inputs = {*inner};
      return LogicalPlanPtr(plan);
    }
    case sql::StatementKind::kShowTables:
      return ShowTables(statement);
    case sql::StatementKind::kShowColumns:
      return ShowColumns(statement.As<sql::ShowColumnsStatement>());
  }
  return absl::InvalidArgumentError("unsupported statement");
}

absl::StatusOr<LogicalPlanPtr> StatementBinder::BindQuery(const sql::Query& query,
                                                          const BindScope* outer) const {
  std::map<std::string, LogicalPlanPtr> scope;
  ctes_.push_back({});
  struct Pop {
    std::vector<std::map<std::string, LogicalPlanPtr>>* stack;
    ~Pop() { stack->pop_back(); }
  } pop{&ctes_};
  for (const sql::CommonTableExpr& cte : query.with) {
    if (ctes_.back().count(cte.name.value) != 0) {
      return ErrorAt(cte.position,
                     fmt::format("WITH query name '{}' specified more than once", cte.name.value));
    }
    auto plan = BindQuery(*cte.query, outer);
    if (!plan.ok()) {
      return plan.status();
    }
    if (!cte.columns.empty() && cte.columns.size() != (*plan)->schema.size()) {
      return ErrorAt(cte.position,
                     fmt::format("WITH query '{}' has {} columns but {} names",
                                 cte.name.value,
                                 (*plan)->schema.size(),
                                 cte.columns.size()));
    }
    ctes_.back()[cte.name.value] = Alias(*plan, cte.name.value, cte.columns);
  }
  bool order_applied = false;
  auto body = BindBody(
      *query.body, query.order_by.empty() ? nullptr : &query.order_by, outer, &order_applied);
  if (!body.ok()) {
    return body.status();
  }
  return ApplyOrderAndLimit(query, *body, order_applied);
}

absl::StatusOr<LogicalPlanPtr> StatementBinder::BindBody(
    const sql::QueryBody& body,
    const std::vector<sql::OrderByItem>* order_by,
    const BindScope* outer,
    bool* order_applied) const {
  switch (body.kind) {
    case sql::QueryBodyKind::kSelect:
      *order_applied = order_by != nullptr;
      return BindSelect(body.As<sql::Select>(), order_by, outer);
    case sql::QueryBodyKind::kSetOperation:
      return BindSetOperation(body.As<sql::SetOperation>(), outer);
    case sql::QueryBodyKind::kNestedQuery:
      return BindQuery(*body.As<sql::NestedQuery>().query, outer);
  }
  return absl::InvalidArgumentError("unsupported query body");
}

absl::StatusOr<LogicalPlanPtr> StatementBinder::BindSetOperation(const sql::SetOperation& op,
                                                                 const BindScope* outer) const {
  const std::string_view op_name = op.op == sql::SetOperator::kUnion       ? "UNION"
                                   : op.op == sql::SetOperator::kIntersect ? "INTERSECT"
                                                                           : "EXCEPT";
  bool unused = false;
  auto left = BindBody(*op.left, nullptr, outer, &unused);
  if (!left.ok()) {
    return left.status();
  }
  auto right = BindBody(*op.right, nullptr, outer, &unused);
  if (!right.ok()) {
    return right.status();
  }
  const auto& ls = (*left)->schema;
  const auto& rs = (*right)->schema;
  if (ls.size() != rs.size()) {
    return ErrorAt(op.position,
                   fmt::format("each {} query must have the same number of columns: {} vs {}",
                               op_name,
                               ls.size(),
                               rs.size()));
  }
  std::vector<TypeId> types;
  for (size_t i = 0; i < ls.size(); ++i) {
    auto common = exec::CommonType({ls[i].type, rs[i].type});
    if (!common.ok()) {
      return ErrorAt(op.position,
                     fmt::format("{} column {} ('{}'): {}",
                                 op_name,
                                 i + 1,
                                 ls[i].name,
                                 std::string(common.status().message())));
    }
    TypeId t = *common;
    if (t == TypeId::kDictionary &&
        (ls[i].type != TypeId::kDictionary || rs[i].type != TypeId::kDictionary)) {
      t = TypeId::kString;
    }
    // Two tag columns from different tables have unrelated dictionaries: union them as strings.
    types.push_back(t == TypeId::kNull ? TypeId::kNull : t);
  }
  auto cast_side = [&](const LogicalPlanPtr& side) -> LogicalPlanPtr {
    bool needed = false;
    std::vector<ExprPtr> exprs;
    std::vector<std::string> names;
    for (size_t i = 0; i < side->schema.size(); ++i) {
      const PlanField& f = side->schema[i];
      ExprPtr column = MakeColumn(static_cast<int>(i), f.name, f.type);
      ExprPtr e = f.type == TypeId::kNull && types[i] != TypeId::kNull
                      ? MakeLiteral(Scalar::Null(types[i]))
                      : (f.type == types[i] ? column : MakeCast(column, types[i]));
      needed |= e != column;
      exprs.push_back(e);
      names.push_back(ls[i].name);
    }
    return needed ? MakeProjection(std::move(exprs), std::move(names), side) : side;
  };
  if (op.op != sql::SetOperator::kUnion) {
    return internal::MakeIntersectOrExcept(
        op.op == sql::SetOperator::kIntersect, op.all, cast_side(*left), cast_side(*right));
  }
  auto plan = std::make_shared<LogicalPlan>();
  plan->kind = PlanKind::kUnion;
  plan->inputs = {cast_side(*left), cast_side(*right)};
  for (size_t i = 0; i < ls.size(); ++i) {
    plan->schema.push_back(PlanField{"", ls[i].name, plan->inputs[0]->schema[i].type, true});
  }
  LogicalPlanPtr result = plan;
  if (!op.all) {
    std::vector<ExprPtr> groups;
    for (size_t i = 0; i < result->schema.size(); ++i) {
      groups.push_back(
          MakeColumn(static_cast<int>(i), result->schema[i].name, result->schema[i].type));
    }
    result = MakeAggregate(std::move(groups), {}, result);
  }
  return result;
}

LogicalPlanPtr StatementBinder::Alias(LogicalPlanPtr plan,
                                      const std::string& name,
                                      const std::vector<sql::Identifier>& columns) const {
  std::vector<ExprPtr> exprs;
  std::vector<std::string> names;
  for (size_t i = 0; i < plan->schema.size(); ++i) {
    const PlanField& f = plan->schema[i];
    exprs.push_back(MakeColumn(static_cast<int>(i), f.name, f.type));
    names.push_back(i < columns.size() ? columns[i].value : f.name);
  }
  auto projection = std::make_shared<LogicalPlan>(*MakeProjection(exprs, names, plan));
  for (PlanField& f : projection->schema) {
    f.qualifier = name;
  }
  return projection;
}

absl::StatusOr<LogicalPlanPtr> StatementBinder::BindTableRef(
    const sql::TableRef& ref,
    const BindScope* outer,
    std::map<std::string, int>* using_columns) const {
  switch (ref.kind) {
    case sql::TableRefKind::kTable: {
      const auto& named = ref.As<sql::NamedTableRef>();
      const sql::Identifier& table = named.name.back();
      std::string alias = named.alias ? named.alias->name.value : table.value;
      static const std::vector<sql::Identifier> kNoColumns;
      const auto& alias_columns = named.alias ? named.alias->columns : kNoColumns;
      if (named.name.size() == 1) {
        for (auto it = ctes_.rbegin(); it != ctes_.rend(); ++it) {
          auto found = it->find(table.value);
          if (found != it->end()) {
            return Alias(found->second, alias, alias_columns);
          }
        }
      }
      auto provider = ResolveTable(named.name, nullptr);
      if (!provider.ok()) {
        return provider.status();
      }
      LogicalPlanPtr scan = MakeScan(*provider, alias);
      if (!alias_columns.empty()) {
        return Alias(scan, alias, alias_columns);
      }
      return scan;
    }
    case sql::TableRefKind::kSubquery: {
      const auto& sub = ref.As<sql::SubqueryTableRef>();
      auto plan = BindQuery(*sub.subquery, outer);
      if (!plan.ok()) {
        return plan.status();
      }
      static const std::vector<sql::Identifier> kNoColumns;
      return Alias(*plan,
                   sub.alias ? sub.alias->name.value : "",
                   sub.alias ? sub.alias->columns : kNoColumns);
    }
    case sql::TableRefKind::kTableFunction: {
      const auto& fn = ref.As<sql::TableFunctionRef>();
      // Arguments are constants (table and cache names): bound with no columns in scope and
      // folded to values.
      std::vector<Scalar> args;
      for (const auto& arg : fn.args) {
        auto bound = ExprBinder::BindConstant(this, *arg, "a table function argument");
        if (!bound.ok()) {
          return bound.status();
        }
        auto value = EvaluateConstant(*bound);
        if (!value.ok()) {
          return ErrorAt(arg->position,
                         fmt::format("the arguments of table function '{}' must be constants",
                                     fn.name.spelling));
        }
        args.push_back(*std::move(value));
      }
      auto provider = schema_->CallTableFunction(fn.name.value, args);
      if (!provider.ok()) {
        return ErrorAt(ref.position, std::string(provider.status().message()));
      }
      if (*provider == nullptr) {
        return ErrorAt(ref.position,
                       fmt::format("table function '{}' not found", fn.name.spelling));
      }
      std::string alias = fn.alias ? fn.alias->name.value : fn.name.value;
      LogicalPlanPtr scan = MakeScan(*provider, alias);
      if (fn.alias && !fn.alias->columns.empty()) {
        return Alias(scan, alias, fn.alias->columns);
      }
      return scan;
    }
    case sql::TableRefKind::kJoin:
      return BindJoin(ref.As<sql::JoinTableRef>(), outer, using_columns);
  }
  return absl::InvalidArgumentError("unsupported FROM item");
}

// Splits a join condition into equi-join keys (one side from each input) and the rest. With
// `null_equal` (the join's LogicalPlan::null_equal_keys), `a IS NOT DISTINCT FROM b` makes a key
// too, flagged there (NULL matches NULL); without it, such a term stays in the rest.
void SplitJoinCondition(const ExprPtr& condition,
                        int left_width,
                        std::vector<ExprPtr>* left_keys,
                        std::vector<ExprPtr>* right_keys,
                        std::vector<ExprPtr>* rest,
                        std::vector<bool>* null_equal = nullptr) {
  for (const ExprPtr& term : SplitConjunction(condition)) {
    const bool not_distinct =
        term->kind == ExprKind::kBinary && term->binary_op == exec::BinaryOp::kIsNotDistinctFrom &&
        null_equal != nullptr &&
        (term->args[0]->type == term->args[1]->type ||
         (IsStringType(term->args[0]->type) && IsStringType(term->args[1]->type)));
    if (term->kind == ExprKind::kBinary &&
        (term->binary_op == exec::BinaryOp::kEq || not_distinct)) {
      std::vector<int> a = ReferencedColumns(*term->args[0]);
      std::vector<int> b = ReferencedColumns(*term->args[1]);
      auto all_left = [&](const std::vector<int>& cols) {
        return !cols.empty() && cols.back() < left_width;
      };
      auto all_right = [&](const std::vector<int>& cols) {
        return !cols.empty() && cols.front() >= left_width;
      };
      ExprPtr l;
      ExprPtr r;
      if (all_left(a) && all_right(b)) {
        l = term->args[0];
        r = term->args[1];
      } else if (all_right(a) && all_left(b)) {
        l = term->args[1];
        r = term->args[0];
      }
      if (l != nullptr) {
        std::vector<int> shift;
        int total = 0;
        for (int c : ReferencedColumns(*r)) {
          total = std::max(total, c + 1);
        }
        shift.resize(static_cast<size_t>(total), -1);
        for (int c : ReferencedColumns(*r)) {
          shift[static_cast<size_t>(c)] = c - left_width;
        }
        if (null_equal != nullptr) {
          // Flags for the keys found before, then this one.
          null_equal->resize(left_keys->size(), false);
          null_equal->push_back(not_distinct);
        }
        left_keys->push_back(l);
        right_keys->push_back(RemapColumns(r, shift));
        continue;
      }
    }
    rest->push_back(term);
  }
}

absl::StatusOr<LogicalPlanPtr> StatementBinder::BindJoin(
    const sql::JoinTableRef& join,
    const BindScope* outer,
    std::map<std::string, int>* using_columns) const {
  auto left = BindTableRef(*join.left, outer, using_columns);
  if (!left.ok()) {
    return left.status();
  }
  std::map<std::string, int> right_using;
  auto right = BindTableRef(*join.right, outer, &right_using);
  if (!right.ok()) {
    return right.status();
  }
  auto plan = std::make_shared<LogicalPlan>();
  plan->kind = PlanKind::kJoin;
  plan->inputs = {*left, *right};
  plan->schema = (*left)->schema;
  int left_width = static_cast<int>((*left)->schema.size());
  for (const auto& [name, index] : right_using) {
    (*using_columns)[name] = index + left_width;
  }
  bool left_nullable = false;
  bool right_nullable = false;
  switch (join.join_type) {
    case sql::JoinType::kInner:
    case sql::JoinType::kCross:
      plan->join_type = exec::JoinType::kInner;
      break;
    case sql::JoinType::kLeft:
      plan->join_type = exec::JoinType::kLeft;
      right_nullable = true;
      break;
    case sql::JoinType::kRight:
      plan->join_type = exec::JoinType::kRight;
      left_nullable = true;
      break;
    case sql::JoinType::kFull:
      plan->join_type = exec::JoinType::kFull;
      left_nullable = right_nullable = true;
      break;
  }
  for (PlanField& f : plan->schema) {
    f.nullable |= left_nullable;
  }
  for (PlanField f : (*right)->schema) {
    f.nullable |= right_nullable;
    plan->schema.push_back(f);
  }
  BindScope scope{&plan->schema, outer, *using_columns};
  ExprPtr condition;
  if (!join.using_columns.empty()) {
    std::vector<ExprPtr> terms;
    ExprBinder binder(this, &scope, ExprBinderMode::kNoAggregates, "JOIN USING");
    for (const sql::Identifier& column : join.using_columns) {
      int li = -1;
      int ri = -1;
      for (int i = 0; i < static_cast<int>(plan->schema.size()); ++i) {
        if (plan->schema[static_cast<size_t>(i)].name == column.value) {
          (i < left_width ? li : ri) = i;
        }
      }
      if (li < 0 || ri < 0) {
        return ErrorAt(column.position,
                       fmt::format("column '{}' in USING must exist on both sides of the join",
                                   column.spelling));
      }
      const PlanField& lf = plan->schema[static_cast<size_t>(li)];
      const PlanField& rf = plan->schema[static_cast<size_t>(ri)];
      auto eq = binder.BindBinary(exec::BinaryOp::kEq,
                                  MakeColumn(li, lf.name, lf.type),
                                  MakeColumn(ri, rf.name, rf.type),
                                  column.position);
      if (!eq.ok()) {
        return eq.status();
      }
      terms.push_back(*eq);
      (*using_columns)[column.value] = li;
    }
    condition = MakeAnd(std::move(terms));
  } else if (join.condition != nullptr) {
    ExprBinder binder(this, &scope, ExprBinderMode::kNoAggregates, "JOIN ON");
    auto cond = binder.BindPredicate(*join.condition);
    if (!cond.ok()) {
      return cond.status();
    }
    condition = *cond;
  }
  if (condition != nullptr) {
    std::vector<ExprPtr> rest;
    SplitJoinCondition(
        condition, left_width, &plan->left_keys, &plan->right_keys, &rest, &plan->null_equal_keys);
    // Keys must have equal types on both sides (the binder's = already cast them).
    if (!rest.empty()) {
      plan->join_filter = MakeAnd(std::move(rest));
    }
  }
  return LogicalPlanPtr(plan);
}

absl::StatusOr<LogicalPlanPtr> StatementBinder::BindFrom(
    const std::vector<std::unique_ptr<sql::TableRef>>& from,
    const BindScope* outer,
    std::map<std::string, int>* using_columns) const {
  if (from.empty()) {
    return MakeEmpty(true);
  }
  LogicalPlanPtr plan;
  for (const auto& ref : from) {
    auto bound = BindTableRef(*ref, outer, using_columns);
    if (!bound.ok()) {
      return bound.status();
    }
    if (plan == nullptr) {
      plan = *bound;
      continue;
    }
    // Comma join: a cross product.
    auto join = std::make_shared<LogicalPlan>();
    join->kind = PlanKind::kJoin;
    join->join_type = exec::JoinType::kInner;
    join->schema = plan->schema;
    for (const PlanField& f : (*bound)->schema) {
      join->schema.push_back(f);
    }
    join->inputs = {plan, *bound};
    plan = join;
  }
  return plan;
}

absl::StatusOr<LogicalPlanPtr> StatementBinder::BindSelect(
    const sql::Select& select,
    const std::vector<sql::OrderByItem>* order_by,
    const BindScope* outer) const {
  std::map<std::string, int> using_columns;
  auto from = BindFrom(select.from, outer, &using_columns);
  if (!from.ok()) {
    return from.status();
  }
  LogicalPlanPtr plan = *from;
  BindScope scope{&plan->schema, outer, using_columns};

  // Correlated scalar subqueries in WHERE and the select list join their aggregate to the plan.
  scope.correlated_scalar = [this, &plan, &scope](const sql::Query& query,
                                                  size_t position) -> absl::StatusOr<ExprPtr> {
    return CorrelatedScalar(query, position, &plan, &scope);
  };

  // WHERE: correlated [NOT] EXISTS and IN terms become semi and anti joins; the other terms a
  // filter.
  if (select.where != nullptr) {
    std::vector<ExprPtr> terms;
    for (const sql::Expr* conjunct : SplitAstConjuncts(*select.where)) {
      const sql::Query* sub = nullptr;
      if (conjunct->Is<sql::ExistsExpr>()) {
        sub = conjunct->As<sql::ExistsExpr>().subquery.get();
      } else if (conjunct->Is<sql::InSubqueryExpr>()) {
        sub = conjunct->As<sql::InSubqueryExpr>().subquery.get();
      }
      if (sub != nullptr && IsCorrelated(*sub, &scope)) {
        auto joined = SemiJoin(*conjunct, plan, &scope);
        if (!joined.ok()) {
          return joined.status();
        }
        plan = *joined;
        scope.fields = &plan->schema;
        continue;
      }
      ExprBinder binder(this, &scope, ExprBinderMode::kNoAggregates, "WHERE");
      auto predicate = binder.BindPredicate(*conjunct);
      if (!predicate.ok()) {
        return predicate.status();
      }
      terms.push_back(*predicate);
    }
    if (!terms.empty()) {
      plan = MakeFilter(MakeAnd(std::move(terms)), plan);
      scope.fields = &plan->schema;
    }
  }

  // The select list, over the FROM scope.
  std::vector<ExprPtr> items;
  std::vector<std::string> names;
  std::vector<size_t> positions;
  for (const sql::SelectItem& item : select.items) {
    if (item.kind == sql::SelectItem::Kind::kWildcard) {
      bool any = false;
      const std::string* qualifier =
          item.qualifier.empty() ? nullptr : &item.qualifier.back().value;
      std::set<std::string> seen_using;
      for (size_t i = 0; i < plan->schema.size(); ++i) {
        const PlanField& f = plan->schema[i];
        if (qualifier != nullptr && f.qualifier != *qualifier) {
          continue;
        }
        if (qualifier == nullptr) {
          // SELECT * over JOIN ... USING shows each USING column once.
          auto u = using_columns.find(f.name);
          if (u != using_columns.end() && u->second != static_cast<int>(i)) {
            continue;
          }
        }
        any = true;
        items.push_back(MakeColumn(static_cast<int>(i),
                                   f.qualifier.empty() ? f.name : f.qualifier + "." + f.name,
                                   f.type));
        names.push_back(f.name);
        positions.push_back(item.position);
      }
      if (!any && qualifier != nullptr) {
        return ErrorAt(item.position,
                       fmt::format("table '{}' not found in FROM", item.qualifier.back().spelling));
      }
      continue;
    }
    ExprBinder binder(this, &scope, ExprBinderMode::kAll);
    auto bound = binder.Bind(*item.expr);
    if (!bound.ok()) {
      return bound.status();
    }
    items.push_back(*bound);
    names.push_back(item.alias ? item.alias->value : OutputName(*item.expr));
    positions.push_back(item.position);
  }

  // ORDER BY keys: an ordinal or an output name refers to a select item; anything else is an
  // expression over the FROM scope (a hidden column when it is not in the select list).
  struct OrderKey {
    int item = -1;  // select item index
    ExprPtr expr;   // else: bound over the FROM scope
    bool ascending = true;
    bool nulls_first = false;
    size_t position = 0;
  };
  std::vector<OrderKey> order_keys;
  if (order_by != nullptr) {
    for (const sql::OrderByItem& o : *order_by) {
      OrderKey key;
      key.ascending = o.ascending();
      key.nulls_first = o.nulls_first();
      key.position = o.position;
      const sql::Expr& e = *o.expr;
      if (e.Is<sql::LiteralExpr>() &&
          e.As<sql::LiteralExpr>().literal_kind == sql::LiteralKind::kInteger) {
        int64_t n = e.As<sql::LiteralExpr>().integer_value;
        if (n < 1 || n > static_cast<int64_t>(items.size())) {
          return ErrorAt(e.position, fmt::format("ORDER BY position {} is not in select list", n));
        }
        key.item = static_cast<int>(n - 1);
      } else if (e.Is<sql::ColumnRefExpr>() && e.As<sql::ColumnRefExpr>().parts.size() == 1) {
        const std::string& n = e.As<sql::ColumnRefExpr>().column().value;
        for (size_t i = 0; i < select.items.size() && key.item < 0; ++i) {
          if (select.items[i].alias && select.items[i].alias->value == n) {
            key.item = static_cast<int>(i);
          }
        }
      }
      if (key.item < 0) {
        ExprBinder binder(this, &scope, ExprBinderMode::kAll);
        auto bound = binder.Bind(e);
        if (!bound.ok()) {
          return bound.status();
        }
        key.expr = *bound;
        for (size_t i = 0; i < items.size(); ++i) {
          if (items[i]->Equals(*key.expr)) {
            key.item = static_cast<int>(i);
            key.expr = nullptr;
            break;
          }
        }
      }
      order_keys.push_back(std::move(key));
    }
  }

  // HAVING
  ExprPtr having;
  if (select.having != nullptr) {
    ExprBinder binder(this, &scope, ExprBinderMode::kAggregates, "HAVING");
    auto cond = binder.BindPredicate(*select.having);
    if (!cond.ok()) {
      return cond.status();
    }
    having = *cond;
  }

  // GROUP BY: an ordinal is a select item; a bare name is an input column, else an output alias.
  std::vector<ExprPtr> groups;
  for (const auto& g : select.group_by) {
    ExprPtr bound;
    if (g->Is<sql::LiteralExpr>() &&
        g->As<sql::LiteralExpr>().literal_kind == sql::LiteralKind::kInteger) {
      int64_t n = g->As<sql::LiteralExpr>().integer_value;
      if (n < 1 || n > static_cast<int64_t>(items.size())) {
        return ErrorAt(g->position, fmt::format("GROUP BY position {} is not in select list", n));
      }
      bound = items[static_cast<size_t>(n - 1)];
    } else {
      ExprBinder binder(this, &scope, ExprBinderMode::kNoAggregates, "GROUP BY");
      auto result = binder.Bind(*g);
      if (!result.ok() && g->Is<sql::ColumnRefExpr>() &&
          g->As<sql::ColumnRefExpr>().parts.size() == 1) {
        const std::string& n = g->As<sql::ColumnRefExpr>().column().value;
        for (size_t i = 0; i < select.items.size(); ++i) {
          if (select.items[i].alias && select.items[i].alias->value == n) {
            result = items[i];
            break;
          }
        }
      }
      if (!result.ok()) {
        return result.status();
      }
      bound = *result;
    }
    if (ContainsKind(bound, ExprKind::kAggregate) || ContainsKind(bound, ExprKind::kWindow)) {
      return ErrorAt(g->position, "GROUP BY must not contain aggregate or window functions");
    }
    bool duplicate = false;
    for (const ExprPtr& existing : groups) {
      duplicate |= existing->Equals(*bound);
    }
    if (!duplicate) {
      groups.push_back(bound);
    }
  }

  std::vector<ExprPtr> aggregates;
  for (const ExprPtr& e : items) {
    CollectKind(e, ExprKind::kAggregate, &aggregates);
  }
  if (having != nullptr) {
    CollectKind(having, ExprKind::kAggregate, &aggregates);
  }
  for (const OrderKey& k : order_keys) {
    if (k.expr != nullptr) {
      CollectKind(k.expr, ExprKind::kAggregate, &aggregates);
    }
  }
  bool aggregating = !groups.empty() || !aggregates.empty();
  if (having != nullptr && !aggregating) {
    aggregating = true;  // HAVING without GROUP BY: one group over all rows
  }
  if (aggregating) {
    plan = MakeAggregate(groups, aggregates, plan);
    AggregateRewriter rewriter(this, &groups, &aggregates, &plan->schema);
    for (size_t i = 0; i < items.size(); ++i) {
      auto r = rewriter.Rewrite(items[i], positions[i]);
      if (!r.ok()) {
        return r.status();
      }
      items[i] = *r;
    }
    if (having != nullptr) {
      auto r = rewriter.Rewrite(having, select.having->position);
      if (!r.ok()) {
        return r.status();
      }
      plan = MakeFilter(*r, plan);
    }
    for (OrderKey& k : order_keys) {
      if (k.expr != nullptr) {
        auto r = rewriter.Rewrite(k.expr, k.position);
        if (!r.ok()) {
          return r.status();
        }
        k.expr = *r;
      }
    }
  }

  // Window functions: one Window node appending a column per distinct call.
  std::vector<ExprPtr> windows;
  for (const ExprPtr& e : items) {
    CollectKind(e, ExprKind::kWindow, &windows);
  }
  for (const OrderKey& k : order_keys) {
    if (k.expr != nullptr) {
      CollectKind(k.expr, ExprKind::kWindow, &windows);
    }
  }
  if (!windows.empty()) {
    auto window = std::make_shared<LogicalPlan>();
    window->kind = PlanKind::kWindow;
    window->schema = plan->schema;
    int first = static_cast<int>(plan->schema.size());
    for (const ExprPtr& w : windows) {
      window->schema.push_back(PlanField{"", w->ToString(), w->type, true});
    }
    window->window_exprs = windows;
    window->inputs = {plan};
    plan = window;
    for (ExprPtr& e : items) {
      e = RewriteWindows(e, windows, first, plan->schema);
    }
    for (OrderKey& k : order_keys) {
      if (k.expr != nullptr) {
        k.expr = RewriteWindows(k.expr, windows, first, plan->schema);
      }
    }
  }

  // The projection: select items, then hidden ORDER BY columns.
  size_t visible = items.size();
  std::vector<ExprPtr> exprs = items;
  std::vector<std::string> out_names = names;
  for (OrderKey& k : order_keys) {
    if (k.item >= 0) {
      continue;
    }
    if (select.distinct) {
      return ErrorAt(k.position,
                     "for SELECT DISTINCT, ORDER BY expressions must appear in the select list");
    }
    k.item = static_cast<int>(exprs.size());
    exprs.push_back(k.expr);
    out_names.push_back(fmt::format("__order_{}", exprs.size()));
  }
  plan = MakeProjection(exprs, out_names, plan);
  if (select.distinct) {
    std::vector<ExprPtr> keys;
    for (size_t i = 0; i < plan->schema.size(); ++i) {
      keys.push_back(MakeColumn(static_cast<int>(i), plan->schema[i].name, plan->schema[i].type));
    }
    auto aggregate = std::make_shared<LogicalPlan>(*MakeAggregate(keys, {}, plan));
    aggregate->schema = plan->schema;
    plan = aggregate;
  }
  if (!order_keys.empty()) {
    std::vector<SortExpr> keys;
    for (const OrderKey& k : order_keys) {
      const PlanField& f = plan->schema[static_cast<size_t>(k.item)];
      keys.push_back(SortExpr{MakeColumn(k.item, f.name, f.type), k.ascending, k.nulls_first});
    }
    plan = MakeSort(std::move(keys), std::nullopt, plan);
  }
  if (exprs.size() > visible) {
    // LIMIT is applied by the caller above this projection; dropping the hidden columns here is
    // fine because Limit commutes with a projection.
    std::vector<ExprPtr> keep;
    std::vector<std::string> keep_names;
    for (size_t i = 0; i < visible; ++i) {
      keep.push_back(MakeColumn(static_cast<int>(i), plan->schema[i].name, plan->schema[i].type));
      keep_names.push_back(plan->schema[i].name);
    }
    plan = MakeProjection(std::move(keep), std::move(keep_names), plan);
  }
  return plan;
}

bool StatementBinder::IsCorrelated(const sql::Query& query, const BindScope* outer) const {
  auto plan = BindQuery(query, outer);
  return !plan.ok() && plan.status().GetPayload(kCorrelatedErrorUrl).has_value();
}

// Renumbers an expression bound with BindScope::allow_outer (inner fields, then outer fields) for
// the join layout (outer fields, then inner fields).
ExprPtr ToJoinLayout(const ExprPtr& expr, int inner_width, int outer_width) {
  std::vector<int> mapping(static_cast<size_t>(inner_width + outer_width));
  for (int i = 0; i < inner_width; ++i) {
    mapping[static_cast<size_t>(i)] = outer_width + i;
  }
  for (int j = 0; j < outer_width; ++j) {
    mapping[static_cast<size_t>(inner_width + j)] = j;
  }
  return RemapColumns(expr, mapping);
}

absl::StatusOr<StatementBinder::CorrelatedParts> StatementBinder::SplitCorrelated(
    const sql::Query& query, const BindScope* outer, size_t position) const {
  if (!query.with.empty() || !query.order_by.empty() || query.limit != nullptr ||
      query.offset != nullptr || !query.body->Is<sql::Select>()) {
    return ErrorAt(position,
                   "this correlated subquery is not supported: it must be a plain SELECT without "
                   "WITH, ORDER BY or LIMIT");
  }
  const sql::Select& select = query.body->As<sql::Select>();
  if (!select.group_by.empty() || select.having != nullptr) {
    return ErrorAt(position,
                   "this correlated subquery is not supported: GROUP BY and HAVING are not "
                   "allowed in it");
  }
  CorrelatedParts parts;
  parts.select = &select;
  std::map<std::string, int> using_columns;
  auto from = BindFrom(select.from, nullptr, &using_columns);
  if (!from.ok()) {
    return from.status();
  }
  parts.inner = *from;
  int inner_width = static_cast<int>(parts.inner->schema.size());
  int outer_width = static_cast<int>(outer->fields->size());
  std::vector<ExprPtr> inner_terms;
  if (select.where != nullptr) {
    for (const sql::Expr* e : SplitAstConjuncts(*select.where)) {
      bool used_outer = false;
      BindScope scope{&parts.inner->schema, outer, using_columns};
      scope.allow_outer = true;
      scope.used_outer = &used_outer;
      ExprBinder binder(this, &scope, ExprBinderMode::kNoAggregates, "WHERE");
      auto term = binder.BindPredicate(*e);
      if (!term.ok()) {
        return term.status();
      }
      if (used_outer) {
        parts.conditions.push_back(ToJoinLayout(*term, inner_width, outer_width));
      } else {
        inner_terms.push_back(*term);
      }
    }
  }
  if (!inner_terms.empty()) {
    parts.inner = MakeFilter(MakeAnd(std::move(inner_terms)), parts.inner);
  }
  return parts;
}

// Builds a join of `left` and `right` on `condition` (over left ++ right fields).
LogicalPlanPtr MakeJoin(exec::JoinType type,
                        LogicalPlanPtr left,
                        LogicalPlanPtr right,
                        const std::vector<ExprPtr>& conditions,
                        bool null_aware = false) {
  auto join = std::make_shared<LogicalPlan>();
  join->kind = PlanKind::kJoin;
  join->join_type = type;
  join->null_aware = null_aware;
  join->schema = left->schema;
  if (type != exec::JoinType::kLeftSemi && type != exec::JoinType::kLeftAnti) {
    for (PlanField f : right->schema) {
      f.nullable = f.nullable || type == exec::JoinType::kLeft || type == exec::JoinType::kFull;
      join->schema.push_back(f);
    }
  }
  int left_width = static_cast<int>(left->schema.size());
  join->inputs = {std::move(left), std::move(right)};
  if (!conditions.empty()) {
    std::vector<ExprPtr> rest;
    SplitJoinCondition(MakeAnd(conditions),
                       left_width,
                       &join->left_keys,
                       &join->right_keys,
                       &rest,
                       &join->null_equal_keys);
    if (!rest.empty()) {
      join->join_filter = MakeAnd(std::move(rest));
    }
  }
  return join;
}

absl::StatusOr<LogicalPlanPtr> StatementBinder::SemiJoin(const sql::Expr& conjunct,
                                                         LogicalPlanPtr plan,
                                                         const BindScope* scope) const {
  const sql::Query& query = conjunct.Is<sql::ExistsExpr>()
                                ? *conjunct.As<sql::ExistsExpr>().subquery
                                : *conjunct.As<sql::InSubqueryExpr>().subquery;
  auto parts = SplitCorrelated(query, scope, conjunct.position);
  if (!parts.ok()) {
    return parts.status();
  }
  bool negated = conjunct.Is<sql::ExistsExpr>() ? conjunct.As<sql::ExistsExpr>().negated
                                                : conjunct.As<sql::InSubqueryExpr>().negated;
  int outer_width = static_cast<int>(plan->schema.size());
  if (conjunct.Is<sql::InSubqueryExpr>()) {
    if (negated) {
      return ErrorAt(conjunct.position,
                     "NOT IN with a correlated subquery is not supported; use NOT EXISTS");
    }
    const sql::Select& select = *parts->select;
    if (select.items.size() != 1 || select.items[0].kind != sql::SelectItem::Kind::kExpression) {
      return ErrorAt(conjunct.position, "IN subquery must return one column");
    }
    ExprBinder outer_binder(this, scope, ExprBinderMode::kNoAggregates, "WHERE");
    auto operand = outer_binder.Bind(*conjunct.As<sql::InSubqueryExpr>().operand);
    if (!operand.ok()) {
      return operand.status();
    }
    bool used_outer = false;
    BindScope inner_scope{&parts->inner->schema, scope, {}};
    inner_scope.allow_outer = true;
    inner_scope.used_outer = &used_outer;
    ExprBinder inner_binder(this, &inner_scope, ExprBinderMode::kNoAggregates, "IN subquery");
    auto item = inner_binder.Bind(*select.items[0].expr);
    if (!item.ok()) {
      return item.status();
    }
    ExprPtr value = ToJoinLayout(*item, static_cast<int>(parts->inner->schema.size()), outer_width);
    BindScope joined_scope{&plan->schema, nullptr, {}};
    ExprBinder eq_binder(this, &joined_scope, ExprBinderMode::kNoAggregates, "WHERE");
    auto eq = eq_binder.BindBinary(exec::BinaryOp::kEq, *operand, value, conjunct.position);
    if (!eq.ok()) {
      return eq.status();
    }
    parts->conditions.push_back(*eq);
  }
  return MakeJoin(negated ? exec::JoinType::kLeftAnti : exec::JoinType::kLeftSemi,
                  plan,
                  parts->inner,
                  parts->conditions);
}

absl::StatusOr<ExprPtr> StatementBinder::CorrelatedScalar(const sql::Query& query,
                                                          size_t position,
                                                          LogicalPlanPtr* plan,
                                                          BindScope* scope) const {
  if (!IsCorrelated(query, scope)) {
    return ExprPtr(nullptr);
  }
  auto parts = SplitCorrelated(query, scope, position);
  if (!parts.ok()) {
    return parts.status();
  }
  const sql::Select& select = *parts->select;
  if (select.items.size() != 1 || select.items[0].kind != sql::SelectItem::Kind::kExpression ||
      !select.items[0].expr->Is<sql::FunctionCallExpr>() ||
      exec::FunctionRegistry::Default().FindAggregate(
          select.items[0].expr->As<sql::FunctionCallExpr>().name.value) == nullptr ||
      select.items[0].expr->As<sql::FunctionCallExpr>().over != nullptr) {
    return ErrorAt(position,
                   "this correlated scalar subquery is not supported: it must select one "
                   "aggregate call, e.g. (SELECT max(x) FROM t WHERE t.k = outer.k)");
  }
  int outer_width = static_cast<int>((*plan)->schema.size());
  int inner_width = static_cast<int>(parts->inner->schema.size());
  // Every correlated term must be an equality between an outer and an inner expression: they
  // become the grouping keys of the subquery's aggregate and the keys of a left join.
  std::vector<ExprPtr> outer_keys;
  std::vector<ExprPtr> inner_keys;
  std::vector<ExprPtr> rest;
  SplitJoinCondition(MakeAnd(parts->conditions), outer_width, &outer_keys, &inner_keys, &rest);
  if (!rest.empty() || outer_keys.empty()) {
    return ErrorAt(position,
                   "this correlated scalar subquery is not supported: its correlated conditions "
                   "must be equalities between an outer and an inner column");
  }
  (void)inner_width;
  BindScope inner_scope{&parts->inner->schema, nullptr, {}};
  ExprBinder binder(this, &inner_scope, ExprBinderMode::kAll, "SELECT");
  auto value = binder.Bind(*select.items[0].expr);
  if (!value.ok()) {
    return value.status();
  }
  std::vector<ExprPtr> aggregates = {*value};
  LogicalPlanPtr aggregate = MakeAggregate(inner_keys, aggregates, parts->inner);
  std::vector<ExprPtr> conditions;
  for (size_t i = 0; i < outer_keys.size(); ++i) {
    const PlanField& f = aggregate->schema[i];
    conditions.push_back(MakeBinary(exec::BinaryOp::kEq,
                                    outer_keys[i],
                                    MakeColumn(outer_width + static_cast<int>(i), f.name, f.type),
                                    TypeId::kBool));
  }
  *plan = MakeJoin(exec::JoinType::kLeft, *plan, aggregate, conditions);
  scope->fields = &(*plan)->schema;
  int index = outer_width + static_cast<int>(outer_keys.size());
  const PlanField& field = (*plan)->schema[static_cast<size_t>(index)];
  ExprPtr column = MakeColumn(index, field.name, field.type);
  const std::string& fn = select.items[0].expr->As<sql::FunctionCallExpr>().name.value;
  if (fn == "count") {
    // count over no rows is 0, but an unmatched left join row has NULL: restore the 0.
    auto e = std::make_shared<Expr>();
    e->kind = ExprKind::kCase;
    e->type = column->type;
    e->case_has_else = true;
    auto is_null = std::make_shared<Expr>();
    is_null->kind = ExprKind::kIsNull;
    is_null->type = TypeId::kBool;
    is_null->args = {column};
    e->args = {is_null, MakeLiteral(Scalar::Int64(0)), column};
    return ExprPtr(e);
  }
  return column;
}

absl::StatusOr<LogicalPlanPtr> StatementBinder::ApplyOrderAndLimit(const sql::Query& query,
                                                                   LogicalPlanPtr plan,
                                                                   bool order_applied) const {
  if (!query.order_by.empty() && !order_applied) {
    // ORDER BY over a set operation or nested query: output names and ordinals only.
    std::vector<SortExpr> keys;
    BindScope scope{&plan->schema, nullptr, {}};
    for (const sql::OrderByItem& o : query.order_by) {
      const sql::Expr& e = *o.expr;
      ExprPtr key;
      if (e.Is<sql::LiteralExpr>() &&
          e.As<sql::LiteralExpr>().literal_kind == sql::LiteralKind::kInteger) {
        int64_t n = e.As<sql::LiteralExpr>().integer_value;
        if (n < 1 || n > static_cast<int64_t>(plan->schema.size())) {
          return ErrorAt(e.position, fmt::format("ORDER BY position {} is not in select list", n));
        }
        const PlanField& f = plan->schema[static_cast<size_t>(n - 1)];
        key = MakeColumn(static_cast<int>(n - 1), f.name, f.type);
      } else {
        ExprBinder binder(this, &scope, ExprBinderMode::kNoAggregates, "ORDER BY");
        auto bound = binder.Bind(e);
        if (!bound.ok()) {
          return bound.status();
        }
        key = *bound;
      }
      keys.push_back(SortExpr{key, o.ascending(), o.nulls_first()});
    }
    plan = MakeSort(std::move(keys), std::nullopt, plan);
  }
  int64_t offset = 0;
  std::optional<int64_t> limit;
  if (query.offset != nullptr) {
    auto n = ConstantInt(*query.offset, "OFFSET");
    if (!n.ok()) {
      return n.status();
    }
    offset = *n;
  }
  if (query.limit != nullptr) {
    auto n = ConstantInt(*query.limit, "LIMIT");
    if (!n.ok()) {
      return n.status();
    }
    limit = *n;
  }
  if (offset < 0) {
    return ErrorAt(query.offset->position, "OFFSET must not be negative");
  }
  if (limit && *limit < 0) {
    return ErrorAt(query.limit->position, "LIMIT must not be negative");
  }
  if (offset > 0 || limit) {
    plan = MakeLimit(offset, limit, plan);
  }
  return plan;
}

absl::StatusOr<int64_t> StatementBinder::ConstantInt(const sql::Expr& expr,
                                                     std::string_view what) const {
  auto bound = ExprBinder::BindConstant(this, expr, "LIMIT");
  if (!bound.ok()) {
    return bound.status();
  }
  ExprPtr e = *bound;
  if (e->kind == ExprKind::kLiteral && e->type == TypeId::kInt64 && !e->value.is_null()) {
    return e->value.int64_value();
  }
  if (e->kind == ExprKind::kLiteral && e->type == TypeId::kUInt64 && !e->value.is_null() &&
      e->value.uint64_value() <= static_cast<uint64_t>(INT64_MAX)) {
    return static_cast<int64_t>(e->value.uint64_value());
  }
  return ErrorAt(expr.position, fmt::format("{} must be a non-negative integer constant", what));
}

absl::StatusOr<Scalar> StatementBinder::EvaluateConstant(const ExprPtr& expr) const {
  if (expr->kind == ExprKind::kLiteral) {
    return expr->value;
  }
  if (!options->evaluate_constant) {
    return absl::InvalidArgumentError("constant expressions are not supported here");
  }
  return options->evaluate_constant(expr);
}

absl::StatusOr<SubqueryValues> StatementBinder::RunSubquery(const sql::Query& query,
                                                            const BindScope* outer,
                                                            size_t position,
                                                            int64_t max_rows) const {
  auto plan = BindQuery(query, outer);
  if (!plan.ok()) {
    return plan.status();
  }
  if (!options->run_subquery) {
    return ErrorAt(position, "subqueries are not supported here");
  }
  auto batches = options->run_subquery(*plan);
  if (!batches.ok()) {
    return batches.status();
  }
  SubqueryValues values;
  values.columns = static_cast<int>((*plan)->schema.size());
  for (const PlanField& f : (*plan)->schema) {
    values.types.push_back(f.type == TypeId::kDictionary ? TypeId::kString : f.type);
  }
  int64_t limit = max_rows < 0 ? options->max_in_subquery_values : max_rows;
  for (const exec::Batch& batch : *batches) {
    for (int64_t r = 0; r < batch.num_rows(); ++r) {
      if (static_cast<int64_t>(values.rows.size()) >= limit) {
        if (max_rows < 0) {
          return ErrorAt(position,
                         fmt::format("IN subquery returned more than {} values",
                                     options->max_in_subquery_values));
        }
        return values;
      }
      std::vector<Scalar> row;
      for (int c = 0; c < batch.num_columns(); ++c) {
        const Column& column = *batch.column(c);
        TypeId t = values.types[static_cast<size_t>(c)];
        if (column.IsNull(r)) {
          row.push_back(Scalar::Null(t));
          continue;
        }
        switch (column.type()) {
          case TypeId::kBool:
            row.push_back(Scalar::Bool(column.GetBool(r)));
            break;
          case TypeId::kInt64:
            row.push_back(Scalar::Int64(column.GetInt64(r)));
            break;
          case TypeId::kTimestamp:
            row.push_back(Scalar::Timestamp(column.GetInt64(r)));
            break;
          case TypeId::kUInt64:
            row.push_back(Scalar::UInt64(column.GetUInt64(r)));
            break;
          case TypeId::kFloat64:
            row.push_back(Scalar::Float64(column.GetFloat64(r)));
            break;
          case TypeId::kString:
          case TypeId::kDictionary:
            row.push_back(Scalar::String(std::string(column.GetString(r))));
            break;
          case TypeId::kInterval:
            row.push_back(Scalar::FromInterval(column.data<Interval>()[r]));
            break;
          case TypeId::kNull:
            row.push_back(Scalar());
            break;
        }
      }
      values.rows.push_back(std::move(row));
    }
  }
  return values;
}

absl::StatusOr<TableProviderPtr> StatementBinder::ResolveTable(
    const std::vector<sql::Identifier>& name, std::string* schema_name) const {
  const sql::Identifier& table = name.back();
  std::string schema = std::string(kDefaultSchema);
  if (name.size() == 3 && name[0].value != kDefaultCatalog) {
    return ErrorAt(
        name[0].position,
        fmt::format(
            "catalog '{}' not found (the catalog is '{}')", name[0].spelling, kDefaultCatalog));
  }
  if (name.size() >= 2) {
    schema = name[name.size() - 2].value;
  }
  TableProviderPtr provider = name.size() == 1 ? schema_->FindTable(table.value)
                                               : schema_->FindTableInSchema(schema, table.value);
  if (provider != nullptr) {
    if (schema_name != nullptr) {
      *schema_name = schema == kDefaultCatalog ? std::string(kDefaultSchema) : schema;
    }
    return provider;
  }
  std::vector<std::string> schemas = schema_->SchemaNames();
  if (name.size() >= 2 && schema != kDefaultCatalog &&
      std::find(schemas.begin(), schemas.end(), schema) == schemas.end()) {
    const sql::Identifier& part = name[name.size() - 2];
    auto has = [&schemas](std::string_view wanted) {
      return std::find(schemas.begin(), schemas.end(), wanted) != schemas.end();
    };
    return ErrorAt(
        part.position,
        fmt::format("schema '{}' not found (tables live in schema '{}'{}{})",
                    part.spelling,
                    kDefaultSchema,
                    has(kInformationSchema) ? ", catalog views in 'information_schema'" : "",
                    has(kSystemSchema) ? ", system tables in 'system'" : ""));
  }
  std::string hint;
  if (schema == kDefaultSchema || schema == kDefaultCatalog) {
    std::vector<std::string> names = schema_->TableNames();
    for (const std::string& n : names) {
      if (absl::AsciiStrToLower(n) == table.value && n != table.value) {
        hint = fmt::format("; did you mean \"{}\"? (unquoted names are folded to lower case)", n);
      }
    }
    if (hint.empty()) {
      if (std::string best = internal::ClosestMatch(table.value, names); !best.empty()) {
        hint = fmt::format("; did you mean '{}'?", best);
      }
    }
  }
  if (schema != kDefaultSchema && schema != kDefaultCatalog) {
    // A schema of a few fixed tables (system, information_schema): name them all.
    std::vector<std::string> names = schema_->TableNamesInSchema(schema);
    if (!names.empty()) {
      hint = fmt::format("; schema '{}' has {}", schema, fmt::join(names, ", "));
    }
  }
  auto lc = sql::OffsetToLineColumn(sql, table.position);
  return absl::InvalidArgumentError(fmt::format(
      "table '{}' not found at line {}, column {}{}", table.spelling, lc.line, lc.column, hint));
}

absl::StatusOr<LogicalPlanPtr> StatementBinder::BindGeneratedQuery(
    const std::string& query_text) const {
  auto statement = sql::ParseStatement(query_text);
  if (!statement.ok()) {
    return absl::InternalError(fmt::format(
        "parsing generated query '{}': {}", query_text, std::string(statement.status().message())));
  }
  StatementBinder binder(schema_, query_text, options);
  return binder.BindStatement(**statement);
}

absl::StatusOr<LogicalPlanPtr> StatementBinder::ShowTables(const sql::Statement& statement) const {
  if (schema_->FindTableInSchema(kInformationSchema, "tables") == nullptr) {
    return ErrorAt(statement.position, "SHOW TABLES needs information_schema, which is missing");
  }
  return BindGeneratedQuery(
      "SELECT table_catalog, table_schema, table_name, table_type FROM "
      "information_schema.tables");
}

absl::StatusOr<LogicalPlanPtr> StatementBinder::ShowColumns(
    const sql::ShowColumnsStatement& statement) const {
  std::string schema_name;
  auto table = ResolveTable(statement.table, &schema_name);
  if (!table.ok()) {
    return table.status();
  }
  if (schema_->FindTableInSchema(kInformationSchema, "columns") == nullptr) {
    return ErrorAt(statement.position, "SHOW COLUMNS needs information_schema, which is missing");
  }
  // The table's own name, not the spelling (a quoted or folded name resolved to it).
  return BindGeneratedQuery(
      fmt::format("SELECT table_catalog, table_schema, table_name, column_name, data_type, "
                  "is_nullable FROM information_schema.columns WHERE table_schema = {} AND "
                  "table_name = {}",
                  sql::QuoteString(schema_name),
                  sql::QuoteString((*table)->name())));
}

}  // namespace

Binder::Binder(const SchemaProvider* schema, std::string_view sql, BindOptions options)
    : schema_(schema), sql_(sql), options_(std::move(options)) {}

absl::StatusOr<LogicalPlanPtr> Binder::BindStatement(const sql::Statement& statement) const {
  StatementBinder binder(schema_, sql_, &options_);
  return binder.BindStatement(statement);
}

absl::StatusOr<LogicalPlanPtr> Binder::BindQuery(const sql::Query& query) const {
  StatementBinder binder(schema_, sql_, &options_);
  return binder.BindQuery(query, nullptr);
}

absl::StatusOr<TypeId> TypeFromName(const sql::TypeName& type) {
  const std::string& n = type.name;
  static const std::pair<std::string_view, TypeId> kTypes[] = {
      {"int", TypeId::kInt64},
      {"integer", TypeId::kInt64},
      {"bigint", TypeId::kInt64},
      {"smallint", TypeId::kInt64},
      {"tinyint", TypeId::kInt64},
      {"int2", TypeId::kInt64},
      {"int4", TypeId::kInt64},
      {"int8", TypeId::kInt64},
      {"int64", TypeId::kInt64},
      {"bigint unsigned", TypeId::kUInt64},
      {"int unsigned", TypeId::kUInt64},
      {"integer unsigned", TypeId::kUInt64},
      {"uint64", TypeId::kUInt64},
      {"ubigint", TypeId::kUInt64},
      {"double", TypeId::kFloat64},
      {"double precision", TypeId::kFloat64},
      {"float", TypeId::kFloat64},
      {"float4", TypeId::kFloat64},
      {"float8", TypeId::kFloat64},
      {"float64", TypeId::kFloat64},
      {"real", TypeId::kFloat64},
      {"numeric", TypeId::kFloat64},
      {"decimal", TypeId::kFloat64},
      {"varchar", TypeId::kString},
      {"character varying", TypeId::kString},
      {"char", TypeId::kString},
      {"character", TypeId::kString},
      {"text", TypeId::kString},
      {"string", TypeId::kString},
      {"bool", TypeId::kBool},
      {"boolean", TypeId::kBool},
      {"timestamp", TypeId::kTimestamp},
      {"timestamp with time zone", TypeId::kTimestamp},
      {"timestamp without time zone", TypeId::kTimestamp},
      {"timestamptz", TypeId::kTimestamp},
      {"interval", TypeId::kInterval},
  };
  for (const auto& [name, id] : kTypes) {
    if (name == n) {
      return id;
    }
  }
  return absl::InvalidArgumentError(fmt::format("unsupported type {}", type.ToString()));
}

}  // namespace strata::plan
