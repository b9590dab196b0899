// The system tables over a real persister (Parquet files on an in-memory object store):
// system.parquet_files, system.tables and system.columns per database, system.queries over a
// query log, their schemas, how information_schema and SHOW TABLES list them, and the errors for
// system tables that do not exist.
#include "query/system_tables.h"

#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "fmt/format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "objectstore/in_memory_object_store.h"
#include "persist/file_cache.h"
#include "persist/partition_encoder.h"
#include "persist/persister.h"
#include "query/query_engine.h"
#include "query/query_test_util.h"
#include "wal/wal.h"
#include "write/write_path.h"

namespace strata::query {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr int64_t kTenMinutes = 600'000'000'000;
constexpr int64_t k2016 = 1'451'606'400'000'000'000;  // 2016-01-01T00:00:00, a window start

class SystemTablesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("system_tables_test_" + std::to_string(::getpid()) + "_" +
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
    // The persister as the server would wire it: files encoded with the catalog's table schema.
    persist::PartitionEncoder encode =
        [this](const buffer::WriteBuffer::FrozenTablePartition& frozen)
        -> absl::StatusOr<persist::EncodedFile> {
      const catalog::DatabaseSchema* database =
          catalog_->snapshot()->DatabaseById(frozen.database_id);
      return persist::EncodePartition(
          frozen, *database->tables()[frozen.table_id], parquet::WriterOptions{});
    };
    persist::WalHooks hooks{
        .wait_durable = [this](uint64_t sequence) { return wal_->WaitDurable(sequence); },
        .next_apply_sequence = [this] { return write_->NextApplySequence(); },
        .remove_through =
            [this](uint64_t sequence) { return wal_->RemoveSegmentsThrough(sequence); },
    };
    persister_ = std::make_unique<persist::Persister>(buffer_.get(), &store_, encode, hooks);
    ASSERT_TRUE(persister_->Open().ok());
    files_ = std::make_unique<persist::ParquetFileCache>(&store_, 1 << 20);
    engine_ = std::make_unique<QueryEngine>(catalog_.get(), buffer_.get());
    engine_->AttachPersistedFiles(persister_.get(), files_.get());
  }
  void TearDown() override {
    engine_.reset();
    persister_.reset();
    write_.reset();
    wal_.reset();
    std::filesystem::remove_all(dir_);
  }

  void Write(std::string_view database, std::string_view lines) {
    write::WriteRequest request;
    request.database = database;
    request.body = lines;
    request.precision = lineprotocol::Precision::kNanosecond;
    auto outcome = write_->Write(request);
    ASSERT_TRUE(outcome.ok()) << outcome.status();
    ASSERT_TRUE(outcome->errors.empty()) << outcome->errors[0].message;
  }

  void Snapshot() {
    absl::StatusOr<persist::SnapshotSummary> summary =
        persister_->Snapshot(std::numeric_limits<int64_t>::max());
    ASSERT_TRUE(summary.ok()) << summary.status();
  }

  // Runs `sql` on `engine` and returns its rows as "v1|v2|..." strings; the result's schema in
  // *schema when given.
  static absl::StatusOr<std::vector<std::string>> Query(const QueryEngine& engine,
                                                        std::string_view sql,
                                                        SchemaPtr* schema = nullptr) {
    return QueryRows(engine, "db", sql, /*exact_floats=*/false, schema);
  }
  absl::StatusOr<std::vector<std::string>> Query(std::string_view sql,
                                                 SchemaPtr* schema = nullptr) {
    return Query(*engine_, sql, schema);
  }

  std::filesystem::path dir_;
  objectstore::InMemoryObjectStore store_;
  std::unique_ptr<catalog::Catalog> catalog_;
  std::unique_ptr<wal::Wal> wal_;
  std::unique_ptr<buffer::WriteBuffer> buffer_;
  std::unique_ptr<write::WritePath> write_;
  std::unique_ptr<persist::Persister> persister_;
  std::unique_ptr<persist::ParquetFileCache> files_;
  std::unique_ptr<QueryEngine> engine_;
};

