// Write validation. One RequestValidator pass per attempt checks every parsed line against a
// catalog snapshot plus the columns earlier lines of the request introduced, appending accepted
// lines straight into the WriteBatch. New tables and columns get provisional ids; one
// Catalog::Apply then creates them. If a concurrent request changed the catalog so that the ids
// differ or the change conflicts, the pass is repeated against the new snapshot.
//
// Hot path: per line there are no allocations and, for lines shaped like the previous line of
// the same table (the usual case), no hash lookups: each table remembers the keys of its last
// line with their resolved columns and compares the next line's keys against them.
#include "ingest/validator.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "catalog/names.h"
#include "common/check.h"
#include "common/status.h"
#include "fmt/format.h"

namespace strata::ingest {
namespace {

using catalog::ColumnKind;
using lineprotocol::FieldType;
using lineprotocol::Line;
using lineprotocol::LineError;

// Attempts before giving up when other requests keep changing the catalog in between.
constexpr int kMaxAttempts = 5;

constexpr uint32_t kNoWrite = UINT32_MAX;

TypeId ToTypeId(FieldType type) {
  switch (type) {
    case FieldType::kFloat:
      return TypeId::kFloat64;
    case FieldType::kInteger:
      return TypeId::kInt64;
    case FieldType::kUInteger:
      return TypeId::kUInt64;
    case FieldType::kString:
      return TypeId::kString;
    case FieldType::kBoolean:
      return TypeId::kBool;
  }
  STRATA_CHECK(false && "unknown field type");
  return TypeId::kFloat64;
}

// A column as this request sees it: from the catalog, or added by an accepted line.
struct ColumnRef {
  uint32_t id;
  ColumnKind kind;
  TypeId type;
};

// A key of the previous accepted line of a table at one position, with its column.
// For a tag, it also remembers the value and where the string heap holds it: the next line with the
// same value at this position points at the same bytes instead of copying them again (constant
// tags such as region or os are common), which shrinks the batch and its WAL record.
struct ShapeEntry {
  bool valid = false;
  std::string_view key;
  ColumnRef ref{};
  bool has_value = false;
  std::string_view value;
  uint32_t value_offset = 0;
};

// A column introduced by this request.
struct NewColumn {
  std::string_view name;
  ColumnRef ref;
};

// What the request knows about one table it writes to.
struct RequestTable {
  std::string_view name;
  const catalog::TableSchema* schema = nullptr;  // nullptr: the table is new in this request
  std::string name_error;  // Not empty: the table name is invalid; its lines are rejected.
  bool committed = false;  // A new table with an accepted line: it will be created.
  uint32_t table_id = 0;   // The catalog's id, or the provisional one once committed.
  uint32_t next_column_id = 1;
  uint32_t write_index = kNoWrite;                           // Into WriteBatch::tables.
  std::vector<NewColumn> new_columns;                        // Accepted new columns, in id order.
  absl::flat_hash_map<std::string_view, ColumnRef> columns;  // Resolved so far.
  std::vector<ShapeEntry> shape;  // Keys of the last line: tags, then fields.
};

// One validation pass over a request against one catalog snapshot.
class RequestValidator {
 public:
  RequestValidator(const catalog::CatalogSnapshot& snapshot,
                   const catalog::CatalogLimits& limits,
                   std::string_view database,
                   const lineprotocol::ParseResult& parsed,
                   ValidationResult* result)
      : limits_(limits),
        database_name_(database),
        database_(snapshot.FindDatabase(database)),
        parsed_(parsed),
        result_(*result),
        batch_(result->batch),
        total_tables_(static_cast<int64_t>(snapshot.total_table_count())) {
    database_id_ = database_ != nullptr ? database_->id() : snapshot.next_database_id();
    next_table_id_ = database_ != nullptr ? database_->next_table_id() : 0;
  }

  void Run() {
    for (const Line& line : parsed_.lines) {
      ValidateLine(line);
    }
  }

  int64_t error_count() const { return error_count_; }
  std::vector<LineError>& errors() { return errors_; }

