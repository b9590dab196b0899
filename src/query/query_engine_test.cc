// End-to-end tests of the query engine in-process: line protocol written through the real write
// path, SQL through parse, bind, optimize, plan and execute. (The sqllogictest suite in test/sql
// covers the SQL surface; these check the pipeline's wiring and EXPLAIN.)
#include "query/query_engine.h"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "query/query_test_util.h"
#include "wal/wal.h"
#include "write/write_path.h"

namespace strata::query {
namespace {

using ::testing::HasSubstr;

class QueryEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("query_engine_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    catalog_ = catalog::Catalog::CreateInMemory(catalog::CatalogLimits{});
    wal::WalOptions wal_options;
    wal_options.directory = (dir_ / "wal").string();
    auto wal = wal::Wal::Open(wal_options);
    ASSERT_TRUE(wal.ok()) << wal.status();
    wal_ = *std::move(wal);
    buffer_ = std::make_unique<buffer::WriteBuffer>();
    write_ = std::make_unique<write::WritePath>(catalog_.get(), wal_.get(), buffer_.get());
    ASSERT_TRUE(write_->Recover().ok());
    engine_ = std::make_unique<QueryEngine>(catalog_.get(), buffer_.get());
  }
  void TearDown() override {
    write_.reset();
    wal_.reset();
    std::filesystem::remove_all(dir_);
  }

  void Write(std::string_view lines) {
    write::WriteRequest request;
    request.database = "db";
    request.body = lines;
    request.precision = lineprotocol::Precision::kNanosecond;
    auto outcome = write_->Write(request);
    ASSERT_TRUE(outcome.ok()) << outcome.status();
    ASSERT_TRUE(outcome->errors.empty()) << outcome->errors[0].message;
  }

  // Runs `sql` and returns its rows as "v1|v2|..." strings.
  absl::StatusOr<std::vector<std::string>> Query(std::string_view sql) {
    return QueryRows(*engine_, "db", sql);
  }

