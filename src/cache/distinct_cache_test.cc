#include "cache/distinct_cache.h"

#include "absl/strings/str_join.h"
#include "cache/cache_test_rows.h"
#include "fmt/format.h"
#include "gtest/gtest.h"

namespace strata::cache {
namespace {

constexpr int64_t kSecond = 1'000'000'000;
constexpr uint32_t kRegion = 1, kHost = 2, kUsage = 3, kNote = 4;

catalog::DistinctCacheDefinition Definition(int64_t max_cardinality = 100,
                                            int64_t max_age_seconds = 3600) {
  catalog::DistinctCacheDefinition d;
  d.name = "d";
  d.column_ids = {kRegion, kHost};
  d.max_cardinality = max_cardinality;
  d.max_age_seconds = max_age_seconds;
  return d;
}

void Add(DistinctCache* cache, int64_t now, std::vector<std::vector<TestCell>> rows) {
  TableWrite w;
  for (auto& cells : rows) {
    AddRow(&w, 0, std::move(cells));
  }
  cache->Insert(w, now);
}

TestCell Region(std::string r) {
  return {kRegion, std::move(r), true};
}
TestCell Host(std::string h) {
  return {kHost, std::move(h), true};
}

std::string Tuples(const DistinctCache& cache,
                   int64_t now,
                   std::vector<ColumnFilter> filters = {},
                   std::optional<int64_t> limit = std::nullopt) {
  std::vector<std::string> out;
  for (const auto& tuple : cache.Lookup(filters, limit, now)) {
    std::vector<std::string> parts;
    for (const Value& v : tuple) {
      parts.push_back(std::holds_alternative<std::string>(v) ? std::get<std::string>(v) : "NULL");
    }
    out.push_back(absl::StrJoin(parts, "/"));
  }
  return absl::StrJoin(out, " ");
}

// A fill's tuples join the written ones (duplicates once), all-NULL tuples are skipped, and
// max_cardinality holds as for writes.
TEST(DistinctCacheTest, BackfillAddsTuplesWithinTheCardinality) {
  DistinctCache cache(Definition(4), /*filled=*/false);
  EXPECT_FALSE(cache.fill_gate().is_open());
  Add(&cache, 0, {{Region("us"), Host("a")}});
  cache.Backfill({{"us", "a"}, {"eu", std::nullopt}, {std::nullopt, std::nullopt}, {"us", "b"}}, 0);
  EXPECT_EQ(Tuples(cache, 0), "eu/NULL us/a us/b");
  EXPECT_EQ(cache.cardinality(), 3);
  cache.Backfill({{"ap", "x"}, {"ap", "y"}, {"ap", "z"}}, 1);
  EXPECT_LE(cache.cardinality(), 4);
}

// Complete until a tuple leaves (max_cardinality, max_age) or a row lacks every column.
TEST(DistinctCacheTest, CompletenessUntilATupleIsLost) {
  DistinctCache cache(Definition(3, /*max_age_seconds=*/10));
  Add(&cache, 0, {{Region("us"), Host("a")}, {Region("us"), Host("b")}});
  EXPECT_TRUE(cache.IsComplete(5 * kSecond));
  EXPECT_FALSE(cache.IsComplete(11 * kSecond));  // expired

  DistinctCache full(Definition(3));
  Add(&full, 0, {{Region("us"), Host("a")}, {Region("us"), Host("b")}, {Region("us"), Host("c")}});
  EXPECT_TRUE(full.IsComplete(0));
  Add(&full, 0, {{Region("us"), Host("d")}});
  EXPECT_FALSE(full.IsComplete(0));

  DistinctCache without(Definition());
  Add(&without, 0, {{{kUsage, 1.0}}});
  EXPECT_FALSE(without.IsComplete(0));
}

TEST(DistinctCacheTest, DistinctTuplesInOrderWithNulls) {
  DistinctCache cache(Definition());
  Add(&cache,
      0,
      {{Region("us"), Host("b"), {kUsage, 1.0}},
       {Region("eu"), Host("z")},
       {Region("us"), Host("a")},
       {Region("us"), Host("b")},
       {Host("lonely")},
       {{kUsage, 2.0}},
       {Region("eu"), {kNote, std::string("n")}}});
  EXPECT_EQ(Tuples(cache, 0), "NULL/lonely eu/NULL eu/z us/a us/b");
  EXPECT_EQ(cache.cardinality(), 5);
}

TEST(DistinctCacheTest, FiltersAndLimit) {
  DistinctCache cache(Definition());
  Add(&cache, 0, {{Region("us"), Host("a")}, {Region("us"), Host("b")}, {Region("eu"), Host("c")}});
  ColumnFilter us{std::vector<Value>{std::string("us")}, {}};
  ColumnFilter not_a{std::nullopt, {std::string("a")}};
  EXPECT_EQ(Tuples(cache, 0, {us}), "us/a us/b");
  EXPECT_EQ(Tuples(cache, 0, {ColumnFilter{}, not_a}), "eu/c us/b");
  EXPECT_EQ(Tuples(cache, 0, {}, 2), "eu/c us/a");
  EXPECT_EQ(Tuples(cache, 0, {us}, 1), "us/a");
}

TEST(DistinctCacheTest, ExpiresByAge) {
  DistinctCache cache(Definition(100, 10));
  Add(&cache, 0, {{Region("us"), Host("a")}, {Region("us"), Host("b")}});
  Add(&cache, 8 * kSecond, {{Region("us"), Host("b")}});
  EXPECT_EQ(Tuples(cache, 12 * kSecond), "us/b");
  EXPECT_EQ(cache.cardinality(), 2);
  Add(&cache, 12 * kSecond, {{Region("eu"), Host("c")}});
  EXPECT_EQ(cache.cardinality(), 2);  // the expired tuple was removed by the write
  EXPECT_EQ(Tuples(cache, 12 * kSecond), "eu/c us/b");
}

TEST(DistinctCacheTest, EvictsLeastRecentlySeenBeyondMaxCardinality) {
  DistinctCache cache(Definition(/*max_cardinality=*/10));
  for (int i = 0; i < 10; ++i) {
    Add(&cache, i, {{Region("r"), Host(fmt::format("h{}", i))}});
  }
  EXPECT_EQ(cache.cardinality(), 10);
  Add(&cache, 3, {{Region("r"), Host("h0")}});  // h0 seen again: now newer than h1, h2
  Add(&cache, 20, {{Region("r"), Host("h10")}});
  // 11 > 10: pruned to 9, dropping the two least recently seen (h1, h2).
  EXPECT_EQ(cache.cardinality(), 9);
  EXPECT_EQ(Tuples(cache, 20), "r/h0 r/h10 r/h3 r/h4 r/h5 r/h6 r/h7 r/h8 r/h9");
}

TEST(DistinctCacheTest, EvictionAmongEqualAgesRemovesExactlyTheExcess) {
  DistinctCache cache(Definition(/*max_cardinality=*/4));
  Add(&cache,
      1,
      {{Region("a"), Host("1")},
       {Region("a"), Host("2")},
       {Region("b"), Host("3")},
       {Region("b"), Host("4")},
       {Region("c"), Host("5")}});
  EXPECT_EQ(cache.cardinality(), 4);
  EXPECT_EQ(cache.Lookup({}, std::nullopt, 1).size(), 4u);
}

}  // namespace
}  // namespace strata::cache
