// The SHOW statements, with InfluxDB 1.8's result shapes. Names and types come from the catalog;
// what depends on the data (tag values, series, and any WHERE) is asked of the engine in SQL, one
// query per measurement (and per tag key for SHOW TAG VALUES, so that a distinct-value cache over
// that tag can answer it: the optimizer rewrites `SELECT DISTINCT tag FROM m` to read it).
//
// LIMIT and OFFSET count as InfluxDB 1.8 counts them: SHOW MEASUREMENTS and SHOW SERIES over the
// whole list, SHOW TAG KEYS, SHOW TAG VALUES and SHOW FIELD KEYS per measurement; 0 is no limit.
#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "fmt/format.h"
#include "influxql/result_json.h"
#include "query/influxql_condition.h"
#include "query/influxql_executor.h"
#include "query/influxql_sql.h"
#include "query/influxql_translate.h"
#include "re2/re2.h"

namespace strata::query {
namespace {

using influxql::ResultValue;
using influxql::Series;
using influxql::StatementResult;

using TablePtr = std::shared_ptr<const catalog::TableSchema>;

// What a statement failed with, as InfluxDB 1.8 words it.
absl::Status DatabaseRequired() {
  return absl::InvalidArgumentError("database name required");
}
absl::Status DatabaseNotFound(std::string_view name) {
  return absl::NotFoundError(fmt::format("database not found: {}", name));
}

// The database a statement reads: ON db, else the request's.
absl::StatusOr<std::string> DatabaseOf(const std::optional<influxql::Identifier>& on,
                                       const InfluxQLRequest& request) {
  std::string name = on.has_value() ? on->name : request.database;
  if (name.empty()) {
    return DatabaseRequired();
  }
  return name;
}

bool Matches(const std::string& regex, std::string_view text) {
  RE2 re(regex, RE2::Quiet);
  return re.ok() && RE2::PartialMatch(text, re);
}

// The measurements of `database` that FROM names (all of them when it names none), in name
// order. A named measurement that does not exist is skipped, as InfluxDB does.
absl::StatusOr<std::vector<TablePtr>> Measurements(const catalog::DatabaseSchema& database,
                                                   const std::vector<influxql::Measurement>& from) {
  std::vector<TablePtr> tables;
  for (const TablePtr& table : database.tables()) {
    bool selected = from.empty();
    for (const influxql::Measurement& measurement : from) {
      if (!measurement.database.empty() && measurement.database != database.name()) {
        return absl::InvalidArgumentError(
            fmt::format("FROM {} names another database than {}: use ON {} instead",
                        measurement.ToString(),
                        influxql::QuoteIdentifier(database.name()),
                        influxql::QuoteIdentifier(measurement.database)));
      }
      if (measurement.regex.has_value() ? Matches(*measurement.regex, table->name())
                                        : measurement.name == table->name()) {
        selected = true;
      }
    }
    if (selected) {
      tables.push_back(table);
    }
  }
  std::sort(tables.begin(), tables.end(), [](const TablePtr& a, const TablePtr& b) {
    return a->name() < b->name();
  });
  return tables;
}

// The tag (or field) columns of a table, in name order.
std::vector<const catalog::ColumnSchema*> ColumnsOfKind(const catalog::TableSchema& table,
                                                        catalog::ColumnKind kind) {
  std::vector<const catalog::ColumnSchema*> columns;
  for (const catalog::ColumnSchema& column : table.columns()) {
    if (column.kind == kind) {
      columns.push_back(&column);
    }
  }
  std::sort(columns.begin(),
            columns.end(),
            [](const catalog::ColumnSchema* a, const catalog::ColumnSchema* b) {
              return a->name < b->name;
            });
  return columns;
}

// Applies OFFSET then LIMIT (0: none) to `items`.
template <typename T>
void Page(std::optional<int64_t> limit, std::optional<int64_t> offset, std::vector<T>* items) {
  const size_t skip = static_cast<size_t>(std::max<int64_t>(0, offset.value_or(0)));
  if (skip >= items->size()) {
    items->clear();
  } else if (skip > 0) {
    items->erase(items->begin(), items->begin() + static_cast<std::ptrdiff_t>(skip));
  }
  const int64_t keep = limit.value_or(0);
  if (keep > 0 && static_cast<size_t>(keep) < items->size()) {
    items->resize(static_cast<size_t>(keep));
  }
}

absl::Status UnsupportedCondition(const influxql::Expr& expr) {
  return absl::InvalidArgumentError(
      fmt::format("unsupported condition: {} (conditions compare time, tags or fields with "
                  "values, joined by AND and OR)",
                  expr.ToString()));
}

// SHOW's conditions are narrower than SELECT's: AND and OR of `true`, `false` and comparisons of
// a name with a value (a literal or a bound parameter), or of `time` with a time expression; no
// arithmetic, functions, or names compared with names. This refuses the rest, naming it; the
// translator (influxql_select::ConditionToSql) gives what is left its meaning.
absl::Status CheckShowCondition(const influxql::Expr& expr) {
  if (expr.Is<influxql::LiteralExpr>() &&
      expr.As<influxql::LiteralExpr>().literal_kind == influxql::LiteralKind::kBoolean) {
    return absl::OkStatus();
  }
  if (!expr.Is<influxql::BinaryExpr>()) {
    return UnsupportedCondition(expr);
  }
  const auto& binary = expr.As<influxql::BinaryExpr>();
  if (binary.op == influxql::BinaryOperator::kAnd || binary.op == influxql::BinaryOperator::kOr) {
    STRATA_RETURN_IF_ERROR(CheckShowCondition(*binary.left));
    return CheckShowCondition(*binary.right);
  }
  if (!influxql::IsComparisonOperator(binary.op)) {
    return UnsupportedCondition(expr);
  }
  if (influxql::IsTimeRef(*binary.left) || influxql::IsTimeRef(*binary.right)) {
    return absl::OkStatus();  // EvaluateTimeComparison reads the time expression
  }
  const bool regex = binary.op == influxql::BinaryOperator::kEqRegex ||
                     binary.op == influxql::BinaryOperator::kNotEqRegex;
  const influxql::Expr* value = nullptr;
  if (binary.left->Is<influxql::VarRefExpr>()) {
    value = binary.right.get();
  } else if (binary.right->Is<influxql::VarRefExpr>() && !regex) {
    value = binary.left.get();
  } else {
    return UnsupportedCondition(expr);
  }
  if (!value->Is<influxql::LiteralExpr>() && !value->Is<influxql::BoundParameterExpr>()) {
    return absl::InvalidArgumentError(
        fmt::format("unsupported value in a condition: {}", value->ToString()));
  }
  return absl::OkStatus();
}

// " WHERE <condition>" for `table`, or "" without one. Time comparisons filter the rows read, as
// any other comparison does.
absl::StatusOr<std::string> WhereClause(const influxql::Expr* condition,
                                        const catalog::TableSchema& table,
                                        const InfluxQLRequest& request) {
  if (condition == nullptr) {
    return std::string();
  }
  STRATA_RETURN_IF_ERROR(CheckShowCondition(*condition));
  const influxql_select::EvalContext ctx{.now_ns = request.now_ns, .params = &request.params};
  STRATA_ASSIGN_OR_RETURN(
      std::string sql,
      influxql_select::ConditionToSql(
          condition, table, ctx, influxql_select::TimeComparisons::kAsPredicates));
  return " WHERE " + sql;
}

// Whether some row of `table` satisfies `condition`.
absl::StatusOr<bool> AnyRow(const QueryEngine& engine,
                            const std::string& database,
                            const catalog::TableSchema& table,
                            const influxql::Expr* condition,
                            const InfluxQLRequest& request) {
  STRATA_ASSIGN_OR_RETURN(std::string where, WhereClause(condition, table, request));
  STRATA_ASSIGN_OR_RETURN(SqlRows rows,
                          RunInfluxQLSql(engine,
                                         database,
                                         fmt::format("SELECT 1 FROM {}{} LIMIT 1",
                                                     influxql_select::SqlIdentifier(table.name()),
                                                     where),
                                         request));
  return !rows.rows.empty();
}

Series OneColumnSeries(std::string name,
                       std::string column,
                       const std::vector<std::string>& items) {
  Series series;
  series.name = std::move(name);
  series.columns = {std::move(column)};
  for (const std::string& item : items) {
    series.values.push_back({ResultValue{item}});
  }
  return series;
}

class ShowExecutor {
 public:
  ShowExecutor(const QueryEngine& engine, const InfluxQLRequest& request, StatementResult* result)
      : engine_(engine),
        request_(request),
        result_(result),
        snapshot_(engine.catalog()->snapshot()) {}