  bool HasCatalogChanges() const {
    if (!committed_new_tables_.empty()) {
      return true;
    }
    for (const auto& table : tables_) {
      if (!table->new_columns.empty()) {
        return true;
      }
    }
    return false;
  }

  // The additions the accepted lines need, listed so that Apply assigns the provisional ids.
  catalog::CatalogChanges Changes() const {
    catalog::DatabaseChange database{std::string(database_name_), {}};
    for (const RequestTable* table : committed_new_tables_) {
      database.tables.push_back(TableChangeOf(*table));
    }
    for (const auto& table : tables_) {
      if (table->schema != nullptr && !table->new_columns.empty()) {
        database.tables.push_back(TableChangeOf(*table));
      }
    }
    catalog::CatalogChanges changes;
    changes.databases.push_back(std::move(database));
    return changes;
  }

  // True when `applied` gave every new database, table and column the id this pass assumed.
  bool IdsMatch(const catalog::CatalogSnapshot& applied) const {
    const catalog::DatabaseSchema* database = applied.FindDatabase(database_name_);
    if (database == nullptr || database->id() != database_id_) {
      return false;
    }
    for (const auto& table : tables_) {
      if (table->new_columns.empty() && !table->committed) {
        continue;
      }
      const catalog::TableSchema* schema = database->FindTable(table->name);
      if (schema == nullptr || schema->id() != table->table_id) {
        return false;
      }
      for (const NewColumn& column : table->new_columns) {
        const catalog::ColumnSchema* found = schema->FindColumn(column.name);
        if (found == nullptr || found->id != column.ref.id) {
          return false;
        }
      }
    }
    return true;
  }

  // Sets the final ids in the batch and drops tables without accepted rows.
  void Finalize() {
    batch_.database_id = database_id_;
    for (const auto& table : tables_) {
      if (table->write_index != kNoWrite) {
        batch_.tables[table->write_index].table_id = table->table_id;
      }
    }
    std::erase_if(batch_.tables, [](const TableWrite& write) { return write.rows.empty(); });
  }

 private:
  static catalog::TableChange TableChangeOf(const RequestTable& table) {
    catalog::TableChange change{std::string(table.name), {}};
    change.columns.reserve(table.new_columns.size());
    for (const NewColumn& column : table.new_columns) {
      change.columns.push_back(
          catalog::ColumnChange{std::string(column.name), column.ref.kind, column.ref.type});
    }
    return change;
  }

  RequestTable& TableFor(std::string_view name) {
    if (last_table_ != nullptr && last_table_->name == name) {
      return *last_table_;
    }
    auto it = tables_by_name_.find(name);
    if (it != tables_by_name_.end()) {
      last_table_ = it->second;
      return *last_table_;
    }
    auto table = std::make_unique<RequestTable>();
    table->name = name;
    table->schema = database_ != nullptr ? database_->FindTable(name) : nullptr;
    if (table->schema != nullptr) {
      table->table_id = table->schema->id();
      table->next_column_id = table->schema->next_column_id();
    } else {
      absl::Status valid = catalog::ValidateTableName(name);
      if (!valid.ok()) {
        table->name_error = std::string(valid.message());
      }
      table->columns.emplace(
          catalog::kTimeColumnName,
          ColumnRef{catalog::kTimeColumnId, ColumnKind::kTime, TypeId::kTimestamp});
    }
    if (table->name_error.empty()) {
      table->write_index = static_cast<uint32_t>(batch_.tables.size());
      TableWrite& write = batch_.tables.emplace_back();
      if (table->write_index == 0) {
        // Most requests write one table: size its vectors for the whole request once.
        size_t text_bytes = 0;
        for (const Line& line : parsed_.lines) {
          text_bytes += line.text.size();
        }
        write.rows.reserve(parsed_.lines.size());
        write.cells.reserve(parsed_.tags.size() + parsed_.fields.size());
        write.string_heap.reserve(text_bytes);
      }
    }
    last_table_ = table.get();
    tables_by_name_.emplace(name, table.get());
    tables_.push_back(std::move(table));
    return *last_table_;
  }

