// The Parquet file cache: fetch, parse, map columns, evict least recently used.
#include "persist/file_cache.h"

#include <utility>

#include "common/status.h"
#include "fmt/format.h"
#include "nlohmann/json.hpp"
#include "persist/partition_encoder.h"

namespace strata::persist {

absl::Status MapStrataColumns(const parquet::FileReader& reader,
                              std::string_view what,
                              OpenedFile* file) {
  const std::string* text = nullptr;
  for (const parquet::KeyValue& kv : reader.key_value_metadata()) {
    if (kv.key == kStrataColumnsKey && kv.value.has_value()) {
      text = &*kv.value;
    }
  }
  if (text == nullptr) {
    return absl::DataLossError(
        fmt::format("Parquet file {} has no {} metadata: it was not written by strata",
                    what,
                    kStrataColumnsKey));
  }
  nlohmann::json json = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  auto bad = [&](std::string_view problem) {
    return absl::DataLossError(
        fmt::format("Parquet file {}: {} metadata {}", what, kStrataColumnsKey, problem));
  };
  if (!json.is_object() || !json.contains("table_id") || !json["table_id"].is_number_unsigned() ||
      !json.contains("columns") || !json["columns"].is_array()) {
    return bad("is not an object with table_id and columns");
  }
  file->table_id = json["table_id"].get<uint32_t>();
  const nlohmann::json& columns = json["columns"];
  if (columns.size() != static_cast<size_t>(reader.num_columns())) {
    return bad(
        fmt::format("describes {} columns, the file has {}", columns.size(), reader.num_columns()));
  }
  file->column_of_id.clear();
  for (int i = 0; i < reader.num_columns(); ++i) {
    const nlohmann::json& column = columns[static_cast<size_t>(i)];
    if (!column.is_object() || !column.contains("id") || !column["id"].is_number_unsigned() ||
        !column.contains("name") || !column["name"].is_string()) {
      return bad(fmt::format("column {} has no id or name", i));
    }
    if (column["name"].get<std::string>() != reader.schema()->field(i).name) {
      return bad(fmt::format("column {} is named '{}', the file's is '{}'",
                             i,
                             column["name"].get<std::string>(),
                             reader.schema()->field(i).name));
    }
    if (!file->column_of_id.emplace(column["id"].get<uint32_t>(), i).second) {
      return bad(fmt::format("repeats column id {}", column["id"].get<uint32_t>()));
    }
  }
  return absl::OkStatus();
}

ParquetFileCache::ParquetFileCache(objectstore::ObjectStore* store, uint64_t capacity_bytes)
    : store_(store), capacity_bytes_(capacity_bytes) {
  reader_options_.dictionaries = std::make_shared<DictionaryInterner>();
}

absl::StatusOr<std::shared_ptr<const OpenedFile>> ParquetFileCache::Open(
    const ParquetFileInfo& info) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = by_path_.find(info.path);
    if (it != by_path_.end()) {
      ++stats_.hits;
      lru_.splice(lru_.begin(), lru_, it->second);
      return it->second->second;
    }
    ++stats_.misses;
  }
  STRATA_ASSIGN_OR_RETURN(objectstore::ObjectPath path, objectstore::ObjectPath::Parse(info.path));
  absl::StatusOr<std::string> bytes = store_->Get(path);
  if (!bytes.ok()) {
    if (absl::IsNotFound(bytes.status())) {
      return absl::DataLossError(fmt::format(
          "Parquet file {} of the file index is missing from the object store", info.path));
    }
    return bytes.status();
  }
  auto file = std::make_shared<OpenedFile>();
  file->size_bytes = bytes->size();
  absl::StatusOr<std::unique_ptr<parquet::FileReader>> reader =
      parquet::FileReader::Open(parquet::MemorySource(std::move(*bytes)), reader_options_);
  if (!reader.ok()) {
    return absl::DataLossError(
        fmt::format("Parquet file {}: {}", info.path, std::string(reader.status().message())));
  }
  file->reader = std::move(*reader);
  STRATA_RETURN_IF_ERROR(MapStrataColumns(*file->reader, info.path, file.get()));
  if (file->table_id != info.table_id) {
    return absl::DataLossError(fmt::format("Parquet file {} holds table {}, the index says {}",
                                           info.path,
                                           file->table_id,
                                           info.table_id));
  }
  std::shared_ptr<const OpenedFile> opened = std::move(file);
  if (opened->size_bytes > capacity_bytes_) {
    return opened;
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (by_path_.contains(info.path)) {
    return opened;  // another query opened it meanwhile
  }
  lru_.emplace_front(info.path, opened);
  by_path_[info.path] = lru_.begin();
  opened->cached = true;
  stats_.bytes += opened->size_bytes;
  ++stats_.files;
  EvictLocked();
  return opened;
}

void ParquetFileCache::EvictLocked() {
  while (stats_.bytes > capacity_bytes_ && !lru_.empty()) {
    const OpenedFile& victim = *lru_.back().second;
    stats_.bytes -= victim.size_bytes + victim.decoded_bytes;
    stats_.decoded_bytes -= victim.decoded_bytes;
    // Queries still reading it keep what they hold; nothing more is kept for it.
    victim.cached = false;
    victim.decoded.clear();
    victim.decoded_bytes = 0;
    --stats_.files;
    ++stats_.evictions;
    by_path_.erase(lru_.back().first);
    lru_.pop_back();
  }
}

absl::StatusOr<std::vector<ColumnPtr>> ParquetFileCache::ReadColumns(
    const OpenedFile& file,
    const ParquetFileInfo& info,
    int row_group,
    const std::vector<int>& columns) {
  std::vector<ColumnPtr> out(columns.size());
  std::vector<int> missing;
  std::vector<size_t> missing_at;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (size_t i = 0; i < columns.size(); ++i) {
      auto it = file.decoded.find({row_group, columns[i]});
      if (it != file.decoded.end()) {
        out[i] = it->second;
      } else {
        missing.push_back(columns[i]);
        missing_at.push_back(i);
      }
    }
  }
  if (missing.empty()) {
    return out;
  }
  absl::StatusOr<RecordBatch> batch = file.reader->ReadRowGroup(row_group, missing);
  if (!batch.ok()) {
    return absl::DataLossError(fmt::format("Parquet file {}, row group {}: {}",
                                           info.path,
                                           row_group,
                                           std::string(batch.status().message())));
  }
  std::lock_guard<std::mutex> lock(mu_);
  for (size_t m = 0; m < missing.size(); ++m) {
    const ColumnPtr& column = batch->column(static_cast<int>(m));
    out[missing_at[m]] = column;
    if (!file.cached) {
      continue;
    }
    // A dictionary the file's row groups share (interned) is counted once per file.
    const StringDictionary* dictionary = column->dictionary().get();
    const bool new_dictionary =
        dictionary != nullptr && file.decoded_dictionaries.insert(dictionary).second;
    const uint64_t bytes = column->MemoryUsage() + (new_dictionary ? dictionary->MemoryUsage() : 0);
    if (file.decoded.emplace(std::make_pair(row_group, missing[m]), column).second) {
      file.decoded_bytes += bytes;
      stats_.decoded_bytes += bytes;
      stats_.bytes += bytes;
    }
  }
  if (file.cached) {
    // The file was used just now: it moves to the front before anything is evicted.
    auto it = by_path_.find(info.path);
    if (it != by_path_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second);
    }
    EvictLocked();
  }
  return out;
}

FileCacheStats ParquetFileCache::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

}  // namespace strata::persist