TEST_F(SystemTablesTest, ParquetFilesListsTheDatabasesFiles) {
  // db: cpu in two ten-minute windows (two files), mem in one; other: one file, never listed.
  Write("db",
        fmt::format("cpu,host=a usage=1 {}\ncpu,host=b usage=2 {}\ncpu,host=a usage=3 {}\n"
                    "mem,host=a used=7i {}\n",
                    k2016 + 5,
                    k2016 + 9,
                    k2016 + kTenMinutes + 1,
                    k2016 + 42));
  Write("other", fmt::format("disk,host=a free=1i {}\n", k2016));
  // Before any snapshot: no files.
  absl::StatusOr<std::vector<std::string>> none = Query("SELECT * FROM system.parquet_files");
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_THAT(*none, IsEmpty());

  Snapshot();
  // What the index says, for the paths and sizes.
  const std::shared_ptr<const persist::FileIndex> index = persister_->index();
  std::map<std::pair<uint32_t, int64_t>, const persist::ParquetFileInfo*> by_table_and_time;
  for (const auto& [id, file] : index->files()) {
    by_table_and_time[{file.table_id, file.min_time}] = &file;
  }
  ASSERT_EQ(by_table_and_time.size(), 4u);
  const catalog::DatabaseSchema* db = catalog_->snapshot()->FindDatabase("db");
  ASSERT_NE(db, nullptr);
  const uint32_t cpu = db->FindTable("cpu")->id();
  const uint32_t mem = db->FindTable("mem")->id();
  auto expected_row = [&](std::string_view table, uint32_t table_id, int64_t min_time) {
    const persist::ParquetFileInfo* file = by_table_and_time.at({table_id, min_time});
    // The size is the object's.
    absl::StatusOr<objectstore::ObjectMeta> object =
        store_.Head(*objectstore::ObjectPath::Parse(file->path));
    EXPECT_TRUE(object.ok()) << object.status();
    EXPECT_EQ(object.ok() ? object->size : 0, file->size_bytes);
    return fmt::format("{}|{}|{}|{}|{}|{}",
                       table,
                       file->path,
                       file->size_bytes,
                       file->row_count,
                       file->min_time,
                       file->max_time);
  };

  SchemaPtr schema;
  absl::StatusOr<std::vector<std::string>> rows =
      Query("SELECT * FROM system.parquet_files", &schema);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_THAT(*rows,
              ElementsAre(expected_row("cpu", cpu, k2016 + 5),
                          expected_row("cpu", cpu, k2016 + kTenMinutes + 1),
                          expected_row("mem", mem, k2016 + 42)));
  // The rows themselves, not only agreement with the index.
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_THAT((*rows)[0], ::testing::EndsWith(fmt::format("|2|{}|{}", k2016 + 5, k2016 + 9)));
  EXPECT_THAT((*rows)[2], ::testing::StartsWith("mem|"));
  EXPECT_THAT((*rows)[2], ::testing::EndsWith(fmt::format("|1|{0}|{0}", k2016 + 42)));
  // InfluxDB 3's columns and types (their nullability is in the next test's SHOW COLUMNS).
  ASSERT_NE(schema, nullptr);
  std::vector<std::pair<std::string, TypeId>> columns;
  for (const Field& field : schema->fields()) {
    columns.emplace_back(field.name, field.type);
  }
  EXPECT_THAT(columns,
              ElementsAre(std::pair<std::string, TypeId>{"table_name", TypeId::kString},
                          std::pair<std::string, TypeId>{"path", TypeId::kString},
                          std::pair<std::string, TypeId>{"size_bytes", TypeId::kUInt64},
                          std::pair<std::string, TypeId>{"row_count", TypeId::kUInt64},
                          std::pair<std::string, TypeId>{"min_time", TypeId::kInt64},
                          std::pair<std::string, TypeId>{"max_time", TypeId::kInt64}));

  // A table like any other: filters, projections, aggregates; `public.system` resolves too.
  absl::StatusOr<std::vector<std::string>> mem_files = Query(
      "SELECT table_name, row_count FROM public.system.parquet_files WHERE table_name = 'mem'");
  ASSERT_TRUE(mem_files.ok()) << mem_files.status();
  EXPECT_THAT(*mem_files, ElementsAre("mem|1"));
  absl::StatusOr<std::vector<std::string>> totals =
      Query("SELECT count(*), sum(row_count) FROM system.parquet_files");
  ASSERT_TRUE(totals.ok()) << totals.status();
  EXPECT_THAT(*totals, ElementsAre("3|4"));

  // The other database sees only its own file.
  absl::StatusOr<std::unique_ptr<QueryResult>> other =
      engine_->Execute("other", "SELECT table_name, row_count FROM system.parquet_files");
  ASSERT_TRUE(other.ok()) << other.status();
  exec::Batch batch;
  absl::StatusOr<bool> more = (*other)->Next(&batch);
  ASSERT_TRUE(more.ok() && *more);
  const exec::Batch dense = batch.Compact();
  ASSERT_EQ(dense.num_rows(), 1);
  EXPECT_EQ(dense.column(0)->GetString(0), "disk");
  EXPECT_EQ(dense.column(1)->GetUInt64(0), 1u);

  // The data itself is still all there, read from the files.
  absl::StatusOr<std::vector<std::string>> cpu_rows = Query("SELECT count(*) FROM cpu");
  ASSERT_TRUE(cpu_rows.ok()) << cpu_rows.status();
  EXPECT_THAT(*cpu_rows, ElementsAre("3"));
}