  std::filesystem::path dir_;
  std::unique_ptr<catalog::Catalog> catalog_;
  std::unique_ptr<wal::Wal> wal_;
  std::unique_ptr<buffer::WriteBuffer> buffer_;
  std::unique_ptr<write::WritePath> write_;
  std::unique_ptr<QueryEngine> engine_;
};

TEST_F(QueryEngineTest, SelectWithoutFrom) {
  Write("cpu,host=a usage=1 1\n");
  auto rows = Query("SELECT 1 + 2, 'x'");
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(*rows, std::vector<std::string>({"3|x"}));
}

TEST_F(QueryEngineTest, FilterGroupOrder) {
  Write(
      "cpu,host=a usage=1 1\n"
      "cpu,host=b usage=5 2\n"
      "cpu,host=a usage=3 3\n"
      "cpu,host=c usage=10 4\n");
  auto rows = Query(
      "SELECT host, max(usage), count(*) FROM cpu WHERE usage > 1 GROUP BY host ORDER BY host");
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(*rows, std::vector<std::string>({"a|3|1", "b|5|1", "c|10|1"}));
}

TEST_F(QueryEngineTest, SelectStarSortedByName) {
  Write("cpu,host=a usage=1.5,count=2i 1000\n");
  auto rows = Query("SELECT * FROM cpu");
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(*rows, std::vector<std::string>({"2|a|1000|1.5"}));
}

TEST_F(QueryEngineTest, TopK) {
  Write(
      "cpu,host=a usage=1 1\n"
      "cpu,host=b usage=5 2\n"
      "cpu,host=a usage=3 3\n");
  auto rows = Query("SELECT time, usage FROM cpu ORDER BY time DESC LIMIT 2");
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(*rows, std::vector<std::string>({"3|3", "2|5"}));
}

TEST_F(QueryEngineTest, Errors) {
  Write("cpu,host=a usage=1 1\n");
  auto missing = Query("SELECT usge FROM cpu");
  EXPECT_THAT(missing.status().message(), HasSubstr("column 'usge' not found"));
  EXPECT_THAT(missing.status().message(), HasSubstr("did you mean 'usage'"));
  auto table = Query("SELECT * FROM cpuu");
  EXPECT_THAT(table.status().message(), HasSubstr("table 'cpuu' not found"));
  auto syntax = Query("SELEC 1");
  EXPECT_THAT(syntax.status().message(), HasSubstr("syntax error"));
  auto db = engine_->Execute("nope", "SELECT 1");
  EXPECT_EQ(db.status().code(), absl::StatusCode::kNotFound);
}

TEST_F(QueryEngineTest, ExplainAnalyzeShowsPruning) {
  // Two partitions far apart in time: a time-range query prunes one.
  Write(
      "cpu,host=a usage=1 1000000000\n"
      "cpu,host=a usage=2 86400000000000\n");
  auto rows =
      Query("EXPLAIN ANALYZE SELECT max(usage) FROM cpu WHERE time >= '1970-01-02T00:00:00Z'");
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_FALSE(rows->empty());
  EXPECT_THAT((*rows)[0], HasSubstr("chunks_pruned"));
}

TEST_F(QueryEngineTest, FiltersTheStatisticsProveTrueAreSkipped) {
  // Two chunks (days): the first has n in [1, 3] and u everywhere, the second n in [5, 7] and a
  // row without u. Filters true for every row of a chunk are not evaluated there, and the rows
  // are the same as when they are.
  constexpr int64_t kDay = 86400000000000;
  Write(absl::StrCat("m,h=a n=1i,u=1 1\n",
                     "m,h=a n=3i,u=2 2\n",
                     "m,h=a n=5i,u=3 ",
                     kDay + 1,
                     "\n",
                     "m,h=a n=7i ",
                     kDay + 2,
                     "\n"));
  auto count = [&](const std::string& where) -> std::string {
    auto rows = Query("SELECT count(*) FROM m WHERE " + where);
    EXPECT_TRUE(rows.ok()) << rows.status();
    auto analyzed = Query("EXPLAIN ANALYZE SELECT count(*) FROM m WHERE " + where);
    EXPECT_TRUE(analyzed.ok()) << analyzed.status();
    const std::string& plan = (*analyzed)[0];
    const size_t at = plan.find("filters_skipped_by_stats=");
    const std::string skipped = at == std::string::npos
                                    ? "0"
                                    : plan.substr(at + 25, plan.find_first_of(",]", at) - at - 25);
    return (*rows)[0] + " skipped " + skipped;
  };
  EXPECT_EQ(count("u IS NOT NULL"), "3 skipped 1");  // the first chunk only
  EXPECT_EQ(count("n IS NOT NULL"), "4 skipped 2");
  EXPECT_EQ(count("u IS NOT NULL OR n > 0"), "4 skipped 2");
  EXPECT_EQ(count("n >= 1"), "4 skipped 2");
  EXPECT_EQ(count("n > 1"), "3 skipped 1");              // the second chunk
  EXPECT_EQ(count("n < 5"), "2 skipped 1");              // the second chunk is pruned
  EXPECT_EQ(count("n <= 7 AND n <> 4"), "4 skipped 4");  // two conjuncts, two chunks
  EXPECT_EQ(count("n <> 3"), "3 skipped 1");
  EXPECT_EQ(count("u > 0"), "3 skipped 0");  // floats are always evaluated
  // A column that appears in a chunk after rows without it: those rows count as its NULLs.
  Write(absl::StrCat("m,h=b n=1i ", 2 * kDay, "\n", "m,h=b n=2i,late=5i ", 2 * kDay + 1, "\n"));
  EXPECT_EQ(count("late IS NOT NULL"), "1 skipped 0");
  EXPECT_EQ(count("late >= 5"), "1 skipped 0");
  // The same over two writes into one chunk.
  Write(absl::StrCat("m,h=c n=1i ", 3 * kDay, "\n"));
  Write(absl::StrCat("m,h=c n=2i,later=5i ", 3 * kDay + 1, "\n"));
  EXPECT_EQ(count("later IS NOT NULL"), "1 skipped 0");
  EXPECT_EQ(count("later = 5"), "1 skipped 0");
}

TEST_F(QueryEngineTest, InnerJoinBuildsOnTheSmallerInput) {
  Write(
      "cpu,host=a usage=1 1\n"
      "cpu,host=a usage=2 2\n"
      "cpu,host=b usage=3 3\n"
      "cpu,host=b usage=4 4\n");
  const char* sql =
      "SELECT c.host, c.usage FROM cpu c JOIN (SELECT host, max(time) AS t FROM cpu GROUP BY "
      "host) m ON c.host = m.host AND c.time = m.t ORDER BY c.host";
  auto rows = Query(sql);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(*rows, std::vector<std::string>({"a|2", "b|4"}));
  auto plan = Query(std::string("EXPLAIN ") + sql);
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->size(), 2u);
  // The build (first) side of the hash join is the aggregate, not the scan of every row.
  const std::string& physical = (*plan)[1];
  size_t join = physical.find("HashJoinExec");
  ASSERT_NE(join, std::string::npos) << physical;
  size_t aggregate = physical.find("HashAggregateExec", join);
  size_t scan = physical.find("BufferScanExec: table=cpu, projection=[host, time, usage]", join);
  ASSERT_NE(aggregate, std::string::npos) << physical;
  ASSERT_NE(scan, std::string::npos) << physical;
  EXPECT_LT(aggregate, scan) << physical;
}

