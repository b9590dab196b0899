// Tests of the optimizer rules on hand-built plans over a fake table provider.
#include "plan/optimizer/optimizer.h"

#include <cmath>
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

TEST(SimplifyExpressionsTest, UnwrapsIntegerToFloatCastsInComparisons) {
  ExprPtr n = MakeColumn(0, "n", TypeId::kInt64);
  ExprPtr as_float = MakeCast(n, TypeId::kFloat64);
  auto simplified = [](ExprPtr e) { return SimplifyExpr(e, {})->ToString(); };
  EXPECT_EQ(simplified(Cmp(BinaryOp::kGt, as_float, F64(90))), "n > 90");
  EXPECT_EQ(simplified(Cmp(BinaryOp::kGt, as_float, F64(90.5))), "n > 90");
  EXPECT_EQ(simplified(Cmp(BinaryOp::kGtEq, as_float, F64(90.5))), "n >= 91");
  EXPECT_EQ(simplified(Cmp(BinaryOp::kLt, as_float, F64(-0.5))), "n < 0");
  EXPECT_EQ(simplified(Cmp(BinaryOp::kLtEq, as_float, F64(-0.5))), "n <= -1");
  EXPECT_EQ(simplified(Cmp(BinaryOp::kEq, as_float, F64(3))), "n = 3");
  EXPECT_EQ(simplified(Cmp(BinaryOp::kNotEq, as_float, F64(3))), "n <> 3");
  // The literal on the left: 90.5 < n is n > 90.
  EXPECT_EQ(simplified(Cmp(BinaryOp::kLt, F64(90.5), as_float)), "n > 90");
  // Left alone: = with a fraction (no integer equals it, but a NULL n must stay NULL), NaN,
  // literals past 2^53, TRY_CAST, and casts of other types.
  EXPECT_EQ(simplified(Cmp(BinaryOp::kEq, as_float, F64(3.5))), "CAST(n AS float64) = 3.5");
  EXPECT_EQ(simplified(Cmp(BinaryOp::kGt, as_float, F64(std::nan("")))),
            "CAST(n AS float64) > 'NaN'::double");
  EXPECT_EQ(simplified(Cmp(BinaryOp::kGt, as_float, F64(1e18))), "CAST(n AS float64) > 1e+18");
  EXPECT_EQ(simplified(Cmp(BinaryOp::kGt, MakeCast(n, TypeId::kFloat64, true), F64(1))),
            "TRY_CAST(n AS float64) > 1.0");
}