  absl::Status Run(const influxql::Statement& statement) {
    switch (statement.kind) {
      case influxql::StatementKind::kShowDatabases:
        return ShowDatabases();
      case influxql::StatementKind::kShowRetentionPolicies:
        return ShowRetentionPolicies(statement.As<influxql::ShowRetentionPoliciesStatement>());
      case influxql::StatementKind::kShowMeasurements:
        return ShowMeasurements(statement.As<influxql::ShowMeasurementsStatement>());
      case influxql::StatementKind::kShowTagKeys:
        return ShowTagKeys(statement.As<influxql::ShowTagKeysStatement>());
      case influxql::StatementKind::kShowTagValues:
        return ShowTagValues(statement.As<influxql::ShowTagValuesStatement>());
      case influxql::StatementKind::kShowFieldKeys:
        return ShowFieldKeys(statement.As<influxql::ShowFieldKeysStatement>());
      case influxql::StatementKind::kShowSeries:
        return ShowSeries(statement.As<influxql::ShowSeriesStatement>());
      case influxql::StatementKind::kSelect:
      case influxql::StatementKind::kExplain:
        break;
    }
    return absl::InternalError("ExecuteInfluxQLShow was given a statement that is not SHOW");
  }

 private:
  // The database a statement reads, which must exist.
  absl::StatusOr<const catalog::DatabaseSchema*> Database(
      const std::optional<influxql::Identifier>& on) {
    STRATA_ASSIGN_OR_RETURN(std::string name, DatabaseOf(on, request_));
    const catalog::DatabaseSchema* database = snapshot_->FindDatabase(name);
    if (database == nullptr) {
      return DatabaseNotFound(name);
    }
    return database;
  }

