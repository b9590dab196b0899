// The ObjectStore contract, tested against every implementation (the file system store and the
// memory store, both made by MakeObjectStore): round trips, ranged reads, listing, deletes,
// put-if-absent races, prefix conflicts, atomicity under concurrency, counters.
#include "objectstore/object_store.h"

#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <latch>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "fmt/format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace strata::objectstore {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

ObjectPath Path(std::string_view text) {
  absl::StatusOr<ObjectPath> path = ObjectPath::Parse(text);
  EXPECT_TRUE(path.ok()) << path.status();
  return path.ok() ? *path : ObjectPath();
}

std::vector<std::string> Paths(const std::vector<ObjectMeta>& objects) {
  std::vector<std::string> paths;
  for (const ObjectMeta& object : objects) {
    paths.push_back(object.path.str());
  }
  return paths;
}

// Bytes 0..255 repeated, so that NULs and high bytes round-trip too.
std::string BinaryBytes(size_t size) {
  std::string bytes(size, '\0');
  for (size_t i = 0; i < size; ++i) {
    bytes[i] = static_cast<char>(i * 7 % 256);
  }
  return bytes;
}

class ObjectStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "/objectstore_test.XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    data_dir_ = pattern;
    absl::StatusOr<std::unique_ptr<ObjectStore>> store = MakeObjectStore(GetParam(), data_dir_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(data_dir_);
  }

  void Put(std::string_view path, std::string_view bytes) {
    absl::Status status = store_->Put(Path(path), bytes);
    ASSERT_TRUE(status.ok()) << status;
  }

  std::string Get(std::string_view path) {
    absl::StatusOr<std::string> bytes = store_->Get(Path(path));
    EXPECT_TRUE(bytes.ok()) << bytes.status();
    return bytes.ok() ? *bytes : "<error>";
  }

  std::vector<std::string> ListPaths(const ObjectPath& prefix) {
    absl::StatusOr<std::vector<ObjectMeta>> objects = store_->List(prefix);
    EXPECT_TRUE(objects.ok()) << objects.status();
    return objects.ok() ? Paths(*objects) : std::vector<std::string>{"<error>"};
  }

  std::string data_dir_;
  std::unique_ptr<ObjectStore> store_;
};

TEST_P(ObjectStoreTest, PutThenGetReturnsTheBytes) {
  Put("a", "hello");
  Put("dbs/1/tables/2/00000001.parquet", BinaryBytes(100000));
  Put("empty", "");
  EXPECT_EQ(Get("a"), "hello");
  EXPECT_EQ(Get("dbs/1/tables/2/00000001.parquet"), BinaryBytes(100000));
  EXPECT_EQ(Get("empty"), "");
}

TEST_P(ObjectStoreTest, PutReplacesAnExistingObject) {
  Put("x/y", "first version, longer");
  Put("x/y", "second");
  EXPECT_EQ(Get("x/y"), "second");
  absl::StatusOr<ObjectMeta> meta = store_->Head(Path("x/y"));
  ASSERT_TRUE(meta.ok()) << meta.status();
  EXPECT_EQ(meta->size, 6u);
  EXPECT_THAT(ListPaths(ObjectPath()), ElementsAre("x/y"));
}

TEST_P(ObjectStoreTest, MissingObjectsAreNotFoundNamingThePath) {
  Put("a/b", "x");
  for (std::string_view missing : {"nope", "a/c", "a/b/c", "a", "z/y/x"}) {
    absl::StatusOr<std::string> bytes = store_->Get(Path(missing));
    ASSERT_FALSE(bytes.ok()) << missing;
    EXPECT_TRUE(absl::IsNotFound(bytes.status())) << bytes.status();
    EXPECT_THAT(bytes.status().message(), HasSubstr(std::string(missing)));
    EXPECT_TRUE(absl::IsNotFound(store_->GetRange(Path(missing), 0, 0).status())) << missing;
    EXPECT_TRUE(absl::IsNotFound(store_->Head(Path(missing)).status())) << missing;
  }
}

