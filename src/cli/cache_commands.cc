// The cache subcommands: JSON requests to /api/v3/configure/{last,distinct}_cache and queries
// of system.last_caches and system.distinct_caches.
#include "cli/cache_commands.h"

#include <cstdio>
#include <vector>

#include "cli/human_duration.h"
#include "nlohmann/json.hpp"
#include "server/http_client.h"

namespace strata::cli {
namespace {

using nlohmann::json;
using Headers = std::vector<std::pair<std::string, std::string>>;

int Error(const std::string& message) {
  std::fprintf(stderr, "strata: error: %s\n", message.c_str());
  return 1;
}

std::vector<std::string> SplitColumns(const std::string& list) {
  std::vector<std::string> columns;
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    if (comma == std::string::npos) {
      comma = list.size();
    }
    if (comma > start) {
      columns.push_back(list.substr(start, comma - start));
    }
    start = comma + 1;
  }
  return columns;
}

// Sends `body` with `method` to `path`; prints the server's error and returns false on a
// status other than 2xx.
bool Send(const std::string& host,
          const std::string& token,
          const std::string& method,
          const std::string& path,
          const json& body,
          int* status,
          std::string* response_body) {
  auto client = server::HttpClient::Create(host);
  if (!client.ok()) {
    Error(std::string(client.status().message()));
    return false;
  }
  Headers headers{{"Content-Type", "application/json"}};
  if (!token.empty()) {
    headers.emplace_back("Authorization", "Bearer " + token);
  }
  auto response = (*client)->Request(method, path, body.dump(), headers);
  if (!response.ok()) {
    Error(std::string(response.status().message()));
    return false;
  }
  *status = response->status;
  *response_body = response->body;
  if (response->status / 100 != 2) {
    json error = json::parse(response->body, nullptr, false);
    std::string message = error.is_object() && error.contains("error") && error["error"].is_string()
                              ? error["error"].get<std::string>()
                              : response->body;
    Error("server answered " + std::to_string(response->status) + ": " + message);
    return false;
  }
  return true;
}

}  // namespace

CacheCommands::CacheCommands(CLI::App* create, CLI::App* del, CLI::App* show) {
  create_last_ = create->add_subcommand("last_cache", "Create a last-value cache on a table");
  AddCommon(create_last_, &create_last_flags_, true);
  create_last_->add_option(
      "--key-columns", key_columns_, "Comma-separated key columns (default: the table's tags)");
  create_last_->add_option(
      "--value-columns",
      value_columns_,
      "Comma-separated value columns (default: every other column, including later ones)");
  create_last_->add_option("--count", count_, "Rows kept per key, 1 to 10 (default 1)");
  create_last_->add_option(
      "--ttl", ttl_, "How long a row stays cached, e.g. 30s, 1min 30sec, 4h (default 4 hours)");

  create_distinct_ =
      create->add_subcommand("distinct_cache", "Create a distinct-value cache on a table");
  AddCommon(create_distinct_, &create_distinct_flags_, true);
  create_distinct_->add_option("--columns", columns_, "Comma-separated columns (tags or strings)")
      ->required();
  create_distinct_->add_option(
      "--max-cardinality", max_cardinality_, "Most distinct tuples kept (default 100000)");
  create_distinct_->add_option(
      "--max-age", max_age_, "How long an unseen tuple stays cached, e.g. 1d (default 1 day)");

  delete_last_ = del->add_subcommand("last_cache", "Delete a last-value cache");
  AddCommon(delete_last_, &delete_last_flags_, true);
  delete_distinct_ = del->add_subcommand("distinct_cache", "Delete a distinct-value cache");
  AddCommon(delete_distinct_, &delete_distinct_flags_, true);
  for (CLI::App* command : {delete_last_, delete_distinct_}) {
    command->get_option("CACHE_NAME")->required();
  }

  show_caches_ = show->add_subcommand("caches", "List the last-value and distinct-value caches");
  AddCommon(show_caches_, &show_flags_, false);
}

void CacheCommands::AddCommon(CLI::App* command, Common* common, bool table) {
  command->add_option("-H,--host", common->host, "Server URL")
      ->envname("STRATA_HOST")
      ->capture_default_str();
  command->add_option("--token", common->token, "Authentication token")->envname("STRATA_TOKEN");
  command->add_option("-d,--database", common->database, "Database")
      ->envname("STRATA_DATABASE")
      ->required();
  if (table) {
    command->add_option("-t,--table", common->table, "Table")->required();
    command->add_option("CACHE_NAME", common->name, "Cache name (default: made from the columns)");
  }
}

