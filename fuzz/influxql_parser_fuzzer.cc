// libFuzzer target for the InfluxQL lexer and parser. Each input is parsed as statements and as an
// expression. Errors must be well-formed syntax errors (InvalidArgument, a position inside the
// input, valid UTF-8). Trees that parse are walked (every node's position lies inside the input,
// and the shapes the AST promises hold) and printed; the canonical text must parse again and
// print to the same text (the round-trip invariant that tests and the translator rely on).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "common/utf8.h"
#include "influxql/ast.h"
#include "influxql/parser.h"
#include "sql/source_position.h"

namespace strata::influxql {
namespace {

[[noreturn]] void Die(const char* what, std::string_view detail = {}) {
  std::fprintf(stderr,
               "influxql_parser_fuzzer: invariant broken: %s\n%.*s\n",
               what,
               static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

std::string_view Message(const absl::Status& status) {
  return std::string_view(status.message().data(), status.message().size());
}

void CheckError(const absl::Status& status, std::string_view text) {
  if (status.code() != absl::StatusCode::kInvalidArgument) {
    Die("parse error is not InvalidArgument", Message(status));
  }
  if (!Message(status).starts_with("syntax error at line ")) {
    Die("parse error does not name its position", Message(status));
  }
  if (FindInvalidUtf8(Message(status)) != std::string_view::npos) {
    Die("parse error message is not valid UTF-8", Message(status));
  }
  const std::optional<size_t> offset = sql::SyntaxErrorOffset(status);
  if (!offset.has_value() || *offset > text.size()) {
    Die("parse error offset missing or outside the input", Message(status));
  }
}

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

bool IsDepthError(const absl::Status& status) {
  return Message(status).find("nested too deeply") != std::string_view::npos;
}

void CheckStatements(std::string_view text) {
  absl::StatusOr<std::vector<std::unique_ptr<Statement>>> statements = ParseStatements(text);
  if (!statements.ok()) {
    CheckError(statements.status(), text);
    return;
  }
  if (statements->empty()) {
    Die("ParseStatements succeeded without a statement");
  }
  const TreeChecker checker(text);
  for (const auto& statement : *statements) {
    checker.Statement(*statement);
    const std::string canonical = statement->ToString();
    absl::StatusOr<std::unique_ptr<Statement>> again = ParseStatement(canonical);
    if (!again.ok()) {
      // Printing may add parentheses (`a * -b` prints as `a * (-1 * b)`), so a tree near the
      // depth limit may print deeper than it was written.
      if (IsDepthError(again.status())) {
        continue;
      }
      Die("canonical statement does not parse",
          canonical + "\n" + std::string(Message(again.status())));
    }
    const std::string reprinted = (*again)->ToString();
    if (reprinted != canonical) {
      Die("canonical statement is not a fixed point", canonical + "\n" + reprinted);
    }
  }
}

void CheckExpression(std::string_view text) {
  absl::StatusOr<std::unique_ptr<Expr>> expr = ParseExpression(text);
  if (!expr.ok()) {
    CheckError(expr.status(), text);
    return;
  }
  TreeChecker(text).Expr(**expr);
  const std::string canonical = (*expr)->ToString();
  absl::StatusOr<std::unique_ptr<Expr>> again = ParseExpression(canonical);
  if (!again.ok()) {
    if (IsDepthError(again.status())) {
      return;
    }
    Die("canonical expression does not parse",
        canonical + "\n" + std::string(Message(again.status())));
  }
  const std::string reprinted = (*again)->ToString();
  if (reprinted != canonical) {
    Die("canonical expression is not a fixed point", canonical + "\n" + reprinted);
  }
}

}  // namespace
}  // namespace strata::influxql

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  strata::influxql::CheckStatements(text);
  strata::influxql::CheckExpression(text);
  return 0;
}
