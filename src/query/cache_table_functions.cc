// Table providers over the caches of src/cache.
#include "query/cache_table_functions.h"

#include <algorithm>
#include <functional>
#include <optional>
#include <utility>

#include "absl/strings/str_join.h"
#include "cache/cache_manager.h"
#include "common/status.h"
#include "exec/operators.h"
#include "fmt/format.h"
#include "plan/physical_planner.h"

namespace strata::query {
namespace {

using exec::Scalar;
using Row = std::vector<Scalar>;

constexpr std::string_view kLastCacheFunction = "last_cache";
constexpr std::string_view kDistinctCacheFunction = "distinct_cache";

// The SQL type a cached column has: tags as Utf8, time as a timestamp.
TypeId SqlType(const catalog::ColumnSchema& column) {
  switch (column.kind) {
    case catalog::ColumnKind::kTag:
      return TypeId::kString;
    case catalog::ColumnKind::kTime:
      return TypeId::kTimestamp;
    case catalog::ColumnKind::kField:
      break;
  }
  return column.type;
}

Scalar ToScalar(const cache::Value& value, TypeId type) {
  return std::visit(
      [type](const auto& v) -> Scalar {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return Scalar::Null(type);
        } else if constexpr (std::is_same_v<T, std::string>) {
          return Scalar::String(v);
        } else if constexpr (std::is_same_v<T, int64_t>) {
          return Scalar::Int64(v);
        } else if constexpr (std::is_same_v<T, uint64_t>) {
          return Scalar::UInt64(v);
        } else if constexpr (std::is_same_v<T, double>) {
          return Scalar::Float64(v);
        } else {
          return Scalar::Bool(v);
        }
      },
      value);
}

// The column a cache scan builds for a field of `type` (tags come out as plain strings).
std::shared_ptr<Column> CacheColumn(TypeId type, size_t rows) {
  auto column = std::make_shared<Column>(type == TypeId::kDictionary ? TypeId::kString : type);
  column->Reserve(static_cast<int64_t>(rows));
  return column;
}

// Appends `value` to `column` (of a field of `type`); a value of another type is NULL.
void AppendValue(const cache::Value& value, TypeId type, Column* column) {
  const bool string = type == TypeId::kString || type == TypeId::kDictionary;
  if (const auto* text = std::get_if<std::string>(&value); text != nullptr && string) {
    column->AppendString(*text);
  } else if (const auto* i = std::get_if<int64_t>(&value); i != nullptr && type == TypeId::kInt64) {
    column->AppendInt64(*i);
  } else if (const auto* u = std::get_if<uint64_t>(&value);
             u != nullptr && type == TypeId::kUInt64) {
    column->AppendUInt64(*u);
  } else if (const auto* d = std::get_if<double>(&value);
             d != nullptr && type == TypeId::kFloat64) {
    column->AppendFloat64(*d);
  } else if (const auto* b = std::get_if<bool>(&value); b != nullptr && type == TypeId::kBool) {
    column->AppendBool(*b);
  } else {
    column->AppendNull();
  }
}

// Appends the cell of `row` for column `column_id` (NULL when absent) to `column`, of a field
// of `type`, without building a value.
void AppendRowCell(const cache::LastRow& row, uint32_t column_id, TypeId type, Column* column) {
  const CellValue* cell = row.FindCell(column_id);
  if (cell == nullptr) {
    column->AppendNull();
    return;
  }
  switch (type) {
    case TypeId::kString:
    case TypeId::kDictionary:
      if (cell->type == TypeId::kString || cell->type == TypeId::kDictionary) {
        return column->AppendString(row.StringOf(*cell));
      }
      break;
    case TypeId::kInt64:
      if (cell->type == TypeId::kInt64) {
        return column->AppendInt64(cell->i64);
      }
      break;
    case TypeId::kUInt64:
      if (cell->type == TypeId::kUInt64) {
        return column->AppendUInt64(cell->u64);
      }
      break;
    case TypeId::kFloat64:
      if (cell->type == TypeId::kFloat64) {
        return column->AppendFloat64(cell->f64);
      }
      break;
    case TypeId::kBool:
      if (cell->type == TypeId::kBool) {
        return column->AppendBool(cell->b);
      }
      break;
    default:
      break;
  }
  column->AppendNull();
}

// The cache value a literal of `type` stands for, when it can be compared with the cached
// values of a column of that type exactly.
std::optional<cache::Value> ToValue(const Scalar& literal, TypeId type) {
  if (literal.is_null() || literal.type() != type) {
    return std::nullopt;
  }
  switch (type) {
    case TypeId::kString:
      return cache::Value(literal.string_value());
    case TypeId::kInt64:
      return cache::Value(literal.int64_value());
    case TypeId::kUInt64:
      return cache::Value(literal.uint64_value());
    case TypeId::kBool:
      return cache::Value(literal.bool_value());
    default:
      return std::nullopt;
  }
}

// A filter the cache answers exactly: `column = literal`, `column <> literal`, `column [NOT] IN
// (literals)`, with `column` one of the first `filterable` fields of `schema`.
struct KeyCondition {
  int column = -1;
  bool negated = false;
  std::vector<cache::Value> values;
};

std::optional<KeyCondition> AnalyzeFilter(const plan::Expr& filter,
                                          const Schema& schema,
                                          int filterable) {
  auto column_of = [&](const plan::Expr& e) -> int {
    return e.kind == plan::ExprKind::kColumn && e.column_index >= 0 && e.column_index < filterable
               ? e.column_index
               : -1;
  };
  KeyCondition condition;
  if (filter.kind == plan::ExprKind::kBinary && filter.args.size() == 2 &&
      (filter.binary_op == exec::BinaryOp::kEq || filter.binary_op == exec::BinaryOp::kNotEq)) {
    const plan::Expr* column = filter.args[0].get();
    const plan::Expr* literal = filter.args[1].get();
    if (column_of(*column) < 0) {
      std::swap(column, literal);
    }
    condition.column = column_of(*column);
    if (condition.column < 0 || literal->kind != plan::ExprKind::kLiteral) {
      return std::nullopt;
    }
    auto value = ToValue(literal->value, schema.field(condition.column).type);
    if (!value) {
      return std::nullopt;
    }
    condition.negated = filter.binary_op == exec::BinaryOp::kNotEq;
    condition.values.push_back(*std::move(value));
    return condition;
  }
  if (filter.kind == plan::ExprKind::kInList && !filter.args.empty()) {
    condition.column = column_of(*filter.args[0]);
    if (condition.column < 0) {
      return std::nullopt;
    }
    for (size_t i = 1; i < filter.args.size(); ++i) {
      if (filter.args[i]->kind != plan::ExprKind::kLiteral) {
        return std::nullopt;
      }
      auto value = ToValue(filter.args[i]->value, schema.field(condition.column).type);
      if (!value) {
        return std::nullopt;  // a NULL in the list (or another type): leave it to the Filter
      }
      condition.values.push_back(*std::move(value));
    }
    condition.negated = filter.negated;
    return condition;
  }
  return std::nullopt;
}

// The lookup filters (one per filterable column) for the accepted `filters`.
std::vector<cache::ColumnFilter> BuildColumnFilters(const std::vector<plan::ExprPtr>& filters,
                                                    const Schema& schema,
                                                    int filterable) {
  std::vector<cache::ColumnFilter> result(static_cast<size_t>(filterable));
  for (const plan::ExprPtr& filter : filters) {
    std::optional<KeyCondition> condition = AnalyzeFilter(*filter, schema, filterable);
    if (!condition) {
      continue;
    }
    cache::ColumnFilter& target = result[static_cast<size_t>(condition->column)];
    if (condition->negated) {
      target.excluded.insert(
          target.excluded.end(), condition->values.begin(), condition->values.end());
      continue;
    }
    std::vector<cache::Value> allowed;
    for (cache::Value& value : condition->values) {
      bool keep =
          std::find(allowed.begin(), allowed.end(), value) == allowed.end() &&
          (!target.allowed || std::find(target.allowed->begin(), target.allowed->end(), value) !=
                                  target.allowed->end());
      if (keep) {
        allowed.push_back(std::move(value));
      }
    }
    target.allowed = std::move(allowed);
  }
  return result;
}

// Shared by both providers: schema, name, pushdown of key conditions, projection and limit.
class CacheTableProvider : public plan::TableProvider {
 public:
  CacheTableProvider(std::string name, SchemaPtr schema, int filterable)
      : name_(std::move(name)), schema_(std::move(schema)), filterable_(filterable) {}

