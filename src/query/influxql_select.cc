// ExecuteInfluxQLSelect: runs an InfluxQL SELECT (or EXPLAIN [ANALYZE] of one) by compiling it
// (influxql_translate.h), running one SQL query per measurement it reads, splitting the rows into
// series and processing each series (influxql_series.h). See docs/influxql.md.
#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "columnar/column.h"
#include "common/civil_time.h"
#include "influxql/duration.h"
#include "query/influxql_condition.h"
#include "query/influxql_executor.h"
#include "query/influxql_series.h"
#include "query/influxql_source_sql.h"
#include "query/influxql_sql.h"
#include "query/influxql_translate.h"

namespace strata::query {
namespace {

using influxql::ResultTime;
using influxql::ResultValue;
using influxql_select::CompiledSelect;
using influxql_select::EvalContext;
using influxql_select::Point;
using influxql_select::ProcessBudget;
using influxql_select::RawRow;
using influxql_select::SeriesInput;
using influxql_select::SourceSql;
using influxql_select::SourceTable;

// The most values (rows times columns) one statement may hold in memory while it is processed.
constexpr int64_t kMaxValues = 50'000'000;

// Errors that belong to the statement (reported in its result), not to the request.
bool IsStatementError(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kUnimplemented:
    case absl::StatusCode::kAlreadyExists:
      return true;
    default:
      return false;
  }
}

ResultValue CellValue(const Column& column, int64_t row) {
  if (column.IsNull(row)) {
    return std::monostate{};
  }
  switch (column.type()) {
    case TypeId::kBool:
      return column.GetBool(row);
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return column.GetInt64(row);
    case TypeId::kUInt64:
      return column.GetUInt64(row);
    case TypeId::kFloat64:
      return column.GetFloat64(row);
    case TypeId::kString:
    case TypeId::kDictionary:
      return std::string(column.GetString(row));
    default:
      return std::monostate{};
  }
}

// The series a source contributes, by measurement and GROUP BY tag values.
using SeriesKey = std::pair<std::string, std::vector<std::string>>;
using SeriesMap = std::map<SeriesKey, SeriesInput>;

absl::Status ReadSource(const QueryEngine& engine,
                        const CompiledSelect& select,
                        const SourceTable& source,
                        const SourceSql& sql,
                        const InfluxQLRequest& request,
                        SeriesMap* series,
                        int64_t* values_left) {
  auto result = engine.Execute(source.database, sql.sql, InfluxQLSqlOptions(request));
  if (!result.ok()) {
    return result.status();
  }
  const size_t tags = select.group_tags.size();
  const int tag_column = sql.has_time_column || !select.sql_aggregates ? 1 : 0;
  const int64_t fixed_time = select.range.has_min() ? select.range.min : 0;
  const auto width = static_cast<int64_t>(select.refs.size() + 1);
  const bool plain = influxql_select::FieldsAreTheRefs(select);
  exec::Batch batch;
  std::vector<std::string> key(tags);
  SeriesInput* current = nullptr;
  while (true) {
    auto more = (*result)->Next(&batch);
    if (!more.ok()) {
      return more.status();
    }
    if (!*more) {
      break;
    }
    const exec::Batch dense = batch.Compact();
    for (int64_t r = 0; r < dense.num_rows(); ++r) {
      // Rows come grouped by series: look the series up only when the tags change.
      bool same = current != nullptr;
      for (size_t t = 0; t < tags; ++t) {
        const Column& column = *dense.column(tag_column + static_cast<int>(t));
        const std::string_view value = column.IsNull(r) ? std::string_view() : column.GetString(r);
        if (!same || value != key[t]) {
          same = false;
          key[t] = std::string(value);
        }
      }
      if (!same) {
        current = &(*series)[SeriesKey(source.table->name(), key)];
      }
      SeriesInput& input = *current;
      if (!select.sql_aggregates) {
        *values_left -= width;
        if (*values_left < 0) {
          return absl::InvalidArgumentError(
              absl::StrCat("the query reads more than ",
                           kMaxValues,
                           " values; narrow the time range, add a LIMIT or use GROUP BY time()"));
        }
        RawRow row;
        row.time = dense.column(0)->GetInt64(r);
        row.refs.reserve(select.refs.size() + (plain ? 1 : 0));
        if (plain) {
          row.refs.emplace_back();  // the time's slot: this vector becomes the result row
          row.time_slot = true;
        }
        for (size_t i = 0; i < select.refs.size(); ++i) {
          row.refs.push_back(
              CellValue(*dense.column(sql.first_value_column + static_cast<int>(i)), r));
        }
        input.rows.push_back(std::move(row));
        continue;
      }
      input.streams.resize(select.streams.size());
      const int64_t bucket = sql.has_time_column ? dense.column(0)->GetInt64(r) : fixed_time;
      for (size_t i = 0; i < select.streams.size(); ++i) {
        const int value_column = sql.stream_value_column[i];
        if (value_column < 0) {
          continue;
        }
        ResultValue value = CellValue(*dense.column(value_column), r);
        if (std::holds_alternative<std::monostate>(value)) {
          continue;
        }
        // count() of nothing is no point (fill() makes it 0 where it fills).
        if (const auto* count = std::get_if<int64_t>(&value);
            count != nullptr && *count == 0 &&
            (select.streams[i].function == influxql_select::Function::kCount ||
             select.streams[i].function == influxql_select::Function::kCountDistinct)) {
          continue;
        }
        Point point;
        point.time = bucket;
        if (sql.stream_time_column[i] >= 0) {
          const Column& time = *dense.column(sql.stream_time_column[i]);
          if (time.IsNull(r)) {
            continue;
          }
          point.time = time.GetInt64(r);
        }
        point.value = std::move(value);
        *values_left -= 2;
        input.streams[i].push_back(std::move(point));
      }
    }
  }
  return absl::OkStatus();
}

// Orders the raw rows of each series as the SQL would have (SourceSql::executor_orders_rows):
// by time, then by the tags' values (NULL first). The times are sorted as a compact array of
// (time, row) first; only rows that share a time are compared by their tags.
void OrderRows(const CompiledSelect& select, const SourceSql& sql, SeriesMap* series) {
  auto tags_less = [&sql](const RawRow& a, const RawRow& b) {
    const size_t a_shift = a.time_slot ? 1 : 0;
    const size_t b_shift = b.time_slot ? 1 : 0;
    for (int ref : sql.tie_refs) {
      const auto* x = std::get_if<std::string>(&a.refs[static_cast<size_t>(ref) + a_shift]);
      const auto* y = std::get_if<std::string>(&b.refs[static_cast<size_t>(ref) + b_shift]);
      if ((x == nullptr) != (y == nullptr)) {
        return x == nullptr;  // NULL first
      }
      if (x != nullptr && *x != *y) {
        return *x < *y;
      }
    }
    return false;
  };
  for (auto& [key, input] : *series) {
    std::vector<RawRow>& rows = input.rows;
    std::vector<std::pair<int64_t, uint32_t>> order(rows.size());
    for (size_t i = 0; i < rows.size(); ++i) {
      // Descending time as ascending order of the complement (no overflow, unlike negation).
      order[i] = {select.ascending ? rows[i].time : ~rows[i].time, static_cast<uint32_t>(i)};
    }
    std::sort(order.begin(), order.end());
    for (size_t begin = 0; begin < order.size();) {
      size_t end = begin + 1;
      while (end < order.size() && order[end].first == order[begin].first) {
        ++end;
      }
      if (end - begin > 1) {
        std::sort(order.begin() + static_cast<std::ptrdiff_t>(begin),
                  order.begin() + static_cast<std::ptrdiff_t>(end),
                  [&](const auto& x, const auto& y) {
                    return tags_less(rows[x.second], rows[y.second]);
                  });
      }
      begin = end;
    }
    std::vector<RawRow> sorted;
    sorted.reserve(rows.size());
    for (const auto& [time, index] : order) {
      sorted.push_back(std::move(rows[index]));
    }
    rows = std::move(sorted);
  }
}

// Turns a subquery's series into rows of this statement's series: its time range and condition
// applied, its refs read from the subquery's columns and tags.
absl::Status ReadSubquery(const CompiledSelect& select,
                          const SourceTable& source,
                          const EvalContext& ctx,
                          SeriesMap* series,
                          int64_t* values_left) {
  EvalContext zoned = ctx;
  if (select.zone.has_value()) {
    zoned.zone = &*select.zone;
  }
  influxql_select::RowCondition condition(select.statement->condition.get(), zoned);
  std::vector<bool> reads(select.refs.size(), select.mode == influxql_select::QueryMode::kRaw);
  if (select.mode != influxql_select::QueryMode::kRaw) {
    for (const auto& stream : select.streams) {
      if (stream.ref >= 0) {
        reads[stream.ref] = true;
      }
    }
  }
  const auto width = static_cast<int64_t>(select.refs.size() + 1);
  for (const influxql::Series& inner : *source.subquery) {
    std::map<std::string, size_t> columns;
    for (size_t c = 1; c < inner.columns.size(); ++c) {
      columns.emplace(inner.columns[c], c);
    }
    auto tag_of = [&inner](const std::string& name) -> const std::string* {
      for (const auto& [key, value] : inner.tags) {
        if (key == name) {
          return &value;
        }
      }
      return nullptr;
    };
    std::vector<std::string> key;
    for (const std::string& tag : select.group_tags) {
      const std::string* value = tag_of(tag);
      key.push_back(value != nullptr ? *value : std::string());
    }
    SeriesInput& input = (*series)[SeriesKey(inner.name, key)];
    // Where each ref reads from: a column (> 0), a tag (the value) or nothing.
    struct RefSource {
      size_t column = 0;
      const std::string* tag = nullptr;
      bool is_field = false;
    };
    std::vector<RefSource> sources;
    for (const influxql_select::RefSpec& ref : select.refs) {
      RefSource from;
      const bool wants_tag =
          ref.type == influxql::DataType::kUnspecified || ref.type == influxql::DataType::kTag;
      if (const std::string* tag = tag_of(ref.name); tag != nullptr) {
        if (wants_tag) {
          from.tag = tag;
        }
      } else if (auto it = columns.find(ref.name);
                 it != columns.end() && ref.type != influxql::DataType::kTag) {
        from.column = it->second;
        from.is_field = true;
      }
      sources.push_back(from);
    }
    for (const auto& values : inner.values) {
      const int64_t time = std::get<ResultTime>(values[0]).nanos;
      if (time < select.read_range.min || time > select.read_range.max) {
        continue;
      }
      RawRow row;
      row.time = time;
      row.refs.reserve(select.refs.size());
      bool present = false;
      for (size_t i = 0; i < sources.size(); ++i) {
        ResultValue value;
        if (sources[i].tag != nullptr) {
          // Each row of a subquery is a point: one whose tags are read is there.
          value = *sources[i].tag;
          present = present || reads[i];
        } else if (sources[i].is_field) {
          value = influxql_select::CastValue(values[sources[i].column], select.refs[i].type);
          present = present || (reads[i] && !std::holds_alternative<std::monostate>(value));
        }
        row.refs.push_back(std::move(value));
      }
      if (!present) {
        continue;
      }
      auto matches = condition.Matches([&](const influxql::VarRefExpr& ref, bool* is_tag) {
        if (const std::string* tag = tag_of(ref.name); tag != nullptr) {
          *is_tag = true;
          return ResultValue(*tag);
        }
        auto it = columns.find(ref.name);
        if (it == columns.end()) {
          *is_tag = true;  // a name without a value
          return ResultValue();
        }
        return values[it->second];
      });
      if (!matches.ok()) {
        return matches.status();
      }
      if (!*matches) {
        continue;
      }
      *values_left -= width;
      if (*values_left < 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("the query reads more than ",
                         kMaxValues,
                         " values; narrow the time range, add a LIMIT or use GROUP BY time()"));
      }
      input.rows.push_back(std::move(row));
    }
  }
  // Rows of several subquery series may make one series here: order them by time.
  const bool descending = select.mode == influxql_select::QueryMode::kRaw && !select.ascending;
  for (auto& [key, input] : *series) {
    std::stable_sort(
        input.rows.begin(), input.rows.end(), [descending](const RawRow& a, const RawRow& b) {
          return descending ? a.time > b.time : a.time < b.time;
        });
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<influxql::Series>> RunSelect(const QueryEngine& engine,
                                                        const influxql::SelectStatement& statement,
                                                        const InfluxQLRequest& request,
                                                        const influxql_select::ParentQuery* parent);

// Compiles `statement`, running its subqueries.
absl::StatusOr<CompiledSelect> Compile(const QueryEngine& engine,
                                       const influxql::SelectStatement& statement,
                                       const InfluxQLRequest& request,
                                       const EvalContext& ctx,
                                       const influxql_select::ParentQuery* parent) {
  return influxql_select::CompileSelect(
      statement,
      engine,
      request,
      ctx,
      parent,
      [&](const influxql::SelectStatement& inner, const influxql_select::ParentQuery& self) {
        return RunSelect(engine, inner, request, &self);
      });
}

absl::StatusOr<std::vector<influxql::Series>> RunSelect(
    const QueryEngine& engine,
    const influxql::SelectStatement& statement,
    const InfluxQLRequest& request,
    const influxql_select::ParentQuery* parent) {
  EvalContext ctx;
  ctx.now_ns = request.now_ns;
  ctx.params = &request.params;
  auto compiled = Compile(engine, statement, request, ctx, parent);
  if (!compiled.ok()) {
    return compiled.status();
  }
  const CompiledSelect& select = *compiled;
  std::vector<influxql::Series> out;
  if (select.range.empty() || select.read_range.empty()) {
    return out;
  }
  if (select.interval != 0 && select.range.has_min() && select.fill != influxql::FillMode::kNone) {
    const influxql_select::Windows windows(
        select.interval, select.offset, select.zone.has_value() ? &*select.zone : nullptr);
    const ProcessBudget budget;
    const int64_t count =
        influxql_select::CountWindows(windows, select.read_range.min, select.read_range.max);
    if (count > budget.fill_rows) {
      return absl::InvalidArgumentError(absl::StrCat(
          "GROUP BY time(",
          influxql::FormatDuration(select.interval),
          ") from ",
          FormatIso8601(select.read_range.min, SecondFraction::kTrimmed),
          "Z to ",
          FormatIso8601(select.read_range.max, SecondFraction::kTrimmed),
          "Z makes ",
          count,
          " intervals, more than the ",
          budget.fill_rows,
          " fill() may add to a query; narrow the time range or use a larger interval"));
    }
  }
  std::vector<std::string> columns;
  columns.push_back(select.time_column);
  for (const auto& field : select.fields) {
    columns.push_back(field.name);
  }
  int64_t values_left = kMaxValues;
  ProcessBudget budget;
  int64_t series_seen = 0;
  for (const SourceTable& source : select.sources) {
    SeriesMap series;
    if (source.subquery != nullptr) {
      absl::Status status = ReadSubquery(select, source, ctx, &series, &values_left);
      if (!status.ok()) {
        return status;
      }
    } else {
      auto sql = influxql_select::BuildSourceSql(select, source, ctx);
      if (!sql.ok()) {
        return sql.status();
      }
      if (sql->sql.empty()) {
        continue;
      }
      absl::Status status =
          ReadSource(engine, select, source, *sql, request, &series, &values_left);
      if (!status.ok()) {
        return status;
      }
      if (sql->executor_orders_rows) {
        OrderRows(select, *sql, &series);
      }
    }
    for (auto& [key, input] : series) {
      // The processing runs outside the engine's operators: it checks for cancellation itself.
      if (request.options.context != nullptr && request.options.context->cancelled()) {
        return request.options.context->CheckCancelled();
      }
      auto rows = influxql_select::ProcessSeries(select, std::move(input), &budget);
      if (!rows.ok()) {
        return rows.status();
      }
      if (rows->empty()) {
        continue;
      }
      // SLIMIT and SOFFSET count the series that have rows.
      ++series_seen;
      if (series_seen <= select.series_offset) {
        continue;
      }
      if (select.series_limit > 0 && series_seen > select.series_offset + select.series_limit) {
        return out;
      }
      influxql::Series result;
      result.name = key.first;
      for (size_t t = 0; t < select.group_tags.size(); ++t) {
        result.tags.emplace_back(select.group_tags[t], key.second[t]);
      }
      result.columns = columns;
      result.values = *std::move(rows);
      out.push_back(std::move(result));
    }
  }
  return out;
}

absl::StatusOr<std::vector<influxql::Series>> RunExplain(const QueryEngine& engine,
                                                         const influxql::ExplainStatement& explain,
                                                         const InfluxQLRequest& request) {
  EvalContext ctx;
  ctx.now_ns = request.now_ns;
  ctx.params = &request.params;
  auto compiled = Compile(engine, *explain.select, request, ctx, /*parent=*/nullptr);
  if (!compiled.ok()) {
    return compiled.status();
  }
  influxql::Series series;
  series.columns = {"QUERY PLAN"};
  auto line = [&series](std::string text) {
    series.values.push_back({ResultValue(std::move(text))});
  };
  for (const SourceTable& source : compiled->sources) {
    if (source.subquery != nullptr) {
      line(absl::StrCat(
          "subquery: ", source.subquery->size(), " series, processed in the executor"));
      continue;
    }
    auto sql = influxql_select::BuildSourceSql(*compiled, source, ctx);
    if (!sql.ok()) {
      return sql.status();
    }
    line(absl::StrCat("measurement: ", source.database, ".", source.table->name()));
    if (sql->sql.empty()) {
      line("  (the measurement has none of the fields the query reads)");
      continue;
    }
    line(absl::StrCat("sql: ", sql->sql));
    const std::string text =
        absl::StrCat(explain.analyze ? "EXPLAIN ANALYZE " : "EXPLAIN ", sql->sql);
    auto result = engine.Execute(source.database, text, InfluxQLSqlOptions(request));
    if (!result.ok()) {
      return result.status();
    }
    exec::Batch batch;
    while (true) {
      auto more = (*result)->Next(&batch);
      if (!more.ok()) {
        return more.status();
      }
      if (!*more) {
        break;
      }
      const exec::Batch dense = batch.Compact();
      for (int64_t r = 0; r < dense.num_rows(); ++r) {
        std::string cells;
        for (int c = 0; c < dense.num_columns(); ++c) {
          const ResultValue value = CellValue(*dense.column(c), r);
          if (const auto* text_value = std::get_if<std::string>(&value)) {
            absl::StrAppend(&cells, c > 0 ? ": " : "", *text_value);
          }
        }
        for (absl::string_view part : absl::StrSplit(cells, '\n')) {
          if (!part.empty()) {
            line(std::string(part));
          }
        }
      }
    }
  }
  if (compiled->sources.empty()) {
    line("no measurement matches the FROM clause: the query returns no series");
  }
  return std::vector<influxql::Series>{std::move(series)};
}

}  // namespace

absl::StatusOr<influxql::StatementResult> ExecuteInfluxQLSelect(
    const QueryEngine& engine,
    const influxql::Statement& statement,
    int statement_id,
    const InfluxQLRequest& request) {
  influxql::StatementResult result;
  result.statement_id = statement_id;
  absl::StatusOr<std::vector<influxql::Series>> series;
  if (statement.Is<influxql::SelectStatement>()) {
    series = RunSelect(engine,
                       statement.As<influxql::SelectStatement>(),
                       request,
                       /*parent=*/nullptr);
  } else if (statement.Is<influxql::ExplainStatement>()) {
    series = RunExplain(engine, statement.As<influxql::ExplainStatement>(), request);
  } else {
    return absl::InvalidArgumentError("ExecuteInfluxQLSelect: not a SELECT or EXPLAIN statement");
  }
  if (!series.ok()) {
    if (!IsStatementError(series.status())) {
      return series.status();
    }
    result.error = std::string(series.status().message());
    return result;
  }
  result.series = *std::move(series);
  return result;
}

}  // namespace strata::query
