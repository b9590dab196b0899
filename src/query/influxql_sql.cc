// SQL execution for the InfluxQL executors.
#include "query/influxql_sql.h"

#include <memory>
#include <utility>

#include "common/status.h"
#include "fmt/format.h"

namespace strata::query {
namespace {

using influxql::ResultValue;

absl::StatusOr<ResultValue> CellValue(const Column& column, int64_t row) {
  if (column.IsNull(row)) {
    return ResultValue{};
  }
  switch (column.type()) {
    case TypeId::kBool:
      return ResultValue{column.GetBool(row)};
    case TypeId::kInt64:
      return ResultValue{column.GetInt64(row)};
    case TypeId::kUInt64:
      return ResultValue{column.GetUInt64(row)};
    case TypeId::kFloat64:
      return ResultValue{column.GetFloat64(row)};
    case TypeId::kString:
    case TypeId::kDictionary:
      return ResultValue{std::string(column.GetString(row))};
    case TypeId::kTimestamp:
      return ResultValue{influxql::ResultTime{column.GetInt64(row)}};
    case TypeId::kNull:
      return ResultValue{};
    case TypeId::kInterval:
      break;
  }
  return absl::UnimplementedError(
      fmt::format("an InfluxQL result cannot hold a value of type {}", TypeName(column.type())));
}

}  // namespace

QueryOptions InfluxQLSqlOptions(const InfluxQLRequest& request) {
  QueryOptions options = request.options;
  options.params.clear();
  if (request.options.context != nullptr) {
    auto context = std::make_shared<exec::TaskContext>();
    context->set_memory_pool(request.options.context->memory_pool());
    context->set_parent(request.options.context);
    options.context = std::move(context);
  }
  return options;
}

absl::StatusOr<SqlRows> RunInfluxQLSql(const QueryEngine& engine,
                                       std::string_view database,
                                       std::string_view sql,
                                       const InfluxQLRequest& request) {
  STRATA_ASSIGN_OR_RETURN(std::unique_ptr<QueryResult> result,
                          engine.Execute(database, sql, InfluxQLSqlOptions(request)));
  SqlRows rows;
  for (const strata::Field& field : result->schema()->fields()) {
    rows.columns.push_back(field.name);
  }
  exec::Batch batch;
  while (true) {
    STRATA_ASSIGN_OR_RETURN(bool more, result->Next(&batch));
    if (!more) {
      break;
    }
    const exec::Batch dense = batch.Compact();
    for (int64_t r = 0; r < dense.num_rows(); ++r) {
      std::vector<ResultValue> row;
      row.reserve(static_cast<size_t>(dense.num_columns()));
      for (int c = 0; c < dense.num_columns(); ++c) {
        STRATA_ASSIGN_OR_RETURN(ResultValue value, CellValue(*dense.column(c), r));
        row.push_back(std::move(value));
      }
      rows.rows.push_back(std::move(row));
    }
  }
  return rows;
}

bool IsInfluxQLStatementError(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kUnimplemented:
      return true;
    default:
      return false;
  }
}

}  // namespace strata::query
