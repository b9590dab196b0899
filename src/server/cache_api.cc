// POST and DELETE /api/v3/configure/last_cache and /api/v3/configure/distinct_cache: creating
// and deleting caches, as InfluxDB 3's API does (docs/http_api.md).
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "common/logging.h"
#include "fmt/format.h"
#include "nlohmann/json.hpp"
#include "query/cache_fill.h"
#include "server/api.h"
#include "server/http_server.h"

namespace strata::server {
namespace {

using nlohmann::json;

// Reads the members of a request body, each with its expected type; the first problem is kept
// as an error naming the member.
class BodyReader {
 public:
  explicit BodyReader(const json& body) : body_(body) {}

  std::optional<std::string> String(const char* key, bool required) {
    const json* value = Find(key, required);
    if (value == nullptr) {
      return std::nullopt;
    }
    if (!value->is_string()) {
      Fail(fmt::format("'{}' must be a string", key));
      return std::nullopt;
    }
    return value->get<std::string>();
  }

  std::optional<std::vector<std::string>> Strings(const char* key, bool required) {
    const json* value = Find(key, required);
    if (value == nullptr) {
      return std::nullopt;
    }
    std::vector<std::string> out;
    if (value->is_array()) {
      for (const json& item : *value) {
        if (!item.is_string()) {
          Fail(fmt::format("'{}' must be an array of column names (strings)", key));
          return std::nullopt;
        }
        out.push_back(item.get<std::string>());
      }
      return out;
    }
    Fail(fmt::format("'{}' must be an array of column names (strings)", key));
    return std::nullopt;
  }

  std::optional<int64_t> Int(const char* key) {
    const json* value = Find(key, false);
    if (value == nullptr) {
      return std::nullopt;
    }
    if (!value->is_number_integer() ||
        (value->is_number_unsigned() && value->get<uint64_t>() > INT64_MAX)) {
      Fail(fmt::format("'{}' must be an integer, not {}", key, value->dump()));
      return std::nullopt;
    }
    return value->get<int64_t>();
  }

  // Fails on members other than `known`.
  void OnlyKnown(std::initializer_list<std::string_view> known) {
    for (const auto& [key, value] : body_.items()) {
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        Fail(fmt::format("unknown member '{}' in the request body", key));
      }
    }
  }

  const std::string& error() const { return error_; }

 private:
  // The member `key`; null members count as absent.
  const json* Find(const char* key, bool required) {
    auto it = body_.find(key);
    if (it == body_.end() || it->is_null()) {
      if (required) {
        Fail(fmt::format("missing '{}' in the request body", key));
      }
      return nullptr;
    }
    return &*it;
  }
  void Fail(std::string message) {
    if (error_.empty()) {
      error_ = std::move(message);
    }
  }

  const json& body_;
  std::string error_;
};

json ColumnNames(const catalog::TableSchema& table, const std::vector<uint32_t>& ids) {
  json names = json::array();
  for (uint32_t id : ids) {
    names.push_back(table.ColumnById(id)->name);
  }
  return names;
}

HttpResponse JsonResponse(int status, const json& body) {
  HttpResponse response;
  response.status = status;
  response.body = body.dump();
  return response;
}

// Logs how filling a new cache from its table's rows went. A failed fill leaves the cache with
// what writes add from now on; the cache exists either way (it is in the catalog).
void LogFill(std::string_view kind,
             std::string_view name,
             std::string_view db,
             std::string_view table,
             const absl::StatusOr<query::CacheFillStats>& stats) {
  if (!stats.ok()) {
    STRATA_LOG_WARN("{} '{}' of {}.{} not filled from the table's rows: {}",
                    kind,
                    name,
                    db,
                    table,
                    std::string(stats.status().message()));
    return;
  }
  STRATA_LOG_INFO("{} '{}' of {}.{} created and filled rows_scanned={}",
                  kind,
                  name,
                  db,
                  table,
                  stats->rows_scanned);
}

}  // namespace