  const SchemaPtr& schema() const override { return schema_; }
  const std::string& name() const override { return name_; }

  std::vector<plan::FilterPushdown> SupportsFiltersPushdown(
      const std::vector<plan::ExprPtr>& filters) const override {
    std::vector<plan::FilterPushdown> result;
    for (const plan::ExprPtr& filter : filters) {
      result.push_back(AnalyzeFilter(*filter, *schema_, filterable_)
                           ? plan::FilterPushdown::kExact
                           : plan::FilterPushdown::kUnsupported);
    }
    return result;
  }

  absl::StatusOr<exec::ExecutionPlanPtr> Scan(const plan::ScanRequest& request,
                                              const exec::TaskContext&) const override {
    std::vector<Field> fields;
    for (int field : request.projection) {
      if (field < 0 || field >= schema_->num_fields()) {
        return absl::InvalidArgumentError(
            fmt::format("scan of {}: field {} out of range", name_, field));
      }
      fields.push_back(schema_->field(field));
    }
    std::vector<Row> rows =
        Rows(BuildColumnFilters(request.filters, *schema_, filterable_), request.limit);
    if (request.limit && static_cast<int64_t>(rows.size()) > *request.limit) {
      rows.resize(static_cast<size_t>(std::max<int64_t>(*request.limit, 0)));
    }
    std::vector<Row> projected;
    projected.reserve(rows.size());
    for (Row& row : rows) {
      Row out;
      out.reserve(request.projection.size());
      for (int field : request.projection) {
        out.push_back(std::move(row[static_cast<size_t>(field)]));
      }
      projected.push_back(std::move(out));
    }
    return exec::MakeValuesExec(std::make_shared<const Schema>(std::move(fields)),
                                std::move(projected));
  }

