// Binder tests: plan shapes, types and implicit casts, name resolution and its errors.
#include "plan/binder.h"

#include <map>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "plan/physical_planner.h"
#include "sql/parser.h"

namespace strata::plan {
namespace {

using ::testing::HasSubstr;

class FakeTable : public TableProvider {
 public:
  FakeTable(std::string name, std::vector<Field> fields)
      : name_(std::move(name)), schema_(std::make_shared<Schema>(std::move(fields))) {}
  const SchemaPtr& schema() const override { return schema_; }
  const std::string& name() const override { return name_; }
  std::vector<FilterPushdown> SupportsFiltersPushdown(
      const std::vector<ExprPtr>& filters) const override {
    return std::vector<FilterPushdown>(filters.size(), FilterPushdown::kUnsupported);
  }
  absl::StatusOr<exec::ExecutionPlanPtr> Scan(const ScanRequest&,
                                              const exec::TaskContext&) const override {
    return absl::UnimplementedError("fake");
  }

 private:
  std::string name_;
  SchemaPtr schema_;
};

class FakeSchema : public SchemaProvider {
 public:
  FakeSchema() {
    tables_["cpu"] =
        std::make_shared<FakeTable>("cpu",
                                    std::vector<Field>{{"host", TypeId::kDictionary},
                                                       {"region", TypeId::kDictionary},
                                                       {"time", TypeId::kTimestamp, false},
                                                       {"usage", TypeId::kFloat64},
                                                       {"count", TypeId::kInt64},
                                                       {"Mixed", TypeId::kFloat64}});
    tables_["mem"] =
        std::make_shared<FakeTable>("mem",
                                    std::vector<Field>{{"host", TypeId::kDictionary},
                                                       {"time", TypeId::kTimestamp, false},
                                                       {"free", TypeId::kUInt64}});
  }
  TableProviderPtr FindTable(std::string_view name) const override {
    auto it = tables_.find(std::string(name));
    return it == tables_.end() ? nullptr : it->second;
  }
  std::vector<std::string> TableNames() const override { return {"cpu", "mem"}; }
  // information_schema with the fields (not the rows) of src/query/information_schema.h.
  TableProviderPtr FindTableInSchema(std::string_view schema,
                                     std::string_view table) const override {
    if (schema != kInformationSchema) {
      return SchemaProvider::FindTableInSchema(schema, table);
    }
    if (table == "tables") {
      return std::make_shared<FakeTable>("tables",
                                         std::vector<Field>{{"table_catalog", TypeId::kString},
                                                            {"table_schema", TypeId::kString},
                                                            {"table_name", TypeId::kString},
                                                            {"table_type", TypeId::kString}});
    }
    if (table == "columns") {
      return std::make_shared<FakeTable>("columns",
                                         std::vector<Field>{{"table_catalog", TypeId::kString},
                                                            {"table_schema", TypeId::kString},
                                                            {"table_name", TypeId::kString},
                                                            {"column_name", TypeId::kString},
                                                            {"ordinal_position", TypeId::kUInt64},
                                                            {"column_default", TypeId::kString},
                                                            {"is_nullable", TypeId::kString},
                                                            {"data_type", TypeId::kString}});
    }
    return nullptr;
  }
  std::vector<std::string> SchemaNames() const override { return {"information_schema", "iox"}; }
  std::vector<std::string> TableNamesInSchema(std::string_view schema) const override {
    if (schema == kInformationSchema) {
      return {"columns", "tables"};
    }
    return SchemaProvider::TableNamesInSchema(schema);
  }

 private:
  std::map<std::string, TableProviderPtr> tables_;
};

// The default SchemaProvider: user tables only.
class PlainSchema : public SchemaProvider {
 public:
  TableProviderPtr FindTable(std::string_view name) const override {
    return name == "cpu" ? cpu_ : nullptr;
  }
  std::vector<std::string> TableNames() const override { return {"cpu"}; }

