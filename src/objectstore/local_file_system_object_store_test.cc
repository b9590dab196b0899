// Tests for what is particular to LocalFileSystemObjectStore: the files on disk, temporary files
// left by a crash, symbolic links and foreign files below the root, directory clean-up, the
// link(2) fallback of PutIfAbsent. The shared contract is tested in object_store_test.cc.
#include "objectstore/local_file_system_object_store.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <latch>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "fmt/format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace strata::objectstore {
namespace {

namespace fs = std::filesystem;

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

ObjectPath Path(std::string_view text) {
  absl::StatusOr<ObjectPath> path = ObjectPath::Parse(text);
  EXPECT_TRUE(path.ok()) << path.status();
  return path.ok() ? *path : ObjectPath();
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void WriteFile(const fs::path& path, std::string_view bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

class LocalFileSystemObjectStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "/local_object_store_test.XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    root_ = dir_ / "objects";
    Reopen();
  }

  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  void Reopen() {
    store_.reset();
    absl::StatusOr<std::unique_ptr<LocalFileSystemObjectStore>> store =
        LocalFileSystemObjectStore::Open(root_.string());
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  void Put(std::string_view path, std::string_view bytes) {
    absl::Status status = store_->Put(Path(path), bytes);
    ASSERT_TRUE(status.ok()) << status;
  }

  std::vector<std::string> ListPaths(const ObjectPath& prefix) {
    absl::StatusOr<std::vector<ObjectMeta>> objects = store_->List(prefix);
    EXPECT_TRUE(objects.ok()) << objects.status();
    std::vector<std::string> paths;
    if (objects.ok()) {
      for (const ObjectMeta& object : *objects) {
        paths.push_back(object.path.str());
      }
    }
    return paths;
  }

  // Returns the paths, relative to the root, of every temporary file below it.
  std::vector<std::string> TempFiles() {
    std::vector<std::string> found;
    for (const fs::directory_entry& entry : fs::recursive_directory_iterator(root_)) {
      if (entry.path().filename().string().starts_with(
              LocalFileSystemObjectStore::kTempFilePrefix)) {
        found.push_back(fs::relative(entry.path(), root_).string());
      }
    }
    std::sort(found.begin(), found.end());
    return found;
  }

  fs::path dir_;
  fs::path root_;
  std::unique_ptr<LocalFileSystemObjectStore> store_;
};

TEST_F(LocalFileSystemObjectStoreTest, ObjectsAreFilesBelowTheRoot) {
  Put("dbs/1/tables/2/00000001.parquet", "parquet bytes");
  EXPECT_EQ(ReadFile(root_ / "dbs/1/tables/2/00000001.parquet"), "parquet bytes");
  EXPECT_EQ(store_->Description(), "file:" + root_.string());
  EXPECT_THAT(TempFiles(), IsEmpty());
  // Objects outlive the store.
  Reopen();
  absl::StatusOr<std::string> bytes = store_->Get(Path("dbs/1/tables/2/00000001.parquet"));
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  EXPECT_EQ(*bytes, "parquet bytes");
}

TEST_F(LocalFileSystemObjectStoreTest, OpenCreatesTheRootWithItsParents) {
  fs::path nested = dir_ / "x" / "y" / "z";
  absl::StatusOr<std::unique_ptr<LocalFileSystemObjectStore>> store =
      LocalFileSystemObjectStore::Open(nested.string() + "/");
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_TRUE(fs::is_directory(nested));
  EXPECT_EQ((*store)->root(), nested.string());

  WriteFile(dir_ / "a-file", "not a directory");
  absl::StatusOr<std::unique_ptr<LocalFileSystemObjectStore>> on_file =
      LocalFileSystemObjectStore::Open((dir_ / "a-file").string());
  ASSERT_FALSE(on_file.ok());
  EXPECT_THAT(on_file.status().message(), HasSubstr("a-file"));
}

TEST_F(LocalFileSystemObjectStoreTest, CrashLeftoverTempFilesAreIgnoredThenRemoved) {
  Put("a/b/object", "kept");
  Put("top", "kept too");
  WriteFile(root_ / ".tmp-00000000deadbeef", "partial");
  WriteFile(root_ / "a" / ".tmp-0123456789abcdef", "partial");
  WriteFile(root_ / "a" / "b" / ".tmp-ffffffffffffffff", "");
  fs::create_directories(root_ / "a" / ".tmp-a-directory");  // not a temporary file
  EXPECT_THAT(ListPaths(ObjectPath()), ElementsAre("a/b/object", "top"));
  EXPECT_THAT(ListPaths(Path("a")), ElementsAre("a/b/object"));

  absl::StatusOr<uint64_t> removed = store_->CleanupTempFiles();
  ASSERT_TRUE(removed.ok()) << removed.status();
  EXPECT_EQ(*removed, 3u);
  EXPECT_THAT(TempFiles(), ElementsAre("a/.tmp-a-directory"));
  EXPECT_THAT(ListPaths(ObjectPath()), ElementsAre("a/b/object", "top"));
  EXPECT_EQ(ReadFile(root_ / "a/b/object"), "kept");

  removed = store_->CleanupTempFiles();
  ASSERT_TRUE(removed.ok()) << removed.status();
  EXPECT_EQ(*removed, 0u);
}

TEST_F(LocalFileSystemObjectStoreTest, MakeObjectStoreRemovesLeftoverTempFiles) {
  Put("a/object", "kept");
  WriteFile(root_ / "a" / ".tmp-0000000000000001", "partial");
  store_.reset();
  absl::StatusOr<std::unique_ptr<ObjectStore>> store = MakeObjectStore("file", dir_.string());
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_THAT(TempFiles(), IsEmpty());
  absl::StatusOr<std::string> bytes = (*store)->Get(Path("a/object"));
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  EXPECT_EQ(*bytes, "kept");
}

TEST_F(LocalFileSystemObjectStoreTest, CleanupSparesPutsInProgress) {
  constexpr int kPuts = 60;
  std::atomic<bool> done{false};
  std::atomic<int> cleanups{0};
  std::thread cleaner([&] {
    while (!done) {
      absl::StatusOr<uint64_t> removed = store_->CleanupTempFiles();
      EXPECT_TRUE(removed.ok()) << removed.status();
      EXPECT_EQ(removed.value_or(0), 0u);
      ++cleanups;
    }
  });
  for (int i = 0; i < kPuts; ++i) {
    absl::Status status = store_->Put(Path(fmt::format("p/{}", i % 7)), std::string(5000, 'p'));
    EXPECT_TRUE(status.ok()) << status;
  }
  done = true;
  cleaner.join();
  EXPECT_GT(cleanups.load(), 0);
  EXPECT_THAT(TempFiles(), IsEmpty());
}

TEST_F(LocalFileSystemObjectStoreTest, SymbolicLinksBelowTheRootAreNotFollowed) {
  fs::path outside = dir_ / "outside";
  WriteFile(outside / "secret", "do not read");
  fs::create_directories(root_ / "a");
  fs::create_directory_symlink(outside, root_ / "link");
  fs::create_symlink(outside / "secret", root_ / "a" / "file");

  EXPECT_TRUE(absl::IsNotFound(store_->Get(Path("link/secret")).status()));
  EXPECT_TRUE(absl::IsNotFound(store_->GetRange(Path("link/secret"), 0, 1).status()));
  EXPECT_TRUE(absl::IsNotFound(store_->Head(Path("link/secret")).status()));
  EXPECT_TRUE(absl::IsNotFound(store_->Get(Path("a/file")).status()));
  EXPECT_TRUE(absl::IsNotFound(store_->Head(Path("a/file")).status()));
  EXPECT_THAT(ListPaths(ObjectPath()), IsEmpty());
  EXPECT_THAT(ListPaths(Path("link")), IsEmpty());

  absl::Status put = store_->Put(Path("link/new"), "x");
  EXPECT_EQ(put.code(), absl::StatusCode::kFailedPrecondition) << put;
  EXPECT_FALSE(fs::exists(outside / "new"));
  EXPECT_TRUE(store_->Delete(Path("link/secret")).ok());
  EXPECT_EQ(ReadFile(outside / "secret"), "do not read");

  // A put replaces the link itself, not its target.
  Put("a/file", "an object");
  EXPECT_FALSE(fs::is_symlink(root_ / "a" / "file"));
  EXPECT_EQ(ReadFile(root_ / "a" / "file"), "an object");
  EXPECT_EQ(ReadFile(outside / "secret"), "do not read");
}

TEST_F(LocalFileSystemObjectStoreTest, ForeignFilesAreIgnored) {
  Put("d/object", "x");
  WriteFile(root_ / "d" / "has space", "foreign");
  WriteFile(root_ / "d" / ".hidden", "foreign");
  WriteFile(root_ / "caf\xc3\xa9", "foreign");
  fs::create_directories(root_ / "bad dir");
  WriteFile(root_ / "bad dir" / "x", "foreign");
  ASSERT_EQ(mkfifo((root_ / "d" / "fifo").c_str(), 0600), 0);
  EXPECT_THAT(ListPaths(ObjectPath()), ElementsAre("d/object"));
  // A FIFO is not an object, and opening it must not block.
  EXPECT_TRUE(absl::IsNotFound(store_->Get(Path("d/fifo")).status()));
  EXPECT_TRUE(absl::IsNotFound(store_->Head(Path("d/fifo")).status()));
}

TEST_F(LocalFileSystemObjectStoreTest, DeleteRemovesDirectoriesItEmpties) {
  Put("a/b/c/d", "1");
  Put("a/x", "2");
  ASSERT_TRUE(store_->Delete(Path("a/b/c/d")).ok());
  EXPECT_FALSE(fs::exists(root_ / "a" / "b"));
  EXPECT_TRUE(fs::exists(root_ / "a" / "x"));
  ASSERT_TRUE(store_->Delete(Path("a/x")).ok());
  EXPECT_FALSE(fs::exists(root_ / "a"));
  EXPECT_TRUE(fs::is_directory(root_));
  // Directories emptied by a crash go when a delete passes through them.
  fs::create_directories(root_ / "e" / "f" / "g");
  ASSERT_TRUE(store_->Delete(Path("e/f/g/missing")).ok());
  EXPECT_FALSE(fs::exists(root_ / "e"));
}

TEST_F(LocalFileSystemObjectStoreTest, AnEmptyDirectoryDoesNotBlockAPut) {
  fs::create_directories(root_ / "e" / "f");
  fs::create_directories(root_ / "g");
  Put("e/f", "over an empty directory");
  EXPECT_EQ(ReadFile(root_ / "e" / "f"), "over an empty directory");
  ASSERT_TRUE(store_->PutIfAbsent(Path("g"), "also").ok());
  EXPECT_EQ(ReadFile(root_ / "g"), "also");
}

TEST_F(LocalFileSystemObjectStoreTest, FailedPutsLeaveNoTempFiles) {
  Put("t/1/file", "f");
  EXPECT_FALSE(store_->Put(Path("t/1"), "x").ok());
  EXPECT_FALSE(store_->PutIfAbsent(Path("t/1/file"), "x").ok());
  EXPECT_THAT(TempFiles(), IsEmpty());
}

TEST_F(LocalFileSystemObjectStoreTest, PutIfAbsentWithLinkInsteadOfRenameNoReplace) {
  store_->DisableRenameNoReplaceForTesting();
  ASSERT_TRUE(store_->PutIfAbsent(Path("s/1"), "first").ok());
  absl::Status second = store_->PutIfAbsent(Path("s/1"), "second");
  EXPECT_TRUE(absl::IsAlreadyExists(second)) << second;
  EXPECT_EQ(ReadFile(root_ / "s" / "1"), "first");

  constexpr int kThreads = 8;
  for (int round = 0; round < 10; ++round) {
    ObjectPath path = Path(fmt::format("race/{}", round));
    std::latch start(kThreads);
    std::atomic<int> winners{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        start.arrive_and_wait();
        absl::Status status = store_->PutIfAbsent(path, fmt::format("{}", t));
        if (status.ok()) {
          ++winners;
        } else {
          EXPECT_TRUE(absl::IsAlreadyExists(status)) << status;
        }
      });
    }
    for (std::thread& thread : threads) {
      thread.join();
    }
    EXPECT_EQ(winners.load(), 1) << "round " << round;
  }
  EXPECT_THAT(TempFiles(), IsEmpty());
}

}  // namespace
}  // namespace strata::objectstore
