// Tests of StringArena: stable addresses, giving back the tail, reuse after Reset.
#include "lineprotocol/string_arena.h"

#include <cstring>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"

namespace strata::lineprotocol {
namespace {

TEST(StringArenaTest, BuffersKeepTheirAddressesAndContents) {
  StringArena arena;
  std::vector<std::string_view> views;
  for (int i = 0; i < 2000; ++i) {
    const size_t size = 1 + (i * 37) % 300;
    char* data = arena.Allocate(size);
    std::memset(data, 'a' + i % 26, size);
    views.emplace_back(data, size);
  }
  for (int i = 0; i < 2000; ++i) {
    const std::string_view view = views[i];
    EXPECT_EQ(view.size(), 1 + (i * 37) % 300u);
    EXPECT_EQ(view.find_first_not_of(static_cast<char>('a' + i % 26)), std::string_view::npos);
    EXPECT_TRUE(arena.Contains(view.data(), view.size()));
  }
}

TEST(StringArenaTest, LargeAllocationsGetTheirOwnBlock) {
  StringArena arena;
  char* small = arena.Allocate(10);
  char* large = arena.Allocate(1 << 20);
  std::memset(large, 'x', 1 << 20);
  EXPECT_TRUE(arena.Contains(large, 1 << 20));
  EXPECT_TRUE(arena.Contains(small, 10));
  EXPECT_EQ(arena.bytes_used(), 10u + (1 << 20));
}

TEST(StringArenaTest, ShrinkLastGivesBackTheTail) {
  StringArena arena;
  char* first = arena.Allocate(100);
  arena.ShrinkLast(first, 40);
  EXPECT_EQ(arena.bytes_used(), 40u);
  char* second = arena.Allocate(8);
  EXPECT_EQ(second, first + 40);
}

TEST(StringArenaTest, ContainsRejectsForeignMemory) {
  StringArena arena;
  char local[16] = {};
  arena.Allocate(10);
  EXPECT_FALSE(arena.Contains(local, sizeof(local)));
  char* data = arena.Allocate(10);
  EXPECT_TRUE(arena.Contains(data, 10));
  // A range that runs past the end of the block is not contained.
  EXPECT_FALSE(arena.Contains(data, 1 << 30));
}

TEST(StringArenaTest, ResetReusesTheLargestBlock) {
  StringArena arena;
  arena.Allocate(10);
  char* large = arena.Allocate(1 << 20);
  arena.Reset();
  EXPECT_EQ(arena.bytes_used(), 0u);
  char* again = arena.Allocate(1 << 20);
  EXPECT_EQ(again, large);
}

}  // namespace
}  // namespace strata::lineprotocol