TEST_F(QueryEngineTest, HashJoinPublishesDynamicFilterToProbeScan) {
  // Three days, one chunk each; every host's last row is on the third day, so the probe scan
  // of the lastpoint join skips the first two chunks once the build side is known.
  constexpr int64_t kDay = 86400000000000;
  std::string lines;
  for (int day = 0; day < 3; ++day) {
    for (const char* host : {"a", "b"}) {
      for (int i = 0; i < 3; ++i) {
        lines += std::string("cpu,host=") + host + " usage=" + std::to_string(day * 10 + i) + " " +
                 std::to_string(day * kDay + i * 1000) + "\n";
      }
    }
  }
  Write(lines);
  const char* sql =
      "SELECT c.host, c.usage, c.time FROM cpu c JOIN (SELECT host, max(time) AS t FROM cpu "
      "GROUP BY host) m ON c.host = m.host AND c.time = m.t ORDER BY c.host";
  auto rows = Query(sql);
  ASSERT_TRUE(rows.ok()) << rows.status();
  const std::string last = std::to_string(2 * kDay + 2000);
  EXPECT_EQ(*rows, std::vector<std::string>({"a|22|" + last, "b|22|" + last}));

  auto plan = Query(std::string("EXPLAIN ") + sql);
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->size(), 2u);
  EXPECT_THAT((*plan)[1], HasSubstr("dynamic_filter=1"));
  EXPECT_THAT((*plan)[1],
              HasSubstr("dynamic_filters=[host from join 1 key 0, time from join 1 key 1]"));

  auto analyzed = Query(std::string("EXPLAIN ANALYZE ") + sql);
  ASSERT_TRUE(analyzed.ok()) << analyzed.status();
  ASSERT_FALSE(analyzed->empty());
  EXPECT_THAT((*analyzed)[0], HasSubstr("chunks_pruned_by_dynamic_filter=2"));

  // A LEFT join keeps every build row; the probe side is still filtered.
  auto left = Query(
      "SELECT m.host, c.usage FROM (SELECT host, max(time) AS t FROM cpu GROUP BY host) m "
      "LEFT JOIN cpu c ON c.host = m.host AND c.time = m.t ORDER BY m.host");
  ASSERT_TRUE(left.ok()) << left.status();
  EXPECT_EQ(*left, std::vector<std::string>({"a|22", "b|22"}));

  // No build row can match (the build side is empty): the probe scan reads nothing.
  auto empty = Query(
      "EXPLAIN ANALYZE SELECT c.usage FROM (SELECT host, time FROM cpu WHERE usage > 100) m "
      "JOIN cpu c ON c.host = m.host AND c.time = m.time");
  ASSERT_TRUE(empty.ok()) << empty.status();
  ASSERT_FALSE(empty->empty());
  EXPECT_THAT((*empty)[0], HasSubstr("chunks_pruned_by_dynamic_filter=3"));
}