// Without persistence (no persister attached) the table exists and is empty.
TEST_F(SystemTablesTest, ParquetFilesIsEmptyWithoutPersistence) {
  Write("db", fmt::format("cpu,host=a usage=1 {}\n", k2016));
  Snapshot();
  QueryEngine buffer_only(catalog_.get(), buffer_.get());
  SchemaPtr schema;
  absl::StatusOr<std::vector<std::string>> rows =
      Query(buffer_only, "SELECT * FROM system.parquet_files", &schema);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_THAT(*rows, IsEmpty());
  ASSERT_NE(schema, nullptr);
  EXPECT_EQ(schema->num_fields(), 6);
  EXPECT_THAT(*Query("SELECT count(*) FROM system.parquet_files"), ElementsAre("1"));
}

// information_schema and SHOW TABLES list system tables as InfluxDB 3 does: after the user
// tables, in schema 'system', as base tables.
TEST_F(SystemTablesTest, ListedInInformationSchemaAndShowTables) {
  Write("db", fmt::format("cpu,host=a usage=1 {}\n", k2016));
  absl::StatusOr<std::vector<std::string>> tables = Query("SHOW TABLES");
  ASSERT_TRUE(tables.ok()) << tables.status();
  EXPECT_THAT(*tables,
              ElementsAre("public|iox|cpu|BASE TABLE",
                          "public|system|columns|BASE TABLE",
                          "public|system|distinct_caches|BASE TABLE",
                          "public|system|last_caches|BASE TABLE",
                          "public|system|parquet_files|BASE TABLE",
                          "public|system|queries|BASE TABLE",
                          "public|system|tables|BASE TABLE",
                          "public|information_schema|columns|VIEW",
                          "public|information_schema|df_settings|VIEW",
                          "public|information_schema|tables|VIEW"));
  absl::StatusOr<std::vector<std::string>> columns = Query("SHOW COLUMNS IN system.parquet_files");
  ASSERT_TRUE(columns.ok()) << columns.status();
  EXPECT_THAT(*columns,
              ElementsAre("public|system|parquet_files|table_name|Utf8|NO",
                          "public|system|parquet_files|path|Utf8|NO",
                          "public|system|parquet_files|size_bytes|UInt64|NO",
                          "public|system|parquet_files|row_count|UInt64|NO",
                          "public|system|parquet_files|min_time|Int64|NO",
                          "public|system|parquet_files|max_time|Int64|NO"));
}

