// The catalog's immutable schema objects: columns, tables, databases and the snapshot that holds
// them all. A snapshot never changes once built; a catalog change builds a new snapshot that
// shares every unchanged table and database with the previous one (copy-on-write).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "catalog/cache_definitions.h"
#include "types/data_type.h"

namespace strata::catalog {

// What a column holds. Tags and fields share one name space per table; every table has exactly one
// time column, named "time", with id 0.
enum class ColumnKind : uint8_t { kTag, kField, kTime };

// The name of the time column every table has.
inline constexpr std::string_view kTimeColumnName = "time";

// The id of the time column in every table.
inline constexpr uint32_t kTimeColumnId = 0;

// Returns the name users see for a column's type, in line protocol words: "tag", "float",
// "integer", "uinteger", "string", "boolean" or "timestamp". Used in error messages such as
// "invalid column type for column 'x', expected float, got integer".
std::string_view ColumnTypeName(ColumnKind kind, TypeId type);

// Returns "tag", "field" or "time".
std::string_view ColumnKindName(ColumnKind kind);

// True when `type` is a valid type for a column of `kind`: kDictionary for tags, kTimestamp for
// time, and kFloat64, kInt64, kUInt64, kString or kBool for fields.
bool IsValidColumnType(ColumnKind kind, TypeId type);

// Hash and equality for maps keyed by std::string that are looked up by std::string_view without
// building a string (absl::string_view is not std::string_view on this platform).
struct NameHash {
  using is_transparent = void;
  size_t operator()(std::string_view name) const { return absl::Hash<std::string_view>{}(name); }
};
struct NameEq {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const { return a == b; }
};

// A map from an owned name to a value, looked up by std::string_view.
template <typename Value>
using NameMap = absl::flat_hash_map<std::string, Value, NameHash, NameEq>;

// One column of a table. Its id is stable for the life of the table and unique within it.
struct ColumnSchema {
  uint32_t id = 0;
  std::string name;
  ColumnKind kind = ColumnKind::kField;
  TypeId type = TypeId::kFloat64;

  friend bool operator==(const ColumnSchema&, const ColumnSchema&) = default;
};

// A table (a line protocol measurement): its columns, indexed by id and by name. Column ids are
// dense: columns()[i].id == i, and column 0 is the time column. Immutable and shared between
// snapshots; a change to a table builds a new TableSchema.
class TableSchema {
 public:
  // Builds a table. REQUIRES: columns[i].id == i, columns[0] is the time column, names are unique
  // and each column's type is valid for its kind (checked: a violation is a bug).
  TableSchema(uint32_t id, std::string name, std::vector<ColumnSchema> columns);

  // Returns a table holding only the time column.
  static std::shared_ptr<const TableSchema> MakeNew(uint32_t id, std::string name);

  uint32_t id() const { return id_; }
  const std::string& name() const { return name_; }

  // All columns, in id order.
  const std::vector<ColumnSchema>& columns() const { return columns_; }
  size_t column_count() const { return columns_.size(); }

  // The id the next added column gets.
  uint32_t next_column_id() const { return static_cast<uint32_t>(columns_.size()); }

  // Returns the column named `name`, or nullptr. The pointer lives as long as this table.
  const ColumnSchema* FindColumn(std::string_view name) const;

  // Returns the column with id `id`, or nullptr.
  const ColumnSchema* ColumnById(uint32_t id) const {
    return id < columns_.size() ? &columns_[id] : nullptr;
  }

  // Returns a copy of this table with `added` appended; their ids must continue the sequence
  // (added[i].id == next_column_id() + i).
  // The caches keep their definitions.
  std::shared_ptr<const TableSchema> WithColumns(std::vector<ColumnSchema> added) const;

  // The last-value and distinct-value caches defined on this table (never null).
  const TableCaches& caches() const { return *caches_; }

  // Returns a copy of this table with `caches` as its cache definitions.
  std::shared_ptr<const TableSchema> WithCaches(TableCaches caches) const;

 private:
  uint32_t id_;
  std::string name_;
  std::vector<ColumnSchema> columns_;
  NameMap<uint32_t> ids_by_name_;
  std::shared_ptr<const TableCaches> caches_;
};

// A database: its tables, indexed by id and by name. Table ids are dense: tables()[i]->id() == i.
// Immutable and shared between snapshots.
class DatabaseSchema {
 public:
  // Builds a database. REQUIRES: tables[i]->id() == i and table names are unique (checked).
  DatabaseSchema(uint32_t id,
                 std::string name,
                 std::vector<std::shared_ptr<const TableSchema>> tables);

  uint32_t id() const { return id_; }
  const std::string& name() const { return name_; }

  // All tables, in id order.
  const std::vector<std::shared_ptr<const TableSchema>>& tables() const { return tables_; }
  size_t table_count() const { return tables_.size(); }

  // The id the next created table gets.
  uint32_t next_table_id() const { return static_cast<uint32_t>(tables_.size()); }

  // Returns the table named `name`, or nullptr. The pointer lives as long as this database.
  const TableSchema* FindTable(std::string_view name) const;

