// Snapshot records as JSON, and folding them into the index.
#include "persist/file_index.h"

#include <cmath>
#include <limits>
#include <utility>

#include "common/check.h"
#include "fmt/format.h"
#include "nlohmann/json.hpp"

namespace strata::persist {
namespace {

using json = nlohmann::json;

constexpr int kFormatVersion = 1;

json EncodeStat(const StatValue& value) {
  return std::visit(
      [](const auto& v) -> json {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return nullptr;
        } else if constexpr (std::is_same_v<T, bool>) {
          return json{{"b", v}};
        } else if constexpr (std::is_same_v<T, int64_t>) {
          return json{{"i", v}};
        } else if constexpr (std::is_same_v<T, uint64_t>) {
          return json{{"u", v}};
        } else if constexpr (std::is_same_v<T, double>) {
          // JSON has no infinities (statistics never hold NaN).
          if (std::isinf(v)) {
            return json{{"f", v > 0 ? "Infinity" : "-Infinity"}};
          }
          return json{{"f", v}};
        } else {
          return json{{"s", v}};
        }
      },
      value);
}

// Reads the JSON of one record, turning every shape problem into a DataLoss naming the object.
class Decoder {
 public:
  explicit Decoder(std::string_view what) : what_(what) {}

  absl::Status Error(std::string_view problem) const {
    return absl::DataLossError(fmt::format("snapshot record {}: {}", what_, problem));
  }

  template <typename T>
  absl::StatusOr<T> Get(const json& object, const char* key) const {
    auto it = object.find(key);
    if (it == object.end()) {
      return Error(fmt::format("missing \"{}\"", key));
    }
    if constexpr (std::is_same_v<T, bool>) {
      if (!it->is_boolean()) {
        return Error(fmt::format("\"{}\" is not a boolean", key));
      }
      return it->template get<bool>();
    } else if constexpr (std::is_same_v<T, std::string>) {
      if (!it->is_string()) {
        return Error(fmt::format("\"{}\" is not a string", key));
      }
      return it->template get<std::string>();
    } else if constexpr (std::is_unsigned_v<T>) {
      if (!it->is_number_unsigned() ||
          it->template get<uint64_t>() > std::numeric_limits<T>::max()) {
        return Error(fmt::format("\"{}\" is not an unsigned integer in range", key));
      }
      return static_cast<T>(it->template get<uint64_t>());
    } else {
      static_assert(std::is_same_v<T, int64_t>);
      if (it->is_number_unsigned()) {
        if (it->template get<uint64_t>() >
            static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
          return Error(fmt::format("\"{}\" is out of the int64 range", key));
        }
        return static_cast<int64_t>(it->template get<uint64_t>());
      }
      if (!it->is_number_integer()) {
        return Error(fmt::format("\"{}\" is not an integer", key));
      }
      return it->template get<int64_t>();
    }
  }

  absl::StatusOr<const json*> GetArray(const json& object, const char* key) const {
    auto it = object.find(key);
    if (it == object.end() || !it->is_array()) {
      return Error(fmt::format("\"{}\" is missing or not an array", key));
    }
    return &*it;
  }

  absl::StatusOr<StatValue> Stat(const json& value) const {
    if (value.is_null()) {
      return StatValue{};
    }
    if (!value.is_object() || value.size() != 1) {
      return Error("a statistic is not null or a one-key object");
    }
    // An object iterator (not items(), whose proxies are temporaries).
    const auto only = value.begin();
    const std::string& key = only.key();
    const json& v = only.value();
    if (key == "b" && v.is_boolean()) {
      return StatValue{v.get<bool>()};
    }
    if (key == "i" && v.is_number_integer() &&
        (!v.is_number_unsigned() ||
         v.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))) {
      return StatValue{v.get<int64_t>()};
    }
    if (key == "u" && v.is_number_unsigned()) {
      return StatValue{v.get<uint64_t>()};
    }
    if (key == "f" && v.is_number()) {
      return StatValue{v.get<double>()};
    }
    if (key == "f" && v.is_string() && (v == "Infinity" || v == "-Infinity")) {
      return StatValue{v == "Infinity" ? std::numeric_limits<double>::infinity()
                                       : -std::numeric_limits<double>::infinity()};
    }
    if (key == "s" && v.is_string()) {
      return StatValue{v.get<std::string>()};
    }
    return Error(fmt::format("bad statistic {}", value.dump()));
  }

