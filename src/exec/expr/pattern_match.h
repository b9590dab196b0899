// LIKE/ILIKE and regular expression matching (RE2) over string columns. Patterns given as
// literals are compiled once, when the expression is built; patterns that vary per row are
// compiled once per distinct pattern per batch. Dictionary columns are matched once per distinct
// value, not once per row.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "exec/datum.h"
#include "re2/re2.h"

namespace strata::exec {

// A compiled LIKE pattern: `%` matches any sequence, `_` one character (UTF-8), a backslash
// makes the next character literal. Exact, prefix (`abc%`), suffix (`%abc`) and substring
// (`%abc%`) patterns are matched without a regular expression. Immutable; thread-safe.
class LikePattern {
 public:
  // Error (InvalidArgument) for a pattern that ends with a lone backslash.
  static absl::StatusOr<LikePattern> Compile(std::string_view pattern, bool case_insensitive);

  bool Matches(std::string_view value) const;

 private:
  enum class Kind { kExact, kPrefix, kSuffix, kContains, kRegex };
  Kind kind_ = Kind::kExact;
  std::string literal_;
  std::shared_ptr<const RE2> regex_;
};

// Compiles a regular expression; `flags` as PostgreSQL's regexp functions take them (i: case
// insensitive, c: case sensitive, s: `.` matches newline, m: multi-line `^`/`$`; g is the
// caller's business). Error: "invalid regular expression '(': missing ): (".
absl::StatusOr<std::shared_ptr<const RE2>> CompileRegex(std::string_view pattern,
                                                        std::string_view flags = "");

// `input [NOT] [I]LIKE pattern`. `compiled` is the pattern when it is a literal (may be null).
absl::StatusOr<Datum> EvaluateLike(const Datum& input,
                                   const Datum& pattern,
                                   bool case_insensitive,
                                   bool negated,
                                   const LikePattern* compiled);

// `input ~ pattern` (partial match, as PostgreSQL) and its case-insensitive and negated forms.
// `compiled` is the pattern when it is a literal (may be null).
absl::StatusOr<Datum> EvaluateRegexMatch(const Datum& input,
                                         const Datum& pattern,
                                         bool case_insensitive,
                                         bool negated,
                                         const RE2* compiled);

}  // namespace strata::exec
