// Rules for the names of databases, tables and columns (docs/catalog.md, "Names"). Names are never
// used as file or directory names: catalog files use fixed names, data files use numeric ids.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace strata::catalog {

// The longest database name, in bytes (InfluxDB 3 Core's limit).
inline constexpr size_t kMaxDatabaseNameLength = 64;

// The longest table or column name, in bytes.
inline constexpr size_t kMaxTableNameLength = 512;
inline constexpr size_t kMaxColumnNameLength = 512;

// Checks a database name as InfluxDB 3 does: 1 to 64 bytes of ASCII letters, digits, '_' and '-',
// plus at most one '/' (separating a v1 retention policy name) that is neither first nor last; the
// first character is a letter or a digit. Returns InvalidArgument naming the problem.
absl::Status ValidateDatabaseName(std::string_view name);

// Checks a table (measurement) name: non-empty, at most kMaxTableNameLength bytes, valid UTF-8, no
// control characters (U+0000..U+001F, U+007F..U+009F). Returns InvalidArgument naming the problem.
absl::Status ValidateTableName(std::string_view name);

// Checks a tag or field name with the rules of ValidateTableName (limit kMaxColumnNameLength);
// "time" is reserved for the time column. Returns InvalidArgument naming the problem.
absl::Status ValidateColumnName(std::string_view name);

// Returns `name` quoted for an error message: control characters and invalid UTF-8 bytes are shown
// as \xNN and names longer than 100 bytes are cut with "...", so a hostile name cannot garble a log
// line or an HTTP response.
std::string QuoteName(std::string_view name);

}  // namespace strata::catalog