  // Returns the column `key` refers to, or nullptr (with error_ set).
  const ColumnRef* Resolve(
      RequestTable& table, size_t position, std::string_view key, ColumnKind kind, TypeId type) {
    const ColumnRef* ref = nullptr;
    if (position < table.shape.size() && table.shape[position].valid &&
        table.shape[position].key == key) {
      ref = &table.shape[position].ref;
    } else {
      if (auto it = table.columns.find(key); it != table.columns.end()) {
        ref = &it->second;
      } else if (table.schema != nullptr) {
        if (const catalog::ColumnSchema* column = table.schema->FindColumn(key)) {
          ref = &table.columns.emplace(key, ColumnRef{column->id, column->kind, column->type})
                     .first->second;
        }
      }
      if (position >= table.shape.size()) {
        table.shape.resize(position + 1);
      }
      if (ref != nullptr) {
        table.shape[position] = ShapeEntry{true, key, *ref, false, {}, 0};
      } else {
        table.shape[position].valid = false;
        table.shape[position].has_value = false;
        ref = NewColumnOfLine(table, key, kind, type);
        if (ref == nullptr) {
          return nullptr;
        }
      }
    }
    if (ref->kind != kind || ref->type != type) [[unlikely]] {
      error_ = catalog::ColumnTypeConflictMessage(key, ref->kind, ref->type, kind, type);
      if (ref->kind == ColumnKind::kTime) {
        error_ += fmt::format(" ('{}' is reserved for the timestamp)", catalog::kTimeColumnName);
      }
      return nullptr;
    }
    return ref;
  }

  // A column the table does not have yet: the one an earlier key of this line introduced, or a
  // new one with the next provisional id.
  const ColumnRef* NewColumnOfLine(const RequestTable& table,
                                   std::string_view key,
                                   ColumnKind kind,
                                   TypeId type) {
    for (const NewColumn& column : line_new_columns_) {
      if (column.name == key) {
        return &column.ref;
      }
    }
    absl::Status valid = catalog::ValidateColumnName(key);
    if (!valid.ok()) {
      error_ = std::string(valid.message());
      return nullptr;
    }
    uint32_t id = table.next_column_id + static_cast<uint32_t>(line_new_columns_.size());
    line_new_columns_.push_back(NewColumn{key, ColumnRef{id, kind, type}});
    return &line_new_columns_.back().ref;
  }