 private:
  TableProviderPtr cpu_ = std::make_shared<FakeTable>(
      "cpu", std::vector<Field>{{"host", TypeId::kDictionary}, {"time", TypeId::kTimestamp}});
};

absl::StatusOr<LogicalPlanPtr> Bind(std::string_view sql, BindOptions options = {}) {
  static FakeSchema schema;
  auto statement = sql::ParseStatement(sql);
  if (!statement.ok()) {
    return statement.status();
  }
  Binder binder(&schema, sql, std::move(options));
  return binder.BindStatement(**statement);
}

std::string PlanText(std::string_view sql) {
  auto plan = Bind(sql);
  if (!plan.ok()) {
    return std::string(plan.status().message());
  }
  return (*plan)->ToString();
}

TEST(BinderTest, SimpleProjectionAndFilter) {
  EXPECT_EQ(PlanText("SELECT host, usage * 2 AS u2 FROM cpu WHERE usage > 1"),
            "Projection: cpu.host AS host, cpu.usage * 2.0 AS u2\n"
            "  Filter: cpu.usage > 1.0\n"
            "    TableScan: cpu projection=[host, region, time, usage, count, Mixed]\n");
}

TEST(BinderTest, TimeComparedWithStringLiteralCastsTheLiteral) {
  auto plan = Bind("SELECT usage FROM cpu WHERE time >= '2016-01-01T00:00:00Z'");
  ASSERT_TRUE(plan.ok()) << plan.status();
  const LogicalPlan& filter = *(*plan)->inputs[0];
  ASSERT_EQ(filter.kind, PlanKind::kFilter);
  EXPECT_EQ(filter.predicate->ToString(),
            "cpu.time >= CAST('2016-01-01T00:00:00Z' AS timestamp(ns))");
}

TEST(BinderTest, AggregateLayout) {
  auto plan =
      Bind("SELECT host, avg(usage) + 1, count(*) FROM cpu GROUP BY host HAVING max(usage) > 5");
  ASSERT_TRUE(plan.ok()) << plan.status();
  const LogicalPlan& projection = **plan;
  ASSERT_EQ(projection.kind, PlanKind::kProjection);
  const LogicalPlan& having = *projection.inputs[0];
  ASSERT_EQ(having.kind, PlanKind::kFilter);
  const LogicalPlan& aggregate = *having.inputs[0];
  ASSERT_EQ(aggregate.kind, PlanKind::kAggregate);
  EXPECT_EQ(aggregate.group_exprs.size(), 1u);
  EXPECT_EQ(aggregate.aggregate_exprs.size(), 3u);  // avg, count, max
  EXPECT_EQ(projection.schema[0].type, TypeId::kDictionary);
  EXPECT_EQ(projection.schema[1].type, TypeId::kFloat64);
  EXPECT_EQ(projection.schema[2].type, TypeId::kInt64);
}

TEST(BinderTest, GroupByPositionAndAlias) {
  EXPECT_TRUE(Bind("SELECT host AS h, count(*) FROM cpu GROUP BY 1").ok());
  EXPECT_TRUE(
      Bind("SELECT date_bin(INTERVAL '1 minute', time) AS t, max(usage) FROM cpu GROUP BY t").ok());
}

TEST(BinderTest, UngroupedColumnIsAnError) {
  auto plan = Bind("SELECT host, usage, count(*) FROM cpu GROUP BY host");
  ASSERT_FALSE(plan.ok());
  EXPECT_THAT(plan.status().message(),
              HasSubstr("column 'cpu.usage' must appear in the GROUP BY clause"));
}

TEST(BinderTest, UnknownColumnSuggests) {
  auto plan = Bind("SELECT usge FROM cpu");
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().message(),
            "column 'usge' not found at line 1, column 8; did you mean 'usage'?");
  auto mixed = Bind("SELECT mixed FROM cpu");
  ASSERT_FALSE(mixed.ok());
  EXPECT_THAT(mixed.status().message(), HasSubstr("did you mean \"Mixed\"?"));
  EXPECT_TRUE(Bind("SELECT \"Mixed\" FROM cpu").ok());
}

TEST(BinderTest, UnknownTableSuggests) {
  auto plan = Bind("SELECT * FROM cpuu");
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().message(),
            "table 'cpuu' not found at line 1, column 15; did you mean 'cpu'?");
}

