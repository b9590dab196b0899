// Tests of write validation: schema creation and conflicts (against the catalog and within a
// request), partial and all-or-nothing writes, error order, limits, the batch's shape, and
// concurrent requests that race to add columns.
#include "ingest/validator.h"

#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace strata::ingest {
namespace {

using catalog::Catalog;
using catalog::CatalogLimits;
using catalog::ColumnKind;
using ::testing::HasSubstr;

// Parses `body` with nanosecond precision; lines without a timestamp get time 42.
std::unique_ptr<lineprotocol::ParseResult> Parse(std::string_view body) {
  auto parsed = std::make_unique<lineprotocol::ParseResult>();
  lineprotocol::ParseOptions options;
  options.precision = lineprotocol::Precision::kNanosecond;
  options.default_time_ns = 42;
  lineprotocol::Parse(body, options, parsed.get());
  return parsed;
}

// Keeps the body alive as long as its parse.
struct Request {
  std::string body;
  std::unique_ptr<lineprotocol::ParseResult> parsed;
  explicit Request(std::string text) : body(std::move(text)), parsed(Parse(body)) {}
};

ValidationResult ValidateOrDie(Catalog& catalog,
                               std::string_view body,
                               bool accept_partial = true,
                               std::string_view database = "db") {
  Request request{std::string(body)};
  absl::StatusOr<ValidationResult> result =
      ValidateWrite(catalog, database, *request.parsed, accept_partial);
  EXPECT_TRUE(result.ok()) << result.status();
  return result.ok() ? *std::move(result) : ValidationResult{};
}

uint32_t ColumnId(const Catalog& catalog, std::string_view table, std::string_view column) {
  const catalog::TableSchema* schema = catalog.snapshot()->FindTable("db", table);
  EXPECT_NE(schema, nullptr) << table;
  const catalog::ColumnSchema* found = schema ? schema->FindColumn(column) : nullptr;
  EXPECT_NE(found, nullptr) << column;
  return found ? found->id : UINT32_MAX;
}

// Returns the cells of row `row` of `write` as "column=value" strings, columns by name.
std::vector<std::string> RowCells(const Catalog& catalog, const TableWrite& write, size_t row) {
  const catalog::TableSchema* schema =
      catalog.snapshot()->FindDatabase("db")->TableById(write.table_id);
  std::vector<std::string> out;
  const RowRef& ref = write.rows[row];
  for (uint32_t c = ref.cell_begin; c < ref.cell_end; ++c) {
    const CellValue& cell = write.cells[c];
    std::string value;
    switch (cell.type) {
      case TypeId::kDictionary:
        value = "tag:" + std::string(write.StringOf(cell));
        break;
      case TypeId::kString:
        value = "str:" + std::string(write.StringOf(cell));
        break;
      case TypeId::kFloat64:
        value = "f:" + std::to_string(cell.f64);
        break;
      case TypeId::kInt64:
        value = "i:" + std::to_string(cell.i64);
        break;
      case TypeId::kUInt64:
        value = "u:" + std::to_string(cell.u64);
        break;
      case TypeId::kBool:
        value = cell.b ? "b:true" : "b:false";
        break;
      case TypeId::kTimestamp:
      case TypeId::kNull:
      case TypeId::kInterval:
        value = "unexpected type";
        break;
    }
    out.push_back(schema->ColumnById(cell.column_id)->name + "=" + value);
  }
  return out;
}

void ExpectCellsSorted(const WriteBatch& batch) {
  for (const TableWrite& write : batch.tables) {
    for (const RowRef& row : write.rows) {
      for (uint32_t c = row.cell_begin + 1; c < row.cell_end; ++c) {
        EXPECT_LT(write.cells[c - 1].column_id, write.cells[c].column_id);
      }
    }
  }
}

TEST(ValidateWriteTest, CreatesSchemaAndConvertsLines) {
  auto catalog = Catalog::CreateInMemory({});
  ValidationResult result = ValidateOrDie(*catalog,
                                          "cpu,host=a,region=eu usage=1.5,count=3i 1000\n"
                                          "mem,host=a free=7u,ok=true,note=\"hi \\\"x\\\"\" 2000\n"
                                          "cpu,host=b usage=2.5 500\n"
                                          "cpu,region=us,host=c count=-4i,usage=0\n");
  EXPECT_EQ(result.lines_accepted, 4);
  EXPECT_EQ(result.lines_rejected, 0);
  EXPECT_TRUE(result.errors.empty());
  const WriteBatch& batch = result.batch;
  EXPECT_EQ(batch.row_count, 4);
  EXPECT_EQ(batch.min_time, 42);
  EXPECT_EQ(batch.max_time, 2000);

  auto snapshot = catalog->snapshot();
  EXPECT_EQ(snapshot->sequence(), 1u);  // one persist for the whole request
  const catalog::DatabaseSchema* db = snapshot->FindDatabase("db");
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(batch.database_id, db->id());
  const catalog::TableSchema* cpu = db->FindTable("cpu");
  ASSERT_NE(cpu, nullptr);
  // Ids in order of first appearance: tags and fields of the first line, then later ones.
  EXPECT_EQ(cpu->FindColumn("host")->id, 1u);
  EXPECT_EQ(cpu->FindColumn("region")->id, 2u);
  EXPECT_EQ(cpu->FindColumn("usage")->id, 3u);
  EXPECT_EQ(cpu->FindColumn("count")->type, TypeId::kInt64);
  EXPECT_EQ(cpu->FindColumn("region")->kind, ColumnKind::kTag);
  const catalog::TableSchema* mem = db->FindTable("mem");
  EXPECT_EQ(mem->FindColumn("free")->type, TypeId::kUInt64);
  EXPECT_EQ(mem->FindColumn("ok")->type, TypeId::kBool);
  EXPECT_EQ(mem->FindColumn("note")->type, TypeId::kString);

  ASSERT_EQ(batch.tables.size(), 2u);
  const TableWrite& cpu_write = batch.tables[0];
  EXPECT_EQ(cpu_write.table_id, cpu->id());
  ASSERT_EQ(cpu_write.rows.size(), 3u);
  EXPECT_EQ(cpu_write.rows[0].time, 1000);
  EXPECT_EQ(cpu_write.rows[1].time, 500);
  EXPECT_EQ(cpu_write.rows[2].time, 42);
  EXPECT_THAT(
      RowCells(*catalog, cpu_write, 0),
      ::testing::ElementsAre("host=tag:a", "region=tag:eu", "usage=f:1.500000", "count=i:3"));
  EXPECT_THAT(RowCells(*catalog, cpu_write, 1),
              ::testing::ElementsAre("host=tag:b", "usage=f:2.500000"));
  // Written in another order: sorted by column id in the batch.
  EXPECT_THAT(
      RowCells(*catalog, cpu_write, 2),
      ::testing::ElementsAre("host=tag:c", "region=tag:us", "usage=f:0.000000", "count=i:-4"));
  const TableWrite& mem_write = batch.tables[1];
  EXPECT_EQ(mem_write.table_id, mem->id());
  EXPECT_THAT(RowCells(*catalog, mem_write, 0),
              ::testing::ElementsAre("host=tag:a", "free=u:7", "ok=b:true", "note=str:hi \"x\""));
  ExpectCellsSorted(batch);
}

TEST(ValidateWriteTest, BatchRoundTripsThroughItsEncoding) {
  auto catalog = Catalog::CreateInMemory({});
  ValidationResult result =
      ValidateOrDie(*catalog,
                    "cpu,host=a u=1u,i=-9223372036854775808i,f=-0.0,s=\"\",b=f 1\n"
                    "disk,dev=\xE2\x82\xAC s=\"\xF0\x9F\x98\x80\" -5\n"
                    "cpu,host=a u=18446744073709551615u 9223372036854775807\n");
  ASSERT_EQ(result.lines_accepted, 3);
  std::string encoded;
  result.batch.SerializeTo(&encoded);
  absl::StatusOr<WriteBatch> decoded = WriteBatch::Deserialize(encoded);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(*decoded, result.batch);
  EXPECT_EQ(decoded->min_time, result.batch.min_time);
  EXPECT_EQ(decoded->max_time, INT64_MAX);
  EXPECT_EQ(decoded->row_count, 3);
}

TEST(ValidateWriteTest, TypeConflictWithTheCatalog) {
  auto catalog = Catalog::CreateInMemory({});
  ValidateOrDie(*catalog, "cpu,host=a usage=1.5,n=1i 1\n");
  ValidationResult result = ValidateOrDie(*catalog,
                                          "cpu,host=a usage=2i 2\n"
                                          "cpu,host=b usage=2.5 3\n"
                                          "cpu,host=c n=1u,new=1i 4\n");
  ASSERT_EQ(result.errors.size(), 2u);
  EXPECT_EQ(result.errors[0].line_number, 1);
  EXPECT_EQ(result.errors[0].original_line, "cpu,host=a usage=2i 2");
  EXPECT_EQ(result.errors[0].message,
            "invalid column type for column 'usage', expected float, got integer");
  EXPECT_EQ(result.errors[1].line_number, 3);
  EXPECT_EQ(result.errors[1].message,
            "invalid column type for column 'n', expected integer, got uinteger");
  EXPECT_EQ(result.lines_accepted, 1);
  EXPECT_EQ(result.lines_rejected, 2);
  ASSERT_EQ(result.batch.row_count, 1);
  EXPECT_EQ(result.batch.tables[0].rows[0].time, 3);
  // The rejected line's new column was not created.
  EXPECT_EQ(catalog->snapshot()->FindTable("db", "cpu")->FindColumn("new"), nullptr);
  EXPECT_EQ(catalog->snapshot()->sequence(), 1u);  // nothing new: no persist
}

TEST(ValidateWriteTest, FirstAcceptedLineFixesTheTypeWithinARequest) {
  auto catalog = Catalog::CreateInMemory({});
  ValidationResult result = ValidateOrDie(*catalog,
                                          "m x=1i,bad=1i,time=1i 1\n"  // rejected: time
                                          "m x=1.5 2\n"                // fixes x as float
                                          "m x=2i 3\n"                 // conflicts
                                          "m x=3.5,y=\"s\" 4\n"
                                          "m y=true 5\n");
  EXPECT_EQ(result.lines_accepted, 2);
  ASSERT_EQ(result.errors.size(), 3u);
  EXPECT_EQ(result.errors[0].line_number, 1);
  EXPECT_EQ(result.errors[0].message,
            "invalid column type for column 'time', expected timestamp, got integer ('time' is "
            "reserved for the timestamp)");
  EXPECT_EQ(result.errors[1].line_number, 3);
  EXPECT_EQ(result.errors[1].message,
            "invalid column type for column 'x', expected float, got integer");
  EXPECT_EQ(result.errors[2].line_number, 5);
  EXPECT_EQ(result.errors[2].message,
            "invalid column type for column 'y', expected string, got boolean");
  const catalog::TableSchema* m = catalog->snapshot()->FindTable("db", "m");
  EXPECT_EQ(m->FindColumn("x")->type, TypeId::kFloat64);
  EXPECT_EQ(m->FindColumn("bad"), nullptr);  // only on the rejected line
  EXPECT_EQ(m->column_count(), 3u);          // time, x, y
  ExpectCellsSorted(result.batch);
}

TEST(ValidateWriteTest, TagsAndFieldsShareOneNamespace) {
  auto catalog = Catalog::CreateInMemory({});
  ValidateOrDie(*catalog, "cpu,host=a usage=1 1\n");
  ValidationResult result = ValidateOrDie(*catalog,
                                          "cpu,host=a host=\"x\" 1\n"   // parser: same line
                                          "cpu usage=1,host=\"x\" 2\n"  // field vs catalog tag
                                          "cpu,usage=a v=1 3\n"         // tag vs catalog field
                                          "cpu,fresh=a v=2 4\n"         // fresh becomes a tag
                                          "cpu fresh=1 5\n"             // so this conflicts
                                          "cpu,time=x v=3 6\n");
  ASSERT_EQ(result.errors.size(), 5u);
  EXPECT_EQ(result.errors[0].line_number, 1);  // the parser's error for the same line
  EXPECT_EQ(result.errors[1].message,
            "invalid column type for column 'host', expected tag, got string");
  EXPECT_EQ(result.errors[2].message,
            "invalid column type for column 'usage', expected float, got tag");
  EXPECT_EQ(result.errors[3].line_number, 5);
  EXPECT_EQ(result.errors[3].message,
            "invalid column type for column 'fresh', expected tag, got float");
  EXPECT_EQ(result.errors[4].message,
            "invalid column type for column 'time', expected timestamp, got tag ('time' is "
            "reserved for the timestamp)");
  EXPECT_EQ(result.lines_accepted, 1);
}

TEST(ValidateWriteTest, AllOrNothingChangesNothingOnAnyError) {
  auto catalog = Catalog::CreateInMemory({});
  // A validation error only.
  ValidationResult result = ValidateOrDie(*catalog,
                                          "cpu,host=a usage=1 1\n"
                                          "cpu usage=1i 2\n"
                                          "mem free=1 3\n",
                                          /*accept_partial=*/false);
  EXPECT_EQ(result.lines_accepted, 0);
  EXPECT_EQ(result.lines_rejected, 1);
  EXPECT_EQ(result.batch.row_count, 0);
  EXPECT_TRUE(result.batch.tables.empty());
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].line_number, 2);
  EXPECT_EQ(catalog->snapshot()->sequence(), 0u);
  EXPECT_EQ(catalog->snapshot()->FindDatabase("db"), nullptr);  // not even the database

  // A parse error only.
  result = ValidateOrDie(*catalog, "cpu usage=1 1\ncpu usage= 2\n", false);
  EXPECT_EQ(result.lines_accepted, 0);
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].line_number, 2);
  EXPECT_EQ(catalog->snapshot()->database_count(), 0u);

  // No error: everything is written.
  result = ValidateOrDie(*catalog, "cpu usage=1 1\ncpu usage=2 2\n", false);
  EXPECT_EQ(result.lines_accepted, 2);
  EXPECT_EQ(result.batch.row_count, 2);
  EXPECT_EQ(catalog->snapshot()->sequence(), 1u);

  // Against an existing database: new columns of the valid lines are not created either.
  result = ValidateOrDie(*catalog, "cpu usage=1,extra=1 1\ncpu usage=\"s\" 2\n", false);
  EXPECT_EQ(result.lines_accepted, 0);
  EXPECT_EQ(catalog->snapshot()->FindTable("db", "cpu")->FindColumn("extra"), nullptr);
  EXPECT_EQ(catalog->snapshot()->sequence(), 1u);
}

