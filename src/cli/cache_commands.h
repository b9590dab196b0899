// `strata create last_cache|distinct_cache`, `strata delete last_cache|distinct_cache` and
// `strata show caches`: cache management on a running server over its HTTP API, with the flags
// of InfluxDB 3's influxdb3 CLI.
#pragma once

#include <optional>
#include <string>

#include "CLI/CLI.hpp"

namespace strata::cli {

// Adds the cache subcommands under `create`, `del` and `show` (the app's `create`, `delete`
// and `show` subcommands), and runs whichever was parsed.
class CacheCommands {
 public:
  CacheCommands(CLI::App* create, CLI::App* del, CLI::App* show);

  // True when one of the cache subcommands was parsed.
  bool Parsed() const;
  // Runs the parsed subcommand; returns the exit code.
  int Run() const;

 private:
  struct Common {
    std::string host = "http://127.0.0.1:8181";
    std::string token;
    std::string database;
    std::string table;
    std::string name;
  };
  void AddCommon(CLI::App* command, Common* common, bool table);

  int RunCreateLast() const;
  int RunCreateDistinct() const;
  int RunDelete(bool last, const Common& common) const;
  int RunShow() const;

  CLI::App* create_last_ = nullptr;
  CLI::App* create_distinct_ = nullptr;
  CLI::App* delete_last_ = nullptr;
  CLI::App* delete_distinct_ = nullptr;
  CLI::App* show_caches_ = nullptr;

  Common create_last_flags_;
  std::string key_columns_;
  std::string value_columns_;
  std::optional<int64_t> count_;
  std::string ttl_;
  Common create_distinct_flags_;
  std::string columns_;
  std::optional<int64_t> max_cardinality_;
  std::string max_age_;
  Common delete_last_flags_;
  Common delete_distinct_flags_;
  Common show_flags_;
};

}  // namespace strata::cli
