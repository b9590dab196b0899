#include "query/influxql_translate.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/civil_time.h"
#include "influxql/duration.h"
#include "query/influxql_arithmetic.h"
#include "query/influxql_condition.h"
#include "query/influxql_fields.h"
#include "re2/re2.h"

namespace strata::query::influxql_select {
namespace {

using influxql::BinaryExpr;
using influxql::CallExpr;
using influxql::DataType;
using influxql::Expr;
using influxql::LiteralExpr;
using influxql::LiteralKind;
using influxql::VarRefExpr;
using influxql::WildcardExpr;

absl::Status Invalid(std::string message) {
  return absl::InvalidArgumentError(std::move(message));
}

bool IsNumericType(TypeId type) {
  return type == TypeId::kFloat64 || type == TypeId::kInt64 || type == TypeId::kUInt64;
}

SourceSchema UnionSchema(const std::vector<SourceTable>& sources) {
  SourceSchema schema;
  for (const SourceTable& source : sources) {
    for (const catalog::ColumnSchema& column : source.table->columns()) {
      if (column.kind == catalog::ColumnKind::kTag) {
        schema.tags.insert(column.name);
      } else if (column.kind == catalog::ColumnKind::kField) {
        schema.fields.emplace(column.name, column.type);
      }
    }
  }
  return schema;
}

// The schema of a subquery's result: its GROUP BY tags are tags, its columns are fields typed by
// their first value (float when they have none).
std::shared_ptr<const catalog::TableSchema> SubquerySchema(
    const std::vector<influxql::Series>& series) {
  std::vector<catalog::ColumnSchema> columns;
  columns.push_back(catalog::ColumnSchema{catalog::kTimeColumnId,
                                          std::string(catalog::kTimeColumnName),
                                          catalog::ColumnKind::kTime,
                                          TypeId::kTimestamp});
  std::map<std::string, size_t> index;
  auto add = [&](const std::string& name, catalog::ColumnKind kind) -> catalog::ColumnSchema* {
    if (name == catalog::kTimeColumnName) {
      return nullptr;
    }
    auto [it, inserted] = index.emplace(name, columns.size());
    if (inserted) {
      columns.push_back(catalog::ColumnSchema{
          static_cast<uint32_t>(columns.size()),
          name,
          kind,
          kind == catalog::ColumnKind::kTag ? TypeId::kDictionary : TypeId::kFloat64});
      return &columns.back();
    }
    return nullptr;
  };
  for (const influxql::Series& s : series) {
    for (const auto& [key, value] : s.tags) {
      add(key, catalog::ColumnKind::kTag);
    }
  }
  std::set<std::string> typed;
  for (const influxql::Series& s : series) {
    for (size_t c = 1; c < s.columns.size(); ++c) {
      add(s.columns[c], catalog::ColumnKind::kField);
      auto it = index.find(s.columns[c]);
      if (it == index.end() || columns[it->second].kind != catalog::ColumnKind::kField ||
          typed.contains(s.columns[c])) {
        continue;
      }
      for (size_t r = 0; r < s.num_rows(); ++r) {
        const influxql::ResultValue value = s.cell(r, c);
        std::optional<TypeId> type;
        if (std::holds_alternative<double>(value)) {
          type = TypeId::kFloat64;
        } else if (std::holds_alternative<int64_t>(value) ||
                   std::holds_alternative<influxql::ResultTime>(value)) {
          type = TypeId::kInt64;
        } else if (std::holds_alternative<uint64_t>(value)) {
          type = TypeId::kUInt64;
        } else if (std::holds_alternative<std::string>(value)) {
          type = TypeId::kString;
        } else if (std::holds_alternative<bool>(value)) {
          type = TypeId::kBool;
        }
        if (type.has_value()) {
          columns[it->second].type = *type;
          typed.insert(s.columns[c]);
          break;
        }
      }
    }
  }
  return std::make_shared<const catalog::TableSchema>(0, "(subquery)", std::move(columns));
}

absl::Status ResolveSources(const influxql::SelectStatement& statement,
                            const QueryEngine& engine,
                            const InfluxQLRequest& request,
                            const ParentQuery& self,
                            const SubqueryRunner& run_subquery,
                            std::vector<SourceTable>* sources) {
  auto snapshot = engine.catalog()->snapshot();
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& source : statement.sources) {
    if (source->Is<influxql::SubquerySource>()) {
      const influxql::SelectStatement& inner = *source->As<influxql::SubquerySource>().select;
      auto series = run_subquery(inner, self);
      if (!series.ok()) {
        return series.status();
      }
      SourceTable table;
      table.database = request.database;
      table.table = SubquerySchema(*series);
      table.subquery = std::make_shared<const std::vector<influxql::Series>>(*std::move(series));
      sources->push_back(std::move(table));
      continue;
    }
    const influxql::Measurement& m = source->As<influxql::MeasurementSource>().measurement;
    const std::string& database = m.database.empty() ? request.database : m.database;
    if (database.empty()) {
      return Invalid("database name required");
    }
    const catalog::DatabaseSchema* db = snapshot->FindDatabase(database);
    if (db == nullptr) {
      return Invalid(absl::StrCat("database not found: ", database));
    }
    auto add = [&](const std::shared_ptr<const catalog::TableSchema>& table) {
      if (seen.emplace(database, table->name()).second) {
        sources->push_back(SourceTable{database, table, nullptr});
      }
    };
    if (m.regex.has_value()) {
      RE2 re(*m.regex, RE2::Quiet);
      if (!re.ok()) {
        return Invalid(absl::StrCat("invalid regular expression /", *m.regex, "/: ", re.error()));
      }
      for (const auto& table : db->tables()) {
        if (RE2::PartialMatch(table->name(), re)) {
          add(table);
        }
      }
    } else if (const catalog::TableSchema* table = db->FindTable(m.name)) {
      add(db->tables()[table->id()]);
    }
  }
  std::stable_sort(
      sources->begin(), sources->end(), [](const SourceTable& a, const SourceTable& b) {
        return std::tie(a.table->name(), a.database) < std::tie(b.table->name(), b.database);
      });
  return absl::OkStatus();
}

// True if `zone` keeps one UTC offset over [min, max].
bool FixedOffset(const absl::TimeZone& zone, int64_t min, int64_t max) {
  absl::TimeZone::CivilTransition transition;
  return !zone.NextTransition(absl::FromUnixNanos(min), &transition) ||
         absl::ToUnixNanos(zone.At(transition.from).pre) > max;
}

// Whether the streams can all be computed by SQL aggregates over the sources.
bool SqlComputable(const CompiledSelect& select) {
  if (select.mode != QueryMode::kAggregate || select.multi_point) {
    return false;
  }
  for (const SourceTable& source : select.sources) {
    if (source.subquery != nullptr) {
      return false;
    }
  }
  for (const StreamSpec& stream : select.streams) {
    switch (stream.function) {
      case Function::kCount:
      case Function::kCountDistinct:
      case Function::kSum:
      case Function::kMean:
      case Function::kMedian:
      case Function::kSpread:
      case Function::kStddev:
      case Function::kFirst:
      case Function::kLast:
        break;
      case Function::kMin:
      case Function::kMax:
        // SQL has no min/max of booleans in InfluxDB's sense; the executor computes those.
        for (const SourceTable& source : select.sources) {
          const catalog::ColumnSchema* column =
              source.table->FindColumn(select.refs[stream.ref].name);
          if (column != nullptr && column->type == TypeId::kBool) {
            return false;
          }
        }
        break;
      default:
        if (!IsTransformation(stream.function)) {
          return false;
        }
    }
  }
  if (select.zone.has_value() && select.interval != 0) {
    // date_bin's origin can carry a fixed zone offset only.
    if (!select.read_range.has_min() ||
        !FixedOffset(*select.zone, select.read_range.min, select.read_range.max)) {
      return false;
    }
  }
  return true;
}

// Checks the field types functions need (InfluxDB fails such queries when it builds iterators).
absl::Status CheckTypes(const CompiledSelect& select) {
  for (const StreamSpec& stream : select.streams) {
    if (stream.ref < 0 || stream.function == Function::kRaw) {
      continue;
    }
    for (const SourceTable& source : select.sources) {
      const catalog::ColumnSchema* column = source.table->FindColumn(select.refs[stream.ref].name);
      if (column == nullptr || column->kind != catalog::ColumnKind::kField) {
        continue;
      }
      const DataType cast = select.refs[stream.ref].type;
      TypeId type = column->type;
      if (cast == DataType::kFloat && IsNumericType(type)) {
        type = TypeId::kFloat64;
      } else if (cast == DataType::kInteger && IsNumericType(type)) {
        type = TypeId::kInt64;
      } else if (cast == DataType::kUnsigned && IsNumericType(type)) {
        type = TypeId::kUInt64;
      }
      if (!AcceptsType(stream.function, type)) {
        return Invalid(absl::StrCat("unsupported ",
                                    stream.name,
                                    " iterator type: ",
                                    std::string(FieldTypeName(type)),
                                    " field ",
                                    select.refs[stream.ref].name));
      }
    }
  }
  // Transformations over raw fields need numbers, except elapsed.
  for (const StreamSpec& stream : select.streams) {
    if (!IsTransformation(stream.function) || stream.function == Function::kElapsed) {
      continue;
    }
    const StreamSpec& input = select.streams[stream.input];
    if (input.function != Function::kRaw) {
      continue;
    }
    for (const SourceTable& source : select.sources) {
      const catalog::ColumnSchema* column = source.table->FindColumn(select.refs[input.ref].name);
      if (column != nullptr && column->kind == catalog::ColumnKind::kField &&
          !IsNumericType(column->type)) {
        return Invalid(absl::StrCat("unsupported ",
                                    stream.name,
                                    " iterator type: ",
                                    std::string(FieldTypeName(column->type)),
                                    " field ",
                                    select.refs[input.ref].name));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

bool IsTransformation(Function function) {
  switch (function) {
    case Function::kDerivative:
    case Function::kNonNegativeDerivative:
    case Function::kDifference:
    case Function::kNonNegativeDifference:
    case Function::kMovingAverage:
    case Function::kCumulativeSum:
    case Function::kElapsed:
      return true;
    default:
      return false;
  }
}

bool IsSelector(Function function) {
  switch (function) {
    case Function::kMin:
    case Function::kMax:
    case Function::kFirst:
    case Function::kLast:
    case Function::kPercentile:
    case Function::kSample:
    case Function::kTop:
    case Function::kBottom:
      return true;
    default:
      return false;
  }
}

std::string_view FieldTypeName(TypeId type) {
  switch (type) {
    case TypeId::kFloat64:
      return "float";
    case TypeId::kInt64:
      return "integer";
    case TypeId::kUInt64:
      return "unsigned";
    case TypeId::kString:
      return "string";
    case TypeId::kBool:
      return "boolean";
    default:
      return "unknown";
  }
}

absl::StatusOr<CompiledSelect> CompileSelect(const influxql::SelectStatement& statement,
                                             const QueryEngine& engine,
                                             const InfluxQLRequest& request,
                                             const EvalContext& ctx,
                                             const ParentQuery* parent,
                                             const SubqueryRunner& run_subquery) {
  CompiledSelect out;
  out.statement = &statement;

  // Time range, GROUP BY time(), tz, fill, order and limits.
  if (statement.time_zone.has_value()) {
    absl::TimeZone zone;
    if (!absl::LoadTimeZone(statement.time_zone->name, &zone)) {
      return Invalid(absl::StrCat("unable to find time zone ", statement.time_zone->name));
    }
    out.zone = zone;
  }
  EvalContext zoned = ctx;
  if (out.zone.has_value()) {
    zoned.zone = &*out.zone;
  }
  auto range = ExtractTimeRange(statement.condition.get(), zoned);
  if (!range.ok()) {
    return range.status();
  }
  out.range = *range;
  for (const influxql::Dimension& dimension : statement.dimensions) {
    if (dimension.kind != influxql::Dimension::Kind::kTime) {
      continue;
    }
    if (out.interval != 0) {
      return Invalid("multiple time dimensions not allowed");
    }
    out.interval = dimension.interval;
    if (dimension.offset.has_value()) {
      const int64_t offset = dimension.offset->now ? ctx.now_ns : dimension.offset->nanoseconds;
      out.offset = FloorMod(offset, dimension.interval);
    }
  }
  if (statement.fill.has_value()) {
    out.fill = statement.fill->mode;
    out.fill_value = statement.fill->value;
  }
  out.ascending = !statement.order_by.has_value() || statement.order_by->ascending;
  out.limit = statement.limit.value_or(0);
  out.offset_rows = statement.offset.value_or(0);
  out.series_limit = statement.series_limit.value_or(0);
  out.series_offset = statement.series_offset.value_or(0);
  if (parent != nullptr) {
    if (statement.order_by.has_value() && out.ascending != parent->ascending) {
      return Invalid("subqueries must be ordered in the same direction as the query itself");
    }
    out.ascending = parent->ascending;
    out.range.min = std::max(out.range.min, parent->range.min);
    out.range.max = std::min(out.range.max, parent->range.max);
    if (out.interval == 0 && parent->interval != 0) {
      out.interval = parent->interval;
      out.offset = parent->offset;
      out.inherited_interval = true;
    }
    // Empty intervals of a subquery are not filled with nulls (compile.go).
    if (out.interval != 0 && out.fill == influxql::FillMode::kNull) {
      out.fill = influxql::FillMode::kNone;
    }
  }
  // GROUP BY time() without an upper bound ends at now().
  if (out.interval != 0 && !out.range.has_max()) {
    out.range.max = ctx.now_ns;
  }

  // Sources (subqueries run now: their columns are the fields this statement reads), then the
  // GROUP BY tags, which may expand against them.
  ParentQuery self{out.range, out.interval, out.offset, out.ascending, {}};
  for (const influxql::Dimension& dimension : statement.dimensions) {
    if (dimension.kind == influxql::Dimension::Kind::kTag) {
      self.group_tags.push_back(dimension.tag);
    }
  }
  absl::Status status =
      ResolveSources(statement, engine, request, self, run_subquery, &out.sources);
  if (!status.ok()) {
    return status;
  }
  const SourceSchema schema = UnionSchema(out.sources);
  std::set<std::string> group_tags;
  if (parent != nullptr) {
    group_tags.insert(parent->group_tags.begin(), parent->group_tags.end());
  }
  for (const influxql::Dimension& dimension : statement.dimensions) {
    switch (dimension.kind) {
      case influxql::Dimension::Kind::kTime:
        break;
      case influxql::Dimension::Kind::kTag:
        if (dimension.tag == "time") {
          return Invalid("time() is a function and expects at least one argument");
        }
        group_tags.insert(dimension.tag);
        break;
      case influxql::Dimension::Kind::kWildcard:
        group_tags.insert(schema.tags.begin(), schema.tags.end());
        break;
      case influxql::Dimension::Kind::kRegex: {
        RE2 re(dimension.regex, RE2::Quiet);
        if (!re.ok()) {
          return Invalid(
              absl::StrCat("invalid regular expression /", dimension.regex, "/: ", re.error()));
        }
        for (const std::string& tag : schema.tags) {
          if (RE2::PartialMatch(tag, re)) {
            group_tags.insert(tag);
          }
        }
        break;
      }
    }
  }
  out.group_tags.assign(group_tags.begin(), group_tags.end());

  // Fields: drop `time` (its alias names the time column), expand wildcards, compile.
  auto facts = CompileFields(statement, schema, group_tags, ctx, &out);
  if (!facts.ok()) {
    return facts.status();
  }
  const FieldFacts& compiler = *facts;

  // InfluxDB's checks of the field list (query/compile.go validateFields).
  if (out.fields.empty() && !statement.fields.empty()) {
    bool only_time = true;
    for (const influxql::Field& field : statement.fields) {
      only_time = only_time && influxql::IsTimeRef(*field.expr);
    }
    if (only_time) {
      return Invalid("at least 1 non-time field must be queried");
    }
  }
  if (compiler.calls > 1 && !compiler.top_bottom.empty()) {
    return Invalid(absl::StrCat(
        "selector function ", compiler.top_bottom, "() cannot be combined with other functions"));
  }
  if (compiler.calls == 0) {
    if (out.fill == influxql::FillMode::kNone && statement.fill.has_value()) {
      return Invalid("fill(none) must be used with a function");
    }
    if (out.fill == influxql::FillMode::kLinear) {
      return Invalid("fill(linear) must be used with a function");
    }
    if (out.interval != 0 && !out.inherited_interval) {
      return Invalid("GROUP BY requires at least one aggregate function");
    }
  }
  if (compiler.has_distinct && (compiler.calls != 1 || compiler.has_aux)) {
    return Invalid(
        "aggregate function distinct() cannot be combined with other functions or fields");
  }
  if (compiler.has_aux && compiler.calls > 0) {
    if (!compiler.only_selectors) {
      return Invalid("mixing aggregate and non-aggregate queries is not supported");
    }
    if (compiler.calls > 1) {
      return Invalid("mixing multiple selector functions with tags or fields is not supported");
    }
  }
  out.mode = compiler.calls == 0 ? QueryMode::kRaw
             : compiler.has_aux  ? QueryMode::kSelector
                                 : QueryMode::kAggregate;
  if (compiler.calls == 1 && compiler.last_call.has_value()) {
    const Function only = *compiler.last_call;
    out.multi_point = only == Function::kTop || only == Function::kBottom ||
                      only == Function::kDistinct || only == Function::kSample;
  }
  status = CheckTypes(out);
  if (!status.ok()) {
    return status;
  }

  // Transformations read the interval before the range.
  out.read_range = out.range;
  if (out.interval != 0) {
    // InfluxDB reads one interval more for each of these (moving_average too: its larger shift
    // applies after its input is built, query/select.go).
    int64_t extra = 0;
    for (const StreamSpec& stream : out.streams) {
      if (IsTransformation(stream.function) && stream.function != Function::kCumulativeSum) {
        extra = 1;
      }
    }
    if (extra > 0) {
      if (out.ascending && out.read_range.has_min()) {
        const double shifted = static_cast<double>(out.read_range.min) -
                               static_cast<double>(extra) * static_cast<double>(out.interval);
        out.read_range.min = shifted <= static_cast<double>(kMinTime)
                                 ? kMinTime
                                 : out.read_range.min - extra * out.interval;
      } else if (!out.ascending && out.read_range.has_max()) {
        const double shifted = static_cast<double>(out.read_range.max) +
                               static_cast<double>(extra) * static_cast<double>(out.interval);
        out.read_range.max = shifted >= static_cast<double>(kMaxTime)
                                 ? kMaxTime
                                 : out.read_range.max + extra * out.interval;
      }
    }
  }
  out.sql_aggregates = SqlComputable(out);
  return out;
}

}  // namespace strata::query::influxql_select