TEST_F(QueryEngineTest, DynamicFilterIgnoresNullBuildKeysAndKeepsOuterProbeRows) {
  Write(
      "cpu,host=a usage=1 1\n"
      "cpu,host=b usage=2 2\n"
      "cpu,host=c usage=3 3\n"
      "ref,host=b w=1 1\n"
      "ref w=2 2\n");
  // ref.host is NULL in one row: it never matches and does not widen the range.
  auto inner = Query("SELECT c.host, r.w FROM ref r JOIN cpu c ON c.host = r.host ORDER BY 1");
  ASSERT_TRUE(inner.ok()) << inner.status();
  EXPECT_EQ(*inner, std::vector<std::string>({"b|1"}));
  // RIGHT and FULL joins output unmatched probe rows: no dynamic filter may drop them.
  auto right =
      Query("SELECT c.host, r.w FROM ref r RIGHT JOIN cpu c ON c.host = r.host ORDER BY 1");
  ASSERT_TRUE(right.ok()) << right.status();
  EXPECT_EQ(*right, std::vector<std::string>({"a|NULL", "b|1", "c|NULL"}));
  auto full =
      Query("SELECT c.host, r.w FROM ref r FULL JOIN cpu c ON c.host = r.host ORDER BY 1, 2");
  ASSERT_TRUE(full.ok()) << full.status();
  EXPECT_EQ(*full, std::vector<std::string>({"a|NULL", "b|1", "c|NULL", "NULL|2"}));
  auto plan = Query("EXPLAIN SELECT c.host, r.w FROM ref r RIGHT JOIN cpu c ON c.host = r.host");
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_THAT((*plan)[1], ::testing::Not(HasSubstr("dynamic_filter")));
}

}  // namespace
}  // namespace strata::query

