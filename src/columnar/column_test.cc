#include "columnar/column.h"

#include <memory>

#include "columnar/dictionary_interner.h"
#include "columnar/record_batch.h"
#include "gtest/gtest.h"

namespace strata {
namespace {

TEST(BitmapTest, AppendSetCountResize) {
  Bitmap bits;
  for (int i = 0; i < 130; ++i) bits.Append(i % 3 == 0);
  EXPECT_EQ(bits.size(), 130);
  EXPECT_EQ(bits.CountSet(), 44);
  bits.Set(1, true);
  EXPECT_TRUE(bits.Get(1));
  EXPECT_EQ(bits.CountSet(), 45);
  bits.Resize(65, false);
  EXPECT_EQ(bits.CountSet(), 23);  // 22 multiples of 3 below 65 plus bit 1
  bits.Resize(200, true);
  EXPECT_EQ(bits.CountSet(), 23 + 135);
}

TEST(ColumnTest, Int64WithNulls) {
  Column col(TypeId::kInt64);
  col.AppendInt64(5);
  col.AppendInt64(-7);
  EXPECT_FALSE(col.has_nulls());
  col.AppendNull();
  col.AppendInt64(9);
  ASSERT_EQ(col.size(), 4);
  EXPECT_EQ(col.null_count(), 1);
  EXPECT_TRUE(col.IsNull(2));
  EXPECT_TRUE(col.IsValid(3));
  EXPECT_EQ(col.GetInt64(1), -7);
  EXPECT_EQ(col.GetInt64(2), 0);  // null slots hold zero
  EXPECT_EQ(col.data<int64_t>()[3], 9);
  col.SetInt64(2, 42);
  EXPECT_EQ(col.null_count(), 0);
  EXPECT_EQ(col.GetInt64(2), 42);
  col.SetNull(0);
  EXPECT_TRUE(col.IsNull(0));
  EXPECT_EQ(col.null_count(), 1);
}

TEST(ColumnTest, StringsCanBeReplacedInPlace) {
  Column col(TypeId::kString);
  col.AppendString("alpha");
  col.AppendNull();
  col.AppendString("");
  col.AppendString("gamma");
  EXPECT_EQ(col.GetString(0), "alpha");
  EXPECT_EQ(col.GetString(2), "");
  EXPECT_EQ(col.GetString(3), "gamma");
  col.SetString(0, "a much longer replacement");
  col.SetString(1, "beta");
  EXPECT_EQ(col.GetString(0), "a much longer replacement");
  EXPECT_EQ(col.GetString(1), "beta");
  EXPECT_EQ(col.GetString(3), "gamma");
  EXPECT_EQ(col.null_count(), 0);
}

TEST(ColumnTest, DictionarySharesCodes) {
  auto dict = std::make_shared<StringDictionary>();
  Column a(TypeId::kDictionary, dict);
  Column b(TypeId::kDictionary, dict);
  a.AppendString("host_1");
  a.AppendString("host_2");
  b.AppendString("host_2");
  b.AppendString("host_1");
  EXPECT_EQ(dict->size(), 2);
  EXPECT_EQ(a.GetDictionaryCode(0), b.GetDictionaryCode(1));
  EXPECT_EQ(b.GetString(0), "host_2");
  EXPECT_EQ(dict->Find("host_3"), -1);
}

std::shared_ptr<StringDictionary> DictionaryOf(const std::vector<std::string>& values) {
  auto dictionary = std::make_shared<StringDictionary>();
  for (const std::string& value : values) {
    dictionary->GetOrInsert(value);
  }
  return dictionary;
}

TEST(DictionaryInternerTest, EqualValuesInTheSameOrderShareOneDictionary) {
  DictionaryInterner interner;
  auto first = DictionaryOf({"x", "y", "z"});
  EXPECT_EQ(interner.Intern(first), first);
  EXPECT_EQ(interner.Intern(first), first);  // itself again: not counted as shared
  EXPECT_EQ(interner.Intern(DictionaryOf({"x", "y", "z"})), first);
  EXPECT_EQ(interner.shared(), 1u);
  auto reordered = DictionaryOf({"y", "x", "z"});
  EXPECT_EQ(interner.Intern(reordered), reordered);
  auto longer = DictionaryOf({"x", "y", "z", "w"});
  EXPECT_EQ(interner.Intern(longer), longer);
  auto empty = DictionaryOf({});
  EXPECT_EQ(interner.Intern(empty), empty);
  EXPECT_EQ(interner.Intern(DictionaryOf({})), empty);
  EXPECT_EQ(interner.Intern(nullptr), nullptr);
  EXPECT_EQ(interner.live(), 4u);
}

TEST(DictionaryInternerTest, DeadDictionariesAreForgotten) {
  DictionaryInterner interner;
  std::weak_ptr<StringDictionary> gone;
  {
    auto dictionary = DictionaryOf({"a"});
    gone = dictionary;
    interner.Intern(dictionary);
    EXPECT_EQ(interner.live(), 1u);
  }
  EXPECT_TRUE(gone.expired());
  EXPECT_EQ(interner.live(), 0u);
  // Equal values interned after the first died: a new dictionary, not the dead one.
  auto again = DictionaryOf({"a"});
  EXPECT_EQ(interner.Intern(again), again);
  // Many short-lived dictionaries: swept as they go, the table does not grow with them.
  for (int i = 0; i < 5000; ++i) {
    interner.Intern(DictionaryOf({std::to_string(i)}));
  }
  EXPECT_EQ(interner.live(), 1u);
}

TEST(ColumnTest, SharedDictionaryKeepsEveryValue) {
  Column column(TypeId::kDictionary);
  column.AppendString("b");
  column.AppendString("a");
  column.AppendString("b");
  auto same = DictionaryOf({"b", "a"});
  column.ShareDictionary(same);
  EXPECT_EQ(column.dictionary(), same);
  EXPECT_EQ(column.GetString(0), "b");
  EXPECT_EQ(column.GetString(1), "a");
  EXPECT_EQ(column.GetString(2), "b");
}

TEST(ColumnTest, BoolFloatUInt) {
  Column flags(TypeId::kBool);
  flags.AppendBool(true);
  flags.AppendBool(false);
  EXPECT_TRUE(flags.GetBool(0));
  EXPECT_FALSE(flags.GetBool(1));
  Column f(TypeId::kFloat64);
  f.AppendFloat64(1.5);
  EXPECT_DOUBLE_EQ(f.GetFloat64(0), 1.5);
  Column u(TypeId::kUInt64);
  u.AppendUInt64(UINT64_MAX);
  EXPECT_EQ(u.GetUInt64(0), UINT64_MAX);
}

TEST(RecordBatchTest, MakeValidatesShape) {
  auto schema = std::make_shared<Schema>(
      std::vector<Field>{{"time", TypeId::kTimestamp, false}, {"v", TypeId::kFloat64, true}});
  auto t = std::make_shared<Column>(TypeId::kTimestamp);
  t->AppendInt64(1);
  t->AppendInt64(2);
  auto v = std::make_shared<Column>(TypeId::kFloat64);
  v->AppendFloat64(1.0);
  auto bad = RecordBatch::Make(schema, {t, v});
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("column 'v' has 1 rows, expected 2"), std::string::npos)
      << bad.status();
  v->AppendNull();
  auto good = RecordBatch::Make(schema, {t, v});
  ASSERT_TRUE(good.ok()) << good.status();
  EXPECT_EQ((*good)->num_rows(), 2);
  auto wrong_type = RecordBatch::Make(schema, {v, v});
  EXPECT_FALSE(wrong_type.ok());
  EXPECT_EQ(schema->ToString(), "time: timestamp(ns) not null, v: float64");
}

}  // namespace
}  // namespace strata