 private:
  std::string_view what_;
};

#define STRATA_DECODE(lhs, expr) \
  do {                           \
    auto decoded_ = (expr);      \
    if (!decoded_.ok()) {        \
      return decoded_.status();  \
    }                            \
    lhs = *std::move(decoded_);  \
  } while (false)

}  // namespace

std::string EncodeSnapshotRecord(const SnapshotRecord& record) {
  json files = json::array();
  for (const ParquetFileInfo& file : record.files) {
    json columns = json::array();
    for (const ColumnStats& column : file.columns) {
      columns.push_back({{"column_id", column.column_id},
                         {"null_count", column.null_count},
                         {"min", EncodeStat(column.min)},
                         {"max", EncodeStat(column.max)}});
    }
    files.push_back({{"file_id", file.file_id},
                     {"database_id", file.database_id},
                     {"table_id", file.table_id},
                     {"path", file.path},
                     {"size_bytes", file.size_bytes},
                     {"row_count", file.row_count},
                     {"min_time", file.min_time},
                     {"max_time", file.max_time},
                     {"snapshot_sequence", file.snapshot_sequence},
                     {"columns", std::move(columns)}});
  }
  json windows = json::array();
  for (const PersistedWindow& window : record.windows) {
    windows.push_back({{"database_id", window.database_id},
                       {"table_id", window.table_id},
                       {"start", window.start},
                       {"last", window.last},
                       {"wal_sequence", window.wal_sequence}});
  }
  json out = {{"format", kFormatVersion},
              {"sequence", record.sequence},
              {"created_unix_nanos", record.created_unix_nanos},
              {"checkpoint", record.checkpoint},
              {"next_file_id", record.next_file_id},
              {"files", std::move(files)},
              {"windows", std::move(windows)}};
  if (!record.removed_file_ids.empty()) {
    out["removed_file_ids"] = record.removed_file_ids;
  }
  return out.dump();
}

absl::StatusOr<SnapshotRecord> DecodeSnapshotRecord(std::string_view bytes, std::string_view what) {
  Decoder d(what);
  json parsed = json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return d.Error("not a JSON object");
  }
  int64_t format = 0;
  STRATA_DECODE(format, d.Get<int64_t>(parsed, "format"));
  if (format != kFormatVersion) {
    return d.Error(fmt::format(
        "format version {} is not {} (written by a newer strata?)", format, kFormatVersion));
  }
  SnapshotRecord record;
  STRATA_DECODE(record.sequence, d.Get<uint64_t>(parsed, "sequence"));
  STRATA_DECODE(record.created_unix_nanos, d.Get<int64_t>(parsed, "created_unix_nanos"));
  STRATA_DECODE(record.checkpoint, d.Get<bool>(parsed, "checkpoint"));
  STRATA_DECODE(record.next_file_id, d.Get<uint64_t>(parsed, "next_file_id"));
  const json* files = nullptr;
  STRATA_DECODE(files, d.GetArray(parsed, "files"));
  for (const json& f : *files) {
    if (!f.is_object()) {
      return d.Error("a file is not an object");
    }
    ParquetFileInfo file;
    STRATA_DECODE(file.file_id, d.Get<uint64_t>(f, "file_id"));
    STRATA_DECODE(file.database_id, d.Get<uint32_t>(f, "database_id"));
    STRATA_DECODE(file.table_id, d.Get<uint32_t>(f, "table_id"));
    STRATA_DECODE(file.path, d.Get<std::string>(f, "path"));
    STRATA_DECODE(file.size_bytes, d.Get<uint64_t>(f, "size_bytes"));
    STRATA_DECODE(file.row_count, d.Get<int64_t>(f, "row_count"));
    STRATA_DECODE(file.min_time, d.Get<int64_t>(f, "min_time"));
    STRATA_DECODE(file.max_time, d.Get<int64_t>(f, "max_time"));
    STRATA_DECODE(file.snapshot_sequence, d.Get<uint64_t>(f, "snapshot_sequence"));
    if (file.file_id == 0 || file.file_id >= record.next_file_id) {
      return d.Error(fmt::format(
          "file id {} is not below next_file_id {}", file.file_id, record.next_file_id));
    }
    if (file.row_count < 0 || file.min_time > file.max_time) {
      return d.Error(fmt::format("file {} has a bad row count or time range", file.file_id));
    }
    const json* columns = nullptr;
    STRATA_DECODE(columns, d.GetArray(f, "columns"));
    for (const json& c : *columns) {
      if (!c.is_object() || !c.contains("min") || !c.contains("max")) {
        return d.Error(fmt::format("a column of file {} is malformed", file.file_id));
      }
      ColumnStats column;
      STRATA_DECODE(column.column_id, d.Get<uint32_t>(c, "column_id"));
      STRATA_DECODE(column.null_count, d.Get<int64_t>(c, "null_count"));
      STRATA_DECODE(column.min, d.Stat(c["min"]));
      STRATA_DECODE(column.max, d.Stat(c["max"]));
      file.columns.push_back(std::move(column));
    }
    record.files.push_back(std::move(file));
  }
  const json* windows = nullptr;
  STRATA_DECODE(windows, d.GetArray(parsed, "windows"));
  for (const json& w : *windows) {
    if (!w.is_object()) {
      return d.Error("a window is not an object");
    }
    PersistedWindow window;
    STRATA_DECODE(window.database_id, d.Get<uint32_t>(w, "database_id"));
    STRATA_DECODE(window.table_id, d.Get<uint32_t>(w, "table_id"));
    STRATA_DECODE(window.start, d.Get<int64_t>(w, "start"));
    STRATA_DECODE(window.last, d.Get<int64_t>(w, "last"));
    STRATA_DECODE(window.wal_sequence, d.Get<uint64_t>(w, "wal_sequence"));
    if (window.start > window.last) {
      return d.Error(fmt::format("window [{}, {}] is empty", window.start, window.last));
    }
    record.windows.push_back(window);
  }
  if (parsed.contains("removed_file_ids")) {
    const json* removed = nullptr;
    STRATA_DECODE(removed, d.GetArray(parsed, "removed_file_ids"));
    if (record.checkpoint && !removed->empty()) {
      return d.Error("a checkpoint removes files");
    }
    for (const json& id : *removed) {
      if (!id.is_number_unsigned() || id.get<uint64_t>() == 0 ||
          id.get<uint64_t>() >= record.next_file_id) {
        return d.Error(fmt::format("bad removed file id {}", id.dump()));
      }
      record.removed_file_ids.push_back(id.get<uint64_t>());
    }
  }
  return record;
}