TEST(SimplifyExpressionsTest, OrOfEqualitiesOfOneColumnBecomesAnInList) {
  auto simplified = [](ExprPtr e) { return SimplifyExpr(e, {})->ToString(); };
  auto eq = [](ExprPtr l, ExprPtr r) { return Cmp(BinaryOp::kEq, l, r); };
  auto either = [](ExprPtr l, ExprPtr r) { return Cmp(BinaryOp::kOr, l, r); };
  // A chain (left-deep, as the parser builds it), a literal on the left, a repeated value, and an
  // IN list joining in.
  EXPECT_EQ(
      simplified(either(either(eq(Host(), Str("a")), eq(Str("b"), Host())), eq(Host(), Str("a")))),
      "host IN ('a', 'b')");
  ExprPtr in = SimplifyExpr(either(eq(Host(), Str("a")), eq(Host(), Str("b"))), {});
  EXPECT_EQ(simplified(either(in, eq(Host(), Str("c")))), "host IN ('a', 'b', 'c')");
  // Left alone: two columns, NOT IN, a NULL literal, literals of different types, other operators.
  EXPECT_EQ(simplified(either(eq(Host(), Str("a")), eq(Region(), Str("b")))),
            "host = 'a' OR region = 'b'");
  auto not_in = std::make_shared<Expr>(*in);
  not_in->negated = true;
  EXPECT_EQ(simplified(either(not_in, eq(Host(), Str("c")))),
            "host NOT IN ('a', 'b') OR host = 'c'");
  EXPECT_EQ(simplified(either(eq(Usage(), F64(1)),
                              eq(Usage(), MakeLiteral(Scalar::Null(TypeId::kFloat64))))),
            "usage = 1.0 OR usage = NULL");
  EXPECT_EQ(simplified(either(eq(Usage(), F64(1)), eq(Usage(), I64(2)))),
            "usage = 1.0 OR usage = 2");
  EXPECT_EQ(simplified(either(eq(Usage(), F64(1)), Cmp(BinaryOp::kGt, Usage(), F64(2)))),
            "usage = 1.0 OR usage > 2.0");
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

TEST(SimplifyExpressionsTest, FoldsCastsOfLiterals) {
  struct Case {
    ExprPtr cast;
    std::string folded;
  };
  const Case cases[] = {
      {MakeCast(Str("1 minute"), TypeId::kInterval), "INTERVAL '1 minute'"},
      {MakeCast(Str("5 minutes"), TypeId::kInterval), "INTERVAL '5 minutes'"},
      {MakeCast(Str("42"), TypeId::kInt64), "42"},
      {MakeCast(Str("7"), TypeId::kUInt64), "7"},
      {MakeCast(Str("2.5"), TypeId::kFloat64), "2.5"},
      {MakeCast(Str("true"), TypeId::kBool), "true"},
      {MakeCast(Str("2016-01-01T00:00:00Z"), TypeId::kTimestamp),
       "TIMESTAMP '2016-01-01T00:00:00Z'"},
      {MakeCast(I64(1), TypeId::kTimestamp), "TIMESTAMP '1970-01-01T00:00:00.000000001Z'"},
      {MakeCast(I64(5), TypeId::kString), "'5'"},
      {MakeCast(F64(2.9), TypeId::kInt64), "2"},
      {MakeCast(MakeLiteral(Scalar::Null(TypeId::kString)), TypeId::kInterval), "NULL"},
      {MakeCast(Str("x"), TypeId::kInt64, /*try_cast=*/true), "NULL"},
  };
  for (const Case& c : cases) {
    ExprPtr out = SimplifyExpr(c.cast, {});
    ASSERT_EQ(out->kind, ExprKind::kLiteral) << c.cast->ToString();
    EXPECT_EQ(out->type, c.cast->type) << c.cast->ToString();
    EXPECT_EQ(out->ToString(), c.folded);
  }
  // A cast that fails stays, for execution to report (as 1 / 0 does).
  for (const ExprPtr& failing : {MakeCast(Str("x"), TypeId::kInt64),
                                 MakeCast(Str("soon"), TypeId::kInterval),
                                 MakeCast(Str("yesterday"), TypeId::kTimestamp)}) {
    EXPECT_EQ(SimplifyExpr(failing, {}), failing) << failing->ToString();
  }
}

ExprPtr DateBin(ExprPtr stride, ExprPtr source) {
  auto e = std::make_shared<Expr>();
  e->kind = ExprKind::kScalarFunction;
  e->name = "date_bin";
  e->type = TypeId::kTimestamp;
  e->scalar_function = exec::FunctionRegistry::Default().FindScalar("date_bin");
  e->args = {std::move(stride), std::move(source)};
  return e;
}

TEST(SimplifyExpressionsTest, FoldedGroupKeysRenameTheAggregateOutputsButNotTheRoot) {
  // SELECT date_bin('1 minute'::interval, time) AS t, count(*) FROM cpu GROUP BY 1 HAVING
  // count(*) > 1: the aggregate's group key is named after its expression, as bound.
  LogicalPlanPtr agg = MakeAggregate(
      {DateBin(MakeCast(Str("1 minute"), TypeId::kInterval), Time())}, {Count()}, Scan());
  const std::string key = "date_bin(CAST('1 minute' AS interval), time)";
  ASSERT_EQ(agg->schema[0].name, key);
  LogicalPlanPtr having =
      MakeFilter(Cmp(BinaryOp::kGt, MakeColumn(1, "count(*)", TypeId::kInt64), I64(1)), agg);
  LogicalPlanPtr plan = MakeProjection(
      {MakeColumn(0, key, TypeId::kTimestamp), MakeColumn(1, "count(*)", TypeId::kInt64)},
      {"t", "count(*)"},
      having);
  absl::StatusOr<LogicalPlanPtr> out = SimplifyExpressions(plan, {});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)->ToString(),
            "Projection: date_bin(INTERVAL '1 minute', time) AS t, count(*)\n"
            "  Filter: count(*) > 1\n"
            "    Aggregate: groupBy=[date_bin(INTERVAL '1 minute', time)], aggr=[count(*)]\n"
            "      TableScan: cpu projection=[host, region, time, usage]\n");
  const LogicalPlan& filter = *(*out)->inputs[0];
  EXPECT_EQ(filter.schema[0].name, "date_bin(INTERVAL '1 minute', time)");
  EXPECT_EQ(filter.inputs[0]->schema[0].name, "date_bin(INTERVAL '1 minute', time)");
  EXPECT_EQ((*out)->schema[0].name, "t");
  // An aggregate at the root keeps the names it was bound with: they are the query's columns.
  out = SimplifyExpressions(agg, {});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)->group_exprs[0]->ToString(), "date_bin(INTERVAL '1 minute', time)");
  EXPECT_EQ((*out)->schema[0].name, key);
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