 protected:
  // The table's rows passing `filters`; at least the first `limit` of them when set.
  virtual std::vector<Row> Rows(const std::vector<cache::ColumnFilter>& filters,
                                std::optional<int64_t> limit) const = 0;

 private:
  std::string name_;
  SchemaPtr schema_;
  int filterable_;
};

class LastCacheTableProvider final : public CacheTableProvider {
 public:
  LastCacheTableProvider(std::string name,
                         SchemaPtr schema,
                         std::vector<uint32_t> value_ids,
                         std::shared_ptr<const cache::LastCache> cache,
                         const cache::CacheManager* manager)
      : CacheTableProvider(std::move(name),
                           std::move(schema),
                           static_cast<int>(cache->definition().key_column_ids.size())),
        value_ids_(std::move(value_ids)),
        cache_(std::move(cache)),
        manager_(manager) {}

 protected:
  std::vector<Row> Rows(const std::vector<cache::ColumnFilter>& filters,
                        std::optional<int64_t>) const override {
    cache_->fill_gate().Wait();  // a cache being filled answers once it holds the table's rows
    std::vector<cache::LastCacheEntry> entries = cache_->Lookup(filters, manager_->Now());
    manager_->RecordLookup(cache::CacheManager::CacheKind::kLast, !entries.empty());
    std::sort(
        entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
    const size_t keys = cache_->definition().key_column_ids.size();
    std::vector<Row> rows;
    for (const cache::LastCacheEntry& entry : entries) {
      for (const cache::LastRow& cached : entry.rows) {
        Row row;
        row.reserve(keys + value_ids_.size());
        for (size_t k = 0; k < keys; ++k) {
          row.push_back(ToScalar(entry.key[k], schema()->field(static_cast<int>(k)).type));
        }
        for (size_t v = 0; v < value_ids_.size(); ++v) {
          if (value_ids_[v] == catalog::kTimeColumnId) {
            row.push_back(Scalar::Timestamp(cached.time));
          } else {
            row.push_back(ToScalar(cached.Find(value_ids_[v]),
                                   schema()->field(static_cast<int>(keys + v)).type));
          }
        }
        rows.push_back(std::move(row));
      }
    }
    return rows;
  }

 private:
  std::vector<uint32_t> value_ids_;
  std::shared_ptr<const cache::LastCache> cache_;
  const cache::CacheManager* manager_;
};

class DistinctCacheTableProvider final : public CacheTableProvider {
 public:
  DistinctCacheTableProvider(std::string name,
                             SchemaPtr schema,
                             std::shared_ptr<const cache::DistinctCache> cache,
                             const cache::CacheManager* manager)
      : CacheTableProvider(std::move(name),
                           std::move(schema),
                           static_cast<int>(cache->definition().column_ids.size())),
        cache_(std::move(cache)),
        manager_(manager) {}