void FileIndex::Apply(const SnapshotRecord& record) {
  if (record.checkpoint) {
    files_.clear();
    windows_.clear();
  } else {
    STRATA_CHECK_EQ(record.sequence, last_sequence_ + 1);
  }
  for (uint64_t id : record.removed_file_ids) {
    files_.erase(id);
  }
  for (const ParquetFileInfo& file : record.files) {
    files_[file.file_id] = file;
  }
  for (const PersistedWindow& window : record.windows) {
    PersistedWindow& kept = windows_[{window.database_id, window.table_id, window.start}];
    if (kept.wal_sequence == 0) {
      kept = window;
    } else {
      kept.last = std::max(kept.last, window.last);
      kept.wal_sequence = std::max(kept.wal_sequence, window.wal_sequence);
    }
  }
  last_sequence_ = record.sequence;
  next_file_id_ = std::max(next_file_id_, record.next_file_id);
}

SnapshotRecord FileIndex::ToCheckpoint(int64_t created_unix_nanos) const {
  SnapshotRecord record;
  record.sequence = last_sequence_;
  record.created_unix_nanos = created_unix_nanos;
  record.checkpoint = true;
  record.next_file_id = next_file_id_;
  for (const auto& [id, file] : files_) {
    record.files.push_back(file);
  }
  for (const auto& [key, window] : windows_) {
    record.windows.push_back(window);
  }
  return record;
}

const PersistedWindow* FileIndex::WindowOf(uint32_t database_id,
                                           uint32_t table_id,
                                           int64_t time) const {
  auto it = windows_.upper_bound({database_id, table_id, time});
  if (it == windows_.begin()) {
    return nullptr;
  }
  --it;
  const PersistedWindow& window = it->second;
  if (window.database_id != database_id || window.table_id != table_id || time > window.last) {
    return nullptr;
  }
  return &window;
}

std::vector<const ParquetFileInfo*> FileIndex::TableFiles(uint32_t database_id,
                                                          uint32_t table_id) const {
  std::vector<const ParquetFileInfo*> out;
  for (const auto& [id, file] : files_) {
    if (file.database_id == database_id && file.table_id == table_id) {
      out.push_back(&file);
    }
  }
  return out;
}

}  // namespace strata::persist
