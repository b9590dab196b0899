// Tests of MemoryPool and MemoryReservation: growing, shrinking and resizing against the limit,
// the refusal message, release on destruction and move, and the limit under concurrent use.
#include "exec/memory_pool.h"

#include <atomic>
#include <random>
#include <thread>
#include <vector>

#include "exec/execution_plan.h"
#include "gtest/gtest.h"

namespace strata::exec {
namespace {

TEST(MemoryPoolTest, FormatsSizes) {
  // FormatByteSize (common/byte_size.h) for sizes, and nothing below zero.
  EXPECT_EQ(FormatMemorySize(1536), "1.5 KiB");
  EXPECT_EQ(FormatMemorySize(int64_t{120} << 20), "120.0 MiB");
  EXPECT_EQ(FormatMemorySize(-1), "0 B");
}

// A per-query pool inside a global one: a reservation must fit in both, the refusal names the
// limit that was hit, and what a query frees (or holds when it ends) goes back to both.
TEST(MemoryPoolTest, ChildPoolsReserveFromTheirParent) {
  auto global = std::make_shared<MemoryPool>(
      1000, "raise --exec-mem-pool-bytes", nullptr, "execution memory pool");
  auto q1 = std::make_shared<MemoryPool>(700, "raise --query-memory-limit", global);
  auto q2 = std::make_shared<MemoryPool>(700, "raise --query-memory-limit", global);
  MemoryReservation a(q1, "SortExec");
  ASSERT_TRUE(a.TryGrow(600).ok());
  EXPECT_EQ(global->reserved(), 600);
  // The query's own limit: 600 + 200 > 700.
  absl::Status own = a.TryGrow(200);
  EXPECT_EQ(own.message(),
            "query memory limit of 700 B exceeded: SortExec needed 200 B more (in use: 600 B, "
            "600 B of it by SortExec); raise --query-memory-limit");
  EXPECT_EQ(q1->reserved(), 600);
  EXPECT_EQ(global->reserved(), 600);
  // The global pool: q2 fits its own 700 but not the 400 left in the pool; q2 keeps nothing.
  MemoryReservation b(q2, "HashJoinExec");
  absl::Status pool = b.TryGrow(500);
  EXPECT_EQ(pool.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(pool.message(),
            "execution memory pool of 1000 B exceeded: HashJoinExec needed 500 B more (in use: "
            "600 B); raise --exec-mem-pool-bytes");
  EXPECT_EQ(q2->reserved(), 0);
  EXPECT_EQ(global->reserved(), 600);
  ASSERT_TRUE(b.TryGrow(400).ok());
  EXPECT_EQ(global->reserved(), 1000);
  a.Free();
  EXPECT_EQ(q1->reserved(), 0);
  EXPECT_EQ(global->reserved(), 400);
  EXPECT_EQ(q1->peak_reserved(), 600);
  { MemoryReservation dropped = std::move(b); }
  EXPECT_EQ(global->reserved(), 0);
  EXPECT_EQ(global->peak_reserved(), 1000);
}

TEST(MemoryPoolTest, GrowShrinkAndResizeWithinTheLimit) {
  auto pool = std::make_shared<MemoryPool>(1000);
  MemoryReservation a(pool, "A");
  MemoryReservation b(pool, "B");
  ASSERT_TRUE(a.TryGrow(600).ok());
  EXPECT_EQ(a.size(), 600);
  EXPECT_EQ(pool->reserved(), 600);

  // B cannot take 500 of the 400 left; nothing changes.
  absl::Status refused = b.TryGrow(500);
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(refused.message(),
            "query memory limit of 1000 B exceeded: B needed 500 B more (in use: 600 B)");
  EXPECT_EQ(b.size(), 0);
  EXPECT_EQ(pool->reserved(), 600);

  // Exactly the limit is allowed.
  ASSERT_TRUE(b.TryGrow(400).ok());
  EXPECT_EQ(pool->reserved(), 1000);
  EXPECT_FALSE(b.TryGrow(1).ok());

  a.Shrink(200);
  EXPECT_EQ(a.size(), 400);
  EXPECT_EQ(pool->reserved(), 800);
  ASSERT_TRUE(b.TryResize(600).ok());  // grows by 200
  EXPECT_EQ(pool->reserved(), 1000);
  ASSERT_TRUE(b.TryResize(100).ok());  // shrinks by 500
  EXPECT_EQ(b.size(), 100);
  EXPECT_EQ(pool->reserved(), 500);
  EXPECT_FALSE(a.TryResize(1000).ok());  // would need 600 more of 500 left
  EXPECT_EQ(a.size(), 400);

  EXPECT_EQ(a.peak(), 600);
  EXPECT_EQ(b.peak(), 600);
  EXPECT_EQ(pool->peak_reserved(), 1000);
  a.Free();
  EXPECT_EQ(a.size(), 0);
  EXPECT_EQ(pool->reserved(), 100);
}

TEST(MemoryPoolTest, RefusalNamesTheConsumerItsHoldingAndTheHint) {
  auto pool =
      std::make_shared<MemoryPool>(int64_t{1} << 20, "raise --query-memory-limit, or add a LIMIT");
  MemoryReservation other(pool, "HashAggregateExec");
  MemoryReservation sort(pool, "SortExec");
  ASSERT_TRUE(other.TryGrow(256 << 10).ok());
  ASSERT_TRUE(sort.TryGrow(512 << 10).ok());
  absl::Status refused = sort.TryGrow(512 << 10);
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(refused.message(),
            "query memory limit of 1.0 MiB exceeded: SortExec needed 512.0 KiB more (in use: "
            "768.0 KiB, 512.0 KiB of it by SortExec); raise --query-memory-limit, or add a LIMIT");
}

TEST(MemoryPoolTest, ReservationsGiveBackOnDestructionAndMove) {
  auto pool = std::make_shared<MemoryPool>(100);
  {
    MemoryReservation a(pool, "A");
    ASSERT_TRUE(a.TryGrow(70).ok());
    MemoryReservation moved(std::move(a));
    EXPECT_EQ(moved.size(), 70);
    EXPECT_EQ(a.size(), 0);  // NOLINT(bugprone-use-after-move): moved-from is empty
    EXPECT_EQ(moved.consumer(), "A");
    EXPECT_EQ(pool->reserved(), 70);

    MemoryReservation b(pool, "B");
    ASSERT_TRUE(b.TryGrow(20).ok());
    b = std::move(moved);  // frees B's 20, takes over A's 70
    EXPECT_EQ(b.size(), 70);
    EXPECT_EQ(b.consumer(), "A");
    EXPECT_EQ(pool->reserved(), 70);
  }
  EXPECT_EQ(pool->reserved(), 0);
  EXPECT_EQ(pool->peak_reserved(), 90);

  // A reservation outlives nothing it needs: it keeps its pool alive.
  MemoryReservation orphan(std::make_shared<MemoryPool>(10), "C");
  ASSERT_TRUE(orphan.TryGrow(10).ok());
  EXPECT_FALSE(orphan.TryGrow(1).ok());

  // A reservation of no pool only counts.
  MemoryReservation detached;
  ASSERT_TRUE(detached.TryGrow(int64_t{1} << 50).ok());
  EXPECT_EQ(detached.size(), int64_t{1} << 50);
}

TEST(MemoryPoolTest, UnlimitedPoolNeverRefusesAndEachContextHasItsOwn) {
  auto context = std::make_shared<TaskContext>();
  ASSERT_NE(context->memory_pool(), nullptr);
  EXPECT_EQ(context->memory_pool()->limit(), MemoryPool::kUnlimited);
  MemoryReservation huge(context->memory_pool(), "X");
  ASSERT_TRUE(huge.TryGrow(int64_t{1} << 60).ok());
  ASSERT_TRUE(huge.TryGrow(int64_t{1} << 60).ok());
  EXPECT_EQ(context->memory_pool()->reserved(), int64_t{1} << 61);
  EXPECT_NE(TaskContext().memory_pool(), context->memory_pool());

  auto shared = std::make_shared<MemoryPool>(5);
  context->set_memory_pool(shared);
  EXPECT_EQ(context->memory_pool(), shared);
}

// Threads grow and shrink reservations of one pool at random; the pool never goes past its limit
// and ends empty, and the limit really was contended (some requests refused).
TEST(MemoryPoolTest, ConcurrentReservationsStayWithinTheLimit) {
  constexpr int64_t kLimit = 1'000'000;
  auto pool = std::make_shared<MemoryPool>(kLimit);
  std::atomic<int64_t> refused{0};
  std::atomic<int64_t> granted{0};
  std::atomic<bool> over_limit{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 random(static_cast<uint32_t>(t));
      std::uniform_int_distribution<int64_t> size(1, 50'000);
      MemoryReservation reservation(pool, "thread");
      for (int i = 0; i < 20'000; ++i) {
        if (reservation.size() > 0 && random() % 3 == 0) {
          reservation.Shrink(std::min(reservation.size(), size(random)));
        } else if (reservation.TryGrow(size(random)).ok()) {
          granted.fetch_add(1);
        } else {
          refused.fetch_add(1);
        }
        if (pool->reserved() > kLimit) {
          over_limit = true;
        }
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_FALSE(over_limit.load());
  EXPECT_LE(pool->peak_reserved(), kLimit);
  EXPECT_EQ(pool->reserved(), 0);
  EXPECT_GT(granted.load(), 0);
  EXPECT_GT(refused.load(), 0);
}

}  // namespace
}  // namespace strata::exec
