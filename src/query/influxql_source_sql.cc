#include "query/influxql_source_sql.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/civil_time.h"
#include "query/influxql_condition.h"

namespace strata::query::influxql_select {
namespace {

using influxql::DataType;

bool IsNumericType(TypeId type) {
  return type == TypeId::kFloat64 || type == TypeId::kInt64 || type == TypeId::kUInt64;
}

// The zone's UTC offset (nanoseconds) at `nanos`.
int64_t ZoneOffset(const absl::TimeZone& zone, int64_t nanos) {
  return static_cast<int64_t>(zone.At(absl::FromUnixNanos(nanos)).offset) * kNanosPerSecond;
}

// How a ref reads from one table, as SQL.
struct RefColumn {
  std::string sql;  // "NULL" when the table has no such field or tag
  bool is_field = false;
  bool is_tag = false;
  TypeId type = TypeId::kFloat64;
};

RefColumn ResolveRef(const catalog::TableSchema& table, const RefSpec& ref) {
  RefColumn out;
  out.sql = "NULL";
  const catalog::ColumnSchema* column = table.FindColumn(ref.name);
  if (column == nullptr || column->kind == catalog::ColumnKind::kTime) {
    return out;
  }
  const std::string name = SqlIdentifier(ref.name);
  if (column->kind == catalog::ColumnKind::kTag) {
    if (ref.type == DataType::kUnspecified || ref.type == DataType::kTag) {
      out.sql = name;
      out.is_tag = true;
      out.type = TypeId::kString;
    }
    return out;
  }
  const TypeId type = column->type;
  auto field = [&](std::string sql, TypeId result) {
    out.sql = std::move(sql);
    out.is_field = true;
    out.type = result;
  };
  switch (ref.type) {
    case DataType::kUnspecified:
    case DataType::kField:
      field(name, type);
      break;
    case DataType::kTag:
      break;
    case DataType::kFloat:
      if (type == TypeId::kFloat64) {
        field(name, type);
      } else if (IsNumericType(type)) {
        field(absl::StrCat("CAST(", name, " AS double)"), TypeId::kFloat64);
      }
      break;
    case DataType::kInteger:
      if (type == TypeId::kInt64) {
        field(name, type);
      } else if (IsNumericType(type)) {
        field(absl::StrCat("TRY_CAST(", name, " AS bigint)"), TypeId::kInt64);
      }
      break;
    case DataType::kUnsigned:
      if (type == TypeId::kUInt64) {
        field(name, type);
      } else if (IsNumericType(type)) {
        field(absl::StrCat("TRY_CAST(", name, " AS bigint unsigned)"), TypeId::kUInt64);
      }
      break;
    case DataType::kString:
      if (type == TypeId::kString) {
        field(name, type);
      }
      break;
    case DataType::kBoolean:
      if (type == TypeId::kBool) {
        field(name, type);
      }
      break;
  }
  return out;
}

std::string TimeBoundsSql(const TimeRange& range) {
  std::string sql;
  if (range.has_min()) {
    sql = absl::StrCat("\"time\" >= ", SqlTimestamp(range.min));
  }
  if (range.has_max()) {
    absl::StrAppend(&sql, sql.empty() ? "" : " AND ", "\"time\" <= ", SqlTimestamp(range.max));
  }
  return sql;
}

}  // namespace

absl::StatusOr<SourceSql> BuildSourceSql(const CompiledSelect& select,
                                         const SourceTable& source,
                                         const EvalContext& ctx) {
  const catalog::TableSchema& table = *source.table;
  SourceSql out;
  EvalContext zoned = ctx;
  if (select.zone.has_value()) {
    zoned.zone = &*select.zone;
  }
  auto condition = ConditionToSql(select.statement->condition.get(), table, zoned);
  if (!condition.ok()) {
    return condition.status();
  }
  std::vector<std::string> where;
  std::string bounds = TimeBoundsSql(select.read_range);
  if (!bounds.empty()) {
    where.push_back(std::move(bounds));
  }
  if (*condition != "TRUE") {
    where.push_back(*condition);
  }
  std::vector<std::string> tag_columns;
  for (const std::string& tag : select.group_tags) {
    const catalog::ColumnSchema* column = table.FindColumn(tag);
    tag_columns.push_back(column != nullptr && column->kind == catalog::ColumnKind::kTag
                              ? SqlIdentifier(tag)
                              : std::string("NULL"));
  }
  std::vector<RefColumn> refs;
  refs.reserve(select.refs.size());
  for (const RefSpec& ref : select.refs) {
    refs.push_back(ResolveRef(table, ref));
  }
  const std::string from = SqlIdentifier(table.name());
  const size_t tags = select.group_tags.size();

  if (select.sql_aggregates) {
    // The aggregates skip NULLs, so rows where none of the functions' fields has a value need no
    // filter: they make groups whose values are all NULL (or counts of 0), which the executor
    // reads as no point, and a series without points makes no rows (even with fill()).
    bool reads_a_field = false;
    std::vector<std::string> columns;
    if (select.interval != 0) {
      int64_t origin = select.offset;
      if (select.zone.has_value()) {
        origin -= ZoneOffset(*select.zone, select.read_range.min);
      }
      origin = FloorMod(origin, select.interval);
      columns.push_back(absl::StrCat("date_bin(",
                                     SqlInterval(select.interval),
                                     ", \"time\", ",
                                     SqlTimestamp(origin),
                                     ") AS \"__time\""));
    }
    out.has_time_column = select.interval != 0;
    for (size_t i = 0; i < tag_columns.size(); ++i) {
      columns.push_back(absl::StrCat(tag_columns[i], " AS \"__tag", i, "\""));
    }
    out.first_value_column = static_cast<int>(columns.size());
    out.stream_value_column.assign(select.streams.size(), -1);
    out.stream_time_column.assign(select.streams.size(), -1);
    // Selectors keep their point's time when they are the query's only function and there is
    // no GROUP BY time().
    const bool lone_selector = select.interval == 0 && select.streams.size() == 1 &&
                               IsSelector(select.streams[0].function);
    for (size_t i = 0; i < select.streams.size(); ++i) {
      const StreamSpec& stream = select.streams[i];
      if (IsTransformation(stream.function)) {
        continue;
      }
      const RefColumn& ref = refs[stream.ref];
      if (!ref.is_field) {
        continue;
      }
      reads_a_field = true;
      std::string value;
      std::string time;
      const std::string& x = ref.sql;
      switch (stream.function) {
        case Function::kCount:
          value = absl::StrCat("count(", x, ")");
          break;
        case Function::kCountDistinct:
          value = absl::StrCat("count(DISTINCT ", x, ")");
          break;
        case Function::kSum:
          value = absl::StrCat("sum(", x, ")");
          break;
        case Function::kMean:
          // avg() of integers adds them exactly (in 128 bits) before the division: the same
          // float64 InfluxDB's float sum gives below 2^53, without a cast per value.
          value = absl::StrCat("avg(", x, ")");
          break;
        case Function::kMedian:
          value = absl::StrCat("median(CAST(", x, " AS double))");
          break;
        case Function::kSpread:
          value = absl::StrCat("max(", x, ") - min(", x, ")");
          break;
        case Function::kStddev:
          // InfluxDB 1.x's formula over the points in time order (not stddev_samp's Welford),
          // so the last digits match.
          value = absl::StrCat("influxql_stddev(CAST(", x, " AS double), \"time\")");
          break;
        case Function::kMin:
        case Function::kMax:
        case Function::kFirst:
        case Function::kLast: {
          const char* selector = stream.function == Function::kMin     ? "selector_min"
                                 : stream.function == Function::kMax   ? "selector_max"
                                 : stream.function == Function::kFirst ? "selector_first"
                                                                       : "selector_last";
          if (lone_selector) {
            value = absl::StrCat(selector, "(", x, ", \"time\")['value']");
            time = absl::StrCat(selector, "(", x, ", \"time\")['time']");
          } else if (stream.function == Function::kMin || stream.function == Function::kMax) {
            value = absl::StrCat(stream.function == Function::kMin ? "min(" : "max(", x, ")");
          } else {
            value = absl::StrCat(selector, "(", x, ", \"time\")['value']");
          }
          break;
        }
        default:
          return absl::InternalError("not an SQL aggregate");
      }
      out.stream_value_column[i] = static_cast<int>(columns.size());
      columns.push_back(absl::StrCat(value, " AS \"__value", i, "\""));
      if (!time.empty()) {
        out.stream_time_column[i] = static_cast<int>(columns.size());
        columns.push_back(absl::StrCat(time, " AS \"__time", i, "\""));
      }
    }
    if (!reads_a_field) {
      return out;  // no field the functions read: no series
    }
    std::string sql = absl::StrCat("SELECT ", absl::StrJoin(columns, ", "), " FROM ", from);
    if (!where.empty()) {
      absl::StrAppend(&sql, " WHERE ", absl::StrJoin(where, " AND "));
    }
    const size_t keys = tags + (select.interval != 0 ? 1 : 0);
    if (keys > 0) {
      std::vector<std::string> positions;
      for (size_t i = 1; i <= keys; ++i) {
        positions.push_back(std::to_string(i));
      }
      absl::StrAppend(&sql, " GROUP BY ", absl::StrJoin(positions, ", "));
    }
    if (tags > 0) {
      // Series by series, each in time order: the executor then looks a series up once and
      // appends its points in order, instead of per row in the hash table's order.
      std::vector<std::string> order;
      for (size_t i = 0; i < tags; ++i) {
        order.push_back(absl::StrCat("\"__tag", i, "\""));
      }
      if (select.interval != 0) {
        order.push_back("\"__time\"");
      }
      absl::StrAppend(&sql, " ORDER BY ", absl::StrJoin(order, ", "));
    }
    out.sql = std::move(sql);
    return out;
  }

  // Raw rows: time, tags, refs. A row is read when one of the fields the query reads has a
  // value (InfluxDB has no point where all of them are missing).
  std::vector<std::string> columns = {"\"time\""};
  for (size_t i = 0; i < tag_columns.size(); ++i) {
    columns.push_back(absl::StrCat(tag_columns[i], " AS \"__tag", i, "\""));
  }
  out.first_value_column = static_cast<int>(columns.size());
  std::vector<bool> reads(select.refs.size(), select.mode == QueryMode::kRaw);
  if (select.mode != QueryMode::kRaw) {
    for (const StreamSpec& stream : select.streams) {
      if (stream.ref >= 0) {
        reads[stream.ref] = true;
      }
    }
  }
  std::vector<std::string> present;
  absl::flat_hash_set<std::string_view> fields_read;  // as they are, not cast
  for (size_t i = 0; i < refs.size(); ++i) {
    columns.push_back(absl::StrCat(refs[i].sql, " AS \"__ref", i, "\""));
    if (reads[i] && refs[i].is_field) {
      present.push_back(absl::StrCat(refs[i].sql, " IS NOT NULL"));
      if (refs[i].sql == SqlIdentifier(select.refs[i].name)) {
        fields_read.insert(select.refs[i].name);
      }
    }
  }
  if (present.empty()) {
    return out;
  }
  // Every row has a field (a point has one at least): when the query reads all of the table's
  // fields (SELECT *), every row has one of them, and the filter is left out.
  const bool reads_every_field = std::all_of(table.columns().begin(),
                                             table.columns().end(),
                                             [&fields_read](const catalog::ColumnSchema& column) {
                                               return column.kind != catalog::ColumnKind::kField ||
                                                      fields_read.contains(column.name);
                                             });
  if (!reads_every_field) {
    where.push_back(absl::StrCat("(", absl::StrJoin(present, " OR "), ")"));
  }
  // Raw rows come in the query's order, ties by the series' tags as InfluxDB merges series; the
  // functions computed in the executor read each series in ascending time.
  const bool descending = select.mode == QueryMode::kRaw && !select.ascending;
  const std::string time_order = descending ? "\"time\" DESC" : "\"time\"";
  // Rows of one series come together (the executor splits them into series as they arrive); raw
  // rows at the same time are ordered by their series' tags, as InfluxDB merges series.
  std::string by_series;
  for (size_t i = 0; i < tag_columns.size(); ++i) {
    absl::StrAppend(&by_series, "\"__tag", i, "\", ");
  }
  std::string tiebreak;
  std::vector<std::string> table_tags;  // by name
  if (select.mode == QueryMode::kRaw) {
    for (const catalog::ColumnSchema& column : table.columns()) {
      if (column.kind == catalog::ColumnKind::kTag) {
        table_tags.push_back(column.name);
      }
    }
    std::sort(table_tags.begin(), table_tags.end());
    for (const std::string& tag : table_tags) {
      absl::StrAppend(&tiebreak, ", ", SqlIdentifier(tag), " NULLS FIRST");
    }
  }
  const std::string select_list = absl::StrJoin(columns, ", ");
  // " WHERE ..." (empty when nothing filters).
  const std::string filter =
      where.empty() ? std::string() : absl::StrCat(" WHERE ", absl::StrJoin(where, " AND "));
  if (select.mode == QueryMode::kRaw && tags == 0 && select.limit == 0) {
    // The tiebreak tags as refs, when the query reads every one of them.
    std::vector<int> tie_refs;
    for (const std::string& tag : table_tags) {
      for (size_t i = 0; i < refs.size(); ++i) {
        if (refs[i].is_tag && select.refs[i].name == tag) {
          tie_refs.push_back(static_cast<int>(i));
          break;
        }
      }
    }
    if (tie_refs.size() == table_tags.size()) {
      out.tie_refs = std::move(tie_refs);
      out.executor_orders_rows = true;
      out.sql = absl::StrCat("SELECT ", select_list, " FROM ", from, filter);
      return out;
    }
  }
  // LIMIT per series is pushed into the SQL: a LIMIT without GROUP BY tags, else a row number per
  // series.
  const bool push_limit = select.mode == QueryMode::kRaw && select.limit > 0;
  int64_t wanted = 0;
  if (__builtin_add_overflow(select.limit, select.offset_rows, &wanted)) {
    wanted = INT64_MAX;
  }
  if (push_limit && tags > 0 && wanted == 1) {
    // The first (or last) point of each series: the rows at each series' min (max) time, found by
    // an aggregate and joined back, which reads the table twice but sorts nothing (TSBS's
    // lastpoint, `SELECT * FROM cpu GROUP BY hostname ORDER BY time DESC LIMIT 1`). Several rows
    // of a series may share that time (points of several tag sets); the ORDER BY puts the one
    // the row number would pick first, and the executor keeps it.
    std::vector<std::string> keys;
    std::vector<std::string> on;
    for (size_t i = 0; i < tag_columns.size(); ++i) {
      if (tag_columns[i] == "NULL") {
        continue;  // not a tag of this measurement: one value (none) for every row
      }
      keys.push_back(absl::StrCat(tag_columns[i], " AS \"__key", i, "\""));
      on.push_back(absl::StrCat(tag_columns[i], " IS NOT DISTINCT FROM \"__key", i, "\""));
    }
    on.push_back(absl::StrCat("\"time\" = \"__edge\""));
    keys.push_back(absl::StrCat(descending ? "max" : "min", "(\"time\") AS \"__edge\""));
    std::string group_by;
    for (size_t i = 1; i < keys.size(); ++i) {
      absl::StrAppend(&group_by, i == 1 ? " GROUP BY " : ", ", i);
    }
    out.sql = absl::StrCat("SELECT ",
                           select_list,
                           " FROM ",
                           from,
                           " INNER JOIN (SELECT ",
                           absl::StrJoin(keys, ", "),
                           " FROM ",
                           from,
                           filter,
                           group_by,
                           ") AS \"__edges\" ON ",
                           absl::StrJoin(on, " AND "),
                           filter,
                           " ORDER BY ",
                           by_series,
                           time_order,
                           tiebreak);
    return out;
  }
  if (push_limit && tags > 0) {
    out.sql = absl::StrCat("SELECT * FROM (SELECT ",
                           select_list,
                           ", row_number() OVER (PARTITION BY ",
                           absl::StrJoin(tag_columns, ", "),
                           " ORDER BY ",
                           time_order,
                           tiebreak,
                           ") AS \"__row\" FROM ",
                           from,
                           filter,
                           ") AS \"__rows\" WHERE \"__row\" <= ",
                           wanted,
                           " ORDER BY ",
                           by_series,
                           time_order);
    return out;
  }
  out.sql = absl::StrCat("SELECT ",
                         select_list,
                         " FROM ",
                         from,
                         filter,
                         " ORDER BY ",
                         by_series,
                         time_order,
                         tiebreak);
  if (push_limit) {
    absl::StrAppend(&out.sql, " LIMIT ", wanted);
  }
  return out;
}

}  // namespace strata::query::influxql_select