TEST(BinderTest, AmbiguousColumnInJoin) {
  auto plan = Bind("SELECT host FROM cpu JOIN mem ON cpu.host = mem.host");
  ASSERT_FALSE(plan.ok());
  EXPECT_THAT(plan.status().message(), HasSubstr("column 'host' is ambiguous"));
  auto using_plan = Bind("SELECT host, free FROM cpu JOIN mem USING (host)");
  ASSERT_TRUE(using_plan.ok()) << using_plan.status();
}

TEST(BinderTest, EquiJoinKeysAreSplitOut) {
  auto plan = Bind("SELECT cpu.host FROM cpu JOIN mem ON cpu.host = mem.host AND usage > 1");
  ASSERT_TRUE(plan.ok()) << plan.status();
  const LogicalPlan* join = plan->get();
  while (join->kind != PlanKind::kJoin) {
    join = join->inputs[0].get();
  }
  ASSERT_EQ(join->left_keys.size(), 1u);
  EXPECT_EQ(join->right_keys[0]->column_index, 0);  // mem.host, relative to the right input
  ASSERT_NE(join->join_filter, nullptr);
}

TEST(BinderTest, OrderByHiddenColumnIsProjectedAway) {
  auto plan = Bind("SELECT host FROM cpu ORDER BY usage DESC LIMIT 3");
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ((*plan)->kind, PlanKind::kLimit);
  EXPECT_EQ((*plan)->schema.size(), 1u);
  EXPECT_THAT((*plan)->ToString(), HasSubstr("Sort: __order_2 DESC NULLS FIRST"));
}

TEST(BinderTest, UnionCoercesTypes) {
  auto plan = Bind("SELECT count FROM cpu UNION ALL SELECT usage FROM cpu");
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ((*plan)->schema[0].type, TypeId::kFloat64);
  auto mismatch = Bind("SELECT count, host FROM cpu UNION SELECT usage FROM cpu");
  ASSERT_FALSE(mismatch.ok());
  EXPECT_THAT(mismatch.status().message(), HasSubstr("same number of columns"));
}

