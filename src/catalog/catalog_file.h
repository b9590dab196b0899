// The catalog's on-disk form: one JSON document (format in docs/catalog.md, "File format"), written
// crash-safely by replacing the whole file: write a temporary file, fsync it, rename it over the
// old one, fsync the directory.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "catalog/schema.h"

namespace strata::catalog {

// The format version written into, and required from, every catalog file.
inline constexpr int kCatalogFormatVersion = 1;

// The longest token name accepted.
inline constexpr size_t kMaxTokenNameBytes = 256;

// Returns the JSON text of `snapshot`.
std::string EncodeCatalogJson(const CatalogSnapshot& snapshot);

// Parses and checks a catalog file's text: format version, dense ids, valid and unique names,
// a time column first in every table, column types that match their kinds. Any problem is a
// DataLoss error naming where it is ("databases[2].tables[0].columns[3]: ...").
absl::StatusOr<std::shared_ptr<const CatalogSnapshot>> DecodeCatalogJson(std::string_view text);

// Replaces `directory`/`file_name` with `contents` so that after a crash the file holds either the
// old or the new contents, never a mix: writes `directory`/`temp_name`, fsyncs it, renames it over
// the file and fsyncs the directory. Internal error with the failing step and errno text.
absl::Status ReplaceFileDurably(const std::string& directory,
                                std::string_view file_name,
                                std::string_view temp_name,
                                std::string_view contents);

// Fsyncs a directory, making the entries created or renamed in it durable.
absl::Status SyncDirectory(const std::string& directory);

// Reads a whole file. NotFound when it does not exist; Internal for other I/O errors.
absl::StatusOr<std::string> ReadWholeFile(const std::string& path);

}  // namespace strata::catalog