TEST(ValidateWriteTest, ErrorsAreOrderedByLineNumber) {
  auto catalog = Catalog::CreateInMemory({});
  ValidateOrDie(*catalog, "cpu v=1 1\n");
  ValidationResult result = ValidateOrDie(*catalog,
                                          "# a comment\n"
                                          "cpu v=1i 1\n"  // line 2: validation
                                          "\n"
                                          "cpu v= 2\n"  // line 4: parse
                                          "cpu v=3 3\n"
                                          "cpu v=\"s\" 4\n"  // line 6: validation
                                          "bad\n");          // line 7: parse
  ASSERT_EQ(result.errors.size(), 4u);
  std::vector<int64_t> numbers;
  for (const auto& error : result.errors) {
    numbers.push_back(error.line_number);
  }
  EXPECT_THAT(numbers, ::testing::ElementsAre(2, 4, 6, 7));
  EXPECT_EQ(result.errors[0].original_line, "cpu v=1i 1");
  EXPECT_EQ(result.errors[2].original_line, "cpu v=\"s\" 4");
  EXPECT_EQ(result.lines_accepted, 1);
  EXPECT_EQ(result.lines_rejected, 4);
}

TEST(ValidateWriteTest, LongAndInvalidUtf8LinesAreTruncatedInErrors) {
  auto catalog = Catalog::CreateInMemory({});
  ValidateOrDie(*catalog, "cpu v=1 1\n");
  std::string long_line = "cpu v=1i,s=\"" + std::string(400, 'x') + "\" 1";
  ValidationResult result = ValidateOrDie(*catalog, long_line + "\ncpu,t=\xFF v=1i 2\n");
  ASSERT_EQ(result.errors.size(), 2u);
  EXPECT_EQ(result.errors[0].original_line,
            long_line.substr(0, lineprotocol::kMaxErrorLineBytes) + "...");
  EXPECT_EQ(result.errors[1].original_line, "cpu,t=\xEF\xBF\xBD v=1i 2");
}