  void ValidateLine(const Line& line) {
    RequestTable& table = TableFor(line.measurement);
    if (!table.name_error.empty()) {
      AddError(line, table.name_error);
      return;
    }
    if (table.schema == nullptr && !table.committed && total_tables_ >= limits_.max_tables) {
      AddError(line, limits_.TableLimitMessage());
      return;
    }
    TableWrite& write = batch_.tables[table.write_index];
    const uint32_t cell_mark = static_cast<uint32_t>(write.cells.size());
    const size_t heap_mark = write.string_heap.size();
    line_new_columns_.clear();
    uint32_t previous_id = 0;  // the time column; cells never use it
    bool sorted = true;
    size_t position = 0;

    const auto fail = [&](std::string message) {
      write.cells.resize(cell_mark);
      write.string_heap.resize(heap_mark);
      for (ShapeEntry& entry : table.shape) {
        if (entry.value_offset >= heap_mark) {
          entry.has_value = false;  // it points into the bytes just cut off
        }
      }
      AddError(line, std::move(message));
    };
    const auto append_string = [&](CellValue* cell, std::string_view value) {
      cell->str.offset = static_cast<uint32_t>(write.string_heap.size());
      cell->str.length = static_cast<uint32_t>(value.size());
      write.string_heap.append(value);
    };

    for (const lineprotocol::Tag& tag : parsed_.TagsOf(line)) {
      const size_t tag_position = position++;
      const ColumnRef* ref =
          Resolve(table, tag_position, tag.key, ColumnKind::kTag, TypeId::kDictionary);
      if (ref == nullptr) {
        return fail(std::move(error_));
      }
      CellValue cell;
      cell.column_id = ref->id;
      cell.type = TypeId::kDictionary;
      // Resolve left an entry at tag_position; it is valid when the column is not new.
      ShapeEntry& entry = table.shape[tag_position];
      if (entry.has_value && entry.value == tag.value) {
        cell.str.offset = entry.value_offset;
        cell.str.length = static_cast<uint32_t>(tag.value.size());
      } else {
        append_string(&cell, tag.value);
        if (entry.valid) {
          entry.has_value = true;
          entry.value = tag.value;
          entry.value_offset = cell.str.offset;
        }
      }
      sorted &= ref->id > previous_id;
      previous_id = ref->id;
      write.cells.push_back(cell);
    }
    for (const lineprotocol::FieldEntry& field : parsed_.FieldsOf(line)) {
      const TypeId type = ToTypeId(field.value.type);
      const ColumnRef* ref = Resolve(table, position++, field.key, ColumnKind::kField, type);
      if (ref == nullptr) {
        return fail(std::move(error_));
      }
      CellValue cell;
      cell.column_id = ref->id;
      cell.type = type;
      switch (field.value.type) {
        case FieldType::kFloat:
          cell.f64 = field.value.f;
          break;
        case FieldType::kInteger:
          cell.i64 = field.value.i;
          break;
        case FieldType::kUInteger:
          cell.u64 = field.value.u;
          break;
        case FieldType::kBoolean:
          cell.b = field.value.b;
          break;
        case FieldType::kString:
          append_string(&cell, field.value.s);
          break;
      }
      sorted &= ref->id > previous_id;
      previous_id = ref->id;
      write.cells.push_back(cell);
    }
    if (!sorted) {
      auto begin = write.cells.begin() + cell_mark;
      std::sort(begin, write.cells.end(), [](const CellValue& a, const CellValue& b) {
        return a.column_id < b.column_id;
      });
      // The parser rejects repeated keys; this guards the batch's invariant regardless.
      for (auto it = begin + 1; it < write.cells.end(); ++it) {
        if (it->column_id == (it - 1)->column_id) {
          return fail(fmt::format("column {} appears more than once in this line",
                                  catalog::QuoteName(ColumnName(table, it->column_id))));
        }
      }
    }
    if (!line_new_columns_.empty()) {
      if (static_cast<int64_t>(table.next_column_id + line_new_columns_.size()) >
          limits_.max_columns_per_table) {
        return fail(limits_.ColumnLimitMessage());
      }
      for (const NewColumn& column : line_new_columns_) {
        table.columns.emplace(column.name, column.ref);
        table.new_columns.push_back(column);
      }
      table.next_column_id += static_cast<uint32_t>(line_new_columns_.size());
    }
    if (table.schema == nullptr && !table.committed) {
      table.committed = true;
      table.table_id = next_table_id_++;
      ++total_tables_;
      committed_new_tables_.push_back(&table);
    }
    write.rows.push_back(
        RowRef{line.time_ns, cell_mark, static_cast<uint32_t>(write.cells.size())});
    batch_.min_time = std::min(batch_.min_time, line.time_ns);
    batch_.max_time = std::max(batch_.max_time, line.time_ns);
    ++batch_.row_count;
    ++result_.lines_accepted;
  }

  std::string_view ColumnName(const RequestTable& table, uint32_t id) const {
    for (const auto& [name, ref] : table.columns) {
      if (ref.id == id) {
        return name;
      }
    }
    for (const NewColumn& column : line_new_columns_) {
      if (column.ref.id == id) {
        return column.name;
      }
    }
    return "?";
  }

  void AddError(const Line& line, std::string message) {
    ++error_count_;
    if (errors_.size() < kMaxReportedValidationErrors) {
      errors_.push_back(
          lineprotocol::MakeLineError(line.line_number, line.text, std::move(message)));
    }
  }

