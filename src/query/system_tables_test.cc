// system.parquet_files over a real persister (Parquet files on an in-memory object store): its
// rows per database, its schema, how information_schema and SHOW TABLES list it, and the errors
// for system tables that do not exist.
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
                          "public|system|distinct_caches|BASE TABLE",
                          "public|system|last_caches|BASE TABLE",
                          "public|system|parquet_files|BASE TABLE",
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
  absl::StatusOr<std::vector<std::string>> unknown = Query("SELECT * FROM system.queries");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(unknown.status().message(),
            "table 'queries' not found at line 1, column 22; schema 'system' has distinct_caches, "
            "last_caches, parquet_files");
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
