// The catalog: databases, tables and columns with stable ids, readable by many threads at once
// through immutable snapshots, changed rarely and atomically, and persisted crash-safely in one
// file. Model, names, limits and file format: docs/catalog.md.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "catalog/schema.h"

namespace strata::catalog {

// How large the catalog may grow. Each limit is a server flag; hitting one gives a
// ResourceExhausted error that names the limit and its flag. All must be positive.
struct CatalogLimits {
  // Databases in the catalog (--max-databases).
  int64_t max_databases = 10'000;
  // Tables over all databases together (--max-tables).
  int64_t max_tables = 100'000;
  // Columns of one table, counting its time column (--max-columns-per-table).
  int64_t max_columns_per_table = 2'000;

  // The error messages for each limit, shared by the catalog and write validation so that users
  // see one wording (InfluxDB 3's, plus the flag that raises the limit).
  std::string DatabaseLimitMessage() const;
  std::string TableLimitMessage() const;
  std::string ColumnLimitMessage() const;
};

// Returns InfluxDB 3's message for a column written with a type other than its own:
// "invalid column type for column 'x', expected float, got integer".
std::string ColumnTypeConflictMessage(std::string_view column,
                                      ColumnKind existing_kind,
                                      TypeId existing_type,
                                      ColumnKind got_kind,
                                      TypeId got_type);

// A column to ensure: created if absent, otherwise it must already have this kind and type.
struct ColumnChange {
  std::string name;
  ColumnKind kind = ColumnKind::kField;  // kTag or kField; time columns are created with tables
  TypeId type = TypeId::kFloat64;        // kDictionary for tags
};

// A table to ensure (created if absent, with its time column) and the columns it must have.
struct TableChange {
  std::string name;
  std::vector<ColumnChange> columns;
};

// A database to ensure (created if absent) and the tables it must have.
struct DatabaseChange {
  std::string name;
  std::vector<TableChange> tables;
};

// A set of additions applied atomically and persisted once (see Catalog::Apply). New objects get
// ids in the order they are listed here.
struct CatalogChanges {
  std::vector<DatabaseChange> databases;
};

// The catalog of one server. Thread-safe: snapshot() never blocks on a change in progress;
// changes are serialized by a mutex, validated against the latest state, persisted, and then
// published atomically.
class Catalog {
 public:
  // The file the catalog lives in, inside the catalog directory, and the temporary file a change is
  // written to before it is renamed over it.
  static constexpr std::string_view kFileName = "catalog.json";
  static constexpr std::string_view kTempFileName = "catalog.json.tmp";

  // Opens the catalog persisted in `directory` (created if missing; empty catalog if it holds no
  // catalog file). A temporary file left by a crash is removed. A catalog file that cannot be read
  // or parsed is a DataLoss error: the server must not start with an empty catalog by mistake.
  // InvalidArgument when a limit is not positive.
  static absl::StatusOr<std::unique_ptr<Catalog>> Open(std::string directory, CatalogLimits limits);

  // Returns a catalog that is never persisted (for tests and benchmarks).
  static std::unique_ptr<Catalog> CreateInMemory(CatalogLimits limits);

  Catalog(const Catalog&) = delete;
  Catalog& operator=(const Catalog&) = delete;

  // The current state. Cheap (an atomic shared_ptr load); the snapshot stays valid and unchanged
  // for as long as the caller holds it.
  std::shared_ptr<const CatalogSnapshot> snapshot() const { return current_.load(); }

  // Ensures that every database, table and column in `changes` exists: creates what is missing
  // (new ids in listed order) and checks that existing columns have the listed kind and type.
  // Either everything is applied, persisted with one file write and published as one new snapshot,
  // or nothing changes. Returns the snapshot that holds the changes (the current one, unpersisted,
  // when nothing was missing). Errors: InvalidArgument (a bad name or column type),
  // FailedPrecondition (a column exists with another kind or type), ResourceExhausted (a limit),
  // Internal (the catalog file could not be written).
  absl::StatusOr<std::shared_ptr<const CatalogSnapshot>> Apply(const CatalogChanges& changes);

  // Creates an empty database. AlreadyExists when it exists; otherwise as Apply.
  absl::Status CreateDatabase(std::string_view name);

  // What CreateLastCache and CreateDistinctCache did: the database and table ids, the definition
  // (with defaults filled in), and whether it is new (false: an identical one existed).
  template <typename Definition>
  struct CacheCreation {
    uint32_t database_id = 0;
    uint32_t table_id = 0;
    Definition definition;
    bool created = false;
  };

  // Adds a last-value cache to a table and persists it. Creating an identical cache again changes
  // nothing (created=false). Errors: NotFound (database or table), InvalidArgument (a bad column
  // or value, or another cache of that name with a different definition), Internal (persisting).
  absl::StatusOr<CacheCreation<LastCacheDefinition>> CreateLastCache(
      const LastCacheRequest& request);
  absl::StatusOr<CacheCreation<DistinctCacheDefinition>> CreateDistinctCache(
      const DistinctCacheRequest& request);

  // Removes a cache and persists the change; returns the database and table ids. NotFound when
  // the database, the table or the cache does not exist.
  absl::StatusOr<std::pair<uint32_t, uint32_t>> DeleteLastCache(std::string_view database,
                                                                std::string_view table,
                                                                std::string_view name);
  absl::StatusOr<std::pair<uint32_t, uint32_t>> DeleteDistinctCache(std::string_view database,
                                                                    std::string_view table,
                                                                    std::string_view name);
  // The operator token (TokenInfo::kOperatorName, admin, never expires), docs/catalog.md
  // "Tokens". `hash` is auth::HashToken of the new token, made by the caller: the catalog never
  // sees a token. Both persist before they return, like Apply.
  // Adds the operator token. AlreadyExists when there is one; InvalidArgument for a bad hash.
  absl::StatusOr<TokenInfo> CreateOperatorToken(std::string hash, int64_t now_ms);
  // Gives the operator token a new hash (same id and name, new creation time): the old token is
  // refused from when this returns. NotFound when there is no operator token.
  absl::StatusOr<TokenInfo> RegenerateOperatorToken(std::string hash, int64_t now_ms);

  const CatalogLimits& limits() const { return limits_; }

  // The catalog directory; empty for an in-memory catalog.
  const std::string& directory() const { return directory_; }

 private:
  Catalog(std::string directory,
          CatalogLimits limits,
          std::shared_ptr<const CatalogSnapshot> initial);

  // Builds the snapshot `changes` lead to from `base`. Returns `base` when nothing is missing.
  absl::StatusOr<std::shared_ptr<const CatalogSnapshot>> BuildChanged(
      const std::shared_ptr<const CatalogSnapshot>& base, const CatalogChanges& changes) const;

  // Publishes a copy of `base` in which table `table` of database `database` is `changed`.
  absl::Status ReplaceTable(const std::shared_ptr<const CatalogSnapshot>& base,
                            const DatabaseSchema& database,
                            std::shared_ptr<const TableSchema> changed)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(apply_mutex_);

  // Writes `next` to the catalog file (unless in memory) and makes it the current snapshot.
  absl::Status PersistAndPublish(std::shared_ptr<const CatalogSnapshot> next)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(apply_mutex_);

  const std::string directory_;
  const CatalogLimits limits_;
  // Serializes changes, so each one is validated against the state the previous one left.
  absl::Mutex apply_mutex_;
  // Written only with apply_mutex_ held; read without it.
  std::atomic<std::shared_ptr<const CatalogSnapshot>> current_;
};

}  // namespace strata::catalog
