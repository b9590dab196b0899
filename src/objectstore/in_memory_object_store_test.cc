// Tests for what is particular to InMemoryObjectStore: fault injection and its size counters.
// The shared contract is tested in object_store_test.cc.
#include "objectstore/in_memory_object_store.h"

#include <string>
#include <vector>

#include "fmt/format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace strata::objectstore {
namespace {

using ::testing::HasSubstr;

ObjectPath Path(std::string_view text) {
  absl::StatusOr<ObjectPath> path = ObjectPath::Parse(text);
  EXPECT_TRUE(path.ok()) << path.status();
  return path.ok() ? *path : ObjectPath();
}

TEST(InMemoryObjectStoreTest, FailNextFailsThatManyRequestsWithoutEffect) {
  InMemoryObjectStore store;
  store.FailNext(ObjectStoreOperation::kPut, 2, absl::UnavailableError("injected put failure"));
  for (int i = 0; i < 2; ++i) {
    absl::Status status = store.Put(Path("a"), "x");
    EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
    EXPECT_THAT(status.message(), HasSubstr("injected put failure"));
    EXPECT_EQ(store.object_count(), 0u);
  }
  // Other operations were never affected.
  EXPECT_TRUE(store.PutIfAbsent(Path("b"), "y").ok());
  EXPECT_TRUE(store.Put(Path("a"), "x").ok());
  EXPECT_EQ(store.object_count(), 2u);
  EXPECT_EQ(store.stats().errors, 2u);

  store.FailNext(ObjectStoreOperation::kDelete, 1, absl::InternalError("injected"));
  store.FailNext(ObjectStoreOperation::kGetRange, 1, absl::InternalError("injected"));
  EXPECT_FALSE(store.Delete(Path("a")).ok());
  EXPECT_TRUE(store.Get(Path("a")).ok());
  EXPECT_FALSE(store.GetRange(Path("a"), 0, 1).ok());
  EXPECT_TRUE(store.GetRange(Path("a"), 0, 1).ok());
  EXPECT_TRUE(store.Delete(Path("a")).ok());
  EXPECT_TRUE(absl::IsNotFound(store.Get(Path("a")).status()));
}

TEST(InMemoryObjectStoreTest, FaultInjectorSeesOperationAndPath) {
  InMemoryObjectStore store;
  ASSERT_TRUE(store.Put(Path("dbs/1/f"), "1").ok());
  ASSERT_TRUE(store.Put(Path("dbs/2/f"), "2").ok());
  std::vector<std::string> seen;
  store.SetFaultInjector([&seen](ObjectStoreOperation operation, const ObjectPath& path) {
    seen.push_back(fmt::format("{} {}", ObjectStoreOperationName(operation), path));
    if (Path("dbs/2").IsPrefixOf(path)) {
      return absl::DataLossError(fmt::format("injected for {}", path));
    }
    return absl::OkStatus();
  });
  EXPECT_TRUE(store.Get(Path("dbs/1/f")).ok());
  absl::StatusOr<std::string> failed = store.Get(Path("dbs/2/f"));
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(store.Put(Path("dbs/2/g"), "x").code(), absl::StatusCode::kDataLoss);
  EXPECT_TRUE(store.List(Path("dbs")).ok());
  EXPECT_EQ(store.Head(Path("dbs/2/f")).status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(seen,
              testing::ElementsAre(
                  "get dbs/1/f", "get dbs/2/f", "put dbs/2/g", "list dbs", "head dbs/2/f"));

  // FailNext takes precedence; an empty injector removes the hook.
  store.FailNext(ObjectStoreOperation::kGet, 1, absl::AbortedError("first"));
  EXPECT_EQ(store.Get(Path("dbs/1/f")).status().code(), absl::StatusCode::kAborted);
  store.SetFaultInjector({});
  EXPECT_TRUE(store.Get(Path("dbs/2/f")).ok());
  EXPECT_EQ(store.object_count(), 2u);
}

TEST(InMemoryObjectStoreTest, CountsObjectsAndBytes) {
  InMemoryObjectStore store;
  ASSERT_TRUE(store.Put(Path("a"), "12345").ok());
  ASSERT_TRUE(store.Put(Path("b/c"), "123").ok());
  EXPECT_EQ(store.object_count(), 2u);
  EXPECT_EQ(store.total_bytes(), 8u);
  ASSERT_TRUE(store.Put(Path("a"), "1").ok());
  EXPECT_EQ(store.total_bytes(), 4u);
  ASSERT_TRUE(store.Delete(Path("b/c")).ok());
  EXPECT_EQ(store.object_count(), 1u);
  EXPECT_EQ(store.total_bytes(), 1u);
}

}  // namespace
}  // namespace strata::objectstore