TEST_P(ObjectStoreTest, TheRootNamesNoObject) {
  EXPECT_EQ(store_->Put(ObjectPath(), "x").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->PutIfAbsent(ObjectPath(), "x").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Get(ObjectPath()).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->GetRange(ObjectPath(), 0, 0).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Head(ObjectPath()).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Delete(ObjectPath()).code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(ObjectStoreTest, GetRangeReturnsExactlyTheRange) {
  std::string bytes = BinaryBytes(10000);
  Put("r", bytes);
  struct Range {
    uint64_t offset;
    uint64_t length;
  };
  for (Range range : std::vector<Range>{
           {0, 10000}, {0, 1}, {0, 0}, {9999, 1}, {10000, 0}, {5000, 0}, {1234, 4321}, {1, 9999}}) {
    absl::StatusOr<std::string> got = store_->GetRange(Path("r"), range.offset, range.length);
    ASSERT_TRUE(got.ok()) << range.offset << "+" << range.length << ": " << got.status();
    EXPECT_EQ(*got, bytes.substr(range.offset, range.length))
        << range.offset << "+" << range.length;
  }
}

TEST_P(ObjectStoreTest, GetRangeOutsideTheObjectIsOutOfRange) {
  Put("r", std::string(100, 'x'));
  absl::StatusOr<std::string> past_end = store_->GetRange(Path("r"), 90, 11);
  ASSERT_FALSE(past_end.ok());
  EXPECT_EQ(past_end.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(past_end.status().message(),
              HasSubstr("get range of r: 11 bytes at offset 90 reach past the end of the object "
                        "(100 bytes)"));

  absl::StatusOr<std::string> offset_past_end = store_->GetRange(Path("r"), 101, 0);
  EXPECT_EQ(offset_past_end.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(offset_past_end.status().message(), HasSubstr("offset 101 is past the end"));

  // offset + length would overflow 64 bits.
  EXPECT_EQ(store_->GetRange(Path("r"), 50, UINT64_MAX - 10).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->GetRange(Path("r"), UINT64_MAX, 1).status().code(),
            absl::StatusCode::kOutOfRange);

  Put("empty", "");
  EXPECT_EQ(store_->GetRange(Path("empty"), 0, 1).status().code(), absl::StatusCode::kOutOfRange);
}

TEST_P(ObjectStoreTest, GetRangeRefusesOverlongLengths) {
  Put("r", "abc");
  absl::StatusOr<std::string> got =
      store_->GetRange(Path("r"), 0, ObjectStore::kMaxRangeLength + 1);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(got.status().message(), HasSubstr("above the limit"));
}

TEST_P(ObjectStoreTest, HeadReportsSizeAndModificationTime) {
  auto before = std::chrono::system_clock::now();
  Put("h/obj", std::string(1234, 'h'));
  auto after = std::chrono::system_clock::now();
  absl::StatusOr<ObjectMeta> meta = store_->Head(Path("h/obj"));
  ASSERT_TRUE(meta.ok()) << meta.status();
  EXPECT_EQ(meta->path.str(), "h/obj");
  EXPECT_EQ(meta->size, 1234u);
  // File systems keep coarser clocks than system_clock; allow for it.
  EXPECT_GE(meta->last_modified, before - std::chrono::seconds(2));
  EXPECT_LE(meta->last_modified, after + std::chrono::seconds(2));
}

TEST_P(ObjectStoreTest, ListIsSortedSegmentWiseAndRecursive) {
  for (std::string_view path : {"a/b/2", "a/b/1", "a/bc", "a-b/c", "a/b/d/e/f", "z", "a/b0"}) {
    Put(path, std::string(path.size(), 'x'));
  }
  EXPECT_THAT(ListPaths(ObjectPath()),
              ElementsAre("a-b/c", "a/b/1", "a/b/2", "a/b/d/e/f", "a/b0", "a/bc", "z"));
  EXPECT_THAT(ListPaths(Path("a/b")), ElementsAre("a/b/1", "a/b/2", "a/b/d/e/f"));
  EXPECT_THAT(ListPaths(Path("a")), ElementsAre("a/b/1", "a/b/2", "a/b/d/e/f", "a/b0", "a/bc"));
  EXPECT_THAT(ListPaths(Path("a/b/d")), ElementsAre("a/b/d/e/f"));
  // An object is not below itself; prefixes with nothing below them list nothing.
  EXPECT_THAT(ListPaths(Path("z")), ElementsAre());
  EXPECT_THAT(ListPaths(Path("a/bc")), ElementsAre());
  EXPECT_THAT(ListPaths(Path("missing/prefix")), ElementsAre());
  EXPECT_THAT(ListPaths(Path("a/b/1/x")), ElementsAre());

  absl::StatusOr<std::vector<ObjectMeta>> objects = store_->List(Path("a/b"));
  ASSERT_TRUE(objects.ok());
  for (const ObjectMeta& object : *objects) {
    EXPECT_EQ(object.size, object.path.str().size()) << object.path;
  }
}

TEST_P(ObjectStoreTest, DeleteIsIdempotent) {
  Put("d/1", "one");
  Put("d/2", "two");
  EXPECT_TRUE(store_->Delete(Path("d/1")).ok());
  EXPECT_TRUE(absl::IsNotFound(store_->Get(Path("d/1")).status()));
  EXPECT_TRUE(store_->Delete(Path("d/1")).ok());
  EXPECT_TRUE(store_->Delete(Path("never/was/here")).ok());
  EXPECT_TRUE(store_->Delete(Path("d/2/below/an/object")).ok());
  EXPECT_THAT(ListPaths(ObjectPath()), ElementsAre("d/2"));
  EXPECT_EQ(Get("d/2"), "two");
  // A prefix of objects is not an object: deleting it deletes nothing.
  Put("p/q/r", "r");
  EXPECT_TRUE(store_->Delete(Path("p/q")).ok());
  EXPECT_THAT(ListPaths(Path("p")), ElementsAre("p/q/r"));
  EXPECT_TRUE(store_->Delete(Path("d/2")).ok());
  EXPECT_TRUE(store_->Delete(Path("p/q/r")).ok());
  EXPECT_THAT(ListPaths(ObjectPath()), ElementsAre());
  // The paths can be used again, also as prefixes of other objects.
  Put("d/1/x", "again");
  EXPECT_EQ(Get("d/1/x"), "again");
}

TEST_P(ObjectStoreTest, PutIfAbsentCreatesOnlyOnce) {
  EXPECT_TRUE(store_->PutIfAbsent(Path("snapshots/00000001"), "first").ok());
  absl::Status second = store_->PutIfAbsent(Path("snapshots/00000001"), "second");
  EXPECT_TRUE(absl::IsAlreadyExists(second)) << second;
  EXPECT_THAT(second.message(), HasSubstr("snapshots/00000001"));
  EXPECT_EQ(Get("snapshots/00000001"), "first");
  EXPECT_TRUE(store_->Delete(Path("snapshots/00000001")).ok());
  EXPECT_TRUE(store_->PutIfAbsent(Path("snapshots/00000001"), "third").ok());
  EXPECT_EQ(Get("snapshots/00000001"), "third");
  // Put still replaces what PutIfAbsent created.
  Put("snapshots/00000001", "fourth");
  EXPECT_EQ(Get("snapshots/00000001"), "fourth");
}

TEST_P(ObjectStoreTest, PutIfAbsentRaceHasExactlyOneWinner) {
  constexpr int kThreads = 8;
  constexpr int kRounds = 25;
  for (int round = 0; round < kRounds; ++round) {
    ObjectPath path = Path(fmt::format("claims/{:08}", round));
    std::vector<absl::Status> results(kThreads);
    std::latch start(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        start.arrive_and_wait();
        results[t] = store_->PutIfAbsent(path, fmt::format("claimed by {}", t));
      });
    }
    for (std::thread& thread : threads) {
      thread.join();
    }
    int winner = -1;
    for (int t = 0; t < kThreads; ++t) {
      if (results[t].ok()) {
        EXPECT_EQ(winner, -1) << "round " << round << ": threads " << winner << " and " << t
                              << " both claimed the path";
        winner = t;
      } else {
        EXPECT_TRUE(absl::IsAlreadyExists(results[t])) << results[t];
      }
    }
    ASSERT_NE(winner, -1) << "round " << round << ": nobody claimed the path";
    EXPECT_EQ(Get(path.str()), fmt::format("claimed by {}", winner));
  }
  EXPECT_EQ(ListPaths(Path("claims")).size(), static_cast<size_t>(kRounds));
}

TEST_P(ObjectStoreTest, AnObjectCannotAlsoBeAPrefix) {
  Put("t/1/file", "f");
  absl::Status over_directory = store_->Put(Path("t/1"), "x");
  EXPECT_EQ(over_directory.code(), absl::StatusCode::kFailedPrecondition) << over_directory;
  EXPECT_THAT(over_directory.message(), HasSubstr("t/1"));
  EXPECT_EQ(store_->PutIfAbsent(Path("t/1"), "x").code(), absl::StatusCode::kFailedPrecondition);
  absl::Status below_object = store_->Put(Path("t/1/file/deeper"), "x");
  EXPECT_EQ(below_object.code(), absl::StatusCode::kFailedPrecondition) << below_object;
  EXPECT_EQ(store_->PutIfAbsent(Path("t/1/file/deeper/still"), "x").code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(ListPaths(ObjectPath()), ElementsAre("t/1/file"));
  EXPECT_EQ(Get("t/1/file"), "f");
}

// The bytes writer `writer` puts in its iteration `iteration`: a header naming both, then a
// body whose length and letter depend on them, so a reader can tell a whole value from a torn one.
std::string Value(int writer, int iteration) {
  size_t length = static_cast<size_t>(writer * 7919 + iteration * 104729) % 20000;
  return fmt::format("{}:{}:", writer, iteration) +
         std::string(length, static_cast<char>('a' + (writer + iteration) % 26));
}

// Returns true if `bytes` is exactly some Value(writer, iteration).
bool IsWholeValue(const std::string& bytes) {
  int writer = 0;
  int iteration = 0;
  if (sscanf(bytes.c_str(), "%d:%d:", &writer, &iteration) != 2) {
    return false;
  }
  return bytes == Value(writer, iteration);
}

TEST_P(ObjectStoreTest, ConcurrentRequestsSeeWholeObjects) {
  constexpr int kThreads = 6;
  constexpr int kIterations = 150;
  const std::vector<std::string> paths = {"c/0/x", "c/0/y", "c/1/x", "c/1/y/z", "c/2"};
  std::atomic<int> failures{0};
  std::atomic<int> whole_reads{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kIterations; ++i) {
        const std::string& text = paths[static_cast<size_t>(t * 31 + i * 7) % paths.size()];
        absl::StatusOr<ObjectPath> path = ObjectPath::Parse(text);
        if (!path.ok()) {
          ++failures;
          return;
        }
        switch ((t + i) % 4) {
          case 0: {
            absl::Status status = store_->Put(*path, Value(t, i));
            if (!status.ok()) {
              ADD_FAILURE() << "put " << text << ": " << status;
              ++failures;
            }
            break;
          }
          case 1: {
            absl::StatusOr<std::string> bytes = store_->Get(*path);
            if (bytes.ok()) {
              if (IsWholeValue(*bytes)) {
                ++whole_reads;
              } else {
                ADD_FAILURE() << "get " << text << " returned a torn value of " << bytes->size()
                              << " bytes";
                ++failures;
              }
            } else if (!absl::IsNotFound(bytes.status())) {
              ADD_FAILURE() << "get " << text << ": " << bytes.status();
              ++failures;
            }
            break;
          }
          case 2: {
            absl::StatusOr<std::vector<ObjectMeta>> objects = store_->List(Path("c"));
            if (!objects.ok()) {
              ADD_FAILURE() << "list: " << objects.status();
              ++failures;
            } else if (!std::is_sorted(objects->begin(),
                                       objects->end(),
                                       [](const ObjectMeta& a, const ObjectMeta& b) {
                                         return a.path < b.path;
                                       })) {
              ADD_FAILURE() << "list is not sorted";
              ++failures;
            }
            break;
          }
          case 3: {
            absl::Status status = store_->Delete(*path);
            if (!status.ok()) {
              ADD_FAILURE() << "delete " << text << ": " << status;
              ++failures;
            }
            break;
          }
        }
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(failures.load(), 0);
  // Everything left behind is whole.
  absl::StatusOr<std::vector<ObjectMeta>> objects = store_->List(ObjectPath());
  ASSERT_TRUE(objects.ok()) << objects.status();
  for (const ObjectMeta& object : *objects) {
    std::string bytes = Get(object.path.str());
    EXPECT_TRUE(IsWholeValue(bytes)) << object.path;
    EXPECT_EQ(bytes.size(), object.size);
  }
}

TEST_P(ObjectStoreTest, StatsCountRequestsBytesAndErrors) {
  Put("s/1", "12345");
  ASSERT_TRUE(store_->PutIfAbsent(Path("s/2"), "123").ok());
  EXPECT_FALSE(store_->PutIfAbsent(Path("s/2"), "1234567").ok());
  EXPECT_EQ(Get("s/1"), "12345");
  EXPECT_TRUE(store_->GetRange(Path("s/1"), 1, 2).ok());
  EXPECT_FALSE(store_->Get(Path("s/missing")).ok());
  EXPECT_TRUE(store_->Head(Path("s/1")).ok());
  EXPECT_TRUE(store_->List(Path("s")).ok());
  EXPECT_TRUE(store_->Delete(Path("s/1")).ok());
  EXPECT_TRUE(store_->Delete(Path("s/1")).ok());
  ObjectStoreStats stats = store_->stats();
  EXPECT_EQ(stats.puts, 3u);
  EXPECT_EQ(stats.gets, 3u);
  EXPECT_EQ(stats.heads, 1u);
  EXPECT_EQ(stats.lists, 1u);
  EXPECT_EQ(stats.deletes, 2u);
  EXPECT_EQ(stats.errors, 2u);
  EXPECT_EQ(stats.bytes_put, 8u);
  EXPECT_EQ(stats.bytes_read, 7u);
}

TEST_P(ObjectStoreTest, DescriptionNamesTheStore) {
  if (GetParam() == "file") {
    EXPECT_EQ(store_->Description(), "file:" + data_dir_ + "/objects");
  } else {
    EXPECT_EQ(store_->Description(), "memory");
  }
}

INSTANTIATE_TEST_SUITE_P(Stores,
                         ObjectStoreTest,
                         ::testing::Values("file", "memory"),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                           return param_info.param;
                         });

TEST(MakeObjectStoreTest, RejectsUnknownKinds) {
  for (std::string_view kind : {"s3", "", "File", "mem"}) {
    absl::StatusOr<std::unique_ptr<ObjectStore>> store = MakeObjectStore(kind, "/nonexistent");
    ASSERT_FALSE(store.ok()) << kind;
    EXPECT_EQ(store.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(store.status().message(),
                HasSubstr(fmt::format("unknown object store kind \"{}\" (expected \"file\" or "
                                      "\"memory\")",
                                      kind)));
  }
}

}  // namespace
}  // namespace strata::objectstore