  absl::Status Cancelled() const {
    if (request_.options.context != nullptr) {
      return request_.options.context->CheckCancelled();
    }
    return absl::OkStatus();
  }

  // SHOW DATABASES: one series "databases" (even when there are none), in creation order.
  absl::Status ShowDatabases() {
    std::vector<std::string> names;
    for (const auto& database : snapshot_->databases()) {
      names.push_back(database->name());
    }
    result_->series.push_back(OneColumnSeries("databases", "name", names));
    return absl::OkStatus();
  }

  // SHOW RETENTION POLICIES: strata keeps data until it is deleted, in one policy per database.
  absl::Status ShowRetentionPolicies(const influxql::ShowRetentionPoliciesStatement& statement) {
    STRATA_RETURN_IF_ERROR(Database(statement.database).status());
    Series series;  // unnamed, as InfluxDB 1.8's
    series.columns = {"name", "duration", "shardGroupDuration", "replicaN", "default"};
    series.values.push_back({ResultValue{std::string("autogen")},
                             ResultValue{std::string("0s")},
                             ResultValue{std::string("168h0m0s")},
                             ResultValue{int64_t{1}},
                             ResultValue{true}});
    result_->series.push_back(std::move(series));
    return absl::OkStatus();
  }

  // SHOW MEASUREMENTS: a database that does not exist has none (InfluxDB 1.8 does not fail).
  absl::Status ShowMeasurements(const influxql::ShowMeasurementsStatement& statement) {
    STRATA_ASSIGN_OR_RETURN(std::string name, DatabaseOf(statement.database, request_));
    const catalog::DatabaseSchema* database = snapshot_->FindDatabase(name);
    if (database == nullptr) {
      return absl::OkStatus();
    }
    std::vector<influxql::Measurement> from;
    if (statement.with_measurement.has_value()) {
      from.push_back(*statement.with_measurement);
      from.back().database.clear();
    }
    STRATA_ASSIGN_OR_RETURN(std::vector<TablePtr> tables, Measurements(*database, from));
    std::vector<std::string> names;
    for (const TablePtr& table : tables) {
      if (statement.condition != nullptr) {
        STRATA_RETURN_IF_ERROR(Cancelled());
        STRATA_ASSIGN_OR_RETURN(bool any,
                                AnyRow(engine_, name, *table, statement.condition.get(), request_));
        if (!any) {
          continue;
        }
      }
      names.push_back(table->name());
    }
    Page(statement.limit, statement.offset, &names);
    if (!names.empty()) {
      result_->series.push_back(OneColumnSeries("measurements", "name", names));
    }
    return absl::OkStatus();
  }

