// The catalog: opening and reloading it, and applying changes copy-on-write with one persist each.
#include "catalog/catalog.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <system_error>
#include <utility>

#include "catalog/catalog_file.h"
#include "catalog/names.h"
#include "common/check.h"
#include "common/logging.h"
#include "common/status.h"
#include "fmt/format.h"

namespace strata::catalog {

std::string CatalogLimits::DatabaseLimitMessage() const {
  return fmt::format(
      "Adding a new database would exceed limit of {} databases (raise it with --max-databases)",
      max_databases);
}

std::string CatalogLimits::TableLimitMessage() const {
  return fmt::format(
      "Update to schema would exceed number of tables limit of {} tables (raise it with "
      "--max-tables)",
      max_tables);
}

std::string CatalogLimits::ColumnLimitMessage() const {
  return fmt::format(
      "Update to schema would exceed number of columns per table limit of {} columns (raise it "
      "with --max-columns-per-table)",
      max_columns_per_table);
}

std::string ColumnTypeConflictMessage(std::string_view column,
                                      ColumnKind existing_kind,
                                      TypeId existing_type,
                                      ColumnKind got_kind,
                                      TypeId got_type) {
  return fmt::format("invalid column type for column '{}', expected {}, got {}",
                     column,
                     ColumnTypeName(existing_kind, existing_type),
                     ColumnTypeName(got_kind, got_type));
}

Catalog::Catalog(std::string directory,
                 CatalogLimits limits,
                 std::shared_ptr<const CatalogSnapshot> initial)
    : directory_(std::move(directory)), limits_(limits), current_(std::move(initial)) {}

namespace {

absl::Status CheckLimits(const CatalogLimits& limits) {
  if (limits.max_databases <= 0 || limits.max_tables <= 0 || limits.max_columns_per_table <= 0) {
    return absl::InvalidArgumentError(
        fmt::format("catalog limits must be positive: --max-databases={} --max-tables={} "
                    "--max-columns-per-table={}",
                    limits.max_databases,
                    limits.max_tables,
                    limits.max_columns_per_table));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Catalog>> Catalog::Open(std::string directory,
                                                       CatalogLimits limits) {
  STRATA_RETURN_IF_ERROR(CheckLimits(limits));
  if (directory.empty()) {
    return absl::InvalidArgumentError("catalog directory must not be empty");
  }
  std::error_code error;
  std::filesystem::path path(directory);
  bool created = std::filesystem::create_directories(path, error);
  if (error) {
    return absl::InternalError(
        fmt::format("creating catalog directory {}: {}", directory, error.message()));
  }
  if (created) {
    // Make the new directory's entry durable before any file in it is relied on.
    std::filesystem::path parent = std::filesystem::absolute(path, error).parent_path();
    if (!error) {
      STRATA_RETURN_IF_ERROR(SyncDirectory(parent.string()));
    }
  }

  std::string temp_path = fmt::format("{}/{}", directory, kTempFileName);
  if (::unlink(temp_path.c_str()) == 0) {
    STRATA_LOG_WARN("Removed a catalog temp file left by an interrupted change path={}", temp_path);
  }

  std::string file_path = fmt::format("{}/{}", directory, kFileName);
  absl::StatusOr<std::string> text = ReadWholeFile(file_path);
  std::shared_ptr<const CatalogSnapshot> initial;
  if (absl::IsNotFound(text.status())) {
    initial = CatalogSnapshot::MakeEmpty();
    STRATA_LOG_INFO("No catalog file, starting with an empty catalog path={}", file_path);
  } else if (!text.ok()) {
    return Annotate(text.status(), "reading the catalog");
  } else {
    absl::StatusOr<std::shared_ptr<const CatalogSnapshot>> decoded = DecodeCatalogJson(*text);
    if (!decoded.ok()) {
      return absl::DataLossError(fmt::format(
          "catalog file {} is corrupt ({}); refusing to start with an empty catalog: restore the "
          "file from a backup",
          file_path,
          std::string(decoded.status().message())));
    }
    initial = *std::move(decoded);
    STRATA_LOG_INFO("Catalog loaded path={} sequence={} databases={} tables={}",
                    file_path,
                    initial->sequence(),
                    initial->database_count(),
                    initial->total_table_count());
  }
  return std::unique_ptr<Catalog>(new Catalog(std::move(directory), limits, std::move(initial)));
}

std::unique_ptr<Catalog> Catalog::CreateInMemory(CatalogLimits limits) {
  STRATA_CHECK(CheckLimits(limits).ok());
  return std::unique_ptr<Catalog>(new Catalog("", limits, CatalogSnapshot::MakeEmpty()));
}

absl::StatusOr<std::shared_ptr<const CatalogSnapshot>> Catalog::BuildChanged(
    const std::shared_ptr<const CatalogSnapshot>& base, const CatalogChanges& changes) const {
  const uint64_t sequence = base->sequence() + 1;
  std::shared_ptr<const CatalogSnapshot> result = base;
  int64_t total_tables = static_cast<int64_t>(base->total_table_count());
  bool changed = false;

  for (const DatabaseChange& database_change : changes.databases) {
    std::shared_ptr<const DatabaseSchema> database;
    bool database_changed = false;
    if (const DatabaseSchema* found = result->FindDatabase(database_change.name)) {
      database = result->databases()[found->id()];
    } else {
      STRATA_RETURN_IF_ERROR(ValidateDatabaseName(database_change.name));
      if (static_cast<int64_t>(result->database_count()) >= limits_.max_databases) {
        return absl::ResourceExhaustedError(limits_.DatabaseLimitMessage());
      }
      database =
          std::make_shared<const DatabaseSchema>(result->next_database_id(),
                                                 database_change.name,
                                                 std::vector<std::shared_ptr<const TableSchema>>{});
      database_changed = true;
    }

    for (const TableChange& table_change : database_change.tables) {
      std::shared_ptr<const TableSchema> table;
      bool table_changed = false;
      if (const TableSchema* found = database->FindTable(table_change.name)) {
        table = database->tables()[found->id()];
      } else {
        STRATA_RETURN_IF_ERROR(ValidateTableName(table_change.name));
        if (total_tables >= limits_.max_tables) {
          return absl::ResourceExhaustedError(limits_.TableLimitMessage());
        }
        ++total_tables;
        table = TableSchema::MakeNew(database->next_table_id(), table_change.name);
        table_changed = true;
      }

      std::vector<ColumnSchema> added;
      for (const ColumnChange& column : table_change.columns) {
        if (column.kind == ColumnKind::kTime || !IsValidColumnType(column.kind, column.type)) {
          return absl::InvalidArgumentError(
              fmt::format("column {} of table {}: type {} is not valid for a {} column",
                          QuoteName(column.name),
                          QuoteName(table_change.name),
                          TypeName(column.type),
                          ColumnKindName(column.kind)));
        }
        const ColumnSchema* existing = table->FindColumn(column.name);
        if (existing == nullptr) {
          for (const ColumnSchema& pending : added) {
            if (pending.name == column.name) {
              existing = &pending;
              break;
            }
          }
        }
        if (existing != nullptr) {
          if (existing->kind != column.kind || existing->type != column.type) {
            return absl::FailedPreconditionError(ColumnTypeConflictMessage(
                column.name, existing->kind, existing->type, column.kind, column.type));
          }
          continue;
        }
        STRATA_RETURN_IF_ERROR(ValidateColumnName(column.name));
        if (static_cast<int64_t>(table->column_count() + added.size()) >=
            limits_.max_columns_per_table) {
          return absl::ResourceExhaustedError(limits_.ColumnLimitMessage());
        }
        added.push_back(ColumnSchema{static_cast<uint32_t>(table->column_count() + added.size()),
                                     column.name,
                                     column.kind,
                                     column.type});
      }
      if (!added.empty()) {
        table = table->WithColumns(std::move(added));
        table_changed = true;
      }
      if (table_changed) {
        database = database->WithTable(std::move(table));
        database_changed = true;
      }
    }
    if (database_changed) {
      result = result->WithDatabase(std::move(database), sequence);
      changed = true;
    }
  }
  return changed ? result : base;
}

absl::StatusOr<std::shared_ptr<const CatalogSnapshot>> Catalog::Apply(
    const CatalogChanges& changes) {
  absl::MutexLock lock(&apply_mutex_);
  std::shared_ptr<const CatalogSnapshot> base = current_.load();
  STRATA_ASSIGN_OR_RETURN(std::shared_ptr<const CatalogSnapshot> next, BuildChanged(base, changes));
  if (next == base) {
    return base;
  }
  STRATA_RETURN_IF_ERROR(PersistAndPublish(next));
  return next;
}

absl::Status Catalog::PersistAndPublish(std::shared_ptr<const CatalogSnapshot> next) {
  if (!directory_.empty()) {
    absl::Status status =
        ReplaceFileDurably(directory_, kFileName, kTempFileName, EncodeCatalogJson(*next));
    if (!status.ok()) {
      return absl::InternalError(fmt::format("persisting the catalog (sequence {}): {}",
                                             next->sequence(),
                                             std::string(status.message())));
    }
  }
  current_.store(std::move(next));
  return absl::OkStatus();
}

absl::Status Catalog::CreateDatabase(std::string_view name) {
  STRATA_RETURN_IF_ERROR(ValidateDatabaseName(name));
  if (snapshot()->FindDatabase(name) != nullptr) {
    return absl::AlreadyExistsError(fmt::format("database '{}' already exists", name));
  }
  CatalogChanges changes;
  changes.databases.push_back(DatabaseChange{std::string(name), {}});
  absl::MutexLock lock(&apply_mutex_);
  std::shared_ptr<const CatalogSnapshot> base = current_.load();
  if (base->FindDatabase(name) != nullptr) {
    return absl::AlreadyExistsError(fmt::format("database '{}' already exists", name));
  }
  STRATA_ASSIGN_OR_RETURN(std::shared_ptr<const CatalogSnapshot> next, BuildChanged(base, changes));
  return PersistAndPublish(std::move(next));
}

namespace {

// The table `table` of `database` in `snapshot`, or NotFound naming the missing one.
absl::StatusOr<std::pair<const DatabaseSchema*, const TableSchema*>> FindCacheTable(
    const CatalogSnapshot& snapshot, std::string_view database, std::string_view table) {
  const DatabaseSchema* db = snapshot.FindDatabase(database);
  if (db == nullptr) {
    return absl::NotFoundError(fmt::format("database '{}' not found", database));
  }
  const TableSchema* t = db->FindTable(table);
  if (t == nullptr) {
    return absl::NotFoundError(
        fmt::format("table '{}' not found in database '{}'", table, database));
  }
  return std::make_pair(db, t);
}

}  // namespace

absl::Status Catalog::ReplaceTable(const std::shared_ptr<const CatalogSnapshot>& base,
                                   const DatabaseSchema& database,
                                   std::shared_ptr<const TableSchema> changed) {
  std::shared_ptr<const DatabaseSchema> next_database = database.WithTable(std::move(changed));
  return PersistAndPublish(base->WithDatabase(std::move(next_database), base->sequence() + 1));
}

absl::StatusOr<Catalog::CacheCreation<LastCacheDefinition>> Catalog::CreateLastCache(
    const LastCacheRequest& request) {
  absl::MutexLock lock(&apply_mutex_);
  std::shared_ptr<const CatalogSnapshot> base = current_.load();
  STRATA_ASSIGN_OR_RETURN(auto found, FindCacheTable(*base, request.database, request.table));
  const auto [database, table] = found;
  STRATA_ASSIGN_OR_RETURN(LastCacheDefinition definition, MakeLastCacheDefinition(*table, request));
  CacheCreation<LastCacheDefinition> creation{database->id(), table->id(), definition, false};
  if (const LastCacheDefinition* existing = table->caches().FindLastCache(definition.name)) {
    if (*existing == definition) {
      return creation;
    }
    return absl::InvalidArgumentError(
        fmt::format("a last cache named '{}' already exists on table '{}' with a different "
                    "configuration",
                    definition.name,
                    table->name()));
  }
  TableCaches caches = table->caches();
  caches.last_caches.push_back(definition);
  STRATA_RETURN_IF_ERROR(ReplaceTable(base, *database, table->WithCaches(std::move(caches))));
  creation.created = true;
  return creation;
}

absl::StatusOr<Catalog::CacheCreation<DistinctCacheDefinition>> Catalog::CreateDistinctCache(
    const DistinctCacheRequest& request) {
  absl::MutexLock lock(&apply_mutex_);
  std::shared_ptr<const CatalogSnapshot> base = current_.load();
  STRATA_ASSIGN_OR_RETURN(auto found, FindCacheTable(*base, request.database, request.table));
  const auto [database, table] = found;
  STRATA_ASSIGN_OR_RETURN(DistinctCacheDefinition definition,
                          MakeDistinctCacheDefinition(*table, request));
  CacheCreation<DistinctCacheDefinition> creation{database->id(), table->id(), definition, false};
  if (const DistinctCacheDefinition* existing =
          table->caches().FindDistinctCache(definition.name)) {
    if (*existing == definition) {
      return creation;
    }
    return absl::InvalidArgumentError(
        fmt::format("a distinct cache named '{}' already exists on table '{}' with a different "
                    "configuration",
                    definition.name,
                    table->name()));
  }
  TableCaches caches = table->caches();
  caches.distinct_caches.push_back(definition);
  STRATA_RETURN_IF_ERROR(ReplaceTable(base, *database, table->WithCaches(std::move(caches))));
  creation.created = true;
  return creation;
}

absl::StatusOr<std::pair<uint32_t, uint32_t>> Catalog::DeleteLastCache(std::string_view database,
                                                                       std::string_view table,
                                                                       std::string_view name) {
  absl::MutexLock lock(&apply_mutex_);
  std::shared_ptr<const CatalogSnapshot> base = current_.load();
  STRATA_ASSIGN_OR_RETURN(auto found, FindCacheTable(*base, database, table));
  TableCaches caches = found.second->caches();
  auto& list = caches.last_caches;
  auto it = std::find_if(
      list.begin(), list.end(), [&](const LastCacheDefinition& c) { return c.name == name; });
  if (it == list.end()) {
    return absl::NotFoundError(fmt::format("last cache '{}' not found on table '{}'", name, table));
  }
  list.erase(it);
  STRATA_RETURN_IF_ERROR(
      ReplaceTable(base, *found.first, found.second->WithCaches(std::move(caches))));
  return std::make_pair(found.first->id(), found.second->id());
}

absl::StatusOr<std::pair<uint32_t, uint32_t>> Catalog::DeleteDistinctCache(
    std::string_view database, std::string_view table, std::string_view name) {
  absl::MutexLock lock(&apply_mutex_);
  std::shared_ptr<const CatalogSnapshot> base = current_.load();
  STRATA_ASSIGN_OR_RETURN(auto found, FindCacheTable(*base, database, table));
  TableCaches caches = found.second->caches();
  auto& list = caches.distinct_caches;
  auto it = std::find_if(
      list.begin(), list.end(), [&](const DistinctCacheDefinition& c) { return c.name == name; });
  if (it == list.end()) {
    return absl::NotFoundError(
        fmt::format("distinct cache '{}' not found on table '{}'", name, table));
  }
  list.erase(it);
  STRATA_RETURN_IF_ERROR(
      ReplaceTable(base, *found.first, found.second->WithCaches(std::move(caches))));
  return std::make_pair(found.first->id(), found.second->id());
}

}  // namespace strata::catalog