TEST_F(SystemTablesTest, UnknownSystemTablesAreClearErrors) {
  Write("db", fmt::format("cpu,host=a usage=1 {}\n", k2016));
  absl::StatusOr<std::vector<std::string>> unknown = Query("SELECT * FROM system.query");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(unknown.status().message(),
            "table 'query' not found at line 1, column 22; schema 'system' has columns, "
            "distinct_caches, last_caches, parquet_files, queries, tables");
  // System tables are not visible unqualified.
  absl::StatusOr<std::vector<std::string>> bare = Query("SELECT * FROM parquet_files");
  ASSERT_FALSE(bare.ok());
  EXPECT_THAT(std::string(bare.status().message()),
              ::testing::StartsWith("table 'parquet_files' not found"));
  absl::StatusOr<std::vector<std::string>> schema = Query("SELECT * FROM sys.parquet_files");
  ASSERT_FALSE(schema.ok());
  EXPECT_EQ(schema.status().message(),
            "schema 'sys' not found (tables live in schema 'iox', catalog views in "
            "'information_schema', system tables in 'system') at line 1, column 15");
  // A system table's name in another schema is not it.
  EXPECT_FALSE(Query("SELECT * FROM information_schema.parquet_files").ok());
  EXPECT_FALSE(Query("SELECT * FROM iox.parquet_files").ok());
}

}  // namespace
}  // namespace strata::query