void Api::HandleConfigureCache(bool last,
                               const HttpRequest& request,
                               HttpResponse* response) const {
  const bool post = request.method == "POST";
  const bool del = request.method == "DELETE";
  if (!post && !del) {
    *response = JsonError(
        405,
        fmt::format(
            "method {} is not allowed on {}; use POST, DELETE", request.method, request.path));
    response->headers.emplace_back("Allow", "POST, DELETE");
    return;
  }
  if (caches_ == nullptr) {
    *response = JsonError(501, "caches are not enabled on this server");
    return;
  }
  json body = json::object();
  if (!request.body.empty()) {
    body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded() || !body.is_object()) {
      *response = JsonError(400, "the request body is not a JSON object");
      return;
    }
  }
  if (del) {
    // db, table and name from the JSON body or, for clients that send none, the query string.
    for (const char* key : {"db", "table", "name"}) {
      if (!body.contains(key)) {
        if (const std::string* value = request.Param(key)) {
          body[key] = *value;
        }
      }
    }
  }
  std::lock_guard<std::mutex> lock(cache_config_mutex_);
  BodyReader reader(body);
  std::optional<std::string> db = reader.String("db", true);
  std::optional<std::string> table = reader.String("table", true);
  std::optional<std::string> name = reader.String("name", del);
  if (del) {
    reader.OnlyKnown({"db", "table", "name"});
    if (!reader.error().empty()) {
      *response = JsonError(400, reader.error());
      return;
    }
    absl::StatusOr<std::pair<uint32_t, uint32_t>> ids =
        last ? catalog_->DeleteLastCache(*db, *table, *name)
             : catalog_->DeleteDistinctCache(*db, *table, *name);
    if (!ids.ok()) {
      *response = JsonError(HttpStatusFor(ids.status()), std::string(ids.status().message()));
      return;
    }
    if (last) {
      caches_->RemoveLastCache(ids->first, ids->second, *name);
    } else {
      caches_->RemoveDistinctCache(ids->first, ids->second, *name);
    }
    response->status = 200;
    response->body.clear();
    return;
  }

  json out;
  absl::Status status;
  bool created = false;
  if (last) {
    catalog::LastCacheRequest create;
    create.key_columns = reader.Strings("key_columns", false);
    create.value_columns = reader.Strings("value_columns", false);
    create.count = reader.Int("count");
    create.ttl_seconds = reader.Int("ttl");
    reader.OnlyKnown({"db", "table", "name", "key_columns", "value_columns", "count", "ttl"});
    if (!reader.error().empty()) {
      *response = JsonError(400, reader.error());
      return;
    }
    create.database = *db;
    create.table = *table;
    create.name = name;
    auto result = catalog_->CreateLastCache(create);
    status = result.status();
    if (result.ok()) {
      created = result->created;
      const catalog::LastCacheDefinition& d = result->definition;
      // Add (or keep) the cache before answering, so writes after the response reach it, and
      // fill a new one from the rows the table holds (writes from now on reach it anyway).
      auto snapshot = catalog_->snapshot();
      const catalog::TableSchema* schema = snapshot->FindTable(*db, *table);
      if (auto added = caches_->AddLastCache(
              result->database_id, result->table_id, d, query_engine_ == nullptr)) {
        if (query_engine_ != nullptr) {
          LogFill("last cache",
                  d.name,
                  *db,
                  *table,
                  query::FillLastCache(*query_engine_,
                                       *snapshot->DatabaseById(result->database_id),
                                       *schema,
                                       added.get(),
                                       caches_->Now(),
                                       &stopping_));
        }
      }
      out = json{{"db", *db},
                 {"table", *table},
                 {"name", d.name},
                 {"key_columns", ColumnNames(*schema, d.key_column_ids)},
                 {"value_columns",
                  d.all_value_columns ? json(nullptr) : ColumnNames(*schema, d.value_column_ids)},
                 {"count", d.count},
                 {"ttl", d.ttl_seconds}};
    }
  } else {
    catalog::DistinctCacheRequest create;
    std::optional<std::vector<std::string>> columns = reader.Strings("columns", true);
    create.max_cardinality = reader.Int("max_cardinality");
    create.max_age_seconds = reader.Int("max_age");
    reader.OnlyKnown({"db", "table", "name", "columns", "max_cardinality", "max_age"});
    if (!reader.error().empty()) {
      *response = JsonError(400, reader.error());
      return;
    }
    create.database = *db;
    create.table = *table;
    create.name = name;
    create.columns = *std::move(columns);
    auto result = catalog_->CreateDistinctCache(create);
    status = result.status();
    if (result.ok()) {
      created = result->created;
      const catalog::DistinctCacheDefinition& d = result->definition;
      auto snapshot = catalog_->snapshot();
      const catalog::TableSchema* schema = snapshot->FindTable(*db, *table);
      if (auto added = caches_->AddDistinctCache(
              result->database_id, result->table_id, d, query_engine_ == nullptr)) {
        if (query_engine_ != nullptr) {
          LogFill("distinct cache",
                  d.name,
                  *db,
                  *table,
                  query::FillDistinctCache(*query_engine_,
                                           *snapshot->DatabaseById(result->database_id),
                                           *schema,
                                           added.get(),
                                           caches_->Now(),
                                           &stopping_));
        }
      }
      out = json{{"db", *db},
                 {"table", *table},
                 {"name", d.name},
                 {"columns", ColumnNames(*schema, d.column_ids)},
                 {"max_cardinality", d.max_cardinality},
                 {"max_age", d.max_age_seconds}};
    }
  }
  if (!status.ok()) {
    *response = JsonError(HttpStatusFor(status), std::string(status.message()));
    return;
  }
  if (!created) {
    // As InfluxDB 3: an identical cache exists, nothing was done.
    response->status = 204;
    response->body.clear();
    return;
  }
  *response = JsonResponse(201, out);
}

}  // namespace strata::server