TEST(ValidateWriteTest, InvalidNames) {
  auto catalog = Catalog::CreateInMemory({});
  Request request("cpu v=1\n");
  absl::StatusOr<ValidationResult> result =
      ValidateWrite(*catalog, "bad name", *request.parsed, true);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(result.status().message()), HasSubstr("invalid database name"));

  ValidationResult lines = ValidateOrDie(*catalog,
                                         "bad\x01table v=1 1\n"
                                         "cpu,ta\x7Fg=x v=1 2\n"
                                         "cpu " +
                                             std::string(600, 'f') +
                                             "=1 3\n"
                                             "cpu v=1 4\n");
  ASSERT_EQ(lines.errors.size(), 3u);
  EXPECT_EQ(lines.errors[0].message,
            "invalid table name 'bad\\x01table': contains the control character U+0001 at byte 3");
  EXPECT_EQ(lines.errors[1].message,
            "invalid column name 'ta\\x7Fg': contains the control character U+007F at byte 2");
  EXPECT_THAT(lines.errors[2].message, HasSubstr("600 bytes long, the limit is 512 bytes"));
  EXPECT_EQ(lines.lines_accepted, 1);
  EXPECT_EQ(catalog->snapshot()->FindDatabase("db")->table_count(), 1u);
}

TEST(ValidateWriteTest, LimitsRejectLinesOrTheRequest) {
  CatalogLimits limits;
  limits.max_databases = 1;
  limits.max_tables = 2;
  limits.max_columns_per_table = 3;  // time + 2
  auto catalog = Catalog::CreateInMemory(limits);
  ValidationResult result = ValidateOrDie(*catalog,
                                          "a x=1 1\n"
                                          "b x=1,y=1,z=1 2\n"  // 4 columns: rejected
                                          "b x=1,y=1 3\n"
                                          "c x=1 4\n"      // a third table: rejected
                                          "a,t=1 y=2 5\n"  // 4 columns: rejected
                                          "a y=2 6\n");
  ASSERT_EQ(result.errors.size(), 3u);
  EXPECT_EQ(result.errors[0].line_number, 2);
  EXPECT_EQ(result.errors[0].message,
            "Update to schema would exceed number of columns per table limit of 3 columns (raise "
            "it with --max-columns-per-table)");
  EXPECT_EQ(result.errors[1].line_number, 4);
  EXPECT_EQ(result.errors[1].message,
            "Update to schema would exceed number of tables limit of 2 tables (raise it with "
            "--max-tables)");
  EXPECT_EQ(result.errors[2].line_number, 5);
  EXPECT_EQ(result.lines_accepted, 3);
  EXPECT_EQ(catalog->snapshot()->total_table_count(), 2u);

  Request request("cpu v=1\n");
  absl::StatusOr<ValidationResult> other = ValidateWrite(*catalog, "other", *request.parsed, true);
  EXPECT_EQ(other.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(std::string(other.status().message()),
            "Adding a new database would exceed limit of 1 databases (raise it with "
            "--max-databases)");
}

TEST(ValidateWriteTest, DuplicatePointsStaySeparateRowsInOrder) {
  auto catalog = Catalog::CreateInMemory({});
  ValidationResult result = ValidateOrDie(*catalog,
                                          "cpu,host=a v=1,w=1i 10\n"
                                          "cpu,host=a v=2 10\n"
                                          "cpu,host=a w=3i 10\n");
  ASSERT_EQ(result.batch.tables.size(), 1u);
  const TableWrite& write = result.batch.tables[0];
  ASSERT_EQ(write.rows.size(), 3u);
  EXPECT_THAT(RowCells(*catalog, write, 0),
              ::testing::ElementsAre("host=tag:a", "v=f:1.000000", "w=i:1"));
  EXPECT_THAT(RowCells(*catalog, write, 1), ::testing::ElementsAre("host=tag:a", "v=f:2.000000"));
  EXPECT_THAT(RowCells(*catalog, write, 2), ::testing::ElementsAre("host=tag:a", "w=i:3"));
}

TEST(ValidateWriteTest, RepeatedTagValuesShareHeapBytesAndSurviveRejectedLines) {
  auto catalog = Catalog::CreateInMemory({});
  ValidateOrDie(*catalog, "cpu,region=eu,host=a v=1 1\n");
  ValidationResult result =
      ValidateOrDie(*catalog,
                    "cpu,region=eu,host=a v=1 1\n"
                    "cpu,region=eu,host=b v=1i 2\n"  // rejected after copying b
                    "cpu,region=eu,host=b v=2 3\n"
                    "cpu,region=us,host=b v=3 4\n"
                    "cpu,host=b,region=us v=4 5\n");
  ASSERT_EQ(result.lines_accepted, 4);
  const TableWrite& write = result.batch.tables[0];
  EXPECT_THAT(RowCells(*catalog, write, 0),
              ::testing::ElementsAre("region=tag:eu", "host=tag:a", "v=f:1.000000"));
  EXPECT_THAT(RowCells(*catalog, write, 1),
              ::testing::ElementsAre("region=tag:eu", "host=tag:b", "v=f:2.000000"));
  EXPECT_THAT(RowCells(*catalog, write, 2),
              ::testing::ElementsAre("region=tag:us", "host=tag:b", "v=f:3.000000"));
  EXPECT_THAT(RowCells(*catalog, write, 3),
              ::testing::ElementsAre("region=tag:us", "host=tag:b", "v=f:4.000000"));
  // "eu" "a" "b" "us" once each, and "b" "us" again where the tag order changed.
  EXPECT_EQ(write.string_heap, "euabusbus");
  std::string encoded;
  result.batch.SerializeTo(&encoded);
  absl::StatusOr<WriteBatch> decoded = WriteBatch::Deserialize(encoded);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, result.batch);
}

