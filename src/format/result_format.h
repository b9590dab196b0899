// The output formats of /api/v3/query_sql and `strata query`, as InfluxDB 3 names them: how a
// format is chosen (the `format` parameter or the Accept header) and the Content-Type it is sent
// with.
#pragma once

#include <optional>
#include <string_view>

#include "absl/status/statusor.h"

namespace strata::format {

enum class ResultFormat { kJson, kJsonLines, kCsv, kPretty, kParquet };

// The canonical name of `format`: "json", "jsonl", "csv", "pretty" or "parquet".
std::string_view FormatName(ResultFormat format);

// Parses a `format` parameter, ignoring case: "json", "jsonl" (or InfluxDB's other spelling,
// "json_lines"), "csv", "pretty" or "parquet". Anything else is InvalidArgument naming the value
// and listing the valid ones.
absl::StatusOr<ResultFormat> ParseResultFormat(std::string_view name);

// Chooses a format from an Accept header value: a comma-separated list of media ranges with
// optional q-values ("text/csv;q=0.9, application/json"). Recognized types:
//   application/json (also text/html, which browsers ask for), application/jsonl (also
//   application/x-ndjson), text/csv, text/plain (the pretty table), application/vnd.apache.parquet;
//   wildcards */* and application/* choose JSON, text/* chooses CSV.
// The acceptable format with the highest q-value wins; among equals, the one whose media range
// comes first in the header, then the more specific range. Parameters other than q are ignored;
// q=0 rules a type out. An empty header accepts anything (JSON). Returns nullopt when nothing
// listed is acceptable.
std::optional<ResultFormat> ResultFormatFromAccept(std::string_view accept);

// The Content-Type a response in `format` is sent with (InfluxDB 3's values):
// application/json, application/jsonl, text/csv, "text/plain; charset=utf-8",
// application/vnd.apache.parquet.
std::string_view ContentType(ResultFormat format);

}  // namespace strata::format