  // Returns the table with id `id`, or nullptr.
  const TableSchema* TableById(uint32_t id) const {
    return id < tables_.size() ? tables_[id].get() : nullptr;
  }

  // Returns a copy of this database in which `table` replaces the table with the same id, or is
  // appended when table->id() == next_table_id(). Shares every other table, and the name index when
  // no table is added.
  std::shared_ptr<const DatabaseSchema> WithTable(std::shared_ptr<const TableSchema> table) const;

 private:
  DatabaseSchema(uint32_t id,
                 std::string name,
                 std::vector<std::shared_ptr<const TableSchema>> tables,
                 std::shared_ptr<const NameMap<uint32_t>> ids_by_name);

  uint32_t id_;
  std::string name_;
  std::vector<std::shared_ptr<const TableSchema>> tables_;
  std::shared_ptr<const NameMap<uint32_t>> ids_by_name_;
};

// An authentication token as the catalog keeps it: never the token itself, only the hex SHA-512
// of it (auth/token.h), so a copy of the catalog file grants nothing. docs/catalog.md ("Tokens").
struct TokenInfo {
  // The operator token's name (InfluxDB 3's): the admin token created first, and regenerated.
  static constexpr std::string_view kOperatorName = "_admin";
  // The only permission there is so far: everything (InfluxDB 3's spelling of an admin token).
  static constexpr std::string_view kAdminPermission = "*:*:*";

  uint64_t id = 0;
  std::string name;
  // Lower-case hex of the token's SHA-512 digest: 128 characters.
  std::string hash;
  // Milliseconds since the epoch.
  int64_t created_at_ms = 0;
  // Milliseconds since the epoch after which the token is refused; none: never expires.
  std::optional<int64_t> expiry_ms;
  std::vector<std::string> permissions;

  bool operator==(const TokenInfo&) const = default;
};

// The whole catalog at one moment: every database, indexed by id and by name, and a sequence number
// that grows by one with every persisted change. Readers hold a std::shared_ptr to a snapshot;
// every pointer they get from it lives as long as the snapshot.
class CatalogSnapshot {
 public:
  // Builds a snapshot. REQUIRES: databases[i]->id() == i and database names are unique (checked).
  CatalogSnapshot(uint64_t sequence, std::vector<std::shared_ptr<const DatabaseSchema>> databases);

  // Returns an empty catalog with sequence 0.
  static std::shared_ptr<const CatalogSnapshot> MakeEmpty();

  uint64_t sequence() const { return sequence_; }

  // All databases, in id order.
  const std::vector<std::shared_ptr<const DatabaseSchema>>& databases() const { return databases_; }
  size_t database_count() const { return databases_.size(); }

  // The number of tables over all databases (what --max-tables limits).
  size_t total_table_count() const { return total_table_count_; }

  // The id the next created database gets.
  uint32_t next_database_id() const { return static_cast<uint32_t>(databases_.size()); }

  // Returns the database named `name`, or nullptr.
  const DatabaseSchema* FindDatabase(std::string_view name) const;

  // Returns the database with id `id`, or nullptr.
  const DatabaseSchema* DatabaseById(uint32_t id) const {
    return id < databases_.size() ? databases_[id].get() : nullptr;
  }

  // Returns the table `table` of database `database`, or nullptr if either does not exist.
  const TableSchema* FindTable(std::string_view database, std::string_view table) const;

  // Returns a copy of this snapshot with sequence `sequence` in which `database` replaces the
  // database with the same id, or is appended when database->id() == next_database_id().
  std::shared_ptr<const CatalogSnapshot> WithDatabase(
      std::shared_ptr<const DatabaseSchema> database, uint64_t sequence) const;

  // Every token, in id order. Lookups scan them all (there are few), comparing in constant time.
  const std::vector<TokenInfo>& tokens() const { return *tokens_; }

  // Returns the token named `name`, or nullptr.
  const TokenInfo* FindToken(std::string_view name) const;

  // Returns a copy of this snapshot with sequence `sequence` whose tokens are `tokens` (sharing
  // every database). REQUIRES: ids and names unique (checked).
  std::shared_ptr<const CatalogSnapshot> WithTokens(std::vector<TokenInfo> tokens,
                                                    uint64_t sequence) const;

  // True when both snapshots hold the same databases, tables and columns with the same ids, and
  // the same tokens (sequence numbers are not compared).
  bool SameContentAs(const CatalogSnapshot& other) const;

 private:
  CatalogSnapshot(uint64_t sequence,
                  std::vector<std::shared_ptr<const DatabaseSchema>> databases,
                  std::shared_ptr<const NameMap<uint32_t>> ids_by_name);

  uint64_t sequence_;
  std::vector<std::shared_ptr<const DatabaseSchema>> databases_;
  std::shared_ptr<const NameMap<uint32_t>> ids_by_name_;
  size_t total_table_count_ = 0;
  // Never null; shared by the snapshots that do not change tokens.
  std::shared_ptr<const std::vector<TokenInfo>> tokens_;
};

}  // namespace strata::catalog