TEST(ValidateWriteTest, CellsAreSortedForExistingColumnsInAnyOrder) {
  auto catalog = Catalog::CreateInMemory({});
  ValidateOrDie(*catalog, "t,z=1,y=1 c=1,b=1,a=1 1\n");
  ValidationResult result = ValidateOrDie(*catalog,
                                          "t a=1,b=2,c=3 1\n"
                                          "t,y=2,z=2 a=1,new=2,c=3 2\n"
                                          "t,y=2 new=1,b=2 3\n");
  EXPECT_EQ(result.lines_accepted, 3);
  ExpectCellsSorted(result.batch);
  const TableWrite& write = result.batch.tables[0];
  EXPECT_THAT(RowCells(*catalog, write, 1),
              ::testing::ElementsAre(
                  "z=tag:2", "y=tag:2", "c=f:3.000000", "a=f:1.000000", "new=f:2.000000"));
  EXPECT_EQ(ColumnId(*catalog, "t", "new"), 6u);
}

TEST(ValidateWriteTest, NoCatalogChangeWhenEverythingExists) {
  auto catalog = Catalog::CreateInMemory({});
  ValidateOrDie(*catalog, "cpu,host=a v=1 1\n");
  auto before = catalog->snapshot();
  ValidationResult result = ValidateOrDie(*catalog, "cpu,host=b v=2 2\ncpu v=3 3\n");
  EXPECT_EQ(result.lines_accepted, 2);
  EXPECT_EQ(catalog->snapshot(), before);
}

