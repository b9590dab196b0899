// Tests of the catalog: creation and lookup, atomic changes with one persist each, reload, crash
// leftovers, corrupt files, limits and concurrent conflicting changes.
#include "catalog/catalog.h"

#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "catalog/catalog_file.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace strata::catalog {
namespace {

using ::testing::HasSubstr;

std::string Message(const absl::Status& status) {
  return std::string(status.message());
}

ColumnChange Tag(std::string name) {
  return ColumnChange{std::move(name), ColumnKind::kTag, TypeId::kDictionary};
}
ColumnChange Field(std::string name, TypeId type) {
  return ColumnChange{std::move(name), ColumnKind::kField, type};
}

CatalogChanges Changes(std::string database, std::string table, std::vector<ColumnChange> columns) {
  CatalogChanges changes;
  changes.databases.push_back(
      DatabaseChange{std::move(database), {TableChange{std::move(table), std::move(columns)}}});
  return changes;
}

class CatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "/catalog_test.XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    directory_ = root_ + "/catalog";
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  std::unique_ptr<Catalog> OpenOrDie(CatalogLimits limits = {}) {
    absl::StatusOr<std::unique_ptr<Catalog>> catalog = Catalog::Open(directory_, limits);
    EXPECT_TRUE(catalog.ok()) << catalog.status();
    return catalog.ok() ? *std::move(catalog) : nullptr;
  }

  std::string FilePath() const { return directory_ + "/" + std::string(Catalog::kFileName); }
  std::string TempPath() const { return directory_ + "/" + std::string(Catalog::kTempFileName); }

  void WriteFile(const std::string& path, const std::string& contents) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << contents;
  }
  std::string ReadFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
  }

  std::string root_;
  std::string directory_;
};

TEST_F(CatalogTest, OpenCreatesDirectoryAndStartsEmpty) {
  auto catalog = OpenOrDie();
  EXPECT_TRUE(std::filesystem::is_directory(directory_));
  EXPECT_EQ(catalog->snapshot()->database_count(), 0u);
  EXPECT_EQ(catalog->snapshot()->sequence(), 0u);
  EXPECT_FALSE(std::filesystem::exists(FilePath()));  // nothing to persist yet
}

TEST_F(CatalogTest, ApplyCreatesEverythingWithDenseIds) {
  auto catalog = OpenOrDie();
  absl::StatusOr<std::shared_ptr<const CatalogSnapshot>> applied = catalog->Apply(
      Changes("db", "cpu", {Tag("host"), Field("usage", TypeId::kFloat64), Tag("region")}));
  ASSERT_TRUE(applied.ok()) << applied.status();
  const CatalogSnapshot& snapshot = **applied;
  EXPECT_EQ(catalog->snapshot(), *applied);
  EXPECT_EQ(snapshot.sequence(), 1u);
  const DatabaseSchema* db = snapshot.FindDatabase("db");
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(db->id(), 0u);
  EXPECT_EQ(snapshot.DatabaseById(0), db);
  const TableSchema* cpu = db->FindTable("cpu");
  ASSERT_NE(cpu, nullptr);
  EXPECT_EQ(cpu->id(), 0u);
  EXPECT_EQ(db->TableById(0), cpu);
  ASSERT_EQ(cpu->column_count(), 4u);
  EXPECT_EQ(cpu->columns()[0], (ColumnSchema{0, "time", ColumnKind::kTime, TypeId::kTimestamp}));
  EXPECT_EQ(cpu->columns()[1], (ColumnSchema{1, "host", ColumnKind::kTag, TypeId::kDictionary}));
  EXPECT_EQ(cpu->columns()[2], (ColumnSchema{2, "usage", ColumnKind::kField, TypeId::kFloat64}));
  EXPECT_EQ(cpu->columns()[3], (ColumnSchema{3, "region", ColumnKind::kTag, TypeId::kDictionary}));

  // A second table and database get the next ids; existing ids do not move.
  CatalogChanges more = Changes("db", "mem", {Field("free", TypeId::kUInt64)});
  more.databases.push_back(DatabaseChange{"db2", {TableChange{"disk", {}}}});
  applied = catalog->Apply(more);
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_EQ((*applied)->sequence(), 2u);  // one change set, one sequence step
  EXPECT_EQ((*applied)->FindTable("db", "mem")->id(), 1u);
  EXPECT_EQ((*applied)->FindTable("db", "cpu")->id(), 0u);
  EXPECT_EQ((*applied)->FindDatabase("db2")->id(), 1u);
  EXPECT_EQ((*applied)->FindTable("db2", "disk")->column_count(), 1u);
  EXPECT_EQ((*applied)->total_table_count(), 3u);
}