// ---- EliminateCommonSubexprs ----

ExprPtr Arith(BinaryOp op, ExprPtr l, ExprPtr r) {
  TypeId type = l->type;
  return MakeBinary(op, std::move(l), std::move(r), type);
}
// usage + 1.0, a new tree each time (equal by structure, not by identity).
ExprPtr UsagePlusOne() {
  return Arith(BinaryOp::kAdd, Usage(), F64(1));
}
ExprPtr Case(std::vector<ExprPtr> args, bool has_else) {
  auto e = std::make_shared<Expr>();
  e->kind = ExprKind::kCase;
  e->type = args[1]->type;
  e->case_has_else = has_else;
  e->args = std::move(args);
  return e;
}
ExprPtr AggregateCall(const char* name, ExprPtr arg) {
  auto e = std::make_shared<Expr>();
  e->kind = ExprKind::kAggregate;
  e->name = name;
  e->type = arg->type;
  e->args = {std::move(arg)};
  return e;
}
ExprPtr Random() {
  static const exec::ScalarFunction kRandom = [] {
    exec::ScalarFunction f;
    f.name = "random";
    f.deterministic = false;
    return f;
  }();
  auto e = std::make_shared<Expr>();
  e->kind = ExprKind::kScalarFunction;
  e->name = "random";
  e->type = TypeId::kFloat64;
  e->scalar_function = &kRandom;
  return e;
}

std::vector<std::string> Names(const LogicalPlan& plan) {
  std::vector<std::string> names;
  for (const PlanField& f : plan.schema) {
    names.push_back(f.qualifier.empty() ? f.name : f.qualifier + "." + f.name);
  }
  return names;
}

TEST(EliminateCommonSubexprsTest, ProjectionComputesARepeatedExpressionOnce) {
  // SELECT (usage + 1) * 2 AS a, (usage + 1) / 2 AS b, host FROM cpu
  LogicalPlanPtr plan = MakeProjection({Arith(BinaryOp::kMultiply, UsagePlusOne(), F64(2)),
                                        Arith(BinaryOp::kDivide, UsagePlusOne(), F64(2)),
                                        Host()},
                                       {"a", "b", "host"},
                                       Scan());
  absl::StatusOr<LogicalPlanPtr> out = EliminateCommonSubexprs(plan, {});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)->ToString(),
            "Projection: __common_expr_1 * 2.0 AS a, __common_expr_1 / 2.0 AS b, host\n"
            "  Projection: usage + 1.0 AS __common_expr_1, cpu.host AS host\n"
            "    TableScan: cpu projection=[host, region, time, usage]\n");
  // The output keeps its names, qualifiers and types.
  EXPECT_EQ(Names(**out), Names(*plan));
  for (size_t i = 0; i < plan->schema.size(); ++i) {
    EXPECT_EQ((*out)->schema[i].type, plan->schema[i].type);
  }
  // With the other rules, the scan reads only what the new projection needs.
  EXPECT_EQ(Apply(Optimize, plan),
            "Projection: __common_expr_1 * 2.0 AS a, __common_expr_1 / 2.0 AS b, host\n"
            "  Projection: usage + 1.0 AS __common_expr_1, cpu.host AS host\n"
            "    TableScan: cpu projection=[host, usage]\n");
}

TEST(EliminateCommonSubexprsTest, ColumnsLiteralsAndSingleUsesStay) {
  LogicalPlanPtr plan = MakeProjection({UsagePlusOne(), Usage(), Usage(), F64(2), F64(2), Host()},
                                       {"a", "b", "c", "d", "e", "host"},
                                       Scan());
  absl::StatusOr<LogicalPlanPtr> out = EliminateCommonSubexprs(plan, {});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*out, plan);
  // A constant that did not fold (it fails) is not a column worth computing.
  ExprPtr failing = MakeCast(Str("x"), TypeId::kInt64);
  plan = MakeProjection({failing, failing}, {"a", "b"}, Scan());
  out = EliminateCommonSubexprs(plan, {});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*out, plan);
}

