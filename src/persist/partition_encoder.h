// Encoding a frozen write buffer partition as a Parquet file: rows sorted by series key (the tag
// values, in tag column order) and then time, the table's column names, strata's description of
// the columns in the file's key-value metadata, and per-column statistics for the file index.
#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "buffer/write_buffer.h"
#include "catalog/catalog.h"
#include "catalog/schema.h"
#include "parquet/file_writer.h"
#include "persist/persister.h"

namespace strata::persist {

// The key-value metadata key under which a file describes its columns as JSON:
// {"table_id": 3, "columns": [{"name": "host", "id": 1, "kind": "tag", "type": "tag"}, ...]}
// (kinds and types as the catalog names them: catalog::ColumnKindName, ColumnTypeName).
inline constexpr std::string_view kStrataColumnsKey = "strata.columns";

// Writes `frozen`'s rows. `table` is the catalog's schema of its table (for names and kinds; it
// knows every column the chunks have). Columns that are null in every row are left out.
absl::StatusOr<EncodedFile> EncodePartition(const buffer::WriteBuffer::FrozenTablePartition& frozen,
                                            const catalog::TableSchema& table,
                                            const parquet::WriterOptions& options);

// One column of rows already in file order, with its catalog column.
struct SortedColumn {
  const catalog::ColumnSchema* schema;
  ColumnPtr values;  // tags kDictionary, as in the buffer
};

// Writes rows already sorted by series key and time (what EncodePartition does after sorting;
// compaction uses it for merged rows): `time` and `columns`, all of one length. Columns null in
// every row are left out.
absl::StatusOr<EncodedFile> EncodeSortedColumns(const catalog::TableSchema& table,
                                                const ColumnPtr& time,
                                                const std::vector<SortedColumn>& columns,
                                                const parquet::WriterOptions& options);

// The PartitionEncoder of a server: EncodePartition with the partition's table looked up (by
// database and table id) in `catalog`'s current snapshot. `catalog` must outlive it.
PartitionEncoder MakeCatalogPartitionEncoder(const catalog::Catalog* catalog,
                                             parquet::WriterOptions options = {});

}  // namespace strata::persist
