// libFuzzer target for the SQL lexer and parser. Each input is parsed as statements and as an
// expression. Errors must be well-formed syntax errors (InvalidArgument, a position inside the
// input, valid UTF-8). Trees that parse are walked (every node's position lies inside the input)
// and printed; the canonical text must parse again and print to the same text (the round-trip
// invariant that tests and EXPLAIN rely on). The checks both parser fuzzers make are in
// parser_invariants.h; this file walks SQL's trees.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "fuzz/parser_invariants.h"
#include "sql/ast.h"
#include "sql/parser.h"

namespace strata::sql {
namespace {

using fuzz::Die;

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

}  // namespace
}  // namespace strata::sql

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace sql = strata::sql;
  strata::fuzz::CheckParser<sql::PositionChecker>(
      std::string_view(reinterpret_cast<const char*>(data), size),
      [](std::string_view text) { return sql::ParseStatements(text); },
      [](std::string_view text) { return sql::ParseStatement(text); },
      [](std::string_view text) { return sql::ParseExpression(text); });
  return 0;
}