  const catalog::CatalogLimits& limits_;
  const std::string_view database_name_;
  const catalog::DatabaseSchema* const database_;
  const lineprotocol::ParseResult& parsed_;
  ValidationResult& result_;
  WriteBatch& batch_;

  uint32_t database_id_ = 0;
  uint32_t next_table_id_ = 0;
  int64_t total_tables_;
  std::vector<std::unique_ptr<RequestTable>> tables_;  // In order of first appearance.
  absl::flat_hash_map<std::string_view, RequestTable*> tables_by_name_;
  RequestTable* last_table_ = nullptr;
  std::vector<RequestTable*> committed_new_tables_;  // In provisional id order.
  std::vector<NewColumn> line_new_columns_;          // Columns the current line introduces.
  std::string error_;
  std::vector<LineError> errors_;
  int64_t error_count_ = 0;
};

// Merges the parser's and the validator's errors (each in line order) by line number.
std::vector<LineError> MergeErrors(const std::vector<LineError>& parse_errors,
                                   std::vector<LineError>& validation_errors) {
  std::vector<LineError> merged;
  merged.reserve(parse_errors.size() + validation_errors.size());
  size_t v = 0;
  for (const LineError& parse_error : parse_errors) {
    while (v < validation_errors.size() &&
           validation_errors[v].line_number < parse_error.line_number) {
      merged.push_back(std::move(validation_errors[v++]));
    }
    merged.push_back(parse_error);
  }
  while (v < validation_errors.size()) {
    merged.push_back(std::move(validation_errors[v++]));
  }
  return merged;
}

}  // namespace

absl::StatusOr<ValidationResult> ValidateWrite(catalog::Catalog& catalog,
                                               std::string_view database,
                                               const lineprotocol::ParseResult& parsed,
                                               bool accept_partial) {
  STRATA_RETURN_IF_ERROR(catalog::ValidateDatabaseName(database));
  const catalog::CatalogLimits& limits = catalog.limits();
  for (int attempt = 1;; ++attempt) {
    std::shared_ptr<const catalog::CatalogSnapshot> snapshot = catalog.snapshot();
    if (snapshot->FindDatabase(database) == nullptr &&
        static_cast<int64_t>(snapshot->database_count()) >= limits.max_databases) {
      return absl::ResourceExhaustedError(limits.DatabaseLimitMessage());
    }
    ValidationResult result;
    RequestValidator validator(*snapshot, limits, database, parsed, &result);
    validator.Run();
    result.lines_rejected = parsed.error_count + validator.error_count();

    if (!accept_partial && result.lines_rejected > 0) {
      // All or nothing: nothing is written and the catalog is left alone.
      result.batch = WriteBatch{};
      result.lines_accepted = 0;
      result.errors = MergeErrors(parsed.errors, validator.errors());
      return result;
    }
    if (validator.HasCatalogChanges()) {
      absl::StatusOr<std::shared_ptr<const catalog::CatalogSnapshot>> applied =
          catalog.Apply(validator.Changes());
      bool retry;
      if (applied.ok()) {
        retry = !validator.IdsMatch(**applied);
      } else if (applied.status().code() == absl::StatusCode::kInternal) {
        return applied.status();
      } else if (catalog.snapshot()->sequence() == snapshot->sequence()) {
        // The catalog did not change since this pass, yet rejected what the pass validated.
        return absl::InternalError(
            fmt::format("the catalog rejected changes validated against its current state: {}",
                        std::string(applied.status().message())));
      } else {
        retry = true;  // A concurrent change conflicts; the next pass reports it per line.
      }
      if (retry) {
        if (attempt >= kMaxAttempts) {
          return absl::AbortedError(fmt::format(
              "the schema of database '{}' kept changing during this write ({} attempts); retry "
              "the write",
              database,
              attempt));
        }
        continue;
      }
    }
    validator.Finalize();
    result.errors = MergeErrors(parsed.errors, validator.errors());
    return result;
  }
}

}  // namespace strata::ingest