  // SHOW TAG KEYS: the catalog's tag keys; with WHERE, those that some matching row has.
  absl::Status ShowTagKeys(const influxql::ShowTagKeysStatement& statement) {
    STRATA_ASSIGN_OR_RETURN(const catalog::DatabaseSchema* database, Database(statement.database));
    STRATA_ASSIGN_OR_RETURN(std::vector<TablePtr> tables, Measurements(*database, statement.from));
    for (const TablePtr& table : tables) {
      std::vector<std::string> keys;
      std::vector<const catalog::ColumnSchema*> tags =
          ColumnsOfKind(*table, catalog::ColumnKind::kTag);
      if (statement.condition != nullptr && !tags.empty()) {
        STRATA_RETURN_IF_ERROR(Cancelled());
        STRATA_ASSIGN_OR_RETURN(std::string where,
                                WhereClause(statement.condition.get(), *table, request_));
        std::string counts;
        for (size_t i = 0; i < tags.size(); ++i) {
          counts += fmt::format(
              "{}count({})", i > 0 ? ", " : "", influxql_select::SqlIdentifier(tags[i]->name));
        }
        STRATA_ASSIGN_OR_RETURN(
            SqlRows rows,
            RunInfluxQLSql(engine_,
                           database->name(),
                           fmt::format("SELECT {} FROM {}{}",
                                       counts,
                                       influxql_select::SqlIdentifier(table->name()),
                                       where),
                           request_));
        for (size_t i = 0; i < tags.size(); ++i) {
          const int64_t* count =
              rows.rows.empty() ? nullptr : std::get_if<int64_t>(&rows.rows[0][i]);
          if (count != nullptr && *count > 0) {
            keys.push_back(tags[i]->name);
          }
        }
      } else {
        for (const catalog::ColumnSchema* tag : tags) {
          keys.push_back(tag->name);
        }
      }
      Page(statement.limit, statement.offset, &keys);
      if (!keys.empty()) {
        result_->series.push_back(OneColumnSeries(table->name(), "tagKey", keys));
      }
    }
    return absl::OkStatus();
  }

  static bool KeySelected(const influxql::TagKeyFilter& filter, const std::string& key) {
    switch (filter.op) {
      case influxql::TagKeyOperator::kEq:
        return key == filter.keys.at(0).name;
      case influxql::TagKeyOperator::kNotEq:
        return key != filter.keys.at(0).name;
      case influxql::TagKeyOperator::kRegexMatch:
        return Matches(filter.regex, key);
      case influxql::TagKeyOperator::kRegexNotMatch:
        return !Matches(filter.regex, key);
      case influxql::TagKeyOperator::kIn:
        return std::any_of(filter.keys.begin(),
                           filter.keys.end(),
                           [&](const influxql::Identifier& id) { return id.name == key; });
    }
    return false;
  }

  // SHOW TAG VALUES: per measurement, the (key, value) pairs of the selected keys, sorted. One
  // `SELECT DISTINCT "key" FROM "m" ... ORDER BY 1` per key.
  absl::Status ShowTagValues(const influxql::ShowTagValuesStatement& statement) {
    STRATA_ASSIGN_OR_RETURN(const catalog::DatabaseSchema* database, Database(statement.database));
    STRATA_ASSIGN_OR_RETURN(std::vector<TablePtr> tables, Measurements(*database, statement.from));
    for (const TablePtr& table : tables) {
      std::vector<std::pair<std::string, std::string>> pairs;
      std::optional<std::string> where;
      for (const catalog::ColumnSchema* tag : ColumnsOfKind(*table, catalog::ColumnKind::kTag)) {
        if (!KeySelected(statement.key, tag->name)) {
          continue;
        }
        if (!where.has_value()) {
          STRATA_ASSIGN_OR_RETURN(where, WhereClause(statement.condition.get(), *table, request_));
        }
        STRATA_RETURN_IF_ERROR(Cancelled());
        const std::string column = influxql_select::SqlIdentifier(tag->name);
        STRATA_ASSIGN_OR_RETURN(
            SqlRows rows,
            RunInfluxQLSql(engine_,
                           database->name(),
                           fmt::format("SELECT DISTINCT {} FROM {}{} ORDER BY 1",
                                       column,
                                       influxql_select::SqlIdentifier(table->name()),
                                       *where),
                           request_));
        for (std::vector<ResultValue>& row : rows.rows) {
          // Rows without the tag are series without it: they have no value to list.
          if (auto* value = std::get_if<std::string>(&row[0]);
              value != nullptr && !value->empty()) {
            pairs.emplace_back(tag->name, std::move(*value));
          }
        }
      }
      std::sort(pairs.begin(), pairs.end());
      Page(statement.limit, statement.offset, &pairs);
      if (pairs.empty()) {
        continue;
      }
      Series series;
      series.name = table->name();
      series.columns = {"key", "value"};
      for (auto& [key, value] : pairs) {
        series.values.push_back({ResultValue{key}, ResultValue{std::move(value)}});
      }
      result_->series.push_back(std::move(series));
    }
    return absl::OkStatus();
  }