TEST(BinderTest, Parameters) {
  BindOptions options;
  options.params["h"] = exec::Scalar::String("a");
  auto plan = Bind("SELECT usage FROM cpu WHERE host = $h", options);
  ASSERT_TRUE(plan.ok()) << plan.status();
  auto missing = Bind("SELECT usage FROM cpu WHERE host = $nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.status().message(), HasSubstr("no value given for parameter $nope"));
}

TEST(BinderTest, AggregatesNotAllowedInWhere) {
  auto plan = Bind("SELECT host FROM cpu WHERE max(usage) > 1");
  ASSERT_FALSE(plan.ok());
  EXPECT_THAT(plan.status().message(), HasSubstr("aggregate functions are not allowed in WHERE"));
}

TEST(BinderTest, TypeErrors) {
  auto plan = Bind("SELECT host + 1 FROM cpu");
  ASSERT_FALSE(plan.ok());
  EXPECT_THAT(plan.status().message(), HasSubstr("cannot apply operator"));
  auto fn = Bind("SELECT nosuchfn(usage) FROM cpu");
  ASSERT_FALSE(fn.ok());
  EXPECT_THAT(fn.status().message(), HasSubstr("function 'nosuchfn' not found"));
}

TEST(BinderTest, CteAndSubqueryInFrom) {
  EXPECT_TRUE(
      Bind("WITH t AS (SELECT host, usage FROM cpu) SELECT host FROM t WHERE usage > 1").ok());
  EXPECT_TRUE(Bind("SELECT s.h FROM (SELECT host AS h FROM cpu) s").ok());
  auto dup = Bind("WITH t AS (SELECT 1), t AS (SELECT 2) SELECT * FROM t");
  ASSERT_FALSE(dup.ok());
}

TEST(BinderTest, WindowFunctions) {
  auto plan = Bind("SELECT host, row_number() OVER (PARTITION BY host ORDER BY time) FROM cpu");
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_THAT((*plan)->ToString(), HasSubstr("WindowAggr"));
  auto bad = Bind("SELECT host FROM cpu WHERE row_number() OVER () > 1");
  ASSERT_FALSE(bad.ok());
}

TEST(BinderTest, RangeFramesWithOffsets) {
  // Offsets like INTERVAL '1 hour' are casts of constants, evaluated while binding.
  auto plan_text = [](std::string_view sql) {
    BindOptions options;
    options.evaluate_constant = [](const ExprPtr& e) { return EvaluateConstantExpr(*e); };
    auto plan = Bind(sql, std::move(options));
    return plan.ok() ? (*plan)->ToString() : std::string(plan.status().message());
  };
  // The frame shows in the plan when it is not the default one.
  EXPECT_THAT(plan_text("SELECT avg(usage) OVER (PARTITION BY host ORDER BY time RANGE BETWEEN "
                        "INTERVAL '1 hour' PRECEDING AND CURRENT ROW) FROM cpu"),
              HasSubstr("avg(cpu.usage) OVER (PARTITION BY cpu.host ORDER BY cpu.time ASC NULLS "
                        "LAST RANGE BETWEEN INTERVAL '1 hour' PRECEDING AND CURRENT ROW)"));
  EXPECT_THAT(plan_text("SELECT count(*) OVER (ORDER BY count DESC RANGE BETWEEN 2 PRECEDING AND "
                        "1.5 FOLLOWING) FROM cpu"),
              HasSubstr("RANGE BETWEEN 2 PRECEDING AND 1.5 FOLLOWING)"));
  EXPECT_THAT(plan_text("SELECT sum(usage) OVER (ORDER BY time ROWS 3 PRECEDING) FROM cpu"),
              HasSubstr("ROWS BETWEEN 3 PRECEDING AND CURRENT ROW)"));
  EXPECT_THAT(plan_text("SELECT sum(usage) OVER (ORDER BY time) FROM cpu"),
              HasSubstr("sum(cpu.usage) OVER (ORDER BY cpu.time ASC NULLS LAST)]"));
  // A string offset over a timestamp key is an interval, as in PostgreSQL.
  EXPECT_THAT(
      plan_text("SELECT count(*) OVER (ORDER BY time RANGE '5 minutes' PRECEDING) FROM cpu"),
      HasSubstr("RANGE BETWEEN INTERVAL '5 minutes' PRECEDING AND CURRENT ROW"));
  // Errors name the window or the offset.
  EXPECT_EQ(plan_text("SELECT count(*) OVER (RANGE 1 PRECEDING) FROM cpu"),
            "RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY column at line "
            "1, column 22");
  EXPECT_THAT(plan_text("SELECT count(*) OVER (ORDER BY time, host RANGE BETWEEN CURRENT ROW AND "
                        "INTERVAL '1 hour' FOLLOWING) FROM cpu"),
              HasSubstr("requires exactly one ORDER BY column"));
  EXPECT_EQ(plan_text("SELECT count(*) OVER (ORDER BY time RANGE 5 PRECEDING) FROM cpu"),
            "RANGE frame offset for an ORDER BY key of type timestamp(ns) must be an interval, got "
            "int64 at line 1, column 43");
  EXPECT_THAT(plan_text("SELECT count(*) OVER (ORDER BY usage RANGE INTERVAL '1 day' PRECEDING) "
                        "FROM cpu"),
              HasSubstr("must be a number, got interval"));
  EXPECT_THAT(plan_text("SELECT count(*) OVER (ORDER BY host RANGE 1 PRECEDING) FROM cpu"),
              HasSubstr("RANGE with offset PRECEDING/FOLLOWING is not supported for ORDER BY type "
                        "dictionary(string)"));
  EXPECT_THAT(plan_text("SELECT count(*) OVER (ORDER BY count RANGE NULL PRECEDING) FROM cpu"),
              HasSubstr("frame offset must not be NULL"));
  EXPECT_THAT(plan_text("SELECT count(*) OVER (ORDER BY count RANGE usage PRECEDING) FROM cpu"),
              HasSubstr("column 'usage' not found"));
  EXPECT_THAT(plan_text("SELECT count(*) OVER (ORDER BY time RANGE 'soon' PRECEDING) FROM cpu"),
              HasSubstr("cannot cast"));
}

TEST(BinderTest, DistinctAndOrderByNotInSelect) {
  auto plan = Bind("SELECT DISTINCT host FROM cpu ORDER BY usage");
  ASSERT_FALSE(plan.ok());
  EXPECT_THAT(plan.status().message(), HasSubstr("for SELECT DISTINCT"));
}

TEST(BinderTest, OutputNamesOfStarCallsKeepFilterAndOver) {
  // Distinct names: results are rows of name -> value objects in the JSON formats.
  auto plan = Bind("SELECT count(*), count(*) FILTER (WHERE usage > 20) FROM cpu");
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ((*plan)->schema.size(), 2u);
  EXPECT_EQ((*plan)->schema[0].name, "count(*)");
  EXPECT_EQ((*plan)->schema[1].name, "count(*) FILTER (WHERE usage > 20)");
  auto window = Bind("SELECT count(*) OVER (PARTITION BY host) FROM cpu");
  ASSERT_TRUE(window.ok()) << window.status();
  EXPECT_EQ((*window)->schema[0].name, "count(*) OVER (PARTITION BY host)");
}

TEST(BinderTest, ShowTablesAndColumnsQueryInformationSchema) {
  EXPECT_EQ(PlanText("SHOW TABLES"),
            "Projection: tables.table_catalog AS table_catalog, tables.table_schema AS "
            "table_schema, tables.table_name AS table_name, tables.table_type AS table_type\n"
            "  TableScan: tables projection=[table_catalog, table_schema, table_name, "
            "table_type]\n");
  // The table's schema and name as resolved, not as written.
  EXPECT_EQ(PlanText("SHOW COLUMNS FROM public.\"cpu\""),
            "Projection: columns.table_catalog AS table_catalog, columns.table_schema AS "
            "table_schema, columns.table_name AS table_name, columns.column_name AS column_name, "
            "columns.data_type AS data_type, columns.is_nullable AS is_nullable\n"
            "  Filter: columns.table_schema = 'iox' AND columns.table_name = 'cpu'\n"
            "    TableScan: columns projection=[table_catalog, table_schema, table_name, "
            "column_name, ordinal_position, column_default, is_nullable, data_type]\n");
  EXPECT_THAT(PlanText("SHOW COLUMNS IN information_schema.tables"),
              HasSubstr("Filter: columns.table_schema = 'information_schema' AND "
                        "columns.table_name = 'tables'"));
  EXPECT_THAT(PlanText("SHOW COLUMNS FROM nosuch"), HasSubstr("table 'nosuch' not found"));
}

TEST(BinderTest, ShowNeedsInformationSchema) {
  PlainSchema schema;
  auto statement = sql::ParseStatement("SHOW TABLES");
  ASSERT_TRUE(statement.ok()) << statement.status();
  Binder binder(&schema, "SHOW TABLES", {});
  auto plan = binder.BindStatement(**statement);
  ASSERT_FALSE(plan.ok());
  EXPECT_THAT(plan.status().message(), HasSubstr("SHOW TABLES needs information_schema"));
}

TEST(BinderTest, SchemaQualifiedTableNames) {
  EXPECT_THAT(PlanText("SELECT table_name FROM information_schema.tables"),
              HasSubstr("TableScan: tables projection="));
  EXPECT_THAT(PlanText("SELECT c.column_name FROM public.information_schema.columns c"),
              HasSubstr("Projection: c.column_name AS column_name"));
  // User tables: bare, in schema iox (or public, as before), and with the catalog.
  for (const char* sql : {"SELECT host FROM cpu",
                          "SELECT host FROM iox.cpu",
                          "SELECT host FROM public.cpu",
                          "SELECT host FROM public.iox.cpu"}) {
    EXPECT_THAT(PlanText(sql), HasSubstr("TableScan: cpu projection=")) << sql;
  }
  // information_schema's tables are not visible unqualified, nor user tables in it.
  EXPECT_THAT(PlanText("SELECT * FROM tables"), HasSubstr("table 'tables' not found"));
  EXPECT_THAT(PlanText("SELECT * FROM information_schema.cpu"),
              HasSubstr("table 'cpu' not found at line 1, column 34"));
  // A schema of a few fixed tables names them.
  EXPECT_EQ(PlanText("SELECT * FROM information_schema.cpux"),
            "table 'cpux' not found at line 1, column 34; schema 'information_schema' has "
            "columns, tables");
  EXPECT_EQ(PlanText("SELECT * FROM sys.cpu"),
            "schema 'sys' not found (tables live in schema 'iox', catalog views in "
            "'information_schema') at line 1, column 15");
  EXPECT_EQ(PlanText("SELECT * FROM db.iox.cpu"),
            "catalog 'db' not found (the catalog is 'public') at line 1, column 15");
  EXPECT_EQ(PlanText("SELECT * FROM iox.cpux"),
            "table 'cpux' not found at line 1, column 19; did you mean 'cpu'?");

  // Without information_schema (the SchemaProvider default), only iox and public resolve.
  PlainSchema plain;
  for (const char* sql : {"SELECT host FROM iox.cpu", "SELECT * FROM information_schema.tables"}) {
    auto statement = sql::ParseStatement(sql);
    ASSERT_TRUE(statement.ok()) << statement.status();
    Binder binder(&plain, sql, {});
    auto plan = binder.BindStatement(**statement);
    EXPECT_EQ(plan.ok(), std::string_view(sql).find("iox") != std::string_view::npos) << sql;
    if (!plan.ok()) {
      EXPECT_THAT(plan.status().message(),
                  HasSubstr("schema 'information_schema' not found (tables live in schema "
                            "'iox') at line 1"));
    }
  }
}

TEST(BinderTest, IntersectIsADistinctNullSafeSemiJoin) {
  // host is a tag (nullable, compared as a string), time is never NULL: a plain key.
  // The tags of two tables are unified as strings, as UNION does.
  EXPECT_EQ(PlanText("SELECT host, time FROM cpu INTERSECT SELECT host, time FROM mem"),
            "Projection: host, time\n"
            "  LeftSemi Join: on=[(CASE WHEN host IS NULL THEN '' ELSE host END, CASE WHEN host IS "
            "NULL THEN '' ELSE host END), (host IS NULL, host IS NULL), (time, time)]\n"
            "    Aggregate: groupBy=[host, time], aggr=[]\n"
            "      Projection: CAST(host AS string) AS host, time\n"
            "        Projection: cpu.host AS host, cpu.time AS time\n"
            "          TableScan: cpu projection=[host, region, time, usage, count, Mixed]\n"
            "    Projection: CAST(host AS string) AS host, time\n"
            "      Projection: mem.host AS host, mem.time AS time\n"
            "        TableScan: mem projection=[host, time, free]\n");
  // time is never NULL in a table, but may be on the other side: then it needs both keys.
  EXPECT_THAT(PlanText("SELECT time FROM cpu EXCEPT SELECT NULL"),
              HasSubstr("LeftAnti Join: on=[(CASE WHEN time IS NULL THEN TIMESTAMP "
                        "'1970-01-01T00:00:00Z' ELSE time END, CASE WHEN time IS NULL THEN "
                        "TIMESTAMP '1970-01-01T00:00:00Z' ELSE time END), (time IS NULL, time IS "
                        "NULL)]\n"
                        "    Aggregate: groupBy=[time], aggr=[]\n"));
}

TEST(BinderTest, ExceptCoercesTypesLikeUnion) {
  auto plan = Bind("SELECT count FROM cpu EXCEPT SELECT free FROM mem");
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ((*plan)->schema.size(), 1u);
  EXPECT_EQ((*plan)->schema[0].name, "count");
  EXPECT_EQ((*plan)->schema[0].qualifier, "");
  // int64 and uint64 meet at a common type on both sides of the anti join.
  const LogicalPlan& join = *(*plan)->inputs[0];
  ASSERT_EQ(join.kind, PlanKind::kJoin);
  EXPECT_EQ(join.join_type, exec::JoinType::kLeftAnti);
  ASSERT_EQ(join.left_keys.size(), 2u);
  EXPECT_EQ(join.left_keys[0]->type, join.right_keys[0]->type);
  EXPECT_NE(join.left_keys[0]->type, TypeId::kUInt64);
  EXPECT_EQ(join.inputs[0]->kind, PlanKind::kAggregate);   // distinct(left)
  EXPECT_EQ(join.inputs[1]->kind, PlanKind::kProjection);  // right as is, cast

  auto mismatch = Bind("SELECT count, host FROM cpu EXCEPT SELECT free FROM mem");
  ASSERT_FALSE(mismatch.ok());
  EXPECT_THAT(mismatch.status().message(),
              HasSubstr("each EXCEPT query must have the same number of columns: 2 vs 1"));
  auto types = Bind("SELECT time FROM cpu INTERSECT SELECT true");
  ASSERT_FALSE(types.ok());
  EXPECT_THAT(types.status().message(), HasSubstr("INTERSECT column 1 ('time')"));
}

TEST(BinderTest, IntersectAllAndExceptAllNumberDuplicates) {
  auto plan = Bind("SELECT host FROM cpu INTERSECT ALL SELECT host FROM mem");
  ASSERT_TRUE(plan.ok()) << plan.status();
  const LogicalPlan& join = *(*plan)->inputs[0];
  ASSERT_EQ(join.kind, PlanKind::kJoin);
  EXPECT_EQ(join.join_type, exec::JoinType::kLeftSemi);
  // host (value, is-null) and the duplicate number.
  ASSERT_EQ(join.left_keys.size(), 3u);
  EXPECT_EQ(join.left_keys[2]->ToString(), "__duplicate_number");
  for (const LogicalPlanPtr& side : join.inputs) {
    ASSERT_EQ(side->kind, PlanKind::kWindow);
    EXPECT_EQ(side->window_exprs[0]->ToString(), "row_number() OVER (PARTITION BY host)");
  }
  EXPECT_EQ((*plan)->schema.size(), 1u);  // the number is projected away

  auto except = Bind("SELECT host FROM cpu EXCEPT ALL SELECT host FROM mem");
  ASSERT_TRUE(except.ok()) << except.status();
  EXPECT_EQ((*except)->inputs[0]->join_type, exec::JoinType::kLeftAnti);
}

}  // namespace
}  // namespace strata::plan