TEST(ValidateWriteTest, PersistFailureIsARequestError) {
  std::string pattern = ::testing::TempDir() + "/validator_test.XXXXXX";
  ASSERT_NE(mkdtemp(pattern.data()), nullptr);
  auto catalog = Catalog::Open(pattern + "/catalog", {});
  ASSERT_TRUE(catalog.ok());
  std::filesystem::remove_all(pattern);
  Request request("cpu v=1\n");
  absl::StatusOr<ValidationResult> result = ValidateWrite(**catalog, "db", *request.parsed, true);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(std::string(result.status().message()), HasSubstr("persisting the catalog"));
}

TEST(ValidateWriteTest, ConcurrentConflictingRequestsExactlyOneTypeWins) {
  for (int round = 0; round < 20; ++round) {
    auto catalog = Catalog::CreateInMemory({});
    const std::vector<std::string> bodies = {"cpu,host=a x=1i,a=1 1\n",
                                             "cpu,host=b x=1.5,b=1 2\n",
                                             "cpu,host=c x=\"s\",c=1 3\n",
                                             "cpu,host=d x=true,d=1 4\n"};
    std::vector<ValidationResult> results(bodies.size());
    std::atomic<int> ready{0};
    std::vector<std::thread> threads;
    for (size_t i = 0; i < bodies.size(); ++i) {
      threads.emplace_back([&, i] {
        Request request(bodies[i]);
        ready.fetch_add(1);
        while (ready.load() < static_cast<int>(bodies.size())) {
        }
        auto result = ValidateWrite(*catalog, "db", *request.parsed, true);
        ASSERT_TRUE(result.ok()) << result.status();
        results[i] = *std::move(result);
      });
    }
    for (auto& thread : threads) {
      thread.join();
    }
    int accepted = 0;
    for (size_t i = 0; i < bodies.size(); ++i) {
      if (results[i].lines_accepted == 1) {
        ++accepted;
        // The winner's batch uses the ids the catalog has for its columns.
        const TableWrite& write = results[i].batch.tables[0];
        for (uint32_t c = write.rows[0].cell_begin; c < write.rows[0].cell_end; ++c) {
          const auto* column =
              catalog->snapshot()->FindTable("db", "cpu")->ColumnById(write.cells[c].column_id);
          ASSERT_NE(column, nullptr);
          EXPECT_EQ(column->type, write.cells[c].type);
        }
      } else {
        ASSERT_EQ(results[i].errors.size(), 1u);
        EXPECT_THAT(results[i].errors[0].message, HasSubstr("invalid column type for column 'x'"));
      }
    }
    EXPECT_EQ(accepted, 1);
  }
}