 protected:
  std::vector<Row> Rows(const std::vector<cache::ColumnFilter>& filters,
                        std::optional<int64_t> limit) const override {
    cache_->fill_gate().Wait();
    std::vector<Row> rows;
    std::vector<std::vector<cache::Value>> tuples = cache_->Lookup(filters, limit, manager_->Now());
    manager_->RecordLookup(cache::CacheManager::CacheKind::kDistinct, !tuples.empty());
    for (const auto& tuple : tuples) {
      Row row;
      for (const cache::Value& value : tuple) {
        row.push_back(ToScalar(value, TypeId::kString));
      }
      rows.push_back(std::move(row));
    }
    return rows;
  }

 private:
  std::shared_ptr<const cache::DistinctCache> cache_;
  const cache::CacheManager* manager_;
};

// The table's rows as a cache has them, for a scan the optimizer moved to the cache
// (UseCaches): the rows are taken when the scan is planned, with only the fields the scan reads;
// the scan's filters, projection and limit apply to them as the table's provider applies them.
class CachedRowsProvider final : public plan::TableProvider {
 public:
  // `rows(fields, schema)`: the cached rows as a batch of `schema`, the table fields `fields`.
  using RowsFn =
      std::function<exec::Batch(const std::vector<int>& fields, const SchemaPtr& schema)>;
  CachedRowsProvider(std::string name, SchemaPtr schema, std::string description, RowsFn rows)
      : name_(std::move(name)),
        schema_(std::move(schema)),
        description_(std::move(description)),
        rows_(std::move(rows)) {}

  const SchemaPtr& schema() const override { return schema_; }
  const std::string& name() const override { return name_; }
  std::string Description() const override { return description_; }
  std::vector<plan::FilterPushdown> SupportsFiltersPushdown(
      const std::vector<plan::ExprPtr>& filters) const override {
    return std::vector<plan::FilterPushdown>(filters.size(), plan::FilterPushdown::kExact);
  }

  absl::StatusOr<exec::ExecutionPlanPtr> Scan(const plan::ScanRequest& request,
                                              const exec::TaskContext&) const override {
    // The fields read: the projection's and the filters'.
    std::vector<int> fields = request.projection;
    for (const plan::ExprPtr& filter : request.filters) {
      std::vector<int> read = plan::ReferencedColumns(*filter);
      fields.insert(fields.end(), read.begin(), read.end());
    }
    std::sort(fields.begin(), fields.end());
    fields.erase(std::unique(fields.begin(), fields.end()), fields.end());
    std::vector<int> position(static_cast<size_t>(schema_->num_fields()), -1);
    std::vector<Field> read_fields;
    for (int field : fields) {
      if (field < 0 || field >= schema_->num_fields()) {
        return absl::InvalidArgumentError(
            fmt::format("scan of {}: field {} out of range", name_, field));
      }
      position[static_cast<size_t>(field)] = static_cast<int>(read_fields.size());
      read_fields.push_back(schema_->field(field));
    }
    auto read_schema = std::make_shared<const Schema>(std::move(read_fields));
    exec::Batch batch = rows_(fields, read_schema);
    STRATA_ASSIGN_OR_RETURN(
        exec::ExecutionPlanPtr plan,
        exec::MakeValuesExec(std::move(read_schema), std::move(batch), description_));
    if (!request.filters.empty()) {
      plan::ExprPtr predicate = plan::RemapColumns(plan::MakeAnd(request.filters), position);
      STRATA_ASSIGN_OR_RETURN(exec::PhysicalExprPtr physical, plan::CreatePhysicalExpr(*predicate));
      STRATA_ASSIGN_OR_RETURN(plan, exec::MakeFilterExec(std::move(physical), std::move(plan)));
    }
    std::vector<exec::ProjectionItem> items;
    for (int field : request.projection) {
      const Field& f = schema_->field(field);
      STRATA_ASSIGN_OR_RETURN(exec::PhysicalExprPtr column,
                              plan::CreatePhysicalExpr(*plan::MakeColumn(
                                  position[static_cast<size_t>(field)], f.name, f.type)));
      items.push_back(exec::ProjectionItem{std::move(column), f.name});
    }
    STRATA_ASSIGN_OR_RETURN(plan, exec::MakeProjectionExec(std::move(items), std::move(plan)));
    if (request.limit) {
      STRATA_ASSIGN_OR_RETURN(plan, exec::MakeLimitExec(0, request.limit, std::move(plan)));
    }
    return plan;
  }

