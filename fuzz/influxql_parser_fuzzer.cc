// libFuzzer target for the InfluxQL lexer and parser. Each input is parsed as statements and as an
// expression. Errors must be well-formed syntax errors (InvalidArgument, a position inside the
// input, valid UTF-8). Trees that parse are walked (every node's position lies inside the input,
// and the shapes the AST promises hold) and printed; the canonical text must parse again and
// print to the same text (the round-trip invariant that tests and the translator rely on). The
// checks both parser fuzzers make are in parser_invariants.h; this file walks InfluxQL's trees.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/parser_invariants.h"
#include "influxql/ast.h"
#include "influxql/parser.h"

namespace strata::influxql {
namespace {

using fuzz::Die;

// Walks a tree and checks that every node's position lies inside the input and that the shapes
// the AST documents hold.
class TreeChecker {
 public:
  explicit TreeChecker(std::string_view text) : size_(text.size()) {}

  void Check(size_t position) const {
    if (position > size_) {
      Die("node position outside the input");
    }
  }

  void Statement(const influxql::Statement& statement) const {
    Check(statement.position);
    switch (statement.kind) {
      case StatementKind::kSelect:
        return Select(statement.As<SelectStatement>());
      case StatementKind::kExplain:
        return Select(*statement.As<ExplainStatement>().select);
      case StatementKind::kShowDatabases:
        return;
      case StatementKind::kShowRetentionPolicies:
        return Database(statement.As<ShowRetentionPoliciesStatement>().database);
      case StatementKind::kShowMeasurements: {
        const auto& show = statement.As<ShowMeasurementsStatement>();
        Database(show.database);
        if (show.with_measurement.has_value()) {
          Measurement(*show.with_measurement);
        }
        return Condition(show.condition);
      }
      case StatementKind::kShowTagKeys: {
        const auto& show = statement.As<ShowTagKeysStatement>();
        Database(show.database);
        Measurements(show.from);
        return Condition(show.condition);
      }
      case StatementKind::kShowTagValues: {
        const auto& show = statement.As<ShowTagValuesStatement>();
        Database(show.database);
        Measurements(show.from);
        Check(show.key.position);
        const bool list = show.key.op == TagKeyOperator::kIn;
        const bool one =
            show.key.op == TagKeyOperator::kEq || show.key.op == TagKeyOperator::kNotEq;
        if ((list && show.key.keys.empty()) || (one && show.key.keys.size() != 1) ||
            (!list && !one && !show.key.keys.empty())) {
          Die("tag key filter keys do not match its operator");
        }
        for (const Identifier& key : show.key.keys) {
          Check(key.position);
        }
        return Condition(show.condition);
      }
      case StatementKind::kShowFieldKeys: {
        const auto& show = statement.As<ShowFieldKeysStatement>();
        Database(show.database);
        return Measurements(show.from);
      }
      case StatementKind::kShowSeries: {
        const auto& show = statement.As<ShowSeriesStatement>();
        Database(show.database);
        Measurements(show.from);
        return Condition(show.condition);
      }
    }
  }

  void Select(const SelectStatement& select) const {
    Check(select.position);
    if (select.fields.empty() || select.sources.empty()) {
      Die("SELECT without fields or sources");
    }
    for (const Field& field : select.fields) {
      Check(field.position);
      Expr(*field.expr);
      if (field.alias.has_value()) {
        Check(field.alias->position);
      }
    }
    for (const auto& source : select.sources) {
      Check(source->position);
      if (source->Is<SubquerySource>()) {
        Select(*source->As<SubquerySource>().select);
      } else {
        Measurement(source->As<MeasurementSource>().measurement);
      }
    }
    Condition(select.condition);
    for (const Dimension& dimension : select.dimensions) {
      Check(dimension.position);
      if (dimension.kind == Dimension::Kind::kTime) {
        if (dimension.interval <= 0) {
          Die("GROUP BY time() with an interval that is not positive");
        }
        if (dimension.offset.has_value()) {
          Check(dimension.offset->position);
        }
      }
    }
    for (const auto* position :
         {select.fill.has_value() ? &select.fill->position : nullptr,
          select.order_by.has_value() ? &select.order_by->position : nullptr,
          select.time_zone.has_value() ? &select.time_zone->position : nullptr}) {
      if (position != nullptr) {
        Check(*position);
      }
    }
    for (const auto* count :
         {&select.limit, &select.offset, &select.series_limit, &select.series_offset}) {
      if (count->has_value() && **count < 0) {
        Die("negative LIMIT, OFFSET, SLIMIT or SOFFSET");
      }
    }
  }

  void Measurement(const influxql::Measurement& measurement) const {
    Check(measurement.position);
    if (measurement.regex.has_value() == !measurement.name.empty()) {
      Die("a measurement needs exactly one of a name and a regex");
    }
  }

  void Measurements(const std::vector<influxql::Measurement>& measurements) const {
    for (const influxql::Measurement& measurement : measurements) {
      Measurement(measurement);
    }
  }

  void Database(const std::optional<Identifier>& database) const {
    if (database.has_value()) {
      Check(database->position);
    }
  }

  void Condition(const std::unique_ptr<influxql::Expr>& condition) const {
    if (condition != nullptr) {
      Expr(*condition);
    }
  }

  void Expr(const influxql::Expr& expr) const {
    Check(expr.position);
    if (expr.Is<BinaryExpr>()) {
      const auto& binary = expr.As<BinaryExpr>();
      if (binary.left == nullptr || binary.right == nullptr) {
        Die("binary operator without two operands");
      }
    }
    ForEachChild(expr, [this](const influxql::Expr& child) { Expr(child); });
  }

 private:
  size_t size_;
};

}  // namespace
}  // namespace strata::influxql

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace influxql = strata::influxql;
  strata::fuzz::CheckParser<influxql::TreeChecker>(
      std::string_view(reinterpret_cast<const char*>(data), size),
      [](std::string_view text) { return influxql::ParseStatements(text); },
      [](std::string_view text) { return influxql::ParseStatement(text); },
      [](std::string_view text) { return influxql::ParseExpression(text); });
  return 0;
}