namespace strata::plan {
namespace {

TEST(BinderTest, CorrelatedExistsBecomesSemiJoin) {
  auto plan = Bind(
      "SELECT c.host FROM cpu c WHERE EXISTS (SELECT 1 FROM mem m WHERE m.host = c.host AND "
      "m.free > 10)");
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_THAT((*plan)->ToString(), HasSubstr("LeftSemi Join: on=[(c.host, m.host)]"));
  auto anti =
      Bind("SELECT c.host FROM cpu c WHERE NOT EXISTS (SELECT 1 FROM mem m WHERE m.host = c.host)");
  ASSERT_TRUE(anti.ok()) << anti.status();
  EXPECT_THAT((*anti)->ToString(), HasSubstr("LeftAnti Join"));
}

TEST(BinderTest, CorrelatedScalarBecomesLeftJoinOnAggregate) {
  auto plan = Bind("SELECT c.host, (SELECT count(*) FROM mem m WHERE m.host = c.host) FROM cpu c");
  ASSERT_TRUE(plan.ok()) << plan.status();
  std::string text = (*plan)->ToString();
  EXPECT_THAT(text, HasSubstr("Left Join"));
  EXPECT_THAT(text, HasSubstr("Aggregate: groupBy=[m.host], aggr=[count(*)]"));
  EXPECT_THAT(text, HasSubstr("CASE WHEN"));
  auto unsupported = Bind("SELECT (SELECT host FROM mem m WHERE m.host = c.host) FROM cpu c");
  ASSERT_FALSE(unsupported.ok());
  EXPECT_THAT(unsupported.status().message(), HasSubstr("correlated scalar subquery"));
}

}  // namespace
}  // namespace strata::plan
