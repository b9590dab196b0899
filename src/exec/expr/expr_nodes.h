// Shared pieces of the physical expression node implementations (exec/expr/*.cc): evaluation of
// a child over a batch restricted to some rows, used by CASE and by the functions that evaluate
// lazily.
#pragma once

#include <string>

#include "exec/physical_expr.h"

namespace strata::exec {

// The display text of a child: parenthesized when it is itself a binary operation, so that
// `(a + b) * c` prints unambiguously.
std::string ChildText(const PhysicalExpr& child);

}  // namespace strata::exec
