// Write validation: checks parsed line protocol against the catalog, creates the databases,
// tables and columns the accepted lines need (one catalog persist per request), and converts the
// accepted lines into a WriteBatch of catalog ids. Per-line problems become LineErrors worded as
// InfluxDB 3 words them; only request-level problems fail the call.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "catalog/catalog.h"
#include "catalog/write_batch.h"
#include "lineprotocol/parser.h"

namespace strata::ingest {

// At most this many validation errors are kept in ValidationResult::errors (further ones are only
// counted in lines_rejected), so a hostile request cannot produce a huge error response. The
// parser caps its own errors separately (ParseOptions::max_reported_errors).
inline constexpr size_t kMaxReportedValidationErrors = 1000;

// The outcome of validating one write request.
struct ValidationResult {
  // The accepted lines, one row each in line order, grouped by table in order of first
  // appearance; cells of each row sorted by column id. Empty when nothing is to be written.
  WriteBatch batch;
  // Parse errors and validation errors together, ordered by line number.
  std::vector<lineprotocol::LineError> errors;
  // Lines that went into `batch`.
  int64_t lines_accepted = 0;
  // Lines rejected by the parser or by validation, counting those beyond the reporting caps.
  // With accept_partial=false and any error, the lines that were valid are not counted here (and
  // not in lines_accepted either): nothing was written.
  int64_t lines_rejected = 0;
};

// Validates `parsed` (the parse of one request body) for database `database` against `catalog`,
// creating the database, tables and columns the accepted lines need with one Catalog::Apply, and
// converts the accepted lines into a WriteBatch.
//
// Within a request the first accepted line that introduces a column fixes its type; later lines
// with another type are errors, as are lines that use an existing column with another type
// ("invalid column type for column 'x', expected float, got integer"), a tag named like a field
// or the reverse, a tag or field named "time", invalid table or column names, and lines that would
// exceed --max-tables or --max-columns-per-table. Points with the same table, tags and time are
// kept as separate rows in line order (the write buffer merges them: last write wins per field).
//
// accept_partial=true: lines with errors are skipped and reported; the rest are written.
// accept_partial=false: if any line has a parse or validation error, the batch is empty, the
// catalog is not changed (not even the database is created) and `errors` lists the problems.
//
// Returns an error only for request-level problems: an invalid database name (InvalidArgument),
// the database limit (ResourceExhausted), a catalog that could not be persisted (Internal), or a
// catalog that kept changing under concurrent schema changes (Aborted; retrying helps).
// Thread-safe: concurrent calls are serialized only while they change the catalog.
absl::StatusOr<ValidationResult> ValidateWrite(catalog::Catalog& catalog,
                                               std::string_view database,
                                               const lineprotocol::ParseResult& parsed,
                                               bool accept_partial);

}  // namespace strata::ingest
