// Operator precedence levels shared by the expression parser and the SQL printer (ast.cc), so
// canonical SQL gets exactly the parentheses that the parser needs to rebuild the same tree. The
// table, lowest first, is PostgreSQL's (see parser.h).
#pragma once

#include <cstdint>

#include "sql/ast.h"

namespace strata::sql {

enum class Precedence : uint8_t {
  kLowest = 0,
  kOr,              // OR                                   left-associative
  kAnd,             // AND                                  left-associative
  kNot,             // NOT (prefix)
  kIs,              // IS [NOT] NULL/TRUE/FALSE/UNKNOWN, IS [NOT] DISTINCT FROM   non-associative
  kComparison,      // = <> != < <= > >=                    non-associative
  kLikeBetweenIn,   // [NOT] LIKE/ILIKE/BETWEEN/IN          non-associative
  kOtherOperator,   // || ~ ~* !~ !~*                       left-associative
  kAdditive,        // + -                                  left-associative
  kMultiplicative,  // * / %                                left-associative
  kUnary,           // - + (prefix)
  kCast,            // :: and ['field'] (postfix)           left-associative
  kPrimary,         // literals, names, calls, CASE, CAST(...), (subquery), parentheses
};

// Returns true for the levels whose operators do not chain without parentheses.
inline bool IsNonAssociative(Precedence level) {
  return level == Precedence::kIs || level == Precedence::kComparison ||
         level == Precedence::kLikeBetweenIn;
}

// Returns the level of a binary operator.
Precedence PrecedenceOf(BinaryOperator op);

// Returns the level at which `expr` binds when printed: its operator's level, kUnary for a
// negative number literal (it prints with a leading '-'), kNot for NOT EXISTS, kPrimary for
// everything that needs no parentheses.
Precedence PrintPrecedence(const Expr& expr);

}  // namespace strata::sql