  // SHOW FIELD KEYS: the catalog's fields and their types, per measurement.
  absl::Status ShowFieldKeys(const influxql::ShowFieldKeysStatement& statement) {
    STRATA_ASSIGN_OR_RETURN(const catalog::DatabaseSchema* database, Database(statement.database));
    STRATA_ASSIGN_OR_RETURN(std::vector<TablePtr> tables, Measurements(*database, statement.from));
    for (const TablePtr& table : tables) {
      std::vector<const catalog::ColumnSchema*> fields =
          ColumnsOfKind(*table, catalog::ColumnKind::kField);
      Page(statement.limit, statement.offset, &fields);
      if (fields.empty()) {
        continue;
      }
      Series series;
      series.name = table->name();
      series.columns = {"fieldKey", "fieldType"};
      for (const catalog::ColumnSchema* field : fields) {
        series.values.push_back(
            {ResultValue{field->name},
             ResultValue{std::string(influxql_select::FieldTypeName(field->type))}});
      }
      result_->series.push_back(std::move(series));
    }
    return absl::OkStatus();
  }

  // SHOW SERIES: one unnamed series of keys ("cpu,host=a,region=us"), by measurement, then key.
  absl::Status ShowSeries(const influxql::ShowSeriesStatement& statement) {
    STRATA_ASSIGN_OR_RETURN(const catalog::DatabaseSchema* database, Database(statement.database));
    STRATA_ASSIGN_OR_RETURN(std::vector<TablePtr> tables, Measurements(*database, statement.from));
    std::vector<std::string> keys;
    for (const TablePtr& table : tables) {
      STRATA_RETURN_IF_ERROR(Cancelled());
      std::vector<const catalog::ColumnSchema*> tags =
          ColumnsOfKind(*table, catalog::ColumnKind::kTag);
      if (tags.empty()) {
        STRATA_ASSIGN_OR_RETURN(
            bool any,
            AnyRow(engine_, database->name(), *table, statement.condition.get(), request_));
        if (any) {
          keys.push_back(influxql::SeriesKey(table->name(), {}));
        }
        continue;
      }
      STRATA_ASSIGN_OR_RETURN(std::string where,
                              WhereClause(statement.condition.get(), *table, request_));
      std::string columns;
      std::string order;
      for (size_t i = 0; i < tags.size(); ++i) {
        columns +=
            fmt::format("{}{}", i > 0 ? ", " : "", influxql_select::SqlIdentifier(tags[i]->name));
        order += fmt::format("{}{}", i > 0 ? ", " : "", i + 1);
      }
      STRATA_ASSIGN_OR_RETURN(
          SqlRows rows,
          RunInfluxQLSql(engine_,
                         database->name(),
                         fmt::format("SELECT DISTINCT {} FROM {}{} ORDER BY {}",
                                     columns,
                                     influxql_select::SqlIdentifier(table->name()),
                                     where,
                                     order),
                         request_));
      std::vector<std::string> table_keys;
      for (const std::vector<ResultValue>& row : rows.rows) {
        std::vector<std::pair<std::string, std::string>> tag_values;
        for (size_t i = 0; i < tags.size(); ++i) {
          if (const auto* value = std::get_if<std::string>(&row[i])) {
            tag_values.emplace_back(tags[i]->name, *value);
          }
        }
        table_keys.push_back(influxql::SeriesKey(table->name(), std::move(tag_values)));
      }
      std::sort(table_keys.begin(), table_keys.end());
      table_keys.erase(std::unique(table_keys.begin(), table_keys.end()), table_keys.end());
      keys.insert(keys.end(), table_keys.begin(), table_keys.end());
    }
    Page(statement.limit, statement.offset, &keys);
    if (!keys.empty()) {
      result_->series.push_back(OneColumnSeries("", "key", keys));
    }
    return absl::OkStatus();
  }

  const QueryEngine& engine_;
  const InfluxQLRequest& request_;
  StatementResult* result_;
  const std::shared_ptr<const catalog::CatalogSnapshot> snapshot_;
};

}  // namespace

absl::StatusOr<StatementResult> ExecuteInfluxQLShow(const QueryEngine& engine,
                                                    const influxql::Statement& statement,
                                                    int statement_id,
                                                    const InfluxQLRequest& request) {
  StatementResult result;
  result.statement_id = statement_id;
  ShowExecutor executor(engine, request, &result);
  if (absl::Status status = executor.Run(statement); !status.ok()) {
    if (!IsInfluxQLStatementError(status)) {
      return status;
    }
    StatementResult failed;
    failed.statement_id = statement_id;
    failed.error = std::string(status.message());
    return failed;
  }
  return result;
}

}  // namespace strata::query