namespace strata::query {
namespace {

// The span named `name` (the first one), or null.
const observe::Span* FindSpan(const std::vector<observe::Span>& spans, std::string_view name) {
  for (const observe::Span& span : spans) {
    if (span.name == name) {
      return &span;
    }
  }
  return nullptr;
}

std::optional<int64_t> IntAttribute(const observe::Span& span, std::string_view key) {
  for (const auto& [name, value] : span.attributes) {
    if (name == key && std::holds_alternative<int64_t>(value)) {
      return std::get<int64_t>(value);
    }
  }
  return std::nullopt;
}

TEST_F(QueryEngineTest, QueryRecordsASpanTreeUnderTheCallersSpan) {
  Write(
      "cpu,host=a usage=1 1\n"
      "cpu,host=b usage=5 2\n"
      "cpu,host=a usage=3 3\n");
  auto trace = std::make_shared<observe::Trace>();
  const uint64_t server_span = trace->StartSpan("GET /api/v3/query_sql", 0);
  QueryOptions options;
  options.trace = trace;
  options.parent_span_id = server_span;
  {
    auto result = engine_->Execute(
        "db", "SELECT host, sum(usage) FROM cpu WHERE usage > 1 GROUP BY host", options);
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ((*result)->trace(), trace);
    exec::Batch batch;
    int64_t rows = 0;
    for (;;) {
      auto more = (*result)->Next(&batch);
      ASSERT_TRUE(more.ok()) << more.status();
      if (!*more) {
        break;
      }
      rows += batch.length();
    }
    EXPECT_EQ(rows, 2);
  }  // the result's destruction ends the query's spans

  std::vector<observe::Span> spans = trace->spans();
  const observe::Span* query = FindSpan(spans, "query");
  ASSERT_NE(query, nullptr);
  EXPECT_EQ(query->parent_span_id, server_span);
  EXPECT_NE(query->end_unix_nanos, 0);
  for (const char* phase : {"parse", "bind", "optimize", "physical_plan", "execute"}) {
    const observe::Span* span = FindSpan(spans, phase);
    ASSERT_NE(span, nullptr) << phase;
    EXPECT_EQ(span->parent_span_id, query->span_id) << phase;
    EXPECT_GE(span->start_unix_nanos, query->start_unix_nanos) << phase;
    EXPECT_LE(span->end_unix_nanos, query->end_unix_nanos) << phase;
    EXPECT_FALSE(span->error) << phase;
  }
  // Operator spans hang below "execute", each under its parent operator, down to the scan,
  // which reports what it read.
  const observe::Span* execute = FindSpan(spans, "execute");
  int operators = 0;
  const observe::Span* scan = nullptr;
  for (const observe::Span& span : spans) {
    if (span.name.ends_with("Exec")) {
      ++operators;
      EXPECT_NE(span.parent_span_id, 0u);
      bool parent_found = span.parent_span_id == execute->span_id;
      for (const observe::Span& other : spans) {
        parent_found |= other.span_id == span.parent_span_id && other.name.ends_with("Exec");
      }
      EXPECT_TRUE(parent_found) << span.name;
      EXPECT_GE(span.start_unix_nanos, execute->start_unix_nanos);
      EXPECT_LE(span.end_unix_nanos, execute->end_unix_nanos);
      if (IntAttribute(span, "chunks_scanned").has_value()) {
        scan = &span;
      }
    }
  }
  EXPECT_GE(operators, 3);
  ASSERT_NE(scan, nullptr);
  EXPECT_GE(*IntAttribute(*scan, "chunks_scanned"), 1);
  EXPECT_EQ(*IntAttribute(*scan, "rows_scanned"), 3);
  // Below the scan, one span per chunk read, naming the chunk and its rows.
  int64_t chunk_spans = 0;
  int64_t chunk_rows = 0;
  for (const observe::Span& span : spans) {
    if (span.name == "scan_chunk") {
      ++chunk_spans;
      EXPECT_EQ(span.parent_span_id, scan->span_id);
      EXPECT_GE(span.end_unix_nanos, span.start_unix_nanos);
      EXPECT_GE(span.start_unix_nanos, execute->start_unix_nanos);
      chunk_rows += IntAttribute(span, "rows").value_or(0);
    }
  }
  EXPECT_EQ(chunk_spans, *IntAttribute(*scan, "chunks_scanned"));
  EXPECT_EQ(chunk_rows, 3);
}

TEST_F(QueryEngineTest, FailedQueryEndsItsSpansWithTheError) {
  Write("cpu,host=a usage=1 1\n");
  auto trace = std::make_shared<observe::Trace>();
  QueryOptions options;
  options.trace = trace;
  auto result = engine_->Execute("db", "SELECT nope FROM cpu", options);
  ASSERT_FALSE(result.ok());
  std::vector<observe::Span> spans = trace->spans();
  const observe::Span* query = FindSpan(spans, "query");
  ASSERT_NE(query, nullptr);
  EXPECT_TRUE(query->error);
  EXPECT_THAT(query->status_message, HasSubstr("nope"));
  const observe::Span* bind = FindSpan(spans, "bind");
  ASSERT_NE(bind, nullptr);
  EXPECT_TRUE(bind->error);
  EXPECT_EQ(FindSpan(spans, "execute"), nullptr);

  // A syntax error fails in "parse".
  auto syntax_trace = std::make_shared<observe::Trace>();
  options.trace = syntax_trace;
  ASSERT_FALSE(engine_->Execute("db", "SELEC 1", options).ok());
  std::vector<observe::Span> syntax_spans = syntax_trace->spans();
  const observe::Span* parse = FindSpan(syntax_spans, "parse");
  ASSERT_NE(parse, nullptr);
  EXPECT_TRUE(parse->error);
}

TEST_F(QueryEngineTest, ExplainAnalyzeTracesTheOperatorsItRan) {
  Write("cpu,host=a usage=1 1\ncpu,host=b usage=2 2\n");
  auto trace = std::make_shared<observe::Trace>();
  QueryOptions options;
  options.trace = trace;
  auto result = engine_->Execute("db", "EXPLAIN ANALYZE SELECT count(*) FROM cpu", options);
  ASSERT_TRUE(result.ok()) << result.status();
  exec::Batch batch;
  while (true) {
    auto more = (*result)->Next(&batch);
    ASSERT_TRUE(more.ok()) << more.status();
    if (!*more) {
      break;
    }
  }
  result->reset();
  std::vector<observe::Span> spans = trace->spans();
  const observe::Span* execute = FindSpan(spans, "execute");
  ASSERT_NE(execute, nullptr);
  int operators = 0;
  for (const observe::Span& span : spans) {
    if (span.name.ends_with("Exec")) {
      ++operators;
      EXPECT_TRUE(IntAttribute(span, "output_rows").has_value());
    }
  }
  EXPECT_GE(operators, 2);
  EXPECT_NE(FindSpan(spans, "query")->end_unix_nanos, 0);
  EXPECT_EQ(std::count_if(spans.begin(),
                          spans.end(),
                          [](const observe::Span& span) { return span.name == "execute"; }),
            1);
}

TEST_F(QueryEngineTest, QueryWithoutATraceGetsItsOwn) {
  Write("cpu,host=a usage=1 1\n");
  auto a = engine_->Execute("db", "SELECT 1");
  auto b = engine_->Execute("db", "SELECT 1");
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(b.ok()) << b.status();
  ASSERT_NE((*a)->trace(), nullptr);
  EXPECT_TRUE((*a)->trace()->trace_id().valid());
  EXPECT_NE((*a)->trace()->trace_id(), (*b)->trace()->trace_id());
}

}  // namespace
}  // namespace strata::query
