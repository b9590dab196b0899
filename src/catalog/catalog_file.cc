// JSON encoding of catalog snapshots and the crash-safe file replacement they are persisted with.
#include "catalog/catalog_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <system_error>
#include <utility>
#include <vector>

#include "catalog/names.h"
#include "common/status.h"
#include "fmt/format.h"
#include "nlohmann/json.hpp"

namespace strata::catalog {
namespace {

using Json = nlohmann::json;

std::string_view KindToken(ColumnKind kind) {
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

// Type names in the file are fixed tokens, independent of TypeId's numbering.
std::string_view TypeToken(TypeId type) {
  switch (type) {
    case TypeId::kBool:
      return "bool";
    case TypeId::kInt64:
      return "int64";
    case TypeId::kUInt64:
      return "uint64";
    case TypeId::kFloat64:
      return "float64";
    case TypeId::kString:
      return "string";
    case TypeId::kDictionary:
      return "dictionary";
    case TypeId::kTimestamp:
      return "timestamp";
    case TypeId::kNull:
    case TypeId::kInterval:
      break;
  }
  return "unknown";
}

bool ParseKind(std::string_view token, ColumnKind* kind) {
  for (ColumnKind k : {ColumnKind::kTag, ColumnKind::kField, ColumnKind::kTime}) {
    if (token == KindToken(k)) {
      *kind = k;
      return true;
    }
  }
  return false;
}

bool ParseType(std::string_view token, TypeId* type) {
  for (int i = 0; i < kNumTypeIds; ++i) {
    TypeId t = static_cast<TypeId>(i);
    if (token == TypeToken(t)) {
      *type = t;
      return true;
    }
  }
  return false;
}

absl::Status Corrupt(std::string_view where, std::string_view problem) {
  return absl::DataLossError(fmt::format("{}: {}", where, problem));
}

absl::Status Member(const Json& object,
                    std::string_view where,
                    const char* key,
                    Json::value_t type,
                    const Json** out) {
  auto it = object.find(key);
  if (it == object.end()) {
    return Corrupt(where, fmt::format("missing \"{}\"", key));
  }
  bool ok = it->type() == type || (type == Json::value_t::number_unsigned &&
                                   it->is_number_integer() && it->get<int64_t>() >= 0);
  if (!ok) {
    return Corrupt(where, fmt::format("\"{}\" has the wrong type ({})", key, it->type_name()));
  }
  *out = &*it;
  return absl::OkStatus();
}

absl::Status Id(const Json& object, std::string_view where, size_t expected, uint32_t* id) {
  const Json* value;
  absl::Status status = Member(object, where, "id", Json::value_t::number_unsigned, &value);
  if (!status.ok()) {
    return status;
  }
  uint64_t raw = value->get<uint64_t>();
  if (raw != expected) {
    return Corrupt(where,
                   fmt::format("id {} where {} was expected (ids are dense)", raw, expected));
  }
  *id = static_cast<uint32_t>(raw);
  return absl::OkStatus();
}

absl::Status Name(const Json& object,
                  std::string_view where,
                  absl::Status (*validate)(std::string_view),
                  std::string* name) {
  const Json* value;
  absl::Status status = Member(object, where, "name", Json::value_t::string, &value);
  if (!status.ok()) {
    return status;
  }
  *name = value->get<std::string>();
  if (validate != nullptr) {
    absl::Status valid = validate(*name);
    if (!valid.ok()) {
      return Corrupt(where, std::string(valid.message()));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<ColumnSchema> DecodeColumn(const Json& json, std::string_view where, size_t index) {
  if (!json.is_object()) {
    return Corrupt(where, "not an object");
  }
  ColumnSchema column;
  absl::Status status = Id(json, where, index, &column.id);
  if (!status.ok()) {
    return status;
  }
  const Json* kind;
  const Json* type;
  status = Member(json, where, "kind", Json::value_t::string, &kind);
  if (status.ok()) {
    status = Member(json, where, "type", Json::value_t::string, &type);
  }
  if (!status.ok()) {
    return status;
  }
  if (!ParseKind(kind->get<std::string>(), &column.kind)) {
    return Corrupt(where, fmt::format("unknown column kind \"{}\"", kind->get<std::string>()));
  }
  if (!ParseType(type->get<std::string>(), &column.type)) {
    return Corrupt(where, fmt::format("unknown column type \"{}\"", type->get<std::string>()));
  }
  if (!IsValidColumnType(column.kind, column.type)) {
    return Corrupt(where,
                   fmt::format("type {} is not valid for a {} column",
                               TypeToken(column.type),
                               KindToken(column.kind)));
  }
  if (index == 0) {
    status = Name(json, where, nullptr, &column.name);
    if (status.ok() && (column.kind != ColumnKind::kTime || column.name != kTimeColumnName)) {
      status = Corrupt(where, "column 0 must be the time column named \"time\"");
    }
  } else {
    status = Name(json, where, &ValidateColumnName, &column.name);
    if (status.ok() && column.kind == ColumnKind::kTime) {
      status = Corrupt(where, "only column 0 may be a time column");
    }
  }
  if (!status.ok()) {
    return status;
  }
  return column;
}

// Cache definitions are optional members of a table ("last_caches", "distinct_caches"); tables
// without caches leave them out, so catalogs written before caches existed read unchanged.
void EncodeCaches(const TableCaches& caches, Json* table) {
  if (!caches.last_caches.empty()) {
    Json list = Json::array();
    for (const LastCacheDefinition& cache : caches.last_caches) {
      Json entry{{"name", cache.name},
                 {"key_column_ids", cache.key_column_ids},
                 {"count", cache.count},
                 {"ttl_seconds", cache.ttl_seconds}};
      if (cache.all_value_columns) {
        entry["value_column_ids"] = nullptr;
      } else {
        entry["value_column_ids"] = cache.value_column_ids;
      }
      list.push_back(std::move(entry));
    }
    (*table)["last_caches"] = std::move(list);
  }
  if (!caches.distinct_caches.empty()) {
    Json list = Json::array();
    for (const DistinctCacheDefinition& cache : caches.distinct_caches) {
      list.push_back(Json{{"name", cache.name},
                          {"column_ids", cache.column_ids},
                          {"max_cardinality", cache.max_cardinality},
                          {"max_age_seconds", cache.max_age_seconds}});
    }
    (*table)["distinct_caches"] = std::move(list);
  }
}

absl::Status ColumnIds(const Json& object,
                       std::string_view where,
                       const char* key,
                       std::vector<uint32_t>* ids) {
  const Json* list;
  STRATA_RETURN_IF_ERROR(Member(object, where, key, Json::value_t::array, &list));
  for (const Json& id : *list) {
    if (!id.is_number_unsigned() || id.get<uint64_t>() > UINT32_MAX) {
      return Corrupt(where, fmt::format("\"{}\" holds something other than a column id", key));
    }
    ids->push_back(static_cast<uint32_t>(id.get<uint64_t>()));
  }
  return absl::OkStatus();
}

absl::Status Int(const Json& object, std::string_view where, const char* key, int64_t* value) {
  const Json* member;
  STRATA_RETURN_IF_ERROR(Member(object, where, key, Json::value_t::number_unsigned, &member));
  if (member->get<uint64_t>() > INT64_MAX) {
    return Corrupt(where, fmt::format("\"{}\" is out of range", key));
  }
  *value = member->get<int64_t>();
  return absl::OkStatus();
}

absl::StatusOr<TableCaches> DecodeCaches(const Json& json,
                                         std::string_view where,
                                         const TableSchema& table) {
  TableCaches caches;
  if (auto it = json.find("last_caches"); it != json.end()) {
    if (!it->is_array()) {
      return Corrupt(where, "\"last_caches\" is not an array");
    }
    for (size_t i = 0; i < it->size(); ++i) {
      const Json& entry = (*it)[i];
      std::string cache_where = fmt::format("{}.last_caches[{}]", where, i);
      if (!entry.is_object()) {
        return Corrupt(cache_where, "not an object");
      }
      LastCacheDefinition cache;
      STRATA_RETURN_IF_ERROR(Name(entry, cache_where, nullptr, &cache.name));
      STRATA_RETURN_IF_ERROR(
          ColumnIds(entry, cache_where, "key_column_ids", &cache.key_column_ids));
      auto values = entry.find("value_column_ids");
      if (values == entry.end()) {
        return Corrupt(cache_where, "missing \"value_column_ids\"");
      }
      cache.all_value_columns = values->is_null();
      if (!cache.all_value_columns) {
        STRATA_RETURN_IF_ERROR(
            ColumnIds(entry, cache_where, "value_column_ids", &cache.value_column_ids));
      }
      STRATA_RETURN_IF_ERROR(Int(entry, cache_where, "count", &cache.count));
      STRATA_RETURN_IF_ERROR(Int(entry, cache_where, "ttl_seconds", &cache.ttl_seconds));
      if (absl::Status valid = CheckLastCacheDefinition(table, cache); !valid.ok()) {
        return Corrupt(cache_where, std::string(valid.message()));
      }
      if (caches.FindLastCache(cache.name) != nullptr) {
        return Corrupt(cache_where, fmt::format("duplicate last cache name '{}'", cache.name));
      }
      caches.last_caches.push_back(std::move(cache));
    }
  }
  if (auto it = json.find("distinct_caches"); it != json.end()) {
    if (!it->is_array()) {
      return Corrupt(where, "\"distinct_caches\" is not an array");
    }
    for (size_t i = 0; i < it->size(); ++i) {
      const Json& entry = (*it)[i];
      std::string cache_where = fmt::format("{}.distinct_caches[{}]", where, i);
      if (!entry.is_object()) {
        return Corrupt(cache_where, "not an object");
      }
      DistinctCacheDefinition cache;
      STRATA_RETURN_IF_ERROR(Name(entry, cache_where, nullptr, &cache.name));
      STRATA_RETURN_IF_ERROR(ColumnIds(entry, cache_where, "column_ids", &cache.column_ids));
      STRATA_RETURN_IF_ERROR(Int(entry, cache_where, "max_cardinality", &cache.max_cardinality));
      STRATA_RETURN_IF_ERROR(Int(entry, cache_where, "max_age_seconds", &cache.max_age_seconds));
      if (absl::Status valid = CheckDistinctCacheDefinition(table, cache); !valid.ok()) {
        return Corrupt(cache_where, std::string(valid.message()));
      }
      if (caches.FindDistinctCache(cache.name) != nullptr) {
        return Corrupt(cache_where, fmt::format("duplicate distinct cache name '{}'", cache.name));
      }
      caches.distinct_caches.push_back(std::move(cache));
    }
  }
  return caches;
}

absl::StatusOr<std::shared_ptr<const TableSchema>> DecodeTable(const Json& json,
                                                               std::string_view where,
                                                               size_t index) {
  if (!json.is_object()) {
    return Corrupt(where, "not an object");
  }
  uint32_t id;
  std::string name;
  const Json* columns_json;
  absl::Status status = Id(json, where, index, &id);
  if (status.ok()) {
    status = Name(json, where, &ValidateTableName, &name);
  }
  if (status.ok()) {
    status = Member(json, where, "columns", Json::value_t::array, &columns_json);
  }
  if (!status.ok()) {
    return status;
  }
  if (columns_json->empty()) {
    return Corrupt(where, "a table without columns (the time column is missing)");
  }
  std::vector<ColumnSchema> columns;
  columns.reserve(columns_json->size());
  NameMap<bool> seen;
  for (size_t i = 0; i < columns_json->size(); ++i) {
    std::string column_where = fmt::format("{}.columns[{}]", where, i);
    absl::StatusOr<ColumnSchema> column = DecodeColumn((*columns_json)[i], column_where, i);
    if (!column.ok()) {
      return column.status();
    }
    if (!seen.emplace(column->name, true).second) {
      return Corrupt(column_where,
                     fmt::format("duplicate column name {}", QuoteName(column->name)));
    }
    columns.push_back(*std::move(column));
  }
  auto table = std::make_shared<const TableSchema>(id, std::move(name), std::move(columns));
  STRATA_ASSIGN_OR_RETURN(TableCaches caches, DecodeCaches(json, where, *table));
  if (caches.empty()) {
    return table;
  }
  return table->WithCaches(std::move(caches));
}

absl::StatusOr<std::shared_ptr<const DatabaseSchema>> DecodeDatabase(const Json& json,
                                                                     std::string_view where,
                                                                     size_t index) {
  if (!json.is_object()) {
    return Corrupt(where, "not an object");
  }
  uint32_t id;
  std::string name;
  const Json* tables_json;
  absl::Status status = Id(json, where, index, &id);
  if (status.ok()) {
    status = Name(json, where, &ValidateDatabaseName, &name);
  }
  if (status.ok()) {
    status = Member(json, where, "tables", Json::value_t::array, &tables_json);
  }
  if (!status.ok()) {
    return status;
  }
  std::vector<std::shared_ptr<const TableSchema>> tables;
  tables.reserve(tables_json->size());
  NameMap<bool> seen;
  for (size_t i = 0; i < tables_json->size(); ++i) {
    std::string table_where = fmt::format("{}.tables[{}]", where, i);
    absl::StatusOr<std::shared_ptr<const TableSchema>> table =
        DecodeTable((*tables_json)[i], table_where, i);
    if (!table.ok()) {
      return table.status();
    }
    if (!seen.emplace((*table)->name(), true).second) {
      return Corrupt(table_where,
                     fmt::format("duplicate table name {}", QuoteName((*table)->name())));
    }
    tables.push_back(*std::move(table));
  }
  return std::make_shared<const DatabaseSchema>(id, std::move(name), std::move(tables));
}

bool IsLowerHex(std::string_view text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

absl::StatusOr<TokenInfo> DecodeToken(const Json& json, std::string_view where) {
  if (!json.is_object()) {
    return Corrupt(where, "not an object");
  }
  TokenInfo token;
  const Json* id;
  const Json* hash;
  const Json* created_at;
  const Json* permissions;
  absl::Status status = Member(json, where, "id", Json::value_t::number_unsigned, &id);
  if (status.ok()) {
    status = Name(json, where, nullptr, &token.name);
  }
  if (status.ok()) {
    status = Member(json, where, "hash", Json::value_t::string, &hash);
  }
  if (status.ok()) {
    status = Member(json, where, "created_at", Json::value_t::number_unsigned, &created_at);
  }
  if (status.ok()) {
    status = Member(json, where, "permissions", Json::value_t::array, &permissions);
  }
  if (!status.ok()) {
    return status;
  }
  token.id = id->get<uint64_t>();
  if (token.name.empty() || token.name.size() > kMaxTokenNameBytes) {
    return Corrupt(where, fmt::format("token name must be 1 to {} bytes long", kMaxTokenNameBytes));
  }
  token.hash = hash->get<std::string>();
  if (token.hash.size() != 128 || !IsLowerHex(token.hash)) {
    return Corrupt(where, "\"hash\" is not 128 lower-case hex digits (a SHA-512 digest)");
  }
  if (created_at->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
    return Corrupt(where, "\"created_at\" is out of range");
  }
  token.created_at_ms = created_at->get<int64_t>();
  auto expiry = json.find("expiry");
  if (expiry != json.end() && !expiry->is_null()) {
    if (!expiry->is_number_integer()) {
      return Corrupt(where, "\"expiry\" must be null or milliseconds since the epoch");
    }
    token.expiry_ms = expiry->get<int64_t>();
  }
  for (const Json& permission : *permissions) {
    if (!permission.is_string() || permission.get<std::string>() != TokenInfo::kAdminPermission) {
      return Corrupt(where,
                     fmt::format("unsupported permission {} (only \"{}\", admin, exists)",
                                 permission.dump(),
                                 TokenInfo::kAdminPermission));
    }
    token.permissions.push_back(permission.get<std::string>());
  }
  if (token.permissions.empty()) {
    return Corrupt(where, "a token without permissions");
  }
  return token;
}

std::string ErrnoText(int error) {
  return std::error_code(error, std::generic_category()).message();
}

absl::Status IoError(std::string_view step, const std::string& path, int error) {
  return absl::InternalError(fmt::format("{} {}: {}", step, path, ErrnoText(error)));
}

absl::Status WriteAll(int fd, std::string_view contents, const std::string& path) {
  size_t written = 0;
  while (written < contents.size()) {
    ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return IoError("writing", path, errno);
    }
    written += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

absl::Status SyncPath(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) {
    return IoError("opening", path, errno);
  }
  int result = ::fsync(fd);
  int error = errno;
  ::close(fd);
  if (result != 0) {
    return IoError("fsync of", path, error);
  }
  return absl::OkStatus();
}

}  // namespace

std::string EncodeCatalogJson(const CatalogSnapshot& snapshot) {
  Json databases = Json::array();
  for (const auto& database : snapshot.databases()) {
    Json tables = Json::array();
    for (const auto& table : database->tables()) {
      Json columns = Json::array();
      for (const ColumnSchema& column : table->columns()) {
        columns.push_back(Json{{"id", column.id},
                               {"name", column.name},
                               {"kind", KindToken(column.kind)},
                               {"type", TypeToken(column.type)}});
      }
      Json table_json{
          {"id", table->id()}, {"name", table->name()}, {"columns", std::move(columns)}};
      EncodeCaches(table->caches(), &table_json);
      tables.push_back(std::move(table_json));
    }
    databases.push_back(
        Json{{"id", database->id()}, {"name", database->name()}, {"tables", std::move(tables)}});
  }
  Json tokens = Json::array();
  for (const TokenInfo& token : snapshot.tokens()) {
    tokens.push_back(Json{{"id", token.id},
                          {"name", token.name},
                          {"hash", token.hash},
                          {"created_at", token.created_at_ms},
                          {"expiry", token.expiry_ms ? Json(*token.expiry_ms) : Json(nullptr)},
                          {"permissions", token.permissions}});
  }
  Json root{{"format", "strata-catalog"},
            {"format_version", kCatalogFormatVersion},
            {"sequence", snapshot.sequence()},
            {"databases", std::move(databases)},
            {"tokens", std::move(tokens)}};
  // Names were validated as UTF-8 when they were added, so dump() cannot throw.
  return root.dump(1) + "\n";
}

absl::StatusOr<std::shared_ptr<const CatalogSnapshot>> DecodeCatalogJson(std::string_view text) {
  Json root;
  try {
    root = Json::parse(text.begin(), text.end());
  } catch (const Json::exception& e) {
    return absl::DataLossError(fmt::format("not valid JSON: {}", e.what()));
  }
  if (!root.is_object()) {
    return Corrupt("document", "not a JSON object");
  }
  const Json* format;
  const Json* version;
  const Json* sequence;
  const Json* databases_json;
  absl::Status status = Member(root, "document", "format", Json::value_t::string, &format);
  if (status.ok() && format->get<std::string>() != "strata-catalog") {
    status = Corrupt("document", "\"format\" is not \"strata-catalog\"");
  }
  if (status.ok()) {
    status = Member(root, "document", "format_version", Json::value_t::number_unsigned, &version);
  }
  if (status.ok() && version->get<uint64_t>() != kCatalogFormatVersion) {
    status = Corrupt("document",
                     fmt::format("unsupported format_version {} (this build reads version {})",
                                 version->get<uint64_t>(),
                                 kCatalogFormatVersion));
  }
  if (status.ok()) {
    status = Member(root, "document", "sequence", Json::value_t::number_unsigned, &sequence);
  }
  if (status.ok()) {
    status = Member(root, "document", "databases", Json::value_t::array, &databases_json);
  }
  if (!status.ok()) {
    return status;
  }
  std::vector<std::shared_ptr<const DatabaseSchema>> databases;
  databases.reserve(databases_json->size());
  NameMap<bool> seen;
  for (size_t i = 0; i < databases_json->size(); ++i) {
    std::string where = fmt::format("databases[{}]", i);
    absl::StatusOr<std::shared_ptr<const DatabaseSchema>> database =
        DecodeDatabase((*databases_json)[i], where, i);
    if (!database.ok()) {
      return database.status();
    }
    if (!seen.emplace((*database)->name(), true).second) {
      return Corrupt(where,
                     fmt::format("duplicate database name {}", QuoteName((*database)->name())));
    }
    databases.push_back(*std::move(database));
  }
  auto snapshot =
      std::make_shared<const CatalogSnapshot>(sequence->get<uint64_t>(), std::move(databases));
  // "tokens" is optional: catalogs written before tokens existed have none.
  auto tokens_json = root.find("tokens");
  if (tokens_json == root.end()) {
    return snapshot;
  }
  if (!tokens_json->is_array()) {
    return Corrupt("document", "\"tokens\" is not an array");
  }
  std::vector<TokenInfo> tokens;
  for (size_t i = 0; i < tokens_json->size(); ++i) {
    std::string where = fmt::format("tokens[{}]", i);
    absl::StatusOr<TokenInfo> token = DecodeToken((*tokens_json)[i], where);
    if (!token.ok()) {
      return token.status();
    }
    for (const TokenInfo& other : tokens) {
      if (other.id == token->id || other.name == token->name) {
        return Corrupt(where,
                       fmt::format("duplicate token id {} or name '{}'", token->id, token->name));
      }
    }
    tokens.push_back(*std::move(token));
  }
  return snapshot->WithTokens(std::move(tokens), snapshot->sequence());
}

absl::Status ReplaceFileDurably(const std::string& directory,
                                std::string_view file_name,
                                std::string_view temp_name,
                                std::string_view contents) {
  std::string temp_path = fmt::format("{}/{}", directory, temp_name);
  std::string final_path = fmt::format("{}/{}", directory, file_name);
  int fd = ::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return IoError("creating", temp_path, errno);
  }
  absl::Status status = WriteAll(fd, contents, temp_path);
  if (status.ok() && ::fsync(fd) != 0) {
    status = IoError("fsync of", temp_path, errno);
  }
  if (::close(fd) != 0 && status.ok()) {
    status = IoError("closing", temp_path, errno);
  }
  if (status.ok() && ::rename(temp_path.c_str(), final_path.c_str()) != 0) {
    status = IoError(fmt::format("renaming {} to", temp_path), final_path, errno);
  }
  if (!status.ok()) {
    ::unlink(temp_path.c_str());
    return status;
  }
  return SyncDirectory(directory);
}

absl::Status SyncDirectory(const std::string& directory) {
  return SyncPath(directory, O_RDONLY | O_DIRECTORY);
}

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) {
      return absl::NotFoundError(fmt::format("{} does not exist", path));
    }
    return IoError("opening", path, errno);
  }
  std::string contents;
  char buffer[64 * 1024];
  while (true) {
    ssize_t n = ::read(fd, buffer, sizeof(buffer));
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      int error = errno;
      ::close(fd);
      return IoError("reading", path, error);
    }
    if (n == 0) {
      break;
    }
    contents.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return contents;
}

}  // namespace strata::catalog