 private:
  std::string name_;
  SchemaPtr schema_;
  std::string description_;
  RowsFn rows_;
};

bool Contains(const std::vector<uint32_t>& ids, uint32_t id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

// The value columns of a last cache as of `table`, in output order.
std::vector<uint32_t> LastCacheValueColumns(const catalog::TableSchema& table,
                                            const catalog::LastCacheDefinition& definition) {
  if (!definition.all_value_columns) {
    return definition.value_column_ids;
  }
  std::vector<uint32_t> ids;
  for (const catalog::ColumnSchema& column : table.columns()) {
    bool is_key =
        std::find(definition.key_column_ids.begin(), definition.key_column_ids.end(), column.id) !=
        definition.key_column_ids.end();
    if (!is_key && column.id != catalog::kTimeColumnId) {
      ids.push_back(column.id);
    }
  }
  ids.push_back(catalog::kTimeColumnId);
  return ids;
}

}  // namespace

absl::StatusOr<plan::TableProviderPtr> CallCacheTableFunction(
    std::string_view name,
    const std::vector<exec::Scalar>& args,
    const ScanSources& sources,
    std::shared_ptr<const catalog::CatalogSnapshot> snapshot,
    const catalog::DatabaseSchema* database) {
  const bool last = name == kLastCacheFunction;
  if (!last && name != kDistinctCacheFunction) {
    return plan::TableProviderPtr(nullptr);
  }
  const std::string_view kind = last ? "last cache" : "distinct cache";
  bool strings = !args.empty() && args.size() <= 2;
  for (const Scalar& arg : args) {
    strings = strings && arg.type() == TypeId::kString && !arg.is_null();
  }
  if (!strings) {
    return absl::InvalidArgumentError(fmt::format(
        "{}() takes a table name and optionally a cache name, as strings: {}('table'[, 'name'])",
        name,
        name));
  }
  const std::string& table_name = args[0].string_value();
  const catalog::TableSchema* table = database->FindTable(table_name);
  if (table == nullptr) {
    return absl::InvalidArgumentError(fmt::format("{}(): table '{}' not found", name, table_name));
  }
  std::vector<std::string> names;
  if (last) {
    for (const auto& cache : table->caches().last_caches) {
      names.push_back(cache.name);
    }
  } else {
    for (const auto& cache : table->caches().distinct_caches) {
      names.push_back(cache.name);
    }
  }
  std::string cache_name;
  if (args.size() == 2) {
    cache_name = args[1].string_value();
    if (std::find(names.begin(), names.end(), cache_name) == names.end()) {
      return absl::InvalidArgumentError(
          fmt::format("{}(): no {} named '{}' on table '{}'", name, kind, cache_name, table_name));
    }
  } else if (names.empty()) {
    return absl::InvalidArgumentError(
        fmt::format("{}(): table '{}' has no {}", name, table_name, kind));
  } else if (names.size() > 1) {
    return absl::InvalidArgumentError(
        fmt::format("{}(): table '{}' has several {}s ({}); name one: {}('{}', 'name')",
                    name,
                    table_name,
                    kind,
                    absl::StrJoin(names, ", "),
                    name,
                    table_name));
  } else {
    cache_name = names[0];
  }
  if (sources.caches == nullptr) {
    return absl::FailedPreconditionError(fmt::format("{}(): caches are not enabled", name));
  }
  const std::string provider_name = fmt::format("{}('{}', '{}')", name, table_name, cache_name);
  std::vector<Field> fields;
  if (last) {
    auto cache = sources.caches->FindLastCache(database->id(), table->id(), cache_name);
    if (cache == nullptr) {
      return absl::InternalError(fmt::format("{} '{}' is not loaded", kind, cache_name));
    }
    for (uint32_t id : cache->definition().key_column_ids) {
      const catalog::ColumnSchema& column = *table->ColumnById(id);
      fields.push_back(Field{column.name, SqlType(column), false});
    }
    std::vector<uint32_t> value_ids = LastCacheValueColumns(*table, cache->definition());
    for (uint32_t id : value_ids) {
      const catalog::ColumnSchema& column = *table->ColumnById(id);
      fields.push_back(Field{column.name, SqlType(column), id != catalog::kTimeColumnId});
    }
    return std::make_shared<LastCacheTableProvider>(provider_name,
                                                    std::make_shared<const Schema>(fields),
                                                    std::move(value_ids),
                                                    std::move(cache),
                                                    sources.caches);
  }
  auto cache = sources.caches->FindDistinctCache(database->id(), table->id(), cache_name);
  if (cache == nullptr) {
    return absl::InternalError(fmt::format("{} '{}' is not loaded", kind, cache_name));
  }
  for (uint32_t id : cache->definition().column_ids) {
    fields.push_back(Field{table->ColumnById(id)->name, TypeId::kString, true});
  }
  (void)snapshot;  // the schemas were built above; nothing refers to `database` later
  return std::make_shared<DistinctCacheTableProvider>(
      provider_name, std::make_shared<const Schema>(fields), std::move(cache), sources.caches);
}

plan::TableProviderPtr MakeNewestRowsSource(const ScanSources& sources,
                                            uint32_t database_id,
                                            const catalog::TableSchema& table,
                                            SchemaPtr schema,
                                            const std::vector<uint32_t>& column_ids,
                                            const plan::NewestRowsRequest& request) {
  if (sources.caches == nullptr) {
    return nullptr;
  }
  auto id_of = [&](int field) {
    return field >= 0 && static_cast<size_t>(field) < column_ids.size()
               ? column_ids[static_cast<size_t>(field)]
               : UINT32_MAX;
  };
  const int64_t now = sources.caches->Now();
  for (const catalog::LastCacheDefinition& definition : table.caches().last_caches) {
    const std::vector<uint32_t>& keys = definition.key_column_ids;
    if (definition.count < request.rows_per_group) {
      continue;
    }
    // Filters must keep or drop whole keys; the groups must be unions of keys.
    bool ok = true;
    for (int field : request.filter_fields) {
      ok = ok && Contains(keys, id_of(field));
    }
    bool same_keys = false;
    if (request.group_fields) {
      std::vector<uint32_t> groups;
      for (int field : *request.group_fields) {
        groups.push_back(id_of(field));
        ok = ok && Contains(keys, groups.back());
      }
      same_keys = groups.size() == keys.size();
    }
    // The fields the scan reads must be cached.
    for (int field : request.fields) {
      const uint32_t id = id_of(field);
      ok = ok && id != UINT32_MAX &&
           (id == catalog::kTimeColumnId || Contains(keys, id) || definition.all_value_columns ||
            Contains(definition.value_column_ids, id));
    }
    if (!ok) {
      continue;
    }
    auto cache = sources.caches->FindLastCache(database_id, table.id(), definition.name);
    if (cache == nullptr) {
      continue;
    }
    cache::LastCache::Completeness completeness = cache->CheckComplete(now);
    // Rows without a key are not cached: they matter unless they are exactly the query's NULL
    // groups, which it drops.
    if (!completeness.complete ||
        (completeness.rows_without_key > 0 && (request.null_groups_matter || !same_keys))) {
      continue;
    }
    const cache::CacheManager* manager = sources.caches;
    std::vector<TypeId> types;
    for (const Field& field : schema->fields()) {
      types.push_back(field.type);
    }
    auto rows = [cache, manager, column_ids, types](const std::vector<int>& fields,
                                                    const SchemaPtr& read_schema) {
      const std::vector<uint32_t>& key_ids = cache->definition().key_column_ids;
      // Where each field's value comes from: time, a key column, or a value column.
      std::vector<int> key_of(fields.size(), -1);
      for (size_t i = 0; i < fields.size(); ++i) {
        auto key = std::find(key_ids.begin(), key_ids.end(), column_ids[fields[i]]);
        if (key != key_ids.end()) {
          key_of[i] = static_cast<int>(key - key_ids.begin());
        }
      }
      std::vector<std::shared_ptr<Column>> columns;
      for (int field : fields) {
        columns.push_back(CacheColumn(types[static_cast<size_t>(field)], cache->key_count()));
      }
      int64_t count = 0;
      cache->ForEachRow(
          manager->Now(), [&](const cache::LastCacheEntry& entry, const cache::LastRow& cached) {
            ++count;
            for (size_t i = 0; i < fields.size(); ++i) {
              const size_t f = static_cast<size_t>(fields[i]);
              const uint32_t id = column_ids[f];
              Column* column = columns[i].get();
              if (id == catalog::kTimeColumnId) {
                column->AppendInt64(cached.time);
              } else if (key_of[i] >= 0) {
                AppendValue(entry.key[static_cast<size_t>(key_of[i])], types[f], column);
              } else {
                AppendRowCell(cached, id, types[f], column);
              }
            }
          });
      manager->RecordLookup(cache::CacheManager::CacheKind::kLast, count > 0);
      return exec::Batch(
          read_schema, std::vector<ColumnPtr>(columns.begin(), columns.end()), count);
    };
    return std::make_shared<CachedRowsProvider>(table.name(),
                                                std::move(schema),
                                                fmt::format("last_cache('{}')", definition.name),
                                                std::move(rows));
  }
  return nullptr;
}

plan::TableProviderPtr MakeDistinctValuesSource(const ScanSources& sources,
                                                uint32_t database_id,
                                                const catalog::TableSchema& table,
                                                SchemaPtr schema,
                                                const std::vector<uint32_t>& column_ids,
                                                const std::vector<int>& fields) {
  if (sources.caches == nullptr) {
    return nullptr;
  }
  const int64_t now = sources.caches->Now();
  for (const catalog::DistinctCacheDefinition& definition : table.caches().distinct_caches) {
    bool ok = true;
    for (int field : fields) {
      ok = ok && field >= 0 && static_cast<size_t>(field) < column_ids.size() &&
           Contains(definition.column_ids, column_ids[static_cast<size_t>(field)]);
    }
    if (!ok) {
      continue;
    }
    auto cache = sources.caches->FindDistinctCache(database_id, table.id(), definition.name);
    if (cache == nullptr || !cache->IsComplete(now)) {
      continue;
    }
    const cache::CacheManager* manager = sources.caches;
    std::vector<TypeId> types;
    for (const Field& field : schema->fields()) {
      types.push_back(field.type);
    }
    // Each tuple's value of field f: the position of the field's column in the cache.
    std::vector<int> position(column_ids.size(), -1);
    for (size_t f = 0; f < column_ids.size(); ++f) {
      auto it =
          std::find(definition.column_ids.begin(), definition.column_ids.end(), column_ids[f]);
      if (it != definition.column_ids.end()) {
        position[f] = static_cast<int>(it - definition.column_ids.begin());
      }
    }
    auto rows = [cache, manager, position, types](const std::vector<int>& read,
                                                  const SchemaPtr& read_schema) {
      std::vector<std::vector<cache::Value>> tuples =
          cache->Lookup({}, std::nullopt, manager->Now());
      manager->RecordLookup(cache::CacheManager::CacheKind::kDistinct, !tuples.empty());
      std::vector<ColumnPtr> columns;
      for (int field : read) {
        const size_t f = static_cast<size_t>(field);
        std::shared_ptr<Column> column = CacheColumn(types[f], tuples.size());
        for (const auto& tuple : tuples) {
          if (position[f] < 0) {
            column->AppendNull();
          } else {
            AppendValue(tuple[static_cast<size_t>(position[f])], types[f], column.get());
          }
        }
        columns.push_back(std::move(column));
      }
      return exec::Batch(read_schema, std::move(columns), static_cast<int64_t>(tuples.size()));
    };
    return std::make_shared<CachedRowsProvider>(
        table.name(),
        std::move(schema),
        fmt::format("distinct_cache('{}')", definition.name),
        std::move(rows));
  }
  return nullptr;
}

}  // namespace strata::query