TEST(ValidateWriteTest, ConcurrentRequestsAddingDifferentColumnsAllSucceed) {
  auto catalog = Catalog::CreateInMemory({});
  constexpr int kThreads = 4;
  constexpr int kRequests = 50;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int r = 0; r < kRequests; ++r) {
        std::string column = "c" + std::to_string(t) + "_" + std::to_string(r);
        Request request("cpu,host=h" + std::to_string(t) + " " + column + "=" + std::to_string(r) +
                        "i 1\nt" + std::to_string(t * 1000 + r) + " v=1 2\n");
        auto result = ValidateWrite(*catalog, "db", *request.parsed, true);
        if (!result.ok() || result->lines_accepted != 2) {
          failures.fetch_add(1);
          continue;
        }
        // The batch's ids are the catalog's.
        auto snapshot = catalog->snapshot();
        const auto* db = snapshot->FindDatabase("db");
        const TableWrite& cpu = result->batch.tables[0];
        const auto* cpu_schema = db->TableById(cpu.table_id);
        if (cpu_schema == nullptr || cpu_schema->name() != "cpu" ||
            cpu_schema->ColumnById(cpu.cells[1].column_id)->name != column) {
          failures.fetch_add(1);
        }
        const auto* other = db->TableById(result->batch.tables[1].table_id);
        if (other == nullptr || other->name() != "t" + std::to_string(t * 1000 + r)) {
          failures.fetch_add(1);
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(catalog->snapshot()->FindTable("db", "cpu")->column_count(),
            2u + kThreads * kRequests);  // time, host and one column per request
  EXPECT_EQ(catalog->snapshot()->FindDatabase("db")->table_count(), 1u + kThreads * kRequests);
}

}  // namespace
}  // namespace strata::ingest
