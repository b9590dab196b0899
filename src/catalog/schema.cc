// The catalog's immutable schema objects and their copy-on-write updates.
#include "catalog/schema.h"

#include <utility>

#include "common/check.h"

namespace strata::catalog {

std::string_view ColumnTypeName(ColumnKind kind, TypeId type) {
  switch (kind) {
    case ColumnKind::kTag:
      return "tag";
    case ColumnKind::kTime:
      return "timestamp";
    case ColumnKind::kField:
      break;
  }
  switch (type) {
    case TypeId::kFloat64:
      return "float";
    case TypeId::kInt64:
      return "integer";
    case TypeId::kUInt64:
      return "uinteger";
    case TypeId::kString:
      return "string";
    case TypeId::kBool:
      return "boolean";
    case TypeId::kDictionary:
      return "tag";
    case TypeId::kTimestamp:
      return "timestamp";
    case TypeId::kNull:
    case TypeId::kInterval:
      break;
  }
  return "unknown";
}

std::string_view ColumnKindName(ColumnKind kind) {
  switch (kind) {
    case ColumnKind::kTag:
      return "tag";
    case ColumnKind::kField:
      return "field";
    case ColumnKind::kTime:
      return "time";
  }
  return "unknown";
}

bool IsValidColumnType(ColumnKind kind, TypeId type) {
  switch (kind) {
    case ColumnKind::kTag:
      return type == TypeId::kDictionary;
    case ColumnKind::kTime:
      return type == TypeId::kTimestamp;
    case ColumnKind::kField:
      return type == TypeId::kFloat64 || type == TypeId::kInt64 || type == TypeId::kUInt64 ||
             type == TypeId::kString || type == TypeId::kBool;
  }
  return false;
}

// ---- TableSchema ----

TableSchema::TableSchema(uint32_t id, std::string name, std::vector<ColumnSchema> columns)
    : id_(id),
      name_(std::move(name)),
      columns_(std::move(columns)),
      caches_(std::make_shared<const TableCaches>()) {
  STRATA_CHECK(!columns_.empty());
  STRATA_CHECK(columns_[0].kind == ColumnKind::kTime);
  ids_by_name_.reserve(columns_.size());
  for (size_t i = 0; i < columns_.size(); ++i) {
    const ColumnSchema& column = columns_[i];
    STRATA_CHECK_EQ(column.id, i);
    STRATA_CHECK(IsValidColumnType(column.kind, column.type));
    STRATA_CHECK(i == 0 || column.kind != ColumnKind::kTime);
    bool inserted = ids_by_name_.emplace(column.name, column.id).second;
    STRATA_CHECK(inserted);
  }
}

std::shared_ptr<const TableSchema> TableSchema::MakeNew(uint32_t id, std::string name) {
  std::vector<ColumnSchema> columns;
  columns.push_back(ColumnSchema{
      kTimeColumnId, std::string(kTimeColumnName), ColumnKind::kTime, TypeId::kTimestamp});
  return std::make_shared<const TableSchema>(id, std::move(name), std::move(columns));
}

const ColumnSchema* TableSchema::FindColumn(std::string_view name) const {
  auto it = ids_by_name_.find(name);
  return it == ids_by_name_.end() ? nullptr : &columns_[it->second];
}

std::shared_ptr<const TableSchema> TableSchema::WithColumns(std::vector<ColumnSchema> added) const {
  std::vector<ColumnSchema> columns;
  columns.reserve(columns_.size() + added.size());
  columns = columns_;
  for (ColumnSchema& column : added) {
    columns.push_back(std::move(column));
  }
  auto table = std::make_shared<TableSchema>(id_, name_, std::move(columns));
  table->caches_ = caches_;
  return table;
}

std::shared_ptr<const TableSchema> TableSchema::WithCaches(TableCaches caches) const {
  auto table = std::make_shared<TableSchema>(*this);
  table->caches_ = std::make_shared<const TableCaches>(std::move(caches));
  return table;
}

// ---- DatabaseSchema ----

namespace {

std::shared_ptr<const NameMap<uint32_t>> IndexTables(
    const std::vector<std::shared_ptr<const TableSchema>>& tables) {
  auto index = std::make_shared<NameMap<uint32_t>>();
  index->reserve(tables.size());
  for (size_t i = 0; i < tables.size(); ++i) {
    STRATA_CHECK_EQ(tables[i]->id(), i);
    bool inserted = index->emplace(tables[i]->name(), tables[i]->id()).second;
    STRATA_CHECK(inserted);
  }
  return index;
}

}  // namespace

DatabaseSchema::DatabaseSchema(uint32_t id,
                               std::string name,
                               std::vector<std::shared_ptr<const TableSchema>> tables)
    : DatabaseSchema(id, std::move(name), tables, IndexTables(tables)) {}

DatabaseSchema::DatabaseSchema(uint32_t id,
                               std::string name,
                               std::vector<std::shared_ptr<const TableSchema>> tables,
                               std::shared_ptr<const NameMap<uint32_t>> ids_by_name)
    : id_(id),
      name_(std::move(name)),
      tables_(std::move(tables)),
      ids_by_name_(std::move(ids_by_name)) {
  STRATA_CHECK_EQ(ids_by_name_->size(), tables_.size());
}

const TableSchema* DatabaseSchema::FindTable(std::string_view name) const {
  auto it = ids_by_name_->find(name);
  return it == ids_by_name_->end() ? nullptr : tables_[it->second].get();
}

std::shared_ptr<const DatabaseSchema> DatabaseSchema::WithTable(
    std::shared_ptr<const TableSchema> table) const {
  std::vector<std::shared_ptr<const TableSchema>> tables = tables_;
  std::shared_ptr<const NameMap<uint32_t>> index = ids_by_name_;
  if (table->id() == tables.size()) {
    auto grown = std::make_shared<NameMap<uint32_t>>(*ids_by_name_);
    bool inserted = grown->emplace(table->name(), table->id()).second;
    STRATA_CHECK(inserted);
    index = std::move(grown);
    tables.push_back(std::move(table));
  } else {
    STRATA_CHECK_LT(table->id(), tables.size());
    STRATA_CHECK(tables[table->id()]->name() == table->name());
    tables[table->id()] = std::move(table);
  }
  return std::shared_ptr<const DatabaseSchema>(
      new DatabaseSchema(id_, name_, std::move(tables), std::move(index)));
}

// ---- CatalogSnapshot ----

namespace {

std::shared_ptr<const NameMap<uint32_t>> IndexDatabases(
    const std::vector<std::shared_ptr<const DatabaseSchema>>& databases) {
  auto index = std::make_shared<NameMap<uint32_t>>();
  index->reserve(databases.size());
  for (size_t i = 0; i < databases.size(); ++i) {
    STRATA_CHECK_EQ(databases[i]->id(), i);
    bool inserted = index->emplace(databases[i]->name(), databases[i]->id()).second;
    STRATA_CHECK(inserted);
  }
  return index;
}

}  // namespace

CatalogSnapshot::CatalogSnapshot(uint64_t sequence,
                                 std::vector<std::shared_ptr<const DatabaseSchema>> databases)
    : CatalogSnapshot(sequence, databases, IndexDatabases(databases)) {}

CatalogSnapshot::CatalogSnapshot(uint64_t sequence,
                                 std::vector<std::shared_ptr<const DatabaseSchema>> databases,
                                 std::shared_ptr<const NameMap<uint32_t>> ids_by_name)
    : sequence_(sequence),
      databases_(std::move(databases)),
      ids_by_name_(std::move(ids_by_name)),
      tokens_(std::make_shared<const std::vector<TokenInfo>>()) {
  STRATA_CHECK_EQ(ids_by_name_->size(), databases_.size());
  for (const auto& database : databases_) {
    total_table_count_ += database->table_count();
  }
}

std::shared_ptr<const CatalogSnapshot> CatalogSnapshot::MakeEmpty() {
  return std::make_shared<const CatalogSnapshot>(
      0, std::vector<std::shared_ptr<const DatabaseSchema>>{});
}

const DatabaseSchema* CatalogSnapshot::FindDatabase(std::string_view name) const {
  auto it = ids_by_name_->find(name);
  return it == ids_by_name_->end() ? nullptr : databases_[it->second].get();
}

const TableSchema* CatalogSnapshot::FindTable(std::string_view database,
                                              std::string_view table) const {
  const DatabaseSchema* db = FindDatabase(database);
  return db == nullptr ? nullptr : db->FindTable(table);
}

std::shared_ptr<const CatalogSnapshot> CatalogSnapshot::WithDatabase(
    std::shared_ptr<const DatabaseSchema> database, uint64_t sequence) const {
  std::vector<std::shared_ptr<const DatabaseSchema>> databases = databases_;
  std::shared_ptr<const NameMap<uint32_t>> index = ids_by_name_;
  if (database->id() == databases.size()) {
    auto grown = std::make_shared<NameMap<uint32_t>>(*ids_by_name_);
    bool inserted = grown->emplace(database->name(), database->id()).second;
    STRATA_CHECK(inserted);
    index = std::move(grown);
    databases.push_back(std::move(database));
  } else {
    STRATA_CHECK_LT(database->id(), databases.size());
    STRATA_CHECK(databases[database->id()]->name() == database->name());
    databases[database->id()] = std::move(database);
  }
  auto* next = new CatalogSnapshot(sequence, std::move(databases), std::move(index));
  next->tokens_ = tokens_;
  return std::shared_ptr<const CatalogSnapshot>(next);
}

const TokenInfo* CatalogSnapshot::FindToken(std::string_view name) const {
  for (const TokenInfo& token : *tokens_) {
    if (token.name == name) {
      return &token;
    }
  }
  return nullptr;
}

std::shared_ptr<const CatalogSnapshot> CatalogSnapshot::WithTokens(std::vector<TokenInfo> tokens,
                                                                   uint64_t sequence) const {
  for (size_t i = 0; i < tokens.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      STRATA_CHECK(tokens[i].id != tokens[j].id);
      STRATA_CHECK(tokens[i].name != tokens[j].name);
    }
  }
  auto* next = new CatalogSnapshot(sequence, databases_, ids_by_name_);
  next->tokens_ = std::make_shared<const std::vector<TokenInfo>>(std::move(tokens));
  return std::shared_ptr<const CatalogSnapshot>(next);
}

bool CatalogSnapshot::SameContentAs(const CatalogSnapshot& other) const {
  if (databases_.size() != other.databases_.size() || *tokens_ != *other.tokens_) {
    return false;
  }
  for (size_t d = 0; d < databases_.size(); ++d) {
    const DatabaseSchema& a = *databases_[d];
    const DatabaseSchema& b = *other.databases_[d];
    if (a.id() != b.id() || a.name() != b.name() || a.table_count() != b.table_count()) {
      return false;
    }
    for (size_t t = 0; t < a.table_count(); ++t) {
      const TableSchema& x = *a.tables()[t];
      const TableSchema& y = *b.tables()[t];
      if (x.id() != y.id() || x.name() != y.name() || x.columns() != y.columns() ||
          x.caches() != y.caches()) {
        return false;
      }
    }
  }
  return true;
}

}  // namespace strata::catalog