TEST_F(CatalogTest, ApplyOfExistingColumnsChangesNothing) {
  auto catalog = OpenOrDie();
  auto changes = Changes("db", "cpu", {Tag("host"), Field("usage", TypeId::kFloat64)});
  ASSERT_TRUE(catalog->Apply(changes).ok());
  std::string file_before = ReadFile(FilePath());
  auto before = catalog->snapshot();
  absl::StatusOr<std::shared_ptr<const CatalogSnapshot>> again = catalog->Apply(changes);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, before);  // the same snapshot object: nothing rebuilt, nothing persisted
  EXPECT_EQ(catalog->snapshot()->sequence(), 1u);
  EXPECT_EQ(ReadFile(FilePath()), file_before);
}

TEST_F(CatalogTest, TypeConflictFailsTheWholeChange) {
  auto catalog = OpenOrDie();
  ASSERT_TRUE(
      catalog->Apply(Changes("db", "cpu", {Tag("host"), Field("usage", TypeId::kFloat64)})).ok());
  auto before = catalog->snapshot();

  // "new" would be fine, but "usage" conflicts: neither is added.
  absl::StatusOr<std::shared_ptr<const CatalogSnapshot>> result = catalog->Apply(
      Changes("db", "cpu", {Field("new", TypeId::kBool), Field("usage", TypeId::kInt64)}));
  EXPECT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Message(result.status()),
            "invalid column type for column 'usage', expected float, got integer");
  EXPECT_EQ(catalog->snapshot(), before);
  EXPECT_EQ(catalog->snapshot()->FindTable("db", "cpu")->FindColumn("new"), nullptr);

  // A field named like a tag, and a tag named like a field.
  result = catalog->Apply(Changes("db", "cpu", {Field("host", TypeId::kString)}));
  EXPECT_EQ(Message(result.status()),
            "invalid column type for column 'host', expected tag, got string");
  result = catalog->Apply(Changes("db", "cpu", {Tag("usage")}));
  EXPECT_EQ(Message(result.status()),
            "invalid column type for column 'usage', expected float, got tag");

  // The same column twice in one change set with different types.
  result = catalog->Apply(
      Changes("db", "cpu", {Field("x", TypeId::kBool), Field("x", TypeId::kUInt64)}));
  EXPECT_EQ(Message(result.status()),
            "invalid column type for column 'x', expected boolean, got uinteger");
  EXPECT_EQ(catalog->snapshot(), before);
}

TEST_F(CatalogTest, ApplyValidatesNamesAndTypes) {
  auto catalog = OpenOrDie();
  auto result = catalog->Apply(Changes("bad.db", "cpu", {}));
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(result.status()), HasSubstr("invalid database name 'bad.db'"));

  result = catalog->Apply(Changes("db", "a\x01", {}));
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(result.status()), HasSubstr("invalid table name 'a\\x01'"));

  result = catalog->Apply(Changes("db", "cpu", {Tag("time")}));
  EXPECT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Message(result.status()),
            "invalid column type for column 'time', expected timestamp, got tag");

  result = catalog->Apply(Changes("db", "cpu", {Field("", TypeId::kBool)}));
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(result.status()), HasSubstr("column name must not be empty"));

  result = catalog->Apply(Changes("db", "cpu", {Field("f", TypeId::kDictionary)}));
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  result = catalog->Apply(
      Changes("db", "cpu", {ColumnChange{"t", ColumnKind::kTime, TypeId::kTimestamp}}));
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(catalog->snapshot()->database_count(), 0u);
}