TEST(EliminateCommonSubexprsTest, LargestCommonExpressionFirstThenItsParts) {
  // (usage + 1) * 2 twice and usage + 1 once more: the product is computed once, and so is the
  // sum inside it.
  LogicalPlanPtr plan = MakeProjection({Arith(BinaryOp::kMultiply, UsagePlusOne(), F64(2)),
                                        Arith(BinaryOp::kMultiply, UsagePlusOne(), F64(2)),
                                        UsagePlusOne()},
                                       {"a", "b", "c"},
                                       Scan());
  EXPECT_EQ(Apply(EliminateCommonSubexprs, plan),
            "Projection: __common_expr_1 AS a, __common_expr_1 AS b, __common_expr_2 AS c\n"
            "  Projection: __common_expr_3 * 2.0 AS __common_expr_1, __common_expr_3 AS "
            "__common_expr_2\n"
            "    Projection: usage + 1.0 AS __common_expr_3\n"
            "      TableScan: cpu projection=[host, region, time, usage]\n");
  // Only the sum is repeated: the products stay above it.
  plan = MakeProjection({Arith(BinaryOp::kMultiply, UsagePlusOne(), F64(2)),
                         Arith(BinaryOp::kMultiply, UsagePlusOne(), F64(3))},
                        {"a", "b"},
                        Scan());
  EXPECT_EQ(Apply(EliminateCommonSubexprs, plan),
            "Projection: __common_expr_1 * 2.0 AS a, __common_expr_1 * 3.0 AS b\n"
            "  Projection: usage + 1.0 AS __common_expr_1\n"
            "    TableScan: cpu projection=[host, region, time, usage]\n");
}

TEST(EliminateCommonSubexprsTest, ConditionalUsesAloneAreNotExtracted) {
  ExprPtr ten_over_usage = Arith(BinaryOp::kDivide, F64(10), Usage());
  ExprPtr host_a = Cmp(BinaryOp::kEq, Host(), Str("a"));
  ExprPtr host_b = Cmp(BinaryOp::kEq, Host(), Str("b"));
  // CASE WHEN host = 'a' THEN 10 / usage END, CASE WHEN host = 'b' THEN 10 / usage END: the
  // division only happens on the rows that reach a THEN.
  LogicalPlanPtr plan =
      MakeProjection({Case({host_a, ten_over_usage}, false),
                      Case({host_b, Arith(BinaryOp::kDivide, F64(10), Usage())}, false)},
                     {"a", "b"},
                     Scan());
  absl::StatusOr<LogicalPlanPtr> out = EliminateCommonSubexprs(plan, {});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*out, plan);
  // The right side of AND/OR is skipped when the left side decides: not surely evaluated either.
  ExprPtr big = Cmp(BinaryOp::kGt, ten_over_usage, F64(1));
  plan = MakeProjection({And(host_a, big), Cmp(BinaryOp::kOr, host_b, big)}, {"a", "b"}, Scan());
  out = EliminateCommonSubexprs(plan, {});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*out, plan);
  // Once it is surely evaluated somewhere, every row computes it anyway: the branch reads it too.
  plan = MakeProjection(
      {ten_over_usage, Case({host_a, ten_over_usage, F64(0)}, true)}, {"a", "b"}, Scan());
  EXPECT_EQ(Apply(EliminateCommonSubexprs, plan),
            "Projection: __common_expr_1 AS a, CASE WHEN host = 'a' THEN __common_expr_1 ELSE 0.0 "
            "END AS b\n"
            "  Projection: 10.0 / usage AS __common_expr_1, cpu.host AS host\n"
            "    TableScan: cpu projection=[host, region, time, usage]\n");
  // The first condition of a CASE sees every row.
  ExprPtr positive = Cmp(BinaryOp::kGt, UsagePlusOne(), F64(0));
  plan = MakeProjection({Case({positive, Str("up"), Str("down")}, true),
                         Case({Cmp(BinaryOp::kGt, UsagePlusOne(), F64(0)), I64(1), I64(0)}, true)},
                        {"a", "b"},
                        Scan());
  EXPECT_EQ(Apply(EliminateCommonSubexprs, plan),
            "Projection: CASE WHEN __common_expr_1 THEN 'up' ELSE 'down' END AS a, CASE WHEN "
            "__common_expr_1 THEN 1 ELSE 0 END AS b\n"
            "  Projection: usage + 1.0 > 0.0 AS __common_expr_1\n"
            "    TableScan: cpu projection=[host, region, time, usage]\n");
}