bool CacheCommands::Parsed() const {
  for (CLI::App* command :
       {create_last_, create_distinct_, delete_last_, delete_distinct_, show_caches_}) {
    if (command->parsed()) {
      return true;
    }
  }
  return false;
}

int CacheCommands::Run() const {
  if (create_last_->parsed()) {
    return RunCreateLast();
  }
  if (create_distinct_->parsed()) {
    return RunCreateDistinct();
  }
  if (delete_last_->parsed()) {
    return RunDelete(true, delete_last_flags_);
  }
  if (delete_distinct_->parsed()) {
    return RunDelete(false, delete_distinct_flags_);
  }
  return RunShow();
}

int CacheCommands::RunCreateLast() const {
  const Common& c = create_last_flags_;
  json body{{"db", c.database}, {"table", c.table}};
  if (!c.name.empty()) {
    body["name"] = c.name;
  }
  if (!key_columns_.empty()) {
    body["key_columns"] = SplitColumns(key_columns_);
  }
  if (!value_columns_.empty()) {
    body["value_columns"] = SplitColumns(value_columns_);
  }
  if (count_) {
    body["count"] = *count_;
  }
  if (!ttl_.empty()) {
    auto seconds = ParseHumanDurationSeconds(ttl_);
    if (!seconds.ok()) {
      return Error("--ttl: " + std::string(seconds.status().message()));
    }
    body["ttl"] = *seconds;
  }
  int status = 0;
  std::string response;
  if (!Send(c.host, c.token, "POST", "/api/v3/configure/last_cache", body, &status, &response)) {
    return 1;
  }
  if (status == 204) {
    std::printf("an identical last cache already exists\n");
    return 0;
  }
  json created = json::parse(response, nullptr, false);
  std::printf("new cache created: %s\n",
              created.is_object() ? created.dump(2).c_str() : response.c_str());
  return 0;
}

int CacheCommands::RunCreateDistinct() const {
  const Common& c = create_distinct_flags_;
  json body{{"db", c.database}, {"table", c.table}, {"columns", SplitColumns(columns_)}};
  if (!c.name.empty()) {
    body["name"] = c.name;
  }
  if (max_cardinality_) {
    body["max_cardinality"] = *max_cardinality_;
  }
  if (!max_age_.empty()) {
    auto seconds = ParseHumanDurationSeconds(max_age_);
    if (!seconds.ok()) {
      return Error("--max-age: " + std::string(seconds.status().message()));
    }
    body["max_age"] = *seconds;
  }
  int status = 0;
  std::string response;
  if (!Send(
          c.host, c.token, "POST", "/api/v3/configure/distinct_cache", body, &status, &response)) {
    return 1;
  }
  if (status == 204) {
    std::printf("an identical distinct cache already exists\n");
    return 0;
  }
  json created = json::parse(response, nullptr, false);
  std::printf("new cache created: %s\n",
              created.is_object() ? created.dump(2).c_str() : response.c_str());
  return 0;
}

int CacheCommands::RunDelete(bool last, const Common& c) const {
  json body{{"db", c.database}, {"table", c.table}, {"name", c.name}};
  int status = 0;
  std::string response;
  const std::string path =
      last ? "/api/v3/configure/last_cache" : "/api/v3/configure/distinct_cache";
  if (!Send(c.host, c.token, "DELETE", path, body, &status, &response)) {
    return 1;
  }
  std::printf("%s cache deleted successfully\n", last ? "last" : "distinct");
  return 0;
}

int CacheCommands::RunShow() const {
  const Common& c = show_flags_;
  for (const char* table : {"last_caches", "distinct_caches"}) {
    json body{{"db", c.database},
              {"q", std::string("SELECT * FROM system.") + table + " ORDER BY \"table\", name"},
              {"format", "pretty"}};
    int status = 0;
    std::string response;
    if (!Send(c.host, c.token, "POST", "/api/v3/query_sql", body, &status, &response)) {
      return 1;
    }
    std::printf("%s:\n%s\n", table, response.c_str());
  }
  return 0;
}

}  // namespace strata::cli
