// Compaction of a table window's Parquet files: the rows of several files merged per point, as a
// scan merges them, and written as one file (persist::Persister::Compact commits it).
#pragma once

#include "catalog/catalog.h"
#include "parquet/file_writer.h"
#include "persist/file_cache.h"
#include "persist/persister.h"

namespace strata::query {

// The persist::CompactionEncoder of a server: reads the input files through `files`, merges
// them with the scan's merge (BufferScanExec, one merge unit of every input: one row per series
// key and time, per column the value of the latest input that has one) and writes the rows,
// sorted by series key and time, with persist::EncodeSortedColumns. The table is looked up in
// `catalog`'s current snapshot. Both must outlive the encoder.
persist::CompactionEncoder MakeCompactionEncoder(const catalog::Catalog* catalog,
                                                 persist::ParquetFileCache* files,
                                                 parquet::WriterOptions options = {});

}  // namespace strata::query
