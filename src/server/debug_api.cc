// Debug views of the write buffer (GET /api/v3/debug/buffer and /api/v3/debug/rows): what the
// buffer holds, read back without the SQL engine. Used by the end-to-end tests and operators.
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

#include "columnar/cell_visit.h"
#include "fmt/format.h"
#include "nlohmann/json.hpp"
#include "server/api.h"
#include "server/http_server.h"

namespace strata::server {
namespace {

using nlohmann::json;

// The value at `row` of `column` as JSON (null when null).
json CellJson(const Column& column, int64_t row) {
  return VisitCell(column, row, [](auto value) -> json {
    if constexpr (std::is_same_v<decltype(value), std::monostate>) {
      return nullptr;
    } else if constexpr (std::is_same_v<decltype(value), std::string_view>) {
      return std::string(value);
    } else {
      return value;
    }
  });
}

}  // namespace

void Api::HandleDebugBuffer(const HttpRequest& request, HttpResponse* response) const {
  auto catalog = catalog_->snapshot();
  const std::string* only = request.Param("db");
  json databases = json::array();
  for (const auto& database : catalog->databases()) {
    if (only != nullptr && database->name() != *only) {
      continue;
    }
    json tables = json::array();
    for (const auto& table : database->tables()) {
      auto stats = buffer_->table_stats(database->id(), table->id());
      json entry{{"name", table->name()}, {"columns", table->columns().size()}};
      entry["rows"] = stats ? stats->rows : 0;
      entry["chunks"] = stats ? stats->chunks : 0;
      entry["partitions"] = stats ? stats->partitions : 0;
      entry["series"] = stats ? stats->series : 0;
      if (stats && stats->rows > 0) {
        entry["min_time"] = stats->min_time;
        entry["max_time"] = stats->max_time;
      }
      tables.push_back(std::move(entry));
    }
    databases.push_back(json{{"name", database->name()}, {"tables", std::move(tables)}});
  }
  response->status = 200;
  response->body = json{{"memory_bytes", buffer_->memory_usage()},
                        {"memory_limit_bytes", buffer_->memory_limit_bytes()},
                        {"databases", std::move(databases)}}
                       .dump() +
                   "\n";
}

void Api::HandleDebugRows(const HttpRequest& request, HttpResponse* response) const {
  const std::string* db = request.Param("db");
  const std::string* table_name = request.Param("table");
  if (db == nullptr || table_name == nullptr) {
    *response = JsonError(400, "missing query parameter 'db' or 'table'");
    return;
  }
  auto catalog = catalog_->snapshot();
  const catalog::DatabaseSchema* database = catalog->FindDatabase(*db);
  if (database == nullptr) {
    *response = JsonError(404, fmt::format("database '{}' not found", *db));
    return;
  }
  const catalog::TableSchema* table = database->FindTable(*table_name);
  if (table == nullptr) {
    *response =
        JsonError(404, fmt::format("table '{}' not found in database '{}'", *table_name, *db));
    return;
  }
  response->status = 200;
  response->content_type = "application/jsonl";
  for (const auto& chunk : buffer_->SnapshotTable(database->id(), table->id())) {
    const Column& time = *chunk->time_column();
    for (int64_t row = 0; row < chunk->row_count(); ++row) {
      json out{{"time", time.GetInt64(row)}};
      for (const auto& column : table->columns()) {
        if (column.id == 0) {
          continue;  // the time column
        }
        const buffer::ChunkColumnSnapshot* values = chunk->FindColumn(column.id);
        out[column.name] = values == nullptr ? json(nullptr) : CellJson(*values->column, row);
      }
      response->body += out.dump();
      response->body += '\n';
    }
  }
}

}  // namespace strata::server
