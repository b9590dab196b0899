// Tests of the immutable schema objects and their copy-on-write updates.
#include "catalog/schema.h"

#include "gtest/gtest.h"

namespace strata::catalog {
namespace {

std::shared_ptr<const TableSchema> CpuTable(uint32_t id) {
  return TableSchema::MakeNew(id, "cpu")->WithColumns({
      ColumnSchema{1, "host", ColumnKind::kTag, TypeId::kDictionary},
      ColumnSchema{2, "usage", ColumnKind::kField, TypeId::kFloat64},
  });
}

TEST(TableSchemaTest, LooksUpColumnsByNameAndId) {
  auto table = CpuTable(7);
  EXPECT_EQ(table->id(), 7u);
  EXPECT_EQ(table->column_count(), 3u);
  EXPECT_EQ(table->next_column_id(), 3u);
  ASSERT_NE(table->FindColumn("time"), nullptr);
  EXPECT_EQ(table->FindColumn("time")->id, kTimeColumnId);
  EXPECT_EQ(table->FindColumn("time")->type, TypeId::kTimestamp);
  ASSERT_NE(table->FindColumn("usage"), nullptr);
  EXPECT_EQ(table->FindColumn("usage")->id, 2u);
  EXPECT_EQ(table->FindColumn("Usage"), nullptr);
  EXPECT_EQ(table->ColumnById(1)->name, "host");
  EXPECT_EQ(table->ColumnById(3), nullptr);
}

TEST(TableSchemaTest, WithColumnsLeavesTheOriginalUnchanged) {
  auto table = CpuTable(0);
  auto grown = table->WithColumns({ColumnSchema{3, "idle", ColumnKind::kField, TypeId::kInt64}});
  EXPECT_EQ(table->column_count(), 3u);
  EXPECT_EQ(table->FindColumn("idle"), nullptr);
  EXPECT_EQ(grown->column_count(), 4u);
  EXPECT_EQ(grown->FindColumn("idle")->id, 3u);
  EXPECT_EQ(grown->FindColumn("host")->id, 1u);
}

TEST(TableSchemaDeathTest, RejectsNonDenseIds) {
  EXPECT_DEATH(CpuTable(0)->WithColumns({ColumnSchema{9, "x", ColumnKind::kField, TypeId::kInt64}}),
               "column.id == i");
}

TEST(DatabaseSchemaTest, WithTableReplacesOrAppends) {
  auto db = std::make_shared<const DatabaseSchema>(
      3, "db", std::vector<std::shared_ptr<const TableSchema>>{CpuTable(0)});
  auto appended = db->WithTable(TableSchema::MakeNew(1, "mem"));
  EXPECT_EQ(db->table_count(), 1u);
  EXPECT_EQ(db->FindTable("mem"), nullptr);
  EXPECT_EQ(appended->table_count(), 2u);
  EXPECT_EQ(appended->FindTable("mem")->id(), 1u);
  EXPECT_EQ(appended->TableById(0), db->TableById(0));  // shared, not copied

  auto replaced = appended->WithTable(TableSchema::MakeNew(0, "cpu"));
  EXPECT_EQ(replaced->FindTable("cpu")->column_count(), 1u);
  EXPECT_EQ(appended->FindTable("cpu")->column_count(), 3u);
  EXPECT_EQ(replaced->TableById(1), appended->TableById(1));
}

TEST(CatalogSnapshotTest, LookupsAndCounts) {
  auto empty = CatalogSnapshot::MakeEmpty();
  EXPECT_EQ(empty->sequence(), 0u);
  EXPECT_EQ(empty->FindDatabase("db"), nullptr);
  EXPECT_EQ(empty->DatabaseById(0), nullptr);

  auto db = std::make_shared<const DatabaseSchema>(
      0, "db", std::vector<std::shared_ptr<const TableSchema>>{CpuTable(0)});
  auto one = empty->WithDatabase(db, 1);
  auto other = std::make_shared<const DatabaseSchema>(
      1,
      "other",
      std::vector<std::shared_ptr<const TableSchema>>{CpuTable(0), TableSchema::MakeNew(1, "x")});
  auto two = one->WithDatabase(other, 2);
  EXPECT_EQ(two->sequence(), 2u);
  EXPECT_EQ(two->database_count(), 2u);
  EXPECT_EQ(two->total_table_count(), 3u);
  EXPECT_EQ(two->FindDatabase("other")->id(), 1u);
  EXPECT_EQ(two->DatabaseById(0)->name(), "db");
  EXPECT_EQ(two->FindTable("other", "x")->id(), 1u);
  EXPECT_EQ(two->FindTable("nope", "x"), nullptr);
  EXPECT_EQ(one->database_count(), 1u);
  EXPECT_FALSE(one->SameContentAs(*two));
  EXPECT_TRUE(two->SameContentAs(*two));
}

TEST(ColumnTypeNameTest, UsesLineProtocolWords) {
  EXPECT_EQ(ColumnTypeName(ColumnKind::kTag, TypeId::kDictionary), "tag");
  EXPECT_EQ(ColumnTypeName(ColumnKind::kField, TypeId::kFloat64), "float");
  EXPECT_EQ(ColumnTypeName(ColumnKind::kField, TypeId::kInt64), "integer");
  EXPECT_EQ(ColumnTypeName(ColumnKind::kField, TypeId::kUInt64), "uinteger");
  EXPECT_EQ(ColumnTypeName(ColumnKind::kField, TypeId::kString), "string");
  EXPECT_EQ(ColumnTypeName(ColumnKind::kField, TypeId::kBool), "boolean");
  EXPECT_EQ(ColumnTypeName(ColumnKind::kTime, TypeId::kTimestamp), "timestamp");
  EXPECT_TRUE(IsValidColumnType(ColumnKind::kTag, TypeId::kDictionary));
  EXPECT_FALSE(IsValidColumnType(ColumnKind::kTag, TypeId::kString));
  EXPECT_FALSE(IsValidColumnType(ColumnKind::kField, TypeId::kDictionary));
  EXPECT_FALSE(IsValidColumnType(ColumnKind::kField, TypeId::kTimestamp));
}

}  // namespace
}  // namespace strata::catalog
