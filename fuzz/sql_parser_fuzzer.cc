// libFuzzer target for the SQL lexer and parser. Each input is parsed as statements and as an
// expression. Errors must be well-formed syntax errors (InvalidArgument, a position inside the
// input, valid UTF-8). Trees that parse are walked (every node's position lies inside the input)
// and printed; the canonical text must parse again and print to the same text (the round-trip
// invariant that tests and EXPLAIN rely on).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "common/utf8.h"
#include "sql/ast.h"
#include "sql/parser.h"
#include "sql/source_position.h"

namespace strata::sql {
namespace {

[[noreturn]] void Die(const char* what, std::string_view detail = {}) {
  std::fprintf(stderr,
               "sql_parser_fuzzer: invariant broken: %s\n%.*s\n",
               what,
               static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

std::string_view Message(const absl::Status& status) {
  return std::string_view(status.message().data(), status.message().size());
}

void CheckError(const absl::Status& status, std::string_view sql) {
  if (status.code() != absl::StatusCode::kInvalidArgument) {
    Die("parse error is not InvalidArgument", Message(status));
  }
  if (!Message(status).starts_with("syntax error at line ")) {
    Die("parse error does not name its position", Message(status));
  }
  if (FindInvalidUtf8(Message(status)) != std::string_view::npos) {
    Die("parse error message is not valid UTF-8", Message(status));
  }
  const std::optional<size_t> offset = SyntaxErrorOffset(status);
  if (!offset.has_value() || *offset > sql.size()) {
    Die("parse error offset missing or outside the input", Message(status));
  }
}

// Walks a tree and checks that every node's position lies inside the input.
class PositionChecker {
 public:
  explicit PositionChecker(std::string_view sql) : size_(sql.size()) {}

  void Check(size_t position) const {
    if (position > size_) {
      Die("node position outside the input");
    }
  }

  void Statement(const sql::Statement& statement) const {
    Check(statement.position);
    switch (statement.kind) {
      case StatementKind::kQuery:
        return Query(*statement.As<QueryStatement>().query);
      case StatementKind::kExplain:
        return Query(*statement.As<ExplainStatement>().query);
      case StatementKind::kShowTables:
        return;
      case StatementKind::kShowColumns:
        for (const Identifier& part : statement.As<ShowColumnsStatement>().table) {
          Check(part.position);
        }
        return;
    }
  }

  void Query(const sql::Query& query) const {
    Check(query.position);
    for (const CommonTableExpr& cte : query.with) {
      Check(cte.position);
      Query(*cte.query);
    }
    Body(*query.body);
    for (const OrderByItem& item : query.order_by) {
      Expr(*item.expr);
    }
    if (query.limit != nullptr) {
      Expr(*query.limit);
    }
    if (query.offset != nullptr) {
      Expr(*query.offset);
    }
  }

  void Body(const QueryBody& body) const {
    Check(body.position);
    switch (body.kind) {
      case QueryBodyKind::kSelect: {
        const auto& select = body.As<Select>();
        if (select.items.empty()) {
          Die("SELECT without items");
        }
        for (const SelectItem& item : select.items) {
          Check(item.position);
          if ((item.kind == SelectItem::Kind::kExpression) != (item.expr != nullptr)) {
            Die("select item kind does not match its expression");
          }
          if (item.expr != nullptr) {
            Expr(*item.expr);
          }
        }
        for (const auto& ref : select.from) {
          Table(*ref);
        }
        for (const auto* expr : {select.where.get(), select.having.get()}) {
          if (expr != nullptr) {
            Expr(*expr);
          }
        }
        for (const auto& expr : select.group_by) {
          Expr(*expr);
        }
        return;
      }
      case QueryBodyKind::kSetOperation:
        Body(*body.As<SetOperation>().left);
        Body(*body.As<SetOperation>().right);
        return;
      case QueryBodyKind::kNestedQuery:
        return Query(*body.As<NestedQuery>().query);
    }
  }

  void Table(const TableRef& ref) const {
    Check(ref.position);
    switch (ref.kind) {
      case TableRefKind::kTable:
        return;
      case TableRefKind::kSubquery:
        return Query(*ref.As<SubqueryTableRef>().subquery);
      case TableRefKind::kTableFunction:
        for (const auto& arg : ref.As<TableFunctionRef>().args) {
          Expr(*arg);
        }
        return;
      case TableRefKind::kJoin: {
        const auto& join = ref.As<JoinTableRef>();
        Table(*join.left);
        Table(*join.right);
        const bool has_condition = join.condition != nullptr || !join.using_columns.empty();
        if (has_condition == (join.join_type == JoinType::kCross)) {
          Die("join condition does not match the join type");
        }
        if (join.condition != nullptr) {
          Expr(*join.condition);
        }
        return;
      }
    }
  }

  void Expr(const sql::Expr& expr) const {
    Check(expr.position);
    switch (expr.kind) {
      case ExprKind::kInSubquery:
        Query(*expr.As<InSubqueryExpr>().subquery);
        break;
      case ExprKind::kExists:
        Query(*expr.As<ExistsExpr>().subquery);
        break;
      case ExprKind::kSubquery:
        Query(*expr.As<SubqueryExpr>().subquery);
        break;
      default:
        break;
    }
    ForEachChild(expr, [this](const sql::Expr& child) { Expr(child); });
  }

 private:
  size_t size_;
};

bool IsDepthError(const absl::Status& status) {
  return Message(status).find("nested too deeply") != std::string_view::npos;
}

void CheckStatements(std::string_view sql) {
  absl::StatusOr<std::vector<std::unique_ptr<Statement>>> statements = ParseStatements(sql);
  if (!statements.ok()) {
    CheckError(statements.status(), sql);
    return;
  }
  if (statements->empty()) {
    Die("ParseStatements succeeded without a statement");
  }
  const PositionChecker checker(sql);
  for (const auto& statement : *statements) {
    checker.Statement(*statement);
    const std::string canonical = statement->ToString();
    absl::StatusOr<std::unique_ptr<Statement>> again = ParseStatement(canonical);
    if (!again.ok()) {
      // Printing may add parentheses (a = (NOT b)), so a tree near the depth limit may print
      // deeper than it was written.
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

void CheckExpression(std::string_view sql) {
  absl::StatusOr<std::unique_ptr<Expr>> expr = ParseExpression(sql);
  if (!expr.ok()) {
    CheckError(expr.status(), sql);
    return;
  }
  PositionChecker(sql).Expr(**expr);
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
}  // namespace strata::sql

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view sql(reinterpret_cast<const char*>(data), size);
  strata::sql::CheckStatements(sql);
  strata::sql::CheckExpression(sql);
  return 0;
}
