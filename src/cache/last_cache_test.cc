#include "cache/last_cache.h"

#include <algorithm>
#include <map>

#include "cache/cache_test_rows.h"
#include "gtest/gtest.h"

namespace strata::cache {
namespace {

constexpr int64_t kSecond = 1'000'000'000;
// Columns of the test table: 0 time, 1 host (tag), 2 region (tag), 3 usage (float), 4 note.
constexpr uint32_t kHost = 1, kRegion = 2, kUsage = 3, kNote = 4;

catalog::LastCacheDefinition Definition(int64_t count, int64_t ttl_seconds = 3600) {
  catalog::LastCacheDefinition d;
  d.name = "c";
  d.key_column_ids = {kHost};
  d.count = count;
  d.ttl_seconds = ttl_seconds;
  return d;
}

TestCell Host(std::string h) {
  return {kHost, std::move(h), true};
}
TestCell Usage(double u) {
  return {kUsage, u};
}

// host -> the times of its rows, newest first.
std::map<std::string, std::vector<int64_t>> Times(const LastCache& cache,
                                                  int64_t now,
                                                  std::vector<ColumnFilter> filters = {}) {
  std::map<std::string, std::vector<int64_t>> out;
  for (const LastCacheEntry& entry : cache.Lookup(filters, now)) {
    for (const LastRow& row : entry.rows) {
      out[std::get<std::string>(entry.key[0])].push_back(row.time);
    }
  }
  return out;
}

TEST(LastCacheTest, KeepsNewestCountRowsPerKeyNewestFirst) {
  LastCache cache(Definition(2));
  TableWrite write;
  AddRow(&write, 10, {Host("a"), Usage(1)});
  AddRow(&write, 30, {Host("a"), Usage(3)});
  AddRow(&write, 20, {Host("a"), Usage(2)});
  AddRow(&write, 5, {Host("b"), Usage(9)});
  cache.Insert(write, 100);
  auto times = Times(cache, 100);
  EXPECT_EQ(times["a"], (std::vector<int64_t>{30, 20}));
  EXPECT_EQ(times["b"], (std::vector<int64_t>{5}));
}

// A fill's rows: the newest `count` per key are kept whatever the order they come in, a row of
// the time of a cached row (written while the fill ran) keeps the cached values and only gains
// the columns it lacked, and the gate opens only when asked.
TEST(LastCacheTest, BackfillKeepsNewestAndNeverReplacesWrittenValues) {
  LastCache cache(Definition(2), /*filled=*/false);
  EXPECT_FALSE(cache.fill_gate().is_open());
  TableWrite live;
  AddRow(&live, 40, {Host("a"), Usage(4)});
  cache.Insert(live, 100);
  auto row = [](int64_t time, std::vector<std::pair<uint32_t, Value>> values) {
    LastRow r;
    r.time = time;
    for (const auto& [id, value] : values) {
      r.Add(id, value);
    }
    return r;
  };
  const std::vector<Value> a{std::string("a")};
  cache.Backfill(a, row(10, {{kUsage, 1.0}}), 100);
  cache.Backfill(a, row(30, {{kUsage, 3.0}}), 100);
  cache.Backfill(a, row(20, {{kUsage, 2.0}}), 100);  // older than the two newest: dropped
  cache.Backfill(a, row(40, {{kUsage, 99.0}, {kNote, std::string("n")}}), 100);
  cache.Backfill({std::string("b")}, row(5, {{kUsage, 9.0}}), 100);
  auto times = Times(cache, 100);
  EXPECT_EQ(times["a"], (std::vector<int64_t>{40, 30}));
  EXPECT_EQ(times["b"], (std::vector<int64_t>{5}));
  for (const LastCacheEntry& entry : cache.Lookup({}, 100)) {
    if (std::get<std::string>(entry.key[0]) == "a") {
      EXPECT_EQ(entry.rows[0].Find(kUsage), Value(4.0));              // the written value stays
      EXPECT_EQ(entry.rows[0].Find(kNote), Value(std::string("n")));  // the missing one is added
    }
  }
  cache.fill_gate().Open();
  EXPECT_TRUE(cache.fill_gate().is_open());
  cache.fill_gate().Wait();  // returns at once
}

// Complete (able to answer for its table) until a row expires, two series meet at one key
// and time, or a fill fails; rows without a key are counted.
TEST(LastCacheTest, CompletenessUntilARowIsLost) {
  LastCache cache(Definition(1, /*ttl_seconds=*/10));
  TableWrite write;
  AddRow(&write, 10, {Host("a"), Usage(1)});
  AddRow(&write, 11, {Usage(2)});
  cache.Insert(write, 0);
  EXPECT_TRUE(cache.CheckComplete(5 * kSecond).complete);
  EXPECT_EQ(cache.CheckComplete(5 * kSecond).rows_without_key, 1);
  // Key a rewritten at 8 s: still complete at 15 s (its row is 7 s old).
  TableWrite again;
  AddRow(&again, 20, {Host("a"), Usage(3)});
  cache.Insert(again, 8 * kSecond);
  EXPECT_TRUE(cache.CheckComplete(15 * kSecond).complete);
  // At 19 s it has expired, and the cache stays incomplete even when written again.
  EXPECT_FALSE(cache.CheckComplete(19 * kSecond).complete);
  cache.Insert(again, 20 * kSecond);
  EXPECT_FALSE(cache.CheckComplete(21 * kSecond).complete);

  LastCache two_series(Definition(1));
  TableWrite collide;
  AddRow(&collide, 10, {Host("a"), {kRegion, std::string("eu"), true}, Usage(1)});
  two_series.Insert(collide, 0);
  EXPECT_TRUE(two_series.CheckComplete(0).complete);
  TableWrite other;
  AddRow(&other, 10, {Host("a"), {kRegion, std::string("us"), true}, Usage(2)});
  two_series.Insert(other, 0);
  EXPECT_FALSE(two_series.CheckComplete(0).complete);

  LastCache failed(Definition(1));
  failed.MarkIncomplete();
  EXPECT_FALSE(failed.CheckComplete(0).complete);
  LastCache unfilled(Definition(1), /*filled=*/false);
  EXPECT_FALSE(unfilled.CheckComplete(0).complete);
}

// Rows of one key and time are one series only when their tags outside the key agree, whether
// or not those tags are value columns; the same series written twice is a duplicate point.
TEST(LastCacheTest, SeriesAtOneKeyAndTimeAreToldApartByAllTheirTags) {
  catalog::LastCacheDefinition listed = Definition(1);
  listed.all_value_columns = false;
  listed.value_column_ids = {kUsage, 0};  // region is not a value column
  for (const catalog::LastCacheDefinition& definition : {Definition(1), listed}) {
    auto write = [](std::vector<TestCell> cells) {
      TableWrite w;
      AddRow(&w, 10, std::move(cells));
      return w;
    };
    LastCache same(definition);
    same.Insert(write({Host("a"), {kRegion, std::string("eu"), true}, Usage(1)}), 0);
    same.Insert(write({Host("a"), {kRegion, std::string("eu"), true}, Usage(2)}), 0);
    EXPECT_TRUE(same.CheckComplete(0).complete);
    EXPECT_EQ(std::get<double>(same.Lookup({}, 0)[0].rows[0].Find(kUsage)), 2.0);

    LastCache fewer_tags(definition);
    fewer_tags.Insert(write({Host("a"), {kRegion, std::string("eu"), true}, Usage(1)}), 0);
    fewer_tags.Insert(write({Host("a"), Usage(2)}), 0);  // the series without a region
    EXPECT_FALSE(fewer_tags.CheckComplete(0).complete);

    LastCache filled(definition, /*filled=*/false);
    filled.Insert(write({Host("a"), {kRegion, std::string("eu"), true}, Usage(1)}), 0);
    LastRow row;
    row.time = 10;
    row.Add(kUsage, 5.0);
    row.Add(kRegion, std::string("us"), /*tag=*/true);
    filled.Backfill({std::string("a")}, row, 0);
    filled.fill_gate().Open();
    EXPECT_FALSE(filled.CheckComplete(0).complete);
  }
}

TEST(LastCacheTest, OlderRowDoesNotReplaceNewer) {
  LastCache cache(Definition(1));
  TableWrite first;
  AddRow(&first, 50, {Host("a"), Usage(5)});
  cache.Insert(first, 100);
  TableWrite late;
  AddRow(&late, 40, {Host("a"), Usage(4)});
  cache.Insert(late, 101);
  auto entries = cache.Lookup({}, 101);
  ASSERT_EQ(entries.size(), 1u);
  ASSERT_EQ(entries[0].rows.size(), 1u);
  EXPECT_EQ(entries[0].rows[0].time, 50);
  EXPECT_EQ(std::get<double>(entries[0].rows[0].Find(kUsage)), 5.0);
}

TEST(LastCacheTest, DuplicatePointMergesFields) {
  LastCache cache(Definition(1));
  TableWrite w;
  AddRow(&w, 50, {Host("a"), Usage(5), {kNote, std::string("x")}});
  AddRow(&w, 50, {Host("a"), Usage(6)});
  cache.Insert(w, 100);
  auto entries = cache.Lookup({}, 100);
  ASSERT_EQ(entries.size(), 1u);
  const LastRow& row = entries[0].rows[0];
  EXPECT_EQ(std::get<double>(row.Find(kUsage)), 6.0);
  EXPECT_EQ(std::get<std::string>(row.Find(kNote)), "x");
}

TEST(LastCacheTest, TtlCountsFromInsertion) {
  LastCache cache(Definition(3, /*ttl_seconds=*/10));
  TableWrite w1;
  AddRow(&w1, 1, {Host("a"), Usage(1)});
  cache.Insert(w1, 0);
  TableWrite w2;
  AddRow(&w2, 2, {Host("a"), Usage(2)});
  AddRow(&w2, 3, {Host("b"), Usage(2)});
  cache.Insert(w2, 5 * kSecond);
  EXPECT_EQ(Times(cache, 9 * kSecond)["a"], (std::vector<int64_t>{2, 1}));
  auto later = Times(cache, 12 * kSecond);
  EXPECT_EQ(later["a"], (std::vector<int64_t>{2}));
  EXPECT_EQ(Times(cache, 16 * kSecond).size(), 0u);
  EXPECT_EQ(cache.key_count(), 2u);
  cache.EvictExpired(16 * kSecond);
  EXPECT_EQ(cache.key_count(), 0u);
}

TEST(LastCacheTest, ExpiredRowsMakeRoomForOlderOnes) {
  LastCache cache(Definition(1, 10));
  TableWrite w1;
  AddRow(&w1, 100, {Host("a"), Usage(1)});
  cache.Insert(w1, 0);
  TableWrite w2;
  AddRow(&w2, 50, {Host("a"), Usage(2)});
  cache.Insert(w2, 20 * kSecond);
  EXPECT_EQ(Times(cache, 20 * kSecond)["a"], (std::vector<int64_t>{50}));
}

TEST(LastCacheTest, RowsWithoutTheKeyAreSkippedAndMissingFieldsAreNull) {
  LastCache cache(Definition(1));
  TableWrite w;
  AddRow(&w, 1, {Usage(1)});
  AddRow(&w, 2, {Host("a"), {kNote, std::string("n")}});
  cache.Insert(w, 0);
  auto entries = cache.Lookup({}, 0);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<std::monostate>(entries[0].rows[0].Find(kUsage)));
}

TEST(LastCacheTest, AllValueColumnsIncludeColumnsAddedLaterButExplicitListDoesNot) {
  LastCache all(Definition(1));
  catalog::LastCacheDefinition listed = Definition(1);
  listed.all_value_columns = false;
  listed.value_column_ids = {kUsage, 0};
  LastCache some(listed);
  TableWrite w;
  AddRow(&w, 1, {Host("a"), Usage(1), {7, int64_t{42}}});
  all.Insert(w, 0);
  some.Insert(w, 0);
  EXPECT_EQ(std::get<int64_t>(all.Lookup({}, 0)[0].rows[0].Find(7)), 42);
  EXPECT_TRUE(std::holds_alternative<std::monostate>(some.Lookup({}, 0)[0].rows[0].Find(7)));
  EXPECT_EQ(std::get<double>(some.Lookup({}, 0)[0].rows[0].Find(kUsage)), 1.0);
}

TEST(LastCacheTest, FiltersOnKeysSelectEntries) {
  catalog::LastCacheDefinition d = Definition(1);
  d.key_column_ids = {kRegion, kHost};
  LastCache cache(d);
  TableWrite w;
  AddRow(&w, 1, {{kRegion, std::string("eu"), true}, Host("a")});
  AddRow(&w, 2, {{kRegion, std::string("eu"), true}, Host("b")});
  AddRow(&w, 3, {{kRegion, std::string("us"), true}, Host("c")});
  cache.Insert(w, 0);
  auto hosts = [&](std::vector<ColumnFilter> filters) {
    std::vector<std::string> out;
    for (const auto& entry : cache.Lookup(filters, 0)) {
      out.push_back(std::get<std::string>(entry.key[1]));
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  ColumnFilter eu{std::vector<Value>{std::string("eu")}, {}};
  ColumnFilter not_a{std::nullopt, {std::string("a")}};
  ColumnFilter any;
  EXPECT_EQ(hosts({eu}), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(hosts({eu, not_a}), (std::vector<std::string>{"b"}));
  EXPECT_EQ(hosts({any, not_a}), (std::vector<std::string>{"b", "c"}));
  // Direct lookups of every combination of allowed values.
  ColumnFilter regions{std::vector<Value>{std::string("eu"), std::string("us")}, {}};
  ColumnFilter ac{std::vector<Value>{std::string("a"), std::string("c"), std::string("z")}, {}};
  EXPECT_EQ(hosts({regions, ac}), (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(hosts({ColumnFilter{std::vector<Value>{}, {}}}), std::vector<std::string>{});
}

TEST(LastCacheTest, NewerRowsReplaceTheOldestWithTheirOwnValues) {
  LastCache cache(Definition(2));
  for (int i = 1; i <= 6; ++i) {
    TableWrite w;
    if (i % 2 == 0) {
      AddRow(&w, i * 10, {Host("a"), Usage(i), {kNote, std::string(static_cast<size_t>(i), 'n')}});
    } else {
      AddRow(&w, i * 10, {Host("a"), {kNote, int64_t{i}}});
    }
    cache.Insert(w, i);
  }
  auto entries = cache.Lookup({}, 6);
  ASSERT_EQ(entries.size(), 1u);
  ASSERT_EQ(entries[0].rows.size(), 2u);
  const LastRow& newest = entries[0].rows[0];
  EXPECT_EQ(newest.time, 60);
  EXPECT_EQ(newest.inserted_ns, 6);
  EXPECT_EQ(std::get<double>(newest.Find(kUsage)), 6.0);
  EXPECT_EQ(std::get<std::string>(newest.Find(kNote)), "nnnnnn");
  const LastRow& older = entries[0].rows[1];
  EXPECT_EQ(older.time, 50);
  EXPECT_TRUE(std::holds_alternative<std::monostate>(older.Find(kUsage)));
  EXPECT_EQ(std::get<int64_t>(older.Find(kNote)), 5);
}

TEST(LastCacheTest, IntegerAndBoolKeys) {
  catalog::LastCacheDefinition d = Definition(1);
  d.key_column_ids = {5, 6};
  LastCache cache(d);
  TableWrite w;
  AddRow(&w, 1, {{5, int64_t{7}}, {6, true}, Usage(1)});
  AddRow(&w, 2, {{5, int64_t{7}}, {6, false}, Usage(2)});
  AddRow(&w, 3, {{5, int64_t{7}}, {6, true}, Usage(3)});
  cache.Insert(w, 0);
  auto entries = cache.Lookup({ColumnFilter{std::vector<Value>{int64_t{7}}, {}},
                               ColumnFilter{std::vector<Value>{true}, {}}},
                              0);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].rows[0].time, 3);
}

}  // namespace
}  // namespace strata::cache
