// The invariants the parser fuzzers (sql_parser_fuzzer.cc, influxql_parser_fuzzer.cc) check on
// every input, whatever the language: a parse error is a well-formed syntax error (InvalidArgument
// naming a position inside the input, valid UTF-8); a tree that parses passes the fuzzer's own
// walk and prints to canonical text that parses again and prints to the same text.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "common/utf8.h"
#include "sql/source_position.h"

namespace strata::fuzz {

// Reports a broken invariant and aborts, which libFuzzer records as a crash with this input.
[[noreturn]] inline void Die(std::string_view what, std::string_view detail = {}) {
  std::fprintf(stderr,
               "parser fuzzer: invariant broken: %.*s\n%.*s\n",
               static_cast<int>(what.size()),
               what.data(),
               static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

inline std::string_view Message(const absl::Status& status) {
  return std::string_view(status.message().data(), status.message().size());
}

// Checks that `status`, the error of parsing `text`, is a syntax error naming its position.
inline void CheckSyntaxError(const absl::Status& status, std::string_view text) {
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

// Checks that the canonical text of `node` (a "statement" or an "expression", as `what` says)
// parses again with `parse` and prints to the same text. Printing may add parentheses, so a tree
// near the parser's depth limit may print deeper than it was written: that error is let pass.
template <typename Node, typename Parse>
void CheckRoundTrip(std::string_view what, const Node& node, Parse parse) {
  const std::string canonical = node.ToString();
  auto again = parse(canonical);
  if (!again.ok()) {
    if (Message(again.status()).find("nested too deeply") != std::string_view::npos) {
      return;
    }
    Die(std::string("canonical ") + std::string(what) + " does not parse",
        canonical + "\n" + std::string(Message(again.status())));
  }
  const std::string reprinted = (*again)->ToString();
  if (reprinted != canonical) {
    Die(std::string("canonical ") + std::string(what) + " is not a fixed point",
        canonical + "\n" + reprinted);
  }
}

// Parses `text` as statements and as an expression and checks both: errors with
// CheckSyntaxError; trees with `TreeChecker` (constructed from `text`, with Statement() and Expr()
// that Die on what they find wrong) and CheckRoundTrip. The parse functions take the text alone.
template <typename TreeChecker,
          typename ParseStatements,
          typename ParseStatement,
          typename ParseExpression>
void CheckParser(std::string_view text,
                 ParseStatements parse_statements,
                 ParseStatement parse_statement,
                 ParseExpression parse_expression) {
  auto statements = parse_statements(text);
  if (!statements.ok()) {
    CheckSyntaxError(statements.status(), text);
  } else {
    if (statements->empty()) {
      Die("ParseStatements succeeded without a statement");
    }
    const TreeChecker checker(text);
    for (const auto& statement : *statements) {
      checker.Statement(*statement);
      CheckRoundTrip("statement", *statement, parse_statement);
    }
  }
  auto expr = parse_expression(text);
  if (!expr.ok()) {
    CheckSyntaxError(expr.status(), text);
    return;
  }
  TreeChecker(text).Expr(**expr);
  CheckRoundTrip("expression", **expr, parse_expression);
}

}  // namespace strata::fuzz