TEST_F(CatalogTest, CreateDatabase) {
  auto catalog = OpenOrDie();
  EXPECT_TRUE(catalog->CreateDatabase("metrics").ok());
  EXPECT_EQ(catalog->CreateDatabase("metrics").code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(catalog->CreateDatabase("no spaces").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(catalog->snapshot()->FindDatabase("metrics")->table_count(), 0u);
  EXPECT_EQ(catalog->snapshot()->sequence(), 1u);
}

TEST_F(CatalogTest, ReloadRestoresEverythingAndIdsContinue) {
  {
    auto catalog = OpenOrDie();
    ASSERT_TRUE(catalog->CreateDatabase("empty").ok());
    ASSERT_TRUE(catalog
                    ->Apply(Changes("db",
                                    "cpu",
                                    {Tag("host"),
                                     Field("f", TypeId::kFloat64),
                                     Field("i", TypeId::kInt64),
                                     Field("u", TypeId::kUInt64),
                                     Field("s", TypeId::kString),
                                     Field("b", TypeId::kBool)}))
                    .ok());
    ASSERT_TRUE(
        catalog->Apply(Changes("db", "\xE6\xB8\xA9\xE5\xBA\xA6 temp", {Tag("k,=\"")})).ok());
  }
  auto first = OpenOrDie();
  auto loaded = first->snapshot();
  EXPECT_EQ(loaded->sequence(), 3u);
  EXPECT_EQ(loaded->FindDatabase("empty")->id(), 0u);
  EXPECT_EQ(loaded->FindDatabase("db")->id(), 1u);
  const TableSchema* cpu = loaded->FindTable("db", "cpu");
  ASSERT_NE(cpu, nullptr);
  EXPECT_EQ(cpu->FindColumn("b")->id, 6u);
  EXPECT_EQ(cpu->FindColumn("b")->type, TypeId::kBool);
  EXPECT_EQ(cpu->FindColumn("u")->type, TypeId::kUInt64);
  EXPECT_EQ(loaded->FindTable("db", "\xE6\xB8\xA9\xE5\xBA\xA6 temp")->FindColumn("k,=\"")->kind,
            ColumnKind::kTag);

  // New objects after a reload continue the id sequences.
  auto applied = first->Apply(Changes("db", "cpu", {Field("later", TypeId::kInt64)}));
  ASSERT_TRUE(applied.ok());
  EXPECT_EQ((*applied)->FindTable("db", "cpu")->FindColumn("later")->id, 7u);
  EXPECT_EQ((*applied)->sequence(), 4u);
  applied = first->Apply(Changes("db3", "t", {}));
  ASSERT_TRUE(applied.ok());
  EXPECT_EQ((*applied)->FindDatabase("db3")->id(), 2u);

  auto expected = first->snapshot();
  first.reset();
  auto second = OpenOrDie();
  EXPECT_TRUE(second->snapshot()->SameContentAs(*expected));
  EXPECT_EQ(second->snapshot()->sequence(), expected->sequence());
}

TEST_F(CatalogTest, LeftoverTempFileIsIgnoredAndRemoved) {
  {
    auto catalog = OpenOrDie();
    ASSERT_TRUE(catalog->Apply(Changes("db", "cpu", {Tag("host")})).ok());
  }
  // A crash between writing the temp file and renaming it leaves a partial temp file.
  WriteFile(TempPath(), "{\"format\": \"strata-cat");
  auto catalog = OpenOrDie();
  EXPECT_FALSE(std::filesystem::exists(TempPath()));
  EXPECT_NE(catalog->snapshot()->FindTable("db", "cpu"), nullptr);
  EXPECT_EQ(catalog->snapshot()->sequence(), 1u);
}

TEST_F(CatalogTest, CorruptFileIsAClearStartupError) {
  {
    auto catalog = OpenOrDie();
    ASSERT_TRUE(catalog->Apply(Changes("db", "cpu", {Tag("host")})).ok());
  }
  const std::string good = ReadFile(FilePath());
  struct Case {
    std::string contents;
    std::string detail;
  };
  std::vector<Case> cases = {
      {"", "not valid JSON"},
      {good.substr(0, good.size() / 2), "not valid JSON"},
      {"\x00\x01garbage", "not valid JSON"},
      {"[]", "not a JSON object"},
      {"{\"format\":\"strata-catalog\",\"format_version\":2,\"sequence\":1,\"databases\":[]}",
       "unsupported format_version 2"},
      {"{\"format\":\"strata-catalog\",\"format_version\":1,\"databases\":[]}",
       "missing \"sequence\""},
      {"{\"format\":\"strata-catalog\",\"format_version\":1,\"sequence\":1,\"databases\":"
       "[{\"id\":1,\"name\":\"db\",\"tables\":[]}]}",
       "databases[0]: id 1 where 0 was expected"},
      {"{\"format\":\"strata-catalog\",\"format_version\":1,\"sequence\":1,\"databases\":"
       "[{\"id\":0,\"name\":\"db\",\"tables\":[]},{\"id\":1,\"name\":\"db\",\"tables\":[]}]}",
       "databases[1]: duplicate database name 'db'"},
      {"{\"format\":\"strata-catalog\",\"format_version\":1,\"sequence\":1,\"databases\":"
       "[{\"id\":0,\"name\":\"db\",\"tables\":[{\"id\":0,\"name\":\"t\",\"columns\":[]}]}]}",
       "databases[0].tables[0]: a table without columns"},
      {"{\"format\":\"strata-catalog\",\"format_version\":1,\"sequence\":1,\"databases\":"
       "[{\"id\":0,\"name\":\"db\",\"tables\":[{\"id\":0,\"name\":\"t\",\"columns\":["
       "{\"id\":0,\"name\":\"time\",\"kind\":\"time\",\"type\":\"timestamp\"},"
       "{\"id\":1,\"name\":\"x\",\"kind\":\"tag\",\"type\":\"float64\"}]}]}]}",
       "databases[0].tables[0].columns[1]: type float64 is not valid for a tag column"},
      {"{\"format\":\"strata-catalog\",\"format_version\":1,\"sequence\":1,\"databases\":"
       "[{\"id\":0,\"name\":\"../etc\",\"tables\":[]}]}",
       "databases[0]: invalid database name '../etc'"},
  };
  for (const Case& c : cases) {
    WriteFile(FilePath(), c.contents);
    absl::StatusOr<std::unique_ptr<Catalog>> catalog = Catalog::Open(directory_, {});
    ASSERT_FALSE(catalog.ok()) << c.contents;
    EXPECT_EQ(catalog.status().code(), absl::StatusCode::kDataLoss) << c.contents;
    EXPECT_THAT(Message(catalog.status()), HasSubstr("catalog file " + FilePath() + " is corrupt"));
    EXPECT_THAT(Message(catalog.status()), HasSubstr(c.detail)) << c.contents;
  }
  // The corrupt file is left in place for the operator.
  EXPECT_TRUE(std::filesystem::exists(FilePath()));
}

TEST_F(CatalogTest, PersistFailureChangesNothing) {
  auto catalog = OpenOrDie();
  ASSERT_TRUE(catalog->Apply(Changes("db", "cpu", {Tag("host")})).ok());
  auto before = catalog->snapshot();
  std::filesystem::remove_all(directory_);
  auto result = catalog->Apply(Changes("db", "cpu", {Tag("region")}));
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(Message(result.status()), HasSubstr("persisting the catalog"));
  EXPECT_THAT(Message(result.status()), HasSubstr("No such file or directory"));
  EXPECT_EQ(catalog->snapshot(), before);
}

TEST_F(CatalogTest, LimitsGiveExactErrors) {
  CatalogLimits limits;
  limits.max_databases = 2;
  limits.max_tables = 3;
  limits.max_columns_per_table = 4;  // time + 3
  auto catalog = OpenOrDie(limits);

  ASSERT_TRUE(catalog->CreateDatabase("a").ok());
  ASSERT_TRUE(catalog->CreateDatabase("b").ok());
  absl::Status status = catalog->CreateDatabase("c");
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(Message(status),
            "Adding a new database would exceed limit of 2 databases (raise it with "
            "--max-databases)");

  // Tables are counted over all databases.
  ASSERT_TRUE(catalog->Apply(Changes("a", "t1", {})).ok());
  ASSERT_TRUE(catalog->Apply(Changes("b", "t2", {})).ok());
  CatalogChanges two_tables = Changes("a", "t3", {});
  two_tables.databases[0].tables.push_back(TableChange{"t4", {}});
  auto result = catalog->Apply(two_tables);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(Message(result.status()),
            "Update to schema would exceed number of tables limit of 3 tables (raise it with "
            "--max-tables)");
  EXPECT_EQ(catalog->snapshot()->FindTable("a", "t3"), nullptr);  // all or nothing
  ASSERT_TRUE(catalog->Apply(Changes("a", "t3", {})).ok());

  auto columns = Changes("a", "t1", {Tag("x"), Tag("y"), Field("z", TypeId::kBool)});
  ASSERT_TRUE(catalog->Apply(columns).ok());
  result = catalog->Apply(Changes("a", "t1", {Tag("x"), Field("w", TypeId::kBool)}));
  EXPECT_EQ(result.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(Message(result.status()),
            "Update to schema would exceed number of columns per table limit of 4 columns (raise "
            "it with --max-columns-per-table)");
  // Existing columns are still fine at the limit.
  EXPECT_TRUE(catalog->Apply(columns).ok());
}

TEST_F(CatalogTest, NonPositiveLimitsAreRejected) {
  CatalogLimits limits;
  limits.max_tables = 0;
  auto catalog = Catalog::Open(directory_, limits);
  EXPECT_EQ(catalog.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(catalog.status()), HasSubstr("--max-tables=0"));
}

TEST_F(CatalogTest, ConcurrentConflictingAppliesExactlyOneWins) {
  const TypeId kTypes[] = {
      TypeId::kFloat64, TypeId::kInt64, TypeId::kUInt64, TypeId::kString, TypeId::kBool};
  for (int round = 0; round < 20; ++round) {
    std::filesystem::remove_all(directory_);
    auto catalog = OpenOrDie();
    std::atomic<int> ready{0};
    std::vector<absl::Status> results(5);
    std::vector<std::thread> threads;
    for (int i = 0; i < 5; ++i) {
      threads.emplace_back([&, i] {
        ready.fetch_add(1);
        while (ready.load() < 5) {
        }
        results[i] =
            catalog->Apply(Changes("db", "cpu", {Tag("host"), Field("x", kTypes[i])})).status();
      });
    }
    for (auto& thread : threads) {
      thread.join();
    }
    int winners = 0;
    TypeId winning_type = TypeId::kTimestamp;
    for (int i = 0; i < 5; ++i) {
      if (results[i].ok()) {
        ++winners;
        winning_type = kTypes[i];
      } else {
        EXPECT_EQ(results[i].code(), absl::StatusCode::kFailedPrecondition) << results[i];
        EXPECT_THAT(Message(results[i]), HasSubstr("invalid column type for column 'x'"));
      }
    }
    ASSERT_EQ(winners, 1);
    auto snapshot = catalog->snapshot();
    EXPECT_EQ(snapshot->sequence(), 1u);
    EXPECT_EQ(snapshot->FindTable("db", "cpu")->FindColumn("x")->type, winning_type);
    // What was persisted is what won.
    catalog.reset();
    EXPECT_EQ(OpenOrDie()->snapshot()->FindTable("db", "cpu")->FindColumn("x")->type, winning_type);
  }
}

TEST_F(CatalogTest, ReadersSeeConsistentSnapshotsWhileColumnsAreAdded) {
  auto catalog = Catalog::CreateInMemory({});
  ASSERT_TRUE(catalog->Apply(Changes("db", "t", {})).ok());
  std::atomic<bool> done{false};
  std::atomic<int64_t> checks{0};
  std::thread reader([&] {
    uint64_t last_sequence = 0;
    // At least one check even if the writer finishes before this thread is scheduled.
    while (!done.load() || checks.load() == 0) {
      auto snapshot = catalog->snapshot();
      EXPECT_GE(snapshot->sequence(), last_sequence);
      last_sequence = snapshot->sequence();
      const TableSchema* table = snapshot->FindTable("db", "t");
      // Sequence n added column n-1 (the table came with sequence 1).
      EXPECT_EQ(table->column_count(), snapshot->sequence());
      for (const ColumnSchema& column : table->columns()) {
        EXPECT_EQ(table->FindColumn(column.name), &column);
      }
      checks.fetch_add(1);
    }
  });
  for (int i = 1; i < 300; ++i) {
    ASSERT_TRUE(
        catalog->Apply(Changes("db", "t", {Field("c" + std::to_string(i), TypeId::kInt64)})).ok());
  }
  done.store(true);
  reader.join();
  EXPECT_GT(checks.load(), 0);
  EXPECT_EQ(catalog->snapshot()->FindTable("db", "t")->column_count(), 300u);
}

}  // namespace
}  // namespace strata::catalog
