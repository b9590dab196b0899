// Splits SQL text into statements at semicolons, for `strata query` reading a script from
// standard input or an interactive shell collecting a multi-line statement.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace strata::cli {

// Accumulates SQL text and cuts it at each ';' that is outside a '...' string, a "..."
// identifier, a -- comment and a /* */ comment (a doubled quote inside quotes is an escaped
// quote, as in SQL). Statements come back trimmed, without their ';'; empty ones are dropped.
class StatementSplitter {
 public:
  // Appends `text` (for line input, include the newline so a -- comment ends) and returns the
  // statements it completed, in order.
  std::vector<std::string> Feed(std::string_view text);

  // True when text that is not only whitespace was fed since the last complete statement.
  bool HasPending() const;
  // Returns the incomplete statement (trimmed) and forgets it.
  std::string TakePending();

 private:
  enum class State { kCode, kSingleQuote, kDoubleQuote, kLineComment, kBlockComment };

  std::string current_;
  State state_ = State::kCode;
};

}  // namespace strata::cli