namespace strata::query {
namespace {

// system.tables: per table of the database, by name, its column counts, what the buffer holds
// and what the file index holds; other databases' tables are not listed.
TEST_F(SystemTablesTest, TablesCountsColumnsRowsAndFiles) {
  Write("db",
        fmt::format("cpu,host=a,region=eu usage=1,idle=2i {}\n"
                    "cpu,host=b,region=eu usage=2 {}\n"
                    "mem,host=a used=7i {}\n",
                    k2016 + 5,
                    k2016 + 9,
                    k2016 + 42));
  Write("other", fmt::format("disk,host=a free=1i {}\n", k2016));
  EXPECT_THAT(*Query("SELECT * FROM system.tables"),
              ElementsAre("cpu|0|5|2|2|2|1|2|0|0|0", "mem|1|3|1|1|1|1|1|0|0|0"));
  Snapshot();
  // Persisted: the rows moved from the buffer to one file per table.
  absl::StatusOr<std::vector<std::string>> after = Query(
      "SELECT table_name, buffer_rows, parquet_files, parquet_rows, parquet_size_bytes > 0 "
      "FROM system.tables");
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_THAT(*after, ElementsAre("cpu|0|1|2|true", "mem|0|1|1|true"));
  // The tables of another database.
  auto other = QueryRows(*engine_,
                         "other",
                         "SELECT table_name, column_count FROM system.tables",
                         /*exact_floats=*/false,
                         nullptr);
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_THAT(*other, ElementsAre("disk|3"));
}

// system.columns: every column of every table, by table name then column id, with its kind,
// line protocol type and SQL type.
TEST_F(SystemTablesTest, ColumnsListsEveryColumn) {
  Write("db",
        fmt::format("cpu,host=a usage=1,idle=2i,ok=true,note=\"x\" {}\nmem,host=a used=7u {}\n",
                    k2016,
                    k2016));
  SchemaPtr schema;
  absl::StatusOr<std::vector<std::string>> rows = Query("SELECT * FROM system.columns", &schema);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_THAT(*rows,
              ElementsAre("cpu|time|0|time|timestamp|Timestamp(Nanosecond, None)",
                          "cpu|host|1|tag|tag|Dictionary(Int32, Utf8)",
                          "cpu|usage|2|field|float|Float64",
                          "cpu|idle|3|field|integer|Int64",
                          "cpu|ok|4|field|boolean|Boolean",
                          "cpu|note|5|field|string|Utf8",
                          "mem|time|0|time|timestamp|Timestamp(Nanosecond, None)",
                          "mem|host|1|tag|tag|Dictionary(Int32, Utf8)",
                          "mem|used|2|field|uinteger|UInt64"));
  ASSERT_NE(schema, nullptr);
  EXPECT_EQ(schema->num_fields(), 6);
}

// system.queries over a log the test fills: the entries of this database only, oldest first,
// with their phase, flags and durations as they move; a running query shows running = true.
TEST_F(SystemTablesTest, QueriesShowsTheLogOfThisDatabase) {
  Write("db", fmt::format("cpu,host=a usage=1 {}\n", k2016));
  // Without a log the table is empty.
  EXPECT_THAT(*Query("SELECT * FROM system.queries"), IsEmpty());

  QueryLog log(10);
  engine_->AttachQueryLog(&log);
  std::shared_ptr<QueryLogEntry> done = log.Add("db", "sql", "SELECT 1", k2016);
  done->Permitted();
  done->Planned();
  done->Finish(
      QueryPhase::kSuccess,
      "",
      {.max_memory = 4096, .partitions = 3, .parquet_files = 1, .compute_duration_ns = 777});
  std::shared_ptr<QueryLogEntry> failed = log.Add("db", "sql", "SELECT nope", k2016 + 1);
  failed->Permitted();
  failed->Finish(QueryPhase::kFail, "column 'nope' not found", {});
  std::shared_ptr<QueryLogEntry> elsewhere = log.Add("other", "sql", "SELECT 2", k2016 + 2);
  std::shared_ptr<QueryLogEntry> running = log.Add("db", "sql", "SELECT sleep", k2016 + 3);
  running->Permitted();

  SchemaPtr schema;
  absl::StatusOr<std::vector<std::string>> rows = Query(
      "SELECT query_text, phase, success, running, cancelled, partitions, parquet_files, "
      "max_memory, permit_duration IS NOT NULL, plan_duration IS NOT NULL, "
      "execute_duration IS NOT NULL, end2end_duration IS NOT NULL, trace_id, compute_duration "
      "FROM system.queries",
      nullptr);
  ASSERT_TRUE(rows.ok()) << rows.status();
  // The engine does not log the queries it runs itself (the HTTP API does): three rows.
  EXPECT_THAT(*rows,
              ElementsAre("SELECT 1|success|true|false|false|3|1|4096|true|true|true|true|NULL|777",
                          "SELECT nope|fail|false|false|false|NULL|NULL|0|true|false|false|true|"
                          "NULL|NULL",
                          "SELECT sleep|permit|false|true|false|NULL|NULL|0|true|false|false|"
                          "false|NULL|NULL"));
  // The running query is cancelled: its hook runs once, and the row changes.
  int hook_calls = 0;
  running->set_cancel_hook([&hook_calls] { ++hook_calls; });
  EXPECT_TRUE(running->RequestCancel(CancelReason::kTimeout));
  EXPECT_FALSE(running->RequestCancel(CancelReason::kClientGone));
  EXPECT_EQ(hook_calls, 1);
  running->Finish(QueryPhase::kCancel, "timed out", {});
  running->set_trace_id("4bf92f3577b34da6a3ce929d0e0e4736");
  rows = Query(
      "SELECT phase, success, running, cancelled, trace_id FROM system.queries "
      "WHERE query_text = 'SELECT sleep'");
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_THAT(*rows, ElementsAre("cancel|false|false|true|4bf92f3577b34da6a3ce929d0e0e4736"));
  // Ids are distinct UUIDs; issue_time is a timestamp.
  rows = Query("SELECT count(DISTINCT id), min(length(id)), min(issue_time) FROM system.queries",
               &schema);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_THAT(*rows, ElementsAre(fmt::format("3|36|{}", k2016)));
  QueryStats stats = log.stats();
  EXPECT_EQ(stats.received, 4);
  EXPECT_EQ(stats.succeeded, 1);
  EXPECT_EQ(stats.failed, 1);
  EXPECT_EQ(stats.cancelled, 1);
  EXPECT_EQ(stats.timed_out, 1);
  EXPECT_EQ(stats.latency_count, 3);
  EXPECT_EQ(log.Running().size(), 1u);  // `elsewhere`
  (void)elsewhere;
}

// The ring keeps the last `capacity` entries; a running query that left it is still tracked.
TEST(QueryLogTest, KeepsTheLastEntriesAndTracksRunningOnes) {
  QueryLog log(2);
  std::shared_ptr<QueryLogEntry> first = log.Add("db", "sql", "q1", 1);
  log.Add("db", "sql", "q2", 2)->Finish(QueryPhase::kSuccess, "", {});
  log.Add("db", "sql", "q3", 3)->Finish(QueryPhase::kSuccess, "", {});
  std::vector<QueryLogRow> rows = log.Rows("db");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].query_text, "q2");
  EXPECT_EQ(rows[1].query_text, "q3");
  ASSERT_EQ(log.Running().size(), 1u);
  EXPECT_EQ(log.Running()[0], first);
  first.reset();  // destroyed without finishing: no longer tracked
  EXPECT_TRUE(log.Running().empty());
  EXPECT_TRUE(QueryLog(0).Rows("db").empty());
}

}  // namespace
}  // namespace strata::query
