// Tests of the optimizer rules on hand-built plans over a fake table provider.
#include "plan/optimizer/optimizer.h"

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace strata::plan {
namespace {

using exec::BinaryOp;
using exec::Scalar;

// A table `cpu` (host, region: tags; time; usage: float) whose pushdown answer is fixed.
class FakeTable : public TableProvider {
 public:
  explicit FakeTable(FilterPushdown answer) : answer_(answer) {
    schema_ = std::make_shared<const Schema>(std::vector<Field>{{"host", TypeId::kDictionary},
                                                                {"region", TypeId::kDictionary},
                                                                {"time", TypeId::kTimestamp, false},
                                                                {"usage", TypeId::kFloat64}});
  }
  const SchemaPtr& schema() const override { return schema_; }
  const std::string& name() const override { return name_; }
  std::vector<FilterPushdown> SupportsFiltersPushdown(
      const std::vector<ExprPtr>& filters) const override {
    return std::vector<FilterPushdown>(filters.size(), answer_);
  }
  absl::StatusOr<exec::ExecutionPlanPtr> Scan(const ScanRequest&,
                                              const exec::TaskContext&) const override {
    return absl::UnimplementedError("fake");
  }

 private:
  FilterPushdown answer_;
  SchemaPtr schema_;
  std::string name_ = "cpu";
};

LogicalPlanPtr Scan(FilterPushdown answer = FilterPushdown::kExact) {
  return MakeScan(std::make_shared<FakeTable>(answer), "cpu");
}

// Column references of the cpu scan's schema.
ExprPtr Host(int index = 0) {
  return MakeColumn(index, "host", TypeId::kDictionary);
}
ExprPtr Region(int index = 1) {
  return MakeColumn(index, "region", TypeId::kDictionary);
}
ExprPtr Time(int index = 2) {
  return MakeColumn(index, "time", TypeId::kTimestamp);
}
ExprPtr Usage(int index = 3) {
  return MakeColumn(index, "usage", TypeId::kFloat64);
}

ExprPtr Str(const char* s) {
  return MakeLiteral(Scalar::String(s));
}
ExprPtr F64(double v) {
  return MakeLiteral(Scalar::Float64(v));
}
ExprPtr I64(int64_t v) {
  return MakeLiteral(Scalar::Int64(v));
}
ExprPtr True() {
  return MakeLiteral(Scalar::Bool(true));
}
ExprPtr Cmp(BinaryOp op, ExprPtr l, ExprPtr r) {
  return MakeBinary(op, std::move(l), std::move(r), TypeId::kBool);
}
ExprPtr And(ExprPtr l, ExprPtr r) {
  return Cmp(BinaryOp::kAnd, std::move(l), std::move(r));
}

ExprPtr Count() {
  auto e = std::make_shared<Expr>();
  e->kind = ExprKind::kAggregate;
  e->name = "count";
  e->type = TypeId::kInt64;
  return e;
}

ExprPtr Max(ExprPtr arg) {
  auto e = std::make_shared<Expr>();
  e->kind = ExprKind::kAggregate;
  e->name = "max";
  e->type = arg->type;
  e->args = {std::move(arg)};
  return e;
}

template <typename Rule>
std::string Apply(Rule rule, LogicalPlanPtr plan, OptimizerOptions options = {}) {
  absl::StatusOr<LogicalPlanPtr> out = rule(std::move(plan), options);
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? (*out)->ToString() : "";
}

// ---- SimplifyExpressions ----

TEST(SimplifyExpressionsTest, RemovesTrueConjunctsAndDoubleNegation) {
  ExprPtr usage_high = Cmp(BinaryOp::kGt, Usage(), F64(90));
  LogicalPlanPtr plan = MakeFilter(And(usage_high, True()), Scan());
  EXPECT_EQ(Apply(SimplifyExpressions, plan),
            "Filter: usage > 90.0\n"
            "  TableScan: cpu projection=[host, region, time, usage]\n");
  plan = MakeFilter(MakeNot(MakeNot(usage_high)), Scan());
  EXPECT_EQ(Apply(SimplifyExpressions, plan),
            "Filter: usage > 90.0\n"
            "  TableScan: cpu projection=[host, region, time, usage]\n");
  ExprPtr x_or_false = Cmp(BinaryOp::kOr, usage_high, MakeLiteral(Scalar::Bool(false)));
  EXPECT_EQ(SimplifyExpr(x_or_false, {}), usage_high);
}

TEST(SimplifyExpressionsTest, ConstantPredicatesChangeThePlan) {
  EXPECT_EQ(Apply(SimplifyExpressions, MakeFilter(True(), Scan())),
            "TableScan: cpu projection=[host, region, time, usage]\n");
  EXPECT_EQ(Apply(SimplifyExpressions, MakeFilter(MakeLiteral(Scalar::Bool(false)), Scan())),
            "EmptyRelation\n");
  EXPECT_EQ(
      Apply(SimplifyExpressions, MakeFilter(MakeLiteral(Scalar::Null(TypeId::kBool)), Scan())),
      "EmptyRelation\n");
  // x AND false is false whatever x is (even NULL).
  LogicalPlanPtr plan = MakeFilter(
      And(Cmp(BinaryOp::kGt, Usage(), F64(1)), MakeLiteral(Scalar::Bool(false))), Scan());
  EXPECT_EQ(Apply(SimplifyExpressions, plan), "EmptyRelation\n");
}

TEST(SimplifyExpressionsTest, NowBecomesTheQueryStartTime) {
  static const exec::ScalarFunction kNow = [] {
    exec::ScalarFunction f;
    f.name = "now";
    f.deterministic = false;
    return f;
  }();
  auto now = std::make_shared<Expr>();
  now->kind = ExprKind::kScalarFunction;
  now->name = "now";
  now->type = TypeId::kTimestamp;
  now->scalar_function = &kNow;
  OptimizerOptions options;
  options.query_start_nanos = 1'451'606'400'000'000'000;  // 2016-01-01T00:00:00Z
  ExprPtr out = SimplifyExpr(Cmp(BinaryOp::kGtEq, Time(), now), options);
  ASSERT_EQ(out->kind, ExprKind::kBinary);
  ASSERT_EQ(out->args[1]->kind, ExprKind::kLiteral);
  EXPECT_EQ(out->args[1]->value, Scalar::Timestamp(options.query_start_nanos));
}

TEST(SimplifyExpressionsTest, FoldsLiteralArithmetic) {
  ExprPtr sum = MakeBinary(BinaryOp::kAdd, I64(1), I64(2), TypeId::kInt64);
  ExprPtr out = SimplifyExpr(MakeBinary(BinaryOp::kMultiply, sum, I64(10), TypeId::kInt64), {});
  ASSERT_EQ(out->kind, ExprKind::kLiteral) << out->ToString();
  EXPECT_EQ(out->value, Scalar::Int64(30));
}

TEST(SimplifyExpressionsTest, DivisionByZeroIsLeftForExecution) {
  ExprPtr div = MakeBinary(BinaryOp::kDivide, I64(1), I64(0), TypeId::kInt64);
  ExprPtr out = SimplifyExpr(div, {});
  EXPECT_EQ(out->kind, ExprKind::kBinary);
  EXPECT_EQ(out->ToString(), "1 / 0");
}

// ---- PushDownFilter ----

TEST(PushDownFilterTest, ExactFiltersMoveThroughProjectionsIntoTheScan) {
  // SELECT usage AS u, host FROM cpu WHERE u > 90 (the filter is over the projection).
  LogicalPlanPtr projection = MakeProjection({Usage(), Host()}, {"u", "host"}, Scan());
  LogicalPlanPtr plan =
      MakeFilter(Cmp(BinaryOp::kGt, MakeColumn(0, "u", TypeId::kFloat64), F64(90)), projection);
  EXPECT_EQ(Apply(PushDownFilter, plan),
            "Projection: usage AS u, host\n"
            "  TableScan: cpu projection=[host, region, time, usage] filters=[usage > 90.0]\n");
}

TEST(PushDownFilterTest, InexactFiltersAreCopiedAndUnsupportedOnesStay) {
  LogicalPlanPtr plan =
      MakeFilter(Cmp(BinaryOp::kEq, Host(), Str("a")), Scan(FilterPushdown::kInexact));
  EXPECT_EQ(Apply(PushDownFilter, plan),
            "Filter: host = 'a'\n"
            "  TableScan: cpu projection=[host, region, time, usage] filters=[host = 'a']\n");
  plan = MakeFilter(Cmp(BinaryOp::kEq, Host(), Str("a")), Scan(FilterPushdown::kUnsupported));
  EXPECT_EQ(Apply(PushDownFilter, plan),
            "Filter: host = 'a'\n"
            "  TableScan: cpu projection=[host, region, time, usage]\n");
}

TEST(PushDownFilterTest, StopsAtLimitsButPassesSorts) {
  LogicalPlanPtr plan = MakeFilter(Cmp(BinaryOp::kGt, Usage(), F64(1)), MakeLimit(0, 10, Scan()));
  EXPECT_EQ(Apply(PushDownFilter, plan),
            "Filter: usage > 1.0\n"
            "  Limit: skip=0, fetch=10\n"
            "    TableScan: cpu projection=[host, region, time, usage]\n");
  plan = MakeFilter(Cmp(BinaryOp::kGt, Usage(), F64(1)),
                    MakeSort({SortExpr{Time(), true, false}}, std::nullopt, Scan()));
  EXPECT_EQ(Apply(PushDownFilter, plan),
            "Sort: time ASC NULLS LAST\n"
            "  TableScan: cpu projection=[host, region, time, usage] filters=[usage > 1.0]\n");
  // A TopK sort is a limit too.
  plan = MakeFilter(Cmp(BinaryOp::kGt, Usage(), F64(1)),
                    MakeSort({SortExpr{Time(), true, false}}, 5, Scan()));
  EXPECT_EQ(Apply(PushDownFilter, plan),
            "Filter: usage > 1.0\n"
            "  Sort: time ASC NULLS LAST, fetch=5\n"
            "    TableScan: cpu projection=[host, region, time, usage]\n");
}

TEST(PushDownFilterTest, OnlyGroupColumnPredicatesPassAnAggregate) {
  // SELECT host, max(usage) FROM cpu GROUP BY host HAVING host = 'a' AND max(usage) > 50
  LogicalPlanPtr agg = MakeAggregate({Host()}, {Max(Usage())}, Scan());
  LogicalPlanPtr plan =
      MakeFilter(And(Cmp(BinaryOp::kEq, MakeColumn(0, "host", TypeId::kDictionary), Str("a")),
                     Cmp(BinaryOp::kGt, MakeColumn(1, "max(usage)", TypeId::kFloat64), F64(50))),
                 agg);
  EXPECT_EQ(Apply(PushDownFilter, plan),
            "Filter: max(usage) > 50.0\n"
            "  Aggregate: groupBy=[host], aggr=[max(usage)]\n"
            "    TableScan: cpu projection=[host, region, time, usage] filters=[host = 'a']\n");
  // A global aggregate returns its row even when no input row passes: nothing moves.
  LogicalPlanPtr global = MakeAggregate({}, {Count()}, Scan());
  plan = MakeFilter(MakeLiteral(Scalar::Bool(false)), global);
  EXPECT_EQ(Apply(PushDownFilter, plan),
            "Filter: false\n"
            "  Aggregate: groupBy=[], aggr=[count(*)]\n"
            "    TableScan: cpu projection=[host, region, time, usage]\n");
}

LogicalPlanPtr Join(exec::JoinType type, LogicalPlanPtr left, LogicalPlanPtr right) {
  auto plan = std::make_shared<LogicalPlan>();
  plan->kind = PlanKind::kJoin;
  plan->join_type = type;
  plan->schema = left->schema;
  plan->schema.insert(plan->schema.end(), right->schema.begin(), right->schema.end());
  plan->left_keys = {Host()};
  plan->right_keys = {Host()};
  plan->inputs = {std::move(left), std::move(right)};
  return plan;
}

TEST(PushDownFilterTest, JoinSidesByJoinType) {
  // WHERE left.usage > 1 AND right.usage > 2 (right usage is column 4 + 3).
  ExprPtr left_pred = Cmp(BinaryOp::kGt, Usage(), F64(1));
  ExprPtr right_pred = Cmp(BinaryOp::kGt, Usage(7), F64(2));
  LogicalPlanPtr inner =
      MakeFilter(And(left_pred, right_pred), Join(exec::JoinType::kInner, Scan(), Scan()));
  EXPECT_EQ(Apply(PushDownFilter, inner),
            "Inner Join: on=[(host, host)]\n"
            "  TableScan: cpu projection=[host, region, time, usage] filters=[usage > 1.0]\n"
            "  TableScan: cpu projection=[host, region, time, usage] filters=[usage > 2.0]\n");
  // Left join: a WHERE on the right side must see the NULL-extended rows; it stays above.
  LogicalPlanPtr left =
      MakeFilter(And(left_pred, right_pred), Join(exec::JoinType::kLeft, Scan(), Scan()));
  EXPECT_EQ(Apply(PushDownFilter, left),
            "Filter: usage > 2.0\n"
            "  Left Join: on=[(host, host)]\n"
            "    TableScan: cpu projection=[host, region, time, usage] filters=[usage > 1.0]\n"
            "    TableScan: cpu projection=[host, region, time, usage]\n");
  // ...but an ON condition on the right side filters the right input.
  auto with_on = std::make_shared<LogicalPlan>(*Join(exec::JoinType::kLeft, Scan(), Scan()));
  with_on->join_filter = And(left_pred, right_pred);
  EXPECT_EQ(Apply(PushDownFilter, with_on),
            "Left Join: on=[(host, host)] filter=usage > 1.0\n"
            "  TableScan: cpu projection=[host, region, time, usage]\n"
            "  TableScan: cpu projection=[host, region, time, usage] filters=[usage > 2.0]\n");
}

TEST(PushDownFilterTest, IntoEveryUnionInput) {
  auto u = std::make_shared<LogicalPlan>();
  u->kind = PlanKind::kUnion;
  u->inputs = {Scan(), Scan()};
  u->schema = u->inputs[0]->schema;
  LogicalPlanPtr plan = MakeFilter(Cmp(BinaryOp::kEq, Region(), Str("eu")), u);
  EXPECT_EQ(Apply(PushDownFilter, plan),
            "Union\n"
            "  TableScan: cpu projection=[host, region, time, usage] filters=[region = 'eu']\n"
            "  TableScan: cpu projection=[host, region, time, usage] filters=[region = 'eu']\n");
}

// ---- PushDownLimit ----

TEST(PushDownLimitTest, LimitOverSortBecomesTopK) {
  LogicalPlanPtr sort = MakeSort({SortExpr{Usage(), false, true}}, std::nullopt, Scan());
  EXPECT_EQ(Apply(PushDownLimit, MakeLimit(0, 3, sort)),
            "Sort: usage DESC NULLS FIRST, fetch=3\n"
            "  TableScan: cpu projection=[host, region, time, usage]\n");
  EXPECT_EQ(Apply(PushDownLimit, MakeLimit(2, 3, sort)),
            "Limit: skip=2, fetch=3\n"
            "  Sort: usage DESC NULLS FIRST, fetch=5\n"
            "    TableScan: cpu projection=[host, region, time, usage]\n");
}

TEST(PushDownLimitTest, ThroughProjectionsIntoTheScanButNotThroughFilters) {
  LogicalPlanPtr plan = MakeLimit(0, 4, MakeProjection({Host()}, {"host"}, Scan()));
  EXPECT_EQ(Apply(PushDownLimit, plan),
            "Limit: skip=0, fetch=4\n"
            "  Projection: host\n"
            "    TableScan: cpu projection=[host, region, time, usage] fetch=4\n");
  plan = MakeLimit(0, 4, MakeFilter(Cmp(BinaryOp::kGt, Usage(), F64(1)), Scan()));
  EXPECT_EQ(Apply(PushDownLimit, plan),
            "Limit: skip=0, fetch=4\n"
            "  Filter: usage > 1.0\n"
            "    TableScan: cpu projection=[host, region, time, usage]\n");
}

TEST(PushDownLimitTest, NestedLimitsMerge) {
  LogicalPlanPtr plan = MakeLimit(1, 10, MakeLimit(2, 5, Scan()));
  // Rows 2..6 of the scan, then skip 1 of them: rows 3..6, at most 4.
  EXPECT_EQ(Apply(PushDownLimit, plan),
            "Limit: skip=3, fetch=4\n"
            "  TableScan: cpu projection=[host, region, time, usage] fetch=7\n");
}

// ---- PruneProjections ----

TEST(PruneProjectionsTest, ScansReadOnlyWhatIsUsed) {
  LogicalPlanPtr plan = MakeProjection(
      {Usage()}, {"usage"}, MakeFilter(Cmp(BinaryOp::kEq, Host(), Str("a")), Scan()));
  EXPECT_EQ(Apply(PruneProjections, plan),
            "Projection: usage\n"
            "  Filter: host = 'a'\n"
            "    TableScan: cpu projection=[host, usage]\n");
}

TEST(PruneProjectionsTest, UnusedAggregatesAreDropped) {
  LogicalPlanPtr agg = MakeAggregate({Host()}, {Count(), Max(Usage())}, Scan());
  LogicalPlanPtr plan = MakeProjection(
      {MakeColumn(0, "host", TypeId::kDictionary), MakeColumn(1, "count(*)", TypeId::kInt64)},
      {"host", "n"},
      agg);
  EXPECT_EQ(Apply(PruneProjections, plan),
            "Projection: host, count(*) AS n\n"
            "  Aggregate: groupBy=[host], aggr=[count(*)]\n"
            "    TableScan: cpu projection=[host]\n");
  // The root keeps its schema.
  absl::StatusOr<LogicalPlanPtr> out = PruneProjections(plan, {});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ((*out)->schema.size(), 2u);
}

TEST(PruneProjectionsTest, JoinKeysAreKeptAndOutputsRenumbered) {
  LogicalPlanPtr join = Join(exec::JoinType::kInner, Scan(), Scan());
  // SELECT l.usage, r.region
  LogicalPlanPtr plan = MakeProjection({Usage(), Region(5)}, {"usage", "region"}, join);
  EXPECT_EQ(Apply(PruneProjections, plan),
            "Projection: usage, region\n"
            "  Inner Join: on=[(host, host)]\n"
            "    TableScan: cpu projection=[host, usage]\n"
            "    TableScan: cpu projection=[host, region]\n");
  absl::StatusOr<LogicalPlanPtr> out = PruneProjections(plan, {});
  ASSERT_TRUE(out.ok());
  // usage is left column 1, region right column 1 = joined column 3.
  EXPECT_EQ((*out)->exprs[0]->column_index, 1);
  EXPECT_EQ((*out)->exprs[1]->column_index, 3);
  EXPECT_EQ((*out)->inputs[0]->right_keys[0]->column_index, 0);
}

// ---- Optimize ----

TEST(OptimizeTest, TimeRangeQueryEndsInOneScan) {
  int64_t t0 = 1'451'606'400'000'000'000;
  ExprPtr where = And(And(Cmp(BinaryOp::kGtEq, Time(), MakeLiteral(Scalar::Timestamp(t0))),
                          Cmp(BinaryOp::kEq, Host(), Str("a"))),
                      True());
  LogicalPlanPtr plan = MakeLimit(
      0,
      10,
      MakeSort({SortExpr{MakeColumn(0, "time", TypeId::kTimestamp), true, false}},
               std::nullopt,
               MakeProjection({Time(), Usage()}, {"time", "usage"}, MakeFilter(where, Scan()))));
  EXPECT_EQ(Apply(Optimize, plan),
            "Sort: time ASC NULLS LAST, fetch=10\n"
            "  Projection: time, usage\n"
            "    TableScan: cpu projection=[time, usage] filters=[time >= "
            "TIMESTAMP '2016-01-01T00:00:00Z', host = 'a']\n");
}

}  // namespace
}  // namespace strata::plan