TEST(EliminateCommonSubexprsTest, VolatileExpressionsStayButTheirPartsMayMove) {
  LogicalPlanPtr plan = MakeProjection(
      {Arith(BinaryOp::kAdd, Usage(), Random()), Arith(BinaryOp::kAdd, Usage(), Random())},
      {"a", "b"},
      Scan());
  absl::StatusOr<LogicalPlanPtr> out = EliminateCommonSubexprs(plan, {});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*out, plan);
  plan = MakeProjection({Arith(BinaryOp::kMultiply, UsagePlusOne(), Random()),
                         Arith(BinaryOp::kMultiply, UsagePlusOne(), Random())},
                        {"a", "b"},
                        Scan());
  EXPECT_EQ(Apply(EliminateCommonSubexprs, plan),
            "Projection: __common_expr_1 * random() AS a, __common_expr_1 * random() AS b\n"
            "  Projection: usage + 1.0 AS __common_expr_1\n"
            "    TableScan: cpu projection=[host, region, time, usage]\n");
}

TEST(EliminateCommonSubexprsTest, AggregateArgumentsAndGroups) {
  // SELECT max(usage + 1), min(usage + 1) FROM cpu GROUP BY host
  LogicalPlanPtr plan =
      MakeAggregate({Host()},
                    {AggregateCall("max", UsagePlusOne()), AggregateCall("min", UsagePlusOne())},
                    Scan());
  absl::StatusOr<LogicalPlanPtr> out = EliminateCommonSubexprs(plan, {});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)->ToString(),
            "Aggregate: groupBy=[host], aggr=[max(__common_expr_1), min(__common_expr_1)]\n"
            "  Projection: usage + 1.0 AS __common_expr_1, cpu.host AS host\n"
            "    TableScan: cpu projection=[host, region, time, usage]\n");
  // The outputs keep the names of the original expressions.
  EXPECT_EQ(Names(**out),
            std::vector<std::string>({"cpu.host", "max(usage + 1.0)", "min(usage + 1.0)"}));
  // GROUP BY usage + 1 with max(usage + 1); the FILTER of an aggregate sees every row too.
  auto filtered = std::make_shared<Expr>(*AggregateCall("count", Usage()));
  filtered->filter = Cmp(BinaryOp::kGt, UsagePlusOne(), F64(5));
  plan = MakeAggregate(
      {UsagePlusOne()}, {AggregateCall("max", UsagePlusOne()), ExprPtr(filtered)}, Scan());
  out = EliminateCommonSubexprs(plan, {});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)->ToString(),
            "Aggregate: groupBy=[__common_expr_1], aggr=[max(__common_expr_1), count(usage) "
            "FILTER (WHERE __common_expr_1 > 5.0)]\n"
            "  Projection: usage + 1.0 AS __common_expr_1, cpu.usage AS usage\n"
            "    TableScan: cpu projection=[host, region, time, usage]\n");
  EXPECT_EQ(Names(**out), Names(*plan));
}

TEST(EliminateCommonSubexprsTest, FilterKeepsItsSchema) {
  // WHERE (usage + 1) * (usage + 1) > 4 AND host = 'a' (a filter no scan took)
  LogicalPlanPtr plan = MakeFilter(
      And(Cmp(BinaryOp::kGt, Arith(BinaryOp::kMultiply, UsagePlusOne(), UsagePlusOne()), F64(4)),
          Cmp(BinaryOp::kEq, Host(), Str("a"))),
      Scan(FilterPushdown::kUnsupported));
  absl::StatusOr<LogicalPlanPtr> out = EliminateCommonSubexprs(plan, {});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)->ToString(),
            "Projection: cpu.host AS host, cpu.region AS region, cpu.time AS time, cpu.usage AS "
            "usage\n"
            "  Filter: __common_expr_1 * __common_expr_1 > 4.0 AND host = 'a'\n"
            "    Projection: usage + 1.0 AS __common_expr_1, cpu.host AS host, cpu.region AS "
            "region, cpu.time AS time, cpu.usage AS usage\n"
            "      TableScan: cpu projection=[host, region, time, usage]\n");
  EXPECT_EQ(Names(**out), Names(*plan));
  for (size_t i = 0; i < plan->schema.size(); ++i) {
    EXPECT_EQ((*out)->schema[i].type, plan->schema[i].type);
    EXPECT_EQ((*out)->schema[i].nullable, plan->schema[i].nullable);
  }
  // usage > 0 AND 10 / usage > 1 AND 10 / usage < 5: both divisions are on the right of an AND.
  ExprPtr ten_over_usage = Arith(BinaryOp::kDivide, F64(10), Usage());
  plan = MakeFilter(
      And(And(Cmp(BinaryOp::kGt, Usage(), F64(0)), Cmp(BinaryOp::kGt, ten_over_usage, F64(1))),
          Cmp(BinaryOp::kLt, ten_over_usage, F64(5))),
      Scan(FilterPushdown::kUnsupported));
  out = EliminateCommonSubexprs(plan, {});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*out, plan);
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
